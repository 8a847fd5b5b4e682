/**
 * The one module that talks to the Kubernetes API of an EKS cluster, for the drain before
 * delete: find a group's nodes, cordon and mark them, list the pods on a node, evict a pod.
 *
 * The interface comes first; below it the implementation: `eksToken` (the bearer token EKS
 * accepts), `HttpKubernetesApi` (the interface over HTTPS) and `eksKubernetesConnector`
 * (DescribeCluster for the endpoint and CA, then a cached token).
 */
import * as http from 'http';
import * as https from 'https';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { EksApi } from './eks';
import { DRAIN_KUBERNETES_GROUP, DRAIN_RBAC_RULES, NODE_NAME_PREFIX } from '../contract/drain';

/** A Kubernetes node, as the drain reads it. */
export interface KubeNode {
  /** e.g. `hyperpod-i-0123456789abcdef0`. */
  readonly name: string;
  /** `spec.unschedulable` (cordoned). */
  readonly unschedulable: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** A pod, as the drain reads it. */
export interface KubePod {
  readonly namespace: string;
  readonly name: string;
  /** `status.phase`: `Pending`, `Running`, `Succeeded`, `Failed`, `Unknown`. */
  readonly phase?: string;
  /** The `kind` of each of `metadata.ownerReferences` (e.g. `DaemonSet`, `ReplicaSet`, `Job`). */
  readonly ownerKinds: readonly string[];
  /** A static pod's mirror (annotation `kubernetes.io/config.mirror`): the API cannot evict it. */
  readonly mirror: boolean;
  /** `metadata.deletionTimestamp` is set: the pod is already terminating. */
  readonly terminating: boolean;
}

/** The answer to one eviction. */
export type EvictionOutcome =
  /** 200/201: the pod is being deleted (it may take its grace period). */
  | { readonly result: 'evicting' }
  /** 404: the pod is already gone. */
  | { readonly result: 'gone' }
  /** 429 (a PodDisruptionBudget refuses it now) or 500 with a PDB conflict: `message` is the API's. */
  | { readonly result: 'blocked'; readonly message: string };

/** A node patch: each field set is changed; `null` removes a label or annotation. */
export interface NodePatch {
  readonly unschedulable?: boolean;
  readonly labels?: Readonly<Record<string, string | null>>;
  readonly annotations?: Readonly<Record<string, string | null>>;
}

/**
 * What the drain calls. Errors: an HTTP status other than those named is thrown as a
 * `KubernetesApiError` (`name` = `KubernetesApiError`, `statusCode`, the API's `reason` and
 * `message`); a network error is thrown wrapped, naming the request, with Node's `code` (e.g.
 * `ECONNREFUSED`) and the original as `cause`.
 * A 429 outside an eviction and a 5xx carry `name` `ThrottlingException` /
 * `ServiceUnavailable` so that `isTransient` sees them as passing.
 */
export interface KubernetesApi {
  /** Every node matching the label selector (all pages). */
  listNodes(labelSelector: string): Promise<KubeNode[]>;
  /** Strategic/merge patch of one node; `undefined` when it does not exist (404). */
  patchNode(name: string, patch: NodePatch): Promise<KubeNode | undefined>;
  /** Every pod bound to the node (`fieldSelector=spec.nodeName=<name>`, all namespaces, all pages). */
  listPodsOnNode(nodeName: string): Promise<KubePod[]>;
  /** POST `policy/v1` Eviction of one pod. */
  evictPod(namespace: string, name: string): Promise<EvictionOutcome>;
}

/** Connects to the Kubernetes API of the EKS cluster of that name (DescribeCluster, then a token). */
export type KubernetesConnector = (eksClusterName: string) => Promise<KubernetesApi>;

// ---------------------------------------------------------------------------------------------
// Node names

/** The Kubernetes node name of a HyperPod instance: `hyperpod-<instance id>`. */
export function nodeNameOf(instanceId: string): string {
  return `${NODE_NAME_PREFIX}${instanceId}`;
}

/** The instance id a HyperPod node name holds; `undefined` for a node HyperPod did not name. */
export function instanceIdOf(nodeName: string): string | undefined {
  return nodeName.startsWith(NODE_NAME_PREFIX) && nodeName.length > NODE_NAME_PREFIX.length
    ? nodeName.slice(NODE_NAME_PREFIX.length)
    : undefined;
}

// ---------------------------------------------------------------------------------------------
// The EKS token

/** AWS credentials, as the SDK resolves them. */
export interface AwsCredentialIdentityLike {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Credentials, or a provider of them (an SDK client's `config.credentials`). */
export type AwsCredentialsSource = AwsCredentialIdentityLike | (() => Promise<AwsCredentialIdentityLike>);

/** What every EKS bearer token starts with. */
export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
/** The signed header that binds a token to one EKS cluster (its name). */
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id';
/** `X-Amz-Expires` of the presigned URL, as aws-iam-authenticator sets it (EKS accepts a token for 15 minutes after signing). */
export const TOKEN_PRESIGN_EXPIRES_SECONDS = 60;

/** The regional STS host, which the EKS authenticator expects the token to be presigned for. */
export function stsHostname(region: string): string {
  return `sts.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
}

/**
 * The bearer token EKS accepts for these credentials, as aws-iam-authenticator (and
 * `aws eks get-token`) makes it: a SigV4-presigned STS `GetCallerIdentity` URL whose signed
 * headers include `x-k8s-aws-id: <cluster name>`, base64url-encoded without padding after
 * `k8s-aws-v1.`. EKS calls STS with it to learn the caller's IAM identity; no IAM action is needed.
 *
 * @param now the signing time (the token is good for 15 minutes from it)
 */
export async function eksToken(clusterName: string, region: string, credentials: AwsCredentialsSource, now: Date = new Date()): Promise<string> {
  const hostname = stsHostname(region);
  const signer = new SignatureV4({ service: 'sts', region, credentials, sha256: Sha256 });
  const signed = await signer.presign({
    method: 'GET',
    protocol: 'https:',
    hostname,
    path: '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    headers: { host: hostname, [CLUSTER_ID_HEADER]: clusterName },
  }, { expiresIn: TOKEN_PRESIGN_EXPIRES_SECONDS, signingDate: now });
  // In the presigner's order (the signature last), as `aws eks get-token` writes it.
  const query = Object.keys(signed.query ?? {}).flatMap((key) => {
    const value = signed.query![key];
    return (Array.isArray(value) ? value : [value ?? '']).map((v) => `${uriEncode(key)}=${uriEncode(v)}`);
  }).join('&');
  return EKS_TOKEN_PREFIX + Buffer.from(`https://${hostname}/?${query}`, 'utf8').toString('base64url');
}

/** RFC 3986 percent-encoding (`encodeURIComponent` leaves `!'()*` as they are). */
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

// ---------------------------------------------------------------------------------------------
// Errors

/** The rules of `DRAIN_RBAC_RULES`, for messages: `nodes get/list/patch; pods get/list; pods/eviction create`. */
function rbacRulesText(): string {
  return DRAIN_RBAC_RULES.map((rule) => {
    const resources = rule.resources.map((r) => rule.apiGroups.filter((g) => g).map((g) => `${g}/${r}`).join(',') || r);
    return `${resources.join(',')} ${rule.verbs.join('/')}`;
  }).join('; ');
}

/** What a 401 or a 403 asks of the deployment. */
function accessAdvice(statusCode: number): string {
  const rbac = `its Kubernetes group ("${DRAIN_KUBERNETES_GROUP}-<hash>" by default, or scaleDown.drain.kubernetesGroup) `
    + `bound to a ClusterRole with the drain's RBAC rules (${rbacRulesText()})`;
  if (statusCode === 401) {
    return ' (the cluster did not accept the handler\'s IAM identity: the handler\'s role needs an EKS access entry on this cluster, '
      + `whose authentication mode must be API or API_AND_CONFIG_MAP, with ${rbac})`;
  }
  if (statusCode === 403) {
    return ` (the handler's role needs its EKS access entry on this cluster with ${rbac})`;
  }
  return '';
}

/**
 * A Kubernetes API answer other than those a call expects. `name` is `KubernetesApiError`,
 * except `ThrottlingException` for a 429 and `ServiceUnavailable` for a 5xx, which
 * `isTransient` counts as passing.
 */
export class KubernetesApiError extends Error {
  /** The HTTP status. */
  public readonly statusCode: number;
  /** The `reason` of the API's `Status` (e.g. `Forbidden`, `NotFound`, `TooManyRequests`), when it sent one. */
  public readonly reason?: string;
  /** The `message` of the API's `Status` (with the messages of its `details.causes`), or the start of a body that is not one. */
  public readonly apiMessage?: string;

  constructor(request: string, statusCode: number, answer: { readonly reason?: string; readonly message?: string } = {}) {
    super(`Kubernetes API ${request} answered ${statusCode}${answer.reason ? ` ${answer.reason}` : ''}`
      + `${answer.message ? `: ${answer.message}` : ''}${accessAdvice(statusCode)}`);
    this.name = statusCode === 429 ? 'ThrottlingException' : statusCode >= 500 ? 'ServiceUnavailable' : 'KubernetesApiError';
    this.statusCode = statusCode;
    this.reason = answer.reason;
    this.apiMessage = answer.message;
  }
}

/** A network error (Node's, e.g. `ECONNREFUSED`, or a certificate the CA does not sign), with the request it ended. */
function connectionError(request: string, err: Error & { code?: string }, hint: string): Error {
  const wrapped: Error & { code?: string } = new Error(`Kubernetes API ${request} failed: ${err.message}${hint}`, { cause: err });
  if (err.code) {
    wrapped.code = err.code;
  }
  return wrapped;
}

/** A request that got no answer in time: `TimeoutError`, a passing error. */
function timeoutError(request: string, timeoutMs: number, hint: string): Error {
  const err = new Error(`Kubernetes API ${request} did not answer within ${timeoutMs} ms${hint}`);
  err.name = 'TimeoutError';
  return err;
}

/** A request the caller's signal aborted: `AbortError`, as the SDK's. */
function abortError(request: string, reason: unknown): Error {
  const err = new Error(`Kubernetes API ${request} was aborted`, { cause: reason });
  err.name = 'AbortError';
  return err;
}

// ---------------------------------------------------------------------------------------------
// The client

/** The timeout of one request when none is given. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** The `limit` of list calls when none is given. */
export const DEFAULT_LIST_PAGE_SIZE = 500;
/** Idle keep-alive connections are closed after this. */
const IDLE_SOCKET_TIMEOUT_MS = 15_000;

/** Options of `HttpKubernetesApi`. */
export interface HttpKubernetesApiOptions {
  /** The API server URL (EKS `endpoint`), e.g. `https://0123ABCD.gr7.us-east-1.eks.amazonaws.com`. */
  readonly endpoint: string;
  /**
   * The cluster's certificate authority: the PEM, or its base64 as EKS's `certificateAuthority.data`.
   * When given it is the only CA trusted.
   * @default - Node's default CAs
   */
  readonly certificateAuthority?: string;
  /** The bearer token of each request (e.g. a cached `eksToken`). */
  readonly token: () => Promise<string>;
  /** One request (connect to the end of the answer) fails with `TimeoutError` after this. @default 10 s */
  readonly timeoutMs?: number;
  /** Aborts every request in flight (`AbortError`) when it fires. @default - requests are not aborted */
  readonly abortSignal?: AbortSignal;
  /** `limit` of each list call; the client follows `continue` to the last page. @default 500 */
  readonly pageSize?: number;
  /** Appended to network and timeout errors (e.g. why the endpoint may be out of reach). @default - nothing */
  readonly unreachableHint?: string;
}

/** A Kubernetes object, as far as the drain reads it. */
interface KubeObject {
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly ownerReferences?: ReadonlyArray<{ readonly kind?: string }>;
    readonly deletionTimestamp?: string;
  };
  readonly spec?: { readonly unschedulable?: boolean };
  readonly status?: { readonly phase?: string };
}

/** A Kubernetes list. */
interface KubeList {
  readonly items?: KubeObject[];
  readonly metadata?: { readonly continue?: string };
}

/** A Kubernetes `Status` (the body of an error answer). */
interface KubeStatus {
  readonly kind?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly details?: { readonly causes?: ReadonlyArray<{ readonly reason?: string; readonly message?: string }> };
}

/** One HTTP answer. */
interface Answer {
  readonly statusCode: number;
  /** The parsed body; `undefined` when it is not JSON. */
  readonly json: unknown;
  readonly text: string;
}

/** The annotation the kubelet sets on the API's mirror of a static pod. */
const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

function toNode(o: KubeObject): KubeNode {
  return {
    name: o.metadata?.name ?? '',
    unschedulable: o.spec?.unschedulable === true,
    labels: { ...o.metadata?.labels },
    annotations: { ...o.metadata?.annotations },
  };
}

function toPod(o: KubeObject): KubePod {
  return {
    namespace: o.metadata?.namespace ?? '',
    name: o.metadata?.name ?? '',
    phase: o.status?.phase,
    ownerKinds: (o.metadata?.ownerReferences ?? []).map((r) => r.kind ?? ''),
    mirror: o.metadata?.annotations?.[MIRROR_POD_ANNOTATION] !== undefined,
    terminating: !!o.metadata?.deletionTimestamp,
  };
}

/** The `reason` and `message` of an error answer (the `Status`'s, with its causes; else the start of the body). */
function statusOf(answer: Answer): { reason?: string; message?: string } {
  const status = answer.json as KubeStatus | undefined;
  if (status && typeof status === 'object' && status.kind === 'Status') {
    const causes = (status.details?.causes ?? []).map((c) => c.message).filter((m): m is string => !!m);
    return { reason: status.reason || undefined, message: [status.message, ...causes].filter((m) => m).join(' ') || undefined };
  }
  const text = answer.text.trim();
  return { message: text ? text.slice(0, 300) : undefined };
}

/**
 * `KubernetesApi` over Node's `https` (or `http` for an `http://` endpoint), with a bearer
 * token, the cluster's CA, a timeout per request and keep-alive connections (idle ones do not
 * keep the process alive; `destroy()` closes them).
 */
export class HttpKubernetesApi implements KubernetesApi {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly timeoutMs: number;
  private readonly pageSize: number;
  private readonly hint: string;

  constructor(private readonly options: HttpKubernetesApiOptions) {
    this.base = new URL(options.endpoint);
    if (this.base.protocol !== 'https:' && this.base.protocol !== 'http:') {
      throw new Error(`Kubernetes API endpoint must be an https:// URL, not "${options.endpoint}"`);
    }
    const ca = options.certificateAuthority === undefined ? undefined : pemOf(options.certificateAuthority);
    this.agent = this.base.protocol === 'http:'
      ? new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_TIMEOUT_MS })
      : new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_TIMEOUT_MS, ...(ca ? { ca } : {}) });
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.pageSize = options.pageSize ?? DEFAULT_LIST_PAGE_SIZE;
    this.hint = options.unreachableHint ? ` (${options.unreachableHint})` : '';
  }

  public async listNodes(labelSelector: string): Promise<KubeNode[]> {
    return (await this.list('/api/v1/nodes', { labelSelector: labelSelector || undefined })).map(toNode);
  }

  /** One node; `undefined` when it does not exist (404). */
  public async getNode(name: string): Promise<KubeNode | undefined> {
    const path = `/api/v1/nodes/${encodeURIComponent(name)}`;
    const answer = await this.send('GET', path);
    if (answer.statusCode === 404) {
      return undefined;
    }
    return toNode(this.expect(answer, 'GET', path, [200]) as KubeObject);
  }

  public async patchNode(name: string, patch: NodePatch): Promise<KubeNode | undefined> {
    const path = `/api/v1/nodes/${encodeURIComponent(name)}`;
    const metadata = {
      ...(patch.labels === undefined ? {} : { labels: patch.labels }),
      ...(patch.annotations === undefined ? {} : { annotations: patch.annotations }),
    };
    const body = {
      ...(patch.unschedulable === undefined ? {} : { spec: { unschedulable: patch.unschedulable } }),
      ...(Object.keys(metadata).length ? { metadata } : {}),
    };
    const answer = await this.send('PATCH', path, {}, { contentType: 'application/merge-patch+json', data: body });
    if (answer.statusCode === 404) {
      return undefined;
    }
    return toNode(this.expect(answer, 'PATCH', path, [200]) as KubeObject);
  }

  public async listPodsOnNode(nodeName: string): Promise<KubePod[]> {
    return (await this.list('/api/v1/pods', { fieldSelector: `spec.nodeName=${nodeName}` })).map(toPod);
  }

  public async evictPod(namespace: string, name: string): Promise<EvictionOutcome> {
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/eviction`;
    const eviction = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } };
    const answer = await this.send('POST', path, {}, { contentType: 'application/json', data: eviction });
    const { statusCode } = answer;
    if (statusCode === 200 || statusCode === 201) {
      return { result: 'evicting' };
    }
    if (statusCode === 404) {
      return { result: 'gone' };
    }
    const status = statusOf(answer);
    // 429: a PodDisruptionBudget allows no disruption now (or the API server sheds load).
    // 500 naming a PodDisruptionBudget: the pod has more than one, which eviction refuses.
    // 409: the budget's status changed under the eviction (kubectl drain tries again too).
    if (statusCode === 429 || statusCode === 409 || (statusCode === 500 && /PodDisruptionBudget/.test(status.message ?? ''))) {
      return { result: 'blocked', message: status.message ?? `eviction refused (${statusCode})` };
    }
    throw new KubernetesApiError(`POST ${path}`, statusCode, status);
  }

  /** Closes the idle keep-alive connections (requests in flight go on). */
  public destroy(): void {
    this.agent.destroy();
  }

  /** Every item of a list, following `continue` to the last page. */
  private async list(path: string, query: Record<string, string | undefined>): Promise<KubeObject[]> {
    const items: KubeObject[] = [];
    const seen = new Set<string>();
    let next: string | undefined;
    do {
      const answer = await this.send('GET', path, { ...query, limit: String(this.pageSize), continue: next });
      const page = this.expect(answer, 'GET', path, [200], query) as KubeList;
      items.push(...(page.items ?? []));
      next = page.metadata?.continue || undefined;
      if (next !== undefined && seen.has(next)) {
        throw new Error(`Kubernetes API GET ${path} gave the same continue token twice`);
      }
      if (next !== undefined) {
        seen.add(next);
      }
    } while (next !== undefined);
    return items;
  }

  /** The parsed body of an answer of an expected status; else throws `KubernetesApiError`. */
  private expect(answer: Answer, method: string, path: string, ok: number[], query: Record<string, string | undefined> = {}): unknown {
    if (ok.includes(answer.statusCode) && answer.json && typeof answer.json === 'object') {
      return answer.json;
    }
    if (ok.includes(answer.statusCode)) {
      throw new KubernetesApiError(requestText(method, path, query), answer.statusCode, { message: `not JSON: ${answer.text.slice(0, 100)}` });
    }
    throw new KubernetesApiError(requestText(method, path, query), answer.statusCode, statusOf(answer));
  }

  /** One request: the token, the timeout, the caller's signal. Network errors keep Node's `code`. */
  private async send(method: string, path: string, query: Record<string, string | undefined> = {},
    body?: { contentType: string; data: unknown }): Promise<Answer> {
    const request = requestText(method, path, query);
    const signal = this.options.abortSignal;
    const token = await this.options.token();
    if (signal?.aborted) {
      throw abortError(request, signal.reason);
    }
    const search = Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => `${uriEncode(k)}=${uriEncode(v!)}`).join('&');
    const url = new URL(`${this.base.pathname.replace(/\/$/, '')}${path}${search ? `?${search}` : ''}`, this.base);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body.data), 'utf8');
    const headers: http.OutgoingHttpHeaders = {
      'accept': 'application/json',
      'authorization': `Bearer ${token}`,
      'user-agent': 'hyperpod-cdk-drain',
      ...(payload ? { 'content-type': body!.contentType, 'content-length': payload.length } : {}),
    };
    return new Promise<Answer>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const settle = (err: Error | undefined, answer?: Answer) => {
        if (settled) {
          return;
        }
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (err) {
          reject(err);
        } else {
          resolve(answer!);
        }
      };
      const req = (url.protocol === 'http:' ? http : https).request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (err) => settle(connectionError(request, err, this.hint)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          settle(undefined, { statusCode: res.statusCode ?? 0, json: parseJson(text), text });
        });
      });
      const onAbort = () => {
        settle(abortError(request, signal?.reason));
        req.destroy();
      };
      timer = setTimeout(() => {
        settle(timeoutError(request, this.timeoutMs, this.hint));
        req.destroy();
      }, this.timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err) => settle(connectionError(request, err, this.hint)));
      req.end(payload);
    });
  }
}

/** `METHOD path?query` for messages (without `limit` and `continue`). */
function requestText(method: string, path: string, query: Record<string, string | undefined>): string {
  const shown = Object.entries(query).filter(([k, v]) => v !== undefined && k !== 'limit' && k !== 'continue').map(([k, v]) => `${k}=${v}`);
  return `${method} ${path}${shown.length ? `?${shown.join('&')}` : ''}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A PEM as given, or decoded from the base64 EKS gives. */
function pemOf(certificateAuthority: string): string {
  return certificateAuthority.includes('-----BEGIN') ? certificateAuthority : Buffer.from(certificateAuthority, 'base64').toString('utf8');
}

// ---------------------------------------------------------------------------------------------
// The connector

/** How long a token is reused (EKS accepts one for 15 minutes after it is signed). */
export const TOKEN_REUSE_MS = 10 * 60_000;

/** The EKS cluster cannot be reached through its Kubernetes API: it does not exist, or has no endpoint yet. */
export class EksClusterError extends Error {
  constructor(public readonly clusterName: string, message: string) {
    super(message);
    this.name = 'EksClusterError';
  }
}

/** Options of `eksKubernetesConnector`. */
export interface EksKubernetesConnectorOptions {
  /** Aborts every Kubernetes request in flight when it fires (the invocation's signal). @default - not aborted */
  readonly abortSignal?: AbortSignal;
  /** Timeout of one Kubernetes request. @default 10 s */
  readonly timeoutMs?: number;
  /** `limit` of each list call. @default 500 */
  readonly pageSize?: number;
  /** The EKS cluster's Region (the STS host of the token). @default - the EKS client's Region */
  readonly region?: string;
  /** The clock of the token (its signing time and its reuse). @default Date.now */
  readonly now?: () => number;
  /** How long a token is reused. @default 10 minutes */
  readonly tokenReuseMs?: number;
}

/**
 * A `KubernetesConnector` for EKS clusters: DescribeCluster (through `eks`) for the endpoint and
 * the CA, then an `HttpKubernetesApi` whose token (signed with `credentials`) is reused for
 * about 10 minutes. Throws `EksClusterError` when the cluster does not exist or has no
 * endpoint; DescribeCluster's own errors go up as they are.
 *
 * In a Lambda, per invocation:
 * `eksKubernetesConnector(new AwsEksApi(client, { abortSignal }), client.config.credentials, { abortSignal })`.
 */
export function eksKubernetesConnector(eks: Pick<EksApi, 'region' | 'describeCluster'>, credentials: AwsCredentialsSource,
  options: EksKubernetesConnectorOptions = {}): KubernetesConnector {
  const now = options.now ?? Date.now;
  const reuseMs = options.tokenReuseMs ?? TOKEN_REUSE_MS;
  return async (eksClusterName: string) => {
    const region = options.region ?? await eks.region();
    const cluster = await eks.describeCluster(eksClusterName);
    if (!cluster) {
      throw new EksClusterError(eksClusterName, `EKS cluster "${eksClusterName}" was not found in ${region}: the drain cannot reach its Kubernetes API`);
    }
    if (!cluster.endpoint) {
      throw new EksClusterError(eksClusterName, `EKS cluster "${eksClusterName}" (${cluster.status || 'no status'}) has no Kubernetes API endpoint yet`);
    }
    let cached: { token: Promise<string>; signedAt: number } | undefined;
    const token = (): Promise<string> => {
      const t = now();
      if (!cached || t - cached.signedAt >= reuseMs || t < cached.signedAt) {
        const signing = eksToken(eksClusterName, region, credentials, new Date(t));
        const entry = { token: signing, signedAt: t };
        cached = entry;
        // A failed signing is not reused.
        signing.catch(() => {
          if (cached === entry) {
            cached = undefined;
          }
        });
      }
      return cached.token;
    };
    return new HttpKubernetesApi({
      endpoint: cluster.endpoint,
      certificateAuthority: cluster.certificateAuthority,
      token,
      timeoutMs: options.timeoutMs,
      abortSignal: options.abortSignal,
      pageSize: options.pageSize,
      unreachableHint: cluster.endpointPublicAccess === false
        ? `the API endpoint of EKS cluster "${eksClusterName}" is private: the handler reaches it only from a VPC with access to it`
        : undefined,
    });
  };
}
