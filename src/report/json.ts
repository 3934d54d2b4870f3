/**
 * The JSON format, a versioned contract (version 1): one document with every patch and the
 * input errors. Written incrementally, one patch per line, so it can stream.
 */
import type { FileChange, Finding, InputError, Patch, PatchReview, RelatedLocation, SeriesPosition } from '../model/types.js';
import type { Reporter, ReportSummary } from './reporter.js';

export const JSON_FORMAT_VERSION = 1;

export interface JsonFile {
  path: string;
  status: FileChange['status'];
  language: FileChange['language'];
  added: number;
  removed: number;
}

export interface JsonFinding {
  rule: string;
  severity: Finding['severity'];
  file: string;
  line: number;
  code: string;
  summary: string;
  comment: string;
  related: RelatedLocation[];
}

export interface JsonPatch {
  source: string;
  subject: string;
  title: string;
  author: string;
  date: string | null;
  messageId: string | null;
  series: SeriesPosition | null;
  files: JsonFile[];
  findings: JsonFinding[];
}

export interface JsonDocument {
  version: typeof JSON_FORMAT_VERSION;
  patches: JsonPatch[];
  errors: InputError[];
}

function stripAngleBrackets(messageId: string | null): string | null {
  if (messageId === null) return null;
  const bare = messageId.trim().replace(/^<|>$/g, '');
  return bare === '' ? null : bare;
}

function jsonPatch(patch: Patch, findings: readonly Finding[]): JsonPatch {
  return {
    source: patch.source,
    subject: patch.subject,
    title: patch.title,
    author: patch.author,
    date: patch.mail.date,
    messageId: stripAngleBrackets(patch.mail.messageId),
    series: patch.series ? { version: patch.series.version, number: patch.series.number, total: patch.series.total } : null,
    files: patch.files.map((file) => ({
      path: file.path,
      status: file.status,
      language: file.language,
      added: file.added,
      removed: file.removed,
    })),
    findings: findings.map((finding) => ({
      rule: finding.rule,
      severity: finding.severity,
      file: finding.file,
      line: finding.line,
      code: finding.code,
      summary: finding.summary,
      comment: finding.comment,
      related: finding.related.map((related) => ({ file: related.file, line: related.line, note: related.note })),
    })),
  };
}

export function createJsonReporter(): Reporter {
  let patchesWritten = 0;
  return {
    start: () => `{"version": ${JSON_FORMAT_VERSION}, "patches": [`,
    patch(review: PatchReview): string {
      const separator = patchesWritten === 0 ? '\n' : ',\n';
      patchesWritten += 1;
      return separator + JSON.stringify(jsonPatch(review.patch, review.findings));
    },
    end(summary: ReportSummary): string {
      const errors = summary.errors.map((error) => ({ source: error.source, line: error.line, message: error.message }));
      return `${patchesWritten === 0 ? '' : '\n'}], "errors": ${JSON.stringify(errors)}}\n`;
    },
  };
}
