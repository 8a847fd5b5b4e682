import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct, IDependable } from 'constructs';
import { HyperPodValidationError } from './errors';
import { ExecutionRoleGrants } from './execution-roles';
import { BindableScripts, LifecycleScriptsBinding } from './lifecycle-binding';
import type { DrainGroupProperties } from '../contract/drain';
import type { ScaleDownGroupProperties } from '../contract/scale-down';
import type { InstanceGroupOptions } from '../instance-group-options';

/**
 * What a `HyperPodEksCluster` offers the instance groups it holds. CloudFormation keeps the
 * groups inside the cluster resource, so each group wires itself (role, grants, scripts,
 * network) from these and hands the cluster its rendered entry, which the cluster collects
 * at synth time.
 */
export interface GroupHost {
  readonly clusterName: string;
  /** The `AWS::SageMaker::Cluster` resource (a capacity wait runs after it). */
  readonly clusterResource: IDependable;
  readonly scaleDownEnabled: boolean;
  /** Whether the cluster's managed autoscaling is on (autoscaled groups need it). */
  readonly autoScalingEnabled: boolean;
  readonly vpc: ec2.IVpc;
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
  /** The EKS cluster security group, when known (named in warnings about a group's security groups). */
  readonly eksSecurityGroup?: ec2.ISecurityGroup;
  readonly eksClusterArn: string;
  readonly defaultExecutionRole: iam.IRole;
  readonly defaultLifecycleScripts: BindableScripts;
  /** Grants to execution roles, each once per role across the cluster's groups. */
  readonly roleGrants: ExecutionRoleGrants;
  /** Drain before delete, as the cluster can do it. */
  readonly drain: GroupDrain;
  /**
   * The count an autoscaled group sends HyperPod: its TargetCount, read by the scale-down
   * resource before every cluster update; `undefined` without scale-down.
   */
  autoscaledCount(instanceGroupName: string): number | undefined;
  /** Makes scripts available to the cluster's nodes, once per script source. */
  bindScripts(scripts: BindableScripts): LifecycleScriptsBinding;
  /** A token that changes whenever any group's rendered entry changes. */
  groupsFingerprint(): string;
  /** Adds a group; throws when its name is taken. */
  addGroup(group: HostedGroup): void;
}

/** Drain before delete, as a cluster offers it to its groups. */
export interface GroupDrain {
  /** Problems of a group's `scaleDown.drain` (a drain the cluster cannot do, a timeout out of range). */
  check(group: InstanceGroupOptions): string[];
  /**
   * Whether the group drains (by its `enabled`, else by whether the cluster can): its drain
   * properties, after setting up the cluster's access to the Kubernetes API; `undefined` when
   * it does not drain.
   */
  use(group: InstanceGroupOptions): DrainGroupProperties | undefined;
}

/** A group as the cluster collects it. */
export interface HostedGroup {
  readonly instanceGroupName: string;
  readonly construct: IConstruct;
  /** The group's entry of the cluster's `InstanceGroups`. */
  render(): Record<string, unknown>;
  /** The group's entry of the scale-down resource's `InstanceGroups`. */
  scaleDown(): ScaleDownGroupProperties;
}

const hosts = new WeakMap<IConstruct, GroupHost>();

/** Called by `HyperPodEksCluster`: it hosts groups. */
export function registerGroupHost(cluster: IConstruct, host: GroupHost): void {
  hosts.set(cluster, host);
}

/** The host of `cluster`; an error (on `scope`) for a cluster that cannot hold groups. */
export function groupHostOf(cluster: IConstruct, scope: IConstruct): GroupHost {
  const host = hosts.get(cluster);
  if (!host) {
    throw new HyperPodValidationError(scope, [`cluster ${cluster.node.path} cannot hold instance groups: CloudFormation keeps `
      + 'a cluster\'s groups inside its AWS::SageMaker::Cluster resource, so groups can be added only to a HyperPodEksCluster '
      + 'defined in this app, not to one imported with fromClusterName() or fromClusterAttributes()']);
  }
  return host;
}
