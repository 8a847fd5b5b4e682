// Targeted scale-down against the local SageMaker stand-in: API calls by operation next to the
// minimum any correct scale-down needs, and handler wall time with a fixed latency per call next
// to calls x latency. A benchmark, not a test: it prints numbers and never fails on them.
//
// Every shape is a CloudFormation Update built with `update(previous, groups)`, so that
// OldResourceProperties carry the previous counts (without them nothing asks for removal).
//
// The stand-in runs in a worker thread, so that its own CPU time (building and parsing pages of
// 100 nodes) is not charged to the handler, as it would not be against the real service.
import * as path from 'path';
import { isMainThread, parentPort, Worker, workerData } from 'worker_threads';
import { DescribeClusterCommand } from '@aws-sdk/client-sagemaker';
import { FakeSageMaker, makeNodes } from '../test/support/fake-sagemaker';
import { runProvider, testClient, update } from '../test/support/scale-down-driver';

const LATENCY_MS = 20;
const PAGE = 100;
const CHUNK = 99;
const ROLE = 'scale-down-bench-stand-in';
/** The operations a scale-down calls, in the order of the table. */
const OPS = ['DescribeCluster', 'ListTags', 'ListClusterNodes', 'BatchDeleteClusterNodes'] as const;
type Op = typeof OPS[number];

/** One instance group of a shape: its nodes, and its InstanceCount before and after the deployment. */
interface GroupShape {
  readonly name: string;
  readonly nodes: number;
  readonly from: number;
  readonly to: number;
}

interface Shape {
  readonly label: string;
  /** In this order; each group's nodes were launched after those of the groups before it. */
  readonly groups: GroupShape[];
  /** Groups none of whose nodes any BatchDeleteClusterNodes call may name: checked and printed. */
  readonly untouched?: string[];
}

const SHAPES: Shape[] = [
  {
    label: '(a) 10 groups x 100, one 100 -> 50',
    groups: Array.from({ length: 10 }, (_, i) => ({ name: `group-${i}`, nodes: 100, from: 100, to: i === 3 ? 50 : 100 })),
  },
  { label: '(b) 10,000 scaled up to 10,050', groups: [{ name: 'workers', nodes: 10_000, from: 10_000, to: 10_050 }] },
  { label: '(c) 10,000 halved to 5,000', groups: [{ name: 'workers', nodes: 10_000, from: 10_000, to: 5_000 }] },
  { label: '(d) 1,000 -> 900', groups: [{ name: 'workers', nodes: 1_000, from: 1_000, to: 900 }] },
  {
    // The API's group filter matches substrings: listing `gpu` also returns `gpu-2`, whose nodes
    // are the newest (NewestFirst would pick them first if the handler took them for `gpu`'s).
    label: '(e) gpu 300 -> 250, gpu-2 300 kept',
    groups: [{ name: 'gpu', nodes: 300, from: 300, to: 250 }, { name: 'gpu-2', nodes: 300, from: 300, to: 300 }],
    untouched: ['gpu-2'],
  },
];

interface Stats {
  readonly calls: Record<string, number>;
  readonly removed: number;
  /** Distinct nodes named in BatchDeleteClusterNodes calls (accepted or not), by group. */
  readonly named: Record<string, number>;
}

interface Row extends Stats {
  readonly shape: Shape;
  readonly outcome: string;
  readonly error?: string;
  readonly polls: number;
  readonly minimum: Record<Op, number>;
  readonly expectedRemoved: number;
  readonly total: number;
  readonly minimumTotal: number;
  readonly ms: number;
}

/**
 * The fewest calls any correct scale-down makes: none when no group shrinks; else one
 * DescribeCluster before and one after the deletes (the TargetCount check), one ListTags (the
 * owner tag), every page of 100 that listing each shrinking group returns (the group filter
 * matches substrings, so `gpu` pages through `gpu-2` too), and deletes of 99.
 */
function minimumCalls(shape: Shape): Record<Op, number> {
  const shrinking = shape.groups.filter((g) => g.to < g.from);
  if (shrinking.length === 0) {
    return { DescribeCluster: 0, ListTags: 0, ListClusterNodes: 0, BatchDeleteClusterNodes: 0 };
  }
  const listed = (name: string) => shape.groups.filter((g) => g.name.includes(name)).reduce((n, g) => n + g.nodes, 0);
  return {
    DescribeCluster: 2,
    ListTags: 1,
    ListClusterNodes: shrinking.reduce((n, g) => n + Math.max(1, Math.ceil(listed(g.name) / PAGE)), 0),
    BatchDeleteClusterNodes: shrinking.reduce((n, g) => n + Math.ceil((g.from - g.to) / CHUNK), 0),
  };
}

/** Worker side: hosts a stand-in and answers `stats` requests. */
async function serveStandIn(options: { groups: GroupShape[]; latencyMs: number }): Promise<void> {
  // Each group's nodes launched after the group before it: groups start 10,000,000 s apart, 10,000 nodes a minute apart span 600,000 s.
  const nodes = options.groups.flatMap((g, i) => makeNodes(g.name, g.nodes, { idBase: i * 1_000_000, start: 1_700_000_000 + i * 10_000_000 }));
  const fake = await FakeSageMaker.start({ nodes, latencyMs: options.latencyMs });
  const groupOf = new Map(nodes.map((n) => [n.instanceId, n.group]));
  parentPort!.on('message', (msg: string) => {
    if (msg === 'stats') {
      const named: Record<string, number> = {};
      for (const id of new Set(fake.deleteCalls.flatMap((c) => [...c.nodeIds, ...c.logicalIds]))) {
        const group = groupOf.get(id) ?? '(unknown id)';
        named[group] = (named[group] ?? 0) + 1;
      }
      parentPort!.postMessage({ calls: fake.calls, removed: fake.removed.length, named } satisfies Stats);
    }
  });
  parentPort!.postMessage({ url: fake.url });
}

/** Starts the stand-in in a worker thread (through ts-node, as this file is TypeScript). */
async function startWorker(groups: GroupShape[]): Promise<{ url: string; stats: () => Promise<Stats>; stop: () => Promise<number> }> {
  const code = `require('ts-node').register({ transpileOnly: true, project: ${JSON.stringify(path.join(__dirname, '..', 'test', 'tsconfig.json'))} });` +
    `require(${JSON.stringify(__filename)});`;
  const worker = new Worker(code, { eval: true, workerData: { role: ROLE, groups, latencyMs: LATENCY_MS } });
  const next = <T>() => new Promise<T>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const { url } = await next<{ url: string }>();
  return {
    url,
    stats: async () => {
      const reply = next<Stats>();
      worker.postMessage('stats');
      return reply;
    },
    stop: () => worker.terminate(),
  };
}

async function measure(shape: Shape): Promise<Row> {
  const standIn = await startWorker(shape.groups);
  try {
    // The driver only needs the stand-in's URL.
    const fake = { url: standIn.url } as FakeSageMaker;
    const client = testClient(fake);
    const previous = shape.groups.map((g) => ({ InstanceGroupName: g.name, InstanceCount: String(g.from) }));
    const groups = shape.groups.map((g) => ({ InstanceGroupName: g.name, InstanceCount: String(g.to) }));
    const started = performance.now();
    const run = await runProvider(fake, update(previous, groups), { client });
    const ms = performance.now() - started;
    const stats = await standIn.stats();
    const minimum = minimumCalls(shape);
    return {
      ...stats,
      shape,
      outcome: run.outcome,
      error: run.error?.message,
      polls: run.polls,
      minimum,
      expectedRemoved: shape.groups.reduce((n, g) => n + Math.max(0, g.from - g.to), 0),
      total: Object.values(stats.calls).reduce((a, b) => a + b, 0),
      minimumTotal: OPS.reduce((n, op) => n + minimum[op], 0),
      ms,
    };
  } finally {
    await standIn.stop();
  }
}

/** The floor: ms per bare SDK call (DescribeCluster) through the same client and stand-in, after warm-up. */
async function sdkFloor(): Promise<{ first: number; perCall: number }> {
  const standIn = await startWorker([{ name: 'workers', nodes: 10, from: 10, to: 10 }]);
  const client = testClient({ url: standIn.url } as FakeSageMaker);
  try {
    let started = performance.now();
    await client.send(new DescribeClusterCommand({ ClusterName: 'demo' }));
    const first = performance.now() - started;
    started = performance.now();
    for (let i = 0; i < 50; i++) {
      await client.send(new DescribeClusterCommand({ ClusterName: 'demo' }));
    }
    return { first, perCall: (performance.now() - started) / 50 };
  } finally {
    client.destroy();
    await standIn.stop();
  }
}

/** `actual/minimum`, e.g. `3/2`. */
function versus(actual: number, minimum: number): string {
  return `${actual}/${minimum}`;
}

/** Runs the scale-down benchmark and prints a table. */
export async function benchScaleDown(): Promise<void> {
  const floor = await sdkFloor();
  const rows: Row[] = [];
  for (const shape of SHAPES) {
    rows.push(await measure(shape));
  }
  const width = Math.max(...SHAPES.map((s) => s.label.length));
  console.log(`Targeted scale-down: SageMaker calls (actual/minimum) by operation, stand-in latency ${LATENCY_MS} ms per call`);
  console.log(`  ${'shape'.padEnd(width)}  outcome  polls    removed  Describe  ListTags   List  Delete  total  extra  wall ms  calls x latency  ratio`);
  for (const r of rows) {
    const budget = r.total * LATENCY_MS;
    const unlisted = Object.keys(r.calls).filter((op) => !(OPS as readonly string[]).includes(op));
    console.log([
      `  ${r.shape.label.padEnd(width)}`,
      r.outcome.padStart(8),
      String(r.polls).padStart(6),
      `${r.removed}/${r.expectedRemoved}`.padStart(10),
      versus(r.calls.DescribeCluster ?? 0, r.minimum.DescribeCluster).padStart(9),
      versus(r.calls.ListTags ?? 0, r.minimum.ListTags).padStart(9),
      versus(r.calls.ListClusterNodes ?? 0, r.minimum.ListClusterNodes).padStart(6),
      versus(r.calls.BatchDeleteClusterNodes ?? 0, r.minimum.BatchDeleteClusterNodes).padStart(7),
      versus(r.total, r.minimumTotal).padStart(9),
      `+${r.total - r.minimumTotal}`.padStart(6),
      r.ms.toFixed(0).padStart(8),
      String(budget).padStart(16),
      (budget > 0 ? (r.ms / budget).toFixed(2) : '-').padStart(6),
    ].join(' '));
    if (unlisted.length > 0) {
      console.log(`    other calls: ${unlisted.map((op) => `${op} ${r.calls[op]}`).join(', ')}`);
    }
    for (const group of r.shape.untouched ?? []) {
      const named = r.named[group] ?? 0;
      const total = r.shape.groups.find((g) => g.name === group)?.nodes ?? 0;
      console.log(`    check: nodes of ${group} named in a BatchDeleteClusterNodes call: ${named} of ${total} (${named === 0 ? 'pass' : 'FAIL'})`);
    }
    const overreach = r.shape.groups.filter((g) => (r.named[g.name] ?? 0) > Math.max(0, g.from - g.to));
    if (overreach.length > 0 || r.named['(unknown id)']) {
      console.log(`    note: nodes named in deletes beyond a group's decrease: ${JSON.stringify(r.named)}`);
    }
    if (r.outcome !== 'complete' || r.removed !== r.expectedRemoved) {
      console.log(`    note: expected complete with ${r.expectedRemoved} removed, got ${r.outcome} with ${r.removed}`
        + `${r.error ? `: ${r.error.split('\n')[0].slice(0, 200)}` : ''}`);
    }
  }
  console.log('  minimum = no call when no group shrinks; else DescribeCluster before and after the deletes (TargetCount check),');
  console.log(`  one ListTags (owner tag), every list page of ${PAGE} that listing a shrinking group returns (the name filter`);
  console.log(`  matches substrings: gpu pages through gpu-2), deletes of ${CHUNK}.`);
  console.log('  removed = nodes the stand-in accepted / the decrease. Target: ratio <= 1.2.');
  console.log(`  Floor: a bare SDK call here takes ${floor.perCall.toFixed(1)} ms (ratio ${(floor.perCall / LATENCY_MS).toFixed(2)}); ` +
    `a new client's first call ${floor.first.toFixed(0)} ms.`);
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === ROLE) {
  void serveStandIn(workerData as { groups: GroupShape[]; latencyMs: number });
} else if (require.main === module) {
  benchScaleDown().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
