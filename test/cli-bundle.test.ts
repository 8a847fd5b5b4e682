/**
 * The bundled `hyperpod-cdk` bin (`assets/cli/main/index.js`, built by `npx projen bundle`) in
 * a child node process, as users run it: the SDK's default credential chain and Region, with
 * `AWS_ENDPOINT_URL_SAGEMAKER` pointing it at the SageMaker stand-in.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CLI_BUNDLE, runBundledCli } from './support/cli-runner';
import { FakeSageMaker, makeNodes } from './support/fake-sagemaker';
import { PlanJson } from '../src/cli/plan';

let fake: FakeSageMaker;
let home: string;

beforeAll(async () => {
  fake = await FakeSageMaker.start({
    groups: [{ name: 'worker', targetCount: 3 }],
    nodes: [...makeNodes('worker', 2), { group: 'worker', logicalId: 'lg-1', status: 'Failure', message: 'Insufficient capacity', launchTime: 1_700_000_999 }],
  });
  fake.addEvent({ level: 'Error', resourceType: 'Instance', group: 'worker', instanceId: 'i-00000000000000abc', description: 'Node launch failed' });
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperpod-cli-'));
});

afterAll(async () => {
  await fake.close();
  fs.rmSync(home, { recursive: true, force: true });
});

/** No credentials or Region anywhere: no variables, no files, no instance metadata. */
function bareEnv(): Record<string, string> {
  return {
    HOME: home,
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'no-credentials'),
    AWS_CONFIG_FILE: path.join(home, 'no-config'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_SAGEMAKER: fake.url,
  };
}

function withCredentials(): Record<string, string> {
  return { ...bareEnv(), AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIDFAKE', AWS_SECRET_ACCESS_KEY: 'fake-secret' };
}

/** Each of these runs the bundled command in child processes: never on jest's default timeout. */
const CHILD_TIMEOUT = 60_000;

test('the bin is an executable node script', () => {
  expect(fs.readFileSync(CLI_BUNDLE, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  expect(() => fs.accessSync(CLI_BUNDLE, fs.constants.X_OK)).not.toThrow();
});

test('status against the stand-in, through the default chain and AWS_ENDPOINT_URL_SAGEMAKER', async () => {
  const result = await runBundledCli(['status', 'demo'], withCredentials());
  expect(result.stderr).toBe(''); // nor the SDK's Node.js version notice
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('Cluster demo (us-east-1)');
  expect(result.stdout).toMatch(/^ {2}worker +ml\.m5\.xlarge +InService +3 +2 +3 +Running 2, Failure 1$/m);
  expect(result.stdout).toMatch(/^ {2}worker +lg-1 +Failure +\S+ +Insufficient capacity$/m);
  expect(result.stdout).toMatch(/Error +worker\/i-00000000000000abc +Node launch failed$/m);
}, CHILD_TIMEOUT);

test('plan --json and a usage error', async () => {
  const plan = await runBundledCli(['plan', 'demo', '--group', 'worker', '--previous-count', '3', '--count', '1', '--json'], withCredentials());
  expect(plan.stderr).toBe('');
  expect(plan.code).toBe(0);
  const doc = JSON.parse(plan.stdout) as PlanJson;
  expect(doc).toMatchObject({ previousCount: 3, count: 1, targetCount: 3, drift: 'Refuse', extra: 0, budget: 2, errors: [], notes: [] });
  expect(doc.remove.map((n) => n.reason)).toEqual(['status Failure', 'newest']);
  const usage = await runBundledCli(['plan', 'demo', '--count', 'x'], withCredentials());
  expect(usage.code).toBe(2);
  expect(usage.stderr).toContain('plan needs --group');
  const drift = await runBundledCli(['plan', 'demo', '--group', 'worker', '--count', '1', '--drift', 'Sometimes'], withCredentials());
  expect(drift.code).toBe(2);
  expect(drift.stderr).toContain('--drift must be Refuse or Remove, got "Sometimes"');
}, CHILD_TIMEOUT);

test('plan refuses drift as a deployment would: exit 1, the group named', async () => {
  const before = { ...fake.calls };
  const result = await runBundledCli(['plan', 'demo', '--group', 'worker', '--previous-count', '2', '--count', '1'], withCredentials());
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toContain('instance group "worker" of cluster "demo" has 3 nodes (TargetCount), more than its previous instanceCount 2');
  expect(result.stderr).toContain('set instanceCount to 3');
  expect(fake.calls.BatchDeleteClusterNodes).toBe(before.BatchDeleteClusterNodes);
}, CHILD_TIMEOUT);

test('missing credentials fail at once, with what to do', async () => {
  const before = { ...fake.calls };
  const result = await runBundledCli(['status', 'demo'], { ...bareEnv(), AWS_REGION: 'us-east-1' });
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toBe('hyperpod-cdk: error: no AWS credentials found (Could not load credentials from any providers). ' +
    'Run "aws configure" (or "aws sso login"), choose a profile with --profile or AWS_PROFILE, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.\n');
  expect(fake.calls).toEqual(before);
}, CHILD_TIMEOUT);

test('a missing Region fails at once, with what to do', async () => {
  const env = withCredentials();
  delete env.AWS_REGION;
  const result = await runBundledCli(['status', 'demo'], env);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('hyperpod-cdk: error: no AWS Region: pass --region');
  const withFlag = await runBundledCli(['status', 'demo', '--region', 'us-east-1', '--events', '0'], env);
  expect(withFlag.code).toBe(0);
}, CHILD_TIMEOUT);
