/**
 * `hyperpod-cdk plan`: run in-process against the SageMaker stand-in, and compared with what
 * the scale-down custom resource's handler really deletes on an identical cluster.
 */
import { runCli } from './support/cli-runner';
import { FakeNode, FakeSageMaker, makeNodes } from './support/fake-sagemaker';
import { runProvider, update } from './support/scale-down-driver';
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

/** The note `plan` prints when `--previous-count` is not given (worker's TargetCount is 7). */
const DRIFT_NOTE = 'without --previous-count, the group\'s TargetCount (7) stands for the deployed instanceCount, so nodes added ' +
  'outside the stack (drift) cannot show; pass the deployed instanceCount to check it';

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
  const result = await runCli(fake, ['plan', 'demo', '--group', 'worker', '--previous-count', '7', '--count', '5', '--remove', id(1)]);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  const out = result.stdout;
  expect(out).toContain('Scale-down plan for instance group "worker" of cluster "demo" (us-east-1): instanceCount 7 -> 5\n');
  expect(out).toContain('  nodes now: 7; TargetCount 7, CurrentCount 6');
  expect(out).toContain(`  order:     listed ids (${id(1)}), then nodes not serving (Failure, NotFound, Pending, ` +
    'DeepHealthCheckInProgress), then NewestFirst\n  calls:     at most 99 instance ids (or 50 logical ids) per BatchDeleteClusterNodes call\n');
  expect(out).toContain('Would remove 2 nodes (at most 2 this deployment), in this order:');
  expect(lines(out)).toContainEqual(expect.stringMatching(/^ {2}# +NODE +STATUS +LAUNCHED +REASON +MESSAGE$/));
  expect(lines(out)).toContainEqual(expect.stringMatching(new RegExp(`^ {2}1 +${id(1)} +Running +2023-11-14T22:14:20Z +listed for removal +-$`)));
  expect(lines(out)).toContainEqual(expect.stringMatching(
    new RegExp(`^ {2}2 +${id(2)} +Failure +2023-11-14T22:15:20Z +status Failure +Node failed deep health check: GPU 3 unhealthy$`)));
  expect(out).toContain(`In 1 BatchDeleteClusterNodes call:\n  1. NodeIds, 2 ids: ${id(1)}, ${id(2)}\n`);
  expect(out).toContain('Nothing was changed.');
  expect(out).not.toContain('Note:');
  // Read-only, and no ownership check: the stack's id is not known here.
  expect(fake.calls).toEqual({ DescribeCluster: 1, ListClusterNodes: 1 });
});

test('without listed ids: nodes not serving first (Failure, then Pending), then the newest; provisioning nodes go by logical id', async () => {
  const plan = await planJsonOf(['plan', 'demo', '--group', 'worker', '--previous-count', '7', '--count', '3']);
  expect(plan.remove.map((n) => [n.instanceId ?? n.logicalId, n.reason])).toEqual([
    [id(2), 'status Failure'], ['lg-worker-9', 'status Pending'], [id(5), 'newest'], [id(4), 'newest'],
  ]);
  expect(plan.batches).toEqual([{ kind: 'NodeLogicalIds', ids: ['lg-worker-9'] }, { kind: 'NodeIds', ids: [id(2), id(5), id(4)] }]);
  expect(plan).toMatchObject({ previousCount: 7, existing: 7, shuttingDown: 0, extra: 0, budget: 4, errors: [], listedGone: [], notes: [] });
});

test('--order OldestFirst takes the oldest serving nodes, reason "oldest"', async () => {
  const result = await runCli(fake, ['plan', 'demo', '--group', 'worker', '--previous-count', '7', '--count', '3', '--order', 'OldestFirst']);
  expect(result.code).toBe(0);
  expect(lines(result.stdout)).toContainEqual(expect.stringMatching(new RegExp(`^ {2}3 +${id(0)} +Running +2023-11-14T22:13:20Z +oldest +-$`)));
  expect(lines(result.stdout)).toContainEqual(expect.stringMatching(new RegExp(`^ {2}4 +${id(1)} +Running .* +oldest +-$`)));
  expect(result.stdout).toContain('then OldestFirst\n');
});

test.each(['7', '12'])('instanceCount 7 -> %s (not lowered, no ids): nothing would be removed', async (count) => {
  const result = await runCli(fake, ['plan', 'demo', '--group', 'worker', '--previous-count', '7', '--count', count]);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  expect(result.stdout).toContain(`Nothing would be removed: a deployment removes nodes only when it lowers instanceCount (7 -> ${count}) ` +
    'or names new ids, and at most the decrease; the group has 7 nodes (not counting nodes shutting down).');
  expect(result.stdout).not.toMatch(/^In \d+ BatchDeleteClusterNodes call/m);
  const plan = await planJsonOf(['plan', 'demo', '--group', 'worker', '--previous-count', '7', '--count', count]);
  expect(plan).toMatchObject({ remove: [], batches: [], budget: 0, extra: 0, errors: [] });
});

test('the budget is the decrease measured on TargetCount, not the nodes above the new count', async () => {
  // An earlier pass of this deployment removed a node (gone from the listing, TargetCount 7 -> 6):
  // 7 -> 4 may take 6 - 4 = 2 more, although the group still lists 6 nodes.
  fake.nodes.splice(fake.nodes.findIndex((n) => n.instanceId === id(5)), 1);
  fake.targetCounts.set('worker', 6);
  const plan = await planJsonOf(['plan', 'demo', '--group', 'worker', '--previous-count', '7', '--count', '4']);
  expect(plan).toMatchObject({ previousCount: 7, targetCount: 6, existing: 6, budget: 2, errors: [] });
  expect(plan.remove.map((n) => n.instanceId ?? n.logicalId)).toEqual([id(2), 'lg-worker-9']);
});

test('--json: every field, in a stable order', async () => {
  const plan = await planJsonOf(['plan', 'demo', '--group', 'worker', '--count', '6', '--previous-count', '7', '--remove', id(0), '--chunk-size', '10']);
  expect(plan).toEqual({
    cluster: 'demo',
    region: 'us-east-1',
    group: 'worker',
    count: 6,
    removeNodeIds: [id(0)],
    order: 'NewestFirst',
    chunkSize: 10,
    drift: 'Refuse',
    previousCount: 7,
    targetCount: 7,
    currentCount: 6,
    extra: 0,
    existing: 7,
    shuttingDown: 0,
    budget: 1,
    remove: [{ instanceId: id(0), logicalId: null, status: 'Running', message: null, launchTime: '2023-11-14T22:13:20.000Z', reason: 'listed for removal' }],
    batches: [{ kind: 'NodeIds', ids: [id(0)] }],
    listedGone: [],
    errors: [],
    notes: [],
  });
  expect(Object.keys(plan)).toEqual(['cluster', 'region', 'group', 'count', 'removeNodeIds', 'order', 'chunkSize', 'drift', 'previousCount',
    'targetCount', 'currentCount', 'extra', 'existing', 'shuttingDown', 'budget', 'remove', 'batches', 'listedGone', 'errors', 'notes']);
});

test('--chunk-size splits the instance ids into calls of that size', async () => {
  const plan = await planJsonOf(['plan', 'demo', '--group', 'worker', '--previous-count', '7', '--count', '0', '--chunk-size', '2']);
  expect(plan.batches.map((b) => `${b.kind}:${b.ids.length}`)).toEqual(['NodeLogicalIds:1', 'NodeIds:2', 'NodeIds:2', 'NodeIds:2']);
  const text = (await runCli(fake, ['plan', 'demo', '--group', 'worker', '--previous-count', '7', '--count', '0', '--chunk-size', '2'])).stdout;
  expect(text).toContain('In 4 BatchDeleteClusterNodes calls:\n  1. NodeLogicalIds, 1 id: lg-worker-9\n  2. NodeIds, 2 ids: ');
});

test('long batches show their first ids and the last', async () => {
  const text = (await runCli(fake, ['plan', 'demo', '--group', 'worker', '--previous-count', '7', '--count', '0'])).stdout;
  expect(text).toContain(`  2. NodeIds, 6 ids: ${id(2)}, ${id(5)}, ${id(4)}, ... ${id(0)}\n`);
});

describe('without --previous-count, the group\'s TargetCount stands for the deployed instanceCount', () => {
  test('text: the header compares with TargetCount, and a note says drift cannot show', async () => {
    const result = await runCli(fake, ['plan', 'demo', '--group', 'worker', '--count', '5']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('Scale-down plan for instance group "worker" of cluster "demo" (us-east-1): instanceCount 7 -> 5\n');
    expect(result.stdout).toContain('Would remove 2 nodes (at most 2 this deployment), in this order:');
    expect(result.stdout).toContain(`\nNote: ${DRIFT_NOTE}\n`);
  });

  test('--json: previousCount is the TargetCount, the note is in notes', async () => {
    const plan = await planJsonOf(['plan', 'demo', '--group', 'worker', '--count', '5']);
    expect(plan).toMatchObject({ previousCount: 7, targetCount: 7, extra: 0, budget: 2, errors: [] });
    expect(plan.notes).toEqual([DRIFT_NOTE]);
  });

  test('so drift cannot show: the same request with the deployed count is refused', async () => {
    const plan = await planJsonOf(['plan', 'demo', '--group', 'worker', '--count', '5']);
    expect(plan).toMatchObject({ extra: 0, errors: [] });
    const withDeployed = await runCli(fake, ['plan', 'demo', '--group', 'worker', '--count', '5', '--previous-count', '6', '--json']);
    expect(withDeployed.code).toBe(1);
    expect(JSON.parse(withDeployed.stdout)).toMatchObject({ extra: 1, notes: [], errors: [expect.stringContaining('added outside this stack')] });
  });
});

describe('drift: TargetCount above both the deployed and the new instanceCount', () => {
  // Deployed instanceCount 6, but the group has TargetCount 7: one node was added outside the stack.
  const flags = ['plan', 'demo', '--group', 'worker', '--previous-count', '6', '--count', '5'];

  test('refused by default: exit 1 with the handler\'s message naming the group and both ways out, nothing planned', async () => {
    const result = await runCli(fake, flags);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('hyperpod-cdk: error: cannot scale down cluster "demo":\n' +
      '  - instance group "worker" of cluster "demo" has 7 nodes (TargetCount), more than its previous instanceCount 6 and its new ' +
      'instanceCount 5: 1 was added outside this stack (console, hyp CLI, an autoscaler). The cluster update would let SageMaker ' +
      'remove 2 nodes of its own choosing, so nothing was changed. To keep them, set instanceCount to 7; to remove them by this ' +
      'group\'s policy, set scaleDown.drift to DriftPolicy.REMOVE_EXTRA_NODES\n' +
      'A deployment with this instanceCount and these scaleDown options would fail before removing anything.\n');

    const json = await runCli(fake, [...flags, '--json']);
    expect(json.code).toBe(1);
    const plan = JSON.parse(json.stdout) as PlanJson;
    expect(plan).toMatchObject({ drift: 'Refuse', previousCount: 6, count: 5, targetCount: 7, extra: 1, remove: [], batches: [], notes: [] });
    expect(plan.errors).toHaveLength(1);
    expect(plan.errors[0]).toMatch(/^instance group "worker" of cluster "demo" has 7 nodes \(TargetCount\).*set instanceCount to 7/);
  });

  test('a deployment fails with the same message and removes nothing', async () => {
    const plan = JSON.parse((await runCli(fake, [...flags, '--json'])).stdout) as PlanJson;
    const deployed = await FakeSageMaker.start({ nodes: clusterNodes() });
    try {
      const run = await runProvider(deployed, update([{ InstanceGroupName: 'worker', InstanceCount: 6 }], [{ InstanceGroupName: 'worker', InstanceCount: 5 }]));
      expect(run.outcome).toBe('error');
      expect(run.error?.message).toContain(plan.errors[0]);
      expect(deployed.deleteCalls).toEqual([]);
    } finally {
      await deployed.close();
    }
  });

  test('a count that is not lowered: nothing planned (the handler makes no call), a note on the drift instead', async () => {
    const unchanged = ['plan', 'demo', '--group', 'worker', '--previous-count', '6', '--count', '6'];
    for (const drift of ['Refuse', 'Remove']) {
      const plan = await planJsonOf([...unchanged, '--drift', drift]);
      expect(plan).toMatchObject({ extra: 1, budget: 0, remove: [], batches: [], errors: [] });
      expect(plan.notes.join('\n')).toContain('would let SageMaker remove 1 nodes of its own choosing: set instanceCount to 7 to keep them');
    }
    const deployed = await FakeSageMaker.start({ nodes: clusterNodes() });
    try {
      const run = await runProvider(deployed, update([{ InstanceGroupName: 'worker', InstanceCount: 6 }],
        [{ InstanceGroupName: 'worker', InstanceCount: 6, Drift: 'Remove' }]));
      expect(run.outcome).toBe('complete');
      expect(deployed.calls).toEqual({});
    } finally {
      await deployed.close();
    }
  });

  test('--drift Remove plans the extra node\'s removal as well: TargetCount - instanceCount', async () => {
    const result = await runCli(fake, [...flags, '--drift', 'Remove']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('instanceCount 6 -> 5\n');
    expect(result.stdout).toContain('Would remove 2 nodes (at most 2 this deployment), in this order:');
    const plan = await planJsonOf([...flags, '--drift', 'Remove']);
    expect(plan).toMatchObject({ drift: 'Remove', previousCount: 6, count: 5, targetCount: 7, extra: 1, budget: 2, errors: [], notes: [] });
    expect(plan.remove.map((n) => [n.instanceId ?? n.logicalId, n.reason])).toEqual([[id(2), 'status Failure'], ['lg-worker-9', 'status Pending']]);
  });
});

describe('a policy the deployment would reject: exit 1, the handler\'s message, nothing removed', () => {
  test('an id of another group', async () => {
    const result = await runCli(fake, ['plan', 'demo', '--group', 'worker', '--previous-count', '7', '--count', '5', '--remove', id(0x100)]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('hyperpod-cdk: error: cannot scale down cluster "demo":\n' +
      `  - instance group "worker": removeNodeIds ${id(0x100)} belongs to instance group "gpu", not "worker"\n` +
      'A deployment with this instanceCount and these scaleDown options would fail before removing anything.\n');
    // As the handler's first pass: the group, then the whole cluster once to find the id's group.
    expect(fake.calls).toEqual({ DescribeCluster: 1, ListClusterNodes: 2 });
  });

  test('an id in no group while nothing was removed yet, with --json', async () => {
    const result = await runCli(fake, ['plan', 'demo', '--group', 'worker', '--previous-count', '7', '--count', '5', '--remove', 'i-0123456789abcdef0', '--json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('  - instance group "worker": removeNodeIds i-0123456789abcdef0 not found in this group ' +
      '(it has 7 nodes not shutting down); check the id with "hyperpod-cdk status"\n');
    const plan = JSON.parse(result.stdout) as PlanJson;
    expect(plan.errors).toHaveLength(1);
    expect(plan).toMatchObject({ remove: [], batches: [], listedGone: [] });
  });

  test('more listed ids than the deployment may remove', async () => {
    const result = await runCli(fake, ['plan', 'demo', '--group', 'worker', '--previous-count', '7', '--count', '6', '--remove', id(0), id(1)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('  - instance group "worker": removeNodeIds names 2 nodes still in the group, but this deployment may remove ' +
      'only 1; lower instanceCount by at least the number of listed nodes\n');
  });

});

test('listed ids while instanceCount is not lowered are ignored, as a deployment ignores them (nothing makes room)', async () => {
  const result = await runCli(fake, ['plan', 'demo', '--group', 'worker', '--previous-count', '7', '--count', '7', '--remove', id(0)]);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  expect(result.stdout).toContain('Nothing would be removed');
  expect(result.stdout).toContain(`Note: removeNodeIds ${id(0)} would be ignored: instanceCount does not go down (7 -> 7)`);
});

test('an id already shutting down, or missing within what TargetCount says was removed, counts as gone', async () => {
  // An earlier pass of this deployment (7 -> 6) removed the first node: it is shutting down and TargetCount is 6.
  fake.nodes[0].status = 'ShuttingDown';
  fake.targetCounts.set('worker', 6);
  const result = await runCli(fake, ['plan', 'demo', '--group', 'worker', '--previous-count', '7', '--count', '6', '--remove', id(0), 'i-0123456789abcdef0']);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  expect(result.stdout).toContain('  nodes now: 6 (and 1 shutting down, not counted); TargetCount 6, CurrentCount 5');
  expect(result.stdout).toContain('Nothing would be removed: the decrease (7 -> 6) is already done: TargetCount is 6');
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
  const result = await runCli(fake, ['plan', 'demo', '--group', 'worker', '--previous-count', '10', '--count', '5']);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('instanceCount 10 -> 5\n');
  expect(result.stdout).toContain('Would remove 2 nodes (at most 2 this deployment), in this order:');
  expect(result.stdout).toMatch(/Note: TargetCount is 10, above the \d+ node\(s\) listed: after the removals it stays above 5 until the cluster update lowers it/);
});

describe('what plan prints is what a deployment does', () => {
  type Group = Record<string, unknown>;
  interface Case {
    readonly name: string;
    /** The group in the deployed template (OldResourceProperties). */
    readonly previous: Group;
    readonly flags: string[];
    /** The group in the new template. */
    readonly next: Group;
    /** Applied to both stand-ins before the plan and the deployment. */
    readonly setup?: (f: FakeSageMaker) => void;
  }
  const worker = (props: Group): Group => ({ InstanceGroupName: 'worker', ...props });
  test.each<Case>([
    {
      name: 'listed id, newest first',
      previous: { InstanceCount: 7 },
      flags: ['--previous-count', '7', '--count', '4', '--remove', id(3)],
      next: { InstanceCount: 4, RemoveNodeIds: [id(3)] },
    },
    { name: 'not serving, then newest', previous: { InstanceCount: 7 }, flags: ['--previous-count', '7', '--count', '3'], next: { InstanceCount: 3 } },
    {
      name: 'oldest first, 1 id a call',
      previous: { InstanceCount: 7 },
      flags: ['--previous-count', '7', '--count', '2', '--order', 'OldestFirst', '--chunk-size', '1'],
      next: { InstanceCount: 2, Order: 'OldestFirst', ChunkSize: 1 },
    },
    {
      name: 'scale to zero, 2 ids a call',
      previous: { InstanceCount: 7 },
      flags: ['--previous-count', '7', '--count', '0', '--chunk-size', '2'],
      next: { InstanceCount: 0, ChunkSize: 2 },
    },
    {
      name: 'drift removed by policy',
      previous: { InstanceCount: 6, Drift: 'Remove' },
      flags: ['--previous-count', '6', '--count', '5', '--drift', 'Remove'],
      next: { InstanceCount: 5, Drift: 'Remove' },
    },
    {
      name: 'the rest of a decrease an earlier pass began',
      previous: { InstanceCount: 7 },
      flags: ['--previous-count', '7', '--count', '4'],
      next: { InstanceCount: 4 },
      setup: (f) => {
        f.nodes.splice(f.nodes.findIndex((n) => n.instanceId === id(5)), 1);
        f.targetCounts.set('worker', 6);
      },
    },
  ])('$name', async ({ previous, flags, next, setup }) => {
    setup?.(fake);
    const plan = await planJsonOf(['plan', 'demo', '--group', 'worker', ...flags]);
    expect(plan.errors).toEqual([]);
    expect(plan.notes).toEqual([]);
    expect(plan.remove.length).toBeGreaterThan(0);
    const deployed = await FakeSageMaker.start({ nodes: clusterNodes() });
    setup?.(deployed);
    try {
      const run = await runProvider(deployed, update([worker(previous)], [worker(next)]));
      expect(run.error).toBeUndefined();
      expect(run.outcome).toBe('complete');
      expect(deployed.deleteCalls.map((c) => (c.nodeIds.length > 0 ? { kind: 'NodeIds', ids: c.nodeIds } : { kind: 'NodeLogicalIds', ids: c.logicalIds })))
        .toEqual(plan.batches);
      expect(deployed.removed).toEqual(plan.batches.flatMap((b) => b.ids));
    } finally {
      await deployed.close();
    }
  });
});
