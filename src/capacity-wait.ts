import { Duration } from 'aws-cdk-lib';

/**
 * Waiting, after the cluster is created or updated, until an instance group has enough
 * nodes in `Running` status (`Custom::HyperPodCapacity`).
 *
 * Continuous provisioning reports success as soon as it accepts the target and provisions in
 * the background. With a wait, a resource that depends on the cluster polls every 30 seconds
 * and logs the group's progress; resources that need the nodes (workloads, Helm releases)
 * depend on the group's `capacityReady`. On timeout or repeated launch failures the
 * deployment fails with the group's counts by status, the nodes' failure messages, the
 * latest cluster events and the CloudWatch log group of the lifecycle scripts.
 */
export interface CapacityWaitOptions {
  /** How many of the group's nodes must be `Running`: from 1 to the group's `instanceCount`. */
  readonly runningNodes: number;

  /**
   * How long to wait: 2 minutes to 1 hour (the limit of the CDK Provider framework), in
   * whole 30-second steps.
   *
   * @default Duration.minutes(30)
   */
  readonly timeout?: Duration;

  /**
   * Give up before the timeout once the group has this many error events (failed launches:
   * insufficient capacity, lifecycle script failures) since the wait began; 0 waits for the
   * timeout whatever happens. Without cluster events (a cluster not in Continuous mode) the
   * nodes in `Failure` status are counted instead. 0-1000.
   *
   * @default 5
   */
  readonly maxFailures?: number;
}
