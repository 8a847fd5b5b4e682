import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { testCluster, testStack } from './support/stacks';
import { DEFAULT_TIMEOUT_SECONDS } from '../src/contract/resources';
import { PreflightCheck } from '../src/private/custom-resources/preflight-resource';

/** Every IAM statement of the stack that names an EKS action. */
function eksStatements(template: Template): any[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
    .filter((s: any) => JSON.stringify(s.Action).includes('eks:'));
}

function sageMakerStatements(template: Template): any[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
    .filter((s: any) => JSON.stringify(s.Action).includes('sagemaker:'));
}

const arn = (resource: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:eks:us-east-1:123456789012:${resource}/*`]] });

describe('preflight check in the template', () => {
  // a cluster with scale-down but its own preflight off: the stack's provider exists already
  const { stack } = testCluster({ preflight: { enabled: false } });
  const check = new PreflightCheck(stack, 'Preflight', { eksClusterName: 'ml-eks' });
  const template = Template.fromStack(stack);

  test('one Custom::HyperPodPreflight with its properties, on the stack\'s shared provider', () => {
    template.resourceCountIs('Custom::HyperPodPreflight', 1);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    const [preflight] = Object.values(template.findResources('Custom::HyperPodPreflight'));
    const [scaleDown] = Object.values(template.findResources('Custom::HyperPodScaleDown'));
    expect(preflight.Properties).toEqual({
      ServiceToken: scaleDown.Properties.ServiceToken,
      EksClusterName: 'ml-eks',
      RequirePodIdentityAgent: 'false',
      TimeoutSeconds: DEFAULT_TIMEOUT_SECONDS.preflight - 60, // 540: a minute before the timeout
    });
    expect(stack.resolve(check.resource.ref)).toEqual({ Ref: expect.any(String) });
  });

  test('IAM: exactly DescribeCluster, ListAddons and DescribeAddon on the EKS clusters and add-ons of this account and Region', () => {
    expect(eksStatements(template)).toEqual([0, 1].map(() => ({ // one for each of onEvent and isComplete
      Action: ['eks:DescribeCluster', 'eks:ListAddons', 'eks:DescribeAddon'],
      Effect: 'Allow',
      Resource: [arn('cluster'), arn('addon')],
    })));
  });

  test('scale-down keeps its own statements', () => {
    expect(sageMakerStatements(template)).toHaveLength(4);
  });
});

describe('preflight check options', () => {
  test('a check alone: the provider may only read EKS', () => {
    const { stack } = testStack();
    new PreflightCheck(stack, 'Preflight', { eksClusterName: 'ml-eks' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    expect(eksStatements(template)).toHaveLength(2);
    expect(sageMakerStatements(template)).toEqual([]);
  });

  test('two checks share the provider and its statements', () => {
    const { stack } = testStack();
    new PreflightCheck(stack, 'A', { eksClusterName: 'a' });
    new PreflightCheck(stack, 'B', { eksClusterName: 'b' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::HyperPodPreflight', 2);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    expect(eksStatements(template)).toHaveLength(2);
  });

  test('Pod Identity Agent, timeout, a token name and a re-run trigger become properties', () => {
    const { stack, eksCluster } = testStack();
    new PreflightCheck(stack, 'Preflight', {
      eksClusterName: eksCluster.clusterName,
      requirePodIdentityAgent: true,
      timeout: Duration.minutes(20),
      clusterConfig: 'abc123',
    });
    Template.fromStack(stack).hasResourceProperties('Custom::HyperPodPreflight', {
      EksClusterName: 'ml-eks',
      RequirePodIdentityAgent: 'true',
      TimeoutSeconds: 1140,
      ClusterConfig: 'abc123',
    });
  });

  test.each([Duration.minutes(61), Duration.seconds(100), Duration.seconds(125)])('timeout %s is refused', (timeout) => {
    const { stack } = testStack();
    expect(() => new PreflightCheck(stack, 'Preflight', { eksClusterName: 'ml-eks', timeout }))
      .toThrow(/Preflight: invalid configuration:\n {2}- timeout must be from 2 minutes to 1 hour, in whole 30-second steps/);
  });
});

describe('the cluster\'s preflight', () => {
  test('on by default: the HyperPod cluster depends on it, and it runs again whenever a group changes', () => {
    const { stack, cluster } = testCluster();
    const t = Template.fromStack(stack);
    const [[preflightId, preflight]] = Object.entries(t.findResources('Custom::HyperPodPreflight'));
    expect(preflight.Properties).toMatchObject({ EksClusterName: 'ml-eks', TimeoutSeconds: 540, ClusterConfig: expect.stringMatching(/^[0-9a-f]{16}$/) });
    const [clusterResource] = Object.values(t.findResources('AWS::SageMaker::Cluster'));
    expect(clusterResource.DependsOn).toContain(preflightId);
    expect(cluster.node.tryFindChild('Preflight')).toBeDefined();
  });

  test('its timeout is a property; disabled, there is none', () => {
    const t = Template.fromStack(testCluster({ preflight: { timeout: Duration.minutes(30) } }).stack);
    t.hasResourceProperties('Custom::HyperPodPreflight', { TimeoutSeconds: 1740 });
    Template.fromStack(testCluster({ preflight: { enabled: false } }).stack).resourceCountIs('Custom::HyperPodPreflight', 0);
  });

  test('a timeout out of range fails at synth', () => {
    expect(() => testCluster({ preflight: { timeout: Duration.hours(2) } })).toThrow(/timeout must be from 2 minutes to 1 hour/);
  });
});
