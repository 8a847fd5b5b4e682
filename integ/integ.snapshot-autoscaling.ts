/**
 * integ.snapshot-autoscaling (snapshot only): managed Karpenter autoscaling, with tiered
 * checkpointing, an AMI release with auto-patching and an OnInitComplete lifecycle script.
 *
 * What it proves: the cluster has `AutoScaling { Mode: Enable, AutoScalerType: Karpenter }`
 * and a `ClusterRole` that trusts `hyperpod.sagemaker.amazonaws.com` and may add and remove
 * nodes only of clusters tagged with this stack's id; the autoscaled group "gpu" sends
 * `InstanceCount: Fn::GetAtt [<scale-down resource>, Count.gpu]` (the count the autoscaler set,
 * read before every cluster update; the scale-down resource carries a `ClusterConfig`
 * fingerprint for that) while "system" sends its template count; `TieredStorageConfig`,
 * `ImageReleaseVersion`, `AutoPatchConfig` and `LifeCycleConfig.OnInitComplete` render as
 * CloudFormation takes them. A real deployment needs GPU capacity and Karpenter's Kubernetes
 * objects, which this project cannot assume: it is never deployed (see support/snapshot-only.ts).
 *
 * Verify: `npx projen integ` compares the synthesized templates with
 * integ.snapshot-autoscaling.ts.snapshot/ and prints a diff on any change. By hand, open
 * integ.snapshot-autoscaling.ts.snapshot/HyperPodSnapshotAutoscaling.template.json and look at
 * the cluster's `AutoScaling`, `ClusterRole` and the "gpu" group's `InstanceCount`.
 */
import * as path from 'path';
import { HyperPodEksCluster, InstanceType, LifecycleScripts, PatchingStrategy, RollingUpdateBatchSize } from '../src';
import { snapshotOnlyTest, snapshotStack } from './support/snapshot-only';

const { app, stack, eksCluster } = snapshotStack('HyperPodSnapshotAutoscaling');

const cluster = new HyperPodEksCluster(stack, 'HyperPod', {
  eksCluster,
  autoScaling: {},
  tieredStorage: { memoryPercentage: 20 },
});
cluster.addInstanceGroup('System', { instanceGroupName: 'system', instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 2 });
cluster.addInstanceGroup('Gpu', {
  instanceGroupName: 'gpu',
  instanceType: InstanceType.ML_G5_8XLARGE,
  instanceCount: 0,
  autoscaled: true,
  imageReleaseVersion: '1.2.3',
  autoPatch: { strategy: PatchingStrategy.WHEN_IDLE, maximumBatchSize: RollingUpdateBatchSize.percentage(25) },
  lifecycleScripts: LifecycleScripts.fromAsset(path.join(__dirname, '..', 'lifecycle', 'eks'), { onInitComplete: 'on_create.sh' }),
});

snapshotOnlyTest(app, 'HyperPodSnapshotAutoscalingTest', stack);
app.synth();
