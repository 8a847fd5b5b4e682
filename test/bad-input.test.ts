/**
 * Bad input that used to be accepted (issue 11): each row builds an app the way a user might,
 * and states the exact error (a problem of the `HyperPodValidationError`, or a synth-time
 * validation error) or the exact warning (with its acknowledgeable id) the user gets.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { HyperPodEksCluster, HyperPodEksClusterProps, InstanceGroupOptions, InstanceType, LifecycleScripts } from '../src';
import { testApp, testStack } from './support/stacks';
import { MESSAGE_BUDGET_CHARS } from '../src/contract/problems';
import { parseCapacityProperties } from '../src/handlers/capacity';
import { parsePreflightProperties } from '../src/handlers/preflight';
import { parseProperties } from '../src/handlers/scale-down/properties';
import { HyperPodValidationError } from '../src/private/errors';

const group: InstanceGroupOptions = { instanceGroupName: 'workers', instanceType: InstanceType.ML_T3_MEDIUM, instanceCount: 1 };
const env = { account: '123456789012', region: 'us-east-1' };

/** What a user sees: the problems of the error thrown (constructor or synth), and the warnings. */
interface Outcome {
  readonly errors: string[];
  readonly warnings: string[];
}

/** Builds, then synthesizes, the app; collects the errors or, when there is none, the warnings. */
function outcome(build: () => App): Outcome {
  let app: App;
  try {
    app = build();
  } catch (err) {
    return { errors: err instanceof HyperPodValidationError ? err.problems : [(err as Error).message], warnings: [] };
  }
  try {
    const assembly = app.synth();
    const warnings = assembly.stacks.flatMap((s) => s.messages.filter((m) => m.level === 'warning').map((m) => String(m.entry.data)));
    return { errors: [], warnings };
  } catch (err) {
    return { errors: [(err as Error).message], warnings: [] };
  }
}

/** A cluster with one group in the usual test stack. */
function cluster(props: Partial<HyperPodEksClusterProps> = {}, groupProps: Partial<InstanceGroupOptions> = {}): App {
  const { app, stack, eksCluster } = testStack();
  new HyperPodEksCluster(stack, 'HyperPod', { eksCluster, instanceGroups: [{ ...group, ...groupProps }], ...props });
  return app;
}

/** The same, with props built from the stack (imports need it). */
function clusterIn(props: (stack: Stack, vpc: ec2.Vpc) => Partial<HyperPodEksClusterProps>,
  groupProps?: (stack: Stack) => Partial<InstanceGroupOptions>): App {
  const { app, stack, vpc, eksCluster } = testStack();
  new HyperPodEksCluster(stack, 'HyperPod', {
    eksCluster, instanceGroups: [{ ...group, ...groupProps?.(stack) }], ...props(stack, vpc),
  });
  return app;
}

/** Two clusters with one fixed name, in stacks of the given environments. */
function twoClusters(envA: { account?: string; region?: string } | undefined, envB: { account?: string; region?: string } | undefined,
  sameStack = false): App {
  const app = testApp();
  const stacks = sameStack ? [new Stack(app, 'Team', { env: envA })] : [new Stack(app, 'TeamA', { env: envA }), new Stack(app, 'TeamB', { env: envB })];
  const [a, b] = [stacks[0], stacks[stacks.length - 1]];
  for (const [stack, id] of [[a, 'HyperPodA'], [b, 'HyperPodB']] as const) {
    const vpc = stack.node.tryFindChild('Vpc') as ec2.IVpc ?? new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const eksCluster = stack.node.tryFindChild('Eks') as eks.ICluster
      ?? eks.Cluster.fromClusterAttributes(stack, 'Eks', { clusterName: 'ml-eks', vpc, clusterSecurityGroupId: 'sg-0123456789abcdef0' });
    new HyperPodEksCluster(stack, id, { eksCluster, clusterName: 'ml-training', instanceGroups: [group] });
  }
  return app;
}

/** A temporary lifecycle folder with the given files (content, or `{ link }` for a symbolic link). */
function folder(files: Record<string, string | { link: string }>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-lifecycle-'));
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (typeof content === 'string') {
      fs.writeFileSync(file, content);
    } else {
      fs.symlinkSync(content.link, file);
    }
  }
  return dir;
}

/** The outcome of a handler's property parser: its error message, one line per problem. */
function handler(parse: () => unknown): Outcome {
  try {
    parse();
    return { errors: [], warnings: [] };
  } catch (err) {
    return { errors: (err as Error).message.split('\n').map((line) => line.replace(/^ {2}- /, '')), warnings: [] };
  }
}

const fromBucket = (prefix: string, onCreate: string) => (stack: Stack) => ({
  lifecycleScripts: LifecycleScripts.fromBucket(s3.Bucket.fromBucketName(stack, 'Scripts', 'my-scripts'), prefix, onCreate),
});
const bucketWhere = (prefix: string, onCreate: string) => `lifecycleScripts (LifecycleScripts.fromBucket(bucket, '${prefix}', '${onCreate}'))`;
const PREFIX_RULE = "prefix must be a key prefix without a leading '/', '//' or a '..' segment, such as 'lifecycle/v3/'";
const ON_CREATE_RULE = "onCreate must be a path inside the prefix, without a leading '/', '//' or a '..' segment, such as 'on_create.sh'";

const crlfFolder = folder({ 'on_create.sh': '#!/bin/bash\r\nset -o pipefail\r\necho ok\r\n' });
const crlfLaterFolder = folder({ 'on_create.sh': '#!/bin/bash\nset -eu\n', 'helpers/setup.sh': '#!/bin/bash\necho a\necho b\r\n' });
const outside = folder({ 'secret.txt': 'not for the nodes' });
const linkFolder = folder({ 'on_create.sh': '#!/bin/bash\necho ok\n', 'conf/secret.txt': { link: path.join(outside, 'secret.txt') } });
const relativeLinkFolder = folder({ 'on_create.sh': '#!/bin/bash\necho ok\n', 'up': { link: '..' } });
const crlfMessage = (dir: string, file: string, line: number) => `lifecycleScripts (LifecycleScripts.fromAsset('${dir}')): ${file} must have LF `
  + 'line endings: bash reads the \'\\r\' of a CRLF (Windows) line ending as part of the command, so \'set -o pipefail\\r\' fails '
  + `(got CRLF from line ${line}); convert it, for example with dos2unix`;
const linkMessage = (dir: string, file: string, target: string) => `lifecycleScripts (LifecycleScripts.fromAsset('${dir}')): ${file} must not `
  + `be a symbolic link to outside the folder: CDK would copy its target into the scripts deployed to every node (got a link to '${target}'); `
  + 'copy the file into the folder instead';

const SG_RULES = "Make sure the nodes' security groups allow what EFA and EKS need: all traffic from and to the group itself (an ingress "
  + 'and an egress rule that name the group; egress to 0.0.0.0/0 does not cover EFA), and all traffic from and to the EKS cluster '
  + 'security group sg-0123456789abcdef0 (TestStack/Eks/ClusterSecurityGroup) [ack: hyperpod-cdk:security-group-rules]';
const DUPLICATE_NAME = (other: string, where: string) => `clusterName "ml-training" is also the clusterName of ${other} in the same ${where}: `
  + 'cluster names are unique per account and Region, so the second cluster fails to deploy; give each cluster its own clusterName, or '
  + 'leave it out to generate one';

const MAX = Number.MAX_SAFE_INTEGER;
const scaleDownProps = (count: unknown) => () => parseProperties({ ClusterName: 'c', InstanceGroups: [{ InstanceGroupName: 'a', InstanceCount: count }] });

// Each row: the case, how the user gets there, and exactly what they are told.
const cases: Array<[string, () => Outcome, { error: string } | { warning: string }]> = [
  // tags
  ['a tag key starting with aws:', () => outcome(() => cluster({ tags: { 'aws:team': 'ml' } })),
    { error: 'tags key must not start with \'aws:\' (in any case), which AWS reserves for its own tags (got "aws:team")' }],
  ['a tag key starting with AWS: in upper case', () => outcome(() => cluster({ tags: { 'AWS:Team': 'ml' } })),
    { error: 'tags key must not start with \'aws:\' (in any case), which AWS reserves for its own tags (got "AWS:Team")' }],

  // one fixed clusterName twice in an app
  ['one fixed clusterName in two stacks of one account and Region', () => outcome(() => twoClusters(env, env)),
    { error: `[TeamA/HyperPodA] ${DUPLICATE_NAME('TeamB/HyperPodB', 'account 123456789012 and Region us-east-1')}` }],
  ['one fixed clusterName twice in one stack', () => outcome(() => twoClusters(env, env, true)),
    { error: `[Team/HyperPodB] ${DUPLICATE_NAME('Team/HyperPodA', 'account 123456789012 and Region us-east-1')}` }],
  ['one fixed clusterName in two environment-agnostic stacks', () => outcome(() => twoClusters(undefined, undefined)),
    { error: `[TeamA/HyperPodA] ${DUPLICATE_NAME('TeamB/HyperPodB', 'account and Region')}` }],
  ['one fixed clusterName in a stack with and one without an environment', () => outcome(() => twoClusters(env, undefined)),
    {
      warning: 'clusterName "ml-training" is also the clusterName of TeamB/HyperPodB, whose stack may deploy to the same account and Region '
      + '(one of the two stacks has no account or Region set): cluster names are unique per account and Region, so the second cluster would '
      + 'fail to deploy [ack: hyperpod-cdk:duplicate-cluster-name]',
    }],

  // LifecycleScripts.fromBucket keys
  ['a fromBucket prefix with a leading /', () => outcome(() => clusterIn(fromBucket('/lifecycle/v3/', 'on_create.sh'))),
    { error: `${bucketWhere('/lifecycle/v3/', 'on_create.sh')}: ${PREFIX_RULE} (got '/lifecycle/v3/')` }],
  ['a fromBucket prefix with //', () => outcome(() => clusterIn(fromBucket('lifecycle//v3/', 'on_create.sh'))),
    { error: `${bucketWhere('lifecycle//v3/', 'on_create.sh')}: ${PREFIX_RULE} (got 'lifecycle//v3/')` }],
  ['a fromBucket prefix with ..', () => outcome(() => clusterIn(fromBucket('lifecycle/../v3', 'on_create.sh'))),
    { error: `${bucketWhere('lifecycle/../v3', 'on_create.sh')}: ${PREFIX_RULE} (got 'lifecycle/../v3')` }],
  ['a fromBucket onCreate with a leading /', () => outcome(() => clusterIn(fromBucket('lifecycle/v3/', '/on_create.sh'))),
    { error: `${bucketWhere('lifecycle/v3/', '/on_create.sh')}: ${ON_CREATE_RULE} (got '/on_create.sh')` }],
  ['a fromBucket onCreate with //', () => outcome(() => clusterIn(fromBucket('lifecycle/v3/', 'bin//on_create.sh'))),
    { error: `${bucketWhere('lifecycle/v3/', 'bin//on_create.sh')}: ${ON_CREATE_RULE} (got 'bin//on_create.sh')` }],
  ['a fromBucket onCreate with ..', () => outcome(() => clusterIn(fromBucket('lifecycle/v3/', '../v2/on_create.sh'))),
    { error: `${bucketWhere('lifecycle/v3/', '../v2/on_create.sh')}: ${ON_CREATE_RULE} (got '../v2/on_create.sh')` }],
  ['a fromBucket onCreate of 129 characters', () => outcome(() => clusterIn(fromBucket('lifecycle/', 'x'.repeat(129)))),
    { error: `${bucketWhere('lifecycle/', 'x'.repeat(129))}: onCreate must be 1-128 characters (got '${'x'.repeat(129)}')` }],

  // lifecycle folders
  ['a lifecycle script with CRLF line endings',
    () => outcome(() => cluster({ lifecycleScripts: LifecycleScripts.fromAsset(crlfFolder, { onCreate: 'on_create.sh' }) })),
    { error: crlfMessage(crlfFolder, 'on_create.sh', 1) }],
  ['a helper script with a CRLF line ending further down',
    () => outcome(() => cluster({ lifecycleScripts: LifecycleScripts.fromAsset(crlfLaterFolder, { onCreate: 'on_create.sh' }) })),
    { error: crlfMessage(crlfLaterFolder, path.join('helpers', 'setup.sh'), 3) }],
  ['a symbolic link to a file outside the lifecycle folder',
    () => outcome(() => cluster({ lifecycleScripts: LifecycleScripts.fromAsset(linkFolder, { onCreate: 'on_create.sh' }) })),
    { error: linkMessage(linkFolder, path.join('conf', 'secret.txt'), path.join(outside, 'secret.txt')) }],
  ['a relative symbolic link to the folder\'s parent',
    () => outcome(() => cluster({ lifecycleScripts: LifecycleScripts.fromAsset(relativeLinkFolder, { onCreate: 'on_create.sh' }) })),
    { error: linkMessage(relativeLinkFolder, 'up', '..') }],

  // vpcSubnets that match no subnet
  ['vpcSubnets in an Availability Zone without subnets', () => outcome(() => cluster({ vpcSubnets: { availabilityZones: ['us-east-1z'] } })),
    { error: 'vpcSubnets.availabilityZones matches none of the 2 PRIVATE_WITH_EGRESS subnets, which are in dummy1a, dummy1b (got ["us-east-1z"])' }],
  ['vpcSubnets of a subnet type the VPC does not have', () => outcome(() => cluster({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } })),
    { error: 'vpcSubnets.subnetType matches no subnet of the VPC, whose private subnets are PRIVATE_WITH_EGRESS (got PRIVATE_ISOLATED)' }],
  ['vpcSubnets of a subnet group the VPC does not have', () => outcome(() => cluster({ vpcSubnets: { subnetGroupName: 'training' } })),
    { error: 'vpcSubnets.subnetGroupName matches no subnet group of the VPC, whose groups are Public, Private (got "training")' }],
  ['vpcSubnets with a filter that matches nothing', () => outcome(() => cluster({ vpcSubnets: { subnetFilters: [ec2.SubnetFilter.byIds(['subnet-0000'])] } })),
    {
      error: 'vpcSubnets.subnetFilters[0] matches none of the 2 PRIVATE_WITH_EGRESS subnets left by the selection before it '
      + '(TestStack/Vpc/PrivateSubnet1, TestStack/Vpc/PrivateSubnet2)',
    }],
  ['vpcSubnets with an empty subnets list', () => outcome(() => cluster({ vpcSubnets: { subnets: [] } })),
    { error: 'vpcSubnets.subnets must have 1-16 subnets (got an empty list)' }],
  ['a group\'s vpcSubnets in an Availability Zone without subnets', () => outcome(() => cluster({}, { vpcSubnets: { availabilityZones: ['us-east-1z'] } })),
    {
      error: 'instance group \'workers\': vpcSubnets.availabilityZones matches none of the 2 PRIVATE_WITH_EGRESS subnets, which are in dummy1a, '
      + 'dummy1b (got ["us-east-1z"])',
    }],

  // imported EKS clusters without the attributes the construct needs
  ['an imported aws-eks cluster without vpc', () => outcome(() => {
    const { app, stack } = testStack();
    const eksCluster = eks.Cluster.fromClusterAttributes(stack, 'NoVpcEks', { clusterName: 'ml-eks', clusterSecurityGroupId: 'sg-0123456789abcdef0' });
    new HyperPodEksCluster(stack, 'HyperPod', { eksCluster, instanceGroups: [group] });
    return app;
  }), {
    error: 'vpc is required when eksCluster is imported without one: pass vpc to fromClusterAttributes() or the vpc prop '
    + '(got TestStack/NoVpcEks, imported without vpc)',
  }],
  ['an imported aws-eks cluster without clusterSecurityGroupId', () => outcome(() => {
    const { app, stack, vpc } = testStack();
    const eksCluster = eks.Cluster.fromClusterAttributes(stack, 'NoSgEks', { clusterName: 'ml-eks', vpc });
    new HyperPodEksCluster(stack, 'HyperPod', { eksCluster, instanceGroups: [group] });
    return app;
  }), {
    error: 'eksClusterSecurityGroup is required when eksCluster is imported without clusterSecurityGroupId and no securityGroups are '
    + 'given (the nodes\' security group must exchange all traffic with it): pass clusterSecurityGroupId to fromClusterAttributes(), '
    + 'eksClusterSecurityGroup or securityGroups (got TestStack/NoSgEks, imported without clusterSecurityGroupId)',
  }],

  // the user's own security groups whose rules CDK cannot add
  ['securityGroups imported with mutable: false', () => outcome(() => clusterIn((stack) => ({
    securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Immutable', 'sg-12345678', { mutable: false, allowAllOutbound: false })],
  }))), { warning: `securityGroups: sg-12345678 (TestStack/Immutable) is imported with mutable: false, so CDK adds no rule to it. ${SG_RULES}` }],
  ['securityGroups imported without allowAllOutbound: false', () => outcome(() => clusterIn((stack) => ({
    securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Imported', 'sg-12345678')],
  }))), {
    warning: 'securityGroups: sg-12345678 (TestStack/Imported) is imported without allowAllOutbound: false, so CDK takes it to allow '
    + `all egress and adds no egress rule to it. ${SG_RULES}`,
  }],
  ['a group\'s securityGroups imported with mutable: false', () => outcome(() => clusterIn(() => ({}), (stack) => ({
    securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Immutable', 'sg-12345678', { mutable: false })],
  }))), {
    warning: 'instance group \'workers\': securityGroups: sg-12345678 (TestStack/Immutable) is imported with mutable: false, so CDK '
    + `adds no rule to it. ${SG_RULES}`,
  }],
  ['an eksClusterSecurityGroup imported with mutable: false', () => outcome(() => clusterIn((stack) => ({
    eksClusterSecurityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'EksSg', 'sg-0123456789abcdef0', { mutable: false }),
  }))), {
    warning: 'eksClusterSecurityGroup: sg-0123456789abcdef0 (TestStack/EksSg) is imported with mutable: false, so CDK drops the rule '
    + 'this construct adds to it (all traffic from the nodes\' security group TestStack/HyperPod/SecurityGroup). EKS needs it: add that '
    + 'ingress rule to the EKS cluster security group outside this app, or import it as mutable [ack: hyperpod-cdk:security-group-rules]',
  }],

  // handler properties: plain digits, bounded errors
  ...(['1e3', ' 3', '0x10', '3.0', '+3'].map((count): [string, () => Outcome, { error: string }] => [
    `a scale-down InstanceCount of ${JSON.stringify(count)}`, () => handler(scaleDownProps(count)),
    { error: `InstanceGroups[0].InstanceCount must be an integer from 0 to ${MAX} in plain digits, got ${JSON.stringify(count)}` },
  ])),
  ['a capacity wait RunningNodes of "0x10"', () => handler(() => parseCapacityProperties({
    ClusterName: 'c', InstanceGroupName: 'g', RunningNodes: '0x10', TimeoutSeconds: '600',
  })), { error: `RunningNodes must be an integer from 1 to ${MAX} in plain digits, got "0x10"` }],
  ['a preflight TimeoutSeconds of "1e3"', () => handler(() => parsePreflightProperties({ EksClusterName: 'ml-eks', TimeoutSeconds: '1e3' })),
    { error: 'TimeoutSeconds must be an integer from 1 in plain digits (got "1e3")' }],
];

describe('bad input is refused with a message that names the prop, the value and what is allowed', () => {
  test.each(cases)('%s', (_what, run, expected) => {
    const result = run();
    if ('error' in expected) {
      expect(result.errors.join('\n')).toContain(expected.error);
    } else {
      expect(result.errors).toEqual([]);
      expect(result.warnings).toContain(expected.warning);
    }
  });
});

describe('what is still accepted', () => {
  test.each<[string, () => Outcome]>([
    ['one fixed clusterName in two Regions', () => outcome(() => twoClusters(env, { ...env, region: 'us-west-2' }))],
    ['one fixed clusterName in two accounts', () => outcome(() => twoClusters(env, { ...env, account: '210987654321' }))],
    ['a tag key with aws in it, not as a prefix', () => outcome(() => cluster({ tags: { 'team-aws:x': 'ml' } }))],
    ['fromBucket keys without a leading /, // or ..', () => outcome(() => clusterIn(fromBucket('lifecycle/v3', 'bin/on_create.sh')))],
    ['a symbolic link inside the folder', () => outcome(() => cluster({
      lifecycleScripts: LifecycleScripts.fromAsset(folder({ 'on_create.sh': '#!/bin/bash\necho ok\n', 'start.sh': { link: 'on_create.sh' } }),
        { onCreate: 'start.sh' }),
    }))],
    ['an imported aws-eks cluster without clusterSecurityGroupId, with securityGroups', () => outcome(() => clusterIn((stack, vpc) => ({
      eksCluster: eks.Cluster.fromClusterAttributes(stack, 'NoSgEks', { clusterName: 'ml-eks', vpc }),
      securityGroups: [new ec2.SecurityGroup(stack, 'Nodes', { vpc })],
    })))],
    ['securityGroups imported mutable with allowAllOutbound: false', () => outcome(() => clusterIn((stack) => ({
      securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Imported', 'sg-12345678', { allowAllOutbound: false })],
    })))],
  ])('%s', (_what, run) => {
    const result = run();
    expect(result.errors).toEqual([]);
    expect(result.warnings.filter((w) => /hyperpod-cdk:(security-group-rules|duplicate-cluster-name)/.test(w))).toEqual([]);
  });

  test('handler integers in plain digits, as CloudFormation passes them, and JSON integers', () => {
    expect(parseProperties({ ClusterName: 'c', InstanceGroups: [{ InstanceGroupName: 'a', InstanceCount: '007' }] }).groups[0].desiredCount).toBe(7);
    expect(parseCapacityProperties({ ClusterName: 'c', InstanceGroupName: 'g', RunningNodes: 2, TimeoutSeconds: '600' }).runningNodes).toBe(2);
    expect(parsePreflightProperties({ EksClusterName: 'ml-eks', TimeoutSeconds: '600' }).timeoutSeconds).toBe(600);
  });
});

describe('every problem at once', () => {
  test('every problem of every group of the instanceGroups prop, in one error', () => {
    const { stack, eksCluster } = testStack();
    let error: HyperPodValidationError | undefined;
    try {
      new HyperPodEksCluster(stack, 'HyperPod', {
        eksCluster,
        scaleDown: { enabled: false },
        instanceGroups: [
          { ...group, instanceGroupName: 'a', instanceCount: -1 },
          { ...group, instanceGroupName: 'b', threadsPerCore: 3, vpcSubnets: { availabilityZones: ['us-east-1z'] } },
          { instanceType: InstanceType.ML_T3_MEDIUM, instanceCount: 1, imageId: 'nope' },
          { ...group, instanceGroupName: 'a', scaleDown: { chunkSize: 5 } },
        ],
      });
    } catch (err) {
      error = err as HyperPodValidationError;
    }
    expect(error?.message).toMatch(/^TestStack\/HyperPod: invalid configuration:\n/);
    expect(error?.problems).toEqual([
      'instance group "a": instanceCount must be an integer from 0 to 6758 (got -1)',
      'instance group "b": threadsPerCore must be an integer from 1 to 2 (got 3)',
      'instance group \'b\': vpcSubnets.availabilityZones matches none of the 2 PRIVATE_WITH_EGRESS subnets, which are in dummy1a, dummy1b (got ["us-east-1z"])',
      'instanceGroups[2].instanceGroupName is required in the instanceGroups prop (got none)',
      'instanceGroups[2]: imageId must be an AMI id (ami- and 8-17 hex digits) or \'default\' (got "nope")',
      'instanceGroupName \'a\' is used by another instance group of this cluster; names must be unique',
      'scaleDown.chunkSize set on instance group \'a\', but the cluster\'s scaleDown.enabled is false, so nothing would act on them (listed ids '
        + 'would not be removed): remove them, or enable scale-down',
    ]);
  });

  test.each<[string, () => unknown]>([
    ['Custom::HyperPodScaleDown', () => parseProperties({
      ClusterName: 'c', InstanceGroups: Array.from({ length: 500 }, (_, i) => ({ InstanceGroupName: `group-${i}`, InstanceCount: '1e3' })),
    })],
    ['Custom::HyperPodCapacity', () => parseCapacityProperties({
      ClusterName: { huge: 'x'.repeat(10_000) }, InstanceGroupName: 'y'.repeat(10_000), RunningNodes: 'z'.repeat(10_000), TimeoutSeconds: '1e3',
    })],
  ])('the error for malformed %s properties stays within CloudFormation\'s status reason budget', (type, parse) => {
    const message = handler(parse).errors.join('\n');
    expect(message).toMatch(new RegExp(`^invalid ${type} properties:`));
    expect(message.length).toBeLessThanOrEqual(MESSAGE_BUDGET_CHARS + 60);
  });
});
