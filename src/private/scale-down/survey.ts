/**
 * The read side of one scale-down pass, shared by the custom resource's handler and the
 * `hyperpod-cdk plan` command so that both choose from the same inputs: describe the cluster,
 * list each group's nodes, look listed ids up in the whole cluster when needed, and choose.
 * Deletes nothing.
 */
import { choose, Choice, ClusterNode, GroupPolicy } from './plan';
import { ClusterMissingError, GroupView, HyperPodApi } from './sagemaker';

/** One group as surveyed: its counts, its nodes and the planner's choice. */
export interface SurveyedGroup<T extends GroupPolicy> {
  readonly request: T;
  readonly counts: GroupView;
  readonly nodes: ClusterNode[];
  readonly choice: Choice;
}

/** What `survey` found. */
export interface Survey<T extends GroupPolicy> {
  /** Every instance group of the cluster. */
  readonly groupNames: string[];
  /** The requested groups the cluster has, in request order. */
  readonly groups: Array<SurveyedGroup<T>>;
  /** The requested groups the cluster does not have (yet). */
  readonly absent: T[];
}

/**
 * Surveys the requested groups; `undefined` when the cluster does not exist.
 *
 * @param firstPass the first pass of an operation (the deploy's `onEvent`, or a plan): a
 *   listed id missing from its group is looked up in the whole cluster once (an instance never
 *   moves between groups) and reported; later passes take it as already gone.
 */
export async function survey<T extends GroupPolicy>(api: HyperPodApi, cluster: string, requests: readonly T[],
  firstPass: boolean): Promise<Survey<T> | undefined> {
  try {
    const view = await api.describeCluster(cluster);
    if (!view) {
      return undefined;
    }
    const listed: Array<{ request: T; counts: GroupView; nodes: ClusterNode[] }> = [];
    const absent: T[] = [];
    for (const request of requests) {
      const counts = view.groups.find((g) => g.name === request.group);
      if (counts) {
        listed.push({ request, counts, nodes: await api.listNodes(cluster, request.group) });
      } else {
        absent.push(request);
      }
    }
    const missing = firstPass && listed.some((p) => (p.request.removeNodeIds ?? [])
      .some((id) => !p.nodes.some((n) => n.instanceId === id)));
    const otherGroups = new Map<string, string>();
    if (missing) {
      for (const node of await api.listNodes(cluster)) {
        if (node.instanceId) {
          otherGroups.set(node.instanceId, node.group);
        }
      }
    }
    const groups = listed.map((p) => ({
      ...p,
      choice: choose(p.nodes, p.request, { otherGroups, absentListedIds: firstPass ? 'report' : 'gone' }),
    }));
    return { groupNames: view.groups.map((g) => g.name), groups, absent };
  } catch (err) {
    if (err instanceof ClusterMissingError) {
      return undefined;
    }
    throw err;
  }
}
