/** Severity words and counts, as every format spells them. */
import type { Finding, Severity } from '../model/types.js';

/** Most severe first. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export type SeverityCounts = Record<Severity, number>;

export function emptyCounts(): SeverityCounts {
  return { error: 0, warning: 0, info: 0 };
}

export function countBySeverity(findings: readonly Finding[], into: SeverityCounts = emptyCounts()): SeverityCounts {
  for (const finding of findings) into[finding.severity] += 1;
  return into;
}

/** "1 error", "2 warnings", "3 info". */
export function countPhrase(count: number, severity: Severity): string {
  if (severity === 'info') return `${count} info`;
  return `${count} ${severity}${count === 1 ? '' : 's'}`;
}

/** "1 error, 2 warnings, 0 info". */
export function countsPhrase(counts: SeverityCounts): string {
  return SEVERITIES.map((severity) => countPhrase(counts[severity], severity)).join(', ');
}

/** The most severe level among the findings, or null when there are none. */
export function worstSeverity(findings: readonly Finding[]): Severity | null {
  for (const severity of SEVERITIES) if (findings.some((finding) => finding.severity === severity)) return severity;
  return null;
}

export function pluralize(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
