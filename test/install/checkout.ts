/**
 * What the install tests start from: a fresh "clone" of cptlint as a user gets it, made from
 * this working tree (the files git tracks or would track, edits included, nothing ignored:
 * no node_modules, no dist), committed in a repository of its own so that it can also be
 * installed from a git URL. And the environment npm and git run in there: none of the
 * npm_* settings that `npm test` hands to its children, none of the user's git config.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const packageVersion = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
/** A patch with one finding, reviewed by the installed cptlint from outside any checkout. */
export const samplePatch = join(repoRoot, 'patches/ref-leak-example.patch');
export const sampleFinding = 'drivers/leds/leds-pca9633x.c:50: ERROR: `child` leaves the for_each_available_child_of_node() loop with its reference held [ref-leak]';

/** The environment of a user's shell: no npm_* variables from `npm test`, no git config of theirs. */
export function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) || key === 'INIT_CWD' || key === 'NODE_OPTIONS' || key === 'PREFIX' || key.startsWith('GIT_')) continue;
    env[key] = value;
  }
  return {
    ...env,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Ada Tester',
    GIT_AUTHOR_EMAIL: 'ada@example.org',
    GIT_COMMITTER_NAME: 'Ada Tester',
    GIT_COMMITTER_EMAIL: 'ada@example.org',
    ...extra,
  };
}

export function hasCommand(command: string, args = ['--version']): boolean {
  const result = spawnSync(command, args, { encoding: 'utf8', env: userEnv() });
  return result.error === undefined && result.status === 0;
}

/** Runs a command and fails the test with its output when it does not exit 0. */
export function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number }): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? userEnv(),
    encoding: 'utf8',
    timeout: options.timeout ?? 600_000,
    maxBuffer: 64 << 20,
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${options.cwd}) exited ${result.status ?? result.signal}:\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

/** A new directory under the system's temporary directory. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Copies this working tree as git sees it into a new repository, committed; returns its path. */
export function freshCheckout(prefix = 'cptlint-checkout-'): string {
  const dir = tempDir(prefix);
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, env: userEnv() })
    .toString('utf8')
    .split('\0')
    .filter((path) => path !== '' && existsSync(join(repoRoot, path)));
  for (const path of listed) {
    const from = join(repoRoot, path);
    const to = join(dir, path);
    mkdirSync(dirname(to), { recursive: true });
    if (lstatSync(from).isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else copyFileSync(from, to);
  }
  run('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  run('git', ['add', '-A'], { cwd: dir });
  run('git', ['commit', '-q', '--no-verify', '-m', 'cptlint as checked out'], { cwd: dir });
  return dir;
}

/** The installed `cptlint`: its version, and its review of the sample patch from a directory outside any checkout. */
export function expectWorkingCptlint(bin: string): void {
  const elsewhere = tmpdir();
  const version = spawnSync(bin, ['--version'], { cwd: elsewhere, env: userEnv(), encoding: 'utf8' });
  expect(version.stderr).toBe('');
  expect(version.stdout.trim()).toBe(packageVersion);
  expect(version.status).toBe(0);
  const review = spawnSync(bin, ['--format', 'terse', samplePatch], { cwd: elsewhere, env: userEnv(), encoding: 'utf8' });
  expect(review.stderr).toBe('');
  expect(review.stdout.trim()).toBe(sampleFinding);
  expect(review.status).toBe(1);
}
