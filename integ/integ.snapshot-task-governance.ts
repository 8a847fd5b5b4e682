/**
 * integ.snapshot-task-governance (snapshot only): task governance of a HyperPod cluster.
 *
 * What it proves: a `ClusterSchedulerConfig` renders `AWS::SageMaker::ClusterSchedulerConfig`
 * with the cluster's ARN, three priority classes, `FairShare: Enabled` and
 * `IdleResourceSharing: Enabled`; two `ComputeQuota`s render `AWS::SageMaker::ComputeQuota`:
 * "training" with whole instances, a fair-share weight, `LendAndBorrow` with a borrow limit and
 * an absolute cap, and "inference" with accelerators, vCPUs and memory, `Lend` only, and no
 * preemption within the team. Each team's namespace (`hyperpod-ns-<team>`) is a stack output.
 * The task governance add-on is not part of this stack. It is never deployed (see
 * support/snapshot-only.ts).
 *
 * Verify: `npx projen integ` compares the synthesized templates with
 * integ.snapshot-task-governance.ts.snapshot/ and prints a diff on any change. By hand, open
 * integ.snapshot-task-governance.ts.snapshot/HyperPodSnapshotTaskGovernance.template.json and
 * look at the resources of type `AWS::SageMaker::ClusterSchedulerConfig` and
 * `AWS::SageMaker::ComputeQuota`, and at `Outputs`.
 */
import { CfnOutput, Size } from 'aws-cdk-lib';
import {
  ClusterSchedulerConfig, ComputeQuota, HyperPodEksCluster, InstanceType, ResourceSharingStrategy, TeamTaskPreemption,
} from '../src';
import { snapshotOnlyTest, snapshotStack } from './support/snapshot-only';

const { app, stack, eksCluster } = snapshotStack('HyperPodSnapshotTaskGovernance');

const cluster = new HyperPodEksCluster(stack, 'HyperPod', { eksCluster });
cluster.addInstanceGroup('Gpu', { instanceGroupName: 'gpu', instanceType: InstanceType.ML_G5_8XLARGE, instanceCount: 4 });
cluster.addInstanceGroup('Gpu12', { instanceGroupName: 'gpu-12', instanceType: InstanceType.ML_G5_12XLARGE, instanceCount: 2 });

new ClusterSchedulerConfig(cluster, 'SchedulerConfig', {
  cluster,
  schedulerConfigName: 'ml-cluster-policy',
  description: 'Inference first, then training, then experiments',
  priorityClasses: [
    { name: 'inference', weight: 100 },
    { name: 'training', weight: 70 },
    { name: 'experiments', weight: 10 },
  ],
  fairShare: true,
  idleResourceSharing: true,
});

const training = new ComputeQuota(cluster, 'Training', {
  cluster,
  teamName: 'training',
  fairShareWeight: 60,
  resources: [{ instanceType: InstanceType.ML_G5_8XLARGE, count: 3 }],
  resourceSharing: {
    strategy: ResourceSharingStrategy.LEND_AND_BORROW,
    borrowLimit: 100,
    absoluteBorrowLimits: [{ instanceType: InstanceType.ML_G5_12XLARGE, accelerators: 4 }],
  },
});

const inference = new ComputeQuota(cluster, 'Inference', {
  cluster,
  teamName: 'inference',
  computeQuotaName: 'inference-quota',
  fairShareWeight: 40,
  resources: [
    { instanceType: InstanceType.ML_G5_8XLARGE, count: 1 },
    { instanceType: InstanceType.ML_G5_12XLARGE, accelerators: 4, vCpu: 48, memory: Size.gibibytes(192) },
  ],
  resourceSharing: { strategy: ResourceSharingStrategy.LEND },
  preemptTeamTasks: TeamTaskPreemption.NEVER,
});

for (const quota of [training, inference]) {
  new CfnOutput(stack, `${quota.node.id}Namespace`, { value: quota.teamNamespace });
}

snapshotOnlyTest(app, 'HyperPodSnapshotTaskGovernanceTest', stack);
app.synth();
