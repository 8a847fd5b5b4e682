/**
 * Plain-text helpers of the command-line output: aligned tables, times, one-line messages.
 * Pure; no colours, so output stays the same in a terminal, a pipe and a CI log.
 */

/** A column of `table`. */
export interface Column {
  readonly header: string;
  /** Numbers read better right-aligned. @default 'left' */
  readonly align?: 'left' | 'right';
}

/**
 * Rows under headers, columns padded to their widest cell and separated by two spaces,
 * every line indented by `indent`. The last column is not padded (no trailing blanks).
 */
export function table(columns: readonly Column[], rows: ReadonlyArray<readonly string[]>, indent = '  '): string[] {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => indent + columns.map((c, i) => {
    const cell = cells[i] ?? '';
    if (c.align === 'right') {
      return cell.padStart(widths[i]);
    }
    return i === columns.length - 1 ? cell : cell.padEnd(widths[i]);
  }).join('  ').trimEnd();
  return [line(columns.map((c) => c.header)), ...rows.map(line)];
}

/** `2026-11-22T10:00:40Z` (UTC, whole seconds), or `-`. */
export function isoTime(time: Date | undefined): string {
  if (!time || Number.isNaN(time.getTime())) {
    return '-';
  }
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `time` as JSON: the ISO string, or null. */
export function jsonTime(time: Date | undefined): string | null {
  return time && !Number.isNaN(time.getTime()) ? time.toISOString() : null;
}

/** Whitespace (newlines included) folded to single spaces, cut at `max` characters with `...`. */
export function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}

/** `1 node`, `2 nodes`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
