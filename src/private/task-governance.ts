import { Annotations, CfnResource, Size, SizeRoundingBehavior, Stack, TagManager, TagType, Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { ADDON } from './addons';
import { HyperPodValidationError } from './errors';
import type { IHyperPodEksCluster } from '../cluster-base';
import type { HyperPodDependencies } from '../dependencies';
import type { InstanceType } from '../instance-type';

/**
 * What task governance (`AWS::SageMaker::ClusterSchedulerConfig`, `AWS::SageMaker::ComputeQuota`)
 * needs that is not a prop: limits, renderers, the per-cluster rules, and the add-on check the
 * cluster methods run. Limits come from the SageMaker API model (botocore
 * `sagemaker/2017-07-24/service-2.json`: `CreateClusterSchedulerConfigRequest`,
 * `CreateComputeQuotaRequest`) and the CloudFormation schemas of the two resources.
 *
 * Sources:
 * - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-clusterschedulerconfig.html
 * - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-computequota.html
 * - https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateComputeQuota.html
 * - https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateClusterSchedulerConfig.html
 * - https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-operate-console-ui-governance-policies.html
 * - https://github.com/aws/sagemaker-hyperpod-cli (`HYPERPOD_NAMESPACE_PREFIX = "hyperpod-ns-"`,
 *   `SAGEMAKER_MANAGED_LOCAL_QUEUE_SUFFIX = "-localqueue"`)
 */
export const TASK_GOVERNANCE = {
  SCHEDULER_CONFIG_TYPE: 'AWS::SageMaker::ClusterSchedulerConfig',
  COMPUTE_QUOTA_TYPE: 'AWS::SageMaker::ComputeQuota',
  /** SageMaker creates the namespace `hyperpod-ns-<team name>` for each team. */
  NAMESPACE_PREFIX: 'hyperpod-ns-',
  /** ... and in it the Kueue LocalQueue `hyperpod-ns-<team name>-localqueue`. */
  LOCAL_QUEUE_SUFFIX: '-localqueue',
  MAX_PRIORITY_CLASSES: 10,
  MAX_WEIGHT: 100,
  /** `ComputeQuotaResources` and `AbsoluteBorrowLimits`: 0-15 entries each. */
  MAX_RESOURCES: 15,
  /** `InstanceCount`, `AcceleratorsAmount`, `VCpuAmount`, `MemoryInGiBAmount`, partition `Count`. */
  MAX_AMOUNT: 10_000_000,
  /** `BorrowLimit` (percent) in the API model; the API reference calls 1-500 the useful range. */
  MAX_BORROW_LIMIT: 10_000,
  MAX_DESCRIPTION: 1024,
  MAX_TAGS: 50,
} as const;

/** The id of the acknowledgeable warning of a cluster method on a cluster without `dependencies`. */
export const TASK_GOVERNANCE_ADDON_WARNING = 'hyperpod-cdk:task-governance-addon';

/** An ARN of a SageMaker HyperPod cluster, as `ClusterArn` takes it. */
const SAGEMAKER_CLUSTER_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:cluster\/[a-z0-9]{12}$/;
/**
 * Team and priority class names: `[a-z0-9]([-a-z0-9]*[a-z0-9]){0,39}?` in the API model. Kueue
 * puts the team's queue name `hyperpod-ns-<team>-localqueue` in a label value (at most 63
 * characters), which leaves 40 for the team; the same bound serves priority classes.
 */
const TEAM_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_TEAM_NAME = 40;
const DESCRIPTION = /^[\p{L}\p{M}\p{Z}\p{S}\p{N}\p{P}]*$/u;
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const MIG_PROFILE = /^mig-[0-9]+g\.[0-9]+gb$/;

const show = (value: unknown): string => JSON.stringify(value);
const concrete = (value: unknown): boolean => !Token.isUnresolved(value);

/** The namespace SageMaker creates for a team. */
export function teamNamespaceOf(teamName: string): string {
  return `${TASK_GOVERNANCE.NAMESPACE_PREFIX}${teamName}`;
}

/** The Kueue LocalQueue SageMaker creates in the team's namespace. */
export function localQueueOf(teamName: string): string {
  return `${teamNamespaceOf(teamName)}${TASK_GOVERNANCE.LOCAL_QUEUE_SUFFIX}`;
}

/** The cluster's ARN, or a problem when it cannot be read (an import without `clusterArn`) or is not one. */
export function readClusterArn(cluster: IHyperPodEksCluster): { arn?: string; problems: string[] } {
  let arn: string;
  try {
    arn = cluster.clusterArn;
  } catch (err) {
    if (!(err instanceof HyperPodValidationError)) throw err;
    return {
      problems: [`cluster.clusterArn is needed (ClusterArn), but ${cluster.node.path} has none: pass clusterArn to `
        + 'HyperPodEksCluster.fromClusterAttributes() (got no clusterArn)'],
    };
  }
  if (concrete(arn) && !SAGEMAKER_CLUSTER_ARN.test(arn)) {
    return { problems: [`cluster.clusterArn must be a HyperPod cluster ARN (arn:<partition>:sagemaker:<region>:<account>:cluster/<12-character id>) (got ${show(arn)})`] };
  }
  return { arn, problems: [] };
}

/** A team name, which also names the team's namespace and queue. */
export function checkTeamName(prop: string, name: string): string[] {
  if (!concrete(name)) return [];
  if (typeof name !== 'string' || name.length < 1 || name.length > MAX_TEAM_NAME || !TEAM_NAME.test(name)) {
    return [`${prop} must be 1-${MAX_TEAM_NAME} lowercase letters, digits and hyphens, starting and ending with a letter or digit `
      + `(it names the namespace ${TASK_GOVERNANCE.NAMESPACE_PREFIX}<team>) (got ${show(name)})`];
  }
  return [];
}

/** A priority class name. */
export function checkPriorityClassName(prop: string, name: string): string[] {
  if (!concrete(name)) return [];
  if (typeof name !== 'string' || name.length < 1 || name.length > MAX_TEAM_NAME || !TEAM_NAME.test(name)) {
    return [`${prop} must be 1-${MAX_TEAM_NAME} lowercase letters, digits and hyphens, starting and ending with a letter or digit (got ${show(name)})`];
  }
  return [];
}

/** A number (not necessarily whole) within [min, max]. */
export function checkAmount(prop: string, value: number | undefined, min: number, max: number): string[] {
  if (value === undefined || !concrete(value)) return [];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    return [`${prop} must be a number from ${min} to ${max} (got ${show(value)})`];
  }
  return [];
}

/** A description of at most 1024 characters, without control characters. */
export function checkDescription(prop: string, description: string | undefined): string[] {
  if (description === undefined || !concrete(description)) return [];
  if (description.length > TASK_GOVERNANCE.MAX_DESCRIPTION || !DESCRIPTION.test(description)) {
    return [`${prop} must be at most ${TASK_GOVERNANCE.MAX_DESCRIPTION} characters without control characters such as newlines `
      + `(got ${description.length > 80 ? `${description.length} characters` : show(description)})`];
  }
  return [];
}

/** Tags of a task governance resource (the API takes 50). */
export function checkResourceTags(tags: { [key: string]: string } | undefined): string[] {
  if (!tags) return [];
  const problems: string[] = [];
  const keys = Object.keys(tags);
  if (keys.length > TASK_GOVERNANCE.MAX_TAGS) {
    problems.push(`tags must have 0-${TASK_GOVERNANCE.MAX_TAGS} tags (got ${keys.length})`);
  }
  for (const [key, value] of Object.entries(tags)) {
    if (concrete(key) && (key.length < 1 || key.length > 128 || !TAG_TEXT.test(key))) {
      problems.push(`tags key must be 1-128 letters, digits, spaces and _.:/=+-@ (got ${show(key)})`);
    }
    if (concrete(key) && /^aws:/i.test(key)) {
      problems.push(`tags key must not start with 'aws:' (in any case), which AWS reserves for its own tags (got ${show(key)})`);
    }
    if (concrete(value) && (typeof value !== 'string' || value.length > 256 || !TAG_TEXT.test(value))) {
      problems.push(`tags[${show(key)}] value must be at most 256 letters, digits, spaces and _.:/=+-@ (got ${show(value)})`);
    }
  }
  return problems;
}

/** A MIG profile name such as `mig-1g.10gb`. */
export function checkMigProfile(prop: string, profile: string): string[] {
  if (!concrete(profile)) return [];
  return MIG_PROFILE.test(profile) ? [] : [`${prop} must be a MIG profile such as 'mig-1g.10gb' (got ${show(profile)})`];
}

/** An `ml.` instance type. */
export function checkInstanceType(prop: string, instanceType: InstanceType): string[] {
  if (instanceType === undefined || instanceType === null) return [`${prop} is required (got none)`];
  if (!instanceType.isUnresolved && !instanceType.toString().startsWith('ml.')) {
    return [`${prop} must be an 'ml.' instance type such as 'ml.g5.8xlarge' (got ${show(instanceType.toString())})`];
  }
  return [];
}

/** `size` in GiB, unrounded (MemoryInGiB is a float). */
export function gibibytes(size: Size): number {
  return size.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
}

/** A CloudFormation boolean-like switch. */
export function enabled(value: boolean): string {
  return value ? 'Enabled' : 'Disabled';
}

/**
 * Names and keys claimed once per cluster: its scheduler config, each team, each quota name.
 * Keyed by the cluster object; a cluster imported twice is two objects, which this cannot tell apart.
 */
const claims = new WeakMap<IHyperPodEksCluster, Map<string, IConstruct>>();

/** The construct that already claimed `key` on `cluster`, if any. */
export function claimedBy(cluster: IHyperPodEksCluster, key: string): IConstruct | undefined {
  return claims.get(cluster)?.get(key);
}

/** Claims `key` on `cluster` for `owner` (after its problems were checked). */
export function claim(cluster: IHyperPodEksCluster, key: string, owner: IConstruct): void {
  let forCluster = claims.get(cluster);
  if (!forCluster) {
    forCluster = new Map();
    claims.set(cluster, forCluster);
  }
  forCluster.set(key, owner);
}

/**
 * A `CfnResource` of a type aws-cdk-lib 2.257 has no L1 for, taggable like an L1 (`Tags.of()`
 * reaches it; its `Tags` are `[{ Key, Value }]`).
 */
export class TaggableCfnResource extends CfnResource {
  public readonly cdkTagManager: TagManager;

  constructor(scope: Construct, id: string, type: string, properties: { [name: string]: unknown }) {
    super(scope, id, { type, properties });
    this.cdkTagManager = new TagManager(TagType.KEY_VALUE, type, undefined, { tagPropertyName: 'Tags' });
  }
}

/**
 * For `HyperPodEksCluster.addComputeQuota()` and `addSchedulerConfig()`: task governance works
 * through the `amazon-sagemaker-hyperpod-taskgovernance` EKS add-on. With `dependencies` that
 * install it, `construct`'s resource is created after the add-on (when both are in one stack);
 * with `dependencies` that do not, this throws an error that names the setting; without
 * `dependencies` (the add-ons are installed outside this app), it adds an acknowledgeable warning.
 *
 * @param what how messages name the caller, e.g. `addComputeQuota('TeamA')`
 */
export function requireTaskGovernanceAddon(construct: IConstruct, dependencies: HyperPodDependencies | undefined, what: string): void {
  if (!dependencies) {
    Annotations.of(construct).addWarningV2(TASK_GOVERNANCE_ADDON_WARNING, `${what} needs the ${ADDON.TASK_GOVERNANCE} EKS add-on `
      + 'on the EKS cluster, and this cluster has no dependencies that install it: install it yourself (Kubernetes 1.30 or later, '
      + 'no other Kueue), or pass HyperPodDependencies with taskGovernance: true as the cluster\'s dependencies');
    return;
  }
  const addon = dependencies.addons.find((a) => a.addonName === ADDON.TASK_GOVERNANCE);
  if (!addon) {
    throw new HyperPodValidationError(construct, [`${what} needs the ${ADDON.TASK_GOVERNANCE} EKS add-on, but the cluster's `
      + `dependencies (${dependencies.node.path}) do not install it: set taskGovernance: true on HyperPodDependencies (got taskGovernance: false)`]);
  }
  const resource = construct.node.defaultChild;
  if (resource && Stack.of(addon) === Stack.of(construct)) {
    resource.node.addDependency(addon);
  }
}
