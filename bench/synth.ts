import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { HyperPodEksCluster, InstanceType } from '../src';

const GROUPS = 20;
const RUNS = 5;
const LIFECYCLE = path.join(__dirname, '..', 'lifecycle', 'eks');

function base(): { app: App; stack: Stack; vpc: ec2.Vpc; eksCluster: eks.ICluster } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
  const app = new App({ outdir, context: { 'aws:cdk:disable-creation-stack-traces': true } });
  const stack = new Stack(app, 'Bench', { env: { account: '123456789012', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const eksCluster = eks.Cluster.fromClusterAttributes(stack, 'Eks', { clusterName: 'ml', vpc, clusterSecurityGroupId: 'sg-0123456789abcdef0' });
  return { app, stack, vpc, eksCluster };
}

/** 20 groups through the L2. */
function withL2(scaleDown: boolean): App {
  const { app, stack, eksCluster } = base();
  const cluster = new HyperPodEksCluster(stack, 'HyperPod', {
    eksCluster, scaleDown: { enabled: scaleDown }, preflight: { enabled: scaleDown },
  });
  for (let i = 0; i < GROUPS; i++) {
    cluster.addInstanceGroup(`Group${i}`, { instanceType: InstanceType.ML_G5_8XLARGE, instanceCount: 4 });
  }
  return app;
}

/** The same resources written by hand: CfnCluster, role, security group, bucket deployment. */
function byHand(): App {
  const { app, stack, vpc, eksCluster } = base();
  const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc, allowAllOutbound: true });
  sg.addIngressRule(sg, ec2.Port.allTraffic());
  new ec2.CfnSecurityGroupEgress(stack, 'SelfEgress', { groupId: sg.securityGroupId, destinationSecurityGroupId: sg.securityGroupId, ipProtocol: '-1' });
  sg.connections.allowFrom(eksCluster.clusterSecurityGroup, ec2.Port.allTraffic());
  eksCluster.clusterSecurityGroup.addIngressRule(sg, ec2.Port.allTraffic());
  const role = new iam.Role(stack, 'Role', {
    assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSageMakerClusterInstanceRolePolicy')],
  });
  const subnets = vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds;
  role.addToPolicy(new iam.PolicyStatement({
    actions: ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface'],
    resources: [...subnets.map((id) => stack.formatArn({ service: 'ec2', resource: 'subnet', resourceName: id })), sg.securityGroupId],
  }));
  role.addToPolicy(new iam.PolicyStatement({ actions: ['ec2:Describe*', 'ecr:BatchGetImage'], resources: ['*'] }));
  const bucket = new s3.Bucket(stack, 'Bucket', { enforceSSL: true, encryption: s3.BucketEncryption.S3_MANAGED, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL });
  const deployment = new s3deploy.BucketDeployment(stack, 'Scripts', { sources: [s3deploy.Source.asset(LIFECYCLE)], destinationBucket: bucket, destinationKeyPrefix: 'lifecycle/' });
  bucket.grantRead(role);
  const cluster = new sagemaker.CfnCluster(stack, 'Cluster', {
    clusterName: 'bench',
    nodeProvisioningMode: 'Continuous',
    nodeRecovery: 'Automatic',
    orchestrator: { eks: { clusterArn: eksCluster.clusterArn } },
    vpcConfig: { securityGroupIds: [sg.securityGroupId], subnets },
    instanceGroups: Array.from({ length: GROUPS }, (_, i) => ({
      instanceGroupName: `group${i}`,
      instanceType: 'ml.g5.8xlarge',
      instanceCount: 4,
      executionRole: role.roleArn,
      lifeCycleConfig: { sourceS3Uri: `s3://${bucket.bucketName}/lifecycle/`, onCreate: 'on_create.sh' },
    })),
  });
  cluster.node.addDependency(deployment);
  return app;
}

function medianMs(build: () => App): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const app = build();
    app.synth();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    fs.rmSync(app.outdir, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Prints the median synth time of a 20-group cluster through the L2 and by hand. */
export function benchSynth(): void {
  medianMs(byHand); // warm up module loading and caches for both
  medianMs(() => withL2(true));
  const hand = medianMs(byHand);
  const l2 = medianMs(() => withL2(true));
  const l2NoScaleDown = medianMs(() => withL2(false));
  console.log(`synth of a ${GROUPS}-group cluster, median of ${RUNS} runs (build + app.synth()):`);
  console.log(`  by hand (CfnCluster, role, security group, bucket deployment): ${hand.toFixed(1)} ms`);
  console.log(`  HyperPodEksCluster (scale-down and preflight on, the default):  ${l2.toFixed(1)} ms  ratio ${(l2 / hand).toFixed(2)}`);
  console.log(`  HyperPodEksCluster (both off, the same resources):             ${l2NoScaleDown.toFixed(1)} ms  ratio ${(l2NoScaleDown / hand).toFixed(2)}  (target <= 1.2)`);
}
