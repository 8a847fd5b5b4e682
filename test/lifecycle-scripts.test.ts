import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { HyperPodEksCluster, InstanceType, LifecycleScripts } from '../src';
import { testStack } from './support/stacks';

const fixtures = path.join(__dirname, 'fixtures');

function clusterWith(scripts: LifecycleScripts) {
  const env = testStack();
  const cluster = new HyperPodEksCluster(env.stack, 'HyperPod', { eksCluster: env.eksCluster, lifecycleScripts: scripts });
  cluster.addInstanceGroup('W', { instanceType: InstanceType.ML_T3_MEDIUM, instanceCount: 1 });
  return { ...env, cluster };
}

describe('LifecycleScripts.fromAsset', () => {
  test('deploys the folder under a content-hashed prefix and points OnCreate at the file', () => {
    const { stack } = clusterWith(LifecycleScripts.fromAsset(path.join(fixtures, 'lifecycle-ok'), { onCreate: 'on_create.sh' }));
    const t = Template.fromStack(stack);
    t.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketKeyPrefix: Match.stringLikeRegexp('^lifecycle-scripts/[0-9a-f]{16}/$'),
      DestinationBucketName: { Ref: Match.stringLikeRegexp('HyperPodLifecycleBucket') },
    });
    const prefix = Object.values(t.findResources('Custom::CDKBucketDeployment'))[0].Properties.DestinationBucketKeyPrefix;
    const group = Object.values(t.findResources('AWS::SageMaker::Cluster'))[0].Properties.InstanceGroups[0];
    expect(JSON.stringify(group.LifeCycleConfig.SourceS3Uri)).toContain(prefix);
  });

  test('a changed script gives a new prefix', () => {
    const a = clusterWith(LifecycleScripts.fromAsset(path.join(fixtures, 'lifecycle-ok'), { onCreate: 'on_create.sh' }));
    const b = clusterWith(LifecycleScripts.defaultEks());
    const prefix = (stack: any) => Object.values(Template.fromStack(stack).findResources('Custom::CDKBucketDeployment'))[0].Properties.DestinationBucketKeyPrefix;
    expect(prefix(a.stack)).not.toBe(prefix(b.stack));
  });

  test.each([
    ['a missing folder', path.join(fixtures, 'nope'), 'on_create.sh', /the folder does not exist or is not a directory/],
    ['a missing onCreate file', path.join(fixtures, 'lifecycle-ok'), 'start.sh', /onCreate file 'start.sh' does not exist in the folder/],
    ['an onCreate outside the folder', path.join(fixtures, 'lifecycle-ok'), '../lifecycle-bad/on_create.sh', /onCreate must be a path inside the folder/],
    ['a script that fails bash -n', path.join(fixtures, 'lifecycle-bad'), 'on_create.sh', /on_create.sh fails 'bash -n': .*syntax error/],
  ])('rejects %s', (_what, folder, onCreate, message) => {
    expect(() => clusterWith(LifecycleScripts.fromAsset(folder, { onCreate }))).toThrow(message);
  });

  test('without bash, warns instead of checking', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecycle-'));
    fs.writeFileSync(path.join(dir, 'on_create.sh'), `#!/bin/bash\necho ${Date.now()}-${Math.random()}\n`);
    const original = process.env.PATH;
    process.env.PATH = '/nonexistent';
    let stack;
    try {
      stack = clusterWith(LifecycleScripts.fromAsset(dir, { onCreate: 'on_create.sh' })).stack;
    } finally {
      process.env.PATH = original;
    }
    Annotations.fromStack(stack).hasWarning('/TestStack/HyperPod', Match.stringLikeRegexp('bash was not found'));
  });
});

describe('the default EKS script', () => {
  test('is used when nothing is given, with on_create.sh', () => {
    const { stack } = clusterWith(LifecycleScripts.defaultEks());
    const group = Object.values(Template.fromStack(stack).findResources('AWS::SageMaker::Cluster'))[0].Properties.InstanceGroups[0];
    expect(group.LifeCycleConfig.OnCreate).toBe('on_create.sh');
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});
