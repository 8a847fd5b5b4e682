import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { suppressNag } from './nag';

/**
 * cdk-nag findings on the resources a `HyperPodEksCluster` creates that are the construct's
 * own deliberate choices. Recorded on the resources, so users of the construct inherit them.
 * Runs when the stack is synthesized, after every group and script deployment was added.
 */
export function suppressClusterFindings(cluster: IConstruct): void {
  cluster.node.addValidation({
    validate: () => {
      applySuppressions(cluster);
      return [];
    },
  });
}

function applySuppressions(cluster: IConstruct): void {
  const role = cluster.node.tryFindChild('ExecutionRole');
  if (role) {
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
  const bucket = cluster.node.tryFindChild('LifecycleBucket');
  if (bucket) {
    suppressNag(bucket, [{
      id: 'AwsSolutions-S1',
      reason: 'The bucket holds only lifecycle scripts written by CloudFormation from the template; access logs would need another bucket',
    }], true);
  }
  // aws-s3-deployment puts its handler at stack level; suppress its findings when this
  // cluster deploys scripts.
  if (cluster.node.children.some((c) => c.node.id.startsWith('LifecycleScripts'))) {
    const stack = Stack.of(cluster);
    for (const child of stack.node.children) {
      if (child.node.id.startsWith('Custom::CDKBucketDeployment')) {
        suppressNag(child, [
          {
            id: 'AwsSolutions-IAM4',
            reason: 'aws-s3-deployment handler (aws-cdk-lib) writes its logs with AWSLambdaBasicExecutionRole',
            appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
          },
          { id: 'AwsSolutions-IAM5', reason: 'aws-s3-deployment handler (aws-cdk-lib) copies every object of the asset and the destination prefix' },
          { id: 'AwsSolutions-L1', reason: 'aws-s3-deployment (aws-cdk-lib) chooses its handler runtime' },
        ], true);
      }
    }
  }
}
