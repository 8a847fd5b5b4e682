import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HyperPodEksCluster, InstanceType } from '../src';
import { testCluster, testStack } from './support/stacks';

describe('scale-down custom resource in the template', () => {
  const { stack, cluster } = testCluster();
  const template = Template.fromStack(stack);

  test('the cluster depends on it, so it runs before the cluster update', () => {
    const [scaleDownId] = Object.keys(template.findResources('Custom::HyperPodScaleDown'));
    const clusterResource = Object.values(template.findResources('AWS::SageMaker::Cluster'))[0];
    expect(clusterResource.DependsOn).toContain(scaleDownId);
  });

  test('it knows the cluster by name and each group by desired count and policy', () => {
    template.hasResourceProperties('Custom::HyperPodScaleDown', {
      ClusterName: cluster.clusterName,
      InstanceGroups: [{ InstanceGroupName: 'workers', InstanceCount: 2, RemoveNodeIds: [], Order: 'NewestFirst', ChunkSize: 99 }],
    });
    // no reference to the cluster resource itself (that would be a cycle)
    expect(JSON.stringify(template.findResources('Custom::HyperPodScaleDown'))).not.toMatch(/HyperPodED|ClusterArn/);
  });

  test('IAM: only the three SageMaker actions, on cluster ARNs of this account and Region', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
      .filter((s: any) => JSON.stringify(s.Action).includes('sagemaker:'));
    expect(policies).toHaveLength(2); // onEvent and isComplete
    for (const statement of policies) {
      expect(statement.Action).toEqual(['sagemaker:BatchDeleteClusterNodes', 'sagemaker:DescribeCluster', 'sagemaker:ListClusterNodes']);
      expect(statement.Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:123456789012:cluster/*']] });
    }
  });

  test('the handlers use a fixed runtime and the provider polls every 30 s for 30 min', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs22.x', Description: Match.stringLikeRegexp('targeted scale-down') });
    const machine = JSON.stringify(template.findResources('AWS::StepFunctions::StateMachine'));
    expect(machine).toMatch(/\\"IntervalSeconds\\":30/);
    expect(machine).toMatch(/\\"MaxAttempts\\":60/);
  });

  test('one provider per stack, shared by clusters', () => {
    const env = testStack();
    for (const id of ['A', 'B']) {
      const c = new HyperPodEksCluster(env.stack, id, { eksCluster: env.eksCluster });
      c.addInstanceGroup('W', { instanceType: InstanceType.ML_T3_MEDIUM, instanceCount: 1 });
    }
    const t = Template.fromStack(env.stack);
    t.resourceCountIs('Custom::HyperPodScaleDown', 2);
    t.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
  });

  test('a custom timeout gets its own provider', () => {
    const { stack: s } = testCluster({ scaleDown: { timeout: Duration.minutes(60) } });
    expect(JSON.stringify(Template.fromStack(s).findResources('AWS::StepFunctions::StateMachine'))).toMatch(/\\"MaxAttempts\\":120/);
  });

  test('a timeout of whole 30-second steps (not whole minutes) gets its own provider', () => {
    const { stack: s } = testCluster({ scaleDown: { timeout: Duration.seconds(150) } });
    expect(JSON.stringify(Template.fromStack(s).findResources('AWS::StepFunctions::StateMachine'))).toMatch(/\\"MaxAttempts\\":5/);
  });

  test('disabled: no custom resource, no provider', () => {
    const t = Template.fromStack(testCluster({ scaleDown: { enabled: false } }).stack);
    t.resourceCountIs('Custom::HyperPodScaleDown', 0);
    t.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
  });
});
