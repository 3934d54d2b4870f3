import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { RawMessage } from '../../src/model/types.js';
import { isMboxFromLine } from '../../src/parsers/mbox-splitter.js';
import { readMessages } from '../../src/parsers/mbox.js';
import { chunkedStream, fixtureBytes, fixturePath, isInputError, messagesOf, readAll, withCrlf } from './mail-fixtures.js';

let tempDir: string;
beforeAll(() => {
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cptlint-mbox-'));
});
afterAll(() => {
  fs.rmSync(tempDir, { recursive: true, force: true });
});

function tempFile(name: string, content: string | Buffer): string {
  const file = path.join(tempDir, name);
  fs.writeFileSync(file, content);
  return file;
}

function lines(message: RawMessage): string[] {
  return message.raw.toString('utf8').split('\n');
}

describe('mbox "From " lines (git mailsplit is_from_line)', () => {
  const line = (text: string): boolean => isMboxFromLine(Buffer.from(text), 0, text.length);
  test.each([
    ['From 3f2a1c0b9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a Mon Sep 17 00:00:00 2001', true],
    ['From patchwork Thu Feb  6 17:19:41 2020', true],
    ['From jane@example.org Tue Mar  4 10:12:33 2025', true],
    ['From the start, the allocator assumed an order-0 page.', false],
    ['From: Jane Hacker <jane@example.org>', false],
    ['From someone at 10:12:33 in 1989', false],
    ['>From 3f2a1c0b9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a Mon Sep 17 00:00:00 2001', false],
  ])('%s -> %s', (text, expected) => {
    expect(line(text)).toBe(expected);
  });
});

describe('readMessages', () => {
  test('a git format-patch file is one message that starts after its "From " line', async () => {
    const items = await readAll({ source: fixturePath('format-patch.patch') });
    expect(items).toHaveLength(1);
    const [message] = items as RawMessage[];
    expect(message.startLine).toBe(2);
    expect(message.source).toBe(fixturePath('format-patch.patch'));
    expect(message.plainDiff).toBeUndefined();
    expect(lines(message)[0]).toBe('From: Jane Hacker <jane@example.org>');
  });

  test('an mboxrd file: messages split at "From " lines, ">From " unquoted once, separator blank line dropped', async () => {
    const messages = await messagesOf(fixtureBytes('mboxrd.mbox'));
    expect(messages.map((message) => message.startLine)).toEqual([2, 28]);
    const first = lines(messages[0]);
    expect(first).toContain('From the start, the allocator assumed an order-0 page.');
    expect(first).toContain('>From a reply quoted in the original.');
    expect(messages[0].raw.toString().endsWith(' }\n')).toBe(true);
    expect(lines(messages[1])[2]).toBe('Subject: [PATCH 2/2] mm: use the order helper in the slab path');
  });

  test('each message line is the input line startLine + its index', async () => {
    const input = fixtureBytes('mboxrd.mbox').toString('utf8').split('\n');
    for (const message of await messagesOf(fixtureBytes('mboxrd.mbox'))) {
      lines(message).forEach((text, index) => {
        const inputLine = input[message.startLine - 1 + index];
        expect(inputLine.replace(/^>(>*From )/, '$1')).toBe(text);
      });
    }
  });

  test('CRLF input gives exactly what LF input gives', async () => {
    for (const name of ['mboxrd.mbox', 'format-patch.patch', 'latin1-8bit.eml', 'plain.diff', 'multipart-inline.eml']) {
      const lf = await messagesOf(fixtureBytes(name));
      // 5-byte chunks put many CR/LF pairs across chunk boundaries.
      const crlf = (await readAll({ source: 'test.mbox', stream: chunkedStream(withCrlf(fixtureBytes(name)), 5) })) as RawMessage[];
      expect(crlf).toEqual(lf);
    }
  });

  test('chunk boundaries do not matter', async () => {
    const whole = await messagesOf(fixtureBytes('mboxrd.mbox'));
    for (const size of [1, 3, 64, 1000]) {
      const chunked = await readAll({ source: 'test.mbox', stream: chunkedStream(fixtureBytes('mboxrd.mbox'), size) });
      expect(chunked).toEqual(whole);
    }
  });

  test('a mail without "From " line, after blank lines, is one message', async () => {
    const bytes = Buffer.concat([Buffer.from('\n\n'), fixtureBytes('quoted-printable.eml')]);
    const messages = await messagesOf(bytes);
    expect(messages).toHaveLength(1);
    expect(messages[0].startLine).toBe(3);
    expect(messages[0].plainDiff).toBeUndefined();
    expect(lines(messages[0])[0]).toBe('From: Jane Hacker <jane@example.org>');
  });

  test('a plain unified diff, and text followed by a quilt diff, are one message flagged plainDiff', async () => {
    for (const name of ['plain.diff', 'plain-with-text.diff']) {
      const messages = await messagesOf(fixtureBytes(name));
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({ startLine: 1, plainDiff: true });
      expect(messages[0].raw.equals(fixtureBytes(name))).toBe(true);
    }
  });

  test('"-" reads standard input, here given as a stream', async () => {
    const items = await readAll({ source: '-', stream: chunkedStream(fixtureBytes('mboxrd.mbox'), 100) });
    expect(items).toHaveLength(2);
    expect(items.every((item) => !isInputError(item) && item.source === '-')).toBe(true);
  });

  test('a message is handed out as soon as the next "From " line arrives, before the input ends', async () => {
    const mbox = fixtureBytes('mboxrd.mbox').toString('utf8');
    const secondFrom = mbox.indexOf('From 4a3b2c1d');
    const stream = new PassThrough();
    const messages = readMessages({ source: '-', stream });
    stream.write(mbox.slice(0, secondFrom + 80));
    const first = await messages.next();
    expect(first.done).toBe(false);
    expect((first.value as RawMessage).startLine).toBe(2);
    stream.end(mbox.slice(secondFrom + 80));
    const second = await messages.next();
    expect((second.value as RawMessage).startLine).toBe(28);
    expect((await messages.next()).done).toBe(true);
  });

  test('a 1 MB line is read whole', async () => {
    const longLine = `+${'x'.repeat(1 << 20)}`;
    const text = `From: a <a@example.org>\nSubject: [PATCH] big\n\n---\n${longLine}\nlast\n`;
    const messages = await messagesOf(Buffer.from(text));
    expect(lines(messages[0])).toContain(longLine);
    expect(messages[0].raw.length).toBe(text.length);
  });
});

describe('readMessages on bad input: one InputError, no exception, no hang', () => {
  async function onlyError(file: string): Promise<{ line: number; message: string; source: string }> {
    const items = await readAll({ source: file });
    expect(items).toHaveLength(1);
    const [item] = items;
    if (!isInputError(item)) throw new Error('expected an InputError');
    return item;
  }

  test('a path that does not exist', async () => {
    const missing = path.join(tempDir, 'missing.mbox');
    expect(await onlyError(missing)).toEqual({ source: missing, line: 0, message: 'cannot read: no such file' });
  });

  test('a directory', async () => {
    expect((await onlyError(tempDir)).message).toMatch(/is a directory/);
  });

  test('a FIFO', async () => {
    const fifo = path.join(tempDir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    expect((await onlyError(fifo)).message).toMatch(/FIFO/);
  });

  const runsAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  (runsAsRoot ? test.skip : test)('an unreadable file (skipped as root, who reads everything)', async () => {
    const file = tempFile('secret.mbox', fs.readFileSync(fixturePath('format-patch.patch')));
    fs.chmodSync(file, 0);
    expect((await onlyError(file)).message).toBe('cannot read: permission denied');
  });

  test('an empty file, and one with only blank lines', async () => {
    expect(await onlyError(tempFile('empty.mbox', ''))).toMatchObject({ line: 0, message: 'empty input' });
    expect((await onlyError(tempFile('blank.mbox', '\n  \n\n'))).message).toBe('input holds only blank lines');
  });

  test('random bytes', async () => {
    let seed = 12345;
    const random = Buffer.alloc(4096);
    for (let at = 0; at < random.length; at++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      random[at] = seed >> 16;
    }
    const error = await onlyError(tempFile('random.bin', random));
    expect(error.line).toBe(1);
    expect(error.message).toMatch(/not an mbox, a mail or a patch/);
  });

  test('text that is neither an mbox, a mail nor a diff', async () => {
    const error = await onlyError(tempFile('notes.txt', 'Shopping list\n\n- milk\n- bread\n'));
    expect(error).toMatchObject({ line: 1, message: expect.stringMatching(/no mbox "From " line, no mail headers and no diff/) });
  });

  test('an empty message between two "From " lines is an error, and the next message is still read', async () => {
    const mbox = fixtureBytes('mboxrd.mbox').toString('utf8');
    const items = await readAll({ source: 'x.mbox', stream: chunkedStream(Buffer.from(`From x Mon Sep 17 00:00:00 2001\n\n${mbox}`), 1 << 16) });
    expect(items).toHaveLength(3);
    expect(items[0]).toEqual({ source: 'x.mbox', line: 1, message: 'empty message after the mbox "From " line' });
    expect((items[1] as RawMessage).startLine).toBe(4);
  });
});
