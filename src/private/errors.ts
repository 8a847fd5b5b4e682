import { IConstruct } from 'constructs';

/**
 * The one error this library throws for bad input. Its message names the construct, and
 * every problem found (the prop, the value received and what is allowed), one per line.
 */
export class HyperPodValidationError extends Error {
  constructor(scope: IConstruct, public readonly problems: string[]) {
    super(`${scope.node.path}: invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'HyperPodValidationError';
  }
}

/** Throws once with every problem when there is any. */
export function throwIfProblems(scope: IConstruct, problems: string[]): void {
  if (problems.length > 0) {
    throw new HyperPodValidationError(scope, problems);
  }
}
