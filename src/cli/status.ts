/**
 * `hyperpod-cdk status`: gather a cluster's state through `HyperPodApi` (`gatherStatus`), then
 * render it as text (`formatStatus`) or as a stable JSON document (`statusJson`), both pure.
 */
import { isoTime, jsonTime, oneLine, plural, table } from './text';
import { countByStatus, formatCounts, NODE_STATUSES } from '../domain/capacity';
import { ClusterNode, nodeKey } from '../domain/plan';
import { ClusterEvent, ClusterMissingError, ClusterView, EventsUnavailableError, HyperPodApi } from '../domain/sagemaker';

/** Nodes that are not Running shown in the text form (JSON has all of them). */
export const MAX_ATTENTION_LINES = 10;
/** At most this many shown events of level Error or Warn get their failure message (DescribeClusterEvent). */
export const MAX_DESCRIBED_EVENTS = 10;

/** One instance group: DescribeCluster's counts and the nodes ListClusterNodes lists. */
export interface GroupStatus {
  readonly name: string;
  readonly instanceType?: string;
  /** `InstanceGroupStatus`; undefined for a group seen only in the node listing. */
  readonly status?: string;
  readonly targetCount?: number;
  readonly currentCount?: number;
  /** Nodes listed, any status (nodes still provisioning included). */
  readonly nodes: number;
  /** Count per node status: every known status (0 when none), then any other status seen. */
  readonly byStatus: Record<string, number>;
}

/** Everything `status` shows. */
export interface StatusModel {
  readonly region?: string;
  readonly cluster: Omit<ClusterView, 'groups'>;
  readonly groups: GroupStatus[];
  /** Nodes that are not Running, most urgent first. */
  readonly attention: ClusterNode[];
  /** Most recent first; undefined when not asked for (`--events 0`) or unavailable. */
  readonly events?: ClusterEvent[];
  /** Why the events could not be read. */
  readonly eventsUnavailable?: string;
  /** Why failure messages of events could not be read. */
  readonly eventDetailsUnavailable?: string;
}

/** Rank of a status among the nodes needing attention: failures first, nodes going away last. */
function attentionRank(status: string): number {
  const order = ['Failure', 'NotFound', '', 'Pending', 'DeepHealthCheckInProgress', 'SystemUpdating', 'ShuttingDown'];
  const i = order.indexOf(status);
  return i < 0 ? order.indexOf('') : i; // unknown statuses right after the failures
}

function byAttention(a: ClusterNode, b: ClusterNode): number {
  return attentionRank(a.status) - attentionRank(b.status)
    || a.group.localeCompare(b.group)
    || nodeKey(a).localeCompare(nodeKey(b));
}

function groupStatus(name: string, view: ClusterView['groups'][number] | undefined, nodes: readonly ClusterNode[]): GroupStatus {
  const counted = countByStatus(nodes);
  const byStatus: Record<string, number> = {};
  for (const status of NODE_STATUSES) {
    byStatus[status] = counted[status] ?? 0;
  }
  Object.assign(byStatus, counted);
  return {
    name,
    instanceType: view?.instanceType,
    status: view?.status,
    targetCount: view?.targetCount,
    currentCount: view?.currentCount,
    nodes: nodes.length,
    byStatus,
  };
}

/** Adds DescribeClusterEvent's failure message to the Error and Warn events among `events`. */
async function describeEvents(api: HyperPodApi, clusterName: string, events: ClusterEvent[]):
Promise<{ events: ClusterEvent[]; unavailable?: string }> {
  const described = [...events];
  let budget = MAX_DESCRIBED_EVENTS;
  for (const [i, event] of events.entries()) {
    if (budget === 0 || (event.level !== 'Error' && event.level !== 'Warn') || !event.id) {
      continue;
    }
    budget--;
    try {
      const detail = await api.describeEvent(clusterName, event.id);
      described[i] = { ...event, failureMessage: detail.failureMessage };
    } catch (err) {
      if (err instanceof EventsUnavailableError) {
        return { events: described, unavailable: err.reason };
      }
      throw err;
    }
  }
  return { events: described };
}

/**
 * Reads the cluster (DescribeCluster), all its nodes (ListClusterNodes), the `events` most
 * recent events (ListClusterEvents) and the failure messages of the Error and Warn ones
 * among them (DescribeClusterEvent). Throws `ClusterMissingError`; events that cannot be
 * read are noted in the model, not thrown.
 */
export async function gatherStatus(api: HyperPodApi, clusterName: string, options: { events: number; region?: string }): Promise<StatusModel> {
  const view = await api.describeCluster(clusterName);
  if (!view) {
    throw new ClusterMissingError(clusterName);
  }
  const nodes = await api.listNodes(clusterName);
  const names = [...view.groups.map((g) => g.name)];
  for (const node of nodes) {
    if (!names.includes(node.group)) {
      names.push(node.group); // a group being removed may still list nodes
    }
  }
  const groups = names.map((name) => groupStatus(name, view.groups.find((g) => g.name === name), nodes.filter((n) => n.group === name)));
  const attention = nodes.filter((n) => n.status !== 'Running').sort(byAttention);
  const { name, arn, status, provisioningMode, failureMessage } = view;
  const cluster = { name, arn, status, provisioningMode, failureMessage };

  let events: ClusterEvent[] | undefined;
  let eventsUnavailable: string | undefined;
  let eventDetailsUnavailable: string | undefined;
  if (options.events > 0) {
    try {
      const listed = await api.listEvents(clusterName, { max: options.events });
      ({ events, unavailable: eventDetailsUnavailable } = await describeEvents(api, clusterName, listed));
    } catch (err) {
      if (!(err instanceof EventsUnavailableError)) {
        throw err;
      }
      eventsUnavailable = err.reason;
    }
  }
  return { region: options.region, cluster, groups, attention, events, eventsUnavailable, eventDetailsUnavailable };
}

/** What to do about events that cannot be read, from the error name in the reason. */
export function eventsHint(reason: string, action = 'ListClusterEvents'): string {
  if (reason.startsWith('AccessDeniedException')) {
    return `allow sagemaker:${action} to see them`;
  }
  if (reason.startsWith('ValidationException')) {
    return 'cluster events exist only for clusters with NodeProvisioningMode Continuous';
  }
  return 'try again later';
}

function resource(event: ClusterEvent): string {
  if (event.resourceType === 'Instance') {
    return [event.group, event.instanceId].filter(Boolean).join('/') || 'instance';
  }
  if (event.resourceType === 'InstanceGroup') {
    return event.group ?? 'instance group';
  }
  return event.resourceType === 'Cluster' ? 'cluster' : event.group ?? event.resourceType ?? '-';
}

function eventText(event: ClusterEvent): string {
  const parts = [event.description, event.failureMessage].filter((p): p is string => !!p);
  // Do not repeat a failure message the description already holds.
  const unique = parts.filter((p, i) => i === 0 || !parts[0].includes(p));
  return oneLine(unique.join(': ') || '(no description)');
}

function count(n: number | undefined): string {
  return n === undefined ? '-' : String(n);
}

/** The text form: header, groups table, nodes needing attention, recent events. */
export function formatStatus(model: StatusModel): string {
  const c = model.cluster;
  const lines = [
    `Cluster ${c.name}${model.region ? ` (${model.region})` : ''}`,
    `  ARN:               ${c.arn || '-'}`,
    `  status:            ${c.status || '-'}`,
    `  provisioning mode: ${c.provisioningMode ?? 'default (not Continuous)'}`,
  ];
  if (c.failureMessage) {
    lines.push(`  failure message:   ${oneLine(c.failureMessage)}`);
  }
  lines.push('');

  if (model.groups.length === 0) {
    lines.push('Instance groups: none');
  } else {
    lines.push('Instance groups:');
    lines.push(...table(
      [{ header: 'GROUP' }, { header: 'TYPE' }, { header: 'STATUS' }, { header: 'TARGET', align: 'right' },
        { header: 'CURRENT', align: 'right' }, { header: 'NODES', align: 'right' }, { header: 'BY STATUS' }],
      model.groups.map((g) => [g.name, g.instanceType ?? '-', g.status ?? '-', count(g.targetCount), count(g.currentCount),
        String(g.nodes), formatCounts(Object.fromEntries(Object.entries(g.byStatus).filter(([, n]) => n > 0)))]),
    ));
  }
  lines.push('');

  if (model.attention.length === 0) {
    lines.push('Nodes not Running: none');
  } else {
    lines.push(`Nodes not Running: ${model.attention.length}`);
    const shown = model.attention.slice(0, MAX_ATTENTION_LINES);
    lines.push(...table(
      [{ header: 'GROUP' }, { header: 'NODE' }, { header: 'STATUS' }, { header: 'LAUNCHED' }, { header: 'MESSAGE' }],
      shown.map((n) => [n.group, nodeKey(n) || '-', n.status || '-', isoTime(n.launchTime), n.message ? oneLine(n.message) : '-']),
    ));
    if (model.attention.length > shown.length) {
      lines.push(`  ... and ${plural(model.attention.length - shown.length, 'more node')} (--json lists all)`);
    }
  }
  lines.push('');

  if (model.eventsUnavailable !== undefined) {
    lines.push(`Recent events: not available (${model.eventsUnavailable}); ${eventsHint(model.eventsUnavailable)}`);
  } else if (model.events === undefined) {
    lines.push('Recent events: not requested (--events 0)');
  } else if (model.events.length === 0) {
    lines.push('Recent events: none');
  } else {
    lines.push(`Recent events (newest first, ${model.events.length}):`);
    lines.push(...table(
      [{ header: 'TIME' }, { header: 'LEVEL' }, { header: 'RESOURCE' }, { header: 'DESCRIPTION' }],
      model.events.map((e) => [isoTime(e.time), e.level ?? '-', resource(e), eventText(e)]),
    ));
    if (model.eventDetailsUnavailable !== undefined) {
      lines.push(`  (failure messages of events not shown: ${model.eventDetailsUnavailable}; ` +
        `${eventsHint(model.eventDetailsUnavailable, 'DescribeClusterEvent')})`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The `--json` document of `status`; README "Command-line tool" documents this shape. */
export interface StatusJson {
  readonly cluster: {
    readonly name: string;
    readonly arn: string;
    readonly status: string;
    readonly provisioningMode: string | null;
    readonly failureMessage: string | null;
    readonly region: string | null;
  };
  readonly groups: Array<{
    readonly name: string;
    readonly instanceType: string | null;
    readonly status: string | null;
    readonly targetCount: number | null;
    readonly currentCount: number | null;
    readonly nodes: number;
    readonly byStatus: Record<string, number>;
  }>;
  readonly nodesNotRunning: Array<{
    readonly group: string;
    readonly instanceId: string | null;
    readonly logicalId: string | null;
    readonly status: string;
    readonly message: string | null;
    readonly launchTime: string | null;
  }>;
  readonly events: Array<{
    readonly id: string;
    readonly time: string | null;
    readonly level: string | null;
    readonly resourceType: string | null;
    readonly group: string | null;
    readonly instanceId: string | null;
    readonly description: string | null;
    readonly failureMessage: string | null;
  }> | null;
  readonly eventsUnavailable: string | null;
  readonly eventDetailsUnavailable: string | null;
}

/** The JSON form: every field present (null when unknown), times as ISO strings. */
export function statusJson(model: StatusModel): StatusJson {
  const c = model.cluster;
  return {
    cluster: {
      name: c.name,
      arn: c.arn,
      status: c.status,
      provisioningMode: c.provisioningMode ?? null,
      failureMessage: c.failureMessage ?? null,
      region: model.region ?? null,
    },
    groups: model.groups.map((g) => ({
      name: g.name,
      instanceType: g.instanceType ?? null,
      status: g.status ?? null,
      targetCount: g.targetCount ?? null,
      currentCount: g.currentCount ?? null,
      nodes: g.nodes,
      byStatus: g.byStatus,
    })),
    nodesNotRunning: model.attention.map((n) => ({
      group: n.group,
      instanceId: n.instanceId ?? null,
      logicalId: n.logicalId ?? null,
      status: n.status,
      message: n.message ?? null,
      launchTime: jsonTime(n.launchTime),
    })),
    events: model.events?.map((e) => ({
      id: e.id,
      time: jsonTime(e.time),
      level: e.level ?? null,
      resourceType: e.resourceType ?? null,
      group: e.group ?? null,
      instanceId: e.instanceId ?? null,
      description: e.description ?? null,
      failureMessage: e.failureMessage ?? null,
    })) ?? null,
    eventsUnavailable: model.eventsUnavailable ?? null,
    eventDetailsUnavailable: model.eventDetailsUnavailable ?? null,
  };
}
