import { invokeBundled } from './support/bundled-handlers';
import { FakeNode, FakeSageMaker, FakeSageMakerOptions, makeNodes } from './support/fake-sagemaker';
import { ProviderRun, request, runProvider, testClient } from './support/scale-down-driver';
import type { ScaleDownRequest } from '../src/private/scale-down/handler';

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

const warnings = (run: ProviderRun) => run.logs.filter((l) => l.level === 'warn').map((l) => String(l.msg));

describe('create and delete', () => {
  test('create before the cluster exists does nothing', async () => {
    const f = await start({ nodes: workers(5) });
    f.clusterExists = false;
    const run = await runProvider(f, request('Create', [group('worker', 3)]));
    expectRun(run, f, 'complete', [], { surplus: 0 });
    expect(run.physicalResourceId).toBe('demo');
    expect(run.data).toMatchObject({ Removed: '0' });
    expect(f.calls.BatchDeleteClusterNodes).toBeUndefined();
  });

  test('create with an existing cluster scales down like an update', async () => {
    const f = await start({ nodes: workers(5) });
    const run = await runProvider(f, request('Create', [group('worker', 3)]));
    expectRun(run, f, 'complete', [w[4], w[3]], { surplus: 2 });
    expect(run.physicalResourceId).toBe('demo');
  });

  test('delete does nothing and calls nothing', async () => {
    const f = await start({ nodes: workers(5) });
    const run = await runProvider(f, request('Delete', [group('worker', 0)]));
    expectRun(run, f, 'complete', [], { surplus: 0 });
    expect(run.physicalResourceId).toBe('demo');
    expect(f.calls).toEqual({});
  });

  test('an unknown request type fails', async () => {
    const f = await start({ nodes: workers(5) });
    const run = await runProvider(f, request('Replace', [group('worker', 3)]));
    expectRun(run, f, 'error', [], { surplus: 0 });
    expect(run.error?.message).toBe('Unknown request type: Replace');
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
    ['a count that goes up removes nothing', workers(5), 6, {}, []],
  ])('%s', async (_name, nodes, desired, policy, expected) => {
    const f = await start({ nodes });
    const run = await runProvider(f, request('Update', [group('worker', desired, policy)]));
    expectRun(run, f, 'complete', expected, { surplus: Math.max(0, nodes.length - desired) });
    // The order of the calls follows the policy too.
    expect(f.removed).toEqual(expected.filter((id) => !id.startsWith('i-')).concat(expected.filter((id) => id.startsWith('i-'))));
    expect(run.data).toMatchObject({ Removed: String(expected.length) });
    if (expected.length > 0) {
      expect(run.data).toMatchObject({ 'Removed.worker': String(expected.length) });
    }
    expect(f.targetCounts.get('worker')).toBe(nodes.length - expected.length);
  });

  test('nodes still provisioning are deleted by logical id, 50 a call, never mixed with instance ids', async () => {
    const pending: NodeSpec[] = Array.from({ length: 60 }, (_, i) => ({
      group: 'worker', logicalId: `node-${String(i).padStart(3, '0')}`, status: 'Pending', launchTime: 1_700_100_000,
    }));
    const f = await start({ nodes: [...workers(4, { 0: 'Failure' }), ...pending] });
    const run = await runProvider(f, request('Update', [group('worker', 3)]));
    expectRun(run, f, 'complete', [...pending.map((p) => p.logicalId!), w[0]], { surplus: 61 });
    expect(f.deleteCalls.map((c) => `${c.nodeIds.length}/${c.logicalIds.length}`)).toEqual(['0/50', '0/10', '1/0']);
  });

  test('a group whose name is a prefix of another never touches the other group', async () => {
    // worker-2's nodes are newer and failing: a substring match would pick them first.
    const other = makeNodes('worker-2', 5, { start: 1_800_000_000, idBase: 0x1000, status: 'Failure' });
    const f = await start({ nodes: [...workers(5), ...other] });
    const run = await runProvider(f, request('Update', [group('worker', 3), group('worker-2', 5)]));
    expectRun(run, f, 'complete', [w[4], w[3]], { surplus: 2 });
    expect(f.nodesOf('worker-2')).toHaveLength(5);
    expect(f.targetCounts.get('worker-2')).toBe(5);
  });

  test('two groups scaled down in one deployment, each by its own policy', async () => {
    const other = makeNodes('worker-2', 5, { start: 1_800_000_000, idBase: 0x1000 });
    other[1].status = 'Failure';
    const f = await start({ nodes: [...workers(5), ...other] });
    const run = await runProvider(f, request('Update', [
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
    const run = await runProvider(f, request('Update', [group('worker', 4), group('new-group', 2)]));
    expectRun(run, f, 'complete', [w[4]], { surplus: 1 });
    expect(run.logs.some((l) => l.group === 'new-group' && /not in the cluster yet/.test(String(l.msg)))).toBe(true);
  });

  test('scale to zero removes every node, including those still provisioning', async () => {
    const p: NodeSpec = { group: 'worker', logicalId: 'pending-1', status: 'Pending', launchTime: 1_700_100_000 };
    const f = await start({ nodes: [...workers(3), p] });
    const run = await runProvider(f, request('Update', [group('worker', 0)]));
    expectRun(run, f, 'complete', [w[0], w[1], w[2], 'pending-1'], { surplus: 4 });
    expect(run.data).toMatchObject({ 'Removed': '4', 'Removed.worker': '4' });
    expect(f.targetCounts.get('worker')).toBe(0);
  });
});

describe('faults', () => {
  test('throttling and 500s are retried by the SDK', async () => {
    const f = await start({ nodes: workers(5) });
    // Few throttles: after one, the adaptive strategy also slows the client down on purpose.
    f.throttle(1, 'DescribeCluster');
    f.throttle(1, 'ListClusterNodes');
    f.serverError(2, 'BatchDeleteClusterNodes');
    const run = await runProvider(f, request('Update', [group('worker', 3)]));
    expectRun(run, f, 'complete', [w[4], w[3]], { surplus: 2 });
    expect(f.deleteCalls.map((c) => c.outcome)).toEqual(['InternalFailure', 'InternalFailure', 'ok']);
    expect(f.calls.DescribeCluster).toBe(1 + 1 + run.polls);
    expect(f.calls.ListClusterNodes).toBe(1 + 1 + run.polls);
  }, 30_000);

  test('a lost answer retried by the SDK deletes nothing twice', async () => {
    const f = await start({ nodes: workers(5) });
    f.loseResponses(1);
    const run = await runProvider(f, request('Update', [group('worker', 3)]));
    expectRun(run, f, 'complete', [w[4], w[3]], { surplus: 2 });
    // The SDK re-sent the same call; the stand-in refused the nodes already shutting down.
    expect(f.deleteCalls.map((c) => c.outcome)).toEqual(['lost', 'ok']);
    expect(f.deleteCalls[1].nodeIds).toEqual(f.deleteCalls[0].nodeIds);
  });

  test.each<[string, number, string[], string[]]>([
    ['policy picks, nodes still shutting down', 1, [], [w[5], w[4], w[3]]],
    ['policy picks, nodes already gone from the listing', 0, [], [w[5], w[4], w[3]]],
    ['a listed id, still shutting down', 1, [w[0]], [w[0], w[5], w[4]]],
  ])('a lost answer, then the handler runs again, deletes nothing twice (%s)', async (_name, shutdownListings, listed, expected) => {
    const f = await start({ nodes: workers(6), shutdownListings });
    f.loseResponses(1);
    const update = request('Update', [group('worker', 3, { RemoveNodeIds: listed, ChunkSize: '2' })]);
    const first = await runProvider(f, update, { client: testClient(f, { maxAttempts: 1 }) });
    expectRun(first, f, 'error', expected.slice(0, 2), { surplus: 3 });
    const second = await runProvider(f, update);
    expectRun(second, f, 'complete', expected, { surplus: 3 });
    const resent = f.deleteCalls.slice(1).flatMap((c) => c.nodeIds);
    expect(resent.filter((id) => expected.slice(0, 2).includes(id))).toEqual([]);
  });

  test('a lost answer, then the handler runs again after the listed node left the listing: it asks to drop the id', async () => {
    // Without state, an absent listed id while the group still has a surplus may be a typo:
    // the handler refuses rather than remove a node the user did not name in its place.
    const f = await start({ nodes: workers(6), shutdownListings: 0 });
    f.loseResponses(1);
    const update = request('Update', [group('worker', 3, { RemoveNodeIds: [w[0]], ChunkSize: '2' })]);
    await runProvider(f, update, { client: testClient(f, { maxAttempts: 1 }) });
    const second = await runProvider(f, update);
    expectRun(second, f, 'error', [w[0], w[5]], { surplus: 3 });
    expect(second.error?.message).toContain(`removeNodeIds ${w[0]} not found in this group`);
    expect(second.error?.message).toContain('drop them from removeNodeIds');
    expect(f.deleteCalls).toHaveLength(1);
  });

  test.each(['NodeIdInUse', 'InvalidNodeStatus'])('%s is retried on the next poll', async (code) => {
    const f = await start({ nodes: workers(5) });
    f.failNode(w[4], code, 2);
    const run = await runProvider(f, request('Update', [group('worker', 3)]));
    expectRun(run, f, 'complete', [w[4], w[3]], { surplus: 2 });
    expect(f.deleteCalls.map((c) => c.nodeIds)).toEqual([[w[4], w[3]], [w[4]], [w[4]]]);
    expect(run.polls).toBe(3);
  });

  test('an unknown failure code fails with node, code and message', async () => {
    const f = await start({ nodes: workers(5) });
    f.failNode(w[4], 'QuotaSurprise', 1, 'something unexpected happened');
    const run = await runProvider(f, request('Update', [group('worker', 3)]));
    expectRun(run, f, 'error', [w[3]], { surplus: 2 });
    expect(run.error?.message).toContain(`node ${w[4]}: QuotaSurprise: something unexpected happened`);
    expect(run.error?.message).toContain('instance group "worker"');
  });

  test('a missing cluster on update is nothing to do', async () => {
    const f = await start({ nodes: workers(5) });
    f.clusterExists = false;
    const run = await runProvider(f, request('Update', [group('worker', 3)]));
    expectRun(run, f, 'complete', [], { surplus: 0 });
    expect(run.data).toMatchObject({ Removed: '0' });
  });

  test('a cluster missing for one call (ResourceNotFound on ListClusterNodes) is taken as missing; the next poll does the job', async () => {
    const f = await start({ nodes: workers(5) });
    f.fail(1, 400, 'ResourceNotFound', 'ListClusterNodes');
    const run = await runProvider(f, request('Update', [group('worker', 3)]));
    // onEvent took the cluster as missing; the first poll found it again and did the job.
    expectRun(run, f, 'complete', [w[4], w[3]], { surplus: 2 });
    expect(run.polls).toBe(2);
  });

  test('an error the SDK does not retry fails the deployment with its name', async () => {
    const f = await start({ nodes: workers(5) });
    f.fail(1, 400, 'AccessDeniedException', 'BatchDeleteClusterNodes');
    const run = await runProvider(f, request('Update', [group('worker', 3)]));
    expectRun(run, f, 'error', [], { surplus: 2 });
    expect(run.error?.name).toBe('AccessDeniedException');
    expect(f.calls.BatchDeleteClusterNodes).toBe(1);
  });

  test('a TargetCount that does not drop is logged as a warning and never completes', async () => {
    const f = await start({ nodes: workers(5) });
    f.targetCountDrops = false;
    const run = await runProvider(f, request('Update', [group('worker', 3)]), { maxPolls: 3 });
    expectRun(run, f, 'timeout', [w[4], w[3]], { surplus: 2 });
    expect(warnings(run).join('\n')).toMatch(/2 node\(s\) left instance group "worker" but its TargetCount did not drop \(5 before, 5 now/);
  });

  test('a TargetCount above the listed nodes (launches not listed yet) does not hold the deployment', async () => {
    const f = await start({ nodes: workers(4), groups: [{ name: 'worker', targetCount: 6 }] });
    const run = await runProvider(f, request('Update', [group('worker', 5)]), { maxPolls: 3 });
    expectRun(run, f, 'complete', [], { surplus: 0 });
    expect(run.polls).toBe(1);
    expect(warnings(run).join('\n')).toMatch(/has TargetCount 6 but only 4 node\(s\) listed for desired 5/);
  });

  test('with such a TargetCount, it completes once the target dropped by the nodes removed', async () => {
    const f = await start({ nodes: workers(7), groups: [{ name: 'worker', targetCount: 10 }] });
    const run = await runProvider(f, request('Update', [group('worker', 5)]), { maxPolls: 3 });
    expectRun(run, f, 'complete', [w[6], w[5]], { surplus: 2 });
    expect(f.targetCounts.get('worker')).toBe(8);
    expect(run.data).toMatchObject({ 'Removed.worker': '2' });
  });

  test('with TimeoutSeconds, isComplete gives up with what is left instead of the bare Provider timeout', async () => {
    const f = await start({ nodes: workers(5) });
    f.failNode(w[4], 'NodeIdInUse', 100, 'pods are still running');
    let clock = Date.parse('2025-01-01T00:00:00Z');
    const now = () => (clock += 60_000); // one minute a call
    const run = await runProvider(f, request('Update', [group('worker', 3)], { TimeoutSeconds: '300' }), { now, maxPolls: 20 });
    expectRun(run, f, 'error', [w[3]], { surplus: 2 });
    expect(run.error?.message).toMatch(/did not finish within 300 seconds/);
    expect(run.error?.message).toContain(`node ${w[4]}: NodeIdInUse: pods are still running`);
  });
});

describe('listed ids', () => {
  test('an id of another group fails, naming the id and its group', async () => {
    const other = makeNodes('gpu', 2, { idBase: 0x2000 });
    const f = await start({ nodes: [...workers(5), ...other] });
    const run = await runProvider(f, request('Update', [group('worker', 3, { RemoveNodeIds: [other[1].instanceId] })]));
    expectRun(run, f, 'error', [], { surplus: 2 });
    expect(run.error?.message).toContain(`${other[1].instanceId} belongs to instance group "gpu", not "worker"`);
  });

  test('an id in no group fails while the group has a surplus', async () => {
    const f = await start({ nodes: workers(5) });
    const run = await runProvider(f, request('Update', [group('worker', 3, { RemoveNodeIds: ['i-0123456789abcdef0'] })]));
    expectRun(run, f, 'error', [], { surplus: 2 });
    expect(run.error?.message).toContain('removeNodeIds i-0123456789abcdef0 not found in this group');
  });

  test('an id already gone when the group is at its count is fine (re-run after success)', async () => {
    const f = await start({ nodes: workers(3) });
    const run = await runProvider(f, request('Update', [group('worker', 3, { RemoveNodeIds: ['i-0123456789abcdef0'] })]));
    expectRun(run, f, 'complete', [], { surplus: 0 });
  });

  test('a badly formed id fails before anything is deleted', async () => {
    const f = await start({ nodes: workers(5) });
    const run = await runProvider(f, request('Update', [group('worker', 3, { RemoveNodeIds: ['node-1'] })]));
    expectRun(run, f, 'error', [], { surplus: 2 });
    expect(run.error?.message).toContain('"node-1"');
  });
});

test('a 10,000-node group halved: 5,000 removed by policy, at most 99 ids a call', async () => {
  const nodes = makeNodes('workers', 10_000);
  nodes[10].status = 'Failure';
  nodes[20].status = 'Pending';
  const listed = [nodes[0].instanceId!, nodes[1].instanceId!];
  const other = makeNodes('workers-2', 100, { idBase: 0x100000, start: 1_900_000_000 });
  const f = await start({ nodes: [...nodes, ...other] });
  const run = await runProvider(f, request('Update', [group('workers', 5000, { RemoveNodeIds: listed }), group('workers-2', 100)]));
  const expected = [...listed, nodes[10].instanceId!, nodes[20].instanceId!,
    ...nodes.slice(2).reverse().filter((n) => n.status === 'Running').slice(0, 4996).map((n) => n.instanceId!)];
  expectRun(run, f, 'complete', expected, { surplus: 5000, groups: ['workers'] });
  expect(f.removed).toEqual(expected);
  expect(Math.max(...f.deleteCalls.map((c) => c.nodeIds.length))).toBeLessThanOrEqual(99);
  expect(f.deleteCalls).toHaveLength(Math.ceil(5000 / 99));
  expect(run.data).toMatchObject({ 'Removed': '5000', 'Removed.workers': '5000' });
  console.log(`10,000 -> 5,000: calls ${JSON.stringify(f.calls)}, isComplete polls ${run.polls}`);
});

describe('bundled handlers in a child node process (SDK defaults + AWS_ENDPOINT_URL_SAGEMAKER)', () => {
  const invoke = invokeBundled;

  test('update 5 -> 3 with a listed id, polled to completion', async () => {
    const f = await start({ nodes: workers(5) });
    const event = request('Update', [group('worker', 3, { RemoveNodeIds: [w[2]] })]);
    const first = await invoke('on-event', f, event);
    expect(first.PhysicalResourceId).toBe('demo');
    let result: Record<string, unknown> = {};
    for (let poll = 0; poll < 5 && result.IsComplete !== true; poll++) {
      result = await invoke('is-complete', f, { ...event, ...first } as ScaleDownRequest);
    }
    expect(result).toMatchObject({ IsComplete: true, Data: { 'Removed': '2', 'Removed.worker': '2' } });
    expectRun({ outcome: 'complete', polls: 1, logs: [] }, f, 'complete', [w[2], w[4]], { surplus: 2 });
  });

  test('create before the cluster exists', async () => {
    const f = await start({ nodes: workers(2) });
    f.clusterExists = false;
    const event = request('Create', [group('worker', 1)]);
    const first = await invoke('on-event', f, event);
    const done = await invoke('is-complete', f, { ...event, ...first } as ScaleDownRequest);
    expect(first.PhysicalResourceId).toBe('demo');
    expect(done).toMatchObject({ IsComplete: true });
    expect(f.calls.DescribeCluster).toBe(2); // the stand-in was reached through the env var
    expectRun({ outcome: 'complete', polls: 1, logs: [] }, f, 'complete', [], { surplus: 0 });
  });
});
