import { IResource, Resource } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ClusterEventOptions, ClusterStatusChangeOptions, HyperPodEventDetailType, NodeHealthEventOptions } from './cluster-events';
import { throwIfProblems } from './private/errors';
import { CLUSTER_DESCRIBE_ACTIONS, CLUSTER_NODE_OPERATION_ACTIONS } from './private/permissions';
import { checkName } from './private/validation';

/**
 * A SageMaker HyperPod cluster orchestrated by Amazon EKS: one defined in this app
 * (`HyperPodEksCluster`) or an existing one (`HyperPodEksCluster.fromClusterAttributes()`).
 */
export interface IHyperPodEksCluster extends IResource, ec2.IConnectable {
  /**
   * The cluster's name.
   *
   * @attribute
   */
  readonly clusterName: string;

  /**
   * The cluster's ARN. It holds a generated cluster id, not the name.
   *
   * @attribute
   */
  readonly clusterArn: string;

  /**
   * Grants `actions` (full IAM action names, such as `sagemaker:DescribeCluster`) on this cluster.
   */
  grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant;

  /**
   * Grants reading the cluster, its nodes and its events: `DescribeCluster`,
   * `ListClusterNodes`, `DescribeClusterNode`, `ListClusterEvents` and `DescribeClusterEvent`
   * (what the `hyperpod-cdk status` command needs).
   */
  grantDescribe(grantee: iam.IGrantable): iam.Grant;

  /**
   * Grants the node operations `BatchRebootClusterNodes`, `BatchReplaceClusterNodes` and
   * `BatchDeleteClusterNodes` on this cluster (for an on-call role; add `grantDescribe` to
   * let it find the nodes).
   */
  grantNodeOperations(grantee: iam.IGrantable): iam.Grant;

  /**
   * Defines an EventBridge rule that matches every event HyperPod sends about this cluster:
   * its status changes, its node health events and its cluster events (the three
   * `HyperPodEventDetailType`s). Use `rule.addEventPattern()` to filter further, or the
   * typed `onClusterStatusChange()`, `onNodeHealthEvent()` and `onClusterEvent()`.
   *
   * The rule matches the cluster by ARN (`resources`); on a cluster imported without its
   * ARN, by name (`ClusterName` in `detail`).
   */
  onEvent(id: string, options?: events.OnEventOptions): events.Rule;

  /**
   * Defines an EventBridge rule that matches this cluster's status changes
   * (`SageMaker HyperPod Cluster State Change`), optionally only to some statuses.
   */
  onClusterStatusChange(id: string, options?: ClusterStatusChangeOptions): events.Rule;

  /**
   * Defines an EventBridge rule that matches the health events of this cluster's nodes
   * (`SageMaker HyperPod Cluster Node Health Event`: a node found unhealthy, or healthy again),
   * optionally only some health statuses.
   */
  onNodeHealthEvent(id: string, options?: NodeHealthEventOptions): events.Rule;

  /**
   * Defines an EventBridge rule that matches this cluster's operational events
   * (`SageMaker HyperPod Cluster Event`: provisioning, scaling, patching, lifecycle scripts...,
   * sent by clusters with continuous node provisioning), optionally only some levels, resource
   * types or instance groups.
   */
  onClusterEvent(id: string, options?: ClusterEventOptions): events.Rule;
}

/**
 * What every HyperPod cluster, defined or imported, can do: its grants and its event rules.
 */
export abstract class HyperPodEksClusterBase extends Resource implements IHyperPodEksCluster {
  public abstract readonly clusterName: string;
  public abstract readonly clusterArn: string;
  public abstract readonly connections: ec2.Connections;

  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.clusterArn] });
  }

  public grantDescribe(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...CLUSTER_DESCRIBE_ACTIONS);
  }

  public grantNodeOperations(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...CLUSTER_NODE_OPERATION_ACTIONS);
  }

  public onEvent(id: string, options: events.OnEventOptions = {}): events.Rule {
    return this.clusterRule(id, options, Object.values(HyperPodEventDetailType), {}, (name) => ({
      // the name is at the top of `detail`, but under `detail.EventDetails` in cluster events
      $or: [{ ClusterName: [name] }, { EventDetails: { ClusterName: [name] } }],
    }));
  }

  public onClusterStatusChange(id: string, options: ClusterStatusChangeOptions = {}): events.Rule {
    throwIfProblems(this, nonEmpty('clusterStatuses', options.clusterStatuses));
    return this.clusterRule(id, options, [HyperPodEventDetailType.CLUSTER_STATE_CHANGE], {
      ClusterStatus: options.clusterStatuses,
    }, (name) => ({ ClusterName: [name] }));
  }

  public onNodeHealthEvent(id: string, options: NodeHealthEventOptions = {}): events.Rule {
    const statuses = options.healthStatuses?.map((s) => s.value);
    throwIfProblems(this, [
      ...nonEmpty('healthStatuses', statuses),
      ...(statuses ?? []).filter((s) => s.trim() === '').map((s) => `healthStatuses must not hold an empty status (got ${JSON.stringify(s)})`),
    ]);
    return this.clusterRule(id, options, [HyperPodEventDetailType.CLUSTER_NODE_HEALTH_EVENT], {
      HealthSummary: statuses && { HealthStatus: statuses },
    }, (name) => ({ ClusterName: [name] }));
  }

  public onClusterEvent(id: string, options: ClusterEventOptions = {}): events.Rule {
    throwIfProblems(this, [
      ...nonEmpty('eventLevels', options.eventLevels),
      ...nonEmpty('resourceTypes', options.resourceTypes),
      ...nonEmpty('instanceGroupNames', options.instanceGroupNames),
      ...(options.instanceGroupNames ?? []).flatMap((n, i) => checkName(`instanceGroupNames[${i}]`, n)),
    ]);
    return this.clusterRule(id, options, [HyperPodEventDetailType.CLUSTER_EVENT], {
      EventDetails: {
        EventLevel: options.eventLevels,
        ResourceType: options.resourceTypes,
        InstanceGroupName: options.instanceGroupNames,
      },
    }, (name) => ({ EventDetails: { ClusterName: [name] } }));
  }

  /**
   * A rule on `detailTypes` of this cluster, with the `detail` filters (undefined fields are
   * left out), then the pattern and the target of `options`. It matches the cluster by ARN
   * (`resources`, as AWS's pattern for one cluster does) when the ARN is known, else by name
   * (`byName(clusterName)`).
   */
  private clusterRule(id: string, options: events.OnEventOptions, detailTypes: HyperPodEventDetailType[],
    detail: { [key: string]: any }, byName: (name: string) => { [key: string]: any }): events.Rule {
    const arn = this._clusterArnIfKnown();
    // this method's pattern first, then the caller's: the rule merges later patterns into the
    // objects of the first, which are then ours, not the caller's (which it may pass again)
    const rule = new events.Rule(this, id, { ...options, eventPattern: undefined });
    rule.addEventPattern({
      source: ['aws.sagemaker'],
      detailType: detailTypes,
      resources: arn === undefined ? undefined : [arn],
      detail: arn === undefined ? byName(this.clusterName) : undefined,
    });
    const filters = definedOnly(detail);
    if (filters !== undefined) {
      rule.addEventPattern({ detail: filters });
    }
    rule.addEventPattern(options.eventPattern);
    rule.addTarget(options.target);
    return rule;
  }

  /**
   * The ARN, or undefined for a cluster imported without it (whose `clusterArn` throws).
   *
   * @internal
   */
  protected _clusterArnIfKnown(): string | undefined {
    return this.clusterArn;
  }

}

/** A filter list given empty would match no event. */
function nonEmpty(prop: string, values: readonly unknown[] | undefined): string[] {
  return values !== undefined && values.length === 0
    ? [`${prop} must hold at least one value (got []); leave it out to match every value`]
    : [];
}

/** `pattern` without its undefined fields and empty objects; undefined when nothing is left. */
function definedOnly(pattern: { [key: string]: any }): { [key: string]: any } | undefined {
  const out: { [key: string]: any } = {};
  for (const [key, value] of Object.entries(pattern)) {
    const kept = value !== undefined && !Array.isArray(value) && typeof value === 'object' ? definedOnly(value) : value;
    if (kept !== undefined) {
      out[key] = kept;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
