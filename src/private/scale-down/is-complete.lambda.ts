/**
 * Lambda entry of the isComplete handler (Provider framework) of both custom resources,
 * `Custom::HyperPodScaleDown` and `Custom::HyperPodCapacity`, routed on the resource type.
 * Thin: builds the SDK client from its defaults and calls the logic.
 */
import { isCapacityComplete } from './capacity-handler';
import { isComplete, IsCompleteResult, ScaleDownRequest } from './handler';
import { createSageMakerClient, SageMakerHyperPodApi } from './sagemaker';
import { CAPACITY_RESOURCE_TYPE } from './types';

const api = new SageMakerHyperPodApi(createSageMakerClient());

/** Provider framework isComplete entry point. */
export async function handler(event: ScaleDownRequest): Promise<IsCompleteResult> {
  return event.ResourceType === CAPACITY_RESOURCE_TYPE ? isCapacityComplete(event, { api }) : isComplete(event, { api });
}
