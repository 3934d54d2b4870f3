/**
 * `cptlint hook install` / `uninstall`: writes or removes the pre-commit hook in the hooks
 * directory git really uses (`git rev-parse --git-path hooks`: core.hooksPath, worktrees
 * and submodules included). A hook cptlint did not write is never replaced without --force
 * (and then kept beside it, to come back on uninstall), never removed.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { InputError } from '../model/types.js';
import { hookScript, isCptlintHook, type CptlintCommand } from './hook-script.js';
import { findRepository, isInputError } from './repository.js';
import { gitInputError, outputText, runGit } from './run-git.js';

export interface HookInstallOptions {
  cwd: string;
  /** Replace a pre-commit hook cptlint did not write. */
  force: boolean;
  /** How the hook reaches this cptlint. */
  cptlintCommand: CptlintCommand;
}

export interface HookUninstallOptions {
  cwd: string;
}

export interface HookResult {
  /** The pre-commit file acted on. */
  path: string;
  action: 'installed' | 'updated' | 'replaced' | 'removed' | 'restored' | 'absent';
  /** One sentence for the user. */
  message: string;
}

/** Where a foreign hook goes when --force replaces it. */
export const BACKUP_SUFFIX = '.before-cptlint';

const HOOK_SOURCE = 'hook';

export async function installHook(options: HookInstallOptions): Promise<HookResult | InputError> {
  const hooksDir = await hooksDirectory(options.cwd);
  if (isInputError(hooksDir)) return hooksDir;
  const path = join(hooksDir, 'pre-commit');
  const existing = readIfExists(path);
  const ours = existing !== null && isCptlintHook(existing);
  if (existing !== null && !ours && !options.force) {
    return {
      source: HOOK_SOURCE,
      line: 0,
      message: `${path} exists and was not written by cptlint; it stays as it is (cptlint hook install --force replaces it and keeps it as pre-commit${BACKUP_SUFFIX})`,
    };
  }
  let backup = path + BACKUP_SUFFIX;
  try {
    mkdirSync(hooksDir, { recursive: true });
    // A backup is never overwritten: a second foreign hook is kept under the next free name.
    if (existing !== null && !ours) {
      backup = freeBackupName(path);
      renameSync(path, backup);
    }
    // Written under a new name and renamed into place: a symlink there is replaced, never written through.
    const temporary = `${path}.cptlint-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      writeFileSync(temporary, hookScript(options.cptlintCommand), { mode: 0o755, flag: 'wx' });
      chmodSync(temporary, 0o755);
      renameSync(temporary, path);
    } finally {
      rmSync(temporary, { force: true });
    }
  } catch (error) {
    return fileError(path, error);
  }
  if (existing === null) return { path, action: 'installed', message: `installed the cptlint pre-commit hook in ${path}` };
  if (ours) return { path, action: 'updated', message: `updated the cptlint pre-commit hook in ${path}` };
  return {
    path,
    action: 'replaced',
    message: `replaced the pre-commit hook in ${path}; the previous one is kept as ${backup}`,
  };
}

export async function uninstallHook(options: HookUninstallOptions): Promise<HookResult | InputError> {
  const hooksDir = await hooksDirectory(options.cwd);
  if (isInputError(hooksDir)) return hooksDir;
  const path = join(hooksDir, 'pre-commit');
  const existing = readIfExists(path);
  if (existing === null) return { path, action: 'absent', message: `there is no pre-commit hook in ${hooksDir}` };
  if (!isCptlintHook(existing)) {
    return { source: HOOK_SOURCE, line: 0, message: `${path} was not written by cptlint; it stays as it is` };
  }
  const backup = latestBackup(path);
  try {
    rmSync(path);
    if (backup !== null) {
      renameSync(backup, path);
      return { path, action: 'restored', message: `removed the cptlint pre-commit hook; the previous hook is back in ${path}` };
    }
  } catch (error) {
    return fileError(path, error);
  }
  return { path, action: 'removed', message: `removed the cptlint pre-commit hook from ${path}` };
}

/** The hooks directory git runs hooks from, absolute. */
export async function hooksDirectory(cwd: string): Promise<string | InputError> {
  const repository = await findRepository(cwd, HOOK_SOURCE);
  if (isInputError(repository)) return repository;
  const result = await runGit(['rev-parse', '--path-format=absolute', '--git-path', 'hooks'], { cwd });
  if (result.status !== 0) return gitInputError(HOOK_SOURCE, 'cannot find the hooks directory', result);
  const dir = outputText(result);
  return isAbsolute(dir) ? dir : resolve(cwd, dir);
}

function fileError(path: string, error: unknown): InputError {
  return { source: HOOK_SOURCE, line: 0, message: `cannot write ${path}: ${error instanceof Error ? error.message : String(error)}` };
}

/**
 * The hook's text, or null when there is nothing at `path`. A symlink (dangling or not) counts
 * as a foreign hook whatever it points to: its text is not cptlint's marker, and a dangling
 * one is something, not nothing.
 */
function readIfExists(path: string): string | null {
  try {
    if (lstatSync(path).isSymbolicLink()) return '';
  } catch {
    return null;
  }
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function existsHere(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Backups of `path`, oldest first: pre-commit.before-cptlint, then .2, .3, ... */
function backupName(path: string, generation: number): string {
  return generation === 1 ? path + BACKUP_SUFFIX : `${path}${BACKUP_SUFFIX}.${generation}`;
}

function freeBackupName(path: string): string {
  let generation = 1;
  while (existsHere(backupName(path, generation))) generation++;
  return backupName(path, generation);
}

/** The newest backup (the hook cptlint replaced last), or null. */
function latestBackup(path: string): string | null {
  let generation = 1;
  while (existsHere(backupName(path, generation))) generation++;
  return generation === 1 ? null : backupName(path, generation - 1);
}
