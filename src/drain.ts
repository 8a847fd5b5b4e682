import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

/** What happens to a node whose pods have not all left when its drain timeout runs out. */
export enum DrainTimeoutAction {
  /** Remove the node with the pods still on it (they stop); the function's log names them. */
  REMOVE_ANYWAY = 'Remove',
  /**
   * Fail the deployment: the nodes this deployment cordoned are uncordoned and nothing more is
   * removed (nodes already removed stay removed).
   */
  FAIL = 'Fail',
}

/**
 * Drain before delete for one instance group: before a node chosen for removal is deleted, it
 * is cordoned (no new pods) and its pods are evicted through the Kubernetes Eviction API,
 * which honours PodDisruptionBudgets.
 */
export interface InstanceGroupDrainOptions {
  /**
   * Whether the group's chosen nodes are drained before they are removed.
   *
   * @default - true when the cluster can reach the EKS cluster's Kubernetes API (see
   * `ClusterDrainOptions`); otherwise false, and a note at synth (`hyperpod-cdk:drain-off`)
   * names the group, says why and how to turn it on
   */
  readonly enabled?: boolean;

  /**
   * How long a node may take to drain, counted from its cordon: whole seconds, at least 1
   * minute, and at most the cluster's `scaleDown.timeout` less 5 minutes (kept for the
   * deletes).
   *
   * @default - 15 minutes, or the cluster's `scaleDown.timeout` less 5 minutes when that is shorter
   */
  readonly timeout?: Duration;

  /**
   * What happens to a node still holding pods when its `timeout` runs out.
   *
   * @default DrainTimeoutAction.FAIL
   */
  readonly onTimeout?: DrainTimeoutAction;
}

/**
 * How the stack's custom-resource functions reach the EKS cluster's Kubernetes API to drain
 * nodes. They authenticate with their IAM roles, through EKS access entries the construct
 * creates for them.
 */
export interface ClusterDrainOptions {
  /**
   * The Kubernetes group the functions' access entries join, when you bind the drain's RBAC
   * to it yourself (a ClusterRole allowing `get`, `list`, `patch` on `nodes`, `get`, `list` on
   * `pods`, and `create` on `pods/eviction`). The construct then creates no Kubernetes
   * resource, so the EKS cluster needs no kubectl provider. Not `system:`.
   *
   * @default - the construct creates a ClusterRole and ClusterRoleBinding through the EKS cluster's
   * kubectl provider for the group `hyperpod-cdk-drain-<8 hex digits of the stack name's hash>`
   * (one per stack), which also names them
   */
  readonly kubernetesGroup?: string;

  /**
   * Runs the stack's custom-resource functions (one pair per stack, shared by its clusters)
   * in these private subnets of the cluster's VPC. Needed when the EKS API endpoint is private
   * only. The subnets then need a route to the SageMaker and EKS APIs: a NAT gateway or
   * interface VPC endpoints. Every cluster of a stack that sets it must set the same.
   *
   * @default - the functions run outside any VPC and reach the public EKS API endpoint
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The security groups of the functions, with `vpcSubnets` (1-5). They must be allowed into
   * the EKS cluster security group on port 443, and out to the AWS APIs.
   *
   * @default - a new security group with egress anywhere, allowed into the EKS cluster
   * security group on port 443 (when that group is known)
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
}
