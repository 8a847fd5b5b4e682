import { Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CapacityWaitOptions } from './capacity-wait';
import { CapacityType, DeepHealthCheck, NetworkInterfaceType, TaintEffect } from './enums';
import { InstanceType } from './instance-type';
import { LifecycleScripts } from './lifecycle-scripts';
import { InstanceGroupScaleDownOptions } from './scale-down';
import { AutoPatch, ScheduledUpdate } from './scheduled-update';

/**
 * A Kubernetes taint HyperPod puts on every node of a group.
 */
export interface KubernetesTaint {
  /** The taint key, 1-317 characters (a Kubernetes qualified name). */
  readonly key: string;
  /**
   * The taint value, 1-63 characters.
   *
   * @default - no value
   */
  readonly value?: string;
  /** What the taint does to pods that do not tolerate it. */
  readonly effect: TaintEffect;
}

/**
 * An FSx for Lustre file system mounted on every node of a group.
 */
export interface FsxLustreMount {
  /** The file system's DNS name, for example `fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com`. */
  readonly dnsName: string;
  /** The file system's mount name, 1-8 characters. */
  readonly mountName: string;
  /**
   * Where to mount it on the node.
   *
   * @default - HyperPod's default mount path
   */
  readonly mountPath?: string;
}

/**
 * An FSx for OpenZFS file system mounted on every node of a group.
 */
export interface FsxOpenZfsMount {
  /** The file system's DNS name. */
  readonly dnsName: string;
  /**
   * Where to mount it on the node.
   *
   * @default - HyperPod's default mount path
   */
  readonly mountPath?: string;
}

/**
 * Settings of an instance group, as given to `HyperPodEksCluster.addInstanceGroup()` or
 * to the cluster's `instanceGroups` prop.
 */
export interface InstanceGroupOptions {
  /**
   * The instance group's name (`InstanceGroupName`), 1-63 characters of letters, digits and
   * hyphens. Required in the cluster's `instanceGroups` prop.
   *
   * @default - with `addInstanceGroup(id)`, the construct id in lower case
   */
  readonly instanceGroupName?: string;

  /**
   * The instance type of the group's nodes (`InstanceType`). Give this or `instanceRequirements`.
   *
   * @default - none; `instanceRequirements` must be given
   */
  readonly instanceType?: InstanceType;

  /**
   * Instance types to launch in order of preference, 1-20 (`InstanceRequirements`). HyperPod
   * falls back down the list when capacity is short. Give this or `instanceType`.
   *
   * @default - none; `instanceType` must be given
   */
  readonly instanceRequirements?: InstanceType[];

  /** The number of nodes HyperPod keeps in the group (`InstanceCount`), 0-6758. */
  readonly instanceCount: number;

  /**
   * The fewest nodes the group needs to first become `InService` (`MinInstanceCount`).
   * At most `instanceCount`.
   *
   * @default - HyperPod's default: the group becomes InService as nodes arrive
   */
  readonly minInstanceCount?: number;

  /**
   * The group's lifecycle scripts.
   *
   * @default - the cluster's `lifecycleScripts`
   */
  readonly lifecycleScripts?: LifecycleScripts;

  /**
   * The IAM role the group's nodes use (`ExecutionRole`). It must trust `sagemaker.amazonaws.com`
   * and have `AmazonSageMakerClusterInstanceRolePolicy`. A role the construct can change gets the
   * same statements as the cluster's default role (network interfaces, image pulls, Pod Identity,
   * lifecycle scripts, volume keys); an immutable one gets none, and a warning lists them.
   *
   * @default - the cluster's execution role
   */
  readonly executionRole?: iam.IRole;

  /**
   * Threads per CPU core (`ThreadsPerCore`): 1 turns simultaneous multithreading off, 2 keeps it.
   *
   * @default - HyperPod's default for the instance type
   */
  readonly threadsPerCore?: number;

  /**
   * The size of an extra EBS volume attached to each node and mounted at `/opt/sagemaker`,
   * 1-16384 GiB. The default lifecycle script moves container data there.
   *
   * @default - no extra volume
   */
  readonly ebsVolumeSize?: Size;

  /**
   * The KMS key that encrypts the extra EBS volume. The execution role gets `kms:CreateGrant`
   * (for AWS resources only) and `kms:DescribeKey` on it.
   *
   * @default - an AWS managed key
   */
  readonly ebsVolumeKmsKey?: kms.IKey;

  /**
   * A customer managed KMS key for the nodes' root volumes. The execution role gets
   * `kms:CreateGrant` (for AWS resources only) and `kms:DescribeKey` on it.
   *
   * @default - the root volume uses an AWS managed key
   */
  readonly rootVolumeKmsKey?: kms.IKey;

  /**
   * An FSx for Lustre file system to mount on every node.
   *
   * @default - none
   */
  readonly fsxLustre?: FsxLustreMount;

  /**
   * An FSx for OpenZFS file system to mount on every node.
   *
   * @default - none
   */
  readonly fsxOpenZfs?: FsxOpenZfsMount;

  /**
   * Deep health checks HyperPod runs on new nodes before they serve (`OnStartDeepHealthChecks`).
   *
   * @default - none
   */
  readonly deepHealthChecks?: DeepHealthCheck[];

  /**
   * The ARN of a SageMaker training plan whose reserved capacity the group uses.
   *
   * @default - no training plan
   */
  readonly trainingPlanArn?: string;

  /**
   * Subnets for this group only (`OverrideVpcConfig`), for example to place it in another
   * Availability Zone. Private subnets only.
   *
   * @default - the cluster's subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups for this group only (`OverrideVpcConfig`), 1-5.
   *
   * @default - the cluster's security groups
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * Kubernetes labels HyperPod puts on every node of the group, at most 50.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * Kubernetes taints HyperPod puts on every node of the group, at most 50.
   *
   * @default - none
   */
  readonly taints?: KubernetesTaint[];

  /**
   * A custom AMI id (`ami-...`), or `default`. The AMI must be unencrypted, in this account,
   * with a single volume.
   *
   * @default - the HyperPod EKS AMI
   */
  readonly imageId?: string;

  /**
   * Whether the nodes are On-Demand or Spot instances (`CapacityRequirements`).
   *
   * @default CapacityType.ON_DEMAND
   */
  readonly capacityType?: CapacityType;

  /**
   * The network interface type of the nodes (`NetworkInterface`).
   *
   * @default - HyperPod's default for the instance type
   */
  readonly networkInterfaceType?: NetworkInterfaceType;

  /**
   * A schedule for AMI updates of the group (`ScheduledUpdateConfig`).
   *
   * @default - no scheduled updates
   */
  readonly scheduledUpdate?: ScheduledUpdate;

  /**
   * The AMI release of the group's nodes (`ImageReleaseVersion`, `MAJOR.MINOR.PATCH`). A change
   * updates the nodes' software (`UpdateClusterSoftware`). With `autoPatch`, the running release
   * moves past this value: drift that CloudFormation does not revert.
   *
   * @default - HyperPod's current release when the group is created
   */
  readonly imageReleaseVersion?: string;

  /**
   * Automatic patching of the nodes to new AMI releases (`AutoPatchConfig`).
   *
   * @default - no automatic patching
   */
  readonly autoPatch?: AutoPatch;

  /**
   * Whether the group's node count belongs to the cluster's managed Karpenter autoscaling (the
   * cluster's `autoScaling`). Such a group starts at `instanceCount: 0` (AWS's rule), has no
   * deep health checks, training plan, capacity wait or scale-down options; targeted
   * scale-down never touches it, and a deployment sends HyperPod the count the autoscaler set
   * (see the README, "Autoscaling").
   *
   * @default false
   */
  readonly autoscaled?: boolean;

  /**
   * How the group chooses the nodes to remove when `instanceCount` goes down.
   *
   * @default - newest first, after nodes that are not serving; 99 instance ids a call
   */
  readonly scaleDown?: InstanceGroupScaleDownOptions;

  /**
   * Wait, after the cluster is created or updated, until the group has enough nodes in
   * `Running` status; the deployment fails if they do not come. Resources that need the
   * nodes depend on `capacityReady`.
   *
   * @default - no wait: the deployment finishes while nodes are still provisioning
   */
  readonly waitForCapacity?: CapacityWaitOptions;
}
