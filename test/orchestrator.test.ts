import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { EksClusterReference, HyperPodEksCluster, InstanceType } from '../src';
import { testApp } from './support/stacks';

const env = { account: '123456789012', region: 'us-east-1' };
const group = { instanceGroupName: 'workers', instanceType: InstanceType.ML_T3_MEDIUM, instanceCount: 1 };

function app(): App {
  return testApp();
}

function v2Cluster(stack: Stack): { vpc: ec2.Vpc; cluster: eksv2.Cluster } {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const cluster = new eksv2.Cluster(stack, 'Eks', { vpc, version: eksv2.KubernetesVersion.V1_32 });
  return { vpc, cluster };
}

/** Every Fn::ImportValue in a template. */
function imports(stack: Stack): string[] {
  return JSON.stringify(Template.fromStack(stack).toJSON()).match(/Fn::ImportValue/g) ?? [];
}

describe('aws-eks-v2 clusters', () => {
  test('a v2 cluster is passed directly: ARN, VPC, private subnets and cluster security group come from it', () => {
    const stack = new Stack(app(), 'V2', { env });
    const { cluster } = v2Cluster(stack);
    new HyperPodEksCluster(stack, 'HyperPod', { eksCluster: cluster, instanceGroups: [group] });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::SageMaker::Cluster', {
      Orchestrator: { Eks: { ClusterArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Eks'), 'Arn'] } } },
    });
    // both directions with the EKS cluster security group, as resources of this stack
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Eks'), 'ClusterSecurityGroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HyperPodSecurityGroup'), 'GroupId'] },
      IpProtocol: '-1',
    });
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HyperPodSecurityGroup'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Eks'), 'ClusterSecurityGroupId'] },
    });
  });

  test('an imported aws-eks (v1) cluster still works', () => {
    const stack = new Stack(app(), 'V1', { env });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const imported = eks.Cluster.fromClusterAttributes(stack, 'Eks', { clusterName: 'ml-eks', vpc, clusterSecurityGroupId: 'sg-0123456789abcdef0' });
    new HyperPodEksCluster(stack, 'HyperPod', { eksCluster: imported, instanceGroups: [group] });
    Template.fromStack(stack).resourceCountIs('AWS::SageMaker::Cluster', 1);
  });
});

describe('an EKS cluster known only by its ARN', () => {
  test('EksClusterReference with the VPC and security group beside it', () => {
    const stack = new Stack(app(), 'Ref', { env });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const eksCluster = EksClusterReference.fromClusterArn(stack, 'Eks', 'arn:aws:eks:us-east-1:123456789012:cluster/ml-eks');
    expect(eksCluster.clusterRef.clusterName).toBe('ml-eks');
    new HyperPodEksCluster(stack, 'HyperPod', {
      eksCluster,
      vpc,
      eksClusterSecurityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'EksSg', 'sg-0123456789abcdef0'),
      instanceGroups: [group],
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::SageMaker::Cluster', { Orchestrator: { Eks: { ClusterArn: 'arn:aws:eks:us-east-1:123456789012:cluster/ml-eks' } } });
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: 'sg-0123456789abcdef0', IpProtocol: '-1' });
  });

  test('without a VPC it fails at synth, saying what to pass', () => {
    const stack = new Stack(app(), 'NoVpc', { env });
    const eksCluster = EksClusterReference.fromClusterArn(stack, 'Eks', 'arn:aws:eks:us-east-1:123456789012:cluster/ml-eks');
    expect(() => new HyperPodEksCluster(stack, 'HyperPod', { eksCluster, instanceGroups: [group] }))
      .toThrow(/vpc is required when eksCluster is not an aws-eks or aws-eks-v2 cluster/);
  });

  test('without a security group: a warning that the control plane cannot reach the nodes', () => {
    const stack = new Stack(app(), 'NoSg', { env });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const eksCluster = EksClusterReference.fromClusterArn(stack, 'Eks', 'arn:aws:eks:us-east-1:123456789012:cluster/ml-eks');
    new HyperPodEksCluster(stack, 'HyperPod', { eksCluster, vpc, instanceGroups: [group] });
    Annotations.fromStack(stack).hasWarning('/NoSg/HyperPod', Match.stringLikeRegexp('No EKS cluster security group is known'));
  });

  test('a malformed ARN fails at synth', () => {
    const stack = new Stack(app(), 'BadArn', { env });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const eksCluster = EksClusterReference.fromClusterArn(stack, 'Eks', 'arn:aws:eks:us-east-1:123456789012:nodegroup/x');
    expect(() => new HyperPodEksCluster(stack, 'HyperPod', { eksCluster, vpc, instanceGroups: [group] })).toThrow(/eksCluster.clusterArn/);
  });
});

describe('stacks split the way platform teams split them', () => {
  test('EKS (v2) in a platform stack, two HyperPod clusters in two team stacks: no cycle, and the platform stack refers to no team', () => {
    const a = app();
    const platform = new Stack(a, 'Platform', { env });
    const { cluster } = v2Cluster(platform);
    const teams = ['TeamA', 'TeamB'].map((name) => {
      const team = new Stack(a, name, { env });
      new HyperPodEksCluster(team, 'HyperPod', { eksCluster: cluster, instanceGroups: [group] });
      return team;
    });
    const assembly = a.synth(); // throws on a dependency cycle
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual(['Platform', 'TeamA', 'TeamB']);
    expect(imports(platform)).toEqual([]);
    for (const team of teams) {
      expect(team.dependencies.map((d) => d.stackName)).toEqual(['Platform']);
      // the rule on the EKS cluster security group lives in the team stack
      Template.fromStack(team).resourceCountIs('AWS::EC2::SecurityGroupIngress', 3);
    }
    Template.fromStack(platform).resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  test('with attributes read from SSM Parameter Store: no CloudFormation export ties the stacks', () => {
    const a = app();
    const platform = new Stack(a, 'Platform', { env });
    v2Cluster(platform);
    const team = new Stack(a, 'Team', { env });
    const param = (name: string) => ssm.StringParameter.valueForStringParameter(team, `/platform/${name}`);
    const vpc = ec2.Vpc.fromVpcAttributes(team, 'Vpc', {
      vpcId: param('vpc-id'),
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      privateSubnetIds: [param('private-subnet-a'), param('private-subnet-b')],
    });
    new HyperPodEksCluster(team, 'HyperPod', {
      eksCluster: EksClusterReference.fromClusterArn(team, 'Eks', param('eks-cluster-arn')),
      vpc,
      eksClusterSecurityGroup: ec2.SecurityGroup.fromSecurityGroupId(team, 'EksSg', param('eks-cluster-sg')),
      instanceGroups: [group],
    });
    a.synth();
    expect(imports(team)).toEqual([]);
    expect(team.dependencies).toEqual([]);
  });
});
