/**
 * The one way this library lists problems in a message: a head line, then one problem a
 * line. Synth-time validation errors (`HyperPodValidationError`) and the custom resources'
 * failure messages (which CloudFormation shows as the status reason) share it.
 */

/** Budget for a handler's error message (CloudFormation shows it as the status reason). */
export const MESSAGE_BUDGET_CHARS = 1500;

/** What starts each problem's line. */
const BULLET = '\n  - ';

/** `head` then one problem a line, whole. */
export function formatProblems(head: string, problems: readonly string[]): string {
  return head + problems.map((p) => `${BULLET}${p}`).join('');
}

/**
 * `head` then one problem a line, cut to about `maxChars` with a count of what was left out.
 * A single problem longer than a third of the budget is cut too.
 */
export function boundedMessage(head: string, problems: readonly string[], maxChars = MESSAGE_BUDGET_CHARS): string {
  const lineMax = Math.floor(maxChars / 3);
  const tail = (rest: number) => `\n  ... and ${rest} more (see the function's log)`;
  let message = head;
  for (let i = 0; i < problems.length; i++) {
    const problem = problems[i].length > lineMax ? `${problems[i].slice(0, lineMax)}...` : problems[i];
    const line = `${BULLET}${problem}`;
    const last = i === problems.length - 1;
    // a line that is not the last leaves room for the tail that may follow it
    if (message.length + line.length + (last ? 0 : tail(problems.length - i - 1).length) > maxChars) {
      return `${message}${tail(problems.length - i)}`;
    }
    message += line;
  }
  return message;
}
