import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, DependencyGroup, IDependable } from 'constructs';
import type { IHyperPodEksCluster } from './cluster-base';
import { DrainGroupProperties } from './contract/drain';
import { InstanceGroupOptions } from './instance-group-options';
import { CapacityWait } from './private/custom-resources/capacity-resource';
import { throwIfProblems } from './private/errors';
import { groupHostOf, GroupHost } from './private/group-host';
import { selectPrivateSubnets, warnAboutImportedSecurityGroups } from './private/network';
import { renderInstanceGroup, renderScaleDownGroup } from './private/render';
import { checkAutoscaledHost, checkScaleDownUsed, groupSubnetsProp, validateInstanceGroup } from './private/validation';

/**
 * Properties of an `InstanceGroup`.
 */
export interface InstanceGroupProps extends InstanceGroupOptions {
  /** The HyperPod cluster the group belongs to: a `HyperPodEksCluster` of this app. */
  readonly cluster: IHyperPodEksCluster;
}

/**
 * An instance group of a HyperPod cluster. CloudFormation keeps groups inside the
 * `AWS::SageMaker::Cluster` resource: the group wires itself (execution role and its grants,
 * lifecycle scripts, network) and renders its entry of `InstanceGroups`, which the cluster
 * collects at synth time. Its only resource of its own is the optional wait for capacity.
 */
export class InstanceGroup extends Construct {
  /** The instance group's name. */
  public readonly instanceGroupName: string;

  /** The IAM role of the group's nodes (its `executionRole`, or the cluster's). */
  public readonly role: iam.IRole;

  /**
   * Complete once the group has the Running nodes of `waitForCapacity`: make resources that
   * need the nodes depend on it (`helmChart.node.addDependency(group.capacityReady)`).
   * Without `waitForCapacity`, it stands for the cluster resource alone: its deployment
   * finishes while nodes may still be provisioning.
   */
  public readonly capacityReady: IDependable;

  constructor(scope: Construct, id: string, props: InstanceGroupProps) {
    super(scope, id);
    const { cluster, ...rest } = props;
    const host = groupHostOf(cluster, this);
    this.instanceGroupName = rest.instanceGroupName ?? defaultGroupName(id);
    const options: InstanceGroupOptions = { ...rest, instanceGroupName: this.instanceGroupName };
    throwIfProblems(this, [
      ...validateInstanceGroup(options),
      ...checkScaleDownUsed(options, host.scaleDownEnabled),
      ...checkAutoscaledHost(options, host.autoScalingEnabled, host.scaleDownEnabled),
      ...host.drain.check(options),
    ]);
    // the name is checked first, then the group wires itself; the cluster reads the entries at synth
    let entry: Record<string, unknown> = {};
    let drain: DrainGroupProperties | undefined;
    host.addGroup({
      instanceGroupName: this.instanceGroupName,
      construct: this,
      render: () => entry,
      scaleDown: () => renderScaleDownGroup(options, drain),
    });
    drain = host.drain.use(options);
    const wired = this.wire(host, options);
    entry = wired.entry;
    this.role = wired.role;

    const ready = new DependencyGroup();
    if (options.waitForCapacity) {
      ready.add(new CapacityWait(this, 'CapacityReady', {
        clusterName: host.clusterName,
        cluster: host.clusterResource,
        clusterConfig: host.groupsFingerprint(),
        instanceGroupName: this.instanceGroupName,
        ...options.waitForCapacity,
      }).resource);
    } else {
      ready.add(host.clusterResource);
    }
    this.capacityReady = ready;
  }

  /** Chooses the role, grants it what the nodes need, binds the scripts and renders the group. */
  private wire(host: GroupHost, options: InstanceGroupOptions): { role: iam.IRole; entry: Record<string, unknown> } {
    const name = this.instanceGroupName;
    const role = options.executionRole ?? host.defaultExecutionRole;
    const binding = host.bindScripts(options.lifecycleScripts ?? host.defaultLifecycleScripts);
    // every role gets what the default role gets (once each), or a warning when it cannot be changed
    const network = { vpcId: host.vpc.vpcId, subnetIds: host.subnetIds, securityGroupIds: host.securityGroupIds };
    host.roleGrants.grantNode(role, network, host.eksClusterArn);
    host.roleGrants.grantLifecycle(role, binding);
    const override = this.overrideNetwork(host, options, role);
    if (options.ebsVolumeKmsKey) host.roleGrants.grantVolumeKey(role, options.ebsVolumeKmsKey, name, 'ebsVolumeKmsKey');
    if (options.rootVolumeKmsKey) host.roleGrants.grantVolumeKey(role, options.rootVolumeKmsKey, name, 'rootVolumeKmsKey');
    return {
      role,
      entry: renderInstanceGroup(options, {
        executionRoleArn: role.roleArn,
        lifecycle: binding.config,
        overrideVpcConfig: override,
        ebsVolumeKmsKeyId: options.ebsVolumeKmsKey?.keyArn,
        rootVolumeKmsKeyId: options.rootVolumeKmsKey?.keyArn,
        autoscaledCount: options.autoscaled ? host.autoscaledCount(name) : undefined,
      }),
    };
  }

  /** The group's own subnets or security groups (`OverrideVpcConfig`), and the role's grant on them. */
  private overrideNetwork(host: GroupHost, options: InstanceGroupOptions, role: iam.IRole): OverrideVpcConfig | undefined {
    const { vpcSubnets, securityGroups } = options;
    if (!vpcSubnets && !securityGroups) return undefined;
    const subnets = vpcSubnets
      ? selectPrivateSubnets(host.vpc, vpcSubnets, groupSubnetsProp(this.instanceGroupName))
      : { subnetIds: host.subnetIds, problems: [] };
    throwIfProblems(this, subnets.problems);
    warnAboutImportedSecurityGroups(this, `instance group '${this.instanceGroupName}': securityGroups`, securityGroups ?? [], host.eksSecurityGroup);
    const network = {
      vpcId: host.vpc.vpcId,
      subnetIds: subnets.subnetIds,
      securityGroupIds: securityGroups ? securityGroups.map((sg) => sg.securityGroupId) : host.securityGroupIds,
    };
    host.roleGrants.grantNetwork(role, this, this.instanceGroupName, network);
    return { subnetIds: network.subnetIds, securityGroupIds: network.securityGroupIds };
  }
}

/** A group's own subnets and security groups. */
interface OverrideVpcConfig {
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
}

/** `Workers_A` -> `workers-a`: a valid group name from a construct id. */
function defaultGroupName(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
}
