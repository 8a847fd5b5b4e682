/**
 * The `Custom::HyperPodScaleDown` handlers, driven by the CDK Provider framework (`onEvent`
 * once, then `isComplete` every query interval). What each request may do (README "Targeted
 * scale-down", guarantees G1-G5):
 * - `Create` and `Delete`: nothing, and no SageMaker call.
 * - `Update`: only groups whose `InstanceCount` went down against `OldResourceProperties`, or
 *   that name new `removeNodeIds`, give up nodes, never more than the decrease. An update
 *   that asks for no removal (a rollback of a scale-down among them) makes no SageMaker call,
 *   but one read-only DescribeCluster when the cluster has autoscaled groups (their counts).
 * Other request types never get here: `dispatch.ts` refuses them.
 * Each change of the properties gets a new physical id, so CloudFormation (as it is reported
 * to treat a replaced custom resource; not in its documentation) rolls a failed
 * deployment back by deleting that id (a no-op) and cleans up the previous one the same way.
 *
 * Passes are stateless (`pass.ts`); `onEvent` hands isComplete only when it started, whether
 * ownership was proven and whether all was done.
 */
import { createHash } from 'crypto';
import { DrainSession, releaseMarked } from './drain';
import { PassOutcome, runPass } from './pass';
import { parseProperties, readPrevious, ScaleDownRequestProperties } from './properties';
import { boundedMessage } from '../../contract/problems';
import { countAttribute } from '../../contract/scale-down';
import { drainOwner } from '../../domain/drain';
import { asksForRemoval, GroupIntent, readIntents } from '../../domain/intent';
import { KubernetesApi } from '../../domain/kubernetes';
import { HyperPodApi } from '../../domain/sagemaker';
import { errorText, isTransient, ScaleDownError } from '../failures';
import { defaultLog, HandlerContext, HandlerLogger, HandlerRequest, IsCompleteResult, OnEventResult } from '../request';
import { boundedData, REMOVED_TOTAL_KEY, removedKey, STARTED_AT_KEY } from '../response';

/** `Data` keys `onEvent` hands to `isComplete`. */
export const OWNER_KEY = 'OwnerVerified';
export const DONE_KEY = 'Done';
const START_PREFIX = 'Before.';

/** `Data` key of a group's TargetCount when the operation began. */
function startKey(group: string): string {
  return `${START_PREFIX}${group}`;
}

/** The start TargetCounts `onEvent` handed over (unreadable entries are left out). */
function readStartTargets(data: Record<string, unknown>): Map<string, number> {
  const targets = new Map<string, number>();
  for (const [key, value] of Object.entries(data)) {
    if (key.startsWith(START_PREFIX) && typeof value === 'string' && /^\d+$/.test(value)) {
      targets.set(key.slice(START_PREFIX.length), Number(value));
    }
  }
  return targets;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `<cluster>/<hash of the properties>`: a new id for every change of the properties. */
export function physicalId(clusterName: string, properties: Record<string, unknown> | undefined): string {
  const { ServiceToken: _token, ...rest } = properties ?? {};
  const digest = createHash('sha256').update(JSON.stringify(rest)).digest('hex').slice(0, 12);
  return `${clusterName}/${digest}`;
}

/** The intents of an Update; none for Create (never removes) and for an unreadable request. */
function intentsOf(event: HandlerRequest, ctx: HandlerContext): {
  clusterName: string;
  timeoutSeconds?: number;
  intents: GroupIntent[];
  autoscaled: string[];
  drain?: DrainSession;
} {
  const props = parseProperties(event.ResourceProperties);
  const intents = event.RequestType === 'Update' ? readIntents(props.groups, readPrevious(event.OldResourceProperties)) : [];
  const autoscaled = props.groups.filter((g) => g.autoscaled).map((g) => g.group);
  const drain = intents.some((i) => i.drain) ? drainSession(event, props, ctx) : undefined;
  return { clusterName: props.clusterName, timeoutSeconds: props.timeoutSeconds, intents, autoscaled, drain };
}

/**
 * The Kubernetes side of an operation in which a group drains: whose marks (this stack's
 * cluster), which operation (the CloudFormation request), and a connection made on first use.
 */
function drainSession(event: HandlerRequest, props: ScaleDownRequestProperties, ctx: HandlerContext): DrainSession {
  const eksClusterName = props.eksClusterName!;
  let connection: Promise<KubernetesApi> | undefined;
  return {
    clusterName: props.clusterName,
    eksClusterName,
    owner: drainOwner(event.StackId ?? '', props.clusterName),
    operation: event.RequestId ?? physicalId(props.clusterName, event.ResourceProperties),
    kube: () => {
      if (!ctx.kubernetes) {
        return Promise.reject(new ScaleDownError(`scale-down of cluster "${props.clusterName}": a group drains, but this handler `
          + 'has no Kubernetes access configured; no node was removed'));
      }
      // A failed connection is not kept: the next call (or poll) connects again.
      connection ??= ctx.kubernetes(eksClusterName).catch((err) => {
        connection = undefined;
        throw err;
      });
      return connection;
    },
  };
}

/**
 * Whether an update without removals may follow a drain that did not finish, so that nodes it
 * cordoned must be uncordoned: a group that drains got a higher count (a rollback of a
 * scale-down raises the count it lowered).
 */
function mayFollowDrain(intents: readonly GroupIntent[]): boolean {
  return intents.some((i) => i.drain && i.previousCount !== undefined && i.desiredCount > i.previousCount);
}

/** Before a deployment-ending error: uncordons the nodes the drain cordoned (best effort), then hands the error on. */
async function failing(err: Error, drain: DrainSession | undefined, log: HandlerLogger): Promise<never> {
  if (drain) {
    await releaseMarked(drain, log);
  }
  throw err;
}

/** `Data` key set while the autoscaled groups' counts could not be read yet (a passing error): isComplete reads them. */
const COUNTS_PENDING_KEY = 'CountsPending';

/**
 * The TargetCount of each autoscaled group, as `Data` entries the cluster's template reads for
 * their `InstanceCount`, so that the cluster update sends what the autoscaler set, not a count
 * of the template. 0 before the cluster exists (AWS: autoscaled groups start at 0). One
 * DescribeCluster, and only when the cluster has autoscaled groups. `undefined` after a passing
 * error (throttling, 5xx, network): the next poll reads again, and no count is ever guessed.
 */
async function autoscaledCounts(event: HandlerRequest, clusterName: string, groups: string[], api: HyperPodApi,
  log: HandlerLogger): Promise<Array<[string, string]> | undefined> {
  if (groups.length === 0) return [];
  let view;
  try {
    view = event.RequestType === 'Create' ? undefined : await api.describeCluster(clusterName);
  } catch (err) {
    if (!isTransient(err)) {
      throw finalError(clusterName, err);
    }
    log({ level: 'warn', msg: 'autoscaled groups: their counts could not be read, the next poll tries again', cluster: clusterName, error: errorText(err) });
    return undefined;
  }
  const counts = groups.map((group): [string, string] => {
    const target = view?.groups.find((g) => g.name === group)?.targetCount;
    return [countAttribute(group), String(target ?? 0)];
  });
  log({
    level: 'info',
    msg: 'autoscaled groups: the cluster update sends their current counts',
    cluster: clusterName,
    counts: Object.fromEntries(counts),
  });
  return counts;
}

/** Handles a CloudFormation event; see the module comment. */
export async function onEvent(event: HandlerRequest, ctx: HandlerContext): Promise<OnEventResult> {
  const log = ctx.log ?? defaultLog;
  const now = ctx.now ?? Date.now;
  if (event.RequestType === 'Delete') {
    log({ level: 'info', msg: 'delete: nothing to do', physicalResourceId: event.PhysicalResourceId });
    return { PhysicalResourceId: event.PhysicalResourceId ?? 'hyperpod-scale-down' };
  }
  const { clusterName, intents, autoscaled, drain } = intentsOf(event, ctx);
  const id = physicalId(clusterName, event.ResourceProperties);
  const startedAt = new Date(now()).toISOString();
  // First in Data, and never left out: the cluster's template reads them.
  const read = await autoscaledCounts(event, clusterName, autoscaled, ctx.api, log);
  const counts: Array<[string, string]> = read ?? [[COUNTS_PENDING_KEY, 'true']];
  const asking = intents.filter(asksForRemoval);
  if (asking.length === 0) {
    log({
      level: 'info',
      msg: `${event.RequestType.toLowerCase()}: no instanceCount went down and no new removeNodeIds, nothing to remove`,
      cluster: clusterName,
    });
    if (drain && mayFollowDrain(intents)) {
      // A rollback of a scale-down whose drain had started: its cordons go (never fails).
      await releaseMarked(drain, log);
    }
    return { PhysicalResourceId: id, Data: { ...Object.fromEntries(counts), [STARTED_AT_KEY]: startedAt, [DONE_KEY]: 'true', [REMOVED_TOTAL_KEY]: '0' } };
  }
  log({ level: 'info', msg: 'scale-down requested', cluster: clusterName, groups: asking.map((i) => `${i.group}: ${i.previousCount} -> ${i.desiredCount}`) });
  const entries: Array<[string, string]> = [...counts, [STARTED_AT_KEY, startedAt]];
  try {
    const outcome = await runPass({ clusterName, intents, stackId: event.StackId, ownerVerified: false, phase: 'onEvent', drain }, context(ctx, log));
    if (outcome.ownerVerified) {
      entries.push([OWNER_KEY, 'true']);
    }
    // Where each group's TargetCount stood at the start: tells later polls what a drift removal took.
    for (const intent of intents.filter((i) => asksForRemoval(i) || i.drift === 'Remove')) {
      const start = outcome.startTargets.get(intent.group);
      if (start !== undefined) {
        entries.push([startKey(intent.group), String(start)]);
      }
    }
    if (outcome.done) {
      entries.push([DONE_KEY, 'true'], ...removedEntries(intents, outcome));
      log({ level: 'info', msg: 'complete', cluster: clusterName, removed: Object.fromEntries(removedEntries(intents, outcome)), ...(outcome.drains ? { drains: outcome.drains } : {}) });
    } else {
      log({ level: 'info', msg: 'not complete yet', cluster: clusterName, waiting: outcome.waiting });
    }
  } catch (err) {
    if (!isTransient(err)) {
      return failing(finalError(clusterName, err), drain, log);
    }
    // The first poll starts over; a pass is safe to repeat.
    log({ level: 'warn', msg: 'passing error, the next poll tries again', cluster: clusterName, error: errorText(err) });
  }
  return { PhysicalResourceId: id, Data: boundedData(entries) };
}

/** Re-runs a pass until every group is done, or fails on a refusal, a policy error, churn or the timeout. */
export async function isComplete(event: HandlerRequest, ctx: HandlerContext): Promise<IsCompleteResult> {
  const log = ctx.log ?? defaultLog;
  if (event.RequestType === 'Delete') {
    return { IsComplete: true };
  }
  const data = event.Data ?? {};
  const { clusterName, timeoutSeconds, intents, autoscaled, drain } = intentsOf(event, ctx);
  // Counts onEvent could not read come first: the deployment waits for them, never guesses them.
  let counts: Array<[string, string]> = [];
  if (data[COUNTS_PENDING_KEY] === 'true') {
    const read = await autoscaledCounts(event, clusterName, autoscaled, ctx.api, log);
    if (read === undefined) {
      return notYet(clusterName, timeoutSeconds, data, ['the counts of the autoscaled groups could not be read yet; the next poll tries again'], ctx, log, drain);
    }
    counts = read;
  }
  if (data[DONE_KEY] === 'true') {
    return counts.length > 0 ? { IsComplete: true, Data: Object.fromEntries(counts) } : { IsComplete: true };
  }
  let waiting: string[];
  try {
    const outcome = await runPass({
      clusterName,
      intents,
      stackId: event.StackId,
      ownerVerified: data[OWNER_KEY] === 'true',
      phase: 'isComplete',
      startTargets: readStartTargets(data),
      drain,
    }, context(ctx, log));
    if (outcome.done) {
      const removed = removedEntries(intents, outcome);
      log({ level: 'info', msg: 'complete', cluster: clusterName, removed: Object.fromEntries(removed), ...(outcome.drains ? { drains: outcome.drains } : {}) });
      return { IsComplete: true, Data: { ...Object.fromEntries(counts), ...boundedData(removed) } };
    }
    waiting = outcome.waiting;
  } catch (err) {
    if (!isTransient(err)) {
      return failing(finalError(clusterName, err), drain, log);
    }
    waiting = [`the last poll failed with ${errorText(err)}; the next poll tries again`];
  }
  return notYet(clusterName, timeoutSeconds, data, waiting, ctx, log, drain);
}

/** Not complete: waits for the next poll, or fails once the resource's timeout has passed (uncordoning what the drain cordoned). */
async function notYet(clusterName: string, timeoutSeconds: number | undefined, data: Record<string, unknown>, waiting: string[],
  ctx: HandlerContext, log: HandlerLogger, drain?: DrainSession): Promise<IsCompleteResult> {
  const started = Date.parse(String(data[STARTED_AT_KEY] ?? ''));
  const now = (ctx.now ?? Date.now)();
  if (timeoutSeconds !== undefined && !Number.isNaN(started) && now - started >= timeoutSeconds * 1000) {
    return failing(new Error(boundedMessage(`scale-down of cluster "${clusterName}" did not finish within ${timeoutSeconds} seconds; `
      + `the nodes already removed stay removed, the others stay${drain ? ' (and are uncordoned)' : ''}. Deploy again to go on `
      + '(see "hyperpod-cdk status"):', waiting)), drain, log);
  }
  log({ level: 'info', msg: 'not complete yet', cluster: clusterName, waiting });
  return { IsComplete: false };
}

function context(ctx: HandlerContext, log: HandlerLogger) {
  return { api: ctx.api, log, now: ctx.now ?? Date.now, deadline: ctx.deadline, sleep: ctx.sleep ?? sleep };
}

/** A deployment-ending error, named after the cluster and with what to do. */
function finalError(clusterName: string, err: unknown): Error {
  if (err instanceof ScaleDownError) {
    return err;
  }
  const e = err as { name?: string };
  const wrapped = new Error(`scale-down of cluster "${clusterName}" failed: ${errorText(err)}. Nodes already removed stay `
    + 'removed; no other node was touched. Fix the cause (for AccessDenied, the function\'s role), then deploy again');
  wrapped.name = e?.name ?? 'Error';
  return wrapped;
}

/** `Removed` (total) and `Removed.<group>` from each asking group's count before and TargetCount after. */
function removedEntries(intents: readonly GroupIntent[], outcome: PassOutcome): Array<[string, string]> {
  const perGroup: Array<[string, string]> = [];
  let total = 0;
  for (const intent of intents.filter(asksForRemoval)) {
    const after = outcome.targets.get(intent.group);
    const before = intent.previousCount;
    if (after === undefined || before === undefined) {
      continue;
    }
    const removed = Math.max(0, before - Math.max(after, intent.desiredCount));
    total += removed;
    perGroup.push([removedKey(intent.group), String(removed)]);
  }
  return [[REMOVED_TOTAL_KEY, String(total)], ...perGroup];
}
