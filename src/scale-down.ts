import { Duration } from 'aws-cdk-lib';

/**
 * The order in which serving nodes are removed when a group's `instanceCount` goes down,
 * once the listed nodes and the nodes that are not serving have been taken.
 */
export enum ScaleDownOrder {
  /** Remove the most recently launched nodes first (they hold the least state). */
  NEWEST_FIRST = 'NewestFirst',
  /** Remove the longest-running nodes first. */
  OLDEST_FIRST = 'OldestFirst',
}

/**
 * How an instance group chooses the nodes to remove when its `instanceCount` goes down.
 *
 * Nodes go in this order: the ids in `removeNodeIds`; then nodes that are not serving
 * (status `Failure`, `NotFound`, `Pending`, `DeepHealthCheckInProgress`); then by `order`.
 */
export interface InstanceGroupScaleDownOptions {
  /**
   * EC2 instance ids (`i-` and 8 or 17 hex digits) of this group's nodes to remove first.
   *
   * Lower `instanceCount` by at least their number in the same deployment. An id that is
   * not in this group fails the deployment with a message naming it.
   *
   * @default - no node is named
   */
  readonly removeNodeIds?: string[];

  /**
   * The order for the remaining picks.
   *
   * @default ScaleDownOrder.NEWEST_FIRST
   */
  readonly order?: ScaleDownOrder;

  /**
   * The most instance ids sent in one `BatchDeleteClusterNodes` call, 1-99.
   *
   * Nodes that have no instance yet are removed by logical id, at most 50 a call.
   *
   * @default 99
   */
  readonly chunkSize?: number;
}

/**
 * Cluster-level settings of targeted scale-down.
 */
export interface ClusterScaleDownOptions {
  /**
   * Whether a deployment that lowers a group's `instanceCount` removes the nodes the
   * group's policy picks (`true`), or lets SageMaker pick them (`false`).
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * How long one deployment may wait for the chosen nodes to shut down, at most 1 hour.
   *
   * @default Duration.minutes(30)
   */
  readonly timeout?: Duration;
}
