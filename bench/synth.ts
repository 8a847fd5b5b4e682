// Synth time (build + app.synth()) as ratios of interleaved runs in one process: after warm-up,
// the two sides of a comparison alternate (A, B, A, B, ...), each B run is divided by the A run
// next to it, and the median of those paired ratios is printed (with min and max), so that load
// on the machine, which drifts over seconds, cancels out. A benchmark, not a test.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import { App, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as cr from 'aws-cdk-lib/custom-resources';
import { HyperPodEksCluster, InstanceType } from '../src';
import { HyperPodProvider } from '../src/private/custom-resources/provider';

const GROUPS = 20;
/** The most groups a cluster may have. */
const MANY = 100;
const WARMUP = 3;
const PAIRS = 21;
const LIFECYCLE = path.join(__dirname, '..', 'lifecycle', 'eks');
/** The library's handler bundles (`npx projen bundle`, which `npm run bench` runs first). */
const HANDLERS = path.join(__dirname, '..', 'assets', 'handlers');

function base(): { app: App; stack: Stack; vpc: ec2.Vpc; eksCluster: eks.ICluster } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
  const app = new App({ outdir, context: { 'aws:cdk:disable-creation-stack-traces': true } });
  const stack = new Stack(app, 'Bench', { env: { account: '123456789012', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const eksCluster = eks.Cluster.fromClusterAttributes(stack, 'Eks', { clusterName: 'ml', vpc, clusterSecurityGroupId: 'sg-0123456789abcdef0' });
  return { app, stack, vpc, eksCluster };
}

interface L2Options {
  /** Scale-down and preflight (the default), which add the library's Provider and two custom resources. */
  readonly customResources: boolean;
  readonly groups: number;
  /** Every group waits for one Running node. */
  readonly wait?: boolean;
  /** Adds by hand, per group, a custom resource like a capacity wait on the same Provider (no fingerprint). */
  readonly plainResources?: boolean;
}

/** Groups of 4 ml.g5.8xlarge through the L2. */
function withL2(options: L2Options): App {
  const { app, stack, eksCluster } = base();
  const enabled = options.customResources;
  const cluster = new HyperPodEksCluster(stack, 'HyperPod', { eksCluster, scaleDown: { enabled }, preflight: { enabled } });
  for (let i = 0; i < options.groups; i++) {
    cluster.addInstanceGroup(`Group${i}`, {
      instanceType: InstanceType.ML_G5_8XLARGE,
      instanceCount: 4,
      waitForCapacity: options.wait ? { runningNodes: 1 } : undefined,
    });
  }
  if (options.plainResources) {
    const serviceToken = HyperPodProvider.getOrCreate(stack, 'capacity').serviceToken;
    for (let i = 0; i < options.groups; i++) {
      new CustomResource(stack, `Plain${i}`, {
        serviceToken,
        resourceType: 'Custom::HyperPodCapacity',
        properties: { ClusterName: cluster.clusterName, InstanceGroupName: `group${i}`, RunningNodes: 1, MaxFailures: 5, TimeoutSeconds: 1740 },
      }).node.addDependency(cluster.node.defaultChild!);
    }
  }
  return app;
}

/**
 * The same resources written by hand: CfnCluster, role, security group, bucket deployment; with
 * `provider`, also what scale-down and preflight add: a cr.Provider over two functions (onEvent,
 * isComplete) of the library's bundles, and two custom resources the cluster depends on.
 */
function byHand(provider: boolean): App {
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
  const names = Array.from({ length: GROUPS }, (_, i) => `group${i}`);
  const cluster = new sagemaker.CfnCluster(stack, 'Cluster', {
    clusterName: 'bench',
    nodeProvisioningMode: 'Continuous',
    nodeRecovery: 'Automatic',
    orchestrator: { eks: { clusterArn: eksCluster.clusterArn } },
    vpcConfig: { securityGroupIds: [sg.securityGroupId], subnets },
    instanceGroups: names.map((name) => ({
      instanceGroupName: name,
      instanceType: 'ml.g5.8xlarge',
      instanceCount: 4,
      executionRole: role.roleArn,
      lifeCycleConfig: { sourceS3Uri: `s3://${bucket.bucketName}/lifecycle/`, onCreate: 'on_create.sh' },
    })),
  });
  cluster.node.addDependency(deployment);
  if (provider) {
    const handler = (id: string, bundle: string) => new lambda.Function(stack, id, {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(HANDLERS, bundle)),
      timeout: Duration.minutes(5),
      memorySize: 256,
    });
    const onEvent = handler('OnEvent', 'on-event.lambda');
    const isComplete = handler('IsComplete', 'is-complete.lambda');
    const clusters = [stack.formatArn({ service: 'sagemaker', resource: 'cluster', resourceName: '*' })];
    for (const fn of [onEvent, isComplete]) {
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sagemaker:DescribeCluster', 'sagemaker:ListClusterNodes', 'sagemaker:ListTags'], resources: clusters }));
      fn.addToRolePolicy(new iam.PolicyStatement({
        actions: ['sagemaker:BatchDeleteClusterNodes'], resources: clusters, conditions: { StringEquals: { 'aws:ResourceTag/owner': stack.stackId } },
      }));
      fn.addToRolePolicy(new iam.PolicyStatement({
        actions: ['eks:DescribeCluster', 'eks:ListAddons', 'eks:DescribeAddon'],
        resources: ['cluster', 'addon'].map((resource) => stack.formatArn({ service: 'eks', resource, resourceName: '*' })),
      }));
    }
    const { serviceToken } = new cr.Provider(stack, 'Provider', {
      onEventHandler: onEvent, isCompleteHandler: isComplete, queryInterval: Duration.seconds(30), totalTimeout: Duration.hours(1),
    });
    const scaleDown = new CustomResource(stack, 'ScaleDown', {
      serviceToken,
      resourceType: 'Custom::HyperPodScaleDown',
      properties: { ClusterName: 'bench', InstanceGroups: names.map((name) => ({ InstanceGroupName: name, InstanceCount: 4 })) },
    });
    const preflight = new CustomResource(stack, 'Preflight', {
      serviceToken, resourceType: 'Custom::HyperPodPreflight', properties: { EksClusterName: eksCluster.clusterName },
    });
    cluster.node.addDependency(scaleDown, preflight);
  }
  return app;
}

// A full collection before each run, so that no run pays for the garbage of the one before.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** ms to build and synthesize one app (its output is deleted). */
function timeSynth(build: () => App): number {
  gc();
  const start = process.hrtime.bigint();
  const app = build();
  app.synth();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  fs.rmSync(app.outdir, { recursive: true, force: true });
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs `a` and `b` alternately after warm-up and prints `b`/`a`: median of the paired ratios, min and max. */
function compare(label: string, a: () => App, b: () => App, note = ''): void {
  for (let i = 0; i < WARMUP; i++) {
    timeSynth(a);
    timeSynth(b);
  }
  const times: Array<[number, number]> = [];
  for (let i = 0; i < PAIRS; i++) {
    times.push([timeSynth(a), timeSynth(b)]);
  }
  const ratios = times.map(([ta, tb]) => tb / ta);
  console.log(`  ${label}`);
  console.log(`    ratio ${median(ratios).toFixed(2)} (min ${Math.min(...ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)});`
    + ` medians ${median(times.map(([, tb]) => tb)).toFixed(0)} / ${median(times.map(([ta]) => ta)).toFixed(0)} ms${note}`);
}

/** Prints the synth-time comparisons. */
export function benchSynth(): void {
  console.log(`Synth time (build + app.synth()): median of ${PAIRS} paired ratios of interleaved runs, after ${WARMUP} warm-up pairs`);
  compare(`${GROUPS} groups, HyperPodEksCluster with scale-down and preflight off / the same resources by hand:`,
    () => byHand(false), () => withL2({ customResources: false, groups: GROUPS }), '  (target <= 1.2)');
  compare(`${GROUPS} groups, HyperPodEksCluster with scale-down and preflight on (the default) / by hand with a cr.Provider`
    + ' (onEvent, isComplete) and two custom resources:',
  () => byHand(true), () => withL2({ customResources: true, groups: GROUPS }), '  (target <= 1.2)');
  compare(`${MANY} groups each with waitForCapacity { runningNodes: 1 } / ${MANY} groups without (both HyperPodEksCluster, defaults):`,
    () => withL2({ customResources: true, groups: MANY }), () => withL2({ customResources: true, groups: MANY, wait: true }),
    '  (2.8 when every wait computed the fingerprint)');
  compare(`${MANY} groups each with waitForCapacity / ${MANY} groups without plus ${MANY} plain custom resources on the same Provider`
    + ' (the waits\' own cost beyond their resources):',
  () => withL2({ customResources: true, groups: MANY, plainResources: true }), () => withL2({ customResources: true, groups: MANY, wait: true }));
}

if (require.main === module) {
  benchSynth();
}
