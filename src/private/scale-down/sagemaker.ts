/**
 * The small part of targeted scale-down that talks to SageMaker (AWS SDK v3, bundled into
 * the Lambda by esbuild). Everything else is pure (`plan.ts`) or logic (`handler.ts`).
 */
import {
  BatchDeleteClusterNodesCommand,
  ClusterNodeSummary,
  DescribeClusterCommand,
  paginateListClusterNodes,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { BatchDeleteAnswer, ClusterNode, DeleteBatch } from './plan';
import { LIST_PAGE_SIZE } from './types';

/** Retry settings of the Lambda's client: the SDK's adaptive strategy (backoff + client-side rate limit). */
export const CLIENT_RETRY_SETTINGS = { retryMode: 'adaptive', maxAttempts: 8 } as const;

/**
 * The client the Lambda uses: SDK defaults (region, credentials, and endpoint, so that the
 * standard `AWS_ENDPOINT_URL_SAGEMAKER` variable can point it elsewhere) plus adaptive retries.
 */
export function createSageMakerClient(): SageMakerClient {
  return new SageMakerClient({ ...CLIENT_RETRY_SETTINGS });
}

/** Counts of one instance group, from `DescribeCluster`. */
export interface GroupCounts {
  readonly currentCount?: number;
  readonly targetCount?: number;
}

/** Thrown when the cluster does not exist (`ResourceNotFound`). */
export class ClusterMissingError extends Error {
  constructor(public readonly clusterName: string, cause?: unknown) {
    super(`cluster "${clusterName}" does not exist`, { cause });
    this.name = 'ClusterMissing';
  }
}

/** What the handler needs from SageMaker; tests inject the real client against a stand-in. */
export interface ScaleDownApi {
  /** Counts per instance group name; `undefined` when the cluster does not exist. */
  describeGroups(clusterName: string): Promise<Map<string, GroupCounts> | undefined>;
  /**
   * Nodes of one instance group (exact name), including nodes still provisioning; or of the
   * whole cluster when `group` is undefined. Throws `ClusterMissingError`.
   */
  listNodes(clusterName: string, group?: string): Promise<ClusterNode[]>;
  /** One `BatchDeleteClusterNodes` call. Throws `ClusterMissingError`. */
  deleteNodes(clusterName: string, batch: DeleteBatch): Promise<BatchDeleteAnswer>;
}

function isResourceNotFound(err: unknown): boolean {
  // Match on the name: unmodeled errors arrive as the base exception class.
  return (err as { name?: unknown } | null)?.name === 'ResourceNotFound';
}

function toNode(summary: ClusterNodeSummary): ClusterNode {
  return {
    group: summary.InstanceGroupName ?? '',
    // Nodes still provisioning have no instance id (the model calls it required).
    instanceId: summary.InstanceId || undefined,
    logicalId: summary.NodeLogicalId || undefined,
    status: summary.InstanceStatus?.Status ?? '',
    launchTime: summary.LaunchTime,
  };
}

/** `ScaleDownApi` over an SDK v3 `SageMakerClient`. */
export class SageMakerScaleDownApi implements ScaleDownApi {
  constructor(private readonly client: SageMakerClient) {}

  public async describeGroups(clusterName: string): Promise<Map<string, GroupCounts> | undefined> {
    try {
      const out = await this.client.send(new DescribeClusterCommand({ ClusterName: clusterName }));
      return new Map((out.InstanceGroups ?? []).map((g) => [
        g.InstanceGroupName ?? '',
        { currentCount: g.CurrentCount, targetCount: g.TargetCount },
      ]));
    } catch (err) {
      if (isResourceNotFound(err)) {
        return undefined;
      }
      throw err;
    }
  }

  public async listNodes(clusterName: string, group?: string): Promise<ClusterNode[]> {
    const nodes: ClusterNode[] = [];
    const pages = paginateListClusterNodes({ client: this.client, pageSize: LIST_PAGE_SIZE }, {
      ClusterName: clusterName,
      IncludeNodeLogicalIds: true,
      ...(group === undefined ? {} : { InstanceGroupNameContains: group }),
    });
    try {
      for await (const page of pages) {
        for (const summary of page.ClusterNodeSummaries ?? []) {
          // The server filter is a substring match: `worker` also matches `worker-2`.
          if (group === undefined || summary.InstanceGroupName === group) {
            nodes.push(toNode(summary));
          }
        }
      }
    } catch (err) {
      throw isResourceNotFound(err) ? new ClusterMissingError(clusterName, err) : err;
    }
    return nodes;
  }

  public async deleteNodes(clusterName: string, batch: DeleteBatch): Promise<BatchDeleteAnswer> {
    try {
      return await this.client.send(new BatchDeleteClusterNodesCommand({ ClusterName: clusterName, [batch.kind]: batch.ids }));
    } catch (err) {
      throw isResourceNotFound(err) ? new ClusterMissingError(clusterName, err) : err;
    }
  }
}
