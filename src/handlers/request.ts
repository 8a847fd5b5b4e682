/**
 * What the Lambda entries receive from the CDK Provider framework and hand back, and what
 * every handler module needs besides the request.
 */
import { KubernetesConnector } from '../domain/kubernetes';
import { HyperPodApi } from '../domain/sagemaker';

/** One JSON object a line in the function's log. */
export type HandlerLogger = (record: Record<string, unknown>) => void;


/** The request both handlers receive (the parts they read). */
export interface HandlerRequest {
  readonly RequestType: string;
  /** One of the library's resource types (`contract/resources.ts`): the entries route on it. */
  readonly ResourceType?: string;
  /** The stack's id: the cluster's owner tag must equal it before any node is removed. */
  readonly StackId?: string;
  readonly ResourceProperties?: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
  readonly PhysicalResourceId?: string;
  readonly LogicalResourceId?: string;
  readonly RequestId?: string;
  /** In `isComplete`: the `Data` `onEvent` returned. */
  readonly Data?: Record<string, unknown>;
}

/** What `onEvent` returns. */
export interface OnEventResult {
  readonly PhysicalResourceId: string;
  readonly Data?: Record<string, string>;
}

/** What `isComplete` returns (no `Data` unless complete: the Provider rejects it). */
export interface IsCompleteResult {
  readonly IsComplete: boolean;
  readonly Data?: Record<string, string>;
}

/** What the handlers need besides the request. */
export interface HandlerContext {
  readonly api: HyperPodApi;
  /** @default one JSON line on stdout */
  readonly log?: HandlerLogger;
  /** Clock in ms. @default Date.now */
  readonly now?: () => number;
  /** No delete call starts after this time (ms); the Lambda entry sets it before the function times out. @default none */
  readonly deadline?: number;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Connects to an EKS cluster's Kubernetes API (the drain before delete). @default none: a group that drains fails */
  readonly kubernetes?: KubernetesConnector;
}

/** One JSON line on stdout (the function's CloudWatch log). */
export const defaultLog: HandlerLogger = (record) => console.log(JSON.stringify(record));

