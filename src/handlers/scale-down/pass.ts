/**
 * One scale-down pass over a cluster, as `onEvent` and every `isComplete` poll run it:
 * describe, refuse drift, prove ownership, list and choose (all groups first, so a policy
 * error deletes nothing; nodes a drain cordoned earlier first), drain the chosen nodes of
 * groups that drain (`drain.ts`: only drained nodes go on), delete in batches while the
 * Lambda has time (handing drained nodes over just before their call), then check that
 * TargetCount dropped by every node accepted (no churn). Stateless: what is left is read
 * from the cluster, and from the drain's marks on the Kubernetes nodes, on the next pass.
 */
import { DrainSession, drainChosen, drainSummary, GroupDrainResult, handOver, refusedAccess, releaseMarked, takeBack } from './drain';
import { DRAIN_OWNER_LABEL } from '../../contract/drain';
import { boundedMessage } from '../../contract/problems';
import { OWNER_TAG_KEY } from '../../contract/scale-down';
import { describeDrain, drainResult, isMarkedBy } from '../../domain/drain';
import { GroupIntent } from '../../domain/intent';
import { instanceIdOf, nodeNameOf } from '../../domain/kubernetes';
import { chunk, ChosenNode, DeleteBatch, interpret, NodeFailure, nodeKey, SHUTTING_DOWN } from '../../domain/plan';
import { ClusterView, HyperPodApi } from '../../domain/sagemaker';
import { assessAll, surveyGroups, SurveyedGroup } from '../../domain/survey';
import { errorText, isTransient, ScaleDownError } from '../failures';
import { HandlerLogger } from '../request';

/** What a pass needs besides its input. */
export interface PassContext {
  readonly api: HyperPodApi;
  readonly log: HandlerLogger;
  readonly now: () => number;
  /** No delete call starts after this time (ms since the epoch). @default none */
  readonly deadline?: number;
  /** Waits between the reads that check TargetCount after deletes. */
  readonly sleep: (ms: number) => Promise<void>;
}

/** The input of one pass. */
export interface PassInput {
  readonly clusterName: string;
  readonly intents: readonly GroupIntent[];
  /** The `StackId` of the request: the cluster's owner tag must equal it. */
  readonly stackId?: string;
  /** Ownership was proven earlier in this operation. */
  readonly ownerVerified: boolean;
  readonly phase: 'onEvent' | 'isComplete';
  /** Each group's TargetCount when the operation's first pass began (from onEvent's `Data`). */
  readonly startTargets?: ReadonlyMap<string, number>;
  /** Set when a group drains: the Kubernetes side of this operation. */
  readonly drain?: DrainSession;
}

/** What one pass did and what is left. */
export interface PassOutcome {
  /** Every group is done: nothing more to remove. */
  readonly done: boolean;
  /** The cluster does not exist. */
  readonly missing: boolean;
  readonly ownerVerified: boolean;
  /** What is left, one line per group (for the log and a timeout message). */
  readonly waiting: string[];
  /** Each group's TargetCount after the pass, when known. */
  readonly targets: ReadonlyMap<string, number>;
  /** Ids accepted for removal in this pass, by group. */
  readonly accepted: ReadonlyMap<string, string[]>;
  /** Each group's TargetCount when this pass began (what onEvent hands to the polls). */
  readonly startTargets: ReadonlyMap<string, number>;
  /** When done and a group drained: what each removed node's drain came to (`node: drained in 42 s`). */
  readonly drains?: string[];
}

/** Reads of DescribeCluster after deletes before TargetCount is declared stuck. */
export const VERIFY_ATTEMPTS = 4;
/** Wait between those reads. */
export const VERIFY_DELAY_MS = 3000;

function targetsOf(view: ClusterView): Map<string, number> {
  return new Map(view.groups.filter((g) => g.targetCount !== undefined).map((g) => [g.name, g.targetCount!]));
}

function countReasons(chosen: readonly ChosenNode[]): Record<string, number> {
  const reasons: Record<string, number> = {};
  for (const node of chosen) {
    reasons[node.reason] = (reasons[node.reason] ?? 0) + 1;
  }
  return reasons;
}

/** Runs one pass. Throws `ScaleDownError` for what ends the deployment; other errors are the SDK's. */
export async function runPass(input: PassInput, ctx: PassContext): Promise<PassOutcome> {
  const cluster = input.clusterName;
  const { api, log } = ctx;
  const accepted = new Map<string, string[]>();
  const view = await api.describeCluster(cluster);
  if (!view) {
    log({ level: 'info', msg: 'cluster does not exist, nothing to remove', phase: input.phase, cluster });
    return { done: true, missing: true, ownerVerified: input.ownerVerified, waiting: [], targets: new Map(), accepted, startTargets: new Map() };
  }
  const found = assessAll(view, input.intents, input.startTargets);
  for (const intent of input.intents.filter((i) => i.ignoredRemoveNodeIds.length > 0)) {
    log({
      level: 'warn',
      msg: 'removeNodeIds ignored: the group\'s instanceCount did not go down, so nothing makes room for them',
      cluster,
      group: intent.group,
      ignored: intent.ignoredRemoveNodeIds,
    });
  }
  for (const a of found.groups) {
    log({
      level: 'info',
      msg: 'group',
      phase: input.phase,
      cluster,
      group: a.intent.group,
      previousCount: a.intent.previousCount,
      newCount: a.intent.desiredCount,
      targetCount: a.targetCount,
      budget: a.budget,
      extra: a.extra,
      drift: a.intent.drift,
      newRemoveNodeIds: a.intent.newRemoveNodeIds.length,
    });
  }
  for (const intent of found.absent) {
    log({ level: 'info', msg: 'instance group not in the cluster yet, nothing to remove', cluster, group: intent.group });
  }
  if (found.refusals.length > 0) {
    throw new ScaleDownError(boundedMessage(`scale-down of cluster "${cluster}" refused; no node was removed in this pass:`, found.refusals));
  }
  const active = found.groups.filter((a) => a.budget > 0 || a.intent.newRemoveNodeIds.length > 0);
  const startTargets = input.startTargets ?? targetsOf(view);
  const idle = { missing: false, ownerVerified: input.ownerVerified, targets: targetsOf(view), accepted, startTargets };
  if (active.length === 0) {
    return { ...idle, done: true, waiting: [] };
  }
  if (view.status === 'Failed') {
    throw new ScaleDownError(`cluster "${cluster}" is Failed${view.failureMessage ? ` (${view.failureMessage})` : ''}; `
      + 'no node was removed. Fix the cluster, then deploy again');
  }
  if (view.status !== 'InService') {
    const waiting = [`cluster "${cluster}" is ${view.status || 'in an unknown state'}: nodes are removed only while it is InService`];
    log({ level: 'info', msg: 'waiting for the cluster', phase: input.phase, cluster, status: view.status });
    return { ...idle, done: false, waiting };
  }
  const ownerVerified = input.ownerVerified || await proveOwnership(api, view, input.stackId);
  const drainsHere = input.drain !== undefined && active.some((a) => a.intent.drain);
  const marked = drainsHere ? await markedNodes(input.drain!, ctx.log) : { ids: new Set<string>() };
  const surveyed = await surveyGroups(api, cluster, active, false, marked.ids);
  const errors = surveyed.flatMap((g) => g.choice.errors);
  if (errors.length > 0) {
    throw new ScaleDownError(boundedMessage(`cannot scale down cluster "${cluster}"; no node was removed in this pass:`, errors));
  }
  const drained = await drainGroups(surveyed, input.drain, marked.unreachable, ctx);
  if (drained.failed.length > 0) {
    // The handler uncordons before it fails the deployment (as for every deployment-ending error).
    throw new ScaleDownError(boundedMessage(`scale-down of cluster "${cluster}" stopped: nodes did not drain within their group's `
      + 'drain timeout, and its onTimeout is Fail. The nodes this deployment cordoned and did not remove are uncordoned; '
      + 'nodes removed earlier in this deployment stay removed. Free the pods (a PodDisruptionBudget that allows no disruption '
      + 'blocks them), raise scaleDown.drain.timeout, or choose onTimeout: DrainTimeoutAction.REMOVE_ANYWAY, then deploy again:',
    drained.failed));
  }
  const retries = new Map<string, NodeFailure[]>();
  const gone = new Map<string, NodeFailure[]>();
  let outOfTime = false;
  // Marked nodes are handed over just before their delete call, and taken back if it refuses them.
  const handedOver = new Set<string>();
  const prepare = input.drain && drained.marked.size > 0 ? async (batch: DeleteBatch) => {
    const ours = batch.ids.filter((id) => drained.marked.has(id));
    const kept = await handOver(input.drain!, ours, drained.results, ctx.log);
    ours.filter((id) => kept.has(id)).forEach((id) => handedOver.add(id));
    return keepOnly(batch, (id) => !drained.marked.has(id) || kept.has(id));
  } : undefined;
  const refused: string[] = [];
  try {
    for (const g of surveyed) {
      const ready = drained.ready.get(g.assessment.intent.group);
      const result = await deleteChosen(cluster, ready ? { ...g, choice: { ...g.choice, chosen: ready } } : g, input.phase, ctx, accepted,
        prepare, refused);
      retries.set(g.assessment.intent.group, result.retry);
      gone.set(g.assessment.intent.group, result.gone);
      outOfTime ||= result.outOfTime;
    }
  } catch (err) {
    if (input.drain) {
      await takeBack(input.drain, refused.filter((id) => handedOver.has(id)), ctx.log);
    }
    // Whatever ended the pass, nodes accepted so far must have lowered TargetCount, or the next
    // poll would remove their replacements: check before giving up this pass.
    if (accepted.size > 0 && !(err instanceof ScaleDownError)) {
      await verifyTargets(cluster, view, accepted, ctx).catch((verifyErr) => {
        if (verifyErr instanceof ScaleDownError) {
          throw verifyErr;
        }
      });
    }
    throw err;
  }
  await settleUncertain(cluster, surveyed, retries, gone, accepted, ctx);
  if (input.drain) {
    // Refused and not going (after settling the uncertain ones): they stay, cordoned by this deployment.
    const staying = [...retries.values()].flat().map((f) => f.id);
    await takeBack(input.drain, staying.filter((id) => handedOver.has(id)), ctx.log);
  }
  const hasAccepted = [...accepted.values()].some((ids) => ids.length > 0);
  const targets = hasAccepted ? await verifyTargets(cluster, view, accepted, ctx) : targetsOf(view);
  const waiting: string[] = [];
  for (const g of surveyed) {
    const { intent } = g.assessment;
    const mine = accepted.get(intent.group) ?? [];
    const retry = retries.get(intent.group) ?? [];
    const left = g.choice.budget - mine.length;
    if (left > 0 || retry.length > 0) {
      // Which nodes are still to go, and how many this deployment removed so far (TargetCount tells).
      const taken = new Set(mine);
      const pending = g.choice.chosen.map(nodeKey).filter((id) => !taken.has(id));
      const target = targets.get(intent.group);
      const removed = intent.previousCount !== undefined && target !== undefined ? Math.max(0, intent.previousCount - target) : undefined;
      const failures = retry.map((f) => `; node ${f.id}: ${f.code}: ${f.message}`).join('');
      waiting.push(`instance group "${intent.group}": ${plural(Math.max(left, retry.length), 'more node')} to remove`
        + ` (${shortList(pending)}; TargetCount ${target ?? '?'}, instanceCount ${intent.previousCount ?? '?'} -> ${intent.desiredCount}`
        + `${removed === undefined ? '' : `, ${removed} removed so far`})${failures}`);
    }
  }
  waiting.push(...drained.waiting);
  if (outOfTime || drained.outOfTime) {
    waiting.push('out of time in this invocation; the next poll goes on');
  }
  const done = waiting.length === 0;
  let drains: string[] | undefined;
  if (done && drainsHere) {
    // Nodes cordoned by an earlier pass and not chosen in the end go back to work.
    // (Nodes removed were handed over and carry no owner label; one HyperPod lists as going is kept cordoned.)
    await releaseMarked(input.drain!, ctx.log, goingNodeNames(surveyed));
    drains = await drainSummary(input.drain!, ctx.log);
  }
  return { done, missing: false, ownerVerified, waiting, targets, accepted, startTargets, ...(drains ? { drains } : {}) };
}

/** Instance ids of the nodes this owner's drains cordoned and did not remove; `unreachable` when they cannot be read now. */
async function markedNodes(session: DrainSession, log: HandlerLogger): Promise<{ ids: Set<string>; unreachable?: unknown }> {
  try {
    const kube = await session.kube();
    const nodes = await kube.listNodes(`${DRAIN_OWNER_LABEL}=${session.owner}`);
    return { ids: new Set(nodes.filter((n) => isMarkedBy(n, session.owner)).map((n) => instanceIdOf(n.name)).filter((id): id is string => !!id)) };
  } catch (err) {
    if (!isTransient(err)) {
      throw refusedAccess(session, err) ?? err;
    }
    log({ level: 'warn', msg: 'the Kubernetes API did not answer; groups that drain wait for the next poll', cluster: session.clusterName, eksCluster: session.eksClusterName, error: errorText(err) });
    return { ids: new Set(), unreachable: err };
  }
}

/** Names of the Kubernetes nodes of instances HyperPod lists as shutting down (never uncordoned). */
function goingNodeNames(surveyed: readonly SurveyedGroup[]): Set<string> {
  return new Set(surveyed.flatMap((g) => g.nodes).filter((n) => n.status === SHUTTING_DOWN && n.instanceId).map((n) => nodeNameOf(n.instanceId!)));
}

/** What the drains of a pass came to: the nodes each draining group may delete now, and what waits or failed. */
interface PassDrains {
  /** By group: the chosen nodes that may be deleted now (groups that do not drain are absent). */
  readonly ready: Map<string, ChosenNode[]>;
  /** What the drain of each node it cordoned came to, by instance id (`drained in 42 s`). */
  readonly results: Map<string, string>;
  /** Instance ids of chosen nodes that carry this owner's mark (handed over just before their delete). */
  readonly marked: Set<string>;
  readonly waiting: string[];
  readonly failed: string[];
  readonly outOfTime: boolean;
}

/**
 * Drains the chosen nodes of every group that drains. A group whose Kubernetes calls hit a
 * passing error (or whose API cannot be reached) removes nothing in this pass and waits.
 */
async function drainGroups(surveyed: readonly SurveyedGroup[], session: DrainSession | undefined, unreachable: unknown,
  ctx: PassContext): Promise<PassDrains> {
  const result: PassDrains = { ready: new Map(), results: new Map(), marked: new Set(), waiting: [], failed: [], outOfTime: false };
  let outOfTime = false;
  for (const g of surveyed) {
    const { intent } = g.assessment;
    if (!intent.drain || !session || g.choice.chosen.length === 0) {
      continue;
    }
    if (outOfTime) {
      result.ready.set(intent.group, []);
      continue;
    }
    let drain: GroupDrainResult;
    try {
      if (unreachable !== undefined) {
        throw unreachable;
      }
      drain = await drainChosen(intent.group, g.choice.chosen, intent.drain, session, ctx);
    } catch (err) {
      if (!isTransient(err)) {
        throw err;
      }
      result.ready.set(intent.group, []);
      result.waiting.push(`instance group "${intent.group}": drain waits: the Kubernetes API of EKS cluster "${session.eksClusterName}" `
        + `did not answer (${errorText(err)}). If its endpoint is private, run the handler in the cluster's VPC `
        + '(scaleDown.drain.vpcSubnets); nothing of this group is removed until its nodes are drained');
      continue;
    }
    result.ready.set(intent.group, drain.ready);
    result.failed.push(...drain.failed);
    drain.marked.forEach((id) => result.marked.add(id));
    for (const r of drain.reports.filter((x) => x.instanceId)) {
      result.results.set(r.instanceId!, drainResult(r.drain));
    }
    for (const r of drain.reports.filter((x) => x.drain.state === 'draining')) {
      result.waiting.push(`instance group "${intent.group}": ${describeDrain(r.nodeName, r.drain)}`);
    }
    outOfTime ||= drain.outOfTime;
  }
  return { ...result, outOfTime };
}

/** Codes after which a node may or may not be going: a lost answer retried by the SDK reads `InvalidNodeStatus`. */
const UNCERTAIN_CODES: readonly string[] = ['InvalidNodeStatus', 'NoAnswer'];

/**
 * A chosen node refused as `InvalidNodeStatus` or `NodeIdNotFound` (or not answered) may be one
 * that an earlier call of this pass removed although its answer was lost (the SDK then retried).
 * Lists its group again: such a node now shutting down or gone counts as accepted, so that the
 * TargetCount check covers it; the others stay to retry.
 */
async function settleUncertain(cluster: string, surveyed: readonly SurveyedGroup[], retries: Map<string, NodeFailure[]>,
  gone: ReadonlyMap<string, NodeFailure[]>, accepted: Map<string, string[]>, ctx: PassContext): Promise<void> {
  for (const g of surveyed) {
    const group = g.assessment.intent.group;
    const uncertain = [...(retries.get(group) ?? []).filter((f) => UNCERTAIN_CODES.includes(f.code)), ...(gone.get(group) ?? [])];
    if (uncertain.length === 0) {
      continue;
    }
    const live = new Set((await ctx.api.listNodes(cluster, group)).filter((n) => n.status !== SHUTTING_DOWN).map(nodeKey));
    const going = uncertain.filter((f) => !live.has(f.id)).map((f) => f.id);
    if (going.length > 0) {
      ctx.log({ level: 'info', msg: 'nodes refused as InvalidNodeStatus are shutting down: an earlier call removed them', cluster, group, going });
      accepted.get(group)!.push(...going);
      retries.set(group, (retries.get(group) ?? []).filter((f) => !going.includes(f.id)));
    }
  }
}

/** G3: the cluster must carry this stack's owner tag before any node of it is removed. */
async function proveOwnership(api: HyperPodApi, view: ClusterView, stackId: string | undefined): Promise<true> {
  const tags = await api.listTags(view.name, view.arn);
  const owner = tags[OWNER_TAG_KEY];
  if (!stackId || owner !== stackId) {
    const found = owner === undefined ? 'has no such tag' : `is tagged for stack ${owner}`;
    throw new ScaleDownError(`cluster "${view.name}" was not created by this stack: hyperpod-cdk removes nodes only from a `
      + `cluster tagged ${OWNER_TAG_KEY}=${stackId ?? '(no StackId in the request)'}, and this one ${found}; no node was removed. `
      + 'If this stack created it with an older hyperpod-cdk, deploy once without lowering any instanceCount (that adds the tag), '
      + 'then lower it; if another stack or team owns a cluster of this name, give this cluster another clusterName');
  }
  return true;
}

/**
 * Deletes a group's chosen nodes in batches while the Lambda has time.
 *
 * @param prepare runs just before each call and may leave nodes out of it (the drain's hand-over)
 * @param refused receives the ids a call refused for good (its fatal failures)
 */
async function deleteChosen(cluster: string, g: SurveyedGroup, phase: string, ctx: PassContext,
  accepted: Map<string, string[]>, prepare?: (batch: DeleteBatch) => Promise<DeleteBatch>,
  refused: string[] = []): Promise<{ retry: NodeFailure[]; gone: NodeFailure[]; outOfTime: boolean }> {
  const { intent } = g.assessment;
  const batches = chunk(g.choice.chosen, intent.chunkSize);
  ctx.log({
    level: 'info',
    msg: 'plan',
    phase,
    cluster,
    group: intent.group,
    existing: g.choice.existing,
    shuttingDown: g.choice.shuttingDown,
    budget: g.choice.budget,
    order: intent.order,
    chosen: g.choice.chosen.length,
    reasons: countReasons(g.choice.chosen),
    listedGone: g.choice.listedGone,
    batches: batches.map((b) => `${b.kind}:${b.ids.length}`),
  });
  const retry: NodeFailure[] = [];
  const gone: NodeFailure[] = [];
  const mine = accepted.get(intent.group) ?? [];
  accepted.set(intent.group, mine);
  let outOfTime = false;
  for (const [i, planned] of batches.entries()) {
    if (ctx.deadline !== undefined && ctx.now() >= ctx.deadline) {
      ctx.log({ level: 'warn', msg: 'out of time; the rest waits for the next poll', phase, cluster, group: intent.group, batchesLeft: batches.length - i });
      return { retry, gone, outOfTime: true };
    }
    const batch = prepare ? await prepare(planned) : planned;
    if (batch.ids.length < planned.ids.length) {
      outOfTime = true; // what was left out waits for the next poll
    }
    if (batch.ids.length === 0) {
      continue;
    }
    const answer = await ctx.api.deleteNodes(cluster, batch);
    const outcome = interpret(batch, answer);
    mine.push(...outcome.accepted);
    retry.push(...outcome.retry);
    gone.push(...outcome.gone);
    ctx.log({
      level: outcome.fatal.length > 0 ? 'error' : 'info',
      msg: 'batch',
      phase,
      cluster,
      group: intent.group,
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
      refused.push(...outcome.fatal.map((f) => f.id));
      throw new ScaleDownError(boundedMessage(`BatchDeleteClusterNodes refused nodes of instance group "${intent.group}" `
        + `of cluster "${cluster}"; ${removedSoFar(accepted)}; stopped:`, outcome.fatal.map((f) => `node ${f.id}: ${f.code}: ${f.message}`)));
    }
  }
  return { retry, gone, outOfTime };
}

/** `batch` with only the nodes whose id passes `keep`. */
function keepOnly(batch: DeleteBatch, keep: (id: string) => boolean): DeleteBatch {
  const nodes = batch.nodes.filter((_, i) => keep(batch.ids[i]));
  return { kind: batch.kind, ids: batch.ids.filter(keep), nodes };
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** At most 5 ids, then `...`. */
function shortList(ids: readonly string[]): string {
  return ids.length === 0 ? 'none chosen yet' : `${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', ...' : ''}`;
}

/** `removed in this pass: 3 (i-a, i-b, i-c)`, short. */
function removedSoFar(accepted: ReadonlyMap<string, string[]>): string {
  const ids = [...accepted.values()].flat();
  if (ids.length === 0) {
    return 'no node was removed in this pass';
  }
  return `removed in this pass: ${ids.length} (${shortList(ids)})`;
}

/**
 * G4: after deletes, each group's TargetCount must have dropped by the nodes accepted. Read
 * a few times (the count may lag the call); if it did not drop, SageMaker is replacing the
 * nodes, so stop at once rather than delete the replacements at the next poll.
 */
async function verifyTargets(cluster: string, before: ClusterView, accepted: ReadonlyMap<string, string[]>,
  ctx: PassContext): Promise<Map<string, number>> {
  const start = targetsOf(before);
  let stuck: string[] = [];
  let targets = start;
  let unreadable: unknown;
  for (let attempt = 1; attempt <= VERIFY_ATTEMPTS; attempt++) {
    let view: ClusterView | undefined;
    try {
      view = await ctx.api.describeCluster(cluster);
      unreadable = undefined;
    } catch (err) {
      if (!isTransient(err)) {
        throw err;
      }
      unreadable = err;
      if (attempt < VERIFY_ATTEMPTS) {
        await ctx.sleep(VERIFY_DELAY_MS);
      }
      continue;
    }
    if (!view) {
      return new Map();
    }
    targets = targetsOf(view);
    stuck = [];
    for (const [group, ids] of accepted) {
      const was = start.get(group);
      // (groups with nothing accepted have nothing to check)
      const now = targets.get(group);
      if (ids.length > 0 && was !== undefined && now !== undefined && now > was - ids.length) {
        stuck.push(`instance group "${group}": ${ids.length} node(s) accepted for removal (${ids.slice(0, 5).join(', ')}`
          + `${ids.length > 5 ? ', ...' : ''}) but TargetCount went from ${was} to ${now}, not to ${was - ids.length}`);
      }
    }
    if (stuck.length === 0) {
      return targets;
    }
    if (attempt < VERIFY_ATTEMPTS) {
      await ctx.sleep(VERIFY_DELAY_MS);
    }
  }
  if (unreadable !== undefined) {
    // Not knowing is not safe either: the next pass could remove the replacements.
    const ids = [...accepted.values()].flat();
    throw new ScaleDownError(`scale-down of cluster "${cluster}" stopped: after ${ids.length} node(s) were accepted for removal `
      + `(${shortList(ids)}), DescribeCluster kept failing (${errorText(unreadable)}), so it cannot be checked that TargetCount dropped. `
      + 'No further node is removed, to be safe. Check the group with "hyperpod-cdk status", then deploy again');
  }
  ctx.log({ level: 'error', msg: 'TargetCount did not drop', cluster, stuck });
  throw new ScaleDownError(boundedMessage(`scale-down of cluster "${cluster}" stopped: SageMaker kept the group's TargetCount after `
    + 'BatchDeleteClusterNodes, so it would replace the removed nodes and every further pass would remove the replacements. '
    + 'No further node is removed. Check the group with "hyperpod-cdk status"; to let the cluster update lower the count '
    + 'instead, deploy with scaleDown: { enabled: false }:', stuck));
}
