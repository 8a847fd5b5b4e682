/**
 * The wait for capacity (`Custom::HyperPodCapacity`) driven like the Provider framework does,
 * through the real SDK client against the SageMaker stand-in; plus the pure parts.
 */
import { invokeBundled } from './support/bundled-handlers';
import { FakeSageMaker, makeNodes } from './support/fake-sagemaker';
import { runProvider, RunOptions } from './support/scale-down-driver';
import { CAPACITY_RESOURCE_TYPE } from '../src/contract/capacity';
import { assess, countByStatus, failureMessage, lifecycleLogGroup } from '../src/domain/capacity';
import { isCapacityComplete, onCapacityEvent, parseCapacityProperties } from '../src/handlers/capacity';
import { type HandlerRequest } from '../src/handlers/request';

const T0 = Date.parse('2026-11-22T10:00:00Z');
const T0_SECONDS = T0 / 1000;

let fake: FakeSageMaker | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(nodes: ReturnType<typeof makeNodes>, targetCount = nodes.length): Promise<FakeSageMaker> {
  fake = await FakeSageMaker.start({ groups: [{ name: 'worker', targetCount }], nodes });
  return fake;
}

function capacityEvent(extra: Record<string, unknown> = {}, type = 'Create'): HandlerRequest {
  return {
    RequestType: type,
    ResourceType: CAPACITY_RESOURCE_TYPE,
    LogicalResourceId: 'WaitForCapacity',
    RequestId: 'req-1',
    ResourceProperties: {
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:x',
      ClusterName: 'demo',
      InstanceGroupName: 'worker',
      RunningNodes: '2',
      TimeoutSeconds: '1740',
      MaxFailures: '5',
      ClusterConfig: 'abc',
      ...extra,
    },
  };
}

/** A clock that reads T0 in onEvent and moves 30 s (one Provider poll) for each isComplete. */
function pollingClock(): () => number {
  let t = T0 - 30_000;
  return () => (t += 30_000);
}

function run(f: FakeSageMaker, event: HandlerRequest, options: RunOptions = {}) {
  return runProvider(f, event, { handlers: { onEvent: onCapacityEvent, isComplete: isCapacityComplete }, now: pollingClock(), ...options });
}

test('completes once the group has the Running nodes, logging progress by status on each poll', async () => {
  const f = await start(makeNodes('worker', 2, { status: 'Pending' }));
  // Each listing a Pending node comes up, the way continuous provisioning brings nodes in.
  f.onCall = (op) => {
    if (op === 'ListClusterNodes') {
      const next = f.nodes.find((n) => n.status === 'Pending');
      if (next && (f.calls.ListClusterNodes ?? 0) > 1) next.status = 'Running';
    }
  };
  const result = await run(f, capacityEvent());
  expect(result.outcome).toBe('complete');
  expect(result.physicalResourceId).toBe('demo/worker/capacity');
  expect(result.data).toMatchObject({ Running: '2' });
  const progress = result.logs.filter((l) => l.msg === 'capacity');
  expect(progress.map((l) => l.byStatus)).toEqual(['Pending 2', 'Running 1, Pending 1', 'Running 2']);
  expect(progress[0]).toMatchObject({ cluster: 'demo', group: 'worker', want: 2, running: 0, targetCount: 2, verdict: 'wait' });
  expect(f.calls.BatchDeleteClusterNodes).toBeUndefined();
  expect(f.calls.DescribeClusterEvent).toBeUndefined(); // only read for a failure message
});

test('more Running nodes than asked for is done at once', async () => {
  const f = await start(makeNodes('worker', 3));
  const result = await run(f, capacityEvent());
  expect(result).toMatchObject({ outcome: 'complete', polls: 1, data: { Running: '3' } });
});

test('on timeout the deployment fails with counts, node messages, recent events and the log group', async () => {
  const f = await start([
    ...makeNodes('worker', 1),
    { group: 'worker', logicalId: 'lg-1', status: 'Failure', launchTime: T0_SECONDS, message: 'Lifecycle scripts did not run successfully. Exit code 1.' },
    { group: 'worker', logicalId: 'lg-2', status: 'Pending', launchTime: T0_SECONDS },
  ], 3);
  f.addEvent({ level: 'Info', resourceType: 'Instance', group: 'worker', time: T0_SECONDS - 600, description: 'before the wait: not shown' });
  f.addEvent({
    level: 'Error',
    resourceType: 'Instance',
    group: 'worker',
    instanceId: 'i-00000000000000abc',
    time: T0_SECONDS + 40,
    description: 'Node launch failed',
    failureMessage: 'Lifecycle scripts did not run successfully',
  });
  f.addEvent({ level: 'Info', resourceType: 'InstanceGroup', group: 'worker', time: T0_SECONDS + 50, description: 'Scaling in progress' });
  f.addEvent({ level: 'Error', resourceType: 'Instance', group: 'other', time: T0_SECONDS + 60, description: 'another group: not shown' });
  const result = await run(f, capacityEvent({ RunningNodes: '3', TimeoutSeconds: '120' }));
  expect(result.outcome).toBe('error');
  const message = result.error!.message;
  expect(message).toMatch(/^instance group "worker" of HyperPod cluster "demo" has 1 of 3 Running node\(s\) wanted \(timed out after 2\.0 min\)/);
  expect(message).toContain('counts: target 3, current 1; Running 1, Pending 1, Failure 1');
  expect(message).toContain('CloudWatch log group /aws/sagemaker/Clusters/demo/abcdef123456, log streams LifecycleConfig/worker/<instance-id>');
  expect(message).toContain('node lg-1 (Failure): Lifecycle scripts did not run successfully. Exit code 1.');
  expect(message).toContain('event 2026-11-22T10:00:40Z Error Instance i-00000000000000abc: Node launch failed: Lifecycle scripts did not run successfully');
  expect(message).toContain('event 2026-11-22T10:00:50Z Info InstanceGroup worker: Scaling in progress');
  expect(message).not.toMatch(/not shown/);
  expect(message.indexOf('Error Instance')).toBeLessThan(message.indexOf('Info InstanceGroup')); // errors first
  expect(result.polls).toBe(4); // at 30, 60 and 90 s it waits; at 120 s it times out
  expect(f.calls.DescribeClusterEvent).toBe(2);
});

test('when launches keep failing it gives up before the timeout', async () => {
  const f = await start(makeNodes('worker', 2, { status: 'Pending' }));
  f.addEvent({ level: 'Error', resourceType: 'Instance', group: 'worker', time: T0_SECONDS - 60, description: 'before the wait: not counted' });
  for (let i = 1; i <= 3; i++) {
    f.addEvent({
      level: 'Error',
      resourceType: 'Instance',
      group: 'worker',
      time: T0_SECONDS + i,
      description: 'Node launch failed',
      failureMessage: `We currently do not have sufficient ml.t3.medium capacity (${i})`,
    });
  }
  f.addEvent({ level: 'Warn', resourceType: 'InstanceGroup', group: 'worker', time: T0_SECONDS + 10, description: 'lost orchestration-ready status' });
  const result = await run(f, capacityEvent({ MaxFailures: '3' }));
  expect(result.outcome).toBe('error');
  expect(result.polls).toBe(1);
  expect(result.error!.message).toMatch(/gave up after 0\.\d min: 3 failed launch\(es\) since the wait began \(limit 3\)/);
  expect(result.error!.message).toContain('sufficient ml.t3.medium capacity (3)');
});

test('MaxFailures 0 waits for the timeout whatever fails', async () => {
  const f = await start(makeNodes('worker', 1, { status: 'Pending' }));
  for (let i = 1; i <= 10; i++) {
    f.addEvent({ level: 'Error', resourceType: 'Instance', group: 'worker', time: T0_SECONDS + i, description: 'failed' });
  }
  const result = await run(f, capacityEvent({ RunningNodes: '1', MaxFailures: '0' }), { maxPolls: 3 });
  expect(result.outcome).toBe('timeout'); // the driver's poll budget, not a handler error
});

test('without cluster events (not Continuous) failures are counted from nodes in Failure, and the message says why', async () => {
  const f = await start([
    { group: 'worker', instanceId: 'i-00000000000000001', status: 'Failure', launchTime: T0_SECONDS, message: 'Insufficient capacity' },
    { group: 'worker', instanceId: 'i-00000000000000002', status: 'Failure', launchTime: T0_SECONDS, message: 'Insufficient capacity' },
  ]);
  f.provisioningMode = 'None';
  const result = await run(f, capacityEvent({ MaxFailures: '2' }));
  expect(result.outcome).toBe('error');
  expect(result.error!.message).toContain('2 failed launch(es)');
  expect(result.error!.message).toMatch(/cluster events unavailable \(ValidationException: Cluster events are only supported/);
  expect(result.error!.message).toContain('node i-00000000000000001 (Failure): Insufficient capacity');
});

test('a missing cluster or group fails with a clear message', async () => {
  const f = await start(makeNodes('worker', 1));
  const noGroup = await run(f, capacityEvent({ InstanceGroupName: 'gpu' }));
  expect(noGroup.error?.message).toBe('instance group "gpu" is not in HyperPod cluster "demo" (groups: worker)');
  f.clusterExists = false;
  const noCluster = await run(f, capacityEvent());
  expect(noCluster.error?.message).toMatch(/HyperPod cluster "demo" does not exist/);
});

test('delete does nothing; bad properties fail listing every problem', async () => {
  const f = await start(makeNodes('worker', 1));
  const del = await run(f, { ...capacityEvent({}, 'Delete'), PhysicalResourceId: 'demo/worker/capacity' });
  expect(del).toMatchObject({ outcome: 'complete', physicalResourceId: 'demo/worker/capacity' });
  expect(f.calls).toEqual({});
  const bad = await run(f, capacityEvent({ RunningNodes: '0', TimeoutSeconds: 'soon', InstanceGroupName: '' }));
  expect(bad.error?.message).toMatch(/InstanceGroupName must be a non-empty string[\s\S]*RunningNodes must be an integer from 1[\s\S]*TimeoutSeconds must be an integer/);
});

describe('the failure message stays under the CloudFormation reason budget', () => {
  const request = parseCapacityProperties(capacityEvent({ RunningNodes: '500' }).ResourceProperties);
  const nodes = Array.from({ length: 400 }, (_, i) => ({ group: 'worker', logicalId: `lg-${i}`, status: 'Failure', message: 'x'.repeat(2000) }));
  const observation = { request, nodes, targetCount: 500, currentCount: 0, errorEvents: 400, elapsedSeconds: 1800 };
  const events = Array.from({ length: 50 }, (_, i) => ({ time: new Date(T0 + i), level: 'Error', resourceType: 'Instance', resource: `i-${i}`, description: 'd'.repeat(3000) }));

  test('long messages and many events are cut, the log group is kept', () => {
    const message = failureMessage({ observation, assessment: assess(observation), clusterArn: 'arn:aws:sagemaker:us-east-1:123456789012:cluster/abcdef123456', events });
    expect(message.length).toBeLessThanOrEqual(1500);
    expect(message).toContain('/aws/sagemaker/Clusters/demo/abcdef123456');
    expect(message).toContain('Failure 400');
    expect(message).toMatch(/\.\.\./);
  });
});

test('pure parts: counts by status in a fixed order, verdicts, log group', () => {
  const nodes = ['Failure', 'Running', 'Pending', 'Running', 'Weird', ''].map((status) => ({ group: 'worker', status }));
  expect(countByStatus(nodes)).toEqual({ Running: 2, Pending: 1, Failure: 1, Weird: 1, Unknown: 1 });
  const request = parseCapacityProperties({ ClusterName: 'c', InstanceGroupName: 'g', RunningNodes: 2, TimeoutSeconds: 60, MaxFailures: 1 });
  const base = { request, nodes, elapsedSeconds: 10 };
  expect(assess(base).verdict).toBe('done');
  expect(assess({ ...base, nodes: nodes.slice(0, 3), errorEvents: 0 }).verdict).toBe('wait');
  expect(assess({ ...base, nodes: nodes.slice(0, 3) }).verdict).toBe('failing'); // 1 node in Failure, events unknown
  expect(assess({ ...base, nodes: nodes.slice(0, 3), errorEvents: 0, elapsedSeconds: 60 }).verdict).toBe('timeout');
  expect(lifecycleLogGroup('c', 'arn:aws:sagemaker:us-west-2:1:cluster/xyz789')).toBe('/aws/sagemaker/Clusters/c/xyz789');
});

test('the bundled Lambda entries route Custom::HyperPodCapacity to the capacity handlers', async () => {
  const f = await start(makeNodes('worker', 2));
  const event = capacityEvent();
  const first = await invokeBundled('on-event', f, event);
  expect(first).toMatchObject({ PhysicalResourceId: 'demo/worker/capacity', Data: { StartedAt: expect.any(String) } });
  const done = await invokeBundled('is-complete', f, { ...event, ...first } as HandlerRequest);
  expect(done).toEqual({ IsComplete: true, Data: { Running: '2' } });
  expect(f.calls.ListClusterEvents).toBe(1);
}, 60_000); // two child processes: never on jest's default timeout
