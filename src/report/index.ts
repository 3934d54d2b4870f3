/** The output formats, by the names the CLI's --format takes, and the reply drafts. */
export { loadReporter, REPORT_FORMATS, type ReportFormat } from './formats.js';
export type { Reporter, ReporterOptions, ReportSummary } from './reporter.js';
export { renderAll } from './reporter.js';
export { buildReplyDraft, buildReplyDrafts, draftFileName, type ReplyDraft, type ReplyDraftOptions, type ReplyDraftsOptions } from './reply.js';
export { draftsToMbox } from './mbox.js';
export { renderExplain, renderRuleList } from './rule-docs.js';
