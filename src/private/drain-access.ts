import { createHash } from 'crypto';
import { Annotations, Lazy, Names, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { DRAIN_KUBERNETES_GROUP, DRAIN_RBAC_RULES } from '../contract/drain';
import { HyperPodProvider } from './custom-resources/provider';
import { clusterFamily } from './eks-cluster-facts';
import { isImmutableImport, SECURITY_GROUP_RULES_WARNING } from './network';
import { drainStatement } from './permissions';

/** What one HyperPod cluster needs of its EKS cluster to drain nodes. */
export interface DrainAccessRequest {
  readonly eksCluster: eks.IClusterRef;
  /** The user's Kubernetes group; `undefined` for the construct's RBAC (`drainKubernetesGroup`). */
  readonly kubernetesGroup?: string;
  /** The EKS cluster security group, which the provider's own security group (in a VPC) is allowed into on 443. */
  readonly eksSecurityGroup?: ec2.ISecurityGroup;
}

const RBAC_API = 'rbac.authorization.k8s.io';

/**
 * The access of the stack's custom-resource functions to one EKS cluster's Kubernetes API,
 * for the drain before delete. An IAM principal has at most one access entry per EKS cluster,
 * so there is one of these per stack and EKS cluster, however many HyperPod clusters use it:
 * an access entry per function role joining every group the clusters ask for, the RBAC of
 * the stack's `drainKubernetesGroup` when one of them leaves RBAC to the construct, `eks:DescribeCluster`,
 * and in a VPC the rule that lets the functions into the EKS cluster security group. Depend
 * on it to run once all of that exists.
 */
export class DrainAccess extends Construct {
  /** The stack's access to the request's EKS cluster (created on first use), with what the request adds. */
  public static grant(provider: HyperPodProvider, request: DrainAccessRequest): DrainAccess {
    const scope = (provider.node.tryFindChild('Drain') as Construct | undefined) ?? new Construct(provider, 'Drain');
    const name = request.eksCluster.clusterRef.clusterName;
    // the name when it is known (two imports of one EKS cluster share it), else the object's path
    const id = Token.isUnresolved(name) ? Names.nodeUniqueId(request.eksCluster.node) : name;
    const access = (scope.node.tryFindChild(id) as DrainAccess | undefined) ?? new DrainAccess(scope, id, provider, request.eksCluster);
    access.add(request);
    return access;
  }

  private readonly groups = new Set<string>();
  private readonly ingress = new Set<ec2.ISecurityGroup>();
  private rbac?: Construct;

  private constructor(scope: Construct, id: string, private readonly provider: HyperPodProvider,
    private readonly eksCluster: eks.IClusterRef) {
    super(scope, id);
    for (const fn of provider.functions) {
      new eks.CfnAccessEntry(this, `${fn.node.id}AccessEntry`, {
        clusterName: eksCluster.clusterRef.clusterName,
        principalArn: fn.role!.roleArn,
        type: 'STANDARD',
        kubernetesGroups: Lazy.list({ produce: () => [...this.groups] }),
      });
      fn.addToRolePolicy(drainStatement(eksCluster.clusterRef.clusterArn));
    }
  }

  private add(request: DrainAccessRequest): void {
    const own = drainKubernetesGroup(this);
    this.groups.add(request.kubernetesGroup ?? own);
    if (request.kubernetesGroup === undefined) {
      this.rbac ??= createRbac(this, this.eksCluster, own);
    }
    const functionsGroup = this.provider.ownSecurityGroup;
    const eksSecurityGroup = request.eksSecurityGroup;
    if (!functionsGroup || !eksSecurityGroup || this.ingress.has(eksSecurityGroup)) return;
    this.ingress.add(eksSecurityGroup);
    if (isImmutableImport(eksSecurityGroup)) {
      Annotations.of(this).addWarningV2(SECURITY_GROUP_RULES_WARNING, `The EKS cluster security group ${eksSecurityGroup.node.path} `
        + 'is imported with mutable: false, so the construct adds no rule to it: allow TCP 443 into it from the security group '
        + `of the custom-resource functions (${functionsGroup.node.path}) outside this app, or the drain cannot reach the Kubernetes API`);
      return;
    }
    // in this construct (the HyperPod stack, also when the EKS cluster is in another), so the scale-down waits for it
    new ec2.CfnSecurityGroupIngress(this, `KubernetesApiIngress${this.ingress.size > 1 ? this.ingress.size : ''}`, {
      groupId: eksSecurityGroup.securityGroupId,
      sourceSecurityGroupId: functionsGroup.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      description: 'hyperpod-cdk custom-resource functions: the Kubernetes API, to drain nodes',
    });
  }
}

/**
 * The stack's Kubernetes group for the drain, which also names its ClusterRole and
 * ClusterRoleBinding: `hyperpod-cdk-drain-<8 hex digits of the stack name's hash>`. One per
 * stack: stacks on one EKS cluster (one stack for EKS, others for HyperPod) never share RBAC, so
 * deleting one never takes away another's.
 */
export function drainKubernetesGroup(scope: Construct): string {
  const stack = Stack.of(scope);
  const key = Token.isUnresolved(stack.stackName) ? Names.uniqueId(stack) : stack.stackName;
  return `${DRAIN_KUBERNETES_GROUP}-${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
}

/** ClusterRole and ClusterRoleBinding `name`: `DRAIN_RBAC_RULES` for the Kubernetes group `name`. */
export function drainRbacManifest(name: string): Array<Record<string, unknown>> {
  return [
    { apiVersion: `${RBAC_API}/v1`, kind: 'ClusterRole', metadata: { name }, rules: DRAIN_RBAC_RULES.map((rule) => ({ ...rule })) },
    {
      apiVersion: `${RBAC_API}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: RBAC_API, kind: 'ClusterRole', name },
      subjects: [{ apiGroup: RBAC_API, kind: 'Group', name }],
    },
  ];
}

/** The RBAC of `group`, through the EKS cluster's kubectl provider (the caller checked it has one). */
function createRbac(scope: Construct, cluster: eks.IClusterRef, group: string): Construct {
  const props = { manifest: drainRbacManifest(group) };
  return clusterFamily(cluster) === 'v2'
    ? new eksv2.KubernetesManifest(scope, 'Rbac', { cluster: cluster as eksv2.ICluster, ...props })
    : new eks.KubernetesManifest(scope, 'Rbac', { cluster: cluster as eks.ICluster, ...props });
}
