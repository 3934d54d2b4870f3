/**
 * The diff reader (parseDiff) on mangled and made-up diffs: no exception escapes, every call
 * returns, and the files, hunks and post-image lines it finds fit in the text it was given.
 */
import fc from 'fast-check';
import { parseDiff, type ParsedDiff } from '../../src/parsers/diff.js';
import { corpusPatchSamples, fixtures } from './corpus-samples.js';
import { lineCount, lineSoup, mutatedSample } from './mutations.js';

function expectBounded(text: string, parsed: ParsedDiff): void {
  const lines = lineCount(text) + text.split('\r').length;
  expect(parsed.files.length).toBeLessThanOrEqual(lines);
  expect(parsed.errors.length).toBeLessThanOrEqual(lines + 1);
  let hunkLines = 0;
  for (const file of parsed.files) {
    expect(file.added).toBeGreaterThanOrEqual(0);
    expect(file.removed).toBeGreaterThanOrEqual(0);
    for (const hunk of file.hunks) {
      hunkLines += hunk.lines.length;
      for (const line of hunk.lines) {
        if (line.inputLine !== null) expect(line.inputLine).toBeLessThanOrEqual(lines);
        if (line.newLine !== null) expect(line.newLine).toBeGreaterThanOrEqual(0);
      }
    }
    for (const segment of file.postImage?.segments ?? []) {
      expect(segment.inputLines).toHaveLength(segment.lines.length);
    }
    for (const added of file.postImage?.addedLines ?? []) expect(Number.isInteger(added)).toBe(true);
  }
  expect(hunkLines).toBeLessThanOrEqual(lines);
}

function parse(text: string): ParsedDiff {
  return parseDiff(text, { source: 'fuzz.diff', firstInputLine: 1 });
}

const DIFF_PIECES = [
  'diff --git a/drivers/x.c b/drivers/x.c',
  'diff --git a/arch/x86/entry.S b/arch/x86/entry.S',
  'diff --git "a/sp ace.c" "b/sp ace.c"',
  'index 1234567..89abcde 100644',
  'new file mode 100644',
  'deleted file mode 100644',
  'old mode 100644',
  'new mode 100755',
  'similarity index 90%',
  'rename from a.c',
  'rename to b.c',
  'copy from a.c',
  'copy to b.c',
  'Binary files a/x.bin and b/x.bin differ',
  'GIT binary patch',
  'literal 0',
  'Index: drivers/x.c',
  '===================================================================',
  '--- a/drivers/x.c',
  '+++ b/drivers/x.c',
  '--- /dev/null',
  '+++ /dev/null',
  '--- drivers/x.c.orig',
  '@@ -1,3 +1,4 @@ static int foo(void)',
  '@@ -10 +10,2 @@',
  '@@ -0,0 +1 @@',
  '@@ -5,0 +6,0 @@',
  '@@ -99999999999,1 +1 @@',
  ' \treturn 0;',
  ' ',
  '',
  '+\tret = foo();',
  '+',
  '-\tkfree(p);',
  '-',
  '\\ No newline at end of file',
  '-- ',
  '2.43.0',
];

const diffSamples = [
  ...fixtures('diff'),
  ...corpusPatchSamples(24).map((patch) => {
    const text = patch.toString('utf8');
    const start = text.search(/^diff --git /m);
    return Buffer.from(start < 0 ? text : text.slice(start), 'utf8');
  }),
];

describe('parseDiff on mutated samples and line soup', () => {
  it('reads every sample as it is', () => {
    for (const sample of diffSamples) {
      const text = sample.toString('utf8');
      expectBounded(text, parse(text));
    }
  });

  it('never throws and stays bounded on mutated diffs', () => {
    fc.assert(
      fc.property(mutatedSample(diffSamples), (input) => {
        const text = input.toString('utf8');
        expectBounded(text, parse(text));
      }),
      { numRuns: 400 },
    );
  });

  it('never throws and stays bounded on line soup', () => {
    fc.assert(
      fc.property(lineSoup(DIFF_PIECES, 100), (text) => {
        expectBounded(text, parse(text));
      }),
      { numRuns: 500 },
    );
  });
});
