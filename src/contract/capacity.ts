/**
 * The contract between the `Custom::HyperPodCapacity` resource (the wait for a group's
 * Running nodes) and its handlers. Pure types and constants only; numbers arrive as strings.
 */

/** CloudFormation resource type of the wait-for-capacity custom resource (served by the stack's shared provider). */
export const CAPACITY_RESOURCE_TYPE = 'Custom::HyperPodCapacity';

/** The `Custom::HyperPodCapacity` properties (besides `ServiceToken`); numbers arrive as strings. */
export interface CapacityProperties {
  readonly ClusterName: string;
  /** Exact instance group name. */
  readonly InstanceGroupName: string;
  /** How many nodes of the group must be `Running`. */
  readonly RunningNodes: number | string;
  /** Seconds after `onEvent` at which `isComplete` fails with the group's state. */
  readonly TimeoutSeconds: number | string;
  /** Error events of the group since the wait began at which it fails early; 0 never. */
  readonly MaxFailures: number | string;
  /** Changes whenever the cluster's rendered groups change, so the wait runs after every cluster update. */
  readonly ClusterConfig?: string;
}

/** Error events of the group at which the wait gives up early, when the user sets none. */
export const DEFAULT_MAX_FAILURES = 5;