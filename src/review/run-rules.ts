/**
 * Runs the rules over one patch and turns their drafts into findings: fills in severity,
 * column, the text of the line and the input line, and keeps only findings on lines the
 * patch adds (the analysis reads context lines, but a review comments on what is new).
 */
import type { ParsedSource } from '../model/source.js';
import type { Finding } from '../model/types.js';
import type { FindingDraft, PatchUnderReview, Rule, RuleContext } from '../rules/rule.js';
import { isStackOverflow } from '../parsers/depth.js';

export interface RunRulesOptions {
  /** Also report findings on context lines (unchanged code the patch shows). */
  includeContext?: boolean;
  /** Severity per rule id, overriding the rule's default. */
  severities?: ReadonlyMap<string, Finding['severity']>;
  /**
   * Called when a rule overflowed the stack on this patch (input nested beyond what the depth
   * limits catch); the rule's findings on the patch are missing, the other rules still run.
   * Without it the overflow is thrown.
   */
  onStackOverflow?: (rule: Rule) => void;
}

export function runRules(
  rules: readonly Rule[],
  current: PatchUnderReview,
  series: readonly PatchUnderReview[],
  options: RunRulesOptions = {},
): Finding[] {
  const context: RuleContext = { current, series: [...series] };
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    let drafts: FindingDraft[];
    try {
      drafts = rule.check(context);
    } catch (error) {
      if (!isStackOverflow(error) || !options.onStackOverflow) throw error;
      options.onStackOverflow(rule);
      continue;
    }
    for (const draft of drafts) {
      const finding = finalize(rule, draft, current.sources, options);
      if (!finding) continue;
      const key = `${finding.rule}\0${finding.file}\0${finding.line}\0${finding.summary}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(finding);
    }
  }
  return findings.sort((a, b) => fileOrder(current, a.file) - fileOrder(current, b.file) || a.line - b.line || a.rule.localeCompare(b.rule));
}

function fileOrder(current: PatchUnderReview, path: string): number {
  const index = current.patch.files.findIndex((file) => file.path === path);
  return index < 0 ? Number.MAX_SAFE_INTEGER : index;
}

function finalize(rule: Rule, draft: FindingDraft, sources: readonly ParsedSource[], options: RunRulesOptions): Finding | null {
  const source = sources.find((candidate) => candidate.file.path === draft.file);
  if (!source) return null;
  if (!options.includeContext && !source.isAdded(draft.line)) return null;
  const code = source.lineText(draft.line) ?? '';
  return {
    rule: draft.rule,
    severity: options.severities?.get(rule.meta.id) ?? draft.severity ?? rule.meta.severity,
    file: draft.file,
    line: draft.line,
    column: draft.column ?? firstNonBlankColumn(code),
    inputLine: source.inputLineOf(draft.line),
    code,
    summary: draft.summary,
    comment: draft.comment,
    related: draft.related,
  };
}

function firstNonBlankColumn(code: string): number {
  const match = /\S/.exec(code);
  return match ? match.index + 1 : 1;
}
