/**
 * Files and directories to remove when the process is interrupted (SIGINT, SIGTERM, SIGHUP):
 * the temporary name of a draft being written, the scratch repository of --tree. Without a
 * listener Node dies at once on these signals and leaves them behind; with one, the process
 * finishes the synchronous step it is in (a draft is never left half written), removes what
 * is registered, and exits as the signal would have it (128 + its number).
 */
import { existsSync, rmSync } from 'node:fs';
import { constants } from 'node:os';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const paths = new Set<string>();
/** Child processes (git) that may write into those paths while they run. */
const children = new Set<{ kill(signal?: NodeJS.Signals): boolean }>();
let listening = false;

function onSignal(signal: (typeof SIGNALS)[number]): void {
  removeAll();
  process.exit(128 + (constants.signals[signal] ?? 0));
}

function pause(milliseconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds);
}

function removeAll(): void {
  // A git child still running would write on into a scratch directory (git creates the leading
  // directories of an object it writes, so it can even bring a removed one back): stop it first.
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  for (const path of paths) {
    // A child being killed can still refill the directory between the listing and the rmdir
    // (ENOTEMPTY), or create it again: remove it until it stays gone, for a short while.
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        rmSync(path, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
      } catch {
        // Tried again below; nothing more can be done on the way out.
      }
      pause(20);
      if (!existsSync(path)) break;
    }
  }
  paths.clear();
}

/** A child process to kill if the process is interrupted while it runs (until it exits). */
export function killOnSignal(child: { kill(signal?: NodeJS.Signals): boolean; once(event: 'exit', listener: () => void): unknown }): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/**
 * Installs the listeners now. Call it before creating something whose name is only known once
 * it exists (mkdtemp): without a listener, a signal between the creation and removeOnSignal()
 * would kill the process at once and leave it behind.
 */
export function listenForSignals(): void {
  if (listening) return;
  listening = true;
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

/** Removes `path` (file or directory) if the process is interrupted before `release(path)`. */
export function removeOnSignal(path: string): void {
  listenForSignals();
  paths.add(path);
}

/** `path` is gone or kept on purpose: no longer remove it on a signal. */
export function release(path: string): void {
  paths.delete(path);
}
