/**
 * What one deployment asks of each instance group, and how much a pass may remove from it.
 * Pure: the handler and the `plan` command feed in the request and the cluster's counts.
 *
 * The rules (README "Targeted scale-down", guarantees G1 and G2):
 * - A group gives up nodes only when this deployment lowered its `InstanceCount` (against the
 *   previous template) or named new `removeNodeIds`, and never more than that decrease.
 * - The budget is measured on the group's `TargetCount`, which every accepted
 *   `BatchDeleteClusterNodes` lowers: `min(previous - new, TargetCount - new)`. A re-invoked
 *   `onEvent` or a later poll therefore continues where the last one stopped, with no state,
 *   and a failed node replaced meanwhile (same TargetCount) costs no extra node.
 * - Drift: a TargetCount above both the previous and the new count means nodes were added
 *   outside the stack. The cluster update would let SageMaker remove the excess at random, so
 *   the deployment is refused, unless the group opted in to remove them by its policy.
 */
import { DrainPolicy } from './drain';
import { GroupPolicy } from './plan';
import { GroupView } from './sagemaker';
import { DriftPolicyValue } from '../contract/scale-down';


/** One group as the template states it: its count and its scale-down policy. */
export interface GroupRequest extends Omit<GroupPolicy, 'budget'> {
  /** The group's `InstanceCount` in the template. */
  readonly desiredCount: number;
  /** Instance ids per `BatchDeleteClusterNodes` call, 1-99. */
  readonly chunkSize: number;
  /** What to do with nodes added outside the stack. */
  readonly drift: DriftPolicyValue;
  /** The group's count belongs to the autoscaler: never removed from, never judged for drift. */
  readonly autoscaled?: boolean;
  /** Set when the group's chosen nodes are drained through Kubernetes before they are deleted. */
  readonly drain?: DrainPolicy;
}

/** A group of the previous template, as far as it can be read. */
export interface PreviousGroup {
  readonly count?: number;
  readonly removeNodeIds: string[];
}

/** One group as this deployment states it, next to the previous template. */
export interface GroupIntent extends GroupRequest {
  /** `InstanceCount` in the previous template; undefined when the group is new to it. */
  readonly previousCount?: number;
  /**
   * The `removeNodeIds` this deployment adds (those of the previous template are done), when
   * the group's count went down or it removes drift: the ids a pass acts on.
   */
  readonly newRemoveNodeIds: string[];
  /**
   * New ids of a group whose count did not go down: nothing would make room for them, so they
   * are ignored (and logged). An error here could fail a rollback, which must not fail.
   */
  readonly ignoredRemoveNodeIds: string[];
}

/** What a pass may do with one group, given its TargetCount now. */
export interface GroupAssessment {
  readonly intent: GroupIntent;
  /** The group's TargetCount now; undefined when the cluster does not have the group. */
  readonly targetCount?: number;
  /** The most nodes this pass may remove. */
  readonly budget: number;
  /** Nodes this deployment already removed, as TargetCount tells (`previous - TargetCount`). */
  readonly alreadyRemoved: number;
  /** Nodes added outside the stack (`TargetCount - max(previous, new)`), 0 when none. */
  readonly extra: number;
  /** Set when the group drifted and refuses: the deployment fails with this message. */
  readonly refusal?: string;
}

/** Pairs each group of the request with the previous template's (`readPrevious`). */
export function readIntents(groups: readonly GroupRequest[], previous: ReadonlyMap<string, PreviousGroup>): GroupIntent[] {
  // An autoscaled group's count is the autoscaler's: no intent, so no pass ever looks at it.
  return groups.filter((g) => !g.autoscaled).map((g) => {
    const before = previous.get(g.group);
    const done = new Set(before?.removeNodeIds ?? []);
    const fresh = (g.removeNodeIds ?? []).filter((id) => !done.has(id));
    const lowered = before?.count !== undefined && g.desiredCount < before.count;
    const usable = lowered || g.drift === 'Remove';
    return {
      ...g,
      previousCount: before?.count,
      newRemoveNodeIds: usable ? fresh : [],
      ignoredRemoveNodeIds: usable ? [] : fresh,
    };
  });
}

/**
 * Whether a group asks for removals: its count went down, or it removes drift and names new
 * ids. (A group that only removes drift gives up its extra nodes when any group asks.)
 */
export function asksForRemoval(intent: GroupIntent): boolean {
  return (intent.previousCount !== undefined && intent.desiredCount < intent.previousCount)
    || intent.newRemoveNodeIds.length > 0;
}

/**
 * Assesses one group from the cluster's view of it (`undefined` when the cluster does not have it).
 *
 * @param startTarget the group's TargetCount when this deployment's first pass began, when known
 *   (a group that removes drift gives up more than its decrease, which only that tells)
 */
export function assessGroup(intent: GroupIntent, view: GroupView | undefined, clusterName: string,
  startTarget?: number): GroupAssessment {
  const target = view?.targetCount;
  const base = { intent, targetCount: target, budget: 0, alreadyRemoved: 0, extra: 0 };
  if (view === undefined || target === undefined) {
    return base;
  }
  const desired = intent.desiredCount;
  const previous = intent.previousCount ?? desired;
  const ceiling = Math.max(previous, desired);
  if (target > ceiling) {
    const extra = target - ceiling;
    if (intent.drift === 'Remove') {
      const alreadyRemoved = startTarget === undefined ? 0 : Math.max(0, startTarget - target);
      return { ...base, extra, budget: target - desired, alreadyRemoved };
    }
    return { ...base, extra, refusal: driftMessage(intent, target, clusterName) };
  }
  const fromStart = startTarget === undefined ? 0 : Math.max(0, startTarget - target);
  return {
    ...base,
    budget: Math.max(0, Math.min(previous - desired, target - desired)),
    alreadyRemoved: Math.max(fromStart, Math.min(previous - desired, previous - target), 0),
  };
}

function driftMessage(intent: GroupIntent, target: number, clusterName: string): string {
  const previous = intent.previousCount ?? intent.desiredCount;
  const ceiling = Math.max(previous, intent.desiredCount);
  return `instance group "${intent.group}" of cluster "${clusterName}" has ${target} nodes (TargetCount), `
    + `more than its previous instanceCount ${previous} and its new instanceCount ${intent.desiredCount}: `
    + `${target - ceiling} ${target - ceiling === 1 ? 'was' : 'were'} added outside this stack (console, hyp CLI, an autoscaler). The cluster update would let `
    + `SageMaker remove ${target - intent.desiredCount} nodes of its own choosing, so nothing was changed. `
    + `To keep them, set instanceCount to ${target}; to remove them by this group's policy, set `
    + 'scaleDown.drift to DriftPolicy.REMOVE_EXTRA_NODES';
}
