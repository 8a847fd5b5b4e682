// Shared by the deployable integration tests (integ.continuous-provisioning.ts,
// integ.scale-down.ts): the smallest stack that runs a HyperPod cluster in a real account.
// Not a test itself: integ-runner only runs files named integ.*.ts.
import { KubectlV32Layer } from '@aws-cdk/lambda-layer-kubectl-v32';
import { App, CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { HyperPodDependencies, HyperPodDependenciesProps, HyperPodEksCluster, InstanceGroupOptions, InstanceType } from '../../src';

/**
 * The instance type of the deployable tests: a small general-purpose type HyperPod accepts.
 * Your account needs the Service Quota "ml.m5.xlarge for cluster usage" (SageMaker) of at least 3.
 * To use another type, change it here and run `npx projen integ:update`.
 */
export const INTEG_INSTANCE_TYPE = InstanceType.ML_M5_XLARGE;

/** The app of an integration test. Creation stack traces would put absolute paths in the snapshot. */
export function integApp(): App {
  return new App({ context: { 'aws:cdk:disable-creation-stack-traces': true } });
}

/** What `deployableCluster` builds. */
export interface DeployableCluster {
  readonly stack: Stack;
  readonly hyperPod: HyperPodEksCluster;
  /** The EKS cluster (its name is the scale-down resource's `EksClusterName`: the groups drain). */
  readonly eksCluster: eks.Cluster;
}

/**
 * A VPC (2 AZs, 1 NAT gateway), an EKS 1.32 cluster (authentication mode API_AND_CONFIG_MAP,
 * no node groups) and a HyperPod cluster with one instance group of `instanceCount` nodes,
 * with the library's defaults otherwise (continuous provisioning, default lifecycle script,
 * targeted scale-down on). The stack is environment-agnostic: integ-runner deploys it to the
 * account and Region of the credentials it runs with.
 */
export function deployableCluster(app: App, stackId: string, groupName: string, instanceCount: number,
  groupOptions: Partial<InstanceGroupOptions> = {}, dependencies?: Omit<HyperPodDependenciesProps, 'eksCluster'>): DeployableCluster {
  const stack = new Stack(app, stackId);
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const eksCluster = new eks.Cluster(stack, 'Eks', {
    vpc,
    version: eks.KubernetesVersion.V1_32,
    kubectlLayer: new KubectlV32Layer(stack, 'Kubectl'),
    authenticationMode: eks.AuthenticationMode.API_AND_CONFIG_MAP,
    defaultCapacity: 0,
  });
  const hyperPod = new HyperPodEksCluster(stack, 'HyperPod', {
    eksCluster,
    dependencies: dependencies ? new HyperPodDependencies(stack, 'HyperPodDependencies', { eksCluster, ...dependencies }) : undefined,
    instanceGroups: [{ instanceGroupName: groupName, instanceType: INTEG_INSTANCE_TYPE, instanceCount, ...groupOptions }],
  });
  deleteLifecycleScriptsWithStack(hyperPod);
  return { stack, hyperPod, eksCluster };
}

/**
 * The construct keeps the lifecycle-script bucket and its objects when the stack is deleted
 * (`RemovalPolicy.RETAIN`, `retainOnDelete: true`), so scripts survive a mistaken delete. A test
 * must leave nothing behind: delete the objects with the deployment and the bucket with the stack.
 */
function deleteLifecycleScriptsWithStack(hyperPod: HyperPodEksCluster): void {
  const bucket = hyperPod.node.tryFindChild('LifecycleBucket');
  if (bucket instanceof s3.Bucket) {
    bucket.applyRemovalPolicy(RemovalPolicy.DESTROY);
    // The bucket is versioned (every script that ran stays readable): with versions left behind,
    // CloudFormation could not delete it. Unversioned here, the deployment's delete empties it.
    (bucket.node.defaultChild as s3.CfnBucket).addPropertyDeletionOverride('VersioningConfiguration');
  }
  const deployments = hyperPod.node.findAll()
    .filter((c: IConstruct): c is CfnResource => CfnResource.isCfnResource(c) && c.cfnResourceType === 'Custom::CDKBucketDeployment');
  for (const deployment of deployments) {
    deployment.addPropertyOverride('RetainOnDelete', false);
  }
}
