/**
 * The whole review on mutated samples with hostile lines mixed in (issue 14: deep nesting,
 * terminal escapes, forged names, overlong and nested headers): it never throws, it reports
 * what it cannot read as input errors, and the human formats stay one line per finding with
 * no raw control or bidi character.
 */
import fc from 'fast-check';
import { Readable } from 'node:stream';
import { review } from '../../src/index.js';
import { renderAll } from '../../src/report/index.js';
import { createPrettyReporter } from '../../src/report/pretty.js';
import { createTerseReporter } from '../../src/report/terse.js';
import { corpusPatchSamples, fixtures } from './corpus-samples.js';
import { applyMutation, hostileLines, mutatedSample } from './mutations.js';

// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

const samples = [...fixtures('mail'), ...corpusPatchSamples(12, (name) => name.endsWith('.patch') || name.endsWith('.mbox'))];

/**
 * A patch mail built around hostile lines: header lines go to the header, a `diff --git` and
 * `+++` pair names the file, `+` lines are the body of a C function that allocates (so the
 * leak rules parse and walk it), with the hunk counted right.
 */
function hostileMail(lines: readonly string[]): string {
  const headers = lines.filter((line) => /^(From|To|Cc|Subject):/.test(line));
  const names = lines.filter((line) => line.startsWith('diff --git ') || line.startsWith('+++ '));
  const code = lines.filter((line) => line.startsWith('+') && !line.startsWith('+++ '));
  const added = ['+int fuzz_probe(int x)', '+{', '+\tvoid *p = kmalloc(16, GFP_KERNEL);', ...code, '+\treturn 0;', '+}'];
  const subject = headers.some((line) => line.startsWith('Subject:')) ? [] : ['Subject: [PATCH] fuzz: hostile'];
  const from = headers.some((line) => line.startsWith('From:')) ? [] : ['From: Ada <ada@example.org>'];
  return [
    'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001',
    ...from,
    ...subject,
    ...headers,
    '',
    'Hostile.',
    '---',
    names.find((line) => line.startsWith('diff --git ')) ?? 'diff --git a/drivers/misc/fuzz.c b/drivers/misc/fuzz.c',
    'new file mode 100644',
    '--- /dev/null',
    names.find((line) => line.startsWith('+++ ')) ?? '+++ b/drivers/misc/fuzz.c',
    `@@ -0,0 +1,${added.length} @@`,
    ...added,
    '',
  ].join('\n');
}

async function reviewBuffer(input: Buffer) {
  return review([{ source: 'fuzz', stream: Readable.from([input]) }], { jobs: 1 });
}

function expectSafeOutput(result: Awaited<ReturnType<typeof reviewBuffer>>): void {
  const findings = result.patches.reduce((count, patch) => count + patch.findings.length, 0);
  const terse = renderAll(createTerseReporter(), result.patches, result.errors);
  expect(terse.split('\n').filter(Boolean)).toHaveLength(findings);
  expect(terse).not.toMatch(RAW_CONTROL);
  const pretty = renderAll(createPrettyReporter({ colorLevel: 0 }), result.patches, result.errors);
  expect(pretty).not.toMatch(RAW_CONTROL);
}

describe('the review on hostile mutations', () => {
  it('never throws and prints nothing raw, whatever hostile lines are inserted', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: samples.length - 1 }), hostileLines, async (sample, lines) => {
        // The hostile mail first, a real sample after it in the same mbox.
        const mboxLine = 'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n';
        const next = samples[sample].subarray(0, 5).toString() === 'From ' ? samples[sample] : Buffer.concat([Buffer.from(mboxLine), samples[sample]]);
        const input = Buffer.concat([Buffer.from(`${hostileMail(lines)}\n`), next]);
        const result = await reviewBuffer(input);
        expectSafeOutput(result);
        expect(result.patches.some(({ patch }) => patch.files.some((file) => file.path.includes('fuzz') || file.path.includes('forged')))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('never throws on mutated samples (hostile lines among the other mutations)', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedSample(samples), fc.nat({ max: 1_000_000 }), hostileLines, async (mutated, at, lines) => {
        const input = applyMutation(mutated, { kind: 'hostile', at, lines });
        expectSafeOutput(await reviewBuffer(input));
      }),
      { numRuns: 60 },
    );
  });
});
