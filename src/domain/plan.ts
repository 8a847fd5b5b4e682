/**
 * Pure planning for targeted scale-down: which nodes of an instance group to remove, how to
 * split them into `BatchDeleteClusterNodes` calls, and what a call's answer means.
 *
 * No SDK import here: the handler feeds in nodes it listed and answers it received.
 */
import {
  DEFAULT_SCALE_DOWN_ORDER, INSTANCE_ID_PATTERN, MAX_INSTANCE_IDS_PER_CALL, MAX_LOGICAL_IDS_PER_CALL, ScaleDownOrderValue,
} from '../contract/scale-down';

/** Status of a node that is already being removed; it no longer counts as existing. */
export const SHUTTING_DOWN = 'ShuttingDown';

/** Statuses of nodes that do not serve work, most urgent to remove first. */
export const NOT_SERVING_STATUSES: readonly string[] = ['Failure', 'NotFound', 'Pending', 'DeepHealthCheckInProgress'];

/** Reason given for a node the user listed. */
export const REASON_LISTED = 'listed for removal';
/** Reason given for a node a drain cordoned earlier. */
export const REASON_DRAINING = 'cordoned by an earlier pass';

/** One node of a HyperPod cluster, as the planner needs it. */
export interface ClusterNode {
  /** Exact instance group name. */
  readonly group: string;
  /** EC2 instance id; absent while the node is still being provisioned. */
  readonly instanceId?: string;
  /** Logical id (Continuous provisioning); present from the provisioning request on. */
  readonly logicalId?: string;
  /** `InstanceStatus.Status` (an open string: `Running`, `Pending`, `ShuttingDown`, ...). */
  readonly status: string;
  /** `InstanceStatus.Message`, e.g. why a launch failed. */
  readonly message?: string;
  /** When the instance was launched; absent for nodes not launched yet. */
  readonly launchTime?: Date;
  /** e.g. `ml.g5.8xlarge`. */
  readonly instanceType?: string;
}

/** A node the planner chose, and why. */
export interface ChosenNode extends ClusterNode {
  /** e.g. `listed for removal`, `status Failure`, `newest`, `oldest`. */
  readonly reason: string;
}

/** The selection policy of one instance group for one pass. */
export interface GroupPolicy {
  /** Exact instance group name. */
  readonly group: string;
  /**
   * The most nodes this pass may remove (see `assessGroup` in `intent.ts`: what this
   * deployment lowered the group by, less what is already gone). Never exceeded.
   */
  readonly budget: number;
  /**
   * Never leave fewer nodes than this (not counting nodes shutting down): launches that
   * SageMaker has not listed yet are left for the cluster update to cancel, rather than
   * making room for them by removing running nodes.
   * @default 0
   */
  readonly keep?: number;
  /** Instance ids to remove first, in this order (only the ids this deployment newly names). */
  readonly removeNodeIds?: readonly string[];
  /** Order of the remaining picks. @default 'NewestFirst' */
  readonly order?: ScaleDownOrderValue;
}

/** How `choose` treats listed ids that are not in the group's listing. */
export interface ChooseOptions {
  /**
   * Group of every other node known in the cluster, by instance id (nodes of other groups).
   * A listed id found here is always an error naming that group.
   */
  readonly otherGroups?: ReadonlyMap<string, string>;
  /**
   * How many listed ids missing from the group may be taken as already removed: the nodes
   * this operation already removed (the group's TargetCount has dropped by that much since
   * the deployment began). Any further missing id is an error naming it, because it may be a
   * typo. Stateless, so that a re-invoked `onEvent` or a later poll agrees with the first.
   * @default 0
   */
  readonly absentAllowance?: number;
  /**
   * Instance ids of the group's nodes a drain of this cluster has cordoned and not removed yet:
   * chosen right after the listed ids, so that a later poll goes on with the nodes already
   * draining instead of cordoning others.
   * @default none
   */
  readonly draining?: ReadonlySet<string>;
}

/** What `choose` decided for one group. */
export interface Choice {
  readonly group: string;
  /** Nodes of the group, not counting those shutting down. */
  readonly existing: number;
  /** Nodes of the group already shutting down. */
  readonly shuttingDown: number;
  /** The most nodes this pass may remove (the policy's budget, less what `keep` holds back). */
  readonly budget: number;
  /** Nodes to remove, in removal order; never more than `budget`. Empty when `errors`. */
  readonly chosen: ChosenNode[];
  /** Listed ids taken as already gone (shutting down, or absent within the allowance). */
  readonly listedGone: string[];
  /** Problems with the policy; nothing is chosen when there is any. */
  readonly errors: string[];
}

/** The id a node is deleted (and sorted) by: its instance id, else its logical id. */
export function nodeKey(node: ClusterNode): string {
  return node.instanceId ?? node.logicalId ?? '';
}

function compareKeys(a: ClusterNode, b: ClusterNode): number {
  const ka = nodeKey(a);
  const kb = nodeKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Launch time in ms; nodes not launched yet sort as the newest. */
function launchMs(node: ClusterNode): number {
  const t = node.launchTime?.getTime();
  return t === undefined || Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
}

/** Comparator for the group's order, ties broken by id. */
export function orderComparator(order: ScaleDownOrderValue = DEFAULT_SCALE_DOWN_ORDER): (a: ClusterNode, b: ClusterNode) => number {
  const sign = order === 'OldestFirst' ? 1 : -1;
  return (a, b) => {
    const ta = launchMs(a);
    const tb = launchMs(b);
    if (ta !== tb) {
      // Infinity - Infinity is NaN, so compare instead of subtracting.
      return ta < tb ? -sign : sign;
    }
    return compareKeys(a, b);
  };
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function quoteList(ids: readonly string[]): string {
  return ids.join(', ');
}

/**
 * Chooses at most `policy.budget` nodes of one group to remove.
 *
 * Nodes shutting down are already going and are never chosen. The budget is taken from, in
 * order: the listed ids (as listed), the nodes that are not serving (`Failure`, `NotFound`,
 * `Pending`, `DeepHealthCheckInProgress`, each by the group's order), then the remaining
 * nodes by the group's order (`NewestFirst` by launch time descending, or `OldestFirst`).
 * Ties are broken by id. Nodes a drain already cordoned (`options.draining`) come right after
 * the listed ids.
 *
 * @param nodes the group's nodes (nodes of other groups are ignored, but their instance ids
 *   are used to recognise listed ids of another group)
 */
export function choose(nodes: readonly ClusterNode[], policy: GroupPolicy, options: ChooseOptions = {}): Choice {
  const group = policy.group;
  const order = policy.order ?? DEFAULT_SCALE_DOWN_ORDER;
  const errors: string[] = [];
  const prefix = `instance group "${group}"`;

  const own: ClusterNode[] = [];
  const otherGroups = new Map(options.otherGroups ?? []);
  for (const node of nodes) {
    if (node.group === group) {
      own.push(node);
    } else if (node.instanceId) {
      otherGroups.set(node.instanceId, node.group);
    }
  }
  const going = own.filter((n) => n.status === SHUTTING_DOWN);
  const live = own.filter((n) => n.status !== SHUTTING_DOWN);
  const budget = Math.max(0, Math.min(Math.floor(policy.budget), live.length - (policy.keep ?? 0)));

  // Listed ids: validate, dedupe, and sort them into present, going, foreign and absent.
  const listed = [...new Set(policy.removeNodeIds ?? [])];
  const invalid = listed.filter((id) => !INSTANCE_ID_PATTERN.test(id));
  if (invalid.length > 0) {
    errors.push(`${prefix}: removeNodeIds must be EC2 instance ids (i- followed by 8 or 17 lowercase hex digits), ` +
      `got ${quoteList(invalid.map((id) => JSON.stringify(id)))}`);
  }
  const liveById = new Map(live.filter((n) => n.instanceId).map((n) => [n.instanceId!, n]));
  const goingIds = new Set(going.map((n) => n.instanceId).filter((id): id is string => !!id));
  const listedLive: ClusterNode[] = [];
  const listedGone: string[] = [];
  const absent: string[] = [];
  for (const id of listed.filter((i) => INSTANCE_ID_PATTERN.test(i))) {
    const node = liveById.get(id);
    if (node) {
      listedLive.push(node);
    } else if (goingIds.has(id)) {
      listedGone.push(id);
    } else if (otherGroups.has(id)) {
      errors.push(`${prefix}: removeNodeIds ${id} belongs to instance group "${otherGroups.get(id)}", not "${group}"`);
    } else {
      absent.push(id);
    }
  }
  const allowance = Math.max(0, options.absentAllowance ?? 0);
  listedGone.push(...absent.slice(0, allowance));
  if (absent.length > allowance) {
    errors.push(`${prefix}: removeNodeIds ${quoteList(absent.slice(allowance))} not found in this group ` +
      `(it has ${live.length} nodes not shutting down); check the id with "hyperpod-cdk status"`);
  }
  if (listedLive.length > budget) {
    errors.push(`${prefix}: removeNodeIds names ${plural(listedLive.length, 'node')} still in the group, but this deployment may ` +
      `remove only ${budget}; lower instanceCount by at least the number of listed nodes`);
  }

  const base = { group, existing: live.length, shuttingDown: going.length, budget, listedGone };
  if (errors.length > 0 || budget === 0) {
    return { ...base, chosen: [], errors };
  }

  const chosen: ChosenNode[] = listedLive.map((n) => ({ ...n, reason: REASON_LISTED }));
  const taken = new Set(listedLive);
  const draining = live.filter((n) => !taken.has(n) && n.instanceId && options.draining?.has(n.instanceId)).sort(orderComparator(order));
  chosen.push(...draining.map((n) => ({ ...n, reason: REASON_DRAINING })));
  draining.forEach((n) => taken.add(n));
  // Nodes with neither id cannot be named in a delete call.
  const rest = live.filter((n) => !taken.has(n) && nodeKey(n) !== '').sort(orderComparator(order));
  for (const status of NOT_SERVING_STATUSES) {
    for (const node of rest.filter((n) => n.status === status)) {
      chosen.push({ ...node, reason: `status ${status}` });
    }
  }
  const orderReason = order === 'OldestFirst' ? 'oldest' : 'newest';
  for (const node of rest.filter((n) => !NOT_SERVING_STATUSES.includes(n.status))) {
    chosen.push({ ...node, reason: orderReason });
  }
  return { ...base, chosen: chosen.slice(0, budget), errors };
}

/** One `BatchDeleteClusterNodes` call: instance ids or logical ids, never both. */
export interface DeleteBatch {
  readonly kind: 'NodeIds' | 'NodeLogicalIds';
  /** The ids sent. */
  readonly ids: string[];
  /** The chosen nodes behind `ids`, same order. */
  readonly nodes: ChosenNode[];
}

/**
 * Splits chosen nodes into delete calls: nodes with an instance id go by `NodeIds`, at most
 * `instanceChunkSize` a call; nodes without one (still provisioning) go by `NodeLogicalIds`,
 * at most 50 a call. Logical-id calls come first (they cancel launches). Order is kept.
 *
 * @param instanceChunkSize 1-99, default 99
 */
export function chunk(chosen: readonly ChosenNode[], instanceChunkSize: number = MAX_INSTANCE_IDS_PER_CALL): DeleteBatch[] {
  if (!Number.isInteger(instanceChunkSize) || instanceChunkSize < 1 || instanceChunkSize > MAX_INSTANCE_IDS_PER_CALL) {
    throw new RangeError(`chunkSize must be an integer from 1 to ${MAX_INSTANCE_IDS_PER_CALL}, got ${instanceChunkSize}`);
  }
  const logical = chosen.filter((n) => !n.instanceId && n.logicalId);
  const instances = chosen.filter((n) => !!n.instanceId);
  const batches: DeleteBatch[] = [];
  const split = (nodes: ChosenNode[], size: number, kind: DeleteBatch['kind']) => {
    for (let i = 0; i < nodes.length; i += size) {
      const part = nodes.slice(i, i + size);
      batches.push({ kind, ids: part.map((n) => (kind === 'NodeIds' ? n.instanceId! : n.logicalId!)), nodes: part });
    }
  };
  split(logical, MAX_LOGICAL_IDS_PER_CALL, 'NodeLogicalIds');
  split(instances, instanceChunkSize, 'NodeIds');
  return batches;
}

/** The fields of a `BatchDeleteClusterNodes` answer the planner reads (SDK shape). */
export interface BatchDeleteAnswer {
  readonly Successful?: readonly string[];
  readonly Failed?: ReadonlyArray<{ readonly NodeId?: string; readonly Code?: string; readonly Message?: string }>;
  readonly SuccessfulNodeLogicalIds?: readonly string[];
  readonly FailedNodeLogicalIds?: ReadonlyArray<{ readonly NodeLogicalId?: string; readonly Code?: string; readonly Message?: string }>;
}

/** One node a delete call did not accept. */
export interface NodeFailure {
  readonly id: string;
  readonly code: string;
  readonly message: string;
}

/** What a delete call's answer means for each node. */
export interface BatchOutcome {
  /** Accepted: the node moves to `ShuttingDown`. */
  readonly accepted: string[];
  /** Already gone (`NodeIdNotFound`, `NodeLogicalIdNotFound`). */
  readonly gone: NodeFailure[];
  /** To try again on the next poll (`NodeIdInUse`, `InvalidNodeStatus`, or not answered at all). */
  readonly retry: NodeFailure[];
  /** Any other code: the deployment fails with node, code and message. */
  readonly fatal: NodeFailure[];
}

/** Failure codes that mean the node is already gone. */
export const GONE_CODES: readonly string[] = ['NodeIdNotFound', 'NodeLogicalIdNotFound'];
/** Failure codes worth another try on the next poll. */
export const RETRY_CODES: readonly string[] = ['NodeIdInUse', 'InvalidNodeStatus'];

/** Classifies every id of `batch` by the answer of its delete call. `Code` is an open string. */
export function interpret(batch: DeleteBatch, answer: BatchDeleteAnswer): BatchOutcome {
  const accepted: string[] = [];
  const gone: NodeFailure[] = [];
  const retry: NodeFailure[] = [];
  const fatal: NodeFailure[] = [];
  const seen = new Set<string>();
  const successes = batch.kind === 'NodeIds' ? answer.Successful : answer.SuccessfulNodeLogicalIds;
  for (const id of successes ?? []) {
    seen.add(id);
    accepted.push(id);
  }
  const failures = batch.kind === 'NodeIds'
    ? (answer.Failed ?? []).map((f) => ({ id: f.NodeId ?? '', code: f.Code ?? '', message: f.Message ?? '' }))
    : (answer.FailedNodeLogicalIds ?? []).map((f) => ({ id: f.NodeLogicalId ?? '', code: f.Code ?? '', message: f.Message ?? '' }));
  for (const failure of failures) {
    seen.add(failure.id);
    if (GONE_CODES.includes(failure.code)) {
      gone.push(failure);
    } else if (RETRY_CODES.includes(failure.code)) {
      retry.push(failure);
    } else {
      fatal.push({ ...failure, code: failure.code || '(no code)' });
    }
  }
  for (const id of batch.ids.filter((i) => !seen.has(i))) {
    retry.push({ id, code: 'NoAnswer', message: 'the answer named neither success nor failure for this node' });
  }
  return { accepted, gone, retry, fatal };
}
