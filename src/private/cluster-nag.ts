import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { suppressNag } from './nag';

/**
 * cdk-nag findings on resources a `HyperPodEksCluster` creates that are the construct's own
 * deliberate choices. Recorded on the resources when they are created (cdk-nag runs as an
 * aspect, before validation), so users of the construct inherit them.
 */

export function suppressExecutionRoleFindings(role: IConstruct): void {
  suppressNag(role, [
    {
      id: 'AwsSolutions-IAM4',
      reason: 'AmazonSageMakerClusterInstanceRolePolicy is the policy AWS documents for HyperPod execution roles (logs, metrics, SSM)',
      appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSageMakerClusterInstanceRolePolicy'],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason: 'The VPC CNI on each node manages ENIs of instances and interfaces that do not exist at deploy time; EC2 Describe*, ECR pulls and GetAuthorizationToken take no resource ARN; lifecycle scripts are read by prefix',
    },
  ], true);
}

export function suppressLifecycleBucketFindings(bucket: IConstruct): void {
  suppressNag(bucket, [{
    id: 'AwsSolutions-S1',
    reason: 'The bucket holds only lifecycle scripts written by CloudFormation from the template; access logs would need another bucket',
  }], true);
}

/** aws-s3-deployment puts its handler at stack level, as a singleton. */
export function suppressBucketDeploymentFindings(deployment: IConstruct, handlerRole: IConstruct): void {
  const handler = Stack.of(deployment).node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  const suppressions = [
    {
      id: 'AwsSolutions-IAM4',
      reason: 'aws-s3-deployment handler (aws-cdk-lib) writes its logs with AWSLambdaBasicExecutionRole',
      appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
    },
    { id: 'AwsSolutions-IAM5', reason: 'aws-s3-deployment handler (aws-cdk-lib) copies every object of the asset into the destination prefix' },
    { id: 'AwsSolutions-L1', reason: 'aws-s3-deployment (aws-cdk-lib) chooses its handler runtime' },
  ];
  suppressNag(handlerRole, suppressions, true);
  if (handler) suppressNag(handler, suppressions, true);
}
