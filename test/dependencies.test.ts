import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KubectlV32Layer } from '@aws-cdk/lambda-layer-kubectl-v32';
import { App, Aspects, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import { AwsSolutionsChecks } from 'cdk-nag';
import { HyperPodEksCluster, InstanceType } from '../src';
import { HyperPodDependencies, HyperPodDependenciesProps } from '../src/dependencies';
import { EksClusterReference } from '../src/eks-cluster-reference';
import { HelmChartSource } from '../src/helm-chart-source';
import { testApp } from './support/stacks';

const env = { account: '123456789012', region: 'eu-west-1' };
const CHART = path.join(__dirname, 'fixtures', 'hyperpod-chart');
const CLUSTER_ARN = 'arn:aws:eks:eu-west-1:123456789012:cluster/ml-eks';
const HELM = 'Custom::AWSCDK-EKS-HelmChart';

function stack(): Stack {
  return new Stack(testApp(), 'Stack', { env });
}

function arnOnly(s: Stack): eks.IClusterRef {
  return EksClusterReference.fromClusterArn(s, 'Eks', CLUSTER_ARN);
}

function v2Cluster(s: Stack, kubectl = true): eksv2.Cluster {
  return new eksv2.Cluster(s, 'Eks', {
    version: eksv2.KubernetesVersion.V1_32,
    kubectlProviderOptions: kubectl ? { kubectlLayer: new KubectlV32Layer(s, 'KubectlLayer') } : undefined,
  });
}

function v1Cluster(s: Stack): eks.Cluster {
  return new eks.Cluster(s, 'Eks', {
    version: eks.KubernetesVersion.V1_32,
    kubectlLayer: new KubectlV32Layer(s, 'KubectlLayer'),
    authenticationMode: eks.AuthenticationMode.API,
    defaultCapacity: 0,
  });
}

/** The logical ID of the add-on of that name. */
function addonId(t: Template, name: string): string {
  const ids = Object.keys(t.findResources('AWS::EKS::Addon', { Properties: { AddonName: name } }));
  expect(ids).toHaveLength(1);
  return ids[0];
}

/** The parsed Values of the only Helm chart of the template. */
function chartValues(t: Template): any {
  const charts = Object.values(t.findResources(HELM));
  expect(charts).toHaveLength(1);
  return JSON.parse(charts[0].Properties.Values);
}

function expectProblem(props: (s: Stack) => HyperPodDependenciesProps, message: string | RegExp): void {
  const s = stack();
  expect(() => new HyperPodDependencies(s, 'Deps', props(s))).toThrow(message);
}

describe('add-ons', () => {
  test('defaults: only the Pod Identity agent, on the referenced cluster, without IAM', () => {
    const s = stack();
    const deps = new HyperPodDependencies(s, 'Deps', { eksCluster: arnOnly(s) });
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::EKS::Addon', 1);
    t.hasResourceProperties('AWS::EKS::Addon', {
      AddonName: 'eks-pod-identity-agent', ClusterName: 'ml-eks', AddonVersion: Match.absent(),
    });
    t.resourceCountIs('AWS::IAM::Role', 0);
    expect(deps.podIdentityAgent).toBe(true);
    expect(deps.addons.map((a) => a.addonName)).toEqual(['eks-pod-identity-agent']);
    expect(deps.trainingOperatorRole).toBeUndefined();
    expect(deps.helmChart).toBeUndefined();
  });

  test('training operator: cert-manager by default, Pod Identity role and association, OVERWRITE', () => {
    const s = stack();
    const deps = new HyperPodDependencies(s, 'Deps', { eksCluster: arnOnly(s), trainingOperator: true });
    const t = Template.fromStack(s);
    expect(deps.addons.map((a) => a.addonName)).toEqual(
      ['eks-pod-identity-agent', 'cert-manager', 'amazon-sagemaker-hyperpod-training-operator']);
    t.hasResourceProperties('AWS::EKS::Addon', {
      AddonName: 'cert-manager', ClusterName: 'ml-eks', PodIdentityAssociations: Match.absent(), ResolveConflicts: Match.absent(),
    });
    const roleId = Object.keys(t.findResources('AWS::IAM::Role'))[0];
    t.hasResourceProperties('AWS::EKS::Addon', {
      AddonName: 'amazon-sagemaker-hyperpod-training-operator',
      ClusterName: 'ml-eks',
      ResolveConflicts: 'OVERWRITE',
      PodIdentityAssociations: [{
        ServiceAccount: 'hp-training-operator-controller-manager',
        RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
      }],
    });
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'],
        }],
      },
      ManagedPolicyArns: [{
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSageMakerHyperPodTrainingOperatorAccess']],
      }],
    });
    expect(deps.trainingOperatorRole).toBeDefined();
    const operator = t.findResources('AWS::EKS::Addon', { Properties: { AddonName: 'amazon-sagemaker-hyperpod-training-operator' } });
    expect(Object.values(operator)[0].DependsOn).toEqual(expect.arrayContaining(
      [addonId(t, 'eks-pod-identity-agent'), addonId(t, 'cert-manager')]));
  });

  test('task governance: no IAM; the training operator installs after it', () => {
    const s = stack();
    new HyperPodDependencies(s, 'Deps', { eksCluster: arnOnly(s), taskGovernance: true, trainingOperator: true });
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::EKS::Addon', {
      AddonName: 'amazon-sagemaker-hyperpod-taskgovernance',
      ClusterName: 'ml-eks',
      PodIdentityAssociations: Match.absent(),
      ServiceAccountRoleArn: Match.absent(),
    });
    const operator = t.findResources('AWS::EKS::Addon', { Properties: { AddonName: 'amazon-sagemaker-hyperpod-training-operator' } });
    expect(Object.values(operator)[0].DependsOn).toContain(addonId(t, 'amazon-sagemaker-hyperpod-taskgovernance'));
  });

  test('cert-manager alone, without the Pod Identity agent; and nothing at all', () => {
    const s = stack();
    new HyperPodDependencies(s, 'Deps', { eksCluster: arnOnly(s), podIdentityAgent: false, certManager: true });
    new HyperPodDependencies(s, 'None', { eksCluster: EksClusterReference.fromClusterArn(s, 'Eks2', CLUSTER_ARN), podIdentityAgent: false });
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::EKS::Addon', 1);
    t.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'cert-manager' });
  });

  test('addonVersions pins each add-on', () => {
    const s = stack();
    const addonVersions = {
      'eks-pod-identity-agent': 'v1.3.4-eksbuild.1',
      'cert-manager': 'v1.18.2-eksbuild.2',
      'amazon-sagemaker-hyperpod-training-operator': 'v1.0.0-eksbuild.1',
      'amazon-sagemaker-hyperpod-taskgovernance': 'v1.3.0-eksbuild.1',
    };
    new HyperPodDependencies(s, 'Deps', { eksCluster: arnOnly(s), trainingOperator: true, taskGovernance: true, addonVersions });
    const t = Template.fromStack(s);
    for (const [AddonName, AddonVersion] of Object.entries(addonVersions)) {
      t.hasResourceProperties('AWS::EKS::Addon', { AddonName, AddonVersion });
    }
  });

  test('an aws-eks-v2 Cluster keeps one Pod Identity agent add-on: its own, pinned, and waited for', () => {
    const s = stack();
    const cluster = v2Cluster(s);
    void cluster.eksPodIdentityAgent; // as addServiceAccount with Pod Identity does
    const deps = new HyperPodDependencies(s, 'Deps', {
      eksCluster: cluster, trainingOperator: true, addonVersions: { 'eks-pod-identity-agent': 'v1.3.4-eksbuild.1' },
    });
    const dependent = new CfnResource(s, 'HyperPod', { type: 'AWS::CloudFormation::WaitConditionHandle' });
    dependent.node.addDependency(deps);
    const t = Template.fromStack(s);
    t.resourcePropertiesCountIs('AWS::EKS::Addon', { AddonName: 'eks-pod-identity-agent' }, 1);
    t.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'eks-pod-identity-agent', AddonVersion: 'v1.3.4-eksbuild.1' });
    expect(deps.addons[0].node.path).toBe('Stack/Eks/EksPodIdentityAgentAddon/Resource');
    const agentId = addonId(t, 'eks-pod-identity-agent');
    // depending on the construct waits for the prerequisites only: the operators come after the HyperPod cluster
    expect(t.toJSON().Resources.HyperPod.DependsOn).toEqual([agentId]);
  });

  test('the operators are installed after the HyperPod cluster in the same stack, and never across stacks', () => {
    const s = stack();
    const deps = new HyperPodDependencies(s, 'Deps', { eksCluster: v2Cluster(s), trainingOperator: true, taskGovernance: true });
    const hyperPod = new CfnResource(s, 'HyperPod', { type: 'AWS::CloudFormation::WaitConditionHandle' });
    expect(deps.operators.map((a) => a.addonName)).toEqual(['cert-manager', 'amazon-sagemaker-hyperpod-taskgovernance',
      'amazon-sagemaker-hyperpod-training-operator']);
    expect(deps.installOperatorsAfter(hyperPod)).toBe(true);
    const t = Template.fromStack(s);
    for (const name of ['cert-manager', 'amazon-sagemaker-hyperpod-taskgovernance', 'amazon-sagemaker-hyperpod-training-operator']) {
      expect(t.toJSON().Resources[addonId(t, name)].DependsOn).toContain('HyperPod');
    }
    const other = new Stack(s.node.root as App, 'Other', { env });
    expect(deps.installOperatorsAfter(new CfnResource(other, 'HyperPod', { type: 'AWS::CloudFormation::WaitConditionHandle' }))).toBe(false);
  });
});

describe('Helm chart', () => {
  test('from an asset on an aws-eks-v2 cluster: release, namespace, Region and disabled sub-charts', () => {
    const s = stack();
    const deps = new HyperPodDependencies(s, 'Deps', {
      eksCluster: v2Cluster(s),
      helmChart: {
        source: HelmChartSource.fromAsset(CHART),
        disabledSubCharts: ['mlflow', 'trainingOperators', 'nvidia-device-plugin'],
        timeout: Duration.minutes(10),
      },
    });
    const t = Template.fromStack(s);
    t.hasResourceProperties(HELM, {
      Release: 'dependencies',
      Namespace: 'kube-system',
      Timeout: '600s',
      Wait: Match.absent(),
      ChartAssetURL: Match.anyValue(),
      Chart: Match.absent(),
      Repository: Match.absent(),
    });
    expect(chartValues(t)).toEqual({
      'global': { region: 'eu-west-1' },
      'mlflow': { enabled: false },
      'trainingOperators': { enabled: false },
      'nvidia-device-plugin': { devicePlugin: { enabled: false } },
    });
    expect(deps.helmChart).toBeInstanceOf(eksv2.HelmChart);
    expect(deps.helmChart!.node.path).toBe('Stack/Deps/HelmChart');
  });

  test('from an asset on an aws-eks (v1) cluster, and on an imported one', () => {
    const s = stack();
    const deps = new HyperPodDependencies(s, 'Deps', {
      eksCluster: v1Cluster(s), podIdentityAgent: false, helmChart: { source: HelmChartSource.fromAsset(CHART) },
    });
    expect(deps.helmChart).toBeInstanceOf(eks.HelmChart);
    Template.fromStack(s).hasResourceProperties(HELM, { Release: 'dependencies', Namespace: 'kube-system', ChartAssetURL: Match.anyValue() });

    const s2 = stack();
    const imported = eks.Cluster.fromClusterAttributes(s2, 'Eks', {
      clusterName: 'ml-eks', kubectlRoleArn: 'arn:aws:iam::123456789012:role/kubectl', kubectlLayer: new KubectlV32Layer(s2, 'KubectlLayer'),
    });
    const importedDeps = new HyperPodDependencies(s2, 'Deps', { eksCluster: imported, helmChart: { source: HelmChartSource.fromAsset(CHART) } });
    expect(importedDeps.helmChart).toBeInstanceOf(eks.HelmChart);
  });

  test('from a repository, with values merged over the defaults; add-ons install after the chart', () => {
    const s = stack();
    new HyperPodDependencies(s, 'Deps', {
      eksCluster: v2Cluster(s),
      trainingOperator: true,
      taskGovernance: true,
      helmChart: {
        source: HelmChartSource.fromRepository('oci://123456789012.dkr.ecr.eu-west-1.amazonaws.com/charts', 'hyperpod-helm-chart', '0.1.0'),
        release: 'hyperpod',
        releaseNamespace: 'hyperpod-system',
        wait: true,
        disabledSubCharts: ['mlflow'],
        values: { 'global': { extra: 1 }, 'mlflow': { enabled: true }, 'health-monitoring-agent': { region: 'eu-west-1' } },
      },
    });
    const t = Template.fromStack(s);
    t.hasResourceProperties(HELM, {
      Release: 'hyperpod',
      Namespace: 'hyperpod-system',
      Wait: true,
      Version: '0.1.0',
      Chart: 'hyperpod-helm-chart',
      Repository: 'oci://123456789012.dkr.ecr.eu-west-1.amazonaws.com/charts',
      ChartAssetURL: Match.absent(),
    });
    expect(chartValues(t)).toEqual({
      'global': { region: 'eu-west-1', extra: 1 },
      'mlflow': { enabled: true },
      'health-monitoring-agent': { region: 'eu-west-1' },
    });
    const chartId = Object.keys(t.findResources(HELM))[0];
    for (const name of ['amazon-sagemaker-hyperpod-training-operator', 'amazon-sagemaker-hyperpod-taskgovernance']) {
      expect(Object.values(t.findResources('AWS::EKS::Addon', { Properties: { AddonName: name } }))[0].DependsOn).toContain(chartId);
    }
  });
});

describe('validation', () => {
  test('the training operator needs the Pod Identity agent and cert-manager', () => {
    expectProblem((s) => ({ eksCluster: arnOnly(s), trainingOperator: true, podIdentityAgent: false }),
      /podIdentityAgent must be true when trainingOperator is true.*\(got false\)/);
    expectProblem((s) => ({ eksCluster: arnOnly(s), trainingOperator: true, certManager: false }),
      /certManager must be true when trainingOperator is true/);
  });

  test('addonVersions: only installed add-ons, in the EKS version format', () => {
    expectProblem((s) => ({ eksCluster: arnOnly(s), addonVersions: { 'cert-manager': 'v1.18.2-eksbuild.2' } }),
      "addonVersions has 'cert-manager', which is not an add-on installed here (installed: eks-pod-identity-agent)");
    expectProblem((s) => ({ eksCluster: arnOnly(s), addonVersions: { 'eks-pod-identity-agent': '1.3.4' } }),
      "addonVersions['eks-pod-identity-agent'] must be an EKS add-on version like v1.2.3-eksbuild.4 (got '1.3.4')");
    expectProblem((s) => ({
      eksCluster: arnOnly(s),
      trainingOperator: true,
      taskGovernance: true,
      addonVersions: { 'amazon-sagemaker-hyperpod-taskgovernance': 'v1.2.9-eksbuild.1' },
    }), /taskgovernance'\] must be v1.3.0-eksbuild.1 or later beside the training operator \(got 'v1.2.9-eksbuild.1'\)/);
  });

  test('a chart needs an aws-eks or aws-eks-v2 cluster object, with a kubectl provider', () => {
    expectProblem((s) => ({ eksCluster: arnOnly(s), helmChart: { source: HelmChartSource.fromAsset(CHART) } }),
      /helmChart needs an aws-eks or aws-eks-v2 cluster object as eksCluster.*\(got Stack\/Eks, a cluster reference\)/);
    expectProblem((s) => ({ eksCluster: v2Cluster(s, false), helmChart: { source: HelmChartSource.fromAsset(CHART) } }),
      /helmChart needs the kubectl provider of the aws-eks-v2 cluster Stack\/Eks \(got none\)/);
  });

  test('sub-chart keys, and the chart\'s cert-manager beside the add-on', () => {
    expectProblem((s) => ({ eksCluster: v2Cluster(s), helmChart: { source: HelmChartSource.fromAsset(CHART), disabledSubCharts: ['mlflow.enabled'] } }),
      "helmChart.disabledSubCharts has 'mlflow.enabled': sub-chart keys are letters, digits and hyphens");
    expectProblem((s) => ({
      eksCluster: v2Cluster(s),
      certManager: true,
      helmChart: { source: HelmChartSource.fromAsset(CHART), values: { 'cert-manager': { enabled: true } } },
    }), /enables the chart's cert-manager sub-chart while the cert-manager add-on is installed/);
  });

  test('chart sources: a chart folder with its remote sub-charts fetched; a repository URL, chart and version', () => {
    expectProblem((s) => ({ eksCluster: v2Cluster(s), helmChart: { source: HelmChartSource.fromAsset(__dirname) } }),
      /must be a Helm chart folder \(got '.*', which has no Chart.yaml\)/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperpod-chart-'));
    fs.writeFileSync(path.join(dir, 'Chart.yaml'), [
      'apiVersion: v2', 'name: parent', 'version: 0.1.0', 'dependencies:',
      '  - name: remote-one', '    version: "1.0.0"', '    repository: oci://example.com/charts',
      '  - name: local-one', '    version: "0.1.0"', '    repository: "file://charts/local-one"',
      '  - name: remote-two', '    repository: https://example.com/charts', '    version: "2.0.0"', '',
    ].join('\n'));
    fs.mkdirSync(path.join(dir, 'charts'));
    fs.writeFileSync(path.join(dir, 'charts', 'remote-two-2.0.0.tgz'), '');
    expectProblem((s) => ({ eksCluster: v2Cluster(s), helmChart: { source: HelmChartSource.fromAsset(dir) } }),
      `lacks sub-charts remote-one in charts/: run \`helm dependencies update ${dir}\` before synth`);
    fs.rmSync(dir, { recursive: true, force: true });
    expectProblem((s) => ({ eksCluster: v2Cluster(s), helmChart: { source: HelmChartSource.fromRepository('charts.example.com', '', '') } }),
      /repository must be an https:\/\/ or oci:\/\/ URL \(got 'charts.example.com'\)[\s\S]*chart is required[\s\S]*version is required/);
  });

  test('every problem is reported at once', () => {
    const s = stack();
    expect(() => new HyperPodDependencies(s, 'Deps', {
      eksCluster: arnOnly(s),
      trainingOperator: true,
      podIdentityAgent: false,
      certManager: false,
      addonVersions: { nope: 'x' },
      helmChart: { source: HelmChartSource.fromAsset(CHART), disabledSubCharts: ['a b'] },
    })).toThrow(/Stack\/Deps: invalid configuration:\n(  - .*\n){4}  - .*$/);
  });
});

test('cdk-nag AwsSolutions: no unsuppressed finding on the construct\'s own resources', () => {
  const s = stack();
  new HyperPodDependencies(s, 'Deps', {
    eksCluster: v2Cluster(s),
    trainingOperator: true,
    taskGovernance: true,
    helmChart: { source: HelmChartSource.fromAsset(CHART) },
  });
  Aspects.of(s).add(new AwsSolutionsChecks({ verbose: true }));
  const annotations = Annotations.fromStack(s);
  const findings = [
    ...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
  ].filter((m) => m.id.startsWith('/Stack/Deps/')).map((m) => `${m.id}: ${String(m.entry.data).split(':')[0]}`);
  expect(findings).toEqual([]);
  const role = Template.fromStack(s).findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('training operator') } });
  expect(Object.values(role)[0].Metadata.cdk_nag.rules_to_suppress).toEqual([expect.objectContaining({
    id: 'AwsSolutions-IAM4',
    applies_to: ['Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSageMakerHyperPodTrainingOperatorAccess'],
  })]);
});

describe('with a HyperPodEksCluster', () => {
  test('the cluster waits for the Pod Identity agent, the operators wait for the cluster, the preflight requires the agent', () => {
    const s = stack();
    const cluster = v2Cluster(s);
    const deps = new HyperPodDependencies(s, 'Deps', { eksCluster: cluster, trainingOperator: true });
    new HyperPodEksCluster(s, 'HyperPod', {
      eksCluster: cluster,
      dependencies: deps,
      instanceGroups: [{ instanceGroupName: 'workers', instanceType: InstanceType.ML_T3_MEDIUM, instanceCount: 1 }],
    });
    const t = Template.fromStack(s);
    const resources = t.toJSON().Resources;
    const [[hyperPodId, hyperPod]] = Object.entries<any>(t.findResources('AWS::SageMaker::Cluster'));
    const [[preflightId, preflight]] = Object.entries<any>(t.findResources('Custom::HyperPodPreflight'));
    expect(hyperPod.DependsOn).toEqual(expect.arrayContaining([addonId(t, 'eks-pod-identity-agent'), preflightId]));
    expect(hyperPod.DependsOn).not.toContain(addonId(t, 'cert-manager'));
    expect(preflight.Properties.RequirePodIdentityAgent).toBe('true');
    expect(preflight.DependsOn).toContain(addonId(t, 'eks-pod-identity-agent'));
    for (const name of ['cert-manager', 'amazon-sagemaker-hyperpod-training-operator']) {
      expect(resources[addonId(t, name)].DependsOn).toContain(hyperPodId);
    }
  });

  test('dependencies in the platform stack, HyperPod in a team stack: no cycle, operators not ordered (an info says so)', () => {
    const s = stack();
    const cluster = v2Cluster(s);
    const deps = new HyperPodDependencies(s, 'Deps', { eksCluster: cluster, trainingOperator: true });
    const team = new Stack(s.node.root as App, 'Team', { env });
    new HyperPodEksCluster(team, 'HyperPod', {
      eksCluster: cluster,
      dependencies: deps,
      instanceGroups: [{ instanceGroupName: 'workers', instanceType: InstanceType.ML_T3_MEDIUM, instanceCount: 1 }],
    });
    (s.node.root as App).synth();
    expect(team.dependencies.map((d) => d.stackName)).toEqual([s.stackName]);
    Annotations.fromStack(team).hasInfo('/Team/HyperPod', Match.stringLikeRegexp('operator add-ons are not ordered after it'));
  });
});
