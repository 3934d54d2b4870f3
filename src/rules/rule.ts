/**
 * The rule contract. A rule is one file in src/rules/ named after its id, exporting a `Rule`:
 * its metadata (which is also its documentation) next to its check.
 */
import type { PatchUnderReview } from '../model/review.js';
import type { Finding, RuleMeta } from '../model/types.js';

export type { PatchUnderReview };

export interface RuleContext {
  /** The patch under review. */
  current: PatchUnderReview;
  /**
   * Every patch of the same series read so far and after, in series order, the current one
   * included (a lone patch is a series of one). Cross-file and cross-patch rules read these;
   * findings still go on the current patch only.
   */
  series: PatchUnderReview[];
}

/** A finding before the pipeline fills in what it can derive (severity default, input line, code text). */
export type FindingDraft = Omit<Finding, 'severity' | 'inputLine' | 'code' | 'column'> &
  Partial<Pick<Finding, 'severity' | 'column'>>;

export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): FindingDraft[];
}
