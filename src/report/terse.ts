/**
 * checkpatch's `--terse --showfile` shape, one line per finding and nothing when clean:
 *   drivers/foo/bar.c:123: WARNING: message [rule-id]
 * It works as b4's am/prep-perpatch-check-cmd (text protocol): nothing else goes to stdout.
 */
import type { Finding, PatchReview } from '../model/types.js';
import { escapeControls, quotePath } from './escape.js';
import { lineMessage } from './line-message.js';
import type { Reporter } from './reporter.js';

/**
 * b4's text protocol fails a patch on any line with "ERROR:": a file named so (quoted or not)
 * must not say it for a warning. Its colon is written in octal (`"ERROR\072 x.c"`), which
 * reads back as the same name.
 */
function terseFile(finding: Finding): string {
  const quoted = quotePath(finding.file);
  return finding.severity === 'error' || !quoted.includes('ERROR:') ? quoted : quotePath(finding.file, ':');
}

export function terseLine(finding: Finding): string {
  return `${terseFile(finding)}:${finding.line}: ${finding.severity.toUpperCase()}: ${escapeControls(lineMessage(finding))} [${finding.rule}]`;
}

export function createTerseReporter(): Reporter {
  return {
    start: () => '',
    patch: (review: PatchReview) => review.findings.map((finding) => `${terseLine(finding)}\n`).join(''),
    // Input errors are the CLI's to print on stderr: b4 reads stderr lines as failures.
    end: () => '',
  };
}
