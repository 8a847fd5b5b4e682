import { CustomResource, Duration, Lazy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ProviderPlacement } from './placement';
import { newHyperPodResource } from './provider';
import { DrainGroupProperties } from '../../contract/drain';
import { ScaleDownGroupProperties, ScaleDownProperties } from '../../contract/scale-down';

export interface ScaleDownResourceProps {
  /** The HyperPod cluster's name (the resource runs before the cluster exists, so not its ARN). */
  readonly clusterName: string;
  /** How long one deployment may wait for removals. */
  readonly timeout?: Duration;
  /** Each group's entry (its new count, its policy, and its drain when it drains), read at synth time. */
  readonly groups: () => Array<ScaleDownGroupProperties & DrainGroupProperties>;
  /** A fingerprint that makes the resource run before every cluster update, or `undefined` for none. */
  readonly clusterConfig?: () => string | undefined;
  /** The EKS cluster whose nodes a draining group drains, or `undefined` when no group drains. */
  readonly eksClusterName?: () => string | undefined;
  /** The VPC subnets the stack's provider must run its functions in (to reach a private EKS endpoint). */
  readonly placement?: ProviderPlacement;
}

/**
 * The `Custom::HyperPodScaleDown` resource of one cluster. The cluster resource depends on
 * it, so on an update it runs first and, for the groups whose `instanceCount` went down,
 * removes the nodes each group's policy picks (draining them first for draining groups).
 */
export class ScaleDownResource extends Construct {
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: ScaleDownResourceProps) {
    super(scope, id);
    const properties: Omit<ScaleDownProperties, 'InstanceGroups'> = {
      ClusterName: props.clusterName,
      EksClusterName: Lazy.string({ produce: () => props.eksClusterName?.() }),
    };
    this.resource = newHyperPodResource(this, 'Resource', 'scaleDown', {
      ...properties,
      InstanceGroups: Lazy.any({ produce: () => props.groups() }),
      ClusterConfig: Lazy.any({ produce: () => props.clusterConfig?.() }),
    }, props.timeout, props.placement);
  }
}
