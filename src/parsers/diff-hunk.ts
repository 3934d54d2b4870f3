/**
 * Where a hunk starts and ends, read as `git apply` reads it (apply.c: parse_fragment_header,
 * parse_fragment): the "@@ -a,b +c,d @@" header gives the counts, and the body is exactly the
 * lines that spend them. What a hunk whose counts lie looks like is reported, not guessed at.
 */

export interface HunkRange {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** The text after the second "@@", without the space that separates it. */
  sectionHeading: string;
}

/** Counts past this are not real line numbers; refusing them keeps arithmetic exact. */
const MAX_DIGITS = 9;

function readNumber(line: string, start: number): { value: number; end: number } | null {
  let end = start;
  while (end < line.length && line.charCodeAt(end) >= 48 && line.charCodeAt(end) <= 57) end += 1;
  if (end === start || end - start > MAX_DIGITS) return null;
  return { value: Number(line.slice(start, end)), end };
}

/** "start[,count]" followed by `expected`; a missing count means 1, as in diff's output. */
function readRange(line: string, start: number, expected: string): { start: number; count: number; end: number } | null {
  const first = readNumber(line, start);
  if (first === null) return null;
  let count = 1;
  let end = first.end;
  if (line[end] === ',') {
    const second = readNumber(line, end + 1);
    if (second === null) return null;
    count = second.value;
    end = second.end;
  }
  if (!line.startsWith(expected, end)) return null;
  return { start: first.value, count, end: end + expected.length };
}

/** The numbers of a "@@ -a,b +c,d @@ heading" line, or null when it does not read as one. */
export function parseHunkHeader(line: string): HunkRange | null {
  if (!line.startsWith('@@ -')) return null;
  const oldRange = readRange(line, 4, ' +');
  if (oldRange === null) return null;
  const newRange = readRange(line, oldRange.end, ' @@');
  if (newRange === null) return null;
  const heading = line.slice(newRange.end);
  return {
    oldStart: oldRange.start,
    oldLines: oldRange.count,
    newStart: newRange.start,
    newLines: newRange.count,
    sectionHeading: (heading.startsWith(' ') ? heading.slice(1) : heading).trimEnd(),
  };
}

/** "\ No newline at end of file" in any locale: git only checks the "\ " and a sane length. */
export function isNoNewlineMarker(line: string): boolean {
  return line.startsWith('\\ ') && line.length >= 11;
}

export type HunkLineKind = 'context' | 'added' | 'removed';

/** The kind of a body line by its first character; an empty line is context (GNU diff, or a mailer's trim). */
export function hunkLineKind(line: string): HunkLineKind | null {
  if (line.length === 0) return 'context';
  switch (line[0]) {
    case ' ':
      return 'context';
    case '+':
      return 'added';
    case '-':
      return 'removed';
    default:
      return null;
  }
}

export type HunkBodyProblem =
  /** Line `at` (or the end of the text, at === lines.length) came before the counted lines were all seen. */
  | { kind: 'short'; at: number; seenOld: number; seenNew: number }
  /** Line `at` is one more line of a side whose count is already spent. */
  | { kind: 'overrun'; at: number; lineKind: HunkLineKind }
  /** The hunk holds context only (git refuses it: it changes nothing). */
  | { kind: 'no-change'; at: number };

export interface HunkBody {
  /** The body is lines [start, end): hunk lines and "\ No newline" markers. */
  end: number;
  added: number;
  removed: number;
  problem: HunkBodyProblem | null;
}

/** Reads the body of the hunk whose header is the line before `start`. */
export function readHunkBody(lines: readonly string[], start: number, range: HunkRange): HunkBody {
  let oldLeft = range.oldLines;
  let newLeft = range.newLines;
  let added = 0;
  let removed = 0;
  let index = start;
  while ((oldLeft > 0 || newLeft > 0) && index < lines.length) {
    const line = lines[index];
    if (isNoNewlineMarker(line)) {
      index += 1;
      continue;
    }
    const kind = hunkLineKind(line);
    if (kind === null) break;
    const oldSpent = kind !== 'added';
    const newSpent = kind !== 'removed';
    if ((oldSpent && oldLeft === 0) || (newSpent && newLeft === 0)) {
      return { end: index, added, removed, problem: { kind: 'overrun', at: index, lineKind: kind } };
    }
    if (oldSpent) oldLeft -= 1;
    if (newSpent) newLeft -= 1;
    if (kind === 'added') added += 1;
    if (kind === 'removed') removed += 1;
    index += 1;
  }
  if (oldLeft > 0 || newLeft > 0) {
    const seen = { seenOld: range.oldLines - oldLeft, seenNew: range.newLines - newLeft };
    return { end: index, added, removed, problem: { kind: 'short', at: index, ...seen } };
  }
  // The marker after a hunk's last line belongs to it (git reads it after the counts run out).
  if (index < lines.length && lines[index].startsWith('\\ ')) index += 1;
  const problem: HunkBodyProblem | null = added + removed === 0 ? { kind: 'no-change', at: index } : null;
  return { end: index, added, removed, problem };
}
