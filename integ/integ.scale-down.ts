/**
 * integ.scale-down: targeted scale-down in a real account.
 *
 * What it proves: starting from an instance group of 3 nodes, asking for 2 with one node named
 * in `RemoveNodeIds` removes exactly that node; the other two stay Running, no replacement is
 * launched, and the group's TargetCount drops to 2 (that BatchDeleteClusterNodes lowers
 * TargetCount in continuous provisioning is how HyperPod behaves but is not documented by AWS;
 * this test is where it is checked).
 *
 * How it works. The node ids exist only once the nodes run, so the scale-down cannot be written
 * into a second version of the template (integ-runner's update workflow deploys a template
 * known at synth time). Instead the assertions drive the deployed handler the way the CDK
 * Provider framework does during a stack update:
 *   1. deploy a group of 3 (`HyperPodIntegScaleDown`), scale-down on (the default);
 *   2. a small checker Lambda defined here (`Checker`, inline code, in the assertion stack)
 *      waits until the group has 3 Running nodes and TargetCount 3, and names the node the
 *      default order (NewestFirst: latest launch first, ties by instance id) would take LAST,
 *      so the test fails if `RemoveNodeIds` were ignored;
 *   3. invoke the deployed `OnEvent` function of the stack's `HyperPodScaleDownProvider` with an
 *      `Update` event whose ResourceProperties are what the construct renders for
 *      `instanceCount: 2, scaleDown: { removeNodeIds: [<that node>] }` (scalars as strings, as
 *      CloudFormation sends them; the group drains by default: the handler cordons the node
 *      and evicts its pods through the EKS cluster's Kubernetes API, with the access entries
 *      and RBAC the construct made, before it deletes the node), with the previous template's
 *      count 3 as OldResourceProperties and the stack's id as StackId (the cluster carries it
 *      as its owner tag), and check it answers with a physical id of the cluster;
 *   4. invoke the deployed `IsComplete` function with the same event every 30 s until it
 *      returns `IsComplete: true` (up to 30 minutes). The Provider framework would also pass
 *      the `Data` onEvent returned; the handler uses it only for its own timeout and the
 *      `Removed` counts, so the waiter's 30 minutes bound the wait instead;
 *   5. the checker reports the named node ShuttingDown or gone, the two others Running, no other
 *      node in the group, TargetCount 2; and DescribeCluster shows TargetCount 2.
 * Then integ-runner destroys the stacks (the template still says 3; a deletion does not care).
 *
 * Offline (no AWS account), `npx projen integ` only checks that the synthesized templates
 * match the committed snapshot in integ.scale-down.ts.snapshot/. Read the event sent in step 3
 * in that snapshot: the `Payload` of the `Custom::DeployAssert@SdkCallLambdainvoke` resource
 * whose `FunctionName` imports the OnEvent function.
 *
 * Run it in a real account (costs money; an estimated 1 to 1.5 hours; see the README section
 * "Integration tests"):
 *   npx projen integ:deploy integ.scale-down.ts --parallel-regions us-west-2
 *
 * Verify by hand, with `--no-clean` or while the test runs:
 *   aws sagemaker list-cluster-nodes --cluster-name <name> \
 *     --query 'ClusterNodeSummaries[].[InstanceId, LaunchTime, InstanceStatus.Status]'
 *   aws sagemaker describe-cluster --cluster-name <name> \
 *     --query 'InstanceGroups[].[InstanceGroupName, CurrentCount, TargetCount]'
 *   aws logs tail /aws/lambda/<OnEvent function name>   # the plan: which node, why ("listed"); its drain
 *   kubectl get nodes -l sagemaker.amazonaws.com/instance-group-name=workers   # the node cordoned before it goes
 * Expect the node the checker named (its log shows it) ShuttingDown or absent, the two others
 * Running, and TargetCount 2.
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { deployableCluster, integApp } from './support/deployable';

const GROUP = 'workers';
const BEFORE = 3;
const AFTER = 2;

const app = integApp();
const { stack, hyperPod, eksCluster } = deployableCluster(app, 'HyperPodIntegScaleDown', GROUP, BEFORE);
const provider = stack.node.findChild('HyperPodScaleDownProvider');
const onEvent = provider.node.findChild('OnEvent') as lambda.IFunction;
const isComplete = provider.node.findChild('IsComplete') as lambda.IFunction;

// The checker lives in the assertion stack: the stack under test holds only what a user deploys
// (plus the test's cleanup settings of the lifecycle-script bucket, see support/deployable.ts).
const assertStack = new Stack(app, 'HyperPodIntegScaleDownAssertions');
const integ = new IntegTest(app, 'HyperPodIntegScaleDownTest', {
  testCases: [stack],
  assertionStack: assertStack,
  // The update workflow would first deploy the committed snapshot, whose assets are not committed.
  stackUpdateWorkflow: false,
});

const checker = new lambda.Function(assertStack, 'Checker', {
  description: 'hyperpod-cdk integ.scale-down: lists the nodes of one instance group',
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  timeout: Duration.minutes(1),
  code: lambda.Code.fromInline(`
const { SageMakerClient, ListClusterNodesCommand, DescribeClusterCommand } = require('@aws-sdk/client-sagemaker');
const sm = new SageMakerClient({});
exports.handler = async (event) => {
  const { cluster, group } = event;
  const nodes = [];
  let NextToken;
  do {
    const page = await sm.send(new ListClusterNodesCommand({ ClusterName: cluster, InstanceGroupNameContains: group, MaxResults: 100, NextToken }));
    nodes.push(...(page.ClusterNodeSummaries || []).filter((n) => n.InstanceGroupName === group));
    NextToken = page.NextToken;
  } while (NextToken);
  const described = await sm.send(new DescribeClusterCommand({ ClusterName: cluster }));
  const targetCount = ((described.InstanceGroups || []).find((g) => g.InstanceGroupName === group) || {}).TargetCount;
  const statusOf = (id) => ((nodes.find((n) => n.InstanceId === id) || {}).InstanceStatus || { Status: 'absent' }).Status;
  console.log(JSON.stringify({ event, targetCount, nodes: nodes.map((n) => [n.InstanceId, n.LaunchTime, n.InstanceStatus.Status]) }));
  if (event.mode === 'pick') {
    // The default order, NewestFirst: latest launch first, ties by instance id. Name the node it would take last.
    const running = nodes.filter((n) => n.InstanceStatus.Status === 'Running')
      .sort((a, b) => (new Date(b.LaunchTime) - new Date(a.LaunchTime)) || (a.InstanceId < b.InstanceId ? -1 : 1));
    const ready = nodes.length === event.count && running.length === event.count && targetCount === event.count;
    const victim = ready ? running[running.length - 1].InstanceId : '';
    const keep = ready ? running.slice(0, -1).map((n) => n.InstanceId) : [];
    console.log(JSON.stringify({ ready, victim, keep }));
    return { ready, victim, keep };
  }
  const victim = statusOf(event.victim);
  const keep = event.keep.map(statusOf).join(',');
  const extra = nodes.filter((n) => n.InstanceId !== event.victim && !event.keep.includes(n.InstanceId)
    && n.InstanceStatus.Status !== 'ShuttingDown').length;
  const gone = victim === 'ShuttingDown' || victim === 'absent' ? 'gone' : victim;
  return { result: 'victim=' + gone + ' keep=' + keep + ' extra=' + extra + ' target=' + targetCount };
};
`),
});
checker.addToRolePolicy(new iam.PolicyStatement({
  actions: ['sagemaker:ListClusterNodes', 'sagemaker:DescribeCluster'],
  resources: [assertStack.formatArn({ service: 'sagemaker', resource: 'cluster', resourceName: '*' })],
}));

// 2. Wait for 3 Running nodes, and name the node to remove.
const pick = integ.assertions.invokeFunction({
  functionName: checker.functionName,
  payload: JSON.stringify({ mode: 'pick', cluster: hyperPod.clusterName, group: GROUP, count: BEFORE }),
}).assertAtPath('Payload.ready', ExpectedResult.exact(true))
  .waitForAssertions({ totalTimeout: Duration.minutes(50), interval: Duration.minutes(1) });
const victim = pick.getAttString('Payload.victim');
const keep = [pick.getAttString('Payload.keep.0'), pick.getAttString('Payload.keep.1')];

// 3. The Update event the Provider framework would send when instanceCount goes from 3 to 2
// with removeNodeIds: [victim] (see renderScaleDownGroup in src/private/render.ts): the EKS
// cluster is an aws-eks one with kubectl, so the group drains by default (15 minutes, Fail).
const groupProperties = (count: number, removeNodeIds: string[]) => ({
  InstanceGroupName: GROUP,
  InstanceCount: String(count),
  RemoveNodeIds: removeNodeIds,
  Order: 'NewestFirst',
  ChunkSize: '99',
  Drift: 'Refuse',
  Drain: 'true',
  DrainTimeoutSeconds: '900',
  DrainOnTimeout: 'Fail',
});
// Plain JSON.stringify, not Stack.toJsonString: integ-tests-alpha JSON-encodes the payload once
// more, and only literal text (visible here) gets escaped; the tokens are instance ids, which
// need no escaping. The snapshot shows the resulting Fn::Join.
const updateEvent = JSON.stringify({
  RequestType: 'Update',
  ResourceType: 'Custom::HyperPodScaleDown',
  // The handler removes nodes only from a cluster tagged with the request's StackId.
  StackId: stack.stackId,
  LogicalResourceId: 'IntegScaleDown',
  RequestId: 'integ-scale-down',
  PhysicalResourceId: `${hyperPod.clusterName}/previous`,
  ResourceProperties: {
    ClusterName: hyperPod.clusterName,
    EksClusterName: eksCluster.clusterName,
    TimeoutSeconds: '1740',
    InstanceGroups: [groupProperties(AFTER, [victim])],
  },
  OldResourceProperties: {
    ClusterName: hyperPod.clusterName,
    EksClusterName: eksCluster.clusterName,
    TimeoutSeconds: '1740',
    InstanceGroups: [groupProperties(BEFORE, [])],
  },
});
const start = integ.assertions.invokeFunction({ functionName: onEvent.functionName, payload: updateEvent })
  .assertAtPath('Payload.PhysicalResourceId', ExpectedResult.stringLikeRegexp(`^${hyperPod.clusterName}/[0-9a-f]{12}$`));

// 4. Poll isComplete as the Provider framework does, every 30 seconds.
const done = integ.assertions.invokeFunction({ functionName: isComplete.functionName, payload: updateEvent })
  .assertAtPath('Payload.IsComplete', ExpectedResult.exact(true))
  .waitForAssertions({ totalTimeout: Duration.minutes(30), interval: Duration.seconds(30) });

// 5. Exactly the named node went, the others stay, nothing replaced it, and the target dropped.
const verify = integ.assertions.invokeFunction({
  functionName: checker.functionName,
  payload: JSON.stringify({ mode: 'verify', cluster: hyperPod.clusterName, group: GROUP, victim, keep }),
}).assertAtPath('Payload.result', ExpectedResult.exact(`victim=gone keep=Running,Running extra=0 target=${AFTER}`))
  .waitForAssertions({ totalTimeout: Duration.minutes(10), interval: Duration.seconds(30) });
const target = integ.assertions.awsApiCall('SageMaker', 'describeCluster', { ClusterName: hyperPod.clusterName })
  .assertAtPath('InstanceGroups.0.TargetCount', ExpectedResult.exact(AFTER));

pick.next(start).next(done).next(verify).next(target);

app.synth();
