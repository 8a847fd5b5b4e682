/**
 * Seeded randomized property suite for targeted scale-down (guarantees G1-G5 of
 * /tmp/hp/SPEC.md and the README): the REAL handlers (`onEvent`, `isComplete`), driven the
 * way the CDK Provider framework drives them, through the REAL AWS SDK client against the
 * HTTP stand-in `FakeSageMaker`. Every scenario is judged from the stand-in's own record
 * (`removed`, `deleteCalls`, `calls`, `nodes`, `targetCounts`), never from what the handlers
 * return.
 *
 * Deterministic: scenario i is generated from mulberry32(mix(SEED, i)). To re-run one
 * scenario: SCALE_DOWN_SEED=<seed> SCALE_DOWN_ONLY=<index> npx jest test/scale-down-guarantees.test.ts
 * (SCALE_DOWN_SCENARIOS changes how many run; SCALE_DOWN_VERBOSE=1 prints the scenario and its log).
 */
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { FakeNode, FakeSageMaker, TEST_STACK_ID } from './support/fake-sagemaker';
import { Rng, scenarioSeed } from './support/rng';
import { noDelayRetries, request, update } from './support/scale-down-driver';
import { SageMakerHyperPodApi } from '../src/domain/sagemaker';
import { HandlerContext, HandlerRequest } from '../src/handlers/request';
import { isComplete, onEvent } from '../src/handlers/scale-down/handler';

/**
 * The fixed seed. 6 was picked among 0-10 because its 1,500 scenarios reproduced every bug
 * this suite found (K1-K3, now fixed); other seeds find the same classes.
 */
const SEED = Math.trunc(Number(process.env.SCALE_DOWN_SEED ?? 6));
const SCENARIOS = Number(process.env.SCALE_DOWN_SCENARIOS ?? 300); // SCALE_DOWN_SCENARIOS=1500 for a longer run
const ONLY = process.env.SCALE_DOWN_ONLY === undefined ? undefined : Number(process.env.SCALE_DOWN_ONLY);
const VERBOSE = process.env.SCALE_DOWN_VERBOSE === '1';

/** isComplete calls before the run counts as 'timeout' (the Provider's totalTimeout). */
const MAX_POLLS = 80;
/** The Provider's query interval, on the fake clock. */
const POLL_MS = 30_000;
/** The fake clock moves this much during every BatchDeleteClusterNodes call. */
const DELETE_MS = 1_000;
const OWNER_TAG = 'hyperpod-cdk:stack-id';
const MAX_MESSAGE_CHARS = 2_000;

// ---------------------------------------------------------------------------------------------
// Scenarios

type NodeSpec = Omit<FakeNode, 'vanishAtListing'>;
type RequestKind = 'Create' | 'Delete' | 'Update' | 'Rollback';
type FaultOp = 'DescribeCluster' | 'ListClusterNodes' | 'BatchDeleteClusterNodes' | 'ListTags' | undefined;

interface GroupPlan {
  readonly name: string;
  /** The stand-in has the group. */
  readonly inCluster: boolean;
  /** The (forward) new template has the group. */
  readonly requested: boolean;
  readonly nodes: NodeSpec[];
  /** Stand-in TargetCount (when inCluster). */
  readonly target?: number;
  /** InstanceCount of the (forward) old template; undefined when the group is new to it. */
  readonly previous?: number;
  /** InstanceCount of the (forward) new template. */
  readonly desired: number;
  readonly oldIds: string[];
  readonly newIds: string[];
  readonly order?: 'NewestFirst' | 'OldestFirst';
  readonly chunkSize?: number;
  readonly drift?: 'Refuse' | 'Remove';
}

interface TimedFault {
  /** The stand-in's call number (1-based, every operation) at which the fault is armed. */
  readonly atCall: number;
  readonly kind: 'throttle' | 'serverError';
  readonly count: number;
  readonly op: FaultOp;
}

interface Faults {
  readonly throttle?: { count: number; op: FaultOp };
  readonly serverError?: { count: number; op: FaultOp };
  readonly timed: TimedFault[];
  readonly loseResponses: number;
  /** Node keys refused with NodeIdInUse `times` times. */
  readonly nodeFaults: Array<{ id: string; times: number }>;
  readonly targetCountDrops: boolean;
  /** `Updating` for the first `notInServiceFor` DescribeCluster answers (Infinity: for ever); or `Failed`. */
  readonly notInServiceFor: number;
  readonly failed: boolean;
  /** onEvent runs twice; the first (cut by its deadline after one delete call) is lost. */
  readonly reinvoke: boolean;
  /** Each invocation may start at most this many delete calls (a Lambda deadline); undefined: no deadline. */
  readonly deletesPerInvocation?: number;
  /** The cluster does not exist (ResourceNotFound everywhere). */
  readonly clusterMissing: boolean;
  /** A node key whose delete fails with a code that ends the deployment. */
  readonly fatalNode?: string;
}

interface Scenario {
  readonly index: number;
  readonly seed: number;
  readonly kind: RequestKind;
  readonly groups: GroupPlan[];
  readonly owner: 'right' | 'wrong' | 'missing';
  readonly timeoutSeconds?: number;
  readonly shutdownListings: number;
  readonly faults: Faults;
}

const NAME_POOL = ['w', 'w-2', 'w-2b', 'w-2b-gpu', 'gw'];
const FAULT_OPS: readonly FaultOp[] = [undefined, 'DescribeCluster', 'ListClusterNodes', 'BatchDeleteClusterNodes', 'ListTags'];
const CHUNK_SIZES: ReadonlyArray<number | undefined> = [undefined, 1, 2, 3, 5, 10, 50, 99];

function generate(index: number): Scenario {
  const seed = scenarioSeed(SEED, index);
  const r = new Rng(seed);
  const usedIds = new Set<string>();
  const freshInstanceId = () => {
    for (;;) {
      const id = `i-${r.hex(r.chance(0.85) ? 17 : 8)}`;
      if (!usedIds.has(id)) {
        usedIds.add(id);
        return id;
      }
    }
  };
  const freshLogicalId = () => {
    for (;;) {
      const id = `lid-${r.hex(8)}-${r.hex(4)}`;
      if (!usedIds.has(id)) {
        usedIds.add(id);
        return id;
      }
    }
  };

  const requestedCount = r.int(1, 4);
  const names = r.shuffle(NAME_POOL);
  const extraClusterGroup = r.chance(0.3) && requestedCount < NAME_POOL.length;
  const groupNames = names.slice(0, requestedCount + (extraClusterGroup ? 1 : 0));
  const tieLaunches = r.chance(0.2);
  const base = 1_700_000_000;

  const drafts = groupNames.map((name, i) => {
    const requested = i < requestedCount;
    // A requested group the cluster does not have yet (added by this deployment).
    const inCluster = !requested || !r.chance(0.08);
    const big = inCluster && r.chance(0.03);
    const count = !inCluster ? 0 : big ? r.int(60, 130) : r.int(0, 40);
    const logicalShare = big && r.chance(0.5) ? 0.6 : 0.07;
    const nodes: NodeSpec[] = [];
    for (let n = 0; n < count; n++) {
      const kind = r.weighted<string>([
        ['Running', 0.70 - (logicalShare - 0.07)], ['Failure', 0.06], ['Pending', 0.05], ['DeepHealthCheckInProgress', 0.05],
        ['NotFound', 0.01], ['ShuttingDown', 0.06], ['logical', logicalShare],
      ]);
      const launchTime = base + (tieLaunches ? r.int(0, 5) : r.int(0, 100_000)) * 60;
      if (kind === 'logical') {
        nodes.push({ group: name, logicalId: freshLogicalId(), status: 'Pending', launchTime });
      } else {
        nodes.push({
          group: name,
          instanceId: freshInstanceId(),
          ...(r.chance(0.5) ? { logicalId: freshLogicalId() } : {}),
          status: kind,
          launchTime,
        });
      }
    }
    return { name, requested, inCluster, nodes };
  });

  const allInstanceIds = (exceptGroup: string) => drafts.filter((d) => d.name !== exceptGroup)
    .flatMap((d) => d.nodes.map((n) => n.instanceId).filter((id): id is string => !!id));

  const groups: GroupPlan[] = drafts.map((d) => {
    const live = d.nodes.filter((n) => n.status !== 'ShuttingDown').length;
    const hasPrevious = d.inCluster ? r.chance(0.93) : r.chance(0.2);
    const previous = !hasPrevious ? undefined
      : r.chance(0.6) ? live : Math.max(0, live + r.int(-2, 3));
    const basis = previous ?? live;
    const direction = r.weighted<'down' | 'equal' | 'up'>([['down', 0.55], ['equal', 0.2], ['up', 0.25]]);
    const desired = direction === 'down' && basis > 0 ? r.int(0, basis - 1)
      : direction === 'up' ? basis + r.int(1, 10) : basis;
    let target: number | undefined;
    if (d.inCluster) {
      const t = r.weighted<'same' | 'lower' | 'drift' | 'live'>([['same', 0.6], ['lower', 0.1], ['drift', 0.2], ['live', 0.1]]);
      target = t === 'same' ? basis
        : t === 'lower' ? Math.max(0, basis - r.int(1, 3))
          : t === 'drift' ? Math.max(basis, desired) + r.int(1, 5)
            : live;
    }
    // RemoveNodeIds of the old template: nodes removed earlier (gone), rarely one still present.
    const oldIds: string[] = [];
    if (previous !== undefined && r.chance(0.2)) {
      for (let k = r.int(1, 2); k > 0; k--) {
        const present = d.nodes.filter((n) => n.instanceId);
        oldIds.push(present.length > 0 && r.chance(0.15) ? r.pick(present).instanceId! : freshInstanceId());
      }
    }
    const newIds: string[] = r.chance(0.9) ? [...oldIds] : [];
    if (r.chance(0.4)) {
      for (let k = r.int(1, 3); k > 0; k--) {
        const what = r.weighted<'own' | 'ownGoing' | 'typo' | 'unknown' | 'other'>([
          ['own', 0.6], ['ownGoing', 0.08], ['typo', 0.1], ['unknown', 0.1], ['other', 0.12],
        ]);
        const own = d.nodes.filter((n) => n.instanceId && (what === 'ownGoing' ? n.status === 'ShuttingDown' : n.status !== 'ShuttingDown'));
        const others = allInstanceIds(d.name);
        if ((what === 'own' || what === 'ownGoing') && own.length > 0) {
          newIds.push(r.pick(own).instanceId!);
        } else if (what === 'other' && others.length > 0) {
          newIds.push(r.pick(others));
        } else if (what === 'typo') {
          newIds.push(r.pick(['i-123', 'i-0123456789ABCDEF0', `i-${r.hex(12)}`, 'node-1', '']));
        } else {
          newIds.push(freshInstanceId());
        }
      }
    }
    return {
      ...d,
      target,
      previous,
      desired,
      oldIds,
      newIds,
      order: r.pick([undefined, 'NewestFirst', 'OldestFirst'] as const),
      chunkSize: r.pick(CHUNK_SIZES),
      drift: r.weighted<'Refuse' | 'Remove' | undefined>([[undefined, 0.3], ['Refuse', 0.3], ['Remove', 0.4]]),
    };
  });

  const kind = r.weighted<RequestKind>([['Create', 0.07], ['Delete', 0.06], ['Update', 0.7], ['Rollback', 0.17]]);
  const allKeys = groups.flatMap((g) => g.nodes.map((n) => n.instanceId ?? n.logicalId!));
  const persistentNodeFault = r.chance(0.04);
  const nodeFaults = allKeys.length > 0 && (persistentNodeFault || r.chance(0.2))
    ? Array.from({ length: r.int(1, 3) }, () => ({ id: r.pick(allKeys), times: persistentNodeFault ? 1_000_000 : r.int(1, 3) }))
    : [];
  const notInService = r.weighted<'no' | 'brief' | 'forever' | 'failed'>([['no', 0.86], ['brief', 0.08], ['forever', 0.03], ['failed', 0.03]]);
  const faults: Omit<Faults, 'clusterMissing' | 'fatalNode'> = {
    throttle: r.chance(0.25) ? { count: r.int(1, 6), op: r.pick(FAULT_OPS) } : undefined,
    serverError: r.chance(0.2) ? { count: r.int(1, 6), op: r.pick(FAULT_OPS) } : undefined,
    timed: r.chance(0.3) ? Array.from({ length: r.int(1, 3) }, () => ({
      atCall: r.int(1, 25),
      kind: r.pick(['throttle', 'serverError'] as const),
      count: r.int(1, 6),
      op: r.pick(FAULT_OPS),
    })) : [],
    loseResponses: r.chance(0.2) ? r.int(1, 3) : 0,
    nodeFaults,
    targetCountDrops: !r.chance(0.2),
    notInServiceFor: notInService === 'brief' ? r.int(1, 4) : notInService === 'forever' ? Infinity : 0,
    failed: notInService === 'failed',
    reinvoke: r.chance(0.2),
    deletesPerInvocation: r.chance(0.3) ? r.int(1, 3) : undefined,
  };
  const owner = r.weighted<'right' | 'wrong' | 'missing'>([['right', 0.8], ['wrong', 0.1], ['missing', 0.1]]);
  const timeoutSeconds = r.chance(0.9) ? r.int(600, 1800) : undefined;
  const shutdownListings = r.int(1, 3);
  // Drawn last, so that the draws above (and the scenarios they make) stay as they were.
  const clusterMissing = r.chance(0.03);
  const fatalNode = allKeys.length > 0 && r.chance(0.04) ? r.pick(allKeys) : undefined;
  return { index, seed, kind, groups, owner, timeoutSeconds, shutdownListings, faults: { ...faults, clusterMissing, fatalNode } };
}

function hasPersistentFault(sc: Scenario): boolean {
  return sc.faults.notInServiceFor === Infinity || sc.faults.nodeFaults.some((f) => f.times > 1000);
}

// ---------------------------------------------------------------------------------------------
// Requests

type Props = Record<string, unknown>;

function groupProps(g: GroupPlan, count: number, ids: string[]): Props {
  return {
    InstanceGroupName: g.name,
    InstanceCount: String(count),
    ...(ids.length > 0 || count % 2 === 0 ? { RemoveNodeIds: ids } : {}),
    ...(g.order ? { Order: g.order } : {}),
    ...(g.chunkSize !== undefined ? { ChunkSize: String(g.chunkSize) } : {}),
    ...(g.drift ? { Drift: g.drift } : {}),
  };
}

/** The forward deployment's old and new InstanceGroups. */
function forwardProps(sc: Scenario): { oldGroups: Props[]; newGroups: Props[] } {
  const requested = sc.groups.filter((g) => g.requested);
  return {
    oldGroups: requested.filter((g) => g.previous !== undefined).map((g) => groupProps(g, g.previous!, g.oldIds)),
    newGroups: requested.map((g) => groupProps(g, g.desired, g.newIds)),
  };
}

function buildRequest(sc: Scenario): HandlerRequest {
  const { oldGroups, newGroups } = forwardProps(sc);
  const extra = sc.timeoutSeconds === undefined ? {} : { TimeoutSeconds: String(sc.timeoutSeconds) };
  switch (sc.kind) {
    case 'Create':
      return request('Create', newGroups, extra);
    case 'Delete':
      return request('Delete', newGroups, extra);
    case 'Update':
      return update(oldGroups, newGroups, extra);
    case 'Rollback':
      // CloudFormation rolls the forward update back: the old properties are the forward's new ones.
      return update(newGroups, oldGroups, extra);
  }
}

// ---------------------------------------------------------------------------------------------
// Oracle: what the rules allow, computed from the request sent and the stand-in's start state

interface Expectation {
  /** Some group asks for removals (Update only). */
  readonly anyAsks: boolean;
  /** Per group name: the most nodes the whole run may remove. */
  readonly bound: Map<string, number>;
  /** Per group: the exact count a completed run removes (TargetCount drops, no policy error). */
  readonly exact: Map<string, number>;
  /** Requested groups of the cluster that drifted and refuse. */
  readonly refusing: string[];
  /** Some requested group of the cluster has budget > 0 or new ids at the start. */
  readonly anyActive: boolean;
  /** Per group: ChunkSize (instance ids per call). */
  readonly chunk: Map<string, number>;
  readonly asking: string[];
  /**
   * Every new removeNodeIds entry of a group the cluster has names a node of that group not
   * shutting down, and there are no more of them than the group may give up: no policy error.
   */
  readonly policyClean: boolean;
  /** Requested groups of the cluster that drifted at the start and remove their extra nodes (Drift=Remove). */
  readonly driftRemoving: string[];
}

function asCount(raw: unknown): number | undefined {
  const n = typeof raw === 'string' ? Number(raw) : raw;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

function expectationOf(sc: Scenario, event: HandlerRequest): Expectation {
  const bound = new Map<string, number>();
  const exact = new Map<string, number>();
  const chunk = new Map<string, number>();
  const refusing: string[] = [];
  const driftRemoving: string[] = [];
  const asking: string[] = [];
  let anyActive = false;
  let policyClean = true;
  const newGroups = (event.ResourceProperties?.InstanceGroups ?? []) as Props[];
  const oldGroups = (event.OldResourceProperties?.InstanceGroups ?? []) as Props[];
  const oldByName = new Map(oldGroups.map((g) => [String(g.InstanceGroupName), g]));
  const isUpdate = event.RequestType === 'Update';
  const intents = newGroups.map((g) => {
    const name = String(g.InstanceGroupName);
    const old = oldByName.get(name);
    const previous = old ? asCount(old.InstanceCount) : undefined;
    const desired = asCount(g.InstanceCount)!;
    const done = new Set((old?.RemoveNodeIds as string[] | undefined) ?? []);
    const drift = (g.Drift as string | undefined) ?? 'Refuse';
    const lowered = previous !== undefined && desired < previous;
    // New ids of a group that is neither lowered nor removing drift are ignored (README "Options").
    const fresh = lowered || drift === 'Remove'
      ? [...new Set(((g.RemoveNodeIds as string[] | undefined) ?? []).filter((id) => !done.has(id)))] : [];
    const asks = isUpdate && (lowered || fresh.length > 0);
    chunk.set(name, asCount(g.ChunkSize) ?? 99);
    if (asks) {
      asking.push(name);
    }
    return { name, previous, desired, fresh, drift };
  });
  const anyAsks = asking.length > 0;
  for (const g of sc.groups) {
    bound.set(g.name, 0);
    exact.set(g.name, 0);
  }
  for (const it of intents) {
    const plan = sc.groups.find((g) => g.name === it.name)!;
    if (!anyAsks || !plan.inCluster || sc.faults.clusterMissing) {
      continue;
    }
    const t0 = plan.target!;
    const basis = it.previous ?? it.desired;
    const ceiling = Math.max(basis, it.desired);
    let budget: number;
    if (t0 > ceiling) {
      if (it.drift === 'Remove') {
        driftRemoving.push(it.name);
        budget = t0 - it.desired;
      } else {
        refusing.push(it.name);
        budget = 0;
      }
    } else {
      budget = Math.max(0, Math.min(basis, t0) - it.desired);
    }
    if (budget > 0 || it.fresh.length > 0) {
      anyActive = true;
    }
    bound.set(it.name, budget);
    const live = plan.nodes.filter((n) => n.status !== 'ShuttingDown');
    exact.set(it.name, Math.max(0, Math.min(budget, live.length - it.desired)));
    const liveIds = new Set(live.map((n) => n.instanceId).filter((id) => id !== undefined));
    if (it.fresh.some((id) => !liveIds.has(id)) || it.fresh.length > Math.min(budget, live.length - it.desired)) {
      policyClean = false;
    }
  }
  return { anyAsks, bound, exact, refusing, anyActive, chunk, asking, policyClean, driftRemoving };
}

// ---------------------------------------------------------------------------------------------
// Driving the handlers


function clientFor(fake: FakeSageMaker): SageMakerClient {
  return new SageMakerClient({
    endpoint: fake.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret' },
    maxAttempts: 4,
    retryStrategy: noDelayRetries(4),
  });
}

/** One handler invocation, as the stand-in and the log saw it. */
interface Invocation {
  readonly phase: string;
  /** Nodes the stand-in accepted during it. */
  readonly removed: number;
  /** Delete calls applied whose answer was lost. */
  readonly lostAnswers: number;
  /** The handler swallowed a passing error (the next poll retries). */
  readonly transient: boolean;
  readonly ended: string;
}

interface RunRecord {
  readonly outcome: 'complete' | 'error' | 'timeout';
  readonly error?: Error;
  /** Every message a handler threw (the first onEvent's too). */
  readonly messages: string[];
  readonly polls: number;
  /** Handler invocations during which the stand-in accepted at least one delete. */
  readonly removingInvocations: number;
  readonly invocations: Invocation[];
  readonly logs: Array<Record<string, unknown>>;
}

async function drive(sc: Scenario, fake: FakeSageMaker, event: HandlerRequest): Promise<RunRecord> {
  const client = clientFor(fake);
  const api = new SageMakerHyperPodApi(client);
  const logs: Array<Record<string, unknown>> = [];
  const messages: string[] = [];
  let clock = Date.UTC(2025, 0, 1);
  let calls = 0;
  let describes = 0;
  const f = sc.faults;
  let seenRemoved = 0;
  let replacements = 0;
  fake.onCall = (op, stand) => {
    calls++;
    // With TargetCount kept, SageMaker launches a replacement for every node it accepted to remove.
    if (!f.targetCountDrops) {
      for (const id of stand.removed.slice(seenRemoved)) {
        const gone = stand.nodes.find((n) => n.instanceId === id || n.logicalId === id)!;
        replacements++;
        stand.nodes.push({
          group: gone.group,
          instanceId: `i-fe${replacements.toString(16).padStart(15, '0')}`,
          logicalId: `lid-replacement-${replacements}`,
          status: 'Pending',
          launchTime: Math.floor(clock / 1000),
        });
      }
      seenRemoved = stand.removed.length;
    }
    for (const t of f.timed.filter((x) => x.atCall === calls)) {
      if (t.kind === 'throttle') {
        stand.throttle(t.count, t.op);
      } else {
        stand.serverError(t.count, t.op);
      }
    }
    if (op === 'DescribeCluster') {
      describes++;
      stand.clusterStatus = f.failed ? 'Failed' : describes <= f.notInServiceFor ? 'Updating' : 'InService';
    }
    if (op === 'BatchDeleteClusterNodes') {
      clock += DELETE_MS;
    }
  };
  const ctx = (deletes: number | undefined): HandlerContext => ({
    api,
    log: (record) => logs.push(record),
    now: () => clock,
    deadline: deletes === undefined ? undefined : clock + deletes * DELETE_MS,
    sleep: async () => {},
  });
  let removingInvocations = 0;
  const invocations: Invocation[] = [];
  const invoke = async <T>(phase: string, fn: () => Promise<T>): Promise<T> => {
    const removedBefore = fake.removed.length;
    const callsBefore = fake.deleteCalls.length;
    const logsBefore = logs.length;
    let ended = 'ok';
    try {
      return await fn();
    } catch (err) {
      messages.push((err as Error).message ?? String(err));
      ended = `threw: ${((err as Error).message ?? String(err)).split('\n')[0].slice(0, 120)}`;
      throw err;
    } finally {
      const removed = fake.removed.length - removedBefore;
      if (removed > 0) {
        removingInvocations++;
      }
      const mine = logs.slice(logsBefore);
      invocations.push({
        phase,
        removed,
        lostAnswers: fake.deleteCalls.slice(callsBefore).filter((c) => c.outcome === 'lost').length,
        transient: mine.some((l) => l.msg === 'passing error, the next poll tries again'
          || (l.msg === 'not complete yet' && JSON.stringify(l.waiting ?? '').includes('the last poll failed'))),
        ended,
      });
    }
  };
  let polls = 0;
  try {
    if (f.reinvoke) {
      // The first onEvent is cut by its deadline after one delete call, and its answer is lost.
      await invoke('onEvent (lost)', () => onEvent(event, ctx(1)));
      clock += 5_000;
    }
    const first = await invoke('onEvent', () => onEvent(event, ctx(f.deletesPerInvocation)));
    const next: HandlerRequest = { ...event, ...first };
    while (polls < MAX_POLLS) {
      polls++;
      clock += POLL_MS;
      const result = await invoke(`isComplete ${polls}`, () => isComplete(next, ctx(f.deletesPerInvocation)));
      if (result.IsComplete) {
        return { outcome: 'complete', messages, polls, removingInvocations, invocations, logs };
      }
      if (result.Data !== undefined) {
        throw new Error('"Data" is not allowed if "IsComplete" is "False"');
      }
    }
    return { outcome: 'timeout', messages, polls, removingInvocations, invocations, logs };
  } catch (err) {
    return { outcome: 'error', error: err as Error, messages, polls, removingInvocations, invocations, logs };
  } finally {
    fake.onCall = undefined;
    client.destroy();
  }
}

async function setUp(sc: Scenario): Promise<FakeSageMaker> {
  const cluster = sc.groups.filter((g) => g.inCluster);
  const fake = await FakeSageMaker.start({
    groups: cluster.map((g) => ({ name: g.name, targetCount: g.target })),
    nodes: cluster.flatMap((g) => g.nodes),
    shutdownListings: sc.shutdownListings,
  });
  fake.tags = sc.owner === 'right' ? { [OWNER_TAG]: TEST_STACK_ID, Team: 'ml' }
    : sc.owner === 'wrong' ? { [OWNER_TAG]: TEST_STACK_ID.replace('demo-stack', 'other-stack') }
      : { Team: 'ml' };
  const f = sc.faults;
  fake.targetCountDrops = f.targetCountDrops;
  if (f.throttle) {
    fake.throttle(f.throttle.count, f.throttle.op);
  }
  if (f.serverError) {
    fake.serverError(f.serverError.count, f.serverError.op);
  }
  if (f.loseResponses > 0) {
    fake.loseResponses(f.loseResponses);
  }
  for (const nf of f.nodeFaults) {
    fake.failNode(nf.id, 'NodeIdInUse', nf.times);
  }
  if (f.fatalNode) {
    fake.failNode(f.fatalNode, 'ValidationException', 1_000_000, 'node cannot be deleted: it is the last node of a required group');
  }
  fake.clusterExists = !f.clusterMissing;
  return fake;
}

// ---------------------------------------------------------------------------------------------
// Checks (from the stand-in's own record)

interface Violation {
  readonly index: number;
  readonly seed: number;
  readonly guarantee: string;
  readonly detail: string;
  /** Set when the violation is one of KNOWN_BUGS (counted and printed, never hidden). */
  known?: string;
}

/**
 * Handler bugs this suite found (see the report that came with it). A violation they explain is
 * counted and printed with its seed and scenario, and does not fail the run; any other fails it.
 * Remove an entry once src/ is fixed: its count then drops to 0 and the line says so.
 */
const KNOWN_BUGS: ReadonlyArray<{
  id: string;
  title: string;
  matches: (sc: Scenario, run: RunRecord, v: Violation, ex: Expectation) => boolean;
}> = [
  // K1-K3 (found by this suite, fixed in pass.ts and intent.ts) are regression tests in
  // scale-down-handler.test.ts ('no churn, found by the randomized suite').
];

/** What the scenarios exercised, counted for the summary line. */
const EXERCISED = [
  'driftRefused',
  'ownerRefused',
  'targetKept',
  'churnStopped',
  'lostAnswers',
  'logicalDeletes',
  'reinvoked',
  'outOfTime',
  'transientInHandler',
  'policyErrors',
  'timedOut',
  'nonAskingDriftRemove',
  'clusterMissing',
  'fatalNodeCode',
  'rollbackNoCall',
] as const;

interface Figures {
  scenarios: number;
  maxIdsPerCall: number;
  maxLogicalIdsPerCall: number;
  totalCalls: number;
  deleteCalls: number;
  removed: number;
  outcomes: Record<string, number>;
  exercised: Record<string, number>;
  maxMessage: number;
}

function check(sc: Scenario, event: HandlerRequest, fake: FakeSageMaker, run: RunRecord, ex: Expectation, fig: Figures): Violation[] {
  const out: Violation[] = [];
  const fail = (guarantee: string, detail: string) => out.push({ index: sc.index, seed: sc.seed, guarantee, detail });
  const groupOf = new Map<string, string>();
  for (const node of fake.nodes) {
    for (const key of [node.instanceId, node.logicalId]) {
      if (key) {
        groupOf.set(key, node.group);
      }
    }
  }
  const removedBy = new Map<string, number>();
  for (const id of fake.removed) {
    const g = groupOf.get(id) ?? '(unknown)';
    removedBy.set(g, (removedBy.get(g) ?? 0) + 1);
  }
  const totalCalls = Object.values(fake.calls).reduce((a, b) => a + b, 0);
  const message = run.error?.message ?? '';

  // G1
  if (event.RequestType !== 'Update' && totalCalls > 0) {
    fail('G1', `${event.RequestType} made ${totalCalls} SageMaker call(s): ${JSON.stringify(fake.calls)}`);
  }
  if (sc.kind === 'Rollback' && !ex.anyAsks && totalCalls === 0) {
    fig.exercised.rollbackNoCall++;
  }
  if (!ex.anyAsks && totalCalls > 0) {
    fail('G1', `no group asks (${sc.kind}) but ${totalCalls} SageMaker call(s) were made: ${JSON.stringify(fake.calls)}`);
  }
  if (new Set(fake.removed).size !== fake.removed.length) {
    fail('G1', `an id was removed twice: ${fake.removed.join(', ')}`);
  }
  // A node is removed once whichever of its ids was used.
  const removedNodes = new Set(fake.removed.map((id) => fake.nodes.find((n) => n.instanceId === id || n.logicalId === id)));
  if (removedNodes.size !== fake.removed.length) {
    fail('G1', 'a node was removed twice (by instance id and by logical id)');
  }
  for (const [group, n] of removedBy) {
    const allowed = ex.bound.get(group) ?? 0;
    if (n > allowed) {
      const plan = sc.groups.find((g) => g.name === group);
      fail('G1', `group "${group}" lost ${n} node(s), at most ${allowed} allowed (asking: [${ex.asking.join(', ')}]; `
        + `previous ${plan?.previous}, new ${plan?.desired}, TargetCount at start ${plan?.target}, drift policy ${plan?.drift ?? 'Refuse'}, `
        + `kind ${sc.kind}, targetCountDrops ${sc.faults.targetCountDrops}, lost answers ${sc.faults.loseResponses}, `
        + `invocations that removed ${run.removingInvocations}; outcome ${run.outcome}${message ? `: ${message.slice(0, 300)}` : ''})`);
    }
  }
  // Documented (DriftPolicy.REMOVE_EXTRA_NODES: "takes effect in a deployment that lowers a count or names new
  // removeNodeIds in the cluster"): a group that does not ask itself loses its extra nodes when another group asks.
  if ([...removedBy.keys()].some((g) => !ex.asking.includes(g))) {
    fig.exercised.nonAskingDriftRemove++;
  }
  // A node of another group: also caught above as a group with bound 0, but say so.
  for (const id of fake.removed) {
    const g = groupOf.get(id);
    if (g === undefined || !(sc.groups.find((p) => p.name === g)?.requested ?? false)) {
      fail('G1', `node ${id} of group "${g}" (not requested) was removed`);
    }
  }

  // G2
  if (ex.refusing.length > 0) {
    fig.exercised.driftRefused++;
    if (fake.deleteCalls.length > 0) {
      fail('G2', `drift refused in [${ex.refusing.join(', ')}] but ${fake.deleteCalls.length} delete call(s) were made`);
    }
    if (run.outcome !== 'error') {
      fail('G2', `drift refused in [${ex.refusing.join(', ')}] but the run ended ${run.outcome}`);
    } else {
      const named = ex.refusing.filter((g) => message.includes(`instance group "${g}"`));
      if (named.length === 0 || !message.includes('instanceCount')
        || (named.length < ex.refusing.length && !/more \(see the function's log\)/.test(message))) {
        fail('G2', `refusal message does not name the refusing group(s) [${ex.refusing.join(', ')}] with instanceCount: ${message.slice(0, 400)}`);
      }
    }
  }

  // G3
  if (sc.owner !== 'right' && event.RequestType === 'Update') {
    if (fake.removed.length > 0 || fake.deleteCalls.length > 0) {
      fail('G3', `owner tag ${sc.owner}, yet ${fake.deleteCalls.length} delete call(s) removed ${fake.removed.length} node(s)`);
    }
    const reachesOwnership = ex.anyAsks && ex.refusing.length === 0 && ex.anyActive && !sc.faults.failed && sc.faults.notInServiceFor !== Infinity;
    if (reachesOwnership) {
      fig.exercised.ownerRefused++;
      if (run.outcome !== 'error' || !message.includes(OWNER_TAG)) {
        fail('G3', `owner tag ${sc.owner}: expected an error naming ${OWNER_TAG}, got ${run.outcome}: ${message.slice(0, 300)}`);
      }
    }
  }

  // G4
  if (!sc.faults.targetCountDrops && fake.removed.length > 0) {
    fig.exercised.targetKept++;
    if (run.outcome !== 'error') {
      fail('G4', `TargetCount kept after ${fake.removed.length} removal(s), yet the run ended ${run.outcome}`);
    }
    if (run.removingInvocations > 1) {
      const removing = run.invocations.filter((i) => i.removed > 0)
        .map((i) => `${i.phase}: ${i.removed} removed${i.lostAnswers ? `, ${i.lostAnswers} answer(s) lost` : ''}`
          + `${i.transient ? ', passing error swallowed' : ''}, ${i.ended}`);
      fail('G4', `TargetCount kept, yet ${run.removingInvocations} handler invocations removed nodes `
        + `(${fake.removed.length} in all, one pass's budget ${[...ex.bound.values()].reduce((a, b) => a + b, 0)}): ${removing.join(' | ')}`);
    }
  }

  // G5
  for (const m of run.messages) {
    fig.maxMessage = Math.max(fig.maxMessage, m.length);
    if (m.length > MAX_MESSAGE_CHARS) {
      fail('G5', `an error message of ${m.length} characters: ${m.slice(0, 200)}...`);
    }
  }
  for (const call of fake.deleteCalls) {
    fig.maxIdsPerCall = Math.max(fig.maxIdsPerCall, call.nodeIds.length, call.logicalIds.length);
    fig.maxLogicalIdsPerCall = Math.max(fig.maxLogicalIdsPerCall, call.logicalIds.length);
    if (call.nodeIds.length > 99 || call.logicalIds.length > 50) {
      fail('G5', `a delete call with ${call.nodeIds.length} NodeIds and ${call.logicalIds.length} NodeLogicalIds`);
    }
    if (call.nodeIds.length > 0 && call.logicalIds.length > 0) {
      fail('G5', 'a delete call with both NodeIds and NodeLogicalIds');
    }
    if (call.nodeIds.length === 0 && call.logicalIds.length === 0) {
      fail('G5', 'an empty delete call');
    }
    const groups = new Set([...call.nodeIds, ...call.logicalIds].map((id) => groupOf.get(id) ?? '(unknown)'));
    if (groups.size > 1) {
      fail('G5', `a delete call mixing groups ${[...groups].join(', ')}`);
    }
    const chunk = ex.chunk.get([...groups][0]) ?? 99;
    if (call.nodeIds.length > chunk) {
      fail('G5', `a delete call with ${call.nodeIds.length} NodeIds, ChunkSize ${chunk}`);
    }
  }
  if (run.outcome === 'timeout' && (!hasPersistentFault(sc) || sc.timeoutSeconds !== undefined)) {
    fail('G5', `the run neither completed nor failed within ${MAX_POLLS} polls (TimeoutSeconds ${sc.timeoutSeconds}): `
      + `${JSON.stringify(run.logs.filter((l) => l.msg === 'not complete yet').slice(-1))}`);
  }
  if (run.outcome === 'error' && !(run.error instanceof Error)) {
    fail('G5', `a handler threw a non-Error: ${String(run.error)}`);
  }

  // Liveness: with a clean policy, the right owner, no drift refused, TargetCount dropping and no fault that
  // persists, the only acceptable failure is running out of TimeoutSeconds.
  const f = sc.faults;
  if (ex.anyAsks && ex.policyClean && sc.owner === 'right' && ex.refusing.length === 0 && !f.failed && f.targetCountDrops
    && !(f.fatalNode && run.error?.message.includes(`node ${f.fatalNode}: ValidationException`))
    && !hasPersistentFault(sc) && run.outcome === 'error' && !/did not finish within/.test(message)) {
    fail('liveness', `a run with nothing wrong failed: ${message.slice(0, 500)}`);
  }

  // Completeness: a run that completes with TargetCount dropping removed exactly what the rules ask.
  if (run.outcome === 'complete' && sc.faults.targetCountDrops) {
    for (const g of sc.groups) {
      const want = ex.exact.get(g.name) ?? 0;
      const got = removedBy.get(g.name) ?? 0;
      if (got !== want) {
        fail('complete', `group "${g.name}" lost ${got} node(s) in a completed run; the rules give ${want} `
          + `(previous ${g.previous}, new ${g.desired}, TargetCount at start ${g.target}, drift ${g.drift ?? 'Refuse'}, kind ${sc.kind})`);
      }
    }
  }

  fig.totalCalls += totalCalls;
  fig.deleteCalls += fake.deleteCalls.length;
  fig.removed += fake.removed.length;
  fig.outcomes[run.outcome] = (fig.outcomes[run.outcome] ?? 0) + 1;
  if (fake.deleteCalls.some((c) => c.outcome === 'lost')) {
    fig.exercised.lostAnswers++;
  }
  if (fake.deleteCalls.some((c) => c.logicalIds.length > 0)) {
    fig.exercised.logicalDeletes++;
  }
  if (sc.faults.reinvoke && ex.anyAsks) {
    fig.exercised.reinvoked++;
  }
  if (run.logs.some((l) => /out of time/.test(String(l.msg)))) {
    fig.exercised.outOfTime++;
  }
  if (run.logs.some((l) => /passing error/.test(String(l.msg)))) {
    fig.exercised.transientInHandler++;
  }
  if (/cannot scale down cluster/.test(message)) {
    fig.exercised.policyErrors++;
  }
  if (/kept the group's TargetCount/.test(message)) {
    fig.exercised.churnStopped++;
  }
  if (sc.faults.clusterMissing && ex.anyAsks) {
    fig.exercised.clusterMissing++;
    if (run.outcome !== 'complete') {
      fail('G5', `the cluster does not exist: expected complete, got ${run.outcome}: ${message.slice(0, 300)}`);
    }
  }
  if (/BatchDeleteClusterNodes refused nodes/.test(message)) {
    fig.exercised.fatalNodeCode++;
  }
  if (/did not finish within/.test(message)) {
    fig.exercised.timedOut++;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

describe('targeted scale-down guarantees (seeded random scenarios)', () => {
  test(`G1-G5 hold over ${ONLY === undefined ? SCENARIOS : 1} scenarios (seed ${SEED})`, async () => {
    // eslint-disable-next-line no-console
    console.log(`scale-down guarantees: seed ${SEED} (0x${SEED.toString(16)}), ${ONLY === undefined ? SCENARIOS : `scenario ${ONLY}`}`);
    const fig: Figures = {
      scenarios: 0,
      maxIdsPerCall: 0,
      maxLogicalIdsPerCall: 0,
      totalCalls: 0,
      deleteCalls: 0,
      removed: 0,
      outcomes: {},
      maxMessage: 0,
      exercised: Object.fromEntries(EXERCISED.map((name) => [name, 0])),
    };
    const violations: Violation[] = [];
    const started = Date.now();
    const indexes = ONLY === undefined ? Array.from({ length: SCENARIOS }, (_, i) => i) : [ONLY];
    for (const index of indexes) {
      const sc = generate(index);
      const event = buildRequest(sc);
      const ex = expectationOf(sc, event);
      const fake = await setUp(sc);
      try {
        const run = await drive(sc, fake, event);
        const found = check(sc, event, fake, run, ex, fig);
        for (const v of found) {
          v.known = KNOWN_BUGS.find((k) => k.matches(sc, run, v, ex))?.id;
        }
        const firstUnknown = found.some((v) => !v.known) && !violations.some((v) => !v.known);
        violations.push(...found);
        if (VERBOSE || firstUnknown) {
          // eslint-disable-next-line no-console
          console.log(`scenario ${index} (seed ${SEED}): ${JSON.stringify(sc)}\nrequest: ${JSON.stringify(event)}\n`
            + `outcome ${run.outcome}: ${run.error?.message ?? ''}\nremoved: ${fake.removed.join(', ')}\n`
            + `log:\n${run.logs.map((l) => JSON.stringify(l)).join('\n')}`);
        }
      } finally {
        await fake.close();
      }
      fig.scenarios++;
    }
    const seconds = (Date.now() - started) / 1000;
    const unknown = violations.filter((v) => !v.known);
    const byGuarantee: Record<string, number> = {};
    for (const v of unknown) {
      byGuarantee[v.guarantee] = (byGuarantee[v.guarantee] ?? 0) + 1;
    }
    for (const bug of KNOWN_BUGS) {
      const hits = violations.filter((v) => v.known === bug.id);
      const scenarios = [...new Set(hits.map((v) => v.index))];
      // eslint-disable-next-line no-console
      console.log(`known bug ${bug.id}: ${hits.length === 0 ? 'not reproduced (fixed? then remove it from KNOWN_BUGS)'
        : `${hits.length} violation(s) in ${scenarios.length} scenario(s) of seed ${SEED}: ${scenarios.slice(0, 12).join(', ')}`
        + `${scenarios.length > 12 ? ', ...' : ''}`}\n  ${bug.title}${hits.length === 0 ? ''
        : `\n  first: scenario ${hits[0].index} ${hits[0].guarantee}: ${hits[0].detail.slice(0, 400)}`}`);
    }
    // eslint-disable-next-line no-console
    console.log(`scenarios ${fig.scenarios}, violations ${unknown.length}${unknown.length ? ` ${JSON.stringify(byGuarantee)}` : ''} `
      + `(known bugs: ${violations.length - unknown.length} more, listed above), `
      + `max ids per call ${fig.maxIdsPerCall} (logical ${fig.maxLogicalIdsPerCall}), total calls ${fig.totalCalls} `
      + `(deletes ${fig.deleteCalls}, nodes removed ${fig.removed}), longest message ${fig.maxMessage} chars, `
      + `outcomes ${JSON.stringify(fig.outcomes)}, exercised ${JSON.stringify(fig.exercised)}, ${seconds.toFixed(1)} s`);
    if (unknown.length > 0) {
      const v = unknown[0];
      const list = unknown.slice(0, 20).map((x) => `  scenario ${x.index} ${x.guarantee}: ${x.detail}`).join('\n');
      throw new Error(`${unknown.length} guarantee violation(s); first: seed ${SEED}, scenario ${v.index} `
        + `(re-run: SCALE_DOWN_SEED=${SEED} SCALE_DOWN_ONLY=${v.index} SCALE_DOWN_VERBOSE=1 npx jest test/scale-down-guarantees.test.ts)\n${list}`);
    }
    expect(fig.scenarios).toBe(indexes.length);
  }, 120_000);
});
