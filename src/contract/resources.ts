/**
 * The library's custom resources, all served by one provider per stack. Both sides read this:
 * the constructs to create the resources and grant the provider what each kind calls, the
 * Lambda entries to route a request to the module of its kind (and to refuse any other type).
 */
import { CAPACITY_RESOURCE_TYPE } from './capacity';
import { PREFLIGHT_RESOURCE_TYPE } from './preflight';
import { SCALE_DOWN_RESOURCE_TYPE } from './scale-down';

/** The kinds of custom resource the provider serves. */
export type ResourceKind = 'scaleDown' | 'capacity' | 'preflight';

/** Each kind's CloudFormation resource type. */
export const RESOURCE_TYPES: Readonly<Record<ResourceKind, string>> = {
  scaleDown: SCALE_DOWN_RESOURCE_TYPE,
  capacity: CAPACITY_RESOURCE_TYPE,
  preflight: PREFLIGHT_RESOURCE_TYPE,
};

/** The kind of a CloudFormation resource type, or `undefined` for a type the provider does not serve. */
export function kindOf(resourceType: string | undefined): ResourceKind | undefined {
  return (Object.keys(RESOURCE_TYPES) as ResourceKind[]).find((kind) => RESOURCE_TYPES[kind] === resourceType);
}

/** How long each kind waits when the user sets no timeout, in seconds. */
export const DEFAULT_TIMEOUT_SECONDS: Readonly<Record<ResourceKind, number>> = {
  scaleDown: 30 * 60,
  capacity: 30 * 60,
  preflight: 10 * 60,
};

/**
 * The longest the provider polls (aws-cdk-lib's Provider framework allows 1 hour, and
 * `ServiceTimeout` is capped at 3600 s), and the shortest timeout a user may set; in between,
 * whole steps of the provider's query interval.
 */
export const MAX_TIMEOUT_SECONDS = 3600;
export const MIN_TIMEOUT_SECONDS = 120;
export const QUERY_INTERVAL_SECONDS = 30;

/**
 * A handler gives up this long before its resource's timeout, with a message naming what is
 * left, so that the failure a person reads is the handler's and not the framework's.
 */
export const HANDLER_TIMEOUT_MARGIN_SECONDS = 60;

/** The `TimeoutSeconds` property of a resource whose timeout is `timeoutSeconds` (or the kind's default). */
export function handlerTimeoutSeconds(kind: ResourceKind, timeoutSeconds?: number): number {
  return (timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS[kind]) - HANDLER_TIMEOUT_MARGIN_SECONDS;
}

/** The request types of the CloudFormation custom-resource protocol. */
export const REQUEST_TYPES: readonly string[] = ['Create', 'Update', 'Delete'];
