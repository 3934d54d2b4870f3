/**
 * Issue 14, point 12: superlinear cost. A 40,000-case switch took 32 s, nearly all of it in
 * missing-error-code (each case is an edge of the graph, and each edge scanned the rows
 * between its ends); a 4 MB To header of repeated "Re: " took 19.5 s in the address parser.
 * Both stay near-linear now: the rule counts the gaps once per file, and address headers
 * past 64 KB are cut before they reach the parser.
 */
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { review } from '../../src/index.js';
import { parseMail } from '../../src/parsers/mail.js';
import { missingErrorCode } from '../../src/rules/missing-error-code.js';
import { mbox } from './hostile-mail.js';

/** A function missing-error-code reads whole: an allocation tested for NULL after a switch of `cases` cases. */
function switchPatch(cases: number): string {
  const lines = [
    'int big_switch(int x)',
    '{',
    '\tint ret = 0;',
    '\tstruct foo *p;',
    '\tif (x < 0) {',
    '\t\tret = -EINVAL;',
    '\t\tgoto out;',
    '\t}',
    '\tswitch (x) {',
    ...Array.from({ length: cases }, (_, i) => `\tcase ${i}: x = ${i}; break;`),
    '\t}',
    '\tp = kzalloc(sizeof(*p), GFP_KERNEL);',
    '\tif (!p)',
    '\t\tgoto out;',
    '\tkfree(p);',
    'out:',
    '\treturn ret;',
    '}',
  ];
  return mbox([{ subject: 'switch', path: 'drivers/misc/switch.c', lines }]).text;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cptlint-superlinear-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function secondsFor(cases: number): Promise<{ seconds: number; rules: string[] }> {
  const path = join(dir, `switch-${cases}.mbox`);
  writeFileSync(path, switchPatch(cases));
  const started = performance.now();
  const result = await review([{ source: path }], { rules: [missingErrorCode] });
  return { seconds: (performance.now() - started) / 1000, rules: result.patches.flatMap((patch) => patch.findings.map((finding) => finding.rule)) };
}

it('missing-error-code stays near-linear in the number of switch cases, and still finds the bug', async () => {
  await secondsFor(500); // warm up tree-sitter and the JIT
  const small = await secondsFor(5_000);
  const large = await secondsFor(40_000);
  // The missing -ENOMEM is found at every size.
  expect(small.rules).toEqual(['missing-error-code']);
  expect(large.rules).toEqual(['missing-error-code']);
  // 8 times the cases: linear is 8 times the time, quadratic 64 times.
  expect(large.seconds / Math.max(small.seconds, 0.05)).toBeLessThan(24);
  expect(large.seconds).toBeLessThan(20);
});

it('reads a 4 MB To header of repeated "Re: " quickly', async () => {
  const header = 'Re: '.repeat(1 << 20);
  const raw = Buffer.from(`From: A <a@example.org>\nTo: ${header}\nCc: ${header}, Jane <jane@example.org>\nSubject: x\n\nbody\n`);
  const started = performance.now();
  const mail = await parseMail({ source: 'to', startLine: 1, raw });
  expect((performance.now() - started) / 1000).toBeLessThan(5);
  expect('message' in mail).toBe(false);
});
