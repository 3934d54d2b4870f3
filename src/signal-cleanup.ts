/**
 * Files and directories to remove when the process is interrupted (SIGINT, SIGTERM, SIGHUP):
 * the temporary name of a draft being written, the scratch repository of --tree. Without a
 * listener Node dies at once on these signals and leaves them behind; with one, the process
 * finishes the synchronous step it is in (a draft is never left half written), removes what
 * is registered, and exits as the signal would have it (128 + its number).
 */
import { rmSync } from 'node:fs';
import { constants } from 'node:os';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const paths = new Set<string>();
let listening = false;

function onSignal(signal: (typeof SIGNALS)[number]): void {
  removeAll();
  process.exit(128 + (constants.signals[signal] ?? 0));
}

function removeAll(): void {
  for (const path of paths) {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch {
      // Nothing more can be done on the way out.
    }
  }
  paths.clear();
}

/** Removes `path` (file or directory) if the process is interrupted before `release(path)`. */
export function removeOnSignal(path: string): void {
  paths.add(path);
  if (listening) return;
  listening = true;
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

/** `path` is gone or kept on purpose: no longer remove it on a signal. */
export function release(path: string): void {
  paths.delete(path);
}
