import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { checkCount } from './validation';

/**
 * The default security group of a cluster: all traffic from and to itself (EFA needs the
 * self-reference in both directions; a CIDR egress rule does not cover EFA traffic), egress
 * anywhere (which covers the EKS cluster security group), and all traffic between it and the
 * EKS cluster security group. When the EKS cluster is in another stack, every rule is a resource
 * of this construct's stack, also the one on the EKS cluster security group, so that the
 * platform stack makes no reference to this one (no cycle).
 */
export function createNodeSecurityGroup(scope: Construct, id: string, vpc: ec2.IVpc,
  eksSecurityGroup: ec2.ISecurityGroup | undefined): ec2.SecurityGroup {
  const sg = new ec2.SecurityGroup(scope, id, {
    vpc,
    description: 'HyperPod nodes: all traffic within the group (EFA) and with the EKS control plane',
    allowAllOutbound: true, // egress anywhere: images, S3, AWS APIs, the EKS control plane
  });
  sg.addIngressRule(sg, ec2.Port.allTraffic(), 'All traffic between HyperPod nodes (EFA)');
  // With allowAllOutbound, CDK drops further egress rules; EFA needs this one explicitly.
  new ec2.CfnSecurityGroupEgress(sg, 'SelfEgress', {
    groupId: sg.securityGroupId,
    destinationSecurityGroupId: sg.securityGroupId,
    ipProtocol: '-1',
    description: 'All traffic between HyperPod nodes (EFA)',
  });
  if (eksSecurityGroup) {
    sg.connections.allowFrom(eksSecurityGroup, ec2.Port.allTraffic(), 'All traffic from the EKS cluster security group');
    // remoteRule: when the EKS cluster is in another stack, CDK puts this rule in this stack
    // (no reference back to the platform stack); in the same stack it keeps its old logical id.
    eksSecurityGroup.addIngressRule(sg, ec2.Port.allTraffic(), 'All traffic from HyperPod nodes', true);
  }
  return sg;
}

/** The subnets chosen for a cluster or group, and what is wrong with them. */
export interface SubnetChoice {
  readonly subnetIds: string[];
  readonly problems: string[];
}

/**
 * Selects private subnets. HyperPod needs private subnets (with a route to S3); public ones
 * are rejected where that is known at synth time, and 1-16 subnets are allowed.
 *
 * @param prop the prop named in error messages
 * @param selection the user's selection, or undefined for the VPC's private subnets
 */
export function selectPrivateSubnets(vpc: ec2.IVpc, selection: ec2.SubnetSelection | undefined, prop: string): SubnetChoice {
  const problems: string[] = [];
  if (selection?.subnetType === ec2.SubnetType.PUBLIC) {
    problems.push(`${prop} must select private subnets: HyperPod nodes cannot run in public subnets (got subnetType PUBLIC)`);
  }
  if (!selection && vpc.privateSubnets.length === 0 && vpc.isolatedSubnets.length === 0) {
    return { subnetIds: [], problems: [`${prop}: the VPC has no private subnets; pass private subnets in ${prop}`] };
  }
  const selected = vpc.selectSubnets(selection ?? defaultPrivateSelection(vpc));
  const publicIds = new Set(vpc.publicSubnets.map((s) => s.subnetId));
  const publicChosen = selected.subnets.filter((s) => publicIds.has(s.subnetId));
  if (publicChosen.length > 0 && selection?.subnetType !== ec2.SubnetType.PUBLIC) {
    problems.push(`${prop} must select private subnets: HyperPod nodes cannot run in public subnets (got public subnet ${publicChosen.map((s) => s.node.path).join(', ')})`);
  }
  problems.push(...checkCount(prop, selected.subnetIds, 1, 16, 'subnets'));
  return { subnetIds: selected.subnetIds, problems };
}

function defaultPrivateSelection(vpc: ec2.IVpc): ec2.SubnetSelection {
  return vpc.privateSubnets.length > 0
    ? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }
    : { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
}
