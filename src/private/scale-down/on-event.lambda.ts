/**
 * Lambda entry of the onEvent handler (Provider framework) of both custom resources,
 * `Custom::HyperPodScaleDown` and `Custom::HyperPodCapacity`, routed on the resource type.
 * Thin: builds the SDK client from its defaults and calls the logic.
 */
import { onCapacityEvent } from './capacity-handler';
import { onEvent, OnEventResult, ScaleDownRequest } from './handler';
import { createSageMakerClient, SageMakerHyperPodApi } from './sagemaker';
import { CAPACITY_RESOURCE_TYPE } from './types';

const api = new SageMakerHyperPodApi(createSageMakerClient());

/** Provider framework onEvent entry point. */
export async function handler(event: ScaleDownRequest): Promise<OnEventResult> {
  return event.ResourceType === CAPACITY_RESOURCE_TYPE ? onCapacityEvent(event, { api }) : onEvent(event, { api });
}
