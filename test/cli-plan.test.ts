/**
 * `hyperpod-cdk plan`: run in-process against the SageMaker stand-in, and compared with what
 * the scale-down custom resource's handler really deletes on an identical cluster.
 */
import { runCli } from './support/cli-runner';
import { FakeNode, FakeSageMaker, makeNodes } from './support/fake-sagemaker';
import { request, runProvider } from './support/scale-down-driver';
import { PlanJson } from '../src/cli/plan';

const id = (n: number) => `i-${n.toString(16).padStart(17, '0')}`;

/** worker: 6 nodes launched a minute apart (node 2 failed its health checks) and one still provisioning; gpu: 2 nodes. */
function clusterNodes(): Array<Omit<FakeNode, 'vanishAtListing'>> {
  const worker = makeNodes('worker', 6);
  worker[2] = { ...worker[2], status: 'Failure', message: 'Node failed deep health check: GPU 3 unhealthy' };
  return [
    ...worker,
    { group: 'worker', logicalId: 'lg-worker-9', status: 'Pending', launchTime: 1_700_001_000 },
    ...makeNodes('gpu', 2, { idBase: 0x100 }),
  ];
}

let fake: FakeSageMaker;

beforeEach(async () => {
  fake = await FakeSageMaker.start({ nodes: clusterNodes() });
});

afterEach(async () => {
  // plan never deletes, whatever it prints
  expect(fake.calls.BatchDeleteClusterNodes).toBeUndefined();
  expect(fake.deleteCalls).toEqual([]);
  expect(fake.removed).toEqual([]);
  await fake.close();
});

async function planJsonOf(argv: string[]): Promise<PlanJson> {
  const result = await runCli(fake, [...argv, '--json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as PlanJson;
}

const lines = (text: string) => text.split('\n');

test('a listed node goes first, then the failed one; each with its reason, and the delete call', async () => {
  const result = await runCli(fake, ['plan', 'demo', '--group', 'worker', '--count', '5', '--remove', id(1)]);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  const out = result.stdout;
  expect(out).toContain('Scale-down plan for instance group "worker" of cluster "demo" (us-east-1): keep 5 nodes');
  expect(out).toContain('  nodes now: 7; TargetCount 7, CurrentCount 6');
  expect(out).toContain(`  order:     listed ids (${id(1)}), then nodes not serving (Failure, NotFound, Pending, ` +
    'DeepHealthCheckInProgress), then NewestFirst\n  calls:     at most 99 instance ids (or 50 logical ids) per BatchDeleteClusterNodes call\n');
  expect(out).toContain('Would remove 2 nodes (surplus 2), in this order:');
  expect(lines(out)).toContainEqual(expect.stringMatching(/^ {2}# +NODE +STATUS +LAUNCHED +REASON +MESSAGE$/));
  expect(lines(out)).toContainEqual(expect.stringMatching(new RegExp(`^ {2}1 +${id(1)} +Running +2023-11-14T22:14:20Z +listed for removal +-$`)));
  expect(lines(out)).toContainEqual(expect.stringMatching(
    new RegExp(`^ {2}2 +${id(2)} +Failure +2023-11-14T22:15:20Z +status Failure +Node failed deep health check: GPU 3 unhealthy$`)));
  expect(out).toContain(`In 1 BatchDeleteClusterNodes call:\n  1. NodeIds, 2 ids: ${id(1)}, ${id(2)}\n`);
  expect(out).toContain('Nothing was changed.');
  expect(fake.calls).toEqual({ DescribeCluster: 1, ListClusterNodes: 1 });
});

test('without listed ids: nodes not serving first (Failure, then Pending), then the newest; provisioning nodes go by logical id', async () => {
  const plan = await planJsonOf(['plan', 'demo', '--group', 'worker', '--count', '3']);
  expect(plan.remove.map((n) => [n.instanceId ?? n.logicalId, n.reason])).toEqual([
    [id(2), 'status Failure'], ['lg-worker-9', 'status Pending'], [id(5), 'newest'], [id(4), 'newest'],
  ]);
  expect(plan.batches).toEqual([{ kind: 'NodeLogicalIds', ids: ['lg-worker-9'] }, { kind: 'NodeIds', ids: [id(2), id(5), id(4)] }]);
  expect(plan).toMatchObject({ existing: 7, shuttingDown: 0, surplus: 4, errors: [], listedGone: [] });
});

test('--order OldestFirst takes the oldest serving nodes, reason "oldest"', async () => {
  const result = await runCli(fake, ['plan', 'demo', '--group', 'worker', '--count', '3', '--order', 'OldestFirst']);
  expect(result.code).toBe(0);
  expect(lines(result.stdout)).toContainEqual(expect.stringMatching(new RegExp(`^ {2}3 +${id(0)} +Running +2023-11-14T22:13:20Z +oldest +-$`)));
  expect(lines(result.stdout)).toContainEqual(expect.stringMatching(new RegExp(`^ {2}4 +${id(1)} +Running .* +oldest +-$`)));
  expect(result.stdout).toContain('then OldestFirst\n');
});

test.each(['7', '12'])('--count %s (not below the group\'s nodes): nothing would be removed', async (count) => {
  const result = await runCli(fake, ['plan', 'demo', '--group', 'worker', '--count', count]);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  expect(result.stdout).toContain(`Nothing would be removed: the group has 7 nodes (not counting nodes shutting down), not more than ${count}.`);
  expect(result.stdout).not.toMatch(/^In \d+ BatchDeleteClusterNodes call/m);
  const plan = await planJsonOf(['plan', 'demo', '--group', 'worker', '--count', count]);
  expect(plan).toMatchObject({ remove: [], batches: [], surplus: 7 - Number(count), errors: [] });
});

test('--json: every field, in a stable order', async () => {
  const plan = await planJsonOf(['plan', 'demo', '--group', 'worker', '--count', '6', '--remove', id(0), '--chunk-size', '10']);
  expect(plan).toEqual({
    cluster: 'demo',
    region: 'us-east-1',
    group: 'worker',
    count: 6,
    removeNodeIds: [id(0)],
    order: 'NewestFirst',
    chunkSize: 10,
    targetCount: 7,
    currentCount: 6,
    existing: 7,
    shuttingDown: 0,
    surplus: 1,
    remove: [{ instanceId: id(0), logicalId: null, status: 'Running', message: null, launchTime: '2023-11-14T22:13:20.000Z', reason: 'listed for removal' }],
    batches: [{ kind: 'NodeIds', ids: [id(0)] }],
    listedGone: [],
    errors: [],
    notes: [],
  });
});

test('--chunk-size splits the instance ids into calls of that size', async () => {
  const plan = await planJsonOf(['plan', 'demo', '--group', 'worker', '--count', '0', '--chunk-size', '2']);
  expect(plan.batches.map((b) => `${b.kind}:${b.ids.length}`)).toEqual(['NodeLogicalIds:1', 'NodeIds:2', 'NodeIds:2', 'NodeIds:2']);
  const text = (await runCli(fake, ['plan', 'demo', '--group', 'worker', '--count', '0', '--chunk-size', '2'])).stdout;
  expect(text).toContain('In 4 BatchDeleteClusterNodes calls:\n  1. NodeLogicalIds, 1 id: lg-worker-9\n  2. NodeIds, 2 ids: ');
});

test('long batches show their first ids and the last', async () => {
  const text = (await runCli(fake, ['plan', 'demo', '--group', 'worker', '--count', '0'])).stdout;
  expect(text).toContain(`  2. NodeIds, 6 ids: ${id(2)}, ${id(5)}, ${id(4)}, ... ${id(0)}\n`);
});

describe('a policy the deployment would reject: exit 1, the handler\'s message, nothing removed', () => {
  test('an id of another group', async () => {
    const result = await runCli(fake, ['plan', 'demo', '--group', 'worker', '--count', '5', '--remove', id(0x100)]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('hyperpod-cdk: error: cannot scale down cluster "demo":\n' +
      `  - instance group "worker": removeNodeIds ${id(0x100)} belongs to instance group "gpu", not "worker"\n` +
      'A deployment with this instanceCount and these scaleDown options would fail before removing anything.\n');
    // As the handler's first pass: the group, then the whole cluster once to find the id's group.
    expect(fake.calls).toEqual({ DescribeCluster: 1, ListClusterNodes: 2 });
  });

  test('an id in no group while the group has a surplus, with --json', async () => {
    const result = await runCli(fake, ['plan', 'demo', '--group', 'worker', '--count', '5', '--remove', 'i-0123456789abcdef0', '--json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('removeNodeIds i-0123456789abcdef0 not found in this group (it has 7 nodes, 2 over instanceCount 5)');
    const plan = JSON.parse(result.stdout) as PlanJson;
    expect(plan.errors).toHaveLength(1);
    expect(plan).toMatchObject({ remove: [], batches: [] });
  });

  test('more listed ids than the surplus', async () => {
    const result = await runCli(fake, ['plan', 'demo', '--group', 'worker', '--count', '6', '--remove', id(0), id(1)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('removeNodeIds names 2 nodes still in the group, but instanceCount 6 leaves only 1 to remove');
  });
});

test('an id already shutting down, or in no group while there is no surplus, counts as gone', async () => {
  fake.nodes[0].status = 'ShuttingDown';
  const result = await runCli(fake, ['plan', 'demo', '--group', 'worker', '--count', '6', '--remove', id(0), 'i-0123456789abcdef0']);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('  nodes now: 6 (and 1 shutting down, not counted); TargetCount 7, CurrentCount 5');
  expect(result.stdout).toContain(`Listed ids taken as already gone (shutting down, or not in the group): ${id(0)}, i-0123456789abcdef0`);
});

test('missing group: exit 1, naming the groups the cluster has', async () => {
  const result = await runCli(fake, ['plan', 'demo', '--group', 'work', '--count', '1']);
  expect(result).toMatchObject({ code: 1, stdout: '' });
  expect(result.stderr).toBe('hyperpod-cdk: error: instance group "work" not found in cluster "demo" (its groups are: worker, gpu); ' +
    '--group takes the exact name\n');
});

test('a TargetCount that would stay above the count after the removals is pointed out', async () => {
  fake.targetCounts.set('worker', 10);
  const result = await runCli(fake, ['plan', 'demo', '--group', 'worker', '--count', '5']);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/Note: TargetCount is 10, above the \d+ node\(s\) listed: after the removals it stays above 5 until the cluster update lowers it/);
});

describe('what plan prints is what a deployment does', () => {
  test.each<[string, string[], Record<string, unknown>]>([
    ['listed id, newest first', ['--count', '4', '--remove', id(3)], { InstanceCount: 4, RemoveNodeIds: [id(3)] }],
    ['not serving, then newest', ['--count', '3'], { InstanceCount: 3 }],
    ['oldest first, 1 id a call', ['--count', '2', '--order', 'OldestFirst', '--chunk-size', '1'], { InstanceCount: 2, Order: 'OldestFirst', ChunkSize: 1 }],
    ['scale to zero, 2 ids a call', ['--count', '0', '--chunk-size', '2'], { InstanceCount: 0, ChunkSize: 2 }],
  ])('%s', async (_, flags, groupProps) => {
    const plan = await planJsonOf(['plan', 'demo', '--group', 'worker', ...flags]);
    const deployed = await FakeSageMaker.start({ nodes: clusterNodes() });
    try {
      const run = await runProvider(deployed, request('Update', [{ InstanceGroupName: 'worker', ...groupProps }]));
      expect(run.outcome).toBe('complete');
      expect(deployed.deleteCalls.map((c) => (c.nodeIds.length > 0 ? { kind: 'NodeIds', ids: c.nodeIds } : { kind: 'NodeLogicalIds', ids: c.logicalIds })))
        .toEqual(plan.batches);
      expect(deployed.removed).toEqual(plan.batches.flatMap((b) => b.ids));
    } finally {
      await deployed.close();
    }
  });
});
