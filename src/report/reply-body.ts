/**
 * The body of a reply draft, as kernel reviewers write one (and b4 review generates it):
 * the attribution line, the commit message quoted (cut when long), then only the hunks
 * that carry comments, each with its diff --git/---/+++ and @@ lines and at most five lines
 * of context above the commented line. What is cut between quoted parts shows as a line
 * "[...]" on its own, unquoted, as kernel reviewers write it (it is ours, not the author's);
 * the diff below the last comment is dropped. Each comment sits under its line, set off by
 * blank lines and wrapped at 72 columns. The sign-off closes the mail.
 */
import type { Finding, Patch, PatchReview } from '../model/types.js';
import { authorOf } from './reply-headers.js';
import { diffLineText, fileHeaderLines, locateFinding, quoteLine } from './quote.js';
import { PROSE_WIDTH, wrapProse } from './wrap.js';
import { quotePath } from './escape.js';
import { pushAll } from '../model/push-all.js';

/** b4's _REPLY_CONTEXT_LINES. */
export const REPLY_CONTEXT_LINES = 5;
/** A commit message longer than this is cut to its first COMMIT_MESSAGE_KEPT lines. */
export const COMMIT_MESSAGE_MAX_LINES = 20;
export const COMMIT_MESSAGE_KEPT = 10;
/** The part after "---" (diffstat, notes) is quoted only when this short. */
export const BELOW_FOLD_MAX_LINES = 12;

/** The elision line: unquoted, since the author never wrote it. */
export const CUT_MARKER = '[...]';

export interface ReplyBodyOptions {
  /** The sign-off at the end (the replier's name). */
  signature: string;
  contextLines?: number;
}

/** One line of the patch as the reply may quote it. */
interface QuotableLine {
  text: string;
  kept: boolean;
  comments: Finding[];
}

function trimTrailingBlankLines(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && lines[end - 1].trim() === '') end -= 1;
  return lines.slice(0, end);
}

/** The commit message lines, each marked kept or cut, and a blank line before the diff. */
function commitMessageLines(patch: Patch): QuotableLine[] {
  const lines = trimTrailingBlankLines(patch.commitMessage.replace(/\r\n?/g, '\n').split('\n'));
  if (lines.length === 0) return [];
  const foldIndex = lines.findIndex((line) => line === '---');
  const descriptionLength = foldIndex < 0 ? lines.length : foldIndex;
  const belowFoldLength = lines.length - descriptionLength;
  const keepDescription = (index: number) => descriptionLength <= COMMIT_MESSAGE_MAX_LINES || index < COMMIT_MESSAGE_KEPT;
  const keepBelowFold = belowFoldLength <= BELOW_FOLD_MAX_LINES;
  const quotable = lines.map((text, index) => ({
    text,
    kept: index < descriptionLength ? keepDescription(index) : keepBelowFold,
    comments: [],
  }));
  quotable.push({ text: '', kept: quotable[quotable.length - 1].kept, comments: [] });
  return quotable;
}

interface PlacedFindings {
  lines: QuotableLine[];
  /** Findings the hunks do not show. */
  unplaced: Finding[];
}

/** The diff as quotable lines, keeping only the context of each located finding. */
function diffLines(review: PatchReview, contextLines: number): PlacedFindings {
  const lines: QuotableLine[] = [];
  const unplaced: Finding[] = [];
  const indexOfHunkLine = new Map<object, number>();
  const indexOfHunkHeader = new Map<object, number>();
  const indexOfFileHeader = new Map<object, number>();

  for (const file of review.patch.files) {
    indexOfFileHeader.set(file, lines.length);
    for (const text of fileHeaderLines(file)) lines.push({ text, kept: false, comments: [] });
    for (const hunk of file.hunks) {
      indexOfHunkHeader.set(hunk, lines.length);
      lines.push({ text: hunk.header, kept: false, comments: [] });
      indexOfHunkLine.set(hunk, lines.length);
      for (const line of hunk.lines) lines.push({ text: diffLineText(line), kept: false, comments: [] });
    }
  }

  for (const finding of review.findings) {
    const place = locateFinding(review.patch, finding);
    if (!place) {
      unplaced.push(finding);
      continue;
    }
    const firstLine = indexOfHunkLine.get(place.hunk) ?? 0;
    const target = firstLine + place.lineIndex;
    for (let index = Math.max(firstLine, target - contextLines); index <= target; index += 1) lines[index].kept = true;
    lines[indexOfHunkHeader.get(place.hunk) ?? 0].kept = true;
    const fileHeader = indexOfFileHeader.get(place.file) ?? 0;
    for (let index = fileHeader; index < fileHeader + 3; index += 1) lines[index].kept = true;
    lines[target].comments.push(finding);
  }
  return { lines, unplaced };
}

function commentLines(findings: readonly Finding[]): string[] {
  const lines: string[] = [];
  for (const finding of findings) {
    lines.push('', ...wrapProse(finding.comment === '' ? finding.summary : finding.comment, PROSE_WIDTH));
  }
  lines.push('');
  return lines;
}

/**
 * Renders quotable lines up to the last one that carries a comment (or all of them when
 * `quoteToEnd`): kept lines quoted, each run of cut lines as one marker.
 */
function renderQuoted(lines: readonly QuotableLine[], quoteToEnd: boolean): string[] {
  let last = lines.length - 1;
  if (!quoteToEnd) while (last >= 0 && lines[last].comments.length === 0) last -= 1;
  const output: string[] = [];
  let inCut = false;
  for (let index = 0; index <= last; index += 1) {
    const line = lines[index];
    if (!line.kept) {
      if (!inCut) output.push(CUT_MARKER);
      inCut = true;
      continue;
    }
    inCut = false;
    // A line break inside a quoted text (a name, a stray CR) must not start an unquoted line
    // that reads as the reviewer's words: every piece is quoted.
    for (const piece of line.text.split(/\r\n?|\n/)) output.push(quoteLine(piece));
    if (line.comments.length > 0) output.push(...commentLines(line.comments));
  }
  return output;
}

function attribution(patch: Patch): string[] {
  const author = authorOf(patch);
  const name = (author.name || author.address || patch.author).replace(/\s+/g, ' ').trim();
  const text = patch.mail.date ? `On ${patch.mail.date.replace(/\s+/g, ' ').trim()}, ${name} wrote:` : `${name} wrote:`;
  return wrapProse(text, PROSE_WIDTH);
}

/** Comments on lines the hunks do not show: named by file and line, after the rest. */
function unplacedLines(findings: readonly Finding[]): string[] {
  const lines: string[] = [];
  for (const finding of findings) {
    lines.push('', ...wrapProse(`In ${quotePath(finding.file)}, line ${finding.line}: ${finding.comment || finding.summary}`, PROSE_WIDTH));
  }
  return lines;
}

/** The body of the reply, ending with a newline. */
export function buildReplyBody(review: PatchReview, options: ReplyBodyOptions): string {
  const contextLines = options.contextLines ?? REPLY_CONTEXT_LINES;
  const message = commitMessageLines(review.patch);
  const lines = [...attribution(review.patch)];
  if (review.findings.length === 0) {
    // The diff itself is cut: one unkept line stands for it.
    const diffCut: QuotableLine = { text: '', kept: false, comments: [] };
    pushAll(lines, renderQuoted([...message, diffCut], true)).push('', 'I have no comments on this patch.');
  } else {
    const diff = diffLines(review, contextLines);
    const placed = diff.lines.some((line) => line.comments.length > 0);
    pushAll(lines, renderQuoted(pushAll([...message], diff.lines), !placed));
    pushAll(lines, unplacedLines(diff.unplaced));
  }
  const body = trimTrailingBlankLines(lines);
  body.push('', ...options.signature.replace(/\r\n?/g, '\n').split('\n'));
  return `${body.join('\n')}\n`;
}
