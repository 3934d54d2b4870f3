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
      // A git child still writing in a scratch directory can refill it between the listing and
      // the rmdir (ENOTEMPTY): rmSync tries again.
      rmSync(path, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
    } catch {
      // Nothing more can be done on the way out.
    }
  }
  paths.clear();
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
