/**
 * The read side of one scale-down pass, shared by the custom resource's handler and the
 * `hyperpod-cdk plan` command so that both decide from the same inputs: assess every group
 * against the cluster's counts (drift, budget), list only the groups that may give up nodes
 * or name ids, look listed ids up in the whole cluster when needed, and choose. Deletes nothing.
 */
import { assessGroup, GroupAssessment, GroupIntent } from './intent';
import { choose, Choice, ClusterNode } from './plan';
import { ClusterView, HyperPodApi } from './sagemaker';

/** One group that was listed: its assessment, its nodes and the planner's choice. */
export interface SurveyedGroup {
  readonly assessment: GroupAssessment;
  readonly nodes: ClusterNode[];
  readonly choice: Choice;
}

/** What `assessAll` found. */
export interface Assessments {
  /** Every group of the request that the cluster has. */
  readonly groups: GroupAssessment[];
  /** The requested groups the cluster does not have (yet). */
  readonly absent: GroupIntent[];
  /** Drift refusals of any group (not only those that shrink): the deployment fails with them. */
  readonly refusals: string[];
}

/**
 * Assesses every requested group from one `DescribeCluster` answer. No call.
 *
 * @param startTargets each group's TargetCount when the deployment's first pass began, when known
 */
export function assessAll(view: ClusterView, intents: readonly GroupIntent[],
  startTargets: ReadonlyMap<string, number> = new Map()): Assessments {
  const groups: GroupAssessment[] = [];
  const absent: GroupIntent[] = [];
  for (const intent of intents) {
    const group = view.groups.find((g) => g.name === intent.group);
    if (group) {
      groups.push(assessGroup(intent, group, view.name, startTargets.get(intent.group)));
    } else {
      absent.push(intent);
    }
  }
  return { groups, absent, refusals: groups.flatMap((g) => (g.refusal ? [g.refusal] : [])) };
}

/** Whether a group has to be listed in this pass: it may give up nodes, or it names new ids. */
export function needsListing(assessment: GroupAssessment): boolean {
  return assessment.budget > 0 || assessment.intent.newRemoveNodeIds.length > 0;
}

/**
 * Lists the groups that `needsListing` (all of them with `listAll`, as `plan` shows every
 * group it is asked about) and chooses their nodes. A listed id missing from its
 * group beyond what the group already gave up is looked up in the whole cluster once (an
 * instance never moves between groups), so the error can name the group it belongs to.
 * `draining`: instance ids a drain cordoned earlier (chosen first after the listed ids).
 */
export async function surveyGroups(api: HyperPodApi, clusterName: string, assessments: readonly GroupAssessment[],
  listAll = false, draining?: ReadonlySet<string>): Promise<SurveyedGroup[]> {
  const listed: Array<{ assessment: GroupAssessment; nodes: ClusterNode[] }> = [];
  for (const assessment of assessments.filter((a) => listAll || needsListing(a))) {
    listed.push({ assessment, nodes: await api.listNodes(clusterName, assessment.intent.group) });
  }
  const unexplained = listed.some(({ assessment, nodes }) => assessment.intent.newRemoveNodeIds
    .filter((id) => !nodes.some((n) => n.instanceId === id)).length > assessment.alreadyRemoved);
  const otherGroups = new Map<string, string>();
  if (unexplained) {
    for (const node of await api.listNodes(clusterName)) {
      if (node.instanceId) {
        otherGroups.set(node.instanceId, node.group);
      }
    }
  }
  return listed.map(({ assessment, nodes }) => ({
    assessment,
    nodes,
    choice: choose(nodes, {
      group: assessment.intent.group,
      budget: assessment.budget,
      keep: assessment.intent.desiredCount,
      removeNodeIds: assessment.intent.newRemoveNodeIds,
      order: assessment.intent.order,
    }, { otherGroups, absentAllowance: assessment.alreadyRemoved, draining }),
  }));
}
