import { Duration } from 'aws-cdk-lib';
import { ClusterDrainOptions, InstanceGroupDrainOptions } from './drain';

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
 * What a deployment does with an instance group that has more nodes than both its previous
 * and its new `instanceCount` (nodes added outside the stack: from the console, the `hyp`
 * CLI or an autoscaler). The cluster update would let SageMaker remove the excess nodes of
 * its own choosing.
 */
export enum DriftPolicy {
  /**
   * Fail the deployment before the cluster update, naming the group and its counts; nothing
   * is removed. Raise `instanceCount` to keep the nodes, or choose `REMOVE_EXTRA_NODES`.
   */
  REFUSE = 'Refuse',
  /**
   * Remove the extra nodes by the group's policy (listed ids, nodes not serving, then
   * `order`) before the cluster update, down to the new `instanceCount`. Takes effect in a
   * deployment that lowers a count or names new `removeNodeIds` in the cluster.
   */
  REMOVE_EXTRA_NODES = 'Remove',
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
   * Lower `instanceCount` by at least the number of ids you add, in the same deployment. Only
   * ids new to this deployment are acted on: ids kept from an earlier deployment are done and
   * ignored. An id that is not in this group fails the deployment with a message naming it.
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

  /**
   * What to do when the group has more nodes than both its previous and its new
   * `instanceCount` (nodes added outside the stack).
   *
   * @default DriftPolicy.REFUSE
   */
  readonly drift?: DriftPolicy;

  /**
   * Drain before delete: cordon each chosen node and evict its pods (honouring
   * PodDisruptionBudgets) before it is removed.
   *
   * @default - drained with a 15 minute timeout when the cluster can reach the EKS cluster's
   * Kubernetes API, else not drained (with a note at synth)
   */
  readonly drain?: InstanceGroupDrainOptions;
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
   * How long one deployment may take to remove the chosen nodes, 2 minutes to 1 hour. It is
   * a property of the custom resource, so changing it never replaces the provider.
   *
   * @default Duration.minutes(30)
   */
  readonly timeout?: Duration;

  /**
   * How the custom-resource functions reach the EKS cluster's Kubernetes API to drain nodes
   * (the groups choose whether they drain).
   *
   * @default - through the EKS cluster's public endpoint, with the RBAC the construct creates
   * through the EKS cluster's kubectl provider
   */
  readonly drain?: ClusterDrainOptions;
}
