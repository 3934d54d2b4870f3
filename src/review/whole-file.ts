/**
 * With a kernel tree at hand (--tree), a file the patch shows in hunks can be analysed whole:
 * its complete post-image replaces the hunks (the added lines stay what the patch adds), and
 * the headers it includes come along as read-only context.
 */
import type { TreeContext } from '../model/review.js';
import type { FileChange, InputError, Patch, PostImage } from '../model/types.js';
import { languageOfPath } from '../parsers/language.js';

export function withWholeFile(
  patch: Patch,
  tree: TreeContext,
  errors: InputError[],
): { files: FileChange[]; context: FileChange[] } {
  const applied = tree.applyPatch(patch);
  if (!applied.applied) {
    errors.push({
      source: patch.source,
      line: patch.mail.startLine,
      message: `"${patch.subject}" does not apply to the tree${applied.message ? `: ${applied.message}` : ''}; reviewed from its hunks alone`,
    });
    return { files: patch.files, context: [] };
  }
  const files = patch.files.map((file) => {
    if (!file.postImage || file.language === 'other') return file;
    const text = tree.postImage(file.path);
    return text === null ? file : { ...file, postImage: wholePostImage(text, file.postImage) };
  });
  const shown = new Set(files.map((file) => file.path));
  const context: FileChange[] = [];
  for (const file of files) {
    if (file.language === 'other' || !file.postImage) continue;
    for (const header of tree.contextFiles(file.path)) {
      if (shown.has(header.path)) continue;
      shown.add(header.path);
      context.push(contextFile(header.path, header.text));
    }
  }
  return { files, context };
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function wholePostImage(text: string, patchImage: PostImage): PostImage {
  const lines = splitLines(text);
  const inputLines: (number | null)[] = lines.map(() => null);
  for (const segment of patchImage.segments) {
    segment.inputLines.forEach((inputLine, offset) => {
      const index = segment.startLine + offset - 1;
      if (index < inputLines.length) inputLines[index] = inputLine;
    });
  }
  return {
    segments: [{ startLine: 1, lines, inputLines, sectionHeading: '' }],
    wholeFile: true,
    addedLines: patchImage.addedLines,
  };
}

function contextFile(path: string, text: string): FileChange {
  const lines = splitLines(text);
  return {
    path,
    oldPath: path,
    status: 'modified',
    language: languageOfPath(path),
    added: 0,
    removed: 0,
    inputLine: null,
    hunks: [],
    postImage: {
      segments: [{ startLine: 1, lines, inputLines: lines.map(() => null), sectionHeading: '' }],
      wholeFile: true,
      addedLines: new Set(),
    },
  };
}
