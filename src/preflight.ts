import { Duration } from 'aws-cdk-lib';

/**
 * The deploy-time check of the EKS cluster that runs before the HyperPod cluster is created
 * or updated (`Custom::HyperPodPreflight`): the EKS cluster exists and is `ACTIVE`, its
 * authentication mode allows access entries, its Kubernetes version is one HyperPod supports,
 * and its `vpc-cni` add-on (when installed as an add-on) is 1.18.3 or later. A problem fails
 * the deployment in seconds, with one line per problem saying what to change, instead of after
 * a 20-minute cluster creation.
 */
export interface PreflightOptions {
  /**
   * Whether to run the check.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * How long to wait for an EKS cluster that is still `CREATING` or `UPDATING` (for example
   * created in the same deployment): 2 minutes to 1 hour, in whole 30-second steps.
   *
   * @default Duration.minutes(10)
   */
  readonly timeout?: Duration;
}
