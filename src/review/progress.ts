/**
 * The progress line a long review shows on a terminal: patches done, and bytes read of the
 * total when the inputs' sizes are known. This module only decides what the line says and
 * when it is worth redrawing; the CLI writes it (to stderr, on a terminal).
 */

export interface ProgressOptions {
  /** Bytes of all inputs together, when known (files; not standard input or git output). */
  totalBytes: number | null;
  /** Show nothing until the review has run this long, so short runs stay quiet. */
  quietMilliseconds?: number;
  /** Redraw at most this often. */
  intervalMilliseconds?: number;
}

const MEGABYTE = 1 << 20;

function formatBytes(bytes: number): string {
  return bytes >= 10 * MEGABYTE ? `${Math.round(bytes / MEGABYTE)} MB` : `${(bytes / MEGABYTE).toFixed(1)} MB`;
}

export class ProgressMeter {
  private readonly totalBytes: number | null;
  private readonly quietMilliseconds: number;
  private readonly intervalMilliseconds: number;
  private readonly startedAt: number;
  private readonly bytesBySource = new Map<string, number>();
  private patches = 0;
  private lastDrawnAt: number | null = null;

  constructor(options: ProgressOptions, now: number) {
    this.totalBytes = options.totalBytes;
    this.quietMilliseconds = options.quietMilliseconds ?? 1000;
    this.intervalMilliseconds = options.intervalMilliseconds ?? 200;
    this.startedAt = now;
  }

  /** An input has been read up to `bytesRead` bytes. */
  read(source: string, bytesRead: number): void {
    this.bytesBySource.set(source, bytesRead);
  }

  /** One more patch reviewed. */
  patchDone(): void {
    this.patches += 1;
  }

  /** Whether anything has been drawn (so the line must be cleared at the end). */
  get shown(): boolean {
    return this.lastDrawnAt !== null;
  }

  /** The line to draw now, or null when it is too early or too soon after the last one. */
  lineIfDue(now: number): string | null {
    if (now - this.startedAt < this.quietMilliseconds) return null;
    if (this.lastDrawnAt !== null && now - this.lastDrawnAt < this.intervalMilliseconds) return null;
    this.lastDrawnAt = now;
    return this.line();
  }

  line(): string {
    const patches = `${this.patches} patch${this.patches === 1 ? '' : 'es'} reviewed`;
    let read = 0;
    for (const bytes of this.bytesBySource.values()) read += bytes;
    if (this.totalBytes === null || this.totalBytes === 0) return `${patches}, ${formatBytes(read)} read`;
    const share = Math.min(100, Math.floor((100 * read) / this.totalBytes));
    return `${patches}, ${formatBytes(read)} of ${formatBytes(this.totalBytes)} read (${share}%)`;
  }
}
