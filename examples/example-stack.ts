import { KubectlV32Layer } from '@aws-cdk/lambda-layer-kubectl-v32';
import { App, Size, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { DeepHealthCheck, HelmChartSource, HyperPodDependencies, HyperPodEksCluster, InstanceType } from '../src';

/**
 * Context key of the path of a local checkout of the HyperPod Helm chart, e.g.
 * `cdk deploy -c hyperpodHelmChart=../sagemaker-hyperpod-cli/helm_chart/HyperPodHelmChart`.
 * Without it the example synthesizes offline, without the chart (see README "Prerequisites").
 */
export const HELM_CHART_CONTEXT = 'hyperpodHelmChart';

/**
 * The example a user would copy: a VPC, an `aws-eks-v2` EKS cluster (authentication mode API),
 * HyperPod's EKS dependencies (the Pod Identity agent, cert-manager and the HyperPod training
 * operator as EKS add-ons, and the HyperPod Helm chart when its checkout is given), and a
 * HyperPod cluster with an accelerated group and a general-purpose group that use the
 * library's default lifecycle scripts. (The integ tests in integ/ cover `aws-eks` v1 clusters.)
 */
export class HyperPodExampleStack extends Stack {
  public readonly hyperPod: HyperPodEksCluster;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);

    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      flowLogs: { rejected: { trafficType: ec2.FlowLogTrafficType.REJECT } },
    });
    const chartPath: string | undefined = this.node.tryGetContext(HELM_CHART_CONTEXT);
    const eksCluster = new eks.Cluster(this, 'Eks', {
      vpc,
      version: eks.KubernetesVersion.V1_32,
      // the Helm chart is installed through kubectl
      ...(chartPath ? { kubectlProviderOptions: { kubectlLayer: new KubectlV32Layer(this, 'Kubectl') } } : {}),
      defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
      defaultCapacity: 0, // HyperPod nodes run the workloads
      clusterLogging: [
        eks.ClusterLoggingTypes.API, eks.ClusterLoggingTypes.AUDIT, eks.ClusterLoggingTypes.AUTHENTICATOR,
        eks.ClusterLoggingTypes.CONTROLLER_MANAGER, eks.ClusterLoggingTypes.SCHEDULER,
      ],
    });
    suppressEksFindings(eksCluster);

    const dependencies = new HyperPodDependencies(this, 'HyperPodDependencies', {
      eksCluster,
      trainingOperator: true, // with cert-manager and the Pod Identity agent it needs
      helmChart: chartPath ? { source: HelmChartSource.fromAsset(chartPath) } : undefined,
    });

    this.hyperPod = new HyperPodEksCluster(this, 'HyperPod', { eksCluster, dependencies });
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
    suppressBucketDeploymentFindings(this);
  }
}

/**
 * cdk-nag findings of aws-s3-deployment's handler (`Custom::CDKBucketDeployment...`), which
 * deploys the lifecycle scripts. It is one function per stack, shared by every
 * `BucketDeployment` in it (yours too), so hyperpod-cdk leaves its findings to you: these
 * suppressions name each finding of the lifecycle-script deployment.
 */
function suppressBucketDeploymentFindings(stack: Stack): void {
  const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (!handler) return;
  NagSuppressions.addResourceSuppressions(handler, [
    {
      id: 'AwsSolutions-IAM4',
      reason: 'aws-s3-deployment\'s handler writes its logs with AWSLambdaBasicExecutionRole',
      appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason: 'aws-s3-deployment reads the asset from the CDK assets bucket and syncs it into the lifecycle-script bucket '
        + '(grantRead and grantReadWrite of the whole buckets)',
      appliesTo: [
        'Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*', 'Action::s3:DeleteObject*', 'Action::s3:Abort*',
        'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
        { regex: '/^Resource::<HyperPodLifecycleBucket[0-9A-F]{8}\\.Arn>\\/\\*$/' },
      ],
    },
    { id: 'AwsSolutions-L1', reason: 'aws-s3-deployment (aws-cdk-lib) chooses its handler\'s runtime' },
  ], true);
}

/**
 * cdk-nag findings of the EKS cluster: these belong to the example's EKS setup (aws-cdk-lib's
 * cluster role and endpoint), not to hyperpod-cdk.
 */
function suppressEksFindings(eksCluster: eks.Cluster): void {
  NagSuppressions.addResourceSuppressions(eksCluster, [
    { id: 'AwsSolutions-EKS1', reason: 'The example keeps the public API endpoint so kubectl works from a laptop; restrict it with endpointAccess in production' },
    {
      id: 'AwsSolutions-IAM4',
      reason: 'aws-eks-v2 gives the cluster role the AmazonEKS* managed policies that EKS documents for it',
      appliesTo: [{ regex: '/^Policy::arn:<AWS::Partition>:iam::aws:policy\\/AmazonEKS/' }],
    },
  ], true);
}

/** The app, as `cdk synth` runs it. Creation stack traces would put absolute paths in metadata. */
export function exampleApp(outdir?: string): App {
  const app = new App({ outdir, context: { 'aws:cdk:disable-creation-stack-traces': true } });
  new HyperPodExampleStack(app, 'HyperPodExample');
  return app;
}
