/**
 * b4's JSON protocol for `b4.review-perpatch-check-cmd` (docs/maintainer/review.rst, "CI
 * check integration"): stdout is one JSON array of
 *   {"tool", "status": "pass"|"warn"|"fail", "summary", "url", "details"}
 * one entry per patch. Input that could not be read becomes a "fail" entry, because an
 * empty array would tell b4 the patch passed.
 */
import type { Finding, InputError, PatchReview } from '../model/types.js';
import { escapeControls } from './escape.js';
import type { Reporter, ReportSummary } from './reporter.js';
import { countBySeverity, countPhrase, SEVERITIES, worstSeverity } from './severity.js';
import { terseLine } from './terse.js';
import { wrapProse } from './wrap.js';

export type B4Status = 'pass' | 'warn' | 'fail';

export interface B4CheckResult {
  tool: string;
  status: B4Status;
  summary: string;
  url?: string;
  details: string;
}

export interface B4ReporterOptions {
  /** Where a reader learns more (the project page); left out of the entries when absent. */
  url?: string;
}

export const B4_TOOL_NAME = 'cptlint';

function statusOf(findings: readonly Finding[]): B4Status {
  const worst = worstSeverity(findings);
  if (worst === null) return 'pass';
  return worst === 'error' ? 'fail' : 'warn';
}

function summaryOf(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'no findings';
  const counts = countBySeverity(findings);
  return SEVERITIES.filter((severity) => counts[severity] > 0)
    .map((severity) => countPhrase(counts[severity], severity))
    .join(', ');
}

/** Each finding as its terse line, with the reviewer's comment indented under it. */
function detailsOf(findings: readonly Finding[]): string {
  return findings
    .map((finding) => [terseLine(finding), ...wrapProse(finding.comment, 70).map((line) => (line === '' ? '' : `  ${escapeControls(line)}`))].join('\n'))
    .join('\n\n');
}

function entry(result: Omit<B4CheckResult, 'tool' | 'url'>, options: B4ReporterOptions): B4CheckResult {
  return { tool: B4_TOOL_NAME, ...result, ...(options.url === undefined ? {} : { url: options.url }) };
}

export function b4CheckResult(review: PatchReview, options: B4ReporterOptions = {}): B4CheckResult {
  const { findings } = review;
  return entry({ status: statusOf(findings), summary: summaryOf(findings), details: detailsOf(findings) }, options);
}

function inputErrorsResult(errors: readonly InputError[], options: B4ReporterOptions): B4CheckResult {
  const details = errors.map((error) => `${escapeControls(error.source)}:${error.line}: ${escapeControls(error.message)}`).join('\n');
  const summary = errors.length === 1 ? 'could not read part of the input' : `could not read ${errors.length} parts of the input`;
  return entry({ status: 'fail', summary, details }, options);
}

export function createB4Reporter(options: B4ReporterOptions = {}): Reporter {
  let entriesWritten = 0;
  const write = (result: B4CheckResult): string => {
    const separator = entriesWritten === 0 ? '\n' : ',\n';
    entriesWritten += 1;
    return separator + JSON.stringify(result);
  };
  return {
    start: () => '[',
    patch: (review: PatchReview) => write(b4CheckResult(review, options)),
    end(summary: ReportSummary): string {
      const errorEntry = summary.errors.length > 0 ? write(inputErrorsResult(summary.errors, options)) : '';
      return `${errorEntry}${entriesWritten === 0 ? '' : '\n'}]\n`;
    },
  };
}
