/**
 * The one routing of requests to the module of their custom resource. A resource type the
 * provider does not serve, or a request type CloudFormation does not send, fails the request
 * with a message that names it, rather than being treated as a scale-down.
 */
import { isCapacityComplete, onCapacityEvent } from './capacity';
import { isPreflightComplete, onPreflightEvent, PreflightContext } from './preflight';
import { HandlerContext, HandlerRequest, IsCompleteResult, OnEventResult } from './request';
import { isComplete as isScaleDownComplete, onEvent as onScaleDownEvent } from './scale-down/handler';
import { kindOf, REQUEST_TYPES, RESOURCE_TYPES, ResourceKind } from '../contract/resources';

/** What every module gets: the SageMaker context, and the EKS API for the preflight. */
export type DispatchContext = HandlerContext & PreflightContext;

interface ResourceModule {
  onEvent(event: HandlerRequest, ctx: DispatchContext): Promise<OnEventResult>;
  isComplete(event: HandlerRequest, ctx: DispatchContext): Promise<IsCompleteResult>;
}

const MODULES: Record<ResourceKind, ResourceModule> = {
  scaleDown: { onEvent: onScaleDownEvent, isComplete: isScaleDownComplete },
  capacity: { onEvent: onCapacityEvent, isComplete: isCapacityComplete },
  preflight: { onEvent: onPreflightEvent, isComplete: isPreflightComplete },
};

/** The module of the request's resource type; an error for any other resource or request type. */
export function moduleFor(event: HandlerRequest): ResourceModule {
  const kind = kindOf(event.ResourceType);
  if (kind === undefined) {
    throw new Error(`hyperpod-cdk's provider serves ${Object.values(RESOURCE_TYPES).join(', ')}; `
      + `got a request for ${JSON.stringify(event.ResourceType)} (${event.LogicalResourceId ?? 'unknown logical id'}), which it does not handle`);
  }
  if (!REQUEST_TYPES.includes(event.RequestType)) {
    throw new Error(`${event.ResourceType} ${event.LogicalResourceId ?? ''}: request type ${JSON.stringify(event.RequestType)} `
      + `is not one of ${REQUEST_TYPES.join(', ')}`);
  }
  return MODULES[kind];
}
