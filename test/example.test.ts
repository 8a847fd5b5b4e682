import { Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { HELM_CHART_CONTEXT, HyperPodExampleStack } from '../examples/example-stack';
import { assetHashSerializer } from './support/snapshot-serializer';
import { testApp } from './support/stacks';

expect.addSnapshotSerializer(assetHashSerializer);

function exampleStack(): HyperPodExampleStack {
  const app = testApp();
  return new HyperPodExampleStack(app, 'HyperPodExample');
}

test('the example stack matches its snapshot (asset hashes masked)', () => {
  expect(Template.fromStack(exampleStack()).toJSON()).toMatchSnapshot();
});

test('cdk-nag AwsSolutions: no unsuppressed finding', () => {
  const stack = exampleStack();
  Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));
  const annotations = Annotations.fromStack(stack);
  const findings = [
    ...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
  ].map((m) => `${m.id}: ${String(m.entry.data).split(':')[0]}`);
  expect(findings).toEqual([]);
});

test('with a checkout of the HyperPod Helm chart, the example installs it before the HyperPod cluster', () => {
  const app = testApp({ [HELM_CHART_CONTEXT]: `${__dirname}/fixtures/hyperpod-chart` });
  const t = Template.fromStack(new HyperPodExampleStack(app, 'HyperPodExample'));
  const [[chartId, chart]] = Object.entries<any>(t.findResources('Custom::AWSCDK-EKS-HelmChart'));
  expect(chart.Properties).toMatchObject({ Release: 'dependencies', Namespace: 'kube-system' });
  const [hyperPod] = Object.values<any>(t.findResources('AWS::SageMaker::Cluster'));
  expect(hyperPod.DependsOn).toContain(chartId);
});
