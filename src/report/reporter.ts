/**
 * The shape every output format has. Reporters are incremental: the CLI writes what
 * `start()` returns, then what `patch()` returns for each patch as soon as it is reviewed,
 * then what `end()` returns, so a multi-gigabyte mailbox never has to sit in memory.
 * Concatenated, the three form one complete output (one valid JSON document, for example).
 */
import type { InputError, PatchReview, RuleMeta } from '../model/types.js';

/** chalk's colour levels: 0 is none. */
export type ColorLevel = 0 | 1 | 2 | 3;

/** What the formats need beyond the findings. */
export interface ReporterOptions {
  /** pretty: chalk colour level (0 = no colour). */
  colorLevel?: ColorLevel;
  /** pretty: leave out the patches without findings, and print nothing for a clean review. */
  quiet?: boolean;
  /** pretty: also each finding's related lines, and the list of the patches without findings. */
  verbose?: boolean;
  /** sarif: the rules that ran. */
  rules?: readonly RuleMeta[];
  /** sarif: tool version (defaults to package.json's). */
  toolVersion?: string;
  /** sarif informationUri, b4 url. */
  url?: string;
}

export interface ReportSummary {
  errors: InputError[];
}

export interface Reporter {
  start(): string;
  patch(review: PatchReview): string;
  end(summary: ReportSummary): string;
}

/** Runs a reporter over reviews already in memory (tests, small inputs). */
export function renderAll(reporter: Reporter, reviews: readonly PatchReview[], errors: InputError[] = []): string {
  return reporter.start() + reviews.map((review) => reporter.patch(review)).join('') + reporter.end({ errors });
}
