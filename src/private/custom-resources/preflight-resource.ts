import { CustomResource, Duration, IResolvable } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { newHyperPodResource } from './provider';
import { PreflightProperties } from '../../contract/preflight';
import { throwIfProblems } from '../errors';
import { checkProviderTimeout } from '../validation';

export interface PreflightCheckProps {
  /** The name of the EKS cluster the HyperPod cluster is attached to (same account and Region). */
  readonly eksClusterName: string;
  /**
   * Whether the `eks-pod-identity-agent` EKS add-on must be installed.
   * @default false
   */
  readonly requirePodIdentityAgent?: boolean;
  /**
   * How long to wait for an EKS cluster that is still `CREATING` or `UPDATING`: 2 minutes to
   * 1 hour, in whole 30-second steps. The check fails a minute before, naming what it waited for.
   * @default 10 minutes
   */
  readonly timeout?: Duration;
  /**
   * A value that changes whenever the HyperPod cluster's configuration changes, so that the
   * check runs again before every update of the cluster (CloudFormation updates a custom
   * resource only when its properties change).
   * @default - the check runs on create, and when the other props change
   */
  readonly clusterConfig?: string | IResolvable;
}

/**
 * The `Custom::HyperPodPreflight` resource: checks, through the library's shared provider,
 * that the EKS cluster is ready for HyperPod (exists and is `ACTIVE`, authentication mode,
 * Kubernetes version, VPC CNI add-on version, and the Pod Identity Agent when required).
 * Make the HyperPod cluster depend on `resource`, so a problem fails the deployment in seconds
 * instead of after a cluster creation.
 */
export class PreflightCheck extends Construct {
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: PreflightCheckProps) {
    super(scope, id);
    throwIfProblems(this, checkProviderTimeout('timeout', props.timeout));
    const properties: Omit<PreflightProperties, 'TimeoutSeconds'> = {
      EksClusterName: props.eksClusterName,
      RequirePodIdentityAgent: props.requirePodIdentityAgent ? 'true' : 'false',
      ...(props.clusterConfig === undefined ? {} : { ClusterConfig: props.clusterConfig as string }),
    };
    this.resource = newHyperPodResource(this, 'Resource', 'preflight', { ...properties }, props.timeout);
  }
}
