import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * How many nodes a rolling update changes at a time (`CapacitySizeConfig`).
 */
export class RollingUpdateBatchSize {
  /**
   * A number of nodes at a time (`INSTANCE_COUNT`), at least 1.
   */
  public static instances(count: number): RollingUpdateBatchSize {
    return new RollingUpdateBatchSize('INSTANCE_COUNT', count);
  }

  /**
   * A percentage of the group's nodes at a time (`CAPACITY_PERCENTAGE`), 1-100.
   */
  public static percentage(percent: number): RollingUpdateBatchSize {
    return new RollingUpdateBatchSize('CAPACITY_PERCENTAGE', percent);
  }

  /** `INSTANCE_COUNT` or `CAPACITY_PERCENTAGE`, as CloudFormation spells it. */
  public readonly sizeType: string;

  /** The number of nodes, or the percentage of the group. */
  public readonly value: number;

  private constructor(sizeType: string, value: number) {
    this.sizeType = sizeType;
    this.value = value;
  }
}

/**
 * How a node software update rolls through a group: batch sizes, the wait between batches and
 * the alarms that roll it back (`DeploymentConfig`).
 */
export interface RollingDeploymentOptions {
  /**
   * How many nodes to update at a time.
   *
   * @default - HyperPod's default batch size
   */
  readonly maximumBatchSize?: RollingUpdateBatchSize;

  /**
   * How many nodes to roll back at a time when an alarm fires. Needs `maximumBatchSize`.
   *
   * @default - HyperPod's default
   */
  readonly rollbackMaximumBatchSize?: RollingUpdateBatchSize;

  /**
   * How long to wait between batches, at most 1 hour.
   *
   * @default - no wait
   */
  readonly waitInterval?: Duration;

  /**
   * CloudWatch alarms that roll the update back when they fire. With
   * `rollbackAlarmNames`, 1-10 in all.
   *
   * @default - none
   */
  readonly rollbackAlarms?: cloudwatch.IAlarm[];

  /**
   * Names of CloudWatch alarms (for example of another stack or account tooling) that roll
   * the update back when they fire. With `rollbackAlarms`, 1-10 in all.
   *
   * @default - none
   */
  readonly rollbackAlarmNames?: string[];
}

/**
 * A schedule for updating the AMI of a group's nodes (`ScheduledUpdateConfig`).
 */
export interface ScheduledUpdate extends RollingDeploymentOptions {
  /**
   * When to update, as a 6-field cron expression, for example `cron(0 3 ? * SUN *)`.
   */
  readonly scheduleExpression: string;
}

/**
 * When HyperPod patches a group's nodes to a new AMI release (`AutoPatchConfig.PatchingStrategy`).
 */
export enum PatchingStrategy {
  /** Cordon the nodes and patch each one as soon as it is idle. */
  WHEN_IDLE = 'WhenIdle',
  /** Wait until every node of the group is idle, then patch; no patch happens until then. */
  WHEN_ALL_IDLE = 'WhenAllIdle',
}

/**
 * Automatic patching of a group's nodes to new AMI releases (`AutoPatchConfig`). Patching
 * moves the running release past `imageReleaseVersion`: that is drift CloudFormation does not
 * revert (see the README).
 */
export interface AutoPatch extends RollingDeploymentOptions {
  /** When a node is patched. */
  readonly strategy: PatchingStrategy;
}
