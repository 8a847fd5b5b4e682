import { Annotations, Duration, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import { Construct } from 'constructs';
import { HyperPodProvider } from './custom-resources/provider';
import { ScaleDownResource } from './custom-resources/scale-down-resource';
import { DrainAccess } from './drain-access';
import { missingKubectl, unreachableEndpoint } from './eks-cluster-facts';
import { GroupDrain } from './group-host';
import { selectPrivateSubnets } from './network';
import { checkCount } from './validation';
import {
  DEFAULT_DRAIN_TIMEOUT_ACTION, DEFAULT_DRAIN_TIMEOUT_SECONDS, DRAIN_DELETE_ALLOWANCE_SECONDS, DRAIN_TIMEOUT_ACTIONS,
  DrainGroupProperties, MIN_DRAIN_TIMEOUT_SECONDS,
} from '../contract/drain';
import { DEFAULT_TIMEOUT_SECONDS } from '../contract/resources';
import { ClusterDrainOptions } from '../drain';
import { InstanceGroupOptions } from '../instance-group-options';
import { ClusterScaleDownOptions } from '../scale-down';

/** The id of the note naming the groups that do not drain because the cluster cannot. */
export const DRAIN_OFF_NOTE = 'hyperpod-cdk:drain-off';

/** What a cluster knows about its EKS cluster and scale-down, for the drain. */
export interface ClusterDrainProps {
  readonly eksCluster: eks.IClusterRef;
  /** The EKS cluster security group, when known (the functions' own security group is let into it in a VPC). */
  readonly eksSecurityGroup?: ec2.ISecurityGroup;
  readonly scaleDown?: ClusterScaleDownOptions;
  /** The cluster's scale-down resource; `undefined` when scale-down is off (then no group drains). */
  readonly resource?: ScaleDownResource;
}

/** Why the cluster cannot drain, and what turns it on. */
interface Blocker {
  readonly why: string;
  readonly fix: string;
}

/**
 * Drain before delete for one cluster: whether it can drain (it can set up access to the EKS
 * cluster's Kubernetes API, and reach it), each group's drain properties, the access once a
 * group drains, and one note naming the groups left undrained because the cluster cannot.
 */
export class ClusterDrain implements GroupDrain {
  private readonly blockers: Blocker[];
  /** The longest drain timeout (the scale-down timeout less the deletes' allowance); `undefined` when not known. */
  private readonly maxTimeoutSeconds?: number;
  private readonly undrained: string[] = [];
  private draining = false;

  constructor(private readonly cluster: Construct, private readonly props: ClusterDrainProps) {
    const timeout = props.scaleDown?.timeout?.toSeconds() ?? DEFAULT_TIMEOUT_SECONDS.scaleDown;
    this.maxTimeoutSeconds = Token.isUnresolved(timeout) ? undefined : timeout - DRAIN_DELETE_ALLOWANCE_SECONDS;
    this.blockers = blockersOf(props.eksCluster, props.scaleDown?.drain, this.maxTimeoutSeconds);
    cluster.node.addValidation({ validate: () => this.addNote() });
  }

  /** The EKS cluster's name once a group drains (the scale-down resource's `EksClusterName`), else `undefined`. */
  public eksClusterName(): string | undefined {
    return this.draining ? this.props.eksCluster.clusterRef.clusterName : undefined;
  }

  public check(group: InstanceGroupOptions): string[] {
    const drain = group.scaleDown?.drain;
    // scale-down off, or an autoscaled group: the group's scaleDown options are refused already
    if (!drain || !this.props.resource || group.autoscaled) return [];
    const at = `instance group '${group.instanceGroupName}': scaleDown.drain`;
    const problems: string[] = [];
    if (drain.enabled === true && this.blockers.length > 0) {
      problems.push(`${at}.enabled is true, but the cluster cannot drain: ${this.explain()}`);
    }
    problems.push(...this.checkTimeout(`${at}.timeout`, drain.timeout));
    if (drain.onTimeout !== undefined && !Token.isUnresolved(drain.onTimeout) && !(DRAIN_TIMEOUT_ACTIONS as string[]).includes(drain.onTimeout)) {
      problems.push(`${at}.onTimeout must be one of ${DRAIN_TIMEOUT_ACTIONS.join(', ')} (got ${JSON.stringify(drain.onTimeout)})`);
    }
    return problems;
  }

  public use(group: InstanceGroupOptions): DrainGroupProperties | undefined {
    const drain = group.scaleDown?.drain;
    if (!this.props.resource || group.autoscaled || drain?.enabled === false) return undefined;
    if (this.blockers.length > 0) {
      this.undrained.push(group.instanceGroupName!);
      return undefined;
    }
    this.grantAccess(this.props.resource);
    return {
      Drain: 'true',
      DrainTimeoutSeconds: drain?.timeout?.toSeconds() ?? Math.min(DEFAULT_DRAIN_TIMEOUT_SECONDS, this.maxTimeoutSeconds ?? Infinity),
      DrainOnTimeout: drain?.onTimeout ?? DEFAULT_DRAIN_TIMEOUT_ACTION,
    };
  }

  /** The access to the EKS cluster, once: the scale-down resource runs after it. */
  private grantAccess(resource: ScaleDownResource): void {
    if (this.draining) return;
    this.draining = true;
    const access = DrainAccess.grant(HyperPodProvider.getOrCreate(resource, 'scaleDown'), {
      eksCluster: this.props.eksCluster,
      kubernetesGroup: this.props.scaleDown?.drain?.kubernetesGroup,
      eksSecurityGroup: this.props.eksSecurityGroup,
    });
    resource.resource.node.addDependency(access);
  }

  /** A whole number of seconds from the minimum to the scale-down timeout less the deletes' allowance. */
  private checkTimeout(prop: string, timeout: Duration | undefined): string[] {
    if (!timeout) return [];
    const seconds = timeout.toSeconds({ integral: false });
    if (Token.isUnresolved(seconds)) return [];
    const max = this.maxTimeoutSeconds;
    if (!Number.isInteger(seconds) || seconds < MIN_DRAIN_TIMEOUT_SECONDS || (max !== undefined && seconds > max)) {
      const upTo = max === undefined ? '' : ` and at most ${max} seconds (the cluster's scaleDown.timeout less `
        + `${DRAIN_DELETE_ALLOWANCE_SECONDS / 60} minutes kept for the deletes; raise scaleDown.timeout for a longer drain)`;
      return [`${prop} must be a whole number of seconds, at least ${MIN_DRAIN_TIMEOUT_SECONDS}${upTo} (got ${seconds} seconds)`];
    }
    return [];
  }

  /** Why the cluster cannot drain, and how to turn it on. */
  private explain(): string {
    return `${this.blockers.map((b) => b.why).join('; ')}. To drain, ${this.blockers.map((b) => b.fix).join(', and ')}`;
  }

  /** One note for the groups left undrained by default (at synth, once every group is added). */
  private addNote(): string[] {
    if (this.undrained.length > 0) {
      const groups = this.undrained.map((name) => `'${name}'`).join(', ');
      Annotations.of(this.cluster).addInfoV2(DRAIN_OFF_NOTE, `Nodes of instance group${this.undrained.length > 1 ? 's' : ''} `
        + `${groups} are removed without drain before delete (no cordon, no eviction), because the cluster cannot drain: `
        + `${this.explain()}. To keep them undrained without this note, set scaleDown: { drain: { enabled: false } } on those groups`);
      this.undrained.length = 0;
    }
    return [];
  }
}

/** Why the cluster cannot drain: no way to set up Kubernetes access, no way to reach the endpoint, no time. */
function blockersOf(eksCluster: eks.IClusterRef, options: ClusterDrainOptions | undefined, maxTimeoutSeconds: number | undefined): Blocker[] {
  const blockers: Blocker[] = [];
  const kubectl = options?.kubernetesGroup === undefined ? missingKubectl(eksCluster) : undefined;
  if (kubectl) {
    blockers.push({
      why: `the construct creates the drain's Kubernetes RBAC through the EKS cluster's kubectl provider, and eksCluster is ${kubectl}`,
      fix: 'set scaleDown.drain.kubernetesGroup to a Kubernetes group you bind the RBAC to, or pass as eksCluster an aws-eks or '
        + 'aws-eks-v2 cluster object with a kubectl provider',
    });
  }
  const endpoint = options?.vpcSubnets === undefined ? unreachableEndpoint(eksCluster) : undefined;
  if (endpoint) {
    blockers.push({
      why: `the custom-resource functions run outside the VPC, and ${endpoint}`,
      fix: 'set scaleDown.drain.vpcSubnets to run them in the VPC (with routes to the SageMaker and EKS APIs)',
    });
  }
  if (maxTimeoutSeconds !== undefined && maxTimeoutSeconds < MIN_DRAIN_TIMEOUT_SECONDS) {
    const minutes = (MIN_DRAIN_TIMEOUT_SECONDS + DRAIN_DELETE_ALLOWANCE_SECONDS) / 60;
    blockers.push({
      why: `scaleDown.timeout leaves less than ${MIN_DRAIN_TIMEOUT_SECONDS} seconds to drain once ${DRAIN_DELETE_ALLOWANCE_SECONDS / 60} `
        + 'minutes are kept for the deletes',
      fix: `raise scaleDown.timeout to at least ${minutes} minutes`,
    });
  }
  return blockers;
}

/**
 * Problems of the cluster's `scaleDown.drain`: set while scale-down is off, a Kubernetes group
 * EKS refuses, security groups without subnets, and subnets the VPC cannot give.
 */
export function checkClusterDrain(scaleDown: ClusterScaleDownOptions | undefined, vpc: ec2.IVpc): string[] {
  const drain = scaleDown?.drain;
  if (!drain) return [];
  if (scaleDown.enabled === false) {
    return ['scaleDown.drain is set, but scaleDown.enabled is false, so no node is removed and none is drained: remove '
      + 'scaleDown.drain, or enable scale-down'];
  }
  const problems: string[] = [];
  const group = drain.kubernetesGroup;
  if (group !== undefined && !Token.isUnresolved(group) && (group.length === 0 || group.startsWith('system:'))) {
    problems.push('scaleDown.drain.kubernetesGroup must be a non-empty Kubernetes group name not starting with \'system:\' '
      + `(EKS refuses access entries in system groups) (got ${JSON.stringify(group)})`);
  }
  if (drain.securityGroups && !drain.vpcSubnets) {
    problems.push('scaleDown.drain.securityGroups needs scaleDown.drain.vpcSubnets: the functions are in a VPC only with subnets (got no vpcSubnets)');
  }
  problems.push(...checkCount('scaleDown.drain.securityGroups', drain.securityGroups, 1, 5, 'security groups'));
  if (drain.vpcSubnets) {
    problems.push(...selectPrivateSubnets(vpc, drain.vpcSubnets, 'scaleDown.drain.vpcSubnets',
      'Lambda functions get no public IP address there, so they would reach no AWS API').problems);
  }
  return problems;
}
