/**
 * Temporary git repositories for the git tests: real git, no network, an identity of their
 * own, and no influence from the user's global or system git configuration (a global
 * core.hooksPath would send the hook elsewhere).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Environment that keeps the user's git configuration out of the tests. */
export function isolateGitConfig(): void {
  process.env.GIT_CONFIG_GLOBAL = '/dev/null';
  process.env.GIT_CONFIG_NOSYSTEM = '1';
  delete process.env.GIT_DIR;
  delete process.env.GIT_INDEX_FILE;
  delete process.env.GIT_WORK_TREE;
}

export class TempRepo {
  readonly dir: string;

  constructor(prefix = 'cptlint-git-test-') {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
    this.git('init', '-q', '-b', 'master');
    this.git('config', 'user.name', 'Ada Tester');
    this.git('config', 'user.email', 'ada@example.org');
    this.git('config', 'commit.gpgsign', 'false');
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, encoding: 'utf8', env: process.env });
  }

  write(path: string, text: string): void {
    const full = join(this.dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }

  read(path: string): string {
    return readFileSync(join(this.dir, path), 'utf8');
  }

  /** Writes the files, stages them and commits with the given message; returns the commit id. */
  commit(message: string, files: Record<string, string>, date = '2024-03-01T10:00:00+0100'): string {
    for (const [path, text] of Object.entries(files)) this.write(path, text);
    this.git('add', '--', ...Object.keys(files));
    execFileSync('git', ['commit', '-q', '--no-verify', '-m', message], {
      cwd: this.dir,
      env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    });
    return this.git('rev-parse', 'HEAD').trim();
  }

  /**
   * Everything a run must leave as it was: every file under .git byte for byte (index, HEAD,
   * refs, packed refs, stash, objects), every working-tree file, and what git status says
   * (read without letting status refresh the index).
   */
  snapshot(): Record<string, string> {
    const files: Record<string, string> = {};
    const walk = (dir: string, prefix: string): void => {
      for (const name of readdirSync(dir).sort()) {
        const full = join(dir, name);
        const relative = prefix + name;
        const info = lstatSync(full);
        if (info.isDirectory()) walk(full, `${relative}/`);
        else if (info.isSymbolicLink()) files[relative] = `-> ${readlinkSync(full)}`;
        else files[relative] = createHash('sha256').update(readFileSync(full)).digest('hex') + ` mode ${info.mode.toString(8)}`;
      }
    };
    walk(this.dir, '');
    files['(git status)'] = execFileSync('git', ['status', '--porcelain=v1', '--untracked-files=all'], {
      cwd: this.dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
    });
    files['(git stash list)'] = this.git('stash', 'list');
    files['(git worktree list)'] = this.git('worktree', 'list', '--porcelain');
    return files;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Reads a ReviewInput's stream to text. */
export async function streamText(stream: NodeJS.ReadableStream | undefined): Promise<string> {
  if (!stream) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
