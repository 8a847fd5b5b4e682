/**
 * The one place for the names `HyperPodDependencies` installs: EKS add-ons, the training
 * operator's service account and policy, and what this library knows of the HyperPod Helm chart.
 *
 * Sources:
 * - https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-eks-operator-install.html
 * - https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-eks-operator-troubleshooting.html
 * - https://docs.aws.amazon.com/eks/latest/userguide/workloads-add-ons-available-eks.html
 * - https://docs.aws.amazon.com/eks/latest/userguide/community-addons.html
 * - https://github.com/aws/sagemaker-hyperpod-cli/tree/011ca927123e02b35a399935bbb3ab1905fe33c7/helm_chart
 */

/** EKS add-on names, as `aws eks create-addon --addon-name` takes them. */
export const ADDON = {
  POD_IDENTITY_AGENT: 'eks-pod-identity-agent',
  /** EKS community add-on (namespace `cert-manager`, no IAM). */
  CERT_MANAGER: 'cert-manager',
  TRAINING_OPERATOR: 'amazon-sagemaker-hyperpod-training-operator',
  /** No IAM; Kubernetes 1.30 or later. */
  TASK_GOVERNANCE: 'amazon-sagemaker-hyperpod-taskgovernance',
} as const;

/** The training operator's identity: a Pod Identity association the add-on owns. */
export const TRAINING_OPERATOR = {
  NAMESPACE: 'aws-hyperpod',
  SERVICE_ACCOUNT: 'hp-training-operator-controller-manager',
  MANAGED_POLICY: 'AmazonSageMakerHyperPodTrainingOperatorAccess',
  /** AWS installs it with `--resolve-conflicts OVERWRITE`. */
  RESOLVE_CONFLICTS: 'OVERWRITE',
  /** The training operator installs only beside task governance v1.3.0-eksbuild.1 or later. */
  MIN_TASK_GOVERNANCE: [1, 3, 0] as const,
} as const;

/** The service principal EKS Pod Identity assumes roles with (`sts:AssumeRole`, `sts:TagSession`). */
export const POD_IDENTITY_PRINCIPAL = 'pods.eks.amazonaws.com';

/** An EKS add-on version, e.g. `v1.3.0-eksbuild.1`. */
export const ADDON_VERSION_PATTERN = /^v(\d+)\.(\d+)\.(\d+)-eksbuild\.\d+$/;

/** The HyperPod Helm chart (aws/sagemaker-hyperpod-cli, `helm_chart/HyperPodHelmChart`, 0.1.0). */
export const HELM_CHART = {
  /** `helm install dependencies helm_chart/HyperPodHelmChart --namespace kube-system` */
  RELEASE: 'dependencies',
  NAMESPACE: 'kube-system',
  /** A values key of a sub-chart's `condition` (`<key>.enabled`). */
  SUB_CHART_PATTERN: /^[a-zA-Z0-9-]+$/,
  /** Sub-charts whose condition is `<key>.devicePlugin.enabled` rather than `<key>.enabled`. */
  DEVICE_PLUGIN_SUB_CHARTS: ['nvidia-device-plugin', 'aws-efa-k8s-device-plugin', 'neuron-device-plugin'] as readonly string[],
  /** The chart's own cert-manager sub-chart (disabled by default), which the add-on replaces. */
  CERT_MANAGER_SUB_CHART: 'cert-manager',
} as const;
