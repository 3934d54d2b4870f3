/**
 * The rule tester must not pass silently: with a fake rule that returns fixed drafts, a missing
 * finding, an unexpected one, the wrong text or severity, and a malformed or misplaced marker
 * each fail the case.
 */
import type { Severity } from '../../src/model/types.js';
import type { FindingDraft, Rule } from '../../src/rules/rule.js';
import { expectedFindingsOf, runRuleCase, verifyRuleCase, type RuleCase } from './rule-tester.js';

const FILE = 'drivers/misc/fake.c';

/** A rule that reports `fake-rule` on the given lines of FILE, whatever the code says. */
function fakeRule(lines: number[], severity?: Severity): Rule {
  return {
    meta: { id: 'fake-rule', severity: 'warning', summary: 'fake', why: '', example: '', useInstead: '', limits: '' },
    check: (): FindingDraft[] =>
      lines.map((line) => ({
        rule: 'fake-rule',
        file: FILE,
        line,
        summary: `fake finding on line ${line}`,
        comment: `The fake rule fires on line ${line}.`,
        related: [],
        ...(severity ? { severity } : {}),
      })),
  };
}

/** Five lines; `marks` puts text at the end of the given lines. */
function snippet(marks: Record<number, string> = {}): RuleCase {
  const lines = ['static int fake(void)', '{', '\tint ret = 0;', '\treturn ret;', '}'];
  return { name: 'fake case', path: FILE, code: lines.map((text, index) => text + (marks[index + 1] ?? '')).join('\n') + '\n' };
}

describe('rule tester markers', () => {
  it('reads rule, severity and text from a marker', () => {
    expect(expectedFindingsOf(snippet({ 3: ' /* expect: fake-rule error "fires on "line" 3" */', 4: ' /* expect: fake-rule */' }))).toEqual([
      { file: FILE, line: 3, rule: 'fake-rule', severity: 'error', text: 'fires on "line" 3' },
      { file: FILE, line: 4, rule: 'fake-rule' },
    ]);
  });

  it('puts a marker of a diff on the post-image line of its + or context line', () => {
    const diff = `diff --git a/${FILE} b/${FILE}
--- a/${FILE}
+++ b/${FILE}
@@ -10,3 +10,3 @@ static int fake(void)
 	int ret = 0; /* expect: fake-rule */
-	ret = 1;
+	ret = 2; /* expect: fake-rule "x" */
 	return ret;
`;
    expect(expectedFindingsOf({ name: 'diff', diff }).map((want) => want.line)).toEqual([10, 11]);
  });

  it('keeps the markers from the rule: it reads the lines without them', async () => {
    const seen: string[] = [];
    const rule: Rule = {
      meta: fakeRule([]).meta,
      check: ({ current }) => {
        for (const source of current.sources) seen.push(source.lineText(3) ?? '');
        return [];
      },
    };
    await runRuleCase(rule, snippet({ 3: ' /* expect: fake-rule */' }));
    expect(seen).toEqual(['\tint ret = 0;']);
  });
});

describe('rule tester verdicts', () => {
  it('passes when the findings are exactly the marked ones', async () => {
    await expect(verifyRuleCase(fakeRule([3, 4]), snippet({ 3: ' /* expect: fake-rule "line 3" */', 4: ' /* expect: fake-rule warning */' }), 'invalid')).resolves.toBeUndefined();
    await expect(verifyRuleCase(fakeRule([]), snippet(), 'valid')).resolves.toBeUndefined();
  });

  it('fails on a marked line without a finding', async () => {
    await expect(verifyRuleCase(fakeRule([3]), snippet({ 3: ' /* expect: fake-rule */', 4: ' /* expect: fake-rule */' }), 'invalid')).rejects.toThrow(
      `missing finding: ${FILE}:4 fake-rule`,
    );
  });

  it('fails on a finding no marker announces', async () => {
    await expect(verifyRuleCase(fakeRule([3, 4]), snippet({ 3: ' /* expect: fake-rule */' }), 'invalid')).rejects.toThrow(
      `unexpected finding: ${FILE}:4 fake-rule`,
    );
  });

  it('fails when the marker names another rule, or the comment lacks the text, or the severity differs', async () => {
    await expect(verifyRuleCase(fakeRule([3]), snippet({ 3: ' /* expect: other-rule */' }), 'invalid')).rejects.toThrow('missing finding');
    await expect(verifyRuleCase(fakeRule([3]), snippet({ 3: ' /* expect: fake-rule "line 4" */' }), 'invalid')).rejects.toThrow('missing finding');
    await expect(verifyRuleCase(fakeRule([3]), snippet({ 3: ' /* expect: fake-rule error */' }), 'invalid')).rejects.toThrow('missing finding');
  });

  it('fails a valid case with a finding or a marker, and an invalid case without a marker', async () => {
    await expect(verifyRuleCase(fakeRule([4]), snippet(), 'valid')).rejects.toThrow(`unexpected finding: ${FILE}:4 fake-rule`);
    await expect(verifyRuleCase(fakeRule([]), snippet({ 4: ' /* expect: fake-rule */' }), 'valid')).rejects.toThrow('a valid case must have none');
    await expect(verifyRuleCase(fakeRule([4]), snippet(), 'invalid')).rejects.toThrow('carries no /* expect: RULE-ID */ marker');
  });

  it('fails on a malformed marker, a marker on a removed line or outside the hunks, and a marker in an earlier patch', async () => {
    await expect(verifyRuleCase(fakeRule([4]), snippet({ 4: ' /* expect fake-rule */' }), 'invalid')).rejects.toThrow('malformed expect marker');
    await expect(verifyRuleCase(fakeRule([4]), snippet({ 4: ' /* expect: fake-rule "unclosed */' }), 'invalid')).rejects.toThrow('malformed expect marker');
    const diff = (heading: string, removed: string, added: string) => `diff --git a/${FILE} b/${FILE}
--- a/${FILE}
+++ b/${FILE}
@@ -10,2 +10,2 @@${heading}
-	ret = 1;${removed}
+	ret = 2;${added}
 	return ret;
`;
    await expect(verifyRuleCase(fakeRule([10]), { name: 'removed', diff: diff('', ' /* expect: fake-rule */', '') }, 'invalid')).rejects.toThrow('on a removed line');
    await expect(verifyRuleCase(fakeRule([10]), { name: 'heading', diff: diff(' fake() /* expect: fake-rule */', '', '') }, 'invalid')).rejects.toThrow(
      'outside the lines of any hunk',
    );
    const series = (earlier: string): RuleCase => ({ ...snippet({ 4: ' /* expect: fake-rule */' }), seriesDiffs: [earlier] });
    await expect(verifyRuleCase(fakeRule([4]), series(diff('', '', '')), 'invalid')).resolves.toBeUndefined();
    await expect(verifyRuleCase(fakeRule([4]), series(diff('', '', ' /* expect: fake-rule */')), 'invalid')).rejects.toThrow('not in seriesDiffs');
  });
});
