import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { packSuppressions, suppressNag, suppressWildcardFindings } from './nag';
import { EXECUTION_ROLE_MANAGED_POLICY } from './permissions';

/**
 * cdk-nag findings on resources a `HyperPodEksCluster` creates that are the construct's own
 * deliberate choices. Recorded on the resources when they are created (cdk-nag runs as an
 * aspect, before validation), so users of the construct inherit them. Each names the exact
 * finding (`appliesTo`) and sits on the resource the construct created, never on a resource
 * the user adds to (the execution role's default policy) or that is shared with the user's
 * own constructs (the stack-wide `aws-s3-deployment` handler).
 */

export function suppressExecutionRoleFindings(role: iam.Role): void {
  suppressNag(role, [{
    id: 'AwsSolutions-IAM4',
    reason: `${EXECUTION_ROLE_MANAGED_POLICY} is the policy AWS documents for HyperPod execution roles (logs, metrics, SSM, sagemaker-* buckets)`,
    appliesTo: [`Policy::arn:<AWS::Partition>:iam::aws:policy/${EXECUTION_ROLE_MANAGED_POLICY}`],
  }]);
}

/** Why an execution-role statement of the library uses a wildcard, by its `Sid`. */
const NODE_STATEMENT_REASONS: Record<string, string> = {
  NodeNetworkInterfaces: 'the VPC CNI on each node manages the network interfaces of instances HyperPod launches at run time, '
    + 'whose ids do not exist at deploy time (limited to this account and Region, and to the VPC, subnets and security groups in use)',
  AttachDetachNetworkInterfaces: 'the VPC CNI attaches and detaches network interfaces of instances HyperPod launches at run time, '
    + 'whose ids do not exist at deploy time (limited to this account and Region)',
  TagNetworkInterfaces: 'the VPC CNI tags the network interfaces it creates at run time (limited to this account and Region)',
  DescribeNetwork: 'EC2 Describe actions support no resource-level permissions',
  PullImages: 'ECR pulls from repositories not known at deploy time (EKS add-on images are in AWS-owned accounts per Region), '
    + 'ecr:GetAuthorizationToken and cloudwatch:DescribeAlarms support no resource-level permissions',
};

/** What the library's execution-role statements are for (the lifecycle grant carries no `Sid`). */
export type ExecutionPolicyPurpose = 'node' | 'lifecycle' | 'other';

/**
 * The execution role's policy that holds the library's statements: exactly the wildcards of
 * `statements`, each with what uses it. (The user's own statements go to the role's default
 * policy, which carries no suppression.)
 */
export function suppressExecutionPolicyFindings(policy: iam.Policy, statements: iam.PolicyStatement[], purpose: ExecutionPolicyPurpose): void {
  suppressWildcardFindings(policy, statements, (_flat, i) => {
    if (purpose === 'lifecycle') {
      return 'HyperPod copies the lifecycle-script folder (every object under its S3 prefix) to each node';
    }
    const sid = statements[i].sid;
    return purpose === 'node' && sid ? NODE_STATEMENT_REASONS[sid] : undefined;
  });
  suppressNag(policy, packSuppressions('IAMNoInlinePolicy', 'The policy holds only the statements hyperpod-cdk writes for '
    + 'the execution role it creates and is deleted with it; an inline policy allows 10,240 characters (a managed one 6,144), '
    + 'which the per-group network statements may need'));
}

export function suppressLifecycleBucketFindings(bucket: IConstruct, options: { accessLogs: boolean }): void {
  suppressNag(bucket, [
    ...(options.accessLogs ? [] : [{
      id: 'AwsSolutions-S1',
      reason: 'Server access logs are off unless lifecycleBucketAccessLogs names a bucket for them; only the deployment '
        + 'handler role can write objects (bucket policy), and CloudTrail data events can record reads',
    }]),
    ...packSuppressions('S3BucketReplicationEnabled', 'The bucket holds copies of a CDK asset (content-hashed prefixes) '
      + 'that a deployment writes from the app\'s source; a copy in another Region would add nothing'),
  ]);
}

/**
 * The all-traffic rules of the default node security group: cdk-nag's `EC2RestrictedCommonPorts`
 * flags every `-1` rule, also between security groups. Only the rules the construct adds are
 * suppressed (found by their source and target), not rules the user adds to the same groups.
 */
export function suppressNodeSecurityGroupFindings(nodeSg: ec2.ISecurityGroup, eksSg?: ec2.ISecurityGroup): void {
  const node = nodeSg.securityGroupId;
  const eks = eksSg?.securityGroupId;
  const ours = (r: ec2.CfnSecurityGroupIngress) => r.ipProtocol === '-1' && (
    (r.groupId === node && (r.sourceSecurityGroupId === node || (eks !== undefined && r.sourceSecurityGroupId === eks)))
    || (eks !== undefined && r.groupId === eks && r.sourceSecurityGroupId === node));
  const candidates = [...nodeSg.node.findAll(), ...(eksSg?.node.findAll() ?? [])];
  for (const rule of candidates.filter((c): c is ec2.CfnSecurityGroupIngress => c instanceof ec2.CfnSecurityGroupIngress).filter(ours)) {
    suppressNag(rule, packSuppressions('EC2RestrictedCommonPorts', 'EFA needs all traffic within the nodes\' security group, '
      + 'and the nodes and the EKS control plane exchange all traffic (as EKS\'s cluster security group does); the source '
      + 'is a security group, not an address range, so nothing is open to other networks'));
  }
}
