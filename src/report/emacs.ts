/**
 * The compiler-style line Emacs' compilation-mode and most editors jump from:
 *   drivers/foo/bar.c:123:5: warning: message [rule-id]
 * One line per finding, nothing when clean, nothing else on stdout.
 */
import type { Finding, PatchReview } from '../model/types.js';
import { escapeControls, quotePath } from './escape.js';
import { lineMessage } from './line-message.js';
import type { Reporter } from './reporter.js';

export function emacsLine(finding: Finding): string {
  return `${quotePath(finding.file)}:${finding.line}:${finding.column}: ${finding.severity}: ${escapeControls(lineMessage(finding))} [${finding.rule}]`;
}

export function createEmacsReporter(): Reporter {
  return {
    start: () => '',
    patch: (review: PatchReview) => review.findings.map((finding) => `${emacsLine(finding)}\n`).join(''),
    end: () => '',
  };
}
