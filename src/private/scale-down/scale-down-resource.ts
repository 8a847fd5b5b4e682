import { CustomResource, Duration, Lazy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DEFAULT_SCALE_DOWN_TIMEOUT, HANDLER_TIMEOUT_MARGIN, ScaleDownProvider } from './provider';
import { SCALE_DOWN_RESOURCE_TYPE, ScaleDownGroupProperties, ScaleDownProperties } from './types';
import type { InstanceGroup } from '../../instance-group';
import { DriftPolicy, ScaleDownOrder } from '../../scale-down';

export interface ScaleDownResourceProps {
  /** The HyperPod cluster's name (the resource runs before the cluster exists, so not its ARN). */
  readonly clusterName: string;
  /** How long one deployment may wait for removals. */
  readonly timeout?: Duration;
  /** The cluster's groups, read at synth time. */
  readonly groups: () => InstanceGroup[];
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
    const provider = ScaleDownProvider.getOrCreate(this, 'scaleDown');
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: SCALE_DOWN_RESOURCE_TYPE,
      properties: {
        ClusterName: props.clusterName,
        // isComplete gives up a minute before the Provider does, with a message naming the nodes left
        TimeoutSeconds: (props.timeout ?? DEFAULT_SCALE_DOWN_TIMEOUT).toSeconds() - HANDLER_TIMEOUT_MARGIN.toSeconds(),
        InstanceGroups: Lazy.any({ produce: () => renderProperties(props.clusterName, props.groups()).InstanceGroups }),
      },
    });
  }
}

/** The resource's properties: the cluster name and each group's desired count and policy. */
export function renderProperties(clusterName: string, groups: InstanceGroup[]): ScaleDownProperties {
  return {
    ClusterName: clusterName,
    InstanceGroups: groups.map((group): ScaleDownGroupProperties => {
      const scaleDown = group.options.scaleDown ?? {};
      return {
        InstanceGroupName: group.instanceGroupName,
        InstanceCount: group.options.instanceCount,
        RemoveNodeIds: scaleDown.removeNodeIds ?? [],
        Order: scaleDown.order ?? ScaleDownOrder.NEWEST_FIRST,
        ChunkSize: scaleDown.chunkSize ?? 99,
        Drift: scaleDown.drift ?? DriftPolicy.REFUSE,
      };
    }),
  };
}
