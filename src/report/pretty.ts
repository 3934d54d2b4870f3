/**
 * The terminal format, written like a review on the list: per patch its subject and
 * author; the quoted lines of the patch with each comment under its line, wrapped at 72
 * columns, and a short trailer naming the rule and its severity. Findings on the same or
 * overlapping lines share one quote: no line of a patch is quoted twice. A closing summary
 * counts patches, findings by severity and input errors.
 *
 * On an input of several patches, the patches without findings are counted in the summary,
 * not printed one block each (`verbose` lists them, and adds the related lines of each
 * finding). A lone patch without findings still shows its files and "no findings".
 *
 * Colour is the caller's decision (TTY, NO_COLOR, --no-color): level 0 prints plain text.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { Finding, InputError, Patch, PatchReview, Severity } from '../model/types.js';
import { escapeControls, quotePath } from './escape.js';
import { diffLineText, locateFinding, quoteLine, type FindingPlace } from './quote.js';
import type { ColorLevel, Reporter, ReportSummary } from './reporter.js';
import { countBySeverity, countsPhrase, emptyCounts, pluralize } from './severity.js';
import { PROSE_WIDTH, wrapProse } from './wrap.js';
import { pushAll } from '../model/push-all.js';

export type { ColorLevel };

export interface PrettyReporterOptions {
  /** chalk's colour level: 0 none, 1 basic, 2 256 colours, 3 truecolor. */
  colorLevel?: ColorLevel;
  /** Lines of the hunk quoted above the commented line. */
  contextLines?: number;
  /**
   * Only the patches with findings, and the summary only when there is something in it (a
   * finding or an input error): a clean review prints nothing (the pre-commit hook).
   */
  quiet?: boolean;
  /** Also the related lines of each finding, and the list of the patches without findings. */
  verbose?: boolean;
}

export const PRETTY_CONTEXT_LINES = 3;

function severityColor(chalk: ChalkInstance, severity: Severity): ChalkInstance {
  if (severity === 'error') return chalk.red;
  if (severity === 'warning') return chalk.yellow;
  return chalk.cyan;
}

function colorQuotedDiffLine(chalk: ChalkInstance, diffLine: string): string {
  const quoted = escapeControls(quoteLine(diffLine));
  return diffLine.startsWith('+') ? chalk.dim('>') + chalk.green(quoted.slice(1)) : chalk.dim(quoted);
}

function patchHeading(chalk: ChalkInstance, patch: Patch): string[] {
  return [chalk.bold(escapeControls(patch.subject || patch.title)), escapeControls(patch.author)];
}

function fileCountLines(patch: Patch): string[] {
  const paths = patch.files.map((file) => quotePath(file.path));
  const width = paths.reduce((widest, path) => Math.max(widest, path.length), 0);
  return patch.files.map((file, index) => ` ${paths[index].padEnd(width)}  +${file.added} -${file.removed}`);
}

/** The findings that share one quote: a run of lines of one hunk, or one finding the hunks do not show. */
interface QuoteBlock {
  place: FindingPlace | null;
  /** Index in the hunk of the first quoted line. */
  first: number;
  /** Index in the hunk of the last commented line. */
  last: number;
  findings: { finding: Finding; lineIndex: number }[];
}

/**
 * Groups the findings whose quotes (up to `contextLines` lines above each commented line)
 * overlap or touch, so that each block quotes its lines once, in patch order.
 */
function quoteBlocks(patch: Patch, findings: readonly Finding[], contextLines: number): QuoteBlock[] {
  const byHunk = new Map<object, QuoteBlock[]>();
  const unplaced: QuoteBlock[] = [];
  const placed = findings.map((finding) => ({ finding, place: locateFinding(patch, finding) }));
  placed.sort((a, b) => (a.place?.lineIndex ?? 0) - (b.place?.lineIndex ?? 0));
  for (const { finding, place } of placed) {
    if (place === null) {
      unplaced.push({ place: null, first: 0, last: 0, findings: [{ finding, lineIndex: 0 }] });
      continue;
    }
    const first = Math.max(0, place.lineIndex - contextLines);
    const blocks = byHunk.get(place.hunk) ?? [];
    byHunk.set(place.hunk, blocks);
    const previous = blocks[blocks.length - 1];
    if (previous !== undefined && first <= previous.last + 1) {
      previous.last = Math.max(previous.last, place.lineIndex);
      previous.findings.push({ finding, lineIndex: place.lineIndex });
    } else {
      blocks.push({ place, first, last: place.lineIndex, findings: [{ finding, lineIndex: place.lineIndex }] });
    }
  }
  const ordered: QuoteBlock[] = [];
  for (const file of patch.files) for (const hunk of file.hunks) ordered.push(...(byHunk.get(hunk) ?? []));
  return [...ordered, ...unplaced];
}

function commentLines(chalk: ChalkInstance, finding: Finding, verbose: boolean): string[] {
  const color = severityColor(chalk, finding.severity);
  const lines = ['', ...wrapProse(finding.comment === '' ? finding.summary : finding.comment, PROSE_WIDTH).map(escapeControls), ''];
  if (verbose) for (const related of finding.related) lines.push(chalk.dim(`  see ${quotePath(related.file)}:${related.line}: ${escapeControls(related.note)}`));
  lines.push(`  (${color(finding.severity)}: ${finding.rule})`);
  return lines;
}

function blockLines(chalk: ChalkInstance, block: QuoteBlock, verbose: boolean): string[] {
  const heading = block.findings[0].finding;
  const lines = [chalk.bold(`${quotePath(heading.file)}:${heading.line}:`)];
  if (block.place === null) {
    // A finding the hunks do not show (it should not happen) still quotes its own line.
    lines.push(colorQuotedDiffLine(chalk, `+${heading.code}`));
    pushAll(lines, commentLines(chalk, heading, verbose));
    return lines;
  }
  const hunkLines = block.place.hunk.lines;
  let next = block.first;
  for (const { finding, lineIndex } of block.findings) {
    // The quote goes on under the trailer of the comment before.
    if (next > block.first && next <= lineIndex) lines.push('');
    for (; next <= lineIndex; next += 1) lines.push(colorQuotedDiffLine(chalk, diffLineText(hunkLines[next])));
    pushAll(lines, commentLines(chalk, finding, verbose));
  }
  return lines;
}

function inputErrorLines(chalk: ChalkInstance, errors: readonly InputError[]): string[] {
  return errors.map((error) => `  ${escapeControls(error.source)}:${error.line}: ${chalk.red(escapeControls(error.message))}`);
}

export function createPrettyReporter(options: PrettyReporterOptions = {}): Reporter {
  const chalk = new Chalk({ level: options.colorLevel ?? 0 });
  const contextLines = options.contextLines ?? PRETTY_CONTEXT_LINES;
  const verbose = options.verbose === true;
  const counts = emptyCounts();
  let patchesReviewed = 0;
  /** The patches without findings, by subject. */
  const clean: string[] = [];
  /** The block of a first patch without findings, printed at the end if it stays the only patch. */
  let loneClean = '';

  return {
    start: () => '',
    patch(review: PatchReview): string {
      patchesReviewed += 1;
      countBySeverity(review.findings, counts);
      if (review.findings.length === 0) {
        clean.push(review.patch.subject || review.patch.title);
        if (!options.quiet && patchesReviewed === 1) {
          loneClean = `${[...patchHeading(chalk, review.patch), ...fileCountLines(review.patch), chalk.dim('no findings')].join('\n')}\n\n`;
        }
        return '';
      }
      const lines = patchHeading(chalk, review.patch);
      for (const block of quoteBlocks(review.patch, review.findings, contextLines)) lines.push('', ...blockLines(chalk, block, verbose));
      return `${lines.join('\n')}\n\n`;
    },
    end(summary: ReportSummary): string {
      if (options.quiet && counts.error + counts.warning + counts.info === 0 && summary.errors.length === 0) return '';
      const lone = patchesReviewed === 1 ? loneClean : '';
      const lines: string[] = [];
      const counted = clean.length > 0 && patchesReviewed > 1;
      if (counted && verbose && !options.quiet) lines.push('Without findings:', ...clean.map((subject) => `  ${subject}`), '');
      const without = counted ? ` (${clean.length} without findings)` : '';
      const tally = countsPhrase(counts);
      lines.push(`${pluralize(patchesReviewed, 'patch', 'patches')} reviewed${without}: ${tally}; ${pluralize(summary.errors.length, 'input error')}.`);
      pushAll(lines, inputErrorLines(chalk, summary.errors));
      return `${lone}${lines.join('\n')}\n`;
    },
  };
}
