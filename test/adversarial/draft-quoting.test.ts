/**
 * Issue 14, point 7: line breaks inside names quoted in a draft produced unquoted lines
 * ("From: ...", "Subject: forged") that read as the reviewer's words. Every line a draft
 * quotes from the patch starts with ">"; odd file names are quoted as git writes them.
 */
import { expectNoCrash, leakyFunction, mbox, runCli } from './hostile-mail.js';

const name = 'drivers/misc/foo\nSubject: forged\r\nFrom: evil.c';
const gitQuoted = (path: string) => `"${path.replace(/\r/g, '\\r').replace(/\n/g, '\\n')}"`;
const code = leakyFunction('probe');
code[5] = `${code[5]} /* \rFrom: forged in code */`;
const { text } = mbox([{ subject: 'misc: leak', from: '=?utf-8?q?Jane=0A=0AFrom=3A_forged_name?= <jane@example.org>', path: 'PLACEHOLDER', lines: code }]);
const input = text
  .replace('diff --git a/PLACEHOLDER b/PLACEHOLDER', `diff --git ${gitQuoted(`a/${name}`)} ${gitQuoted(`b/${name}`)}`)
  .replace('+++ b/PLACEHOLDER', `+++ ${gitQuoted(`b/${name}`)}`);

it('quotes every line taken from the patch, and no forged line stands alone', () => {
  const run = runCli(['reply', '--from', 'Rev Iewer <reviewer@example.org>', '--jobs', '1', '-'], { input });
  expectNoCrash(run);
  expect(run.status).toBe(0);
  const draft = run.stdout;
  const body = draft.slice(draft.indexOf('\n\n') + 2);
  expect(body).toContain('without freeing');
  expect(body).not.toContain('\r');
  for (const line of body.split('\n')) {
    if (line.includes('forged')) expect(line).toMatch(/^(>|On .* wrote:$)/);
    expect(line).not.toMatch(/^(From|Subject|To|Cc|Bcc):/);
  }
  // The file header quotes the name as git does, on one line.
  expect(body).toContain('> diff --git "a/drivers/misc/foo\\nSubject: forged\\r\\nFrom: evil.c" "b/drivers/misc/foo\\nSubject: forged\\r\\nFrom: evil.c"');
  // The attribution names the author on one line.
  expect(body.split('\n')[0]).toMatch(/^On .*, Jane From: forged name wrote:$/);
});
