/**
 * Issue 14, point 16: a function too large for the path walk lost its findings without a
 * word. Each optional allocation below doubles the states the walk must follow; past the
 * budget, the leak of `scratch` on the -EIO path is no longer judged, and an info finding
 * (analysis-incomplete) names the function instead.
 */
import { expectNoCrash, mbox, runCli } from './hostile-mail.js';

function setupFunction(optionalParts: number): string[] {
  const lines = ['static int foo_setup(struct foo *f, u32 caps)', '{', '\tu8 *scratch = kmalloc(64, GFP_KERNEL);', '', '\tif (!scratch)', '\t\treturn -ENOMEM;'];
  for (let part = 0; part < optionalParts; part++) lines.push(`\tif (caps & BIT(${part}))`, `\t\tf->part${part} = kzalloc(${part + 1} * 64, GFP_KERNEL);`);
  lines.push('\tif (foo_query(f, scratch))', '\t\treturn -EIO;', '\tkfree(scratch);', '\treturn 0;', '}');
  return lines;
}

function terse(optionalParts: number, extra: string[] = []): string[] {
  const { text } = mbox([{ subject: 'foo: setup', path: 'drivers/misc/foo.c', lines: setupFunction(optionalParts) }]);
  const run = runCli(['--format', 'terse', '--fail-level', 'none', '--jobs', '1', ...extra, '-'], { input: text });
  expectNoCrash(run);
  expect(run.status).toBe(0);
  return run.stdout.trim().split('\n').filter(Boolean);
}

it('a function the walk follows whole: the leak, no note', () => {
  expect(terse(6)).toEqual([expect.stringMatching(/^drivers\/misc\/foo\.c:\d+: WARNING: scratch from kmalloc\(\) at line 3 leaks on this path \[mem-leak\]$/)]);
});

it('a function past the budget: asked for, an info line naming it; by default, no comment in the review', () => {
  expect(terse(20, ['--only', 'analysis-incomplete,mem-leak'])).toEqual([
    'drivers/misc/foo.c:1: INFO: foo_setup() has more paths than cptlint follows; its leak and lock findings are missing [analysis-incomplete]',
  ]);
  expect(terse(20)).toEqual([]);
});
