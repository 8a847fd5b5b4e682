/**
 * The contract between the `Custom::HyperPodScaleDown` resource (synthesized by the
 * construct) and its Lambda handlers. Shared by both sides; pure types and constants only.
 *
 * CloudFormation passes every scalar property to the handler as a string, so the handler
 * parses numbers back (see `parseProperties` in the handler).
 */
import { DrainGroupProperties } from './drain';

/** CloudFormation resource type of the scale-down custom resource. */
export const SCALE_DOWN_RESOURCE_TYPE = 'Custom::HyperPodScaleDown';

/** Order in which serving nodes are chosen once explicit and not-serving nodes are used up. */
export type ScaleDownOrderValue = 'NewestFirst' | 'OldestFirst';
/** Every order, as the properties, the public `ScaleDownOrder` and the command line spell it. */
export const SCALE_DOWN_ORDERS: readonly ScaleDownOrderValue[] = ['NewestFirst', 'OldestFirst'];
/** The order when none is given. */
export const DEFAULT_SCALE_DOWN_ORDER: ScaleDownOrderValue = 'NewestFirst';

/**
 * What a deployment does with a group that has more nodes (TargetCount) than both its previous
 * and its new `InstanceCount` (nodes added outside the stack): `Refuse` fails the deployment
 * before the cluster update; `Remove` removes the extra nodes by the group's policy.
 */
export type DriftPolicyValue = 'Refuse' | 'Remove';
/** Every drift policy. */
export const DRIFT_POLICIES: readonly DriftPolicyValue[] = ['Refuse', 'Remove'];

/**
 * The tag the construct puts on every cluster it creates, valued with the id of the stack
 * (`AWS::StackId`). The handler removes nodes only from a cluster whose tag equals the
 * `StackId` of the CloudFormation request.
 */
export const OWNER_TAG_KEY = 'hyperpod-cdk:stack-id';

/** Per-group policy, as it appears in the resource properties. */
export interface ScaleDownGroupProperties extends DrainGroupProperties {
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
  /**
   * `'true'` for a group whose count belongs to the cluster's autoscaler (Karpenter): the
   * handler never removes its nodes nor judges its drift, and reports its TargetCount as the
   * attribute `countAttribute(group)`, which the cluster's template sends as its `InstanceCount`.
   */
  readonly Autoscaled?: string;
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
  /**
   * Optional: a value that changes whenever the cluster's groups change. Set when the cluster
   * has autoscaled groups, so that the resource runs (and reads their counts) before every
   * update of the cluster. Not read by the handler.
   */
  readonly ClusterConfig?: string;
  /**
   * Optional: the EKS cluster whose Kubernetes API drains nodes before they are deleted.
   * Required when any group has `Drain: 'true'`.
   */
  readonly EksClusterName?: string;
}

/** Hard limits of BatchDeleteClusterNodes this project honours (also the default chunk size). */
export const MAX_INSTANCE_IDS_PER_CALL = 99;
export const MAX_LOGICAL_IDS_PER_CALL = 50;
/** ListClusterNodes page size (the API maximum). */
export const LIST_PAGE_SIZE = 100;

/**
 * The attribute of the scale-down resource that holds an autoscaled group's TargetCount when
 * the resource last ran (0 before the cluster exists).
 */
export function countAttribute(group: string): string {
  return `Count.${group}`;
}

/** An EC2 instance id, as `removeNodeIds` and BatchDeleteClusterNodes take it. */
export const INSTANCE_ID_PATTERN = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;
/** `INSTANCE_ID_PATTERN` in words, for messages. */
export const INSTANCE_ID_DESCRIPTION = "an EC2 instance id: 'i-' and 8 or 17 lowercase hex digits";
