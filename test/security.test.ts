import { Annotations as CoreAnnotations, Aspects, Size, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { AwsSolutionsChecks } from 'cdk-nag';
import { HyperPodEksCluster, InstanceType, LifecycleScripts } from '../src';
import { testCluster, testStack } from './support/stacks';
import { IMMUTABLE_ROLE_WARNING } from '../src/private/execution-roles';

const GROUP = { instanceGroupName: 'workers', instanceType: InstanceType.ML_T3_MEDIUM, instanceCount: 1 };

/** Unsuppressed AwsSolutions findings, as `<path>: <rule>[<finding>]`. */
function awsSolutionsFindings(stack: Stack): string[] {
  Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));
  const annotations = Annotations.fromStack(stack);
  return [
    ...annotations.findError('*', Match.stringLikeRegexp('^AwsSolutions-')),
    ...annotations.findWarning('*', Match.stringLikeRegexp('^AwsSolutions-')),
  ].map((m) => `${m.id}: ${/^[^:[]+(\[[^\]]*\])?/.exec(String(m.entry.data))![0]}`);
}

/** Statements of the IAM policies attached to the role whose logical id starts with `rolePrefix`. */
function roleStatements(template: Template, rolePrefix: string): any[] {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp(`^${rolePrefix}`) }] } });
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('cdk-nag suppressions hide only the library\'s own findings', () => {
  test('no unsuppressed AwsSolutions finding on the cluster\'s resources', () => {
    const { stack } = testCluster();
    expect(awsSolutionsFindings(stack).filter((f) => /^\/TestStack\/(HyperPod|HyperPodScaleDownProvider)\//.test(f))).toEqual([]);
  });

  test('a statement the user adds to executionRole keeps all its findings', () => {
    const { stack, cluster } = testCluster();
    cluster.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));
    const findings = awsSolutionsFindings(stack).filter((f) => f.startsWith('/TestStack/HyperPod/ExecutionRole/'));
    expect(findings).toEqual(expect.arrayContaining([
      '/TestStack/HyperPod/ExecutionRole/DefaultPolicy/Resource: AwsSolutions-IAM5[Action::s3:*]',
      '/TestStack/HyperPod/ExecutionRole/DefaultPolicy/Resource: AwsSolutions-IAM5[Resource::*]',
    ]));
  });

  test('the user\'s own BucketDeployment in the same stack keeps all its findings', () => {
    const findingsOfHandler = (withCluster: boolean) => {
      const { stack, eksCluster } = testStack();
      const bucket = new s3.Bucket(stack, 'Site', { enforceSSL: true, serverAccessLogsPrefix: 'logs/' });
      new s3deploy.BucketDeployment(stack, 'Deploy', { sources: [s3deploy.Source.data('index.html', 'hi')], destinationBucket: bucket });
      if (withCluster) new HyperPodEksCluster(stack, 'HyperPod', { eksCluster, instanceGroups: [GROUP] });
      return awsSolutionsFindings(stack).filter((f) => f.includes('Custom::CDKBucketDeployment'));
    };
    const alone = findingsOfHandler(false);
    expect(alone.length).toBeGreaterThanOrEqual(5);
    expect(alone).toEqual(expect.arrayContaining([expect.stringMatching(/AwsSolutions-IAM5\[Resource::<Site[0-9A-F]+\.Arn>\/\*\]$/)]));
    const withCluster = findingsOfHandler(true);
    expect(withCluster).toEqual(expect.arrayContaining(alone));
  });

  test('the library records no suppression on the stack-wide aws-s3-deployment handler', () => {
    const template = Template.fromStack(testCluster().stack);
    const handler = Object.entries<any>(template.toJSON().Resources).filter(([id]) => id.startsWith('CustomCDKBucketDeployment'));
    expect(handler.length).toBeGreaterThan(0);
    expect(handler.filter(([, r]) => r.Metadata?.cdk_nag)).toEqual([]);
  });

  test('every IAM suppression names its findings, once per resource, and each reason names the actions it covers', () => {
    const { stack, eksCluster } = testStack();
    new HyperPodEksCluster(stack, 'HyperPod', { eksCluster, instanceGroups: [{ ...GROUP, waitForCapacity: { runningNodes: 1 } }] });
    const template = Template.fromStack(stack);
    const perResource = Object.values<any>(template.toJSON().Resources).map((r) => r.Metadata?.cdk_nag?.rules_to_suppress ?? []);
    for (const resourceRules of perResource) {
      const findings = resourceRules.filter((r: any) => r.id === 'AwsSolutions-IAM5').map((r: any) => r.applies_to[0]);
      expect(new Set(findings).size).toBe(findings.length);
    }
    const rules = perResource.flat();
    const clusters = rules.find((r: any) => r.id === 'AwsSolutions-IAM5' && /sagemaker:.*:cluster\/\*$/.test(r.applies_to[0]));
    expect(clusters.reason).toMatch(/sagemaker:BatchDeleteClusterNodes/);
    expect(clusters.reason).toMatch(/sagemaker:ListClusterEvents/);
    const iamRules = rules.filter((r: any) => /^AwsSolutions-IAM[45]$/.test(r.id));
    expect(iamRules.length).toBeGreaterThan(0);
    for (const rule of iamRules) {
      expect(rule.applies_to).toEqual([expect.any(String)]);
    }
    const star = rules.find((r: any) => r.id === 'AwsSolutions-IAM5' && r.applies_to[0] === 'Resource::*');
    expect(star.reason).toMatch(/ec2:DescribeInstances/);
    expect(star.reason).not.toMatch(/DetachNetworkInterface/);
  });
});

describe('lifecycle bucket', () => {
  test('versioned; only the deployment handler role may write or delete objects', () => {
    const template = Template.fromStack(testCluster().stack);
    template.hasResourceProperties('AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' } });
    const [policy] = Object.values<any>(template.findResources('AWS::S3::BucketPolicy'));
    const guard = policy.Properties.PolicyDocument.Statement.find((s: any) => s.Sid === 'OnlyTheDeploymentWritesLifecycleScripts');
    expect(guard).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['s3:DeleteObject*', 's3:PutObject*', 's3:Replicate*'],
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [expect.stringMatching(/^CustomCDKBucketDeployment.*ServiceRole/), 'Arn'] } } },
    });
    expect(JSON.stringify(guard.Resource)).toMatch(/HyperPodLifecycleBucket.*\/\*/);
    // the deployment writes only once the bucket policy allows its (possibly replaced) role
    const [deployment] = Object.values<any>(template.findResources('Custom::CDKBucketDeployment'));
    expect(deployment.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^HyperPodLifecycleBucketPolicy/)]));
  });

  test('optional server access logs and customer managed key', () => {
    const { stack, eksCluster } = testStack();
    const logs = s3.Bucket.fromBucketName(stack, 'Logs', 'my-access-logs');
    const key = new kms.Key(stack, 'ScriptsKey');
    new HyperPodEksCluster(stack, 'HyperPod', { eksCluster, instanceGroups: [GROUP], lifecycleBucketAccessLogs: logs, lifecycleBucketEncryptionKey: key });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: 'my-access-logs', LogFilePrefix: 'hyperpod-lifecycle-scripts/' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ScriptsKey'), 'Arn'] } },
        }],
      },
    });
    const decrypt = roleStatements(template, 'HyperPodExecutionRole').find((s) => JSON.stringify(s.Action).includes('kms:Decrypt'));
    expect(decrypt.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ScriptsKey/), 'Arn'] });
    // in the construct's own policy (the role's default policy stays the user's), not in the key policy
    expect(Object.keys(template.findResources('AWS::IAM::Policy')).filter((id) => id.startsWith('HyperPodExecutionRoleDefaultPolicy'))).toEqual([]);
    expect(JSON.stringify(template.findResources('AWS::KMS::Key'))).not.toMatch(/HyperPodExecutionRole/);
    // with access logs, the bucket's AwsSolutions-S1 is not suppressed (there is no finding)
    const [bucket] = Object.values<any>(template.findResources('AWS::S3::Bucket'));
    expect(JSON.stringify(bucket.Metadata?.cdk_nag ?? {})).not.toMatch(/AwsSolutions-S1/);
    expect(awsSolutionsFindings(stack).filter((f) => f.startsWith('/TestStack/HyperPod/LifecycleBucket'))).toEqual([]);
  });
});

describe('customer managed keys of EBS volumes', () => {
  test('each key (secondary and root, different keys) gets kms:CreateGrant for AWS resources, kms:DescribeKey and encrypt/decrypt', () => {
    const { stack, eksCluster } = testStack();
    const ebs = new kms.Key(stack, 'EbsKey');
    const root = new kms.Key(stack, 'RootKey');
    const cluster = new HyperPodEksCluster(stack, 'HyperPod', { eksCluster });
    cluster.addInstanceGroup('Workers', { ...GROUP, ebsVolumeSize: Size.gibibytes(100), ebsVolumeKmsKey: ebs, rootVolumeKmsKey: root });
    const statements = roleStatements(Template.fromStack(stack), 'HyperPodExecutionRole').filter((s) => JSON.stringify(s.Action).includes('kms:'));
    for (const keyPrefix of ['EbsKey', 'RootKey']) {
      const arn = { 'Fn::GetAtt': [expect.stringMatching(new RegExp(`^${keyPrefix}`)), 'Arn'] };
      expect(statements).toEqual(expect.arrayContaining([
        { Action: 'kms:CreateGrant', Effect: 'Allow', Resource: arn, Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } },
        { Action: 'kms:DescribeKey', Effect: 'Allow', Resource: arn },
        { Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'], Effect: 'Allow', Resource: arn },
      ]));
    }
    expect(statements).toHaveLength(6);
  });
});

describe('execution roles passed in (CDK convention)', () => {
  const nodeSids = ['NodeNetworkInterfaces', 'AttachDetachNetworkInterfaces', 'TagNetworkInterfaces', 'DescribeNetwork', 'PullImages', 'PodIdentity'];

  function withRole(makeRole: (stack: Stack) => iam.IRole) {
    const { stack, eksCluster, vpc } = testStack();
    const key = new kms.Key(stack, 'Key');
    const cluster = new HyperPodEksCluster(stack, 'HyperPod', { eksCluster, executionRole: makeRole(stack) });
    cluster.addInstanceGroup('Workers', { ...GROUP, rootVolumeKmsKey: key, vpcSubnets: { subnets: [vpc.privateSubnets[1]] } });
    return { stack, cluster, template: Template.fromStack(stack) };
  }

  test('a mutable imported role gets every statement the default role gets', () => {
    const { template } = withRole((s) => iam.Role.fromRoleArn(s, 'Imported', 'arn:aws:iam::123456789012:role/hyperpod-nodes'));
    const [policy] = Object.values<any>(template.findResources('AWS::IAM::Policy', { Properties: { Roles: ['hyperpod-nodes'] } }));
    const statements = policy.Properties.PolicyDocument.Statement;
    expect(statements.map((s: any) => s.Sid).filter(Boolean)).toEqual(nodeSids);
    const actions = JSON.stringify(statements.map((s: any) => s.Action));
    for (const action of ['s3:GetObject', 's3:ListBucket', 'kms:CreateGrant', 'kms:DescribeKey', 'ec2:CreateNetworkInterface']) {
      expect(actions).toContain(action);
    }
    expect(template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'sagemaker.amazonaws.com' } })] } },
    })).toEqual({});
  });

  test('an immutable role gets nothing, and a warning lists what it needs', () => {
    const { stack, template } = withRole((s) => iam.Role.fromRoleArn(s, 'Fixed', 'arn:aws:iam::123456789012:role/fixed', { mutable: false }));
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toMatch(/"fixed"/);
    const warnings = Annotations.fromStack(stack).findWarning('/TestStack/HyperPod', Match.stringLikeRegexp(IMMUTABLE_ROLE_WARNING));
    const text = warnings.map((w) => String(w.entry.data)).join('\n');
    for (const needed of ['ec2:CreateNetworkInterface', 'ec2:DetachNetworkInterface', 'eks-auth:AssumeRoleForPodIdentity', 's3:GetObject',
      'kms:CreateGrant', 'AmazonSageMakerClusterInstanceRolePolicy', 'instance group \'workers\' in its own subnets']) {
      expect(text).toContain(needed);
    }
    expect(text).toContain('arn:aws:iam::123456789012:role/fixed');
  });

  test('the immutable-role warning can be acknowledged', () => {
    const { stack, eksCluster } = testStack();
    const role = iam.Role.fromRoleArn(stack, 'Fixed', 'arn:aws:iam::123456789012:role/fixed', { mutable: false });
    const cluster = new HyperPodEksCluster(stack, 'HyperPod', { eksCluster, executionRole: role, instanceGroups: [GROUP] });
    CoreAnnotations.of(cluster).acknowledgeWarning(IMMUTABLE_ROLE_WARNING);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(IMMUTABLE_ROLE_WARNING))).toEqual([]);
  });

  test('a role of another account is immutable', () => {
    const { stack } = withRole((s) => iam.Role.fromRoleArn(s, 'Other', 'arn:aws:iam::210987654321:role/other'));
    expect(Annotations.fromStack(stack).findWarning('/TestStack/HyperPod', Match.stringLikeRegexp(IMMUTABLE_ROLE_WARNING)).length).toBeGreaterThan(0);
  });

  test('a group\'s own role gets the node statements and its group\'s network', () => {
    const { stack, eksCluster } = testStack();
    const cluster = new HyperPodEksCluster(stack, 'HyperPod', { eksCluster });
    const role = new iam.Role(stack, 'GroupRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'GroupSg', 'sg-0fedcba9876543210');
    cluster.addInstanceGroup('Own', { ...GROUP, executionRole: role, securityGroups: [sg] });
    const statements = roleStatements(Template.fromStack(stack), 'GroupRole');
    expect(statements.map((s) => s.Sid).filter(Boolean)).toEqual(nodeSids);
    expect(JSON.stringify(statements)).toMatch(/security-group\/sg-0fedcba9876543210/);
  });
});

test('ec2:DetachNetworkInterface is scoped to instances and network interfaces', () => {
  const statements = roleStatements(Template.fromStack(testCluster().stack), 'HyperPodExecutionRole');
  const detach = statements.filter((s) => JSON.stringify(s.Action).includes('ec2:DetachNetworkInterface'));
  expect(detach).toHaveLength(1);
  expect(detach[0].Resource).not.toContain('*');
  expect(JSON.stringify(detach[0].Resource)).toMatch(/:instance\/\*".*:network-interface\/\*"/);
  const star = statements.filter((s) => s.Resource === '*').flatMap((s) => s.Action);
  expect(star.every((a: string) => /:(Describe|Get|BatchGet|BatchCheck)/.test(a))).toBe(true);
});

test('lifecycle scripts from a user\'s bucket: read granted on the prefix, nothing suppressed on the user\'s bucket', () => {
  const { stack, eksCluster } = testStack();
  const bucket = new s3.Bucket(stack, 'Scripts', { enforceSSL: true });
  new HyperPodEksCluster(stack, 'HyperPod', {
    eksCluster, lifecycleScripts: LifecycleScripts.fromBucket(bucket, 'lifecycle/v3/', 'on_create.sh'), instanceGroups: [GROUP],
  });
  const template = Template.fromStack(stack);
  const [userBucket] = Object.values<any>(template.findResources('AWS::S3::Bucket'));
  expect(userBucket.Metadata?.cdk_nag).toBeUndefined();
  // the read lands in the library's policy, with its exact finding suppressed there
  const [policy] = Object.values<any>(template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('^HyperPodExecutionRolePolicy') } }));
  expect(policy.Metadata.cdk_nag.rules_to_suppress).toEqual(expect.arrayContaining([expect.objectContaining({
    id: 'AwsSolutions-IAM5',
    applies_to: [expect.stringMatching(/^Resource::<Scripts[0-9A-F]+\.Arn>\/lifecycle\/v3\/\*$/)],
  })]));
});
