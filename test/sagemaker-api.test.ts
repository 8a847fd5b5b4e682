/**
 * The SageMaker module's read side (cluster view, node messages, cluster events) through the
 * real SDK client against the local stand-in.
 */
import { FakeSageMaker, makeNodes } from './support/fake-sagemaker';
import { testClient } from './support/scale-down-driver';
import { ClusterMissingError, EventsUnavailableError, SageMakerHyperPodApi } from '../src/domain/sagemaker';

let fake: FakeSageMaker;
let api: SageMakerHyperPodApi;
let client: ReturnType<typeof testClient>;

beforeEach(async () => {
  fake = await FakeSageMaker.start({
    groups: [{ name: 'worker', targetCount: 3 }],
    nodes: [...makeNodes('worker', 2), { group: 'worker', logicalId: 'lg-1', status: 'Failure', message: 'Insufficient capacity', launchTime: 1_700_000_999 }],
  });
  client = testClient(fake);
  api = new SageMakerHyperPodApi(client);
});

afterEach(async () => {
  client.destroy();
  await fake.close();
});

test('describeCluster gives the ARN, status, mode and each group', async () => {
  const cluster = await api.describeCluster('demo');
  expect(cluster).toEqual({
    name: 'demo',
    arn: fake.clusterArn,
    status: 'InService',
    provisioningMode: 'Continuous',
    groups: [{ name: 'worker', currentCount: 2, targetCount: 3, status: 'InService', instanceType: 'ml.m5.xlarge' }],
  });
  expect(await api.describeCluster('other')).toBeUndefined();
});

test('listNodes carries the status message and instance type', async () => {
  const nodes = await api.listNodes('demo', 'worker');
  expect(nodes.find((n) => n.logicalId === 'lg-1')).toMatchObject({ status: 'Failure', message: 'Insufficient capacity', instanceType: 'ml.m5.xlarge' });
  expect(nodes.filter((n) => n.message === undefined)).toHaveLength(2);
});

test('listEvents filters by group and time, newest first, at most max', async () => {
  fake.addEvent({ level: 'Info', resourceType: 'Cluster', time: 100, description: 'cluster' });
  fake.addEvent({ level: 'Error', resourceType: 'Instance', group: 'worker', instanceId: 'i-1', time: 200, description: 'a' });
  fake.addEvent({ level: 'Warn', resourceType: 'InstanceGroup', group: 'worker', time: 300, description: 'b' });
  fake.addEvent({ level: 'Info', resourceType: 'InstanceGroup', group: 'worker-2', time: 400, description: 'other' });
  const all = await api.listEvents('demo');
  expect(all.map((e) => e.description)).toEqual(['other', 'b', 'a', 'cluster']);
  const worker = await api.listEvents('demo', { group: 'worker', after: new Date(150_000), max: 1 });
  expect(worker).toHaveLength(1);
  expect(worker[0]).toMatchObject({ description: 'b', level: 'Warn', resourceType: 'InstanceGroup', group: 'worker' });
  expect(worker[0].time).toEqual(new Date(300_000));
});

test('describeEvent returns the failure message of the metadata member', async () => {
  const event = fake.addEvent({ level: 'Error', resourceType: 'Instance', group: 'worker', instanceId: 'i-1', description: 'launch failed', failureMessage: 'Lifecycle scripts did not run successfully' });
  expect(await api.describeEvent('demo', event.id)).toMatchObject({
    id: event.id, level: 'Error', instanceId: 'i-1', description: 'launch failed', failureMessage: 'Lifecycle scripts did not run successfully',
  });
});

test('events of a cluster not in Continuous mode, or without permission, are unavailable; a missing cluster is missing', async () => {
  fake.provisioningMode = 'None';
  await expect(api.listEvents('demo')).rejects.toThrow(EventsUnavailableError);
  fake.provisioningMode = 'Continuous';
  fake.eventsDenied = true;
  await expect(api.listEvents('demo')).rejects.toThrow(/AccessDeniedException/);
  fake.eventsDenied = false;
  await expect(api.listEvents('nope')).rejects.toThrow(ClusterMissingError);
});
