import type { Mail } from '../../src/model/types.js';
import { parseMail } from '../../src/parsers/mail.js';
import { decodeUtf8OrLatin1 } from '../../src/parsers/text-decoding.js';
import { fixtureBytes, isInputError, mailOf, messagesOf, withCrlf } from './mail-fixtures.js';

/**
 * The body of format-patch.patch, what the single-part fixtures decode to. Read as an mbox
 * message it loses its last line, the blank line mbox writers put between messages.
 */
function formatPatchBody(asMboxMessage = false): string {
  const text = fixtureBytes('format-patch.patch').toString('utf8');
  const body = text.slice(text.indexOf('\n\n') + 2);
  return asMboxMessage ? body.slice(0, -1) : body;
}

/** Every body line is the input line bodyStartLine + its index (when the body is not encoded). */
function expectBodyOnItsInputLines(mail: Mail, input: Buffer): void {
  expect(mail.bodyStartLine).not.toBeNull();
  const inputLines = decodeUtf8OrLatin1(input).split('\n');
  const firstIndex = (mail.bodyStartLine ?? Number.NaN) - 1;
  mail.body
    .split('\n')
    .slice(0, -1)
    .forEach((line, index) => expect(inputLines[firstIndex + index]).toBe(line));
}

describe('parseMail', () => {
  test('a git format-patch mail: every header field, and the body on its input lines', async () => {
    const mail = await mailOf('format-patch.patch');
    expect(mail).toMatchObject({
      startLine: 2,
      from: { name: 'Jane Hacker', address: 'jane@example.org' },
      date: 'Tue, 4 Mar 2025 10:12:33 +0100',
      subject: '[PATCH v2 2/3] net: ethoc: free the rx buffer on the probe error path',
      messageId: '20250304091233.12345-3-jane@example.org',
      inReplyTo: '20250304091233.12345-1-jane@example.org',
      references: ['20250304091233.12345-1-jane@example.org'],
      to: [{ name: '', address: 'netdev@vger.kernel.org' }],
      cc: [
        { name: 'Miller, David', address: 'davem@davemloft.net' },
        { name: 'Eric Dumazet', address: 'edumazet@google.com' },
      ],
      bodyStartLine: 11,
    });
    expect(mail.body).toBe(formatPatchBody(true));
    expectBodyOnItsInputLines(mail, fixtureBytes('format-patch.patch'));
  });

  test('quoted-printable: soft line breaks joined, =XX decoded as UTF-8; no input line mapping', async () => {
    const mail = await mailOf('quoted-printable.eml');
    expect(fixtureBytes('quoted-printable.eml').toString()).toMatch(/=\n/);
    expect(mail.body).toBe(`Reported-by: Jörg Schlüter <joerg@example.de>\n${formatPatchBody()}`);
    expect(mail.bodyStartLine).toBeNull();
  });

  test('base64: decoded; no input line mapping', async () => {
    const mail = await mailOf('base64.eml');
    expect(mail.body).toBe(formatPatchBody());
    expect(mail.bodyStartLine).toBeNull();
  });

  test('multipart with the patch in an inline text/x-patch part: that part is the body, the note before it is kept', async () => {
    const mail = await mailOf('multipart-inline.eml');
    expect(mail.body.startsWith('ethoc_probe() allocates the rx buffer')).toBe(true);
    expect(mail.body).toContain('+\t\tkfree(priv->rx_buf);\n');
    expect(mail.body).not.toContain('--------------a1b2c3d4e5');
    expect(mail.precedingText).toContain('the patch below fixes a leak');
    expectBodyOnItsInputLines(mail, fixtureBytes('multipart-inline.eml'));
  });

  test('multipart with the patch in a base64 attachment: the attachment is the body, the message part precedes it', async () => {
    const mail = await mailOf('multipart-attachment.eml');
    expect(mail.body.startsWith('diff --git a/drivers/net/ethernet/ethoc.c b/drivers/net/ethernet/ethoc.c\n')).toBe(true);
    expect(mail.bodyStartLine).toBeNull();
    expect(mail.precedingText).toContain('Signed-off-by: Jane Hacker <jane@example.org>');
  });

  test('PGP/MIME signed: the signed text part is the body, the signature part is ignored', async () => {
    const mail = await mailOf('pgp-signed.eml');
    expect(mail.body).toBe(formatPatchBody());
    expect(mail.body).not.toContain('PGP SIGNATURE');
    expectBodyOnItsInputLines(mail, fixtureBytes('pgp-signed.eml'));
  });

  test('RFC 2047 names and a folded, encoded subject; address groups flattened', async () => {
    const mail = await mailOf('rfc2047.eml');
    expect(mail.from).toEqual({ name: 'Jörg Schlüter', address: 'joerg@example.de' });
    expect(mail.subject).toBe('[PATCH 1/2] net: ethoc: free the rx buffer on the probe error path — vérifié');
    expect(mail.to).toEqual([
      { name: 'François', address: 'francois@example.fr' },
      { name: '', address: 'netdev@vger.kernel.org' },
    ]);
    expect(mail.cc.map((address) => address.address)).toEqual(['a@example.org', 'b@example.org']);
  });

  test('Latin-1 bytes without MIME headers: read as Latin-1 since they are not UTF-8, lines still mapped', async () => {
    const mail = await mailOf('latin1-8bit.eml');
    expect(mail.from).toEqual({ name: 'Jörg Schlüter', address: 'joerg@example.de' });
    expect(mail.subject).toBe('[PATCH] net: ethoc: free the rx buffer (révisé)');
    expect(mail.body.startsWith('François found the leak on a board with an écran.\n')).toBe(true);
    expect(mail.bodyStartLine).toBe(5);
    expectBodyOnItsInputLines(mail, fixtureBytes('latin1-8bit.eml'));
  });

  test('Latin-1 declared, quoted-printable', async () => {
    const mail = await mailOf('latin1-qp.eml');
    expect(mail.from?.name).toBe('Jörg Schlüter');
    expect(mail.body.startsWith('François found the leak.\n')).toBe(true);
  });

  test('format=flowed: soft breaks joined and space-stuffing removed, as git does; no input line mapping', async () => {
    const mail = await mailOf('format-flowed.eml');
    expect(mail.body.split('\n').slice(0, 2)).toEqual(['A long line that the mailer wrapped here.', '']);
    expect(mail.body).toContain('\n int a;\n-int b;\n');
    expect(mail.bodyStartLine).toBeNull();
  });

  test('headers end at the first line that is not a header, as in git mailinfo, even without a blank line', async () => {
    const text = 'From: A U Thor <author@example.org>\nSubject: [PATCH] x\nThis line ends the headers.\n---\n';
    const [message] = await messagesOf(Buffer.from(text));
    const mail = await parseMail(message);
    expect(mail).toMatchObject({ subject: '[PATCH] x', body: 'This line ends the headers.\n---\n', bodyStartLine: 3 });
  });

  test('a multipart mail whose boundary never appears is read as one text part', async () => {
    const text = 'From: A <a@example.org>\nSubject: s\nContent-Type: multipart/mixed; boundary=nowhere\n\nJust text.\n';
    const [message] = await messagesOf(Buffer.from(text));
    expect(await parseMail(message)).toMatchObject({ body: 'Just text.\n', bodyStartLine: 5 });
  });

  test('a plain diff: empty headers, the whole text as body, from its first line', async () => {
    const [message] = await messagesOf(fixtureBytes('plain.diff'));
    const mail = await parseMail(message);
    expect(mail).toEqual({
      source: 'test.mbox',
      startLine: 1,
      from: null,
      date: null,
      subject: '',
      messageId: null,
      inReplyTo: null,
      references: [],
      to: [],
      cc: [],
      body: fixtureBytes('plain.diff').toString('utf8'),
      bodyStartLine: 1,
    });
  });

  test('the messages of an mbox keep their own body lines', async () => {
    const input = fixtureBytes('mboxrd.mbox');
    const mails = await Promise.all((await messagesOf(input)).map((message) => parseMail(message)));
    expect(mails.map((mail) => (isInputError(mail) ? null : mail.bodyStartLine))).toEqual([6, 32]);
    const second = mails[1] as Mail;
    expect(second.body.split('\n')[0]).toBe('Signed-off-by: Jane Hacker <jane@example.org>');
    expect(input.toString().split('\n')[31]).toBe('Signed-off-by: Jane Hacker <jane@example.org>');
  });

  test('CRLF mails parse exactly as LF mails', async () => {
    for (const name of ['format-patch.patch', 'quoted-printable.eml', 'base64.eml', 'multipart-inline.eml', 'multipart-attachment.eml', 'pgp-signed.eml', 'rfc2047.eml', 'latin1-8bit.eml']) {
      expect(await mailOf(name, withCrlf(fixtureBytes(name)))).toEqual(await mailOf(name));
    }
  });
});
