/**
 * The one-line message of the line formats (terse, emacs). b4's text check protocol fails a
 * patch on any stdout line containing "ERROR:", so that word may appear only where the
 * finding is an error.
 */
import type { Finding } from '../model/types.js';
import { oneLine } from './wrap.js';

export function lineMessage(finding: Finding): string {
  const message = oneLine(finding.summary === '' ? finding.comment : finding.summary);
  return finding.severity === 'error' ? message : message.replace(/ERROR:/g, 'error:');
}
