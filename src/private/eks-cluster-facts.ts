/**
 * What the library reads from an EKS cluster object beyond `eks.IClusterRef`: which module made
 * it (for its `HelmChart` and `KubernetesManifest`), whether it can apply Kubernetes resources
 * through a kubectl provider, and whether a function outside its VPC reaches its endpoint.
 */
import { Resource } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';

/** `aws-eks` (v1) or `aws-eks-v2`. */
export type ClusterFamily = 'v1' | 'v2';

/**
 * Which module made the cluster object; `undefined` for another `IClusterRef` (an
 * `EksClusterReference`). Created and imported clusters of `aws-eks` and of `aws-eks-v2`
 * extend their module's base class right under `Resource` (`ClusterBase`, not exported).
 */
export function clusterFamily(cluster: eks.IClusterRef): ClusterFamily | undefined {
  if (cluster instanceof resourceBase(eksv2.Cluster)) return 'v2';
  if (cluster instanceof resourceBase(eks.Cluster)) return 'v1';
  return undefined;
}

/** The ancestor of `type` that directly extends `Resource`. */
function resourceBase(type: Function): Function {
  let base = type;
  while (Object.getPrototypeOf(base) !== Resource && Object.getPrototypeOf(base) !== Function.prototype) {
    base = Object.getPrototypeOf(base);
  }
  return base;
}

/**
 * Why a `KubernetesManifest` cannot be applied to the cluster (it has no kubectl provider), or
 * `undefined` when it can: a created `aws-eks` cluster always can; an imported one with a
 * kubectl role or provider; an `aws-eks-v2` cluster with `kubectlProvider`.
 */
export function missingKubectl(cluster: eks.IClusterRef): string | undefined {
  const family = clusterFamily(cluster);
  if (family === 'v2') {
    return (cluster as eksv2.ICluster).kubectlProvider ? undefined : 'an aws-eks-v2 cluster without kubectlProvider';
  }
  if (family === 'v1') {
    const v1 = cluster as eks.ICluster;
    return cluster instanceof eks.Cluster || v1.kubectlProvider || v1.kubectlRole
      ? undefined : 'an aws-eks cluster imported without kubectlRoleArn or kubectlProvider';
  }
  return 'a cluster reference, which has no kubectl provider';
}

/** What `EndpointAccess._config` holds in aws-cdk-lib 2.257 (`aws-eks` and `aws-eks-v2` alike). */
interface EndpointAccessConfig {
  readonly publicAccess?: boolean;
  readonly publicCidrs?: string[];
}

/**
 * Why a function outside the cluster's VPC cannot reach its API endpoint, or `undefined` when
 * it can or that is not known (an imported cluster, a reference). `aws-eks` and `aws-eks-v2`
 * keep a created cluster's `endpointAccess` private and its `_config` internal, so they are
 * read defensively here: aws-cdk-lib is pinned (2.257), and a test checks these reads against
 * it; when a later version moves them, the answer is "reachable", as for an imported cluster.
 */
export function unreachableEndpoint(cluster: eks.IClusterRef): string | undefined {
  const config: EndpointAccessConfig | undefined = (cluster as any).endpointAccess?._config;
  if (config?.publicAccess === false) {
    return 'its API endpoint is private only (EndpointAccess.PRIVATE)';
  }
  const cidrs = config?.publicCidrs ?? [];
  if (cidrs.length > 0 && !cidrs.includes('0.0.0.0/0')) {
    return `its public API endpoint admits only ${cidrs.join(', ')}, which Lambda functions outside the VPC do not come from`;
  }
  return undefined;
}
