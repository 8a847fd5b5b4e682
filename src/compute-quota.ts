import { Resource, Size, Tags, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { IHyperPodEksCluster } from './cluster-base';
import { InstanceType } from './instance-type';
import { throwIfProblems } from './private/errors';
import { generateClusterName } from './private/names';
import {
  checkAmount, checkDescription, checkInstanceType, checkMigProfile, checkResourceTags, checkTeamName, claim, claimedBy, enabled,
  gibibytes, localQueueOf, readClusterArn, TASK_GOVERNANCE, TaggableCfnResource, teamNamespaceOf,
} from './private/task-governance';
import { checkCount, checkInteger, checkName } from './private/validation';

/**
 * How a team shares idle compute with the other teams of the cluster.
 */
export enum ResourceSharingStrategy {
  /** The team lends its idle compute and borrows idle compute of others (SageMaker's default). */
  LEND_AND_BORROW = 'LendAndBorrow',
  /** The team lends its idle compute, and borrows none. */
  LEND = 'Lend',
  /** The team neither lends nor borrows. */
  DONT_LEND = 'DontLend',
}

/**
 * Whether a team's tasks preempt the team's own tasks of lower priority.
 */
export enum TeamTaskPreemption {
  /** A task of a higher priority class preempts the team's tasks of lower ones (SageMaker's default). */
  LOWER_PRIORITY = 'LowerPriority',
  /** The team's tasks never preempt each other. */
  NEVER = 'Never',
}

/**
 * A Multi-Instance GPU (MIG) profile, for fractional GPU quotas. Which profiles an instance
 * type offers depends on its GPU.
 */
export class MigProfile {
  /** mig-1g.5gb */
  public static readonly MIG_1G_5GB = MigProfile.of('mig-1g.5gb');
  /** mig-1g.10gb */
  public static readonly MIG_1G_10GB = MigProfile.of('mig-1g.10gb');
  /** mig-1g.18gb */
  public static readonly MIG_1G_18GB = MigProfile.of('mig-1g.18gb');
  /** mig-1g.20gb */
  public static readonly MIG_1G_20GB = MigProfile.of('mig-1g.20gb');
  /** mig-1g.23gb */
  public static readonly MIG_1G_23GB = MigProfile.of('mig-1g.23gb');
  /** mig-1g.35gb */
  public static readonly MIG_1G_35GB = MigProfile.of('mig-1g.35gb');
  /** mig-1g.45gb */
  public static readonly MIG_1G_45GB = MigProfile.of('mig-1g.45gb');
  /** mig-1g.47gb */
  public static readonly MIG_1G_47GB = MigProfile.of('mig-1g.47gb');
  /** mig-2g.10gb */
  public static readonly MIG_2G_10GB = MigProfile.of('mig-2g.10gb');
  /** mig-2g.20gb */
  public static readonly MIG_2G_20GB = MigProfile.of('mig-2g.20gb');
  /** mig-2g.35gb */
  public static readonly MIG_2G_35GB = MigProfile.of('mig-2g.35gb');
  /** mig-2g.45gb */
  public static readonly MIG_2G_45GB = MigProfile.of('mig-2g.45gb');
  /** mig-2g.47gb */
  public static readonly MIG_2G_47GB = MigProfile.of('mig-2g.47gb');
  /** mig-3g.20gb */
  public static readonly MIG_3G_20GB = MigProfile.of('mig-3g.20gb');
  /** mig-3g.40gb */
  public static readonly MIG_3G_40GB = MigProfile.of('mig-3g.40gb');
  /** mig-3g.71gb */
  public static readonly MIG_3G_71GB = MigProfile.of('mig-3g.71gb');
  /** mig-3g.90gb */
  public static readonly MIG_3G_90GB = MigProfile.of('mig-3g.90gb');
  /** mig-3g.93gb */
  public static readonly MIG_3G_93GB = MigProfile.of('mig-3g.93gb');
  /** mig-4g.20gb */
  public static readonly MIG_4G_20GB = MigProfile.of('mig-4g.20gb');
  /** mig-4g.40gb */
  public static readonly MIG_4G_40GB = MigProfile.of('mig-4g.40gb');
  /** mig-4g.71gb */
  public static readonly MIG_4G_71GB = MigProfile.of('mig-4g.71gb');
  /** mig-4g.90gb */
  public static readonly MIG_4G_90GB = MigProfile.of('mig-4g.90gb');
  /** mig-4g.93gb */
  public static readonly MIG_4G_93GB = MigProfile.of('mig-4g.93gb');
  /** mig-7g.40gb */
  public static readonly MIG_7G_40GB = MigProfile.of('mig-7g.40gb');
  /** mig-7g.80gb */
  public static readonly MIG_7G_80GB = MigProfile.of('mig-7g.80gb');
  /** mig-7g.141gb */
  public static readonly MIG_7G_141GB = MigProfile.of('mig-7g.141gb');
  /** mig-7g.180gb */
  public static readonly MIG_7G_180GB = MigProfile.of('mig-7g.180gb');
  /** mig-7g.186gb */
  public static readonly MIG_7G_186GB = MigProfile.of('mig-7g.186gb');

  /**
   * Any profile by name, such as `mig-1g.10gb` (new ones ship with new GPUs; tokens are accepted).
   */
  public static of(profile: string): MigProfile {
    return new MigProfile(profile);
  }

  private constructor(private readonly profile: string) {}

  /** The profile name, for example `mig-1g.10gb`. */
  public toString(): string {
    return this.profile;
  }
}

/**
 * A number of MIG partitions of one profile.
 */
export interface AcceleratorPartition {
  /** The MIG profile. */
  readonly profile: MigProfile;

  /** How many partitions of the profile, from 0 to 10,000,000. */
  readonly count: number;
}

/**
 * Compute of one instance type: whole instances (`count`), or accelerators, vCPUs and memory
 * (SageMaker fills in the amounts left out in proportion to the instance type).
 */
export interface ComputeQuotaResource {
  /** The instance type (of an instance group of the cluster). */
  readonly instanceType: InstanceType;

  /**
   * Whole instances, from 0 to 10,000,000.
   *
   * @default - none: the amounts below
   */
  readonly count?: number;

  /**
   * Accelerators (GPUs or Trainium chips), from 0 to 10,000,000.
   *
   * @default - none; with `vCpu` or `memory` alone, in proportion to them
   */
  readonly accelerators?: number;

  /**
   * vCPUs, from 0 to 10,000,000 (fractions allowed).
   *
   * @default - none; with `accelerators` or `memory`, in proportion to them
   */
  readonly vCpu?: number;

  /**
   * Memory, rendered in GiB (fractions allowed), up to 10,000,000 GiB.
   *
   * @default - none; with `accelerators` or `vCpu`, in proportion to them
   */
  readonly memory?: Size;

  /**
   * MIG partitions, for a fraction of a GPU.
   *
   * @default - no partitions
   */
  readonly acceleratorPartition?: AcceleratorPartition;
}

/**
 * How a team lends and borrows idle compute.
 */
export interface ResourceSharing {
  /** Whether the team lends, and whether it borrows. */
  readonly strategy: ResourceSharingStrategy;

  /**
   * How much idle compute the team may borrow, in percent of its quota (the API reference
   * calls 1-500 the useful range; the API takes 0-10,000). Only with `LEND_AND_BORROW`.
   *
   * @default - SageMaker's default, 50
   */
  readonly borrowLimit?: number;

  /**
   * Caps on what the team may borrow, per instance type (at most 15), whatever `borrowLimit`
   * allows. Only with `LEND_AND_BORROW`.
   *
   * @default - no absolute caps
   */
  readonly absoluteBorrowLimits?: ComputeQuotaResource[];
}

/**
 * Options of a `ComputeQuota`, the compute allocation of one team (all but the cluster, for
 * `HyperPodEksCluster.addComputeQuota()`).
 */
export interface ComputeQuotaOptions {
  /**
   * The team: 1-40 lowercase letters, digits and hyphens, starting and ending with a letter or
   * digit, one quota per team and cluster. SageMaker creates the namespace
   * `hyperpod-ns-<teamName>` (`teamNamespace`) with the Kueue queue
   * `hyperpod-ns-<teamName>-localqueue` (`localQueueName`). A change replaces the quota.
   */
  readonly teamName: string;

  /**
   * The compute the team is guaranteed, per instance type (0-15 entries, one per type). An
   * empty list gives the team only what it borrows.
   */
  readonly resources: ComputeQuotaResource[];

  /**
   * The quota's name, 1-63 characters of letters, digits and hyphens, unique per cluster.
   * A change replaces the quota.
   *
   * @default - a name generated from the stack and construct path, plus a hash of the cluster
   * ARN and team name
   */
  readonly computeQuotaName?: string;

  /**
   * A description of at most 1024 characters.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * The team's fair-share weight, an integer from 0 (lowest) to 100: with the cluster policy's
   * `fairShare`, idle compute is lent to teams by weight.
   *
   * @default - SageMaker's default, 0
   */
  readonly fairShareWeight?: number;

  /**
   * How the team lends and borrows idle compute.
   *
   * @default - SageMaker's default: `LEND_AND_BORROW` with a borrow limit of 50 percent
   */
  readonly resourceSharing?: ResourceSharing;

  /**
   * Whether the team's tasks of a higher priority class preempt its own tasks of lower ones.
   *
   * @default TeamTaskPreemption.LOWER_PRIORITY
   */
  readonly preemptTeamTasks?: TeamTaskPreemption;

  /**
   * Whether the quota is active (`ActivationState`).
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Tags of the quota (at most 50), besides those applied with `Tags.of()`.
   *
   * @default - no tags
   */
  readonly tags?: { [key: string]: string };
}

/**
 * Properties of a `ComputeQuota`.
 */
export interface ComputeQuotaProps extends ComputeQuotaOptions {
  /**
   * The HyperPod cluster whose compute is allocated (EKS-orchestrated). An imported cluster
   * needs its `clusterArn`.
   */
  readonly cluster: IHyperPodEksCluster;
}

/**
 * The compute allocation of one team on a HyperPod cluster (`AWS::SageMaker::ComputeQuota`):
 * guaranteed instances or accelerators, vCPUs and memory per instance type, how the team lends
 * and borrows idle compute, its fair-share weight, and whether its tasks preempt each other.
 * SageMaker creates the team's namespace, `teamNamespace`.
 *
 * Task governance needs the `amazon-sagemaker-hyperpod-taskgovernance` EKS add-on on the EKS
 * cluster (`HyperPodDependencies` with `taskGovernance: true`). `HyperPodEksCluster.addComputeQuota()`
 * checks that; this constructor, which may be given an imported cluster, does not.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-operate-console-ui-governance-policies.html
 * @resource AWS::SageMaker::ComputeQuota
 */
export class ComputeQuota extends Resource {
  /**
   * The namespace SageMaker creates for a team, `hyperpod-ns-<teamName>`.
   */
  public static namespaceOf(teamName: string): string {
    return teamNamespaceOf(teamName);
  }

  /** The quota's name. */
  public readonly computeQuotaName: string;

  /**
   * The quota's ARN.
   *
   * @attribute
   */
  public readonly computeQuotaArn: string;

  /**
   * The quota's id (12 characters).
   *
   * @attribute
   */
  public readonly computeQuotaId: string;

  /** The team. */
  public readonly teamName: string;

  /** The team's namespace, `hyperpod-ns-<teamName>`, where its members submit tasks. */
  public readonly teamNamespace: string;

  /**
   * The team's Kueue queue in `teamNamespace`, `hyperpod-ns-<teamName>-localqueue` (the label
   * `kueue.x-k8s.io/queue-name` of the team's tasks).
   */
  public readonly localQueueName: string;

  /** The cluster whose compute is allocated. */
  public readonly cluster: IHyperPodEksCluster;

  constructor(scope: Construct, id: string, props: ComputeQuotaProps) {
    super(scope, id);
    this.cluster = props.cluster;
    const { arn, problems } = readClusterArn(props.cluster);
    problems.push(...validateQuota(props));
    const keys = claimKeys(props);
    for (const [key, what] of keys) {
      const owner = claimedBy(props.cluster, key);
      if (owner) problems.push(`${what} is used by another compute quota of cluster ${props.cluster.node.path} (${owner.node.path}); it must be unique per cluster`);
    }
    throwIfProblems(this, problems);
    keys.forEach(([key]) => claim(props.cluster, key, this));

    this.teamName = props.teamName;
    this.teamNamespace = teamNamespaceOf(props.teamName);
    this.localQueueName = localQueueOf(props.teamName);
    this.computeQuotaName = props.computeQuotaName ?? generateClusterName(this, { clusterArn: arn, teamName: props.teamName });
    const sharing = props.resourceSharing;
    const resource = new TaggableCfnResource(this, 'Resource', TASK_GOVERNANCE.COMPUTE_QUOTA_TYPE, {
      Name: this.computeQuotaName,
      ClusterArn: arn,
      Description: props.description,
      ActivationState: enabled(props.enabled ?? true),
      ComputeQuotaTarget: { TeamName: props.teamName, FairShareWeight: props.fairShareWeight },
      ComputeQuotaConfig: {
        ComputeQuotaResources: props.resources.map(renderResource),
        ResourceSharingConfig: sharing ? {
          Strategy: sharing.strategy,
          BorrowLimit: sharing.borrowLimit,
          AbsoluteBorrowLimits: sharing.absoluteBorrowLimits?.map(renderResource),
        } : undefined,
        PreemptTeamTasks: props.preemptTeamTasks ?? TeamTaskPreemption.LOWER_PRIORITY,
      },
    });
    this.computeQuotaArn = Token.asString(resource.getAtt('ComputeQuotaArn'));
    this.computeQuotaId = Token.asString(resource.getAtt('ComputeQuotaId'));
    for (const [key, value] of Object.entries(props.tags ?? {})) {
      Tags.of(this).add(key, value);
    }
  }
}

/** The per-cluster keys a quota claims, with how messages name them. */
function claimKeys(props: ComputeQuotaProps): Array<[string, string]> {
  const keys: Array<[string, string]> = [];
  if (!Token.isUnresolved(props.teamName)) keys.push([`team:${props.teamName}`, `teamName '${props.teamName}'`]);
  if (props.computeQuotaName !== undefined && !Token.isUnresolved(props.computeQuotaName)) {
    keys.push([`quota-name:${props.computeQuotaName}`, `computeQuotaName '${props.computeQuotaName}'`]);
  }
  return keys;
}

function renderResource(r: ComputeQuotaResource): Record<string, unknown> {
  return {
    InstanceType: r.instanceType.toString(),
    Count: r.count,
    Accelerators: r.accelerators,
    VCpu: r.vCpu,
    MemoryInGiB: r.memory === undefined ? undefined : gibibytes(r.memory),
    AcceleratorPartition: r.acceleratorPartition
      ? { Type: r.acceleratorPartition.profile.toString(), Count: r.acceleratorPartition.count }
      : undefined,
  };
}

function validateQuota(props: ComputeQuotaProps): string[] {
  const problems = [
    ...checkTeamName('teamName', props.teamName),
    ...(props.computeQuotaName === undefined ? [] : checkName('computeQuotaName', props.computeQuotaName)),
    ...checkDescription('description', props.description),
    ...checkInteger('fairShareWeight', props.fairShareWeight, 0, TASK_GOVERNANCE.MAX_WEIGHT),
    ...checkResourceTags(props.tags),
  ];
  if (props.teamName === undefined) problems.push('teamName is required (got none)');
  if (props.resources === undefined) {
    problems.push('resources is required: the compute the team is guaranteed per instance type, or [] for none (got none)');
  } else {
    problems.push(...checkResources('resources', props.resources));
  }
  const preempt = props.preemptTeamTasks;
  if (preempt !== undefined && !Object.values(TeamTaskPreemption).includes(preempt)) {
    problems.push(`preemptTeamTasks must be one of ${Object.values(TeamTaskPreemption).join(', ')} (got ${JSON.stringify(preempt)})`);
  }
  const sharing = props.resourceSharing;
  if (sharing) {
    const strategies = Object.values(ResourceSharingStrategy) as string[];
    if (!strategies.includes(sharing.strategy)) {
      problems.push(`resourceSharing.strategy must be one of ${strategies.join(', ')} (got ${JSON.stringify(sharing.strategy)})`);
    }
    problems.push(...checkInteger('resourceSharing.borrowLimit (percent)', sharing.borrowLimit, 0, TASK_GOVERNANCE.MAX_BORROW_LIMIT));
    if (sharing.absoluteBorrowLimits) problems.push(...checkResources('resourceSharing.absoluteBorrowLimits', sharing.absoluteBorrowLimits));
    const borrowing = [
      ...(sharing.borrowLimit === undefined ? [] : ['borrowLimit']),
      ...(sharing.absoluteBorrowLimits === undefined ? [] : ['absoluteBorrowLimits']),
    ];
    if (borrowing.length > 0 && sharing.strategy !== ResourceSharingStrategy.LEND_AND_BORROW && strategies.includes(sharing.strategy)) {
      problems.push(`resourceSharing.${borrowing.join(' and ')} limit borrowing, but strategy ${sharing.strategy} does not borrow: `
        + 'use ResourceSharingStrategy.LEND_AND_BORROW, or remove them');
    }
  }
  return problems;
}

/** A list of per-instance-type amounts: resources or absolute borrow limits. */
function checkResources(prop: string, resources: ComputeQuotaResource[]): string[] {
  const problems = checkCount(prop, resources, 0, TASK_GOVERNANCE.MAX_RESOURCES, 'instance types');
  const types = new Set<string>();
  resources.forEach((r, i) => {
    const at = `${prop}[${i}]`;
    problems.push(...checkInstanceType(`${at}.instanceType`, r.instanceType));
    const max = TASK_GOVERNANCE.MAX_AMOUNT;
    problems.push(
      ...checkInteger(`${at}.count`, r.count, 0, max),
      ...checkInteger(`${at}.accelerators`, r.accelerators, 0, max),
      ...checkAmount(`${at}.vCpu`, r.vCpu, 0, max),
    );
    if (r.memory !== undefined && !r.memory.isUnresolved()) {
      problems.push(...checkAmount(`${at}.memory (GiB)`, gibibytes(r.memory), 0, max));
    }
    const partition = r.acceleratorPartition;
    if (partition) {
      problems.push(...checkMigProfile(`${at}.acceleratorPartition.profile`, partition.profile?.toString()));
      problems.push(...checkInteger(`${at}.acceleratorPartition.count`, partition.count, 0, max));
      if (partition.count === undefined) problems.push(`${at}.acceleratorPartition.count is required (got none)`);
    }
    if ([r.count, r.accelerators, r.vCpu, r.memory, r.acceleratorPartition].every((v) => v === undefined)) {
      problems.push(`${at} must set at least one of count, accelerators, vCpu, memory and acceleratorPartition (got only instanceType)`);
    }
    const type = r.instanceType?.toString();
    if (r.instanceType && !r.instanceType.isUnresolved) {
      if (types.has(type)) problems.push(`${at}.instanceType '${type}' is listed twice in ${prop}; give each instance type once`);
      types.add(type);
    }
  });
  return problems;
}
