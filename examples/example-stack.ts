import { KubectlV32Layer } from '@aws-cdk/lambda-layer-kubectl-v32';
import { App, Size, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import { Construct } from 'constructs';
import { DeepHealthCheck, HyperPodEksCluster, InstanceType } from '../src';

/**
 * The example a user would copy: a VPC, an EKS cluster in API_AND_CONFIG_MAP mode, and a
 * HyperPod cluster with an accelerated group and a general-purpose group that use the
 * library's default lifecycle scripts.
 */
export class HyperPodExampleStack extends Stack {
  public readonly hyperPod: HyperPodEksCluster;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);

    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const eksCluster = new eks.Cluster(this, 'Eks', {
      vpc,
      version: eks.KubernetesVersion.V1_32,
      kubectlLayer: new KubectlV32Layer(this, 'Kubectl'),
      authenticationMode: eks.AuthenticationMode.API_AND_CONFIG_MAP,
      defaultCapacity: 0, // HyperPod nodes run the workloads
    });

    this.hyperPod = new HyperPodEksCluster(this, 'HyperPod', { eksCluster });
    this.hyperPod.addInstanceGroup('Accelerated', {
      instanceType: InstanceType.ML_G5_8XLARGE,
      instanceCount: 2,
      ebsVolumeSize: Size.gibibytes(500),
      deepHealthChecks: [DeepHealthCheck.INSTANCE_STRESS, DeepHealthCheck.INSTANCE_CONNECTIVITY],
      labels: { 'example.com/role': 'training' },
    });
    this.hyperPod.addInstanceGroup('General', {
      instanceType: InstanceType.ML_M5_2XLARGE,
      instanceCount: 2,
    });
  }
}

/** The app, as `cdk synth` runs it. Creation stack traces would put absolute paths in metadata. */
export function exampleApp(outdir?: string): App {
  const app = new App({ outdir, context: { 'aws:cdk:disable-creation-stack-traces': true } });
  new HyperPodExampleStack(app, 'HyperPodExample');
  return app;
}
