/**
 * Pure rules of the drain before delete: which pods a drain waits for, who owns a cordon,
 * and what a node's drain has come to. No call here: the handler feeds in what it read from
 * the Kubernetes API (`kubernetes.ts`) and acts on the answer.
 */
import { createHash } from 'crypto';
import { KubeNode, KubePod } from './kubernetes';
import {
  DRAIN_KEEP_CORDON_ANNOTATION, DRAIN_OPERATION_ANNOTATION, DRAIN_OWNER_LABEL, DRAIN_REMOVED_LABEL, DRAIN_RESULT_ANNOTATION,
  DRAIN_STARTED_ANNOTATION, DrainTimeoutActionValue,
} from '../contract/drain';

/** A group's drain settings, as the resource properties give them. */
export interface DrainPolicy {
  /** Seconds a node may take to drain, counted from its cordon. */
  readonly timeoutSeconds: number;
  /** What happens to a node still not drained at its timeout. */
  readonly onTimeout: DrainTimeoutActionValue;
}

/**
 * The value of the owner label: the same for every deployment of one cluster of one stack,
 * and short enough for a label value (at most 63 characters).
 */
export function drainOwner(stackId: string, clusterName: string): string {
  return createHash('sha256').update(`${stackId}\n${clusterName}`).digest('hex').slice(0, 20);
}

/** `namespace/name`. */
export function podName(pod: KubePod): string {
  return `${pod.namespace}/${pod.name}`;
}

/**
 * Whether the drain waits for this pod: not a DaemonSet's (it runs on every node and would
 * come back), not a static pod's mirror (the API cannot evict it), not finished.
 */
export function holdsNode(pod: KubePod): boolean {
  return !pod.ownerKinds.includes('DaemonSet') && !pod.mirror && pod.phase !== 'Succeeded' && pod.phase !== 'Failed';
}

/** Whether `node` carries this owner's mark (cordoned by a drain of this cluster and stack). */
export function isMarkedBy(node: KubeNode, owner: string): boolean {
  return node.labels[DRAIN_OWNER_LABEL] === owner;
}

/**
 * When the drain of `operation` started on this node (ms), or `undefined` when the node is not
 * marked by that operation (not yet cordoned by it, or marked by an earlier deployment, whose
 * clock does not count).
 */
export function drainStartedAt(node: KubeNode, owner: string, operation: string): number | undefined {
  if (!isMarkedBy(node, owner) || node.annotations[DRAIN_OPERATION_ANNOTATION] !== operation) {
    return undefined;
  }
  const started = Date.parse(node.annotations[DRAIN_STARTED_ANNOTATION] ?? '');
  return Number.isNaN(started) ? undefined : started;
}

/**
 * The patch that cordons and marks a node for `operation`. A node cordoned before by someone
 * else is recorded as such (its release keeps it cordoned); a node this owner marked in an
 * earlier deployment keeps that record.
 */
export function markPatch(node: KubeNode, owner: string, operation: string, now: number) {
  const cordonedBefore = isMarkedBy(node, owner)
    ? node.annotations[DRAIN_KEEP_CORDON_ANNOTATION] === 'true'
    : node.unschedulable;
  return {
    unschedulable: true,
    labels: { [DRAIN_OWNER_LABEL]: owner },
    annotations: {
      [DRAIN_STARTED_ANNOTATION]: new Date(now).toISOString(),
      [DRAIN_OPERATION_ANNOTATION]: operation,
      [DRAIN_KEEP_CORDON_ANNOTATION]: cordonedBefore ? 'true' : null,
    },
  };
}

/** The patch that removes the mark and uncordons the node, unless it was cordoned before this owner marked it. */
export function releasePatch(node: KubeNode) {
  const keepCordon = node.annotations[DRAIN_KEEP_CORDON_ANNOTATION] === 'true';
  return {
    ...(keepCordon ? {} : { unschedulable: false }),
    labels: { [DRAIN_OWNER_LABEL]: null },
    annotations: { [DRAIN_STARTED_ANNOTATION]: null, [DRAIN_OPERATION_ANNOTATION]: null, [DRAIN_KEEP_CORDON_ANNOTATION]: null },
  };
}

/**
 * The patch for a node handed to HyperPod for removal: it stays cordoned (it is going), loses
 * the owner label (no release uncordons it), and records what its drain came to.
 */
export function removedPatch(owner: string, result: string) {
  return {
    unschedulable: true,
    labels: { [DRAIN_OWNER_LABEL]: null, [DRAIN_REMOVED_LABEL]: owner },
    // the start time and the earlier cordon stay, should the removal be refused and the node taken back
    annotations: { [DRAIN_RESULT_ANNOTATION]: result },
  };
}

/** The patch that takes back a node handed over whose removal was refused: it is this owner's cordon again. */
export function remarkPatch(owner: string) {
  return {
    unschedulable: true,
    labels: { [DRAIN_OWNER_LABEL]: owner, [DRAIN_REMOVED_LABEL]: null },
    annotations: { [DRAIN_RESULT_ANNOTATION]: null },
  };
}

/** What the drains of `operation` came to, one line per removed node still listed (`node: drained in 42 s`). */
export function drainResults(nodes: readonly KubeNode[], owner: string, operation: string): string[] {
  return nodes
    .filter((n) => n.labels[DRAIN_REMOVED_LABEL] === owner && n.annotations[DRAIN_OPERATION_ANNOTATION] === operation)
    .map((n) => `${n.name}: ${n.annotations[DRAIN_RESULT_ANNOTATION] ?? 'removed'}`)
    .sort();
}

/** A pod an eviction was refused for, with the API's reason (a PodDisruptionBudget). */
export interface BlockedPod {
  readonly pod: string;
  readonly message: string;
}

/** Where one node's drain stands after a pass. */
export type NodeDrainState =
  /** Removed without a drain: it runs no pods (not launched, not Running, or no Kubernetes node). */
  | { readonly state: 'skipped'; readonly reason: string }
  /** No pod holds the node any more: removed now. */
  | { readonly state: 'drained'; readonly seconds: number }
  /** Pods still hold it: it waits for the next poll. */
  | { readonly state: 'draining'; readonly seconds: number; readonly pods: string[]; readonly blocked: BlockedPod[] }
  /** Pods still hold it past the group's drain timeout: `onTimeout` decides. */
  | { readonly state: 'timed out'; readonly seconds: number; readonly pods: string[]; readonly blocked: BlockedPod[]; readonly action: DrainTimeoutActionValue };

/**
 * What a node's drain has come to, from the pods still holding it (after this pass's
 * evictions) and when its drain started.
 */
export function judgeDrain(holding: readonly KubePod[], blocked: readonly BlockedPod[], startedAt: number, now: number,
  policy: DrainPolicy): NodeDrainState {
  const seconds = Math.max(0, Math.round((now - startedAt) / 1000));
  if (holding.length === 0) {
    return { state: 'drained', seconds };
  }
  const pods = holding.map(podName);
  if (seconds >= policy.timeoutSeconds) {
    return { state: 'timed out', seconds, pods, blocked: [...blocked], action: policy.onTimeout };
  }
  return { state: 'draining', seconds, pods, blocked: [...blocked] };
}

/** What a drain came to, in words, without the node's name (`drained in 42 s`). */
export function drainResult(drain: NodeDrainState): string {
  const text = describeDrain('', drain).replace(/^: /, '');
  return drain.state === 'timed out' ? `removed at its drain timeout: ${text}` : text;
}

/** One line of a message or a log about a node's drain. */
export function describeDrain(nodeName: string, drain: NodeDrainState): string {
  const blockedBy = (blocked: readonly BlockedPod[]) => (blocked.length === 0 ? ''
    : `; blocked by ${blocked.slice(0, 3).map((b) => `${b.pod} (${b.message})`).join(', ')}${blocked.length > 3 ? `, and ${blocked.length - 3} more` : ''}`);
  const podList = (pods: readonly string[]) => `${pods.slice(0, 5).join(', ')}${pods.length > 5 ? ', ...' : ''}`;
  switch (drain.state) {
    case 'skipped':
      return `${nodeName}: not drained (${drain.reason})`;
    case 'drained':
      return `${nodeName}: drained in ${drain.seconds} s`;
    case 'draining':
      return `${nodeName}: draining for ${drain.seconds} s, ${drain.pods.length} pod(s) left (${podList(drain.pods)})${blockedBy(drain.blocked)}`;
    case 'timed out':
      return `${nodeName}: not drained after ${drain.seconds} s, ${drain.pods.length} pod(s) left (${podList(drain.pods)})${blockedBy(drain.blocked)}`;
  }
}
