/**
 * The drain's Kubernetes client (`src/domain/kubernetes.ts`): the EKS token, the HTTP client
 * over real TLS against the Kubernetes stand-in, and the connector through the real EKS SDK
 * client against the EKS stand-in. Offline; every wait is bounded by the stand-ins, not by time.
 */
import { EKSClient } from '@aws-sdk/client-eks';
import { FakeEks } from './support/fake-eks';
import { FakeKubernetes, FakeKubernetesOptions, parseLabelSelector } from './support/fake-kubernetes';
import { standInClientConfig } from './support/scale-down-driver';
import { DRAIN_OWNER_LABEL, DRAIN_STARTED_ANNOTATION, INSTANCE_GROUP_LABEL } from '../src/contract/drain';
import { AwsEksApi } from '../src/domain/eks';
import {
  EksClusterError, eksKubernetesConnector, eksToken, HttpKubernetesApi, HttpKubernetesApiOptions, instanceIdOf, KubernetesApiError,
  nodeNameOf, stsHostname, TOKEN_REUSE_MS,
} from '../src/domain/kubernetes';
import { isTransient } from '../src/handlers/failures';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Each test here takes well under a second; this only bounds a hang. */
const TIMEOUT = 10_000;
/** The credentials of `standInClientConfig`, which both stand-ins know. */
const CREDENTIALS = { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret' };
const T0 = new Date('2026-11-22T10:00:00Z');
const RBAC_TEXT = 'nodes get/list/patch; pods get/list; pods/eviction create';

let kube: FakeKubernetes | undefined;
let eks: FakeEks | undefined;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) {
    await cleanup();
  }
  await kube?.close();
  await eks?.close();
  kube = undefined;
  eks = undefined;
});

async function startKube(options: FakeKubernetesOptions = {}): Promise<FakeKubernetes> {
  kube = await FakeKubernetes.start(options);
  return kube;
}

/** A client of the stand-in with its CA and a fresh token for `ml-eks`. */
function clientOf(f: FakeKubernetes, options: Partial<HttpKubernetesApiOptions> = {}): HttpKubernetesApi {
  const api = new HttpKubernetesApi({
    endpoint: f.url,
    certificateAuthority: f.caBase64,
    token: () => eksToken('ml-eks', 'us-east-1', CREDENTIALS),
    ...options,
  });
  cleanups.push(() => api.destroy());
  return api;
}

/** The query parameters of a token's URL. */
function decode(token: string): URL {
  expect(token.startsWith('k8s-aws-v1.')).toBe(true);
  const body = token.slice('k8s-aws-v1.'.length);
  expect(body).toMatch(/^[A-Za-z0-9_-]+$/); // base64url, no padding
  return new URL(Buffer.from(body, 'base64url').toString('utf8'));
}

/** The error a promise rejects with. */
async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; statusCode?: number; reason?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('node names', () => {
  test('a HyperPod instance id and its node name map both ways', () => {
    expect(nodeNameOf('i-0220224e40218ce3a')).toBe('hyperpod-i-0220224e40218ce3a');
    expect(instanceIdOf('hyperpod-i-0220224e40218ce3a')).toBe('i-0220224e40218ce3a');
    expect(instanceIdOf('ip-10-1-2-3.ec2.internal')).toBeUndefined();
    expect(instanceIdOf('hyperpod-')).toBeUndefined();
  });
});

describe('eksToken', () => {
  test('is a presigned STS GetCallerIdentity URL signing x-k8s-aws-id, valid 60 s, for the Region\'s STS host', async () => {
    const url = decode(await eksToken('ml-eks', 'us-east-1', CREDENTIALS, T0));
    expect(url.origin).toBe('https://sts.us-east-1.amazonaws.com');
    expect(url.pathname).toBe('/');
    const q = url.searchParams;
    expect([...q.keys()].sort()).toEqual(['Action', 'Version', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires',
      'X-Amz-Signature', 'X-Amz-SignedHeaders']);
    expect(q.get('Action')).toBe('GetCallerIdentity');
    expect(q.get('Version')).toBe('2011-06-15');
    expect(q.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(q.get('X-Amz-Credential')).toBe('AKIDFAKE/20261122/us-east-1/sts/aws4_request');
    expect(q.get('X-Amz-Date')).toBe('20261122T100000Z');
    expect(q.get('X-Amz-Expires')).toBe('60');
    expect(q.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id');
    expect(q.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    // The cluster name is signed, not sent: the API server adds the header when it asks STS.
    expect(url.href).not.toContain('ml-eks');
  });

  test('is the same for the same cluster, credentials and time; the cluster name and the time change the signature', async () => {
    const token = await eksToken('ml-eks', 'us-east-1', CREDENTIALS, T0);
    expect(await eksToken('ml-eks', 'us-east-1', async () => CREDENTIALS, T0)).toBe(token);
    const signature = (t: string) => decode(t).searchParams.get('X-Amz-Signature');
    const other = await eksToken('other-eks', 'us-east-1', CREDENTIALS, T0);
    expect(decode(other).searchParams.get('X-Amz-Date')).toBe('20261122T100000Z');
    expect(signature(other)).not.toBe(signature(token));
    expect(signature(await eksToken('ml-eks', 'us-east-1', CREDENTIALS, new Date(T0.getTime() + 1000)))).not.toBe(signature(token));
  });

  test('is byte for byte what `aws eks get-token` (botocore) gives for the same credentials and time', async () => {
    // Made offline with AWS CLI v2 and AWS_ACCESS_KEY_ID=AKIDFAKE, AWS_SECRET_ACCESS_KEY=fake-secret.
    const cli = {
      'us-east-1': ['2026-12-02T00:53:07Z', 'https://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15'
        + '&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDFAKE%2F20261202%2Fus-east-1%2Fsts%2Faws4_request'
        + '&X-Amz-Date=20261202T005307Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id'
        + '&X-Amz-Signature=175fc99f6a5e593d82c1079d42a95c7c802a7ebe55cdf18418d26c06a79620cd'],
      'cn-north-1': ['2026-12-02T00:53:10Z', 'https://sts.cn-north-1.amazonaws.com.cn/?Action=GetCallerIdentity&Version=2011-06-15'
        + '&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDFAKE%2F20261202%2Fcn-north-1%2Fsts%2Faws4_request'
        + '&X-Amz-Date=20261202T005310Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id'
        + '&X-Amz-Signature=62c6545d05ddcdc1dd38c07d187db4201e43d3c66ba632698fbe5f4584e5f319'],
    };
    for (const [region, [time, url]] of Object.entries(cli)) {
      expect(await eksToken('ml-eks', region, CREDENTIALS, new Date(time))).toBe(`k8s-aws-v1.${Buffer.from(url).toString('base64url')}`);
    }
  });

  test('carries the session token of temporary credentials (a Lambda role\'s), encoded', async () => {
    const sessionToken = 'FwoGZXIvYXdzEJr//////////wEaDH+abc/def==';
    const url = decode(await eksToken('ml-eks', 'us-east-1', async () => ({ ...CREDENTIALS, sessionToken }), T0));
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe(sessionToken);
    expect(url.search).toContain('X-Amz-Security-Token=FwoGZXIvYXdzEJr%2F%2F');
  });

  test('China Regions use amazonaws.com.cn', async () => {
    expect(stsHostname('cn-north-1')).toBe('sts.cn-north-1.amazonaws.com.cn');
    expect(stsHostname('eu-west-1')).toBe('sts.eu-west-1.amazonaws.com');
    const url = decode(await eksToken('ml-eks', 'cn-northwest-1', CREDENTIALS, T0));
    expect(url.hostname).toBe('sts.cn-northwest-1.amazonaws.com.cn');
    expect(url.searchParams.get('X-Amz-Credential')).toBe('AKIDFAKE/20261122/cn-northwest-1/sts/aws4_request');
  });

  test('the stand-in verifies the signature as STS would: another cluster, unknown keys and old tokens are refused', async () => {
    const f = await startKube();
    f.addHyperPodNode('i-1', 'workers');
    f.now = () => T0.getTime() + 14 * 60_000; // 14 minutes after signing: still good
    expect(await clientOf(f, { token: () => eksToken('ml-eks', 'us-east-1', CREDENTIALS, T0) }).listNodes('')).toHaveLength(1);
    expect(f.authFailures).toEqual([]);

    const refused = [
      eksToken('other-eks', 'us-east-1', CREDENTIALS, T0),
      eksToken('ml-eks', 'us-east-1', { ...CREDENTIALS, secretAccessKey: 'wrong' }, T0),
      eksToken('ml-eks', 'us-east-1', { ...CREDENTIALS, accessKeyId: 'AKIDOTHER' }, T0),
      eksToken('ml-eks', 'us-east-1', CREDENTIALS, new Date(T0.getTime() - 2 * 60_000)), // 16 minutes old
    ];
    for (const token of refused) {
      const err = await rejection(clientOf(f, { token: () => token }).listNodes(''));
      expect(err).toMatchObject({ name: 'KubernetesApiError', statusCode: 401, reason: 'Unauthorized' });
    }
    expect(f.authFailures).toEqual([
      'signature does not match (other credentials, or another cluster name)',
      'signature does not match (other credentials, or another cluster name)',
      'unknown access key AKIDOTHER',
      'X-Amz-Date 20261122T095800Z is not within 15 minutes',
    ]);
  }, TIMEOUT);
});

describe('HttpKubernetesApi over TLS with the cluster CA', () => {
  test('lists the nodes a label selector picks', async () => {
    const f = await startKube();
    f.addHyperPodNode('i-3', 'workers', { labels: { zone: 'a' } });
    f.addHyperPodNode('i-1', 'workers', { annotations: { note: 'x' } });
    f.addHyperPodNode('i-2', 'gpu');
    f.addNode('ip-10-0-0-1.ec2.internal', { labels: { zone: 'a' } });
    const api = clientOf(f);

    const workers = await api.listNodes(`${INSTANCE_GROUP_LABEL}=workers`);
    expect(workers.map((n) => n.name)).toEqual(['hyperpod-i-1', 'hyperpod-i-3']);
    expect(workers[0]).toEqual({
      name: 'hyperpod-i-1',
      unschedulable: false,
      labels: { [INSTANCE_GROUP_LABEL]: 'workers', 'sagemaker.amazonaws.com/node-health-status': 'Schedulable', 'sagemaker.amazonaws.com/compute-type': 'hyperpod' },
      annotations: { note: 'x' },
    });
    expect(f.requests).toEqual(['GET /api/v1/nodes?labelSelector=sagemaker.amazonaws.com%2Finstance-group-name%3Dworkers&limit=500']);

    expect((await api.listNodes(`${INSTANCE_GROUP_LABEL}!=workers`)).map((n) => n.name)).toEqual(['hyperpod-i-2', 'ip-10-0-0-1.ec2.internal']);
    expect((await api.listNodes('zone')).map((n) => n.name)).toEqual(['hyperpod-i-3', 'ip-10-0-0-1.ec2.internal']);
    expect((await api.listNodes(`zone=a,${INSTANCE_GROUP_LABEL}`)).map((n) => n.name)).toEqual(['hyperpod-i-3']);
    expect((await api.listNodes('')).map((n) => n.name)).toHaveLength(4);
    expect(f.requests[f.requests.length - 1]).toBe('GET /api/v1/nodes?limit=500');
    expect(f.calls).toEqual({ ListNodes: 5 });
  }, TIMEOUT);

  test('takes the CA as PEM too; another CA, or none, fails the TLS handshake (not a passing error)', async () => {
    const f = await startKube();
    f.addHyperPodNode('i-1', 'workers');
    expect(await clientOf(f, { certificateAuthority: f.caPem }).listNodes('')).toHaveLength(1);

    const stranger = await FakeKubernetes.start();
    cleanups.push(() => stranger.close());
    for (const certificateAuthority of [stranger.caBase64, undefined]) {
      const err = await rejection(clientOf(f, { certificateAuthority }).listNodes(''));
      expect(err.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
      expect(err.message).toMatch(/^Kubernetes API GET \/api\/v1\/nodes failed: /);
      expect(isTransient(err)).toBe(false);
    }
    expect(f.requests).toHaveLength(1); // the refused handshakes sent nothing
  }, TIMEOUT);

  test('follows continue to the last page, whether the client\'s limit or the server cuts the pages', async () => {
    const f = await startKube();
    for (let i = 1; i <= 7; i++) {
      f.addHyperPodNode(`i-${i}`, 'workers');
      f.addPod({ name: `p-${i}`, namespace: i % 2 ? 'a' : 'b', nodeName: 'hyperpod-i-1' });
    }
    f.addPod({ name: 'elsewhere', nodeName: 'hyperpod-i-2' });
    const names = [1, 2, 3, 4, 5, 6, 7].map((i) => `hyperpod-i-${i}`);

    expect((await clientOf(f, { pageSize: 3 }).listNodes(`${INSTANCE_GROUP_LABEL}=workers`)).map((n) => n.name)).toEqual(names);
    expect(f.requests.map((r) => new URL(r.split(' ')[1], 'https://x').searchParams.get('limit'))).toEqual(['3', '3', '3']);

    f.pageSize = 2; // fewer than the limit asked, as a filtered list may give
    f.requests.length = 0;
    expect((await clientOf(f).listNodes('')).map((n) => n.name)).toEqual(names);
    expect(f.requests).toHaveLength(4);
    expect(f.requests.slice(1).every((r) => /&continue=[A-Za-z0-9_-]+$/.test(r))).toBe(true);

    const pods = await clientOf(f).listPodsOnNode('hyperpod-i-1');
    expect(pods.map((p) => `${p.namespace}/${p.name}`)).toEqual(['a/p-1', 'a/p-3', 'a/p-5', 'a/p-7', 'b/p-2', 'b/p-4', 'b/p-6']);
    expect(f.requests.filter((r) => r.startsWith('GET /api/v1/pods'))[0]).toBe('GET /api/v1/pods?fieldSelector=spec.nodeName%3Dhyperpod-i-1&limit=500');
    expect(f.calls.ListPods).toBe(4);
  }, TIMEOUT);

  test('patches a node: cordon and mark, then unmark and uncordon; other labels stay; a missing node is undefined', async () => {
    const f = await startKube();
    const node = f.addHyperPodNode('i-1', 'workers', { labels: { team: 'ml' } });
    const api = clientOf(f);

    const cordoned = await api.patchNode('hyperpod-i-1', {
      unschedulable: true,
      labels: { [DRAIN_OWNER_LABEL]: 'a1b2c3' },
      annotations: { [DRAIN_STARTED_ANNOTATION]: '2026-11-22T10:00:00.000Z' },
    });
    expect(cordoned).toMatchObject({ name: 'hyperpod-i-1', unschedulable: true, annotations: { [DRAIN_STARTED_ANNOTATION]: '2026-11-22T10:00:00.000Z' } });
    expect(cordoned!.labels).toEqual({ ...node.labels });
    expect(node).toMatchObject({ unschedulable: true, labels: { team: 'ml', [DRAIN_OWNER_LABEL]: 'a1b2c3', [INSTANCE_GROUP_LABEL]: 'workers' } });

    const released = await api.patchNode('hyperpod-i-1', { unschedulable: false, labels: { [DRAIN_OWNER_LABEL]: null }, annotations: { [DRAIN_STARTED_ANNOTATION]: null } });
    expect(released).toMatchObject({ unschedulable: false, annotations: {} });
    expect(released!.labels).toEqual({
      'team': 'ml',
      [INSTANCE_GROUP_LABEL]: 'workers',
      'sagemaker.amazonaws.com/node-health-status': 'Schedulable',
      'sagemaker.amazonaws.com/compute-type': 'hyperpod',
    });
    // Only the fields given are sent.
    expect((await api.patchNode('hyperpod-i-1', { labels: { extra: 'yes' } }))!.labels.extra).toBe('yes');
    expect(node.unschedulable).toBe(false);

    expect(await api.patchNode('hyperpod-i-404', { unschedulable: true })).toBeUndefined();
    expect(await api.getNode('hyperpod-i-1')).toMatchObject({ name: 'hyperpod-i-1', labels: { extra: 'yes' } });
    expect(await api.getNode('hyperpod-i-404')).toBeUndefined();

    // A label value the API refuses (422) is an error that does not pass.
    const err = await rejection(api.patchNode('hyperpod-i-1', { labels: { [DRAIN_OWNER_LABEL]: '2026-11-22T10:00:00Z' } }));
    expect(err).toMatchObject({ name: 'KubernetesApiError', statusCode: 422, reason: 'Invalid' });
    expect(err.message).toMatch(/^Kubernetes API PATCH \/api\/v1\/nodes\/hyperpod-i-1 answered 422 Invalid: Node "hyperpod-i-1" is invalid: /);
    expect(isTransient(err)).toBe(false);
  }, TIMEOUT);

  test('lists the pods on a node, all namespaces, with owner kinds, mirror and terminating', async () => {
    const f = await startKube();
    f.addPod({ name: 'web-1', namespace: 'shop', nodeName: 'hyperpod-i-1', ownerKind: 'ReplicaSet', labels: { app: 'web' } });
    f.addPod({ name: 'cni-x', namespace: 'kube-system', nodeName: 'hyperpod-i-1', ownerKind: 'DaemonSet' });
    f.addPod({ name: 'static-hyperpod-i-1', namespace: 'kube-system', nodeName: 'hyperpod-i-1', mirror: true });
    f.addPod({ name: 'job-1', namespace: 'batch', nodeName: 'hyperpod-i-1', ownerKind: 'Job', phase: 'Succeeded' });
    f.addPod({ name: 'leaving', namespace: 'shop', nodeName: 'hyperpod-i-1', terminating: true });
    f.addPod({ name: 'web-2', namespace: 'shop', nodeName: 'hyperpod-i-2', ownerKind: 'ReplicaSet' });
    f.addPod({ name: 'pending', namespace: 'shop', phase: 'Pending' });

    expect(await clientOf(f).listPodsOnNode('hyperpod-i-1')).toEqual([
      { namespace: 'batch', name: 'job-1', phase: 'Succeeded', ownerKinds: ['Job'], mirror: false, terminating: false },
      { namespace: 'kube-system', name: 'cni-x', phase: 'Running', ownerKinds: ['DaemonSet'], mirror: false, terminating: false },
      { namespace: 'kube-system', name: 'static-hyperpod-i-1', phase: 'Running', ownerKinds: [], mirror: true, terminating: false },
      { namespace: 'shop', name: 'leaving', phase: 'Running', ownerKinds: [], mirror: false, terminating: true },
      { namespace: 'shop', name: 'web-1', phase: 'Running', ownerKinds: ['ReplicaSet'], mirror: false, terminating: false },
    ]);
    expect(await clientOf(f).listPodsOnNode('hyperpod-i-9')).toEqual([]);
  }, TIMEOUT);
});

describe('evictions', () => {
  test('an evicted pod is gone at once, or terminating for as many listings as set; a missing pod is gone', async () => {
    const f = await startKube();
    f.addPod({ name: 'a', nodeName: 'n1' });
    f.addPod({ name: 'b', nodeName: 'n1' });
    const api = clientOf(f);

    expect(await api.evictPod('default', 'a')).toEqual({ result: 'evicting' });
    expect((await api.listPodsOnNode('n1')).map((p) => p.name)).toEqual(['b']);
    expect(f.requests[0]).toBe('POST /api/v1/namespaces/default/pods/a/eviction');

    f.evictedPodListings = 1;
    expect(await api.evictPod('default', 'b')).toEqual({ result: 'evicting' });
    expect(await api.listPodsOnNode('n1')).toEqual([expect.objectContaining({ name: 'b', terminating: true })]);
    // Evicting a terminating pod again is accepted; the API asks no budget for it.
    expect(await api.evictPod('default', 'b')).toEqual({ result: 'evicting' });
    expect(await api.listPodsOnNode('n1')).toEqual([]);

    expect(await api.evictPod('default', 'b')).toEqual({ result: 'gone' });
    expect(await api.evictPod('nowhere', 'x')).toEqual({ result: 'gone' });
    expect(f.evictions).toEqual(['default/a', 'default/b', 'default/b']);
  }, TIMEOUT);

  test('a PodDisruptionBudget refuses an eviction (429) until the pod\'s peers are back', async () => {
    const f = await startKube();
    f.addPdb({ name: 'web', namespace: 'shop', matchLabels: { app: 'web' }, minAvailable: 2 });
    for (const [name, node] of [['web-1', 'n1'], ['web-2', 'n1'], ['web-3', 'n2']]) {
      f.addPod({ name, namespace: 'shop', nodeName: node, labels: { app: 'web' } });
    }
    f.addPod({ name: 'other', namespace: 'shop', nodeName: 'n1', labels: { app: 'other' } });
    const api = clientOf(f);

    expect(await api.evictPod('shop', 'web-1')).toEqual({ result: 'evicting' });
    expect(await api.evictPod('shop', 'web-2')).toEqual({
      result: 'blocked',
      message: 'Cannot evict pod as it would violate the pod\'s disruption budget. The disruption budget web needs 2 healthy pods and has 2 currently',
    });
    expect(await api.evictPod('shop', 'other')).toEqual({ result: 'evicting' }); // not selected by the budget

    // The replacement of web-1 starts elsewhere: still pending, not healthy yet.
    const replacement = f.addPod({ name: 'web-4', namespace: 'shop', nodeName: 'n3', labels: { app: 'web' }, phase: 'Pending' });
    expect(await api.evictPod('shop', 'web-2')).toMatchObject({ result: 'blocked' });
    replacement.phase = 'Running';
    expect(await api.evictPod('shop', 'web-2')).toEqual({ result: 'evicting' });
    expect(f.evictions).toEqual(['shop/web-1', 'shop/other', 'shop/web-2']);
  }, TIMEOUT);

  test('maxUnavailable counts from the controller\'s replicas; pending pods are evicted without asking the budget', async () => {
    const f = await startKube();
    f.addPdb({ name: 'api', matchLabels: { app: 'api' }, maxUnavailable: 1, expectedPods: 3 });
    for (const name of ['api-1', 'api-2', 'api-3']) {
      f.addPod({ name, nodeName: 'n1', labels: { app: 'api' } });
    }
    f.addPod({ name: 'api-4', nodeName: 'n1', labels: { app: 'api' }, phase: 'Pending' });
    const api = clientOf(f);

    expect(await api.evictPod('default', 'api-1')).toEqual({ result: 'evicting' });
    expect(await api.evictPod('default', 'api-2')).toEqual({
      result: 'blocked',
      message: 'Cannot evict pod as it would violate the pod\'s disruption budget. The disruption budget api needs 2 healthy pods and has 2 currently',
    });
    expect(await api.evictPod('default', 'api-4')).toEqual({ result: 'evicting' });
  }, TIMEOUT);

  test('a pod under two budgets is blocked with the API\'s message (500); a throttled or conflicting eviction is blocked too', async () => {
    const f = await startKube();
    f.addPdb({ name: 'one', matchLabels: { app: 'x' }, minAvailable: 0 });
    f.addPdb({ name: 'all', matchLabels: {}, maxUnavailable: 5 });
    f.addPod({ name: 'x-1', nodeName: 'n1', labels: { app: 'x' } });
    f.addPod({ name: 'y-1', nodeName: 'n1', labels: { app: 'y' } });
    const api = clientOf(f);

    expect(await api.evictPod('default', 'x-1')).toEqual({
      result: 'blocked',
      message: 'Internal error occurred: This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
    });
    f.throttle(1, 'EvictPod');
    expect(await api.evictPod('default', 'y-1')).toEqual({ result: 'blocked', message: 'injected TooManyRequests' });
    // 409: the budget changed under the eviction; blocked, so the next poll tries again.
    f.fail(1, 409, 'Conflict', 'EvictPod');
    expect(await api.evictPod('default', 'y-1')).toMatchObject({ result: 'blocked' });
    expect(await api.evictPod('default', 'y-1')).toEqual({ result: 'evicting' });
  }, TIMEOUT);
});

describe('errors', () => {
  test('401: the message names the access entry and the RBAC rules; not a passing error', async () => {
    const f = await startKube();
    const err = await rejection(clientOf(f, { token: async () => 'k8s-aws-v1.bm90LWEtdXJs' }).listNodes(''));
    expect(err).toBeInstanceOf(KubernetesApiError);
    expect(err).toMatchObject({ name: 'KubernetesApiError', statusCode: 401, reason: 'Unauthorized', apiMessage: 'Unauthorized' });
    expect(err.message).toBe('Kubernetes API GET /api/v1/nodes answered 401 Unauthorized: Unauthorized (the cluster did not accept the handler\'s '
      + 'IAM identity: the handler\'s role needs an EKS access entry on this cluster, whose authentication mode must be API or '
      + 'API_AND_CONFIG_MAP, with its Kubernetes group ("hyperpod-cdk-drain-<hash>" by default, or scaleDown.drain.kubernetesGroup) '
      + `bound to a ClusterRole with the drain's RBAC rules (${RBAC_TEXT}))`);
    expect(isTransient(err)).toBe(false);
  }, TIMEOUT);

  test('403 for what the RBAC rules do not allow, with the API\'s message; an eviction refused so is thrown, not blocked', async () => {
    const f = await startKube({ allowedRules: [{ apiGroups: [''], resources: ['nodes', 'pods'], verbs: ['get', 'list'] }] });
    f.addHyperPodNode('i-1', 'workers');
    f.addPod({ name: 'web-1', namespace: 'shop', nodeName: 'hyperpod-i-1' });
    const api = clientOf(f);
    expect(await api.listNodes('')).toHaveLength(1);

    const patch = await rejection(api.patchNode('hyperpod-i-1', { unschedulable: true }));
    expect(patch).toMatchObject({ name: 'KubernetesApiError', statusCode: 403, reason: 'Forbidden' });
    expect(patch.message).toBe('Kubernetes API PATCH /api/v1/nodes/hyperpod-i-1 answered 403 Forbidden: nodes "hyperpod-i-1" is forbidden: '
      + 'User "arn:aws:sts::123456789012:assumed-role/hyperpod-scale-down/drain" cannot patch resource "nodes" in API group "" at the '
      + 'cluster scope (the handler\'s role needs its EKS access entry on this cluster with its Kubernetes group ("hyperpod-cdk-drain-<hash>" '
      + `by default, or scaleDown.drain.kubernetesGroup) bound to a ClusterRole with the drain's RBAC rules (${RBAC_TEXT}))`);
    expect(isTransient(patch)).toBe(false);

    const evict = await rejection(api.evictPod('shop', 'web-1'));
    expect(evict).toMatchObject({ statusCode: 403 });
    expect(evict.message).toContain('pods "web-1" is forbidden: User "arn:aws:sts::123456789012:assumed-role/hyperpod-scale-down/drain" '
      + 'cannot create resource "pods/eviction" in API group "" in the namespace "shop"');

    f.allowedRules = [];
    expect((await rejection(api.listPodsOnNode('hyperpod-i-1'))).message)
      .toContain('pods is forbidden: User "arn:aws:sts::123456789012:assumed-role/hyperpod-scale-down/drain" cannot list resource "pods" in API group "" at the cluster scope');
  }, TIMEOUT);

  test('429 outside an eviction and 5xx are passing errors; other statuses are not', async () => {
    const f = await startKube();
    f.addHyperPodNode('i-1', 'workers');
    f.addPod({ name: 'web-1', nodeName: 'hyperpod-i-1' });
    const api = clientOf(f);

    f.throttle(1, 'ListNodes');
    const throttled = await rejection(api.listNodes(''));
    expect(throttled).toMatchObject({ name: 'ThrottlingException', statusCode: 429, reason: 'TooManyRequests' });
    expect(throttled).toBeInstanceOf(KubernetesApiError);
    expect(isTransient(throttled)).toBe(true);

    f.serverError(1, 'ListPods');
    const unavailable = await rejection(api.listPodsOnNode('hyperpod-i-1'));
    expect(unavailable).toMatchObject({ name: 'ServiceUnavailable', statusCode: 503 });
    expect(unavailable.message).toBe('Kubernetes API GET /api/v1/pods?fieldSelector=spec.nodeName=hyperpod-i-1 answered 503 ServiceUnavailable: '
      + 'injected ServiceUnavailable');
    expect(isTransient(unavailable)).toBe(true);

    f.fail(1, 500, 'InternalError', 'EvictPod');
    const internal = await rejection(api.evictPod('default', 'web-1'));
    expect(internal).toMatchObject({ name: 'ServiceUnavailable', statusCode: 500 });
    expect(isTransient(internal)).toBe(true);

    f.fail(1, 409, 'Conflict', 'PatchNode');
    const conflict = await rejection(api.patchNode('hyperpod-i-1', { unschedulable: true }));
    expect(conflict).toMatchObject({ name: 'KubernetesApiError', statusCode: 409, reason: 'Conflict' });
    expect(isTransient(conflict)).toBe(false);

    // Each fault was used once: the same calls pass now.
    expect(await api.listNodes('')).toHaveLength(1);
    expect(await api.evictPod('default', 'web-1')).toEqual({ result: 'evicting' });
  }, TIMEOUT);

  test('an answer that is not a Kubernetes Status (a proxy\'s page) keeps its status and the start of its body', async () => {
    const f = await startKube();
    const api = clientOf(f);
    f.failWithBody(1, 502, '<html><body>502 Bad Gateway</body></html>', 'ListNodes');
    const gateway = await rejection(api.listNodes(''));
    expect(gateway).toMatchObject({ name: 'ServiceUnavailable', statusCode: 502, reason: undefined });
    expect(gateway.message).toBe('Kubernetes API GET /api/v1/nodes answered 502: <html><body>502 Bad Gateway</body></html>');
    expect(isTransient(gateway)).toBe(true);

    f.failWithBody(1, 200, 'not json', 'ListPods');
    const garbled = await rejection(api.listPodsOnNode('n1'));
    expect(garbled).toMatchObject({ name: 'KubernetesApiError', statusCode: 200 });
    expect(garbled.message).toBe('Kubernetes API GET /api/v1/pods?fieldSelector=spec.nodeName=n1 answered 200: not JSON: not json');
  }, TIMEOUT);

  test('a request with no answer times out as TimeoutError (passing); the next one goes through', async () => {
    const f = await startKube();
    f.addHyperPodNode('i-1', 'workers');
    f.hang(1, 'ListNodes');
    const api = clientOf(f, { timeoutMs: 150 });
    const err = await rejection(api.listNodes(''));
    expect(err).toMatchObject({ name: 'TimeoutError', message: 'Kubernetes API GET /api/v1/nodes did not answer within 150 ms' });
    expect(isTransient(err)).toBe(true);
    // (A client of the default timeout: this one's 150 ms could be too short for a handshake on a loaded machine.)
    expect(await clientOf(f).listNodes('')).toHaveLength(1);
    expect(f.calls).toEqual({ ListNodes: 2 });
  }, TIMEOUT);

  test('the caller\'s signal aborts a request in flight, and any later one, as AbortError (passing)', async () => {
    const f = await startKube();
    const controller = new AbortController();
    f.hang(1, 'PatchNode');
    f.onCall = () => controller.abort(); // the request has arrived
    const api = clientOf(f, { abortSignal: controller.signal });
    const err = await rejection(api.patchNode('hyperpod-i-1', { unschedulable: true }));
    expect(err).toMatchObject({ name: 'AbortError', message: 'Kubernetes API PATCH /api/v1/nodes/hyperpod-i-1 was aborted' });
    expect(isTransient(err)).toBe(true);
    expect((await rejection(api.listNodes(''))).name).toBe('AbortError');
    expect(f.calls).toEqual({ PatchNode: 1 });

    // Aborted while the token is signed: nothing is sent.
    const late = new AbortController();
    const signing = clientOf(f, { abortSignal: late.signal, token: async () => { late.abort(); return eksToken('ml-eks', 'us-east-1', CREDENTIALS); } });
    expect((await rejection(signing.listNodes(''))).name).toBe('AbortError');
    expect(f.calls).toEqual({ PatchNode: 1 });
  }, TIMEOUT);

  test('an unreachable server is a network error with Node\'s code (passing); a failed token goes up as it is', async () => {
    const f = await startKube();
    const api = clientOf(f);
    await f.close();
    kube = undefined;
    const err = await rejection(api.listNodes(''));
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.message).toMatch(/^Kubernetes API GET \/api\/v1\/nodes failed: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
    expect(isTransient(err)).toBe(true);

    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    expect(await rejection(clientOf(f, { token: () => Promise.reject(noCredentials) }).listNodes(''))).toBe(noCredentials);
  }, TIMEOUT);

  test('the endpoint must be an http(s) URL', () => {
    expect(() => new HttpKubernetesApi({ endpoint: 'ftp://example.com', token: async () => 't' })).toThrow(/must be an https:\/\/ URL/);
  });
});

describe('eksKubernetesConnector through the real EKS client', () => {
  async function start(): Promise<{ k: FakeKubernetes; e: FakeEks; client: EKSClient }> {
    const k = await startKube();
    eks = await FakeEks.start({ endpoint: k.url, certificateAuthority: k.caBase64 });
    const client = new EKSClient(standInClientConfig(eks.url, { maxAttempts: 1 }));
    cleanups.push(() => client.destroy());
    return { k, e: eks, client };
  }

  test('DescribeCluster gives the endpoint, the CA and the endpoint access', async () => {
    const { k, client } = await start();
    expect(await new AwsEksApi(client).describeCluster('ml-eks')).toMatchObject({
      name: 'ml-eks',
      status: 'ACTIVE',
      endpoint: k.url,
      certificateAuthority: k.caBase64,
      endpointPublicAccess: true,
      endpointPrivateAccess: false,
    });
  }, TIMEOUT);

  test('connects with the endpoint and CA DescribeCluster gives and a token of the client\'s credentials and Region, reused', async () => {
    const { k, e, client } = await start();
    k.addHyperPodNode('i-1', 'workers');
    k.addPod({ name: 'web-1', nodeName: 'hyperpod-i-1' });
    const connect = eksKubernetesConnector(new AwsEksApi(client), client.config.credentials);
    const api = await connect('ml-eks');
    cleanups.push(() => (api as HttpKubernetesApi).destroy());

    expect((await api.listNodes(`${INSTANCE_GROUP_LABEL}=workers`)).map((n) => n.name)).toEqual(['hyperpod-i-1']);
    expect(await api.patchNode('hyperpod-i-1', { unschedulable: true })).toMatchObject({ unschedulable: true });
    expect(await api.listPodsOnNode('hyperpod-i-1')).toHaveLength(1);
    expect(await api.evictPod('default', 'web-1')).toEqual({ result: 'evicting' });
    expect(e.requests).toEqual(['GET /clusters/ml-eks']);
    expect(k.tokens).toHaveLength(1);
    expect(decode(k.tokens[0]).searchParams.get('X-Amz-Credential')).toMatch(/^AKIDFAKE\/\d{8}\/us-east-1\/sts\/aws4_request$/);
    expect(k.authFailures).toEqual([]);
  }, TIMEOUT);

  test('signs a new token after 10 minutes', async () => {
    const { k, client } = await start();
    let now = T0.getTime();
    k.now = () => now;
    const api = await eksKubernetesConnector(new AwsEksApi(client), client.config.credentials, { now: () => now })('ml-eks');
    cleanups.push(() => (api as HttpKubernetesApi).destroy());
    await api.listNodes('');
    now += TOKEN_REUSE_MS - 1;
    await api.listNodes('');
    expect(k.tokens).toHaveLength(1);
    expect(decode(k.tokens[0]).searchParams.get('X-Amz-Date')).toBe('20261122T100000Z');
    now += 1;
    await api.listNodes('');
    expect(k.tokens).toHaveLength(2);
    expect(decode(k.tokens[1]).searchParams.get('X-Amz-Date')).toBe('20261122T101000Z');
    expect(k.authFailures).toEqual([]);
  }, TIMEOUT);

  test('a token that could not be signed is signed again at the next call', async () => {
    const { k, client } = await start();
    let fail = true;
    const credentials = async () => {
      if (fail) {
        fail = false;
        throw Object.assign(new Error('connect ETIMEDOUT 169.254.170.2:80'), { name: 'CredentialsProviderError' });
      }
      return client.config.credentials();
    };
    const api = await eksKubernetesConnector(new AwsEksApi(client), credentials)('ml-eks');
    cleanups.push(() => (api as HttpKubernetesApi).destroy());
    expect((await rejection(api.listNodes(''))).name).toBe('CredentialsProviderError');
    expect(await api.listNodes('')).toEqual([]);
    expect(k.calls).toEqual({ ListNodes: 1 });
  }, TIMEOUT);

  test('a missing cluster, or one without an endpoint, fails clearly (not a passing error); DescribeCluster\'s own errors go up', async () => {
    const { e, client } = await start();
    const connect = eksKubernetesConnector(new AwsEksApi(client), client.config.credentials);

    const missing = await rejection(connect('nope'));
    expect(missing).toBeInstanceOf(EksClusterError);
    expect(missing.message).toBe('EKS cluster "nope" was not found in us-east-1: the drain cannot reach its Kubernetes API');
    expect(isTransient(missing)).toBe(false);

    e.endpoint = undefined;
    e.status = 'CREATING';
    const creating = await rejection(connect('ml-eks'));
    expect(creating.message).toBe('EKS cluster "ml-eks" (CREATING) has no Kubernetes API endpoint yet');
    expect(isTransient(creating)).toBe(false);

    e.throttle(1);
    const throttled = await rejection(connect('ml-eks'));
    expect(throttled.name).toBe('ThrottlingException');
    expect(isTransient(throttled)).toBe(true);
  }, TIMEOUT);

  test('a private-only endpoint out of reach says so; the invocation\'s signal aborts Kubernetes calls', async () => {
    const { k, e, client } = await start();
    e.endpointPublicAccess = false;
    e.endpointPrivateAccess = true;
    const controller = new AbortController();
    const api = await eksKubernetesConnector(new AwsEksApi(client, { abortSignal: controller.signal }), client.config.credentials,
      { abortSignal: controller.signal, timeoutMs: 2_000 })('ml-eks');
    cleanups.push(() => (api as HttpKubernetesApi).destroy());

    k.hang(1, 'ListNodes');
    k.onCall = () => controller.abort();
    expect((await rejection(api.listNodes(''))).name).toBe('AbortError');

    await k.close();
    kube = undefined;
    const api2 = await eksKubernetesConnector(new AwsEksApi(client), client.config.credentials)('ml-eks');
    cleanups.push(() => (api2 as HttpKubernetesApi).destroy());
    const err = await rejection(api2.listNodes(''));
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.message).toContain('(the API endpoint of EKS cluster "ml-eks" is private: the handler reaches it only from a VPC with access to it)');
  }, TIMEOUT);
});

describe('the stand-in\'s label selectors', () => {
  test('equality, inequality, existence and absence terms, ANDed; set terms are refused', () => {
    const select = (s: string, labels: Record<string, string>) => {
      const predicate = parseLabelSelector(s);
      if (typeof predicate === 'string') {
        throw new Error(predicate);
      }
      return predicate(labels);
    };
    expect(select('a=1,b', { a: '1', b: '' })).toBe(true);
    expect(select('a==1', { a: '2' })).toBe(false);
    expect(select('a!=1', {})).toBe(true);
    expect(select('!a', { a: 'x' })).toBe(false);
    expect(select('', { a: 'x' })).toBe(true);
    expect(parseLabelSelector('a in (1,2)')).toBe('a in (1');
  });
});
