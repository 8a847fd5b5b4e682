// Targeted scale-down against the local SageMaker stand-in: API calls by operation next to the
// minimum, and handler wall time with a fixed latency per call next to calls x latency.
// A benchmark, not a test: it prints numbers and never fails on them.
//
// The stand-in runs in a worker thread, so that its own CPU time (building and parsing pages of
// 100 nodes) is not charged to the handler, as it would not be against the real service.
import * as path from 'path';
import { isMainThread, parentPort, Worker, workerData } from 'worker_threads';
import { DescribeClusterCommand } from '@aws-sdk/client-sagemaker';
import { FakeSageMaker, makeNodes } from '../test/support/fake-sagemaker';
import { request, runProvider, testClient } from '../test/support/scale-down-driver';

const LATENCY_MS = 20;
const SIZES = [1_000, 10_000];
const PAGE = 100;
const CHUNK = 99;
const ROLE = 'scale-down-bench-stand-in';

interface Stats {
  readonly calls: Record<string, number>;
  readonly removed: number;
}

interface Row extends Stats {
  readonly nodes: number;
  readonly outcome: string;
  readonly polls: number;
  readonly minimum: number;
  readonly total: number;
  readonly ms: number;
}

/** Worker side: hosts a stand-in and answers `stats` requests. */
async function serveStandIn(options: { nodes: number; latencyMs: number }): Promise<void> {
  const fake = await FakeSageMaker.start({ nodes: makeNodes('workers', options.nodes), latencyMs: options.latencyMs });
  parentPort!.on('message', (msg: string) => {
    if (msg === 'stats') {
      parentPort!.postMessage({ calls: fake.calls, removed: fake.removed.length } satisfies Stats);
    }
  });
  parentPort!.postMessage({ url: fake.url });
}

/** Starts the stand-in in a worker thread (through ts-node, as this file is TypeScript). */
async function startWorker(nodes: number): Promise<{ url: string; stats: () => Promise<Stats>; stop: () => Promise<number> }> {
  const code = `require('ts-node').register({ transpileOnly: true, project: ${JSON.stringify(path.join(__dirname, '..', 'test', 'tsconfig.json'))} });` +
    `require(${JSON.stringify(__filename)});`;
  const worker = new Worker(code, { eval: true, workerData: { role: ROLE, nodes, latencyMs: LATENCY_MS } });
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

async function measure(nodes: number): Promise<Row> {
  const standIn = await startWorker(nodes);
  try {
    // The driver only needs the stand-in's URL.
    const fake = { url: standIn.url } as FakeSageMaker;
    const client = testClient(fake);
    const started = performance.now();
    const run = await runProvider(fake, request('Update', [{ InstanceGroupName: 'workers', InstanceCount: String(nodes / 2) }]), { client });
    const ms = performance.now() - started;
    const stats = await standIn.stats();
    if (stats.removed !== nodes / 2) {
      throw new Error(`expected ${nodes / 2} removed, got ${stats.removed}`);
    }
    const total = Object.values(stats.calls).reduce((a, b) => a + b, 0);
    // One listing of the group plus the deletes: what any correct scale-down must call.
    const minimum = Math.ceil(nodes / PAGE) + Math.ceil(nodes / 2 / CHUNK);
    return { ...stats, nodes, outcome: run.outcome, polls: run.polls, minimum, total, ms };
  } finally {
    await standIn.stop();
  }
}

/** The floor: ms per bare SDK call (DescribeCluster) through the same client and stand-in, after warm-up. */
async function sdkFloor(): Promise<{ first: number; perCall: number }> {
  const standIn = await startWorker(10);
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

/** Runs the scale-down benchmark and prints a table. */
export async function benchScaleDown(): Promise<void> {
  const floor = await sdkFloor();
  const rows: Row[] = [];
  for (const nodes of SIZES) {
    rows.push(await measure(nodes));
  }
  console.log(`Targeted scale-down: one group halved, stand-in latency ${LATENCY_MS} ms per call`);
  console.log('  nodes   outcome  polls  Describe  List  Delete  total  minimum  extra  wall ms  calls x latency  ratio');
  for (const r of rows) {
    const budget = r.total * LATENCY_MS;
    console.log([
      String(r.nodes).padStart(7),
      r.outcome.padStart(9),
      String(r.polls).padStart(6),
      String(r.calls.DescribeCluster ?? 0).padStart(9),
      String(r.calls.ListClusterNodes ?? 0).padStart(5),
      String(r.calls.BatchDeleteClusterNodes ?? 0).padStart(7),
      String(r.total).padStart(6),
      String(r.minimum).padStart(8),
      `+${r.total - r.minimum}`.padStart(6),
      r.ms.toFixed(0).padStart(8),
      String(budget).padStart(16),
      (r.ms / budget).toFixed(2).padStart(6),
    ].join(' '));
  }
  console.log(`  minimum = list pages of ${PAGE} + deletes of ${CHUNK}. extra = one DescribeCluster per handler call, and`);
  console.log('  one re-listing of the group per isComplete poll. Target: ratio <= 1.2.');
  console.log(`  Floor: a bare SDK call here takes ${floor.perCall.toFixed(1)} ms (ratio ${(floor.perCall / LATENCY_MS).toFixed(2)}); ` +
    `a new client's first call ${floor.first.toFixed(0)} ms.`);
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === ROLE) {
  void serveStandIn(workerData as { nodes: number; latencyMs: number });
} else if (require.main === module) {
  benchScaleDown().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
