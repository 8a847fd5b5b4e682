/**
 * integ.snapshot-multi-stack (snapshot only): the EKS cluster in a platform stack, two HyperPod
 * clusters in two team stacks.
 *
 * What it proves: an `aws-eks-v2` cluster created in `HyperPodSnapshotPlatform` is passed to
 * `HyperPodEksCluster`s in `HyperPodSnapshotTeamA` and `HyperPodSnapshotTeamB`. The app
 * synthesizes with no cycle: every security-group rule toward the EKS cluster security group
 * is a resource of the team stack, so the platform template names no team resource (the
 * team stacks import the cluster's ARN, subnets and security group; the platform stack
 * imports nothing). It is never deployed (see support/snapshot-only.ts).
 *
 * Verify: `npx projen integ` compares the three templates with
 * integ.snapshot-multi-stack.ts.snapshot/. By hand: HyperPodSnapshotPlatform.template.json has
 * no `AWS::EC2::SecurityGroupIngress` and no `Fn::ImportValue`; each team template has its own
 * ingress rule whose `GroupId` imports the platform's EKS cluster security group.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { HyperPodEksCluster, InstanceType } from '../src';
import { snapshotOnlyTest } from './support/snapshot-only';

const app = new App({ context: { 'aws:cdk:disable-creation-stack-traces': true } });
const platform = new Stack(app, 'HyperPodSnapshotPlatform');
const vpc = new ec2.Vpc(platform, 'Vpc', { maxAzs: 2, natGateways: 1 });
const eksCluster = new eks.Cluster(platform, 'Eks', {
  vpc,
  version: eks.KubernetesVersion.V1_32,
  defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
  defaultCapacity: 0,
});

const teams = ['TeamA', 'TeamB'].map((team) => {
  const stack = new Stack(app, `HyperPodSnapshot${team}`);
  new HyperPodEksCluster(stack, 'HyperPod', {
    eksCluster,
    instanceGroups: [{ instanceGroupName: 'workers', instanceType: InstanceType.ML_G5_8XLARGE, instanceCount: 2 }],
  });
  return stack;
});

snapshotOnlyTest(app, 'HyperPodSnapshotMultiStackTest', platform, ...teams);
app.synth();
