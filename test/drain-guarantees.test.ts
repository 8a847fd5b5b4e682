/**
 * Seeded randomized property suite for the drain before delete: the REAL scale-down handlers
 * (`onEvent`, `isComplete`), driven the way the CDK Provider framework drives them, through the
 * REAL clients: the SageMaker SDK client against `FakeSageMaker`, the EKS SDK client against
 * `FakeEks` (endpoint and CA of the Kubernetes stand-in), and the handler's own Kubernetes
 * client (TLS, EKS token) against `FakeKubernetes` (nodes, pods, evictions with
 * PodDisruptionBudgets). A fake clock moves 30 s per poll.
 *
 * Invariants (every scenario; judged from the stand-ins' own records, never from what the
 * handlers return):
 * - D1 (G1 holds): nodes go only from groups whose count went down, never more than the
 *   decrease (exactly the decrease when the run completes); Create, Delete, an Update that
 *   lowers nothing and a rollback remove nothing and make no SageMaker call.
 * - D2: a node is never deleted while a pod holds it (a pod bound to it that is not a
 *   DaemonSet's, not a mirror, not finished), unless its group's policy is Remove and, on the
 *   fake clock at the BatchDeleteClusterNodes call, its drain started DrainTimeoutSeconds ago
 *   or more. Checked with a snapshot of the Kubernetes stand-in taken AT the call (the SageMaker
 *   stand-in's `onCall` hook runs just before it answers). Nodes HyperPod lists as not Running
 *   at the call, and instances with no Kubernetes node, skip the drain by design (README) and
 *   are exempt.
 * - D3: only chosen nodes are cordoned and marked: a node is marked only in a group that drains
 *   and was lowered, only among the nodes the ordering rules choose for that decrease, only
 *   while HyperPod lists it Running, never in a rollback or a request that lowers nothing; and
 *   no other node (other groups, nodes of no group) is changed at all.
 * - D4: when the operation ends (complete or error; checked on the nodes as they were then), no
 *   node carries the owner label, the start or the cordoned-before annotation; every node not
 *   removed has the `unschedulable`, labels and annotations it had before (admin cordons kept,
 *   ours undone); a removed node may keep only its drain record (drained-by label, operation and
 *   result annotations), and then stays cordoned. A mark left is allowed only when an injected
 *   Kubernetes fault hit the final release (the last owner-label listing and the patches right
 *   after it, in the last invocation that made any call). After a following clean rollback
 *   (always after a failed Update, sometimes after a completed one, and after every partial
 *   run): strictly no mark left.
 * - D5: a deployment in which no group drains makes no Kubernetes and no EKS call.
 * - D6: a node of a Fail group seen, at the end of an invocation with no injected fault, still
 *   held past its DrainTimeoutSeconds (counted from when it was first marked, on the fake clock)
 *   ends the deployment in that invocation, with a message naming the node (or counting it in
 *   "... and N more"); a node of a Remove group seen so is removed in that invocation (unless it
 *   threw). Every node a drain-timeout message names is of a Fail group, marked at least its
 *   timeout earlier, and not removed; that message has at most 1,500 characters. (A sighting in
 *   an invocation a fault may have kept from judging asks nothing: the pods may be gone by the
 *   next look, and then the node is drained.)
 * - E: evictions are asked only for pods that hold a node the drain marked, in the forward
 *   run: never a DaemonSet's pod, a mirror pod, a finished pod, or a pod of another node.
 * - L (liveness, and G5's message budget): no run uses up the poll budget; a run ends in error
 *   only at a drain timeout or for what was injected (the resource's TimeoutSeconds after
 *   faults or a cluster that stays Updating, a node SageMaker refuses for good, a TargetCount
 *   that does not drop, a 403 of the Kubernetes API); every handler error message has at most
 *   1,500 characters.
 *
 * Deterministic: scenario i is generated from mulberry32(mix(SEED, i)); Kubernetes and
 * SageMaker faults are armed at fixed call numbers. To re-run one scenario:
 * DRAIN_SEED=<seed> DRAIN_ONLY=<index> DRAIN_VERBOSE=1 npx jest test/drain-guarantees.test.ts
 * (DRAIN_SCENARIOS changes how many run). A Kubernetes request that times out without an
 * injected hang (a loaded machine) makes the scenario re-run once with a long client timeout.
 */
import { EKSClient } from '@aws-sdk/client-eks';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { FakeEks } from './support/fake-eks';
import { FakeKubernetes, FakeKubernetesOperation, FakePdb, FakePod } from './support/fake-kubernetes';
import { FakeSageMaker, FakeNode as HyperPodNode } from './support/fake-sagemaker';
import { Rng, scenarioSeed } from './support/rng';
import { noDelayRetries, request, standInClientConfig, update } from './support/scale-down-driver';
import {
  DRAIN_KEEP_CORDON_ANNOTATION, DRAIN_OPERATION_ANNOTATION, DRAIN_OWNER_LABEL, DRAIN_REMOVED_LABEL, DRAIN_RESULT_ANNOTATION, DRAIN_STARTED_ANNOTATION,
  NODE_NAME_PREFIX,
} from '../src/contract/drain';
import { MESSAGE_BUDGET_CHARS } from '../src/contract/problems';
import { AwsEksApi } from '../src/domain/eks';
import { eksKubernetesConnector, KubernetesApi, KubernetesConnector } from '../src/domain/kubernetes';
import { SageMakerHyperPodApi } from '../src/domain/sagemaker';
import { HandlerContext, HandlerRequest } from '../src/handlers/request';
import { isComplete, onEvent } from '../src/handlers/scale-down/handler';

const SEED = Math.trunc(Number(process.env.DRAIN_SEED ?? 1));
const SCENARIOS = Number(process.env.DRAIN_SCENARIOS ?? 150);
const ONLY = process.env.DRAIN_ONLY === undefined ? undefined : Number(process.env.DRAIN_ONLY);
const VERBOSE = process.env.DRAIN_VERBOSE === '1';

/** The Provider's query interval, on the fake clock. */
const POLL_MS = 30_000;
/** Timeout of one Kubernetes request (small: an injected hang costs this much real time). */
const KUBE_TIMEOUT_MS = 250;
/** The same, when a scenario is re-run because a request timed out without an injected hang. */
const KUBE_TIMEOUT_RERUN_MS = 5_000;
/** isComplete polls of a rollback before it counts as stuck. */
const ROLLBACK_POLLS = 5;
const DRAIN_TIMEOUT_ERROR = /did not drain within their group's drain timeout/;
const RESOURCE_TIMEOUT_ERROR = /did not finish within \d+ seconds/;
/** Statuses of nodes that serve no work, chosen first in this order (README "Targeted scale-down"). */
const NOT_SERVING = ['Failure', 'NotFound', 'Pending', 'DeepHealthCheckInProgress'];
/**
 * What marks a node the drain cordoned and has not let go of: the owner label, or its start and
 * cordoned-before annotations without the `drained-by` record of a node handed over for removal.
 */
const isMarked = (n: { labels: Record<string, string>; annotations: Record<string, string> }) =>
  n.labels[DRAIN_OWNER_LABEL] !== undefined || (n.labels[DRAIN_REMOVED_LABEL] === undefined
    && [DRAIN_STARTED_ANNOTATION, DRAIN_KEEP_CORDON_ANNOTATION].some((a) => n.annotations[a] !== undefined));
const without = (map: Record<string, string>, keys: readonly string[]) =>
  Object.fromEntries(Object.entries(map).filter(([k]) => !keys.includes(k)));

// ---------------------------------------------------------------------------------------------
// Randomness (test/support/rng.ts; 32-bit integer hashing needs bit operations)
/* eslint-disable no-bitwise */

/** The seed of the draws made while a scenario runs (peers coming back). */
function runtimeSeed(seed: number): number {
  return (seed ^ 0x5bd1e995) >>> 0;
}
/* eslint-enable no-bitwise */

// ---------------------------------------------------------------------------------------------
// Scenarios

type Kind = 'Update' | 'Reinvoke' | 'Rollback' | 'NoLowering' | 'Create' | 'Delete';
type Policy = 'Remove' | 'Fail';
type NodeSpec = Omit<HyperPodNode, 'vanishAtListing'> & { instanceId: string };

interface DrainSpec {
  readonly timeoutSeconds: number;
  /** `undefined`: not in the properties (the default, Fail). */
  readonly onTimeout?: Policy;
}

interface GroupPlan {
  readonly name: string;
  readonly nodes: NodeSpec[];
  readonly drain?: DrainSpec;
  /** The properties say `Drain: 'false'` (else nothing) when the group does not drain. */
  readonly drainFalse: boolean;
  readonly order?: 'NewestFirst' | 'OldestFirst';
  /** InstanceCount of the old template (the node count, which is also TargetCount). */
  readonly previous: number;
  /** InstanceCount of the new template. */
  readonly desired: number;
}

interface KubeNodeSpec {
  readonly name: string;
  /** Instance group (HyperPod nodes); none for a node of no group. */
  readonly group?: string;
  readonly instanceId?: string;
  /** Cordoned by an admin before the deployment. */
  readonly cordoned: boolean;
}

type PodSpec = Omit<FakePod, 'terminating' | 'listingsLeft'>;

interface FaultBurst {
  /** The stand-in's call number (1-based, every operation) of the first faulted call. */
  readonly atCall: number;
  readonly count: number;
  /** `forbidden`: a 403 (RBAC taken away), which ends the deployment. */
  readonly kind: 'throttle' | 'serverError' | 'hang' | 'forbidden';
}

interface Scenario {
  readonly index: number;
  readonly seed: number;
  readonly kind: Kind;
  readonly groups: GroupPlan[];
  readonly kubeNodes: KubeNodeSpec[];
  readonly pods: PodSpec[];
  readonly pdbs: FakePdb[];
  readonly apps: Array<{ name: string; namespace: string }>;
  readonly evictedPodListings: number;
  /** Chance, at each poll, that an evicted ReplicaSet pod's replacement comes up on a schedulable node. */
  readonly replaceChance: number;
  /** Chance, at each poll, that one more pod of an app comes up on a schedulable node. */
  readonly peerChance: number;
  /** A Running node HyperPod marks Failure before this poll. */
  readonly flip?: { readonly poll: number; readonly instanceId: string };
  readonly timeoutSeconds: number;
  /** Rollback: isComplete polls of the forward run before the rollback. */
  readonly partialPolls: number;
  /** Update/Reinvoke: a clean rollback follows a completed run too (it always follows an error). */
  readonly rollbackAfterComplete: boolean;
  /** Reinvoke: the clock between the lost onEvent and the second. */
  readonly reinvokeDelayMs: number;
  readonly kubeFaults: FaultBurst[];
  readonly smFaults: FaultBurst[];
  /** A fault aimed at what a release calls: the nth owner-label listing, or the first patch after the nth listing patches follow. */
  readonly releaseFault?: ReleaseFault;
  /** Listings in which HyperPod still shows a removed node as ShuttingDown. */
  readonly shutdownListings: number;
  /** What ends the deployment other than a drain timeout (so that its release is exercised). */
  readonly ending?: Ending;
}

type Ending =
  /** From this poll on, HyperPod says the cluster is Updating: the resource's TimeoutSeconds ends the run. */
  | { readonly kind: 'busy'; readonly fromPoll: number }
  /** BatchDeleteClusterNodes refuses this node for good (a code that ends the deployment). */
  | { readonly kind: 'fatalNode'; readonly instanceId: string }
  /** TargetCount does not drop after deletes: the churn check ends the deployment. */
  | { readonly kind: 'targetKept' };

interface ReleaseFault {
  readonly nth: number;
  readonly target: 'list' | 'patch';
  readonly kind: FaultBurst['kind'];
}

const GROUP_POOL = ['gpu', 'cpu', 'gpu-b', 'train'];
const NAMESPACES = ['team-a', 'team-b'];
const BASE_LAUNCH = 1_700_000_000;

const lowers = (kind: Kind) => kind === 'Update' || kind === 'Reinvoke' || kind === 'Rollback';

function generate(index: number): Scenario {
  const seed = scenarioSeed(SEED, index);
  const r = new Rng(seed);
  const kind = r.weighted<Kind>([['Update', 0.5], ['Reinvoke', 0.13], ['Rollback', 0.15], ['NoLowering', 0.1], ['Create', 0.06], ['Delete', 0.06]]);
  const noDrain = r.chance(0.12);
  const ids = new Set<string>();
  const launches = new Set<number>();
  const freshId = () => {
    for (;;) {
      const id = `i-${r.hex(17)}`;
      if (!ids.has(id)) {
        ids.add(id);
        return id;
      }
    }
  };
  const freshLaunch = () => {
    for (;;) {
      const t = BASE_LAUNCH + 60 * r.int(0, 100_000);
      if (!launches.has(t)) {
        launches.add(t);
        return t;
      }
    }
  };
  const drafts = r.shuffle(GROUP_POOL).slice(0, r.int(1, 3)).map((name) => {
    const count = r.int(1, 12);
    const nodes: NodeSpec[] = Array.from({ length: count }, () => ({
      group: name,
      instanceId: freshId(),
      status: r.weighted<string>([['Running', 0.8], ['Failure', 0.08], ['Pending', 0.07], ['DeepHealthCheckInProgress', 0.05]]),
      launchTime: freshLaunch(),
    }));
    const drains = !noDrain && r.chance(0.75);
    const drain: DrainSpec | undefined = drains
      ? { timeoutSeconds: r.int(60, 600), onTimeout: r.weighted<Policy | undefined>([['Remove', 0.45], ['Fail', 0.4], [undefined, 0.15]]) }
      : undefined;
    return { name, nodes, drain, drainFalse: !drains && r.chance(0.3), order: r.pick([undefined, 'NewestFirst', 'OldestFirst'] as const) };
  });
  let desired = drafts.map((d) => d.nodes.length);
  if (lowers(kind)) {
    const lowered = drafts.map((d) => r.chance(d.drain ? 0.75 : 0.6));
    if (!lowered.some((x) => x)) {
      lowered[r.int(0, drafts.length - 1)] = true;
    }
    desired = drafts.map((d, i) => {
      const count = d.nodes.length;
      return lowered[i] ? count - (r.chance(0.75) ? r.int(1, Math.min(count, 3)) : r.int(1, count)) : count;
    });
  } else if (kind === 'NoLowering') {
    desired = drafts.map((d) => d.nodes.length + r.pick([0, 0, 1, 2]));
  }
  const groups: GroupPlan[] = drafts.map((d, i) => ({ ...d, previous: d.nodes.length, desired: desired[i] }));

  // Kubernetes: nodes for most instances (fewer for instances not Running), a few nodes of no group.
  const kubeNodes: KubeNodeSpec[] = [];
  for (const g of groups) {
    for (const n of g.nodes) {
      if (r.chance(n.status === 'Running' ? 0.9 : 0.5)) {
        kubeNodes.push({ name: `${NODE_NAME_PREFIX}${n.instanceId}`, group: g.name, instanceId: n.instanceId, cordoned: r.chance(0.12) });
      }
    }
  }
  for (let i = r.int(0, 2); i > 0; i--) {
    kubeNodes.push({ name: `ip-10-0-${i}-${r.int(1, 250)}.ec2.internal`, cordoned: r.chance(0.12) });
  }
  const apps = Array.from({ length: r.int(1, 3) }, (_, i) => ({ name: `app${i}`, namespace: r.pick(NAMESPACES) }));
  const pods: PodSpec[] = [];
  let podNo = 0;
  for (const node of kubeNodes) {
    for (let k = r.int(0, 4); k > 0; k--) {
      podNo++;
      const what = r.weighted<'rs' | 'ds' | 'mirror' | 'finished' | 'job' | 'bare' | 'pending'>([
        ['rs', 0.55], ['ds', 0.16], ['mirror', 0.06], ['finished', 0.09], ['job', 0.06], ['bare', 0.04], ['pending', 0.04],
      ]);
      const app = r.pick(apps);
      const base = { nodeName: node.name, phase: 'Running' };
      switch (what) {
        case 'rs':
        case 'pending':
          pods.push({
            ...base,
            namespace: app.namespace,
            name: `${app.name}-${podNo}`,
            labels: { app: app.name },
            ownerKind: 'ReplicaSet',
            phase: what === 'pending' ? 'Pending' : 'Running',
          });
          break;
        case 'ds':
          pods.push({ ...base, namespace: 'kube-system', name: `agent-${podNo}`, labels: { app: 'agent' }, ownerKind: 'DaemonSet' });
          break;
        case 'mirror':
          pods.push({ ...base, namespace: 'kube-system', name: `static-${podNo}`, labels: {}, mirror: true });
          break;
        case 'finished':
        case 'job':
          pods.push({
            ...base,
            namespace: r.pick(NAMESPACES),
            name: `job-${podNo}`,
            labels: { job: `j${podNo}` },
            ownerKind: 'Job',
            phase: what === 'job' ? 'Running' : r.pick(['Succeeded', 'Failed']),
          });
          break;
        case 'bare':
          pods.push({ ...base, namespace: r.pick(NAMESPACES), name: `bare-${podNo}`, labels: {} });
          break;
      }
    }
  }
  // PodDisruptionBudgets over some apps: some always block, some let a few pods go; rarely two select one pod.
  const pdbs: FakePdb[] = [];
  for (const app of apps.filter(() => r.chance(0.6))) {
    const healthy = pods.filter((p) => p.labels.app === app.name && p.phase === 'Running').length;
    const matchLabels: Record<string, string> = r.chance(0.08) ? {} : { app: app.name };
    const tight = r.chance(0.5); // blocks every eviction until peers come back
    pdbs.push(r.chance(0.5)
      ? { name: `pdb-${app.name}`, namespace: app.namespace, matchLabels, minAvailable: tight ? healthy : r.int(0, healthy + 1) }
      : tight ? { name: `pdb-${app.name}`, namespace: app.namespace, matchLabels, maxUnavailable: 0 } : {
        name: `pdb-${app.name}`,
        namespace: app.namespace,
        matchLabels,
        maxUnavailable: r.int(0, 2),
        ...(r.chance(0.3) ? { expectedPods: healthy + r.int(0, 2) } : {}),
      });
    if (r.chance(0.06)) {
      pdbs.push({ name: `pdb-${app.name}-extra`, namespace: app.namespace, matchLabels: { app: app.name }, maxUnavailable: 1 });
    }
  }
  const running = groups.flatMap((g) => g.nodes.filter((n) => n.status === 'Running'));
  const flip = running.length > 0 && r.chance(0.15) ? { poll: r.int(1, 6), instanceId: r.pick(running).instanceId } : undefined;
  const maxDrain = Math.max(0, ...groups.map((g) => g.drain?.timeoutSeconds ?? 0));
  const timeoutSeconds = Math.max(600, maxDrain + 300) + r.int(0, 300);
  const kubeFaults: FaultBurst[] = [];
  if (r.chance(0.5)) {
    for (let i = r.int(1, 3); i > 0; i--) {
      const hang = !kubeFaults.some((f) => f.kind === 'hang') && r.chance(0.07);
      const fault = hang ? 'hang' : r.weighted<FaultBurst['kind']>([['throttle', 0.47], ['serverError', 0.47], ['forbidden', 0.06]]);
      kubeFaults.push({ atCall: r.int(1, 30), count: fault === 'hang' || fault === 'forbidden' ? 1 : r.int(1, 3), kind: fault });
    }
  }
  const smFaults: FaultBurst[] = r.chance(0.25)
    ? Array.from({ length: r.int(1, 2) }, () => ({ atCall: r.int(1, 30), count: r.int(1, 5), kind: r.pick(['throttle', 'serverError'] as const) }))
    : [];
  const releaseFault: ReleaseFault | undefined = r.chance(0.15)
    ? { nth: r.int(1, 3), target: r.pick(['list', 'patch'] as const), kind: r.weighted<FaultBurst['kind']>([['throttle', 0.45], ['serverError', 0.45], ['hang', 0.1]]) }
    : undefined;
  const endingKind = lowers(kind) ? r.weighted<Ending['kind'] | undefined>([[undefined, 0.85], ['busy', 0.06], ['fatalNode', 0.05], ['targetKept', 0.04]])
    : undefined;
  const chosen = groups.flatMap((g) => firstChoiceOf(g, kind));
  const ending: Ending | undefined = endingKind === 'busy' ? { kind: 'busy', fromPoll: r.int(1, 4) }
    : endingKind === 'fatalNode' && chosen.length > 0 ? { kind: 'fatalNode', instanceId: r.pick(chosen).instanceId }
      : endingKind === 'targetKept' ? { kind: 'targetKept' } : undefined;
  return {
    index,
    seed,
    kind,
    groups,
    kubeNodes,
    pods,
    pdbs,
    apps,
    evictedPodListings: r.pick([0, 1, 1, 2, 3]),
    replaceChance: r.pick([0, 0.25, 0.5, 0.9]),
    peerChance: r.pick([0, 0, 0.1, 0.3]),
    flip,
    timeoutSeconds,
    partialPolls: r.int(0, 4),
    rollbackAfterComplete: r.chance(0.3),
    reinvokeDelayMs: r.pick([5_000, 30_000, 90_000]),
    kubeFaults,
    smFaults,
    releaseFault,
    shutdownListings: r.int(1, 3),
    ending,
  };
}

// ---------------------------------------------------------------------------------------------
// What the rules allow, from the scenario alone

const policyOf = (g: GroupPlan): Policy => g.drain?.onTimeout ?? 'Fail';
/** What the forward request lowers the group by (0 for requests that lower nothing). */
const decreaseOf = (sc: Pick<Scenario, 'kind'>, g: GroupPlan) => (lowers(sc.kind) ? Math.max(0, g.previous - g.desired) : 0);

/**
 * The nodes the ordering rules choose for the decrease when the deployment starts: not-serving
 * nodes first (Failure, NotFound, Pending, DeepHealthCheckInProgress, each by the group's order),
 * then the others by the group's order (newest first by default). A node that stops serving
 * later only moves up, so the nodes a drain may cordon are among these.
 */
function firstChoiceOf(g: GroupPlan, kind: Kind): NodeSpec[] {
  const sign = g.order === 'OldestFirst' ? 1 : -1;
  const byOrder = (a: NodeSpec, b: NodeSpec) => sign * (a.launchTime - b.launchTime);
  const ordered = [
    ...NOT_SERVING.flatMap((s) => g.nodes.filter((n) => n.status === s).sort(byOrder)),
    ...g.nodes.filter((n) => !NOT_SERVING.includes(n.status)).sort(byOrder),
  ];
  return ordered.slice(0, decreaseOf({ kind }, g));
}

/** Kubernetes nodes a drain may cordon: Running, chosen, of a group that drains and was lowered. */
function cordonable(sc: Scenario): Set<string> {
  const withKube = new Set(sc.kubeNodes.map((k) => k.name));
  const out = new Set<string>();
  for (const g of sc.groups.filter((x) => x.drain)) {
    for (const n of firstChoiceOf(g, sc.kind).filter((x) => x.status === 'Running')) {
      const name = `${NODE_NAME_PREFIX}${n.instanceId}`;
      if (withKube.has(name)) {
        out.add(name);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Requests

type Props = Record<string, unknown>;

function groupProps(g: GroupPlan, count: number): Props {
  const drain = g.drain
    ? { Drain: 'true', DrainTimeoutSeconds: String(g.drain.timeoutSeconds), ...(g.drain.onTimeout ? { DrainOnTimeout: g.drain.onTimeout } : {}) }
    : g.drainFalse ? { Drain: 'false' } : {};
  return { InstanceGroupName: g.name, InstanceCount: String(count), ...(g.order ? { Order: g.order } : {}), ...drain };
}

function forwardRequest(sc: Scenario): HandlerRequest {
  const extra = { EksClusterName: 'ml-eks', TimeoutSeconds: String(sc.timeoutSeconds) };
  const oldGroups = sc.groups.map((g) => groupProps(g, g.previous));
  const newGroups = sc.groups.map((g) => groupProps(g, g.desired));
  if (sc.kind === 'Create' || sc.kind === 'Delete') {
    return request(sc.kind, newGroups, extra);
  }
  return update(oldGroups, newGroups, extra);
}

/** CloudFormation rolls the forward update back: the old properties are the forward's new ones; a new request. */
function rollbackRequest(sc: Scenario): HandlerRequest {
  const extra = { EksClusterName: 'ml-eks', TimeoutSeconds: String(sc.timeoutSeconds) };
  return { ...update(sc.groups.map((g) => groupProps(g, g.desired)), sc.groups.map((g) => groupProps(g, g.previous)), extra), RequestId: 'req-rollback' };
}

// ---------------------------------------------------------------------------------------------
// Running a scenario

/** SageMaker attempts per request: a burst of fewer faults is absorbed by the SDK's retries. */
const SM_ATTEMPTS = 4;

type Phase = 'forward' | 'rollback';

interface Invocation {
  readonly n: number;
  readonly phase: Phase;
  readonly name: string;
  readonly clock: number;
  threw?: string;
}

interface KubeCall {
  readonly idx: number;
  readonly inv: number;
  readonly phase: Phase;
  readonly op: FakeKubernetesOperation;
  readonly request: string;
  fault?: string;
}

interface SmCall {
  readonly idx: number;
  readonly inv: number;
  readonly phase: Phase;
  readonly op: string;
  fault?: string;
}

/** The Kubernetes stand-in as it was at one BatchDeleteClusterNodes call. */
interface DeleteSnapshot {
  readonly inv: number;
  readonly phase: Phase;
  readonly clock: number;
  /** Per Kubernetes node: the pods that hold it. */
  readonly held: Map<string, string[]>;
  /** Per instance id: the HyperPod status. */
  readonly status: Map<string, string>;
  readonly markedAt: Map<string, number>;
  /** Kubernetes nodes carrying the owner label (a release would uncordon them). */
  readonly owned: Set<string>;
}

/** A node seen at the end of an invocation still held past its drain timeout. */
interface Sighting {
  readonly inv: number;
  readonly node: string;
  readonly instanceId: string;
  readonly group: string;
  readonly policy: Policy;
  readonly pods: string[];
  readonly seconds: number;
}

interface NodeState {
  readonly unschedulable: boolean;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

interface Violation {
  readonly index: number;
  readonly seed: number;
  readonly invariant: string;
  readonly detail: string;
}

type Outcome = 'complete' | 'error' | 'timeout' | 'partial';

interface RunResult {
  readonly violations: Violation[];
  /** A Kubernetes request timed out without an injected hang (a loaded machine): re-run with a longer timeout. */
  readonly noisy: boolean;
  readonly dump: string;
  readonly figures: Partial<Record<string, number>>;
  readonly maxMessage: number;
  readonly removed: number;
  readonly evictions: number;
  readonly outcome: Outcome;
}

const holds = (p: FakePod) => p.ownerKind !== 'DaemonSet' && !p.mirror && p.phase !== 'Succeeded' && p.phase !== 'Failed';
const stateOf = (n: { unschedulable: boolean; labels: Record<string, string>; annotations: Record<string, string> }): NodeState =>
  ({ unschedulable: n.unschedulable, labels: { ...n.labels }, annotations: { ...n.annotations } });
const sameMap = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);
const sameState = (a: NodeState, b: NodeState) =>
  a.unschedulable === b.unschedulable && sameMap(a.labels, b.labels) && sameMap(a.annotations, b.annotations);
const isOwnerListing = (c: KubeCall) => c.op === 'ListNodes' && decodeURIComponent(c.request).includes(`${DRAIN_OWNER_LABEL}=`);

async function runScenario(sc: Scenario, kubeTimeoutMs: number): Promise<RunResult> {
  const violations: Violation[] = [];
  const fail = (invariant: string, detail: string) => violations.push({ index: sc.index, seed: sc.seed, invariant, detail });
  const figures: Partial<Record<string, number>> = {};
  const count = (name: string, by = 1) => {
    figures[name] = (figures[name] ?? 0) + by;
  };
  const rt = new Rng(runtimeSeed(sc.seed));

  const sm = await FakeSageMaker.start({ nodes: sc.groups.flatMap((g) => g.nodes), shutdownListings: sc.shutdownListings });
  const kube = await FakeKubernetes.start({ evictedPodListings: sc.evictedPodListings });
  const eks = await FakeEks.start();
  eks.endpoint = kube.url;
  eks.certificateAuthority = kube.caBase64;
  for (const k of sc.kubeNodes) {
    if (k.group) {
      kube.addHyperPodNode(k.instanceId!, k.group, { unschedulable: k.cordoned });
    } else {
      kube.addNode(k.name, { unschedulable: k.cordoned, labels: { 'kubernetes.io/hostname': k.name } });
    }
  }
  const podSpecs = new Map<string, PodSpec>();
  for (const p of sc.pods) {
    kube.addPod({ ...p, labels: { ...p.labels } });
    podSpecs.set(`${p.namespace}/${p.name}`, p);
  }
  for (const b of sc.pdbs) {
    kube.addPdb({ ...b, matchLabels: { ...b.matchLabels } });
  }
  if (sc.ending?.kind === 'fatalNode') {
    sm.failNode(sc.ending.instanceId, 'ValidationException', 1_000_000, 'node cannot be deleted: it is the last node of a required group');
  }
  sm.targetCountDrops = sc.ending?.kind !== 'targetKept';
  const initial = new Map(kube.nodes.map((n) => [n.name, stateOf(n)]));
  const cordonOk = cordonable(sc);
  const groupOfNode = new Map(sc.kubeNodes.filter((k) => k.group).map((k) => [k.name, sc.groups.find((g) => g.name === k.group)!]));
  const groupOfId = new Map(sc.groups.flatMap((g) => g.nodes.map((n) => [n.instanceId, g] as const)));
  const drains = sc.groups.some((g) => g.drain);

  let clock = Date.UTC(2026, 0, 1, 12);
  kube.now = () => clock;
  let inv = 0;
  let phase: Phase = 'forward';
  let faultsOn = true;
  let timeouts = 0;
  const invocations: Invocation[] = [];
  const kubeCalls: KubeCall[] = [];
  const smCalls: SmCall[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const messages: string[] = [];
  const markedAt = new Map<string, number>();
  /** Nodes seen handed over for removal (the `drained-by` record). */
  const handedOver = new Set<string>();
  /** Nodes carrying the owner label at the last look. */
  const markedNow = new Set<string>();
  const changedReported = new Set<string>();
  const deleteSnapshots: DeleteSnapshot[] = [];
  const sightings: Sighting[] = [];
  const statusOf = (id: string) => sm.nodes.find((n) => n.instanceId === id)?.status;
  const heldBy = (name: string) => kube.podsOn(name).filter(holds).map((p) => `${p.namespace}/${p.name}`);

  /** D3, and when each node was first marked (the drain's start, on the fake clock). */
  const scan = () => {
    for (const node of kube.nodes) {
      const marked = node.labels[DRAIN_OWNER_LABEL] !== undefined;
      if (node.labels[DRAIN_REMOVED_LABEL] !== undefined) {
        handedOver.add(node.name);
      }
      if (marked && !markedNow.has(node.name) && markedAt.has(node.name)) {
        // Taken back after its delete was refused: allowed only for a node handed over and not removed.
        const id = node.name.slice(NODE_NAME_PREFIX.length);
        if (handedOver.has(node.name) && !sm.removed.includes(id)) {
          count('takenBackAfterRefusal');
          handedOver.delete(node.name);
        } else {
          fail('D3', `${node.name} was marked again (${phase}, invocation ${inv}) after its mark was taken off`);
        }
      }
      if (marked) {
        markedNow.add(node.name);
      } else {
        markedNow.delete(node.name);
      }
      if (marked && !markedAt.has(node.name)) {
        markedAt.set(node.name, clock);
        const g = groupOfNode.get(node.name);
        const id = node.name.slice(NODE_NAME_PREFIX.length);
        if (phase !== 'forward' || !lowers(sc.kind)) {
          fail('D3', `${node.name} was marked in ${phase === 'forward' ? `a ${sc.kind} request` : 'the rollback'} (invocation ${inv})`);
        } else if (!cordonOk.has(node.name)) {
          fail('D3', `${node.name} (group ${g?.name ?? 'none'}${g ? `, drain ${g.drain ? 'on' : 'off'}, ${g.previous} -> ${g.desired}` : ''}) `
            + `was marked but is not among the nodes chosen for the decrease (invocation ${inv})`);
        } else if (statusOf(id) !== 'Running') {
          fail('D3', `${node.name} was marked while HyperPod lists it ${statusOf(id)} (invocation ${inv})`);
        }
      }
      if (!cordonOk.has(node.name) && !changedReported.has(node.name) && !sameState(initial.get(node.name)!, stateOf(node))) {
        changedReported.add(node.name);
        fail('D3', `${node.name}, which no drain may touch (group ${groupOfNode.get(node.name)?.name ?? 'none'}), changed in invocation ${inv}: `
          + `${JSON.stringify(initial.get(node.name))} -> ${JSON.stringify(stateOf(node))}`);
      }
    }
  };

  let kubeIdx = 0;
  let ownerListings = 0;
  let patchChains = 0;
  kube.onCall = (op, stand) => {
    kubeIdx++;
    scan();
    const previous = kubeCalls[kubeCalls.length - 1];
    const call: KubeCall = { idx: kubeIdx, inv, phase, op, request: stand.requests[stand.requests.length - 1] ?? '' };
    kubeCalls.push(call);
    if (op === 'EvictPod') {
      // E: only pods that hold a node the drain marked are evicted (never a DaemonSet's, a mirror, a finished pod).
      const [, namespace, name] = /\/namespaces\/([^/]+)\/pods\/([^/]+)\/eviction/.exec(call.request) ?? [];
      const pod = stand.pod(decodeURIComponent(namespace ?? ''), decodeURIComponent(name ?? ''));
      const node = pod?.nodeName ? stand.node(pod.nodeName) : undefined;
      if (pod && (!holds(pod) || phase !== 'forward' || node?.labels[DRAIN_OWNER_LABEL] === undefined)) {
        fail('E', `invocation ${inv} (${phase}) evicted ${pod.namespace}/${pod.name} (${pod.ownerKind ?? (pod.mirror ? 'mirror' : 'no owner')}, `
          + `${pod.phase}) on ${pod.nodeName ?? 'no node'}${node?.labels[DRAIN_OWNER_LABEL] === undefined ? ', a node the drain did not mark' : ''}`);
      }
    }
    let aimed = false;
    if (isOwnerListing(call)) {
      ownerListings++;
      aimed = sc.releaseFault?.target === 'list' && sc.releaseFault.nth === ownerListings;
    } else if (op === 'PatchNode' && previous && isOwnerListing(previous)) {
      patchChains++;
      aimed = sc.releaseFault?.target === 'patch' && sc.releaseFault.nth === patchChains;
    }
    const burst = !faultsOn ? undefined
      : aimed ? { kind: sc.releaseFault!.kind } : sc.kubeFaults.find((f) => kubeIdx >= f.atCall && kubeIdx < f.atCall + f.count);
    if (burst) {
      call.fault = burst.kind;
      if (burst.kind === 'hang') {
        stand.hang(1, op);
      } else if (burst.kind === 'forbidden') {
        stand.fail(1, 403, 'Forbidden', op);
      } else if (burst.kind === 'throttle') {
        stand.throttle(1, op);
      } else {
        stand.serverError(1, op);
      }
    }
  };
  let smIdx = 0;
  /** The forward run's poll (0: onEvent), and the invocations in which HyperPod said the cluster was busy. */
  let poll = 0;
  const busyIn = new Set<number>();
  sm.onCall = (op, stand) => {
    smIdx++;
    const call: SmCall = { idx: smIdx, inv, phase, op };
    smCalls.push(call);
    const burst = faultsOn ? sc.smFaults.find((f) => smIdx >= f.atCall && smIdx < f.atCall + f.count) : undefined;
    if (burst) {
      call.fault = burst.kind;
      if (burst.kind === 'throttle') {
        stand.throttle(1, op);
      } else {
        stand.serverError(1, op);
      }
    }
    if (op === 'DescribeCluster') {
      const busy = phase === 'forward' && sc.ending?.kind === 'busy' && poll >= sc.ending.fromPoll;
      stand.clusterStatus = busy ? 'Updating' : 'InService';
      if (busy) {
        busyIn.add(inv);
      }
    }
    if (op === 'BatchDeleteClusterNodes') {
      // D2 is judged on the Kubernetes stand-in as it is at this very call (it answers right after).
      scan();
      deleteSnapshots.push({
        inv,
        phase,
        clock,
        owned: new Set(kube.nodes.filter((n) => n.labels[DRAIN_OWNER_LABEL] !== undefined).map((n) => n.name)),
        held: new Map(kube.nodes.map((n) => [n.name, heldBy(n.name)])),
        status: new Map(stand.nodes.map((n) => [n.instanceId ?? '', n.status])),
        markedAt: new Map(markedAt),
      });
    }
  };

  const smClient = new SageMakerClient({
    endpoint: sm.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret' },
    maxAttempts: SM_ATTEMPTS,
    retryStrategy: noDelayRetries(SM_ATTEMPTS),
  });
  const eksClient = new EKSClient(standInClientConfig(eks.url));
  const real = eksKubernetesConnector(new AwsEksApi(eksClient), standInClientConfig(eks.url).credentials,
    { now: () => clock, timeoutMs: kubeTimeoutMs });
  // The real client, watched only for timeouts (to tell an injected hang from a loaded machine).
  const connector: KubernetesConnector = async (name) => {
    const api = await real(name);
    const watch = <A extends unknown[], T>(fn: (...args: A) => Promise<T>) => async (...args: A): Promise<T> => {
      try {
        return await fn(...args);
      } catch (err) {
        if ((err as Error).name === 'TimeoutError') {
          timeouts++;
        }
        throw err;
      }
    };
    const watched: KubernetesApi = {
      listNodes: watch((s: string) => api.listNodes(s)),
      patchNode: watch((n: string, p: Parameters<KubernetesApi['patchNode']>[1]) => api.patchNode(n, p)),
      listPodsOnNode: watch((n: string) => api.listPodsOnNode(n)),
      evictPod: watch((ns: string, n: string) => api.evictPod(ns, n)),
    };
    return watched;
  };
  const ctx: HandlerContext = {
    api: new SageMakerHyperPodApi(smClient),
    log: (record) => logs.push({ inv, ...record }),
    now: () => clock,
    sleep: async () => {},
    kubernetes: connector,
  };

  /** D6: nodes still held past their drain timeout at the end of an invocation. */
  const sight = () => {
    for (const g of sc.groups.filter((x) => x.drain && lowers(sc.kind))) {
      for (const n of g.nodes) {
        const name = `${NODE_NAME_PREFIX}${n.instanceId}`;
        const started = markedAt.get(name);
        if (started === undefined || sm.removed.includes(n.instanceId) || statusOf(n.instanceId) !== 'Running' || !kube.node(name)) {
          continue;
        }
        const pods = heldBy(name);
        if (pods.length > 0 && clock - started >= g.drain!.timeoutSeconds * 1000) {
          sightings.push({ inv, node: name, instanceId: n.instanceId, group: g.name, policy: policyOf(g), pods, seconds: (clock - started) / 1000 });
        }
      }
    }
  };
  const invoke = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    inv++;
    const record: Invocation = { n: inv, phase, name, clock };
    invocations.push(record);
    try {
      return await fn();
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      messages.push(message);
      record.threw = message;
      throw err;
    } finally {
      scan();
      if (phase === 'forward') {
        sight();
      }
    }
  };

  // Between polls: evicted ReplicaSet pods' replacements and other peers come up on schedulable
  // nodes (so PodDisruptionBudgets sometimes release), and a Running node may fail.
  let seenEvictions = 0;
  const toReplace: string[] = [];
  let added = 0;
  const beforePoll = () => {
    toReplace.push(...kube.evictions.slice(seenEvictions));
    seenEvictions = kube.evictions.length;
    const gone = new Set(sm.removed.map((id) => `${NODE_NAME_PREFIX}${id}`));
    const schedulable = kube.nodes.filter((n) => !n.unschedulable && !gone.has(n.name));
    const place = (spec: PodSpec) => {
      added++;
      const name = `${spec.name.replace(/-r\d+$/, '')}-r${added}`;
      const pod = { ...spec, name, labels: { ...spec.labels }, nodeName: rt.pick(schedulable).name, phase: 'Running' };
      kube.addPod(pod);
      podSpecs.set(`${pod.namespace}/${pod.name}`, pod);
      count('podsComingBack');
    };
    for (const key of [...toReplace]) {
      const spec = podSpecs.get(key);
      if (!spec || spec.ownerKind !== 'ReplicaSet') {
        toReplace.splice(toReplace.indexOf(key), 1);
      } else if (schedulable.length > 0 && rt.chance(sc.replaceChance)) {
        toReplace.splice(toReplace.indexOf(key), 1);
        place(spec);
      }
    }
    if (schedulable.length > 0 && rt.chance(sc.peerChance)) {
      const app = rt.pick(sc.apps);
      place({ namespace: app.namespace, name: `${app.name}-peer`, labels: { app: app.name }, ownerKind: 'ReplicaSet', phase: 'Running' });
    }
    if (sc.flip && sc.flip.poll === poll) {
      const node = sm.nodes.find((n) => n.instanceId === sc.flip!.instanceId);
      if (node && node.status === 'Running') {
        node.status = 'Failure';
        count('failedMidRun');
      }
    }
  };

  const event = forwardRequest(sc);
  const maxPolls = Math.ceil(sc.timeoutSeconds / 30) + 6;
  let outcome: Outcome = 'timeout';
  let error: Error | undefined;
  let marksBeforeRollback = 0;
  /** The Kubernetes nodes when the forward run stopped (before any rollback). */
  let forwardEnd: Array<NodeState & { name: string }> = [];
  let rollbackOutcome: Outcome | undefined;
  let rollbackError: Error | undefined;
  let smCallsBeforeRollback = 0;
  let removedBeforeRollback = 0;
  try {
    try {
      if (sc.kind === 'Reinvoke') {
        // The first onEvent's answer is lost; the Provider invokes it again with the same request.
        await invoke('onEvent (answer lost)', () => onEvent(event, ctx));
        clock += sc.reinvokeDelayMs;
        if (kube.nodes.some((n) => n.labels[DRAIN_OWNER_LABEL] !== undefined)) {
          count('reinvokedMidDrain');
        }
      }
      const first = await invoke('onEvent', () => onEvent(event, ctx));
      const next: HandlerRequest = { ...event, ...first };
      const polls = sc.kind === 'Rollback' ? sc.partialPolls : maxPolls;
      outcome = sc.kind === 'Rollback' ? 'partial' : 'timeout';
      for (poll = 1; poll <= polls; poll++) {
        clock += POLL_MS;
        beforePoll();
        const result = await invoke(`isComplete ${poll}`, () => isComplete(next, ctx));
        if (result.IsComplete) {
          outcome = 'complete';
          break;
        }
      }
    } catch (err) {
      outcome = 'error';
      error = err as Error;
    }
    forwardEnd = kube.nodes.map((n) => ({ name: n.name, ...stateOf(n) }));
    const rollback = lowers(sc.kind) && (sc.kind === 'Rollback' || outcome === 'error' || (outcome === 'complete' && sc.rollbackAfterComplete));
    if (rollback) {
      // The stack update failed (here or elsewhere): CloudFormation rolls back. No faults from here on.
      phase = 'rollback';
      faultsOn = false;
      marksBeforeRollback = kube.nodes.filter((n) => n.labels[DRAIN_OWNER_LABEL] !== undefined).length;
      smCallsBeforeRollback = smCalls.length;
      removedBeforeRollback = sm.removed.length;
      clock += 60_000;
      const back = rollbackRequest(sc);
      rollbackOutcome = 'timeout';
      try {
        const first = await invoke('rollback onEvent', () => onEvent(back, ctx));
        for (let n = 1; n <= ROLLBACK_POLLS; n++) {
          clock += POLL_MS;
          if ((await invoke(`rollback isComplete ${n}`, () => isComplete({ ...back, ...first }, ctx))).IsComplete) {
            rollbackOutcome = 'complete';
            break;
          }
        }
      } catch (err) {
        rollbackOutcome = 'error';
        rollbackError = err as Error;
      }
    }
  } finally {
    kube.onCall = undefined;
    sm.onCall = undefined;
    smClient.destroy();
    eksClient.destroy();
    await Promise.all([sm.close(), kube.close(), eks.close()]);
  }

  // ----- checks

  const forwardEnded = outcome === 'complete' || outcome === 'error';
  const fwdInvocations = invocations.filter((i) => i.phase === 'forward');
  const lastForward = fwdInvocations[fwdInvocations.length - 1];
  const removedSet = new Set(sm.removed);
  const removedBy = new Map<string, number>();
  for (const id of sm.removed) {
    const g = groupOfId.get(id)?.name ?? '(unknown)';
    removedBy.set(g, (removedBy.get(g) ?? 0) + 1);
  }
  const kubeFaultIn = (n: number) => kubeCalls.some((c) => c.inv === n && c.fault);
  /** A SageMaker request of invocation n failed all its attempts (a burst the SDK's retries could not absorb). */
  const smFaultIn = (n: number) => {
    const faulted = smCalls.filter((c) => c.inv === n && c.fault).map((c) => c.idx);
    return faulted.some((idx) => [1, 2, 3].every((d) => faulted.includes(idx + d)));
  };
  /** Something injected may have kept invocation n from judging a drain, or ended it. */
  const endedIn = (n: number) => sm.deleteCalls.some((c, i) => deleteSnapshots[i]?.inv === n
    && (sc.ending?.kind === 'targetKept' || (sc.ending?.kind === 'fatalNode' && c.nodeIds.includes(sc.ending.instanceId))));
  const faultIn = (n: number) => kubeFaultIn(n) || smFaultIn(n) || busyIn.has(n) || endedIn(n);
  const message = error?.message ?? '';

  // D1
  if (!lowers(sc.kind)) {
    if (smCalls.length > 0 || sm.removed.length > 0) {
      fail('D1', `${sc.kind} made ${smCalls.length} SageMaker call(s) (${JSON.stringify(sm.calls)}) and removed ${sm.removed.length} node(s)`);
    }
  } else {
    for (const g of sc.groups) {
      const got = removedBy.get(g.name) ?? 0;
      const allowed = decreaseOf(sc, g);
      if (got > allowed) {
        fail('D1', `group "${g.name}" lost ${got} node(s), its count went ${g.previous} -> ${g.desired} (outcome ${outcome})`);
      } else if (outcome === 'complete' && got !== allowed) {
        fail('D1', `the run completed but group "${g.name}" lost ${got} node(s), not ${allowed} (${g.previous} -> ${g.desired})`);
      }
    }
    if (removedBy.has('(unknown)')) {
      fail('D1', `removed ids of no group: ${sm.removed.filter((id) => !groupOfId.has(id)).join(', ')}`);
    }
  }
  if (rollbackOutcome !== undefined) {
    const during = smCalls.slice(smCallsBeforeRollback);
    if (during.length > 0 || sm.removed.length > removedBeforeRollback) {
      fail('D1', `the rollback made ${during.length} SageMaker call(s) (${[...new Set(during.map((c) => c.op))].join(', ')}) `
        + `and removed ${sm.removed.length - removedBeforeRollback} node(s)`);
    }
    if (rollbackOutcome !== 'complete') {
      fail('D4', `the rollback did not complete (${rollbackOutcome}): ${rollbackError?.message.slice(0, 300) ?? ''}`);
    }
  }

  // D2
  if (deleteSnapshots.length !== sm.deleteCalls.length) {
    fail('setup', `${deleteSnapshots.length} snapshots for ${sm.deleteCalls.length} delete calls`);
  }
  sm.deleteCalls.forEach((call, i) => {
    const snap = deleteSnapshots[i];
    if (!snap) {
      return;
    }
    for (const id of call.nodeIds) {
      const g = groupOfId.get(id);
      const name = `${NODE_NAME_PREFIX}${id}`;
      if (!g?.drain) {
        continue;
      }
      if (snap.owned.has(name)) {
        fail('D2', `${name} was in delete call ${i + 1} (invocation ${snap.inv}) still carrying the owner label: a release would `
          + 'uncordon it while HyperPod shuts it down');
      }
      if (snap.status.get(id) !== 'Running') {
        count('deletedNotRunning');
        continue;
      }
      if (!snap.held.has(name)) {
        count('deletedNoKubeNode');
        continue;
      }
      const pods = snap.held.get(name)!;
      if (pods.length === 0) {
        continue;
      }
      const started = snap.markedAt.get(name);
      const elapsed = started === undefined ? undefined : (snap.clock - started) / 1000;
      if (policyOf(g) === 'Remove' && elapsed !== undefined && elapsed >= g.drain.timeoutSeconds) {
        count('removedAtTimeoutWithPods');
        continue;
      }
      fail('D2', `${name} (group "${g.name}", onTimeout ${policyOf(g)}, timeout ${g.drain.timeoutSeconds} s) was in delete call ${i + 1} `
        + `(invocation ${snap.inv}, outcome ${call.outcome}) while ${pods.join(', ')} held it; `
        + `${elapsed === undefined ? 'it was never marked' : `its drain started ${elapsed} s earlier`}`);
    }
  });

  // D3: marked nodes of a group, at most its decrease (on top of the checks made while running).
  for (const g of sc.groups) {
    const marked = g.nodes.filter((n) => markedAt.has(`${NODE_NAME_PREFIX}${n.instanceId}`)).length;
    if (marked > decreaseOf(sc, g)) {
      fail('D3', `${marked} node(s) of group "${g.name}" were marked, its count went ${g.previous} -> ${g.desired}`);
    }
  }

  // D4
  const leftovers = (nodes: ReadonlyArray<NodeState & { name: string }>, strict: boolean, when: string) => {
    // The final release: the last owner-label listing and the patches right after it, in the last
    // invocation that made any call (what comes after it, the drain summary's listing, is no release).
    const active = invocations.filter((i) => i.phase === 'forward'
      && (kubeCalls.some((c) => c.inv === i.n) || smCalls.some((c) => c.inv === i.n)));
    const lastActive = active[active.length - 1]?.n;
    const fwdCalls = kubeCalls.filter((c) => c.phase === 'forward');
    const releaseAt = fwdCalls.map((c, i) => (isOwnerListing(c) ? i : -1)).filter((i) => i >= 0).pop();
    const release: KubeCall[] = [];
    if (releaseAt !== undefined && fwdCalls[releaseAt].inv === lastActive) {
      release.push(fwdCalls[releaseAt]);
      for (const c of fwdCalls.slice(releaseAt + 1)) {
        if (c.op !== 'PatchNode') {
          break;
        }
        release.push(c);
      }
    }
    const releaseFaulted = release.some((c) => c.fault);
    for (const node of nodes) {
      const before = initial.get(node.name)!;
      const now = stateOf(node);
      const id = node.name.startsWith(NODE_NAME_PREFIX) ? node.name.slice(NODE_NAME_PREFIX.length) : undefined;
      const removed = id !== undefined && removedSet.has(id);
      if (isMarked(node)) {
        if (!strict && releaseFaulted) {
          count('marksLeftByReleaseFault'); // explained: the final release was hit by an injected fault
          continue;
        }
        fail('D4', `${when}: ${node.name} still carries the drain's mark${removed ? ' (removed)' : ''}: ${JSON.stringify(now)}; `
          + `${strict ? 'after a clean rollback' : releaseAt === undefined ? 'no release was attempted'
            : `no injected fault in the final release (Kubernetes calls #${release.map((c) => c.idx).join(', #') || '-'}; last owner listing `
              + `#${fwdCalls[releaseAt].idx} in invocation ${fwdCalls[releaseAt].inv}, last active invocation ${lastActive})`}`);
        continue;
      }
      // A removed node may keep the record of its drain (drained-by label; operation, result, start
      // and cordoned-before annotations), and then keeps its cordon; nothing of the drain may stay on any other node.
      const record = removed && now.labels[DRAIN_REMOVED_LABEL] !== undefined;
      const labels = record ? without(now.labels, [DRAIN_REMOVED_LABEL]) : now.labels;
      const annotations = record
        ? without(now.annotations, [DRAIN_OPERATION_ANNOTATION, DRAIN_RESULT_ANNOTATION, DRAIN_STARTED_ANNOTATION, DRAIN_KEEP_CORDON_ANNOTATION])
        : now.annotations;
      if (!sameMap(before.labels, labels) || !sameMap(before.annotations, annotations)) {
        fail('D4', `${when}: ${node.name}${removed ? ' (removed)' : ' (not removed)'} labels or annotations changed: `
          + `${JSON.stringify(before)} -> ${JSON.stringify(now)}`);
      } else if (!removed && before.unschedulable !== now.unschedulable) {
        fail('D4', `${when}: ${node.name} (not removed) is ${now.unschedulable ? 'cordoned' : 'schedulable'}, it was `
          + `${before.unschedulable ? 'cordoned (by an admin)' : 'schedulable'} before the deployment`);
      } else if (record && !now.unschedulable) {
        fail('D4', `${when}: ${node.name} (removed, with its drain record) is not cordoned`);
      } else if (removed && !record && markedAt.has(node.name) && !now.unschedulable) {
        fail('D4', `${when}: ${node.name} was removed after the drain cordoned it, and is schedulable again while HyperPod shuts it down`);
      }
    }
  };
  if (forwardEnded) {
    leftovers(forwardEnd, false, `after the ${sc.kind} ended (${outcome})`);
  }
  if (rollbackOutcome !== undefined) {
    leftovers(kube.nodes, true, 'after the rollback');
    if (marksBeforeRollback > 0) {
      count('rollbackReleased');
    }
  }

  // D5
  if (!drains) {
    count('noDrainScenarios');
    if (kube.requests.length > 0 || eks.requests.length > 0) {
      fail('D5', `no group drains, yet ${kube.requests.length} Kubernetes and ${eks.requests.length} EKS request(s): `
        + `${[...kube.requests, ...eks.requests].slice(0, 3).join(', ')}`);
    }
  }

  // D6 (a sighting in an invocation an injected fault may have kept from judging the drain asks
  // nothing: the pods may have left by the next one that can look, and then the node is drained)
  for (const s of sightings) {
    const at = invocations.find((i) => i.n === s.inv)!;
    if (faultIn(s.inv)) {
      continue;
    }
    const what = `${s.node} (group "${s.group}", ${s.policy}) still held by ${s.pods.slice(0, 3).join(', ')} ${s.seconds} s after its cordon`
      + ` at the end of invocation ${s.inv} (${at.name}), which had no injected fault`;
    if (s.policy === 'Remove') {
      if (at.threw === undefined) {
        fail('D6', `${what}: the node was not removed`);
      }
    } else if (at.threw === undefined || at !== lastForward) {
      fail('D6', `${what}: the deployment did not end there`);
    } else if (!at.threw.includes(s.node)) {
      // Named, or counted in the "... and N more" of a message cut to its budget.
      const unnamed = sightings.filter((x) => x.inv === s.inv && x.policy === 'Fail' && !at.threw!.includes(x.node)).length;
      const more = Number(/\.\.\. and (\d+) more/.exec(at.threw)?.[1] ?? 0);
      if (unnamed > more) {
        fail('D6', `${what}: the error does not name it: ${at.threw.slice(0, 300)}`);
      }
    }
  }
  if (DRAIN_TIMEOUT_ERROR.test(message)) {
    count('failedAtDrainTimeout');
    if (message.length > MESSAGE_BUDGET_CHARS) {
      fail('D6', `the drain-timeout message has ${message.length} characters`);
    }
    const named = [...message.matchAll(/instance group "([^"]+)": (\S+): not drained after (\d+) s/g)];
    if (named.length === 0) {
      fail('D6', `the drain-timeout message names no node: ${message.slice(0, 300)}`);
    }
    for (const [, group, node, seconds] of named) {
      const g = sc.groups.find((x) => x.name === group);
      const started = markedAt.get(node);
      const id = node.slice(NODE_NAME_PREFIX.length);
      if (!g?.drain || policyOf(g) !== 'Fail' || groupOfNode.get(node) !== g) {
        fail('D6', `the drain-timeout message names ${node} of group "${group}", which is not a Fail group's node`);
      } else if (started === undefined || lastForward.clock - started < g.drain.timeoutSeconds * 1000 || Number(seconds) < g.drain.timeoutSeconds) {
        fail('D6', `the drain-timeout message names ${node} "not drained after ${seconds} s", timeout ${g.drain.timeoutSeconds} s, `
          + `marked ${started === undefined ? 'never' : `${(lastForward.clock - started) / 1000} s before`}`);
      } else if (removedSet.has(id)) {
        fail('D6', `the drain-timeout message names ${node}, which was removed`);
      }
    }
  }
  if (logs.some((l) => l.msg === 'drain' && l.state === 'timed out' && l.onTimeout === 'Remove')) {
    count('removeAtTimeout');
  }

  // L
  if (outcome === 'timeout') {
    fail('L', `the run neither completed nor failed within ${maxPolls} polls (TimeoutSeconds ${sc.timeoutSeconds})`);
  }
  if (outcome === 'error' && !DRAIN_TIMEOUT_ERROR.test(message)) {
    // Only what was injected ends a run otherwise.
    const faulted = fwdInvocations.some((i) => faultIn(i.n));
    const explained = (RESOURCE_TIMEOUT_ERROR.test(message) && faulted)
      || (/BatchDeleteClusterNodes refused nodes/.test(message) && sc.ending?.kind === 'fatalNode')
      || (/kept the group's TargetCount/.test(message) && sc.ending?.kind === 'targetKept')
      // (a 403 on the listing of marked nodes ends the run with the generic wording, not "refused the drain")
      || (/refused the drain|answered 403 Forbidden/.test(message) && kubeCalls.some((c) => c.fault === 'forbidden'));
    if (!explained) {
      fail('L', `the run failed${faulted ? '' : ' with no injected fault'}: ${message.slice(0, 400)}`);
    }
    count(`ended:${sc.ending?.kind ?? (/refused the drain/.test(message) ? 'forbidden' : 'faults')}`);
  }
  let maxMessage = 0;
  for (const m of messages) {
    maxMessage = Math.max(maxMessage, m.length);
    if (m.length > MESSAGE_BUDGET_CHARS) {
      fail('L', `an error message of ${m.length} characters: ${m.slice(0, 200)}...`);
    }
  }
  if (kube.authFailures.length > 0) {
    fail('setup', `the Kubernetes stand-in refused tokens: ${kube.authFailures.slice(0, 2).join('; ')}`);
  }

  // What the scenario exercised (for the summary line).
  const drainLogs = logs.filter((l) => l.msg === 'drain');
  if (drainLogs.some((l) => Array.isArray(l.blockedBy))) count('blockedByPdb');
  if (drainLogs.some((l) => l.state === 'drained')) count('drained');
  if (drainLogs.some((l) => l.state === 'skipped')) count('skippedDrain');
  if (kubeCalls.some((c) => c.fault)) count('kubeFaults');
  if (kubeCalls.some((c) => c.fault === 'hang')) count('hangs');
  if (fwdInvocations.some((i) => smFaultIn(i.n))) count('sageMakerFaultsPastRetries');
  if (RESOURCE_TIMEOUT_ERROR.test(message)) count('resourceTimeout');
  const adminKept = sc.kubeNodes.filter((k) => k.cordoned && markedAt.has(k.name) && !removedSet.has(k.instanceId ?? '')
    && kube.node(k.name)?.unschedulable);
  if (adminKept.length > 0) count('adminCordonKept');

  const dump = [
    `scenario ${sc.index} (seed ${SEED}, scenario seed ${sc.seed}): ${sc.kind}, TimeoutSeconds ${sc.timeoutSeconds}, `
      + `evictedPodListings ${sc.evictedPodListings}, replace ${sc.replaceChance}, peers ${sc.peerChance}, flip ${JSON.stringify(sc.flip)}, `
      + `partialPolls ${sc.partialPolls}`,
    ...sc.groups.map((g) => `  group ${g.name}: ${g.previous} -> ${g.desired}, drain ${JSON.stringify(g.drain ?? null)}, order ${g.order ?? '-'}, `
      + `nodes ${g.nodes.map((n) => `${n.instanceId.slice(-4)}:${n.status}@${(n.launchTime - BASE_LAUNCH) / 60}`).join(' ')}`),
    `  kube nodes: ${sc.kubeNodes.map((k) => `${k.name.slice(-4)}${k.cordoned ? '(cordoned)' : ''}`).join(' ')}`,
    `  pods: ${sc.pods.map((p) => `${p.namespace}/${p.name}@${p.nodeName!.slice(-4)}:${p.ownerKind ?? (p.mirror ? 'mirror' : 'bare')}:${p.phase}`).join(' ')}`,
    `  pdbs: ${JSON.stringify(sc.pdbs)}`,
    `  faults: kube ${JSON.stringify(sc.kubeFaults)}, sagemaker ${JSON.stringify(sc.smFaults)}; injected: `
      + `${[...kubeCalls.filter((c) => c.fault).map((c) => `k#${c.idx} inv${c.inv} ${c.fault} ${c.request}`),
        ...smCalls.filter((c) => c.fault).map((c) => `s#${c.idx} inv${c.inv} ${c.fault} ${c.op}`)].join(' | ')}`,
    `outcome ${outcome}${error ? `: ${error.message}` : ''}${rollbackOutcome ? `; rollback ${rollbackOutcome}` : ''}`,
    `removed: ${sm.removed.join(', ')}; evictions: ${kube.evictions.join(', ')}`,
    `invocations: ${invocations.map((i) => `${i.n} ${i.name} @${(i.clock - invocations[0].clock) / 1000}s${i.threw ? ' THREW' : ''}`).join('; ')}`,
    'log:',
    ...logs.map((l) => JSON.stringify(l)),
  ].join('\n');
  return {
    violations,
    noisy: timeouts > kubeCalls.filter((c) => c.fault === 'hang').length,
    dump,
    figures,
    maxMessage,
    removed: sm.removed.length,
    evictions: kube.evictions.length,
    outcome,
  };
}

// ---------------------------------------------------------------------------------------------

describe('drain before delete guarantees (seeded random scenarios)', () => {
  test(`D1-D6 hold over ${ONLY === undefined ? SCENARIOS : 1} scenarios (seed ${SEED})`, async () => {
    // eslint-disable-next-line no-console
    console.log(`drain guarantees: seed ${SEED}, ${ONLY === undefined ? `${SCENARIOS} scenarios` : `scenario ${ONLY}`}`);
    const started = Date.now();
    const violations: Violation[] = [];
    const figures: Record<string, number> = {};
    const outcomes: Record<string, number> = {};
    const kinds: Record<string, number> = {};
    let removed = 0;
    let evictions = 0;
    let maxMessage = 0;
    let reruns = 0;
    const indexes = ONLY === undefined ? Array.from({ length: SCENARIOS }, (_, i) => i) : [ONLY];
    for (const index of indexes) {
      const sc = generate(index);
      let result = await runScenario(sc, KUBE_TIMEOUT_MS);
      if (result.noisy) {
        reruns++;
        result = await runScenario(sc, KUBE_TIMEOUT_RERUN_MS);
      }
      const firstFailing = result.violations.length > 0 && violations.length === 0;
      violations.push(...result.violations);
      for (const [k, v] of Object.entries(result.figures)) {
        figures[k] = (figures[k] ?? 0) + (v ?? 0);
      }
      outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
      kinds[sc.kind] = (kinds[sc.kind] ?? 0) + 1;
      removed += result.removed;
      evictions += result.evictions;
      maxMessage = Math.max(maxMessage, result.maxMessage);
      if (VERBOSE || firstFailing) {
        // eslint-disable-next-line no-console
        console.log(`${result.violations.map((v) => `${v.invariant}: ${v.detail}`).join('\n')}\n${result.dump}`);
      }
    }
    const seconds = (Date.now() - started) / 1000;
    const byInvariant: Record<string, number> = {};
    for (const v of violations) {
      byInvariant[v.invariant] = (byInvariant[v.invariant] ?? 0) + 1;
    }
    // eslint-disable-next-line no-console
    console.log(`drain guarantees: scenarios ${indexes.length}, violations ${violations.length}`
      + `${violations.length ? ` ${JSON.stringify(byInvariant)}` : ''}, removals ${removed}, evictions ${evictions}, `
      + `max message length ${maxMessage}, kinds ${JSON.stringify(kinds)}, outcomes ${JSON.stringify(outcomes)}, `
      + `exercised ${JSON.stringify(figures)}, re-runs ${reruns}, ${seconds.toFixed(1)} s`);
    if (violations.length > 0) {
      const v = violations[0];
      const list = violations.slice(0, 20).map((x) => `  scenario ${x.index} ${x.invariant}: ${x.detail}`).join('\n');
      throw new Error(`${violations.length} drain guarantee violation(s); first: seed ${SEED}, scenario ${v.index} (re-run: `
        + `DRAIN_SEED=${SEED} DRAIN_ONLY=${v.index} DRAIN_VERBOSE=1 npx jest test/drain-guarantees.test.ts)\n${list}`);
    }
    expect(violations).toEqual([]);
  }, 240_000);
});
