/**
 * Errors of the command-line tool and the message each one gets: what went wrong and what to
 * do about it. Pure: the AWS SDK's errors are recognised by `name` (and `code` for network
 * errors), never by class, so this works the same in the bundle and in tests.
 */
import { ClusterMissingError } from '../domain/sagemaker';

/** An error whose message is already written for the user (exit code 1). */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** No Region from `--region`, `AWS_REGION` or the profile. */
export class RegionMissingError extends Error {
  constructor(cause?: unknown) {
    super('Region is missing', { cause });
    this.name = 'RegionMissing';
  }
}

/** What the messages mention besides the error. */
export interface ErrorContext {
  readonly cluster: string;
  readonly region?: string;
  /** `--profile`, else AWS_PROFILE. */
  readonly profile?: string;
  readonly command: 'status' | 'plan';
}

/** Rejected (rather than missing) credentials. */
const BAD_CREDENTIALS = new Set([
  'ExpiredToken', 'ExpiredTokenException', 'UnrecognizedClientException', 'InvalidClientTokenId',
  'InvalidSignatureException', 'SignatureDoesNotMatch', 'TokenRefreshRequired',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH']);

const PERMISSIONS: Record<ErrorContext['command'], string> = {
  status: 'sagemaker:DescribeCluster and sagemaker:ListClusterNodes (and sagemaker:ListClusterEvents, ' +
    'sagemaker:DescribeClusterEvent for the events)',
  plan: 'sagemaker:DescribeCluster and sagemaker:ListClusterNodes',
};

function fields(err: unknown): { name: string; message: string; code?: string; requestId?: string } {
  const e = (err ?? {}) as { name?: unknown; message?: unknown; code?: unknown; $metadata?: { requestId?: unknown } };
  // The SDK wraps errors that are not `Error` instances of its realm ("AWS SDK error wrapper
  // for Error: connect ECONNREFUSED ..."), so the network code may be only in the message.
  const message = (typeof e.message === 'string' ? e.message : String(err)).replace(/^AWS SDK error wrapper for (Error: )?/, '');
  const code = typeof e.code === 'string' ? e.code : [...NETWORK_CODES].find((c) => new RegExp(`\\b${c}\\b`).test(message));
  return {
    name: typeof e.name === 'string' ? e.name : 'Error',
    message,
    code,
    requestId: typeof e.$metadata?.requestId === 'string' ? e.$metadata.requestId : undefined,
  };
}

function where(ctx: ErrorContext): string {
  return ctx.region ? `Region ${ctx.region}` : 'the Region in use';
}

/** The message for any error of a command run (usage errors are handled before). */
export function explain(err: unknown, ctx: ErrorContext): string {
  if (err instanceof CliError) {
    return err.message;
  }
  if (err instanceof ClusterMissingError) {
    return `cluster "${err.clusterName}" not found in ${where(ctx)}. Check the name ` +
      `(aws sagemaker list-clusters${ctx.region ? ` --region ${ctx.region}` : ''}) and the Region ` +
      '(--region, AWS_REGION, or the profile\'s region), and that the credentials belong to the cluster\'s account.';
  }
  if (err instanceof RegionMissingError) {
    return 'no AWS Region: pass --region (e.g. --region us-east-1), set AWS_REGION, ' +
      `or set a region in ${ctx.profile ? `profile "${ctx.profile}"` : 'your profile'} (aws configure set region <region>).`;
  }
  const f = fields(err);
  if (f.name === 'CredentialsProviderError') {
    const profile = ctx.profile
      ? `Profile "${ctx.profile}" gave none: check it in ~/.aws/config and ~/.aws/credentials, or log in with aws sso login --profile ${ctx.profile}.`
      : 'Run "aws configure" (or "aws sso login"), choose a profile with --profile or AWS_PROFILE, ' +
        'or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.';
    return `no AWS credentials found (${f.message.replace(/\s+/g, ' ').trim()}). ${profile}`;
  }
  if (BAD_CREDENTIALS.has(f.name)) {
    return `AWS rejected the credentials (${f.name}: ${f.message}). Refresh them (aws sso login, or new access keys) ` +
      'or choose other ones with --profile or AWS_PROFILE.';
  }
  if (f.name === 'AccessDeniedException' || f.name === 'AccessDenied') {
    return `not authorized (${f.message}). The ${ctx.command} command needs ${PERMISSIONS[ctx.command]} on cluster "${ctx.cluster}".`;
  }
  if ((f.code && NETWORK_CODES.has(f.code)) || f.name === 'TimeoutError') {
    return `could not reach the SageMaker API in ${where(ctx)} (${f.code ?? f.name}: ${f.message}). ` +
      'Check the network and the Region (and AWS_ENDPOINT_URL_SAGEMAKER, if set).';
  }
  return `${f.name}: ${f.message}${f.requestId ? ` (request id ${f.requestId})` : ''}`;
}
