/**
 * The mail reader (readMessages + parseMail + mailToPatch) on mangled and made-up input:
 * no exception escapes, every call returns, and what comes back stays within the size of
 * what went in.
 */
import { Readable } from 'node:stream';
import fc from 'fast-check';
import type { InputError, Patch } from '../../src/model/types.js';
import { parseMail } from '../../src/parsers/mail.js';
import { readMessages } from '../../src/parsers/mbox.js';
import { mailToPatch } from '../../src/parsers/patch.js';
import { corpusPatchSamples, fixtures } from './corpus-samples.js';
import { lineCount, lineSoup, mutatedSample } from './mutations.js';

interface ReadResult {
  messages: number;
  errors: InputError[];
  patches: Patch[];
}

/** The input fed in chunks of the given sizes (cycled), as a pipe delivers it. */
function chunked(input: Buffer, sizes: readonly number[]): Readable {
  const chunks: Buffer[] = [];
  for (let offset = 0, turn = 0; offset < input.length; turn++) {
    const size = sizes.length === 0 ? input.length : sizes[turn % sizes.length];
    chunks.push(input.subarray(offset, offset + size));
    offset += size;
  }
  return Readable.from(chunks);
}

async function readAll(input: Buffer, chunkSizes: readonly number[] = []): Promise<ReadResult> {
  const result: ReadResult = { messages: 0, errors: [], patches: [] };
  let index = 0;
  for await (const message of readMessages({ source: 'fuzz.mbox', stream: chunked(input, chunkSizes) })) {
    if ('message' in message) {
      result.errors.push(message);
      continue;
    }
    result.messages += 1;
    const mail = await parseMail(message);
    if ('message' in mail) {
      result.errors.push(mail);
      continue;
    }
    const outcome = mailToPatch(mail, index);
    if (outcome.kind !== 'patch') continue;
    index += 1;
    result.patches.push(outcome.patch);
    result.errors.push(...outcome.errors);
  }
  return result;
}

/** What reading `input` may give at most: nothing grows beyond the input's own lines. */
function expectBounded(input: Buffer, result: ReadResult): void {
  const lines = lineCount(input) + input.toString('latin1').split('\r').length;
  expect(result.messages + result.errors.length).toBeLessThanOrEqual(2 * lines + 1);
  for (const error of result.errors) {
    expect(error.line).toBeGreaterThanOrEqual(0);
    expect(error.line).toBeLessThanOrEqual(lines);
  }
  for (const patch of result.patches) {
    expect(patch.files.length).toBeLessThanOrEqual(lines);
    let hunkLines = 0;
    for (const file of patch.files) {
      for (const hunk of file.hunks) {
        hunkLines += hunk.lines.length;
        for (const line of hunk.lines) if (line.inputLine !== null) expect(line.inputLine).toBeLessThanOrEqual(lines);
      }
      const shown = file.postImage?.segments.reduce((total, segment) => total + segment.lines.length, 0) ?? 0;
      expect(shown).toBeLessThanOrEqual(lines);
    }
    expect(hunkLines).toBeLessThanOrEqual(lines);
  }
}

const MAIL_PIECES = [
  'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001',
  '>From someone',
  'From: Ada Tester <ada@example.org>',
  'From: =?UTF-8?B?w4lsaXNl?= <e@example.org>',
  'Subject: [PATCH v2 3/7] net: fix the thing',
  'Subject: [PATCH 0/2] cover',
  'Subject: Re: [PATCH] reply',
  'Date: Thu, 23 Oct 2025 03:07:41 +0400',
  'Message-Id: <1@example.org>',
  'In-Reply-To: <1@example.org>',
  'References: <0@example.org>',
  '\t<2@example.org>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=UTF-8',
  'Content-Type: multipart/mixed; boundary="b"',
  'Content-Transfer-Encoding: base64',
  'Content-Transfer-Encoding: quoted-printable',
  'Content-Disposition: attachment; filename="x.patch"',
  '--b',
  '--b--',
  '',
  '---',
  '-- ',
  'Signed-off-by: Ada Tester <ada@example.org>',
  ' drivers/x.c | 2 +-',
  'diff --git a/drivers/x.c b/drivers/x.c',
  'index 1234567..89abcde 100644',
  'new file mode 100644',
  'rename from a.c',
  'rename to b.c',
  'Binary files a/x.bin and b/x.bin differ',
  '--- a/drivers/x.c',
  '+++ b/drivers/x.c',
  '--- /dev/null',
  '@@ -1,3 +1,4 @@ static int foo(void)',
  '@@ -10 +10,2 @@',
  '@@ -0,0 +1 @@',
  ' \treturn 0;',
  '+\tret = foo();',
  '-\tkfree(p);',
  '\\ No newline at end of file',
  'aGVsbG8gd29ybGQK',
  '=3D=20',
  '> diff --git a/x b/x',
];

const samples = [...fixtures('mail'), ...fixtures('diff'), ...corpusPatchSamples(24)];

describe('the mail reader on mutated samples and line soup', () => {
  it('reads every sample as it is', async () => {
    for (const sample of samples) expectBounded(sample, await readAll(sample));
  });

  it('never throws and stays bounded on mutated samples, in any chunking', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedSample(samples), fc.array(fc.integer({ min: 1, max: 4096 }), { maxLength: 4 }), async (input, sizes) => {
        expectBounded(input, await readAll(input, sizes));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws and stays bounded on line soup', async () => {
    await fc.assert(
      fc.asyncProperty(lineSoup(MAIL_PIECES, 80), fc.boolean(), async (text, crlf) => {
        const input = Buffer.from(crlf ? text.replace(/\n/g, '\r\n') : text, 'utf8');
        expectBounded(input, await readAll(input));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (bytes) => {
        const input = Buffer.from(bytes);
        expectBounded(input, await readAll(input));
      }),
      { numRuns: 200 },
    );
  });
});
