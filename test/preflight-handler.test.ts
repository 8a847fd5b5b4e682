/**
 * The preflight check (`Custom::HyperPodPreflight`) driven like the Provider framework does,
 * through the real EKS SDK client against the EKS stand-in; plus the pure parts.
 */
import { EKSClient } from '@aws-sdk/client-eks';
import { invokeBundled } from './support/bundled-handlers';
import { FakeEks, FakeEksOptions } from './support/fake-eks';
import { driveProvider, ProviderRun, standInClientConfig } from './support/scale-down-driver';
import { PREFLIGHT_RESOURCE_TYPE } from '../src/contract/preflight';
import { AwsEksApi } from '../src/domain/eks';
import { compareVersions, parseVersion, SUPPORTED_KUBERNETES_VERSIONS } from '../src/domain/preflight-checks';
import { isPreflightComplete, onPreflightEvent, PreflightContext } from '../src/handlers/preflight';
import { type HandlerRequest } from '../src/handlers/request';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const T0 = Date.parse('2026-11-22T10:00:00Z');
/** Every test that calls the stand-in gets this (the SDK backs off on throttling). */
const CALLS_TIMEOUT = 30_000;

const HEAD = 'HyperPod preflight failed for EKS cluster "ml-eks" (us-east-1); fix the following, then deploy again:';

/** The exact line of each problem, for the stand-in's cluster `ml-eks` in us-east-1. */
const PROBLEM = {
  notFound: 'EKS cluster "ml-eks" was not found in us-east-1: create it first, or fix the name '
    + '(HyperPod needs an EKS cluster in its own account and Region)',
  failed: 'EKS cluster "ml-eks" is FAILED, and HyperPod needs it ACTIVE: repair or re-create the EKS cluster, then deploy again',
  deleting: 'EKS cluster "ml-eks" is DELETING, and HyperPod needs it ACTIVE: use an EKS cluster that is not being deleted',
  configMap: 'EKS cluster "ml-eks" uses authenticationMode CONFIG_MAP; HyperPod needs API or API_AND_CONFIG_MAP: run '
    + '"aws eks update-cluster-config --name ml-eks --region us-east-1 --access-config authenticationMode=API_AND_CONFIG_MAP" '
    + '(one-way), or set authenticationMode on the CDK cluster',
  tooOld: 'EKS cluster "ml-eks" runs Kubernetes 1.27; HyperPod supports 1.28 to 1.35: upgrade it one minor version at a time '
    + '("aws eks update-cluster-version --name ml-eks --kubernetes-version 1.28", or version on the CDK cluster)',
  tooNew: 'EKS cluster "ml-eks" runs Kubernetes 1.36; HyperPod supports 1.28 to 1.35 as far as this library knows: EKS cannot '
    + 'downgrade, so use an EKS cluster of a supported version, or upgrade hyperpod-cdk if HyperPod now supports 1.36',
  oldCni: 'EKS cluster "ml-eks" has the vpc-cni add-on at v1.18.2-eksbuild.1; HyperPod needs 1.18.3 or later: update it '
    + '("aws eks update-addon --cluster-name ml-eks --addon-name vpc-cni --addon-version <1.18.3 or later>"), or its addonVersion in the CDK app',
  noPodIdentity: 'EKS cluster "ml-eks" lacks the eks-pod-identity-agent add-on this HyperPod cluster requires (not installed): install it '
    + '("aws eks create-addon --cluster-name ml-eks --addon-name eks-pod-identity-agent", or an EKS add-on in the CDK app that the '
    + 'HyperPod cluster depends on)',
  podIdentityDeleting: 'EKS cluster "ml-eks" lacks the eks-pod-identity-agent add-on this HyperPod cluster requires (DELETING): install it '
    + '("aws eks create-addon --cluster-name ml-eks --addon-name eks-pod-identity-agent", or an EKS add-on in the CDK app that the '
    + 'HyperPod cluster depends on)',
};

const WAITING_CREATING = 'EKS cluster "ml-eks" is CREATING: wait until it is ACTIVE ("aws eks wait cluster-active --name ml-eks '
  + '--region us-east-1"), then deploy again';

let fake: FakeEks | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(options: FakeEksOptions = {}): Promise<FakeEks> {
  fake = await FakeEks.start(options);
  return fake;
}

/** An EKS client for the stand-in. */
function testClient(f: FakeEks, overrides: { maxAttempts?: number } = {}): EKSClient {
  return new EKSClient(standInClientConfig(f.url, overrides));
}

function preflightEvent(extra: Record<string, unknown> = {}, type = 'Create'): HandlerRequest {
  return {
    RequestType: type,
    ResourceType: PREFLIGHT_RESOURCE_TYPE,
    LogicalResourceId: 'Preflight',
    RequestId: 'req-1',
    ...(type === 'Create' ? {} : { PhysicalResourceId: 'ml-eks/preflight' }),
    ResourceProperties: {
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:x',
      EksClusterName: 'ml-eks',
      RequirePodIdentityAgent: 'true',
      TimeoutSeconds: '540',
      ...extra,
    },
  };
}

/** onEvent once, then isComplete until it settles; onEvent at T0, each poll 30 s later (the Provider's interval). */
async function run(f: FakeEks, event: HandlerRequest, options: { maxPolls?: number; client?: EKSClient } = {}): Promise<ProviderRun> {
  const logs: Array<Record<string, unknown>> = [];
  const client = options.client ?? testClient(f);
  let t = T0 - 30_000;
  const ctx: PreflightContext = { eks: new AwsEksApi(client), log: (r) => logs.push(r), now: () => (t += 30_000) };
  try {
    return await driveProvider(event, ctx, { onEvent: onPreflightEvent, isComplete: isPreflightComplete }, options.maxPolls ?? 10, logs);
  } finally {
    client.destroy();
  }
}

const failureOf = (...problems: string[]) => [HEAD, ...problems].join('\n  - ');

describe('a ready EKS cluster', () => {
  test('every check passes in onEvent; isComplete then calls nothing', async () => {
    const f = await start();
    const result = await run(f, preflightEvent());
    expect(result).toMatchObject({ outcome: 'complete', polls: 1, physicalResourceId: 'ml-eks/preflight' });
    expect(result.data).toEqual({
      StartedAt: new Date(T0).toISOString(),
      Done: 'true',
      KubernetesVersion: '1.31',
      AuthenticationMode: 'API_AND_CONFIG_MAP',
      VpcCniVersion: 'v1.19.0-eksbuild.1',
    });
    expect(f.requests).toEqual([
      'GET /clusters/ml-eks',
      'GET /clusters/ml-eks/addons?maxResults=100',
      'GET /clusters/ml-eks/addons/vpc-cni',
      'GET /clusters/ml-eks/addons/eks-pod-identity-agent',
    ]);
    expect(result.logs.find((l) => l.msg === 'preflight passed')).toMatchObject({ cluster: 'ml-eks', version: '1.31', vpcCni: 'v1.19.0-eksbuild.1' });
  }, CALLS_TIMEOUT);

  test.each([
    ['API mode, the lowest supported version and VPC CNI 1.18.3 exactly', { authenticationMode: 'API', version: '1.28' }, 'v1.18.3-eksbuild.1'],
    ['the highest supported version', { version: '1.35' }, 'v1.20.0-eksbuild.1'],
  ])('%s pass', async (_name, options, cni) => {
    const f = await start(options);
    f.setAddon({ name: 'vpc-cni', version: cni });
    expect((await run(f, preflightEvent())).outcome).toBe('complete');
  }, CALLS_TIMEOUT);

  test('without RequirePodIdentityAgent the agent is neither needed nor described', async () => {
    const f = await start();
    f.removeAddon('eks-pod-identity-agent');
    const result = await run(f, preflightEvent({ RequirePodIdentityAgent: 'false' }));
    expect(result.outcome).toBe('complete');
    expect(f.requests).not.toContain('GET /clusters/ml-eks/addons/eks-pod-identity-agent');
  }, CALLS_TIMEOUT);

  test('a VPC CNI that is not an EKS add-on passes, with a log line saying it was not checked', async () => {
    const f = await start();
    f.removeAddon('vpc-cni');
    const result = await run(f, preflightEvent());
    expect(result.outcome).toBe('complete');
    expect(result.data).not.toHaveProperty('VpcCniVersion');
    expect(result.logs).toContainEqual({
      level: 'warn',
      cluster: 'ml-eks',
      msg: 'EKS cluster "ml-eks" has no vpc-cni add-on: the version of a self-managed VPC CNI cannot be checked (HyperPod needs 1.18.3 or later)',
    });
  }, CALLS_TIMEOUT);

  test('every page of add-ons is read', async () => {
    const f = await start();
    f.addonPageSize = 1; // the agent is on the third page
    expect((await run(f, preflightEvent())).outcome).toBe('complete');
    expect(f.calls.ListAddons).toBe(3);
  }, CALLS_TIMEOUT);
});

describe('each problem alone fails in onEvent with its message', () => {
  test.each<[string, (f: FakeEks) => void, string]>([
    ['no such EKS cluster', (f) => { f.clusterExists = false; }, PROBLEM.notFound],
    ['a FAILED cluster', (f) => { f.status = 'FAILED'; }, PROBLEM.failed],
    ['a DELETING cluster', (f) => { f.status = 'DELETING'; }, PROBLEM.deleting],
    ['authentication mode CONFIG_MAP', (f) => { f.authenticationMode = 'CONFIG_MAP'; }, PROBLEM.configMap],
    ['Kubernetes 1.27', (f) => { f.version = '1.27'; }, PROBLEM.tooOld],
    ['Kubernetes 1.36', (f) => { f.version = '1.36'; }, PROBLEM.tooNew],
    ['VPC CNI add-on v1.18.2', (f) => f.setAddon({ name: 'vpc-cni', version: 'v1.18.2-eksbuild.1' }), PROBLEM.oldCni],
    ['no Pod Identity Agent', (f) => f.removeAddon('eks-pod-identity-agent'), PROBLEM.noPodIdentity],
    ['a Pod Identity Agent being deleted', (f) => f.setAddon({ name: 'eks-pod-identity-agent', version: 'v1.3.4-eksbuild.1', status: 'DELETING' }),
      PROBLEM.podIdentityDeleting],
  ])('%s', async (_name, breakIt, problem) => {
    const f = await start();
    breakIt(f);
    const result = await run(f, preflightEvent());
    expect(result.outcome).toBe('error');
    expect(result.polls).toBe(0);
    expect(result.error!.message).toBe(failureOf(problem));
    expect(result.error!.name).toBe('PreflightError');
    expect(result.logs).toContainEqual(expect.objectContaining({ level: 'error', msg: 'preflight failed', problems: [problem] }));
  }, CALLS_TIMEOUT);

  test('a cluster that reports no authentication mode is taken as CONFIG_MAP', async () => {
    const f = await start({ authenticationMode: null });
    const result = await run(f, preflightEvent());
    expect(result.error!.message).toBe(failureOf(PROBLEM.configMap.replace('CONFIG_MAP;', 'CONFIG_MAP (none reported);')));
  }, CALLS_TIMEOUT);
});

test('several problems are reported together, one line each', async () => {
  const f = await start({ authenticationMode: 'CONFIG_MAP', version: '1.27' });
  f.setAddon({ name: 'vpc-cni', version: 'v1.18.2-eksbuild.1' });
  f.removeAddon('eks-pod-identity-agent');
  const result = await run(f, preflightEvent());
  expect(result.error!.message).toBe(failureOf(PROBLEM.configMap, PROBLEM.tooOld, PROBLEM.oldCni, PROBLEM.noPodIdentity));
}, CALLS_TIMEOUT);

test('the message stays within 1,500 characters: all four problems for a 45-character name, the first ones for 100', async () => {
  const message = async (name: string) => {
    const f = await start({ clusterName: name, authenticationMode: 'CONFIG_MAP', version: '1.27' });
    f.setAddon({ name: 'vpc-cni', version: 'v1.18.2-eksbuild.1' });
    f.removeAddon('eks-pod-identity-agent');
    const text = (await run(f, preflightEvent({ EksClusterName: name }))).error!.message;
    await f.close();
    fake = undefined;
    return text;
  };
  const named = (name: string, line: string) => line.split('ml-eks').join(name);
  const medium = 'm'.repeat(45);
  expect(await message(medium)).toBe(named(medium, failureOf(PROBLEM.configMap, PROBLEM.tooOld, PROBLEM.oldCni, PROBLEM.noPodIdentity)));
  const longest = `a${'b'.repeat(99)}`; // EKS names are at most 100 characters
  const cut = await message(longest);
  expect(cut.length).toBeLessThanOrEqual(1500);
  expect(cut).toBe(`${named(longest, failureOf(PROBLEM.configMap, PROBLEM.tooOld))}\n  ... and 2 more (see the function's log)`);
}, CALLS_TIMEOUT);

describe('waiting for the EKS cluster', () => {
  test('CREATING, then ACTIVE on the second poll: add-ons are read only once it is ACTIVE', async () => {
    const f = await start({ status: 'CREATING' });
    f.onCall = (op) => {
      if (op === 'DescribeCluster' && f.calls.DescribeCluster === 3) f.status = 'ACTIVE';
    };
    const result = await run(f, preflightEvent());
    expect(result).toMatchObject({ outcome: 'complete', polls: 2, physicalResourceId: 'ml-eks/preflight' });
    expect(result.data).toMatchObject({ StartedAt: new Date(T0).toISOString(), KubernetesVersion: '1.31', VpcCniVersion: 'v1.19.0-eksbuild.1' });
    expect(result.data).not.toHaveProperty('Done');
    expect(f.calls).toEqual({ DescribeCluster: 3, ListAddons: 1, DescribeAddon: 2 });
    expect(result.logs.filter((l) => l.msg === 'not complete yet').map((l) => l.waiting)).toEqual([[WAITING_CREATING], [WAITING_CREATING]]);
  }, CALLS_TIMEOUT);

  test('once ACTIVE, a missing add-on still fails', async () => {
    const f = await start({ status: 'CREATING' });
    f.removeAddon('eks-pod-identity-agent');
    f.onCall = (op) => {
      if (op === 'DescribeCluster' && f.calls.DescribeCluster === 2) f.status = 'ACTIVE';
    };
    const result = await run(f, preflightEvent());
    expect(result).toMatchObject({ outcome: 'error', polls: 1 });
    expect(result.error!.message).toBe(failureOf(PROBLEM.noPodIdentity));
  }, CALLS_TIMEOUT);

  test('a CREATING cluster with a wrong mode fails at once; an UPDATING one is not judged until ACTIVE', async () => {
    const creating = await start({ status: 'CREATING', authenticationMode: 'CONFIG_MAP' });
    const first = await run(creating, preflightEvent());
    expect(first).toMatchObject({ outcome: 'error', polls: 0 });
    expect(first.error!.message).toBe(failureOf(PROBLEM.configMap));
    await creating.close();

    const updating = await start({ status: 'UPDATING', authenticationMode: 'CONFIG_MAP' });
    updating.onCall = (op) => {
      if (op === 'DescribeCluster' && updating.calls.DescribeCluster === 2) updating.authenticationMode = 'API_AND_CONFIG_MAP'; // the update lands
      if (op === 'DescribeCluster' && updating.calls.DescribeCluster === 3) updating.status = 'ACTIVE';
    };
    expect(await run(updating, preflightEvent())).toMatchObject({ outcome: 'complete', polls: 2 });
  }, CALLS_TIMEOUT);

  test('still CREATING after TimeoutSeconds: fails naming what it waited for', async () => {
    const f = await start({ status: 'CREATING' });
    const result = await run(f, preflightEvent({ TimeoutSeconds: '120' }));
    expect(result).toMatchObject({ outcome: 'error', polls: 4 }); // waits at 30, 60 and 90 s; gives up at 120 s
    expect(result.error!.message).toBe('HyperPod preflight failed for EKS cluster "ml-eks" (us-east-1): still not ready after 120 seconds, '
      + `so the HyperPod cluster was not created or updated:\n  - ${WAITING_CREATING}`);
    expect(f.calls.ListAddons).toBeUndefined();
  }, CALLS_TIMEOUT);
});

describe('EKS errors', () => {
  test('throttling and server errors are retried by the client', async () => {
    const f = await start();
    f.throttle(2, 'DescribeCluster');
    f.serverError(1, 'ListAddons');
    const result = await run(f, preflightEvent());
    expect(result).toMatchObject({ outcome: 'complete', polls: 1 });
    expect(f.calls).toEqual({ DescribeCluster: 3, ListAddons: 2, DescribeAddon: 2 });
  }, CALLS_TIMEOUT);

  test('throttling past the client retries is left to the next poll', async () => {
    const f = await start();
    f.throttle(1, 'DescribeCluster');
    const result = await run(f, preflightEvent(), { client: testClient(f, { maxAttempts: 1 }) });
    expect(result).toMatchObject({ outcome: 'complete', polls: 1 });
    expect(result.data).not.toHaveProperty('Done');
    expect(result.logs).toContainEqual(expect.objectContaining({
      level: 'warn', msg: 'passing error, the next poll tries again', error: 'ThrottlingException: injected ThrottlingException',
    }));
  }, CALLS_TIMEOUT);

  test('access denied ends the deployment naming the permissions', async () => {
    const f = await start();
    f.fail(1, 403, 'AccessDeniedException', 'DescribeCluster');
    const result = await run(f, preflightEvent());
    expect(result).toMatchObject({ outcome: 'error', polls: 0 });
    expect(result.error!.name).toBe('AccessDeniedException');
    expect(result.error!.message).toBe('HyperPod preflight could not check EKS cluster "ml-eks" in us-east-1: AccessDeniedException: '
      + 'injected AccessDeniedException. Fix the cause (for AccessDenied, the custom resource role needs eks:DescribeCluster, '
      + 'eks:ListAddons and eks:DescribeAddon), then deploy again');
  }, CALLS_TIMEOUT);
});

describe('requests that check nothing', () => {
  test('delete does nothing and calls nothing', async () => {
    const f = await start();
    f.clusterExists = false; // even a cluster that is gone
    const result = await run(f, preflightEvent({}, 'Delete'));
    expect(result).toMatchObject({ outcome: 'complete', physicalResourceId: 'ml-eks/preflight', polls: 1 });
    expect(f.calls).toEqual({});
  }, CALLS_TIMEOUT);

  test('an update checks again, under the same physical id', async () => {
    const f = await start();
    const result = await run(f, { ...preflightEvent({}, 'Update'), OldResourceProperties: { EksClusterName: 'ml-eks', TimeoutSeconds: '540' } });
    expect(result).toMatchObject({ outcome: 'complete', physicalResourceId: 'ml-eks/preflight' });
    expect(f.calls.DescribeCluster).toBe(1);
  }, CALLS_TIMEOUT);

  test('bad properties fail listing every problem, before any call', async () => {
    const f = await start();
    const result = await run(f, preflightEvent({ EksClusterName: '', RequirePodIdentityAgent: 'yes', TimeoutSeconds: 'soon' }));
    expect(result.error!.message).toBe('invalid Custom::HyperPodPreflight properties:\n'
      + '  - EksClusterName must be a non-empty string (got "")\n'
      + '  - RequirePodIdentityAgent must be \'true\' or \'false\' (got "yes")\n'
      + '  - TimeoutSeconds must be an integer from 1 in plain digits (got "soon")');
    expect(f.calls).toEqual({});
  }, CALLS_TIMEOUT);
});

test('pure parts: versions', () => {
  expect(parseVersion('v1.18.3-eksbuild.1')).toEqual([1, 18, 3]);
  expect(parseVersion('1.31')).toEqual([1, 31, 0]);
  expect(parseVersion('latest')).toBeUndefined();
  expect(compareVersions([1, 18, 2], [1, 18, 3])).toBeLessThan(0);
  expect(compareVersions([1, 19], [1, 18, 3])).toBeGreaterThan(0);
  expect(compareVersions([1, 18, 3], [1, 18, 3])).toBe(0);
  expect(compareVersions(parseVersion('v1.100.0')!, parseVersion('1.18.3')!)).toBeGreaterThan(0); // numeric, not text
  expect(SUPPORTED_KUBERNETES_VERSIONS).toEqual(['1.28', '1.29', '1.30', '1.31', '1.32', '1.33', '1.34', '1.35']);
});

describe('bundled handlers in a child node process (SDK defaults + AWS_ENDPOINT_URL_EKS)', () => {
  test('onEvent checks through the bundled EKS client: passes, then fails with the message', async () => {
    const f = await start();
    const env = { AWS_ENDPOINT_URL_EKS: f.url };
    const event = preflightEvent();
    const first = await invokeBundled('on-event', undefined, event, env);
    expect(first).toEqual({ PhysicalResourceId: 'ml-eks/preflight', Data: expect.objectContaining({ Done: 'true', KubernetesVersion: '1.31' }) });
    expect(await invokeBundled('is-complete', undefined, { ...event, ...first } as HandlerRequest, env)).toEqual({ IsComplete: true });
    expect(f.calls).toEqual({ DescribeCluster: 1, ListAddons: 1, DescribeAddon: 2 });
    f.authenticationMode = 'CONFIG_MAP';
    expect(await invokeBundled('on-event', undefined, event, env)).toEqual({ error: failureOf(PROBLEM.configMap) });
  }, 60_000);
});
