import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CapacityType, DeepHealthCheck, HyperPodEksCluster, InstanceType, LifecycleScripts, NetworkInterfaceType, NodeRecovery, RollingUpdateBatchSize, ScaleDownOrder, TaintEffect } from '../src';
import { testCluster, testStack } from './support/stacks';

const CLUSTER = 'AWS::SageMaker::Cluster';
const onlyGroup = (template: Template) => Object.values(template.findResources(CLUSTER))[0].Properties.InstanceGroups[0];

describe('cluster defaults', () => {
  const { stack, cluster } = testCluster();
  const template = Template.fromStack(stack);

  test('continuous provisioning, automatic node recovery, EKS orchestrator', () => {
    template.hasResourceProperties(CLUSTER, {
      NodeProvisioningMode: 'Continuous',
      NodeRecovery: 'Automatic',
      Orchestrator: { Eks: { ClusterArn: { 'Fn::Join': ['', Match.arrayWith([':eks:us-east-1:123456789012:cluster/ml-eks'])] } } },
    });
  });

  test('the name is always set, deterministic and valid', () => {
    const name = template.findResources(CLUSTER)[Object.keys(template.findResources(CLUSTER))[0]].Properties.ClusterName;
    expect(name).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toBe(testCluster().cluster.clusterName);
    expect(cluster.clusterName).toBe(name);
  });

  test('generated names differ per construct path and stay within 63 characters', () => {
    const { stack: s, eksCluster } = testStack();
    const a = new HyperPodEksCluster(s, 'A'.repeat(80), { eksCluster });
    const b = new HyperPodEksCluster(s, 'B', { eksCluster });
    expect(a.clusterName).not.toBe(b.clusterName);
    expect(a.clusterName.length).toBeLessThanOrEqual(63);
  });

  test('the generated name changes with the subnets, so a replacement can happen', () => {
    const { stack: s, eksCluster, vpc } = testStack();
    const a = new HyperPodEksCluster(s, 'Same', { eksCluster });
    const { stack: s2, eksCluster: e2, vpc: v2 } = testStack();
    const b = new HyperPodEksCluster(s2, 'Same', { eksCluster: e2, vpcSubnets: { subnets: [v2.privateSubnets[0]] } });
    expect(vpc.privateSubnets.length).toBe(2);
    expect(a.clusterName).not.toBe(b.clusterName);
  });

  test('VPC config: the private subnets of the EKS VPC and the new security group', () => {
    template.hasResourceProperties(CLUSTER, {
      VpcConfig: {
        Subnets: [{ Ref: Match.stringLikeRegexp('VpcPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('VpcPrivateSubnet2') }],
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('HyperPodSecurityGroup'), 'GroupId'] }],
      },
    });
  });

  test('the default group: role, default lifecycle script, count and type', () => {
    const group = onlyGroup(template);
    expect(group).toMatchObject({
      InstanceGroupName: 'workers',
      InstanceType: 'ml.t3.medium',
      InstanceCount: 2,
      ExecutionRole: { 'Fn::GetAtt': [expect.stringMatching(/HyperPodExecutionRole/), 'Arn'] },
      LifeCycleConfig: { OnCreate: 'on_create.sh' },
    });
    expect(JSON.stringify(group.LifeCycleConfig.SourceS3Uri)).toMatch(/s3:\/\/.*HyperPodLifecycleBucket.*lifecycle-scripts\/[0-9a-f]{16}\//);
    expect(Object.keys(group).sort()).toEqual(['ExecutionRole', 'InstanceCount', 'InstanceGroupName', 'InstanceType', 'LifeCycleConfig']);
  });

  test('removal policy DESTROY by default', () => {
    template.hasResource(CLUSTER, { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  });

  test('attributes', () => {
    expect(Object.keys(stack.resolve(cluster.clusterArn))).toEqual(['Fn::GetAtt']);
    expect(stack.resolve(cluster.clusterArn)['Fn::GetAtt'][1]).toBe('ClusterArn');
    expect(stack.resolve(cluster.clusterStatus)['Fn::GetAtt'][1]).toBe('ClusterStatus');
  });
});

describe('security group', () => {
  const { stack } = testCluster();
  const template = Template.fromStack(stack);
  const sgId = { 'Fn::GetAtt': [Match.stringLikeRegexp('HyperPodSecurityGroup'), 'GroupId'] };

  test('all traffic to and from itself, and egress anywhere', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: Match.arrayWith([{ CidrIp: '0.0.0.0/0', Description: Match.anyValue(), IpProtocol: '-1' }]),
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { IpProtocol: '-1', GroupId: sgId, SourceSecurityGroupId: sgId });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { IpProtocol: '-1', GroupId: sgId, DestinationSecurityGroupId: sgId });
  });

  test('all traffic both ways with the EKS cluster security group', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { IpProtocol: '-1', GroupId: sgId, SourceSecurityGroupId: 'sg-0123456789abcdef0' });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { IpProtocol: '-1', GroupId: 'sg-0123456789abcdef0', SourceSecurityGroupId: sgId });
  });

  test('connections hold the security group', () => {
    const { cluster } = testCluster();
    expect(cluster.connections.securityGroups).toHaveLength(1);
  });
});

describe('execution role', () => {
  const { stack } = testCluster();
  const template = Template.fromStack(stack);

  test('trusts SageMaker and carries the HyperPod instance policy', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' } }] },
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSageMakerClusterInstanceRolePolicy']] }],
    });
  });

  const statements = () => {
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('HyperPodExecutionRole') }] } });
    return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
  };

  test('ENI changes are scoped to the VPC, subnets and security group', () => {
    const eni = statements().find((s: any) => s.Sid === 'NodeNetworkInterfaces');
    const resources = JSON.stringify(eni.Resource);
    expect(eni.Action).toContain('ec2:CreateNetworkInterface');
    expect(resources).toMatch(/:ec2:us-east-1:123456789012:instance\/\*/);
    expect(resources).toMatch(/:vpc\/",\{"Ref":"Vpc/);
    expect(resources).toMatch(/:subnet\/",\{"Ref":"VpcPrivateSubnet1/);
    expect(resources).toMatch(/:subnet\/",\{"Ref":"VpcPrivateSubnet2/);
    expect(resources).toMatch(/:security-group\/",\{"Fn::GetAtt":\["HyperPodSecurityGroup/);
    expect(resources).not.toMatch(/PublicSubnet/);
  });

  test('Pod Identity on the EKS cluster only; image pulls; no EKS access entry', () => {
    const podIdentity = statements().find((s: any) => s.Sid === 'PodIdentity');
    expect(JSON.stringify(podIdentity.Resource)).toMatch(/:eks:us-east-1:123456789012:cluster\/ml-eks/);
    expect(statements().find((s: any) => s.Sid === 'PullImages').Action).toContain('ecr:BatchGetImage');
    template.resourceCountIs('AWS::EKS::AccessEntry', 0);
  });

  test('read on the lifecycle-script prefix of the bucket', () => {
    const reads = statements().filter((s: any) => String(s.Action).startsWith('s3:'));
    expect(reads.map((s: any) => s.Action)).toEqual(['s3:ListBucket', 's3:GetObject']);
    expect(JSON.stringify(reads[1].Resource)).toMatch(/HyperPodLifecycleBucket.*\/lifecycle-scripts\/[0-9a-f]{16}\/\*/);
  });

  test('a given role is used, and gets the same statements as the default role (CDK convention)', () => {
    const { stack: s, eksCluster } = testStack();
    const role = new iam.Role(s, 'Mine', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    new HyperPodEksCluster(s, 'HyperPod', {
      eksCluster,
      executionRole: role,
      instanceGroups: [{ instanceGroupName: 'w', instanceType: InstanceType.ML_T3_MEDIUM, instanceCount: 1 }],
    });
    const t = Template.fromStack(s);
    expect(onlyGroup(t).ExecutionRole).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Mine/), 'Arn'] });
    const sageMakerRoles = t.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'sagemaker.amazonaws.com' } })] } },
    });
    expect(Object.keys(sageMakerRoles)).toEqual([expect.stringMatching(/^Mine/)]);
    const mine = Object.values(t.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^Mine') }] } }));
    const sids = mine[0].Properties.PolicyDocument.Statement.map((x: any) => x.Sid ?? x.Action);
    expect(sids).toEqual(['NodeNetworkInterfaces', 'AttachDetachNetworkInterfaces', 'TagNetworkInterfaces', 'DescribeNetwork',
      'PullImages', 'PodIdentity', 's3:ListBucket', 's3:GetObject']);
  });
});

describe('instance group props', () => {
  function group(options: Parameters<HyperPodEksCluster['addInstanceGroup']>[1]) {
    const { stack, eksCluster } = testStack();
    const cluster = new HyperPodEksCluster(stack, 'HyperPod', { eksCluster });
    cluster.addInstanceGroup('Workers', options);
    return { rendered: onlyGroup(Template.fromStack(stack)), stack };
  }

  test('name defaults to the id in lower case', () => {
    const { stack, eksCluster } = testStack();
    const cluster = new HyperPodEksCluster(stack, 'HyperPod', { eksCluster });
    expect(cluster.addInstanceGroup('GPU_Workers', { instanceType: InstanceType.ML_G5_XLARGE, instanceCount: 1 }).instanceGroupName).toBe('gpu-workers');
  });

  test('every field maps to CloudFormation', () => {
    const { stack, eksCluster } = testStack();
    const key = new kms.Key(stack, 'Key');
    const cluster = new HyperPodEksCluster(stack, 'HyperPod', { eksCluster });
    cluster.addInstanceGroup('Workers', {
      instanceGroupName: 'gpu',
      instanceType: InstanceType.ML_P5_48XLARGE,
      instanceCount: 4,
      minInstanceCount: 2,
      threadsPerCore: 1,
      ebsVolumeSize: Size.gibibytes(500),
      ebsVolumeKmsKey: key,
      rootVolumeKmsKey: key,
      fsxLustre: { dnsName: 'fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com', mountName: 'abcdefgh', mountPath: '/fsx' },
      fsxOpenZfs: { dnsName: 'fs-0123456789abcdef1.fsx.us-east-1.amazonaws.com' },
      deepHealthChecks: [DeepHealthCheck.INSTANCE_STRESS, DeepHealthCheck.INSTANCE_CONNECTIVITY],
      trainingPlanArn: 'arn:aws:sagemaker:us-east-1:123456789012:training-plan/plan-1',
      labels: { 'example.com/team': 'ml' },
      taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: TaintEffect.NO_SCHEDULE }, { key: 'dedicated', effect: TaintEffect.NO_EXECUTE }],
      imageId: 'ami-0123456789abcdef0',
      capacityType: CapacityType.SPOT,
      networkInterfaceType: NetworkInterfaceType.EFA,
      scheduledUpdate: {
        scheduleExpression: 'cron(0 3 ? * SUN *)',
        maximumBatchSize: RollingUpdateBatchSize.instances(1),
        rollbackMaximumBatchSize: RollingUpdateBatchSize.percentage(50),
        waitInterval: Duration.minutes(5),
        rollbackAlarmNames: ['gpu-errors'],
      },
    });
    const rendered = stack.resolve(onlyGroup(Template.fromStack(stack)));
    const keyArn = { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] };
    expect(rendered).toEqual({
      InstanceGroupName: 'gpu',
      InstanceType: 'ml.p5.48xlarge',
      InstanceCount: 4,
      MinInstanceCount: 2,
      ExecutionRole: expect.anything(),
      LifeCycleConfig: expect.anything(),
      ThreadsPerCore: 1,
      InstanceStorageConfigs: [
        { EbsVolumeConfig: { VolumeSizeInGB: 500, VolumeKmsKeyId: keyArn } },
        { EbsVolumeConfig: { RootVolume: true, VolumeKmsKeyId: keyArn } },
        { FsxLustreConfig: { DnsName: 'fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com', MountName: 'abcdefgh', MountPath: '/fsx' } },
        { FsxOpenZfsConfig: { DnsName: 'fs-0123456789abcdef1.fsx.us-east-1.amazonaws.com' } },
      ],
      OnStartDeepHealthChecks: ['InstanceStress', 'InstanceConnectivity'],
      TrainingPlanArn: 'arn:aws:sagemaker:us-east-1:123456789012:training-plan/plan-1',
      KubernetesConfig: {
        Labels: { 'example.com/team': 'ml' },
        Taints: [{ Key: 'nvidia.com/gpu', Value: 'true', Effect: 'NoSchedule' }, { Key: 'dedicated', Effect: 'NoExecute' }],
      },
      ImageId: 'ami-0123456789abcdef0',
      CapacityRequirements: { Spot: {} },
      NetworkInterface: { InterfaceType: 'efa' },
      ScheduledUpdateConfig: {
        ScheduleExpression: 'cron(0 3 ? * SUN *)',
        DeploymentConfig: {
          RollingUpdatePolicy: { MaximumBatchSize: { Type: 'INSTANCE_COUNT', Value: 1 }, RollbackMaximumBatchSize: { Type: 'CAPACITY_PERCENTAGE', Value: 50 } },
          WaitIntervalInSeconds: 300,
          AutoRollbackConfiguration: [{ AlarmName: 'gpu-errors' }],
        },
      },
    });
  });

  test('instance requirements instead of a type', () => {
    const { rendered } = group({ instanceRequirements: [InstanceType.ML_G6E_12XLARGE, InstanceType.ML_G5_12XLARGE], instanceCount: 1 });
    expect(rendered.InstanceRequirements).toEqual({ InstanceTypes: ['ml.g6e.12xlarge', 'ml.g5.12xlarge'] });
    expect(rendered.InstanceType).toBeUndefined();
  });

  test('on-demand capacity', () => {
    const { rendered } = group({ instanceType: InstanceType.ML_M5_LARGE, instanceCount: 1, capacityType: CapacityType.ON_DEMAND });
    expect(rendered.CapacityRequirements).toEqual({ OnDemand: {} });
  });

  test('InstanceType.of accepts any ml type', () => {
    expect(group({ instanceType: InstanceType.of('ml.p6e-gb200.36xlarge'), instanceCount: 1 }).rendered.InstanceType).toBe('ml.p6e-gb200.36xlarge');
  });

  test('per-group subnets and security groups render OverrideVpcConfig and extend the role', () => {
    const { stack, eksCluster, vpc } = testStack();
    const cluster = new HyperPodEksCluster(stack, 'HyperPod', { eksCluster });
    const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'GroupSg', 'sg-0fedcba9876543210');
    cluster.addInstanceGroup('ZoneB', {
      instanceType: InstanceType.ML_G5_XLARGE,
      instanceCount: 1,
      vpcSubnets: { subnets: [vpc.privateSubnets[1]] },
      securityGroups: [sg],
    });
    const t = Template.fromStack(stack);
    expect(onlyGroup(t).OverrideVpcConfig).toEqual({
      SecurityGroupIds: ['sg-0fedcba9876543210'],
      Subnets: [{ Ref: expect.stringMatching(/VpcPrivateSubnet2/) }],
    });
    const policies = JSON.stringify(t.findResources('AWS::IAM::Policy'));
    expect(policies).toMatch(/security-group\/sg-0fedcba9876543210/);
  });

  test('a group with its own lifecycle scripts from a bucket', () => {
    const { stack, eksCluster } = testStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Scripts', 'sagemaker-my-scripts');
    const cluster = new HyperPodEksCluster(stack, 'HyperPod', { eksCluster });
    cluster.addInstanceGroup('W', {
      instanceType: InstanceType.ML_G5_XLARGE,
      instanceCount: 1,
      lifecycleScripts: LifecycleScripts.fromBucket(bucket, 'lifecycle/v3', 'on_create.sh'),
    });
    const t = Template.fromStack(stack);
    expect(stack.resolve(onlyGroup(t).LifeCycleConfig)).toEqual({ SourceS3Uri: 's3://sagemaker-my-scripts/lifecycle/v3/', OnCreate: 'on_create.sh' });
    t.resourceCountIs('Custom::CDKBucketDeployment', 0);
    t.resourceCountIs('AWS::S3::Bucket', 0);
    expect(JSON.stringify(t.findResources('AWS::IAM::Policy'))).toMatch(/sagemaker-my-scripts\/lifecycle\/v3\/\*/);
  });
});

describe('cluster props', () => {
  test('node recovery, fixed name, removal policy, tags', () => {
    const { stack } = testCluster({
      clusterName: 'my-cluster', nodeRecovery: NodeRecovery.NONE, removalPolicy: RemovalPolicy.RETAIN, tags: { team: 'ml' },
    });
    const t = Template.fromStack(stack);
    t.hasResource(CLUSTER, {
      DeletionPolicy: 'Retain',
      Properties: {
        ClusterName: 'my-cluster',
        NodeRecovery: 'None',
        Tags: [{ Key: 'hyperpod-cdk:stack-id', Value: { Ref: 'AWS::StackId' } }, { Key: 'team', Value: 'ml' }],
      },
    });
    t.hasResourceProperties('AWS::IAM::Role', { Tags: [{ Key: 'team', Value: 'ml' }] });
  });

  test('given subnets and security groups', () => {
    const { stack, eksCluster, vpc } = testStack();
    const sg = new ec2.SecurityGroup(stack, 'Mine', { vpc });
    new HyperPodEksCluster(stack, 'HyperPod', {
      eksCluster,
      securityGroups: [sg],
      vpcSubnets: { subnets: [vpc.privateSubnets[0]] },
      instanceGroups: [{ instanceGroupName: 'w', instanceType: InstanceType.ML_T3_MEDIUM, instanceCount: 1 }],
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties(CLUSTER, {
      VpcConfig: { SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Mine'), 'GroupId'] }], Subnets: [{ Ref: Match.stringLikeRegexp('VpcPrivateSubnet1') }] },
    });
    t.resourceCountIs('AWS::EC2::SecurityGroup', 1);
  });

  test('default lifecycle scripts override: one deployment per distinct folder', () => {
    const { stack, eksCluster } = testStack();
    const mine = LifecycleScripts.fromAsset(`${__dirname}/fixtures/lifecycle-ok`, { onCreate: 'on_create.sh' });
    const cluster = new HyperPodEksCluster(stack, 'HyperPod', { eksCluster, lifecycleScripts: mine });
    cluster.addInstanceGroup('A', { instanceType: InstanceType.ML_T3_MEDIUM, instanceCount: 1 });
    cluster.addInstanceGroup('B', { instanceType: InstanceType.ML_T3_MEDIUM, instanceCount: 1 });
    cluster.addInstanceGroup('C', { instanceType: InstanceType.ML_T3_MEDIUM, instanceCount: 1, lifecycleScripts: LifecycleScripts.defaultEks() });
    const t = Template.fromStack(stack);
    t.resourceCountIs('Custom::CDKBucketDeployment', 2);
    t.resourceCountIs('AWS::S3::Bucket', 1);
    const groups = Object.values(t.findResources(CLUSTER))[0].Properties.InstanceGroups;
    expect(JSON.stringify(groups[0].LifeCycleConfig)).toBe(JSON.stringify(groups[1].LifeCycleConfig));
    expect(JSON.stringify(groups[0].LifeCycleConfig)).not.toBe(JSON.stringify(groups[2].LifeCycleConfig));
  });

  test('the lifecycle bucket is encrypted, SSL-only, private and retained', () => {
    const t = Template.fromStack(testCluster().stack);
    t.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      },
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('the cluster waits for its scripts to be deployed', () => {
    const t = Template.fromStack(testCluster().stack);
    const cluster = Object.values(t.findResources(CLUSTER))[0];
    const deployments = Object.keys(t.findResources('Custom::CDKBucketDeployment'));
    expect(cluster.DependsOn).toEqual(expect.arrayContaining(deployments));
  });
});

describe('imports', () => {
  test('fromClusterName', () => {
    const { stack } = testStack();
    const imported = HyperPodEksCluster.fromClusterName(stack, 'Imported', 'existing');
    expect(imported.clusterName).toBe('existing');
    expect(() => imported.clusterArn).toThrow(/clusterArn was not given to fromClusterAttributes/);
    expect(imported.connections.securityGroups).toEqual([]);
  });

  test('fromClusterAttributes', () => {
    const { stack } = testStack();
    const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-12345678');
    const imported = HyperPodEksCluster.fromClusterAttributes(stack, 'Imported', {
      clusterName: 'existing', clusterArn: 'arn:aws:sagemaker:us-east-1:123456789012:cluster/abcdef123456', securityGroups: [sg],
    });
    expect(imported.clusterArn).toBe('arn:aws:sagemaker:us-east-1:123456789012:cluster/abcdef123456');
    expect(imported.connections.securityGroups).toEqual([sg]);
  });
});

describe('scale-down wiring', () => {
  test('the scale-down order and options reach the custom resource', () => {
    const { stack, eksCluster } = testStack();
    const cluster = new HyperPodEksCluster(stack, 'HyperPod', { eksCluster });
    cluster.addInstanceGroup('W', {
      instanceType: InstanceType.ML_T3_MEDIUM,
      instanceCount: 3,
      scaleDown: { removeNodeIds: ['i-0123456789abcdef0'], order: ScaleDownOrder.OLDEST_FIRST, chunkSize: 10 },
    });
    Template.fromStack(stack).hasResourceProperties('Custom::HyperPodScaleDown', {
      ClusterName: cluster.clusterName,
      InstanceGroups: [{
        InstanceGroupName: 'w', InstanceCount: 3, RemoveNodeIds: ['i-0123456789abcdef0'], Order: 'OldestFirst', ChunkSize: 10,
      }],
    });
  });
});
