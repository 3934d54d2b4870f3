/**
 * ESLint's RuleTester, for kernel patches: a rule's tests are two tables, `valid` (must stay
 * quiet) and `invalid` (must fire on exactly the given lines). A case is a C snippet that
 * becomes a new file, several new files, or a whole patch (mail or diff text).
 */
import { buildCSource } from '../../src/parsers/c.js';
import { parseAsmSource } from '../../src/parsers/asm.js';
import { parseDiff } from '../../src/parsers/diff.js';
import { initTreeSitter } from '../../src/parsers/treesitter.js';
import { languageOfPath } from '../../src/parsers/language.js';
import type { ParsedSource } from '../../src/model/source.js';
import type { FileChange, Finding, Patch } from '../../src/model/types.js';
import type { PatchUnderReview, Rule } from '../../src/rules/rule.js';
import { runRules } from '../../src/review/run-rules.js';
import { newFileChange } from './file-change.js';

export interface RuleCase {
  name: string;
  /** A C (or, with a .S path, assembler) snippet: becomes a new file at `path`. */
  code?: string;
  path?: string;
  /** Several new files in one patch. */
  files?: { path: string; code: string }[];
  /** A unified diff (from its first `diff`/`---` line). */
  diff?: string;
  /** Earlier patches of the same series, as diffs: cross-patch rules read them. */
  seriesDiffs?: string[];
  /** Invalid cases: the findings expected, in order of file then line. */
  findings?: ExpectedFinding[];
}

export interface ExpectedFinding {
  line: number;
  file?: string;
  /** Text the comment must contain (case-insensitive). */
  commentIncludes?: string;
  severity?: Finding['severity'];
}

function fileChangesOf(testCase: RuleCase): FileChange[] {
  if (testCase.diff !== undefined) return parseDiff(testCase.diff, { source: testCase.name, firstInputLine: 1 }).files;
  if (testCase.files) return testCase.files.map((file) => newFileChange(file.path, file.code));
  return [newFileChange(testCase.path ?? 'drivers/misc/example.c', testCase.code ?? '')];
}

function patchUnderReview(name: string, files: FileChange[], index: number): PatchUnderReview {
  const sources: ParsedSource[] = [];
  for (const file of files) {
    const language = languageOfPath(file.path);
    const source = language === 'c' ? buildCSource(file) : language === 'asm' ? parseAsmSource(file) : null;
    if (source) sources.push(source);
  }
  const patch = { source: name, index, files, subject: name, title: name } as unknown as Patch;
  return { patch, sources };
}

function freeTrees(reviews: PatchUnderReview[]): void {
  for (const review of reviews) for (const source of review.sources) if (source.kind === 'c') source.free();
}

/** Runs one rule on one case and returns its findings (trees freed). */
export async function runRuleCase(rule: Rule, testCase: RuleCase): Promise<Finding[]> {
  await initTreeSitter();
  const earlier = (testCase.seriesDiffs ?? []).map((diff, index) =>
    patchUnderReview(`${testCase.name} (series ${index + 1})`, parseDiff(diff, { source: testCase.name, firstInputLine: 1 }).files, index),
  );
  const current = patchUnderReview(testCase.name, fileChangesOf(testCase), earlier.length);
  try {
    return runRules([rule], current, [...earlier, current]);
  } finally {
    freeTrees([...earlier, current]);
  }
}

/** Declares the jest tests of a rule from its two tables. */
export function ruleTester(rule: Rule, tables: { valid: RuleCase[]; invalid: RuleCase[] }): void {
  describe(rule.meta.id, () => {
    describe('valid', () => {
      for (const testCase of tables.valid) {
        it(testCase.name, async () => {
          const findings = await runRuleCase(rule, testCase);
          expect(findings.map(describeFinding)).toEqual([]);
        });
      }
    });
    describe('invalid', () => {
      for (const testCase of tables.invalid) {
        it(testCase.name, async () => {
          const findings = await runRuleCase(rule, testCase);
          const expected = testCase.findings ?? [];
          expect(findings.map((finding) => `${finding.file}:${finding.line}`)).toEqual(
            expected.map((want) => `${want.file ?? defaultFile(testCase)}:${want.line}`),
          );
          expected.forEach((want, index) => {
            const finding = findings[index];
            if (want.commentIncludes) expect(finding.comment.toLowerCase()).toContain(want.commentIncludes.toLowerCase());
            if (want.severity) expect(finding.severity).toBe(want.severity);
            expect(finding.rule).toBe(rule.meta.id);
          });
        });
      }
    });
  });
}

function defaultFile(testCase: RuleCase): string {
  return testCase.path ?? testCase.files?.[0]?.path ?? 'drivers/misc/example.c';
}

function describeFinding(finding: Finding): string {
  return `${finding.file}:${finding.line} ${finding.rule}: ${finding.summary}`;
}
