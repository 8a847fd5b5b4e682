/**
 * Lambda entry of the isComplete handler (Provider framework) of both custom resources,
 * `Custom::HyperPodScaleDown` and `Custom::HyperPodCapacity`, routed on the resource type.
 * Thin: binds the SDK client to this invocation's time and calls the logic.
 */
import { isCapacityComplete } from './capacity-handler';
import { isComplete, IsCompleteResult, ScaleDownRequest } from './handler';
import { LambdaContextLike, withInvocation } from './lambda-context';
import { CAPACITY_RESOURCE_TYPE } from './types';

/** Provider framework isComplete entry point. */
export async function handler(event: ScaleDownRequest, context?: LambdaContextLike): Promise<IsCompleteResult> {
  return withInvocation(context, (ctx) =>
    event.ResourceType === CAPACITY_RESOURCE_TYPE ? isCapacityComplete(event, ctx) : isComplete(event, ctx));
}
