import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { packSuppressions, suppressNag, suppressWildcardFindings } from './nag';
import { OWNER_TAG_KEY } from '../contract/scale-down';

/** The service that assumes the cluster role to scale groups (AWS's autoscaling IAM page). */
export const CLUSTER_ROLE_PRINCIPAL = 'hyperpod.sagemaker.amazonaws.com';

/** What HyperPod's managed Karpenter calls with the cluster role. */
export const CLUSTER_ROLE_ACTIONS = ['sagemaker:BatchAddClusterNodes', 'sagemaker:BatchDeleteClusterNodes'];

/**
 * The role HyperPod assumes for managed Karpenter autoscaling: it trusts
 * `hyperpod.sagemaker.amazonaws.com` and may add and remove nodes only of the clusters of the
 * stack's account and Region that carry this stack's owner tag (the cluster's ARN holds an id
 * that exists only once the cluster does, and the role must exist before it).
 */
export function createClusterRole(scope: Construct, id: string): iam.Role {
  const role = new iam.Role(scope, id, {
    assumedBy: new iam.ServicePrincipal(CLUSTER_ROLE_PRINCIPAL),
    description: 'HyperPod managed autoscaling (Karpenter): adds and removes nodes of this stack\'s HyperPod cluster',
  });
  const statement = new iam.PolicyStatement({
    actions: CLUSTER_ROLE_ACTIONS,
    resources: [Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'cluster', resourceName: '*' })],
    conditions: { StringEquals: { [`aws:ResourceTag/${OWNER_TAG_KEY}`]: Aws.STACK_ID } },
  });
  role.addToPrincipalPolicy(statement);
  const policy = role.node.findChild('DefaultPolicy');
  suppressWildcardFindings(policy, [statement], () => 'a HyperPod cluster ARN holds an id that exists only after creation, and the '
    + 'role must exist before the cluster; scoped to the clusters of this account and Region that carry this stack\'s owner tag');
  suppressNag(policy, packSuppressions('IAMNoInlinePolicy', 'CDK writes the grants of a role it creates as the role\'s own inline '
    + 'default policy, created and deleted with it'));
  return role;
}
