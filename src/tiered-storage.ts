/**
 * Managed tiered checkpointing of the cluster (`TieredStorageConfig`): HyperPod keeps
 * checkpoints in the nodes' memory, replicated across nodes, before they reach S3.
 */
export interface TieredStorageOptions {
  /**
   * Whether tiered checkpointing is on (`Mode: Enable`). `false` turns it off on a cluster
   * where it was on.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The percentage of each node's memory set aside for checkpoints, 0-100
   * (`InstanceMemoryAllocationPercentage`).
   *
   * @default - HyperPod's default
   */
  readonly memoryPercentage?: number;
}
