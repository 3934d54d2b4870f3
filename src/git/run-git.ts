/**
 * Runs git: always through execFile with an argument array (no shell, so no quoting of
 * paths or ranges), with a buffer large enough for a kernel-sized diff, and without
 * throwing: the caller turns a failure into an InputError.
 */
import { execFile, execFileSync } from 'node:child_process';
import type { InputError } from '../model/types.js';
import { killOnSignal } from '../signal-cleanup.js';

/** Enough for the diff of a large series; git output beyond it is a failure, not a truncation. */
const MAX_BUFFER = 1024 * 1024 * 1024;

export interface GitOptions {
  cwd: string;
  /** The environment git runs with (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Text or bytes written to git's standard input. */
  input?: string | Buffer;
}

export interface GitResult {
  /** Exit status; null when git could not be started or was killed. */
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

export function runGit(args: readonly string[], options: GitOptions): Promise<GitResult> {
  return new Promise((resolve) => {
    const child = execFile(
      'git',
      [...args],
      { cwd: options.cwd, env: options.env ?? process.env, maxBuffer: MAX_BUFFER, encoding: 'buffer' },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        const message = error && status === null ? `${error.message}\n` : '';
        resolve({ status, stdout, stderr: message + stderr.toString('utf8') });
      },
    );
    killOnSignal(child);
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

/** The same, synchronously: the TreeContext the pipeline calls is synchronous. */
export function runGitSync(args: readonly string[], options: GitOptions): GitResult {
  try {
    const stdout = execFileSync('git', [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      maxBuffer: MAX_BUFFER,
      input: options.input ?? '',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return { status: 0, stdout, stderr: '' };
  } catch (error) {
    const failure = error as { status?: number | null; stdout?: Buffer; stderr?: Buffer; message?: string };
    return {
      status: typeof failure.status === 'number' ? failure.status : null,
      stdout: failure.stdout ?? Buffer.alloc(0),
      stderr: failure.stderr?.toString('utf8') || failure.message || 'git could not be run',
    };
  }
}

/** git's stdout as text, without the final newline. */
export function outputText(result: GitResult): string {
  return result.stdout.toString('utf8').replace(/\n$/, '');
}

/** The first line git wrote to stderr, without "fatal: ", for an error message. */
export function gitMessage(result: GitResult): string {
  const line = result.stderr
    .split('\n')
    .map((text) => text.trim())
    .find((text) => text !== '');
  return (line ?? `git exited with status ${result.status ?? 'unknown'}`).replace(/^(fatal|error): /, '');
}

export function gitInputError(source: string, what: string, result: GitResult): InputError {
  return { source, line: 0, message: `${what}: ${gitMessage(result)}` };
}

/**
 * The environment for git commands that must act on an explicit repository: variables a
 * hook or a wrapper may have exported (a pre-commit hook runs with GIT_INDEX_FILE set) are
 * dropped, so that git finds the repository from the working directory.
 */
export function repositoryNeutralEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [
    'GIT_DIR',
    'GIT_WORK_TREE',
    'GIT_INDEX_FILE',
    'GIT_OBJECT_DIRECTORY',
    'GIT_ALTERNATE_OBJECT_DIRECTORIES',
    'GIT_COMMON_DIR',
    'GIT_PREFIX',
  ]) {
    delete env[name];
  }
  return { ...env, ...extra };
}
