/**
 * Line bookkeeping for a parsed file: which row of the parsed text is which post-image line,
 * which post-image lines the patch adds, and which input line shows each of them.
 */
import type { Node, SourceLines } from '../model/source.js';
import type { FileChange } from '../model/types.js';

/** A parsed text and the post-image line of each of its rows (null for a row cptlint synthesised). */
export interface TextLayout {
  text: string;
  rowToPostLine: (number | null)[];
}

/**
 * @param file the file change the text was built from
 * @param layout the parsed text and its row map, asked for when first needed
 */
export function makeSourceLines(file: FileChange, layout: () => TextLayout): SourceLines {
  // Built on first use: most files are never asked for a line's text or input line (that is
  // for findings). Arrays indexed from the first shown line: a map entry per shown line was a
  // good part of a review's garbage.
  let byPostLine: { first: number; lineText: (string | undefined)[]; inputLine: (number | null | undefined)[] } | null = null;
  const lookups = (): { first: number; lineText: (string | undefined)[]; inputLine: (number | null | undefined)[] } => {
    if (byPostLine === null) {
      const segments = file.postImage?.segments ?? [];
      let first = Infinity;
      for (const segment of segments) first = Math.min(first, segment.startLine);
      const lineText: (string | undefined)[] = [];
      const inputLine: (number | null | undefined)[] = [];
      for (const segment of segments) {
        segment.lines.forEach((line, offset) => {
          lineText[segment.startLine + offset - first] = line;
          inputLine[segment.startLine + offset - first] = segment.inputLines[offset] ?? null;
        });
      }
      byPostLine = { first, lineText, inputLine };
    }
    return byPostLine;
  };
  const at = <T>(values: T[], first: number, postLine: number): T | undefined =>
    Number.isInteger(postLine) && postLine >= first ? values[postLine - first] : undefined;
  const added = file.postImage?.addedLines ?? new Set<number>();
  return {
    file,
    get text() {
      return layout().text;
    },
    postLineOfRow: (row) => layout().rowToPostLine[row] ?? null,
    lineText: (postLine) => {
      const { first, lineText } = lookups();
      return at(lineText, first, postLine);
    },
    isAdded: (postLine) => added.has(postLine),
    inputLineOf: (postLine) => {
      const { first, inputLine } = lookups();
      return at(inputLine, first, postLine) ?? null;
    },
  };
}

/**
 * The lines a patch shows of a file and the @@ headings above them, one per row: every word
 * of the text cptlint builds for the file comes from these (bar the rows it invents itself),
 * so a test of what the file mentions can read this before the text is built.
 */
export function shownTextOf(file: FileChange): string {
  const rows: string[] = [];
  for (const segment of file.postImage?.segments ?? []) {
    if (segment.sectionHeading !== '') rows.push(segment.sectionHeading);
    for (const line of segment.lines) rows.push(line);
  }
  return rows.join('\n');
}

/**
 * The post-image lines a patch shows, joined into one text with a blank row between
 * segments that do not touch, and the row map for it. Parsers that need no synthesised
 * context (assembler) use this as it is; the C parser builds on it.
 */
export function joinSegments(file: FileChange): { text: string; rowToPostLine: (number | null)[] } {
  const { rows, rowToPostLine } = segmentRows(file);
  return { text: rows.join('\n'), rowToPostLine };
}

/** The rows joinSegments joins (a line of a segment may itself hold a newline only if a caller built it so). */
export function segmentRows(file: FileChange): { rows: string[]; rowToPostLine: (number | null)[] } {
  const rows: string[] = [];
  const rowToPostLine: (number | null)[] = [];
  let nextLine: number | null = null;
  for (const segment of file.postImage?.segments ?? []) {
    if (nextLine !== null && segment.startLine !== nextLine) {
      rows.push('');
      rowToPostLine.push(null);
    }
    segment.lines.forEach((line, offset) => {
      rows.push(line);
      rowToPostLine.push(segment.startLine + offset);
    });
    nextLine = segment.startLine + segment.lines.length;
  }
  return { rows, rowToPostLine };
}

/** Post-image line of a node's first row (null when the row was synthesised by the parser). */
export function postLineOf(source: SourceLines, node: Node): number | null {
  return source.postLineOfRow(node.startPosition.row);
}
