/**
 * Issue 14, point 10: `hook install --force` run twice lost the original foreign hook (its
 * backup was overwritten by the second foreign one), and a dangling pre-commit symlink was
 * written through (the hook landed wherever it pointed). A backup is never overwritten, and a
 * link is a foreign hook: replaced only with --force, the link itself, never its target.
 */
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installHook, uninstallHook } from '../../src/git/hook.js';
import { isInputError } from '../../src/git/repository.js';
import { cli } from './hostile-mail.js';
import { isolateGitConfig, TempRepo } from '../git/temp-repo.js';

const command = { node: process.execPath, cli };
let repo: TempRepo;
let outside: string;
let hook: string;
beforeAll(() => isolateGitConfig());
beforeEach(() => {
  repo = new TempRepo();
  outside = mkdtempSync(join(tmpdir(), 'cptlint-outside-'));
  hook = join(repo.dir, '.git', 'hooks', 'pre-commit');
});
afterEach(() => {
  repo.remove();
  rmSync(outside, { recursive: true, force: true });
});

async function install(force: boolean) {
  return installHook({ cwd: repo.dir, force, cptlintCommand: command });
}

it('keeps every foreign hook it replaced, and uninstall brings them back newest first', async () => {
  writeFileSync(hook, '#!/bin/sh\necho first\n', { mode: 0o755 });
  expect(isInputError(await install(true))).toBe(false);
  // Someone (a team tool) puts a hook of their own back, and --force runs again.
  writeFileSync(hook, '#!/bin/sh\necho second\n', { mode: 0o755 });
  const second = await install(true);
  expect(isInputError(second) ? '' : second.message).toContain('pre-commit.before-cptlint.2');
  expect(readFileSync(`${hook}.before-cptlint`, 'utf8')).toBe('#!/bin/sh\necho first\n');
  expect(readFileSync(`${hook}.before-cptlint.2`, 'utf8')).toBe('#!/bin/sh\necho second\n');
  // --force again over its own hook: an update, no new backup.
  await install(true);
  expect(existsSync(`${hook}.before-cptlint.3`)).toBe(false);

  await uninstallHook({ cwd: repo.dir });
  expect(readFileSync(hook, 'utf8')).toBe('#!/bin/sh\necho second\n');
  expect(readFileSync(`${hook}.before-cptlint`, 'utf8')).toBe('#!/bin/sh\necho first\n');
});

it('treats a dangling symlink as a foreign hook: not written through, replaced only with --force', async () => {
  const target = join(outside, 'planted-hook');
  symlinkSync(target, hook);
  const refused = await install(false);
  expect(isInputError(refused)).toBe(true);
  expect(existsSync(target)).toBe(false);
  expect(readlinkSync(hook)).toBe(target);

  const forced = await install(true);
  expect(isInputError(forced)).toBe(false);
  expect(existsSync(target)).toBe(false);
  expect(lstatSync(hook).isSymbolicLink()).toBe(false);
  expect(readFileSync(hook, 'utf8')).toContain('# installed by cptlint');
  expect(readlinkSync(`${hook}.before-cptlint`)).toBe(target);
});

it('treats a symlink to a file as a foreign hook and never writes into its target', async () => {
  const target = join(outside, 'shared-hook');
  writeFileSync(target, '#!/bin/sh\necho shared\n', { mode: 0o755 });
  symlinkSync(target, hook);
  expect(isInputError(await install(false))).toBe(true);
  expect(isInputError(await install(true))).toBe(false);
  expect(readFileSync(target, 'utf8')).toBe('#!/bin/sh\necho shared\n');
  expect(isInputError(await uninstallHook({ cwd: repo.dir }))).toBe(false);
  expect(readlinkSync(hook)).toBe(target);
});
