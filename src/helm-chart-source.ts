import * as fs from 'fs';
import * as path from 'path';
import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { HELM_CHART } from './private/addons';

/**
 * Where to get the HyperPod Helm chart (`hyperpod-helm-chart` 0.1.0). AWS publishes it only in
 * git, in `helm_chart/HyperPodHelmChart` of https://github.com/aws/sagemaker-hyperpod-cli
 * (install steps: `helm_chart/readme.md` there), not in a Helm repository. Either check it out
 * and deploy the folder as an asset, or push it to a Helm or OCI repository of your own.
 */
export class HelmChartSource {
  /**
   * A local chart folder, deployed as an S3 asset. Run `helm dependencies update <path>` on it
   * first: Helm fetches the sub-charts that live in other repositories (cert-manager, the NVIDIA
   * and EFA device plugins) into `charts/`, and the deploy-time handler does not. Checked at synth:
   * the folder has a `Chart.yaml`, and `charts/` holds every sub-chart from another repository.
   * The cluster's kubectl handler role is granted read access to the CDK asset bucket (aws-cdk-lib's
   * `HelmChart` does this; cdk-nag reports it as AwsSolutions-IAM5 on that role).
   *
   * @param chartPath the chart folder, e.g. `sagemaker-hyperpod-cli/helm_chart/HyperPodHelmChart`
   * (relative paths are resolved against the current directory)
   */
  public static fromAsset(chartPath: string): HelmChartSource {
    return new HelmChartSource(chartPath, undefined, undefined, undefined);
  }

  /**
   * A chart in a Helm repository (`https://...`) or an OCI registry (`oci://...`, e.g. Amazon ECR)
   * that you mirror the HyperPod chart to (`helm package` then `helm push`).
   *
   * @param repository the repository URL, `https://` or `oci://`
   * @param chart the chart name in it, e.g. `hyperpod-helm-chart`
   * @param version the chart version, e.g. `0.1.0`
   */
  public static fromRepository(repository: string, chart: string, version: string): HelmChartSource {
    return new HelmChartSource(undefined, repository, chart, version);
  }

  private constructor(
    private readonly assetPath: string | undefined,
    private readonly repository: string | undefined,
    private readonly chart: string | undefined,
    private readonly version: string | undefined) {}

  /**
   * The `HelmChart` props (without `cluster`) of chart options with this source, and their problems.
   * @internal
   */
  public _bind(scope: Construct, options: HyperPodHelmChartOptions): { props: eks.HelmChartOptions; problems: string[] } {
    const disabled = options.disabledSubCharts ?? [];
    const problems = disabled.filter((key) => !HELM_CHART.SUB_CHART_PATTERN.test(key))
      .map((key) => `helmChart.disabledSubCharts has '${key}': sub-chart keys are letters, digits and hyphens`);
    const disabledValues = Object.fromEntries(disabled.map((key) => [key,
      HELM_CHART.DEVICE_PLUGIN_SUB_CHARTS.includes(key) ? { devicePlugin: { enabled: false } } : { enabled: false }]));
    const props = {
      release: options.release ?? HELM_CHART.RELEASE,
      namespace: options.releaseNamespace ?? HELM_CHART.NAMESPACE,
      values: mergeValues(mergeValues({ global: { region: Stack.of(scope).region } }, disabledValues), options.values ?? {}),
      wait: options.wait ?? false,
      timeout: options.timeout,
    };
    if (this.assetPath === undefined) {
      if (!/^(https?|oci):\/\/\S+$/.test(this.repository ?? '')) {
        problems.push(`helmChart.source repository must be an https:// or oci:// URL (got '${this.repository}')`);
      }
      if (!this.chart) problems.push('helmChart.source chart is required (got an empty string)');
      if (!this.version) problems.push('helmChart.source version is required (got an empty string)');
      return { props: { ...props, repository: this.repository, chart: this.chart, version: this.version }, problems };
    }
    const folderProblems = checkChartFolder(this.assetPath);
    problems.push(...folderProblems);
    const chartAsset = folderProblems.length === 0 ? new s3assets.Asset(scope, 'ChartAsset', { path: this.assetPath }) : undefined;
    return { props: { ...props, chartAsset }, problems };
  }
}

/**
 * How `HyperPodDependencies` installs the HyperPod Helm chart (health monitoring agent, deep
 * health checks, device plugins, job auto-restart, Kubeflow training and MPI operators, RBAC),
 * which HyperPod needs on the EKS cluster before the HyperPod cluster is created.
 */
export interface HyperPodHelmChartOptions {
  /** Where to get the chart. */
  readonly source: HelmChartSource;

  /**
   * The Helm release name.
   *
   * @default 'dependencies' (as in AWS's install steps)
   */
  readonly release?: string;

  /**
   * The namespace of the Helm release. (The chart puts most of its resources in `aws-hyperpod`,
   * a namespace AWS says cannot be changed.)
   *
   * @default 'kube-system'
   */
  readonly releaseNamespace?: string;

  /**
   * Sub-charts to disable, by the values key of their `condition`: `<key>.enabled=false`, or
   * `<key>.devicePlugin.enabled=false` for `nvidia-device-plugin`, `aws-efa-k8s-device-plugin`
   * and `neuron-device-plugin`. Keys differ from chart names in places: the Kubeflow training
   * operator is `trainingOperators`. Letters, digits and hyphens.
   *
   * @default - none: the chart's defaults
   */
  readonly disabledSubCharts?: string[];

  /**
   * Helm values, merged over those this construct sets (`global.region`, `disabledSubCharts`);
   * nested objects are merged key by key.
   *
   * @default - `global.region` is the stack's Region (the health monitoring agent image is per
   * Region, and the chart otherwise reads the Region from node labels, falling back to
   * `us-east-1` when there is no node yet)
   */
  readonly values?: { [key: string]: any };

  /**
   * Whether Helm waits until the release's resources are ready. Deployments need nodes to run on:
   * leave it off when the HyperPod nodes are the EKS cluster's only nodes.
   *
   * @default false
   */
  readonly wait?: boolean;

  /**
   * How long Helm may take (at most 15 minutes).
   *
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;
}

/** A chart folder has a Chart.yaml, and `helm dependencies update` has fetched its remote sub-charts. */
function checkChartFolder(chartPath: string): string[] {
  const chartYaml = path.join(chartPath, 'Chart.yaml');
  if (!fs.existsSync(chartYaml)) {
    return [`helmChart.source must be a Helm chart folder (got '${chartPath}', which has no Chart.yaml)`];
  }
  const chartsDir = path.join(chartPath, 'charts');
  const present = fs.existsSync(chartsDir) ? fs.readdirSync(chartsDir) : [];
  const missing = remoteDependencies(fs.readFileSync(chartYaml, 'utf-8'))
    .filter((name) => !present.some((f) => f === name || (f.startsWith(`${name}-`) && f.endsWith('.tgz'))));
  return missing.length === 0 ? [] : [
    `helmChart.source '${chartPath}' lacks sub-charts ${missing.join(', ')} in charts/: run \`helm dependencies update ${chartPath}\` before synth`,
  ];
}

/** Names of the `dependencies` of a Chart.yaml whose repository is not a `file://` path. */
function remoteDependencies(chartYaml: string): string[] {
  const block = /^dependencies:\s*\n((?:[ \t-].*\n?|\s*\n)*)/m.exec(chartYaml)?.[1] ?? '';
  return block.split(/^\s*-\s+/m).slice(1).flatMap((entry) => {
    const field = (key: string) => new RegExp(`^\\s*${key}:\\s*["']?([^"'\\s#]+)`, 'm').exec(entry)?.[1];
    const name = field('name');
    const repository = field('repository') ?? '';
    return name && !repository.startsWith('file://') ? [name] : [];
  });
}

/** `over` merged into `base`, plain objects key by key. */
function mergeValues(base: { [key: string]: any }, over: { [key: string]: any }): { [key: string]: any } {
  const isObject = (v: unknown): v is { [key: string]: any } =>
    typeof v === 'object' && v !== null && !Array.isArray(v) && !Token.isUnresolved(v);
  const result: { [key: string]: any } = { ...base };
  for (const [key, value] of Object.entries(over)) {
    result[key] = isObject(value) && isObject(result[key]) ? mergeValues(result[key], value) : value;
  }
  return result;
}
