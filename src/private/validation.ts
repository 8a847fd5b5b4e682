import { Annotations, Duration, SizeRoundingBehavior, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { MAX_TIMEOUT_SECONDS, MIN_TIMEOUT_SECONDS, QUERY_INTERVAL_SECONDS } from '../contract/resources';
import { INSTANCE_ID_DESCRIPTION, INSTANCE_ID_PATTERN, MAX_INSTANCE_IDS_PER_CALL } from '../contract/scale-down';
import { DeepHealthCheck, NodeRecovery, TaintEffect } from '../enums';
import { InstanceGroupOptions } from '../instance-group-options';
import { PatchingStrategy, RollingDeploymentOptions } from '../scheduled-update';

/**
 * Pure, token-aware validators. Each returns messages that name the prop, show the value
 * received and say what is allowed; an unresolved token is never judged. Limits come from
 * the SageMaker API model and the CloudFormation schema of `AWS::SageMaker::Cluster`.
 */

/** `[a-zA-Z0-9](-*[a-zA-Z0-9])*`, the pattern of cluster and instance group names. */
const NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/;
const NAME_RULE = '1-63 characters: letters, digits and hyphens, starting and ending with a letter or digit';
const MAX_INSTANCE_COUNT = 6758;
const AMI_PATTERN = /^(ami-[0-9a-fA-F]{8,17}|default)$/;
const TRAINING_PLAN_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:training-plan\/.*$/;
const EKS_CLUSTER_ARN = /^arn:aws[a-z-]*:eks:[a-z0-9-]+:[0-9]{12}:cluster\/[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/;
/** A Kubernetes qualified name with an optional DNS prefix (label and taint keys). */
const K8S_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const K8S_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const CRON_6_FIELDS = /^cron\((\S+\s+){5}\S+\)$/;
const RELEASE_VERSION = /^\d+\.\d+\.\d+$/;
/** Bytes of the scale-down response the autoscaled groups' counts may take (of the 1,500 its data keeps to). */
const AUTOSCALED_COUNTS_BUDGET = 1000;

const show = (value: unknown): string => JSON.stringify(value);
const concrete = (value: unknown): boolean => !Token.isUnresolved(value);

/** A name of a cluster or instance group. */
export function checkName(prop: string, name: string): string[] {
  if (!concrete(name)) return [];
  if (name.length < 1 || name.length > 63 || !NAME_PATTERN.test(name)) {
    return [`${prop} must be ${NAME_RULE} (got ${show(name)})`];
  }
  return [];
}

/** A Provider timeout: 2 minutes to 1 hour in whole 30-second steps (the Provider polls every 30 s). */
export function checkProviderTimeout(prop: string, timeout: Duration | undefined): string[] {
  if (!timeout || Token.isUnresolved(timeout.toSeconds())) return [];
  const seconds = timeout.toSeconds();
  if (seconds < MIN_TIMEOUT_SECONDS || seconds > MAX_TIMEOUT_SECONDS || seconds % QUERY_INTERVAL_SECONDS !== 0) {
    return [`${prop} must be from 2 minutes to 1 hour, in whole 30-second steps (got ${timeout.toHumanString()})`];
  }
  return [];
}

/** An integer within [min, max]. */
export function checkInteger(prop: string, value: number | undefined, min: number, max: number): string[] {
  if (value === undefined || !concrete(value)) return [];
  if (!Number.isInteger(value) || value < min || value > max) {
    return [`${prop} must be an integer from ${min} to ${max} (got ${show(value)})`];
  }
  return [];
}

/** A list length within [min, max]. */
export function checkCount(prop: string, items: unknown[] | undefined, min: number, max: number, what: string): string[] {
  if (items === undefined || !concrete(items)) return [];
  if (items.length < min || items.length > max) {
    return [`${prop} must have ${min === max ? min : `${min}-${max}`} ${what} (got ${items.length})`];
  }
  return [];
}

/** A string matching a pattern. */
export function checkPattern(prop: string, value: string | undefined, pattern: RegExp, allowed: string): string[] {
  if (value === undefined || !concrete(value)) return [];
  return pattern.test(value) ? [] : [`${prop} must be ${allowed} (got ${show(value)})`];
}

/** The orchestrator's ARN. */
export function checkEksClusterArn(arn: string): string[] {
  return checkPattern('eksCluster.clusterArn', arn, EKS_CLUSTER_ARN,
    'an EKS cluster ARN (arn:<partition>:eks:<region>:<account>:cluster/<name of 1-100 characters>)');
}

/** Tags of the cluster. */
export function checkTags(tags: { [key: string]: string } | undefined): string[] {
  if (!tags) return [];
  // A cluster takes 50 tags; the construct adds its owner tag (targeted scale-down).
  const problems = checkCount('tags', Object.keys(tags), 0, 49, 'tags (the construct adds a 50th, hyperpod-cdk:stack-id)');
  for (const [key, value] of Object.entries(tags)) {
    if (key === 'hyperpod-cdk:stack-id') {
      problems.push('tags must not set hyperpod-cdk:stack-id: the construct sets it to the stack\'s id, and targeted scale-down '
        + 'removes nodes only from a cluster that carries it');
    }
    if (concrete(key) && (key.length < 1 || key.length > 128)) {
      problems.push(`tags key must be 1-128 characters (got ${show(key)})`);
    }
    if (concrete(key) && /^aws:/i.test(key)) {
      problems.push(`tags key must not start with 'aws:' (in any case), which AWS reserves for its own tags (got ${show(key)})`);
    }
    if (concrete(value) && value.length > 256) {
      problems.push(`tags[${show(key)}] value must be at most 256 characters (got ${value.length})`);
    }
  }
  return problems;
}

/** The id of the acknowledgeable warning about a fixed cluster name another cluster of the app may also use. */
export const DUPLICATE_CLUSTER_NAME_WARNING = 'hyperpod-cdk:duplicate-cluster-name';

/**
 * A fixed cluster name that another cluster of the app (`others`, with the same fixed name) also
 * uses in the same account and Region: an error when both are known to be the same (or both
 * stacks are environment-agnostic, so they deploy to the same one), a warning when one stack's
 * account or Region is not known, nothing when they differ.
 */
export function checkUniqueClusterName(scope: IConstruct, name: string | undefined, others: readonly IConstruct[]): string[] {
  if (name === undefined || !concrete(name)) return [];
  const here = Stack.of(scope);
  const problems: string[] = [];
  for (const other of others) {
    const there = Stack.of(other);
    const same = [sameValue(here.account, there.account), sameValue(here.region, there.region)];
    if (same.includes('different')) continue;
    const where = concrete(here.account) && concrete(here.region) ? `account ${here.account} and Region ${here.region}` : 'account and Region';
    if (same.every((s) => s === 'same')) {
      problems.push(`clusterName ${show(name)} is also the clusterName of ${other.node.path} in the same ${where}: cluster names are `
        + 'unique per account and Region, so the second cluster fails to deploy; give each cluster its own clusterName, or leave it out to generate one');
    } else {
      Annotations.of(scope).addWarningV2(DUPLICATE_CLUSTER_NAME_WARNING, `clusterName ${show(name)} is also the clusterName of `
        + `${other.node.path}, whose stack may deploy to the same account and Region (one of the two stacks has no account or Region set): `
        + 'cluster names are unique per account and Region, so the second cluster would fail to deploy');
    }
  }
  return problems;
}

/** Whether two account or Region values are the same: both concrete, or both the deploy-time value. */
function sameValue(a: string, b: string): 'same' | 'different' | 'unknown' {
  if (concrete(a) && concrete(b)) return a === b ? 'same' : 'different';
  return concrete(a) === concrete(b) ? 'same' : 'unknown';
}

/**
 * Every rule for one instance group's settings; cross-group rules live on the cluster.
 *
 * @param where how messages name the group (default `instance group "<name>"`); a group without
 * a name (only possible in the `instanceGroups` prop, which reports that itself) skips the name check
 */
export function validateInstanceGroup(group: InstanceGroupOptions, where?: string): string[] {
  const at = (prop: string) => `${where ?? `instance group ${show(group.instanceGroupName)}`}: ${prop}`;
  return [
    ...(group.instanceGroupName === undefined ? [] : checkName(at('instanceGroupName'), group.instanceGroupName)),
    ...checkCounts(group, at),
    ...checkInstanceTypes(group, at),
    ...checkInteger(at('threadsPerCore'), group.threadsPerCore, 1, 2),
    ...checkStorage(group, at),
    ...checkDeepHealthChecks(group.deepHealthChecks, at),
    ...checkPattern(at('trainingPlanArn'), group.trainingPlanArn, TRAINING_PLAN_ARN,
      'a training plan ARN (arn:<partition>:sagemaker:<region>:<account>:training-plan/<name>)'),
    ...checkCount(at('securityGroups'), group.securityGroups, 1, 5, 'security groups'),
    ...checkKubernetes(group, at),
    ...checkPattern(at('imageId'), group.imageId, AMI_PATTERN, "an AMI id (ami- and 8-17 hex digits) or 'default'"),
    ...checkScheduledUpdate(group, at),
    ...checkAutoPatch(group, at),
    ...checkPattern(at('imageReleaseVersion'), group.imageReleaseVersion, RELEASE_VERSION, 'a release version MAJOR.MINOR.PATCH such as \'1.2.3\''),
    ...checkAutoscaled(group, at),
    ...checkScaleDown(group, at),
    ...checkCapacityWait(group, at),
  ];
}

/**
 * Every problem of the groups of the `instanceGroups` prop, so that one error lists them all:
 * a missing or repeated name, each group's own rules, and `extra` (rules that need the cluster)
 * for each named group.
 */
export function validateInstanceGroupsProp(groups: InstanceGroupOptions[], extra: (group: InstanceGroupOptions) => string[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  groups.forEach((group, i) => {
    const name = group.instanceGroupName;
    if (!name) {
      problems.push(`instanceGroups[${i}].instanceGroupName is required in the instanceGroups prop (got none)`);
      problems.push(...validateInstanceGroup({ ...group, instanceGroupName: undefined }, `instanceGroups[${i}]`));
      return;
    }
    if (concrete(name) && names.has(name)) {
      problems.push(`instanceGroupName '${name}' is used by another instance group of this cluster; names must be unique`);
    }
    names.add(name);
    problems.push(...validateInstanceGroup(group), ...extra(group));
  });
  return problems;
}

/** The cluster props `checkClusterSettings` reads. */
interface ClusterSettingsInput {
  readonly autoScaling?: unknown;
  readonly nodeRecovery?: string;
  readonly tieredStorage?: { readonly memoryPercentage?: number };
}

/** Settings of the cluster besides its groups and network: autoscaling and tiered storage. */
export function checkClusterSettings(props: ClusterSettingsInput): string[] {
  const problems = checkInteger('tieredStorage.memoryPercentage', props.tieredStorage?.memoryPercentage, 0, 100);
  if (props.autoScaling !== undefined && props.nodeRecovery !== undefined && props.nodeRecovery !== NodeRecovery.AUTOMATIC) {
    problems.push(`autoScaling needs nodeRecovery Automatic: AWS's managed Karpenter autoscaling requires it (got ${show(props.nodeRecovery)})`);
  }
  return problems;
}

/**
 * The autoscaled groups' counts travel back as attributes of the scale-down resource, whose
 * response CloudFormation limits to 4 KB (the library keeps its data within 1,500 bytes).
 */
export function checkAutoscaledCount(names: readonly string[]): string[] {
  const bytes = names.reduce((n, name) => n + `"Count.${name}":"000000",`.length, 0);
  return bytes > AUTOSCALED_COUNTS_BUDGET
    ? [`the autoscaled groups' names take ${bytes} bytes of the scale-down resource's response, which has room for `
      + `${AUTOSCALED_COUNTS_BUDGET} (their counts are returned to CloudFormation there): use fewer autoscaled groups or shorter names`]
    : [];
}

/** An autoscaled group on a cluster without autoscaling, or without the scale-down that reads its count. */
export function checkAutoscaledHost(group: InstanceGroupOptions, autoScalingEnabled: boolean, scaleDownEnabled: boolean): string[] {
  if (!group.autoscaled) return [];
  const at = `instance group '${group.instanceGroupName}': autoscaled`;
  const problems: string[] = [];
  if (!autoScalingEnabled) {
    problems.push(`${at} needs the cluster's autoScaling (managed Karpenter) on: set autoScaling on the cluster, or leave autoscaled out`);
  }
  if (!scaleDownEnabled) {
    problems.push(`${at} needs targeted scale-down (scaleDown.enabled): its resource reads the group's count before every cluster `
      + 'update, so that the update sends the autoscaler\'s count rather than the template\'s 0');
  }
  return problems;
}

/** Scale-down settings on a group of a cluster whose scale-down is off. */
export function checkScaleDownUsed(group: InstanceGroupOptions, scaleDownEnabled: boolean): string[] {
  if (scaleDownEnabled || group.scaleDown === undefined) return [];
  const set = Object.entries(group.scaleDown).filter(([, v]) => v !== undefined).map(([k]) => `scaleDown.${k}`);
  if (set.length === 0) return [];
  return [`${set.join(', ')} set on instance group '${group.instanceGroupName}', but the cluster's `
    + 'scaleDown.enabled is false, so nothing would act on them (listed ids would not be removed): remove them, or enable scale-down'];
}

function checkCapacityWait(group: InstanceGroupOptions, at: (prop: string) => string): string[] {
  const wait = group.waitForCapacity;
  if (wait === undefined) return [];
  const problems = [
    ...checkInteger(at('waitForCapacity.runningNodes'), wait.runningNodes, 1, MAX_INSTANCE_COUNT),
    ...checkInteger(at('waitForCapacity.maxFailures'), wait.maxFailures, 0, 1000),
    ...checkProviderTimeout(at('waitForCapacity.timeout'), wait.timeout),
  ];
  const wanted = wait.runningNodes;
  if (concrete(wanted) && concrete(group.instanceCount) && wanted > group.instanceCount) {
    problems.push(`${at('waitForCapacity.runningNodes')} must not be above instanceCount ${group.instanceCount}: the group would never have ${wanted} Running nodes (got ${wanted})`);
  }
  return problems;
}

/** How messages name a group's `vpcSubnets`. */
export function groupSubnetsProp(instanceGroupName: string): string {
  return `instance group '${instanceGroupName}': vpcSubnets`;
}

type At = (prop: string) => string;

function checkCounts(group: InstanceGroupOptions, at: At): string[] {
  const problems = [
    ...checkInteger(at('instanceCount'), group.instanceCount, 0, MAX_INSTANCE_COUNT),
    ...checkInteger(at('minInstanceCount'), group.minInstanceCount, 0, MAX_INSTANCE_COUNT),
  ];
  const { instanceCount, minInstanceCount } = group;
  if (minInstanceCount !== undefined && concrete(minInstanceCount) && concrete(instanceCount) && minInstanceCount > instanceCount) {
    problems.push(`${at('minInstanceCount')} must not be above instanceCount ${instanceCount} (got ${minInstanceCount})`);
  }
  return problems;
}

function checkInstanceTypes(group: InstanceGroupOptions, at: At): string[] {
  const { instanceType, instanceRequirements } = group;
  if ((instanceType === undefined) === (instanceRequirements === undefined)) {
    return [`${at('instanceType')}: give exactly one of instanceType and instanceRequirements (got ${instanceType === undefined ? 'neither' : 'both'})`];
  }
  const problems = checkCount(at('instanceRequirements'), instanceRequirements, 1, 20, 'instance types');
  const types = instanceType ? [[at('instanceType'), instanceType] as const]
    : (instanceRequirements ?? []).map((t, i) => [at(`instanceRequirements[${i}]`), t] as const);
  for (const [prop, type] of types) {
    if (!type.isUnresolved && !type.toString().startsWith('ml.')) {
      problems.push(`${prop} must be an 'ml.' instance type such as 'ml.g5.8xlarge' (got ${show(type.toString())})`);
    }
  }
  return problems;
}

function checkStorage(group: InstanceGroupOptions, at: At): string[] {
  const problems: string[] = [];
  const size = group.ebsVolumeSize;
  if (size !== undefined && !size.isUnresolved()) {
    const gib = size.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
    if (!Number.isInteger(gib) || gib < 1 || gib > 16384) {
      problems.push(`${at('ebsVolumeSize')} must be a whole number of GiB from 1 to 16384 (got ${gib} GiB)`);
    }
  }
  if (group.ebsVolumeKmsKey && size === undefined) {
    problems.push(`${at('ebsVolumeKmsKey')} needs ebsVolumeSize: the key encrypts the extra EBS volume (got no ebsVolumeSize)`);
  }
  if (group.fsxLustre) {
    problems.push(...checkPattern(at('fsxLustre.mountName'), group.fsxLustre.mountName, /^[A-Za-z0-9_-]{1,8}$/,
      '1-8 letters, digits, hyphens or underscores'));
    problems.push(...checkMount(at('fsxLustre'), group.fsxLustre.dnsName, group.fsxLustre.mountPath));
  }
  if (group.fsxOpenZfs) {
    problems.push(...checkMount(at('fsxOpenZfs'), group.fsxOpenZfs.dnsName, group.fsxOpenZfs.mountPath));
  }
  return problems;
}

function checkMount(prop: string, dnsName: string, mountPath: string | undefined): string[] {
  const problems = checkPattern(`${prop}.dnsName`, dnsName, /^(fs|fc)i?-[0-9a-f]{8,}\..{4,253}$/,
    'an FSx DNS name such as fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com');
  if (mountPath !== undefined && concrete(mountPath)
    && (mountPath.length < 1 || mountPath.length > 1024 || !mountPath.startsWith('/') || mountPath.includes('//') || (mountPath.length > 1 && mountPath.endsWith('/')))) {
    problems.push(`${prop}.mountPath must be an absolute path of 1-1024 characters without '//' or a trailing '/' (got ${show(mountPath)})`);
  }
  return problems;
}

function checkDeepHealthChecks(checks: DeepHealthCheck[] | undefined, at: At): string[] {
  if (checks === undefined || !concrete(checks)) return [];
  const allowed = Object.values(DeepHealthCheck) as string[];
  const problems = checkCount(at('deepHealthChecks'), checks, 1, 2, 'checks');
  for (const check of checks) {
    if (!allowed.includes(check)) {
      problems.push(`${at('deepHealthChecks')} must contain only ${allowed.join(', ')} (got ${show(check)})`);
    }
  }
  if (new Set(checks).size !== checks.length) {
    problems.push(`${at('deepHealthChecks')} must not repeat a check (got ${show(checks)})`);
  }
  return problems;
}

function checkKubernetes(group: InstanceGroupOptions, at: At): string[] {
  const problems: string[] = [];
  const labels = group.labels ?? {};
  problems.push(...checkCount(at('labels'), Object.keys(labels), 0, 50, 'labels'));
  for (const [key, value] of Object.entries(labels)) {
    problems.push(...checkK8sKey(at('labels key'), key));
    problems.push(...checkK8sValue(at(`labels[${show(key)}]`), value, 1));
  }
  const taints = group.taints ?? [];
  problems.push(...checkCount(at('taints'), taints, 0, 50, 'taints'));
  const effects = Object.values(TaintEffect) as string[];
  taints.forEach((taint, i) => {
    problems.push(...checkK8sKey(at(`taints[${i}].key`), taint.key));
    if (taint.value !== undefined) problems.push(...checkK8sValue(at(`taints[${i}].value`), taint.value, 1));
    if (concrete(taint.effect) && !effects.includes(taint.effect)) {
      problems.push(`${at(`taints[${i}].effect`)} must be one of ${effects.join(', ')} (got ${show(taint.effect)})`);
    }
  });
  return problems;
}

function checkK8sKey(prop: string, key: string): string[] {
  if (!concrete(key)) return [];
  const name = key.includes('/') ? key.slice(key.indexOf('/') + 1) : key;
  if (key.length > 317 || name.length > 63 || !K8S_KEY.test(key)) {
    return [`${prop} must be a Kubernetes qualified name of at most 317 characters, such as 'example.com/team' (got ${show(key)})`];
  }
  return [];
}

function checkK8sValue(prop: string, value: string, min: number): string[] {
  if (!concrete(value)) return [];
  if (value.length < min || value.length > 63 || !K8S_VALUE.test(value)) {
    return [`${prop} must be ${min}-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (got ${show(value)})`];
  }
  return [];
}

function checkScheduledUpdate(group: InstanceGroupOptions, at: At): string[] {
  const update = group.scheduledUpdate;
  if (!update) return [];
  const problems = checkPattern(at('scheduledUpdate.scheduleExpression'), update.scheduleExpression, CRON_6_FIELDS,
    "a 6-field cron expression such as 'cron(0 3 ? * SUN *)'");
  if (concrete(update.scheduleExpression) && update.scheduleExpression.length > 256) {
    problems.push(`${at('scheduledUpdate.scheduleExpression')} must be at most 256 characters (got ${update.scheduleExpression.length})`);
  }
  return [...problems, ...checkDeployment(update, (prop) => at(`scheduledUpdate.${prop}`))];
}

function checkAutoPatch(group: InstanceGroupOptions, at: At): string[] {
  const patch = group.autoPatch;
  if (!patch) return [];
  const strategies = Object.values(PatchingStrategy) as string[];
  const problems = concrete(patch.strategy) && !strategies.includes(patch.strategy)
    ? [`${at('autoPatch.strategy')} must be one of ${strategies.join(', ')} (got ${show(patch.strategy)})`] : [];
  return [...problems, ...checkDeployment(patch, (prop) => at(`autoPatch.${prop}`))];
}

/** The rolling deployment of a scheduled update or an auto-patch. */
function checkDeployment(update: RollingDeploymentOptions, at: At): string[] {
  const problems: string[] = [];
  for (const [name, batch] of [['maximumBatchSize', update.maximumBatchSize], ['rollbackMaximumBatchSize', update.rollbackMaximumBatchSize]] as const) {
    if (!batch) continue;
    const percent = batch.sizeType === 'CAPACITY_PERCENTAGE';
    problems.push(...checkInteger(at(name) + (percent ? ' (percentage)' : ' (instances)'), batch.value, 1, percent ? 100 : MAX_INSTANCE_COUNT));
  }
  if (update.rollbackMaximumBatchSize && !update.maximumBatchSize) {
    problems.push(`${at('rollbackMaximumBatchSize')} needs maximumBatchSize: CloudFormation takes both in one RollingUpdatePolicy (got no maximumBatchSize)`);
  }
  if (update.waitInterval) {
    problems.push(...checkInteger(at('waitInterval (seconds)'), update.waitInterval.toSeconds(), 0, 3600));
  }
  if (update.rollbackAlarms || update.rollbackAlarmNames) {
    const alarms = [...(update.rollbackAlarms ?? []), ...(update.rollbackAlarmNames ?? [])];
    problems.push(...checkCount(at('rollbackAlarms and rollbackAlarmNames'), alarms, 1, 10, 'alarms in all'));
  }
  return problems;
}

/**
 * An autoscaled group: the rules of AWS's autoscaling pages (groups start at 0, no deep health
 * checks, no training plan) and the library's (its count is the autoscaler's: no capacity wait,
 * no scale-down options, no minimum).
 */
function checkAutoscaled(group: InstanceGroupOptions, at: At): string[] {
  if (!group.autoscaled) return [];
  const problems: string[] = [];
  const why = 'an autoscaled group\'s count belongs to the cluster\'s autoscaler';
  if (concrete(group.instanceCount) && group.instanceCount !== 0) {
    problems.push(`${at('instanceCount')} must be 0 for an autoscaled group: AWS requires autoscaled groups to start at 0 `
      + `(Karpenter scales a group that starts higher down to 0), and later deployments send the autoscaler's count (got ${group.instanceCount})`);
  }
  if (group.minInstanceCount !== undefined && group.minInstanceCount !== 0) {
    problems.push(`${at('minInstanceCount')} must not be set on an autoscaled group: ${why} (got ${group.minInstanceCount})`);
  }
  if (group.deepHealthChecks !== undefined && group.deepHealthChecks.length > 0) {
    problems.push(`${at('deepHealthChecks')} must not be set on an autoscaled group: AWS does not support deep health checks there `
      + '(they take 60-90 minutes, while pods wait and Karpenter over-provisions)');
  }
  if (group.trainingPlanArn !== undefined) {
    problems.push(`${at('trainingPlanArn')} must not be set on an autoscaled group: AWS does not support training plans or reserved capacity there`);
  }
  if (group.waitForCapacity !== undefined) {
    problems.push(`${at('waitForCapacity')} must not be set on an autoscaled group: ${why}, which starts it at 0 nodes`);
  }
  if (group.scaleDown !== undefined) {
    problems.push(`${at('scaleDown')} must not be set on an autoscaled group: ${why}, and targeted scale-down never removes its nodes`);
  }
  return problems;
}

function checkScaleDown(group: InstanceGroupOptions, at: At): string[] {
  const scaleDown = group.scaleDown;
  if (!scaleDown) return [];
  const problems = checkInteger(at('scaleDown.chunkSize'), scaleDown.chunkSize, 1, MAX_INSTANCE_IDS_PER_CALL);
  const ids = scaleDown.removeNodeIds ?? [];
  ids.forEach((id, i) => problems.push(...checkPattern(at(`scaleDown.removeNodeIds[${i}]`), id, INSTANCE_ID_PATTERN, INSTANCE_ID_DESCRIPTION)));
  const concreteIds = ids.filter(concrete);
  if (new Set(concreteIds).size !== concreteIds.length) {
    problems.push(`${at('scaleDown.removeNodeIds')} must not repeat an id (got ${show(ids)})`);
  }
  return problems;
}
