/**
 * Quoting the patch the way reviewers do: diff lines as the patch shows them (with their
 * +, - or space prefix), `> ` in front, and the headers that let a reader find a hunk.
 */
import type { FileChange, Finding, Hunk, HunkLine, Patch } from '../model/types.js';
import { quotePath } from './escape.js';

/** Where a finding's line sits in the patch. */
export interface FindingPlace {
  file: FileChange;
  hunk: Hunk;
  /** Index of the line in `hunk.lines`. */
  lineIndex: number;
}

const PREFIX_OF_KIND: Record<HunkLine['kind'], string> = { context: ' ', added: '+', removed: '-' };

/** A hunk line as the diff shows it: "+\tret = foo();". */
export function diffLineText(line: HunkLine): string {
  return PREFIX_OF_KIND[line.kind] + line.text;
}

/** One quoted line; an empty quoted line is ">" alone, so the draft carries no trailing blanks. */
export function quoteLine(text: string): string {
  return text === '' ? '>' : `> ${text}`;
}

/** The file header lines of a diff: "diff --git", "---" and "+++", rebuilt from the file change. */
export function fileHeaderLines(file: FileChange): string[] {
  const oldPath = file.oldPath ?? file.path;
  // Odd names (a newline, a quote, a control) quoted as git writes them in a diff: one line each.
  const oldName = file.status === 'added' ? '/dev/null' : quotePath(`a/${oldPath}`);
  const newName = file.status === 'deleted' ? '/dev/null' : quotePath(`b/${file.path}`);
  return [`diff --git ${quotePath(`a/${oldPath}`)} ${quotePath(`b/${file.path}`)}`, `--- ${oldName}`, `+++ ${newName}`];
}

/**
 * Finds the hunk line a finding is about: the post-image line `finding.line` of
 * `finding.file`, preferring a line the patch adds over a context line.
 */
export function locateFinding(patch: Patch, finding: Finding): FindingPlace | null {
  const file = patch.files.find((candidate) => candidate.path === finding.file);
  if (!file) return null;
  let contextPlace: FindingPlace | null = null;
  for (const hunk of file.hunks) {
    const lineIndex = hunk.lines.findIndex((line) => line.kind !== 'removed' && line.newLine === finding.line);
    if (lineIndex < 0) continue;
    if (hunk.lines[lineIndex].kind === 'added') return { file, hunk, lineIndex };
    contextPlace ??= { file, hunk, lineIndex };
  }
  return contextPlace;
}
