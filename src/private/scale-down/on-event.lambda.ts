/**
 * Lambda entry of the onEvent handler (Provider framework) of both custom resources,
 * `Custom::HyperPodScaleDown` and `Custom::HyperPodCapacity`, routed on the resource type.
 * Thin: binds the SDK client to this invocation's time and calls the logic.
 */
import { onCapacityEvent } from './capacity-handler';
import { onEvent, OnEventResult, ScaleDownRequest } from './handler';
import { LambdaContextLike, withInvocation } from './lambda-context';
import { CAPACITY_RESOURCE_TYPE } from './types';

/** Provider framework onEvent entry point. */
export async function handler(event: ScaleDownRequest, context?: LambdaContextLike): Promise<OnEventResult> {
  return withInvocation(context, (ctx) =>
    event.ResourceType === CAPACITY_RESOURCE_TYPE ? onCapacityEvent(event, ctx) : onEvent(event, ctx));
}
