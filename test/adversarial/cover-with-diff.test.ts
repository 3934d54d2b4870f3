/**
 * Issue 14, point 9: a "[PATCH 0/N]" mail that carries a diff was skipped without a word
 * ("0 patches reviewed", exit 0): a series could hide its change in the cover letter. It is
 * reviewed like any patch, and still opens its series.
 */
import { expectNoCrash, leakyFunction, mbox, runCli } from './hostile-mail.js';

const clean = ['int ok(void)', '{', '\treturn 0;', '}'];

it('reviews a cover letter that carries a diff, alone', () => {
  const { text } = mbox([{ subject: '0/1 misc: cover', path: 'drivers/misc/hidden.c', lines: leakyFunction('hidden') }]);
  const run = runCli(['--format', 'json', '--jobs', '1', '-'], { input: text.replace('[PATCH] 0/1', '[PATCH 0/1]') });
  expectNoCrash(run);
  expect(run.status).toBe(1);
  const json = JSON.parse(run.stdout) as { patches: { subject: string; findings: { file: string; rule: string }[] }[] };
  expect(json.patches.map((patch) => patch.subject)).toEqual(['[PATCH 0/1] misc: cover']);
  expect(json.patches[0].findings.map((finding) => `${finding.file} ${finding.rule}`)).toEqual(['drivers/misc/hidden.c mem-leak']);
});

it('reviews it as the first patch of its series, with the others', () => {
  const { text } = mbox([
    { subject: '0/2 misc: cover', path: 'drivers/misc/hidden.c', lines: leakyFunction('hidden') },
    { subject: '1/2 misc: one', path: 'drivers/misc/one.c', lines: clean },
    { subject: '2/2 misc: two', path: 'drivers/misc/two.c', lines: leakyFunction('two') },
  ]);
  const input = text.replace(/\[PATCH\] (\d\/\d)/g, '[PATCH $1]');
  const run = runCli(['--format', 'terse', '--jobs', '1', '-'], { input });
  expectNoCrash(run);
  expect(run.status).toBe(1);
  expect(run.stdout.trim().split('\n').map((line) => line.split(':')[0])).toEqual(['drivers/misc/hidden.c', 'drivers/misc/two.c']);
  const pretty = runCli(['--format', 'pretty', '--no-color', '--jobs', '1', '-'], { input });
  expect(pretty.stdout).toContain('3 patches reviewed');
});

it('a cover letter with a diffstat and no diff is still a cover letter', () => {
  const { text } = mbox([{ subject: '0/1 misc: cover', path: 'drivers/misc/x.c', lines: clean }]);
  // Keep the diffstat, drop the diff.
  const cover = text.replace('[PATCH] 0/1', '[PATCH 0/1]').replace(/---\ndiff --git[\s\S]*$/, '---\n drivers/misc/x.c | 4 ++++\n 1 file changed, 4 insertions(+)\n');
  const run = runCli(['--format', 'pretty', '--no-color', '--jobs', '1', '-'], { input: cover });
  expectNoCrash(run);
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('0 patches reviewed');
});
