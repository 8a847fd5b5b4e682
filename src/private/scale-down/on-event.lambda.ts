/**
 * Lambda entry of the `Custom::HyperPodScaleDown` onEvent handler (Provider framework).
 * Thin: builds the SDK client from its defaults and calls `handler.ts`.
 */
import { onEvent, OnEventResult, ScaleDownRequest } from './handler';
import { createSageMakerClient, SageMakerHyperPodApi } from './sagemaker';

const api = new SageMakerHyperPodApi(createSageMakerClient());

/** Provider framework onEvent entry point. */
export async function handler(event: ScaleDownRequest): Promise<OnEventResult> {
  return onEvent(event, { api });
}
