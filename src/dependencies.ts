import { Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, Dependable, DependencyGroup, IConstruct, IDependable } from 'constructs';
import { HyperPodHelmChartOptions } from './helm-chart-source';
import { ADDON, ADDON_VERSION_PATTERN, HELM_CHART, POD_IDENTITY_PRINCIPAL, TRAINING_OPERATOR } from './private/addons';
import { clusterFamily } from './private/eks-cluster-facts';
import { throwIfProblems } from './private/errors';
import { suppressNag } from './private/nag';

/** Properties of `HyperPodDependencies`. */
export interface HyperPodDependenciesProps {
  /**
   * The EKS cluster to install into: an `aws-eks-v2` or `aws-eks` (v1) cluster, or
   * `EksClusterReference.fromClusterArn()` (add-ons only: a chart needs the cluster's kubectl
   * provider, so `helmChart` then fails at synth).
   */
  readonly eksCluster: eks.IClusterRef;

  /**
   * Whether to install the `eks-pod-identity-agent` add-on. With an `aws-eks` or `aws-eks-v2`
   * `Cluster` this is the cluster's own `eksPodIdentityAgent` add-on, so that it exists once
   * also when the cluster uses Pod Identity service accounts. Set `false` when the EKS cluster
   * already has the add-on otherwise: CloudFormation cannot create an add-on that exists.
   *
   * @default true
   */
  readonly podIdentityAgent?: boolean;

  /**
   * Whether to install the `cert-manager` EKS community add-on (namespace `cert-manager`, no IAM),
   * which the training operator needs.
   *
   * @default - true when `trainingOperator` is true, else false
   */
  readonly certManager?: boolean;

  /**
   * Whether to install the `amazon-sagemaker-hyperpod-training-operator` add-on, with a role for
   * EKS Pod Identity (service account `hp-training-operator-controller-manager` in namespace
   * `aws-hyperpod`, AWS managed policy `AmazonSageMakerHyperPodTrainingOperatorAccess`), and
   * `resolveConflicts: OVERWRITE` as in AWS's install steps. It needs `cert-manager` and the
   * Pod Identity agent, and is installed after them and after the Helm chart.
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-eks-operator-install.html
   * @default false
   */
  readonly trainingOperator?: boolean;

  /**
   * Whether to install the `amazon-sagemaker-hyperpod-taskgovernance` add-on (no IAM; needs
   * Kubernetes 1.30 or later, and v1.3.0-eksbuild.1 or later beside the training operator).
   *
   * @default false
   */
  readonly taskGovernance?: boolean;

  /**
   * Add-on versions to pin, by add-on name, e.g. `{ 'cert-manager': 'v1.18.2-eksbuild.2' }`
   * (`aws eks describe-addon-versions --addon-name <name>` lists them).
   *
   * @default - the default version EKS chooses for each add-on and the cluster's Kubernetes version
   */
  readonly addonVersions?: { [addonName: string]: string };

  /**
   * The HyperPod Helm chart, which must be on the EKS cluster before the HyperPod cluster is created.
   *
   * @default - no chart is installed (install it yourself as the README describes)
   */
  readonly helmChart?: HyperPodHelmChartOptions;
}

/**
 * The EKS dependencies of HyperPod, installed without kubectl as EKS add-ons (`AWS::EKS::Addon`),
 * and the HyperPod Helm chart on request. Pass it as `dependencies` to `HyperPodEksCluster`:
 * - the HyperPod cluster waits for the `prerequisites`: the Helm chart (which AWS requires before
 *   the cluster is created) and the Pod Identity agent;
 * - the `operators` (cert-manager, the training operator, task governance) run pods, so they are
 *   installed after the HyperPod cluster, as AWS's own steps do, when both are in one stack.
 *
 * Depending on this construct (`node.addDependency(dependencies)`) waits for the prerequisites.
 * The operators' add-ons stay unhealthy until nodes can run them. The observability
 * (`amazon-sagemaker-hyperpod-observability`) and inference (`amazon-sagemaker-hyperpod-inference`)
 * add-ons are not in scope: they need roles, buckets and further add-ons of their own.
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/workloads-add-ons-available-eks.html
 * @see https://docs.aws.amazon.com/eks/latest/userguide/community-addons.html
 */
export class HyperPodDependencies extends Construct {
  /** The add-ons installed, in installation order (including a reused Pod Identity agent add-on). */
  public readonly addons: eks.CfnAddon[] = [];
  /** The training operator's role, when `trainingOperator` is true. */
  public readonly trainingOperatorRole?: iam.IRole;
  /** Whether the Pod Identity agent add-on is installed by this construct. */
  public readonly podIdentityAgent: boolean;
  /** The Helm chart's custom resource (an `aws-eks` or `aws-eks-v2` `HelmChart`), when `helmChart` is set. */
  public readonly helmChart?: Construct;
  /** What a HyperPod cluster must wait for: the Helm chart and the Pod Identity agent add-on. */
  public readonly prerequisites: IDependable;
  /** The add-ons that run pods (cert-manager, training operator, task governance), in installation order. */
  public readonly operators: eks.CfnAddon[] = [];

  constructor(scope: Construct, id: string, props: HyperPodDependenciesProps) {
    super(scope, id);
    const cluster = props.eksCluster;
    const trainingOperator = props.trainingOperator ?? false;
    this.podIdentityAgent = props.podIdentityAgent ?? true;
    const certManager = props.certManager ?? trainingOperator;
    const taskGovernance = props.taskGovernance ?? false;
    const installed = [
      ...(this.podIdentityAgent ? [ADDON.POD_IDENTITY_AGENT] : []),
      ...(certManager ? [ADDON.CERT_MANAGER] : []),
      ...(taskGovernance ? [ADDON.TASK_GOVERNANCE] : []),
      ...(trainingOperator ? [ADDON.TRAINING_OPERATOR] : []),
    ];
    const versions = props.addonVersions ?? {};
    const problems = checkAddons(installed, versions, trainingOperator, this.podIdentityAgent, certManager);
    const chartProps = props.helmChart ? this.chartProps(cluster, props.helmChart, certManager, problems) : undefined;
    throwIfProblems(this, problems);

    const external: IConstruct[] = [];
    if (chartProps) {
      const family = clusterFamily(cluster);
      this.helmChart = family === 'v2'
        ? new eksv2.HelmChart(this, 'HelmChart', { cluster: cluster as eksv2.ICluster, ...chartProps })
        : new eks.HelmChart(this, 'HelmChart', { cluster: cluster as eks.ICluster, ...chartProps });
    }
    const addon = (name: string, constructId: string, extra: Partial<eks.CfnAddonProps> = {}): eks.CfnAddon => {
      const created = new eks.CfnAddon(this, constructId, {
        clusterName: cluster.clusterRef.clusterName, addonName: name, addonVersion: versions[name], ...extra,
      });
      this.addons.push(created);
      return created;
    };

    let agent: eks.CfnAddon | undefined;
    if (this.podIdentityAgent) {
      const owned = (cluster instanceof eks.Cluster || cluster instanceof eksv2.Cluster) ? cluster.eksPodIdentityAgent : undefined;
      if (owned) {
        agent = owned.node.defaultChild as eks.CfnAddon;
        if (versions[ADDON.POD_IDENTITY_AGENT]) agent.addonVersion = versions[ADDON.POD_IDENTITY_AGENT];
        this.addons.push(agent);
        external.push(owned);
      } else {
        agent = addon(ADDON.POD_IDENTITY_AGENT, 'PodIdentityAgentAddon');
      }
    }
    const certManagerAddon = certManager ? addon(ADDON.CERT_MANAGER, 'CertManagerAddon') : undefined;
    const taskGovernanceAddon = taskGovernance ? addon(ADDON.TASK_GOVERNANCE, 'TaskGovernanceAddon') : undefined;
    this.operators.push(...[certManagerAddon, taskGovernanceAddon].filter((a): a is eks.CfnAddon => a !== undefined));
    if (taskGovernanceAddon && this.helmChart) taskGovernanceAddon.node.addDependency(this.helmChart);

    if (trainingOperator) {
      const role = new iam.Role(this, 'TrainingOperatorRole', {
        assumedBy: new iam.ServicePrincipal(POD_IDENTITY_PRINCIPAL).withSessionTags(),
        description: `EKS Pod Identity role of the HyperPod training operator (${TRAINING_OPERATOR.NAMESPACE}/${TRAINING_OPERATOR.SERVICE_ACCOUNT})`,
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(TRAINING_OPERATOR.MANAGED_POLICY)],
      });
      suppressNag(role, [{
        id: 'AwsSolutions-IAM4',
        reason: `${TRAINING_OPERATOR.MANAGED_POLICY} is the policy AWS documents for the HyperPod training operator, and AWS maintains it as the operator changes`,
        appliesTo: [`Policy::arn:<AWS::Partition>:iam::aws:policy/${TRAINING_OPERATOR.MANAGED_POLICY}`],
      }]);
      this.trainingOperatorRole = role;
      const operator = addon(ADDON.TRAINING_OPERATOR, 'TrainingOperatorAddon', {
        resolveConflicts: TRAINING_OPERATOR.RESOLVE_CONFLICTS,
        podIdentityAssociations: [{ serviceAccount: TRAINING_OPERATOR.SERVICE_ACCOUNT, roleArn: role.roleArn }],
      });
      for (const before of [agent, certManagerAddon, taskGovernanceAddon, this.helmChart]) {
        if (before) operator.node.addDependency(before);
      }
      this.operators.push(operator);
    }
    const prerequisites = new DependencyGroup(...external, ...(this.helmChart ? [this.helmChart] : []),
      ...(agent && !external.length ? [agent] : []));
    this.prerequisites = prerequisites;
    // Depending on this construct means waiting for the prerequisites (not for the operators,
    // which come after the HyperPod cluster).
    Dependable.implement(this, { get dependencyRoots() { return Dependable.of(prerequisites).dependencyRoots; } });
  }

  /**
   * Installs the operators after `dependency` (the HyperPod cluster, or a group's
   * `capacityReady`), when both are in this construct's stack; across stacks that would make
   * the stacks depend on each other, so nothing is ordered and `false` is returned.
   */
  public installOperatorsAfter(dependency: IConstruct): boolean {
    if (Stack.of(dependency) !== Stack.of(this)) {
      return false;
    }
    for (const operator of this.operators) {
      operator.node.addDependency(dependency);
    }
    return true;
  }

  /** The `HelmChart` props of `helmChart` (without `cluster`), with its problems added to `problems`. */
  private chartProps(cluster: eks.IClusterRef, options: HyperPodHelmChartOptions, certManager: boolean, problems: string[]) {
    const family = clusterFamily(cluster);
    if (!family) {
      problems.push(`helmChart needs an aws-eks or aws-eks-v2 cluster object as eksCluster, to install the chart through its kubectl provider (got ${cluster.node.path}, a cluster reference): install the chart yourself, or pass the cluster object`);
    } else if (family === 'v2' && !(cluster as eksv2.ICluster).kubectlProvider) {
      problems.push(`helmChart needs the kubectl provider of the aws-eks-v2 cluster ${cluster.node.path} (got none): create it with kubectlProviderOptions: { kubectlLayer }`);
    }
    const bound = options.source._bind(this, options);
    problems.push(...bound.problems);
    if (certManager && bound.props.values?.[HELM_CHART.CERT_MANAGER_SUB_CHART]?.enabled === true) {
      problems.push('helmChart.values enables the chart\'s cert-manager sub-chart while the cert-manager add-on is installed (certManager): keep one of them');
    }
    return bound.props;
  }
}

/** Problems of the add-on selection and version pins. */
function checkAddons(installed: string[], versions: { [name: string]: string }, trainingOperator: boolean,
  podIdentityAgent: boolean, certManager: boolean): string[] {
  const problems: string[] = [];
  if (trainingOperator && !podIdentityAgent) {
    problems.push('podIdentityAgent must be true when trainingOperator is true: the training operator gets its AWS credentials through EKS Pod Identity (got false)');
  }
  if (trainingOperator && !certManager) {
    problems.push('certManager must be true when trainingOperator is true: the training operator needs cert-manager (got false)');
  }
  for (const [name, version] of Object.entries(versions)) {
    if (!installed.includes(name)) {
      problems.push(`addonVersions has '${name}', which is not an add-on installed here (installed: ${installed.join(', ') || 'none'})`);
    } else if (!Token.isUnresolved(version) && !ADDON_VERSION_PATTERN.test(version)) {
      problems.push(`addonVersions['${name}'] must be an EKS add-on version like v1.2.3-eksbuild.4 (got '${version}')`);
    }
  }
  const governance = ADDON_VERSION_PATTERN.exec(versions[ADDON.TASK_GOVERNANCE] ?? '');
  if (trainingOperator && governance && installed.includes(ADDON.TASK_GOVERNANCE)
    && compare(governance.slice(1, 4).map(Number), TRAINING_OPERATOR.MIN_TASK_GOVERNANCE) < 0) {
    problems.push(`addonVersions['${ADDON.TASK_GOVERNANCE}'] must be v${TRAINING_OPERATOR.MIN_TASK_GOVERNANCE.join('.')}-eksbuild.1 or later beside the training operator (got '${versions[ADDON.TASK_GOVERNANCE]}')`);
  }
  return problems;
}

function compare(a: readonly number[], b: readonly number[]): number {
  const i = a.findIndex((n, j) => n !== b[j]);
  return i < 0 ? 0 : a[i] - b[i];
}
