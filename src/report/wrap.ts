/**
 * Wrapping of review prose the way a mail client fills a paragraph: words are never
 * broken (a long identifier or URL keeps its own line), blank lines separate paragraphs,
 * and lines that are indented (code a comment quotes) are kept as written.
 */
import { pushAll } from '../model/push-all.js';

/** Kernel reviewers wrap their prose at 72 columns. */
export const PROSE_WIDTH = 72;

/** A bullet or numbered item starts its own paragraph and wraps under its text. */
const LIST_ITEM = /^([-*]|\d+[.)])\s+/;

function isVerbatim(line: string): boolean {
  return /^[ \t]/.test(line) && line.trim() !== '';
}

/** Greedy fill of one paragraph's words; `hangingIndent` prefixes every line after the first. */
function fillParagraph(text: string, width: number, hangingIndent = ''): string[] {
  const words = text.split(/\s+/).filter((word) => word !== '');
  const lines: string[] = [];
  let current = '';
  for (const word of words) {
    if (current === '') {
      current = (lines.length === 0 ? '' : hangingIndent) + word;
    } else if (current.length + 1 + word.length <= width) {
      current += ` ${word}`;
    } else {
      lines.push(current);
      current = hangingIndent + word;
    }
  }
  if (current !== '') lines.push(current);
  return lines;
}

/**
 * Wraps prose at `width` columns. Returns the lines, without a trailing empty line.
 * Runs of blank lines collapse to one.
 */
export function wrapProse(text: string, width: number = PROSE_WIDTH): string[] {
  const output: string[] = [];
  let paragraph: string[] = [];
  let hangingIndent = '';

  const flush = (): void => {
    if (paragraph.length > 0) pushAll(output, fillParagraph(paragraph.join(' '), width, hangingIndent));
    paragraph = [];
    hangingIndent = '';
  };
  const blankLine = (): void => {
    if (output.length > 0 && output[output.length - 1] !== '') output.push('');
  };

  for (const rawLine of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = rawLine.replace(/\s+$/, '');
    if (line === '') {
      flush();
      blankLine();
    } else if (isVerbatim(line)) {
      flush();
      output.push(line);
    } else {
      const item = LIST_ITEM.exec(line);
      if (item) {
        flush();
        hangingIndent = ' '.repeat(item[0].length);
      }
      paragraph.push(line.trim());
    }
  }
  flush();
  while (output.length > 0 && output[output.length - 1] === '') output.pop();
  return output;
}

/** Collapses a text to one line (for terse formats): whitespace runs become one space. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
