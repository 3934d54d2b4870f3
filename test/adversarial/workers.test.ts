/**
 * Issue 14, point 13: `-j 200` on 40 small patches took 18.7 s and 2.7 GB (0.3 s and 75 MB
 * with -j 1): the pool started every worker at once. Workers now start as the work needs
 * them, and the CLI asks for no more than there are cores.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectNoCrash, leakyFunction, mbox, repoRoot, runCli } from './hostile-mail.js';

const forty = mbox(Array.from({ length: 40 }, (_, index) => ({ subject: `misc: patch ${index}`, path: `drivers/misc/p${index}.c`, lines: leakyFunction(`p${index}`) }))).text;

it('-j 200 on 40 small patches is as quick as -j 1 and gives the same output', () => {
  const one = runCli(['--format', 'json', '--jobs', '1', '-'], { input: forty });
  const started = performance.now();
  const many = runCli(['--format', 'json', '--jobs', '200', '-'], { input: forty });
  const seconds = (performance.now() - started) / 1000;
  expectNoCrash(many);
  expect(many.status).toBe(1);
  expect(many.stdout).toBe(one.stdout);
  expect(seconds).toBeLessThan(10);
});

it('starts workers only as the work needs them', () => {
  const dist = (path: string) => JSON.stringify(join(repoRoot, 'dist/src', path));
  const script = `
    import { GroupRunner } from ${dist('review/parallel.js')};
    import { readGroups } from ${dist('review/read-groups.js')};
    import { initTreeSitter } from ${dist('parsers/treesitter.js')};
    import { allRules } from ${dist('rules/index.js')};
    import { Readable } from 'node:stream';
    await initTreeSitter();
    const runner = new GroupRunner({ rules: allRules, jobs: 200, patchesBeforeWorkers: 0 });
    let findings = 0;
    // One group at a time: one worker is always idle when the next group comes.
    for await (const unit of readGroups({ source: '-', stream: Readable.from([${JSON.stringify(forty)}]) })) {
      if (unit.kind !== 'group') continue;
      const review = await runner.review(unit.patches);
      findings += review.findings.flat().length;
    }
    const started = runner.workersStarted;
    await runner.close();
    process.stdout.write(JSON.stringify({ started, findings }));
  `;
  // A script file, not --input-type: worker threads inherit the flags of the process.
  const scratch = mkdtempSync(join(tmpdir(), 'cptlint-workers-'));
  const file = join(scratch, 'probe.mjs');
  writeFileSync(file, script);
  const result = spawnSync(process.execPath, [file], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  rmSync(scratch, { recursive: true, force: true });
  expect(result.stderr).toBe('');
  expect(JSON.parse(result.stdout)).toEqual({ started: 1, findings: 40 });
});
