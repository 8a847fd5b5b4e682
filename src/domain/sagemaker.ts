/**
 * The one module that talks to SageMaker HyperPod (AWS SDK v3, bundled by esbuild into the
 * Lambda handlers and the command-line tool). Everything else is pure (`plan.ts`,
 * `capacity.ts`) or logic over this interface (`handler.ts`, `capacity-handler.ts`, the CLI).
 */
import { BatchDeleteClusterNodesCommand, ClusterEventSummary, ClusterNodeSummary, DescribeClusterCommand, DescribeClusterEventCommand, EventMetadata, ListClusterEventsCommand, ListTagsCommand, ListClusterNodesCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { BatchDeleteAnswer, ClusterNode, DeleteBatch } from './plan';
import { LIST_PAGE_SIZE } from '../contract/scale-down';

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

/** One instance group, from `DescribeCluster`. */
export interface GroupView extends GroupCounts {
  readonly name: string;
  /** `InstanceGroupStatus` (`InService`, `Updating`, `Degraded`, ...). */
  readonly status?: string;
  readonly instanceType?: string;
}

/** The parts of `DescribeCluster` the handlers and the CLI show. */
export interface ClusterView {
  readonly name: string;
  readonly arn: string;
  /** `ClusterStatus` (stays `InService` while a Continuous cluster scales). */
  readonly status: string;
  /** `Continuous`, or undefined for the older mode. */
  readonly provisioningMode?: string;
  readonly failureMessage?: string;
  readonly groups: GroupView[];
}

/** One cluster event, from `ListClusterEvents` (plus `DescribeClusterEvent`'s failure message, when asked). */
export interface ClusterEvent {
  readonly id: string;
  readonly time?: Date;
  /** `Info`, `Warn` or `Error`. */
  readonly level?: string;
  /** `Cluster`, `InstanceGroup` or `Instance`. */
  readonly resourceType?: string;
  readonly group?: string;
  readonly instanceId?: string;
  readonly description?: string;
  /** From `DescribeClusterEvent`'s metadata; only set by `describeEvent`. */
  readonly failureMessage?: string;
}

/** Filters of `listEvents`. */
export interface EventQuery {
  /** Exact instance group name. */
  readonly group?: string;
  /** Only events after this time. */
  readonly after?: Date;
  /** At most this many, newest first (1-100, one call). @default 20 */
  readonly max?: number;
}

/** Thrown when cluster events cannot be read (a cluster not in Continuous mode, or no permission). */
export class EventsUnavailableError extends Error {
  constructor(public readonly reason: string, cause?: unknown) {
    super(`cluster events are not available: ${reason}`, { cause });
    this.name = 'EventsUnavailable';
  }
}

/** Thrown when the cluster does not exist (`ResourceNotFound`). */
export class ClusterMissingError extends Error {
  constructor(public readonly clusterName: string, cause?: unknown) {
    super(`cluster "${clusterName}" does not exist`, { cause });
    this.name = 'ClusterMissing';
  }
}

/** What the handlers and the CLI need from SageMaker; tests inject the real client against a stand-in. */
export interface HyperPodApi {
  /** The cluster and its groups; `undefined` when the cluster does not exist. */
  describeCluster(clusterName: string): Promise<ClusterView | undefined>;
  /**
   * Nodes of one instance group (exact name), including nodes still provisioning; or of the
   * whole cluster when `group` is undefined. Throws `ClusterMissingError`.
   */
  listNodes(clusterName: string, group?: string): Promise<ClusterNode[]>;
  /** One `BatchDeleteClusterNodes` call. Throws `ClusterMissingError`. */
  deleteNodes(clusterName: string, batch: DeleteBatch): Promise<BatchDeleteAnswer>;
  /**
   * The most recent cluster events, newest first (one `ListClusterEvents` call).
   * Throws `ClusterMissingError`, or `EventsUnavailableError` when the cluster is not in
   * Continuous mode or the caller may not read events.
   */
  listEvents(clusterName: string, query?: EventQuery): Promise<ClusterEvent[]>;
  /** One event with its failure message (`DescribeClusterEvent`). Same errors as `listEvents`. */
  describeEvent(clusterName: string, eventId: string): Promise<ClusterEvent>;
  /** The tags of a cluster, by its ARN (`ListTags`, every page). Throws `ClusterMissingError`. */
  listTags(clusterName: string, clusterArn: string): Promise<Record<string, string>>;
}

/** Options of `SageMakerHyperPodApi`. */
export interface SageMakerHyperPodApiOptions {
  /**
   * Aborts every call in flight when it fires (the Lambda entry fires it shortly before the
   * function would time out, so that the handler can still answer).
   * @default - calls are not aborted
   */
  readonly abortSignal?: AbortSignal;
}

function isResourceNotFound(err: unknown): boolean {
  // Match on the name: unmodeled errors arrive as the base exception class.
  return (err as { name?: unknown } | null)?.name === 'ResourceNotFound';
}

function eventsUnavailable(err: unknown): string | undefined {
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'ValidationException' || name === 'AccessDeniedException') {
    return `${name}: ${(err as Error).message}`;
  }
  return undefined;
}

function toNode(summary: ClusterNodeSummary): ClusterNode {
  return {
    group: summary.InstanceGroupName ?? '',
    // Nodes still provisioning have no instance id (the model calls it required).
    instanceId: summary.InstanceId || undefined,
    logicalId: summary.NodeLogicalId || undefined,
    status: summary.InstanceStatus?.Status ?? '',
    message: summary.InstanceStatus?.Message || undefined,
    launchTime: summary.LaunchTime,
    instanceType: summary.InstanceType,
  };
}

function toEvent(summary: ClusterEventSummary): ClusterEvent {
  return {
    id: summary.EventId ?? '',
    time: summary.EventTime,
    level: summary.EventLevel,
    resourceType: summary.ResourceType,
    group: summary.InstanceGroupName || undefined,
    instanceId: summary.InstanceId || undefined,
    description: summary.Description || undefined,
  };
}

/** The failure message of whichever member of the `EventMetadata` union is set. */
export function metadataFailure(metadata: EventMetadata | undefined): string | undefined {
  const m = metadata as Record<string, { FailureMessage?: string } | undefined> | undefined;
  for (const key of ['Instance', 'InstanceGroup', 'InstanceGroupScaling', 'Cluster']) {
    const message = m?.[key]?.FailureMessage;
    if (message) {
      return message;
    }
  }
  return undefined;
}

/** `HyperPodApi` over an SDK v3 `SageMakerClient`. */
export class SageMakerHyperPodApi implements HyperPodApi {
  private readonly sendOptions: { abortSignal?: AbortSignal };

  constructor(private readonly client: SageMakerClient, options: SageMakerHyperPodApiOptions = {}) {
    this.sendOptions = options.abortSignal ? { abortSignal: options.abortSignal } : {};
  }

  public async describeCluster(clusterName: string): Promise<ClusterView | undefined> {
    try {
      const out = await this.client.send(new DescribeClusterCommand({ ClusterName: clusterName }), this.sendOptions);
      return {
        name: out.ClusterName ?? clusterName,
        arn: out.ClusterArn ?? '',
        status: out.ClusterStatus ?? '',
        provisioningMode: out.NodeProvisioningMode,
        failureMessage: out.FailureMessage || undefined,
        groups: (out.InstanceGroups ?? []).map((g) => ({
          name: g.InstanceGroupName ?? '',
          currentCount: g.CurrentCount,
          targetCount: g.TargetCount,
          status: g.Status,
          instanceType: g.InstanceType,
        })),
      };
    } catch (err) {
      if (isResourceNotFound(err)) {
        return undefined;
      }
      throw err;
    }
  }

  public async listNodes(clusterName: string, group?: string): Promise<ClusterNode[]> {
    const nodes: ClusterNode[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(new ListClusterNodesCommand({
          ClusterName: clusterName,
          IncludeNodeLogicalIds: true,
          MaxResults: LIST_PAGE_SIZE,
          NextToken: token,
          ...(group === undefined ? {} : { InstanceGroupNameContains: group }),
        }), this.sendOptions);
        for (const summary of page.ClusterNodeSummaries ?? []) {
          // The server filter is a substring match: `worker` also matches `worker-2`.
          if (group === undefined || summary.InstanceGroupName === group) {
            nodes.push(toNode(summary));
          }
        }
        token = page.NextToken || undefined;
      } while (token);
    } catch (err) {
      throw isResourceNotFound(err) ? new ClusterMissingError(clusterName, err) : err;
    }
    return nodes;
  }

  public async deleteNodes(clusterName: string, batch: DeleteBatch): Promise<BatchDeleteAnswer> {
    try {
      return await this.client.send(new BatchDeleteClusterNodesCommand({ ClusterName: clusterName, [batch.kind]: batch.ids }), this.sendOptions);
    } catch (err) {
      throw isResourceNotFound(err) ? new ClusterMissingError(clusterName, err) : err;
    }
  }

  public async listEvents(clusterName: string, query: EventQuery = {}): Promise<ClusterEvent[]> {
    try {
      const out = await this.client.send(new ListClusterEventsCommand({
        ClusterName: clusterName,
        InstanceGroupName: query.group,
        EventTimeAfter: query.after,
        SortBy: 'EventTime',
        SortOrder: 'Descending',
        MaxResults: query.max ?? 20,
      }), this.sendOptions);
      // The server filter matches the group exactly; filter again in case it ever does not.
      return (out.Events ?? []).map(toEvent).filter((e) => query.group === undefined || e.group === query.group);
    } catch (err) {
      throw this.eventError(clusterName, err);
    }
  }

  public async describeEvent(clusterName: string, eventId: string): Promise<ClusterEvent> {
    try {
      const out = await this.client.send(new DescribeClusterEventCommand({ ClusterName: clusterName, EventId: eventId }), this.sendOptions);
      const detail = out.EventDetails;
      return detail
        ? { ...toEvent(detail), failureMessage: metadataFailure(detail.EventDetails?.EventMetadata) }
        : { id: eventId };
    } catch (err) {
      throw this.eventError(clusterName, err);
    }
  }

  public async listTags(clusterName: string, clusterArn: string): Promise<Record<string, string>> {
    const tags: Record<string, string> = {};
    let token: string | undefined;
    try {
      do {
        const out = await this.client.send(new ListTagsCommand({ ResourceArn: clusterArn, MaxResults: 100, NextToken: token }), this.sendOptions);
        for (const tag of out.Tags ?? []) {
          if (tag.Key !== undefined) {
            tags[tag.Key] = tag.Value ?? '';
          }
        }
        token = out.NextToken || undefined;
      } while (token);
    } catch (err) {
      throw isResourceNotFound(err) ? new ClusterMissingError(clusterName, err) : err;
    }
    return tags;
  }

  private eventError(clusterName: string, err: unknown): Error {
    if (isResourceNotFound(err)) {
      return new ClusterMissingError(clusterName, err);
    }
    const reason = eventsUnavailable(err);
    return reason ? new EventsUnavailableError(reason, err) : err as Error;
  }
}
