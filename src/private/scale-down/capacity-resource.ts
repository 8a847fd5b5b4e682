import { CustomResource, Duration, IResolvable } from 'aws-cdk-lib';
import { Construct, IDependable } from 'constructs';
import { DEFAULT_SCALE_DOWN_TIMEOUT, HANDLER_TIMEOUT_MARGIN, ScaleDownProvider } from './provider';
import { CAPACITY_RESOURCE_TYPE, CapacityProperties } from './types';

/** Failed launches (error events) since the wait began at which it gives up, by default. */
export const DEFAULT_MAX_FAILURES = 5;

export interface CapacityWaitProps {
  readonly clusterName: string;
  /** The cluster resource the wait runs after. */
  readonly cluster: IDependable;
  /** A token that changes whenever the cluster's groups change (so the wait runs after every update). */
  readonly clusterConfig: string | IResolvable;
  readonly instanceGroupName: string;
  readonly runningNodes: number;
  /** @default 30 minutes */
  readonly timeout?: Duration;
  /** @default DEFAULT_MAX_FAILURES */
  readonly maxFailures?: number;
}

/**
 * The `Custom::HyperPodCapacity` resource of one instance group: after the cluster is created
 * or updated, it polls (through the library's shared provider) until the group has
 * `runningNodes` nodes in `Running`, and fails the deployment with the group's state otherwise.
 */
export class CapacityWait extends Construct {
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: CapacityWaitProps) {
    super(scope, id);
    const timeout = props.timeout ?? DEFAULT_SCALE_DOWN_TIMEOUT;
    const provider = ScaleDownProvider.getOrCreate(this, 'capacity');
    const properties: CapacityProperties = {
      ClusterName: props.clusterName,
      InstanceGroupName: props.instanceGroupName,
      RunningNodes: props.runningNodes,
      // isComplete gives up a minute before the Provider does, with a message a person can act on
      TimeoutSeconds: timeout.toSeconds() - HANDLER_TIMEOUT_MARGIN.toSeconds(),
      MaxFailures: props.maxFailures ?? DEFAULT_MAX_FAILURES,
      ClusterConfig: props.clusterConfig as string,
    };
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: CAPACITY_RESOURCE_TYPE,
      properties: { ...properties },
    });
    this.resource.node.addDependency(props.cluster);
  }
}
