import { CustomResource, Duration, Lazy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { newHyperPodResource } from './provider';
import { ScaleDownGroupProperties, ScaleDownProperties } from '../../contract/scale-down';

export interface ScaleDownResourceProps {
  /** The HyperPod cluster's name (the resource runs before the cluster exists, so not its ARN). */
  readonly clusterName: string;
  /** How long one deployment may wait for removals. */
  readonly timeout?: Duration;
  /** Each group's entry (its new count and policy), read at synth time. */
  readonly groups: () => ScaleDownGroupProperties[];
  /** A fingerprint that makes the resource run before every cluster update, or `undefined` for none. */
  readonly clusterConfig?: () => string | undefined;
}

/**
 * The `Custom::HyperPodScaleDown` resource of one cluster. The cluster resource depends on
 * it, so on an update it runs first and, for the groups whose `instanceCount` went down,
 * removes the nodes each group's policy picks.
 */
export class ScaleDownResource extends Construct {
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: ScaleDownResourceProps) {
    super(scope, id);
    const properties: Omit<ScaleDownProperties, 'InstanceGroups'> = { ClusterName: props.clusterName };
    this.resource = newHyperPodResource(this, 'Resource', 'scaleDown', {
      ...properties,
      InstanceGroups: Lazy.any({ produce: () => props.groups() }),
      ClusterConfig: Lazy.any({ produce: () => props.clusterConfig?.() }),
    }, props.timeout);
  }
}
