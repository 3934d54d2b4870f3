/**
 * The output formats by the names --format takes, and a loader that imports only the
 * module of the format asked for: the pre-commit hook prints `pretty` and should not pay
 * for loading the SARIF builder.
 */
import type { Reporter, ReporterOptions } from './reporter.js';

export const REPORT_FORMATS = ['pretty', 'terse', 'emacs', 'json', 'sarif', 'b4'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export async function loadReporter(format: ReportFormat, options: ReporterOptions = {}): Promise<Reporter> {
  switch (format) {
    case 'pretty':
      return (await import('./pretty.js')).createPrettyReporter({ colorLevel: options.colorLevel, quiet: options.quiet, verbose: options.verbose });
    case 'terse':
      return (await import('./terse.js')).createTerseReporter();
    case 'emacs':
      return (await import('./emacs.js')).createEmacsReporter();
    case 'json':
      return (await import('./json.js')).createJsonReporter();
    case 'sarif':
      return (await import('./sarif.js')).createSarifReporter({
        rules: options.rules ?? [],
        toolVersion: options.toolVersion,
        informationUri: options.url,
      });
    case 'b4':
      return (await import('./b4.js')).createB4Reporter({ url: options.url });
  }
}
