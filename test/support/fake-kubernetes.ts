/**
 * A local stand-in of the few Kubernetes API endpoints the drain calls, over real TLS on
 * 127.0.0.1 and a random port (a certificate made at start; its CA is what EKS's DescribeCluster
 * would give):
 *
 * - `GET /api/v1/nodes` (labelSelector, limit/continue), `GET` and `PATCH /api/v1/nodes/{name}`
 *   (JSON merge patch);
 * - `GET /api/v1/pods` (fieldSelector `spec.nodeName=`, limit/continue);
 * - `POST /api/v1/namespaces/{ns}/pods/{name}/eviction`, with PodDisruptionBudget arithmetic.
 *
 * Every request needs an EKS bearer token (a presigned STS GetCallerIdentity URL, checked as
 * the EKS authenticator does, with the signature verified for the credentials the stand-in
 * knows), else 401; a verb or resource the RBAC rules do not allow answers 403. Faults, a call
 * log and an `onCall` hook as the other stand-ins.
 */
import * as crypto from 'crypto';
import * as http from 'http';
import * as https from 'https';
import type { AddressInfo } from 'net';
import { generate } from 'selfsigned';
import { FaultQueue } from './faults';
import { DRAIN_RBAC_RULES, INSTANCE_GROUP_LABEL, NODE_NAME_PREFIX, RbacRule } from '../../src/contract/drain';

/** A node of the stand-in. Tests may change its fields between calls. */
export interface FakeNode {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  unschedulable: boolean;
}

/** A pod of the stand-in. Tests may change its fields between calls (e.g. `phase`). */
export interface FakePod {
  namespace: string;
  name: string;
  /** The node it is bound to; none while it is not scheduled. */
  nodeName?: string;
  labels: Record<string, string>;
  /** `Pending`, `Running`, `Succeeded`, `Failed` or `Unknown`. */
  phase: string;
  /** The kind of its controller (`ownerReferences`), e.g. `ReplicaSet`, `DaemonSet`, `Job`. */
  ownerKind?: string;
  /** A static pod's mirror (annotation `kubernetes.io/config.mirror`). */
  mirror?: boolean;
  /** `deletionTimestamp` set. */
  terminating: boolean;
  /** Set on a terminating pod: the number of pod listings that still show it; the one after removes it. */
  listingsLeft?: number;
}

/** A PodDisruptionBudget (policy/v1) of the stand-in: a `matchLabels` selector and one integer bound. */
export interface FakePdb {
  namespace: string;
  name: string;
  /** `{}` selects every pod of the namespace (policy/v1). */
  matchLabels: Record<string, string>;
  minAvailable?: number;
  maxUnavailable?: number;
  /**
   * The replicas of the pods' controller, which `maxUnavailable` counts from (an evicted pod
   * still counts until its replacement comes).
   * @default - the pods the selector selects now
   */
  expectedPods?: number;
}

/** The operations the stand-in serves. */
export type FakeKubernetesOperation = 'ListNodes' | 'GetNode' | 'PatchNode' | 'ListPods' | 'EvictPod';

/** Options of `FakeKubernetes.start`. */
export interface FakeKubernetesOptions {
  /** The EKS cluster name a token must be signed for (`x-k8s-aws-id`). @default 'ml-eks' */
  readonly clusterName?: string;
  /**
   * Access key id -> secret key of the identities the stand-in knows (as STS would): it verifies a
   * token's signature with the secret; an unknown key id answers 401.
   * @default { AKIDFAKE: 'fake-secret' } (the credentials of `standInClientConfig`)
   */
  readonly credentials?: Record<string, string>;
  /** What the caller may do. @default DRAIN_RBAC_RULES */
  readonly allowedRules?: readonly RbacRule[];
  /** Items a list page holds at most, whatever `limit` asks. @default 500 */
  readonly pageSize?: number;
  /** Pod listings that still show an evicted pod (terminating). @default 0 (gone at once) */
  readonly evictedPodListings?: number;
}

/** Labels HyperPod sets on its nodes (beyond the instance group), as `addHyperPodNode` gives them. */
const HYPERPOD_NODE_LABELS = {
  'sagemaker.amazonaws.com/node-health-status': 'Schedulable',
  'sagemaker.amazonaws.com/compute-type': 'hyperpod',
};

/** How far from the stand-in's clock a token's `X-Amz-Date` may be (the EKS authenticator's 15 minutes). */
const TOKEN_WINDOW_MS = 15 * 60_000;
const EMPTY_SHA256 = crypto.createHash('sha256').update('').digest('hex');
/** The query parameters the EKS authenticator accepts in a token (lower case). */
const TOKEN_PARAMS = new Set(['action', 'version', 'x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-expires',
  'x-amz-security-token', 'x-amz-signature', 'x-amz-signedheaders']);

/** The stand-in. Tweak its public fields between calls to change what Kubernetes says. */
export class FakeKubernetes {
  /** Starts a stand-in on 127.0.0.1:0 with a new self-signed certificate (SAN IP 127.0.0.1). */
  public static async start(options: FakeKubernetesOptions = {}): Promise<FakeKubernetes> {
    const pems = await generate([{ name: 'commonName', value: 'kubernetes' }], {
      keyType: 'ec', // fast to make; the TLS is as real as with RSA
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: true },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
      ],
    });
    const fake = new FakeKubernetes(options, pems.private, pems.cert);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `https://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  /** Base URL, e.g. `https://127.0.0.1:40123` (what DescribeCluster's `endpoint` would be). */
  public url = '';
  /** The PEM of the certificate the server presents (self-signed: it is its own CA). */
  public readonly caPem: string;
  /** The same, base64: what DescribeCluster's `certificateAuthority.data` gives. */
  public readonly caBase64: string;
  public readonly clusterName: string;
  public readonly credentials: Record<string, string>;
  public allowedRules: readonly RbacRule[];
  /** The Kubernetes user of every caller, for 403 messages. */
  public userName = 'arn:aws:sts::123456789012:assumed-role/hyperpod-scale-down/drain';
  /** Items a list page holds at most, whatever `limit` asks. */
  public pageSize: number;
  /** Pod listings that still show an evicted pod (terminating); 0 removes it at once. */
  public evictedPodListings: number;
  /** The clock tokens are checked against. */
  public now: () => number = Date.now;

  public nodes: FakeNode[] = [];
  public pods: FakePod[] = [];
  public pdbs: FakePdb[] = [];

  /** Called before every answer of a known route (after the call is logged). */
  public onCall?: (op: FakeKubernetesOperation, fake: FakeKubernetes) => void;
  /** Requests received, by operation (`Unknown` for no route; refused and faulted ones included). */
  public readonly calls: Partial<Record<FakeKubernetesOperation | 'Unknown', number>> = {};
  /** `METHOD path?query` of every request, in order. */
  public readonly requests: string[] = [];
  /** Every distinct bearer token received, in order. */
  public readonly tokens: string[] = [];
  /** Why each refused token was refused (401s), in order. */
  public readonly authFailures: string[] = [];
  /** `namespace/name` of each pod evicted (201), in order. */
  public readonly evictions: string[] = [];

  private readonly server: https.Server;
  private readonly faults = new FaultQueue<FakeKubernetesOperation>();
  private readonly hangs = new FaultQueue<FakeKubernetesOperation>();
  private readonly rawFaults = new FaultQueue<FakeKubernetesOperation>();
  private resourceVersion = 1000;

  private constructor(options: FakeKubernetesOptions, key: string, cert: string) {
    this.caPem = cert;
    this.caBase64 = Buffer.from(cert, 'utf8').toString('base64');
    this.clusterName = options.clusterName ?? 'ml-eks';
    this.credentials = { ...(options.credentials ?? { AKIDFAKE: 'fake-secret' }) };
    this.allowedRules = options.allowedRules ?? DRAIN_RBAC_RULES;
    this.pageSize = options.pageSize ?? 500;
    this.evictedPodListings = options.evictedPodListings ?? 0;
    this.server = https.createServer({ key, cert }, (req, res) => this.receive(req, res));
  }

  // ----- the cluster

  /** Adds a node. */
  public addNode(name: string, init: Partial<Omit<FakeNode, 'name'>> = {}): FakeNode {
    const node: FakeNode = { name, labels: { ...init.labels }, annotations: { ...init.annotations }, unschedulable: init.unschedulable ?? false };
    this.nodes.push(node);
    return node;
  }

  /** Adds the node of a HyperPod instance: `hyperpod-<instanceId>`, labelled with its instance group (and health `Schedulable`). */
  public addHyperPodNode(instanceId: string, group: string, init: Partial<Omit<FakeNode, 'name'>> = {}): FakeNode {
    return this.addNode(`${NODE_NAME_PREFIX}${instanceId}`, {
      ...init,
      labels: { ...HYPERPOD_NODE_LABELS, [INSTANCE_GROUP_LABEL]: group, ...init.labels },
    });
  }

  /** Adds a pod (default: namespace `default`, `Running`, not terminating). */
  public addPod(init: Partial<FakePod> & { name: string }): FakePod {
    const pod: FakePod = {
      ...init,
      namespace: init.namespace ?? 'default',
      labels: { ...init.labels },
      phase: init.phase ?? 'Running',
      terminating: init.terminating ?? false,
    };
    this.pods.push(pod);
    return pod;
  }

  /** Adds a PodDisruptionBudget (default namespace `default`); exactly one of minAvailable and maxUnavailable. */
  public addPdb(init: Partial<FakePdb> & { name: string; matchLabels: Record<string, string> }): FakePdb {
    if ((init.minAvailable === undefined) === (init.maxUnavailable === undefined)) {
      throw new Error(`PDB ${init.name}: set exactly one of minAvailable and maxUnavailable`);
    }
    const pdb: FakePdb = { ...init, namespace: init.namespace ?? 'default', matchLabels: { ...init.matchLabels } };
    this.pdbs.push(pdb);
    return pdb;
  }

  public node(name: string): FakeNode | undefined {
    return this.nodes.find((n) => n.name === name);
  }

  public pod(namespace: string, name: string): FakePod | undefined {
    return this.pods.find((p) => p.namespace === namespace && p.name === name);
  }

  /** The pods bound to a node. */
  public podsOn(nodeName: string): FakePod[] {
    return this.pods.filter((p) => p.nodeName === nodeName);
  }

  public removeNode(name: string): void {
    this.nodes = this.nodes.filter((n) => n.name !== name);
  }

  public removePod(namespace: string, name: string): void {
    this.pods = this.pods.filter((p) => p.namespace !== namespace || p.name !== name);
  }

  // ----- faults

  /** The next `count` calls (of `op`, or any) answer a `Status` of this HTTP status and reason (after authentication). */
  public fail(count: number, status: number, reason: string, op?: FakeKubernetesOperation): void {
    this.faults.add(count, status, reason, op);
  }

  /** The next `count` calls (of `op`, or any) answer 429 TooManyRequests (API priority and fairness). */
  public throttle(count: number, op?: FakeKubernetesOperation): void {
    this.fail(count, 429, 'TooManyRequests', op);
  }

  /** The next `count` calls (of `op`, or any) answer 503 ServiceUnavailable. */
  public serverError(count: number, op?: FakeKubernetesOperation): void {
    this.fail(count, 503, 'ServiceUnavailable', op);
  }

  /** The next `count` calls (of `op`, or any) answer this status with this body as it is (e.g. a proxy's HTML page). */
  public failWithBody(count: number, status: number, body: string, op?: FakeKubernetesOperation): void {
    this.rawFaults.add(count, status, body, op);
  }

  /** The next `count` calls (of `op`, or any) never answer (until `close`). */
  public hang(count: number, op?: FakeKubernetesOperation): void {
    this.hangs.add(count, 0, 'hang', op);
  }

  /** Stops listening and drops every connection (requests held by `hang` too): the server is unreachable after. */
  public async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ----- the server

  private receive(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://localhost');
      this.requests.push(`${req.method} ${url.pathname}${url.search}`);
      const route = routeOf(req.method ?? '', url.pathname);
      const op = route?.op ?? 'Unknown';
      this.calls[op] = (this.calls[op] ?? 0) + 1;
      if (route) {
        this.onCall?.(route.op, this);
      }
      if (route && this.hangs.take(route.op)) {
        return; // never answers; close() drops the connection
      }
      const raw = route && this.rawFaults.take(route.op);
      if (raw) {
        res.writeHead(raw.status, { 'content-type': 'text/html' });
        res.end(raw.type);
        return;
      }
      const answer = this.answer(route, req, url.searchParams, Buffer.concat(chunks).toString('utf8'));
      res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.status === 429 ? { 'retry-after': '1' } : {}) });
      res.end(JSON.stringify(answer.body));
    });
  }

  private answer(route: Route | undefined, req: http.IncomingMessage, query: URLSearchParams, body: string): Answer {
    const refusal = this.authenticate(req.headers.authorization);
    if (refusal) {
      this.authFailures.push(refusal);
      return statusAnswer(401, 'Unauthorized', 'Unauthorized');
    }
    if (!route) {
      return statusAnswer(404, 'NotFound', 'the server could not find the requested resource');
    }
    const fault = this.faults.take(route.op);
    if (fault) {
      return statusAnswer(fault.status, fault.type, `injected ${fault.type}`);
    }
    const forbidden = this.authorize(route);
    if (forbidden) {
      return forbidden;
    }
    switch (route.op) {
      case 'ListNodes': return this.listNodes(query);
      case 'GetNode': return this.getNode(route.name!);
      case 'PatchNode': return this.patchNode(route.name!, req.headers['content-type'], body);
      case 'ListPods': return this.listPods(query);
      case 'EvictPod': return this.evict(route.namespace!, route.name!, body);
    }
  }

  // ----- authentication and authorization

  /** Why the bearer token is refused, or `undefined` when it is good (the EKS authenticator's checks, and STS's signature check). */
  private authenticate(header: string | undefined): string | undefined {
    const token = /^Bearer (.+)$/.exec(header ?? '')?.[1];
    if (!token) {
      return 'no bearer token';
    }
    if (!this.tokens.includes(token)) {
      this.tokens.push(token);
    }
    if (!token.startsWith('k8s-aws-v1.')) {
      return 'token does not start with k8s-aws-v1.';
    }
    let url: URL;
    try {
      url = new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8'));
    } catch {
      return 'token is not a base64url URL';
    }
    const host = /^sts\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(url.hostname);
    if (url.protocol !== 'https:' || !host || url.pathname !== '/' || url.port) {
      return `not a regional STS URL: ${url.origin}${url.pathname}`;
    }
    const params = new Map<string, string>();
    for (const pair of url.search.slice(1).split('&').filter((p) => p)) {
      const eq = pair.indexOf('=');
      params.set(decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq)), decodeURIComponent(eq < 0 ? '' : pair.slice(eq + 1)));
    }
    const unexpected = [...params.keys()].filter((k) => !TOKEN_PARAMS.has(k.toLowerCase()));
    if (unexpected.length) {
      return `unexpected query parameters: ${unexpected.join(', ')}`;
    }
    if (params.get('Action') !== 'GetCallerIdentity' || params.get('Version') !== '2011-06-15') {
      return 'not GetCallerIdentity 2011-06-15';
    }
    if (params.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') {
      return 'not AWS4-HMAC-SHA256';
    }
    if (params.get('X-Amz-Expires') !== '60') {
      return `X-Amz-Expires is ${params.get('X-Amz-Expires')}, not 60`;
    }
    const signedHeaders = (params.get('X-Amz-SignedHeaders') ?? '').split(';');
    if (!signedHeaders.includes('x-k8s-aws-id') || !signedHeaders.includes('host')) {
      return `x-k8s-aws-id and host are not both signed: ${params.get('X-Amz-SignedHeaders')}`;
    }
    const date = params.get('X-Amz-Date') ?? '';
    const dateMatch = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
    const signedAt = dateMatch ? Date.UTC(+dateMatch[1], +dateMatch[2] - 1, +dateMatch[3], +dateMatch[4], +dateMatch[5], +dateMatch[6]) : NaN;
    if (Number.isNaN(signedAt) || Math.abs(this.now() - signedAt) > TOKEN_WINDOW_MS) {
      return `X-Amz-Date ${date} is not within 15 minutes`;
    }
    const [accessKeyId, day, region, service, terminator] = (params.get('X-Amz-Credential') ?? '').split('/');
    if (day !== date.slice(0, 8) || region !== host[1] || service !== 'sts' || terminator !== 'aws4_request') {
      return `bad credential scope: ${params.get('X-Amz-Credential')}`;
    }
    const secret = this.credentials[accessKeyId];
    if (secret === undefined) {
      return `unknown access key ${accessKeyId}`;
    }
    // SigV4, as STS verifies it; the x-k8s-aws-id value the EKS authenticator adds is this cluster's name.
    const headerValues: Record<string, string> = { 'host': url.hostname, 'x-k8s-aws-id': this.clusterName };
    if (signedHeaders.some((h) => headerValues[h] === undefined)) {
      return `signed headers the stand-in cannot supply: ${signedHeaders.join(';')}`;
    }
    const canonicalQuery = [...params.entries()].filter(([k]) => k !== 'X-Amz-Signature')
      .map(([k, v]) => [rfc3986(k), rfc3986(v)]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join('&');
    const canonicalRequest = ['GET', '/', canonicalQuery, ...signedHeaders.map((h) => `${h}:${headerValues[h]}`), '',
      signedHeaders.join(';'), EMPTY_SHA256].join('\n');
    const scope = `${day}/${region}/${service}/aws4_request`;
    const stringToSign = ['AWS4-HMAC-SHA256', date, scope, sha256Hex(canonicalRequest)].join('\n');
    let key: Buffer = hmac(`AWS4${secret}`, day);
    for (const part of [region, service, 'aws4_request']) {
      key = hmac(key, part);
    }
    if (hmac(key, stringToSign).toString('hex') !== params.get('X-Amz-Signature')) {
      return 'signature does not match (other credentials, or another cluster name)';
    }
    return undefined;
  }

  /** 403 when the RBAC rules do not allow the route (the API server's message). */
  private authorize(route: Route): Answer | undefined {
    const { verb, resource, subresource } = ACCESS[route.op];
    const full = subresource ? `${resource}/${subresource}` : resource;
    const allowed = this.allowedRules.some((r) => (r.apiGroups.includes('') || r.apiGroups.includes('*'))
      && (r.resources.includes(full) || r.resources.includes('*')) && (r.verbs.includes(verb) || r.verbs.includes('*')));
    if (allowed) {
      return undefined;
    }
    const scope = route.namespace ? `in the namespace "${route.namespace}"` : 'at the cluster scope';
    const what = route.name ? `${resource} "${route.name}"` : resource;
    return statusAnswer(403, 'Forbidden', `${what} is forbidden: User "${this.userName}" cannot ${verb} resource "${full}" in API group "" ${scope}`,
      { name: route.name, kind: resource });
  }

  // ----- nodes

  private listNodes(query: URLSearchParams): Answer {
    const selector = parseLabelSelector(query.get('labelSelector') ?? '');
    if (typeof selector === 'string') {
      return statusAnswer(400, 'BadRequest', `unable to parse requirement: ${selector}`);
    }
    const matching = this.nodes.filter((n) => selector(n.labels)).sort((a, b) => compare(a.name, b.name));
    return this.page('NodeList', matching.map((n) => ({ key: n.name, item: this.nodeJson(n) })), query);
  }

  private getNode(name: string): Answer {
    const node = this.node(name);
    return node ? { status: 200, body: this.nodeJson(node) } : statusAnswer(404, 'NotFound', `nodes "${name}" not found`, { name, kind: 'nodes' });
  }

  private patchNode(name: string, contentType: string | undefined, body: string): Answer {
    const type = (contentType ?? '').split(';')[0].trim();
    if (type !== 'application/merge-patch+json' && type !== 'application/strategic-merge-patch+json') {
      return statusAnswer(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: '
        + 'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
    }
    const node = this.node(name);
    if (!node) {
      return statusAnswer(404, 'NotFound', `nodes "${name}" not found`, { name, kind: 'nodes' });
    }
    const patch = parseObject(body);
    if (!patch) {
      return statusAnswer(400, 'BadRequest', 'the patch is not a JSON object');
    }
    const metadata = (patch.metadata ?? {}) as Record<string, unknown>;
    const invalid = [
      ...validateMap(name, 'metadata.labels', metadata.labels, true),
      ...validateMap(name, 'metadata.annotations', metadata.annotations, false),
    ];
    if (invalid.length) {
      return statusAnswer(422, 'Invalid', `Node "${name}" is invalid: ${invalid.join(', ')}`, { name, kind: 'Node' });
    }
    const spec = patch.spec as Record<string, unknown> | null | undefined;
    if (spec && 'unschedulable' in spec) {
      node.unschedulable = spec.unschedulable === true;
    }
    node.labels = mergeMap(node.labels, metadata.labels);
    node.annotations = mergeMap(node.annotations, metadata.annotations);
    this.resourceVersion++;
    return { status: 200, body: this.nodeJson(node) };
  }

  private nodeJson(node: FakeNode): Record<string, unknown> {
    return {
      kind: 'Node',
      apiVersion: 'v1',
      metadata: {
        name: node.name,
        uid: uid(node.name),
        resourceVersion: String(this.resourceVersion),
        creationTimestamp: '2026-11-01T00:00:00Z',
        labels: { ...node.labels },
        annotations: { ...node.annotations },
      },
      spec: {
        ...(node.unschedulable ? { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] } : {}),
        ...(node.name.startsWith(NODE_NAME_PREFIX) ? { providerID: `aws:///us-east-1a/${node.name.slice(NODE_NAME_PREFIX.length)}` } : {}),
      },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    };
  }

  // ----- pods

  private listPods(query: URLSearchParams): Answer {
    const field = (query.get('fieldSelector') ?? '').trim();
    const match = /^spec\.nodeName==?(.*)$/.exec(field);
    if (field && !match) {
      return statusAnswer(400, 'BadRequest', `"${field}" is not a known field selector: only "spec.nodeName=" is served by the stand-in`);
    }
    if (!query.get('continue')) {
      this.passListing();
    }
    const matching = this.pods.filter((p) => !match || (p.nodeName ?? '') === match[1])
      .sort((a, b) => compare(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`));
    return this.page('PodList', matching.map((p) => ({ key: `${p.namespace}/${p.name}`, item: podJson(p) })), query);
  }

  /** A new pod listing: terminating pods with no listings left go away, the others have one fewer. */
  private passListing(): void {
    this.pods = this.pods.filter((p) => p.listingsLeft === undefined || p.listingsLeft > 0);
    for (const pod of this.pods) {
      if (pod.listingsLeft !== undefined) {
        pod.listingsLeft--;
      }
    }
  }

  private evict(namespace: string, name: string, body: string): Answer {
    const eviction = parseObject(body);
    const meta = (eviction?.metadata ?? {}) as Record<string, unknown>;
    if (!eviction || eviction.kind !== 'Eviction' || (eviction.apiVersion !== 'policy/v1' && eviction.apiVersion !== 'policy/v1beta1')) {
      return statusAnswer(400, 'BadRequest', 'the body is not a policy/v1 Eviction');
    }
    if (meta.name !== name) {
      return statusAnswer(400, 'BadRequest', 'name in URL does not match name in Eviction object');
    }
    const pod = this.pod(namespace, name);
    if (!pod) {
      return statusAnswer(404, 'NotFound', `pods "${name}" not found`, { name, kind: 'pods' });
    }
    // The API server evicts terminating, pending and finished pods without asking their budget.
    const ignoresBudget = pod.terminating || ['Pending', 'Succeeded', 'Failed'].includes(pod.phase);
    const budgets = this.pdbs.filter((b) => b.namespace === namespace && selects(b.matchLabels, pod.labels));
    if (!ignoresBudget && budgets.length > 1) {
      return statusAnswer(500, 'InternalError',
        'Internal error occurred: This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    }
    if (!ignoresBudget && budgets.length === 1) {
      const budget = budgets[0];
      const selected = this.pods.filter((p) => p.namespace === namespace && selects(budget.matchLabels, p.labels));
      const currentHealthy = selected.filter((p) => p.phase === 'Running' && !p.terminating).length;
      const desiredHealthy = budget.minAvailable ?? Math.max(0, (budget.expectedPods ?? selected.length) - (budget.maxUnavailable ?? 0));
      if (currentHealthy - desiredHealthy <= 0) {
        return statusAnswer(429, 'TooManyRequests', 'Cannot evict pod as it would violate the pod\'s disruption budget.', {
          causes: [{
            reason: 'DisruptionBudget',
            message: `The disruption budget ${budget.name} needs ${desiredHealthy} healthy pods and has ${currentHealthy} currently`,
          }],
        });
      }
    }
    this.evictions.push(`${namespace}/${name}`);
    if (!pod.terminating) {
      pod.terminating = true;
      pod.listingsLeft = this.evictedPodListings;
      if (this.evictedPodListings <= 0) {
        this.removePod(namespace, name);
      }
    }
    return { status: 201, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } };
  }

  // ----- lists

  /** One page of `items` (sorted by key): `limit` (at most `pageSize`) after the `continue` key. */
  private page(kind: string, items: Array<{ key: string; item: unknown }>, query: URLSearchParams): Answer {
    const limitText = query.get('limit');
    const limit = limitText === null ? 0 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 0) {
      return statusAnswer(400, 'BadRequest', `invalid limit "${limitText}"`);
    }
    let after: string | undefined;
    const token = query.get('continue');
    if (token) {
      try {
        after = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after: string }).after;
      } catch {
        after = undefined;
      }
      if (typeof after !== 'string') {
        return statusAnswer(400, 'BadRequest', 'continue key is not valid');
      }
    }
    const rest = after === undefined ? items : items.filter((i) => compare(i.key, after!) > 0);
    const size = Math.min(limit > 0 ? limit : Infinity, this.pageSize);
    const shown = rest.slice(0, size);
    const more = rest.length > shown.length;
    const next = more ? Buffer.from(JSON.stringify({ after: shown[shown.length - 1].key }), 'utf8').toString('base64url') : undefined;
    return {
      status: 200,
      body: {
        kind,
        apiVersion: 'v1',
        metadata: {
          resourceVersion: String(this.resourceVersion),
          ...(next ? { continue: next, remainingItemCount: rest.length - shown.length } : {}),
        },
        items: shown.map((i) => i.item),
      },
    };
  }
}

interface Route {
  readonly op: FakeKubernetesOperation;
  readonly name?: string;
  readonly namespace?: string;
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/** What each operation needs of RBAC (all in the core API group). */
const ACCESS: Record<FakeKubernetesOperation, { verb: string; resource: string; subresource?: string }> = {
  ListNodes: { verb: 'list', resource: 'nodes' },
  GetNode: { verb: 'get', resource: 'nodes' },
  PatchNode: { verb: 'patch', resource: 'nodes' },
  ListPods: { verb: 'list', resource: 'pods' },
  EvictPod: { verb: 'create', resource: 'pods', subresource: 'eviction' },
};

function routeOf(method: string, path: string): Route | undefined {
  const parts = path.split('/').slice(1).map(decodeURIComponent);
  if (parts[0] !== 'api' || parts[1] !== 'v1') {
    return undefined;
  }
  const [, , kind, a, b, c, d] = parts;
  if (kind === 'nodes' && parts.length === 3 && method === 'GET') {
    return { op: 'ListNodes' };
  }
  if (kind === 'nodes' && parts.length === 4 && a && (method === 'GET' || method === 'PATCH')) {
    return { op: method === 'GET' ? 'GetNode' : 'PatchNode', name: a };
  }
  if (kind === 'pods' && parts.length === 3 && method === 'GET') {
    return { op: 'ListPods' };
  }
  if (kind === 'namespaces' && parts.length === 7 && b === 'pods' && d === 'eviction' && a && c && method === 'POST') {
    return { op: 'EvictPod', namespace: a, name: c };
  }
  return undefined;
}

/** A Kubernetes `Status` answer. */
function statusAnswer(code: number, reason: string, message: string, details?: Record<string, unknown>): Answer {
  return {
    status: code,
    body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code },
  };
}

function podJson(pod: FakePod): Record<string, unknown> {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      namespace: pod.namespace,
      name: pod.name,
      uid: uid(`${pod.namespace}/${pod.name}`),
      labels: { ...pod.labels },
      ...(pod.mirror ? { annotations: { 'kubernetes.io/config.mirror': 'fa0c2e9c2a1b2e0f3a4b5c6d7e8f9a0b' } } : {}),
      ...(pod.ownerKind ? {
        ownerReferences: [{ apiVersion: pod.ownerKind === 'Job' ? 'batch/v1' : 'apps/v1', kind: pod.ownerKind, name: `${pod.name}-owner`, uid: uid(`${pod.name}-owner`), controller: true }],
      } : {}),
      ...(pod.terminating ? { deletionTimestamp: '2026-11-22T10:00:00Z', deletionGracePeriodSeconds: 30 } : {}),
    },
    spec: { ...(pod.nodeName ? { nodeName: pod.nodeName } : {}), containers: [{ name: 'main', image: 'public.ecr.aws/docker/library/busybox:latest' }] },
    status: { phase: pod.phase },
  };
}

/**
 * A label selector of equality terms (`k=v`, `k==v`, `k!=v`, `k`, `!k`; comma = AND) as a
 * predicate, or the term it cannot parse.
 */
export function parseLabelSelector(selector: string): ((labels: Record<string, string>) => boolean) | string {
  const terms: Array<(labels: Record<string, string>) => boolean> = [];
  for (const raw of selector.split(',').map((t) => t.trim()).filter((t) => t)) {
    const m = /^(!?)([A-Za-z0-9][-A-Za-z0-9_./]*)\s*(?:(!=|==|=)\s*([-A-Za-z0-9_.]*))?$/.exec(raw);
    if (!m || (m[1] && m[3])) {
      return raw;
    }
    const [, not, key, op, value] = m;
    if (!op) {
      terms.push(not ? (l) => !(key in l) : (l) => key in l);
    } else if (op === '!=') {
      terms.push((l) => l[key] !== value);
    } else {
      terms.push((l) => l[key] === value);
    }
  }
  return (labels) => terms.every((t) => t(labels));
}

/** Whether a `matchLabels` selector selects these labels (`{}` selects all). */
function selects(matchLabels: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(matchLabels).every(([k, v]) => labels[k] === v);
}

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** What is invalid in a merge patch of labels or annotations (the API server's 422 rules, in short). */
function validateMap(name: string, field: string, patch: unknown, labels: boolean): string[] {
  if (patch === undefined || patch === null) {
    return [];
  }
  if (typeof patch !== 'object' || Array.isArray(patch)) {
    return [`${field}: Invalid value: must be an object`];
  }
  const problems: string[] = [];
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (!LABEL_KEY.test(key) || key.split('/').pop()!.length > 63) {
      problems.push(`${field}: Invalid value: "${key}": not a qualified name`);
    }
    if (value !== null && typeof value !== 'string') {
      problems.push(`${field}[${key}]: Invalid value: must be a string or null`);
    } else if (labels && typeof value === 'string' && (value.length > 63 || !LABEL_VALUE.test(value))) {
      problems.push(`${field}: Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, `
        + `'-', '_' or '.', and must start and end with an alphanumeric character (at most 63 characters) (node ${name})`);
    }
  }
  return problems;
}

/** JSON merge patch of a string map: `null` removes a key; a `null` map removes them all. */
function mergeMap(current: Record<string, string>, patch: unknown): Record<string, string> {
  if (patch === undefined) {
    return current;
  }
  if (patch === null) {
    return {};
  }
  const merged = { ...current };
  for (const [key, value] of Object.entries(patch as Record<string, string | null>)) {
    if (value === null) {
      delete merged[key];
    } else {
      merged[key] = value;
    }
  }
  return merged;
}

function parseObject(body: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(body) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function uid(seed: string): string {
  const h = crypto.createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function sha256Hex(text: string): string {
  return crypto.createHash('sha256').update(text, 'utf8').digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return crypto.createHmac('sha256', key).update(data, 'utf8').digest();
}
