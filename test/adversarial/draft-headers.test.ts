/**
 * Issue 14, point 14: draft headers that mail software refuses: a raw NUL (here RFC 2047
 * encoded, since a raw one makes the whole input binary) or CR LF in the Subject, a
 * 100,001-character Subject line (the limit is 998), message ids and names too long to fold.
 * Headers are cleaned of controls and folded; what cannot be folded is left out.
 */
import { decodeEncodedWords } from '../../src/parsers/mail-header.js';
import { expectNoCrash, leakyFunction, mbox, runCli } from './hostile-mail.js';

function reply(subject: string, extraHeaders: string[] = [], from?: string) {
  const { text } = mbox([{ subject, from, headers: extraHeaders, path: 'drivers/misc/a.c', lines: leakyFunction('probe') }]);
  const run = runCli(['reply', '--from', 'Rev Iewer <reviewer@example.org>', '--jobs', '1', '-'], { input: text.replace(/^Message-Id: .*\n/m, '') });
  expectNoCrash(run);
  expect(run.status).toBe(0);
  const draft = run.stdout.slice(run.stdout.indexOf('\n') + 1);
  const headerBlock = draft.slice(0, draft.indexOf('\n\n'));
  // Every header line fits RFC 5322's 998 characters, and no control is left in the headers.
  for (const line of headerBlock.split('\n')) expect(line.length).toBeLessThanOrEqual(998);
  // eslint-disable-next-line no-control-regex
  expect(headerBlock).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  const unfolded = headerBlock.replace(/\n[ \t]+/g, ' ');
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(unfolded)?.[1] ?? null;
  return { header, headerBlock };
}

it('folds a 100,001-character subject, and it reads back as the same subject', () => {
  const word = 'x'.repeat(100_001);
  const { header } = reply(`misc: ${word}`);
  const subject = header('Subject') ?? '';
  expect(decodeEncodedWords(subject)).toBe(`Re: [PATCH] misc: ${word}`);
});

it('a word too long to fold keeps its non-ASCII characters whole', () => {
  const word = 'ü€'.repeat(700);
  const { header } = reply(`misc: =?utf-8?b?${Buffer.from(word).toString('base64')}?=`);
  expect(decodeEncodedWords(header('Subject') ?? '')).toBe(`Re: [PATCH] misc: ${word}`);
});

it('turns NUL, CR and LF in the subject into spaces: no header is injected', () => {
  const { header, headerBlock } = reply('nul =?utf-8?q?x=00y=0D=0ABcc:_victim@evil.example?= end');
  expect(header('Subject')).toBe('Re: [PATCH] nul x y Bcc: victim@evil.example end');
  expect(headerBlock).not.toMatch(/^Bcc:/m);
});

it('leaves out message ids too long for a header line, keeps the others', () => {
  const { header } = reply('misc: ids', [`Message-Id: <${'m'.repeat(5000)}@example.org>`, `References: <ok@example.org> <${'r'.repeat(3000)}@example.org>`]);
  expect(header('In-Reply-To')).toBeNull();
  expect(header('References')).toBe('<ok@example.org>');
});

it('cleans and shortens names in To and Cc', () => {
  const { header } = reply('misc: names', [`Cc: =?utf-8?q?Evil=00Name?= <cc@example.org>, ${'n'.repeat(2000)} <long@example.org>`], `=?utf-8?q?Jane=0D=0ADoe?= <jane@example.org>`);
  expect(header('To')).toBe('Jane Doe <jane@example.org>');
  const cc = header('Cc') ?? '';
  expect(cc).toContain('Evil Name <cc@example.org>');
  expect(cc).toContain('<long@example.org>');
  expect(cc.length).toBeLessThan(400);
});
