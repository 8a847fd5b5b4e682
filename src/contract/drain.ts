/**
 * The contract of graceful drain before delete, shared by the constructs (which render the
 * properties, the EKS access entry and the Kubernetes RBAC) and the scale-down handler (which
 * cordons, evicts and marks nodes). Pure types and constants only.
 */

/** What the handler does with a node whose drain has not finished within the group's drain timeout. */
export type DrainTimeoutActionValue = 'Remove' | 'Fail';
/** Every action, as the properties and the public `DrainTimeoutAction` spell them. */
export const DRAIN_TIMEOUT_ACTIONS: readonly DrainTimeoutActionValue[] = ['Remove', 'Fail'];
/** The action when none is given: fail the deployment and uncordon, never remove a node pods still hold. */
export const DEFAULT_DRAIN_TIMEOUT_ACTION: DrainTimeoutActionValue = 'Fail';

/** The drain timeout when none is given (EKS managed node groups force termination after 15 minutes). */
export const DEFAULT_DRAIN_TIMEOUT_SECONDS = 15 * 60;
/** The shortest drain timeout a user may set. */
export const MIN_DRAIN_TIMEOUT_SECONDS = 60;
/**
 * Time the scale-down resource keeps after a drain timeout for the deletes and the TargetCount
 * check: a group's drain timeout may be at most the resource's timeout less this.
 */
export const DRAIN_DELETE_ALLOWANCE_SECONDS = 5 * 60;

/** Per-group drain properties of `Custom::HyperPodScaleDown` (strings in events). */
export interface DrainGroupProperties {
  /** `'true'` when the group's chosen nodes are drained before they are deleted. */
  readonly Drain?: string;
  /** Seconds a node may take to drain, counted from its cordon. */
  readonly DrainTimeoutSeconds?: number | string;
  /** What happens to a node still not drained at its timeout. Default `Fail`. */
  readonly DrainOnTimeout?: DrainTimeoutActionValue;
}

/** Kubernetes node name of a HyperPod instance: `hyperpod-<instance id>` (kubelet's `--hostname-override`). */
export const NODE_NAME_PREFIX = 'hyperpod-';
/** The label HyperPod sets on every node of an instance group (it survives replacement). */
export const INSTANCE_GROUP_LABEL = 'sagemaker.amazonaws.com/instance-group-name';

/**
 * The label the handler sets on a node when it cordons it, valued with the drain owner (see
 * `drainOwner` in the handler: a hash of the stack id and the cluster name), and removes when
 * the node is deleted or uncordoned. A rollback finds the nodes it must uncordon by it, and a
 * re-run finds the nodes whose drain it started.
 */
export const DRAIN_OWNER_LABEL = 'hyperpod-cdk/drain-owner';
/** The annotation holding when the handler cordoned the node (ISO 8601): the drain timeout counts from it. */
export const DRAIN_STARTED_ANNOTATION = 'hyperpod-cdk/drain-started-at';
/**
 * The annotation naming the CloudFormation request (its `RequestId`) whose drain cordoned the
 * node: a later deployment that finds a node marked by an earlier one starts its clock again.
 */
export const DRAIN_OPERATION_ANNOTATION = 'hyperpod-cdk/drain-operation';
/**
 * Set (`'true'`) when the node was already cordoned (by a person or another tool) when the
 * handler marked it: releasing it then leaves it cordoned.
 */
export const DRAIN_KEEP_CORDON_ANNOTATION = 'hyperpod-cdk/cordoned-before';

/**
 * Set on a node the drain handed to HyperPod for removal, valued with the drain owner (it
 * replaces the owner label): the handler finds them at the end to log what each drain came to.
 */
export const DRAIN_REMOVED_LABEL = 'hyperpod-cdk/drained-by';
/** What a removed node's drain came to, in words (e.g. `drained in 42 s`). */
export const DRAIN_RESULT_ANNOTATION = 'hyperpod-cdk/drain-result';

/**
 * The start of the Kubernetes group the functions' EKS access entries join, and of the names of
 * the ClusterRole and ClusterRoleBinding the library creates for it: `<this>-<8 hex digits of the
 * stack name's hash>`, one per stack, so that stacks sharing an EKS cluster never share (or
 * delete) each other's RBAC.
 */
export const DRAIN_KUBERNETES_GROUP = 'hyperpod-cdk-drain';

/** One RBAC rule, as a Kubernetes ClusterRole spells it. */
export interface RbacRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
}

/** The least the drain needs: find and cordon nodes, find the pods on them, evict pods. */
export const DRAIN_RBAC_RULES: readonly RbacRule[] = [
  { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'patch'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
  { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
];
