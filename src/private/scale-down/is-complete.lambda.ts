/**
 * Lambda entry of the `Custom::HyperPodScaleDown` isComplete handler (Provider framework).
 * Thin: builds the SDK client from its defaults and calls `handler.ts`.
 */
import { isComplete, IsCompleteResult, ScaleDownRequest } from './handler';
import { createSageMakerClient, SageMakerHyperPodApi } from './sagemaker';

const api = new SageMakerHyperPodApi(createSageMakerClient());

/** Provider framework isComplete entry point. */
export async function handler(event: ScaleDownRequest): Promise<IsCompleteResult> {
  return isComplete(event, { api });
}
