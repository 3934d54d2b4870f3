/**
 * Reads the messages of one input (an mbox, a single mail or .patch file, a plain diff,
 * standard input) as a stream: large chunks in, one message out at a time, so memory is
 * bounded by the largest message. What cannot be read comes back as an InputError.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ReviewInput } from '../model/review.js';
import type { InputError, RawMessage } from '../model/types.js';
import { MboxSplitter } from './mbox-splitter.js';

export interface ReadMessagesOptions {
  /** A message larger than this is reported and skipped (default DEFAULT_MAX_MESSAGE_BYTES). */
  maxMessageBytes?: number;
}

const CHUNK_SIZE = 1 << 20;

function systemErrorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

function describeError(error: unknown): string {
  switch (systemErrorCode(error)) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, not an mbox or patch file';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** Opens a file input, refusing what would hang or cannot hold mail (directories, pipes, devices). */
async function openFile(source: string, path: string): Promise<NodeJS.ReadableStream | InputError> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) return { source, line: 0, message: 'is a directory, not an mbox or patch file' };
    if (info.isFIFO()) return { source, line: 0, message: 'is a named pipe (FIFO); give it on standard input as "-" instead' };
    if (!info.isFile()) return { source, line: 0, message: 'is not a regular file (a device or socket)' };
  } catch (error) {
    return { source, line: 0, message: `cannot read: ${describeError(error)}` };
  }
  const stream = createReadStream(path, { highWaterMark: CHUNK_SIZE });
  // Wait for the open, so that "permission denied" is told before any reading.
  const opened = await new Promise<InputError | null>((resolve) => {
    stream.once('ready', () => resolve(null));
    stream.once('error', (error) => resolve({ source, line: 0, message: `cannot read: ${describeError(error)}` }));
  });
  return opened ?? stream;
}

function openInput(input: ReviewInput): Promise<NodeJS.ReadableStream | InputError> | NodeJS.ReadableStream {
  if (input.stream) return input.stream;
  if (input.source === '-' && input.path === undefined) return process.stdin;
  return openFile(input.source, input.path ?? input.source);
}

function asBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.from(String(chunk), 'utf8');
}

/** The messages of one input, in order, and InputErrors for what could not be read. */
export async function* readMessages(input: ReviewInput, options: ReadMessagesOptions = {}): AsyncGenerator<RawMessage | InputError> {
  const opened = await openInput(input);
  if ('message' in opened) {
    yield opened;
    return;
  }
  const splitter = new MboxSplitter(input.source, options.maxMessageBytes);
  try {
    for await (const chunk of opened) {
      yield* splitter.push(asBuffer(chunk));
      // Binary input: leaving the loop stops the stream (a file of a gigabyte is not read on).
      if (splitter.stopped) return;
    }
  } catch (error) {
    yield { source: input.source, line: splitter.currentLine, message: `cannot read: ${describeError(error)}` };
    return;
  }
  yield* splitter.end();
}
