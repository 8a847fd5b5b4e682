import { IResource, Resource } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CLUSTER_DESCRIBE_ACTIONS, CLUSTER_NODE_OPERATION_ACTIONS } from './private/permissions';

/**
 * A SageMaker HyperPod cluster orchestrated by Amazon EKS: one defined in this app
 * (`HyperPodEksCluster`) or an existing one (`HyperPodEksCluster.fromClusterAttributes()`).
 */
export interface IHyperPodEksCluster extends IResource, ec2.IConnectable {
  /**
   * The cluster's name.
   *
   * @attribute
   */
  readonly clusterName: string;

  /**
   * The cluster's ARN. It holds a generated cluster id, not the name.
   *
   * @attribute
   */
  readonly clusterArn: string;

  /**
   * Grants `actions` (full IAM action names, such as `sagemaker:DescribeCluster`) on this cluster.
   */
  grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant;

  /**
   * Grants reading the cluster, its nodes and its events: `DescribeCluster`,
   * `ListClusterNodes`, `DescribeClusterNode`, `ListClusterEvents` and `DescribeClusterEvent`
   * (what the `hyperpod-cdk status` command needs).
   */
  grantDescribe(grantee: iam.IGrantable): iam.Grant;

  /**
   * Grants the node operations `BatchRebootClusterNodes`, `BatchReplaceClusterNodes` and
   * `BatchDeleteClusterNodes` on this cluster (for an on-call role; add `grantDescribe` to
   * let it find the nodes).
   */
  grantNodeOperations(grantee: iam.IGrantable): iam.Grant;
}

/**
 * What every HyperPod cluster, defined or imported, can do: its grants.
 */
export abstract class HyperPodEksClusterBase extends Resource implements IHyperPodEksCluster {
  public abstract readonly clusterName: string;
  public abstract readonly clusterArn: string;
  public abstract readonly connections: ec2.Connections;

  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.clusterArn] });
  }

  public grantDescribe(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...CLUSTER_DESCRIBE_ACTIONS);
  }

  public grantNodeOperations(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...CLUSTER_NODE_OPERATION_ACTIONS);
  }
}
