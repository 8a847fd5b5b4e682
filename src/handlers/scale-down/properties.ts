/**
 * Reads the `Custom::HyperPodScaleDown` resource properties back into numbers and lists.
 * CloudFormation hands every scalar to the handler as a string.
 */
import { DEFAULT_DRAIN_TIMEOUT_ACTION, DEFAULT_DRAIN_TIMEOUT_SECONDS, DRAIN_TIMEOUT_ACTIONS, DrainTimeoutActionValue } from '../../contract/drain';
import { boundedMessage } from '../../contract/problems';
import { DEFAULT_SCALE_DOWN_ORDER, DRIFT_POLICIES, DriftPolicyValue, MAX_INSTANCE_IDS_PER_CALL, SCALE_DOWN_ORDERS, SCALE_DOWN_RESOURCE_TYPE, ScaleDownOrderValue } from '../../contract/scale-down';
import { DrainPolicy } from '../../domain/drain';
import { GroupRequest, PreviousGroup } from '../../domain/intent';
import { asInteger } from '../parse';

/** The parsed resource properties. */
export interface ScaleDownRequestProperties {
  readonly clusterName: string;
  readonly groups: GroupRequest[];
  /** Seconds after the operation started at which `isComplete` stops waiting and fails. */
  readonly timeoutSeconds?: number;
  /** The EKS cluster whose Kubernetes API drains nodes; set when any group drains. */
  readonly eksClusterName?: string;
}

/**
 * Parses and checks the resource properties; throws one error listing every problem.
 *
 * @param raw `event.ResourceProperties`
 */
export function parseProperties(raw: Record<string, unknown> | undefined): ScaleDownRequestProperties {
  const problems: string[] = [];
  const props = raw ?? {};
  const clusterName = props.ClusterName;
  if (typeof clusterName !== 'string' || clusterName === '') {
    problems.push(`ClusterName must be a non-empty string, got ${JSON.stringify(clusterName)}`);
  }
  const rawGroups = props.InstanceGroups ?? [];
  if (!Array.isArray(rawGroups)) {
    problems.push(`InstanceGroups must be a list, got ${JSON.stringify(rawGroups)}`);
  }
  const groups: GroupRequest[] = [];
  const names = new Set<string>();
  (Array.isArray(rawGroups) ? rawGroups : []).forEach((entry: Record<string, unknown> | null, i: number) => {
    const g = entry ?? {};
    const name = g.InstanceGroupName;
    const where = `InstanceGroups[${i}]`;
    if (typeof name !== 'string' || name === '') {
      problems.push(`${where}.InstanceGroupName must be a non-empty string, got ${JSON.stringify(name)}`);
      return;
    }
    if (names.has(name)) {
      problems.push(`${where}: instance group "${name}" appears twice`);
    }
    names.add(name);
    const desiredCount = asInteger(g.InstanceCount, `${where}.InstanceCount`, 0, Number.MAX_SAFE_INTEGER, problems);
    const chunkSize = g.ChunkSize === undefined
      ? MAX_INSTANCE_IDS_PER_CALL
      : asInteger(g.ChunkSize, `${where}.ChunkSize`, 1, MAX_INSTANCE_IDS_PER_CALL, problems);
    const order = g.Order ?? DEFAULT_SCALE_DOWN_ORDER;
    if (!SCALE_DOWN_ORDERS.includes(order as ScaleDownOrderValue)) {
      problems.push(`${where}.Order must be one of ${SCALE_DOWN_ORDERS.join(', ')}, got ${JSON.stringify(order)}`);
    }
    const drift = g.Drift ?? 'Refuse';
    if (!DRIFT_POLICIES.includes(drift as DriftPolicyValue)) {
      problems.push(`${where}.Drift must be one of ${DRIFT_POLICIES.join(', ')}, got ${JSON.stringify(drift)}`);
    }
    const ids = g.RemoveNodeIds ?? [];
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) {
      problems.push(`${where}.RemoveNodeIds must be a list of strings, got ${JSON.stringify(ids)}`);
    }
    const drain = readDrain(g, where, problems);
    groups.push({
      group: name,
      desiredCount: desiredCount ?? 0,
      chunkSize: chunkSize ?? MAX_INSTANCE_IDS_PER_CALL,
      order: order as ScaleDownOrderValue,
      drift: drift as DriftPolicyValue,
      removeNodeIds: Array.isArray(ids) ? ids.map(String) : [],
      autoscaled: g.Autoscaled === 'true' || g.Autoscaled === true,
      ...(drain ? { drain } : {}),
    });
  });
  const timeoutSeconds = props.TimeoutSeconds === undefined
    ? undefined
    : asInteger(props.TimeoutSeconds, 'TimeoutSeconds', 1, 24 * 3600, problems);
  const eksClusterName = props.EksClusterName;
  if (eksClusterName !== undefined && (typeof eksClusterName !== 'string' || eksClusterName === '')) {
    problems.push(`EksClusterName must be a non-empty string, got ${JSON.stringify(eksClusterName)}`);
  }
  const draining = groups.filter((g) => g.drain).map((g) => g.group);
  if (draining.length > 0 && eksClusterName === undefined) {
    problems.push(`EksClusterName is required when a group drains (${draining.join(', ')})`);
  }
  if (problems.length > 0) {
    throw new Error(boundedMessage(`invalid ${SCALE_DOWN_RESOURCE_TYPE} properties:`, problems));
  }
  return { clusterName: clusterName as string, groups, timeoutSeconds, ...(typeof eksClusterName === 'string' ? { eksClusterName } : {}) };
}

/** A group's drain settings (`Drain`, `DrainTimeoutSeconds`, `DrainOnTimeout`); `undefined` when it does not drain. */
function readDrain(g: Record<string, unknown>, where: string, problems: string[]): DrainPolicy | undefined {
  if (g.Drain === undefined || g.Drain === 'false' || g.Drain === false) {
    return undefined;
  }
  if (g.Drain !== 'true' && g.Drain !== true) {
    problems.push(`${where}.Drain must be 'true' or 'false', got ${JSON.stringify(g.Drain)}`);
    return undefined;
  }
  const timeoutSeconds = g.DrainTimeoutSeconds === undefined
    ? DEFAULT_DRAIN_TIMEOUT_SECONDS
    : asInteger(g.DrainTimeoutSeconds, `${where}.DrainTimeoutSeconds`, 1, 24 * 3600, problems);
  const onTimeout = g.DrainOnTimeout ?? DEFAULT_DRAIN_TIMEOUT_ACTION;
  if (!DRAIN_TIMEOUT_ACTIONS.includes(onTimeout as DrainTimeoutActionValue)) {
    problems.push(`${where}.DrainOnTimeout must be one of ${DRAIN_TIMEOUT_ACTIONS.join(', ')}, got ${JSON.stringify(onTimeout)}`);
  }
  return { timeoutSeconds: timeoutSeconds ?? DEFAULT_DRAIN_TIMEOUT_SECONDS, onTimeout: onTimeout as DrainTimeoutActionValue };
}

/**
 * Reads `OldResourceProperties` leniently (they were accepted by an earlier deployment, maybe
 * of an older version of this library): each group's `InstanceCount` and `RemoveNodeIds`, by
 * group name. A group whose count cannot be read has none, so nothing is taken from it.
 */
export function readPrevious(raw: Record<string, unknown> | undefined): Map<string, PreviousGroup> {
  const previous = new Map<string, PreviousGroup>();
  const groups = raw?.InstanceGroups;
  for (const entry of Array.isArray(groups) ? groups : []) {
    const g = (entry ?? {}) as Record<string, unknown>;
    if (typeof g.InstanceGroupName !== 'string') {
      continue;
    }
    const count = asInteger(g.InstanceCount, 'InstanceCount', 0, Number.MAX_SAFE_INTEGER, []);
    const ids = Array.isArray(g.RemoveNodeIds) ? g.RemoveNodeIds.filter((id): id is string => typeof id === 'string') : [];
    previous.set(g.InstanceGroupName, { count, removeNodeIds: ids });
  }
  return previous;
}
