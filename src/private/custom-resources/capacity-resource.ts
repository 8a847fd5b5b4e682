import { CustomResource, Duration, IResolvable } from 'aws-cdk-lib';
import { Construct, IDependable } from 'constructs';
import { newHyperPodResource } from './provider';
import { CapacityProperties, DEFAULT_MAX_FAILURES } from '../../contract/capacity';

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
    const properties: Omit<CapacityProperties, 'TimeoutSeconds'> = {
      ClusterName: props.clusterName,
      InstanceGroupName: props.instanceGroupName,
      RunningNodes: props.runningNodes,
      MaxFailures: props.maxFailures ?? DEFAULT_MAX_FAILURES,
      ClusterConfig: props.clusterConfig as string,
    };
    this.resource = newHyperPodResource(this, 'Resource', 'capacity', { ...properties }, props.timeout);
    this.resource.node.addDependency(props.cluster);
  }
}
