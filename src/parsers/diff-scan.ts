/**
 * Splits the lines of a diff into file sections the way `git apply` finds them (apply.c:
 * find_header, parse_git_diff_header, parse_traditional_patch, parse_single_patch): a
 * "diff --git" line with its extended header, or a "--- " / "+++ " pair directly followed
 * by "@@ -"; then the hunks that follow one another; then, when there is no hunk, a binary
 * marker. Anything else between files is skipped, as git skips it. What cannot be read
 * becomes a problem with its line, and the scan goes on.
 *
 * One pass over the lines; no regular expression runs on a whole line.
 */
import { type HunkRange, isNoNewlineMarker, parseHunkHeader, readHunkBody, type HunkBodyProblem } from './diff-hunk.js';
import {
  gitDiffLineName,
  gitHeaderFieldName,
  guessPValue,
  hasEpochTimestamp,
  isDevNull,
  traditionalName,
} from './diff-paths.js';

export interface ScannedHunk {
  /** Index in the lines of the "@@" line. */
  headerIndex: number;
  range: HunkRange;
  /** Body lines are [bodyStart, bodyEnd). */
  bodyStart: number;
  bodyEnd: number;
}

export interface ScannedFile {
  /** Index of the first header line ("diff --git", or "---" when there is none). */
  headerIndex: number;
  oldName: string | null;
  newName: string | null;
  isNew: boolean;
  isDelete: boolean;
  /** Renamed or copied: the names come from "rename from/to" or "copy from/to". */
  isRename: boolean;
  isCopy: boolean;
  oldMode: string | null;
  newMode: string | null;
  /** The abbreviated blob id of the pre-image, from "index <old>..<new>" (null for a new file or none). */
  preImageBlob: string | null;
  binary: boolean;
  hunks: ScannedHunk[];
}

export interface ScanProblem {
  /** Index of the line the problem is about. */
  index: number;
  message: string;
}

export interface DiffScan {
  files: ScannedFile[];
  problems: ScanProblem[];
}

/** How a message names line `index`: "line 57" of the input, or "line 12 of the diff". */
export type LineLocator = (index: number) => string;

/** git format-patch ends the mail with "-- " and the git version; some mailers trim the space. */
function isSignature(line: string): boolean {
  return line === '-- ' || line === '--';
}

const GIT_BINARY_PATCH = 'GIT binary patch';

type ExtendedHeaderField = (file: ScannedFile, field: string, p: number) => void;

/** git's optable in parse_git_diff_header, less "@@ -" (the end of the header). */
const EXTENDED_HEADER_FIELDS: [prefix: string, apply: ExtendedHeaderField][] = [
  ['--- ', (file, field, p) => setName(file, 'oldName', field, p)],
  ['+++ ', (file, field, p) => setName(file, 'newName', field, p)],
  ['old mode ', (file, field) => (file.oldMode = field)],
  ['new mode ', (file, field) => (file.newMode = field)],
  ['deleted file mode ', (file, field) => ((file.isDelete = true), (file.oldMode = field))],
  ['new file mode ', (file, field) => ((file.isNew = true), (file.newMode = field))],
  ['copy from ', (file, field, p) => ((file.isCopy = true), (file.oldName = renameName(field, p)))],
  ['copy to ', (file, field, p) => ((file.isCopy = true), (file.newName = renameName(field, p)))],
  ['rename old ', (file, field, p) => ((file.isRename = true), (file.oldName = renameName(field, p)))],
  ['rename new ', (file, field, p) => ((file.isRename = true), (file.newName = renameName(field, p)))],
  ['rename from ', (file, field, p) => ((file.isRename = true), (file.oldName = renameName(field, p)))],
  ['rename to ', (file, field, p) => ((file.isRename = true), (file.newName = renameName(field, p)))],
  ['similarity index ', () => undefined],
  ['dissimilarity index ', () => undefined],
  [
    'index ',
    (file, field) => {
      const match = /^([0-9a-f]{4,64})\.\.[0-9a-f]{4,64}/.exec(field);
      file.preImageBlob = match && !/^0+$/.test(match[1]) ? match[1] : null;
    },
  ],
];

/** "--- a/x" names the old side unless a rename line already did; "/dev/null" names no file. */
function setName(file: ScannedFile, side: 'oldName' | 'newName', field: string, p: number): void {
  if (isDevNull(field)) {
    if (side === 'oldName') file.isNew = true;
    else file.isDelete = true;
    return;
  }
  file[side] ??= gitHeaderFieldName(field, p, true);
}

/** Rename and copy lines carry the path without the a/ b/ prefix (git strips one level less). */
function renameName(field: string, p: number): string | null {
  return gitHeaderFieldName(field, Math.max(p - 1, 0), false);
}

function emptyFile(headerIndex: number): ScannedFile {
  return {
    headerIndex,
    oldName: null,
    newName: null,
    isNew: false,
    isDelete: false,
    isRename: false,
    isCopy: false,
    oldMode: null,
    newMode: null,
    preImageBlob: null,
    binary: false,
    hunks: [],
  };
}

function fileLabel(file: ScannedFile): string {
  return file.newName ?? file.oldName ?? 'a file without a name';
}

class DiffScanner {
  private readonly files: ScannedFile[] = [];
  private readonly problems: ScanProblem[] = [];
  /** git's -p: 1 unless a traditional header with a bare name ("--- Makefile") says 0. */
  private stripComponents = 1;
  private stripComponentsKnown = false;
  /** The last hunk read in full, while only garbage followed it: hunk-like lines here were meant for it. */
  private lastCompleteHunk: { file: ScannedFile; hunk: ScannedHunk } | null = null;

  constructor(
    private readonly lines: readonly string[],
    private readonly locate: LineLocator,
  ) {}

  scan(): DiffScan {
    let index = 0;
    while (index < this.lines.length) {
      const line = this.lines[index];
      if (isSignature(line)) break;
      const next = this.readFileAt(index) ?? this.readOrphanHunkAt(index);
      if (next !== null) {
        index = next;
        continue;
      }
      this.noteGarbage(index);
      index += 1;
    }
    return { files: this.files, problems: this.problems };
  }

  private problem(index: number, message: string): void {
    this.problems.push({ index, message });
  }

  /** Reads the file section that starts at `index`; returns the index after it, or null when none starts there. */
  private readFileAt(index: number): number | null {
    const line = this.lines[index];
    if (line.startsWith('diff --git ')) return this.readGitFile(index);
    const isTraditional =
      line.startsWith('--- ') &&
      index + 2 < this.lines.length &&
      this.lines[index + 1].startsWith('+++ ') &&
      this.lines[index + 2].startsWith('@@ -');
    return isTraditional ? this.readTraditionalFile(index) : null;
  }

  private readGitFile(index: number): number | null {
    const file = emptyFile(index);
    let next = index + 1;
    while (next < this.lines.length) {
      const line = this.lines[next];
      const field = EXTENDED_HEADER_FIELDS.find(([prefix]) => line.startsWith(prefix));
      if (field === undefined) break;
      field[1](file, line.slice(field[0].length), this.stripComponents);
      next += 1;
    }
    // A "diff --git" line with no header line after it is not a file for git: it reads on.
    if (next === index + 1) return null;
    this.nameFromDiffLine(file, this.lines[index].slice('diff --git '.length));
    return this.readFileBody(file, next);
  }

  /** Mode changes, binary files and pure renames have no ---/+++ lines: the diff line names them. */
  private nameFromDiffLine(file: ScannedFile, rest: string): void {
    if (file.oldName !== null || file.newName !== null) {
      if (!file.isNew) file.oldName ??= file.newName;
      if (!file.isDelete) file.newName ??= file.oldName;
      return;
    }
    const name = gitDiffLineName(rest, this.stripComponents);
    if (name === null) {
      const components = `${this.stripComponents} leading pathname component${this.stripComponents === 1 ? '' : 's'}`;
      this.problem(
        file.headerIndex,
        `git diff header lacks filename information when removing ${components} (${this.locate(file.headerIndex)})`,
      );
      return;
    }
    file.oldName = file.isNew ? null : name;
    file.newName = file.isDelete ? null : name;
  }

  private readTraditionalFile(index: number): number {
    const oldField = this.lines[index].slice(4);
    const newField = this.lines[index + 1].slice(4);
    this.guessStripComponents(oldField, newField);
    const p = this.stripComponents;
    const file = emptyFile(index);
    if (isDevNull(oldField)) {
      file.isNew = true;
      file.newName = traditionalName(newField, p, null);
    } else if (isDevNull(newField)) {
      file.isDelete = true;
      file.oldName = traditionalName(oldField, p, null);
    } else {
      const name = traditionalName(newField, p, traditionalName(oldField, p, null));
      file.isNew = hasEpochTimestamp(oldField);
      file.isDelete = !file.isNew && hasEpochTimestamp(newField);
      file.oldName = file.isNew ? null : name;
      file.newName = file.isDelete ? null : name;
    }
    if (file.oldName === null && file.newName === null) {
      this.problem(index, `unable to find filename in patch at ${this.locate(index)}`);
    }
    return this.readFileBody(file, index + 2);
  }

  private guessStripComponents(oldField: string, newField: string): void {
    if (this.stripComponentsKnown) return;
    let guess = guessPValue(oldField);
    const newGuess = guessPValue(newField);
    if (guess < 0) guess = newGuess;
    if (guess >= 0 && guess === newGuess) {
      this.stripComponents = guess;
      this.stripComponentsKnown = true;
    }
  }

  /** Hunks, or else a binary marker; the file is kept only when it has a name. */
  private readFileBody(file: ScannedFile, start: number): number {
    this.lastCompleteHunk = null;
    let next = this.readHunks(file, start);
    if (file.hunks.length === 0) next = this.readBinaryMarker(file, next);
    if (file.oldName !== null || file.newName !== null) this.files.push(file);
    return next;
  }

  /** Hunks that follow one another directly; the first that cannot be read ends the file. */
  private readHunks(file: ScannedFile, start: number): number {
    let index = start;
    while (index < this.lines.length && this.lines[index].startsWith('@@ -')) {
      const range = parseHunkHeader(this.lines[index]);
      if (range === null) {
        this.problem(index, `corrupt patch at ${this.locate(index)}: cannot read the hunk header "${clip(this.lines[index])}"`);
        return index;
      }
      const readOn = this.readHunk(file, index, range);
      index = readOn.next;
      if (!readOn.complete) break;
    }
    return index;
  }

  private readHunk(file: ScannedFile, headerIndex: number, range: HunkRange): { next: number; complete: boolean } {
    const body = readHunkBody(this.lines, headerIndex + 1, range);
    const hunk: ScannedHunk = { headerIndex, range, bodyStart: headerIndex + 1, bodyEnd: body.end };
    file.hunks.push(hunk);
    if (body.problem !== null) this.reportHunkProblem(file, hunk, body.problem);
    const complete = body.problem === null || body.problem.kind === 'no-change';
    this.lastCompleteHunk = complete ? { file, hunk } : null;
    return { next: body.end, complete };
  }

  private reportHunkProblem(file: ScannedFile, hunk: ScannedHunk, problem: HunkBodyProblem): void {
    const { oldLines, newLines } = hunk.range;
    const which = `hunk "${clip(this.lines[hunk.headerIndex])}" of ${fileLabel(file)} (${this.locate(hunk.headerIndex)})`;
    if (problem.kind === 'no-change') {
      this.problem(hunk.headerIndex, `corrupt patch at ${this.locate(hunk.headerIndex)}: ${which} adds and removes no line`);
      return;
    }
    if (problem.kind === 'overrun') {
      const side = problem.lineKind === 'added' ? 'new' : 'old';
      const count = side === 'new' ? newLines : oldLines;
      this.problem(
        problem.at,
        `corrupt patch at ${this.locate(problem.at)}: ${which} has more ${side} lines than the ${count} its header counts`,
      );
      return;
    }
    const counted = `${oldLines} old and ${newLines} new lines`;
    const seen = `${problem.seenOld} and ${problem.seenNew}`;
    if (problem.at >= this.lines.length) {
      const last = this.lines.length - 1;
      this.problem(last, `corrupt patch at ${this.locate(last)}: the diff ends inside ${which}, which counts ${counted} but shows ${seen}`);
      return;
    }
    this.problem(problem.at, `corrupt patch at ${this.locate(problem.at)}: ${which} counts ${counted} but shows only ${seen}`);
  }

  /** After a file's header and no hunk: "GIT binary patch" with its data, or "Binary files a/x and b/y differ". */
  private readBinaryMarker(file: ScannedFile, index: number): number {
    const line = this.lines[index];
    if (line === undefined) return index;
    if (line === GIT_BINARY_PATCH) {
      file.binary = true;
      return this.skipBinaryData(index + 1);
    }
    if ((line.startsWith('Binary files ') || line.startsWith('Files ')) && line.endsWith(' differ')) {
      file.binary = true;
      return index + 1;
    }
    return index;
  }

  /**
   * A binary patch is one or two blocks ("literal N" or "delta N", base85 lines, a blank
   * line). Base85 has no space, so a line with one ends the data even when a block is cut.
   */
  private skipBinaryData(start: number): number {
    let index = start;
    for (let block = 0; block < 2; block += 1) {
      const line = this.lines[index];
      if (line === undefined || !(line.startsWith('literal ') || line.startsWith('delta '))) {
        if (block === 0) this.problem(index - 1, `unrecognized binary patch at ${this.locate(index - 1)}`);
        return index;
      }
      index += 1;
      while (index < this.lines.length && this.lines[index] !== '' && !this.lines[index].includes(' ')) index += 1;
      if (this.lines[index] === '') index += 1;
    }
    return index;
  }

  /**
   * A hunk header with no file header before it: git refuses the whole patch. Here the hunk
   * is read on as part of the file before it, when there is one, so its lines are not lost.
   */
  private readOrphanHunkAt(index: number): number | null {
    const line = this.lines[index];
    if (!line.startsWith('@@ -')) return null;
    const range = parseHunkHeader(line);
    if (range === null) return null;
    const owner = this.files.at(-1);
    const readAs = owner === undefined ? 'skipped' : `read as part of ${fileLabel(owner)}`;
    this.problem(index, `patch fragment without header at ${this.locate(index)}: ${clip(line)} (${readAs})`);
    // A skipped fragment is one problem, said once: its body is passed over without judging it.
    if (owner === undefined) return readHunkBody(this.lines, index + 1, range).end;
    return this.readHunk(owner, index, range).next;
  }

  /** Lines between files are skipped; those that look like hunk lines right after a hunk were meant for it. */
  private noteGarbage(index: number): void {
    const line = this.lines[index];
    if (line === '') return;
    const looksLikeHunkLine = line[0] === '+' || line[0] === '-' || line[0] === ' ' || isNoNewlineMarker(line);
    const after = this.lastCompleteHunk;
    this.lastCompleteHunk = null;
    if (!looksLikeHunkLine || after === null) return;
    const { oldLines, newLines } = after.hunk.range;
    this.problem(
      index,
      `${this.locate(index)} ("${clip(line)}") follows hunk "${clip(this.lines[after.hunk.headerIndex])}" of ${fileLabel(after.file)} ` +
        `but lies past the ${oldLines} old and ${newLines} new lines its header counts: git apply ignores it`,
    );
  }
}

/** A line quoted in a message: long lines are cut, so one bad line cannot make a huge message. */
function clip(line: string): string {
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

export function scanDiff(lines: readonly string[], locate: LineLocator): DiffScan {
  return new DiffScanner(lines, locate).scan();
}
