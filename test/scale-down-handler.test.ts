import { invokeBundled } from './support/bundled-handlers';
import { FakeNode, FakeSageMaker, FakeSageMakerOptions, makeNodes } from './support/fake-sagemaker';
import { ProviderRun, request, runProvider, testClient, update } from './support/scale-down-driver';
import { SageMakerHyperPodApi } from '../src/domain/sagemaker';
import { HandlerRequest } from '../src/handlers/request';
import { onEvent, physicalId } from '../src/handlers/scale-down/handler';

type NodeSpec = Omit<FakeNode, 'vanishAtListing'>;

let fake: FakeSageMaker | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(options: FakeSageMakerOptions): Promise<FakeSageMaker> {
  fake = await FakeSageMaker.start(options);
  return fake;
}

/** Five Running nodes of `worker`: ids w[0..4], launched in that order. */
const w = makeNodes('worker', 8).map((n) => n.instanceId!);
const workers = (count: number, status: Record<number, string> = {}): NodeSpec[] =>
  makeNodes('worker', count).map((n, i) => ({ ...n, status: status[i] ?? n.status }));
const group = (name: string, count: number, extra: Record<string, unknown> = {}) =>
  ({ InstanceGroupName: name, InstanceCount: String(count), ...extra });
/** An Update of one group `worker` from `from` to `to` nodes, with the new policy `policy`. */
const shrink = (from: number, to: number, policy: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  update([group('worker', from)], [group('worker', to, policy)], extra);

/**
 * The checks every handler test makes: the run reached `outcome`, the stand-in removed exactly
 * `removed` (each once), never more than the surplus, and only nodes of the allowed groups.
 */
function expectRun(run: ProviderRun, f: FakeSageMaker, outcome: ProviderRun['outcome'], removed: string[],
  limits: { surplus: number; groups?: string[] }): void {
  if (run.outcome !== outcome) {
    throw new Error(`expected ${outcome}, got ${run.outcome}: ${run.error?.message ?? ''}`);
  }
  expect([...f.removed].sort()).toEqual([...removed].sort());
  expect(new Set(f.removed).size).toBe(f.removed.length);
  expect(f.removed.length).toBeLessThanOrEqual(limits.surplus);
  const groupOf = new Map(f.nodes.map((n) => [n.instanceId ?? n.logicalId, n.group]));
  for (const id of f.removed) {
    expect(limits.groups ?? ['worker']).toContain(groupOf.get(id));
  }
}

const noCalls = (f: FakeSageMaker) => expect(f.calls).toEqual({});

describe('only what the deploy asked for (G1)', () => {
  test('create with an existing cluster of the same name removes nothing and calls nothing', async () => {
    const f = await start({ nodes: workers(6) });
    const run = await runProvider(f, request('Create', [group('worker', 2)]));
    expectRun(run, f, 'complete', [], { surplus: 0 });
    noCalls(f);
    expect(run.physicalResourceId).toMatch(/^demo\/[0-9a-f]{12}$/);
    expect(run.data).toMatchObject({ Removed: '0' });
  });

  test('delete calls nothing', async () => {
    const f = await start({ nodes: workers(5) });
    const run = await runProvider(f, request('Delete', [group('worker', 0)]));
    expectRun(run, f, 'complete', [], { surplus: 0 });
    expect(run.physicalResourceId).toBe('demo/previous');
    noCalls(f);
  });

  test.each<[string, Array<Record<string, unknown>>, Array<Record<string, unknown>>]>([
    ['a count that goes up', [group('worker', 5)], [group('worker', 6)]],
    ['only the order and chunk size change', [group('worker', 5)], [group('worker', 5, { Order: 'OldestFirst', ChunkSize: '7' })]],
    ['a rollback of a scale-down (counts go back up)', [group('worker', 3)], [group('worker', 5)]],
    ['removeNodeIds kept from an earlier deployment', [group('worker', 3, { RemoveNodeIds: [w[0]] })], [group('worker', 3, { RemoveNodeIds: [w[0]] })]],
    ['a group new to the template', [group('worker', 5)], [group('worker', 5), group('gpu', 0)]],
  ])('no SageMaker call when nothing is lowered: %s', async (_name, previous, groups) => {
    const f = await start({ nodes: workers(5), groups: [{ name: 'worker', targetCount: 5 }, { name: 'gpu', targetCount: 3 }] });
    const run = await runProvider(f, update(previous, groups));
    expectRun(run, f, 'complete', [], { surplus: 0 });
    noCalls(f);
    expect(run.polls).toBe(1);
  });

  test('an Update without OldResourceProperties removes nothing', async () => {
    const f = await start({ nodes: workers(5) });
    const run = await runProvider(f, request('Update', [group('worker', 2)]));
    expectRun(run, f, 'complete', [], { surplus: 0 });
    noCalls(f);
  });

  test('an untouched group keeps every node, and is not even listed', async () => {
    const other = makeNodes('other', 5, { idBase: 0x1000 });
    const f = await start({ nodes: [...workers(5), ...other] });
    const run = await runProvider(f, update([group('worker', 5), group('other', 5)], [group('worker', 3), group('other', 5)]));
    expectRun(run, f, 'complete', [w[4], w[3]], { surplus: 2 });
    expect(f.nodesOf('other')).toHaveLength(5);
    expect(f.calls.ListClusterNodes).toBe(1);
  });

  test('never more than the decrease, even when more nodes are listed (a failed node next to its replacement)', async () => {
    const replacement: NodeSpec = { group: 'worker', logicalId: 'r-1', status: 'Pending', launchTime: 1_700_100_000 };
    const f = await start({ nodes: [...workers(4, { 1: 'Failure' }), replacement], groups: [{ name: 'worker', targetCount: 4 }] });
    const run = await runProvider(f, shrink(4, 3));
    expectRun(run, f, 'complete', [w[1]], { surplus: 1 });
    expect(f.targetCounts.get('worker')).toBe(3);
  });

  test('a group already below its previous count gives up only the rest of the decrease', async () => {
    // Someone removed one node with the hyp CLI: TargetCount 4, previous 5, new 3.
    const f = await start({ nodes: workers(4) });
    const run = await runProvider(f, shrink(5, 3));
    expectRun(run, f, 'complete', [w[3]], { surplus: 1 });
  });

  test('an onEvent invoked twice (a lost invocation) continues where the first stopped and reports the whole decrease', async () => {
    const f = await start({ nodes: workers(6) });
    const event = shrink(6, 2, { ChunkSize: '2' });
    const client = testClient(f);
    const api = new SageMakerHyperPodApi(client);
    // The first invocation deletes one batch, then its time runs out.
    let calls = 0;
    const now = () => Date.parse('2025-01-01T00:00:00Z') + (calls++ > 1 ? 10 * 60_000 : 0); // start, batch 1, then late
    await onEvent(event, { api, log: () => {}, now, deadline: Date.parse('2025-01-01T00:05:00Z'), sleep: async () => {} });
    client.destroy();
    expect(f.removed).toEqual([w[5], w[4]]);
    const run = await runProvider(f, event);
    expectRun(run, f, 'complete', [w[5], w[4], w[3], w[2]], { surplus: 4 });
    expect(run.data).toMatchObject({ 'Removed': '4', 'Removed.worker': '4' });
  });
});

describe('update chooses by policy', () => {
  const pendingLogical: NodeSpec = { group: 'worker', logicalId: 'c0ffee00-0000-4000-8000-000000000001', status: 'Pending', launchTime: 1_700_001_000 };
  test.each<[string, NodeSpec[], number, Record<string, unknown>, string[]]>([
    ['listed ids first', workers(5), 3, { RemoveNodeIds: [w[1], w[0]] }, [w[1], w[0]]],
    ['then failed and pending nodes', workers(5, { 1: 'Failure', 3: 'Pending' }), 3, {}, [w[1], w[3]]],
    ['then the newest', workers(5), 3, {}, [w[4], w[3]]],
    ['oldest first', workers(5), 3, { Order: 'OldestFirst' }, [w[0], w[1]]],
    ['all rules together', [...workers(7, { 2: 'Failure' }), pendingLogical], 4, { RemoveNodeIds: [w[0]] },
      [w[0], w[2], pendingLogical.logicalId!, w[6]]],
  ])('%s', async (_name, nodes, desired, policy, expected) => {
    const f = await start({ nodes });
    const run = await runProvider(f, shrink(nodes.length, desired, policy));
    expectRun(run, f, 'complete', expected, { surplus: Math.max(0, nodes.length - desired) });
    // The order of the calls follows the policy too.
    expect(f.removed).toEqual(expected.filter((id) => !id.startsWith('i-')).concat(expected.filter((id) => id.startsWith('i-'))));
    expect(run.data).toMatchObject({ 'Removed': String(expected.length), 'Removed.worker': String(expected.length) });
    expect(f.targetCounts.get('worker')).toBe(nodes.length - expected.length);
  });

  test('a clean scale-down: onEvent does it all, isComplete makes no call', async () => {
    const f = await start({ nodes: workers(5) });
    const run = await runProvider(f, shrink(5, 3));
    expectRun(run, f, 'complete', [w[4], w[3]], { surplus: 2 });
    // describe, tags, one list page, one delete, describe to check TargetCount
    expect(f.calls).toEqual({ DescribeCluster: 2, ListTags: 1, ListClusterNodes: 1, BatchDeleteClusterNodes: 1 });
  });

  test('nodes still provisioning are deleted by logical id, 50 a call, never mixed with instance ids', async () => {
    const pending: NodeSpec[] = Array.from({ length: 60 }, (_, i) => ({
      group: 'worker', logicalId: `node-${String(i).padStart(3, '0')}`, status: 'Pending', launchTime: 1_700_100_000,
    }));
    const f = await start({ nodes: [...workers(4, { 0: 'Failure' }), ...pending] });
    const run = await runProvider(f, shrink(64, 3));
    expectRun(run, f, 'complete', [...pending.map((p) => p.logicalId!), w[0]], { surplus: 61 });
    expect(f.deleteCalls.map((c) => `${c.nodeIds.length}/${c.logicalIds.length}`)).toEqual(['0/50', '0/10', '1/0']);
  });

  test('a group whose name is a prefix of another never touches the other group', async () => {
    // worker-2's nodes are newer and failing: a substring match would pick them first.
    const other = makeNodes('worker-2', 5, { start: 1_800_000_000, idBase: 0x1000, status: 'Failure' });
    const f = await start({ nodes: [...workers(5), ...other] });
    const run = await runProvider(f, update([group('worker', 5), group('worker-2', 5)], [group('worker', 3), group('worker-2', 5)]));
    expectRun(run, f, 'complete', [w[4], w[3]], { surplus: 2 });
    expect(f.nodesOf('worker-2')).toHaveLength(5);
    expect(f.targetCounts.get('worker-2')).toBe(5);
  });

  test('two groups scaled down in one deployment, each by its own policy', async () => {
    const other = makeNodes('worker-2', 5, { start: 1_800_000_000, idBase: 0x1000 });
    other[1].status = 'Failure';
    const f = await start({ nodes: [...workers(5), ...other] });
    const run = await runProvider(f, update([group('worker', 5), group('worker-2', 5)], [
      group('worker', 3, { Order: 'OldestFirst' }),
      group('worker-2', 3),
    ]));
    const expected = [w[0], w[1], other[1].instanceId!, other[4].instanceId!];
    expectRun(run, f, 'complete', expected, { surplus: 4, groups: ['worker', 'worker-2'] });
    expect(run.data).toMatchObject({ 'Removed': '4', 'Removed.worker': '2', 'Removed.worker-2': '2' });
    expect([f.targetCounts.get('worker'), f.targetCounts.get('worker-2')]).toEqual([3, 3]);
  });

  test('a group the cluster does not have yet is left alone', async () => {
    const f = await start({ nodes: workers(5) });
    const run = await runProvider(f, update([group('worker', 5), group('new-group', 2)], [group('worker', 4), group('new-group', 1)]));
    expectRun(run, f, 'complete', [w[4]], { surplus: 1 });
    expect(run.logs.some((l) => l.group === 'new-group' && /not in the cluster yet/.test(String(l.msg)))).toBe(true);
  });

  test('scale to zero removes every node, including those still provisioning', async () => {
    const p: NodeSpec = { group: 'worker', logicalId: 'pending-1', status: 'Pending', launchTime: 1_700_100_000 };
    const f = await start({ nodes: [...workers(3), p] });
    const run = await runProvider(f, shrink(4, 0));
    expectRun(run, f, 'complete', [w[0], w[1], w[2], 'pending-1'], { surplus: 4 });
    expect(run.data).toMatchObject({ 'Removed': '4', 'Removed.worker': '4' });
    expect(f.targetCounts.get('worker')).toBe(0);
  });

  test('the physical id changes with the properties, and only then', () => {
    const a = shrink(5, 3).ResourceProperties;
    expect(physicalId('demo', a)).toBe(physicalId('demo', { ...a, ServiceToken: 'other' }));
    expect(physicalId('demo', a)).not.toBe(physicalId('demo', shrink(5, 2).ResourceProperties));
  });
});

describe('drift is refused, not trimmed (G2)', () => {
  test('a lowered group with nodes added outside the stack: refused, nothing removed, counts and ways out named', async () => {
    const f = await start({ nodes: workers(6) });
    const run = await runProvider(f, shrink(4, 2));
    expectRun(run, f, 'error', [], { surplus: 0 });
    expect(run.error?.message).toContain('instance group "worker" of cluster "demo" has 6 nodes (TargetCount), more than its previous instanceCount 4 and its new instanceCount 2');
    expect(run.error?.message).toContain('set instanceCount to 6');
    expect(run.error?.message).toContain('DriftPolicy.REMOVE_EXTRA_NODES');
    expect(f.calls.BatchDeleteClusterNodes).toBeUndefined();
    expect(f.calls.ListClusterNodes).toBeUndefined();
  });

  test('drift in an untouched group refuses a deployment that lowers another group', async () => {
    const other = makeNodes('other', 5, { idBase: 0x1000 });
    const f = await start({ nodes: [...workers(5), ...other] });
    const run = await runProvider(f, update([group('worker', 5), group('other', 2)], [group('worker', 3), group('other', 2)]));
    expectRun(run, f, 'error', [], { surplus: 0 });
    expect(run.error?.message).toContain('instance group "other"');
    expect(f.nodesOf('other')).toHaveLength(5);
  });

  test('Drift: Remove removes the extra nodes by policy down to the new count', async () => {
    const f = await start({ nodes: workers(6) });
    const run = await runProvider(f, shrink(4, 2, { Drift: 'Remove' }));
    expectRun(run, f, 'complete', [w[5], w[4], w[3], w[2]], { surplus: 4 });
    expect(f.targetCounts.get('worker')).toBe(2);
  });

  test('nodes added outside the stack are kept when the new count keeps them', async () => {
    const f = await start({ nodes: workers(6) });
    const run = await runProvider(f, update([group('worker', 4), group('b', 3)], [group('worker', 8), group('b', 2)]));
    expectRun(run, f, 'complete', [], { surplus: 0 });
  });
});

describe('only this stack\'s cluster (G3)', () => {
  test.each<[string, Record<string, string>]>([
    ['no owner tag', {}],
    ['another stack\'s tag', { 'hyperpod-cdk:stack-id': 'arn:aws:cloudformation:us-east-1:123456789012:stack/other/1' }],
  ])('%s: refused before any delete', async (_name, tags) => {
    const f = await start({ nodes: workers(6) });
    f.tags = tags;
    const run = await runProvider(f, shrink(6, 2));
    expectRun(run, f, 'error', [], { surplus: 0 });
    expect(run.error?.message).toMatch(/was not created by this stack: .*hyperpod-cdk:stack-id=arn:aws:cloudformation:us-east-1:123456789012:stack\/demo-stack/);
    expect(f.calls.BatchDeleteClusterNodes).toBeUndefined();
  });
});

describe('no churn (G4)', () => {
  test('a TargetCount that does not drop after deletes stops at once with a message that says so', async () => {
    const f = await start({ nodes: workers(4) });
    f.targetCountDrops = false;
    const run = await runProvider(f, shrink(4, 2), { maxPolls: 10 });
    expectRun(run, f, 'error', [w[3], w[2]], { surplus: 2 });
    expect(run.error?.message).toContain('SageMaker kept the group\'s TargetCount');
    expect(run.error?.message).toContain('TargetCount went from 4 to 4, not to 2');
    expect(f.calls.BatchDeleteClusterNodes).toBe(1);
  });
});

describe('no churn, found by the randomized suite', () => {
  test('K1: a passing error after accepted deletes still checks TargetCount before the pass ends', async () => {
    const f = await start({ nodes: workers(4) });
    f.targetCountDrops = false;
    f.onCall = (op, stand) => {
      if (op === 'BatchDeleteClusterNodes' && stand.deleteCalls.length === 1) {
        stand.throttle(1, 'BatchDeleteClusterNodes'); // the second delete call is throttled past the SDK's one attempt
      }
    };
    const run = await runProvider(f, shrink(4, 2, { ChunkSize: '1' }), { client: testClient(f, { maxAttempts: 1 }) });
    expect(run.outcome).toBe('error');
    expect(run.error?.message).toContain('SageMaker kept the group\'s TargetCount');
    expect(f.removed).toEqual([w[3]]);
  });

  test('K2: a lost answer whose retry reads InvalidNodeStatus counts as removed, so the TargetCount check covers it', async () => {
    const f = await start({ nodes: workers(4) });
    f.targetCountDrops = false;
    f.loseResponses(1);
    const run = await runProvider(f, shrink(4, 2), { client: testClient(f, { maxAttempts: 2 }) });
    expect(run.outcome).toBe('error');
    expect(run.error?.message).toContain('TargetCount went from 4 to 4, not to 2');
    expect(f.removed).toEqual([w[3], w[2]]);
    expect(f.deleteCalls.map((c) => c.outcome)).toEqual(['lost', 'ok']);
  });

  test('K2 without churn: the same lost answer completes, removing exactly the decrease', async () => {
    const f = await start({ nodes: workers(4) });
    f.loseResponses(1);
    const run = await runProvider(f, shrink(4, 2), { client: testClient(f, { maxAttempts: 2 }) });
    expectRun(run, f, 'complete', [w[3], w[2]], { surplus: 2 });
  });

  test('K3: a listed node removed with drift by an earlier pass is not reported missing by a later one', async () => {
    const f = await start({ nodes: workers(4), shutdownListings: 0 });
    f.failNode(w[3], 'NodeIdInUse', 2);
    const run = await runProvider(f, shrink(2, 2, { RemoveNodeIds: [w[0]], Drift: 'Remove' }));
    expectRun(run, f, 'complete', [w[0], w[3]], { surplus: 2 });
    expect(f.targetCounts.get('worker')).toBe(2);
  });
});

describe('never stuck (G5)', () => {
  test('out of Lambda time: onEvent stops before deleting, the polls finish the job', async () => {
    const f = await start({ nodes: workers(5) });
    const run = await runProvider(f, shrink(5, 3), { deadline: 0 });
    expect(run.outcome).toBe('timeout');
    expect(f.removed).toEqual([]);
    expect(run.logs.some((l) => /out of time/.test(String(l.msg)))).toBe(true);
    const second = await runProvider(f, shrink(5, 3));
    expectRun(second, f, 'complete', [w[4], w[3]], { surplus: 2 });
  });

  test('a cluster not InService is waited for, then scaled down', async () => {
    const f = await start({ nodes: workers(5) });
    f.clusterStatus = 'SystemUpdating';
    let polls = 0;
    f.onCall = (op, stand) => {
      if (op === 'DescribeCluster' && ++polls === 3) {
        stand.clusterStatus = 'InService';
      }
    };
    const run = await runProvider(f, shrink(5, 3));
    expectRun(run, f, 'complete', [w[4], w[3]], { surplus: 2 });
    expect(run.logs.some((l) => l.msg === 'waiting for the cluster' && l.status === 'SystemUpdating')).toBe(true);
  });

  test('a cluster that stays SystemUpdating fails at the timeout naming the cluster and its state', async () => {
    const f = await start({ nodes: workers(5) });
    f.clusterStatus = 'SystemUpdating';
    let clock = Date.parse('2025-01-01T00:00:00Z');
    const run = await runProvider(f, shrink(5, 3, {}, { TimeoutSeconds: '300' }), { now: () => (clock += 60_000), maxPolls: 20 });
    expectRun(run, f, 'error', [], { surplus: 0 });
    expect(run.error?.message).toContain('scale-down of cluster "demo" did not finish within 300 seconds');
    expect(run.error?.message).toContain('cluster "demo" is SystemUpdating: nodes are removed only while it is InService');
  });

  test('persistent 500s in onEvent are not fatal: the polls retry and finish', async () => {
    const f = await start({ nodes: workers(5) });
    f.serverError(8, 'DescribeCluster'); // more than the SDK's attempts
    const run = await runProvider(f, shrink(5, 3), { client: testClient(f, { maxAttempts: 2 }) });
    expectRun(run, f, 'complete', [w[4], w[3]], { surplus: 2 });
    expect(run.logs.some((l) => /passing error/.test(String(l.msg)))).toBe(true);
  }, 60_000);

  test('an error that is not passing names the cluster and says what to do', async () => {
    const f = await start({ nodes: workers(5) });
    f.fail(1, 400, 'AccessDeniedException', 'BatchDeleteClusterNodes');
    const run = await runProvider(f, shrink(5, 3));
    expectRun(run, f, 'error', [], { surplus: 2 });
    expect(run.error?.name).toBe('AccessDeniedException');
    expect(run.error?.message).toMatch(/^scale-down of cluster "demo" failed: AccessDeniedException: injected AccessDeniedException\. .*the function's role/);
  });
});

describe('faults', () => {
  test('throttling and 500s are retried by the SDK', async () => {
    const f = await start({ nodes: workers(5) });
    // Few throttles: after one, the adaptive strategy also slows the client down on purpose.
    f.throttle(1, 'DescribeCluster');
    f.throttle(1, 'ListClusterNodes');
    f.serverError(2, 'BatchDeleteClusterNodes');
    const run = await runProvider(f, shrink(5, 3));
    expectRun(run, f, 'complete', [w[4], w[3]], { surplus: 2 });
    expect(f.deleteCalls.map((c) => c.outcome)).toEqual(['InternalFailure', 'InternalFailure', 'ok']);
  }, 60_000);

  test('a lost answer retried by the SDK deletes nothing twice', async () => {
    const f = await start({ nodes: workers(5) });
    f.loseResponses(1);
    const run = await runProvider(f, shrink(5, 3));
    expectRun(run, f, 'complete', [w[4], w[3]], { surplus: 2 });
    // The SDK re-sent the same call; the stand-in refused the nodes already shutting down.
    expect(f.deleteCalls.map((c) => c.outcome)).toEqual(['lost', 'ok']);
    expect(f.deleteCalls[1].nodeIds).toEqual(f.deleteCalls[0].nodeIds);
  });

  test.each<[string, number, string[], string[]]>([
    ['policy picks, nodes still shutting down', 1, [], [w[5], w[4], w[3]]],
    ['policy picks, nodes already gone from the listing', 0, [], [w[5], w[4], w[3]]],
    ['a listed id, still shutting down', 1, [w[0]], [w[0], w[5], w[4]]],
    ['a listed id, already gone from the listing', 0, [w[0]], [w[0], w[5], w[4]]],
  ])('a lost answer, then the handler runs again, deletes nothing twice (%s)', async (_name, shutdownListings, listed, expected) => {
    const f = await start({ nodes: workers(6), shutdownListings });
    f.loseResponses(1);
    const event = shrink(6, 3, { RemoveNodeIds: listed, ChunkSize: '2' });
    const first = await runProvider(f, event, { client: testClient(f, { maxAttempts: 1 }), maxPolls: 0 });
    expect(f.removed).toEqual(expected.slice(0, 2));
    expect(first.outcome).not.toBe('complete');
    const second = await runProvider(f, event);
    expectRun(second, f, 'complete', expected, { surplus: 3 });
    expect(second.data).toMatchObject({ 'Removed.worker': '3' });
  });

  test.each(['NodeIdInUse', 'InvalidNodeStatus'])('%s is retried on the next poll', async (code) => {
    const f = await start({ nodes: workers(5) });
    f.failNode(w[4], code, 2);
    const run = await runProvider(f, shrink(5, 3));
    expectRun(run, f, 'complete', [w[4], w[3]], { surplus: 2 });
    expect(f.deleteCalls.map((c) => c.nodeIds)).toEqual([[w[4], w[3]], [w[4]], [w[4]]]);
    expect(run.polls).toBe(2);
  });

  test('an unknown failure code fails with node, code and message, and what was removed', async () => {
    const f = await start({ nodes: workers(5) });
    f.failNode(w[4], 'QuotaSurprise', 1, 'something unexpected happened');
    const run = await runProvider(f, shrink(5, 3));
    expectRun(run, f, 'error', [w[3]], { surplus: 2 });
    expect(run.error?.message).toContain(`node ${w[4]}: QuotaSurprise: something unexpected happened`);
    expect(run.error?.message).toContain('instance group "worker"');
    expect(run.error?.message).toContain(`removed in this pass: 1 (${w[3]})`);
  });

  test('a missing cluster on update is nothing to do', async () => {
    const f = await start({ nodes: workers(5) });
    f.clusterExists = false;
    const run = await runProvider(f, shrink(5, 3));
    expectRun(run, f, 'complete', [], { surplus: 0 });
    expect(run.data).toMatchObject({ Removed: '0' });
  });

  test('a TargetCount above the listed nodes (launches not listed yet) does not make room by removing running nodes', async () => {
    const f = await start({ nodes: workers(4), groups: [{ name: 'worker', targetCount: 6 }] });
    const run = await runProvider(f, shrink(6, 5), { maxPolls: 3 });
    expectRun(run, f, 'complete', [], { surplus: 0 });
  });

  test('with such a TargetCount, it removes what the listing holds above the new count', async () => {
    const f = await start({ nodes: workers(7), groups: [{ name: 'worker', targetCount: 10 }] });
    const run = await runProvider(f, shrink(10, 5), { maxPolls: 3 });
    expectRun(run, f, 'complete', [w[6], w[5]], { surplus: 2 });
    expect(f.targetCounts.get('worker')).toBe(8);
  });

  test('with TimeoutSeconds, isComplete gives up with what is left instead of the bare Provider timeout', async () => {
    const f = await start({ nodes: workers(5) });
    f.failNode(w[4], 'NodeIdInUse', 100, 'pods are still running');
    let clock = Date.parse('2025-01-01T00:00:00Z');
    const now = () => (clock += 60_000); // one minute a call
    const run = await runProvider(f, shrink(5, 3, {}, { TimeoutSeconds: '300' }), { now, maxPolls: 20 });
    expectRun(run, f, 'error', [w[3]], { surplus: 2 });
    expect(run.error?.message).toMatch(/did not finish within 300 seconds/);
    expect(run.error?.message).toContain(`node ${w[4]}: NodeIdInUse: pods are still running`);
  });
});

describe('listed ids', () => {
  test('an id of another group fails, naming the id and its group', async () => {
    const other = makeNodes('gpu', 2, { idBase: 0x2000 });
    const f = await start({ nodes: [...workers(5), ...other] });
    const run = await runProvider(f, shrink(5, 3, { RemoveNodeIds: [other[1].instanceId] }));
    expectRun(run, f, 'error', [], { surplus: 2 });
    expect(run.error?.message).toContain(`${other[1].instanceId} belongs to instance group "gpu", not "worker"`);
  });

  test('an id in no group fails', async () => {
    const f = await start({ nodes: workers(5) });
    const run = await runProvider(f, shrink(5, 3, { RemoveNodeIds: ['i-0123456789abcdef0'] }));
    expectRun(run, f, 'error', [], { surplus: 2 });
    expect(run.error?.message).toContain('removeNodeIds i-0123456789abcdef0 not found in this group');
  });

  test('new ids without a lower count are ignored with a warning, and no call is made (a rollback can never fail on them)', async () => {
    const f = await start({ nodes: workers(5) });
    const run = await runProvider(f, shrink(5, 5, { RemoveNodeIds: [w[0]] }));
    expectRun(run, f, 'complete', [], { surplus: 0 });
    noCalls(f);
    const other = await runProvider(f, update([group('worker', 5), group('b', 3)], [group('worker', 5, { RemoveNodeIds: [w[0]] }), group('b', 2)]));
    expect(other.logs.some((l) => l.level === 'warn' && /removeNodeIds ignored/.test(String(l.msg)) && l.group === 'worker')).toBe(true);
    expect(f.nodesOf('worker')).toHaveLength(5);
  });

  test('a badly formed id fails before anything is deleted', async () => {
    const f = await start({ nodes: workers(5) });
    const run = await runProvider(f, shrink(5, 3, { RemoveNodeIds: ['node-1'] }));
    expectRun(run, f, 'error', [], { surplus: 2 });
    expect(run.error?.message).toContain('"node-1"');
  });
});

// The 10,000-node shape is bench/scale-down.ts (c); here the same rules on 1,000 nodes (several pages, several delete calls).
test('a 1,000-node group halved: 500 removed by policy, at most 99 ids a call', async () => {
  const nodes = makeNodes('workers', 1_000);
  nodes[10].status = 'Failure';
  nodes[20].status = 'Pending';
  const listed = [nodes[0].instanceId!, nodes[1].instanceId!];
  const other = makeNodes('workers-2', 100, { idBase: 0x100000, start: 1_900_000_000 });
  const f = await start({ nodes: [...nodes, ...other] });
  const run = await runProvider(f, update([group('workers', 1_000), group('workers-2', 100)],
    [group('workers', 500, { RemoveNodeIds: listed }), group('workers-2', 100)]));
  const expected = [...listed, nodes[10].instanceId!, nodes[20].instanceId!,
    ...nodes.slice(2).reverse().filter((n) => n.status === 'Running').slice(0, 496).map((n) => n.instanceId!)];
  expectRun(run, f, 'complete', expected, { surplus: 500, groups: ['workers'] });
  expect(f.removed).toEqual(expected);
  expect(Math.max(...f.deleteCalls.map((c) => c.nodeIds.length))).toBeLessThanOrEqual(99);
  expect(f.deleteCalls).toHaveLength(Math.ceil(500 / 99));
  expect(run.data).toMatchObject({ 'Removed': '500', 'Removed.workers': '500' });
}, 60_000);

describe('bundled handlers in a child node process (SDK defaults + AWS_ENDPOINT_URL_SAGEMAKER)', () => {
  const invoke = invokeBundled;

  test('update 5 -> 3 with a listed id, polled to completion', async () => {
    const f = await start({ nodes: workers(5) });
    const event = shrink(5, 3, { RemoveNodeIds: [w[2]] });
    const first = await invoke('on-event', f, event);
    expect(first.PhysicalResourceId).toMatch(/^demo\//);
    let result: Record<string, unknown> = {};
    for (let poll = 0; poll < 5 && result.IsComplete !== true; poll++) {
      result = await invoke('is-complete', f, { ...event, ...first } as HandlerRequest);
    }
    expect(result).toMatchObject({ IsComplete: true });
    expect(first.Data).toMatchObject({ 'Removed': '2', 'Removed.worker': '2' });
    expectRun({ outcome: 'complete', polls: 1, logs: [] }, f, 'complete', [w[2], w[4]], { surplus: 2 });
  }, 60_000);

  test('create calls nothing', async () => {
    const f = await start({ nodes: workers(2) });
    const event = request('Create', [group('worker', 1)]);
    const first = await invoke('on-event', f, event);
    const done = await invoke('is-complete', f, { ...event, ...first } as HandlerRequest);
    expect(first.PhysicalResourceId).toMatch(/^demo\//);
    expect(done).toMatchObject({ IsComplete: true });
    noCalls(f);
  }, 60_000);
});
