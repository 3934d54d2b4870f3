import type { Mail, Patch } from '../../src/model/types.js';
import { parseMail } from '../../src/parsers/mail.js';
import { mailToPatch, type PatchOrNot } from '../../src/parsers/patch.js';
import { fixtureBytes, isInputError, mailOf, messagesOf } from './mail-fixtures.js';

async function patchOf(name: string): Promise<Patch> {
  const result = mailToPatch(await mailOf(name), 0);
  if (result.kind !== 'patch') throw new Error(`${name}: ${result.kind}`);
  expect(result.errors).toEqual([]);
  return result.patch;
}

async function resultOf(name: string): Promise<PatchOrNot> {
  return mailToPatch(await mailOf(name), 0);
}

describe('mailToPatch', () => {
  test('a format-patch mail: author, title, series, commit message, files on their input lines', async () => {
    const patch = await patchOf('format-patch.patch');
    expect(patch).toMatchObject({
      index: 0,
      subject: '[PATCH v2 2/3] net: ethoc: free the rx buffer on the probe error path',
      title: 'net: ethoc: free the rx buffer on the probe error path',
      author: 'Jane Hacker <jane@example.org>',
      series: { version: 2, number: 2, total: 3 },
    });
    expect(patch.commitMessage.startsWith('ethoc_probe() allocates the rx buffer')).toBe(true);
    expect(patch.commitMessage.endsWith('Signed-off-by: Jane Hacker <jane@example.org>')).toBe(true);
    expect(patch.files.map((file) => [file.path, file.inputLine])).toEqual([['drivers/net/ethernet/ethoc.c', 20]]);
    const inputLines = fixtureBytes('format-patch.patch').toString().split('\n');
    expect(inputLines[19]).toBe('diff --git a/drivers/net/ethernet/ethoc.c b/drivers/net/ethernet/ethoc.c');
    const hunk = patch.files[0].hunks[0];
    expect(inputLines[(hunk.inputLine ?? 0) - 1]).toBe(hunk.header);
  });

  test('a quoted-printable patch: the same files, without input lines', async () => {
    const patch = await patchOf('quoted-printable.eml');
    expect(patch.files.map((file) => [file.path, file.added, file.removed, file.inputLine])).toEqual([['drivers/net/ethernet/ethoc.c', 3, 1, null]]);
    expect(patch.series).toBeNull();
  });

  test('a patch in an attachment takes its commit message from the text part before it', async () => {
    const patch = await patchOf('multipart-attachment.eml');
    expect(patch.files).toHaveLength(1);
    expect(patch.commitMessage).toMatch(/^ethoc_probe\(\) allocates[\s\S]*Signed-off-by: Jane Hacker <jane@example.org>$/);
  });

  test('a PGP/MIME signed patch: the diff-like text of the signature part is not read', async () => {
    const patch = await patchOf('pgp-signed.eml');
    expect(patch.files.map((file) => file.path)).toEqual(['drivers/net/ethernet/ethoc.c']);
  });

  test('in-body From: and Subject: give the author and title, as git am records them', async () => {
    const patch = await patchOf('in-body-from.eml');
    expect(patch.author).toBe('Original Author <author@example.com>');
    expect(patch.title).toBe('gpio: mxc: check the irq before using it, really');
    expect(patch.subjectInfo.tags).toEqual(['PATCH', 'RESEND']);
    expect(patch.commitMessage.startsWith('The probe path stores the irq')).toBe(true);
  });

  test('RFC 2047 and Latin-1 authors', async () => {
    expect((await patchOf('rfc2047.eml')).author).toBe('Jörg Schlüter <joerg@example.de>');
    expect((await patchOf('latin1-8bit.eml')).author).toBe('Jörg Schlüter <joerg@example.de>');
  });

  test('a plain diff: no author, no title, the diff on its input lines', async () => {
    for (const name of ['plain.diff', 'plain-with-text.diff']) {
      const patch = await patchOf(name);
      expect([patch.author, patch.title, patch.series]).toEqual(['', '', null]);
      expect(patch.files.map((file) => file.path)).toEqual(['drivers/gpio/gpio-mxc.c']);
    }
    const quilt = await patchOf('plain-with-text.diff');
    expect(quilt.commitMessage).toBe('gpio: mxc: check the irq before using it\n\nThe probe path stores the irq without looking at the error code.');
    expect(quilt.files[0].inputLine).toBe(7);
    expect(fixtureBytes('plain-with-text.diff').toString().split('\n')[6]).toBe('--- linux.orig/drivers/gpio/gpio-mxc.c');
  });

  test('the messages of an mbox become the patches of a series', async () => {
    const mails = await Promise.all((await messagesOf(fixtureBytes('mboxrd.mbox'))).map((message) => parseMail(message)));
    const results = mails.map((mail, index) => mailToPatch(mail as Mail, index));
    expect(results.map((result) => (result.kind === 'patch' ? [result.patch.index, result.patch.series, result.patch.files[0].path] : result.kind))).toEqual([
      [0, { version: 1, number: 1, total: 2 }, 'mm/page_alloc.c'],
      [1, { version: 1, number: 2, total: 2 }, 'mm/slab.c'],
    ]);
    expect(mails.some(isInputError)).toBe(false);
  });

  test('a 0/n mail is the cover letter', async () => {
    const result = await resultOf('cover-letter.eml');
    expect(result.kind).toBe('cover');
  });

  test('a reply that quotes the patch is not a patch, and says why', async () => {
    const result = await resultOf('reply-quoted.eml');
    expect(result).toMatchObject({ kind: 'not-a-patch', reason: expect.stringMatching(/reply that quotes a patch/) });
  });

  test('a mail without a diff is not a patch', async () => {
    expect(await resultOf('discussion.eml')).toMatchObject({ kind: 'not-a-patch', reason: 'no diff in the mail body' });
  });
});
