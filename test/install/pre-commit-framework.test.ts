/**
 * The pre-commit framework (https://pre-commit.com) using cptlint as a remote repository, as
 * a user's `.pre-commit-config.yaml` names it: `repo:` a clone of cptlint (by path, so no
 * network for the clone), `rev:` a commit of it, `id: cptlint`. pre-commit clones it and
 * installs it with its own node recipe (npm install, npm pack, npm install -g of the
 * tarball), then runs the hook; a change with a finding must fail, a clean one pass.
 *
 * Slow the first time (the install builds cptlint); needs the `pre-commit` command (Debian:
 * apt-get install pre-commit; .ci/run installs it).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { freshCheckout, hasCommand, run, tempDir, userEnv } from './checkout.js';

const hasGit = hasCommand('git');
const hasPreCommit = hasCommand('pre-commit');
if (!hasGit) console.warn('SKIPPED: git is not installed; the pre-commit framework test needs it');
else if (!hasPreCommit) console.warn('SKIPPED: the pre-commit command is not installed (apt-get install pre-commit); the pre-commit framework test does not run');

/** try_module_get(THIS_MODULE) checked in the module's own open(): a finding of try-module-get-self. */
const SELF_REFERENCE = `#include <linux/module.h>
#include <linux/fs.h>

static int counter_start(struct counter *counter)
{
	if (!try_module_get(THIS_MODULE))
		return -ENODEV;
	counter->task = kthread_run(counter_thread, counter, "counter");
	return 0;
}
`;

const CLEAN = `#include <linux/module.h>

static int counter_value(int base)
{
	return base + 1;
}
`;

(hasGit && hasPreCommit ? describe : describe.skip)('the pre-commit framework, with cptlint as a remote repo', () => {
  let cptlintRepo = '';
  let user = '';
  let preCommitHome = '';
  let env: NodeJS.ProcessEnv = {};

  beforeAll(() => {
    cptlintRepo = freshCheckout();
    user = tempDir('cptlint-pre-commit-user-');
    preCommitHome = tempDir('cptlint-pre-commit-home-');
    env = userEnv({ PRE_COMMIT_HOME: preCommitHome, PRE_COMMIT_COLOR: 'never' });
    const rev = run('git', ['rev-parse', 'HEAD'], { cwd: cptlintRepo }).stdout.trim();
    run('git', ['init', '-q', '-b', 'main'], { cwd: user, env });
    writeFileSync(join(user, '.pre-commit-config.yaml'), ['repos:', `  - repo: ${cptlintRepo}`, `    rev: ${rev}`, '    hooks:', '      - id: cptlint', ''].join('\n'));
    run('git', ['add', '.pre-commit-config.yaml'], { cwd: user, env });
    run('git', ['commit', '-q', '--no-verify', '-m', 'use cptlint'], { cwd: user, env });
  });
  afterAll(() => {
    for (const dir of [cptlintRepo, user, preCommitHome]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function stage(path: string, text: string): void {
    const full = join(user, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
    run('git', ['add', path], { cwd: user, env });
  }

  function preCommitRun(): { status: number | null; output: string } {
    const result = spawnSync('pre-commit', ['run', '--all-files'], { cwd: user, env, encoding: 'utf8', timeout: 600_000 });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }

  it(
    'installs cptlint from the repository and fails on a staged finding',
    () => {
      stage('drivers/misc/counter.c', SELF_REFERENCE);
      const result = preCommitRun();
      expect(result.output).toMatch(/^cptlint\.+Failed$/m);
      expect(result.output).toContain('try_module_get(THIS_MODULE)');
      expect(result.output).toContain('try-module-get-self');
      expect(result.status).toBe(1);
    },
    600_000,
  );

  it(
    'passes a clean staged change',
    () => {
      run('git', ['rm', '-q', '--cached', 'drivers/misc/counter.c'], { cwd: user, env });
      stage('drivers/misc/value.c', CLEAN);
      const result = preCommitRun();
      expect(result.output).toMatch(/^cptlint\.+Passed$/m);
      expect(result.status).toBe(0);
    },
    600_000,
  );
});
