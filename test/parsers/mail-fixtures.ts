/** Shared helpers for the mail parser tests: fixture paths and reading whole inputs. */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { InputError, Mail, RawMessage } from '../../src/model/types.js';
import { parseMail } from '../../src/parsers/mail.js';
import type { ReviewInput as MessageInput } from '../../src/model/review.js';
import { readMessages } from '../../src/parsers/mbox.js';

export const mailFixtureDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/mail');

export function fixturePath(name: string): string {
  return path.join(mailFixtureDir, name);
}

export function fixtureBytes(name: string): Buffer {
  return fs.readFileSync(fixturePath(name));
}

/** The same bytes with every LF turned into CRLF. */
export function withCrlf(bytes: Buffer): Buffer {
  return Buffer.from(bytes.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
}

/** A stream that hands the bytes over in chunks of `chunkSize`. */
export function chunkedStream(bytes: Buffer, chunkSize: number): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunkSize) chunks.push(bytes.subarray(at, at + chunkSize));
  return Readable.from(chunks, { objectMode: false });
}

export async function readAll(input: MessageInput): Promise<(RawMessage | InputError)[]> {
  const out: (RawMessage | InputError)[] = [];
  for await (const item of readMessages(input)) out.push(item);
  return out;
}

export function isInputError(item: RawMessage | InputError | Mail): item is InputError {
  return 'message' in item;
}

/** The messages of a byte string, all expected to be readable. */
export async function messagesOf(bytes: Buffer, source = 'test.mbox'): Promise<RawMessage[]> {
  const items = await readAll({ source, stream: chunkedStream(bytes, 1 << 16) });
  const errors = items.filter(isInputError);
  if (errors.length > 0) throw new Error(errors.map((error) => `${error.line}: ${error.message}`).join('; '));
  return items as RawMessage[];
}

/** The one mail of a fixture file. */
export async function mailOf(name: string, bytes: Buffer = fixtureBytes(name)): Promise<Mail> {
  const [message, ...rest] = await messagesOf(bytes, name);
  expect(rest).toHaveLength(0);
  const mail = await parseMail(message);
  if (isInputError(mail)) throw new Error(`${mail.line}: ${mail.message}`);
  return mail;
}
