/**
 * FileChange builders for tests: a new file from its text, or a modified file from hunks
 * written as a patch shows them. Input lines are unknown (null) in both.
 */
import type { FileChange, FileLanguage, Hunk, HunkLine, PostImageSegment } from '../../src/model/types.js';

function languageOf(path: string): FileLanguage {
  if (/\.[ch]$/.test(path)) return 'c';
  if (/\.S$/.test(path)) return 'asm';
  return 'other';
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** A file the patch creates: every line added, the whole file shown. */
export function newFileChange(path: string, text: string): FileChange {
  const lines = splitLines(text);
  const hunkLines: HunkLine[] = lines.map((line, index) => ({
    kind: 'added',
    text: line,
    oldLine: null,
    newLine: index + 1,
    inputLine: null,
  }));
  const hunk: Hunk = {
    header: `@@ -0,0 +1,${lines.length} @@`,
    oldStart: 0,
    oldLines: 0,
    newStart: 1,
    newLines: lines.length,
    sectionHeading: '',
    inputLine: null,
    lines: hunkLines,
  };
  return {
    path,
    oldPath: null,
    status: 'added',
    language: languageOf(path),
    added: lines.length,
    removed: 0,
    inputLine: null,
    hunks: [hunk],
    postImage: {
      segments: [{ startLine: 1, lines, inputLines: lines.map(() => null), sectionHeading: '' }],
      wholeFile: true,
      addedLines: new Set(lines.map((_, index) => index + 1)),
    },
  };
}

export interface HunkSpec {
  newStart: number;
  sectionHeading?: string;
  /** Each line prefixed with ' ' (context), '+' (added) or '-' (removed). */
  lines: string[];
}

const KIND_OF_PREFIX: Record<string, HunkLine['kind']> = { ' ': 'context', '+': 'added', '-': 'removed' };

function buildHunk(spec: HunkSpec, oldStart: number): Hunk {
  let oldLine = oldStart;
  let newLine = spec.newStart;
  const lines = spec.lines.map((written): HunkLine => {
    const kind = KIND_OF_PREFIX[written.charAt(0)];
    if (kind === undefined) {
      throw new Error(`hunk line must start with ' ', '+' or '-': ${JSON.stringify(written)}`);
    }
    const line: HunkLine = {
      kind,
      text: written.slice(1),
      oldLine: kind === 'added' ? null : oldLine++,
      newLine: kind === 'removed' ? null : newLine++,
      inputLine: null,
    };
    return line;
  });
  const oldLines = lines.filter((line) => line.kind !== 'added').length;
  const newLines = lines.filter((line) => line.kind !== 'removed').length;
  const heading = spec.sectionHeading ?? '';
  return {
    header: `@@ -${oldStart},${oldLines} +${spec.newStart},${newLines} @@${heading === '' ? '' : ` ${heading}`}`,
    oldStart,
    oldLines,
    newStart: spec.newStart,
    newLines,
    sectionHeading: heading,
    inputLine: null,
    lines,
  };
}

function segmentOf(hunk: Hunk): PostImageSegment {
  const shown = hunk.lines.filter((line) => line.kind !== 'removed');
  return {
    startLine: hunk.newStart,
    lines: shown.map((line) => line.text),
    inputLines: shown.map(() => null),
    sectionHeading: hunk.sectionHeading,
  };
}

/** A file the patch changes, from its hunks in order; old line numbers follow from the new ones. */
export function modifiedFileChange(path: string, hunkSpecs: HunkSpec[]): FileChange {
  const hunks: Hunk[] = [];
  let lineDelta = 0;
  for (const spec of hunkSpecs) {
    const hunk = buildHunk(spec, spec.newStart - lineDelta);
    lineDelta += hunk.newLines - hunk.oldLines;
    hunks.push(hunk);
  }
  const addedLines = new Set<number>();
  for (const hunk of hunks) {
    for (const line of hunk.lines) {
      if (line.kind === 'added' && line.newLine !== null) addedLines.add(line.newLine);
    }
  }
  const countOf = (kind: HunkLine['kind']) =>
    hunks.reduce((sum, hunk) => sum + hunk.lines.filter((line) => line.kind === kind).length, 0);
  return {
    path,
    oldPath: path,
    status: 'modified',
    language: languageOf(path),
    added: countOf('added'),
    removed: countOf('removed'),
    inputLine: null,
    hunks,
    postImage: { segments: hunks.map(segmentOf), wholeFile: false, addedLines },
  };
}
