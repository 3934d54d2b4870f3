/** The output formats, by the names the CLI's --format takes. */
import type { RuleMeta } from '../model/types.js';
import { createB4Reporter } from './b4.js';
import { createEmacsReporter } from './emacs.js';
import { createJsonReporter } from './json.js';
import { createPrettyReporter, type ColorLevel } from './pretty.js';
import type { Reporter } from './reporter.js';
import { createSarifReporter } from './sarif.js';
import { createTerseReporter } from './terse.js';
import type { ReportFormat } from './formats.js';

export { loadReporter, REPORT_FORMATS, type ReportFormat } from './formats.js';

export interface ReporterOptions {
  /** pretty: chalk colour level (0 = no colour). */
  colorLevel?: ColorLevel;
  /** pretty: leave out the patches without findings, and print nothing for a clean review. */
  quiet?: boolean;
  /** sarif: the rules that ran. */
  rules?: readonly RuleMeta[];
  /** sarif: tool version (defaults to package.json's). */
  toolVersion?: string;
  /** sarif informationUri, b4 url. */
  url?: string;
}

export function createReporter(format: ReportFormat, options: ReporterOptions = {}): Reporter {
  switch (format) {
    case 'pretty':
      return createPrettyReporter({ colorLevel: options.colorLevel, quiet: options.quiet });
    case 'terse':
      return createTerseReporter();
    case 'emacs':
      return createEmacsReporter();
    case 'json':
      return createJsonReporter();
    case 'sarif':
      return createSarifReporter({ rules: options.rules ?? [], toolVersion: options.toolVersion, informationUri: options.url });
    case 'b4':
      return createB4Reporter({ url: options.url });
  }
}

export type { Reporter, ReportSummary } from './reporter.js';
export { renderAll } from './reporter.js';
export { buildReplyDraft, buildReplyDrafts, draftFileName, type ReplyDraft, type ReplyDraftOptions, type ReplyDraftsOptions } from './reply.js';
export { draftsToMbox } from './mbox.js';
export { renderExplain, renderRuleList } from './rule-docs.js';
