/**
 * The `Custom::HyperPodPreflight` handlers, run by the stack's shared provider (the Lambda
 * entries route on the resource type). The HyperPod cluster depends on this resource, so a
 * problem fails the deployment in seconds, before the cluster is created or updated:
 * - `Create`/`Update`: `onEvent` checks once; most deployments end there. While the EKS
 *   cluster is still `CREATING` or `UPDATING`, `isComplete` checks again on every poll until it
 *   is `ACTIVE`, or fails after `TimeoutSeconds` naming what it waited for.
 * - `Delete`: nothing, and no EKS call.
 * Every problem found is reported at once, one line each, within the CloudFormation budget.
 */
import { errorText, isTransient } from './failures';
import { plainInteger } from './parse';
import { defaultLog, HandlerLogger, HandlerRequest, IsCompleteResult, OnEventResult } from './request';
import { boundedData, STARTED_AT_KEY } from './response';
import { POD_IDENTITY_AGENT_ADDON, VPC_CNI_ADDON } from '../contract/preflight';
import { boundedMessage, MESSAGE_BUDGET_CHARS } from '../contract/problems';
import { EksApi } from '../domain/eks';
import { AddonFacts, assessPreflight, PreflightAssessment, PreflightFacts, readsAddons } from '../domain/preflight-checks';

/** What the preflight handlers need besides the request. */
export interface PreflightContext {
  readonly eks: EksApi;
  /** @default one JSON line on stdout */
  readonly log?: HandlerLogger;
  /** Clock in ms. @default Date.now */
  readonly now?: () => number;
}

/** `Data` keys: set by `onEvent` when the check already passed; what EKS reported. */
export const DONE_KEY = 'Done';
export const KUBERNETES_VERSION_KEY = 'KubernetesVersion';
export const AUTHENTICATION_MODE_KEY = 'AuthenticationMode';
export const VPC_CNI_VERSION_KEY = 'VpcCniVersion';

/** The request, read from the resource properties. */
export interface PreflightRequest {
  readonly eksClusterName: string;
  readonly requirePodIdentityAgent: boolean;
  readonly timeoutSeconds: number;
}

/** A failure that ends the deployment with this message. */
export class PreflightError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PreflightError';
  }
}

/** Reads the properties; throws listing every bad one. */
export function parsePreflightProperties(props: Record<string, unknown> | undefined): PreflightRequest {
  const p = props ?? {};
  const problems: string[] = [];
  const name = p.EksClusterName;
  if (typeof name !== 'string' || name.length === 0) {
    problems.push(`EksClusterName must be a non-empty string (got ${JSON.stringify(name)})`);
  }
  const require = String(p.RequirePodIdentityAgent ?? 'false');
  if (require !== 'true' && require !== 'false') {
    problems.push(`RequirePodIdentityAgent must be 'true' or 'false' (got ${JSON.stringify(p.RequirePodIdentityAgent)})`);
  }
  const timeout = plainInteger(p.TimeoutSeconds);
  if (timeout === undefined || timeout < 1) {
    problems.push(`TimeoutSeconds must be an integer from 1 in plain digits (got ${JSON.stringify(p.TimeoutSeconds)})`);
  }
  if (problems.length > 0) {
    throw new PreflightError(boundedMessage('invalid Custom::HyperPodPreflight properties:', problems));
  }
  return { eksClusterName: name as string, requirePodIdentityAgent: require === 'true', timeoutSeconds: timeout! };
}

/** `<EKS cluster name>/preflight`. */
export function preflightPhysicalId(request: PreflightRequest): string {
  return `${request.eksClusterName}/preflight`;
}

/** Reads what the checks need (add-ons only from an ACTIVE cluster) and assesses it. */
async function check(request: PreflightRequest, region: string, eks: EksApi): Promise<{ facts: PreflightFacts; assessment: PreflightAssessment }> {
  const name = request.eksClusterName;
  const cluster = await eks.describeCluster(name);
  let addons: Map<string, AddonFacts> | undefined;
  if (readsAddons(cluster)) {
    const installed = await eks.listAddons(name);
    addons = new Map();
    for (const addon of [VPC_CNI_ADDON, ...(request.requirePodIdentityAgent ? [POD_IDENTITY_AGENT_ADDON] : [])]) {
      const view = installed.includes(addon) ? await eks.describeAddon(name, addon) : undefined;
      if (view) {
        addons.set(addon, { version: view.version, status: view.status });
      }
    }
  }
  const facts: PreflightFacts = { clusterName: name, region, cluster, addons, requirePodIdentityAgent: request.requirePodIdentityAgent };
  return { facts, assessment: assessPreflight(facts) };
}

/** What one check ended with, unless it threw: the `Data` to return, or why it waits. */
type Outcome = { readonly done: true; readonly data: Record<string, string> } | { readonly done: false; readonly waiting: string[] };

/** One check, logged; throws `PreflightError` with every problem found. */
async function runOnce(request: PreflightRequest, region: string, ctx: PreflightContext, log: HandlerLogger): Promise<Outcome> {
  const { facts, assessment } = await check(request, region, ctx.eks);
  const cluster = request.eksClusterName;
  for (const note of assessment.notes) {
    log({ level: 'warn', msg: note, cluster });
  }
  if (assessment.problems.length > 0) {
    log({ level: 'error', msg: 'preflight failed', cluster, problems: assessment.problems });
    throw new PreflightError(boundedMessage(`HyperPod preflight failed for EKS cluster "${cluster}" (${region}); fix the following, `
      + 'then deploy again:', assessment.problems));
  }
  if (assessment.waiting.length > 0) {
    log({ level: 'info', msg: 'not complete yet', cluster, waiting: assessment.waiting });
    return { done: false, waiting: assessment.waiting };
  }
  const vpcCni = facts.addons?.get(VPC_CNI_ADDON)?.version;
  log({ level: 'info', msg: 'preflight passed', cluster, version: facts.cluster?.version, authenticationMode: facts.cluster?.authenticationMode, vpcCni });
  return {
    done: true,
    data: boundedData([
      [KUBERNETES_VERSION_KEY, facts.cluster?.version ?? ''],
      [AUTHENTICATION_MODE_KEY, facts.cluster?.authenticationMode ?? ''],
      ...(vpcCni ? [[VPC_CNI_VERSION_KEY, vpcCni] as const] : []),
    ]),
  };
}

/** Throws a deployment-ending error; returns (after logging) when a later poll may succeed. */
function onError(err: unknown, request: PreflightRequest, region: string, log: HandlerLogger): string {
  if (err instanceof PreflightError) {
    throw err;
  }
  const cluster = request.eksClusterName;
  if (!isTransient(err)) {
    const e = err as { name?: string };
    const wrapped = new PreflightError(`HyperPod preflight could not check EKS cluster "${cluster}" in ${region}: ${errorText(err)}. `
      + 'Fix the cause (for AccessDenied, the custom resource role needs eks:DescribeCluster, eks:ListAddons and eks:DescribeAddon), '
      + 'then deploy again');
    wrapped.message = wrapped.message.slice(0, MESSAGE_BUDGET_CHARS);
    wrapped.name = e?.name ?? 'PreflightError';
    throw wrapped;
  }
  log({ level: 'warn', msg: 'passing error, the next poll tries again', cluster, error: errorText(err) });
  return `EKS cluster "${cluster}": the last poll failed with ${errorText(err)}; the next poll tries again`;
}

/** `Create`/`Update`: checks once (done, or waiting for `isComplete`); `Delete`: nothing. */
export async function onPreflightEvent(event: HandlerRequest, ctx: PreflightContext): Promise<OnEventResult> {
  const log = ctx.log ?? defaultLog;
  if (event.RequestType === 'Delete') {
    log({ level: 'info', msg: 'delete: nothing to do', physicalResourceId: event.PhysicalResourceId });
    return { PhysicalResourceId: event.PhysicalResourceId ?? 'preflight' };
  }
  const request = parsePreflightProperties(event.ResourceProperties);
  const id = preflightPhysicalId(request);
  const startedAt = new Date((ctx.now ?? Date.now)()).toISOString();
  const region = await ctx.eks.region();
  log({ level: 'info', msg: 'preflight', cluster: request.eksClusterName, region, requirePodIdentityAgent: request.requirePodIdentityAgent });
  try {
    const outcome = await runOnce(request, region, ctx, log);
    if (outcome.done) {
      return { PhysicalResourceId: id, Data: { [STARTED_AT_KEY]: startedAt, [DONE_KEY]: 'true', ...outcome.data } };
    }
  } catch (err) {
    onError(err, request, region, log); // the first poll starts over
  }
  return { PhysicalResourceId: id, Data: { [STARTED_AT_KEY]: startedAt } };
}

/** Complete once the check passes; throws on a problem, or when still waiting after `TimeoutSeconds`. */
export async function isPreflightComplete(event: HandlerRequest, ctx: PreflightContext): Promise<IsCompleteResult> {
  const log = ctx.log ?? defaultLog;
  if (event.RequestType === 'Delete' || event.Data?.[DONE_KEY] === 'true') {
    return { IsComplete: true };
  }
  const request = parsePreflightProperties(event.ResourceProperties);
  const region = await ctx.eks.region();
  let waiting: string[];
  try {
    const outcome = await runOnce(request, region, ctx, log);
    if (outcome.done) {
      return { IsComplete: true, Data: outcome.data };
    }
    waiting = outcome.waiting;
  } catch (err) {
    waiting = [onError(err, request, region, log)];
  }
  const started = Date.parse(String(event.Data?.[STARTED_AT_KEY] ?? ''));
  const now = (ctx.now ?? Date.now)();
  if (!Number.isNaN(started) && now - started >= request.timeoutSeconds * 1000) {
    throw new PreflightError(boundedMessage(`HyperPod preflight failed for EKS cluster "${request.eksClusterName}" (${region}): still `
      + `not ready after ${request.timeoutSeconds} seconds, so the HyperPod cluster was not created or updated:`, waiting));
  }
  return { IsComplete: false };
}
