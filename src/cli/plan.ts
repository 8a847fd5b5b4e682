/**
 * `hyperpod-cdk plan`: which nodes targeted scale-down would remove, decided by the custom
 * resource's own code (`intent.ts` for drift and budget, `survey.ts` for listing and
 * choosing) without deleting, then rendered as text (`formatPlan`) or JSON (`planJson`).
 */
import { CliError } from './errors';
import { isoTime, jsonTime, oneLine, plural, table } from './text';
import { DriftPolicyValue, ScaleDownOrderValue } from '../contract/scale-down';
import { asksForRemoval, readIntents } from '../domain/intent';
import { chunk, Choice, ClusterNode, DeleteBatch, nodeKey } from '../domain/plan';
import { ClusterMissingError, HyperPodApi } from '../domain/sagemaker';
import { assessAll, surveyGroups } from '../domain/survey';

/** What `plan` asks for (the construct's `instanceCount` and `scaleDown` options of one group). */
export interface PlanRequest {
  readonly cluster: string;
  readonly group: string;
  /** The new `instanceCount`. */
  readonly count: number;
  /** The deployed `instanceCount` (the previous template); undefined: the group's TargetCount stands for it. */
  readonly previousCount?: number;
  /** New `removeNodeIds` of this deployment. */
  readonly remove: readonly string[];
  readonly order: ScaleDownOrderValue;
  readonly chunkSize: number;
  /** `scaleDown.drift` of the group. */
  readonly drift: DriftPolicyValue;
}

/** Everything `plan` shows. */
export interface PlanModel {
  readonly region?: string;
  readonly request: PlanRequest;
  readonly targetCount?: number;
  readonly currentCount?: number;
  /** The previous count the plan compared with (`--previous-count`, else TargetCount). */
  readonly previousCount: number;
  /** Nodes added outside the stack (TargetCount above both counts). */
  readonly extra: number;
  /** The planner's decision; `errors` are what would fail the deployment (drift included). */
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
 * Decides for the group exactly as the handler's first pass does (assess drift and budget
 * against TargetCount, list, look listed ids up in the whole cluster when needed, choose),
 * then splits the choice into the handler's batches. Deletes nothing. Throws
 * `ClusterMissingError` and, for a group the cluster does not have, a `CliError`.
 */
export async function gatherPlan(api: HyperPodApi, request: PlanRequest, region?: string): Promise<PlanModel> {
  const { cluster, group } = request;
  const view = await api.describeCluster(cluster);
  if (!view) {
    throw new ClusterMissingError(cluster);
  }
  const groupView = view.groups.find((g) => g.name === group);
  if (!groupView) {
    throw groupMissing(cluster, group, view.groups.map((g) => g.name));
  }
  const notes: string[] = [];
  const previousCount = request.previousCount ?? groupView.targetCount ?? request.count;
  if (request.previousCount === undefined) {
    notes.push(`without --previous-count, the group's TargetCount (${groupView.targetCount ?? '?'}) stands for the deployed `
      + 'instanceCount, so nodes added outside the stack (drift) cannot show; pass the deployed instanceCount to check it');
  }
  const [intent] = readIntents([{
    group, desiredCount: request.count, removeNodeIds: request.remove, order: request.order, chunkSize: request.chunkSize, drift: request.drift,
  }], new Map([[group, { count: previousCount, removeNodeIds: [] }]]));
  const [assessment] = assessAll(view, [intent]).groups;
  const [surveyed] = await surveyGroups(api, cluster, [assessment], true);
  let choice: Choice = assessment.refusal
    ? { ...surveyed.choice, chosen: [], errors: [assessment.refusal, ...surveyed.choice.errors] }
    : surveyed.choice;
  const target = groupView.targetCount;
  if (intent.ignoredRemoveNodeIds.length > 0) {
    notes.push(`removeNodeIds ${intent.ignoredRemoveNodeIds.join(', ')} would be ignored: instanceCount does not go down `
      + `(${previousCount} -> ${request.count}), so nothing makes room for them; lower instanceCount by as many to remove them`);
  }
  if (!asksForRemoval(intent)) {
    // The handler makes no call at all for a group that asks for nothing (if no other group asks).
    choice = { ...surveyed.choice, budget: 0, chosen: [], errors: [] };
    if (assessment.extra > 0 && target !== undefined) {
      notes.push(`the group has ${target} nodes (TargetCount), ${assessment.extra} above both counts (added outside the stack). `
        + 'A deployment that lowers no instanceCount makes no SageMaker call, so its cluster update would let SageMaker remove '
        + `${target - request.count} nodes of its own choosing: set instanceCount to ${target} to keep them. A deployment that `
        + 'lowers another group\'s count refuses this drift instead');
    }
  }
  const batches = chunk(choice.chosen, request.chunkSize);
  if (choice.errors.length === 0 && target !== undefined && target - choice.chosen.length > request.count
    && assessment.budget > choice.chosen.length) {
    notes.push(`TargetCount is ${target}, above the ${choice.existing} node(s) listed: after the removals it stays above ${request.count} ` +
      'until the cluster update lowers it, and SageMaker cancels the launches it no longer needs (not chosen by this plan)');
  }
  return {
    region, request, targetCount: target, currentCount: groupView.currentCount, previousCount, extra: assessment.extra, choice, batches, notes,
  };
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
    `Scale-down plan for instance group "${r.group}" of cluster "${r.cluster}"${model.region ? ` (${model.region})` : ''}: ` +
      `instanceCount ${model.previousCount} -> ${r.count}`,
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
    const why = r.count < model.previousCount
      ? `the decrease (${model.previousCount} -> ${r.count}) is already done: TargetCount is ${count(model.targetCount)}`
      : `a deployment removes nodes only when it lowers instanceCount (${model.previousCount} -> ${r.count}) or names new ids, and at most the decrease`;
    lines.push(`Nothing would be removed: ${why}; the group has ${plural(choice.existing, 'node')} (not counting nodes shutting down).`);
  } else {
    lines.push(`Would remove ${plural(choice.chosen.length, 'node')} (at most ${choice.budget} this deployment), in this order:`);
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
  readonly drift: DriftPolicyValue;
  /** The deployed instanceCount the plan compared with. */
  readonly previousCount: number;
  readonly targetCount: number | null;
  readonly currentCount: number | null;
  /** Nodes added outside the stack (TargetCount above both counts). */
  readonly extra: number;
  /** Nodes of the group not shutting down. */
  readonly existing: number;
  readonly shuttingDown: number;
  /** The most nodes this deployment may remove. */
  readonly budget: number;
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
    drift: r.drift,
    previousCount: model.previousCount,
    targetCount: model.targetCount ?? null,
    currentCount: model.currentCount ?? null,
    extra: model.extra,
    existing: choice.existing,
    shuttingDown: choice.shuttingDown,
    budget: choice.budget,
    remove: choice.chosen.map(nodeJson),
    batches: model.batches.map((b) => ({ kind: b.kind, ids: [...b.ids] })),
    listedGone: [...choice.listedGone],
    errors: [...choice.errors],
    notes: [...model.notes],
  };
}
