/**
 * The preflight checks, pure: given what EKS said about a cluster, the problems that end the
 * deployment, what is still worth waiting for, and notes for the log. No AWS call here
 * (`eks.ts` reads, `handler.ts` decides when).
 */
import { POD_IDENTITY_AGENT_ADDON, VPC_CNI_ADDON } from '../contract/preflight';

/**
 * The Kubernetes versions (major.minor) SageMaker HyperPod supports for its EKS cluster: the
 * one list to update when HyperPod supports a new version. Consecutive minor versions, lowest
 * first (messages show it as "first to last").
 *
 * Source: the HyperPod EKS prerequisites, "Getting started with Amazon EKS support in SageMaker
 * HyperPod", Requirements, "Kubernetes version support":
 * https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-prerequisites.html
 * The copies read for this list disagreed: the English page named 1.28-1.32, most translated
 * copies 1.28-1.33, a zh-CN copy 1.28-1.34, and the newest copy found 1.30-1.35. The list takes
 * the union: versions the older copies name stay accepted (EKS cannot downgrade a cluster).
 */
export const SUPPORTED_KUBERNETES_VERSIONS: readonly string[] = ['1.28', '1.29', '1.30', '1.31', '1.32', '1.33', '1.34', '1.35'];

/** The lowest Amazon VPC CNI version HyperPod supports (same page, "Networking"). */
export const MIN_VPC_CNI_VERSION = '1.18.3';

/** EKS cluster statuses that turn `ACTIVE` by themselves: the check waits. */
const PASSING_STATUSES = new Set(['CREATING', 'UPDATING', 'PENDING']);
/** The authentication modes HyperPod accepts (it adds access entries for its nodes). */
const ACCEPTED_AUTH_MODES = new Set(['API', 'API_AND_CONFIG_MAP']);
/** Add-on statuses in which an add-on does not count as installed. */
const GONE_ADDON_STATUSES = new Set(['DELETING', 'CREATE_FAILED']);

/** What `DescribeCluster` said (the parts checked). */
export interface ClusterFacts {
  /** `CREATING`, `ACTIVE`, `DELETING`, `FAILED`, `UPDATING` or `PENDING`. */
  readonly status: string;
  /** Kubernetes `major.minor`, e.g. `1.31`. */
  readonly version?: string;
  /** `accessConfig.authenticationMode`: `API`, `API_AND_CONFIG_MAP` or `CONFIG_MAP`. */
  readonly authenticationMode?: string;
}

/** What `DescribeAddon` said about one installed add-on. */
export interface AddonFacts {
  /** e.g. `v1.18.3-eksbuild.1`. */
  readonly version?: string;
  /** e.g. `ACTIVE`, `CREATING`, `DELETING`. */
  readonly status?: string;
}

/** Everything the checks look at. */
export interface PreflightFacts {
  readonly clusterName: string;
  readonly region: string;
  /** `undefined` when the EKS cluster does not exist. */
  readonly cluster?: ClusterFacts;
  /** The installed EKS add-ons, by name; `undefined` when not read (see `readsAddons`). */
  readonly addons?: ReadonlyMap<string, AddonFacts>;
  readonly requirePodIdentityAgent: boolean;
}

/** What the checks found. */
export interface PreflightAssessment {
  /** One line per problem; any problem fails the deployment. Each names the EKS cluster and what to change. */
  readonly problems: string[];
  /** Why the check is not done yet (the EKS cluster is still changing). */
  readonly waiting: string[];
  /** Worth a log line, not a failure. */
  readonly notes: string[];
}

/** Add-ons are read only from an `ACTIVE` cluster: while it is created they may still be on their way. */
export function readsAddons(cluster: ClusterFacts | undefined): boolean {
  return cluster?.status === 'ACTIVE';
}

/** `[major, minor, patch]` of `1.31`, `1.18.3` or `v1.18.3-eksbuild.1`; `undefined` when it is none of those. */
export function parseVersion(text: string | undefined): number[] | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+][0-9A-Za-z.+-]*)?$/.exec(text?.trim() ?? '');
  return match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : undefined;
}

/** Negative, zero or positive as `a` is lower than, equal to or higher than `b` (missing parts count as 0). */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) {
      return diff;
    }
  }
  return 0;
}

/** Runs every check that the facts allow; see each check for its message. */
export function assessPreflight(facts: PreflightFacts): PreflightAssessment {
  const result: PreflightAssessment = { problems: [], waiting: [], notes: [] };
  const { clusterName: name, region, cluster } = facts;
  if (!cluster) {
    result.problems.push(`EKS cluster "${name}" was not found in ${region}: create it first, or fix the name `
      + '(HyperPod needs an EKS cluster in its own account and Region)');
    return result;
  }
  if (PASSING_STATUSES.has(cluster.status)) {
    result.waiting.push(`EKS cluster "${name}" is ${cluster.status}: wait until it is ACTIVE `
      + `("aws eks wait cluster-active --name ${name} --region ${region}"), then deploy again`);
  } else if (cluster.status !== 'ACTIVE') {
    const fix = cluster.status === 'DELETING' ? 'use an EKS cluster that is not being deleted' : 'repair or re-create the EKS cluster, then deploy again';
    result.problems.push(`EKS cluster "${name}" is ${cluster.status || 'in no status'}, and HyperPod needs it ACTIVE: ${fix}`);
  }
  if (cluster.status !== 'UPDATING') { // an update in progress may be changing the mode or the version
    result.problems.push(...checkAuthenticationMode(facts, cluster), ...checkKubernetesVersion(facts, cluster));
  }
  if (facts.addons) {
    checkVpcCni(facts, facts.addons.get(VPC_CNI_ADDON), result);
    if (facts.requirePodIdentityAgent) {
      result.problems.push(...checkPodIdentityAgent(facts, facts.addons.get(POD_IDENTITY_AGENT_ADDON)));
    }
  }
  return result;
}

function checkAuthenticationMode({ clusterName: name, region }: PreflightFacts, cluster: ClusterFacts): string[] {
  if (cluster.authenticationMode && ACCEPTED_AUTH_MODES.has(cluster.authenticationMode)) {
    return [];
  }
  return [`EKS cluster "${name}" uses authenticationMode ${cluster.authenticationMode ?? 'CONFIG_MAP (none reported)'}; HyperPod `
    + `needs API or API_AND_CONFIG_MAP: run "aws eks update-cluster-config --name ${name} --region ${region} --access-config `
    + 'authenticationMode=API_AND_CONFIG_MAP" (one-way), or set authenticationMode on the CDK cluster'];
}

function checkKubernetesVersion({ clusterName: name }: PreflightFacts, cluster: ClusterFacts): string[] {
  if (cluster.version === undefined) {
    return []; // EKS always reports it; nothing to say if it ever does not
  }
  const parsed = parseVersion(cluster.version);
  const majorMinor = parsed ? `${parsed[0]}.${parsed[1]}` : cluster.version;
  if (SUPPORTED_KUBERNETES_VERSIONS.includes(majorMinor)) {
    return [];
  }
  const supported = `${SUPPORTED_KUBERNETES_VERSIONS[0]} to ${SUPPORTED_KUBERNETES_VERSIONS[SUPPORTED_KUBERNETES_VERSIONS.length - 1]}`;
  if (parsed && compareVersions(parsed, parseVersion(SUPPORTED_KUBERNETES_VERSIONS[0])!) < 0) {
    return [`EKS cluster "${name}" runs Kubernetes ${majorMinor}; HyperPod supports ${supported}: upgrade it one minor version at a time `
      + `("aws eks update-cluster-version --name ${name} --kubernetes-version ${parsed[0]}.${parsed[1] + 1}", or version on the CDK cluster)`];
  }
  return [`EKS cluster "${name}" runs Kubernetes ${majorMinor}; HyperPod supports ${supported} as far as this library knows: EKS cannot `
    + `downgrade, so use an EKS cluster of a supported version, or upgrade hyperpod-cdk if HyperPod now supports ${majorMinor}`];
}

function checkVpcCni({ clusterName: name }: PreflightFacts, addon: AddonFacts | undefined, result: PreflightAssessment): void {
  if (!addon) {
    result.notes.push(`EKS cluster "${name}" has no ${VPC_CNI_ADDON} add-on: the version of a self-managed VPC CNI cannot be checked `
      + `(HyperPod needs ${MIN_VPC_CNI_VERSION} or later)`);
    return;
  }
  const parsed = parseVersion(addon.version);
  if (!parsed) {
    result.notes.push(`EKS cluster "${name}": the ${VPC_CNI_ADDON} add-on version "${addon.version ?? ''}" cannot be read, so it was not checked`);
    return;
  }
  if (compareVersions(parsed, parseVersion(MIN_VPC_CNI_VERSION)!) < 0) {
    result.problems.push(`EKS cluster "${name}" has the ${VPC_CNI_ADDON} add-on at ${addon.version}; HyperPod needs ${MIN_VPC_CNI_VERSION} `
      + `or later: update it ("aws eks update-addon --cluster-name ${name} --addon-name ${VPC_CNI_ADDON} --addon-version `
      + `<${MIN_VPC_CNI_VERSION} or later>"), or its addonVersion in the CDK app`);
  }
}

function checkPodIdentityAgent({ clusterName: name }: PreflightFacts, addon: AddonFacts | undefined): string[] {
  if (addon && !GONE_ADDON_STATUSES.has(addon.status ?? '')) {
    return [];
  }
  return [`EKS cluster "${name}" lacks the ${POD_IDENTITY_AGENT_ADDON} add-on this HyperPod cluster requires `
    + `(${addon ? addon.status : 'not installed'}): install it ("aws eks create-addon --cluster-name ${name} --addon-name `
    + `${POD_IDENTITY_AGENT_ADDON}", or an EKS add-on in the CDK app that the HyperPod cluster depends on)`];
}
