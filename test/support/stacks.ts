import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import { HyperPodEksCluster, HyperPodEksClusterProps, InstanceType } from '../../src';

/**
 * An app for template tests: no creation stack traces, and no asset staging (templates are the
 * same; the assets, among them aws-s3-deployment's 57 MB CLI layer, are not copied into a new
 * temporary cdk.out for every app).
 */
export function testApp(context: Record<string, unknown> = {}): App {
  return new App({ context: { 'aws:cdk:disable-creation-stack-traces': true, 'aws:cdk:disable-asset-staging': true, ...context } });
}

/** A stack with a VPC and an imported EKS cluster: cheap to synthesize, enough for most tests. */
export function testStack(): { app: App; stack: Stack; vpc: ec2.Vpc; eksCluster: eks.ICluster } {
  const app = testApp();
  const stack = new Stack(app, 'TestStack', { env: { account: '123456789012', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const eksCluster = eks.Cluster.fromClusterAttributes(stack, 'Eks', {
    clusterName: 'ml-eks',
    vpc,
    clusterSecurityGroupId: 'sg-0123456789abcdef0',
  });
  return { app, stack, vpc, eksCluster };
}

/** A cluster with one small group, with extra props. */
export function testCluster(props: Partial<HyperPodEksClusterProps> = {}) {
  const env = testStack();
  const cluster = new HyperPodEksCluster(env.stack, 'HyperPod', {
    eksCluster: env.eksCluster,
    instanceGroups: [{ instanceGroupName: 'workers', instanceType: InstanceType.ML_T3_MEDIUM, instanceCount: 2 }],
    ...props,
  });
  return { ...env, cluster };
}
