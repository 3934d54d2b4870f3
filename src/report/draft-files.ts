/**
 * Writing reply drafts to files (--outdir, -o) without ever writing through what a stranger
 * could have put there, and without clobbering a draft the user edited:
 *
 * - the text goes to a new temporary name in the same directory, opened with O_CREAT|O_EXCL
 *   (which never follows a symlink), and only a complete file gets the draft's name, so an
 *   interrupted run leaves no empty or half-written draft (src/signal-cleanup.ts removes the
 *   temporary file);
 * - without --force the temporary file is hard-linked to the draft's name, which fails if
 *   anything is there (a file, a symlink, a dangling symlink): the existing one is kept and
 *   reported; with --force it is renamed over the name, which replaces a symlink itself,
 *   never the file it points to;
 * - the directory is created one level at a time (Node's recursive mkdir loops forever under
 *   /proc), and every failure is one line naming the path.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, lstatSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { release, removeOnSignal } from '../signal-cleanup.js';

/** A draft file could not be written, or its directory made: one line for the user, exit 2. */
export class DraftWriteError extends Error {}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const known: Record<string, string> = {
    ENOENT: 'no such directory',
    ENOTDIR: 'a part of the path is not a directory',
    EISDIR: 'it is a directory',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENAMETOOLONG: 'the name is too long',
    ENOSPC: 'no space left on the device',
    ELOOP: 'too many symbolic links',
  };
  return (code && known[code]) ?? (error instanceof Error ? error.message.split('\n')[0] : String(error));
}

/** Makes `dir` and its missing parents, one level at a time; the resolved path. */
export function prepareDraftDirectory(dir: string): string {
  if (dir === '') throw new DraftWriteError('--outdir needs a directory name');
  const target = resolve(dir);
  const missing: string[] = [];
  for (let at = target; ; at = dirname(at)) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(at).isDirectory();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' || dirname(at) === at) throw new DraftWriteError(`cannot use ${dir} as the draft directory: ${reason(error)}`);
      missing.push(at);
      continue;
    }
    if (!isDirectory) throw new DraftWriteError(`cannot use ${dir} as the draft directory: ${at} is not a directory`);
    break;
  }
  for (const level of missing.reverse()) {
    try {
      mkdirSync(level);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && statSync(level).isDirectory()) continue;
      throw new DraftWriteError(`cannot create the draft directory ${level}: ${reason(error)}`);
    }
  }
  return target;
}

/**
 * Writes `text` at `path` as described above: 'written', or 'kept' when something is there
 * already and `force` is off.
 */
export function writeDraftFile(path: string, text: string, force: boolean): 'written' | 'kept' {
  const temporary = join(dirname(path), `.${basename(path).slice(0, 100)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  removeOnSignal(temporary);
  try {
    let fd: number;
    try {
      fd = openSync(temporary, 'wx', 0o644);
    } catch (error) {
      throw new DraftWriteError(`cannot write ${path}: ${reason(error)}`);
    }
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    try {
      if (force) {
        renameSync(temporary, path);
        return 'written';
      }
      try {
        linkSync(temporary, path);
        return 'written';
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') return 'kept';
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
      }
      // A file system without hard links: look, then rename (a narrow race, never a write through a link).
      if (exists(path)) return 'kept';
      renameSync(temporary, path);
      return 'written';
    } catch (error) {
      throw new DraftWriteError(`cannot write ${path}: ${reason(error)}`);
    }
  } finally {
    try {
      unlinkSync(temporary);
    } catch {
      // Renamed into place, or never created.
    }
    release(temporary);
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
