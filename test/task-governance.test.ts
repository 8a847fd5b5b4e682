/**
 * Task governance (issue 13): `ClusterSchedulerConfig` (`AWS::SageMaker::ClusterSchedulerConfig`)
 * and `ComputeQuota` (`AWS::SageMaker::ComputeQuota`): every field and default as rendered, the
 * derived team namespace, bad input with the exact message, tokens left to deploy time, the
 * per-cluster rules, and the add-on check the cluster methods run.
 */
import { Lazy, Size, Stack, Tags, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import {
  ClusterSchedulerConfig, ClusterSchedulerConfigOptions, ComputeQuota, ComputeQuotaOptions, HyperPodDependencies, HyperPodEksCluster,
  InstanceType, MigProfile, ResourceSharingStrategy, TeamTaskPreemption,
} from '../src';
import { testCluster, testStack } from './support/stacks';
import { HyperPodValidationError } from '../src/private/errors';
import { requireTaskGovernanceAddon, TASK_GOVERNANCE_ADDON_WARNING } from '../src/private/task-governance';

const SCHEDULER = 'AWS::SageMaker::ClusterSchedulerConfig';
const QUOTA = 'AWS::SageMaker::ComputeQuota';
const CLUSTER_ARN = { 'Fn::GetAtt': ['HyperPodED6AB1C4', 'ClusterArn'] };
/** A generated name: path-based, plus a hash of the settings whose change replaces the resource. */
const GENERATED_NAME = Match.stringLikeRegexp('^[a-zA-Z0-9](-*[a-zA-Z0-9])*-[0-9a-f]{8}$');
const teamA: ComputeQuotaOptions = { teamName: 'team-a', resources: [{ instanceType: InstanceType.ML_G5_8XLARGE, count: 2 }] };

/** The Properties of the only resource of `type`. */
function propertiesOf(stack: Stack, type: string): Record<string, any> {
  const resources = Object.values(Template.fromStack(stack).findResources(type));
  expect(resources).toHaveLength(1);
  return resources[0].Properties;
}

/** The problems of the `HyperPodValidationError` `build` throws. */
function problemsOf(build: () => unknown): string[] {
  try {
    build();
  } catch (err) {
    if (err instanceof HyperPodValidationError) return err.problems;
    throw err;
  }
  throw new Error('expected a HyperPodValidationError, but nothing was thrown');
}

describe('ClusterSchedulerConfig', () => {
  test('defaults: a generated name, the cluster ARN, fair share enabled and nothing else', () => {
    const { stack, cluster } = testCluster();
    const policy = new ClusterSchedulerConfig(stack, 'Policy', { cluster });
    Template.fromStack(stack).hasResourceProperties(SCHEDULER, Match.exact({
      Name: GENERATED_NAME,
      ClusterArn: CLUSTER_ARN,
      SchedulerConfig: { FairShare: 'Enabled' },
    }));
    expect(policy.schedulerConfigName).toMatch(/^TestStackPolicy[0-9A-F]{8}-[0-9a-f]{8}$/);
    expect(policy.priorityClassNames).toEqual([]);
    expect(policy.cluster).toBe(cluster);
  });

  test('every field', () => {
    const { stack, cluster } = testCluster();
    new ClusterSchedulerConfig(stack, 'Policy', {
      cluster,
      schedulerConfigName: 'ml-policy',
      description: 'Inference first, then training',
      priorityClasses: [{ name: 'inference', weight: 100 }, { name: 'training', weight: 50 }, { name: 'experiments', weight: 0 }],
      fairShare: false,
      idleResourceSharing: true,
      tags: { team: 'platform' },
    });
    expect(propertiesOf(stack, SCHEDULER)).toEqual({
      Name: 'ml-policy',
      ClusterArn: CLUSTER_ARN,
      Description: 'Inference first, then training',
      SchedulerConfig: {
        PriorityClasses: [{ Name: 'inference', Weight: 100 }, { Name: 'training', Weight: 50 }, { Name: 'experiments', Weight: 0 }],
        FairShare: 'Disabled',
        IdleResourceSharing: 'Enabled',
      },
      Tags: [{ Key: 'team', Value: 'platform' }],
    });
  });

  test('idle resource sharing off renders Disabled; fair share true renders Enabled', () => {
    const { stack, cluster } = testCluster();
    new ClusterSchedulerConfig(stack, 'Policy', { cluster, fairShare: true, idleResourceSharing: false });
    expect(propertiesOf(stack, SCHEDULER).SchedulerConfig).toEqual({ FairShare: 'Enabled', IdleResourceSharing: 'Disabled' });
  });

  test('attributes are the resource\'s ClusterSchedulerConfigArn and ClusterSchedulerConfigId', () => {
    const { stack, cluster } = testCluster();
    const policy = new ClusterSchedulerConfig(stack, 'Policy', { cluster, priorityClasses: [{ name: 'high', weight: 90 }] });
    const id = stack.getLogicalId(policy.node.defaultChild as any);
    expect(stack.resolve(policy.schedulerConfigArn)).toEqual({ 'Fn::GetAtt': [id, 'ClusterSchedulerConfigArn'] });
    expect(stack.resolve(policy.schedulerConfigId)).toEqual({ 'Fn::GetAtt': [id, 'ClusterSchedulerConfigId'] });
    expect(policy.priorityClassNames).toEqual(['high']);
  });

  test('an imported cluster with its ARN', () => {
    const { stack } = testCluster();
    const arn = 'arn:aws:sagemaker:us-east-1:123456789012:cluster/abcdef012345';
    const cluster = HyperPodEksCluster.fromClusterAttributes(stack, 'Imported', { clusterName: 'imported', clusterArn: arn });
    new ClusterSchedulerConfig(stack, 'Policy', { cluster, schedulerConfigName: 'p' });
    expect(propertiesOf(stack, SCHEDULER).ClusterArn).toBe(arn);
  });

  // Each row: what is wrong, the options, and the exact problems.
  const bad: Array<[string, Partial<ClusterSchedulerConfigOptions>, string[]]> = [
    ['name with underscore', { schedulerConfigName: 'my_policy' },
      ['schedulerConfigName must be 1-63 characters: letters, digits and hyphens, starting and ending with a letter or digit (got "my_policy")']],
    ['name of 64 characters', { schedulerConfigName: 'p'.repeat(64) },
      [`schedulerConfigName must be 1-63 characters: letters, digits and hyphens, starting and ending with a letter or digit (got "${'p'.repeat(64)}")`]],
    ['description with a newline', { description: 'a\nb' },
      ['description must be at most 1024 characters without control characters such as newlines (got "a\\nb")']],
    ['description too long', { description: 'd'.repeat(1025) },
      ['description must be at most 1024 characters without control characters such as newlines (got 1025 characters)']],
    ['11 priority classes', { priorityClasses: Array.from({ length: 11 }, (_, i) => ({ name: `p${i}`, weight: i })) },
      ['priorityClasses must have 0-10 priority classes (got 11)']],
    ['upper-case class name', { priorityClasses: [{ name: 'Training', weight: 1 }] },
      ['priorityClasses[0].name must be 1-40 lowercase letters, digits and hyphens, starting and ending with a letter or digit (got "Training")']],
    ['class name of 41 characters', { priorityClasses: [{ name: 'c'.repeat(41), weight: 1 }] },
      [`priorityClasses[0].name must be 1-40 lowercase letters, digits and hyphens, starting and ending with a letter or digit (got "${'c'.repeat(41)}")`]],
    ['weight above 100', { priorityClasses: [{ name: 'high', weight: 101 }] },
      ['priorityClasses[0].weight must be an integer from 0 to 100 (got 101)']],
    ['negative weight', { priorityClasses: [{ name: 'low', weight: -1 }] },
      ['priorityClasses[0].weight must be an integer from 0 to 100 (got -1)']],
    ['fractional weight', { priorityClasses: [{ name: 'mid', weight: 2.5 }] },
      ['priorityClasses[0].weight must be an integer from 0 to 100 (got 2.5)']],
    ['missing weight', { priorityClasses: [{ name: 'mid' } as any] },
      ['priorityClasses[0].weight is required, an integer from 0 to 100 (got none)']],
    ['repeated class name', { priorityClasses: [{ name: 'a', weight: 1 }, { name: 'a', weight: 2 }] },
      ["priorityClasses[1].name 'a' is used by another priority class; names must be unique"]],
    ['aws: tag', { tags: { 'aws:owner': 'x' } },
      ['tags key must not start with \'aws:\' (in any case), which AWS reserves for its own tags (got "aws:owner")']],
    ['51 tags', { tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) },
      ['tags must have 0-50 tags (got 51)']],
    ['tag value too long', { tags: { k: 'v'.repeat(257) } },
      [`tags["k"] value must be at most 256 letters, digits, spaces and _.:/=+-@ (got "${'v'.repeat(257)}")`]],
    ['every problem at once', { schedulerConfigName: '-', priorityClasses: [{ name: 'X', weight: 200 }] }, [
      'schedulerConfigName must be 1-63 characters: letters, digits and hyphens, starting and ending with a letter or digit (got "-")',
      'priorityClasses[0].name must be 1-40 lowercase letters, digits and hyphens, starting and ending with a letter or digit (got "X")',
      'priorityClasses[0].weight must be an integer from 0 to 100 (got 200)',
    ]],
  ];
  test.each(bad)('%s', (_what, options, expected) => {
    const { stack, cluster } = testCluster();
    expect(problemsOf(() => new ClusterSchedulerConfig(stack, 'Policy', { cluster, ...options }))).toEqual(expected);
  });

  test('the error names the construct', () => {
    const { stack, cluster } = testCluster();
    expect(() => new ClusterSchedulerConfig(stack, 'Policy', { cluster, schedulerConfigName: 'a_b' }))
      .toThrow(/^TestStack\/Policy: invalid configuration:/);
  });

  test('a second policy for the same cluster is refused; another cluster takes its own', () => {
    const { stack, eksCluster, cluster } = testCluster();
    const first = new ClusterSchedulerConfig(stack, 'Policy', { cluster });
    expect(problemsOf(() => new ClusterSchedulerConfig(stack, 'Second', { cluster }))).toEqual([
      `cluster ${cluster.node.path} already has a scheduler config (${first.node.path}): a cluster takes one cluster policy; put every priority class in that one`,
    ]);
    const other = new HyperPodEksCluster(stack, 'Other', {
      eksCluster, instanceGroups: [{ instanceGroupName: 'w', instanceType: InstanceType.ML_T3_MEDIUM, instanceCount: 1 }],
    });
    expect(() => new ClusterSchedulerConfig(stack, 'OtherPolicy', { cluster: other })).not.toThrow();
  });

  test('tokens are not judged and render as given', () => {
    const { stack, cluster } = testCluster();
    const name = Lazy.string({ produce: () => 'late-name' });
    const weight = Token.asNumber(Lazy.number({ produce: () => 7 }));
    new ClusterSchedulerConfig(stack, 'Policy', {
      cluster,
      schedulerConfigName: name,
      description: Lazy.string({ produce: () => 'late\ndescription' }),
      priorityClasses: [{ name: Lazy.string({ produce: () => 'NotChecked' }), weight }],
    });
    expect(propertiesOf(stack, SCHEDULER)).toMatchObject({
      Name: 'late-name',
      Description: 'late\ndescription',
      SchedulerConfig: { PriorityClasses: [{ Name: 'NotChecked', Weight: 7 }] },
    });
  });
});

describe('ComputeQuota', () => {
  test('defaults: a generated name, the cluster ARN, enabled, preemption of lower priorities', () => {
    const { stack, cluster } = testCluster();
    new ComputeQuota(stack, 'TeamA', { cluster, ...teamA });
    Template.fromStack(stack).hasResourceProperties(QUOTA, Match.exact({
      Name: GENERATED_NAME,
      ClusterArn: CLUSTER_ARN,
      ActivationState: 'Enabled',
      ComputeQuotaTarget: { TeamName: 'team-a' },
      ComputeQuotaConfig: {
        ComputeQuotaResources: [{ InstanceType: 'ml.g5.8xlarge', Count: 2 }],
        PreemptTeamTasks: 'LowerPriority',
      },
    }));
  });

  test('every field', () => {
    const { stack, cluster } = testCluster();
    new ComputeQuota(stack, 'TeamA', {
      cluster,
      teamName: 'research',
      computeQuotaName: 'research-quota',
      description: 'GPUs of the research team',
      fairShareWeight: 80,
      resources: [
        { instanceType: InstanceType.ML_G5_8XLARGE, count: 2 },
        { instanceType: InstanceType.of('ml.p5.48xlarge'), accelerators: 8, vCpu: 96.5, memory: Size.gibibytes(1024) },
        { instanceType: InstanceType.of('ml.p4d.24xlarge'), acceleratorPartition: { profile: MigProfile.MIG_1G_5GB, count: 14 } },
      ],
      resourceSharing: {
        strategy: ResourceSharingStrategy.LEND_AND_BORROW,
        borrowLimit: 150,
        absoluteBorrowLimits: [{ instanceType: InstanceType.of('ml.p5.48xlarge'), accelerators: 16 }],
      },
      preemptTeamTasks: TeamTaskPreemption.NEVER,
      enabled: false,
      tags: { cost: 'research' },
    });
    expect(propertiesOf(stack, QUOTA)).toEqual({
      Name: 'research-quota',
      ClusterArn: CLUSTER_ARN,
      Description: 'GPUs of the research team',
      ActivationState: 'Disabled',
      ComputeQuotaTarget: { TeamName: 'research', FairShareWeight: 80 },
      ComputeQuotaConfig: {
        ComputeQuotaResources: [
          { InstanceType: 'ml.g5.8xlarge', Count: 2 },
          { InstanceType: 'ml.p5.48xlarge', Accelerators: 8, VCpu: 96.5, MemoryInGiB: 1024 },
          { InstanceType: 'ml.p4d.24xlarge', AcceleratorPartition: { Type: 'mig-1g.5gb', Count: 14 } },
        ],
        ResourceSharingConfig: {
          Strategy: 'LendAndBorrow',
          BorrowLimit: 150,
          AbsoluteBorrowLimits: [{ InstanceType: 'ml.p5.48xlarge', Accelerators: 16 }],
        },
        PreemptTeamTasks: 'Never',
      },
      Tags: [{ Key: 'cost', Value: 'research' }],
    });
  });

  test.each([
    [ResourceSharingStrategy.LEND, 'Lend'],
    [ResourceSharingStrategy.DONT_LEND, 'DontLend'],
    [ResourceSharingStrategy.LEND_AND_BORROW, 'LendAndBorrow'],
  ])('strategy %s renders %s alone', (strategy, rendered) => {
    const { stack, cluster } = testCluster();
    new ComputeQuota(stack, 'TeamA', { cluster, ...teamA, resourceSharing: { strategy } });
    expect(propertiesOf(stack, QUOTA).ComputeQuotaConfig.ResourceSharingConfig).toEqual({ Strategy: rendered });
  });

  test('memory in other units renders in GiB, fractions kept', () => {
    const { stack, cluster } = testCluster();
    new ComputeQuota(stack, 'TeamA', { cluster, teamName: 'a', resources: [{ instanceType: InstanceType.ML_M5_XLARGE, memory: Size.mebibytes(1536) }] });
    expect(propertiesOf(stack, QUOTA).ComputeQuotaConfig.ComputeQuotaResources).toEqual([{ InstanceType: 'ml.m5.xlarge', MemoryInGiB: 1.5 }]);
  });

  test('an empty resources list: a team that only borrows', () => {
    const { stack, cluster } = testCluster();
    new ComputeQuota(stack, 'TeamA', { cluster, teamName: 'borrower', resources: [] });
    expect(propertiesOf(stack, QUOTA).ComputeQuotaConfig).toEqual({ ComputeQuotaResources: [], PreemptTeamTasks: 'LowerPriority' });
  });

  test('the team namespace and queue are derived from the team name', () => {
    const { stack, cluster } = testCluster();
    const quota = new ComputeQuota(stack, 'TeamA', { cluster, ...teamA });
    expect(quota.teamName).toBe('team-a');
    expect(quota.teamNamespace).toBe('hyperpod-ns-team-a');
    expect(quota.localQueueName).toBe('hyperpod-ns-team-a-localqueue');
    expect(ComputeQuota.namespaceOf('ml-research')).toBe('hyperpod-ns-ml-research');
    const id = stack.getLogicalId(quota.node.defaultChild as any);
    expect(stack.resolve(quota.computeQuotaArn)).toEqual({ 'Fn::GetAtt': [id, 'ComputeQuotaArn'] });
    expect(stack.resolve(quota.computeQuotaId)).toEqual({ 'Fn::GetAtt': [id, 'ComputeQuotaId'] });
    expect(quota.cluster).toBe(cluster);
  });

  test('a team name token gives a namespace token', () => {
    const { stack, cluster } = testCluster();
    const team = Lazy.string({ produce: () => 'late-team' });
    const quota = new ComputeQuota(stack, 'TeamA', { cluster, ...teamA, teamName: team });
    expect(stack.resolve(quota.teamNamespace)).toBe('hyperpod-ns-late-team');
    expect(stack.resolve(quota.localQueueName)).toBe('hyperpod-ns-late-team-localqueue');
  });

  test('the generated name changes with the team (a replacement) and not otherwise', () => {
    const name = (teamName: string, weight?: number) => {
      const { stack, cluster } = testCluster();
      return new ComputeQuota(stack, 'TeamA', { cluster, ...teamA, teamName, fairShareWeight: weight }).computeQuotaName;
    };
    expect(name('a')).toBe(name('a', 50));
    expect(name('a')).not.toBe(name('b'));
    expect(name('a').length).toBeLessThanOrEqual(63);
    expect(name('a')).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/);
  });

  const gpu = InstanceType.ML_G5_8XLARGE;
  // Each row: what is wrong, the options, and the exact problems.
  const bad: Array<[string, Partial<ComputeQuotaOptions>, string[]]> = [
    ['upper-case team', { teamName: 'TeamA' },
      ['teamName must be 1-40 lowercase letters, digits and hyphens, starting and ending with a letter or digit (it names the namespace hyperpod-ns-<team>) (got "TeamA")']],
    ['team of 41 characters', { teamName: 't'.repeat(41) },
      [`teamName must be 1-40 lowercase letters, digits and hyphens, starting and ending with a letter or digit (it names the namespace hyperpod-ns-<team>) (got "${'t'.repeat(41)}")`]],
    ['team ending with a hyphen', { teamName: 'team-' },
      ['teamName must be 1-40 lowercase letters, digits and hyphens, starting and ending with a letter or digit (it names the namespace hyperpod-ns-<team>) (got "team-")']],
    ['empty team', { teamName: '' },
      ['teamName must be 1-40 lowercase letters, digits and hyphens, starting and ending with a letter or digit (it names the namespace hyperpod-ns-<team>) (got "")']],
    ['quota name with a dot', { computeQuotaName: 'team.a' },
      ['computeQuotaName must be 1-63 characters: letters, digits and hyphens, starting and ending with a letter or digit (got "team.a")']],
    ['fair-share weight above 100', { fairShareWeight: 101 }, ['fairShareWeight must be an integer from 0 to 100 (got 101)']],
    ['negative fair-share weight', { fairShareWeight: -5 }, ['fairShareWeight must be an integer from 0 to 100 (got -5)']],
    ['missing resources', { resources: undefined },
      ['resources is required: the compute the team is guaranteed per instance type, or [] for none (got none)']],
    ['16 instance types', { resources: Array.from({ length: 16 }, (_, i) => ({ instanceType: InstanceType.of(`ml.type${i}.xlarge`), count: 1 })) },
      ['resources must have 0-15 instance types (got 16)']],
    ['instance type without ml.', { resources: [{ instanceType: InstanceType.of('g5.8xlarge'), count: 1 }] },
      ["resources[0].instanceType must be an 'ml.' instance type such as 'ml.g5.8xlarge' (got \"g5.8xlarge\")"]],
    ['instance type listed twice', { resources: [{ instanceType: gpu, count: 1 }, { instanceType: gpu, accelerators: 2 }] },
      ["resources[1].instanceType 'ml.g5.8xlarge' is listed twice in resources; give each instance type once"]],
    ['nothing but the instance type', { resources: [{ instanceType: gpu }] },
      ['resources[0] must set at least one of count, accelerators, vCpu, memory and acceleratorPartition (got only instanceType)']],
    ['negative count', { resources: [{ instanceType: gpu, count: -1 }] },
      ['resources[0].count must be an integer from 0 to 10000000 (got -1)']],
    ['fractional accelerators', { resources: [{ instanceType: gpu, accelerators: 0.5 }] },
      ['resources[0].accelerators must be an integer from 0 to 10000000 (got 0.5)']],
    ['too many vCPUs', { resources: [{ instanceType: gpu, vCpu: 10_000_001 }] },
      ['resources[0].vCpu must be a number from 0 to 10000000 (got 10000001)']],
    ['too much memory', { resources: [{ instanceType: gpu, memory: Size.tebibytes(10_000) }] },
      ['resources[0].memory (GiB) must be a number from 0 to 10000000 (got 10240000)']],
    ['unknown MIG profile', { resources: [{ instanceType: gpu, acceleratorPartition: { profile: MigProfile.of('1g.10gb'), count: 1 } }] },
      ["resources[0].acceleratorPartition.profile must be a MIG profile such as 'mig-1g.10gb' (got \"1g.10gb\")"]],
    ['negative partition count', { resources: [{ instanceType: gpu, acceleratorPartition: { profile: MigProfile.MIG_7G_80GB, count: -2 } }] },
      ['resources[0].acceleratorPartition.count must be an integer from 0 to 10000000 (got -2)']],
    ['unknown strategy', { resourceSharing: { strategy: 'Share' as ResourceSharingStrategy } },
      ['resourceSharing.strategy must be one of LendAndBorrow, Lend, DontLend (got "Share")']],
    ['borrow limit above the API maximum', { resourceSharing: { strategy: ResourceSharingStrategy.LEND_AND_BORROW, borrowLimit: 10_001 } },
      ['resourceSharing.borrowLimit (percent) must be an integer from 0 to 10000 (got 10001)']],
    ['borrow limit on a team that does not borrow', { resourceSharing: { strategy: ResourceSharingStrategy.LEND, borrowLimit: 50 } },
      ['resourceSharing.borrowLimit limit borrowing, but strategy Lend does not borrow: use ResourceSharingStrategy.LEND_AND_BORROW, or remove them']],
    ['absolute borrow limits on a team that does not lend', {
      resourceSharing: { strategy: ResourceSharingStrategy.DONT_LEND, borrowLimit: 10, absoluteBorrowLimits: [{ instanceType: gpu, count: 1 }] },
    }, ['resourceSharing.borrowLimit and absoluteBorrowLimits limit borrowing, but strategy DontLend does not borrow: use ResourceSharingStrategy.LEND_AND_BORROW, or remove them']],
    ['bad absolute borrow limit', { resourceSharing: { strategy: ResourceSharingStrategy.LEND_AND_BORROW, absoluteBorrowLimits: [{ instanceType: gpu }] } },
      ['resourceSharing.absoluteBorrowLimits[0] must set at least one of count, accelerators, vCpu, memory and acceleratorPartition (got only instanceType)']],
    ['unknown preemption', { preemptTeamTasks: 'Always' as TeamTaskPreemption },
      ['preemptTeamTasks must be one of LowerPriority, Never (got "Always")']],
    ['description with a tab', { description: 'a\tb' },
      ['description must be at most 1024 characters without control characters such as newlines (got "a\\tb")']],
    ['tag key with a comma', { tags: { 'a,b': 'v' } }, ['tags key must be 1-128 letters, digits, spaces and _.:/=+-@ (got "a,b")']],
    ['every problem at once', { teamName: 'A', fairShareWeight: 1000, resources: [{ instanceType: gpu, count: 1.5 }] }, [
      'teamName must be 1-40 lowercase letters, digits and hyphens, starting and ending with a letter or digit (it names the namespace hyperpod-ns-<team>) (got "A")',
      'fairShareWeight must be an integer from 0 to 100 (got 1000)',
      'resources[0].count must be an integer from 0 to 10000000 (got 1.5)',
    ]],
  ];
  test.each(bad)('%s', (_what, options, expected) => {
    const { stack, cluster } = testCluster();
    expect(problemsOf(() => new ComputeQuota(stack, 'TeamA', { cluster, ...teamA, ...options } as any))).toEqual(expected);
  });

  test('an imported cluster without clusterArn is refused with a hint', () => {
    const { stack } = testCluster();
    const cluster = HyperPodEksCluster.fromClusterName(stack, 'Imported', 'imported');
    expect(problemsOf(() => new ComputeQuota(stack, 'TeamA', { cluster, ...teamA }))).toEqual([
      'cluster.clusterArn is needed (ClusterArn), but TestStack/Imported has none: pass clusterArn to HyperPodEksCluster.fromClusterAttributes() (got no clusterArn)',
    ]);
  });

  test('an imported cluster whose ARN is not a HyperPod cluster ARN is refused', () => {
    const { stack } = testCluster();
    const arn = 'arn:aws:eks:us-east-1:123456789012:cluster/ml-eks';
    const cluster = HyperPodEksCluster.fromClusterAttributes(stack, 'Imported', { clusterName: 'imported', clusterArn: arn });
    expect(problemsOf(() => new ComputeQuota(stack, 'TeamA', { cluster, ...teamA }))).toEqual([
      `cluster.clusterArn must be a HyperPod cluster ARN (arn:<partition>:sagemaker:<region>:<account>:cluster/<12-character id>) (got "${arn}")`,
    ]);
  });

  test('a team and a quota name are unique per cluster, not across clusters', () => {
    const { stack, eksCluster, cluster } = testCluster();
    const first = new ComputeQuota(stack, 'TeamA', { cluster, ...teamA, computeQuotaName: 'quota-a' });
    expect(problemsOf(() => new ComputeQuota(stack, 'TeamA2', { cluster, ...teamA, computeQuotaName: 'quota-a' }))).toEqual([
      `teamName 'team-a' is used by another compute quota of cluster ${cluster.node.path} (${first.node.path}); it must be unique per cluster`,
      `computeQuotaName 'quota-a' is used by another compute quota of cluster ${cluster.node.path} (${first.node.path}); it must be unique per cluster`,
    ]);
    const other = new HyperPodEksCluster(stack, 'Other', {
      eksCluster, instanceGroups: [{ instanceGroupName: 'w', instanceType: InstanceType.ML_T3_MEDIUM, instanceCount: 1 }],
    });
    expect(() => new ComputeQuota(stack, 'OtherTeamA', { cluster: other, ...teamA, computeQuotaName: 'quota-a' })).not.toThrow();
  });

  test('tokens are not judged and render as given', () => {
    const { stack, cluster } = testCluster();
    const n = (v: number) => Token.asNumber(Lazy.number({ produce: () => v }));
    new ComputeQuota(stack, 'TeamA', {
      cluster,
      teamName: Lazy.string({ produce: () => 'Upper_Case' }),
      computeQuotaName: Lazy.string({ produce: () => 'not_checked' }),
      fairShareWeight: n(500),
      resources: [{ instanceType: InstanceType.of(Lazy.string({ produce: () => 'x.large' })), count: n(-1), vCpu: n(-2), memory: Size.gibibytes(n(-3)) }],
      resourceSharing: { strategy: ResourceSharingStrategy.LEND_AND_BORROW, borrowLimit: n(99999) },
    });
    expect(propertiesOf(stack, QUOTA)).toMatchObject({
      Name: 'not_checked',
      ComputeQuotaTarget: { TeamName: 'Upper_Case', FairShareWeight: 500 },
      ComputeQuotaConfig: {
        ComputeQuotaResources: [{ InstanceType: 'x.large', Count: -1, VCpu: -2, MemoryInGiB: -3 }],
        ResourceSharingConfig: { Strategy: 'LendAndBorrow', BorrowLimit: 99999 },
      },
    });
  });
});

describe('tags', () => {
  test('the cluster\'s tags reach the policy and quotas created in it; their own tags win', () => {
    const { stack, cluster } = testCluster({ tags: { owner: 'ml', cost: 'shared' } });
    new ClusterSchedulerConfig(cluster, 'Policy', { cluster });
    new ComputeQuota(cluster, 'TeamA', { cluster, ...teamA, tags: { cost: 'team-a' } });
    Tags.of(stack).add('stage', 'test');
    expect(propertiesOf(stack, SCHEDULER).Tags).toEqual([
      { Key: 'cost', Value: 'shared' }, { Key: 'owner', Value: 'ml' }, { Key: 'stage', Value: 'test' },
    ]);
    expect(propertiesOf(stack, QUOTA).Tags).toEqual([
      { Key: 'cost', Value: 'team-a' }, { Key: 'owner', Value: 'ml' }, { Key: 'stage', Value: 'test' },
    ]);
  });
});

describe('the task governance add-on (for the cluster methods)', () => {
  test('dependencies that install it: the quota is created after the add-on', () => {
    const { stack, eksCluster, cluster } = testCluster();
    const deps = new HyperPodDependencies(stack, 'Deps', { eksCluster, taskGovernance: true });
    const quota = new ComputeQuota(cluster, 'TeamA', { cluster, ...teamA });
    requireTaskGovernanceAddon(quota, deps, "addComputeQuota('TeamA')");
    const addon = deps.addons.find((a) => a.addonName === 'amazon-sagemaker-hyperpod-taskgovernance')!;
    const template = Template.fromStack(stack);
    const [quotaResource] = Object.values(template.findResources(QUOTA));
    expect(quotaResource.DependsOn).toEqual([stack.getLogicalId(addon)]);
  });

  test('dependencies that do not install it: an error that names the setting', () => {
    const { stack, eksCluster, cluster } = testCluster();
    const deps = new HyperPodDependencies(stack, 'Deps', { eksCluster });
    const policy = new ClusterSchedulerConfig(cluster, 'Policy', { cluster });
    expect(problemsOf(() => requireTaskGovernanceAddon(policy, deps, "addSchedulerConfig('Policy')"))).toEqual([
      "addSchedulerConfig('Policy') needs the amazon-sagemaker-hyperpod-taskgovernance EKS add-on, but the cluster's dependencies "
        + '(TestStack/Deps) do not install it: set taskGovernance: true on HyperPodDependencies (got taskGovernance: false)',
    ]);
  });

  test('no dependencies: an acknowledgeable warning', () => {
    const { stack, cluster } = testCluster();
    const quota = new ComputeQuota(cluster, 'TeamA', { cluster, ...teamA });
    requireTaskGovernanceAddon(quota, undefined, "addComputeQuota('TeamA')");
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('task governance|taskgovernance'));
    expect(warnings.map((w) => w.entry.data)).toEqual([
      "addComputeQuota('TeamA') needs the amazon-sagemaker-hyperpod-taskgovernance EKS add-on on the EKS cluster, and this cluster "
        + 'has no dependencies that install it: install it yourself (Kubernetes 1.30 or later, no other Kueue), or pass '
        + `HyperPodDependencies with taskGovernance: true as the cluster's dependencies [ack: ${TASK_GOVERNANCE_ADDON_WARNING}]`,
    ]);
  });
});

describe('the cluster\'s task governance methods', () => {
  test('addSchedulerConfig and addComputeQuota create the resources on this cluster and list the team namespaces', () => {
    const { stack, cluster } = testCluster();
    cluster.addSchedulerConfig('Policy', { priorityClasses: [{ name: 'training', weight: 70 }] });
    const quota = cluster.addComputeQuota('Research', { teamName: 'research', resources: [{ instanceType: InstanceType.ML_T3_MEDIUM, count: 1 }] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SageMaker::ClusterSchedulerConfig', 1);
    template.resourceCountIs('AWS::SageMaker::ComputeQuota', 1);
    expect(quota.node.path).toBe('TestStack/HyperPod/TaskGovernance/Research');
    expect(cluster.teamNamespaces).toEqual(['hyperpod-ns-research']);
  });

  test('dependencies without the task governance add-on: refused at synth, naming the fix', () => {
    const { stack, eksCluster } = testStack();
    const dependencies = new HyperPodDependencies(stack, 'Deps', { eksCluster: eksCluster as any, taskGovernance: false });
    const cluster = new HyperPodEksCluster(stack, 'HyperPod', {
      eksCluster, dependencies, instanceGroups: [{ instanceGroupName: 'w', instanceType: InstanceType.ML_T3_MEDIUM, instanceCount: 1 }],
    });
    expect(() => cluster.addSchedulerConfig('Policy')).toThrow(/needs the amazon-sagemaker-hyperpod-taskgovernance EKS add-on.*set taskGovernance: true/);
  });
});
