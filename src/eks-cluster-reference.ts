import { Arn, ArnFormat, Resource } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import { Construct } from 'constructs';

/**
 * An existing EKS cluster known only by its ARN, for `HyperPodEksClusterProps.eksCluster`
 * when neither an `aws-eks` nor an `aws-eks-v2` cluster object is at hand (for example a
 * cluster of another team, or an ARN read from SSM Parameter Store so that no CloudFormation
 * export ties the stacks together). Pass the VPC and the EKS cluster security group
 * alongside it (`vpc`, `eksClusterSecurityGroup`).
 */
export class EksClusterReference extends Resource implements eks.IClusterRef {
  /**
   * An EKS cluster by ARN: `arn:<partition>:eks:<region>:<account>:cluster/<name>`. The name,
   * Region and account are read from the ARN, also when it is a token.
   */
  public static fromClusterArn(scope: Construct, id: string, clusterArn: string): eks.IClusterRef {
    return new EksClusterReference(scope, id, clusterArn);
  }

  /** The cluster's name and ARN. */
  public readonly clusterRef: eks.ClusterReference;

  private constructor(scope: Construct, id: string, clusterArn: string) {
    const parts = Arn.split(clusterArn, ArnFormat.SLASH_RESOURCE_NAME);
    super(scope, id, { account: parts.account, region: parts.region, physicalName: parts.resourceName });
    this.clusterRef = { clusterArn, clusterName: parts.resourceName ?? '' };
  }
}
