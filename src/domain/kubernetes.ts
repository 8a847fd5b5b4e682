/**
 * The one module that talks to the Kubernetes API of an EKS cluster, for the drain before
 * delete: find a group's nodes, cordon and mark them, list the pods on a node, evict a pod.
 *
 * INTERFACE ONLY (implementation: HttpKubernetesApi, eksToken, connectToEks below).
 */

/** A Kubernetes node, as the drain reads it. */
export interface KubeNode {
  /** e.g. `hyperpod-i-0123456789abcdef0`. */
  readonly name: string;
  /** `spec.unschedulable` (cordoned). */
  readonly unschedulable: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** A pod, as the drain reads it. */
export interface KubePod {
  readonly namespace: string;
  readonly name: string;
  /** `status.phase`: `Pending`, `Running`, `Succeeded`, `Failed`, `Unknown`. */
  readonly phase?: string;
  /** The `kind` of each of `metadata.ownerReferences` (e.g. `DaemonSet`, `ReplicaSet`, `Job`). */
  readonly ownerKinds: readonly string[];
  /** A static pod's mirror (annotation `kubernetes.io/config.mirror`): the API cannot evict it. */
  readonly mirror: boolean;
  /** `metadata.deletionTimestamp` is set: the pod is already terminating. */
  readonly terminating: boolean;
}

/** The answer to one eviction. */
export type EvictionOutcome =
  /** 200/201: the pod is being deleted (it may take its grace period). */
  | { readonly result: 'evicting' }
  /** 404: the pod is already gone. */
  | { readonly result: 'gone' }
  /** 429 (a PodDisruptionBudget refuses it now) or 500 with a PDB conflict: `message` is the API's. */
  | { readonly result: 'blocked'; readonly message: string };

/** A node patch: each field set is changed; `null` removes a label or annotation. */
export interface NodePatch {
  readonly unschedulable?: boolean;
  readonly labels?: Readonly<Record<string, string | null>>;
  readonly annotations?: Readonly<Record<string, string | null>>;
}

/**
 * What the drain calls. Errors: an HTTP status other than those named is thrown as a
 * `KubernetesApiError` (`name` = `KubernetesApiError`, `statusCode`, the API's `reason` and
 * `message`); network errors are thrown as Node's (with their `code`, e.g. `ECONNREFUSED`).
 * A 429 outside an eviction and a 5xx carry `name` `ThrottlingException` /
 * `ServiceUnavailable` so that `isTransient` sees them as passing.
 */
export interface KubernetesApi {
  /** Every node matching the label selector (all pages). */
  listNodes(labelSelector: string): Promise<KubeNode[]>;
  /** Strategic/merge patch of one node; `undefined` when it does not exist (404). */
  patchNode(name: string, patch: NodePatch): Promise<KubeNode | undefined>;
  /** Every pod bound to the node (`fieldSelector=spec.nodeName=<name>`, all namespaces, all pages). */
  listPodsOnNode(nodeName: string): Promise<KubePod[]>;
  /** POST `policy/v1` Eviction of one pod. */
  evictPod(namespace: string, name: string): Promise<EvictionOutcome>;
}

/** Connects to the Kubernetes API of the EKS cluster of that name (DescribeCluster, then a token). */
export type KubernetesConnector = (eksClusterName: string) => Promise<KubernetesApi>;
