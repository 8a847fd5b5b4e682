import { SizeRoundingBehavior } from 'aws-cdk-lib';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { LifecycleScriptsConfig } from './lifecycle-binding';
import { DrainGroupProperties } from '../contract/drain';
import { DEFAULT_SCALE_DOWN_ORDER, MAX_INSTANCE_IDS_PER_CALL, ScaleDownGroupProperties } from '../contract/scale-down';
import { CapacityType } from '../enums';
import { InstanceGroupOptions } from '../instance-group-options';
import { DriftPolicy } from '../scale-down';
import { AutoPatch, RollingDeploymentOptions, RollingUpdateBatchSize, ScheduledUpdate } from '../scheduled-update';
import { TieredStorageOptions } from '../tiered-storage';

/**
 * Pure mappers from the library's props to the CloudFormation shape of
 * `AWS::SageMaker::Cluster` `InstanceGroups` entries (CloudFormation's own casing).
 *
 * Groups are rendered in CloudFormation casing rather than through the L1's property types
 * because aws-cdk-lib 2.257's L1 marks `InstanceType` required, while a group with
 * `InstanceRequirements` must omit it.
 */

/** What a group's rendering needs besides its own options. */
export interface GroupContext {
  readonly executionRoleArn: string;
  readonly lifecycle: LifecycleScriptsConfig;
  /** Set when the group overrides the cluster's subnets or security groups. */
  readonly overrideVpcConfig?: { subnetIds: string[]; securityGroupIds: string[] };
  readonly ebsVolumeKmsKeyId?: string;
  readonly rootVolumeKmsKeyId?: string;
  /** For an autoscaled group: the count to send (the autoscaler's, read at deploy time). */
  readonly autoscaledCount?: number;
}

export function renderInstanceGroup(group: InstanceGroupOptions, ctx: GroupContext): Record<string, unknown> {
  return compact({
    InstanceGroupName: group.instanceGroupName,
    InstanceType: group.instanceType?.toString(),
    InstanceRequirements: group.instanceRequirements
      ? { InstanceTypes: group.instanceRequirements.map((t) => t.toString()) }
      : undefined,
    InstanceCount: group.autoscaled && ctx.autoscaledCount !== undefined ? ctx.autoscaledCount : group.instanceCount,
    MinInstanceCount: group.minInstanceCount,
    ExecutionRole: ctx.executionRoleArn,
    LifeCycleConfig: { SourceS3Uri: ctx.lifecycle.sourceS3Uri, [ctx.lifecycle.runOn]: ctx.lifecycle.script },
    ThreadsPerCore: group.threadsPerCore,
    InstanceStorageConfigs: renderStorage(group, ctx),
    OnStartDeepHealthChecks: group.deepHealthChecks,
    TrainingPlanArn: group.trainingPlanArn,
    OverrideVpcConfig: ctx.overrideVpcConfig
      ? { SecurityGroupIds: ctx.overrideVpcConfig.securityGroupIds, Subnets: ctx.overrideVpcConfig.subnetIds }
      : undefined,
    KubernetesConfig: renderKubernetes(group),
    ImageId: group.imageId,
    CapacityRequirements: group.capacityType === CapacityType.SPOT ? { Spot: {} }
      : group.capacityType === CapacityType.ON_DEMAND ? { OnDemand: {} } : undefined,
    NetworkInterface: group.networkInterfaceType ? { InterfaceType: group.networkInterfaceType } : undefined,
    ScheduledUpdateConfig: group.scheduledUpdate ? renderScheduledUpdate(group.scheduledUpdate) : undefined,
    ImageReleaseVersion: group.imageReleaseVersion,
    AutoPatchConfig: group.autoPatch ? renderAutoPatch(group.autoPatch) : undefined,
  });
}

function renderStorage(group: InstanceGroupOptions, ctx: GroupContext): unknown[] | undefined {
  const configs: unknown[] = [];
  if (group.ebsVolumeSize) {
    configs.push({
      EbsVolumeConfig: compact({
        VolumeSizeInGB: group.ebsVolumeSize.toGibibytes({ rounding: SizeRoundingBehavior.NONE }),
        VolumeKmsKeyId: ctx.ebsVolumeKmsKeyId,
      }),
    });
  }
  if (ctx.rootVolumeKmsKeyId) {
    configs.push({ EbsVolumeConfig: { RootVolume: true, VolumeKmsKeyId: ctx.rootVolumeKmsKeyId } });
  }
  if (group.fsxLustre) {
    const { dnsName, mountName, mountPath } = group.fsxLustre;
    configs.push({ FsxLustreConfig: compact({ DnsName: dnsName, MountName: mountName, MountPath: mountPath }) });
  }
  if (group.fsxOpenZfs) {
    const { dnsName, mountPath } = group.fsxOpenZfs;
    configs.push({ FsxOpenZfsConfig: compact({ DnsName: dnsName, MountPath: mountPath }) });
  }
  return configs.length > 0 ? configs : undefined;
}

function renderKubernetes(group: InstanceGroupOptions): Record<string, unknown> | undefined {
  const hasLabels = group.labels && Object.keys(group.labels).length > 0;
  const hasTaints = group.taints && group.taints.length > 0;
  if (!hasLabels && !hasTaints) return undefined;
  return compact({
    Labels: hasLabels ? group.labels : undefined,
    Taints: hasTaints ? group.taints!.map((t) => compact({ Key: t.key, Value: t.value, Effect: t.effect })) : undefined,
  });
}

/**
 * A group's entry of the `Custom::HyperPodScaleDown` properties: its new count and its policy,
 * and its drain when it drains (a group that does not has no drain key).
 */
export function renderScaleDownGroup(group: InstanceGroupOptions, drain?: DrainGroupProperties): ScaleDownGroupProperties & DrainGroupProperties {
  const scaleDown = group.scaleDown ?? {};
  return {
    InstanceGroupName: group.instanceGroupName!,
    InstanceCount: group.instanceCount,
    RemoveNodeIds: scaleDown.removeNodeIds ?? [],
    Order: scaleDown.order ?? DEFAULT_SCALE_DOWN_ORDER,
    ChunkSize: scaleDown.chunkSize ?? MAX_INSTANCE_IDS_PER_CALL,
    Drift: scaleDown.drift ?? DriftPolicy.REFUSE,
    ...(group.autoscaled ? { Autoscaled: 'true' } : {}),
    ...drain,
  };
}

function renderScheduledUpdate(update: ScheduledUpdate): Record<string, unknown> {
  return compact({ ScheduleExpression: update.scheduleExpression, DeploymentConfig: renderDeployment(update) });
}

function renderAutoPatch(patch: AutoPatch): Record<string, unknown> {
  return compact({ PatchingStrategy: patch.strategy, DeploymentConfig: renderDeployment(patch) });
}

/** `DeploymentConfig` of a rolling software update; `undefined` when nothing is set. */
function renderDeployment(update: RollingDeploymentOptions): Record<string, unknown> | undefined {
  const batch = (b?: RollingUpdateBatchSize) => (b ? { Type: b.sizeType, Value: b.value } : undefined);
  const rolling = update.maximumBatchSize
    ? compact({ MaximumBatchSize: batch(update.maximumBatchSize), RollbackMaximumBatchSize: batch(update.rollbackMaximumBatchSize) })
    : undefined;
  const deployment = compact({
    RollingUpdatePolicy: rolling,
    WaitIntervalInSeconds: update.waitInterval?.toSeconds(),
    AutoRollbackConfiguration: rollbackAlarmNames(update)?.map((name) => ({ AlarmName: name })),
  });
  return Object.keys(deployment).length > 0 ? deployment : undefined;
}

/** `TieredStorageConfig`; `undefined` when not set. */
export function renderTieredStorage(options: TieredStorageOptions | undefined): sagemaker.CfnCluster.TieredStorageConfigProperty | undefined {
  if (!options) return undefined;
  return { mode: (options.enabled ?? true) ? 'Enable' : 'Disable', instanceMemoryAllocationPercentage: options.memoryPercentage };
}

/** The alarms, then the names, of a scheduled update; `undefined` when it has neither. */
function rollbackAlarmNames(update: RollingDeploymentOptions): string[] | undefined {
  if (!update.rollbackAlarms && !update.rollbackAlarmNames) return undefined;
  return [...(update.rollbackAlarms ?? []).map((alarm) => alarm.alarmName), ...(update.rollbackAlarmNames ?? [])];
}

/** Drops undefined values so the template shows only what was set. */
function compact<T extends Record<string, unknown>>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}
