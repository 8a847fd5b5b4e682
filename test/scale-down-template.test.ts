import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DriftPolicy, HyperPodEksCluster, InstanceType, ScaleDownOrder } from '../src';
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
      TimeoutSeconds: 1740,
      InstanceGroups: [{ InstanceGroupName: 'workers', InstanceCount: 2, RemoveNodeIds: [], Order: 'NewestFirst', ChunkSize: 99, Drift: 'Refuse' }],
    });
    // no reference to the cluster resource itself (that would be a cycle)
    expect(JSON.stringify(template.findResources('Custom::HyperPodScaleDown'))).not.toMatch(/HyperPodED|ClusterArn/);
  });

  test('the cluster carries the owner tag: this stack\'s id', () => {
    template.hasResourceProperties('AWS::SageMaker::Cluster', {
      Tags: Match.arrayWith([{ Key: 'hyperpod-cdk:stack-id', Value: { Ref: 'AWS::StackId' } }]),
    });
  });

  test('IAM: reads on cluster ARNs of this account and Region; deletes only on clusters with this stack\'s owner tag', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
      .filter((s: any) => JSON.stringify(s.Action).includes('sagemaker:'));
    expect(statements).toHaveLength(4); // two for each of onEvent and isComplete
    const clusters = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:123456789012:cluster/*']] };
    for (const statement of statements) {
      expect(statement.Resource).toEqual(clusters);
    }
    const reads = statements.filter((s: any) => Array.isArray(s.Action));
    const deletes = statements.filter((s: any) => s.Action === 'sagemaker:BatchDeleteClusterNodes');
    expect(reads.map((s: any) => s.Action)).toEqual([0, 1].map(() => ['sagemaker:DescribeCluster', 'sagemaker:ListClusterNodes', 'sagemaker:ListTags']));
    expect(reads.every((s: any) => s.Condition === undefined)).toBe(true);
    expect(deletes).toHaveLength(2);
    for (const statement of deletes) {
      expect(statement.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/hyperpod-cdk:stack-id': { Ref: 'AWS::StackId' } } });
    }
  });

  test('the handlers use a fixed runtime and the provider polls every 30 s for up to 1 hour', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs22.x', Description: Match.stringLikeRegexp('targeted scale-down') });
    const machine = JSON.stringify(template.findResources('AWS::StepFunctions::StateMachine'));
    expect(machine).toMatch(/\\"IntervalSeconds\\":30/);
    expect(machine).toMatch(/\\"MaxAttempts\\":120/);
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

  test('changing any option never changes a ServiceToken (one provider per stack, options are properties)', () => {
    const synth = (timeout: Duration, waitTimeout: Duration, order: ScaleDownOrder) => {
      const env = testStack();
      const c = new HyperPodEksCluster(env.stack, 'HyperPod', { eksCluster: env.eksCluster, scaleDown: { timeout } });
      c.addInstanceGroup('W', {
        instanceType: InstanceType.ML_T3_MEDIUM,
        instanceCount: 2,
        waitForCapacity: { runningNodes: 1, timeout: waitTimeout },
        scaleDown: { order, chunkSize: 10, drift: DriftPolicy.REMOVE_EXTRA_NODES },
      });
      const t = Template.fromStack(env.stack);
      const tokens = (type: string) => Object.values(t.findResources(type)).map((r: any) => r.Properties.ServiceToken);
      return { t, scaleDown: tokens('Custom::HyperPodScaleDown'), capacity: tokens('Custom::HyperPodCapacity') };
    };
    const before = synth(Duration.minutes(30), Duration.minutes(30), ScaleDownOrder.NEWEST_FIRST);
    const after = synth(Duration.seconds(150), Duration.hours(1), ScaleDownOrder.OLDEST_FIRST);
    expect(after.scaleDown).toEqual(before.scaleDown);
    expect(after.capacity).toEqual(before.capacity);
    expect(after.capacity).toEqual(after.scaleDown);
    after.t.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    after.t.hasResourceProperties('Custom::HyperPodScaleDown', { TimeoutSeconds: 90 });
    after.t.hasResourceProperties('Custom::HyperPodCapacity', { TimeoutSeconds: 3540 });
  });

  test('disabled: no custom resource, and no provider when nothing else needs one', () => {
    const t = Template.fromStack(testCluster({ scaleDown: { enabled: false }, preflight: { enabled: false } }).stack);
    t.resourceCountIs('Custom::HyperPodScaleDown', 0);
    t.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
  });

  test.each([
    [{ removeNodeIds: ['i-0123456789abcdef0'] }, /scaleDown\.removeNodeIds set on instance group 'workers', but the cluster's scaleDown\.enabled is false/],
    [{ order: ScaleDownOrder.OLDEST_FIRST, chunkSize: 5 }, /scaleDown\.order, scaleDown\.chunkSize set on instance group 'workers'/],
    [{ drift: DriftPolicy.REMOVE_EXTRA_NODES }, /scaleDown\.drift set/],
  ])('disabled with group options %o fails at synth (G7)', (scaleDown, message) => {
    expect(() => testCluster({
      scaleDown: { enabled: false },
      instanceGroups: [{ instanceGroupName: 'workers', instanceType: InstanceType.ML_T3_MEDIUM, instanceCount: 2, scaleDown }],
    })).toThrow(message);
  });
});
