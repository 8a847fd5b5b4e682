import { Annotations, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IConstruct } from 'constructs';
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
    if (isImmutableImport(eksSecurityGroup)) {
      Annotations.of(scope).addWarningV2(SECURITY_GROUP_RULES_WARNING, `eksClusterSecurityGroup: ${describeGroup(eksSecurityGroup)} is `
        + 'imported with mutable: false, so CDK drops the rule this construct adds to it (all traffic from the nodes\' security group '
        + `${describeGroup(sg)}). EKS needs it: add that ingress rule to the EKS cluster security group outside this app, or import it as mutable`);
    }
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
 * @param why why public subnets do not do, for messages
 */
export function selectPrivateSubnets(vpc: ec2.IVpc, selection: ec2.SubnetSelection | undefined, prop: string,
  why = 'HyperPod nodes cannot run in public subnets'): SubnetChoice {
  const problems: string[] = [];
  if (selection?.subnetType === ec2.SubnetType.PUBLIC) {
    problems.push(`${prop} must select private subnets: ${why} (got subnetType PUBLIC)`);
  }
  if (!selection && vpc.privateSubnets.length === 0 && vpc.isolatedSubnets.length === 0) {
    return { subnetIds: [], problems: [`${prop}: the VPC has no private subnets; pass private subnets in ${prop}`] };
  }
  let selected: ec2.SelectedSubnets;
  try {
    selected = vpc.selectSubnets(selection ?? defaultPrivateSelection(vpc));
  } catch (err) {
    // CDK throws for a subnet type or group name the VPC does not have
    return { subnetIds: [], problems: [...problems, unknownSubnetsProblem(vpc, selection ?? {}, prop, err)] };
  }
  const publicIds = new Set(vpc.publicSubnets.map((s) => s.subnetId));
  const publicChosen = selected.subnets.filter((s) => publicIds.has(s.subnetId));
  if (publicChosen.length > 0 && selection?.subnetType !== ec2.SubnetType.PUBLIC) {
    problems.push(`${prop} must select private subnets: ${why} (got public subnet ${publicChosen.map((s) => s.node.path).join(', ')})`);
  }
  if (selected.subnetIds.length === 0 && selection) {
    problems.push(emptySelectionProblem(vpc, selection, prop));
  } else {
    problems.push(...checkCount(prop, selected.subnetIds, 1, 16, 'subnets'));
  }
  return { subnetIds: selected.subnetIds, problems };
}

/** `PRIVATE_WITH_EGRESS` for `'Private'`: the name a user writes. */
function subnetTypeName(type: ec2.SubnetType): string {
  return Object.entries(ec2.SubnetType).find(([, value]) => value === type)?.[0] ?? String(type);
}

/** The private subnet types the VPC has. */
function privateTypes(vpc: ec2.IVpc): string {
  const types = [
    ...(vpc.privateSubnets.length > 0 ? ['PRIVATE_WITH_EGRESS'] : []),
    ...(vpc.isolatedSubnets.length > 0 ? ['PRIVATE_ISOLATED'] : []),
  ];
  return types.length > 0 ? `whose private subnets are ${types.join(' and ')}` : 'which has no private subnets';
}

/** A selection CDK refused: a subnet type or group name the VPC does not have, or conflicting keys. */
function unknownSubnetsProblem(vpc: ec2.IVpc, selection: ec2.SubnetSelection, prop: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (selection.subnetGroupName !== undefined && /no subnet groups with name/.test(message)) {
    const names = /Available names: (.*)$/.exec(message)?.[1]?.split(',').join(', ');
    return `${prop}.subnetGroupName matches no subnet group of the VPC${names ? `, whose groups are ${names}` : ''} (got ${JSON.stringify(selection.subnetGroupName)})`;
  }
  if (selection.subnetType !== undefined && /no '.*' subnet groups/.test(message)) {
    return `${prop}.subnetType matches no subnet of the VPC, ${privateTypes(vpc)} (got ${subnetTypeName(selection.subnetType)})`;
  }
  return `${prop} cannot be selected: ${message}`;
}

/**
 * Which part of a selection left no subnet: an empty `subnets` list, `availabilityZones`, or
 * the first of `subnetFilters` after which none is left.
 */
function emptySelectionProblem(vpc: ec2.IVpc, selection: ec2.SubnetSelection, prop: string): string {
  if (selection.subnets !== undefined) {
    return `${prop}.subnets must have 1-16 subnets (got an empty list)`;
  }
  const { availabilityZones, subnetFilters, onePerAz: _onePerAz, ...base } = selection;
  const before = vpc.selectSubnets(base).subnets;
  const kind = base.subnetGroupName !== undefined ? `subnets of group ${JSON.stringify(base.subnetGroupName)}`
    : `${subnetTypeName(base.subnetType ?? defaultPrivateSelection(vpc).subnetType!)} subnets`;
  if (before.length === 0) {
    return `${prop} matches no subnet: the VPC has no ${kind}`;
  }
  if (availabilityZones !== undefined) {
    const inZones = vpc.selectSubnets({ ...base, availabilityZones }).subnets;
    if (inZones.length === 0) {
      return `${prop}.availabilityZones matches none of the ${before.length} ${kind}, which are in ${zonesOf(before)} (got ${JSON.stringify(availabilityZones)})`;
    }
  }
  const filters = subnetFilters ?? [];
  let remaining = vpc.selectSubnets({ ...base, availabilityZones }).subnets;
  for (let i = 0; i < filters.length; i++) {
    const next = vpc.selectSubnets({ ...base, availabilityZones, subnetFilters: filters.slice(0, i + 1) }).subnets;
    if (next.length === 0) {
      return `${prop}.subnetFilters[${i}] matches none of the ${remaining.length} ${kind} left by the selection before it (${remaining.map(describeSubnet).join(', ')})`;
    }
    remaining = next;
  }
  return `${prop} matches no subnet (got ${JSON.stringify(Object.keys(selection))})`;
}

function zonesOf(subnets: ec2.ISubnet[]): string {
  const zones = new Set<string>();
  for (const subnet of subnets) {
    try {
      zones.add(subnet.availabilityZone);
    } catch {
      zones.add('an unknown zone');
    }
  }
  return [...zones].join(', ');
}

function describeSubnet(subnet: ec2.ISubnet): string {
  return Token.isUnresolved(subnet.subnetId) ? subnet.node.path : subnet.subnetId;
}

/** The id of the acknowledgeable warning about security groups whose rules CDK cannot add. */
export const SECURITY_GROUP_RULES_WARNING = 'hyperpod-cdk:security-group-rules';

/** `ec2.SecurityGroup.fromSecurityGroupId(..., { mutable: false })`: CDK adds no rule to it. */
export function isImmutableImport(sg: ec2.ISecurityGroup): boolean {
  return !(sg instanceof ec2.SecurityGroup) && sg.constructor.name === 'ImmutableImport';
}

function describeGroup(sg: ec2.ISecurityGroup): string {
  return Token.isUnresolved(sg.securityGroupId) ? sg.node.path : `${sg.securityGroupId} (${sg.node.path})`;
}

/**
 * Warns about the user's own security groups whose rules CDK cannot add: imported with
 * `mutable: false` (no rule at all), or imported without `allowAllOutbound: false` (CDK then
 * takes the group to allow all egress and adds no egress rule). This construct adds no rule to
 * the user's groups, so the warning lists the rules the nodes need.
 *
 * @param prop the prop named in the warning
 */
export function warnAboutImportedSecurityGroups(scope: IConstruct, prop: string, groups: readonly ec2.ISecurityGroup[],
  eksSecurityGroup: ec2.ISecurityGroup | undefined): void {
  const found: string[] = [];
  for (const sg of groups) {
    if (sg instanceof ec2.SecurityGroup) continue; // created in the app: its rules are in the app
    if (isImmutableImport(sg)) {
      found.push(`${describeGroup(sg)} is imported with mutable: false, so CDK adds no rule to it`);
    } else if (sg.allowAllOutbound) {
      found.push(`${describeGroup(sg)} is imported without allowAllOutbound: false, so CDK takes it to allow all egress and adds no egress rule to it`);
    }
  }
  if (found.length === 0) return;
  const eks = eksSecurityGroup ? `the EKS cluster security group ${describeGroup(eksSecurityGroup)}` : 'the EKS cluster security group';
  Annotations.of(scope).addWarningV2(SECURITY_GROUP_RULES_WARNING, `${prop}: ${found.join('; ')}. Make sure the nodes' security `
    + 'groups allow what EFA and EKS need: all traffic from and to the group itself (an ingress and an egress rule that name the '
    + `group; egress to 0.0.0.0/0 does not cover EFA), and all traffic from and to ${eks}`);
}

function defaultPrivateSelection(vpc: ec2.IVpc): ec2.SubnetSelection {
  return vpc.privateSubnets.length > 0
    ? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }
    : { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
}
