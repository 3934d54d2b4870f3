// ESLint's RuleTester, for kernel patches: a rule's tests are two tables, `valid` (must stay
// quiet) and `invalid` (must fire on exactly the marked lines). A case is a C snippet that
// becomes a new file, several new files, or a whole patch (mail or diff text).
//
// An invalid case writes what it expects next to the line it belongs to, in the fixture itself
// (clang-tidy's `// CHECK-MESSAGES:` habit), as a comment at the end of that line:
//
//     return ret; /* expect: RULE-ID [SEVERITY] ["TEXT"] */
//
//   RULE-ID   the id of the rule the finding comes from, e.g. `ref-leak`.
//   SEVERITY  optional: `error`, `warning` or `info`; the finding must have it.
//   TEXT      optional, in double quotes: the finding's comment must contain it (ignoring
//             case). It runs to the last `"` before the closing `*/`, so it may hold `"`
//             itself, but not `*/`.
//
// e.g. `/* expect: ref-leak */`, `/* expect: ref-leak "of_node_put(np)" */`,
// `/* expect: missing-error-code error "still 0" */`. One marker is one finding; a line with two
// findings carries two markers. .S snippets use the same `/* */` form.
//
// The marker's line is the finding's line: line N of `code` (or of one of `files[].code`), or,
// in `diff` text, the post-image line of the `+` or context line that carries it. A marker on a
// `-` line, outside the hunks or in `seriesDiffs`, and a malformed one (`/* expect ...` that does
// not parse), are errors of the test.
//
// The rule does not see the markers: they are cut out of each line (with the blanks before them)
// before the case is parsed, so the rule reads the fixture as it would be without them. That
// matters: asm-c-constant asks for a comment on an instruction that has none, and a marker would
// be that comment.
//
// The harness fails on a marker no finding matches and on a finding no marker announces. A
// valid case carries no marker and gets no finding; an invalid case carries at least one marker.
import { buildCSource } from '../../src/parsers/c.js';
import { parseAsmSource } from '../../src/parsers/asm.js';
import { parseDiff } from '../../src/parsers/diff.js';
import { initTreeSitter } from '../../src/parsers/treesitter.js';
import { languageOfPath } from '../../src/parsers/language.js';
import type { ParsedSource } from '../../src/model/source.js';
import type { FileChange, Finding, Patch, Severity } from '../../src/model/types.js';
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
  /** The patch mail's Date header (none by default: a change made now, like --staged). */
  date?: string;
}

/** One finding an `expect:` marker announces. */
export interface ExpectedFinding {
  file: string;
  line: number;
  rule: string;
  severity?: Severity;
  /** Text the finding's comment must contain (case-insensitive). */
  text?: string;
}

const MARKER = /\/\*\s*expect:(.*?)\*\//g;
/** Anything that looks like the start of a marker: a malformed one must not pass unseen. */
const MARKER_START = /\/\*\s*expect\b/g;
/** A marker with the blanks before it, as the rule must not see it. */
const MARKER_IN_LINE = /[ \t]*\/\*\s*expect:.*?\*\//g;
const MARKER_BODY = /^\s*([a-z0-9][a-z0-9-]*)(?:\s+(error|warning|info))?(?:\s+"(.*)")?\s*$/;

function countMarkers(text: string): number {
  const starts = text.match(MARKER_START)?.length ?? 0;
  const markers = text.match(MARKER)?.length ?? 0;
  if (starts !== markers) throw new Error(`malformed expect marker in ${JSON.stringify(text)}: write /* expect: RULE-ID [SEVERITY] ["TEXT"] */`);
  return markers;
}

function markersOfLine(text: string, file: string, line: number): ExpectedFinding[] {
  countMarkers(text);
  return [...text.matchAll(MARKER)].map((match) => {
    const body = MARKER_BODY.exec(match[1]);
    if (!body) throw new Error(`malformed expect marker ${JSON.stringify(match[0])} at ${file}:${line}: write /* expect: RULE-ID [SEVERITY] ["TEXT"] */`);
    const [, rule, severity, text] = body;
    return { file, line, rule, ...(severity ? { severity: severity as Severity } : {}), ...(text !== undefined ? { text } : {}) };
  });
}

function fileChangesOf(testCase: RuleCase): FileChange[] {
  if (testCase.diff !== undefined) return parseDiff(testCase.diff, { source: testCase.name, firstInputLine: 1 }).files;
  if (testCase.files) return testCase.files.map((file) => newFileChange(file.path, file.code));
  return [newFileChange(testCase.path ?? 'drivers/misc/example.c', testCase.code ?? '')];
}

/** The findings a case's markers announce, in order of file then line. */
export function expectedFindingsOf(testCase: RuleCase): ExpectedFinding[] {
  for (const diff of testCase.seriesDiffs ?? []) {
    if (countMarkers(diff) > 0) throw new Error(`${testCase.name}: expect markers go in the patch under review, not in seriesDiffs`);
  }
  const expected: ExpectedFinding[] = [];
  for (const file of fileChangesOf(testCase)) {
    for (const hunk of file.hunks) {
      for (const line of hunk.lines) {
        const markers = markersOfLine(line.text, file.path, line.newLine ?? 0);
        if (markers.length > 0 && line.kind === 'removed') {
          throw new Error(`${testCase.name}: an expect marker on a removed line of ${file.path}: findings go on post-image lines`);
        }
        expected.push(...markers);
      }
    }
  }
  const written = [testCase.code ?? '', testCase.diff ?? '', ...(testCase.files ?? []).map((file) => file.code)];
  const total = written.reduce((sum, text) => sum + countMarkers(text), 0);
  if (total !== expected.length) {
    throw new Error(`${testCase.name}: ${total - expected.length} expect marker(s) outside the lines of any hunk`);
  }
  return expected;
}

/** The case as the rule reads it: every marker cut out of its lines. */
function withoutMarkers(testCase: RuleCase): RuleCase {
  const strip = (text: string) => text.replace(MARKER_IN_LINE, '');
  return {
    ...testCase,
    ...(testCase.code !== undefined ? { code: strip(testCase.code) } : {}),
    ...(testCase.diff !== undefined ? { diff: strip(testCase.diff) } : {}),
    ...(testCase.files ? { files: testCase.files.map((file) => ({ ...file, code: strip(file.code) })) } : {}),
  };
}

function patchUnderReview(name: string, files: FileChange[], index: number, date: string | null = null): PatchUnderReview {
  const sources: ParsedSource[] = [];
  for (const file of files) {
    const language = languageOfPath(file.path);
    const source = language === 'c' ? buildCSource(file) : language === 'asm' ? parseAsmSource(file) : null;
    if (source) sources.push(source);
  }
  const patch = { source: name, index, files, subject: name, title: name, mail: { date } } as unknown as Patch;
  return { patch, sources };
}

function freeTrees(reviews: PatchUnderReview[]): void {
  for (const review of reviews) for (const source of review.sources) if (source.kind === 'c') source.free();
}

/** Runs one rule on one case (its markers cut out) and returns its findings (trees freed). */
export async function runRuleCase(rule: Rule, markedCase: RuleCase): Promise<Finding[]> {
  await initTreeSitter();
  const testCase = withoutMarkers(markedCase);
  const earlier = (testCase.seriesDiffs ?? []).map((diff, index) =>
    patchUnderReview(`${testCase.name} (series ${index + 1})`, parseDiff(diff, { source: testCase.name, firstInputLine: 1 }).files, index),
  );
  const current = patchUnderReview(testCase.name, fileChangesOf(testCase), earlier.length, testCase.date ?? null);
  try {
    return runRules([rule], current, [...earlier, current]);
  } finally {
    freeTrees([...earlier, current]);
  }
}

function satisfies(finding: Finding, want: ExpectedFinding): boolean {
  return (
    finding.file === want.file &&
    finding.line === want.line &&
    finding.rule === want.rule &&
    (want.severity === undefined || finding.severity === want.severity) &&
    (want.text === undefined || finding.comment.toLowerCase().includes(want.text.toLowerCase()))
  );
}

function describeMarker(want: ExpectedFinding): string {
  const severity = want.severity ? ` ${want.severity}` : '';
  const text = want.text !== undefined ? ` "${want.text}"` : '';
  return `${want.file}:${want.line} ${want.rule}${severity}${text}`;
}

function describeFinding(finding: Finding): string {
  return `${finding.file}:${finding.line} ${finding.rule} ${finding.severity}: ${finding.summary}\n      comment: ${finding.comment}`;
}

/** What is wrong between the announced and the actual findings: a line per missing or unexpected finding. */
export function findingMismatches(expected: readonly ExpectedFinding[], findings: readonly Finding[]): string[] {
  const unmatched = [...findings];
  const missing: ExpectedFinding[] = [];
  for (const want of expected) {
    const index = unmatched.findIndex((finding) => satisfies(finding, want));
    if (index < 0) missing.push(want);
    else unmatched.splice(index, 1);
  }
  return [
    ...missing.map((want) => `missing finding: ${describeMarker(want)}`),
    ...unmatched.map((finding) => `unexpected finding: ${describeFinding(finding)}`),
  ];
}

/** Runs a case and throws unless its findings are exactly those its markers announce. */
export async function verifyRuleCase(rule: Rule, testCase: RuleCase, kind: 'valid' | 'invalid'): Promise<void> {
  const expected = expectedFindingsOf(testCase);
  if (kind === 'valid' && expected.length > 0) {
    throw new Error(`valid case "${testCase.name}" carries ${expected.length} expect marker(s): a valid case must have none`);
  }
  if (kind === 'invalid' && expected.length === 0) {
    throw new Error(`invalid case "${testCase.name}" carries no /* expect: RULE-ID */ marker`);
  }
  const mismatches = findingMismatches(expected, await runRuleCase(rule, testCase));
  if (mismatches.length > 0) throw new Error(`${kind} case "${testCase.name}":\n  ${mismatches.join('\n  ')}`);
}

/** Declares the jest tests of a rule from its two tables. */
export function ruleTester(rule: Rule, tables: { valid: RuleCase[]; invalid: RuleCase[] }): void {
  describe(rule.meta.id, () => {
    describe('valid', () => {
      for (const testCase of tables.valid) it(testCase.name, () => verifyRuleCase(rule, testCase, 'valid'));
    });
    describe('invalid', () => {
      for (const testCase of tables.invalid) it(testCase.name, () => verifyRuleCase(rule, testCase, 'invalid'));
    });
  });
}
