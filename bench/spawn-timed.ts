/** Runs a process to completion and measures it: wall time from spawn to exit, and (for node) its peak RSS. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface TimedRun {
  wallMilliseconds: number;
  exitCode: number | null;
  /** Peak RSS in bytes (node processes run with rss-report.js preloaded), else null. */
  peakRssBytes: number | null;
  stderr: string;
  /** Bytes written to standard output (discarded). */
  stdoutBytes: number;
}

export interface SpawnTimedOptions {
  cwd?: string;
  /** Preload rss-report.js to learn the peak RSS (adds ~1 ms of start-up). */
  measureRss?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Written to the process's standard input (else it is empty). */
  input?: string;
}

const rssReporter = fileURLToPath(new URL('./rss-report.js', import.meta.url));

export function spawnTimed(command: string, args: readonly string[], options: SpawnTimedOptions = {}): Promise<TimedRun> {
  const scratch = options.measureRss ? mkdtempSync(join(tmpdir(), 'cptlint-bench-rss-')) : null;
  const rssFile = scratch ? join(scratch, 'rss') : null;
  const fullArgs = rssFile ? ['--import', rssReporter, ...args] : [...args];
  const env = { ...process.env, ...options.env, ...(rssFile ? { CPTLINT_BENCH_RSS_FILE: rssFile } : {}) };
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, fullArgs, { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.on('error', () => undefined); // a process that exits without reading its input
    child.stdin.end(options.input ?? '');
    let stdoutBytes = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdoutBytes += chunk.length));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const wallMilliseconds = performance.now() - started;
      let peakRssBytes: number | null = null;
      if (rssFile && scratch) {
        try {
          peakRssBytes = Number(readFileSync(rssFile, 'utf8'));
        } catch {
          peakRssBytes = null;
        }
        rmSync(scratch, { recursive: true, force: true });
      }
      resolve({ wallMilliseconds, exitCode, peakRssBytes, stderr, stdoutBytes });
    });
  });
}
