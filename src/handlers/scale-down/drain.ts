/**
 * The drain before delete, as one scale-down pass runs it for a group's chosen nodes: cordon
 * and mark each Kubernetes node, evict the pods that hold it (the API honours
 * PodDisruptionBudgets), and hand back the nodes that may be deleted now. Stateless like the
 * pass: the mark on the node (owner label, start time, operation) is what a later poll, a
 * re-invoked onEvent or a rollback finds.
 */
import { DRAIN_OWNER_LABEL, DRAIN_REMOVED_LABEL, INSTANCE_GROUP_LABEL } from '../../contract/drain';
import {
  BlockedPod, describeDrain, DrainPolicy, drainResults, drainStartedAt, holdsNode, isMarkedBy, judgeDrain, markPatch, NodeDrainState,
  podName, releasePatch, remarkPatch, removedPatch,
} from '../../domain/drain';
import { KubeNode, KubernetesApi, nodeNameOf } from '../../domain/kubernetes';
import { ChosenNode } from '../../domain/plan';
import { errorText, ScaleDownError } from '../failures';
import { HandlerLogger } from '../request';

/** The HyperPod status of a node that runs pods; others are removed without a drain. */
const RUNNING = 'Running';

/** What the drain of one operation needs: where, whose marks, and a connection made once. */
export interface DrainSession {
  /** The HyperPod cluster (for messages). */
  readonly clusterName: string;
  readonly eksClusterName: string;
  /** The owner label's value (`drainOwner`). */
  readonly owner: string;
  /** The CloudFormation request this drain belongs to. */
  readonly operation: string;
  /** The Kubernetes API (connected on first use). */
  kube(): Promise<KubernetesApi>;
}

/** One chosen node's drain in this pass. */
export interface NodeDrainReport {
  readonly instanceId?: string;
  readonly nodeName: string;
  readonly drain: NodeDrainState;
}

/** What the drain of a group's chosen nodes came to in this pass. */
export interface GroupDrainResult {
  /** The chosen nodes that may be deleted now, in the order chosen. */
  readonly ready: ChosenNode[];
  readonly reports: NodeDrainReport[];
  /** Nodes timed out under `onTimeout: Fail`, one line each. */
  readonly failed: string[];
  /** Instance ids of the chosen nodes that carry this owner's mark (cordoned by this or an earlier pass). */
  readonly marked: ReadonlySet<string>;
  /** The Lambda ran out of time before every node was looked at. */
  readonly outOfTime: boolean;
}

/** Where a pass runs. */
export interface DrainPassContext {
  readonly log: HandlerLogger;
  readonly now: () => number;
  readonly deadline?: number;
}

/**
 * Drains the chosen nodes of one group as far as this pass can: nodes that run no pods are
 * ready at once; the others are cordoned and marked (once), their pods evicted, and they are
 * ready when no pod holds them, or at the drain timeout under `onTimeout: Remove`.
 */
export async function drainChosen(group: string, chosen: readonly ChosenNode[], policy: DrainPolicy, session: DrainSession,
  ctx: DrainPassContext): Promise<GroupDrainResult> {
  const ready: ChosenNode[] = [];
  const reports: NodeDrainReport[] = [];
  const failed: string[] = [];
  const marked = new Set<string>();
  const kube = chosen.some((n) => n.instanceId) ? await session.kube() : undefined;
  const known = new Map(kube ? (await call(session, () => kube.listNodes(`${INSTANCE_GROUP_LABEL}=${group}`))).map((n) => [n.name, n]) : []);
  for (const [i, node] of chosen.entries()) {
    const name = node.instanceId ? nodeNameOf(node.instanceId) : undefined;
    const kubeNode = name ? known.get(name) : undefined;
    if (!node.instanceId || node.status !== RUNNING || !kubeNode) {
      const reason = !node.instanceId ? 'not launched yet' : !kubeNode ? `no Kubernetes node ${name} in the group` : `HyperPod status ${node.status}`;
      reports.push(report(node, { state: 'skipped', reason: `${reason}: it runs no pods` }, ctx, session, group));
      ready.push(node);
      // A node an earlier pass cordoned that stopped running keeps its mark until it is handed over.
      if (kubeNode && isMarkedBy(kubeNode, session.owner)) marked.add(node.instanceId!);
      continue;
    }
    if (ctx.deadline !== undefined && ctx.now() >= ctx.deadline) {
      ctx.log({ level: 'warn', msg: 'out of time; the drain goes on at the next poll', cluster: session.clusterName, group, nodesLeft: chosen.length - i });
      return { ready: chosen.filter((n) => ready.includes(n)), reports, failed, marked, outOfTime: true };
    }
    const drain = await drainNode(kube!, kubeNode, policy, session, ctx);
    reports.push(report(node, drain, ctx, session, group));
    if (drain.state !== 'skipped') marked.add(node.instanceId);
    if (drain.state === 'skipped' || drain.state === 'drained' || (drain.state === 'timed out' && drain.action === 'Remove')) {
      ready.push(node);
    } else if (drain.state === 'timed out') {
      failed.push(`instance group "${group}": ${describeDrain(kubeNode.name, drain)}`);
    }
  }
  // Keep the chosen order (it is the order of the delete calls).
  return { ready: chosen.filter((n) => ready.includes(n)), reports, failed, marked, outOfTime: false };
}

/** Cordons and marks the node (once per operation), evicts what holds it, and judges. */
async function drainNode(kube: KubernetesApi, node: KubeNode, policy: DrainPolicy, session: DrainSession,
  ctx: DrainPassContext): Promise<NodeDrainState> {
  let startedAt = drainStartedAt(node, session.owner, session.operation);
  if (startedAt === undefined) {
    startedAt = ctx.now();
    const patched = await call(session, () => kube.patchNode(node.name, markPatch(node, session.owner, session.operation, startedAt!)));
    if (!patched) {
      return { state: 'skipped', reason: `Kubernetes node ${node.name} went away: it runs no pods` };
    }
    ctx.log({ level: 'info', msg: 'cordoned', cluster: session.clusterName, node: node.name, cordonedBefore: node.unschedulable && !isMarkedBy(node, session.owner) });
  }
  const holding = (await call(session, () => kube.listPodsOnNode(node.name))).filter(holdsNode);
  const blocked: BlockedPod[] = [];
  const left = [];
  // Also at the timeout: the refusals say what blocks the node, and a pod let go now still leaves gracefully.
  for (const pod of holding) {
    if (pod.terminating) {
      left.push(pod);
      continue;
    }
    const outcome = await call(session, () => kube.evictPod(pod.namespace, pod.name));
    if (outcome.result === 'blocked') {
      blocked.push({ pod: podName(pod), message: outcome.message });
    }
    if (outcome.result !== 'gone') {
      left.push(pod);
    }
  }
  return judgeDrain(left, blocked, startedAt, ctx.now(), policy);
}

function report(node: ChosenNode, drain: NodeDrainState, ctx: DrainPassContext, session: DrainSession, group: string): NodeDrainReport {
  const nodeName = node.instanceId ? nodeNameOf(node.instanceId) : (node.logicalId ?? '?');
  const level = drain.state === 'timed out' ? 'warn' : 'info';
  ctx.log({
    level,
    msg: 'drain',
    cluster: session.clusterName,
    group,
    node: nodeName,
    state: drain.state,
    ...('seconds' in drain ? { seconds: drain.seconds } : {}),
    ...('reason' in drain ? { reason: drain.reason } : {}),
    ...('pods' in drain ? { pods: drain.pods.slice(0, 20), podsLeft: drain.pods.length } : {}),
    ...('blocked' in drain && drain.blocked.length > 0 ? { blockedBy: drain.blocked.slice(0, 20) } : {}),
    ...('action' in drain ? { onTimeout: drain.action } : {}),
  });
  return { instanceId: node.instanceId, nodeName, drain };
}

/**
 * Just before their delete call: hands the marked nodes over for removal. Each keeps its cordon
 * (it is going), trades the owner label for `drained-by` (so no release uncordons it while
 * HyperPod shuts it down) and records what its drain came to. A node that cannot be handed
 * over now (a passing error) is left out of the call and waits for the next poll.
 *
 * @param results what each node's drain came to, by instance id
 * @returns the instance ids that may be deleted (all of `ids` but those left out)
 */
export async function handOver(session: DrainSession, ids: readonly string[], results: ReadonlyMap<string, string>,
  log: HandlerLogger): Promise<Set<string>> {
  const kept = new Set(ids);
  if (ids.length === 0) {
    return kept;
  }
  const kube = await session.kube();
  for (const id of ids) {
    try {
      await call(session, () => kube.patchNode(nodeNameOf(id), removedPatch(session.owner, results.get(id) ?? 'removed')));
    } catch (err) {
      if (err instanceof ScaleDownError) {
        throw err;
      }
      kept.delete(id);
      log({ level: 'warn', msg: 'could not hand the node over for removal; it waits for the next poll', cluster: session.clusterName, node: nodeNameOf(id), error: errorText(err) });
    }
  }
  return kept;
}

/**
 * Nodes handed over whose delete was refused (they stay): marks them as this owner's again, so
 * that a later pass goes on with them and a release uncordons them. Best effort.
 */
export async function takeBack(session: DrainSession, ids: readonly string[], log: HandlerLogger): Promise<void> {
  if (ids.length === 0) {
    return;
  }
  try {
    const kube = await session.kube();
    for (const id of ids) {
      await kube.patchNode(nodeNameOf(id), remarkPatch(session.owner));
    }
  } catch (err) {
    log({
      level: 'warn',
      msg: 'could not mark refused nodes as cordoned by this deployment again: they stay cordoned; uncordon them by hand if they stay',
      cluster: session.clusterName,
      nodes: ids.map(nodeNameOf),
      error: errorText(err),
    });
  }
}

/** What the drains of this operation came to, one line per removed node Kubernetes still lists; empty when that cannot be read. */
export async function drainSummary(session: DrainSession, log: HandlerLogger): Promise<string[]> {
  try {
    const kube = await session.kube();
    return drainResults(await kube.listNodes(`${DRAIN_REMOVED_LABEL}=${session.owner}`), session.owner, session.operation);
  } catch (err) {
    log({ level: 'warn', msg: 'could not read what each drain came to', cluster: session.clusterName, error: errorText(err) });
    return [];
  }
}

/**
 * Uncordons every node this owner marked and did not remove (a rollback, a failed or finished
 * deployment), except `keep` (nodes HyperPod lists as going). Best effort, and never fails:
 * returns the names released, and logs what could not be.
 */
export async function releaseMarked(session: DrainSession, log: HandlerLogger, keep: ReadonlySet<string> = new Set()): Promise<string[]> {
  const released: string[] = [];
  try {
    const kube = await session.kube();
    const marked = await kube.listNodes(`${DRAIN_OWNER_LABEL}=${session.owner}`);
    for (const node of marked.filter((n) => isMarkedBy(n, session.owner))) {
      if (keep.has(node.name)) {
        await kube.patchNode(node.name, removedPatch(session.owner, 'removed'));
      } else {
        await kube.patchNode(node.name, releasePatch(node));
        released.push(node.name);
      }
    }
    if (released.length > 0) {
      log({ level: 'info', msg: 'uncordoned nodes this deployment cordoned and did not remove', cluster: session.clusterName, nodes: released });
    }
  } catch (err) {
    log({
      level: 'warn',
      msg: 'could not uncordon the nodes this deployment cordoned; find them with the label selector and uncordon them by hand',
      cluster: session.clusterName,
      labelSelector: `${DRAIN_OWNER_LABEL}=${session.owner}`,
      released,
      error: errorText(err),
    });
  }
  return released;
}

/**
 * A Kubernetes call: a refusal of access ends the deployment with what to grant; passing
 * errors (throttling, 5xx, network) go up to be retried at the next poll.
 */
async function call<T>(session: DrainSession, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw refusedAccess(session, err) ?? err;
  }
}

/** The deployment-ending error for a 401 or 403 of the Kubernetes API (no access entry, no RBAC); `undefined` for any other error. */
export function refusedAccess(session: DrainSession, err: unknown): ScaleDownError | undefined {
  const status = (err as { statusCode?: number } | null)?.statusCode;
  if (status !== 401 && status !== 403) {
    return undefined;
  }
  return new ScaleDownError(`scale-down of cluster "${session.clusterName}" stopped: the Kubernetes API of EKS cluster `
    + `"${session.eksClusterName}" refused the drain (${errorText(err)}). Nodes already removed stay removed, and the nodes `
    + 'this deployment cordoned are uncordoned. See README "Drain before delete", or turn drain off for the group with '
    + 'scaleDown: { drain: { enabled: false } }');
}
