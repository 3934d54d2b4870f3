import PostalMime from 'postal-mime';
import { draftsToMbox } from '../../src/report/mbox.js';
import { buildReplyDraft, buildReplyDrafts, draftFileName } from '../../src/report/reply.js';
import { CUT_MARKER } from '../../src/report/reply-body.js';
import { cleanReview, finding, NEW_FILE_TEXT, sampleReview } from './sample-review.js';

const FROM = 'Me Myself <me@example.com>';
const DATE = new Date('2008-09-03T14:32:48Z');

interface Mailbox {
  name: string;
  address: string;
}

function draft(review = sampleReview(), options: Partial<Parameters<typeof buildReplyDraft>[1]> = {}): string {
  return buildReplyDraft(review, { from: FROM, date: DATE, ...options });
}

function splitDraft(text: string): { headers: string; body: string[] } {
  const end = text.indexOf('\n\n');
  return { headers: text.slice(0, end), body: text.slice(end + 2).split('\n') };
}

/** Display width with tabs expanded to 8 columns, as a mail reader shows the line. */
function columns(line: string): number {
  let width = 0;
  for (const character of line) width = character === '\t' ? (Math.floor(width / 8) + 1) * 8 : width + 1;
  return width;
}

describe('reply draft headers', () => {
  it('parse back as a reply to the patch, to its author, copying everyone else once', async () => {
    const email = await PostalMime.parse(draft());
    expect(email.subject).toBe('Re: [PATCH v2 2/3] misc: add a worker thread that restarts itself');
    expect(email.inReplyTo).toBe('<1220439476-16465-3-git-send-email-joerg@example.org>');
    expect(email.references?.split(/\s+/)).toEqual([
      '<1220439476-16465-1-git-send-email-joerg@example.org>',
      '<1220439476-16465-2-git-send-email-joerg@example.org>',
      '<1220439476-16465-3-git-send-email-joerg@example.org>',
    ]);
    expect(email.from).toEqual({ name: 'Me Myself', address: 'me@example.com' });
    expect(email.to as Mailbox[]).toEqual([{ name: 'Jörg Exämple', address: 'joerg@example.org' }]);
    expect(email.cc as Mailbox[]).toEqual([
      { name: 'Linux Containers', address: 'containers@lists.example.org' },
      { name: 'Reviewer, Rita', address: 'rita@example.net' },
    ]);
    expect(email.messageId).toBe('<20080903143248.bd7d01c0d4586b58.cptlint@example.com>');
    expect(new Date(email.date ?? '').getTime()).toBe(DATE.getTime());
  });

  it('declare plain text UTF-8 sent 8bit and encode non-ASCII names (RFC 2047)', () => {
    const { headers } = splitDraft(draft());
    expect(headers).toContain('Content-Type: text/plain; charset=UTF-8');
    expect(headers).toContain('Content-Transfer-Encoding: 8bit');
    expect(headers).toContain('To: =?UTF-8?Q?J=C3=B6rg_Ex=C3=A4mple?= <joerg@example.org>');
    expect([...headers].every((character) => character.charCodeAt(0) < 128)).toBe(true);
  });

  it('do not add a second Re: and keep the bracket tags', async () => {
    const review = sampleReview();
    review.patch.mail.subject = 'RE: [PATCH net-next] net: fix it';
    expect((await PostalMime.parse(draft(review))).subject).toBe('RE: [PATCH net-next] net: fix it');
  });

  it('fold a long References header at 76 columns', async () => {
    const review = sampleReview();
    review.patch.mail.references = Array.from({ length: 12 }, (_, index) => `20240101.${index}.long-message-id-part@mail.example.org`);
    const text = draft(review);
    const { headers } = splitDraft(text);
    for (const line of headers.split('\n')) expect(line.length).toBeLessThanOrEqual(78);
    expect(headers).toMatch(/^References: <[^\n]*\n <20240101\./m);
    const references = (await PostalMime.parse(text)).references?.split(/\s+/) ?? [];
    expect(references).toHaveLength(13);
    expect(references[12]).toBe('<1220439476-16465-3-git-send-email-joerg@example.org>');
  });

  it('use an injected Message-Id and domain, and are reproducible', () => {
    expect(draft()).toBe(draft());
    expect(draft(sampleReview(), { messageId: 'fixed@host' })).toContain('Message-ID: <fixed@host>');
    expect(draft(sampleReview(), { messageIdDomain: 'drafts.example' })).toMatch(/Message-ID: <20080903143248\.[0-9a-f]{16}\.cptlint@drafts\.example>/);
  });

  it('leave out In-Reply-To when the patch has no Message-Id', () => {
    const review = sampleReview();
    review.patch.mail.messageId = null;
    review.patch.mail.references = [];
    const { headers } = splitDraft(draft(review));
    expect(headers).not.toMatch(/In-Reply-To|References/);
  });
});

describe('reply draft body', () => {
  const { body } = splitDraft(draft());

  it('opens with the attribution and the quoted commit message', () => {
    expect(body[0]).toBe('On Wed, 3 Sep 2008 14:57:55 +0400, Jörg Exämple wrote:');
    expect(body[1]).toBe('> Add a worker thread that can be restarted from a saved context, and an');
    expect(body).toContain('> Signed-off-by: Jörg Exämple <joerg@example.org>');
  });

  it('keeps every line within 80 columns and every prose line within 72', () => {
    for (const line of body) expect(columns(line)).toBeLessThanOrEqual(80);
    for (const line of body.filter((text) => !text.startsWith('>'))) expect(columns(line)).toBeLessThanOrEqual(72);
  });

  it('puts each comment directly under its quoted line, set off by blank lines', () => {
    for (const [quoted, opening] of [
      ['> +\taddl $256, %esp', 'This space reserved for hooks'],
      ['> +\tif (!try_module_get(THIS_MODULE))', 'Doing try_module_get(THIS_MODULE)'],
      ['> +\tmodule_put(THIS_MODULE);', 'Where is the module reference dropped'],
    ]) {
      const at = body.findIndex((line) => line.startsWith(opening));
      expect(body[at - 1]).toBe('');
      expect(body[at - 2]).toBe(quoted);
    }
  });

  it('quotes each commented hunk with its diff headers and at most five lines above the comment', () => {
    const at = body.indexOf('> +\tif (!try_module_get(THIS_MODULE))');
    expect(body.slice(at - 10, at + 1)).toEqual([
      '> diff --git a/drivers/misc/worker.c b/drivers/misc/worker.c',
      '> --- /dev/null',
      '> +++ b/drivers/misc/worker.c',
      '> @@ -0,0 +1,25 @@',
      CUT_MARKER,
      '> +',
      '> +static int worker_start(int (*fn)(void *), void *arg)',
      '> +{',
      '> +\tint ret;',
      '> +',
      '> +\tif (!try_module_get(THIS_MODULE))',
    ]);
  });

  it('marks what is cut with a line "[...]" of its own, unquoted, and skips hunks without comments', () => {
    expect(CUT_MARKER).toBe('[...]');
    expect(body.filter((line) => line === '[...]').length).toBeGreaterThanOrEqual(3);
    expect(body.filter((line) => line.includes('[...]') && line !== '[...]')).toEqual([]);
    expect(body).not.toContain('> +ret_from_fork_tail:');
    expect(body).toContain('> @@ -239,4 +240,18 @@ END(ret_from_fork)');
    const lastComment = body.findIndex((line) => line.startsWith('Where is the module reference dropped'));
    expect(body.slice(lastComment).some((line) => line.startsWith('>'))).toBe(false);
  });

  it('ends with the sign-off: the From name, or the signature given', () => {
    expect(body.slice(-3)).toEqual(['', 'Me Myself', '']);
    const signed = splitDraft(draft(sampleReview(), { signature: 'Thanks,\nMe' })).body;
    expect(signed.slice(-4)).toEqual(['', 'Thanks,', 'Me', '']);
  });

  it('cuts a long commit message', () => {
    const review = sampleReview();
    const paragraph = Array.from({ length: 30 }, (_, index) => `Line ${index + 1} of a long explanation.`).join('\n');
    review.patch.commitMessage = `${paragraph}\n\nSigned-off-by: A <a@example.org>\n`;
    const lines = splitDraft(draft(review)).body;
    expect(lines).toContain('> Line 10 of a long explanation.');
    expect(lines).not.toContain('> Line 11 of a long explanation.');
    expect(lines[lines.indexOf('> Line 10 of a long explanation.') + 1]).toBe(CUT_MARKER);
  });

  it('still says where a comment belongs when the hunks do not show its line', () => {
    const review = sampleReview();
    review.findings = [finding({ file: 'drivers/misc/worker.c', line: 400, code: 'gone', comment: 'This line is not in the patch.' })];
    const lines = splitDraft(draft(review)).body;
    expect(lines).toContain('In drivers/misc/worker.c, line 400: This line is not in the patch.');
  });

  it('quotes code verbatim, tabs included', () => {
    const fileLines = NEW_FILE_TEXT.split('\n');
    const start = body.indexOf('> +++ b/drivers/misc/worker.c');
    const quoted = body.slice(start + 1).filter((line) => line.startsWith('> +')).map((line) => line.slice(3));
    expect(quoted.length).toBeGreaterThan(10);
    for (const line of quoted) expect(fileLines).toContain(line);
  });
});

describe('several drafts', () => {
  it('draft clean patches only when asked, one second apart, with unique file names', () => {
    expect(buildReplyDrafts([sampleReview(), cleanReview()], { from: FROM, date: DATE })).toHaveLength(1);
    const drafts = buildReplyDrafts([sampleReview(), cleanReview(), sampleReview()], { from: FROM, date: DATE, all: true });
    expect(drafts.map((item) => item.fileName)).toEqual([
      'v2-0002-misc-add-a-worker-thread-that-restarts-itself.eml',
      'v2-0003-misc-document-the-worker.eml',
      'v2-0002-misc-add-a-worker-thread-that-restarts-itself-2.eml',
    ]);
    expect(drafts[1].date.getTime() - drafts[0].date.getTime()).toBe(1000);
    const clean = splitDraft(drafts[1].text).body;
    expect(clean).toContain(CUT_MARKER);
    expect(clean).toContain('I have no comments on this patch.');
    expect(new Set(drafts.map((item) => /Message-ID: (.*)/.exec(item.text)?.[1])).size).toBe(3);
  });

  it('name a draft like git format-patch names the patch', () => {
    const review = sampleReview();
    review.patch.series = null;
    review.patch.title = 'x86/entry: keep "ret_from_fork" tail  (v2)!';
    expect(draftFileName(review.patch)).toBe('0002-x86-entry-keep-ret_from_fork-tail-v2.eml');
  });

  it('join into an mboxrd mailbox whose "From " lines are escaped', async () => {
    const review = sampleReview();
    review.findings = [finding({ file: 'drivers/misc/worker.c', line: 9, code: '', comment: 'Fine.\n\nFrom the look of it, >From lines need care.' })];
    const drafts = buildReplyDrafts([review, sampleReview()], { from: FROM, date: DATE });
    const mbox = draftsToMbox(drafts);
    const messages = mbox.split(/^From cptlint .*\n/m).slice(1);
    expect(mbox.startsWith('From cptlint Wed Sep  3 14:32:48 2008\n')).toBe(true);
    expect(messages).toHaveLength(2);
    expect(mbox).toContain('\n>From the look of it');
    const unescaped = messages[0].replace(/^>(>*From )/gm, '$1').replace(/\n$/, '');
    expect(unescaped).toBe(drafts[0].text);
    expect((await PostalMime.parse(messages[1])).subject).toMatch(/^Re: \[PATCH v2 2\/3\]/);
  });
});
