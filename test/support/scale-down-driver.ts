/**
 * Drives the scale-down handlers the way the CDK Provider framework does (onEvent once, then
 * isComplete until complete, an error, or the poll budget that stands for totalTimeout), with
 * the real AWS SDK client pointed at the SageMaker stand-in.
 */
import { SageMakerClient, SageMakerClientConfig } from '@aws-sdk/client-sagemaker';
import { FakeSageMaker, TEST_STACK_ID } from './fake-sagemaker';
import { SCALE_DOWN_RESOURCE_TYPE } from '../../src/contract/scale-down';
import { KubernetesConnector } from '../../src/domain/kubernetes';
import { CLIENT_RETRY_SETTINGS, SageMakerHyperPodApi } from '../../src/domain/sagemaker';
import { HandlerContext, HandlerRequest, IsCompleteResult, OnEventResult } from '../../src/handlers/request';
import { isComplete, onEvent } from '../../src/handlers/scale-down/handler';

// The SDK warns once that Node 20 support ends; projen tasks set this too.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * The configuration of an SDK client inside jest, for any stand-in: the handlers' retry
 * settings, the stand-in's URL, and static fake credentials (the default chain needs a dynamic
 * import jest cannot run).
 */
export function standInClientConfig(url: string, overrides: { maxAttempts?: number } = {}) {
  return {
    ...CLIENT_RETRY_SETTINGS,
    ...overrides,
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret' },
  };
}

/** SDK retries with no delay: up to `maxAttempts` attempts for throttling, 5xx and network errors. */
export function noDelayRetries(maxAttempts: number): NonNullable<SageMakerClientConfig['retryStrategy']> {
  const token = (retries: number) => ({ getRetryCount: () => retries, getRetryDelay: () => 0 });
  return {
    acquireInitialRetryToken: async () => token(0),
    refreshRetryTokenForRetry: async (previous: { getRetryCount(): number }, info: { errorType: string }) => {
      if (info.errorType === 'CLIENT_ERROR' || previous.getRetryCount() + 1 >= maxAttempts) {
        throw new Error('no retry');
      }
      return token(previous.getRetryCount() + 1);
    },
    recordSuccess: () => {},
  };
}

/** A SageMaker client for the stand-in. */
export function testClient(fake: FakeSageMaker, overrides: { maxAttempts?: number } = {}): SageMakerClient {
  return new SageMakerClient(standInClientConfig(fake.url, overrides));
}

/** How a simulated deployment ended. */
export interface ProviderRun {
  /** `complete`, `error` (a handler threw: CloudFormation shows the message), or `timeout` (poll budget used up). */
  readonly outcome: 'complete' | 'error' | 'timeout';
  readonly physicalResourceId?: string;
  /** onEvent's Data merged with isComplete's, as the framework sends it. */
  readonly data?: Record<string, unknown>;
  readonly error?: Error;
  /** isComplete calls made. */
  readonly polls: number;
  readonly logs: Array<Record<string, unknown>>;
}

/** Options of `runProvider`. */
export interface RunOptions {
  /** isComplete calls before giving up like the Provider's totalTimeout. @default 10 */
  readonly maxPolls?: number;
  /** The client to use; the run destroys it at the end. @default testClient(fake) */
  readonly client?: SageMakerClient;
  readonly now?: () => number;
  /** Passed to the handlers as their deadline (ms). */
  readonly deadline?: number;
  /** The handlers to drive. @default the scale-down ones */
  readonly handlers?: ProviderHandlers<HandlerContext>;
  /** The Kubernetes connector of the drain. @default none */
  readonly kubernetes?: KubernetesConnector;
}

const SERVICE_TOKEN = 'arn:aws:lambda:us-east-1:123456789012:function:x';

/**
 * A CloudFormation request for the stand-in's cluster. An `Update` needs the previous
 * template's groups (`previous`): without them nothing asks for removal.
 */
export function request(type: string, groups: Array<Record<string, unknown>>, extra: Record<string, unknown> = {},
  clusterName = 'demo', previous?: Array<Record<string, unknown>>): HandlerRequest {
  return {
    RequestType: type,
    ResourceType: SCALE_DOWN_RESOURCE_TYPE,
    StackId: TEST_STACK_ID,
    LogicalResourceId: 'ScaleDown',
    RequestId: 'req-1',
    PhysicalResourceId: type === 'Create' ? undefined : `${clusterName}/previous`,
    ResourceProperties: { ServiceToken: SERVICE_TOKEN, ClusterName: clusterName, InstanceGroups: groups, ...extra },
    ...(previous ? { OldResourceProperties: { ServiceToken: SERVICE_TOKEN, ClusterName: clusterName, InstanceGroups: previous } } : {}),
  };
}

/** An Update from `previous` groups to `groups` (same cluster, same extra properties). */
export function update(previous: Array<Record<string, unknown>>, groups: Array<Record<string, unknown>>,
  extra: Record<string, unknown> = {}): HandlerRequest {
  return request('Update', groups, extra, 'demo', previous);
}

/** A pair of Provider framework handlers over a context of type `C`. */
export interface ProviderHandlers<C> {
  onEvent(event: HandlerRequest, ctx: C): Promise<OnEventResult>;
  isComplete(event: HandlerRequest, ctx: C): Promise<IsCompleteResult>;
}

/**
 * The Provider framework's loop for any of the library's handlers: onEvent once, then
 * isComplete (with onEvent's output merged into its event) until it settles, throws, or uses
 * up `maxPolls`, which stands for the Provider's totalTimeout.
 */
export async function driveProvider<C>(event: HandlerRequest, ctx: C, handlers: ProviderHandlers<C>, maxPolls: number,
  logs: Array<Record<string, unknown>>): Promise<ProviderRun> {
  let polls = 0;
  try {
    const first = await handlers.onEvent(event, ctx);
    const next: HandlerRequest = { ...event, ...first };
    while (polls < maxPolls) {
      polls++;
      const result = await handlers.isComplete(next, ctx);
      if (result.IsComplete) {
        const data = { ...first.Data, ...result.Data };
        return { outcome: 'complete', physicalResourceId: first.PhysicalResourceId, data, polls, logs };
      }
      if (result.Data !== undefined) {
        throw new Error('"Data" is not allowed if "IsComplete" is "False"'); // as the framework says
      }
    }
    return { outcome: 'timeout', physicalResourceId: first.PhysicalResourceId, polls, logs };
  } catch (err) {
    return { outcome: 'error', error: err as Error, polls, logs };
  }
}

/** Runs the scale-down handlers (or `options.handlers`) against the SageMaker stand-in. */
export async function runProvider(fake: FakeSageMaker, event: HandlerRequest, options: RunOptions = {}): Promise<ProviderRun> {
  const logs: Array<Record<string, unknown>> = [];
  const client = options.client ?? testClient(fake);
  const ctx: HandlerContext = {
    api: new SageMakerHyperPodApi(client),
    log: (r) => logs.push(r),
    now: options.now,
    deadline: options.deadline,
    sleep: async () => {},
    kubernetes: options.kubernetes,
  };
  try {
    return await driveProvider(event, ctx, options.handlers ?? { onEvent, isComplete }, options.maxPolls ?? 10, logs);
  } finally {
    client.destroy();
  }
}
