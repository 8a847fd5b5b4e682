import * as events from 'aws-cdk-lib/aws-events';

/*
 * The EventBridge events SageMaker HyperPod sends (source `aws.sagemaker`), as AWS documents them:
 * https://docs.aws.amazon.com/sagemaker/latest/dg/automating-sagemaker-with-eventbridge.html
 * https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-cluster-events-reference.html
 * https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-sagemaker.html
 */

/**
 * The `detail-type` of an EventBridge event SageMaker HyperPod sends (with source `aws.sagemaker`).
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/automating-sagemaker-with-eventbridge.html
 */
export enum HyperPodEventDetailType {
  /**
   * The cluster's status changed. `detail` is the cluster as `DescribeCluster` returns it:
   * `ClusterArn`, `ClusterName`, `ClusterStatus`, `FailureMessage`, `InstanceGroups` (each with
   * `InstanceGroupName`, `Status`, `CurrentCount`, `TargetCount`, ...), `NodeRecovery`, ...
   */
  CLUSTER_STATE_CHANGE = 'SageMaker HyperPod Cluster State Change',
  /**
   * HyperPod found a node unhealthy, or an unhealthy node became healthy again. `detail` holds
   * `ClusterArn`, `ClusterName`, `InstanceId` and `HealthSummary` (`HealthStatus`,
   * `HealthStatusReason`, `RepairAction`, `Recommendation`).
   */
  CLUSTER_NODE_HEALTH_EVENT = 'SageMaker HyperPod Cluster Node Health Event',
  /**
   * An operational event of the cluster, a group or a node (provisioning, scaling, patching,
   * lifecycle scripts...), sent only by clusters with continuous node provisioning.
   * `detail.EventDetails` holds `EventId`, `ClusterArn`, `ClusterName`, `ResourceType`,
   * `EventLevel`, `EventTime`, `Description`, and `InstanceGroupName` / `InstanceId` when the
   * event is about a group or a node.
   */
  CLUSTER_EVENT = 'SageMaker HyperPod Cluster Event',
}

/**
 * A status of a HyperPod cluster (`ClusterStatus` of `DescribeCluster` and of the
 * `SageMaker HyperPod Cluster State Change` event).
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeCluster.html
 */
export enum ClusterStatus {
  /** The cluster is being created. */
  CREATING = 'Creating',
  /** The cluster is being deleted. */
  DELETING = 'Deleting',
  /** The cluster failed; `FailureMessage` says why. */
  FAILED = 'Failed',
  /** The cluster is in service (a cluster with continuous provisioning stays so while it scales). */
  IN_SERVICE = 'InService',
  /** A failed operation is being rolled back. */
  ROLLING_BACK = 'RollingBack',
  /** HyperPod is updating the cluster's software. */
  SYSTEM_UPDATING = 'SystemUpdating',
  /** The cluster is being updated. */
  UPDATING = 'Updating',
}

/**
 * The health status of a node in a `SageMaker HyperPod Cluster Node Health Event`
 * (`detail.HealthSummary.HealthStatus`).
 *
 * AWS documents the value `Unhealthy`; the value sent when a node becomes healthy again is not
 * in AWS's reference, so it has no constant here: use `NodeHealthStatus.of()` for it.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/automating-sagemaker-with-eventbridge.html
 */
export class NodeHealthStatus {
  /** HyperPod found the node unhealthy (for example, its health-monitoring agent found a GPU fault). */
  public static readonly UNHEALTHY = new NodeHealthStatus('Unhealthy');

  /** A health status by its value in the event, as HyperPod spells it. */
  public static of(value: string): NodeHealthStatus {
    return new NodeHealthStatus(value);
  }

  private constructor(
    /** The value of `detail.HealthSummary.HealthStatus`. */
    public readonly value: string,
  ) {}
}

/**
 * The severity of a `SageMaker HyperPod Cluster Event` (`detail.EventDetails.EventLevel`).
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-cluster-events-reference.html
 */
export enum ClusterEventLevel {
  /** The operation completed or is progressing normally. */
  INFO = 'Info',
  /** The operation completed with a non-critical issue, or a condition may need attention later. */
  WARN = 'Warn',
  /** The operation failed or needs attention now. */
  ERROR = 'Error',
}

/**
 * What a `SageMaker HyperPod Cluster Event` is about (`detail.EventDetails.ResourceType`).
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-cluster-events-reference.html
 */
export enum ClusterEventResourceType {
  /** The whole cluster (for example, a cluster update started or failed). */
  CLUSTER = 'Cluster',
  /** An instance group (for example, scaling or patching of the group). */
  INSTANCE_GROUP = 'InstanceGroup',
  /** A node (for example, EC2 provisioning, lifecycle scripts, termination). */
  INSTANCE = 'Instance',
}

/**
 * Options of `onClusterStatusChange()`.
 */
export interface ClusterStatusChangeOptions extends events.OnEventOptions {
  /**
   * Only changes to these statuses (`detail.ClusterStatus`), for example `[ClusterStatus.FAILED]`.
   *
   * @default - every status change
   */
  readonly clusterStatuses?: ClusterStatus[];
}

/**
 * Options of `onNodeHealthEvent()`.
 */
export interface NodeHealthEventOptions extends events.OnEventOptions {
  /**
   * Only events with these health statuses (`detail.HealthSummary.HealthStatus`), for example
   * `[NodeHealthStatus.UNHEALTHY]` for failures only.
   *
   * @default - every node health event, the unhealthy ones and the recoveries
   */
  readonly healthStatuses?: NodeHealthStatus[];
}

/**
 * Options of `onClusterEvent()`.
 */
export interface ClusterEventOptions extends events.OnEventOptions {
  /**
   * Only events of these levels (`detail.EventDetails.EventLevel`), for example
   * `[ClusterEventLevel.ERROR]` for alerting.
   *
   * @default - every level
   */
  readonly eventLevels?: ClusterEventLevel[];

  /**
   * Only events about these kinds of resource (`detail.EventDetails.ResourceType`).
   *
   * @default - events about the cluster, its groups and its nodes
   */
  readonly resourceTypes?: ClusterEventResourceType[];

  /**
   * Only events about these instance groups or their nodes (`detail.EventDetails.InstanceGroupName`;
   * events about the whole cluster have none, so they no longer match).
   *
   * @default - events of every group, and of the whole cluster
   */
  readonly instanceGroupNames?: string[];
}
