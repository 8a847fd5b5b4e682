/** The newer fields of the cluster and its groups: tiered storage, OnInitComplete, AMI releases and patching. */
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  InstanceGroupOptions, InstanceType, LifecycleScriptEvent, LifecycleScripts, PatchingStrategy, RollingUpdateBatchSize,
} from '../src';
import { testCluster } from './support/stacks';

const GROUP: InstanceGroupOptions = { instanceGroupName: 'workers', instanceType: InstanceType.ML_T3_MEDIUM, instanceCount: 2 };
const SCRIPTS = path.join(__dirname, '..', 'lifecycle', 'eks');

function cluster(extra: Record<string, unknown> = {}, group: Partial<InstanceGroupOptions> = {}): any {
  const { stack } = testCluster({ ...extra, instanceGroups: [{ ...GROUP, ...group }] });
  return stack.resolve(Object.values(Template.fromStack(stack).findResources('AWS::SageMaker::Cluster'))[0].Properties);
}

describe('tiered storage', () => {
  test('on, with a memory share', () => {
    expect(cluster({ tieredStorage: { memoryPercentage: 20 } }).TieredStorageConfig).toEqual({ Mode: 'Enable', InstanceMemoryAllocationPercentage: 20 });
  });
  test('off', () => {
    expect(cluster({ tieredStorage: { enabled: false } }).TieredStorageConfig).toEqual({ Mode: 'Disable' });
  });
  test('not set: not rendered', () => {
    expect(cluster().TieredStorageConfig).toBeUndefined();
  });
  test.each([-1, 101, 12.5])('memoryPercentage %p is refused', (memoryPercentage) => {
    expect(() => cluster({ tieredStorage: { memoryPercentage } })).toThrow(/tieredStorage.memoryPercentage must be an integer from 0 to 100/);
  });
});

describe('lifecycle scripts run on init complete', () => {
  test('from a folder', () => {
    const group = cluster({ lifecycleScripts: LifecycleScripts.fromAsset(SCRIPTS, { onInitComplete: 'on_create.sh' }) }).InstanceGroups[0];
    expect(group.LifeCycleConfig).toEqual({ SourceS3Uri: expect.anything(), OnInitComplete: 'on_create.sh' });
  });
  test('from a bucket', () => {
    const { stack, cluster: c } = testCluster({ instanceGroups: [] });
    const bucket = s3.Bucket.fromBucketName(stack, 'Scripts', 'my-scripts');
    c.addInstanceGroup('Workers', { ...GROUP, lifecycleScripts: LifecycleScripts.fromBucket(bucket, 'v1/', 'after.sh', LifecycleScriptEvent.ON_INIT_COMPLETE) });
    const props = Object.values(Template.fromStack(stack).findResources('AWS::SageMaker::Cluster'))[0].Properties;
    expect(props.InstanceGroups[0].LifeCycleConfig).toEqual({ SourceS3Uri: 's3://my-scripts/v1/', OnInitComplete: 'after.sh' });
  });
  test.each([
    ['both', { onCreate: 'on_create.sh', onInitComplete: 'on_create.sh' }],
    ['neither', {}],
  ])('%s of onCreate and onInitComplete is refused', (what, options) => {
    expect(() => cluster({ lifecycleScripts: LifecycleScripts.fromAsset(SCRIPTS, options) }))
      .toThrow(new RegExp(`give exactly one of onCreate and onInitComplete: HyperPod takes one entry script \\(got ${what}\\)`));
  });
  test('a missing onInitComplete file is named as such', () => {
    expect(() => cluster({ lifecycleScripts: LifecycleScripts.fromAsset(SCRIPTS, { onInitComplete: 'nope.sh' }) }))
      .toThrow(/onInitComplete file 'nope.sh' does not exist in the folder/);
  });
});

describe('AMI releases and patching', () => {
  test('imageReleaseVersion and autoPatch render as CloudFormation takes them', () => {
    const group = cluster({}, {
      imageReleaseVersion: '1.2.3',
      autoPatch: {
        strategy: PatchingStrategy.WHEN_IDLE,
        maximumBatchSize: RollingUpdateBatchSize.percentage(10),
        waitInterval: Duration.minutes(2),
        rollbackAlarmNames: ['node-errors'],
      },
    }).InstanceGroups[0];
    expect(group.ImageReleaseVersion).toBe('1.2.3');
    expect(group.AutoPatchConfig).toEqual({
      PatchingStrategy: 'WhenIdle',
      DeploymentConfig: {
        RollingUpdatePolicy: { MaximumBatchSize: { Type: 'CAPACITY_PERCENTAGE', Value: 10 } },
        WaitIntervalInSeconds: 120,
        AutoRollbackConfiguration: [{ AlarmName: 'node-errors' }],
      },
    });
  });
  test('a strategy alone has no DeploymentConfig', () => {
    expect(cluster({}, { autoPatch: { strategy: PatchingStrategy.WHEN_ALL_IDLE } }).InstanceGroups[0].AutoPatchConfig)
      .toEqual({ PatchingStrategy: 'WhenAllIdle' });
  });
  test.each<[string, Partial<InstanceGroupOptions>, RegExp]>([
    ['a release that is not MAJOR.MINOR.PATCH', { imageReleaseVersion: 'latest' }, /imageReleaseVersion must be a release version MAJOR.MINOR.PATCH such as '1.2.3' \(got "latest"\)/],
    ['a patch batch over 100%', { autoPatch: { strategy: PatchingStrategy.WHEN_IDLE, maximumBatchSize: RollingUpdateBatchSize.percentage(101) } }, /autoPatch.maximumBatchSize \(percentage\) must be an integer from 1 to 100 \(got 101\)/],
    ['a rollback batch alone', { autoPatch: { strategy: PatchingStrategy.WHEN_IDLE, rollbackMaximumBatchSize: RollingUpdateBatchSize.instances(1) } }, /autoPatch.rollbackMaximumBatchSize needs maximumBatchSize/],
    ['an unknown strategy', { autoPatch: { strategy: 'Sometimes' as PatchingStrategy } }, /autoPatch.strategy must be one of WhenIdle, WhenAllIdle \(got "Sometimes"\)/],
  ])('%s is refused', (_, group, message) => {
    expect(() => cluster({}, group)).toThrow(message);
  });
});

describe('a fixed cluster name', () => {
  test('warns that a replacing change fails under the same name', () => {
    const { stack } = testCluster({ clusterName: 'ml-training', instanceGroups: [GROUP] });
    Annotations.fromStack(stack).hasWarning('/TestStack/HyperPod', Match.stringLikeRegexp(
      "clusterName is fixed \\('ml-training'\\): a change to the subnets, security groups or EKS cluster replaces the cluster.*fails"));
  });
  test('a generated name does not warn', () => {
    const { stack } = testCluster({ instanceGroups: [GROUP] });
    expect(Annotations.fromStack(stack).findWarning('/TestStack/HyperPod', Match.stringLikeRegexp('clusterName is fixed'))).toEqual([]);
  });
});
