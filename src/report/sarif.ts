/**
 * SARIF 2.1.0 (GitHub code scanning and other SARIF viewers). SARIF wants the whole run in
 * one document, so this reporter keeps the results and writes everything at the end.
 *
 * Locations are post-image lines of the files the patch changes, paths as the patch
 * names them (relative to the tree root). Fingerprints hash the rule, the file and the
 * trimmed text of the line, not its number, so a finding keeps its identity when lines
 * above it move.
 */
import { createHash } from 'node:crypto';
import { SarifBuilder, SarifResultBuilder, SarifRuleBuilder, SarifRunBuilder } from 'node-sarif-builder';
import type { Artifact, Location, Notification, ReportingDescriptor, Result } from 'sarif';
import type { FileLanguage, Finding, InputError, PatchReview, RuleMeta, Severity } from '../model/types.js';
import type { Reporter, ReportSummary } from './reporter.js';
import { TOOL_NAME, toolVersion } from './tool-version.js';

export interface SarifReporterOptions {
  /** The rules that ran (Review.rules): they become tool.driver.rules. */
  rules: readonly RuleMeta[];
  /** Defaults to the version in cptlint's package.json. */
  toolVersion?: string;
  informationUri?: string;
}

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const FINGERPRINT_KEY = 'cptlint/v1';

/** SARIF's language identifiers are lowercase ("c"); it names none for GNU assembler. */
const SARIF_LANGUAGE: Record<FileLanguage, string | null> = { c: 'c', asm: null, other: null };

const LEVEL_OF_SEVERITY: Record<Severity, Result.level> = { error: 'error', warning: 'warning', info: 'note' };

/** A patch path as a relative URI reference: each segment percent-encoded, slashes kept. */
export function pathToUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function fenced(code: string): string {
  const fence = code.includes('```') ? '~~~~' : '```';
  return `${fence}\n${code.replace(/\n+$/, '')}\n${fence}`;
}

function ruleDescriptor(meta: RuleMeta): ReportingDescriptor {
  const builder = new SarifRuleBuilder().initSimple({
    ruleId: meta.id,
    shortDescriptionText: meta.summary,
    fullDescriptionText: meta.why,
  });
  const helpText = [meta.why, `Example:\n${meta.example}`, `Use instead:\n${meta.useInstead}`, `Confidence and limits: ${meta.limits}`];
  const helpMarkdown = [
    meta.why,
    `**Example**\n\n${fenced(meta.example)}`,
    `**Use instead**\n\n${fenced(meta.useInstead)}`,
    `**Confidence and limits**\n\n${meta.limits}`,
  ];
  return {
    ...builder.rule,
    help: { text: helpText.join('\n\n'), markdown: helpMarkdown.join('\n\n') },
    defaultConfiguration: { level: LEVEL_OF_SEVERITY[meta.severity] },
  };
}

function fingerprintOf(finding: Finding): string {
  return createHash('sha256').update(`${finding.rule}\0${finding.file}\0${finding.code.trim()}`).digest('hex');
}

function relatedLocations(finding: Finding): Location[] {
  return finding.related.map((related, index) => ({
    id: index,
    physicalLocation: { artifactLocation: { uri: pathToUri(related.file) }, region: { startLine: Math.max(1, related.line) } },
    message: { text: related.note },
  }));
}

/** `occurrence` tells apart findings of one rule on identical lines of one file. */
function sarifResult(finding: Finding, occurrence: number): Result {
  const builder = new SarifResultBuilder().initSimple({
    ruleId: finding.rule,
    level: LEVEL_OF_SEVERITY[finding.severity],
    messageText: finding.comment === '' ? finding.summary : finding.comment,
    fileUri: pathToUri(finding.file),
    startLine: Math.max(1, finding.line),
    startColumn: Math.max(1, finding.column),
  });
  const result: Result = { ...builder.result, partialFingerprints: { [FINGERPRINT_KEY]: `${fingerprintOf(finding)}:${occurrence}` } };
  // Only the start is known: a region that claims to end at column 1 would be wrong.
  const region = result.locations?.[0]?.physicalLocation?.region;
  if (region) {
    delete region.endLine;
    delete region.endColumn;
  }
  if (finding.related.length > 0) result.relatedLocations = relatedLocations(finding);
  return result;
}

function inputErrorNotification(error: InputError): Notification {
  const notification: Notification = { level: 'error', message: { text: error.message } };
  if (error.source !== '-') {
    const physicalLocation: Location['physicalLocation'] = { artifactLocation: { uri: pathToUri(error.source) } };
    if (error.line > 0) physicalLocation.region = { startLine: error.line };
    notification.locations = [{ physicalLocation }];
  }
  return notification;
}

export function createSarifReporter(options: SarifReporterOptions): Reporter {
  const results: Result[] = [];
  const artifacts = new Map<string, Artifact>();
  const occurrences = new Map<string, number>();

  const noteArtifact = (review: PatchReview, path: string): void => {
    const uri = pathToUri(path);
    if (artifacts.has(uri)) return;
    const language = review.patch.files.find((file) => file.path === path)?.language ?? 'other';
    const sourceLanguage = SARIF_LANGUAGE[language];
    artifacts.set(uri, { location: { uri }, ...(sourceLanguage === null ? {} : { sourceLanguage }) });
  };

  return {
    start: () => '',
    patch(review: PatchReview): string {
      for (const finding of review.findings) {
        const key = fingerprintOf(finding);
        const occurrence = (occurrences.get(key) ?? 0) + 1;
        occurrences.set(key, occurrence);
        results.push(sarifResult(finding, occurrence));
        noteArtifact(review, finding.file);
      }
      return '';
    },
    end(summary: ReportSummary): string {
      const run = new SarifRunBuilder().initSimple({
        toolDriverName: TOOL_NAME,
        toolDriverVersion: options.toolVersion ?? toolVersion(),
        ...(options.informationUri === undefined ? {} : { url: options.informationUri }),
      });
      run.run.tool.driver.rules = options.rules.map(ruleDescriptor);
      run.run.results = results;
      // Given here, the builder's own guess from the extension ("unknown" for .S) is not used.
      run.run.artifacts = [...artifacts.values()];
      run.run.invocations = [
        { executionSuccessful: true, toolExecutionNotifications: summary.errors.map(inputErrorNotification) },
      ];
      const log = new SarifBuilder({ $schema: SARIF_SCHEMA_URI, version: '2.1.0' });
      log.addRun(run);
      return `${log.buildSarifJsonString({ indent: true })}\n`;
    },
  };
}
