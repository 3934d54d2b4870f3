/**
 * The terminal format, written like a review on the list: per patch its subject and
 * author; per finding the quoted lines of the patch, the comment under them wrapped at 72
 * columns, and a short trailer naming the rule and its severity. A closing summary counts
 * patches, findings by severity and input errors.
 *
 * Colour is the caller's decision (TTY, NO_COLOR, --no-color): level 0 prints plain text.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { Finding, InputError, Patch, PatchReview, Severity } from '../model/types.js';
import { escapeControls, quotePath } from './escape.js';
import { locateFinding, quotedWindow, quoteLine } from './quote.js';
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

function quotedLinesOf(chalk: ChalkInstance, patch: Patch, finding: Finding, contextLines: number): string[] {
  const place = locateFinding(patch, finding);
  // A finding the hunks do not show (it should not happen) still quotes its own line.
  const diffLines = place ? quotedWindow(place, contextLines) : [`+${finding.code}`];
  return diffLines.map((line) => colorQuotedDiffLine(chalk, line));
}

function findingBlock(chalk: ChalkInstance, patch: Patch, finding: Finding, contextLines: number): string[] {
  const color = severityColor(chalk, finding.severity);
  const lines = [chalk.bold(`${quotePath(finding.file)}:${finding.line}:`), ...quotedLinesOf(chalk, patch, finding, contextLines), ''];
  pushAll(lines, wrapProse(finding.comment === '' ? finding.summary : finding.comment, PROSE_WIDTH).map(escapeControls));
  lines.push('');
  for (const related of finding.related) lines.push(chalk.dim(`  see ${quotePath(related.file)}:${related.line}: ${escapeControls(related.note)}`));
  lines.push(`  (${color(finding.severity)}: ${finding.rule})`);
  return lines;
}

function inputErrorLines(chalk: ChalkInstance, errors: readonly InputError[]): string[] {
  return errors.map((error) => `  ${escapeControls(error.source)}:${error.line}: ${chalk.red(escapeControls(error.message))}`);
}

export function createPrettyReporter(options: PrettyReporterOptions = {}): Reporter {
  const chalk = new Chalk({ level: options.colorLevel ?? 0 });
  const contextLines = options.contextLines ?? PRETTY_CONTEXT_LINES;
  const counts = emptyCounts();
  let patchesReviewed = 0;

  return {
    start: () => '',
    patch(review: PatchReview): string {
      patchesReviewed += 1;
      countBySeverity(review.findings, counts);
      if (options.quiet && review.findings.length === 0) return '';
      const lines = patchHeading(chalk, review.patch);
      if (review.findings.length === 0) {
        lines.push(...fileCountLines(review.patch), chalk.dim('no findings'));
      } else {
        for (const finding of review.findings) lines.push('', ...findingBlock(chalk, review.patch, finding, contextLines));
      }
      return `${lines.join('\n')}\n\n`;
    },
    end(summary: ReportSummary): string {
      if (options.quiet && counts.error + counts.warning + counts.info === 0 && summary.errors.length === 0) return '';
      const tally = countsPhrase(counts);
      const lines = [`${pluralize(patchesReviewed, 'patch', 'patches')} reviewed: ${tally}; ${pluralize(summary.errors.length, 'input error')}.`];
      pushAll(lines, inputErrorLines(chalk, summary.errors));
      return `${lines.join('\n')}\n`;
    },
  };
}
