/**
 * Pure logic of the wait for capacity: parse the `Custom::HyperPodCapacity` properties, count
 * a group's nodes by status, decide whether to wait on, and write the failure message a person
 * can act on (counts, node failures, recent events, where the lifecycle script logs are),
 * bounded for CloudFormation's status reason.
 */
import { ClusterNode } from './plan';
import { boundedMessage, MESSAGE_BUDGET_CHARS } from '../contract/problems';

/** Node statuses in the order they are shown. */
export const NODE_STATUSES: readonly string[] = [
  'Running', 'Pending', 'DeepHealthCheckInProgress', 'SystemUpdating', 'Failure', 'ShuttingDown', 'NotFound',
];

/** The parsed `Custom::HyperPodCapacity` properties. */
export interface CapacityRequest {
  readonly clusterName: string;
  readonly group: string;
  readonly runningNodes: number;
  readonly timeoutSeconds: number;
  /** 0: never fail early. */
  readonly maxFailures: number;
}

/** Node counts by status, in `NODE_STATUSES` order first, then any other status. */
export function countByStatus(nodes: readonly ClusterNode[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const status of NODE_STATUSES) {
    const n = nodes.filter((node) => node.status === status).length;
    if (n > 0) {
      counts[status] = n;
    }
  }
  for (const node of nodes) {
    if (!NODE_STATUSES.includes(node.status)) {
      counts[node.status || 'Unknown'] = (counts[node.status || 'Unknown'] ?? 0) + 1;
    }
  }
  return counts;
}

/** `Running 1, Pending 1` (or `no nodes`). */
export function formatCounts(counts: Record<string, number>): string {
  const parts = Object.entries(counts).map(([status, n]) => `${status} ${n}`);
  return parts.length > 0 ? parts.join(', ') : 'no nodes';
}

/** One cluster event as the message shows it. */
export interface EventLine {
  readonly time?: Date;
  readonly level?: string;
  readonly resourceType?: string;
  /** Instance id, or the group name. */
  readonly resource?: string;
  readonly description?: string;
  readonly failureMessage?: string;
}

/** What `assess` needs about the group at one poll. */
export interface CapacityObservation {
  readonly request: CapacityRequest;
  readonly nodes: readonly ClusterNode[];
  readonly targetCount?: number;
  readonly currentCount?: number;
  /** Error events of the group since the wait began; undefined when events are unavailable. */
  readonly errorEvents?: number;
  readonly elapsedSeconds: number;
}

/** The decision of one poll. */
export interface Assessment {
  readonly running: number;
  readonly counts: Record<string, number>;
  /** Failed launches counted: error events, or nodes in `Failure` when events are unavailable. */
  readonly failures: number;
  /** `done`, `wait`, `timeout` or `failing`. */
  readonly verdict: 'done' | 'wait' | 'timeout' | 'failing';
}

/** Done when enough nodes run; else gives up on timeout or too many failures; else waits. */
export function assess(o: CapacityObservation): Assessment {
  const counts = countByStatus(o.nodes);
  const running = counts.Running ?? 0;
  const failures = o.errorEvents ?? (counts.Failure ?? 0);
  let verdict: Assessment['verdict'] = 'wait';
  if (running >= o.request.runningNodes) {
    verdict = 'done';
  } else if (o.elapsedSeconds >= o.request.timeoutSeconds) {
    verdict = 'timeout';
  } else if (o.request.maxFailures > 0 && failures >= o.request.maxFailures) {
    verdict = 'failing';
  }
  return { running, counts, failures, verdict };
}

/**
 * The CloudWatch log group of a cluster's lifecycle script output:
 * `/aws/sagemaker/Clusters/<name>/<id>`, the id being the last part of the cluster ARN.
 */
export function lifecycleLogGroup(clusterName: string, clusterArn: string): string {
  const id = clusterArn.split('/').pop() || '<cluster-id>';
  return `/aws/sagemaker/Clusters/${clusterName}/${id}`;
}

/** What goes into the failure message besides the assessment. */
export interface FailureContext {
  readonly observation: CapacityObservation;
  readonly assessment: Assessment;
  readonly clusterArn: string;
  /** Most recent first; a few are shown. */
  readonly events: readonly EventLine[];
  /** Why events are missing, when they are. */
  readonly eventsUnavailable?: string;
}

const MAX_NODE_LINES = 3;
const MAX_EVENT_LINES = 3;

function cut(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}

function eventLine(e: EventLine, max: number): string {
  const when = e.time && !Number.isNaN(e.time.getTime()) ? e.time.toISOString().replace(/\.\d{3}Z$/, 'Z') : '?';
  const what = [e.description, e.failureMessage].filter(Boolean).join(': ') || 'no description';
  return cut(`${when} ${e.level ?? '?'} ${e.resourceType ?? '?'} ${e.resource ?? ''}: ${what}`, max);
}

/**
 * The deployment's failure message: what happened, the counts, where the logs are, then the
 * nodes' and events' failure messages, newest first, until `maxChars`.
 */
export function failureMessage(ctx: FailureContext, maxChars = MESSAGE_BUDGET_CHARS): string {
  const { request } = ctx.observation;
  const { running, counts, failures, verdict } = ctx.assessment;
  const minutes = (ctx.observation.elapsedSeconds / 60).toFixed(1);
  const why = verdict === 'timeout'
    ? `timed out after ${minutes} min`
    : `gave up after ${minutes} min: ${failures} failed launch(es) since the wait began (limit ${request.maxFailures})`;
  const lineMax = Math.floor(maxChars / 4);
  const logGroup = lifecycleLogGroup(request.clusterName, ctx.clusterArn);
  const lines = [
    `instance group "${request.group}" of HyperPod cluster "${request.clusterName}" has ${running} of ${request.runningNodes} `
      + `Running node(s) wanted (${why})`,
    `counts: target ${ctx.observation.targetCount ?? '?'}, current ${ctx.observation.currentCount ?? '?'}; ${formatCounts(counts)}`,
    `lifecycle script output: CloudWatch log group ${logGroup}, log streams LifecycleConfig/${request.group}/<instance-id>`,
  ];
  const troubled = ctx.observation.nodes.filter((n) => n.status !== 'Running' && n.message);
  for (const node of troubled.slice(0, MAX_NODE_LINES)) {
    lines.push(cut(`node ${node.instanceId ?? node.logicalId ?? '?'} (${node.status}): ${node.message}`, lineMax));
  }
  if (troubled.length > MAX_NODE_LINES) {
    lines.push(`... ${troubled.length - MAX_NODE_LINES} more node(s) with messages`);
  }
  if (ctx.eventsUnavailable) {
    lines.push(cut(`cluster events unavailable (${ctx.eventsUnavailable})`, lineMax));
  }
  for (const event of ctx.events.slice(0, MAX_EVENT_LINES)) {
    lines.push(`event ${eventLine(event, lineMax)}`);
  }
  return boundedMessage(lines[0], lines.slice(1), maxChars);
}
