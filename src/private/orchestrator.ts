/**
 * The EKS cluster as HyperPod needs it, from any of the shapes a user may pass: an `aws-eks`
 * (v1) cluster, an `aws-eks-v2` cluster, or an `EksClusterReference` with the VPC and the
 * cluster security group given beside it. All of them implement `eks.IClusterRef`; the VPC and
 * the security group are read from the cluster object when it has them.
 */
import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';

/** What the cluster construct reads from the orchestrator. */
export interface Orchestrator {
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly vpc?: ec2.IVpc;
  readonly securityGroup?: ec2.ISecurityGroup;
  readonly problems: string[];
}

/** The members an `aws-eks` or `aws-eks-v2` cluster has beyond `IClusterRef`. */
interface FullCluster {
  readonly vpc?: ec2.IVpc;
  readonly clusterSecurityGroup?: ec2.ISecurityGroup;
  readonly authenticationMode?: string;
}

/**
 * Resolves the orchestrator, with the problems to report: no VPC or security group known (also
 * an imported `aws-eks` or `aws-eks-v2` cluster without them, whose getters throw), or an
 * authentication mode without access entries (HyperPod creates access entries for its roles).
 *
 * @param nodeSecurityGroupsGiven whether the user passed the nodes' security groups (then the
 * EKS cluster security group is not needed)
 */
export function resolveOrchestrator(cluster: eks.IClusterRef, vpc: ec2.IVpc | undefined,
  securityGroup: ec2.ISecurityGroup | undefined, nodeSecurityGroupsGiven = false): Orchestrator {
  const full = cluster as unknown as FullCluster;
  const problems: string[] = [];
  const imported = vpc ?? read(full, 'vpc');
  const resolvedVpc = imported === MISSING ? undefined : imported;
  if (imported === MISSING) {
    problems.push('vpc is required when eksCluster is imported without one: pass vpc to fromClusterAttributes() or the vpc prop '
      + `(got ${cluster.node.path}, imported without vpc)`);
  } else if (!resolvedVpc) {
    problems.push('vpc is required when eksCluster is not an aws-eks or aws-eks-v2 cluster (got an EKS cluster reference without a VPC)');
  }
  const importedSg = securityGroup ?? read(full, 'clusterSecurityGroup');
  const resolvedSg = importedSg === MISSING ? undefined : importedSg;
  if (importedSg === MISSING && !nodeSecurityGroupsGiven) {
    problems.push('eksClusterSecurityGroup is required when eksCluster is imported without clusterSecurityGroupId and no '
      + 'securityGroups are given (the nodes\' security group must exchange all traffic with it): pass clusterSecurityGroupId to '
      + `fromClusterAttributes(), eksClusterSecurityGroup or securityGroups (got ${cluster.node.path}, imported without clusterSecurityGroupId)`);
  }
  problems.push(...checkAuthenticationMode(cluster));
  return {
    clusterName: cluster.clusterRef.clusterName,
    clusterArn: cluster.clusterRef.clusterArn,
    vpc: resolvedVpc,
    securityGroup: resolvedSg,
    problems,
  };
}

/** An attribute an imported cluster was not given: its getter throws. */
const MISSING = Symbol('missing');

/**
 * Reads `vpc` or `clusterSecurityGroup`: `undefined` when the object has no such member (an
 * `EksClusterReference`), `MISSING` when an imported `aws-eks` or `aws-eks-v2` cluster was
 * imported without it (its getter throws).
 */
function read<K extends 'vpc' | 'clusterSecurityGroup'>(full: FullCluster, key: K): FullCluster[K] | typeof MISSING {
  try {
    return full[key];
  } catch {
    return MISSING;
  }
}

/** HyperPod needs the EKS access-entry API: authentication mode `API` or `API_AND_CONFIG_MAP`. */
function checkAuthenticationMode(cluster: eks.IClusterRef): string[] {
  const mode = (cluster as unknown as FullCluster).authenticationMode;
  if (mode === undefined || Token.isUnresolved(mode)) {
    // aws-eks-v2 clusters always use API. A new aws-eks (v1) cluster without the prop uses CONFIG_MAP;
    // imported clusters rarely say (the preflight checks them at deploy time).
    return cluster instanceof eks.Cluster
      ? ['eksCluster.authenticationMode must be API or API_AND_CONFIG_MAP for HyperPod (got the default, CONFIG_MAP)']
      : [];
  }
  if (mode !== eks.AuthenticationMode.API && mode !== eks.AuthenticationMode.API_AND_CONFIG_MAP) {
    return [`eksCluster.authenticationMode must be API or API_AND_CONFIG_MAP for HyperPod (got ${mode})`];
  }
  return [];
}
