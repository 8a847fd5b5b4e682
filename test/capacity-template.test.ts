import { CfnWaitConditionHandle, Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { InstanceType } from '../src';
import { testCluster } from './support/stacks';

const GROUP = { instanceGroupName: 'workers', instanceType: InstanceType.ML_T3_MEDIUM, instanceCount: 2 };

function sageMakerActions(template: Template): string[][] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
    .filter((s: any) => JSON.stringify(s.Action).includes('sagemaker:'))
    .map((s: any) => s.Action);
}

describe('wait for capacity in the template', () => {
  const { stack, cluster } = testCluster({ instanceGroups: [{ ...GROUP, waitForCapacity: { runningNodes: 2 } }] });
  const template = Template.fromStack(stack);

  test('one Custom::HyperPodCapacity per waiting group, on the shared provider, after the cluster', () => {
    template.resourceCountIs('Custom::HyperPodCapacity', 1);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1); // shared with scale-down
    template.hasResourceProperties('Custom::HyperPodCapacity', {
      ClusterName: cluster.clusterName,
      InstanceGroupName: 'workers',
      RunningNodes: 2,
      TimeoutSeconds: 1740,
      MaxFailures: 5,
    });
    const [clusterId] = Object.keys(template.findResources('AWS::SageMaker::Cluster'));
    const wait = Object.values(template.findResources('Custom::HyperPodCapacity'))[0];
    expect(wait.DependsOn).toContain(clusterId);
  });

  test('capacityReady stands for the wait; without a wait, for the cluster resource', () => {
    const dependsOn = (wait?: { runningNodes: number }) => {
      const { stack: s, cluster: c } = testCluster({ instanceGroups: [{ ...GROUP, waitForCapacity: wait }] });
      new CfnWaitConditionHandle(s, 'NeedsNodes').node.addDependency(c.instanceGroups[0].capacityReady);
      const t = Template.fromStack(s);
      return { dependsOn: t.findResources('AWS::CloudFormation::WaitConditionHandle').NeedsNodes.DependsOn, t };
    };
    const waiting = dependsOn({ runningNodes: 1 });
    expect(waiting.dependsOn).toEqual(Object.keys(waiting.t.findResources('Custom::HyperPodCapacity')));
    const plain = dependsOn(undefined);
    expect(plain.dependsOn).toEqual(Object.keys(plain.t.findResources('AWS::SageMaker::Cluster')));
  });

  test('IAM: events are read only by providers that wait; scale-down keeps its own actions', () => {
    expect(sageMakerActions(template)).toEqual(expect.arrayContaining([
      ['sagemaker:DescribeCluster', 'sagemaker:ListClusterNodes', 'sagemaker:ListTags'],
      'sagemaker:BatchDeleteClusterNodes',
      ['sagemaker:DescribeCluster', 'sagemaker:ListClusterNodes', 'sagemaker:ListClusterEvents', 'sagemaker:DescribeClusterEvent'],
    ]));
    const { stack: plain } = testCluster({ instanceGroups: [GROUP] });
    expect(JSON.stringify(sageMakerActions(Template.fromStack(plain)))).not.toMatch(/ClusterEvent/);
  });

  test('a wait alone: the stack\'s one provider, which cannot delete nodes; its timeout is a property', () => {
    const { stack: s } = testCluster({
      scaleDown: { enabled: false },
      instanceGroups: [{ ...GROUP, waitForCapacity: { runningNodes: 1, timeout: Duration.minutes(60), maxFailures: 0 } }],
    });
    const t = Template.fromStack(s);
    t.hasResourceProperties('Custom::HyperPodCapacity', { RunningNodes: 1, TimeoutSeconds: 3540, MaxFailures: 0 });
    expect(JSON.stringify(t.findResources('AWS::StepFunctions::StateMachine'))).toMatch(/\\"MaxAttempts\\":120/);
    expect(JSON.stringify(sageMakerActions(t))).not.toMatch(/BatchDelete/);
  });

  test('the wait is updated whenever a group of the cluster changes, so it runs after every cluster update', () => {
    const config = (count: number, type = InstanceType.ML_T3_MEDIUM) => {
      const group = { ...GROUP, instanceCount: count, instanceType: type, waitForCapacity: { runningNodes: 1 } };
      const { stack: s } = testCluster({ instanceGroups: [group] });
      return Object.values(Template.fromStack(s).findResources('Custom::HyperPodCapacity'))[0].Properties.ClusterConfig;
    };
    expect(config(2)).toMatch(/^[0-9a-f]{16}$/);
    expect(config(2)).toEqual(config(2));
    expect(config(3)).not.toEqual(config(2));
    expect(config(2, InstanceType.ML_M5_XLARGE)).not.toEqual(config(2));
  });
});

describe('wait for capacity: validation at synth time', () => {
  test.each([
    [{ runningNodes: 3 }, /waitForCapacity.runningNodes must not be above instanceCount 2/],
    [{ runningNodes: 0 }, /waitForCapacity.runningNodes must be an integer from 1/],
    [{ runningNodes: 1.5 }, /waitForCapacity.runningNodes must be an integer/],
    [{ runningNodes: 1, timeout: Duration.minutes(61) }, /waitForCapacity.timeout must be from 2 minutes to 1 hour/],
    [{ runningNodes: 1, timeout: Duration.seconds(100) }, /waitForCapacity.timeout must be from 2 minutes/],
    [{ runningNodes: 1, maxFailures: -1 }, /waitForCapacity.maxFailures must be an integer from 0/],
  ])('%o is refused', (extra, message) => {
    let error: Error | undefined;
    try {
      testCluster({ instanceGroups: [{ ...GROUP, waitForCapacity: extra }] });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.name).toBe('HyperPodValidationError');
    expect(error?.message).toMatch(message);
  });
});
