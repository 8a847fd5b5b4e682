/**
 * The logic of the `Custom::HyperPodScaleDown` handlers, driven by the CDK Provider framework
 * (`onEvent` once, then `isComplete` every query interval). Desired-state and stateless: every
 * call describes the cluster, lists the groups' nodes, chooses the surplus and deletes it, so a
 * re-run after a partial or lost run deletes nothing twice (nodes shutting down or gone no
 * longer count). The SageMaker client is injected.
 */
import { chunk, ChosenNode, Choice, interpret, NodeFailure, nodeKey } from './plan';
import { GroupRequest, parseProperties, ScaleDownRequestProperties } from './properties';
import {
  beforeKey, boundedData, boundedMessage, decodeBefore, encodeBefore, GroupBefore,
  REMOVED_TOTAL_KEY, removedKey, STARTED_AT_KEY,
} from './response';
import { ClusterMissingError, GroupCounts, HyperPodApi } from './sagemaker';
import { survey } from './survey';

/** The request both handlers receive (the parts they read). */
export interface ScaleDownRequest {
  readonly RequestType: string;
  /** `Custom::HyperPodScaleDown` or `Custom::HyperPodCapacity`: the entries route on it. */
  readonly ResourceType?: string;
  readonly ResourceProperties?: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
  readonly PhysicalResourceId?: string;
  readonly LogicalResourceId?: string;
  readonly RequestId?: string;
  /** In `isComplete`: the `Data` `onEvent` returned. */
  readonly Data?: Record<string, unknown>;
}

/** What `onEvent` returns. */
export interface OnEventResult {
  readonly PhysicalResourceId: string;
  readonly Data?: Record<string, string>;
}

/** What `isComplete` returns (no `Data` unless complete: the Provider rejects it). */
export interface IsCompleteResult {
  readonly IsComplete: boolean;
  readonly Data?: Record<string, string>;
}

/** Receives one structured record per line of progress. */
export type ScaleDownLogger = (record: Record<string, unknown>) => void;

/** What the handlers need besides the request. */
export interface HandlerContext {
  readonly api: HyperPodApi;
  /** @default one JSON line on stdout */
  readonly log?: ScaleDownLogger;
  /** Clock in ms. @default Date.now */
  readonly now?: () => number;
}

/** One JSON line on stdout (the function's CloudWatch log). */
export const defaultLog: ScaleDownLogger = (record) => console.log(JSON.stringify(record));

/** One group after one pass. */
interface GroupPass {
  readonly request: GroupRequest;
  readonly counts: GroupCounts;
  readonly choice: Choice;
  readonly retry: NodeFailure[];
}

/** The result of one pass over the cluster; `undefined` groups when the cluster is missing. */
interface Pass {
  readonly groups?: GroupPass[];
}

/**
 * Handles a CloudFormation event: `Create` (nothing when the cluster does not exist yet, else
 * as `Update`), `Update` (first scale-down pass), `Delete` (nothing).
 */
export async function onEvent(event: ScaleDownRequest, ctx: HandlerContext): Promise<OnEventResult> {
  const log = ctx.log ?? defaultLog;
  switch (event.RequestType) {
    case 'Delete':
      log({ level: 'info', msg: 'delete: nothing to do', physicalResourceId: event.PhysicalResourceId });
      return { PhysicalResourceId: event.PhysicalResourceId ?? String(event.ResourceProperties?.ClusterName ?? '') };
    case 'Create':
    case 'Update': {
      const props = parseProperties(event.ResourceProperties);
      const startedAt = new Date((ctx.now ?? Date.now)()).toISOString();
      const pass = await runPass(props, ctx.api, log, 'onEvent');
      if (!pass.groups) {
        log({ level: 'info', msg: `${event.RequestType.toLowerCase()}: cluster does not exist, nothing to do`, cluster: props.clusterName });
        return { PhysicalResourceId: props.clusterName, Data: { [STARTED_AT_KEY]: startedAt } };
      }
      // Remember the state before this scale-down for isComplete (groups with work only).
      const entries: Array<[string, string]> = [[STARTED_AT_KEY, startedAt]];
      for (const g of pass.groups.filter((p) => hasWork(p))) {
        const before: GroupBefore = { existing: g.choice.existing, targetCount: g.counts.targetCount };
        entries.push([beforeKey(g.request.group), encodeBefore(before)]);
      }
      return { PhysicalResourceId: props.clusterName, Data: boundedData(entries) };
    }
    default:
      throw new Error(`Unknown request type: ${event.RequestType}`);
  }
}

/**
 * Re-lists, re-plans and deletes again (retrying nodes that were in use), and reports complete
 * when every group has no surplus among nodes not shutting down and a `TargetCount` at or
 * below its desired count.
 */
export async function isComplete(event: ScaleDownRequest, ctx: HandlerContext): Promise<IsCompleteResult> {
  const log = ctx.log ?? defaultLog;
  if (event.RequestType === 'Delete') {
    return { IsComplete: true };
  }
  if (event.RequestType !== 'Create' && event.RequestType !== 'Update') {
    throw new Error(`Unknown request type: ${event.RequestType}`);
  }
  const props = parseProperties(event.ResourceProperties);
  const pass = await runPass(props, ctx.api, log, 'isComplete');
  if (!pass.groups) {
    log({ level: 'info', msg: 'cluster does not exist, nothing to do', cluster: props.clusterName });
    return { IsComplete: true, Data: { [REMOVED_TOTAL_KEY]: '0' } };
  }
  const data = event.Data ?? {};
  const waiting: string[] = [];
  const removed: Array<[string, string]> = [];
  let total = 0;
  for (const g of pass.groups) {
    const review = reviewGroup(g, decodeBefore(data[beforeKey(g.request.group)]), props.clusterName, log);
    if (review.waiting) {
      waiting.push(review.waiting);
    }
    if (review.removed !== undefined) {
      removed.push([removedKey(g.request.group), String(review.removed)]);
      total += review.removed;
    }
  }
  if (waiting.length > 0) {
    const startedAt = Date.parse(String(data[STARTED_AT_KEY] ?? ''));
    const now = (ctx.now ?? Date.now)();
    if (props.timeoutSeconds !== undefined && !Number.isNaN(startedAt) && now - startedAt >= props.timeoutSeconds * 1000) {
      throw new Error(boundedMessage(`scale-down of cluster "${props.clusterName}" did not finish within ` +
        `${props.timeoutSeconds} seconds:`, waiting));
    }
    log({ level: 'info', msg: 'not complete yet', cluster: props.clusterName, waiting });
    return { IsComplete: false };
  }
  log({ level: 'info', msg: 'complete', cluster: props.clusterName, removed: total });
  return { IsComplete: true, Data: boundedData([[REMOVED_TOTAL_KEY, String(total)], ...removed]) };
}

/**
 * Whether a group is done after a pass, what it still waits for, and how many nodes it lost
 * since onEvent. Warns when nodes left but TargetCount did not drop.
 */
function reviewGroup(g: GroupPass, before: GroupBefore | undefined, cluster: string,
  log: ScaleDownLogger): { waiting?: string; removed?: number } {
  const { group, desiredCount } = g.request;
  const target = g.counts.targetCount;
  const removed = before ? Math.max(0, before.existing - g.choice.existing) : undefined;
  // Done with the target once it is at the desired count, or once it dropped by every node
  // removed in this operation: a TargetCount above the listed nodes (launches SageMaker has not
  // listed yet) is not ours to lower; the cluster update that follows lowers it.
  const targetOk = target === undefined || target <= desiredCount
    || (before?.targetCount !== undefined && target <= before.targetCount - (removed ?? 0));
  const state = { cluster, group, desired: desiredCount, targetCountBefore: before?.targetCount, targetCountAfter: target };
  if (removed && !targetOk && before?.targetCount !== undefined && target! >= before.targetCount) {
    log({
      level: 'warn',
      msg: `${removed} node(s) left instance group "${group}" but its TargetCount did not drop (${before.targetCount} before, `
        + `${target} now, desired ${desiredCount}); that BatchDeleteClusterNodes lowers TargetCount is not documented by AWS, `
        + 'and SageMaker may replace the removed nodes',
      ...state,
      removed,
    });
  }
  log({ level: 'info', msg: 'group state', ...state, existing: g.choice.existing, shuttingDown: g.choice.shuttingDown, removedSoFar: removed });
  if (g.choice.chosen.length === 0 && g.choice.surplus <= 0 && targetOk) {
    if (target !== undefined && target > desiredCount) {
      log({
        level: 'warn',
        msg: `instance group "${group}" has TargetCount ${target} but only ${g.choice.existing} node(s) listed for desired `
          + `${desiredCount}; nothing more to remove, the cluster update lowers TargetCount and SageMaker cancels the launches it no longer needs`,
        ...state,
      });
    }
    return { removed };
  }
  const failures = g.retry.map((f) => `; node ${f.id}: ${f.code}: ${f.message}`).join('');
  return {
    removed,
    waiting: `instance group "${group}": ${g.choice.existing} nodes not shutting down and TargetCount ${target ?? '?'} `
      + `for desired ${desiredCount}${failures}`,
  };
}

function hasWork(g: GroupPass): boolean {
  return g.choice.surplus > 0 || (g.counts.targetCount ?? 0) > g.request.desiredCount;
}

/**
 * One desired-state pass: describe, list, choose (all groups first, so a policy error deletes
 * nothing; see `survey`), then delete in batches. Throws on policy errors and on fatal
 * per-node failures.
 */
async function runPass(props: ScaleDownRequestProperties, api: HyperPodApi, log: ScaleDownLogger,
  phase: 'onEvent' | 'isComplete'): Promise<Pass> {
  const cluster = props.clusterName;
  try {
    const found = await survey(api, cluster, props.groups, phase === 'onEvent');
    if (!found) {
      return {};
    }
    for (const request of found.absent) {
      log({ level: 'info', msg: 'instance group not in the cluster yet, nothing to do', cluster, group: request.group });
    }
    const errors = found.groups.flatMap((g) => g.choice.errors);
    if (errors.length > 0) {
      throw new Error(boundedMessage(`cannot scale down cluster "${cluster}":`, errors));
    }
    const groups: GroupPass[] = [];
    for (const { request, counts, choice } of found.groups) {
      groups.push(await deleteChosen(cluster, request, counts, choice, api, log, phase));
    }
    return { groups };
  } catch (err) {
    if (err instanceof ClusterMissingError) {
      return {};
    }
    throw err;
  }
}

function countReasons(chosen: readonly ChosenNode[]): Record<string, number> {
  const reasons: Record<string, number> = {};
  for (const node of chosen) {
    reasons[node.reason] = (reasons[node.reason] ?? 0) + 1;
  }
  return reasons;
}

async function deleteChosen(cluster: string, request: GroupRequest, counts: GroupCounts, choice: Choice,
  api: HyperPodApi, log: ScaleDownLogger, phase: string): Promise<GroupPass> {
  const batches = chunk(choice.chosen, request.chunkSize);
  log({
    level: 'info',
    msg: 'plan',
    phase,
    cluster,
    group: request.group,
    existing: choice.existing,
    shuttingDown: choice.shuttingDown,
    desired: choice.desired,
    surplus: choice.surplus,
    targetCount: counts.targetCount,
    currentCount: counts.currentCount,
    order: request.order,
    chosen: choice.chosen.length,
    reasons: countReasons(choice.chosen),
    listedGone: choice.listedGone,
    batches: batches.map((b) => `${b.kind}:${b.ids.length}`),
  });
  const retry: NodeFailure[] = [];
  for (const [i, batch] of batches.entries()) {
    const answer = await api.deleteNodes(cluster, batch);
    const outcome = interpret(batch, answer);
    retry.push(...outcome.retry);
    log({
      level: outcome.fatal.length > 0 ? 'error' : 'info',
      msg: 'batch',
      phase,
      cluster,
      group: request.group,
      batch: i + 1,
      of: batches.length,
      kind: batch.kind,
      chosen: batch.nodes.map((n) => `${nodeKey(n)} (${n.reason})`),
      accepted: outcome.accepted.length,
      gone: outcome.gone,
      retry: outcome.retry,
      fatal: outcome.fatal,
    });
    if (outcome.fatal.length > 0) {
      throw new Error(boundedMessage(`BatchDeleteClusterNodes failed in instance group "${request.group}" of cluster "${cluster}":`,
        outcome.fatal.map((f) => `node ${f.id}: ${f.code}: ${f.message}`)));
    }
  }
  return { request, counts, choice, retry };
}
