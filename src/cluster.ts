import { createHash } from 'crypto';
import { Annotations, Aws, Lazy, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { AutoScalingOptions } from './auto-scaling';
import { HyperPodEksClusterBase, IHyperPodEksCluster } from './cluster-base';
import { ComputeQuota, ComputeQuotaOptions } from './compute-quota';
import { countAttribute, OWNER_TAG_KEY } from './contract/scale-down';
import { HyperPodDependencies } from './dependencies';
import { NodeProvisioningMode, NodeRecovery } from './enums';
import { InstanceGroup } from './instance-group';
import { InstanceGroupOptions } from './instance-group-options';
import { LifecycleScripts } from './lifecycle-scripts';
import { PreflightOptions } from './preflight';
import { checkClusterDrain, ClusterDrain } from './private/cluster-drain';
import { suppressNodeSecurityGroupFindings } from './private/cluster-nag';
import { createClusterRole } from './private/cluster-role';
import { PreflightCheck } from './private/custom-resources/preflight-resource';
import { ScaleDownResource } from './private/custom-resources/scale-down-resource';
import { HyperPodValidationError, throwIfProblems } from './private/errors';
import { ExecutionRoleGrants } from './private/execution-roles';
import { GroupHost, HostedGroup, registerGroupHost } from './private/group-host';
import { ClusterLifecycleScripts } from './private/lifecycle-bucket';
import { generateClusterName } from './private/names';
import { createNodeSecurityGroup, selectPrivateSubnets, warnAboutImportedSecurityGroups } from './private/network';
import { resolveOrchestrator } from './private/orchestrator';
import * as perms from './private/permissions';
import { renderTieredStorage } from './private/render';
import { requireTaskGovernanceAddon } from './private/task-governance';
import {
  checkAutoscaledCount, checkAutoscaledHost, checkClusterSettings, checkCount, checkEksClusterArn, checkName, checkProviderTimeout,
  checkScaleDownUsed, checkTags, checkUniqueClusterName, groupSubnetsProp, validateInstanceGroupsProp,
} from './private/validation';
import { ClusterScaleDownOptions } from './scale-down';
import { ClusterSchedulerConfig, ClusterSchedulerConfigOptions } from './scheduler-config';
import { TieredStorageOptions } from './tiered-storage';

/**
 * Attributes of an existing HyperPod cluster.
 */
export interface HyperPodEksClusterAttributes {
  /** The cluster's name. */
  readonly clusterName: string;

  /**
   * The cluster's ARN (`arn:...:cluster/<cluster id>`; it cannot be derived from the name).
   *
   * @default - `clusterArn` throws an error when read
   */
  readonly clusterArn?: string;

  /**
   * The security groups of the cluster's nodes, for `connections`.
   *
   * @default - `connections` holds no security group
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/**
 * Properties of a `HyperPodEksCluster`.
 */
export interface HyperPodEksClusterProps {
  /**
   * The EKS cluster that orchestrates the nodes: an `aws-eks-v2` cluster, an `aws-eks` (v1)
   * cluster, or `EksClusterReference.fromClusterArn()` when only its ARN is known. Its
   * authentication mode must be `API` or `API_AND_CONFIG_MAP`. With an `aws-eks` or
   * `aws-eks-v2` cluster, the VPC, the private subnets and the EKS cluster security group
   * default from it.
   */
  readonly eksCluster: eks.IClusterRef;

  /**
   * The VPC of the EKS cluster and the nodes.
   *
   * @default - the `vpc` of `eksCluster`; required with `EksClusterReference`
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The EKS cluster security group, which the nodes' default security group exchanges all
   * traffic with.
   *
   * @default - the `clusterSecurityGroup` of `eksCluster`; with `EksClusterReference`, none
   * (the default security group then allows no traffic from the EKS control plane: pass this,
   * or `securityGroups` that allow it)
   */
  readonly eksClusterSecurityGroup?: ec2.ISecurityGroup;

  /**
   * The cluster's name, 1-63 characters of letters, digits and hyphens. With a fixed name,
   * a change to the subnets, security groups or EKS cluster (which replaces the cluster)
   * fails; change the name in the same deployment.
   *
   * @default - a name generated from the stack and construct path, plus a hash of the
   * settings whose change replaces the cluster
   */
  readonly clusterName?: string;

  /**
   * How HyperPod provisions nodes.
   *
   * @default NodeProvisioningMode.CONTINUOUS
   */
  readonly nodeProvisioningMode?: NodeProvisioningMode;

  /**
   * Whether HyperPod replaces or reboots faulty nodes itself.
   *
   * @default NodeRecovery.AUTOMATIC
   */
  readonly nodeRecovery?: NodeRecovery;

  /**
   * HyperPod's managed Karpenter autoscaling (`AutoScaling`, `ClusterRole`); groups marked
   * `autoscaled` then belong to it. Needs `nodeRecovery` `AUTOMATIC` and targeted scale-down
   * (which reads the autoscaled groups' counts before every cluster update).
   *
   * @default - no autoscaling
   */
  readonly autoScaling?: AutoScalingOptions;

  /**
   * Managed tiered checkpointing (`TieredStorageConfig`).
   *
   * @default - not set (HyperPod's default: off)
   */
  readonly tieredStorage?: TieredStorageOptions;

  /**
   * Instance groups, each with its `instanceGroupName`. More can be added with `addInstanceGroup()`.
   *
   * @default - none; add them with `addInstanceGroup()`
   */
  readonly instanceGroups?: InstanceGroupOptions[];

  /**
   * The subnets of the nodes (1-16, private).
   *
   * @default - the private subnets of the EKS cluster's VPC
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The security groups of the nodes (1-5).
   *
   * @default - a new security group that allows all traffic within itself (EFA), all traffic
   * with the EKS cluster security group, and egress anywhere
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * The execution role of instance groups that do not set their own. A role the construct
   * can change (an `iam.Role` of the app, or one imported with `mutable: true`, the default)
   * gets the same statements as the default role, through `addToPrincipalPolicy`; its
   * managed policy and trust policy stay yours. To an immutable role (`mutable: false`) the
   * construct adds nothing, and a warning (`hyperpod-cdk:immutable-execution-role`) lists
   * the permissions it needs.
   *
   * @default - a new role trusting `sagemaker.amazonaws.com` with
   * `AmazonSageMakerClusterInstanceRolePolicy` and the EKS node permissions (network
   * interfaces scoped to the VPC, subnets and security groups; image pulls; Pod Identity)
   */
  readonly executionRole?: iam.IRole;

  /**
   * The lifecycle scripts of instance groups that do not set their own.
   *
   * @default LifecycleScripts.defaultEks()
   */
  readonly lifecycleScripts?: LifecycleScripts;

  /**
   * A bucket for the server access logs of the bucket the construct creates for lifecycle
   * scripts from a local folder (`LifecycleScripts.fromAsset()` and `defaultEks()`), under
   * the prefix `hyperpod-lifecycle-scripts/`. The log bucket must allow the S3 logging
   * service to write (CDK adds that to a bucket created in the same stack).
   *
   * @default - no server access logs
   */
  readonly lifecycleBucketAccessLogs?: s3.IBucket;

  /**
   * A customer managed KMS key for the lifecycle-script bucket the construct creates (SSE-KMS,
   * with an S3 Bucket Key). The execution roles get `kms:Decrypt` on it, and the deployment
   * handler encrypt and decrypt.
   *
   * @default - S3-managed encryption (SSE-S3)
   */
  readonly lifecycleBucketEncryptionKey?: kms.IKey;

  /**
   * Tags for the cluster and every resource this construct creates (at most 49: the
   * cluster also carries `hyperpod-cdk:stack-id`, the stack's id, which targeted scale-down
   * checks before it removes any node).
   *
   * @default - no tags
   */
  readonly tags?: { [key: string]: string };

  /**
   * What happens to the cluster when it leaves the stack.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Targeted scale-down: when a deployment lowers a group's `instanceCount`, remove the
   * nodes the group's policy picks before the cluster update, instead of letting SageMaker
   * pick them.
   *
   * @default - enabled, with a 30 minute timeout
   */
  readonly scaleDown?: ClusterScaleDownOptions;

  /**
   * The deploy-time check of the EKS cluster (exists and `ACTIVE`, authentication mode,
   * Kubernetes version, VPC CNI add-on version), run before the cluster is created or updated.
   *
   * @default - enabled, waiting up to 10 minutes for an EKS cluster that is not ACTIVE yet
   */
  readonly preflight?: PreflightOptions;

  /**
   * HyperPod's EKS dependencies (`HyperPodDependencies`): the cluster waits for their
   * prerequisites (the Helm chart, the Pod Identity agent), and their operators (cert-manager,
   * training operator, task governance) are installed after the cluster when both are in one
   * stack. The preflight then also requires the Pod Identity agent when they install it.
   *
   * @default - none: install the HyperPod Helm chart yourself (see the README's Prerequisites)
   */
  readonly dependencies?: HyperPodDependencies;
}

/**
 * A SageMaker HyperPod cluster orchestrated by Amazon EKS (`AWS::SageMaker::Cluster`), with
 * continuous provisioning, an execution role, a security group fit for EFA, lifecycle
 * scripts, and targeted scale-down.
 *
 * @resource AWS::SageMaker::Cluster
 */
export class HyperPodEksCluster extends HyperPodEksClusterBase {
  /** An existing cluster, by name. */
  public static fromClusterName(scope: Construct, id: string, clusterName: string): IHyperPodEksCluster {
    return HyperPodEksCluster.fromClusterAttributes(scope, id, { clusterName });
  }

  /** An existing cluster, by attributes. */
  public static fromClusterAttributes(scope: Construct, id: string, attrs: HyperPodEksClusterAttributes): IHyperPodEksCluster {
    class Import extends HyperPodEksClusterBase {
      public readonly clusterName = attrs.clusterName;
      public readonly connections = new ec2.Connections({ securityGroups: attrs.securityGroups });
      public get clusterArn(): string {
        if (!attrs.clusterArn) {
          throw new HyperPodValidationError(this, ['clusterArn was not given to fromClusterAttributes(), so it cannot be read']);
        }
        return attrs.clusterArn;
      }
      protected _clusterArnIfKnown(): string | undefined {
        return attrs.clusterArn;
      }
    }
    return new Import(scope, id);
  }

  public readonly clusterName: string;
  /** @attribute */
  public readonly clusterArn: string;
  /**
   * The cluster's status, for example `InService`.
   *
   * @attribute
   */
  public readonly clusterStatus: string;
  public readonly connections: ec2.Connections;
  /** The execution role of groups that do not set their own. */
  public readonly executionRole: iam.IRole;
  /** The EKS cluster that orchestrates the nodes. */
  public readonly eksCluster: eks.IClusterRef;
  /**
   * The role HyperPod assumes for managed autoscaling.
   *
   * @default - undefined unless `autoScaling` is set
   */
  public readonly clusterRole?: iam.IRole;

  /** The `AWS::SageMaker::Cluster` (also `node.defaultChild`). */
  private readonly resource: sagemaker.CfnCluster;
  private readonly groups = new Map<string, HostedGroup>();
  private readonly groupsScope: Construct;
  /** The `clusterName` prop: checked for uniqueness across the app at synth. */
  private readonly fixedClusterName?: string;
  /** The cluster's dependencies: the task governance methods check they install the add-on. */
  private readonly dependencies?: HyperPodDependencies;
  private taskGovernanceScope?: Construct;
  private readonly quotas: ComputeQuota[] = [];
  /** The cluster's settings besides its groups, network and name (in the fingerprint too). */
  private readonly settings: Record<string, unknown>;
  /** The fingerprint of the rendered groups, once per number of groups (it is read by every capacity wait). */
  private fingerprint?: { readonly groups: number; readonly value: string };

  constructor(scope: Construct, id: string, props: HyperPodEksClusterProps) {
    super(scope, id);
    const problems: string[] = [];
    this.eksCluster = props.eksCluster;
    const eksCluster = resolveOrchestrator(props.eksCluster, props.vpc, props.eksClusterSecurityGroup, props.securityGroups !== undefined);
    problems.push(...eksCluster.problems);
    problems.push(...checkEksClusterArn(eksCluster.clusterArn));
    throwIfProblems(this, problems);
    const vpc = eksCluster.vpc!;

    const subnets = selectPrivateSubnets(vpc, props.vpcSubnets, 'vpcSubnets');
    problems.push(...subnets.problems);
    if (!props.securityGroups && !eksCluster.securityGroup) {
      Annotations.of(this).addWarningV2('hyperpod-cdk:no-eks-security-group', 'No EKS cluster security group is known (an '
        + 'EksClusterReference without eksClusterSecurityGroup): the nodes\' security group allows no traffic from the EKS '
        + 'control plane. Pass eksClusterSecurityGroup, or securityGroups that allow it');
    }
    const securityGroups = props.securityGroups
      ?? [createNodeSecurityGroup(this, 'SecurityGroup', vpc, eksCluster.securityGroup)];
    problems.push(...checkCount('securityGroups', securityGroups, 1, 5, 'security groups'));
    warnAboutImportedSecurityGroups(this, 'securityGroups', props.securityGroups ?? [], eksCluster.securityGroup);
    const securityGroupIds = securityGroups.map((sg) => sg.securityGroupId);
    this.connections = new ec2.Connections({ securityGroups });
    if (!props.securityGroups) suppressNodeSecurityGroupFindings(securityGroups[0], eksCluster.securityGroup);

    if (props.clusterName !== undefined) {
      problems.push(...checkName('clusterName', props.clusterName));
    }
    problems.push(...checkTags(props.tags));
    problems.push(...checkProviderTimeout('scaleDown.timeout', props.scaleDown?.timeout));
    problems.push(...checkClusterDrain(props.scaleDown, vpc));
    problems.push(...checkClusterSettings(props));
    throwIfProblems(this, problems);

    const vpcConfig = { securityGroupIds, subnets: subnets.subnetIds };
    const orchestrator = { eks: { clusterArn: eksCluster.clusterArn } };
    this.clusterName = props.clusterName ?? generateClusterName(this, { vpcConfig, orchestrator });
    this.fixedClusterName = props.clusterName;
    if (props.clusterName !== undefined) {
      Annotations.of(this).addWarningV2('hyperpod-cdk:fixed-cluster-name', `clusterName is fixed ('${props.clusterName}'): a change `
        + 'to the subnets, security groups or EKS cluster replaces the cluster, which CloudFormation creates before it deletes the '
        + 'old one, so under the same name the deployment fails; change the name in that deployment (every node is replaced), or '
        + 'leave clusterName out to have one generated that changes with them');
    }

    const network = { vpcId: vpc.vpcId, subnetIds: subnets.subnetIds, securityGroupIds };
    const roleGrants = new ExecutionRoleGrants(this);
    this.executionRole = props.executionRole ?? createExecutionRole(roleGrants, network, eksCluster.clusterArn);

    const autoScalingEnabled = props.autoScaling !== undefined && (props.autoScaling.enabled ?? true);
    if (props.autoScaling) {
      this.clusterRole = props.autoScaling.clusterRole ?? createClusterRole(this, 'ClusterRole');
    }
    this.settings = {
      nodeProvisioningMode: props.nodeProvisioningMode ?? NodeProvisioningMode.CONTINUOUS,
      nodeRecovery: props.nodeRecovery ?? NodeRecovery.AUTOMATIC,
      autoScaling: props.autoScaling ? { mode: autoScalingEnabled ? 'Enable' : 'Disable', autoScalerType: 'Karpenter' } : undefined,
      tieredStorageConfig: renderTieredStorage(props.tieredStorage),
    };
    this.resource = new sagemaker.CfnCluster(this, 'Resource', {
      clusterName: this.clusterName,
      ...this.settings,
      clusterRole: this.clusterRole?.roleArn,
      orchestrator,
      vpcConfig,
    });
    this.resource.addPropertyOverride('InstanceGroups', Lazy.any({ produce: () => this.renderInstanceGroups() }));
    this.resource.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.DESTROY);
    // Nodes read their scripts with the execution role as they start: its policy comes first.
    roleGrants.policies.forEach((policy) => this.resource.node.addDependency(policy));
    // Targeted scale-down removes nodes only from a cluster that carries this stack's id.
    this.resource.cdkTagManager.setTag(OWNER_TAG_KEY, Aws.STACK_ID);
    this.clusterArn = this.resource.attrClusterArn;
    this.clusterStatus = this.resource.attrClusterStatus;
    this.groupsScope = new Construct(this, 'InstanceGroups');

    const scaleDownEnabled = props.scaleDown?.enabled ?? true;
    let scaleDown: ScaleDownResource | undefined;
    const drainSubnets = props.scaleDown?.drain?.vpcSubnets;
    if (scaleDownEnabled) {
      // Not 'ScaleDown' (the name before one provider served every timeout): a new logical id, so that a stack that had a
      // provider per timeout gets a new resource rather than a ServiceToken change, which
      // CloudFormation refuses. A create removes nothing.
      const groups = () => [...this.groups.values()].map((g) => g.scaleDown());
      scaleDown = new ScaleDownResource(this, 'TargetedScaleDown', {
        clusterName: this.clusterName,
        timeout: props.scaleDown?.timeout,
        groups,
        // with autoscaled groups, it runs before every cluster update, to read their counts
        clusterConfig: () => (groups().some((g) => g.Autoscaled === 'true') ? this.groupsFingerprint() : undefined),
        eksClusterName: () => drain.eksClusterName(),
        // the provider's functions are placed when it is created: this is the cluster's first resource that uses it
        placement: drainSubnets
          ? { vpc, vpcSubnets: drainSubnets, securityGroups: props.scaleDown?.drain?.securityGroups, requestedBy: this }
          : undefined,
      });
      this.resource.node.addDependency(scaleDown);
    }
    const drain = new ClusterDrain(this, {
      eksCluster: props.eksCluster,
      eksSecurityGroup: eksCluster.securityGroup,
      scaleDown: props.scaleDown,
      resource: scaleDown,
    });

    const dependencies = props.dependencies;
    this.dependencies = dependencies;
    if (dependencies) {
      this.resource.node.addDependency(dependencies.prerequisites);
      if (!dependencies.installOperatorsAfter(this.resource) && dependencies.operators.length > 0) {
        Annotations.of(this).addInfoV2('hyperpod-cdk:operators-not-ordered', 'The dependencies are in another stack than this '
          + 'cluster, so their operator add-ons are not ordered after it (that would make the stacks depend on each other)');
      }
    }
    if (props.preflight?.enabled ?? true) {
      const preflight = new PreflightCheck(this, 'Preflight', {
        eksClusterName: eksCluster.clusterName,
        timeout: props.preflight?.timeout,
        clusterConfig: this.groupsFingerprint(),
        requirePodIdentityAgent: dependencies?.podIdentityAgent,
      });
      if (dependencies) {
        preflight.node.addDependency(dependencies.prerequisites);
      }
      this.resource.node.addDependency(preflight.resource);
    }

    for (const [key, value] of Object.entries(props.tags ?? {})) {
      Tags.of(this).add(key, value);
    }
    this.node.addValidation({ validate: () => this.validateGroupCount() });
    this.node.addValidation({ validate: () => this.validateUniqueName() });

    const scripts = new ClusterLifecycleScripts(this, this.resource, {
      accessLogs: props.lifecycleBucketAccessLogs,
      encryptionKey: props.lifecycleBucketEncryptionKey,
    });
    const host: GroupHost = {
      clusterName: this.clusterName,
      clusterResource: this.resource,
      scaleDownEnabled,
      autoScalingEnabled,
      autoscaledCount: (group) => (scaleDown ? Token.asNumber(scaleDown.resource.getAtt(countAttribute(group))) : undefined),
      vpc,
      subnetIds: subnets.subnetIds,
      securityGroupIds,
      eksSecurityGroup: eksCluster.securityGroup,
      eksClusterArn: eksCluster.clusterArn,
      defaultExecutionRole: this.executionRole,
      defaultLifecycleScripts: props.lifecycleScripts ?? LifecycleScripts.defaultEks(),
      roleGrants,
      drain,
      bindScripts: (s) => scripts.bind(s),
      groupsFingerprint: () => this.groupsFingerprint(),
      addGroup: (group) => this.addGroup(group),
    };
    registerGroupHost(this, host);

    // Every problem of every group in one error, before any group is added.
    const groups = props.instanceGroups ?? [];
    throwIfProblems(this, validateInstanceGroupsProp(groups, (options) => [
      ...checkScaleDownUsed(options, scaleDownEnabled),
      ...checkAutoscaledHost(options, autoScalingEnabled, scaleDownEnabled),
      ...drain.check(options),
      ...(options.vpcSubnets ? selectPrivateSubnets(vpc, options.vpcSubnets, groupSubnetsProp(options.instanceGroupName!)).problems : []),
    ]));
    for (const options of groups) {
      this.addInstanceGroup(options.instanceGroupName!, options);
    }
  }

  /**
   * Adds an instance group. Its name defaults to the id in lower case.
   *
   * @param id the construct id of the group, unique within this cluster
   */
  public addInstanceGroup(id: string, options: InstanceGroupOptions): InstanceGroup {
    return new InstanceGroup(this.groupsScope, id, { ...options, cluster: this });
  }

  /** The instance groups of this cluster, in the order they were added. */
  public get instanceGroups(): InstanceGroup[] {
    return [...this.groups.values()].map((g) => g.construct as InstanceGroup);
  }

  /**
   * Adds the task governance cluster policy (`AWS::SageMaker::ClusterSchedulerConfig`): priority
   * classes, fair share and idle resource sharing. A cluster takes one. Needs the
   * `amazon-sagemaker-hyperpod-taskgovernance` EKS add-on: with `dependencies` that do not install
   * it this fails; without `dependencies` a warning (`hyperpod-cdk:task-governance-addon`) asks
   * you to install it yourself.
   *
   * @param id the construct id, unique among this cluster's policy and quotas
   */
  public addSchedulerConfig(id: string, options: ClusterSchedulerConfigOptions = {}): ClusterSchedulerConfig {
    const config = new ClusterSchedulerConfig(this.governance(), id, { ...options, cluster: this });
    requireTaskGovernanceAddon(config, this.dependencies, `addSchedulerConfig('${id}')`);
    return config;
  }

  /**
   * Adds a team's compute quota (`AWS::SageMaker::ComputeQuota`). SageMaker creates the team's
   * namespace, `hyperpod-ns-<teamName>` (`quota.teamNamespace`). Needs the task governance add-on,
   * as `addSchedulerConfig()` says.
   *
   * @param id the construct id, unique among this cluster's policy and quotas
   */
  public addComputeQuota(id: string, options: ComputeQuotaOptions): ComputeQuota {
    const quota = new ComputeQuota(this.governance(), id, { ...options, cluster: this });
    requireTaskGovernanceAddon(quota, this.dependencies, `addComputeQuota('${id}')`);
    this.quotas.push(quota);
    return quota;
  }

  /** The namespaces of the teams added with `addComputeQuota()` (`hyperpod-ns-<team>`), in order. */
  public get teamNamespaces(): string[] {
    return this.quotas.map((q) => q.teamNamespace);
  }

  private governance(): Construct {
    this.taskGovernanceScope ??= new Construct(this, 'TaskGovernance');
    return this.taskGovernanceScope;
  }

  private addGroup(group: HostedGroup): void {
    const name = group.instanceGroupName;
    if (this.groups.has(name)) {
      throw new HyperPodValidationError(group.construct, [`instanceGroupName '${name}' is used by another instance group of this cluster; names must be unique`]);
    }
    this.groups.set(name, group);
  }

  /**
   * A token for a fingerprint of the rendered instance groups: it changes whenever a group
   * changes, so a resource that carries it is updated together with the cluster. Computed
   * once per synth, however many resources carry it.
   */
  private groupsFingerprint(): string {
    return Lazy.string({
      produce: () => {
        if (this.fingerprint?.groups !== this.groups.size) {
          const rendered = JSON.stringify(Stack.of(this).resolve({ settings: this.settings, groups: this.renderInstanceGroups() }));
          this.fingerprint = { groups: this.groups.size, value: createHash('sha256').update(rendered).digest('hex').slice(0, 16) };
        }
        return this.fingerprint.value;
      },
    });
  }

  private renderInstanceGroups(): Array<Record<string, unknown>> {
    return [...this.groups.values()].map((g) => g.render());
  }

  private validateGroupCount(): string[] {
    const count = this.groups.size;
    if (count < 1) return ['a HyperPod cluster needs at least 1 instance group (got 0): pass instanceGroups or call addInstanceGroup()'];
    if (count > 100) return [`a HyperPod cluster has at most 100 instance groups (got ${count})`];
    const autoscaled = [...this.groups.values()].map((g) => g.scaleDown()).filter((g) => g.Autoscaled === 'true').map((g) => g.InstanceGroupName);
    return checkAutoscaledCount(autoscaled);
  }

  /** A fixed clusterName no other cluster of the app uses in the same account and Region. */
  private validateUniqueName(): string[] {
    const name = this.fixedClusterName;
    if (name === undefined) return [];
    const others = this.node.root.node.findAll()
      .filter((c) => c !== this && c instanceof HyperPodEksCluster && c.fixedClusterName === name);
    return checkUniqueClusterName(this, name, others);
  }
}

/** The default execution role: trusts SageMaker, with its managed policy and the node statements. */
function createExecutionRole(grants: ExecutionRoleGrants, network: perms.NodeNetwork, eksClusterArn: string): iam.Role {
  const role = grants.createRole('ExecutionRole', {
    assumedBy: new iam.ServicePrincipal(perms.EXECUTION_ROLE_PRINCIPAL),
    description: 'Execution role of SageMaker HyperPod nodes (EKS)',
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(perms.EXECUTION_ROLE_MANAGED_POLICY)],
  });
  grants.grantNode(role, network, eksClusterArn);
  return role;
}
