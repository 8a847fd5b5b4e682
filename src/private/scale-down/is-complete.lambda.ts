/**
 * Lambda entry of the isComplete handler (Provider framework) of the library's custom resources,
 * `Custom::HyperPodScaleDown`, `Custom::HyperPodCapacity` and `Custom::HyperPodPreflight`,
 * routed on the resource type.
 * Thin: binds the SDK client to this invocation's time and calls the logic.
 */
import { isCapacityComplete } from './capacity-handler';
import { isComplete, IsCompleteResult, ScaleDownRequest } from './handler';
import { LambdaContextLike, withInvocation } from './lambda-context';
import { CAPACITY_RESOURCE_TYPE } from './types';
import { isPreflightComplete } from '../preflight/handler';
import { PREFLIGHT_RESOURCE_TYPE } from '../preflight/types';

/** Provider framework isComplete entry point. */
export async function handler(event: ScaleDownRequest, context?: LambdaContextLike): Promise<IsCompleteResult> {
  return withInvocation(context, (ctx) => {
    switch (event.ResourceType) {
      case CAPACITY_RESOURCE_TYPE: return isCapacityComplete(event, ctx);
      case PREFLIGHT_RESOURCE_TYPE: return isPreflightComplete(event, ctx);
      default: return isComplete(event, ctx);
    }
  });
}
