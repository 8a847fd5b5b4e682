/**
 * How the scale-down handlers tell a deployment-ending failure (a refusal, a policy error, a
 * node SageMaker will not delete, a TargetCount that does not drop) from a passing one
 * (throttling, 5xx, a dropped connection, the Lambda running out of time), which the next
 * poll retries.
 */

/** A failure that ends the deployment with this message (already names the cluster and what to do). */
export class ScaleDownError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScaleDownError';
  }
}

const TRANSIENT_NAMES = new Set([
  'ThrottlingException', 'Throttling', 'ThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded',
  'InternalFailure', 'InternalServerError', 'InternalServerException', 'ServiceUnavailable', 'ServiceUnavailableException',
  'RequestTimeout', 'RequestTimeoutException', 'TimeoutError', 'AbortError', 'ClusterMissing',
]);

const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED']);

/**
 * Whether a later poll may succeed where this call failed: throttling, server errors,
 * network errors, an aborted call, or a cluster that was briefly not found after it was found.
 */
export function isTransient(err: unknown): boolean {
  if (err instanceof ScaleDownError) {
    return false;
  }
  const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; message?: string } | null;
  if (!e) {
    return false;
  }
  if ((e.name && TRANSIENT_NAMES.has(e.name)) || (e.code && TRANSIENT_CODES.has(e.code))) {
    return true;
  }
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) {
    return true;
  }
  return /socket hang up|ECONNRESET|ECONNREFUSED|ETIMEDOUT/.test(e.message ?? '');
}

/** `Name: message` of any error, for logs and messages. */
export function errorText(err: unknown): string {
  const e = err as { name?: string; message?: string } | null;
  const name = e?.name && e.name !== 'Error' ? `${e.name}: ` : '';
  return `${name}${e?.message ?? String(err)}`;
}
