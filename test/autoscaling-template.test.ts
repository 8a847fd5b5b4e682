/** Managed Karpenter autoscaling in the template, and its rules at synth time. */
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DeepHealthCheck, InstanceGroupOptions, InstanceType, NodeRecovery } from '../src';
import { testCluster } from './support/stacks';

const SYSTEM = { instanceGroupName: 'system', instanceType: InstanceType.ML_T3_MEDIUM, instanceCount: 2 };
const GPU: InstanceGroupOptions = { instanceGroupName: 'gpu', instanceType: InstanceType.ML_G5_8XLARGE, instanceCount: 0, autoscaled: true };

function clusterProps(template: Template): any {
  return Object.values(template.findResources('AWS::SageMaker::Cluster'))[0].Properties;
}

describe('autoScaling in the template', () => {
  const { stack, cluster } = testCluster({ autoScaling: {}, instanceGroups: [SYSTEM, GPU] });
  const template = Template.fromStack(stack);
  const props = clusterProps(template);
  const [scaleDownId] = Object.keys(template.findResources('Custom::HyperPodScaleDown'));

  test('AutoScaling Karpenter with a cluster role the construct creates', () => {
    expect(props.AutoScaling).toEqual({ Mode: 'Enable', AutoScalerType: 'Karpenter' });
    expect(props.ClusterRole).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^HyperPodClusterRole/), 'Arn'] });
    expect(cluster.clusterRole).toBeDefined();
  });

  test('the cluster role trusts hyperpod.sagemaker.amazonaws.com and may add and remove nodes of this stack\'s clusters only', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'hyperpod.sagemaker.amazonaws.com' } }] },
    });
    const policy = Object.values(template.findResources('AWS::IAM::Policy'))
      .find((p: any) => p.Properties.Roles.some((r: any) => /^HyperPodClusterRole/.test(r.Ref))) as any;
    expect(policy.Properties.PolicyDocument.Statement).toEqual([{
      Action: ['sagemaker:BatchAddClusterNodes', 'sagemaker:BatchDeleteClusterNodes'],
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:123456789012:cluster/*']] },
      Condition: { StringEquals: { 'aws:ResourceTag/hyperpod-cdk:stack-id': { Ref: 'AWS::StackId' } } },
    }]);
  });

  test('an autoscaled group sends the count the scale-down resource read; the others their template count', () => {
    const gpu = props.InstanceGroups.find((g: any) => g.InstanceGroupName === 'gpu');
    const system = props.InstanceGroups.find((g: any) => g.InstanceGroupName === 'system');
    expect(gpu.InstanceCount).toEqual({ 'Fn::GetAtt': [scaleDownId, 'Count.gpu'] });
    expect(system.InstanceCount).toBe(2);
  });

  test('the scale-down resource marks the group, and carries a fingerprint so it runs before every cluster update', () => {
    const resource = template.findResources('Custom::HyperPodScaleDown')[scaleDownId];
    expect(resource.Properties.InstanceGroups).toEqual(expect.arrayContaining([
      expect.objectContaining({ InstanceGroupName: 'gpu', InstanceCount: 0, Autoscaled: 'true' }),
    ]));
    expect(resource.Properties.ClusterConfig).toMatch(/^[0-9a-f]{16}$/);
    const { stack: plain } = testCluster();
    const plainResource = Object.values(Template.fromStack(plain).findResources('Custom::HyperPodScaleDown'))[0];
    expect(plainResource.Properties.ClusterConfig).toBeUndefined(); // no autoscaled group: it runs only when a group changes
  });

  test('a role of your own is used as it is', () => {
    const { stack: s } = testCluster({ instanceGroups: [SYSTEM] });
    const role = iam.Role.fromRoleArn(s, 'Mine', 'arn:aws:iam::123456789012:role/hyperpod-autoscaling');
    const { stack: s2 } = testCluster({ autoScaling: { clusterRole: role }, instanceGroups: [SYSTEM] });
    expect(clusterProps(Template.fromStack(s2)).ClusterRole).toBe('arn:aws:iam::123456789012:role/hyperpod-autoscaling');
    expect(Template.fromStack(s2).findResources('AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'hyperpod.sagemaker.amazonaws.com' } }] } } })).toEqual({});
  });

  test('enabled: false turns autoscaling off and keeps the role', () => {
    const { stack: s } = testCluster({ autoScaling: { enabled: false }, instanceGroups: [SYSTEM] });
    const p = clusterProps(Template.fromStack(s));
    expect(p.AutoScaling).toEqual({ Mode: 'Disable', AutoScalerType: 'Karpenter' });
    expect(p.ClusterRole).toBeDefined();
  });
});

describe('autoscaling: bad input at synth time', () => {
  test.each<[string, Record<string, unknown>, Partial<InstanceGroupOptions>, RegExp]>([
    ['a count other than 0', { autoScaling: {} }, { instanceCount: 3 }, /instanceCount must be 0 for an autoscaled group: AWS requires autoscaled groups to start at 0.*\(got 3\)/],
    ['deep health checks', { autoScaling: {} }, { deepHealthChecks: [DeepHealthCheck.INSTANCE_STRESS] }, /deepHealthChecks must not be set on an autoscaled group/],
    ['a training plan', { autoScaling: {} }, { trainingPlanArn: 'arn:aws:sagemaker:us-east-1:123456789012:training-plan/p' }, /trainingPlanArn must not be set on an autoscaled group/],
    ['a capacity wait', { autoScaling: {} }, { waitForCapacity: { runningNodes: 1 } }, /waitForCapacity must not be set on an autoscaled group/],
    ['scale-down options', { autoScaling: {} }, { scaleDown: { removeNodeIds: ['i-0123456789abcdef0'] } }, /scaleDown must not be set on an autoscaled group/],
    ['no autoScaling on the cluster', {}, {}, /autoscaled needs the cluster's autoScaling \(managed Karpenter\) on/],
    ['autoScaling off', { autoScaling: { enabled: false } }, {}, /autoscaled needs the cluster's autoScaling/],
    ['scale-down off', { autoScaling: {}, scaleDown: { enabled: false } }, {}, /autoscaled needs targeted scale-down \(scaleDown.enabled\)/],
    ['node recovery off', { autoScaling: {}, nodeRecovery: NodeRecovery.NONE }, {}, /autoScaling needs nodeRecovery Automatic/],
  ])('%s is refused', (_, clusterExtra, groupExtra, message) => {
    expect(() => testCluster({ ...clusterExtra, instanceGroups: [SYSTEM, { ...GPU, ...groupExtra }] })).toThrow(message);
  });

  test('addInstanceGroup checks the same', () => {
    const { cluster } = testCluster();
    expect(() => cluster.addInstanceGroup('Gpu', { ...GPU, instanceGroupName: undefined })).toThrow(/autoscaled needs the cluster's autoScaling/);
  });

  test('too many autoscaled groups for the scale-down response are refused, with the byte counts', () => {
    const groups = Array.from({ length: 20 }, (_, i) => ({ ...GPU, instanceGroupName: `gpu-autoscaled-group-with-a-long-name-${i}` }));
    const { app } = testCluster({ autoScaling: {}, instanceGroups: [SYSTEM, ...groups] });
    expect(() => app.synth()).toThrow(/the autoscaled groups' names take \d+ bytes of the scale-down resource's response, which has room for 1000/);
  });
});
