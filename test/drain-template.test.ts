import { KubectlV32Layer } from '@aws-cdk/lambda-layer-kubectl-v32';
import { Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import {
  ClusterDrainOptions, DrainTimeoutAction, EksClusterReference, HyperPodEksCluster, InstanceGroupOptions, InstanceType,
} from '../src';
import { testCluster, testStack } from './support/stacks';
import { DRAIN_KUBERNETES_GROUP, DRAIN_RBAC_RULES } from '../src/contract/drain';
import { drainKubernetesGroup } from '../src/private/drain-access';
import { unreachableEndpoint } from '../src/private/eks-cluster-facts';

const SCALE_DOWN = 'Custom::HyperPodScaleDown';
const ENTRY = 'AWS::EKS::AccessEntry';
const MANIFEST = 'Custom::AWSCDK-EKS-KubernetesResource';
const NOTE = 'hyperpod-cdk:drain-off';
const GROUP = { instanceType: InstanceType.ML_T3_MEDIUM, instanceCount: 2 };
const WORKERS: InstanceGroupOptions = { instanceGroupName: 'workers', ...GROUP };

function v1Eks(stack: Stack, vpc: ec2.IVpc, props: Partial<eks.ClusterProps> = {}): eks.Cluster {
  return new eks.Cluster(stack, 'RealEks', {
    vpc,
    version: eks.KubernetesVersion.V1_32,
    kubectlLayer: new KubectlV32Layer(stack, 'KubectlLayer'),
    authenticationMode: eks.AuthenticationMode.API,
    defaultCapacity: 0,
    ...props,
  });
}

function v2Eks(stack: Stack, vpc: ec2.IVpc, props: Partial<eksv2.ClusterProps> = {}): eksv2.Cluster {
  return new eksv2.Cluster(stack, 'RealEks', {
    vpc, version: eksv2.KubernetesVersion.V1_32, kubectlProviderOptions: { kubectlLayer: new KubectlV32Layer(stack, 'KubectlLayer') }, ...props,
  });
}

/** The logical ids of the provider's two function roles (onEvent, isComplete). */
function functionRoles(t: Template): string[] {
  const ids = Object.keys(t.findResources('AWS::IAM::Role'))
    .filter((id) => /^HyperPodScaleDownProvider(OnEvent|IsComplete)ServiceRole/.test(id));
  expect(ids).toHaveLength(2);
  return ids;
}

/** The access entries of the provider's functions (not the EKS cluster's own, e.g. its kubectl provider's). */
function drainEntries(t: Template): Record<string, any> {
  return t.findResources(ENTRY, { Properties: { PrincipalArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HyperPodScaleDownProvider'), 'Arn'] } } });
}

function scaleDownResource(t: Template, index = 0): any {
  return Object.values<any>(t.findResources(SCALE_DOWN))[index];
}

/** The drain-off notes of the stack, by message. */
function notes(stack: Stack): string[] {
  return Annotations.fromStack(stack).findInfo('*', Match.stringLikeRegexp('without drain before delete'))
    .map((m) => String(m.entry.data));
}

describe('on by default with an aws-eks (v1) cluster', () => {
  const { stack, vpc } = testStack();
  const eksCluster = v1Eks(stack, vpc);
  new HyperPodEksCluster(stack, 'HyperPod', {
    eksCluster,
    instanceGroups: [
      WORKERS,
      { instanceGroupName: 'custom', ...GROUP, scaleDown: { drain: { timeout: Duration.minutes(10), onTimeout: DrainTimeoutAction.REMOVE_ANYWAY } } },
      { instanceGroupName: 'undrained', ...GROUP, scaleDown: { drain: { enabled: false } } },
    ],
  });
  const t = Template.fromStack(stack);
  const eksName = stack.resolve(eksCluster.clusterName);
  const eksArn = stack.resolve(eksCluster.clusterArn);
  const group = drainKubernetesGroup(stack);

  test('an access entry per function role: STANDARD, no access policy, in the group the RBAC binds', () => {
    t.resourceCountIs(ENTRY, 2);
    const entries = Object.values<any>(t.findResources(ENTRY));
    expect(entries.map((e) => e.Properties.PrincipalArn)).toEqual(functionRoles(t).map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })));
    for (const entry of entries) {
      expect(entry.Properties).toEqual({
        ClusterName: eksName, PrincipalArn: expect.anything(), Type: 'STANDARD', KubernetesGroups: [group],
      });
    }
  });

  test('the RBAC: ClusterRole and ClusterRoleBinding hyperpod-cdk-drain-<hash of the stack name> with exactly the contract\'s rules', () => {
    expect(group).toMatch(new RegExp(`^${DRAIN_KUBERNETES_GROUP}-[0-9a-f]{8}$`));
    const manifests = Object.values<any>(t.findResources(MANIFEST));
    expect(manifests).toHaveLength(1);
    const [role, binding] = JSON.parse(manifests[0].Properties.Manifest);
    expect(role).toMatchObject({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: group } });
    expect(role.rules).toEqual(DRAIN_RBAC_RULES);
    expect(binding).toMatchObject({
      kind: 'ClusterRoleBinding',
      metadata: { name: group },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: group },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }],
    });
    expect(manifests[0].Properties.Overwrite).toBeUndefined();
  });

  test('IAM: eks:DescribeCluster on the EKS cluster, for both function roles', () => {
    for (const role of functionRoles(t)) {
      const statements = Object.values<any>(t.findResources('AWS::IAM::Policy'))
        .filter((p) => p.Properties.Roles.some((r: any) => r.Ref === role))
        .flatMap((p) => p.Properties.PolicyDocument.Statement)
        .filter((s) => JSON.stringify(s.Resource) === JSON.stringify(eksArn));
      expect(statements).toEqual([{ Action: 'eks:DescribeCluster', Effect: 'Allow', Resource: eksArn }]);
    }
  });

  test('properties: the EKS cluster\'s name, and drain keys only on draining groups (defaults 900 s, Fail)', () => {
    const props = scaleDownResource(t).Properties;
    expect(props.EksClusterName).toEqual(eksName);
    const common = { RemoveNodeIds: [], Order: 'NewestFirst', ChunkSize: 99, Drift: 'Refuse', InstanceCount: 2 };
    expect(props.InstanceGroups).toEqual([
      { InstanceGroupName: 'workers', ...common, Drain: 'true', DrainTimeoutSeconds: 900, DrainOnTimeout: 'Fail' },
      { InstanceGroupName: 'custom', ...common, Drain: 'true', DrainTimeoutSeconds: 600, DrainOnTimeout: 'Remove' },
      { InstanceGroupName: 'undrained', ...common },
    ]);
  });

  test('the scale-down resource runs after the access entries and the RBAC', () => {
    const after = [...Object.keys(t.findResources(ENTRY)), ...Object.keys(t.findResources(MANIFEST))];
    expect(after).toHaveLength(3);
    expect(scaleDownResource(t).DependsOn).toEqual(expect.arrayContaining(after));
  });

  test('no note, and the functions stay outside any VPC', () => {
    expect(notes(stack)).toEqual([]);
    for (const fn of Object.values<any>(t.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.VpcConfig).toBeUndefined();
    }
  });
});

test('on with an aws-eks-v2 cluster with kubectlProvider; two HyperPod clusters share one entry per role and one RBAC', () => {
  const { stack, vpc } = testStack();
  const eksCluster = v2Eks(stack, vpc);
  for (const id of ['A', 'B']) {
    new HyperPodEksCluster(stack, id, { eksCluster, instanceGroups: [WORKERS] });
  }
  const t = Template.fromStack(stack);
  const entryIds = Object.keys(drainEntries(t));
  expect(entryIds).toHaveLength(2);
  t.resourceCountIs(MANIFEST, 1);
  t.resourcePropertiesCountIs(ENTRY, { KubernetesGroups: [drainKubernetesGroup(stack)] }, 2);
  for (const index of [0, 1]) {
    const resource = scaleDownResource(t, index);
    expect(resource.Properties.InstanceGroups[0]).toMatchObject({ Drain: 'true', DrainTimeoutSeconds: 900, DrainOnTimeout: 'Fail' });
    expect(resource.DependsOn).toEqual(expect.arrayContaining(entryIds));
  }
  expect(notes(stack)).toEqual([]);
});

describe('off, with one note, when the cluster cannot drain', () => {
  test.each([
    ['an imported aws-eks cluster without kubectl', () => testCluster({ instanceGroups: [WORKERS, { instanceGroupName: 'gpu', ...GROUP }] }).stack,
      /'workers', 'gpu'.*eksCluster is an aws-eks cluster imported without kubectlRoleArn or kubectlProvider.*set scaleDown\.drain\.kubernetesGroup/],
    ['an EksClusterReference', () => {
      const { stack, vpc } = testStack();
      const eksCluster = EksClusterReference.fromClusterArn(stack, 'Ref', 'arn:aws:eks:us-east-1:123456789012:cluster/ml-eks');
      const eksClusterSecurityGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'EksSg', 'sg-0123456789abcdef0');
      new HyperPodEksCluster(stack, 'HyperPod', { eksCluster, vpc, eksClusterSecurityGroup, instanceGroups: [WORKERS] });
      return stack;
    }, /'workers'.*a cluster reference, which has no kubectl provider/],
    ['an aws-eks-v2 cluster without kubectlProvider', () => {
      const { stack, vpc } = testStack();
      new HyperPodEksCluster(stack, 'HyperPod', { eksCluster: v2Eks(stack, vpc, { kubectlProviderOptions: undefined }), instanceGroups: [WORKERS] });
      return stack;
    }, /an aws-eks-v2 cluster without kubectlProvider/],
    ['a private-only endpoint without vpcSubnets', () => {
      const { stack, vpc } = testStack();
      new HyperPodEksCluster(stack, 'HyperPod', { eksCluster: v2Eks(stack, vpc, { endpointAccess: eksv2.EndpointAccess.PRIVATE }), instanceGroups: [WORKERS] });
      return stack;
    }, /the custom-resource functions run outside the VPC, and its API endpoint is private only.*set scaleDown\.drain\.vpcSubnets/],
    ['a scale-down timeout with no room for a drain', () => testCluster({
      scaleDown: { timeout: Duration.minutes(5), drain: { kubernetesGroup: 'ops' } }, instanceGroups: [WORKERS],
    }).stack, /raise scaleDown\.timeout to at least 6 minutes/],
  ])('%s', (_name, make, message) => {
    const stack = make();
    const t = Template.fromStack(stack);
    expect(drainEntries(t)).toEqual({});
    t.resourceCountIs(MANIFEST, 0);
    const props = scaleDownResource(t).Properties;
    expect(props.EksClusterName).toBeUndefined();
    expect(JSON.stringify(props.InstanceGroups)).not.toMatch(/Drain/);
    const found = notes(stack);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
    expect(found[0]).toMatch(/set scaleDown: \{ drain: \{ enabled: false \} \} on those groups/);
    expect(found[0]).toContain(`[ack: ${NOTE}]`);
  });

  test('groups that turn it off, and autoscaled groups, get no note', () => {
    const { stack } = testCluster({
      autoScaling: {},
      instanceGroups: [{ ...WORKERS, scaleDown: { drain: { enabled: false } } }, { instanceGroupName: 'auto', ...GROUP, instanceCount: 0, autoscaled: true }],
    });
    expect(notes(stack)).toEqual([]);
  });
});

test('the endpoint reads of aws-eks and aws-eks-v2 (private fields of the pinned aws-cdk-lib)', () => {
  const { app, vpc } = testStack();
  const env = { account: '123456789012', region: 'us-east-1' };
  // one aws-eks cluster per stack
  const v1 = (id: string, endpointAccess: eks.EndpointAccess) => v1Eks(new Stack(app, id, { env }), vpc, { endpointAccess });
  const v2 = (id: string, endpointAccess?: eksv2.EndpointAccess) => v2Eks(new Stack(app, id, { env }), vpc, { endpointAccess });
  expect(unreachableEndpoint(v1('V1Private', eks.EndpointAccess.PRIVATE))).toMatch(/private only/);
  expect(unreachableEndpoint(v1('V1Cidrs', eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom('10.0.0.0/8')))).toMatch(/admits only 10\.0\.0\.0\/8/);
  expect(unreachableEndpoint(v1('V1Public', eks.EndpointAccess.PUBLIC))).toBeUndefined();
  expect(unreachableEndpoint(v2('V2Private', eksv2.EndpointAccess.PRIVATE))).toMatch(/private only/);
  expect(unreachableEndpoint(v2('V2Default'))).toBeUndefined();
});

test('stacks sharing an EKS cluster (EKS in one, HyperPod in others) each get their own group and RBAC names', () => {
  const { app, stack: eksStack, vpc } = testStack();
  const eksCluster = v1Eks(eksStack, vpc);
  const env = { account: '123456789012', region: 'us-east-1' };
  const stacks = ['TeamA', 'TeamB'].map((id) => {
    const stack = new Stack(app, id, { env });
    new HyperPodEksCluster(stack, 'HyperPod', { eksCluster, vpc, instanceGroups: [WORKERS] });
    return stack;
  });
  const teams = stacks.map((stack) => {
    const t = Template.fromStack(stack);
    const [role] = JSON.parse(Object.values<any>(t.findResources(MANIFEST))[0].Properties.Manifest);
    return { group: drainKubernetesGroup(stack), role: role.metadata.name, entries: drainEntries(t) };
  });
  expect(teams[0].group).not.toEqual(teams[1].group);
  for (const team of teams) {
    expect(team.role).toBe(team.group);
    expect(Object.values<any>(team.entries).map((e) => e.Properties.KubernetesGroups)).toEqual([[team.group], [team.group]]);
  }
});

test('with kubernetesGroup: entries in that group, no RBAC, so no kubectl is needed', () => {
  const { stack } = testCluster({ scaleDown: { drain: { kubernetesGroup: 'ops-drain' } }, instanceGroups: [WORKERS] });
  const t = Template.fromStack(stack);
  t.resourcePropertiesCountIs(ENTRY, { ClusterName: 'ml-eks', KubernetesGroups: ['ops-drain'], Type: 'STANDARD' }, 2);
  t.resourceCountIs(MANIFEST, 0);
  expect(scaleDownResource(t).Properties).toMatchObject({ EksClusterName: 'ml-eks', InstanceGroups: [{ Drain: 'true' }] });
  expect(notes(stack)).toEqual([]);
});

test('the default drain timeout is cut to the scale-down timeout less 5 minutes', () => {
  const { stack } = testCluster({ scaleDown: { timeout: Duration.minutes(10), drain: { kubernetesGroup: 'ops' } }, instanceGroups: [WORKERS] });
  expect(scaleDownResource(Template.fromStack(stack)).Properties.InstanceGroups[0].DrainTimeoutSeconds).toBe(300);
});

test('two HyperPod clusters on one EKS cluster with different groups: one entry per role, in both groups', () => {
  const { stack, eksCluster } = testStack();
  for (const [id, kubernetesGroup] of [['A', 'team-a'], ['B', 'team-b']]) {
    new HyperPodEksCluster(stack, id, { eksCluster, scaleDown: { drain: { kubernetesGroup } }, instanceGroups: [WORKERS] });
  }
  const t = Template.fromStack(stack);
  t.resourcePropertiesCountIs(ENTRY, { KubernetesGroups: ['team-a', 'team-b'] }, 2);
  t.resourceCountIs(ENTRY, 2);
});

describe('vpcSubnets: the functions in the VPC', () => {
  const drain: ClusterDrainOptions = { kubernetesGroup: 'ops', vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } };
  const { stack, vpc } = testCluster({ scaleDown: { drain }, instanceGroups: [WORKERS] });
  const t = Template.fromStack(stack);
  const privateSubnets = vpc.privateSubnets.map((s) => ({ Ref: stack.getLogicalId(s.node.defaultChild as ec2.CfnSubnet) }));
  const [sgId] = Object.keys(t.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('custom-resource functions') } }));

  test('both handler functions (not the framework\'s) run in the private subnets, with a security group of their own', () => {
    const placed = Object.entries<any>(t.findResources('AWS::Lambda::Function')).filter(([, fn]) => fn.Properties.VpcConfig);
    expect(placed.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['HyperPodScaleDownProviderIsComplete', 'HyperPodScaleDownProviderOnEvent']);
    for (const [, fn] of placed) {
      expect(fn.Properties.VpcConfig).toEqual({ SubnetIds: privateSubnets, SecurityGroupIds: [{ 'Fn::GetAtt': [sgId, 'GroupId'] }] });
    }
    expect(t.toJSON().Resources[sgId].Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: '-1' })]);
  });

  test('their security group is let into the EKS cluster security group on 443, before the scale-down runs', () => {
    const rules = t.findResources('AWS::EC2::SecurityGroupIngress', { Properties: { FromPort: 443 } });
    expect(Object.values<any>(rules).map((r) => r.Properties)).toEqual([{
      GroupId: 'sg-0123456789abcdef0',
      SourceSecurityGroupId: { 'Fn::GetAtt': [sgId, 'GroupId'] },
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      Description: expect.any(String),
    }]);
    expect(scaleDownResource(t).DependsOn).toEqual(expect.arrayContaining(Object.keys(rules)));
  });

  test('cdk-nag: LambdaInsideVPC is suppressed only on the framework\'s functions; IAM4 names the VPC access policy', () => {
    const provider = Object.entries<any>(t.findResources('AWS::Lambda::Function')).filter(([id]) => id.startsWith('HyperPodScaleDownProvider'));
    expect(provider.length).toBeGreaterThan(2);
    for (const [id, fn] of provider) {
      const rules = JSON.stringify(fn.Metadata?.cdk_nag?.rules_to_suppress ?? []);
      expect([id, rules.includes('LambdaInsideVPC')]).toEqual([id, !fn.Properties.VpcConfig]);
    }
    const roles = functionRoles(t).map((id) => JSON.stringify(t.toJSON().Resources[id].Metadata));
    roles.forEach((m) => expect(m).toContain('Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole'));
  });
});

test('a private-only endpoint with vpcSubnets drains, letting the functions into the EKS cluster security group', () => {
  const { stack, vpc } = testStack();
  const eksCluster = v2Eks(stack, vpc, { endpointAccess: eksv2.EndpointAccess.PRIVATE });
  new HyperPodEksCluster(stack, 'HyperPod', {
    eksCluster, scaleDown: { drain: { vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } } }, instanceGroups: [WORKERS],
  });
  const t = Template.fromStack(stack);
  expect(Object.keys(drainEntries(t))).toHaveLength(2);
  t.resourceCountIs(MANIFEST, 1);
  t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
    GroupId: stack.resolve(eksCluster.clusterSecurityGroupId), FromPort: 443, ToPort: 443, SourceSecurityGroupId: Match.anyValue(),
  });
  expect(notes(stack)).toEqual([]);
});

describe('vpcSubnets: one placement per stack', () => {
  const subnet = (vpc: ec2.IVpc, i: number): ClusterDrainOptions => ({ kubernetesGroup: 'ops', vpcSubnets: { subnets: [vpc.privateSubnets[i]] } });

  test('two clusters asking for different subnets fail, naming both', () => {
    const { stack, vpc, eksCluster } = testStack();
    new HyperPodEksCluster(stack, 'A', { eksCluster, scaleDown: { drain: subnet(vpc, 0) } });
    expect(() => new HyperPodEksCluster(stack, 'B', { eksCluster, scaleDown: { drain: subnet(vpc, 1) } }))
      .toThrow(/B: invalid configuration:[\s\S]*scaleDown\.drain\.vpcSubnets and securityGroups must be the same for every cluster of a stack: .*\(TestStack\/A\/TargetedScaleDown\), in subnets TestStack\/Vpc\/PrivateSubnet1 with a security group of their own; this cluster asks for subnets TestStack\/Vpc\/PrivateSubnet2 with/);
    expect(() => new HyperPodEksCluster(stack, 'C', { eksCluster, scaleDown: { drain: subnet(vpc, 0) } })).not.toThrow();
  });

  test('a provider created outside a VPC first fails, saying to define the cluster first', () => {
    const { stack, vpc, eksCluster } = testStack();
    new HyperPodEksCluster(stack, 'A', { eksCluster });
    expect(() => new HyperPodEksCluster(stack, 'B', { eksCluster, scaleDown: { drain: subnet(vpc, 0) } }))
      .toThrow(/put them outside any VPC\. Define this cluster before every other hyperpod-cdk construct of the stack/);
  });
});

test('tokens are not judged: a timeout and a kubernetesGroup known only at deploy time', () => {
  const { stack } = testCluster({
    scaleDown: { drain: { kubernetesGroup: Lazy.string({ produce: () => 'ops' }) } },
    instanceGroups: [{ ...WORKERS, scaleDown: { drain: { timeout: Duration.seconds(Lazy.number({ produce: () => 30 })) } } }],
  });
  expect(scaleDownResource(Template.fromStack(stack)).Properties.InstanceGroups[0]).toMatchObject({ Drain: 'true', DrainTimeoutSeconds: 30 });
});

describe('bad input fails at synth, naming the group or prop', () => {
  const withGroup = (drain: object, scaleDown: object = {}) => () => testCluster({
    scaleDown: { drain: { kubernetesGroup: 'ops' }, ...scaleDown }, instanceGroups: [{ ...WORKERS, scaleDown: { drain } }],
  });
  test.each([
    ['a timeout not in whole seconds', withGroup({ timeout: Duration.millis(90_500) }),
      /instance group 'workers': scaleDown\.drain\.timeout must be a whole number of seconds, at least 60 and at most 1500 seconds .*\(got 90\.5 seconds\)/],
    ['a timeout under a minute', withGroup({ timeout: Duration.seconds(30) }), /scaleDown\.drain\.timeout must be .*\(got 30 seconds\)/],
    ['a timeout over the scale-down timeout less 5 minutes', withGroup({ timeout: Duration.minutes(26) }), /at most 1500 seconds.*raise scaleDown\.timeout.*\(got 1560 seconds\)/],
    ['a timeout over a shorter scale-down timeout', withGroup({ timeout: Duration.minutes(6) }, { timeout: Duration.minutes(10) }), /at most 300 seconds.*\(got 360 seconds\)/],
    ['an unknown onTimeout', withGroup({ onTimeout: 'Later' }), /scaleDown\.drain\.onTimeout must be one of Remove, Fail \(got "Later"\)/],
    ['enabled on a cluster that cannot drain', () => testCluster({ instanceGroups: [{ ...WORKERS, scaleDown: { drain: { enabled: true } } }] }),
      /instance group 'workers': scaleDown\.drain\.enabled is true, but the cluster cannot drain: .*kubectl provider.*To drain, set scaleDown\.drain\.kubernetesGroup/],
    ['an empty kubernetesGroup', () => testCluster({ scaleDown: { drain: { kubernetesGroup: '' } } }), /scaleDown\.drain\.kubernetesGroup must be a non-empty .*\(got ""\)/],
    ['a system: kubernetesGroup', () => testCluster({ scaleDown: { drain: { kubernetesGroup: 'system:masters' } } }), /not starting with 'system:'.*\(got "system:masters"\)/],
    ['cluster drain options while scale-down is off', () => testCluster({ scaleDown: { enabled: false, drain: { kubernetesGroup: 'ops' } }, preflight: { enabled: false } }),
      /scaleDown\.drain is set, but scaleDown\.enabled is false/],
    ['group drain options while scale-down is off', () => testCluster({ scaleDown: { enabled: false }, instanceGroups: [{ ...WORKERS, scaleDown: { drain: { enabled: false } } }] }),
      /scaleDown\.drain set on instance group 'workers', but the cluster's scaleDown\.enabled is false/],
    ['drain options on an autoscaled group', () => testCluster({
      autoScaling: {}, instanceGroups: [{ ...WORKERS, instanceCount: 0, autoscaled: true, scaleDown: { drain: { enabled: false } } }],
    }), /instance group "workers": scaleDown must not be set on an autoscaled group/],
    ['securityGroups without vpcSubnets', () => {
      const { stack, vpc } = testStack();
      const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
      return testCluster({ scaleDown: { drain: { kubernetesGroup: 'ops', securityGroups: [sg] } } });
    }, /scaleDown\.drain\.securityGroups needs scaleDown\.drain\.vpcSubnets/],
    ['public vpcSubnets', () => testCluster({ scaleDown: { drain: { vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } } } }),
      /scaleDown\.drain\.vpcSubnets must select private subnets: Lambda functions get no public IP address there/],
  ])('%s', (_name, make, message) => {
    expect(make).toThrow(message);
  });
});
