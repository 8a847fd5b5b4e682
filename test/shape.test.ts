/**
 * The construct API: groups own their wiring (role, grants), grants on every cluster (defined
 * or imported), and the one dispatch of the handlers.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { HyperPodEksCluster, InstanceGroup, InstanceType, RollingUpdateBatchSize } from '../src';
import { testCluster } from './support/stacks';
import { moduleFor } from '../src/handlers/dispatch';

const GROUP = { instanceType: InstanceType.ML_T3_MEDIUM, instanceCount: 1 };

function policyStatements(stack: Stack, roleLogicalIdPrefix: RegExp): unknown[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .filter((p: any) => p.Properties.Roles.some((r: any) => roleLogicalIdPrefix.test(r.Ref)))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('grants', () => {
  test('grantDescribe and grantNodeOperations name the actions and this cluster only', () => {
    const { stack, cluster } = testCluster();
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    const oncall = new iam.Role(stack, 'OnCall', { assumedBy: new iam.AccountRootPrincipal() });
    expect(cluster.grantDescribe(reader).success).toBe(true);
    cluster.grantNodeOperations(oncall);
    expect(policyStatements(stack, /^Reader/)).toEqual([expect.objectContaining({
      Action: ['sagemaker:DescribeCluster', 'sagemaker:ListClusterNodes', 'sagemaker:DescribeClusterNode',
        'sagemaker:ListClusterEvents', 'sagemaker:DescribeClusterEvent'],
      Effect: 'Allow',
      Resource: expect.objectContaining({ 'Fn::GetAtt': [expect.stringMatching(/^HyperPod/), 'ClusterArn'] }),
    })]);
    expect(policyStatements(stack, /^OnCall/)).toEqual([expect.objectContaining({
      Action: ['sagemaker:BatchRebootClusterNodes', 'sagemaker:BatchReplaceClusterNodes', 'sagemaker:BatchDeleteClusterNodes'],
    })]);
  });

  test('an imported cluster has the same grants, on its ARN', () => {
    const { stack } = testCluster();
    const arn = 'arn:aws:sagemaker:us-east-1:123456789012:cluster/abcdef123456';
    const imported = HyperPodEksCluster.fromClusterAttributes(stack, 'Imported', { clusterName: 'other', clusterArn: arn });
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    imported.grant(role, 'sagemaker:UpdateClusterSoftware');
    imported.grantDescribe(role);
    const statements = policyStatements(stack, /^Reader/) as Array<{ Action: unknown; Resource: unknown }>;
    expect(statements.map((s) => s.Resource)).toEqual([arn, arn]);
    expect(statements[0].Action).toBe('sagemaker:UpdateClusterSoftware');
  });

  test('an imported cluster without its ARN says what to pass', () => {
    const { stack } = testCluster();
    const imported = HyperPodEksCluster.fromClusterName(stack, 'Imported', 'other');
    expect(() => imported.grantDescribe(new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() })))
      .toThrow(/clusterArn was not given to fromClusterAttributes\(\)/);
  });
});

describe('instance groups own their wiring', () => {
  test('role: the group\'s own execution role, or the cluster\'s', () => {
    const { stack, cluster } = testCluster();
    const own = new iam.Role(stack, 'Own', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const group = cluster.addInstanceGroup('Own', { ...GROUP, executionRole: own });
    expect(group.role).toBe(own);
    expect(cluster.instanceGroups[0].role).toBe(cluster.executionRole);
  });

  test('a group created with new InstanceGroup() is rendered into its cluster', () => {
    const { stack, cluster } = testCluster();
    new InstanceGroup(stack, 'Standalone', { ...GROUP, cluster });
    const groups = Template.fromStack(stack).findResources('AWS::SageMaker::Cluster');
    expect(Object.values(groups)[0].Properties.InstanceGroups.map((g: any) => g.InstanceGroupName)).toEqual(['workers', 'standalone']);
  });

  test('an imported cluster cannot hold groups, and says why', () => {
    const { stack } = testCluster();
    const imported = HyperPodEksCluster.fromClusterName(stack, 'Imported', 'other');
    expect(() => new InstanceGroup(stack, 'Orphan', { ...GROUP, cluster: imported }))
      .toThrow(/cannot hold instance groups: CloudFormation keeps a cluster's groups inside its AWS::SageMaker::Cluster resource/);
  });

  test('the L1 is the default child', () => {
    const { cluster } = testCluster();
    expect((cluster.node.defaultChild as any).cfnResourceType).toBe('AWS::SageMaker::Cluster');
  });
});

describe('typed scheduled updates', () => {
  test('batch sizes and alarms render as CloudFormation takes them', () => {
    const { stack, cluster } = testCluster();
    const alarm = new cloudwatch.Alarm(stack, 'GpuErrors', {
      metric: new cloudwatch.Metric({ namespace: 'ml', metricName: 'xid' }), threshold: 1, evaluationPeriods: 1,
    });
    cluster.addInstanceGroup('Patched', {
      ...GROUP,
      scheduledUpdate: {
        scheduleExpression: 'cron(0 3 ? * SUN *)',
        maximumBatchSize: RollingUpdateBatchSize.percentage(25),
        rollbackMaximumBatchSize: RollingUpdateBatchSize.instances(2),
        rollbackAlarms: [alarm],
        rollbackAlarmNames: ['external-alarm'],
      },
    });
    const entry = stack.resolve(Object.values(Template.fromStack(stack).findResources('AWS::SageMaker::Cluster'))[0]
      .Properties.InstanceGroups[1].ScheduledUpdateConfig);
    expect(entry).toEqual({
      ScheduleExpression: 'cron(0 3 ? * SUN *)',
      DeploymentConfig: {
        RollingUpdatePolicy: {
          MaximumBatchSize: { Type: 'CAPACITY_PERCENTAGE', Value: 25 },
          RollbackMaximumBatchSize: { Type: 'INSTANCE_COUNT', Value: 2 },
        },
        AutoRollbackConfiguration: [{ AlarmName: { Ref: expect.stringMatching(/^GpuErrors/) } }, { AlarmName: 'external-alarm' }],
      },
    });
  });
});

describe('the handlers\' one dispatch', () => {
  const event = (ResourceType: string | undefined, RequestType = 'Update') =>
    ({ RequestType, ResourceType, LogicalResourceId: 'Thing' });

  test.each(['Custom::HyperPodScaleDown', 'Custom::HyperPodCapacity', 'Custom::HyperPodPreflight'])('%s has a module', (type) => {
    const resource = moduleFor(event(type));
    expect(typeof resource.onEvent).toBe('function');
    expect(typeof resource.isComplete).toBe('function');
  });

  test('another resource type is refused, not treated as a scale-down', () => {
    expect(() => moduleFor(event('Custom::Other'))).toThrow(/serves Custom::HyperPodScaleDown, Custom::HyperPodCapacity, Custom::HyperPodPreflight; got a request for "Custom::Other" \(Thing\)/);
    expect(() => moduleFor(event(undefined))).toThrow(/got a request for undefined/);
  });

  test('a request type CloudFormation does not send is refused', () => {
    expect(() => moduleFor(event('Custom::HyperPodScaleDown', 'Replace'))).toThrow(/request type "Replace" is not one of Create, Update, Delete/);
  });
});
