/**
 * `hyperpod-cdk plan`: which nodes targeted scale-down would remove, gathered by the
 * custom resource's own first-pass survey (`survey.ts`) without deleting, then
 * rendered as text (`formatPlan`) or JSON (`planJson`), both pure.
 */
import { CliError } from './errors';
import { isoTime, jsonTime, oneLine, plural, table } from './text';
import { chunk, Choice, ClusterNode, DeleteBatch, nodeKey } from '../private/scale-down/plan';
import { ClusterMissingError, HyperPodApi } from '../private/scale-down/sagemaker';
import { survey } from '../private/scale-down/survey';
import { ScaleDownOrderValue } from '../private/scale-down/types';

/** What `plan` asks for (the construct's `instanceCount` and `scaleDown` options of one group). */
export interface PlanRequest {
  readonly cluster: string;
  readonly group: string;
  readonly count: number;
  readonly remove: readonly string[];
  readonly order: ScaleDownOrderValue;
  readonly chunkSize: number;
}

/** Everything `plan` shows. */
export interface PlanModel {
  readonly region?: string;
  readonly request: PlanRequest;
  readonly targetCount?: number;
  readonly currentCount?: number;
  /** The planner's decision; `errors` are what would fail the deployment. */
  readonly choice: Choice;
  /** The BatchDeleteClusterNodes calls a deployment would make, in order. */
  readonly batches: DeleteBatch[];
  /** Things worth knowing that are not errors. */
  readonly notes: string[];
}

/** Ids shown per batch in the text form. */
const IDS_SHOWN_PER_BATCH = 4;

/** Error for a group the cluster does not have, listing those it has. */
export function groupMissing(cluster: string, group: string, groups: readonly string[]): CliError {
  const known = groups.length > 0 ? `its groups are: ${groups.join(', ')}` : 'it has no instance groups';
  return new CliError(`instance group "${group}" not found in cluster "${cluster}" (${known}); --group takes the exact name`);
}

/**
 * Surveys the group exactly as the handler's first pass does (`survey`: describe, list, look
 * listed ids up in the whole cluster when needed, choose), then splits the choice into the
 * handler's batches. Deletes nothing. Throws `ClusterMissingError` and, for a group
 * the cluster does not have, a `CliError`.
 */
export async function gatherPlan(api: HyperPodApi, request: PlanRequest, region?: string): Promise<PlanModel> {
  const { cluster, group } = request;
  const found = await survey(api, cluster, [{ group, desiredCount: request.count, removeNodeIds: request.remove, order: request.order }], true);
  if (!found) {
    throw new ClusterMissingError(cluster);
  }
  if (found.groups.length === 0) {
    throw groupMissing(cluster, group, found.groupNames);
  }
  const [{ counts: groupView, choice }] = found.groups;
  const batches = chunk(choice.chosen, request.chunkSize);
  const notes: string[] = [];
  const target = groupView.targetCount;
  if (choice.errors.length === 0 && target !== undefined && target - choice.chosen.length > request.count) {
    notes.push(`TargetCount is ${target}, above the ${choice.existing} node(s) listed: after the removals it stays above ${request.count} ` +
      'until the cluster update lowers it, and SageMaker cancels the launches it no longer needs (not chosen by this plan)');
  }
  return { region, request, targetCount: target, currentCount: groupView.currentCount, choice, batches, notes };
}

function idsOf(batch: DeleteBatch): string {
  if (batch.ids.length <= IDS_SHOWN_PER_BATCH) {
    return batch.ids.join(', ');
  }
  return `${batch.ids.slice(0, IDS_SHOWN_PER_BATCH - 1).join(', ')}, ... ${batch.ids[batch.ids.length - 1]}`;
}

function count(n: number | undefined): string {
  return n === undefined ? '?' : String(n);
}

/** The deployment's error, as the custom resource would report it. */
export function planErrorMessage(model: PlanModel): string {
  return [`cannot scale down cluster "${model.request.cluster}":`, ...model.choice.errors.map((e) => `  - ${e}`)].join('\n');
}

/** The text form: the group now, the nodes that would go (with reasons), the delete calls. */
export function formatPlan(model: PlanModel): string {
  const { request: r, choice } = model;
  const lines = [
    `Scale-down plan for instance group "${r.group}" of cluster "${r.cluster}"${model.region ? ` (${model.region})` : ''}: keep ${plural(r.count, 'node')}`,
    `  nodes now: ${choice.existing}${choice.shuttingDown > 0 ? ` (and ${choice.shuttingDown} shutting down, not counted)` : ''}; ` +
      `TargetCount ${count(model.targetCount)}, CurrentCount ${count(model.currentCount)}`,
    `  order:     ${r.remove.length > 0 ? `listed ids (${r.remove.join(', ')}), then ` : ''}` +
      `nodes not serving (Failure, NotFound, Pending, DeepHealthCheckInProgress), then ${r.order}`,
    `  calls:     at most ${r.chunkSize} instance ids (or 50 logical ids) per BatchDeleteClusterNodes call`,
    '',
  ];
  if (choice.errors.length > 0) {
    lines.push('A deployment with this policy would fail before removing anything:');
    lines.push(...choice.errors.map((e) => `  - ${e}`));
  } else if (choice.chosen.length === 0) {
    lines.push(`Nothing would be removed: the group has ${plural(choice.existing, 'node')} (not counting nodes shutting down), ` +
      `not more than ${r.count}.`);
  } else {
    lines.push(`Would remove ${plural(choice.chosen.length, 'node')} (surplus ${choice.surplus}), in this order:`);
    const withMessage = choice.chosen.some((n) => n.message);
    lines.push(...table(
      [{ header: '#', align: 'right' }, { header: 'NODE' }, { header: 'STATUS' }, { header: 'LAUNCHED' }, { header: 'REASON' },
        ...(withMessage ? [{ header: 'MESSAGE' }] : [])],
      choice.chosen.map((n, i) => [String(i + 1), nodeKey(n), n.status || '-', isoTime(n.launchTime), n.reason,
        ...(withMessage ? [n.message ? oneLine(n.message, 120) : '-'] : [])]),
    ));
    lines.push('');
    lines.push(`In ${plural(model.batches.length, 'BatchDeleteClusterNodes call')}:`);
    model.batches.forEach((b, i) => lines.push(`  ${i + 1}. ${b.kind}, ${plural(b.ids.length, 'id')}: ${idsOf(b)}`));
  }
  if (choice.listedGone.length > 0) {
    lines.push('', `Listed ids taken as already gone (shutting down, or not in the group): ${choice.listedGone.join(', ')}`);
  }
  for (const note of model.notes) {
    lines.push('', `Note: ${note}`);
  }
  lines.push('', 'Nothing was changed. A deployment that sets this instanceCount and these scaleDown options would do the above.');
  return `${lines.join('\n')}\n`;
}

/** One node of the `--json` document. */
export interface PlanNodeJson {
  readonly instanceId: string | null;
  readonly logicalId: string | null;
  readonly status: string;
  readonly message: string | null;
  readonly launchTime: string | null;
  readonly reason: string;
}

/** The `--json` document of `plan`; README "Command-line tool" documents this shape. */
export interface PlanJson {
  readonly cluster: string;
  readonly region: string | null;
  readonly group: string;
  readonly count: number;
  readonly removeNodeIds: string[];
  readonly order: ScaleDownOrderValue;
  readonly chunkSize: number;
  readonly targetCount: number | null;
  readonly currentCount: number | null;
  /** Nodes of the group not shutting down. */
  readonly existing: number;
  readonly shuttingDown: number;
  readonly surplus: number;
  readonly remove: PlanNodeJson[];
  readonly batches: Array<{ readonly kind: DeleteBatch['kind']; readonly ids: string[] }>;
  readonly listedGone: string[];
  /** Non-empty: a deployment would fail with these, removing nothing. */
  readonly errors: string[];
  readonly notes: string[];
}

function nodeJson(n: ClusterNode & { reason: string }): PlanNodeJson {
  return {
    instanceId: n.instanceId ?? null,
    logicalId: n.logicalId ?? null,
    status: n.status,
    message: n.message ?? null,
    launchTime: jsonTime(n.launchTime),
    reason: n.reason,
  };
}

/** The JSON form: every field present (null when unknown). */
export function planJson(model: PlanModel): PlanJson {
  const { request: r, choice } = model;
  return {
    cluster: r.cluster,
    region: model.region ?? null,
    group: r.group,
    count: r.count,
    removeNodeIds: [...r.remove],
    order: r.order,
    chunkSize: r.chunkSize,
    targetCount: model.targetCount ?? null,
    currentCount: model.currentCount ?? null,
    existing: choice.existing,
    shuttingDown: choice.shuttingDown,
    surplus: choice.surplus,
    remove: choice.chosen.map(nodeJson),
    batches: model.batches.map((b) => ({ kind: b.kind, ids: [...b.ids] })),
    listedGone: [...choice.listedGone],
    errors: [...choice.errors],
    notes: [...model.notes],
  };
}
