import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * HyperPod's managed Karpenter autoscaling of the cluster (`AutoScaling`, `ClusterRole`).
 * Groups marked `autoscaled` then belong to Karpenter: their node count is the autoscaler's.
 */
export interface AutoScalingOptions {
  /**
   * Whether autoscaling is on (`Mode: Enable`). Turning it off keeps the role, which HyperPod
   * cannot change while autoscaling is on.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The role HyperPod assumes to add and remove nodes (`ClusterRole`). It must trust
   * `hyperpod.sagemaker.amazonaws.com` and allow `sagemaker:BatchAddClusterNodes` and
   * `sagemaker:BatchDeleteClusterNodes` on the cluster. HyperPod cannot change it while
   * autoscaling is on.
   *
   * @default - a new role with exactly that, on the clusters that carry this stack's owner tag
   */
  readonly clusterRole?: iam.IRole;
}
