import { KubectlV32Layer } from '@aws-cdk/lambda-layer-kubectl-v32';
import { Duration, Lazy, Size, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import { DeepHealthCheck, HyperPodEksCluster, InstanceGroupOptions, InstanceType, RollingUpdateBatchSize, TaintEffect } from '../src';
import { testStack } from './support/stacks';

const base: InstanceGroupOptions = { instanceGroupName: 'workers', instanceType: InstanceType.ML_T3_MEDIUM, instanceCount: 2 };

function addGroup(overrides: Partial<InstanceGroupOptions>) {
  const { stack, eksCluster } = testStack();
  const cluster = new HyperPodEksCluster(stack, 'HyperPod', { eksCluster });
  return cluster.addInstanceGroup('Workers', { ...base, ...overrides } as InstanceGroupOptions);
}

const sg = () => ec2.SecurityGroup.fromSecurityGroupId(testStack().stack, 'Sg', 'sg-12345678');

// Each row: what is wrong, the group settings, and the message a user sees.
const invalidGroups: Array<[string, Partial<InstanceGroupOptions>, RegExp]> = [
  ['name with underscore', { instanceGroupName: 'my_group' }, /instanceGroupName must be 1-63 characters.*\(got "my_group"\)/],
  ['name starting with hyphen', { instanceGroupName: '-workers' }, /instanceGroupName must be 1-63 characters.*\(got "-workers"\)/],
  ['name of 64 characters', { instanceGroupName: 'a'.repeat(64) }, /instanceGroupName must be 1-63 characters/],
  ['name ending with hyphen', { instanceGroupName: 'workers-' }, /instanceGroupName must be 1-63/],
  ['negative count', { instanceCount: -1 }, /instanceCount must be an integer from 0 to 6758 \(got -1\)/],
  ['count above the API maximum', { instanceCount: 6759 }, /instanceCount must be an integer from 0 to 6758 \(got 6759\)/],
  ['fractional count', { instanceCount: 1.5 }, /instanceCount must be an integer from 0 to 6758 \(got 1.5\)/],
  ['min count above count', { instanceCount: 2, minInstanceCount: 3 }, /minInstanceCount must not be above instanceCount 2 \(got 3\)/],
  ['negative min count', { minInstanceCount: -2 }, /minInstanceCount must be an integer from 0 to 6758 \(got -2\)/],
  ['threads per core 0', { threadsPerCore: 0 }, /threadsPerCore must be an integer from 1 to 2 \(got 0\)/],
  ['threads per core 4', { threadsPerCore: 4 }, /threadsPerCore must be an integer from 1 to 2 \(got 4\)/],
  ['EBS volume too large', { ebsVolumeSize: Size.gibibytes(16385) }, /ebsVolumeSize must be a whole number of GiB from 1 to 16384 \(got 16385 GiB\)/],
  ['EBS volume of a fraction of a GiB', { ebsVolumeSize: Size.mebibytes(1536) }, /ebsVolumeSize must be a whole number of GiB from 1 to 16384 \(got 1.5 GiB\)/],
  ['EBS volume of 0', { ebsVolumeSize: Size.gibibytes(0) }, /ebsVolumeSize must be a whole number of GiB from 1 to 16384 \(got 0 GiB\)/],
  ['unknown deep health check', { deepHealthChecks: ['InstanceMagic' as DeepHealthCheck] }, /deepHealthChecks must contain only InstanceStress, InstanceConnectivity \(got "InstanceMagic"\)/],
  ['empty deep health checks', { deepHealthChecks: [] }, /deepHealthChecks must have 1-2 checks \(got 0\)/],
  ['repeated deep health check', { deepHealthChecks: [DeepHealthCheck.INSTANCE_STRESS, DeepHealthCheck.INSTANCE_STRESS] }, /deepHealthChecks must not repeat a check/],
  ['51 labels', { labels: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`l${i}`, 'v'])) }, /labels must have 0-50 labels \(got 51\)/],
  ['label key with space', { labels: { 'bad key': 'v' } }, /labels key must be a Kubernetes qualified name.*\(got "bad key"\)/],
  ['label value too long', { labels: { team: 'x'.repeat(64) } }, /labels\["team"\] must be 1-63 letters/],
  ['51 taints', { taints: Array.from({ length: 51 }, (_, i) => ({ key: `t${i}`, effect: TaintEffect.NO_SCHEDULE })) }, /taints must have 0-50 taints \(got 51\)/],
  ['taint with unknown effect', { taints: [{ key: 'gpu', effect: 'NoWay' as TaintEffect }] }, /taints\[0\].effect must be one of NoSchedule, PreferNoSchedule, NoExecute \(got "NoWay"\)/],
  ['taint key with a bad prefix', { taints: [{ key: 'Bad_Prefix/gpu', effect: TaintEffect.NO_SCHEDULE }] }, /taints\[0\].key must be a Kubernetes qualified name/],
  ['taint value too long', { taints: [{ key: 'gpu', value: 'v'.repeat(64), effect: TaintEffect.NO_EXECUTE }] }, /taints\[0\].value must be 1-63/],
  ['instance type without ml. prefix', { instanceType: InstanceType.of('g5.8xlarge') }, /instanceType must be an 'ml.' instance type such as 'ml.g5.8xlarge' \(got "g5.8xlarge"\)/],
  ['both instance type and requirements', { instanceRequirements: [InstanceType.ML_G5_XLARGE] }, /give exactly one of instanceType and instanceRequirements \(got both\)/],
  ['neither instance type nor requirements', { instanceType: undefined }, /give exactly one of instanceType and instanceRequirements \(got neither\)/],
  ['21 instance requirements', { instanceType: undefined, instanceRequirements: Array.from({ length: 21 }, () => InstanceType.ML_G5_XLARGE) }, /instanceRequirements must have 1-20 instance types \(got 21\)/],
  ['empty instance requirements', { instanceType: undefined, instanceRequirements: [] }, /instanceRequirements must have 1-20 instance types \(got 0\)/],
  ['instance requirement without ml. prefix', { instanceType: undefined, instanceRequirements: [InstanceType.of('p5.48xlarge')] }, /instanceRequirements\[0\] must be an 'ml.' instance type/],
  ['bad AMI id', { imageId: 'ami-xyz' }, /imageId must be an AMI id \(ami- and 8-17 hex digits\) or 'default' \(got "ami-xyz"\)/],
  ['bad training plan ARN', { trainingPlanArn: 'arn:aws:sagemaker:us-east-1:123456789012:notebook/x' }, /trainingPlanArn must be a training plan ARN/],
  ['6 security groups', { securityGroups: Array.from({ length: 6 }, () => sg()) }, /securityGroups must have 1-5 security groups \(got 6\)/],
  ['5-field cron', { scheduledUpdate: { scheduleExpression: 'cron(0 3 * * SUN)' } }, /scheduleExpression must be a 6-field cron expression/],
  ['wait interval over an hour', { scheduledUpdate: { scheduleExpression: 'cron(0 3 ? * SUN *)', waitInterval: Duration.hours(2) } }, /waitInterval \(seconds\) must be an integer from 0 to 3600 \(got 7200\)/],
  ['rolling batch of 0 instances', { scheduledUpdate: { scheduleExpression: 'cron(0 3 ? * SUN *)', maximumBatchSize: RollingUpdateBatchSize.instances(0) } }, /maximumBatchSize \(instances\) must be an integer from 1 to 6758 \(got 0\)/],
  ['rolling batch percentage over 100', { scheduledUpdate: { scheduleExpression: 'cron(0 3 ? * SUN *)', maximumBatchSize: RollingUpdateBatchSize.percentage(150) } }, /maximumBatchSize \(percentage\) must be an integer from 1 to 100 \(got 150\)/],
  ['rollback batch without a batch', { scheduledUpdate: { scheduleExpression: 'cron(0 3 ? * SUN *)', rollbackMaximumBatchSize: RollingUpdateBatchSize.instances(1) } }, /rollbackMaximumBatchSize needs maximumBatchSize/],
  ['11 rollback alarms', { scheduledUpdate: { scheduleExpression: 'cron(0 3 ? * SUN *)', rollbackAlarmNames: Array.from({ length: 11 }, (_, i) => `a${i}`) } }, /rollbackAlarms and rollbackAlarmNames must have 1-10 alarms in all \(got 11\)/],
  ['FSx Lustre mount name too long', { fsxLustre: { dnsName: 'fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com', mountName: 'toolongname' } }, /fsxLustre.mountName must be 1-8 letters/],
  ['FSx DNS name not an FSx name', { fsxOpenZfs: { dnsName: 'example.com' } }, /fsxOpenZfs.dnsName must be an FSx DNS name/],
  ['FSx mount path with trailing slash', { fsxOpenZfs: { dnsName: 'fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com', mountPath: '/fsx/' } }, /fsxOpenZfs.mountPath must be an absolute path/],
  ['scale-down chunk size 100', { scaleDown: { chunkSize: 100 } }, /scaleDown.chunkSize must be an integer from 1 to 99 \(got 100\)/],
  ['scale-down chunk size 0', { scaleDown: { chunkSize: 0 } }, /scaleDown.chunkSize must be an integer from 1 to 99 \(got 0\)/],
  ['removal id of 10 hex digits', { scaleDown: { removeNodeIds: ['i-0123456789'] } }, /removeNodeIds\[0\] must be an EC2 instance id: 'i-' and 8 or 17 lowercase hex digits \(got "i-0123456789"\)/],
  ['removal id in upper case', { scaleDown: { removeNodeIds: ['i-0123ABCD'] } }, /removeNodeIds\[0\] must be an EC2 instance id/],
  ['repeated removal id', { scaleDown: { removeNodeIds: ['i-0123abcd', 'i-0123abcd'] } }, /removeNodeIds must not repeat an id/],
];

describe('instance group validation', () => {
  test('covers at least 30 invalid inputs', () => {
    expect(invalidGroups.length).toBeGreaterThanOrEqual(30);
  });

  test.each(invalidGroups)('%s', (_what, overrides, message) => {
    expect(() => addGroup(overrides)).toThrow(message);
  });

  test('every message names the group', () => {
    expect(() => addGroup({ instanceCount: -1 })).toThrow(/instance group "workers": instanceCount/);
  });

  test('collects every problem and throws once', () => {
    let error: any;
    try {
      addGroup({ instanceCount: -1, threadsPerCore: 3, imageId: 'nope' });
    } catch (e) {
      error = e;
    }
    expect(error.name).toBe('HyperPodValidationError');
    expect(error.problems).toHaveLength(3);
    expect(error.message).toMatch(/TestStack\/HyperPod\/InstanceGroups\/Workers: invalid configuration/);
  });

  test('skips unresolved tokens', () => {
    const count = Token.asNumber(Lazy.number({ produce: () => 3 }));
    expect(() => addGroup({
      instanceGroupName: Lazy.string({ produce: () => 'x' }),
      instanceCount: count,
      minInstanceCount: Token.asNumber(Lazy.number({ produce: () => 9 })),
      threadsPerCore: Token.asNumber(Lazy.number({ produce: () => 9 })),
      instanceType: InstanceType.of(Lazy.string({ produce: () => 'p5' })),
      imageId: Lazy.string({ produce: () => 'x' }),
      ebsVolumeSize: Size.gibibytes(Token.asNumber(Lazy.number({ produce: () => 0 }))),
      scaleDown: { chunkSize: Token.asNumber(Lazy.number({ produce: () => 500 })) },
    })).not.toThrow();
  });

  test('accepts the limits themselves', () => {
    expect(() => addGroup({
      instanceGroupName: 'a'.repeat(63),
      instanceCount: 6758,
      minInstanceCount: 6758,
      threadsPerCore: 1,
      ebsVolumeSize: Size.gibibytes(16384),
      deepHealthChecks: [DeepHealthCheck.INSTANCE_STRESS, DeepHealthCheck.INSTANCE_CONNECTIVITY],
      labels: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`example.com/l${i}`, 'v'])),
      imageId: 'default',
      scaleDown: { chunkSize: 99, removeNodeIds: ['i-0123abcd', 'i-0123456789abcdef0'] },
    })).not.toThrow();
  });
});

describe('cluster validation', () => {
  test.each([
    ['cluster name with dot', { clusterName: 'my.cluster' }, /clusterName must be 1-63 characters.*\(got "my.cluster"\)/],
    ['cluster name of 64 characters', { clusterName: 'c'.repeat(64) }, /clusterName must be 1-63 characters/],
    ['50 tags (the construct adds the 50th)', { tags: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'])) },
      /tags must have 0-49 tags \(the construct adds a 50th, hyperpod-cdk:stack-id\) \(got 50\)/],
    ['the owner tag', { tags: { 'hyperpod-cdk:stack-id': 'x' } }, /tags must not set hyperpod-cdk:stack-id/],
    ['tag value of 257 characters', { tags: { team: 'v'.repeat(257) } }, /tags\["team"\] value must be at most 256 characters \(got 257\)/],
    ['scale-down timeout over an hour', { scaleDown: { timeout: Duration.hours(2) } }, /scaleDown.timeout must be from 2 minutes to 1 hour, in whole 30-second steps \(got 2 hours\)/],
    ['scale-down timeout not a multiple of 30 s', { scaleDown: { timeout: Duration.seconds(200) } }, /in whole 30-second steps \(got 3 minutes 20 seconds\)/],
  ])('%s', (_what, props, message) => {
    const { stack, eksCluster } = testStack();
    expect(() => new HyperPodEksCluster(stack, 'HyperPod', { eksCluster, ...props })).toThrow(message);
  });

  test('6 security groups', () => {
    const { stack, eksCluster } = testStack();
    const securityGroups = Array.from({ length: 6 }, (_, i) => ec2.SecurityGroup.fromSecurityGroupId(stack, `Sg${i}`, `sg-0000000${i}`));
    expect(() => new HyperPodEksCluster(stack, 'HyperPod', { eksCluster, securityGroups })).toThrow(/securityGroups must have 1-5 security groups \(got 6\)/);
  });

  test('public subnets are rejected', () => {
    const { stack, eksCluster } = testStack();
    expect(() => new HyperPodEksCluster(stack, 'HyperPod', { eksCluster, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }))
      .toThrow(/vpcSubnets must select private subnets: HyperPod nodes cannot run in public subnets/);
  });

  test('public subnets chosen one by one are rejected too', () => {
    const { stack, eksCluster, vpc } = testStack();
    expect(() => new HyperPodEksCluster(stack, 'HyperPod', { eksCluster, vpcSubnets: { subnets: [vpc.publicSubnets[0]] } }))
      .toThrow(/got public subnet TestStack\/Vpc\/PublicSubnet1/);
  });

  test('public subnets on a group are rejected', () => {
    const { stack, eksCluster } = testStack();
    const cluster = new HyperPodEksCluster(stack, 'HyperPod', { eksCluster });
    expect(() => cluster.addInstanceGroup('Workers', { ...base, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }))
      .toThrow(/instance group 'workers': vpcSubnets must select private subnets/);
  });

  test('17 subnets', () => {
    const { stack, eksCluster } = testStack();
    const subnets = Array.from({ length: 17 }, (_, i) => ec2.Subnet.fromSubnetId(stack, `S${i}`, `subnet-0000${i}`));
    expect(() => new HyperPodEksCluster(stack, 'HyperPod', { eksCluster, vpcSubnets: { subnets } })).toThrow(/vpcSubnets must have 1-16 subnets \(got 17\)/);
  });

  test('duplicate group names', () => {
    const { stack, eksCluster } = testStack();
    const cluster = new HyperPodEksCluster(stack, 'HyperPod', { eksCluster });
    cluster.addInstanceGroup('A', { ...base, instanceGroupName: 'workers' });
    expect(() => cluster.addInstanceGroup('B', { ...base, instanceGroupName: 'workers' }))
      .toThrow(/instanceGroupName 'workers' is used by another instance group of this cluster/);
  });

  test('a group in the instanceGroups prop needs a name', () => {
    const { stack, eksCluster } = testStack();
    expect(() => new HyperPodEksCluster(stack, 'HyperPod', { eksCluster, instanceGroups: [{ instanceType: InstanceType.ML_T3_MEDIUM, instanceCount: 1 }] }))
      .toThrow(/instanceGroups\[0\].instanceGroupName is required/);
  });

  test('a cluster without groups fails at synth', () => {
    const { app, stack, eksCluster } = testStack();
    new HyperPodEksCluster(stack, 'HyperPod', { eksCluster });
    expect(() => app.synth()).toThrow(/a HyperPod cluster needs at least 1 instance group \(got 0\)/);
  });

  test('more than 100 groups fails at synth', () => {
    const { app, stack, eksCluster } = testStack();
    const cluster = new HyperPodEksCluster(stack, 'HyperPod', { eksCluster });
    for (let i = 0; i < 101; i++) cluster.addInstanceGroup(`G${i}`, { ...base, instanceGroupName: `g${i}` });
    expect(() => app.synth()).toThrow(/a HyperPod cluster has at most 100 instance groups \(got 101\)/);
  });

  test('EKS authentication mode CONFIG_MAP is rejected', () => {
    const { stack, vpc } = testStack();
    const eksCluster = new eks.Cluster(stack, 'RealEks', {
      vpc, version: eks.KubernetesVersion.V1_32, authenticationMode: eks.AuthenticationMode.CONFIG_MAP, defaultCapacity: 0, kubectlLayer: new KubectlV32Layer(stack, 'K'),
    });
    expect(() => new HyperPodEksCluster(stack, 'HyperPod', { eksCluster }))
      .toThrow(/eksCluster.authenticationMode must be API or API_AND_CONFIG_MAP for HyperPod \(got CONFIG_MAP\)/);
  });

  test('EKS authentication mode left at its CONFIG_MAP default is rejected', () => {
    const { stack, vpc } = testStack();
    const eksCluster = new eks.Cluster(stack, 'RealEks', { vpc, version: eks.KubernetesVersion.V1_32, defaultCapacity: 0, kubectlLayer: new KubectlV32Layer(stack, 'K') });
    expect(() => new HyperPodEksCluster(stack, 'HyperPod', { eksCluster })).toThrow(/got the default, CONFIG_MAP/);
  });

  test('an EKS ARN that is not an EKS cluster ARN is rejected', () => {
    const { stack, vpc } = testStack();
    const eksCluster = eks.Cluster.fromClusterAttributes(stack, 'Bad', { clusterName: 'x', vpc, clusterSecurityGroupId: 'sg-1' });
    Object.defineProperty(eksCluster, 'clusterArn', { value: 'arn:aws:ecs:us-east-1:123456789012:cluster/x' });
    expect(() => new HyperPodEksCluster(stack, 'HyperPod', { eksCluster })).toThrow(/eksCluster.clusterArn must be an EKS cluster ARN/);
  });
});
