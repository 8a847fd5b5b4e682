/**
 * integ.snapshot-groups (snapshot only): a cluster with several instance groups.
 *
 * What it proves: the template a reviewer sees when a cluster has three groups with different
 * settings: one from the `instanceGroups` prop, one GPU group with a secondary EBS volume, deep
 * health checks, Kubernetes labels and taints, `minInstanceCount`, `threadsPerCore` and its
 * own scale-down order and chunk size, and one flexible group (`instanceRequirements`) with its
 * own execution role. Every group is rendered into `InstanceGroups` of the one
 * `AWS::SageMaker::Cluster`, and into `InstanceGroups` of `Custom::HyperPodScaleDown`; the
 * groups share one lifecycle-script deployment. It is never deployed (see support/snapshot-only.ts).
 *
 * Verify: `npx projen integ` compares the synthesized templates with
 * integ.snapshot-groups.ts.snapshot/ and prints a diff on any change. By hand, open
 * integ.snapshot-groups.ts.snapshot/HyperPodSnapshotGroups.template.json and look at the
 * `AWS::SageMaker::Cluster` resource: three entries in `InstanceGroups` (system, gpu, flex).
 */
import { Size } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DeepHealthCheck, HyperPodEksCluster, InstanceType, ScaleDownOrder, TaintEffect } from '../src';
import { snapshotOnlyTest, snapshotStack } from './support/snapshot-only';

const { app, stack, eksCluster } = snapshotStack('HyperPodSnapshotGroups');

const cluster = new HyperPodEksCluster(stack, 'HyperPod', {
  eksCluster,
  instanceGroups: [{ instanceGroupName: 'system', instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 2 }],
});
cluster.addInstanceGroup('Gpu', {
  instanceType: InstanceType.ML_G5_8XLARGE,
  instanceCount: 4,
  minInstanceCount: 2,
  threadsPerCore: 1,
  ebsVolumeSize: Size.gibibytes(500),
  deepHealthChecks: [DeepHealthCheck.INSTANCE_STRESS, DeepHealthCheck.INSTANCE_CONNECTIVITY],
  labels: { 'example.com/role': 'training' },
  taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: TaintEffect.NO_SCHEDULE }],
  scaleDown: { order: ScaleDownOrder.OLDEST_FIRST, chunkSize: 50 },
});
cluster.addInstanceGroup('Flex', {
  instanceRequirements: [InstanceType.ML_G6E_12XLARGE, InstanceType.ML_G5_12XLARGE],
  instanceCount: 2,
  executionRole: new iam.Role(stack, 'FlexRole', {
    assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSageMakerClusterInstanceRolePolicy')],
  }),
});

snapshotOnlyTest(app, 'HyperPodSnapshotGroupsTest', stack);
app.synth();
