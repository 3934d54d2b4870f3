/**
 * The shape every output format has. Reporters are incremental: the CLI writes what
 * `start()` returns, then what `patch()` returns for each patch as soon as it is reviewed,
 * then what `end()` returns, so a multi-gigabyte mailbox never has to sit in memory.
 * Concatenated, the three form one complete output (one valid JSON document, for example).
 */
import type { InputError, PatchReview } from '../model/types.js';

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
