/**
 * A local stand-in of the Amazon EKS REST-JSON API for one EKS cluster: DescribeCluster
 * (`GET /clusters/{name}`), ListAddons (`GET /clusters/{name}/addons`) and DescribeAddon
 * (`GET /clusters/{name}/addons/{addon}`), on 127.0.0.1 and a random port, with fault
 * injection. The real AWS SDK client talks to it (endpoint override or `AWS_ENDPOINT_URL_EKS`).
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { FaultQueue } from './faults';

/** An installed EKS add-on of the stand-in. */
export interface FakeAddon {
  name: string;
  /** e.g. `v1.18.3-eksbuild.1`. */
  version: string;
  /** @default 'ACTIVE' */
  status?: string;
}

/** Options of `FakeEks.start`. */
export interface FakeEksOptions {
  /** @default 'ml-eks' */
  readonly clusterName?: string;
  /** @default 'ACTIVE' */
  readonly status?: string;
  /** @default '1.31' */
  readonly version?: string;
  /** `accessConfig.authenticationMode`; `null` leaves `accessConfig` out. @default 'API_AND_CONFIG_MAP' */
  readonly authenticationMode?: string | null;
  /** @default vpc-cni v1.19.0-eksbuild.1 and eks-pod-identity-agent v1.3.4-eksbuild.1 */
  readonly addons?: FakeAddon[];
  /** The Kubernetes API server URL; `null` leaves it out (a cluster still `CREATING`). @default DEFAULT_EKS_ENDPOINT */
  readonly endpoint?: string | null;
  /** `certificateAuthority.data` (base64 of a PEM); `null` leaves it out. @default a placeholder (not a usable CA) */
  readonly certificateAuthority?: string | null;
  /** @default true */
  readonly endpointPublicAccess?: boolean;
  /** @default false */
  readonly endpointPrivateAccess?: boolean;
}

/** The endpoint DescribeCluster gives unless told otherwise (not reachable). */
export const DEFAULT_EKS_ENDPOINT = 'https://EXAMPLE.gr7.us-east-1.eks.amazonaws.com';
/** The CA DescribeCluster gives unless told otherwise: base64 of a placeholder, not a certificate. */
const PLACEHOLDER_CA = Buffer.from('-----BEGIN CERTIFICATE-----\nplaceholder\n-----END CERTIFICATE-----\n').toString('base64');

/** The operations the stand-in serves. */
export type FakeEksOperation = 'DescribeCluster' | 'ListAddons' | 'DescribeAddon';

/** The add-ons a healthy HyperPod-ready cluster has. */
export function defaultAddons(): FakeAddon[] {
  return [
    { name: 'vpc-cni', version: 'v1.19.0-eksbuild.1' },
    { name: 'kube-proxy', version: 'v1.31.2-eksbuild.3' },
    { name: 'eks-pod-identity-agent', version: 'v1.3.4-eksbuild.1' },
  ];
}

/** The stand-in. Tweak its public fields between calls to change what EKS says. */
export class FakeEks {
  /** Starts a stand-in listening on 127.0.0.1:0. */
  public static async start(options: FakeEksOptions = {}): Promise<FakeEks> {
    const fake = new FakeEks(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  public url = '';
  public readonly clusterName: string;
  /** When false, every operation answers 404 ResourceNotFoundException. */
  public clusterExists = true;
  public status: string;
  public version: string;
  public authenticationMode: string | undefined;
  public addons: FakeAddon[];
  /** The Kubernetes API server URL DescribeCluster gives (e.g. a `FakeKubernetes` url); undefined leaves it out. */
  public endpoint: string | undefined;
  /** `certificateAuthority.data` DescribeCluster gives (base64 of a PEM, e.g. a `FakeKubernetes` caBase64). */
  public certificateAuthority: string | undefined;
  /** `resourcesVpcConfig.endpointPublicAccess`. */
  public endpointPublicAccess: boolean;
  /** `resourcesVpcConfig.endpointPrivateAccess`. */
  public endpointPrivateAccess: boolean;
  /** ListAddons answers at most this many names a page (whatever maxResults asks). */
  public addonPageSize = 100;
  /** Called before every answer with the operation: lets a test move the cluster along. */
  public onCall?: (op: FakeEksOperation, fake: FakeEks) => void;
  /** Requests received, by operation (faulted ones included). */
  public readonly calls: Partial<Record<string, number>> = {};
  /** `METHOD path?query` of every request, in order. */
  public readonly requests: string[] = [];

  private readonly server: http.Server;
  private readonly faults = new FaultQueue<FakeEksOperation>();

  private constructor(options: FakeEksOptions) {
    this.clusterName = options.clusterName ?? 'ml-eks';
    this.status = options.status ?? 'ACTIVE';
    this.version = options.version ?? '1.31';
    this.authenticationMode = options.authenticationMode === null ? undefined : options.authenticationMode ?? 'API_AND_CONFIG_MAP';
    this.addons = (options.addons ?? defaultAddons()).map((a) => ({ ...a }));
    this.endpoint = options.endpoint === null ? undefined : options.endpoint ?? DEFAULT_EKS_ENDPOINT;
    this.certificateAuthority = options.certificateAuthority === null ? undefined : options.certificateAuthority ?? PLACEHOLDER_CA;
    this.endpointPublicAccess = options.endpointPublicAccess ?? true;
    this.endpointPrivateAccess = options.endpointPrivateAccess ?? false;
    this.server = http.createServer((req, res) => this.receive(req, res));
  }

  /** The next `count` calls (of `op`, or any) answer with an error of this status and type. */
  public fail(count: number, status: number, type: string, op?: FakeEksOperation): void {
    this.faults.add(count, status, type, op);
  }

  /** The next `count` calls (of `op`, or any) answer 429 ThrottlingException. */
  public throttle(count: number, op?: FakeEksOperation): void {
    this.fail(count, 429, 'ThrottlingException', op);
  }

  /** The next `count` calls (of `op`, or any) answer 500 ServerException. */
  public serverError(count: number, op?: FakeEksOperation): void {
    this.fail(count, 500, 'ServerException', op);
  }

  /** Removes an add-on by name. */
  public removeAddon(name: string): void {
    this.addons = this.addons.filter((a) => a.name !== name);
  }

  /** Sets (adds or replaces) an add-on. */
  public setAddon(addon: FakeAddon): void {
    this.removeAddon(addon.name);
    this.addons.push({ ...addon });
  }

  public async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private receive(req: http.IncomingMessage, res: http.ServerResponse): void {
    req.resume();
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      this.requests.push(`${req.method} ${url.pathname}${url.search}`);
      const route = this.route(req.method ?? '', url.pathname);
      const op = route?.op ?? 'Unknown';
      this.calls[op] = (this.calls[op] ?? 0) + 1;
      if (route) {
        this.onCall?.(route.op, this);
      }
      const answer = route ? this.answer(route, url.searchParams) : error(404, 'UnknownOperationException', `no route for ${req.method} ${url.pathname}`);
      res.writeHead(answer.status, {
        'content-type': 'application/json',
        ...(answer.type ? { 'x-amzn-errortype': answer.type } : {}),
      });
      res.end(JSON.stringify(answer.body));
    });
  }

  private route(method: string, path: string): { op: FakeEksOperation; cluster: string; addon?: string } | undefined {
    const parts = path.split('/').slice(1).map(decodeURIComponent);
    if (method !== 'GET' || parts[0] !== 'clusters' || !parts[1]) {
      return undefined;
    }
    if (parts.length === 2) {
      return { op: 'DescribeCluster', cluster: parts[1] };
    }
    if (parts[2] === 'addons' && parts.length === 3) {
      return { op: 'ListAddons', cluster: parts[1] };
    }
    if (parts[2] === 'addons' && parts.length === 4) {
      return { op: 'DescribeAddon', cluster: parts[1], addon: parts[3] };
    }
    return undefined;
  }

  private answer(route: { op: FakeEksOperation; cluster: string; addon?: string }, query: URLSearchParams): Answer {
    const fault = this.faults.take(route.op);
    if (fault) {
      return error(fault.status, fault.type, `injected ${fault.type}`);
    }
    if (!this.clusterExists || route.cluster !== this.clusterName) {
      return error(404, 'ResourceNotFoundException', `No cluster found for name: ${route.cluster}.`);
    }
    if (route.op === 'DescribeCluster') {
      return { status: 200, body: { cluster: this.describe() } };
    }
    if (route.op === 'ListAddons') {
      const max = Number(query.get('maxResults') ?? 100);
      if (!Number.isInteger(max) || max < 1 || max > 100) {
        return error(400, 'InvalidParameterException', 'maxResults must be 1-100');
      }
      const offset = Number(query.get('nextToken') ?? 0);
      const size = Math.min(max, this.addonPageSize);
      const names = this.addons.map((a) => a.name).slice(offset, offset + size);
      const next = offset + size < this.addons.length ? String(offset + size) : undefined;
      return { status: 200, body: { addons: names, ...(next ? { nextToken: next } : {}) } };
    }
    const addon = this.addons.find((a) => a.name === route.addon);
    if (!addon) {
      return error(404, 'ResourceNotFoundException', `No addon: ${route.addon} found in cluster: ${route.cluster}`);
    }
    return {
      status: 200,
      body: {
        addon: {
          addonName: addon.name,
          clusterName: this.clusterName,
          status: addon.status ?? 'ACTIVE',
          addonVersion: addon.version,
          addonArn: `arn:aws:eks:us-east-1:123456789012:addon/${this.clusterName}/${addon.name}/00000000-0000-0000-0000-000000000000`,
          createdAt: 1_700_000_000,
          modifiedAt: 1_700_000_000,
          health: { issues: [] },
        },
      },
    };
  }

  private describe(): Record<string, unknown> {
    return {
      name: this.clusterName,
      arn: `arn:aws:eks:us-east-1:123456789012:cluster/${this.clusterName}`,
      createdAt: 1_700_000_000,
      version: this.version,
      ...(this.endpoint === undefined ? {} : { endpoint: this.endpoint }),
      ...(this.certificateAuthority === undefined ? {} : { certificateAuthority: { data: this.certificateAuthority } }),
      resourcesVpcConfig: {
        subnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
        securityGroupIds: [],
        clusterSecurityGroupId: 'sg-0aaaaaaaaaaaaaaa1',
        vpcId: 'vpc-0aaaaaaaaaaaaaaa1',
        endpointPublicAccess: this.endpointPublicAccess,
        endpointPrivateAccess: this.endpointPrivateAccess,
        publicAccessCidrs: this.endpointPublicAccess ? ['0.0.0.0/0'] : [],
      },
      roleArn: 'arn:aws:iam::123456789012:role/eks-cluster-role',
      status: this.status,
      platformVersion: 'eks.10',
      ...(this.authenticationMode === undefined ? {} : {
        accessConfig: { authenticationMode: this.authenticationMode, bootstrapClusterCreatorAdminPermissions: true },
      }),
    };
  }
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly type?: string;
}

/** An EKS error: the type in the `x-amzn-errortype` header, the message in the body. */
function error(status: number, type: string, message: string): Answer {
  return { status, type, body: { message } };
}
