/**
 * A large mailbox for the endurance run: the corpus repeated until it holds about the asked
 * number of patches, every message of every copy given a fresh Message-Id (and its
 * In-Reply-To / References pointed at the ids of its own copy), so that no two messages look
 * like the same mail. Written into a directory under os.tmpdir(), never into the repository.
 */
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SyntheticMbox {
  path: string;
  directory: string;
  messages: number;
  copies: number;
  bytes: number;
}

const SEPARATOR = /^From \S+ /;
const THREAD_HEADER = /^(message-id|in-reply-to|references):/i;

/** The corpus split into messages, each a list of lines starting with its "From " separator. */
function splitMessages(mbox: string): string[][] {
  const messages: string[][] = [];
  for (const line of mbox.split('\n')) {
    if (SEPARATOR.test(line) || messages.length === 0) messages.push([]);
    messages[messages.length - 1].push(line);
  }
  if (messages.length > 0 && messages[messages.length - 1].at(-1) === '') messages[messages.length - 1].pop();
  return messages;
}

/**
 * One message of one copy: the threading headers' ids prefixed with the copy number, and a
 * Message-Id added where the message had none.
 */
function renumber(lines: readonly string[], copy: number, index: number): string {
  const out: string[] = [];
  let inHeaders = true;
  let inThreadHeader = false;
  let hadMessageId = false;
  for (let row = 0; row < lines.length; row++) {
    const line = lines[row];
    if (row === 0 && SEPARATOR.test(line)) {
      out.push(line);
      continue;
    }
    if (inHeaders && line === '') {
      if (!hadMessageId) out.push(`Message-Id: <bench-${copy}-${index}@cptlint.invalid>`);
      inHeaders = false;
    }
    if (inHeaders) {
      const continuation = /^[ \t]/.test(line);
      if (!continuation) inThreadHeader = THREAD_HEADER.test(line);
      if (/^message-id:/i.test(line)) hadMessageId = true;
      if (inThreadHeader) {
        out.push(line.replace(/<([^<>\s]+)>/g, `<copy${copy}.$1>`));
        continue;
      }
    }
    out.push(line);
  }
  return `${out.join('\n')}\n`;
}

/** Writes the mailbox; `targetPatches` is rounded up to whole copies of the corpus. */
export async function writeSyntheticMbox(corpusMbox: string, targetPatches: number): Promise<SyntheticMbox> {
  const messages = splitMessages(readFileSync(corpusMbox, 'utf8'));
  const copies = Math.max(1, Math.ceil(targetPatches / messages.length));
  const directory = mkdtempSync(join(tmpdir(), 'cptlint-bench-'));
  const path = join(directory, 'synthetic.mbox');
  const out = createWriteStream(path);
  let bytes = 0;
  for (let copy = 0; copy < copies; copy++) {
    for (let index = 0; index < messages.length; index++) {
      const text = renumber(messages[index], copy, index);
      bytes += Buffer.byteLength(text);
      if (!out.write(text)) await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');
  return { path, directory, messages: messages.length * copies, copies, bytes };
}
