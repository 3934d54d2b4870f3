/**
 * Issue 14, point 2: a finding at the fail level blocks the commit whatever else happened.
 * Before, a staged file that was an input error (here: a function too deep to review) made
 * cptlint exit 2, which the hook reads as "cptlint failed", and the commit went ahead under
 * the finding it had just printed. Now cptlint exits 3 (findings and an input error) and the
 * hook refuses.
 */
import { spawnSync } from 'node:child_process';
import { installHook } from '../../src/git/hook.js';
import { isInputError } from '../../src/git/repository.js';
import { cli, runCli } from './hostile-mail.js';
import { isolateGitConfig, TempRepo } from '../git/temp-repo.js';

const SELF_REFERENCE = [
  '#include <linux/module.h>',
  '',
  'static int counter_start(struct counter *counter)',
  '{',
  '\tif (!try_module_get(THIS_MODULE))',
  '\t\treturn -ENODEV;',
  '\tcounter->task = kthread_run(counter_thread, counter, "counter");',
  '\treturn 0;',
  '}',
  '',
].join('\n');

/** A function of 2,000 nested blocks: an input error (too deep to review), generated here. */
const TOO_DEEP = ['int deep(int x)', '{', 'void *p = kmalloc(1, GFP_KERNEL);', ...Array<string>(2000).fill('{'), 'kfree(p);', ...Array<string>(2000).fill('}'), 'return 0;', '}', ''].join('\n');

beforeAll(() => isolateGitConfig());

describe('exit status when findings and input errors meet', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = new TempRepo();
    repo.commit('start', { 'README': 'x\n' });
  });
  afterEach(() => repo.remove());

  it('exits 3 for a finding and an input error, 2 for the input error alone, 1 for the finding alone', () => {
    repo.write('drivers/misc/counter.c', SELF_REFERENCE);
    repo.write('drivers/misc/deep.c', TOO_DEEP);
    repo.git('add', '.');
    const both = runCli(['--staged', '--format', 'terse'], { cwd: repo.dir });
    expect(both.stdout).toContain('try-module-get-self');
    expect(both.stderr).toContain('function deep nests deeper than');
    expect(both.status).toBe(3);

    repo.git('rm', '-q', '--cached', 'drivers/misc/counter.c');
    expect(runCli(['--staged', '--format', 'terse'], { cwd: repo.dir }).status).toBe(2);
    repo.git('add', 'drivers/misc/counter.c');
    repo.git('rm', '-q', '--cached', 'drivers/misc/deep.c');
    expect(runCli(['--staged', '--format', 'terse'], { cwd: repo.dir }).status).toBe(1);
  });

  it('the hook refuses the commit when another staged file is an input error', async () => {
    const installed = await installHook({ cwd: repo.dir, force: false, cptlintCommand: { node: process.execPath, cli } });
    expect(isInputError(installed)).toBe(false);
    repo.write('drivers/misc/counter.c', SELF_REFERENCE);
    repo.write('drivers/misc/deep.c', TOO_DEEP);
    repo.git('add', '.');
    const head = repo.git('rev-parse', 'HEAD');
    const commit = spawnSync('git', ['commit', '-m', 'counter: open'], {
      cwd: repo.dir,
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin', HOME: process.env.HOME, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
    });
    const output = commit.stdout + commit.stderr;
    expect(output).toContain('try-module-get-self');
    expect(output).toContain('commit refused');
    expect(output).not.toContain('the commit goes ahead');
    expect(commit.status).toBe(1);
    expect(repo.git('rev-parse', 'HEAD')).toBe(head);
  });
});
