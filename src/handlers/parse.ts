/**
 * Reads back what CloudFormation hands a handler: every scalar property arrives as a string.
 */

/**
 * An integer as CloudFormation passes it (a string of plain digits, maybe with a leading '-'),
 * or a number that is an integer; else `undefined`. `Number()` alone would also take '1e3',
 * ' 3', '0x10', '3.0' and '+3'.
 */
export function plainInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  return typeof value === 'string' && /^-?[0-9]+$/.test(value) ? Number(value) : undefined;
}

/** A property CloudFormation passes as a string, read back as an integer in [min, max]; else a problem is recorded. */
export function asInteger(value: unknown, what: string, min: number, max: number, problems: string[]): number | undefined {
  const n = plainInteger(value);
  if (n === undefined || n < min || n > max) {
    problems.push(`${what} must be an integer from ${min} to ${max} in plain digits, got ${JSON.stringify(value)}`);
    return undefined;
  }
  return n;
}
