/**
 * Issue 14, point 11: --tree left its scratch directory (an index, objects, a copy of each
 * patch) behind on SIGINT, SIGTERM and SIGHUP, and an interrupted `reply` could leave an empty
 * draft. The scratch directory is removed on those signals and the process exits as the
 * signal would have it (128 + its number); drafts are only ever renamed into place whole.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, leakyFunction, mbox, repoRoot } from './hostile-mail.js';
import { isolateGitConfig, TempRepo } from '../git/temp-repo.js';

const { text } = mbox([
  { subject: 'misc: one', path: 'drivers/misc/one.c', lines: leakyFunction('one') },
  { subject: 'misc: two', path: 'drivers/misc/two.c', lines: leakyFunction('two') },
]);
// The first mail and the start of the second: the review waits for the rest on stdin.
const firstPart = text.slice(0, text.indexOf('misc: two'));

let repo: TempRepo;
let scratchParent: string;
beforeAll(() => {
  isolateGitConfig();
  repo = new TempRepo();
  repo.commit('start', { 'README': 'kernel\n' });
});
afterAll(() => repo.remove());
beforeEach(() => {
  scratchParent = mkdtempSync(join(tmpdir(), 'cptlint-signal-tmp-'));
});
afterEach(() => rmSync(scratchParent, { recursive: true, force: true }));

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Starts cptlint with the first part of the input on a stdin that stays open. */
function start(args: string[]) {
  const child = spawn(process.execPath, [cli, ...args], { cwd: repoRoot, env: { ...process.env, TMPDIR: scratchParent }, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.write(firstPart);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited };
}

describe.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('%s', (signal) => {
  it('removes the --tree scratch directory and exits 128 + the signal number', async () => {
    const { child, exited } = start(['--tree', repo.dir, '--format', 'terse', '--jobs', '1', '-']);
    await until(() => readdirSync(scratchParent).some((name) => name.startsWith('cptlint-tree-')));
    child.kill(signal);
    const { code } = await exited;
    expect(code).toBe(128 + constants.signals[signal]);
    expect(readdirSync(scratchParent)).toEqual([]);
  });
});

it('an interrupted reply leaves no draft and no temporary file', async () => {
  const outdir = join(scratchParent, 'drafts');
  const { child, exited } = start(['reply', '--from', 'R <r@example.org>', '--outdir', outdir, '--tree', repo.dir, '--jobs', '1', '-']);
  await until(() => readdirSync(scratchParent).some((name) => name.startsWith('cptlint-tree-')));
  child.kill('SIGINT');
  await exited;
  expect(existsSync(outdir) ? readdirSync(outdir) : []).toEqual([]);
  expect(readdirSync(scratchParent)).toEqual([]);
});
