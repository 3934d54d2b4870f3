/**
 * checkpatch's `--terse --showfile` shape, one line per finding and nothing when clean:
 *   drivers/foo/bar.c:123: WARNING: message [rule-id]
 * It works as b4's am/prep-perpatch-check-cmd (text protocol): nothing else goes to stdout.
 */
import type { Finding, PatchReview } from '../model/types.js';
import { escapeControls, quotePath } from './escape.js';
import { lineMessage } from './line-message.js';
import type { Reporter } from './reporter.js';

export function terseLine(finding: Finding): string {
  return `${quotePath(finding.file)}:${finding.line}: ${finding.severity.toUpperCase()}: ${escapeControls(lineMessage(finding))} [${finding.rule}]`;
}

export function createTerseReporter(): Reporter {
  return {
    start: () => '',
    patch: (review: PatchReview) => review.findings.map((finding) => `${terseLine(finding)}\n`).join(''),
    // Input errors are the CLI's to print on stderr: b4 reads stderr lines as failures.
    end: () => '',
  };
}
