/**
 * What the handlers hand back to CloudFormation: small `Data` attributes (and error messages
 * bounded by `boundedMessage` of `contract/problems.ts`). CloudFormation rejects a
 * custom-resource response over 4 KB, and the Provider framework merges `onEvent`'s `Data`
 * into the final response, so both stay small.
 */

/** Budget for the JSON of one handler's `Data` (onEvent + isComplete stay well under 4 KB). */
export const DATA_BUDGET_BYTES = 1500;

/** `Data` key of the total number of nodes removed. */
export const REMOVED_TOTAL_KEY = 'Removed';
/** `Data` key set when per-group keys were left out to stay within the budget. */
export const TRUNCATED_KEY = 'Truncated';
/** `Data` key of when `onEvent` started (ISO 8601). */
export const STARTED_AT_KEY = 'StartedAt';

/** `Data` key of the nodes removed from one group. */
export function removedKey(group: string): string {
  return `Removed.${group}`;
}

/**
 * Builds `Data` from entries in priority order, leaving out the entries that would push its
 * JSON over `budget` bytes (then `Truncated` is `true`).
 */
export function boundedData(entries: ReadonlyArray<readonly [string, string]>, budget = DATA_BUDGET_BYTES): Record<string, string> {
  const data: Record<string, string> = {};
  let size = 2 + JSON.stringify({ [TRUNCATED_KEY]: 'true' }).length;
  let truncated = false;
  for (const [key, value] of entries) {
    const cost = JSON.stringify(key).length + JSON.stringify(value).length + 2;
    if (size + cost > budget) {
      truncated = true;
      continue;
    }
    data[key] = value;
    size += cost;
  }
  if (truncated) {
    data[TRUNCATED_KEY] = 'true';
  }
  return data;
}
