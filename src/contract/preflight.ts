/**
 * The contract between the `Custom::HyperPodPreflight` resource (synthesized by
 * `PreflightCheck`) and its handlers. Pure types and constants only.
 *
 * CloudFormation passes every scalar property to the handler as a string.
 */

/** CloudFormation resource type of the preflight check (served by the stack's shared provider). */
export const PREFLIGHT_RESOURCE_TYPE = 'Custom::HyperPodPreflight';

/** The `Custom::HyperPodPreflight` properties (besides `ServiceToken`). */
export interface PreflightProperties {
  /** The name of the EKS cluster the HyperPod cluster will be attached to (same account and Region). */
  readonly EksClusterName: string;
  /** `'true'` when the `eks-pod-identity-agent` add-on must be installed. @default 'false' */
  readonly RequirePodIdentityAgent?: string;
  /** Seconds after `onEvent` at which `isComplete` stops waiting for the EKS cluster to be `ACTIVE`. */
  readonly TimeoutSeconds: number | string;
  /**
   * Optional: a value that changes whenever the HyperPod cluster's configuration changes, so
   * that CloudFormation updates this resource (and the check runs again) before every update
   * of the cluster. Not read by the handler.
   */
  readonly ClusterConfig?: string;
}

/** The EKS add-on name of the Amazon VPC CNI. */
export const VPC_CNI_ADDON = 'vpc-cni';
/** The EKS add-on name of the EKS Pod Identity Agent. */
export const POD_IDENTITY_AGENT_ADDON = 'eks-pod-identity-agent';
