/**
 * Reads the `Custom::HyperPodScaleDown` resource properties back into numbers and lists.
 * CloudFormation hands every scalar to the handler as a string.
 */
import { boundedMessage } from '../../contract/problems';
import { DEFAULT_SCALE_DOWN_ORDER, DRIFT_POLICIES, DriftPolicyValue, MAX_INSTANCE_IDS_PER_CALL, SCALE_DOWN_ORDERS, SCALE_DOWN_RESOURCE_TYPE, ScaleDownOrderValue } from '../../contract/scale-down';
import { GroupRequest, PreviousGroup } from '../../domain/intent';
import { asInteger } from '../parse';

/** The parsed resource properties. */
export interface ScaleDownRequestProperties {
  readonly clusterName: string;
  readonly groups: GroupRequest[];
  /** Seconds after the operation started at which `isComplete` stops waiting and fails. */
  readonly timeoutSeconds?: number;
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
    groups.push({
      group: name,
      desiredCount: desiredCount ?? 0,
      chunkSize: chunkSize ?? MAX_INSTANCE_IDS_PER_CALL,
      order: order as ScaleDownOrderValue,
      drift: drift as DriftPolicyValue,
      removeNodeIds: Array.isArray(ids) ? ids.map(String) : [],
      autoscaled: g.Autoscaled === 'true' || g.Autoscaled === true,
    });
  });
  const timeoutSeconds = props.TimeoutSeconds === undefined
    ? undefined
    : asInteger(props.TimeoutSeconds, 'TimeoutSeconds', 1, 24 * 3600, problems);
  if (problems.length > 0) {
    throw new Error(boundedMessage(`invalid ${SCALE_DOWN_RESOURCE_TYPE} properties:`, problems));
  }
  return { clusterName: clusterName as string, groups, timeoutSeconds };
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
