/**
 * Lambda entry of the isComplete handler (Provider framework) of the library's custom resources,
 * `Custom::HyperPodScaleDown`, `Custom::HyperPodCapacity` and `Custom::HyperPodPreflight`.
 * Thin: binds the SDK clients to this invocation's time and routes on the resource type.
 */
import { moduleFor } from './dispatch';
import { LambdaContextLike, withInvocation } from './lambda-context';
import { HandlerRequest, IsCompleteResult } from './request';

/** Provider framework isComplete entry point. */
export async function handler(event: HandlerRequest, context?: LambdaContextLike): Promise<IsCompleteResult> {
  const resource = moduleFor(event);
  return withInvocation(context, (ctx) => resource.isComplete(event, ctx));
}
