/**
 * The SageMaker client of the command-line tool: the SDK's defaults (credential chain, Region,
 * and `AWS_ENDPOINT_URL_SAGEMAKER`), `--region` and `--profile` when given, and the Lambda's
 * retry settings.
 */
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { RegionMissingError } from './errors';
import { CLIENT_RETRY_SETTINGS } from '../domain/sagemaker';

/** What the command line chooses about the client. */
export interface ClientOptions {
  readonly region?: string;
  readonly profile?: string;
}

/** Builds the client; tests pass one that points at the SageMaker stand-in. */
export type ClientFactory = (options: ClientOptions) => SageMakerClient;

/** The default client. */
export const createCliClient: ClientFactory = (options) => new SageMakerClient({
  ...CLIENT_RETRY_SETTINGS,
  ...(options.region ? { region: options.region } : {}),
  ...(options.profile ? { profile: options.profile } : {}),
});

/** The Region the client will use; throws `RegionMissingError` when there is none. */
export async function resolveRegion(client: SageMakerClient): Promise<string> {
  let region: string | undefined;
  try {
    region = await client.config.region();
  } catch (err) {
    throw new RegionMissingError(err);
  }
  if (!region) {
    throw new RegionMissingError();
  }
  return region;
}
