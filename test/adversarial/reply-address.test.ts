/**
 * Issue 14, point 5: a reply draft went to a mailbox hidden in the From display name: the
 * header was RFC 2047 decoded before its address was looked for (git mailinfo's way), so
 * `"victim@evil.example" <author@example.org>` was answered at victim@evil.example. The draft
 * goes to the From mailbox as RFC 5322 parses it.
 */
import { expectNoCrash, leakyFunction, mbox, runCli } from './hostile-mail.js';

const froms = [
  '"victim@evil.example" <author@example.org>',
  '=?utf-8?q?victim=40evil.example?= <author@example.org>',
  '=?utf-8?b?dmljdGltQGV2aWwuZXhhbXBsZQ==?= <author@example.org>',
  'victim@evil.example <author@example.org>',
  'author@example.org (victim@evil.example)',
  '"Jane (victim@evil.example) Doe" <author@example.org>',
];

function toHeader(draft: string): string {
  const headers = draft.split('\n\n')[0].replace(/\n[ \t]+/g, ' ');
  return /^To: (.*)$/m.exec(headers)?.[1] ?? '';
}

describe.each(froms)('From: %s', (from) => {
  const { text } = mbox([{ subject: 'misc: leak', from, path: 'drivers/misc/a.c', lines: leakyFunction('probe') }]);
  const run = runCli(['reply', '--from', 'Rev Iewer <reviewer@example.org>', '--jobs', '1', '-'], { input: text });

  it('the draft goes to author@example.org and nowhere else', () => {
    expectNoCrash(run);
    expect(run.status).toBe(0);
    const to = toHeader(run.stdout);
    const addresses = [...to.matchAll(/<([^<>]*)>/g)].map((match) => match[1]);
    expect(addresses.length > 0 ? addresses : [to.trim()]).toEqual(['author@example.org']);
    expect(run.stdout).not.toMatch(/^(To|Cc|Bcc):.*<victim@evil\.example>/im);
  });
});

it('the review still names the author as git am records it', () => {
  const { text } = mbox([{ subject: 'misc: leak', from: 'Jane Doe <jane@example.org>', path: 'drivers/misc/a.c', lines: leakyFunction('probe') }]);
  const run = runCli(['reply', '--from', 'Rev Iewer <reviewer@example.org>', '--jobs', '1', '-'], { input: text });
  expect(toHeader(run.stdout)).toBe('Jane Doe <jane@example.org>');
});
