/**
 * Where the diff starts in a mail body, by git's rules (mailinfo.c: patchbreak and
 * is_scissors_line), and whether a text holds a unified diff at all.
 */
import { isGitSpace } from './mail-header.js';

/**
 * patchbreak: the line that ends the commit message: "diff -", "Index: ", "---" followed
 * only by whitespace (the format-patch separator), or "--- " followed by a file name.
 * `line` is given without its line end.
 */
export function isPatchBreak(line: string): boolean {
  if (line.startsWith('diff -') || line.startsWith('Index: ')) return true;
  if (!line.startsWith('---')) return false;
  // git sees the line with its "\n": "---" alone is 4 bytes long and passes its length check.
  if (line[3] === ' ' && line.length > 4 && !isGitSpace(line[4])) return true;
  for (let at = 3; at < line.length; at++) if (!isGitSpace(line[at])) return false;
  return true;
}

/**
 * is_scissors_line: "-- >8 --", "--8<--", "- - >8 - -" with optional words ("cut here"):
 * at least 8 visible characters, perforation over a third of them, dashes and scissors
 * over half of the perforation.
 */
export function isScissorsLine(line: string): boolean {
  let scissors = 0;
  let gap = 0;
  let perforation = 0;
  let inPerforation = false;
  let firstVisible = -1;
  let lastVisible = -1;
  for (let at = 0; at < line.length; at++) {
    const char = line[at];
    if (isGitSpace(char)) {
      if (inPerforation) {
        perforation++;
        gap++;
      }
      continue;
    }
    lastVisible = at;
    if (firstVisible < 0) firstVisible = at;
    if (char === '-') {
      inPerforation = true;
      perforation++;
      continue;
    }
    const pair = line.slice(at, at + 2);
    if (pair === '>8' || pair === '8<' || pair === '>%' || pair === '%<') {
      inPerforation = true;
      perforation += 2;
      scissors += 2;
      at++;
      continue;
    }
    inPerforation = false;
  }
  const visible = firstVisible >= 0 ? lastVisible - firstVisible + 1 : 0;
  return scissors > 0 && visible >= 8 && visible < perforation * 3 && gap * 2 < perforation;
}

/**
 * A line that opens a file of a unified diff: "diff ...", "Index: ...", or a "+++ " line
 * right after a "--- " line (`previous` is the line before `line`).
 */
export function opensDiff(previous: string | null, line: string): boolean {
  if (line.startsWith('diff ') || line.startsWith('Index: ')) return true;
  return line.startsWith('+++ ') && previous !== null && previous.startsWith('--- ');
}

/** The text holds at least one file of a unified diff. */
export function containsDiff(text: string): boolean {
  let previous: string | null = null;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    if (opensDiff(previous, line)) return true;
    previous = line;
    start = end + 1;
  }
  return false;
}
