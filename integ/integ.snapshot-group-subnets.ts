/**
 * integ.snapshot-group-subnets (snapshot only): per-group subnets and security groups.
 *
 * What it proves: the cluster's `VpcConfig` uses the three private subnets of the VPC, while
 * one group overrides them with the subnet of a single Availability Zone and another brings its
 * own security group: each becomes that group's `OverrideVpcConfig`, and the default execution
 * role's network-interface permissions grow by the override's subnets. A group without
 * overrides has no `OverrideVpcConfig`. It is never deployed (see support/snapshot-only.ts).
 *
 * Verify: `npx projen integ` compares the synthesized templates with
 * integ.snapshot-group-subnets.ts.snapshot/ and prints a diff on any change. By hand, open
 * integ.snapshot-group-subnets.ts.snapshot/HyperPodSnapshotGroupSubnets.template.json: group
 * "zone-b" has `OverrideVpcConfig.Subnets` ["subnet-0bbbbbbbbbbbbbbb2"], group "own-sg" has the
 * cluster's subnets with the security group sg-0fedcba9876543210.
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { HyperPodEksCluster, InstanceType } from '../src';
import { snapshotOnlyTest, snapshotStack } from './support/snapshot-only';

const { app, stack, eksCluster } = snapshotStack('HyperPodSnapshotGroupSubnets');

const cluster = new HyperPodEksCluster(stack, 'HyperPod', { eksCluster });
cluster.addInstanceGroup('Default', { instanceGroupName: 'default', instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 1 });
cluster.addInstanceGroup('ZoneB', {
  instanceGroupName: 'zone-b',
  instanceType: InstanceType.ML_G5_8XLARGE,
  instanceCount: 2,
  vpcSubnets: { availabilityZones: ['us-east-1b'] },
});
cluster.addInstanceGroup('OwnSg', {
  instanceGroupName: 'own-sg',
  instanceType: InstanceType.ML_M5_XLARGE,
  instanceCount: 1,
  securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'OwnSg', 'sg-0fedcba9876543210')],
});

snapshotOnlyTest(app, 'HyperPodSnapshotGroupSubnetsTest', stack);
app.synth();
