/**
 * The `Custom::HyperPodCapacity` handlers, run by the same Provider and Lambda functions as
 * targeted scale-down: `onEvent` records when the wait began, `isComplete` polls until the
 * group has the Running nodes it asks for, or fails with a message a person can act on.
 * Stateless between polls: failures are counted from the cluster's events since the wait began.
 */
import { asInteger } from './parse';
import { defaultLog, HandlerContext, HandlerRequest, IsCompleteResult, OnEventResult } from './request';
import { STARTED_AT_KEY } from './response';
import { CAPACITY_RESOURCE_TYPE, DEFAULT_MAX_FAILURES } from '../contract/capacity';
import { boundedMessage } from '../contract/problems';
import { assess, CapacityRequest, EventLine, failureMessage, formatCounts } from '../domain/capacity';
import { ClusterEvent, EventsUnavailableError, HyperPodApi } from '../domain/sagemaker';

/** Parses and checks the properties; throws one error listing every problem. */
export function parseCapacityProperties(raw: Record<string, unknown> | undefined): CapacityRequest {
  const props = raw ?? {};
  const problems: string[] = [];
  for (const key of ['ClusterName', 'InstanceGroupName']) {
    if (typeof props[key] !== 'string' || props[key] === '') {
      problems.push(`${key} must be a non-empty string, got ${JSON.stringify(props[key])}`);
    }
  }
  const request: CapacityRequest = {
    clusterName: String(props.ClusterName ?? ''),
    group: String(props.InstanceGroupName ?? ''),
    runningNodes: asInteger(props.RunningNodes, 'RunningNodes', 1, Number.MAX_SAFE_INTEGER, problems) ?? 1,
    timeoutSeconds: asInteger(props.TimeoutSeconds, 'TimeoutSeconds', 1, 24 * 3600, problems) ?? 1,
    maxFailures: asInteger(props.MaxFailures ?? DEFAULT_MAX_FAILURES, 'MaxFailures', 0, Number.MAX_SAFE_INTEGER, problems) ?? DEFAULT_MAX_FAILURES,
  };
  if (problems.length > 0) {
    throw new Error(boundedMessage(`invalid ${CAPACITY_RESOURCE_TYPE} properties:`, problems));
  }
  return request;
}

/** `Data` key of the group's Running nodes when the wait ended. */
export const RUNNING_KEY = 'Running';

/** Events a poll reads (one ListClusterEvents call). */
const EVENTS_PER_POLL = 100;
/** Events described (DescribeClusterEvent) for the failure message. */
const EVENTS_DESCRIBED = 3;

function physicalId(request: CapacityRequest): string {
  return `${request.clusterName}/${request.group}/capacity`;
}

/** `Create`/`Update`: note the start time (waiting happens in `isComplete`); `Delete`: nothing. */
export async function onCapacityEvent(event: HandlerRequest, ctx: HandlerContext): Promise<OnEventResult> {
  const log = ctx.log ?? defaultLog;
  if (event.RequestType === 'Delete') {
    log({ level: 'info', msg: 'delete: nothing to do', physicalResourceId: event.PhysicalResourceId });
    return { PhysicalResourceId: event.PhysicalResourceId ?? 'capacity' };
  }
  const request = parseCapacityProperties(event.ResourceProperties);
  const startedAt = new Date((ctx.now ?? Date.now)()).toISOString();
  log({ level: 'info', msg: 'waiting for capacity', cluster: request.clusterName, group: request.group, want: request.runningNodes, startedAt });
  return { PhysicalResourceId: physicalId(request), Data: { [STARTED_AT_KEY]: startedAt } };
}

interface Events {
  readonly errors?: number;
  readonly recent: ClusterEvent[];
  readonly unavailable?: string;
}

async function readEvents(api: HyperPodApi, request: CapacityRequest, after: Date | undefined): Promise<Events> {
  try {
    const events = await api.listEvents(request.clusterName, { group: request.group, after, max: EVENTS_PER_POLL });
    return { errors: events.filter((e) => e.level === 'Error').length, recent: events };
  } catch (err) {
    if (err instanceof EventsUnavailableError) {
      return { recent: [], unavailable: err.reason };
    }
    throw err;
  }
}

/** The events worth showing (errors and warnings first, newest first), with their failure messages. */
async function describeRecent(api: HyperPodApi, clusterName: string, events: readonly ClusterEvent[]): Promise<EventLine[]> {
  const rank = (e: ClusterEvent) => (e.level === 'Error' ? 0 : e.level === 'Warn' ? 1 : 2);
  const picked = [...events].sort((a, b) => rank(a) - rank(b)).slice(0, EVENTS_DESCRIBED);
  const lines: EventLine[] = [];
  for (const event of picked) {
    let detail: ClusterEvent = event;
    try {
      detail = { ...event, ...(await api.describeEvent(clusterName, event.id)) };
    } catch {
      // the summary's description is still worth showing
    }
    lines.push({
      time: detail.time,
      level: detail.level,
      resourceType: detail.resourceType,
      resource: detail.instanceId ?? detail.group,
      description: detail.description,
      failureMessage: detail.failureMessage,
    });
  }
  return lines;
}

/** One poll: complete when enough nodes are Running; throws with the group's state on timeout or repeated failures. */
export async function isCapacityComplete(event: HandlerRequest, ctx: HandlerContext): Promise<IsCompleteResult> {
  const log = ctx.log ?? defaultLog;
  if (event.RequestType === 'Delete') {
    return { IsComplete: true };
  }
  const request = parseCapacityProperties(event.ResourceProperties);
  const { api } = ctx;
  const cluster = await api.describeCluster(request.clusterName);
  if (!cluster) {
    throw new Error(`HyperPod cluster "${request.clusterName}" does not exist, so instance group "${request.group}" cannot get capacity`);
  }
  const group = cluster.groups.find((g) => g.name === request.group);
  if (!group) {
    throw new Error(`instance group "${request.group}" is not in HyperPod cluster "${request.clusterName}" `
      + `(groups: ${cluster.groups.map((g) => g.name).join(', ') || 'none'})`);
  }
  const nodes = await api.listNodes(request.clusterName, request.group);
  const started = Date.parse(String(event.Data?.[STARTED_AT_KEY] ?? ''));
  const startedAt = Number.isNaN(started) ? undefined : new Date(started);
  const now = (ctx.now ?? Date.now)();
  const events = await readEvents(api, request, startedAt);
  const observation = {
    request,
    nodes,
    targetCount: group.targetCount,
    currentCount: group.currentCount,
    errorEvents: events.errors,
    elapsedSeconds: startedAt ? Math.max(0, (now - started) / 1000) : 0,
  };
  const assessment = assess(observation);
  log({
    level: assessment.verdict === 'wait' || assessment.verdict === 'done' ? 'info' : 'error',
    msg: 'capacity',
    cluster: request.clusterName,
    group: request.group,
    want: request.runningNodes,
    running: assessment.running,
    targetCount: group.targetCount,
    currentCount: group.currentCount,
    byStatus: formatCounts(assessment.counts),
    failures: assessment.failures,
    elapsedSeconds: Math.round(observation.elapsedSeconds),
    verdict: assessment.verdict,
  });
  if (assessment.verdict === 'done') {
    return { IsComplete: true, Data: { [RUNNING_KEY]: String(assessment.running) } };
  }
  if (assessment.verdict === 'wait') {
    return { IsComplete: false };
  }
  const message = failureMessage({
    observation,
    assessment,
    clusterArn: cluster.arn,
    events: await describeRecent(api, request.clusterName, events.recent),
    eventsUnavailable: events.unavailable,
  });
  log({ level: 'error', msg: 'capacity wait failed', cluster: request.clusterName, group: request.group, message });
  throw new Error(message);
}
