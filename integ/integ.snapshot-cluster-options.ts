/**
 * integ.snapshot-cluster-options (snapshot only): cluster-level options turned away from their defaults.
 *
 * What it proves: with `scaleDown: { enabled: false }` there is no `Custom::HyperPodScaleDown`
 * and no provider (SageMaker picks the nodes when a count goes down); `nodeRecovery:
 * NodeRecovery.NONE` renders `NodeRecovery: None`; a fixed `clusterName` is used as is;
 * `tags` reach the cluster and the resources the construct creates; `removalPolicy:
 * RemovalPolicy.RETAIN` gives the cluster `DeletionPolicy: Retain`; and a given security group
 * replaces the construct's own. It is never deployed (see support/snapshot-only.ts).
 *
 * Verify: `npx projen integ` compares the synthesized templates with
 * integ.snapshot-cluster-options.ts.snapshot/ and prints a diff on any change. By hand, open
 * integ.snapshot-cluster-options.ts.snapshot/HyperPodSnapshotClusterOptions.template.json:
 * `ClusterName` "integ-options", `NodeRecovery` "None", `DeletionPolicy` "Retain", no
 * Custom::HyperPodScaleDown, no AWS::EC2::SecurityGroup.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { HyperPodEksCluster, InstanceType, NodeRecovery } from '../src';
import { snapshotOnlyTest, snapshotStack } from './support/snapshot-only';

const { app, stack, eksCluster } = snapshotStack('HyperPodSnapshotClusterOptions');

new HyperPodEksCluster(stack, 'HyperPod', {
  eksCluster,
  clusterName: 'integ-options',
  nodeRecovery: NodeRecovery.NONE,
  scaleDown: { enabled: false },
  removalPolicy: RemovalPolicy.RETAIN,
  securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'NodeSg', 'sg-0fedcba9876543210')],
  tags: { team: 'ml-platform', env: 'integ' },
  instanceGroups: [{ instanceGroupName: 'workers', instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 2 }],
});

snapshotOnlyTest(app, 'HyperPodSnapshotClusterOptionsTest', stack);
app.synth();
