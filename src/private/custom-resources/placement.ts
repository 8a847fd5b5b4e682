import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IConstruct } from 'constructs';

/**
 * Where the provider's handler functions run: subnets of a VPC. A function's VPC is fixed when
 * it is created, and the provider is one per stack, so the first resource to create it decides.
 */
export interface ProviderPlacement {
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  /** @default - a new security group of the provider, with egress anywhere */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /** The construct that asks for it, where an error about it is reported. */
  readonly requestedBy: IConstruct;
}

/** The functions' VPC options for `placement`, and the security group created for them when none is given. */
export function placeFunctions(scope: Construct, placement: ProviderPlacement | undefined) {
  if (!placement) return { options: {}, ownSecurityGroup: undefined };
  const ownSecurityGroup = placement.securityGroups ? undefined : new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc: placement.vpc,
    description: 'hyperpod-cdk custom-resource functions: egress to the AWS APIs and the EKS Kubernetes API',
    allowAllOutbound: true,
  });
  const securityGroups = placement.securityGroups ?? [ownSecurityGroup!];
  return { options: { vpc: placement.vpc, vpcSubnets: placement.vpcSubnets, securityGroups }, ownSecurityGroup };
}

/**
 * Why an existing provider, created by `createdBy` with `existing`, cannot serve a resource
 * that asks for `wanted`: it runs outside any VPC, or elsewhere. A resource that asks for
 * nothing is served wherever the provider runs.
 */
export function placementConflict(createdBy: IConstruct, existing: ProviderPlacement | undefined,
  wanted: ProviderPlacement | undefined): string[] {
  if (!wanted) return [];
  const shared = 'the stack\'s custom-resource functions (HyperPodScaleDownProvider, one per stack) are placed when they are '
    + `created, by the first resource that needs them (${createdBy.node.path})`;
  if (!existing) {
    return [`scaleDown.drain.vpcSubnets cannot be honoured: ${shared}, which put them outside any VPC. Define this cluster `
      + 'before every other hyperpod-cdk construct of the stack, or give those clusters the same scaleDown.drain.vpcSubnets'];
  }
  const [was, asked] = [describe(existing), describe(wanted)];
  if (was === asked) return [];
  return [`scaleDown.drain.vpcSubnets and securityGroups must be the same for every cluster of a stack: ${shared}, in ${was}; `
    + `this cluster asks for ${asked}. Give both clusters the same placement, or put them in separate stacks`];
}

/** The subnets and security groups of a placement, as text (equal for equal placements). */
function describe(placement: ProviderPlacement): string {
  const name = (id: string, construct: IConstruct) => (Token.isUnresolved(id) ? construct.node.path : id);
  const subnets = placement.vpc.selectSubnets(placement.vpcSubnets).subnets.map((s) => name(s.subnetId, s));
  const groups = placement.securityGroups
    ? `security groups ${placement.securityGroups.map((sg) => name(sg.securityGroupId, sg)).join(', ')}`
    : 'a security group of their own';
  return `subnets ${subnets.join(', ')} with ${groups}`;
}
