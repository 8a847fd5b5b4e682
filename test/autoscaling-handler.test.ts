/**
 * Count ownership of autoscaled groups, through the real SDK client against the SageMaker
 * stand-in: targeted scale-down never removes their nodes nor judges their drift, and reports
 * their TargetCount for the cluster update to send.
 */
import { FakeSageMaker, makeNodes } from './support/fake-sagemaker';
import { request, runProvider, testClient, update } from './support/scale-down-driver';

let fake: FakeSageMaker | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const group = (name: string, count: number, extra: Record<string, unknown> = {}) =>
  ({ InstanceGroupName: name, InstanceCount: String(count), ...extra });
const autoscaled = (name: string) => group(name, 0, { Autoscaled: 'true' });

describe('autoscaled groups belong to the autoscaler', () => {
  test('create: their count is 0, and nothing is called', async () => {
    fake = await FakeSageMaker.start({ nodes: [] });
    const run = await runProvider(fake, request('Create', [group('system', 2), autoscaled('gpu')]));
    expect(run.outcome).toBe('complete');
    expect(run.data).toMatchObject({ 'Count.gpu': '0' });
    expect(fake.calls).toEqual({});
  });

  test('an update that lowers no count reads their TargetCount once and removes nothing', async () => {
    fake = await FakeSageMaker.start({ nodes: [...makeNodes('system', 2), ...makeNodes('gpu', 7, { idBase: 0x100 })] });
    const before = [group('system', 2), autoscaled('gpu')];
    const run = await runProvider(fake, update(before, [group('system', 2, { Order: 'OldestFirst' }), autoscaled('gpu')]));
    expect(run.outcome).toBe('complete');
    expect(run.data).toMatchObject({ 'Count.gpu': '7' });
    expect(fake.calls).toEqual({ DescribeCluster: 1 });
    expect(fake.removed).toEqual([]);
  });

  test('a scale-down of another group never touches them, and their 7 nodes over the template\'s 0 are not drift', async () => {
    const gpu = makeNodes('gpu', 7, { idBase: 0x100 });
    fake = await FakeSageMaker.start({ nodes: [...makeNodes('system', 4), ...gpu] });
    const run = await runProvider(fake, update([group('system', 4), autoscaled('gpu')], [group('system', 2), autoscaled('gpu')]));
    expect(run.outcome).toBe('complete');
    expect(fake.removed).toHaveLength(2);
    expect(fake.nodesOf('gpu')).toHaveLength(7);
    expect(fake.deleteCalls.flatMap((c) => c.nodeIds)).not.toEqual(expect.arrayContaining([gpu[0].instanceId]));
    expect(run.data).toMatchObject({ 'Count.gpu': '7', 'Removed': '2' });
  });

  test('a group that becomes autoscaled is not scaled down to its new template count', async () => {
    fake = await FakeSageMaker.start({ nodes: makeNodes('gpu', 5) });
    const run = await runProvider(fake, update([group('gpu', 5)], [autoscaled('gpu')]));
    expect(run.outcome).toBe('complete');
    expect(fake.removed).toEqual([]);
    expect(run.data).toMatchObject({ 'Count.gpu': '5' });
  });

  test('an autoscaled group the cluster does not have yet reports 0', async () => {
    fake = await FakeSageMaker.start({ nodes: makeNodes('system', 1) });
    const run = await runProvider(fake, update([group('system', 1)], [group('system', 1), autoscaled('new-gpu')]));
    expect(run.data).toMatchObject({ 'Count.new-gpu': '0' });
  });

  test('a passing error reading the counts is retried on the next poll; no count is guessed', async () => {
    fake = await FakeSageMaker.start({ nodes: makeNodes('gpu', 4) });
    fake.throttle(1, 'DescribeCluster'); // onEvent's one read (the client does not retry: maxAttempts 1)
    const run = await runProvider(fake, update([autoscaled('gpu')], [autoscaled('gpu'), group('new', 0)]),
      { client: testClient(fake, { maxAttempts: 1 }) });
    expect(run.outcome).toBe('complete');
    expect(run.polls).toBe(1);
    expect(run.data).toMatchObject({ 'Count.gpu': '4' });
    expect(fake.calls.DescribeCluster).toBe(2);
    expect(fake.removed).toEqual([]);
  });

  test('counts that cannot be read fail the deployment at the timeout, before the cluster update', async () => {
    fake = await FakeSageMaker.start({ nodes: makeNodes('gpu', 4) });
    fake.throttle(100, 'DescribeCluster');
    let now = 0;
    const run = await runProvider(fake, update([autoscaled('gpu')], [autoscaled('gpu')], { TimeoutSeconds: '60' }),
      { client: testClient(fake, { maxAttempts: 1 }), now: () => (now += 30_000), maxPolls: 10 });
    expect(run.outcome).toBe('error');
    expect(run.error?.message).toContain('the counts of the autoscaled groups could not be read yet');
  });
});
