import { App, Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { HyperPodExampleStack } from '../examples/example-stack';
import { assetHashSerializer } from './support/snapshot-serializer';

expect.addSnapshotSerializer(assetHashSerializer);

function exampleStack(): HyperPodExampleStack {
  const app = new App({ context: { 'aws:cdk:disable-creation-stack-traces': true } });
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
