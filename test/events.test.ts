/**
 * EventBridge rules on HyperPod's events (issue 13): `onEvent`, `onClusterStatusChange`,
 * `onNodeHealthEvent` and `onClusterEvent`, on a defined cluster and on imported ones. The
 * patterns are those of AWS's reference:
 * https://docs.aws.amazon.com/sagemaker/latest/dg/automating-sagemaker-with-eventbridge.html
 * https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-cluster-events-reference.html
 */
import { CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  ClusterEventLevel,
  ClusterEventResourceType,
  ClusterStatus,
  HyperPodEksCluster,
  HyperPodEventDetailType,
  IHyperPodEksCluster,
  NodeHealthStatus,
} from '../src';
import { testCluster, testStack } from './support/stacks';
import { HyperPodValidationError } from '../src/private/errors';

const RULE = 'AWS::Events::Rule';
const ALL_TYPES = [
  'SageMaker HyperPod Cluster State Change',
  'SageMaker HyperPod Cluster Node Health Event',
  'SageMaker HyperPod Cluster Event',
];
const IMPORTED_ARN = 'arn:aws:sagemaker:us-east-1:123456789012:cluster/abcdef123456';

/**
 * The rendered `EventPattern` and `Targets` of the rule `rule`. The stack is synthesized once:
 * `template` when given (build every rule first), else now.
 */
function rendered(stack: Stack, rule: events.Rule, template?: Template): { pattern: any; targets: any[] | undefined } {
  const logicalId = stack.resolve((rule.node.defaultChild as CfnElement).logicalId);
  const resource = (template ?? Template.fromStack(stack)).findResources(RULE)[logicalId];
  return { pattern: resource.Properties.EventPattern, targets: resource.Properties.Targets };
}

/** The defined cluster and its ARN as the template holds it. */
function defined() {
  const env = testCluster();
  const cfn = env.cluster.node.defaultChild as CfnElement;
  const arn = { 'Fn::GetAtt': [env.stack.resolve(cfn.logicalId), 'ClusterArn'] };
  return { ...env, arn };
}

/** The problems of the `HyperPodValidationError` that `fn` throws. */
function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof HyperPodValidationError) return err.problems;
    throw err;
  }
  throw new Error('no error thrown');
}

describe('the detail types', () => {
  test('are the three AWS documents', () => {
    expect(Object.values(HyperPodEventDetailType)).toEqual(ALL_TYPES);
  });
});

describe('defined cluster: the rule matches it by ARN (resources)', () => {
  test('onEvent: every HyperPod detail type of this cluster, with a target', () => {
    const { stack, cluster, arn } = defined();
    const topic = new sns.Topic(stack, 'Alerts');
    const rule = cluster.onEvent('AllEvents', { target: new targets.SnsTopic(topic), description: 'all of it' });
    const { pattern, targets: ruleTargets } = rendered(stack, rule);
    expect(pattern).toEqual({ 'source': ['aws.sagemaker'], 'detail-type': ALL_TYPES, 'resources': [arn] });
    expect(ruleTargets).toEqual([{ Arn: { Ref: stack.resolve((topic.node.defaultChild as CfnElement).logicalId) }, Id: 'Target0' }]);
    Template.fromStack(stack).hasResourceProperties(RULE, { Description: 'all of it', State: 'ENABLED' });
    // the rule is a child of the cluster, like aws-cdk's onEvent rules
    expect(rule.node.scope).toBe(cluster);
  });

  test('onEvent without a target: no Targets; rule.addTarget() adds one', () => {
    const { stack, cluster } = defined();
    const bare = cluster.onEvent('NoTarget');
    const later = cluster.onEvent('TargetLater');
    later.addTarget(new targets.SnsTopic(new sns.Topic(stack, 'Later')));
    const template = Template.fromStack(stack);
    expect(rendered(stack, bare, template).targets).toBeUndefined();
    expect(rendered(stack, later, template).targets).toHaveLength(1);
  });

  test('onClusterStatusChange: every status by default', () => {
    const { stack, cluster, arn } = defined();
    const { pattern } = rendered(stack, cluster.onClusterStatusChange('Status'));
    expect(pattern).toEqual({
      'source': ['aws.sagemaker'],
      'detail-type': ['SageMaker HyperPod Cluster State Change'],
      'resources': [arn],
    });
  });

  test('onClusterStatusChange: some statuses', () => {
    const { stack, cluster, arn } = defined();
    const rule = cluster.onClusterStatusChange('Failed', { clusterStatuses: [ClusterStatus.FAILED, ClusterStatus.ROLLING_BACK] });
    expect(rendered(stack, rule).pattern).toEqual({
      'source': ['aws.sagemaker'],
      'detail-type': ['SageMaker HyperPod Cluster State Change'],
      'resources': [arn],
      'detail': { ClusterStatus: ['Failed', 'RollingBack'] },
    });
  });

  test('onNodeHealthEvent: unhealthy nodes to SNS', () => {
    const { stack, cluster, arn } = defined();
    const topic = new sns.Topic(stack, 'OnCall');
    const rule = cluster.onNodeHealthEvent('Unhealthy', {
      healthStatuses: [NodeHealthStatus.UNHEALTHY],
      target: new targets.SnsTopic(topic),
    });
    const { pattern, targets: ruleTargets } = rendered(stack, rule);
    expect(pattern).toEqual({
      'source': ['aws.sagemaker'],
      'detail-type': ['SageMaker HyperPod Cluster Node Health Event'],
      'resources': [arn],
      'detail': { HealthSummary: { HealthStatus: ['Unhealthy'] } },
    });
    expect(ruleTargets).toHaveLength(1);
    // the SNS target lets EventBridge publish to the topic
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'sns:Publish', Principal: { Service: 'events.amazonaws.com' } })] },
    });
  });

  test('onNodeHealthEvent: a status by value, and every status by default', () => {
    const { stack, cluster, arn } = defined();
    const some = cluster.onNodeHealthEvent('Some', { healthStatuses: [NodeHealthStatus.UNHEALTHY, NodeHealthStatus.of('Healthy')] });
    const every = cluster.onNodeHealthEvent('Every');
    const template = Template.fromStack(stack);
    expect(rendered(stack, some, template).pattern.detail).toEqual({ HealthSummary: { HealthStatus: ['Unhealthy', 'Healthy'] } });
    expect(rendered(stack, every, template).pattern).toEqual({
      'source': ['aws.sagemaker'],
      'detail-type': ['SageMaker HyperPod Cluster Node Health Event'],
      'resources': [arn],
    });
  });

  test('onClusterEvent: errors of some groups and their nodes', () => {
    const { stack, cluster, arn } = defined();
    const rule = cluster.onClusterEvent('Errors', {
      eventLevels: [ClusterEventLevel.ERROR, ClusterEventLevel.WARN],
      resourceTypes: [ClusterEventResourceType.INSTANCE_GROUP, ClusterEventResourceType.INSTANCE],
      instanceGroupNames: ['workers'],
    });
    expect(rendered(stack, rule).pattern).toEqual({
      'source': ['aws.sagemaker'],
      'detail-type': ['SageMaker HyperPod Cluster Event'],
      'resources': [arn],
      'detail': { EventDetails: { EventLevel: ['Error', 'Warn'], ResourceType: ['InstanceGroup', 'Instance'], InstanceGroupName: ['workers'] } },
    });
  });

  test('onClusterEvent: one filter alone, and none', () => {
    const { stack, cluster, arn } = defined();
    const errors = cluster.onClusterEvent('Errors', { eventLevels: [ClusterEventLevel.ERROR] });
    const all = cluster.onClusterEvent('All');
    const template = Template.fromStack(stack);
    expect(rendered(stack, errors, template).pattern.detail).toEqual({ EventDetails: { EventLevel: ['Error'] } });
    expect(rendered(stack, all, template).pattern).toEqual({
      'source': ['aws.sagemaker'],
      'detail-type': ['SageMaker HyperPod Cluster Event'],
      'resources': [arn],
    });
  });

  test('the caller\'s eventPattern is merged in, and is not changed', () => {
    const { stack, cluster } = defined();
    const extra: events.EventPattern = { detail: { HealthSummary: { RepairAction: ['Replace'] } } };
    const before = JSON.stringify(extra);
    const rule = cluster.onNodeHealthEvent('Replace', { healthStatuses: [NodeHealthStatus.UNHEALTHY], eventPattern: extra });
    // passed again to a second rule, it holds none of the first rule's filters
    expect(JSON.stringify(extra)).toBe(before);
    const second = cluster.onNodeHealthEvent('Again', { eventPattern: extra });
    const template = Template.fromStack(stack);
    expect(rendered(stack, rule, template).pattern.detail).toEqual({ HealthSummary: { HealthStatus: ['Unhealthy'], RepairAction: ['Replace'] } });
    expect(rendered(stack, second, template).pattern.detail).toEqual({ HealthSummary: { RepairAction: ['Replace'] } });
    expect(JSON.stringify(extra)).toBe(before);
  });

  test('rule name and several rules on one cluster', () => {
    const { stack, cluster } = defined();
    cluster.onClusterStatusChange('A', { ruleName: 'hyperpod-status' });
    cluster.onNodeHealthEvent('B');
    cluster.onClusterEvent('C');
    cluster.onEvent('D');
    const template = Template.fromStack(stack);
    template.resourceCountIs(RULE, 4);
    template.hasResourceProperties(RULE, { Name: 'hyperpod-status' });
  });
});

describe('imported cluster', () => {
  test('with its ARN: matched by ARN, like a defined cluster', () => {
    const { stack } = testStack();
    const cluster = HyperPodEksCluster.fromClusterAttributes(stack, 'Imported', { clusterName: 'existing', clusterArn: IMPORTED_ARN });
    const { pattern } = rendered(stack, cluster.onNodeHealthEvent('Health', { healthStatuses: [NodeHealthStatus.UNHEALTHY] }));
    expect(pattern).toEqual({
      'source': ['aws.sagemaker'],
      'detail-type': ['SageMaker HyperPod Cluster Node Health Event'],
      'resources': [IMPORTED_ARN],
      'detail': { HealthSummary: { HealthStatus: ['Unhealthy'] } },
    });
  });

  describe('by name only: matched by ClusterName, where each detail type holds it', () => {
    const setup = () => {
      const { stack } = testStack();
      const cluster: IHyperPodEksCluster = HyperPodEksCluster.fromClusterName(stack, 'Imported', 'existing');
      return { stack, cluster };
    };

    test('onEvent: detail.ClusterName or detail.EventDetails.ClusterName', () => {
      const { stack, cluster } = setup();
      expect(rendered(stack, cluster.onEvent('All')).pattern).toEqual({
        'source': ['aws.sagemaker'],
        'detail-type': ALL_TYPES,
        'detail': { $or: [{ ClusterName: ['existing'] }, { EventDetails: { ClusterName: ['existing'] } }] },
      });
    });

    test('onClusterStatusChange and onNodeHealthEvent: detail.ClusterName', () => {
      const { stack, cluster } = setup();
      const status = cluster.onClusterStatusChange('Status', { clusterStatuses: [ClusterStatus.FAILED] });
      const health = cluster.onNodeHealthEvent('Health', { healthStatuses: [NodeHealthStatus.UNHEALTHY] });
      const template = Template.fromStack(stack);
      expect(rendered(stack, status, template).pattern).toEqual({
        'source': ['aws.sagemaker'],
        'detail-type': ['SageMaker HyperPod Cluster State Change'],
        'detail': { ClusterName: ['existing'], ClusterStatus: ['Failed'] },
      });
      expect(rendered(stack, health, template).pattern).toEqual({
        'source': ['aws.sagemaker'],
        'detail-type': ['SageMaker HyperPod Cluster Node Health Event'],
        'detail': { ClusterName: ['existing'], HealthSummary: { HealthStatus: ['Unhealthy'] } },
      });
    });

    test('onClusterEvent: detail.EventDetails.ClusterName', () => {
      const { stack, cluster } = setup();
      const rule = cluster.onClusterEvent('Errors', { eventLevels: [ClusterEventLevel.ERROR] });
      expect(rendered(stack, rule).pattern).toEqual({
        'source': ['aws.sagemaker'],
        'detail-type': ['SageMaker HyperPod Cluster Event'],
        'detail': { EventDetails: { ClusterName: ['existing'], EventLevel: ['Error'] } },
      });
    });

    test('the grants still need the ARN', () => {
      const { cluster } = setup();
      expect(() => cluster.onEvent('Fine')).not.toThrow();
      expect(() => cluster.clusterArn).toThrow(/clusterArn was not given to fromClusterAttributes/);
    });
  });
});

describe('bad input: a clear error when the rule is defined', () => {
  test('empty filter lists', () => {
    const { cluster } = testCluster();
    expect(problems(() => cluster.onClusterStatusChange('A', { clusterStatuses: [] }))).toEqual([
      'clusterStatuses must hold at least one value (got []); leave it out to match every value',
    ]);
    expect(problems(() => cluster.onNodeHealthEvent('B', { healthStatuses: [] }))).toEqual([
      'healthStatuses must hold at least one value (got []); leave it out to match every value',
    ]);
    expect(problems(() => cluster.onClusterEvent('C', { eventLevels: [], resourceTypes: [], instanceGroupNames: [] }))).toEqual([
      'eventLevels must hold at least one value (got []); leave it out to match every value',
      'resourceTypes must hold at least one value (got []); leave it out to match every value',
      'instanceGroupNames must hold at least one value (got []); leave it out to match every value',
    ]);
  });

  test('an empty health status and a bad group name', () => {
    const { cluster } = testCluster();
    expect(problems(() => cluster.onNodeHealthEvent('A', { healthStatuses: [NodeHealthStatus.of(' ')] }))).toEqual([
      'healthStatuses must not hold an empty status (got " ")',
    ]);
    expect(problems(() => cluster.onClusterEvent('B', { instanceGroupNames: ['workers', 'bad name'] }))).toEqual([
      'instanceGroupNames[1] must be 1-63 characters: letters, digits and hyphens, starting and ending with a letter or digit (got "bad name")',
    ]);
  });

  test('the message names the cluster', () => {
    const { cluster } = testCluster();
    expect(() => cluster.onClusterEvent('C', { eventLevels: [] })).toThrow(/TestStack\/HyperPod: invalid configuration:\n {2}- eventLevels must hold/);
  });
});
