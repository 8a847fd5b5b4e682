import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/**
 * Every IAM statement this library writes, in one place, per feature.
 *
 * Sources: the AWS quick-setup execution role (aws/sagemaker-hyperpod-cluster-setup
 * `eks/cloudformation/sagemaker-iam-role-template.yaml`) and the HyperPod EKS prerequisites.
 */

/** The managed policy every HyperPod execution role carries (logs, metrics, SSM, `sagemaker-*` S3). */
export const EXECUTION_ROLE_MANAGED_POLICY = 'AmazonSageMakerClusterInstanceRolePolicy';

/** The service principal HyperPod nodes assume their execution role with. */
export const EXECUTION_ROLE_PRINCIPAL = 'sagemaker.amazonaws.com';

/** EC2 actions the VPC CNI on a node uses to manage its network interfaces. */
const ENI_ACTIONS = [
  'ec2:AssignPrivateIpAddresses',
  'ec2:CreateNetworkInterface',
  'ec2:CreateNetworkInterfacePermission',
  'ec2:DeleteNetworkInterface',
  'ec2:DeleteNetworkInterfacePermission',
  'ec2:ModifyNetworkInterfaceAttribute',
  'ec2:UnassignPrivateIpAddresses',
];

/** Read-only EC2 actions that take no resource ARN (they need `*`). */
const EC2_DESCRIBE_ACTIONS = [
  'ec2:DescribeDhcpOptions',
  'ec2:DescribeInstanceTypes',
  'ec2:DescribeInstances',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSubnets',
  'ec2:DescribeTags',
  'ec2:DescribeVpcs',
];

/**
 * Pulling images from ECR repositories that are not known at deploy time (EKS add-on images are
 * in AWS-owned accounts per Region; workload images are the user's), `ecr:GetAuthorizationToken`
 * (no resource ARN), and reading alarms (rolling updates), as AWS's quick-setup role grants.
 */
const IMAGE_PULL_ACTIONS = [
  'cloudwatch:DescribeAlarms',
  'ecr:BatchCheckLayerAvailability',
  'ecr:BatchGetImage',
  'ecr:GetAuthorizationToken',
  'ecr:GetDownloadUrlForLayer',
];

/** What the scale-down handler reads: counts, nodes, and the owner tag. */
export const SCALE_DOWN_READ_ACTIONS = [
  'sagemaker:DescribeCluster',
  'sagemaker:ListClusterNodes',
  'sagemaker:ListTags',
];

/** What the scale-down handler changes: only on clusters tagged with this stack's id. */
export const SCALE_DOWN_DELETE_ACTIONS = ['sagemaker:BatchDeleteClusterNodes'];

/** What the preflight check reads from the EKS cluster and its add-ons. */
export const PREFLIGHT_ACTIONS = ['eks:DescribeCluster', 'eks:ListAddons', 'eks:DescribeAddon'];

/**
 * What the drain before delete calls on AWS (the rest goes to the Kubernetes API, through the
 * EKS access entries): the endpoint and certificate of the EKS cluster.
 */
export const DRAIN_ACTIONS = ['eks:DescribeCluster'];

/** The drain's statement: `DRAIN_ACTIONS` on one EKS cluster. */
export function drainStatement(eksClusterArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: DRAIN_ACTIONS, resources: [eksClusterArn] });
}

/** What a capacity wait calls: cluster and node state, and events for its failure message. */
export const CAPACITY_WAIT_ACTIONS = [
  'sagemaker:DescribeCluster',
  'sagemaker:ListClusterNodes',
  'sagemaker:ListClusterEvents',
  'sagemaker:DescribeClusterEvent',
];

/**
 * What `grantDescribe` gives: the cluster, its nodes and its events, read only (what the
 * `hyperpod-cdk status` command and the console's cluster page call).
 */
export const CLUSTER_DESCRIBE_ACTIONS = [
  'sagemaker:DescribeCluster',
  'sagemaker:ListClusterNodes',
  'sagemaker:DescribeClusterNode',
  'sagemaker:ListClusterEvents',
  'sagemaker:DescribeClusterEvent',
];

/** What `grantNodeOperations` gives: reboot, replace and remove nodes. */
export const CLUSTER_NODE_OPERATION_ACTIONS = [
  'sagemaker:BatchRebootClusterNodes',
  'sagemaker:BatchReplaceClusterNodes',
  'sagemaker:BatchDeleteClusterNodes',
];

function ec2Arn(scope: IConstruct, resource: string, resourceName: string): string {
  return Stack.of(scope).formatArn({ service: 'ec2', resource, resourceName });
}

/** The network this role's nodes are placed in. */
export interface NodeNetwork {
  readonly vpcId: string;
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
}

/**
 * Statements an execution role of an EKS-orchestrated cluster needs for the node's network
 * interfaces (VPC CNI), image pulls and EKS Pod Identity. ENI changes are scoped to this
 * account's instances and interfaces, and to the VPC, subnets and security groups used.
 */
export function eksNodeStatements(scope: IConstruct, network: NodeNetwork, eksClusterArn: string): iam.PolicyStatement[] {
  const instances = ec2Arn(scope, 'instance', '*');
  const interfaces = ec2Arn(scope, 'network-interface', '*');
  return [
    new iam.PolicyStatement({
      sid: 'NodeNetworkInterfaces',
      actions: ENI_ACTIONS,
      resources: [
        instances,
        interfaces,
        ec2Arn(scope, 'vpc', network.vpcId),
        ...network.subnetIds.map((id) => ec2Arn(scope, 'subnet', id)),
        ...network.securityGroupIds.map((id) => ec2Arn(scope, 'security-group', id)),
      ],
    }),
    new iam.PolicyStatement({
      sid: 'AttachDetachNetworkInterfaces',
      actions: ['ec2:AttachNetworkInterface', 'ec2:DetachNetworkInterface'],
      resources: [instances, interfaces],
    }),
    new iam.PolicyStatement({
      sid: 'TagNetworkInterfaces',
      actions: ['ec2:CreateTags'],
      resources: [interfaces],
    }),
    new iam.PolicyStatement({ sid: 'DescribeNetwork', actions: EC2_DESCRIBE_ACTIONS, resources: ['*'] }),
    new iam.PolicyStatement({ sid: 'PullImages', actions: IMAGE_PULL_ACTIONS, resources: ['*'] }),
    new iam.PolicyStatement({
      sid: 'PodIdentity',
      actions: ['eks-auth:AssumeRoleForPodIdentity'],
      resources: [eksClusterArn],
    }),
  ];
}

/**
 * ENI statements for a further network (an instance group's `OverrideVpcConfig`), for a role
 * that already has `eksNodeStatements` for the cluster's network.
 */
export function extraNetworkStatement(scope: IConstruct, network: NodeNetwork): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ENI_ACTIONS,
    resources: [
      ...network.subnetIds.map((id) => ec2Arn(scope, 'subnet', id)),
      ...network.securityGroupIds.map((id) => ec2Arn(scope, 'security-group', id)),
    ],
  });
}

/** Read on the lifecycle-script folder: list the bucket, get the objects under the prefix. */
export function lifecycleReadStatements(bucketArn: string, prefix: string): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucketArn] }),
    new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`${bucketArn}/${prefix}*`] }),
  ];
}

/**
 * What an execution role needs for a customer managed KMS key of its nodes' EBS volumes (root
 * or secondary), per AWS's "Customer managed AWS KMS key encryption for SageMaker HyperPod":
 * `kms:CreateGrant`, only for grants to AWS resources (HyperPod creates grants for the volumes
 * when it adds, replaces or patches nodes), and `kms:DescribeKey`; plus the encrypt and decrypt
 * actions the role had before (what `IKey.grantEncryptDecrypt` gives), kept because the page's
 * policy text could not be read in full here and a node launch must not fail on a missing one.
 * The key policy must allow IAM policies of the account (the default key policy does) or name
 * the role.
 */
export function volumeKeyStatements(keyArn: string): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
      resources: [keyArn],
    }),
    new iam.PolicyStatement({
      actions: ['kms:CreateGrant'],
      resources: [keyArn],
      conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }),
    new iam.PolicyStatement({ actions: ['kms:DescribeKey'], resources: [keyArn] }),
  ];
}

/** Object writes and deletes on a bucket (every version, ACL, tag, retention, and replication into it). */
export const OBJECT_WRITE_ACTIONS = ['s3:DeleteObject*', 's3:PutObject*', 's3:Replicate*'];

/**
 * The lifecycle bucket's guard: HyperPod runs `OnCreate` as root on every new and recovered
 * node, so only `writerRoleArn` (the role of the stack's `aws-s3-deployment` handler) may
 * write or delete objects; every other principal of any account is denied, whatever its IAM
 * policies allow. (An account administrator can still change the bucket policy.)
 */
export function lifecycleBucketWriteGuard(bucketArn: string, writerRoleArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'OnlyTheDeploymentWritesLifecycleScripts',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: OBJECT_WRITE_ACTIONS,
    resources: [`${bucketArn}/*`],
    conditions: { ArnNotEquals: { 'aws:PrincipalArn': writerRoleArn } },
  });
}

/**
 * What the custom-resource Lambda functions may call for one use: `scaleDown` deletes nodes,
 * `capacity` reads events, `preflight` reads EKS clusters and their add-ons (any EKS cluster
 * and add-on of the stack's account and Region: the add-on ARN ends in an id EKS makes up).
 * SageMaker actions are scoped to the clusters of the stack's account and Region (a
 * cluster ARN holds an id that exists only after creation); deletes further to the clusters
 * that carry this stack's owner tag (`aws:ResourceTag`, which SageMaker's `cluster` resource
 * supports), so the role cannot remove nodes of any other cluster.
 *
 * @param ownerTagKey the tag the construct puts on its clusters, valued with `AWS::StackId`
 */
export function handlerStatements(scope: IConstruct, use: 'scaleDown' | 'capacity' | 'preflight', ownerTagKey: string): iam.PolicyStatement[] {
  if (use === 'preflight') {
    const eks = (resource: string) => Stack.of(scope).formatArn({ service: 'eks', resource, resourceName: '*' });
    return [new iam.PolicyStatement({ actions: PREFLIGHT_ACTIONS, resources: [eks('cluster'), eks('addon')] })];
  }
  const clusters = [Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'cluster', resourceName: '*' })];
  if (use === 'capacity') {
    return [new iam.PolicyStatement({ actions: CAPACITY_WAIT_ACTIONS, resources: clusters })];
  }
  return [
    new iam.PolicyStatement({ actions: SCALE_DOWN_READ_ACTIONS, resources: clusters }),
    new iam.PolicyStatement({
      actions: SCALE_DOWN_DELETE_ACTIONS,
      resources: clusters,
      conditions: { StringEquals: { [`aws:ResourceTag/${ownerTagKey}`]: Aws.STACK_ID } },
    }),
  ];
}
