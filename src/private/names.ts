import { createHash } from 'crypto';
import { Names, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * A deterministic cluster name, unique per stack and construct path, within 63 characters
 * of `[a-zA-Z0-9](-*[a-zA-Z0-9])*`.
 *
 * It ends with a hash of the properties whose change replaces the cluster (`VpcConfig`,
 * `Orchestrator.Eks`): CloudFormation creates the replacement before deleting the old
 * cluster, and names must be unique, so a replacement needs a new name.
 */
export function generateClusterName(scope: IConstruct, replacementInputs: unknown): string {
  const resolved = JSON.stringify(Stack.of(scope).resolve(replacementInputs));
  const hash = createHash('sha256').update(resolved).digest('hex').slice(0, 8);
  const base = Names.uniqueResourceName(scope, { maxLength: 63 - hash.length - 1 });
  return `${base}-${hash}`;
}
