import { Resource, Tags, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { IHyperPodEksCluster } from './cluster-base';
import { throwIfProblems } from './private/errors';
import { generateClusterName } from './private/names';
import {
  checkDescription, checkPriorityClassName, checkResourceTags, claim, claimedBy, enabled, readClusterArn, TASK_GOVERNANCE,
  TaggableCfnResource,
} from './private/task-governance';
import { checkCount, checkInteger, checkName } from './private/validation';

/**
 * A priority class of a cluster policy: tasks that name it (the label
 * `kueue.x-k8s.io/priority-class: <name>-priority`) are queued, and may preempt, by its weight.
 */
export interface PriorityClass {
  /**
   * The class name: 1-40 lowercase letters, digits and hyphens, starting and ending with a
   * letter or digit, unique within the policy.
   */
  readonly name: string;

  /**
   * The weight, an integer from 0 (lowest priority) to 100 (highest).
   */
  readonly weight: number;
}

/**
 * Options of a `ClusterSchedulerConfig`, the task governance cluster policy (all but the
 * cluster, for `HyperPodEksCluster.addSchedulerConfig()`).
 */
export interface ClusterSchedulerConfigOptions {
  /**
   * The policy's name, 1-63 characters of letters, digits and hyphens. A change replaces the
   * policy: CloudFormation creates the new one before deleting the old one, which fails where
   * a cluster takes one policy, so change it only together with the cluster.
   *
   * @default - a name generated from the stack and construct path, plus a hash of the cluster ARN
   */
  readonly schedulerConfigName?: string;

  /**
   * A description of at most 1024 characters.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * Priority classes, at most 10 (task ranking): tasks are queued by the weight of their class,
   * and within a team a higher class preempts a lower one (see `ComputeQuota`'s `preemptTeamTasks`).
   *
   * @default - none: tasks are queued first come, first served
   */
  readonly priorityClasses?: PriorityClass[];

  /**
   * Whether teams borrow idle compute by their fair-share weight (`ComputeQuota`'s
   * `fairShareWeight`); when false, idle compute goes first come, first served.
   *
   * @default true
   */
  readonly fairShare?: boolean;

  /**
   * Whether compute that no team's quota allocates is also lent as idle compute (SageMaker
   * computes it and makes it available to borrowing teams).
   *
   * @default - not set: SageMaker's default
   */
  readonly idleResourceSharing?: boolean;

  /**
   * Tags of the policy (at most 50), besides those applied with `Tags.of()`.
   *
   * @default - no tags
   */
  readonly tags?: { [key: string]: string };
}

/**
 * Properties of a `ClusterSchedulerConfig`.
 */
export interface ClusterSchedulerConfigProps extends ClusterSchedulerConfigOptions {
  /**
   * The HyperPod cluster the policy governs (EKS-orchestrated). An imported cluster needs its
   * `clusterArn`.
   */
  readonly cluster: IHyperPodEksCluster;
}

/**
 * The task governance cluster policy of a HyperPod cluster (`AWS::SageMaker::ClusterSchedulerConfig`):
 * priority classes, fair-share borrowing of idle compute, and idle resource sharing. A cluster
 * has one policy; this construct refuses a second one for the same cluster object.
 *
 * Task governance needs the `amazon-sagemaker-hyperpod-taskgovernance` EKS add-on on the EKS
 * cluster (`HyperPodDependencies` with `taskGovernance: true`). `HyperPodEksCluster.addSchedulerConfig()`
 * checks that; this constructor, which may be given an imported cluster, does not.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-operate-console-ui-governance-policies.html
 * @resource AWS::SageMaker::ClusterSchedulerConfig
 */
export class ClusterSchedulerConfig extends Resource {
  /** The policy's name. */
  public readonly schedulerConfigName: string;

  /**
   * The policy's ARN.
   *
   * @attribute
   */
  public readonly schedulerConfigArn: string;

  /**
   * The policy's id (12 characters).
   *
   * @attribute
   */
  public readonly schedulerConfigId: string;

  /** The cluster the policy governs. */
  public readonly cluster: IHyperPodEksCluster;

  /** The names of the priority classes, in the order given. */
  public readonly priorityClassNames: string[];

  constructor(scope: Construct, id: string, props: ClusterSchedulerConfigProps) {
    super(scope, id);
    this.cluster = props.cluster;
    const { arn, problems } = readClusterArn(props.cluster);
    const classes = props.priorityClasses ?? [];
    problems.push(
      ...(props.schedulerConfigName === undefined ? [] : checkName('schedulerConfigName', props.schedulerConfigName)),
      ...checkDescription('description', props.description),
      ...checkCount('priorityClasses', classes, 0, TASK_GOVERNANCE.MAX_PRIORITY_CLASSES, 'priority classes'),
      ...checkPriorityClasses(classes),
      ...checkResourceTags(props.tags),
    );
    const owner = claimedBy(props.cluster, SCHEDULER_CONFIG_KEY);
    if (owner) {
      problems.push(`cluster ${props.cluster.node.path} already has a scheduler config (${owner.node.path}): a cluster takes one `
        + 'cluster policy; put every priority class in that one');
    }
    throwIfProblems(this, problems);
    claim(props.cluster, SCHEDULER_CONFIG_KEY, this);

    this.schedulerConfigName = props.schedulerConfigName ?? generateClusterName(this, { clusterArn: arn });
    this.priorityClassNames = classes.map((c) => c.name);
    const resource = new TaggableCfnResource(this, 'Resource', TASK_GOVERNANCE.SCHEDULER_CONFIG_TYPE, {
      Name: this.schedulerConfigName,
      ClusterArn: arn,
      Description: props.description,
      SchedulerConfig: {
        PriorityClasses: classes.length > 0 ? classes.map((c) => ({ Name: c.name, Weight: c.weight })) : undefined,
        FairShare: enabled(props.fairShare ?? true),
        IdleResourceSharing: props.idleResourceSharing === undefined ? undefined : enabled(props.idleResourceSharing),
      },
    });
    this.schedulerConfigArn = Token.asString(resource.getAtt('ClusterSchedulerConfigArn'));
    this.schedulerConfigId = Token.asString(resource.getAtt('ClusterSchedulerConfigId'));
    for (const [key, value] of Object.entries(props.tags ?? {})) {
      Tags.of(this).add(key, value);
    }
  }
}

const SCHEDULER_CONFIG_KEY = 'scheduler-config';

function checkPriorityClasses(classes: PriorityClass[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  classes.forEach((c, i) => {
    problems.push(...checkPriorityClassName(`priorityClasses[${i}].name`, c.name));
    problems.push(...checkInteger(`priorityClasses[${i}].weight`, c.weight, 0, TASK_GOVERNANCE.MAX_WEIGHT));
    if (c.weight === undefined) problems.push(`priorityClasses[${i}].weight is required, an integer from 0 to ${TASK_GOVERNANCE.MAX_WEIGHT} (got none)`);
    if (!Token.isUnresolved(c.name) && names.has(c.name)) {
      problems.push(`priorityClasses[${i}].name '${c.name}' is used by another priority class; names must be unique`);
    }
    names.add(c.name);
  });
  return problems;
}
