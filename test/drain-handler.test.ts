/**
 * The drain before delete, end to end through the real clients: the scale-down handlers with
 * the real SageMaker client against the SageMaker stand-in, the real EKS client against the
 * EKS stand-in (endpoint and CA), and the handler's own Kubernetes client (TLS, EKS token)
 * against the Kubernetes stand-in (nodes, pods, evictions with PodDisruptionBudgets).
 */
import { EKSClient } from '@aws-sdk/client-eks';
import { invokeBundled } from './support/bundled-handlers';
import { FakeEks } from './support/fake-eks';
import { FakeKubernetes } from './support/fake-kubernetes';
import { FakeSageMaker, makeNodes } from './support/fake-sagemaker';
import { runProvider, standInClientConfig, update } from './support/scale-down-driver';
import { DRAIN_OWNER_LABEL, DRAIN_REMOVED_LABEL, DRAIN_RESULT_ANNOTATION, DRAIN_STARTED_ANNOTATION } from '../src/contract/drain';
import { AwsEksApi } from '../src/domain/eks';
import { eksKubernetesConnector, nodeNameOf } from '../src/domain/kubernetes';
import { HandlerContext, HandlerRequest } from '../src/handlers/request';
import { isComplete, onEvent } from '../src/handlers/scale-down/handler';

const POLL_MS = 30_000;
const w = makeNodes('worker', 5).map((n) => n.instanceId!);
const name = (i: number) => nodeNameOf(w[i]);

interface World {
  sagemaker: FakeSageMaker;
  eks: FakeEks;
  kube: FakeKubernetes;
  eksClient: EKSClient;
  /** The handlers' clock (ms); each isComplete poll moves it on by 30 s. */
  clock: { t: number };
}

let world: World | undefined;
afterEach(async () => {
  if (world) {
    world.eksClient.destroy();
    await Promise.all([world.sagemaker.close(), world.eks.close(), world.kube.close()]);
  }
  world = undefined;
});

/**
 * Five Running `worker` nodes (w[4] newest), each a Kubernetes node of the group running one
 * Deployment pod `app-<i>` (label app=web), one DaemonSet pod and, on w[4], a static pod's mirror.
 */
async function start(options: { sagemakerNodes?: ReturnType<typeof makeNodes> } = {}): Promise<World> {
  const sagemaker = await FakeSageMaker.start({ nodes: options.sagemakerNodes ?? makeNodes('worker', 5) });
  const kube = await FakeKubernetes.start();
  const eks = await FakeEks.start();
  eks.endpoint = kube.url;
  eks.certificateAuthority = kube.caBase64;
  w.forEach((id, i) => {
    kube.addHyperPodNode(id, 'worker');
    kube.addPod({ name: `app-${i}`, namespace: 'team-a', nodeName: nodeNameOf(id), labels: { app: 'web' }, ownerKind: 'ReplicaSet' });
    kube.addPod({ name: `agent-${i}`, namespace: 'kube-system', nodeName: nodeNameOf(id), ownerKind: 'DaemonSet' });
  });
  kube.addPod({ name: `static-${w[4]}`, namespace: 'kube-system', nodeName: name(4), mirror: true });
  world = { sagemaker, eks, kube, eksClient: new EKSClient(standInClientConfig(eks.url)), clock: { t: Date.now() } };
  return world;
}

/** A `worker` entry of the properties that drains. */
const drainingWorker = (count: number, drain: Record<string, unknown> = {}) =>
  ({ InstanceGroupName: 'worker', InstanceCount: String(count), Drain: 'true', ...drain });
/** The Update that lowers `worker` from 5 to `to`, draining. */
const shrink = (to: number, drain: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  update([drainingWorker(5, drain)], [drainingWorker(to, drain)], { EksClusterName: 'ml-eks', TimeoutSeconds: '1740', ...extra });

function context(wd: World, logs: Array<Record<string, unknown>> = []): HandlerContext {
  const now = () => wd.clock.t;
  return {
    api: undefined as never, // set by runProvider
    log: (r) => logs.push(r),
    now,
    sleep: async () => {},
    kubernetes: eksKubernetesConnector(new AwsEksApi(wd.eksClient), standInClientConfig(wd.eks.url).credentials, { now }),
  };
}

/** Runs the Provider loop; `beforePoll(n)` runs before the n-th isComplete poll (1-based), after the clock moved on. */
async function deploy(wd: World, event: HandlerRequest, options: { maxPolls?: number; beforePoll?: (poll: number) => void } = {}) {
  const ctx = context(wd);
  let poll = 0;
  return runProvider(wd.sagemaker, event, {
    maxPolls: options.maxPolls ?? 20,
    now: ctx.now,
    kubernetes: ctx.kubernetes,
    handlers: {
      onEvent,
      isComplete: (e, c) => {
        poll++;
        wd.clock.t += POLL_MS;
        options.beforePoll?.(poll);
        return isComplete(e, c);
      },
    },
  });
}

const drainLogs = (logs: Array<Record<string, unknown>>) => logs.filter((r) => r.msg === 'drain');
const marked = (kube: FakeKubernetes) => [...Array(5).keys()].map(name).filter((n) => kube.node(n)?.labels[DRAIN_OWNER_LABEL] !== undefined);

describe('drain before delete', () => {
  test('cordons, evicts all but DaemonSet and mirror pods, then removes the drained nodes; the rest are untouched', async () => {
    const wd = await start();
    const run = await deploy(wd, shrink(3));
    expect(run.error?.message).toBeUndefined();
    expect(run.outcome).toBe('complete');
    expect([...wd.sagemaker.removed].sort()).toEqual([w[3], w[4]].sort());
    expect(wd.kube.evictions.sort()).toEqual(['team-a/app-3', 'team-a/app-4']);
    // Removed nodes were handed over before their delete: cordoned (they are going), the owner label
    // traded for drained-by (no release uncordons them), with what their drain came to. The others are untouched.
    for (const i of [3, 4]) {
      expect(wd.kube.node(name(i))).toMatchObject({ unschedulable: true });
      expect(wd.kube.node(name(i))!.labels[DRAIN_OWNER_LABEL]).toBeUndefined();
      expect(wd.kube.node(name(i))!.labels[DRAIN_REMOVED_LABEL]).toBeDefined();
      expect(wd.kube.node(name(i))!.annotations[DRAIN_RESULT_ANNOTATION]).toBe('drained in 30 s');
    }
    for (const i of [0, 1, 2]) {
      expect(wd.kube.node(name(i))).toMatchObject({ unschedulable: false, annotations: {} });
      expect(wd.kube.pod('team-a', `app-${i}`)).toBeDefined();
    }
    expect(wd.kube.pod('kube-system', 'agent-4')).toBeDefined();
    // The log says, per node, that it was drained and how long it took.
    expect(drainLogs(run.logs).map((r) => [r.node, r.state])).toEqual(expect.arrayContaining([[name(4), 'drained'], [name(3), 'drained']]));
    expect(drainLogs(run.logs).every((r) => typeof r.seconds === 'number')).toBe(true);
    // The last line says what each drain came to.
    expect(run.logs.find((r) => r.msg === 'complete')?.drains).toEqual([`${name(3)}: drained in 30 s`, `${name(4)}: drained in 30 s`].sort());
    // Every Kubernetes call carried a valid EKS token (the stand-in checks its signature).
    expect(wd.kube.authFailures).toEqual([]);
  });

  test('a PodDisruptionBudget blocks an eviction until the pod\'s peers come back; then the node drains and goes', async () => {
    const wd = await start();
    // app=web has 5 pods; at least 4 must stay: evicting app-4 leaves 4, then app-3 is refused.
    wd.kube.addPdb({ name: 'web', namespace: 'team-a', matchLabels: { app: 'web' }, minAvailable: 4 });
    const run = await deploy(wd, shrink(3), {
      beforePoll: (poll) => {
        if (poll === 3) {
          // The Deployment's replacement of app-4 is Running elsewhere.
          wd.kube.addPod({ name: 'app-4b', namespace: 'team-a', nodeName: name(0), labels: { app: 'web' }, ownerKind: 'ReplicaSet' });
        }
      },
    });
    expect(run.error?.message).toBeUndefined();
    expect(run.outcome).toBe('complete');
    expect([...wd.sagemaker.removed].sort()).toEqual([w[3], w[4]].sort());
    const blocked = drainLogs(run.logs).filter((r) => r.state === 'draining' && r.blockedBy);
    expect(blocked.length).toBeGreaterThan(0);
    expect(JSON.stringify(blocked[0].blockedBy)).toMatch(/team-a\/app-3.*disruption budget/i);
    // Each node goes once it is drained: w[4] at once, w[3] once the PDB let its pod go.
    expect(wd.sagemaker.removed).toEqual([w[4], w[3]]);
    expect(wd.sagemaker.calls.BatchDeleteClusterNodes).toBe(2);
    const drained3 = drainLogs(run.logs).find((r) => r.node === name(3) && r.state === 'drained');
    expect(drained3?.seconds).toBeGreaterThanOrEqual(60);
  });

  test('blocked past the drain timeout with onTimeout Fail: the deployment fails, nothing is removed, cordons are undone', async () => {
    const wd = await start();
    wd.kube.addPdb({ name: 'web', namespace: 'team-a', matchLabels: { app: 'web' }, minAvailable: 5 });
    wd.kube.node(name(0))!.unschedulable = true; // an admin's cordon of a node not chosen: left alone
    const run = await deploy(wd, shrink(3, { DrainTimeoutSeconds: '120', DrainOnTimeout: 'Fail' }));
    expect(run.outcome).toBe('error');
    expect(run.error!.message).toMatch(/did not drain within their group's drain timeout/);
    expect(run.error!.message).toContain(`${name(4)}: not drained after 120 s, 1 pod(s) left (team-a/app-4); blocked by team-a/app-4`);
    expect(run.error!.message.length).toBeLessThanOrEqual(1500);
    expect(wd.sagemaker.removed).toEqual([]);
    expect(wd.sagemaker.calls.BatchDeleteClusterNodes).toBeUndefined();
    expect(marked(wd.kube)).toEqual([]);
    expect([1, 2, 3, 4].map((i) => wd.kube.node(name(i))!.unschedulable)).toEqual([false, false, false, false]);
    expect(wd.kube.node(name(0))!.unschedulable).toBe(true);
    expect(wd.kube.pod('team-a', 'app-4')).toBeDefined();
  });

  test('blocked past the drain timeout with onTimeout Remove: the nodes go with the pods on them, and the log names the pods', async () => {
    const wd = await start();
    wd.kube.addPdb({ name: 'web', namespace: 'team-a', matchLabels: { app: 'web' }, minAvailable: 5 });
    const run = await deploy(wd, shrink(3, { DrainTimeoutSeconds: '120', DrainOnTimeout: 'Remove' }));
    expect(run.error?.message).toBeUndefined();
    expect([...wd.sagemaker.removed].sort()).toEqual([w[3], w[4]].sort());
    const timedOut = drainLogs(run.logs).filter((r) => r.state === 'timed out');
    expect(timedOut.map((r) => r.node).sort()).toEqual([name(3), name(4)].sort());
    expect(timedOut[0]).toMatchObject({ level: 'warn', onTimeout: 'Remove', podsLeft: 1 });
    expect(run.logs.find((r) => r.msg === 'complete')?.drains).toEqual([
      `${name(3)}: removed at its drain timeout: not drained after 120 s, 1 pod(s) left (team-a/app-3); blocked by team-a/app-3 `
        + '(Cannot evict pod as it would violate the pod\'s disruption budget. The disruption budget web needs 5 healthy pods and has 5 currently)',
      `${name(4)}: removed at its drain timeout: not drained after 120 s, 1 pod(s) left (team-a/app-4); blocked by team-a/app-4 `
        + '(Cannot evict pod as it would violate the pod\'s disruption budget. The disruption budget web needs 5 healthy pods and has 5 currently)',
    ]);
    expect(marked(wd.kube)).toEqual([]);
  });

  test('a node that runs no pods (Failure, or not a Kubernetes node) is removed without a drain', async () => {
    const nodes = makeNodes('worker', 5).map((n, i) => (i === 1 ? { ...n, status: 'Failure' } : n));
    const wd = await start({ sagemakerNodes: nodes });
    wd.kube.removeNode(name(4));
    wd.kube.addPdb({ name: 'web', namespace: 'team-a', matchLabels: { app: 'web' }, minAvailable: 5 });
    const run = await deploy(wd, shrink(3));
    expect(run.error?.message).toBeUndefined();
    // Failure first, then the newest: neither needs a drain, so the PDB blocks nothing.
    expect([...wd.sagemaker.removed].sort()).toEqual([w[1], w[4]].sort());
    expect(wd.kube.evictions).toEqual([]);
    expect(drainLogs(run.logs).map((r) => r.state)).toEqual(['skipped', 'skipped']);
    expect(wd.kube.node(name(1))!.unschedulable).toBe(false);
  });

  test('a re-invoked onEvent mid-drain goes on with the nodes already cordoned, and keeps their start time', async () => {
    const wd = await start();
    wd.kube.addPdb({ name: 'web', namespace: 'team-a', matchLabels: { app: 'web' }, minAvailable: 4 });
    const ctx = context(wd);
    const event = shrink(3);
    const first = await runProvider(wd.sagemaker, event, { maxPolls: 0, now: ctx.now, kubernetes: ctx.kubernetes });
    expect(first.outcome).toBe('timeout'); // onEvent only
    expect(marked(wd.kube).sort()).toEqual([name(3), name(4)].sort());
    const started = wd.kube.node(name(3))!.annotations[DRAIN_STARTED_ANNOTATION];
    expect(started).toBe(new Date(wd.clock.t).toISOString());
    // Meanwhile w[1] fails: it would come first now, but the drain goes on with w[3] and w[4].
    wd.sagemaker.nodes.find((n) => n.instanceId === w[1])!.status = 'Failure';
    wd.clock.t += POLL_MS;
    // onEvent again (the same request): the clock of the drain is the first one's.
    await runProvider(wd.sagemaker, event, { maxPolls: 0, now: ctx.now, kubernetes: ctx.kubernetes });
    expect(wd.kube.node(name(3))!.annotations[DRAIN_STARTED_ANNOTATION]).toBe(started);
    // w[4]'s pod is gone by now: w[4] went; w[3] still waits for the PodDisruptionBudget.
    expect(wd.sagemaker.removed).toEqual([w[4]]);
    expect(marked(wd.kube)).toEqual([name(3)]);
    wd.kube.addPod({ name: 'app-4b', namespace: 'team-a', nodeName: name(0), labels: { app: 'web' }, ownerKind: 'ReplicaSet' });
    const again = await deploy(wd, event);
    expect(again.error?.message).toBeUndefined();
    expect([...wd.sagemaker.removed].sort()).toEqual([w[3], w[4]].sort());
    expect(drainLogs(again.logs).find((r) => r.node === name(3) && r.state === 'drained')?.seconds).toBeGreaterThanOrEqual(60);
    expect(wd.kube.node(name(1))!.unschedulable).toBe(false);
  });

  test('the rollback of a scale-down uncordons the nodes its drain cordoned, with no SageMaker call; an earlier cordon stays', async () => {
    const wd = await start();
    wd.kube.addPdb({ name: 'web', namespace: 'team-a', matchLabels: { app: 'web' }, minAvailable: 5 });
    wd.kube.node(name(3))!.unschedulable = true; // cordoned by a person before the deployment
    const ctx = context(wd);
    // The deployment cordons w[3] and w[4], then stops (another resource failed and CloudFormation rolls back).
    await runProvider(wd.sagemaker, shrink(3), { maxPolls: 0, now: ctx.now, kubernetes: ctx.kubernetes });
    expect(marked(wd.kube).sort()).toEqual([name(3), name(4)].sort());
    const callsBefore = { ...wd.sagemaker.calls };
    const rollback = update([drainingWorker(3)], [drainingWorker(5)], { EksClusterName: 'ml-eks', TimeoutSeconds: '1740' });
    const run = await deploy(wd, rollback);
    expect(run.outcome).toBe('complete');
    expect(wd.sagemaker.calls).toEqual(callsBefore);
    expect(wd.sagemaker.removed).toEqual([]);
    expect(marked(wd.kube)).toEqual([]);
    expect(wd.kube.node(name(4))!.unschedulable).toBe(false);
    expect(wd.kube.node(name(3))!.unschedulable).toBe(true);
  });

  test('an unreachable Kubernetes API: nothing of the draining group is removed, other groups go on, the timeout names the API', async () => {
    const nodes = [...makeNodes('worker', 5), ...makeNodes('cpu', 3, { idBase: 100 })];
    const wd = await start({ sagemakerNodes: nodes });
    await wd.kube.close();
    const cpu = (count: number) => ({ InstanceGroupName: 'cpu', InstanceCount: String(count) });
    const event = update([drainingWorker(5), cpu(3)], [drainingWorker(3), cpu(2)], { EksClusterName: 'ml-eks', TimeoutSeconds: '120' });
    const run = await deploy(wd, event, { maxPolls: 10 });
    expect(run.outcome).toBe('error');
    expect(wd.sagemaker.removed).toHaveLength(1);
    expect(wd.sagemaker.nodes.find((n) => n.instanceId === wd.sagemaker.removed[0])?.group).toBe('cpu');
    expect(run.error!.message).toMatch(/did not finish within 120 seconds/);
    expect(run.error!.message).toMatch(/instance group "worker": drain waits: the Kubernetes API of EKS cluster "ml-eks" did not answer/);
    expect(run.error!.message).toContain('scaleDown.drain.vpcSubnets');
  });

  test('a Kubernetes API that refuses the handler (no access entry or RBAC) fails at once with what to grant; nothing is removed', async () => {
    const wd = await start();
    wd.kube.allowedRules = [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] }];
    const run = await deploy(wd, shrink(3));
    expect(run.outcome).toBe('error');
    expect(run.error!.message).toMatch(/refused the drain/);
    expect(run.error!.message).toMatch(/403/);
    expect(run.error!.message).toMatch(/access entry/);
    expect(wd.sagemaker.removed).toEqual([]);
    expect(run.polls).toBe(0);
  });

  test('throttling and server errors of the Kubernetes API are retried at the next poll', async () => {
    const wd = await start();
    wd.kube.throttle(2, 'EvictPod');
    wd.kube.serverError(1, 'PatchNode');
    const run = await deploy(wd, shrink(3));
    expect(run.error?.message).toBeUndefined();
    expect([...wd.sagemaker.removed].sort()).toEqual([w[3], w[4]].sort());
    expect(marked(wd.kube)).toEqual([]);
  });

  test('a group that does not drain makes no Kubernetes call', async () => {
    const wd = await start();
    const plain = (count: number) => ({ InstanceGroupName: 'worker', InstanceCount: String(count) });
    const run = await deploy(wd, update([plain(5)], [plain(3)], { EksClusterName: 'ml-eks' }));
    expect(run.outcome).toBe('complete');
    expect(wd.kube.requests).toEqual([]);
    expect(wd.eks.requests).toEqual([]);
    expect(wd.sagemaker.removed).toHaveLength(2);
    expect(wd.kube.nodes.filter((n) => n.unschedulable)).toEqual([]);
  });

  test('the bundled Lambda entries drain with the function\'s own credentials: EKS endpoint and CA, token, evictions', async () => {
    const wd = await start();
    const event = shrink(4);
    const env = { AWS_ENDPOINT_URL_EKS: wd.eks.url };
    const first = await invokeBundled('on-event', wd.sagemaker, event, env);
    let result: Record<string, unknown> = {};
    for (let poll = 0; poll < 5 && result.IsComplete !== true; poll++) {
      result = await invokeBundled('is-complete', wd.sagemaker, { ...event, ...first } as HandlerRequest, env);
    }
    expect(result).toMatchObject({ IsComplete: true });
    expect(wd.sagemaker.removed).toEqual([w[4]]);
    expect(wd.kube.evictions).toEqual(['team-a/app-4']);
    expect(wd.kube.authFailures).toEqual([]);
    expect(marked(wd.kube)).toEqual([]);
  }, 60_000);

  test('a node whose delete is refused after its drain is taken back, and the failure uncordons it; accepted nodes stay cordoned', async () => {
    const wd = await start();
    wd.sagemaker.failNode(w[3], 'SomethingElse', 1, 'refused for this test');
    const run = await deploy(wd, shrink(3));
    expect(run.outcome).toBe('error');
    expect(run.error!.message).toMatch(/BatchDeleteClusterNodes refused nodes of instance group "worker"/);
    expect(wd.sagemaker.removed).toEqual([w[4]]);
    // w[3] stays: uncordoned, nothing of the drain left on it.
    expect(wd.kube.node(name(3))).toMatchObject({ unschedulable: false, annotations: {} });
    expect(Object.keys(wd.kube.node(name(3))!.labels).filter((k) => k.startsWith('hyperpod-cdk/'))).toEqual([]);
    // w[4] goes: still cordoned while HyperPod shuts it down.
    expect(wd.kube.node(name(4))).toMatchObject({ unschedulable: true });
    expect(wd.kube.node(name(4))!.labels[DRAIN_REMOVED_LABEL]).toBeDefined();
  });
});
