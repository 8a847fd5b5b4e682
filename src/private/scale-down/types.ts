/**
 * The contract between the `Custom::HyperPodScaleDown` resource (synthesized by the
 * construct) and its Lambda handlers. Shared by both sides; pure types and constants only.
 *
 * CloudFormation passes every scalar property to the handler as a string, so the handler
 * parses numbers back (see `parseProperties` in the handler).
 */

/** CloudFormation resource type of the scale-down custom resource. */
export const SCALE_DOWN_RESOURCE_TYPE = 'Custom::HyperPodScaleDown';

/** Order in which serving nodes are chosen once explicit and not-serving nodes are used up. */
export type ScaleDownOrderValue = 'NewestFirst' | 'OldestFirst';

/**
 * What a deployment does with a group that has more nodes (TargetCount) than both its previous
 * and its new `InstanceCount` (nodes added outside the stack): `Refuse` fails the deployment
 * before the cluster update; `Remove` removes the extra nodes by the group's policy.
 */
export type DriftPolicyValue = 'Refuse' | 'Remove';

/**
 * The tag the construct puts on every cluster it creates, valued with the id of the stack
 * (`AWS::StackId`). The handler removes nodes only from a cluster whose tag equals the
 * `StackId` of the CloudFormation request.
 */
export const OWNER_TAG_KEY = 'hyperpod-cdk:stack-id';

/** Per-group policy, as it appears in the resource properties. */
export interface ScaleDownGroupProperties {
  /** Exact instance group name. */
  readonly InstanceGroupName: string;
  /** The group's desired `InstanceCount` after the deployment (string in events). */
  readonly InstanceCount: number | string;
  /** Instance ids (`i-...`) the user wants removed first. */
  readonly RemoveNodeIds?: string[];
  /** Order for the remaining picks. Default `NewestFirst`. */
  readonly Order?: ScaleDownOrderValue;
  /** Max instance ids per BatchDeleteClusterNodes call, 1-99 (string in events). Default 99. */
  readonly ChunkSize?: number | string;
  /** What to do with nodes added outside the stack. Default `Refuse`. */
  readonly Drift?: DriftPolicyValue;
}

/** The resource properties (besides `ServiceToken`). */
export interface ScaleDownProperties {
  /** The HyperPod cluster name (never its ARN: the ARN is not known before the cluster exists). */
  readonly ClusterName: string;
  /** One entry per instance group of the cluster. */
  readonly InstanceGroups: ScaleDownGroupProperties[];
  /**
   * Optional: seconds after `onEvent` started at which `isComplete` stops waiting and fails
   * the deployment naming what is left (nodes in use, a cluster not InService). The provider
   * polls for up to 1 hour whatever this says, so a change of timeout is a change of this
   * property, never of the `ServiceToken`. String in events. When absent, `isComplete` waits
   * until the Provider times out.
   */
  readonly TimeoutSeconds?: number | string;
}

/** Hard limits of BatchDeleteClusterNodes this project honours. */
export const MAX_INSTANCE_IDS_PER_CALL = 99;
export const MAX_LOGICAL_IDS_PER_CALL = 50;
/** ListClusterNodes page size (the API maximum). */
export const LIST_PAGE_SIZE = 100;

/** CloudFormation resource type of the wait-for-capacity custom resource (same provider). */
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
