// Shared by the snapshot-only integration tests (integ.snapshot-*.ts). Not a test itself:
// integ-runner only runs files named integ.*.ts.
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';

/** What `snapshotStack` builds. */
export interface SnapshotStack {
  readonly app: App;
  readonly stack: Stack;
  readonly vpc: ec2.IVpc;
  readonly eksCluster: eks.ICluster;
}

/**
 * An app and a stack with an imported VPC (three private subnets in three AZs) and an imported
 * EKS cluster: cheap to synthesize, and the template holds only what hyperpod-cdk creates, so
 * a snapshot diff shows exactly the library's change. The stack is environment-agnostic, as
 * integ-runner asks (it warns about stacks pinned to a Region).
 */
export function snapshotStack(stackId: string): SnapshotStack {
  const app = new App({ context: { 'aws:cdk:disable-creation-stack-traces': true } });
  const stack = new Stack(app, stackId);
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2', 'subnet-0ccccccccccccccc3'],
    privateSubnetRouteTableIds: ['rtb-0aaaaaaaaaaaaaaa1', 'rtb-0bbbbbbbbbbbbbbb2', 'rtb-0ccccccccccccccc3'],
  });
  const eksCluster = eks.Cluster.fromClusterAttributes(stack, 'Eks', {
    clusterName: 'integ-eks',
    vpc,
    clusterSecurityGroupId: 'sg-0123456789abcdef0',
  });
  return { app, stack, vpc, eksCluster };
}

/**
 * Registers `stacks` as a snapshot-only test: integ-runner compares their templates with the
 * committed snapshot, and a run against a real account (`integ:deploy`, `--force`) synthesizes
 * them but neither deploys nor destroys them (`cdkCommandOptions`). No update workflow: there
 * is nothing deployed to update.
 */
export function snapshotOnlyTest(app: App, id: string, ...stacks: Stack[]): IntegTest {
  return new IntegTest(app, id, {
    testCases: stacks,
    stackUpdateWorkflow: false,
    cdkCommandOptions: {
      deploy: { enabled: false },
      destroy: { enabled: false },
    },
  });
}
