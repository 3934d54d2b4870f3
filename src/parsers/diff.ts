/**
 * The diff of a patch -> FileChange[]: each file's hunks with their lines numbered in the
 * pre- and post-image, the input line that shows each of them, and the post-image text the
 * patch shows (what the C and assembler parsers read).
 *
 * diff-scan.ts finds the files and hunks as `git apply` does (and says what it cannot
 * read); parse-diff numbers the lines of the hunks it found; this module puts the two
 * together, aligning parse-diff's changes with the lines of the text in order.
 */
import parseUnifiedDiff from 'parse-diff';
import type { FileChange, FileStatus, Hunk, HunkLine, InputError, PostImage, PostImageSegment } from '../model/types.js';
import { hunkLineKind, isNoNewlineMarker } from './diff-hunk.js';
import { type LineLocator, type ScannedFile, type ScannedHunk, scanDiff } from './diff-scan.js';
import { languageOfPath } from './language.js';

export interface ParseDiffOptions {
  /** The input path as given, or "-" for standard input. */
  source: string;
  /** Input line of the text's first line; null when unknown (then every inputLine is null). */
  firstInputLine: number | null;
}

export interface ParsedDiff {
  files: FileChange[];
  errors: InputError[];
}

/** Input line of a 0-based line index of the text, or null when the text's place is unknown. */
type InputLineOf = (index: number) => number | null;

/**
 * Reads the diff part of a mail body (from its first diff line on, as `git mailinfo` cuts
 * it; LF line ends). Never throws: what cannot be read is an InputError and the rest of the
 * files are still returned. Counts are those of `git apply --numstat`.
 */
export function parseDiff(text: string, options: ParseDiffOptions): ParsedDiff {
  const lines = splitLines(text);
  const { firstInputLine } = options;
  const inputLineOf: InputLineOf = (index) => (firstInputLine === null ? null : firstInputLine + index);
  const locate: LineLocator = (index) =>
    firstInputLine === null ? `line ${index + 1} of the diff` : `line ${firstInputLine + index}`;
  const scan = scanDiff(lines, locate);
  const errors: InputError[] = scan.problems.map((problem) => ({
    source: options.source,
    line: inputLineOf(problem.index) ?? 0,
    message: problem.message,
  }));
  if (scan.files.length === 0 && errors.length === 0 && lines.some((line) => line.trim() !== '')) {
    errors.push({
      source: options.source,
      line: inputLineOf(0) ?? 0,
      message: `no valid patches in input: no file diff starts in ${locate(0)} or after it`,
    });
  }
  const files = scan.files.map((file) => buildFileChange(file, lines, inputLineOf));
  return { files, errors: capErrors(errors) };
}

/** A diff that is garbage throughout would otherwise give one error per line. */
const MAX_ERRORS_PER_DIFF = 100;

function capErrors(errors: InputError[]): InputError[] {
  if (errors.length <= MAX_ERRORS_PER_DIFF) return errors;
  const kept = errors.slice(0, MAX_ERRORS_PER_DIFF - 1);
  const first = errors[MAX_ERRORS_PER_DIFF - 1];
  const more = errors.length - kept.length;
  const from = first.line > 0 ? `, from line ${first.line} on,` : '';
  return [...kept, { ...first, message: `${more} more problems in this diff${from} are not listed` }];
}

/** The text's lines; the newline that ends the last line does not start another. */
function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function buildFileChange(file: ScannedFile, lines: readonly string[], inputLineOf: InputLineOf): FileChange {
  const path = file.newName ?? file.oldName ?? '';
  const hunks = numberHunks(file.hunks, lines, inputLineOf);
  const status = statusOf(file);
  let added = 0;
  let removed = 0;
  for (const hunk of hunks) {
    for (const line of hunk.lines) {
      if (line.kind === 'added') added += 1;
      if (line.kind === 'removed') removed += 1;
    }
  }
  return {
    path,
    oldPath: file.isRename || file.isCopy ? file.oldName : null,
    status,
    language: languageOfPath(path),
    added,
    removed,
    inputLine: inputLineOf(file.headerIndex),
    hunks,
    postImage: status === 'deleted' || status === 'binary' ? null : postImageOf(hunks, status === 'added'),
    preImageBlob: file.preImageBlob,
  };
}

function statusOf(file: ScannedFile): FileStatus {
  if (file.binary) return 'binary';
  if (file.isNew) return 'added';
  if (file.isDelete) return 'deleted';
  // A copy has an old path and shows only part of its post-image, as a rename does.
  if (file.isRename || file.isCopy) return 'renamed';
  return 'modified';
}

/**
 * The canonical marker parse-diff recognises: git accepts "\ " in any locale, parse-diff
 * only the English text, so the text it is given carries that one.
 */
const NO_NEWLINE_MARKER = '\\ No newline at end of file';

/** A hunk as given to parse-diff: the indices of the lines parse-diff numbers, in order. */
interface HunkForParser {
  hunk: ScannedHunk;
  /** Indices of the hunk's lines (markers excluded), in order. */
  lineIndices: number[];
}

/**
 * Gives parse-diff the hunks the scan found, each with a header whose counts are those of
 * the lines it really has (a hunk cut short keeps the lines it showed), and aligns the
 * changes it returns with the lines of the text, in order.
 */
function numberHunks(scanned: readonly ScannedHunk[], lines: readonly string[], inputLineOf: InputLineOf): Hunk[] {
  // The text of all the file's hunks is built in one array and joined once.
  const parserText: string[] = [];
  const forParser = scanned.map((hunk) => addHunkForParser(hunk, lines, parserText));
  const chunks = parserText.length === 0 ? [] : (parseUnifiedDiff(parserText.join('\n'))[0]?.chunks ?? []);
  let chunkIndex = 0;
  return forParser.map((entry) => {
    const changes = entry.lineIndices.length > 0 ? (chunks[chunkIndex++]?.changes ?? []) : [];
    return alignHunk(entry, changes, lines, inputLineOf);
  });
}

/**
 * Appends a hunk's header and body lines to `parserText`. A hunk with no line at all (cut
 * right after its header) is not given: parse-diff would read the next header as its content.
 */
function addHunkForParser(hunk: ScannedHunk, lines: readonly string[], parserText: string[]): HunkForParser {
  const lineIndices: number[] = [];
  const headerAt = parserText.length;
  parserText.push(''); // the header, once the counts are known
  let oldCount = 0;
  let newCount = 0;
  for (let index = hunk.bodyStart; index < hunk.bodyEnd; index += 1) {
    const line = lines[index];
    const kind = isNoNewlineMarker(line) ? null : hunkLineKind(line);
    if (kind === null) {
      // A marker with no line before it in the hunk marks nothing.
      if (lineIndices.length > 0 && line.startsWith('\\ ')) parserText.push(NO_NEWLINE_MARKER);
      continue;
    }
    if (kind !== 'added') oldCount += 1;
    if (kind !== 'removed') newCount += 1;
    lineIndices.push(index);
    parserText.push(line === '' ? ' ' : line);
  }
  if (lineIndices.length === 0) {
    parserText.length = headerAt;
  } else {
    const { oldStart, newStart } = hunk.range;
    parserText[headerAt] = `@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`;
  }
  return { hunk, lineIndices };
}

const KIND_OF_CHANGE: Record<parseUnifiedDiff.ChangeType, HunkLine['kind']> = {
  normal: 'context',
  add: 'added',
  del: 'removed',
};

function alignHunk(
  entry: HunkForParser,
  changes: readonly parseUnifiedDiff.Change[],
  lines: readonly string[],
  inputLineOf: InputLineOf,
): Hunk {
  const { hunk, lineIndices } = entry;
  const hunkLines: HunkLine[] = [];
  let previous: HunkLine | undefined;
  for (const change of changes) {
    if (change.content.startsWith('\\')) {
      if (previous !== undefined) previous.noNewlineAtEnd = true;
      continue;
    }
    const index = lineIndices[hunkLines.length];
    if (index === undefined) break;
    previous = {
      kind: KIND_OF_CHANGE[change.type],
      text: lines[index].slice(1),
      oldLine: change.type === 'normal' ? change.ln1 : change.type === 'del' ? change.ln : null,
      newLine: change.type === 'normal' ? change.ln2 : change.type === 'add' ? change.ln : null,
      inputLine: inputLineOf(index),
    };
    hunkLines.push(previous);
  }
  return {
    header: lines[hunk.headerIndex],
    oldStart: hunk.range.oldStart,
    oldLines: hunk.range.oldLines,
    newStart: hunk.range.newStart,
    newLines: hunk.range.newLines,
    sectionHeading: hunk.range.sectionHeading,
    inputLine: inputLineOf(hunk.headerIndex),
    lines: hunkLines,
  };
}

/**
 * One segment per hunk with the hunk's context and added lines at their post-image lines.
 * The segments are the whole file for a new file, and for a single hunk from line 1 whose
 * last line is the file's last (git's "\ No newline" after it says so).
 */
function postImageOf(hunks: readonly Hunk[], isNewFile: boolean): PostImage {
  const segments: PostImageSegment[] = [];
  const addedLines = new Set<number>();
  for (const hunk of hunks) {
    let startLine: number | null | undefined;
    const shownLines: string[] = [];
    const inputLines: (number | null)[] = [];
    for (const line of hunk.lines) {
      if (line.kind === 'removed') continue;
      if (line.kind === 'added' && line.newLine !== null) addedLines.add(line.newLine);
      if (shownLines.length === 0) startLine = line.newLine;
      shownLines.push(line.text);
      inputLines.push(line.inputLine);
    }
    if (startLine === undefined || startLine === null) continue;
    segments.push({ startLine, lines: shownLines, inputLines, sectionHeading: hunk.sectionHeading });
  }
  return { segments, wholeFile: isNewFile || showsWholeFile(hunks, segments), addedLines };
}

function showsWholeFile(hunks: readonly Hunk[], segments: readonly PostImageSegment[]): boolean {
  if (hunks.length !== 1 || segments.length !== 1 || segments[0].startLine !== 1) return false;
  const lastShown = hunks[0].lines.filter((line) => line.kind !== 'removed').at(-1);
  return lastShown?.noNewlineAtEnd === true;
}
