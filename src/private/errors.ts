import { IConstruct } from 'constructs';
import { formatProblems } from '../contract/problems';

/**
 * The one error this library throws for bad input. Its message names the construct, and
 * every problem found (the prop, the value received and what is allowed), one per line.
 */
export class HyperPodValidationError extends Error {
  constructor(scope: IConstruct, public readonly problems: string[]) {
    super(formatProblems(`${scope.node.path}: invalid configuration:`, problems));
    this.name = 'HyperPodValidationError';
  }
}

/** Throws once with every problem when there is any. */
export function throwIfProblems(scope: IConstruct, problems: string[]): void {
  if (problems.length > 0) {
    throw new HyperPodValidationError(scope, problems);
  }
}
