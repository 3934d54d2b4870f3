/**
 * The pre-commit hook in real repositories: installed where git looks for it, run by
 * `git commit` from a plain shell (PATH=/usr/bin:/bin, no cptlint on it), refusing a commit
 * whose change has a finding at the fail level and letting a clean one through.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installHook, uninstallHook } from '../../src/git/hook.js';
import { HOOK_MARKER, type CptlintCommand } from '../../src/git/hook-script.js';
import { isInputError } from '../../src/git/repository.js';
import { buildCli, builtCli } from './cli-build.js';
import { isolateGitConfig, TempRepo } from './temp-repo.js';

const cptlint: CptlintCommand = { node: process.execPath, cli: builtCli };

/** A shell with nothing but the system directories on PATH, as a GUI or cron would give. */
function plainEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/bin:/bin',
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    ...extra,
  };
}

function gitCommit(repo: TempRepo, ...args: string[]): { status: number | null; output: string } {
  const result = spawnSync('git', ['commit', '-m', 'counter: open the device', ...args], {
    cwd: repo.dir,
    env: plainEnv(),
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const BASE = ['#include <linux/module.h>', '#include <linux/fs.h>', '', 'static int counter;', ''].join('\n');

/** Checks try_module_get(THIS_MODULE) before starting a thread of the module: what the seed review objected to. */
const SELF_REFERENCE = `${BASE}
static int counter_start(void *data)
{
	if (!try_module_get(THIS_MODULE))
		return -ENODEV;
	counter++;
	kthread_run(counter_thread, data, "counter");
	return 0;
}
`;

/** Pins the module that provides the ops, and drops the reference in release(). */
const OWNER_REFERENCE = `${BASE}
static int counter_open(struct inode *inode, struct file *file)
{
	struct counter_ops *ops = counter_ops_find(iminor(inode));

	if (!ops)
		return -ENODEV;
	if (!try_module_get(ops->owner))
		return -ENODEV;
	file->private_data = ops;
	return 0;
}

static int counter_release(struct inode *inode, struct file *file)
{
	struct counter_ops *ops = file->private_data;

	module_put(ops->owner);
	return 0;
}
`;

function headOf(repo: TempRepo): string {
  return repo.git('rev-parse', 'HEAD').trim();
}

beforeAll(() => {
  isolateGitConfig();
  buildCli();
});

describe('the pre-commit hook', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = new TempRepo();
    repo.commit('counter: start', { 'drivers/misc/counter.c': BASE });
  });
  afterEach(() => repo.remove());

  async function install(force = false, command = cptlint): Promise<string> {
    const result = await installHook({ cwd: repo.dir, force, cptlintCommand: command });
    if (isInputError(result)) throw new Error(result.message);
    return result.path;
  }

  it('is an executable sh script in .git/hooks that records how to reach this cptlint', async () => {
    const path = await install();
    expect(path).toBe(join(repo.dir, '.git', 'hooks', 'pre-commit'));
    const script = readFileSync(path, 'utf8');
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script).toContain(HOOK_MARKER);
    expect(script).toContain(`CPTLINT_NODE='${process.execPath}'`);
    expect(script).toContain(`CPTLINT_CLI='${builtCli}'`);
    expect(statSync(path).mode & 0o111).toBe(0o111);
    const syntax = spawnSync('sh', ['-n', path], { encoding: 'utf8' });
    expect(syntax.stderr).toBe('');
    expect(syntax.status).toBe(0);
  });

  it('is installed and uninstalled by `cptlint hook`, recording the node and cli.js that ran', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [builtCli, 'hook', ...args], { cwd: repo.dir, env: plainEnv(), encoding: 'utf8' });
    const path = join(repo.dir, '.git', 'hooks', 'pre-commit');
    writeFileSync(path, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const refused = run('install');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('not written by cptlint');
    const forced = run('install', '--force');
    expect(forced.stderr).toBe('');
    expect(forced.status).toBe(0);
    expect(readFileSync(path, 'utf8')).toContain(`CPTLINT_CLI='${builtCli}'`);
    expect(readFileSync(path, 'utf8')).toContain(`CPTLINT_NODE='${process.execPath}'`);
    expect(run('uninstall').status).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe('#!/bin/sh\nexit 0\n');
  });

  it('refuses a commit that checks try_module_get(THIS_MODULE), says why and how to skip', async () => {
    await install();
    const before = headOf(repo);
    repo.write('drivers/misc/counter.c', SELF_REFERENCE);
    repo.git('add', '-u');
    const commit = gitCommit(repo);
    expect(commit.status).toBe(1);
    expect(commit.output).toContain('try_module_get(THIS_MODULE)');
    expect(commit.output).toContain('try-module-get-self');
    expect(commit.output).toContain('git commit --no-verify');
    expect(headOf(repo)).toBe(before);
    expect(repo.git('diff', '--cached', '--name-only')).toBe('drivers/misc/counter.c\n');
  });

  it('lets a clean change through without a word: a checked try_module_get(ops->owner) paired with module_put()', async () => {
    await install();
    const before = headOf(repo);
    repo.write('drivers/misc/counter.c', OWNER_REFERENCE);
    repo.git('add', '-u');
    // -q: git says nothing of a commit that goes through, so all there is to read is the hook's.
    const commit = gitCommit(repo, '-q');
    expect(commit.output).toBe('');
    expect(commit.status).toBe(0);
    expect(repo.git('rev-parse', 'HEAD~1').trim()).toBe(before);
  });

  it('is skipped by git commit --no-verify', async () => {
    await install();
    repo.write('drivers/misc/counter.c', SELF_REFERENCE);
    repo.git('add', '-u');
    const commit = gitCommit(repo, '--no-verify');
    expect(commit.status).toBe(0);
    expect(repo.git('log', '-1', '--format=%s')).toBe('counter: open the device\n');
  });

  it('reviews what `git commit -a` commits (the temporary index git hands the hook)', async () => {
    await install();
    repo.write('drivers/misc/counter.c', SELF_REFERENCE);
    const commit = gitCommit(repo, '-a');
    expect(commit.output).toContain('try-module-get-self');
    expect(commit.status).toBe(1);
    expect(repo.git('rev-list', '--count', 'HEAD')).toBe('1\n');
  });

  it('goes where core.hooksPath sends it, and git runs it from there', async () => {
    repo.git('config', 'core.hooksPath', '.githooks');
    const path = await install();
    expect(path).toBe(join(repo.dir, '.githooks', 'pre-commit'));
    expect(existsSync(join(repo.dir, '.git', 'hooks', 'pre-commit'))).toBe(false);
    repo.write('drivers/misc/counter.c', SELF_REFERENCE);
    repo.git('add', 'drivers/misc/counter.c');
    expect(gitCommit(repo).status).toBe(1);
  });

  it('leaves a hook it did not write alone, and replaces it only with --force', async () => {
    const path = join(repo.dir, '.git', 'hooks', 'pre-commit');
    const foreign = '#!/bin/sh\necho "the team hook"\nexit 0\n';
    writeFileSync(path, foreign, { mode: 0o755 });
    const refused = await installHook({ cwd: repo.dir, force: false, cptlintCommand: cptlint });
    expect(isInputError(refused)).toBe(true);
    if (isInputError(refused)) expect(refused.message).toContain('--force');
    expect(readFileSync(path, 'utf8')).toBe(foreign);
    const notOurs = await uninstallHook({ cwd: repo.dir });
    expect(isInputError(notOurs)).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(foreign);

    const forced = await installHook({ cwd: repo.dir, force: true, cptlintCommand: cptlint });
    expect(isInputError(forced) ? forced.message : forced.action).toBe('replaced');
    expect(readFileSync(path, 'utf8')).toContain(HOOK_MARKER);
    expect(readFileSync(`${path}.before-cptlint`, 'utf8')).toBe(foreign);

    const removed = await uninstallHook({ cwd: repo.dir });
    expect(isInputError(removed) ? removed.message : removed.action).toBe('restored');
    expect(readFileSync(path, 'utf8')).toBe(foreign);
  });

  it('updates its own hook without --force, and uninstall removes it', async () => {
    const path = await install(false, { node: process.execPath, cli: '/old/place/cli.js' });
    await install();
    expect(readFileSync(path, 'utf8')).toContain(`CPTLINT_CLI='${builtCli}'`);
    const removed = await uninstallHook({ cwd: repo.dir });
    expect(isInputError(removed) ? removed.message : removed.action).toBe('removed');
    expect(existsSync(path)).toBe(false);
    const again = await uninstallHook({ cwd: repo.dir });
    expect(isInputError(again) ? again.message : again.action).toBe('absent');
  });

  describe('when cptlint itself breaks', () => {
    function fakeCli(name: string, code: string): string {
      // A directory name with a space and a quote: the hook must quote what it records.
      const dir = join(repo.dir, '.git', "cptlint's tools");
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${name}.mjs`);
      writeFileSync(path, code);
      chmodSync(path, 0o644);
      return path;
    }

    function crashingCli(status: number): string {
      return fakeCli(`exits-${status}`, `process.stderr.write('internal error\\n'); process.exit(${status});\n`);
    }

    beforeEach(() => {
      repo.write('drivers/misc/counter.c', SELF_REFERENCE);
      repo.git('add', '-u');
    });

    it('says so and lets the commit through when the recorded cptlint is gone', async () => {
      await install(false, { node: process.execPath, cli: join(repo.dir, 'no-such-dir', 'cli.js') });
      const commit = gitCommit(repo);
      expect(commit.status).toBe(0);
      expect(commit.output).toContain('cannot run cptlint');
      expect(commit.output).toContain('not reviewed');
    });

    it('says so and lets the commit through when cptlint exits with another status', async () => {
      await install(false, { node: process.execPath, cli: crashingCli(2) });
      const commit = gitCommit(repo);
      expect(commit.status).toBe(0);
      expect(commit.output).toContain('cptlint failed (exit status 2)');
    });

    it('does not take a crash (node exits 1 on an uncaught exception) for findings', async () => {
      for (const cli of [
        fakeCli('throws-on-load', "throw new Error('cannot load');\n"),
        fakeCli('missing-import', "import './no-such-module.js';\n"),
        fakeCli('throws-later', "setTimeout(() => { throw new Error('later'); }, 10);\n"),
        fakeCli('rejects', "await Promise.reject(new Error('rejected'));\n"),
      ]) {
        await install(false, { node: process.execPath, cli });
        const commit = gitCommit(repo);
        expect(commit.output).toContain('cptlint failed (exit status 70)');
        expect(commit.status).toBe(0);
        repo.git('reset', '-q', '--soft', 'HEAD~1');
      }
    });

    it('passes the arguments to cptlint as node would', async () => {
      const cli = fakeCli('prints-argv', "console.log(JSON.stringify(process.argv.slice(1))); process.exitCode = 1;\n");
      await install(false, { node: process.execPath, cli });
      const commit = gitCommit(repo);
      expect(commit.status).toBe(1);
      expect(commit.output).toContain(JSON.stringify([cli, '--staged', '--format', 'pretty', '--quiet']));
    });

    it('blocks the commit when .cptlintrc.json asks it to', async () => {
      repo.write('.cptlintrc.json', JSON.stringify({ hook: { blockOnCrash: true } }));
      await install(false, { node: process.execPath, cli: crashingCli(70) });
      const crashed = gitCommit(repo);
      expect(crashed.status).toBe(1);
      expect(crashed.output).toContain('blockOnCrash');
      await install(false, { node: '/nonexistent/node', cli: '/nonexistent/cli.js' });
      const gone = gitCommit(repo);
      expect(gone.status).toBe(1);
    });
  });
});
