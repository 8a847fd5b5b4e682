/**
 * What the Lambda entries build per invocation: a SageMaker API, an EKS API (preflight) and a
 * Kubernetes connector (drain) whose calls are aborted shortly before the function would time out, and a deadline after
 * which no delete starts, so that a handler always answers (G5: the function never times out
 * silently).
 */
import { AwsEksApi, createEksClient } from '../domain/eks';
import { eksKubernetesConnector, KubernetesConnector } from '../domain/kubernetes';
import { createSageMakerClient, SageMakerHyperPodApi } from '../domain/sagemaker';

/** No delete call starts later than this before the function's timeout. */
export const DEADLINE_MARGIN_MS = 60_000;
/** Calls still running this long before the timeout are aborted (the next poll goes on). */
export const ABORT_MARGIN_MS = 20_000;
/** Used when the entry is called without a Lambda context (tests, local runs). */
const DEFAULT_REMAINING_MS = 5 * 60_000;

/** The part of the Lambda context the entries read. */
export interface LambdaContextLike {
  getRemainingTimeInMillis?(): number;
}

const client = createSageMakerClient();
const eksClient = createEksClient();

/** Runs `fn` with an API and a deadline bound to this invocation's remaining time. */
export async function withInvocation<T>(context: LambdaContextLike | undefined,
  fn: (ctx: { api: SageMakerHyperPodApi; eks: AwsEksApi; kubernetes: KubernetesConnector; deadline: number }) => Promise<T>): Promise<T> {
  const remaining = context?.getRemainingTimeInMillis?.() ?? DEFAULT_REMAINING_MS;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), Math.max(0, remaining - ABORT_MARGIN_MS));
  try {
    const eks = new AwsEksApi(eksClient, { abortSignal: controller.signal });
    return await fn({
      api: new SageMakerHyperPodApi(client, { abortSignal: controller.signal }),
      eks,
      // The drain's Kubernetes API: endpoint and CA from EKS, a token signed with the function's credentials.
      kubernetes: eksKubernetesConnector(eks, eksClient.config.credentials, { abortSignal: controller.signal }),
      deadline: Date.now() + Math.max(0, remaining - DEADLINE_MARGIN_MS),
    });
  } finally {
    clearTimeout(timer);
  }
}
