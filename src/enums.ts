/**
 * How HyperPod provisions the nodes of a cluster.
 */
export enum NodeProvisioningMode {
  /**
   * Continuous provisioning: HyperPod records each group's target count, launches toward it
   * in the background, retries failed launches, and allows several scaling operations at once.
   * The cluster and its groups stay `InService` while they scale.
   */
  CONTINUOUS = 'Continuous',
}

/**
 * What HyperPod does with a node that fails a health check.
 */
export enum NodeRecovery {
  /** HyperPod reboots or replaces faulty nodes itself. */
  AUTOMATIC = 'Automatic',
  /** No automatic recovery; you reboot or replace nodes yourself. */
  NONE = 'None',
}

/**
 * A deep health check HyperPod runs on new nodes before they serve (`OnStartDeepHealthChecks`).
 */
export enum DeepHealthCheck {
  /** Stress tests of the accelerators and the instance. */
  INSTANCE_STRESS = 'InstanceStress',
  /** Connectivity tests between instances (EFA/NCCL). */
  INSTANCE_CONNECTIVITY = 'InstanceConnectivity',
}

/**
 * The effect of a Kubernetes taint.
 */
export enum TaintEffect {
  /** Pods that do not tolerate the taint are not scheduled. */
  NO_SCHEDULE = 'NoSchedule',
  /** The scheduler tries to avoid the node. */
  PREFER_NO_SCHEDULE = 'PreferNoSchedule',
  /** Running pods that do not tolerate the taint are evicted. */
  NO_EXECUTE = 'NoExecute',
}

/**
 * The purchasing option of an instance group's nodes (`CapacityRequirements`).
 */
export enum CapacityType {
  /** On-Demand instances. */
  ON_DEMAND = 'OnDemand',
  /** Spot instances: cheaper, can be reclaimed; continuous provisioning replaces them. */
  SPOT = 'Spot',
}

/**
 * The network interface type of an instance group's nodes.
 */
export enum NetworkInterfaceType {
  /** An EFA network interface that also carries IP traffic. */
  EFA = 'efa',
  /** An EFA-only interface (OS-bypass traffic only). */
  EFA_ONLY = 'efa-only',
}
