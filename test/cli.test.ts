/**
 * `hyperpod-cdk`: arguments, `status`, and the error messages, run in-process against the
 * local SageMaker stand-in with the real SDK client.
 */
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { runCli } from './support/cli-runner';
import { FakeSageMaker, makeNodes } from './support/fake-sagemaker';
import { testClient } from './support/scale-down-driver';
import { parseArgs, UsageError } from '../src/cli/args';
import { MAX_ATTENTION_LINES, StatusJson } from '../src/cli/status';

const DESCRIBE_ONLY = ['DescribeCluster', 'ListClusterNodes', 'ListClusterEvents', 'DescribeClusterEvent'];

let fake: FakeSageMaker;

/** Two groups: worker (3 Running, 1 failed launch), gpu (1 Running, 1 Pending, 1 ShuttingDown). */
async function startCluster(): Promise<FakeSageMaker> {
  const f = await FakeSageMaker.start({
    groups: [{ name: 'worker', targetCount: 4 }, { name: 'gpu', targetCount: 2 }],
    nodes: [
      ...makeNodes('worker', 3),
      { group: 'worker', logicalId: 'lg-worker-1', status: 'Failure', message: 'Insufficient capacity for ml.m5.xlarge in us-east-1a', launchTime: 1_700_000_500 },
      ...makeNodes('gpu', 1, { idBase: 0x100 }),
      { group: 'gpu', logicalId: 'lg-gpu-1', status: 'Pending', launchTime: 1_700_000_600 },
      { group: 'gpu', instanceId: 'i-000000000000001ff', status: 'ShuttingDown', launchTime: 1_700_000_100 },
    ],
  });
  f.addEvent({ level: 'Info', resourceType: 'Cluster', time: 1_763_805_600, description: 'Cluster update started' });
  f.addEvent({
    level: 'Error',
    resourceType: 'Instance',
    group: 'worker',
    instanceId: 'i-00000000000000abc',
    time: 1_763_805_640,
    description: 'Node launch failed',
    failureMessage: 'Lifecycle scripts did not run successfully. Exit code 1.',
  });
  f.addEvent({ level: 'Info', resourceType: 'InstanceGroup', group: 'gpu', time: 1_763_805_650, description: 'Scaling in progress' });
  return f;
}

beforeEach(async () => {
  fake = await startCluster();
});

afterEach(async () => {
  await fake.close();
});

describe('arguments', () => {
  test('status and plan parse with defaults, --flag=value and several ids after one --remove', () => {
    expect(parseArgs(['status', 'demo'])).toEqual({ kind: 'status', cluster: 'demo', events: 10, json: false, region: undefined, profile: undefined });
    expect(parseArgs(['status', '--json', 'demo', '--events=3', '--region', 'eu-west-1', '--profile', 'ml'])).toMatchObject(
      { kind: 'status', cluster: 'demo', events: 3, json: true, region: 'eu-west-1', profile: 'ml' });
    expect(parseArgs(['plan', 'demo', '--group', 'worker', '--count', '3', '--remove', 'i-0123456789abcdef0', 'i-12345678,i-0123456789abcdef0',
      '--order', 'OLDEST_FIRST', '--chunk-size=50'])).toEqual({
      kind: 'plan',
      cluster: 'demo',
      group: 'worker',
      count: 3,
      remove: ['i-0123456789abcdef0', 'i-12345678'],
      order: 'OldestFirst',
      chunkSize: 50,
      previousCount: undefined,
      drift: 'Refuse',
      json: false,
      region: undefined,
      profile: undefined,
    });
    const defaults = parseArgs(['plan', 'demo', '--group', 'w', '--count', '0']);
    expect(defaults).toMatchObject({ count: 0, remove: [], order: 'NewestFirst', chunkSize: 99, drift: 'Refuse' });
    expect(defaults).toHaveProperty('previousCount', undefined);
  });

  test('plan: --previous-count is the deployed instanceCount, --drift takes Refuse or Remove in the construct\'s spellings too', () => {
    expect(parseArgs(['plan', 'demo', '--group', 'w', '--count', '3', '--previous-count', '5', '--drift', 'Remove']))
      .toMatchObject({ count: 3, previousCount: 5, drift: 'Remove' });
    expect(parseArgs(['plan', 'demo', '--group', 'w', '--count', '3', '--previous-count=0', '--drift=refuse'])).toMatchObject({ previousCount: 0, drift: 'Refuse' });
    expect(parseArgs(['plan', 'demo', '--group', 'w', '--count', '3', '--drift', 'REMOVE_EXTRA_NODES'])).toMatchObject({ drift: 'Remove' });
    expect(parseArgs(['plan', 'demo', '--group', 'w', '--count', '3', '--drift', 'remove-extra-nodes'])).toMatchObject({ drift: 'Remove' });
  });

  test.each<[string[], RegExp]>([
    [[], /missing a command: status or plan/],
    [['scale', 'demo'], /unknown command "scale": expected status or plan/],
    [['--json'], /expected a command \(status or plan\) before "--json"/],
    [['status'], /missing the cluster name: hyperpod-cdk status <cluster>/],
    [['status', 'demo', 'other'], /expected one cluster name, got "demo", "other"/],
    [['status', 'demo', '--verbose'], /unknown option "--verbose"/],
    [['status', 'demo', '-v'], /unknown option "-v"/],
    [['status', 'demo', '--group', 'worker'], /option --group is not valid for "status"/],
    [['status', 'demo', '--events', '101'], /--events must be an integer from 0 to 100, got "101"/],
    [['status', 'demo', '--region'], /--region needs a value/],
    [['status', 'demo', '--json=yes'], /--json takes no value/],
    [['status', 'demo', '--region', 'a', '--region=b'], /--region was given twice/],
    [['plan', 'demo', '--count', '3'], /plan needs --group: hyperpod-cdk plan <cluster> --group G --count N/],
    [['plan', 'demo', '--group', 'worker'], /plan needs --count/],
    [['plan', 'demo'], /plan needs --group and --count/],
    [['plan', '--group', 'worker', '--count', '3'], /missing the cluster name/],
    [['plan', 'demo', '--group', 'worker', '--count', '-1'], /--count must be an integer of 0 or more, got "-1"/],
    [['plan', 'demo', '--group', 'worker', '--count', '2.5'], /--count must be an integer of 0 or more, got "2.5"/],
    [['plan', 'demo', '--group', 'worker', '--count', 'three'], /--count must be an integer of 0 or more, got "three"/],
    [['plan', 'demo', '--group', 'worker', '--count', '3', '--remove', 'i-XYZ', 'node-1'],
      /--remove takes instance ids, each an EC2 instance id: 'i-' and 8 or 17 lowercase hex digits, got "i-XYZ", "node-1"/],
    [['plan', 'demo', '--group', 'worker', '--count', '3', '--remove'], /--remove needs at least one instance id/],
    [['plan', 'demo', '--group', 'worker', '--count', '3', '--order', 'Random'], /--order must be NewestFirst or OldestFirst, got "Random"/],
    [['plan', 'demo', '--group', 'worker', '--count', '3', '--chunk-size', '100'], /--chunk-size must be an integer from 1 to 99, got "100"/],
    [['plan', 'demo', '--group', 'worker', '--count', '3', '--events', '5'], /option --events is not valid for "plan"/],
    [['plan', 'demo', '--group', 'worker', '--count', '3', '--previous-count', '-1'], /--previous-count must be an integer of 0 or more, got "-1"/],
    [['plan', 'demo', '--group', 'worker', '--count', '3', '--previous-count', 'five'], /--previous-count must be an integer of 0 or more, got "five"/],
    [['plan', 'demo', '--group', 'worker', '--count', '3', '--previous-count'], /--previous-count needs a value/],
    [['plan', 'demo', '--group', 'worker', '--count', '3', '--previous-count', '4', '--previous-count', '5'], /--previous-count was given twice/],
    [['plan', 'demo', '--group', 'worker', '--count', '3', '--drift', 'Ignore'], /--drift must be Refuse or Remove, got "Ignore"/],
    [['plan', 'demo', '--group', 'worker', '--count', '3', '--drift'], /--drift needs a value/],
    [['status', 'demo', '--previous-count', '3'], /option --previous-count is not valid for "status"/],
    [['status', 'demo', '--drift', 'Remove'], /option --drift is not valid for "status"/],
  ])('%j is a usage error: exit 2, a message naming the problem, no AWS call', async (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    const factory = jest.fn(() => testClient(fake));
    const result = await runCli(fake, argv, { clientFactory: factory });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/for usage|Usage: hyperpod-cdk/);
    expect(result.stdout).toBe('');
    expect(factory).not.toHaveBeenCalled();
    expect(fake.calls).toEqual({});
  });

  test.each([[['--help']], [['-h']], [['help']], [['status', '--help']], [['plan', 'demo', '-h']], [['help', 'plan']]])(
    '%j prints help on stdout and exits 0', async (argv) => {
      const result = await runCli(fake, argv);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(/^Usage: hyperpod-cdk /);
      expect(fake.calls).toEqual({});
    });

  test('command help names every option', async () => {
    const plan = (await runCli(fake, ['plan', '--help'])).stdout;
    for (const option of ['--group G', '--count N', '--previous-count P', '--drift D', '--remove IDS', '--order O', '--chunk-size C', '--json']) {
      expect(plan).toContain(option);
    }
    const status = (await runCli(fake, ['status', '--help'])).stdout;
    for (const option of ['--events N', '--json', '--region R', '--profile P']) {
      expect(status).toContain(option);
    }
  });
});

describe('status', () => {
  test('text: cluster header, a row per group with counts by status, failing nodes with their messages, recent events', async () => {
    const result = await runCli(fake, ['status', 'demo']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain('Cluster demo (us-east-1)');
    expect(out).toContain(`ARN:               ${fake.clusterArn}`);
    expect(out).toContain('status:            InService');
    expect(out).toContain('provisioning mode: Continuous');
    const lines = out.split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}GROUP +TYPE +STATUS +TARGET +CURRENT +NODES +BY STATUS$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}worker +ml\.m5\.xlarge +InService +4 +3 +4 +Running 3, Failure 1$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}gpu +ml\.m5\.xlarge +InService +2 +1 +3 +Running 1, Pending 1, ShuttingDown 1$/));
    // Failures first, nodes shutting down last.
    expect(out).toContain('Nodes not Running: 3');
    const failing = lines.findIndex((l) => /worker +lg-worker-1 +Failure +2023-11-14T22:21:40Z +Insufficient capacity for ml\.m5\.xlarge in us-east-1a$/.test(l));
    const pending = lines.findIndex((l) => /gpu +lg-gpu-1 +Pending /.test(l));
    const going = lines.findIndex((l) => /gpu +i-000000000000001ff +ShuttingDown /.test(l));
    expect(failing).toBeGreaterThan(0);
    expect(pending).toBeGreaterThan(failing);
    expect(going).toBeGreaterThan(pending);
    // Events newest first; the Error one carries DescribeClusterEvent's failure message.
    expect(out).toContain('Recent events (newest first, 3):');
    const events = lines.slice(lines.findIndex((l) => l.startsWith('Recent events')) + 2).filter((l) => l.trim() !== '');
    expect(events).toEqual([
      expect.stringMatching(/^ {2}2025-11-22T10:00:50Z +Info +gpu +Scaling in progress$/),
      expect.stringMatching(/^ {2}2025-11-22T10:00:40Z +Error +worker\/i-00000000000000abc +Node launch failed: Lifecycle scripts did not run successfully\. Exit code 1\.$/),
      expect.stringMatching(/^ {2}2025-11-22T10:00:00Z +Info +cluster +Cluster update started$/),
    ]);
    expect(fake.calls).toEqual({ DescribeCluster: 1, ListClusterNodes: 1, ListClusterEvents: 1, DescribeClusterEvent: 1 });
  });

  test('--json: a stable document with every status counted, every field present, ISO times', async () => {
    const result = await runCli(fake, ['status', 'demo', '--json']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const doc = JSON.parse(result.stdout) as StatusJson;
    expect(Object.keys(doc)).toEqual(['cluster', 'groups', 'nodesNotRunning', 'events', 'eventsUnavailable', 'eventDetailsUnavailable']);
    expect(doc.cluster).toEqual({ name: 'demo', arn: fake.clusterArn, status: 'InService', provisioningMode: 'Continuous', failureMessage: null, region: 'us-east-1' });
    expect(doc.groups[0]).toEqual({
      name: 'worker',
      instanceType: 'ml.m5.xlarge',
      status: 'InService',
      targetCount: 4,
      currentCount: 3,
      nodes: 4,
      byStatus: { Running: 3, Pending: 0, DeepHealthCheckInProgress: 0, SystemUpdating: 0, Failure: 1, ShuttingDown: 0, NotFound: 0 },
    });
    expect(doc.groups.map((g) => g.name)).toEqual(['worker', 'gpu']);
    expect(doc.nodesNotRunning[0]).toEqual({
      group: 'worker',
      instanceId: null,
      logicalId: 'lg-worker-1',
      status: 'Failure',
      message: 'Insufficient capacity for ml.m5.xlarge in us-east-1a',
      launchTime: '2023-11-14T22:21:40.000Z',
    });
    expect(doc.nodesNotRunning.map((n) => n.status)).toEqual(['Failure', 'Pending', 'ShuttingDown']);
    expect(doc.events).toHaveLength(3);
    expect(doc.events![1]).toEqual({
      id: fake.events[1].id,
      time: '2025-11-22T10:00:40.000Z',
      level: 'Error',
      resourceType: 'Instance',
      group: 'worker',
      instanceId: 'i-00000000000000abc',
      description: 'Node launch failed',
      failureMessage: 'Lifecycle scripts did not run successfully. Exit code 1.',
    });
    expect(doc.eventsUnavailable).toBeNull();
  });

  test('an unknown node status is counted under its own name and shown among the failures', async () => {
    fake.nodes.push({ group: 'worker', instanceId: 'i-00000000000000777', status: 'Rebooting', launchTime: 1_700_000_900 });
    const doc = JSON.parse((await runCli(fake, ['status', 'demo', '--json'])).stdout) as StatusJson;
    expect(doc.groups[0].byStatus.Rebooting).toBe(1);
    expect(doc.nodesNotRunning.map((n) => n.status)).toEqual(['Failure', 'Rebooting', 'Pending', 'ShuttingDown']);
    expect((await runCli(fake, ['status', 'demo'])).stdout).toContain('Running 3, Failure 1, Rebooting 1');
  });

  test.each<[string, (f: FakeSageMaker) => void, RegExp]>([
    ['not in Continuous mode', (f) => (f.provisioningMode = 'None'),
      /Recent events: not available \(ValidationException: Cluster events are only supported when NodeProvisioningMode is Continuous\); cluster events exist only for clusters with NodeProvisioningMode Continuous/],
    ['not allowed to read events', (f) => (f.eventsDenied = true),
      /Recent events: not available \(AccessDeniedException: not authorized to perform sagemaker:ListClusterEvents\); allow sagemaker:ListClusterEvents to see them/],
  ])('events unavailable (%s): the rest still prints, with a note, exit 0', async (_, setup, note) => {
    setup(fake);
    const text = await runCli(fake, ['status', 'demo']);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toMatch(note);
    expect(text.stdout).toMatch(/worker +ml\.m5\.xlarge/);
    const doc = JSON.parse((await runCli(fake, ['status', 'demo', '--json'])).stdout) as StatusJson;
    expect(doc.events).toBeNull();
    expect(doc.eventsUnavailable).toMatch(/^(ValidationException|AccessDeniedException): /);
    expect(doc.groups).toHaveLength(2);
  });

  test('without DescribeClusterEvent permission, events print without failure messages and a note says why', async () => {
    fake.fail(1, 400, 'AccessDeniedException', 'DescribeClusterEvent');
    const result = await runCli(fake, ['status', 'demo']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Error +worker\/i-00000000000000abc +Node launch failed$/m);
    expect(result.stdout).toContain('(failure messages of events not shown: AccessDeniedException: injected AccessDeniedException; ' +
      'allow sagemaker:DescribeClusterEvent to see them)');
  });

  test('--events N asks for N events; --events 0 reads none', async () => {
    const two = await runCli(fake, ['status', 'demo', '--events', '2', '--json']);
    expect((JSON.parse(two.stdout) as StatusJson).events!.map((e) => e.description)).toEqual(['Scaling in progress', 'Node launch failed']);
    const none = await runCli(fake, ['status', 'demo', '--events', '0']);
    expect(none.stdout).toContain('Recent events: not requested (--events 0)');
    expect(fake.calls.ListClusterEvents).toBe(1);
  });

  test(`at most ${MAX_ATTENTION_LINES} nodes not Running in text, all of them in JSON`, async () => {
    fake.nodes.push(...makeNodes('worker', 12, { idBase: 0x500, status: 'Failure' }).map((n) => ({ ...n, message: 'Instance failed health checks' })));
    const text = (await runCli(fake, ['status', 'demo'])).stdout;
    expect(text).toContain('Nodes not Running: 15');
    expect(text.match(/Instance failed health checks/g)).toHaveLength(MAX_ATTENTION_LINES); // the failures of the listing come first
    expect(text).toContain('  ... and 5 more nodes (--json lists all)');
    expect((JSON.parse((await runCli(fake, ['status', 'demo', '--json'])).stdout) as StatusJson).nodesNotRunning).toHaveLength(15);
  });

  test('a cluster with no groups and no events', async () => {
    const empty = await FakeSageMaker.start({ clusterName: 'empty' });
    try {
      const result = await runCli(empty, ['status', 'empty']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Instance groups: none');
      expect(result.stdout).toContain('Nodes not Running: none');
      expect(result.stdout).toContain('Recent events: none');
    } finally {
      await empty.close();
    }
  });
});

describe('errors: exit 1 with what went wrong and what to do', () => {
  test.each([['status', 'nope'], ['plan', 'nope', '--group', 'worker', '--count', '1']])('missing cluster: %s', async (...argv) => {
    const result = await runCli(fake, argv);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('hyperpod-cdk: error: cluster "nope" not found in Region us-east-1. Check the name ' +
      '(aws sagemaker list-clusters --region us-east-1) and the Region (--region, AWS_REGION, or the profile\'s region), ' +
      'and that the credentials belong to the cluster\'s account.\n');
  });

  test('missing credentials (the SDK\'s CredentialsProviderError) name AWS_PROFILE, aws configure and --profile', async () => {
    const noCredentials = () => new SageMakerClient({
      region: 'us-east-1',
      endpoint: fake.url,
      credentials: async () => {
        throw Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
      },
    });
    const result = await runCli(fake, ['status', 'demo'], { clientFactory: noCredentials });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('hyperpod-cdk: error: no AWS credentials found (Could not load credentials from any providers). ' +
      'Run "aws configure" (or "aws sso login"), choose a profile with --profile or AWS_PROFILE, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.\n');
    const withProfile = await runCli(fake, ['status', 'demo'], { clientFactory: noCredentials, env: { AWS_PROFILE: 'ml' } });
    expect(withProfile.stderr).toContain('Profile "ml" gave none: check it in ~/.aws/config and ~/.aws/credentials, or log in with aws sso login --profile ml.');
    expect(fake.calls).toEqual({});
  });

  test('no Region', async () => {
    const noRegion = () => new SageMakerClient({
      region: async () => {
        throw new Error('Region is missing');
      },
      endpoint: fake.url,
      credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret' },
    });
    const result = await runCli(fake, ['plan', 'demo', '--group', 'worker', '--count', '1', '--profile', 'ml'], { clientFactory: noRegion });
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toBe('hyperpod-cdk: error: no AWS Region: pass --region (e.g. --region us-east-1), set AWS_REGION, ' +
      'or set a region in profile "ml" (aws configure set region <region>).\n');
  });

  test.each<[string, string, RegExp]>([
    ['AccessDeniedException', 'DescribeCluster',
      /^hyperpod-cdk: error: not authorized \(injected AccessDeniedException\)\. The status command needs sagemaker:DescribeCluster and sagemaker:ListClusterNodes \(and sagemaker:ListClusterEvents, sagemaker:DescribeClusterEvent for the events\) on cluster "demo"\.\n$/],
    ['ExpiredTokenException', 'ListClusterNodes',
      /^hyperpod-cdk: error: AWS rejected the credentials \(ExpiredTokenException: injected ExpiredTokenException\)\. Refresh them .* --profile or AWS_PROFILE\.\n$/],
    ['ValidationException', 'DescribeCluster', /^hyperpod-cdk: error: ValidationException: injected ValidationException\n$/],
  ])('%s from %s', async (type, op, message) => {
    fake.fail(1, 400, type, op);
    const result = await runCli(fake, ['status', 'demo']);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(message);
  });

  test('an endpoint that does not answer', async () => {
    const gone = await FakeSageMaker.start();
    await gone.close();
    const result = await runCli(gone, ['status', 'demo'], { clientFactory: () => testClient(gone, { maxAttempts: 1 }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^hyperpod-cdk: error: could not reach the SageMaker API in Region us-east-1 \(ECONNREFUSED: .*\)\. Check the network and the Region \(and AWS_ENDPOINT_URL_SAGEMAKER, if set\)\.\n$/);
  });
});

test('status reads only', async () => {
  await runCli(fake, ['status', 'demo']);
  expect(Object.keys(fake.calls).every((op) => DESCRIBE_ONLY.includes(op))).toBe(true);
  expect(fake.deleteCalls).toEqual([]);
});
