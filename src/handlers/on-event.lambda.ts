/**
 * Lambda entry of the onEvent handler (Provider framework) of the library's custom resources,
 * `Custom::HyperPodScaleDown`, `Custom::HyperPodCapacity` and `Custom::HyperPodPreflight`.
 * Thin: binds the SDK clients to this invocation's time and routes on the resource type.
 */
import { moduleFor } from './dispatch';
import { LambdaContextLike, withInvocation } from './lambda-context';
import { HandlerRequest, OnEventResult } from './request';

/** Provider framework onEvent entry point. */
export async function handler(event: HandlerRequest, context?: LambdaContextLike): Promise<OnEventResult> {
  const resource = moduleFor(event);
  return withInvocation(context, (ctx) => resource.onEvent(event, ctx));
}
