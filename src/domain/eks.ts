/**
 * The one module that talks to Amazon EKS (AWS SDK v3, bundled by esbuild into the Lambda
 * handlers). The checks (`checks.ts`) are pure; the handler (`handler.ts`) uses this interface.
 */
import { DescribeAddonCommand, DescribeClusterCommand, EKSClient, ListAddonsCommand } from '@aws-sdk/client-eks';
import { CLIENT_RETRY_SETTINGS } from './sagemaker';

/** ListAddons page size (the API maximum). */
const ADDON_PAGE_SIZE = 100;

/**
 * The client the Lambda uses: SDK defaults (region, credentials, and endpoint, so that the
 * standard `AWS_ENDPOINT_URL_EKS` variable can point it elsewhere) plus the same adaptive
 * retries as the SageMaker client.
 */
export function createEksClient(): EKSClient {
  return new EKSClient({ ...CLIENT_RETRY_SETTINGS });
}

/** The parts of `DescribeCluster` the preflight and the drain's Kubernetes connection read. */
export interface EksClusterView {
  readonly name: string;
  readonly arn?: string;
  /** `CREATING`, `ACTIVE`, `DELETING`, `FAILED`, `UPDATING` or `PENDING`. */
  readonly status: string;
  /** Kubernetes `major.minor`. */
  readonly version?: string;
  /** `accessConfig.authenticationMode`. */
  readonly authenticationMode?: string;
  /** URL of the Kubernetes API server, e.g. `https://0123ABCD.gr7.us-east-1.eks.amazonaws.com`; none while `CREATING`. */
  readonly endpoint?: string;
  /** `certificateAuthority.data`: base64 of the PEM of the cluster's certificate authority. */
  readonly certificateAuthority?: string;
  /** `resourcesVpcConfig.endpointPublicAccess`: the API server is reachable from the internet. */
  readonly endpointPublicAccess?: boolean;
  /** `resourcesVpcConfig.endpointPrivateAccess`: the API server is reachable from within the cluster's VPC. */
  readonly endpointPrivateAccess?: boolean;
}

/** The parts of `DescribeAddon` the preflight reads. */
export interface EksAddonView {
  readonly name: string;
  /** e.g. `v1.18.3-eksbuild.1`. */
  readonly version?: string;
  readonly status?: string;
}

/** What the preflight needs from EKS; tests inject the real client against a stand-in. */
export interface EksApi {
  /** The Region the client calls (for messages). */
  region(): Promise<string>;
  /** The cluster; `undefined` when it does not exist. */
  describeCluster(clusterName: string): Promise<EksClusterView | undefined>;
  /** Names of the installed EKS add-ons (every page); empty when the cluster does not exist. */
  listAddons(clusterName: string): Promise<string[]>;
  /** One add-on; `undefined` when it is not installed. */
  describeAddon(clusterName: string, addonName: string): Promise<EksAddonView | undefined>;
}

/** Options of `AwsEksApi`. */
export interface AwsEksApiOptions {
  /**
   * Aborts every call in flight when it fires (the Lambda entry fires it shortly before the
   * function would time out, so that the handler can still answer).
   * @default - calls are not aborted
   */
  readonly abortSignal?: AbortSignal;
}

function isNotFound(err: unknown): boolean {
  // Match on the name: unmodeled errors arrive as the base exception class.
  return (err as { name?: unknown } | null)?.name === 'ResourceNotFoundException';
}

/** `EksApi` over an SDK v3 `EKSClient`. */
export class AwsEksApi implements EksApi {
  private readonly sendOptions: { abortSignal?: AbortSignal };

  constructor(private readonly client: EKSClient, options: AwsEksApiOptions = {}) {
    this.sendOptions = options.abortSignal ? { abortSignal: options.abortSignal } : {};
  }

  public async region(): Promise<string> {
    return this.client.config.region();
  }

  public async describeCluster(clusterName: string): Promise<EksClusterView | undefined> {
    try {
      const { cluster } = await this.client.send(new DescribeClusterCommand({ name: clusterName }), this.sendOptions);
      return {
        name: cluster?.name ?? clusterName,
        arn: cluster?.arn,
        status: cluster?.status ?? '',
        version: cluster?.version,
        authenticationMode: cluster?.accessConfig?.authenticationMode,
        endpoint: cluster?.endpoint || undefined,
        certificateAuthority: cluster?.certificateAuthority?.data || undefined,
        endpointPublicAccess: cluster?.resourcesVpcConfig?.endpointPublicAccess,
        endpointPrivateAccess: cluster?.resourcesVpcConfig?.endpointPrivateAccess,
      };
    } catch (err) {
      if (isNotFound(err)) {
        return undefined;
      }
      throw err;
    }
  }

  public async listAddons(clusterName: string): Promise<string[]> {
    const names: string[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(new ListAddonsCommand({ clusterName, maxResults: ADDON_PAGE_SIZE, nextToken: token }), this.sendOptions);
        names.push(...(page.addons ?? []));
        token = page.nextToken || undefined;
      } while (token);
    } catch (err) {
      if (isNotFound(err)) {
        return [];
      }
      throw err;
    }
    return names;
  }

  public async describeAddon(clusterName: string, addonName: string): Promise<EksAddonView | undefined> {
    try {
      const { addon } = await this.client.send(new DescribeAddonCommand({ clusterName, addonName }), this.sendOptions);
      return { name: addon?.addonName ?? addonName, version: addon?.addonVersion, status: addon?.status };
    } catch (err) {
      if (isNotFound(err)) {
        return undefined;
      }
      throw err;
    }
  }
}
