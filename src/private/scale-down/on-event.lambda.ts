/**
 * Lambda entry of the onEvent handler (Provider framework) of the library's custom resources,
 * `Custom::HyperPodScaleDown`, `Custom::HyperPodCapacity` and `Custom::HyperPodPreflight`,
 * routed on the resource type.
 * Thin: binds the SDK client to this invocation's time and calls the logic.
 */
import { onCapacityEvent } from './capacity-handler';
import { onEvent, OnEventResult, ScaleDownRequest } from './handler';
import { LambdaContextLike, withInvocation } from './lambda-context';
import { CAPACITY_RESOURCE_TYPE } from './types';
import { onPreflightEvent } from '../preflight/handler';
import { PREFLIGHT_RESOURCE_TYPE } from '../preflight/types';

/** Provider framework onEvent entry point. */
export async function handler(event: ScaleDownRequest, context?: LambdaContextLike): Promise<OnEventResult> {
  return withInvocation(context, (ctx) => {
    switch (event.ResourceType) {
      case CAPACITY_RESOURCE_TYPE: return onCapacityEvent(event, ctx);
      case PREFLIGHT_RESOURCE_TYPE: return onPreflightEvent(event, ctx);
      default: return onEvent(event, ctx);
    }
  });
}
