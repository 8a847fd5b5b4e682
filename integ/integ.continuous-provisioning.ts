/**
 * integ.continuous-provisioning: the smallest deployable HyperPod stack.
 *
 * What it proves, in a real account: a VPC, an EKS cluster and a `HyperPodEksCluster` with one
 * instance group of 2 x ml.m5.xlarge deploy with the library's defaults, and then
 *   1. DescribeCluster shows `NodeProvisioningMode: Continuous`,
 *   2. the cluster is `InService`,
 *   3. the group's `CurrentCount` reaches its `TargetCount` of 2 (polled every minute for up
 *      to 50 minutes), and `TargetCount` is 2,
 *   4. `waitForCapacity: 2` works: the group's `Custom::HyperPodCapacity` resource holds the
 *      deployment until 2 nodes are Running (else the deploy fails with the group's state),
 *      so by the time the assertions run the count has usually already been reached;
 *   5. HyperPod's EKS dependencies install: the Pod Identity agent before the cluster (the
 *      preflight requires it), cert-manager and the HyperPod training operator after it, and
 *      the HyperPod Helm chart before it when HYPERPOD_HELM_CHART names a local checkout of
 *      aws/sagemaker-hyperpod-cli's helm_chart/HyperPodHelmChart (after
 *      `helm dependencies update`); the committed snapshot is synthesized without it.
 * integ-runner destroys both stacks afterwards (the test deletes the lifecycle-script bucket
 * too, see support/deployable.ts).
 *
 * Offline (no AWS account), `npx projen integ` only checks that the synthesized templates
 * match the committed snapshot in integ.continuous-provisioning.ts.snapshot/.
 *
 * Run it in a real account (costs money; an estimated 1 to 1.5 hours; see the README section
 * "Integration tests"):
 *   npx projen integ:deploy integ.continuous-provisioning.ts --parallel-regions us-west-2
 *
 * Verify by hand (for example with `--no-clean`, or while the test waits):
 *   aws sagemaker list-clusters --name-contains HyperPodIntegContinuous
 *   aws sagemaker describe-cluster --cluster-name <name> \
 *     --query '{mode: NodeProvisioningMode, status: ClusterStatus, groups: InstanceGroups[].[InstanceGroupName, CurrentCount, TargetCount]}'
 *   aws sagemaker list-cluster-nodes --cluster-name <name> \
 *     --query 'ClusterNodeSummaries[].[InstanceId, InstanceStatus.Status]'
 * Expect "Continuous", "InService", ["workers", 2, 2] and two Running nodes. The assertion
 * results are also the outputs of the stack HyperPodIntegContinuousTestDefaultTestDeployAssert7B9E8C25.
 *
 * The assertions run in a Lambda function (Node.js 22) with the AWS SDK of its runtime: the
 * SDK drops response fields it does not know, so `NodeProvisioningMode` needs a runtime SDK
 * recent enough to know it.
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { Duration } from 'aws-cdk-lib';
import { HelmChartSource } from '../src';
import { deployableCluster, integApp } from './support/deployable';

const GROUP = 'workers';
const NODES = 2;

const app = integApp();
const chart = process.env.HYPERPOD_HELM_CHART;
const { stack, hyperPod } = deployableCluster(app, 'HyperPodIntegContinuous', GROUP, NODES, {
  waitForCapacity: { runningNodes: NODES, timeout: Duration.minutes(60) },
}, {
  trainingOperator: true,
  helmChart: chart ? { source: HelmChartSource.fromAsset(chart) } : undefined,
});

const integ = new IntegTest(app, 'HyperPodIntegContinuousTest', {
  testCases: [stack],
  // The update workflow would first deploy the committed snapshot, whose assets are not committed.
  stackUpdateWorkflow: false,
});

// Each call asserts one leaf of the flattened DescribeCluster response: the whole response
// could exceed the 4 KB a custom resource may return. The group is the only one, so index 0.
const describe = (path: string, expected: ExpectedResult) =>
  integ.assertions.awsApiCall('SageMaker', 'describeCluster', { ClusterName: hyperPod.clusterName })
    .assertAtPath(path, expected);

const nodesUp = describe('InstanceGroups.0.CurrentCount', ExpectedResult.exact(NODES))
  .waitForAssertions({ totalTimeout: Duration.minutes(50), interval: Duration.minutes(1) });
nodesUp
  .next(describe('InstanceGroups.0.TargetCount', ExpectedResult.exact(NODES)))
  .next(describe('NodeProvisioningMode', ExpectedResult.exact('Continuous')))
  .next(describe('ClusterStatus', ExpectedResult.exact('InService')));

app.synth();
