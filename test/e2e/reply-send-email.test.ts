/**
 * A reply draft is made for `git send-email`: hand it over with a local "SMTP server" (a
 * sendmail-like script that stores what it is given) and check that what would be sent
 * still threads under the patch.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import PostalMime from 'postal-mime';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(repoRoot, 'dist/src/cli.js');
const seed = join(repoRoot, 'patches/0008-introduce-functions-to-restart-a-process.mbox');
const patchId = '1220439476-16465-9-git-send-email-major@openvz.org';
const coverId = '1220439476-16465-1-git-send-email-major@openvz.org';

const haveSendEmail = !/not a git command/.test(spawnSync('git', ['send-email', '-h'], { encoding: 'utf8' }).stderr ?? '');
if (!haveSendEmail) console.warn('SKIPPED: git send-email is not installed (apt-get install git-email); the draft is not handed to it');

describe('cptlint reply', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cptlint-reply-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a draft that threads under the seed patch, with comments under their lines', async () => {
    const draftPath = join(dir, 'reply.eml');
    const result = spawnSync(process.execPath, [cli, 'reply', '--from', 'R <r@example.org>', '-o', draftPath, seed], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    const draft = readFileSync(draftPath, 'utf8');
    const mail = await PostalMime.parse(draft);
    expect(mail.subject).toBe('Re: [PATCH 8/9] Introduce functions to restart a process');
    expect(mail.inReplyTo).toBe(`<${patchId}>`);
    expect(mail.references).toContain(coverId);
    expect(mail.references).toContain(patchId);
    expect(mail.to?.map((address) => address.address)).toEqual(['major@openvz.org']);
    expect(mail.cc?.map((address) => address.address)).toEqual(['linux-kernel@vger.kernel.org', 'containers@lists.linux-foundation.org']);
    const body = mail.text ?? '';
    const lines = body.split('\n');
    expect(lines).toContain('[...]');
    expect(body).not.toContain('> [...]');
    const prose = lines.filter((line) => !line.startsWith('>'));
    expect(prose.filter((line) => line.length > 80)).toEqual([]);
    // each comment starts right under the line it is about, after one blank line
    for (const quoted of ['> +\taddl  $256, %esp', '> +\tif (!try_module_get(THIS_MODULE))']) {
      const at = lines.indexOf(quoted);
      expect(at).toBeGreaterThan(0);
      expect(lines[at + 1]).toBe('');
      expect(lines[at + 2]).not.toMatch(/^>/);
      expect(lines[at + 2].length).toBeGreaterThan(0);
    }
  });

  (haveSendEmail ? it : it.skip)('hands the draft to git send-email, which keeps the threading headers', () => {
    const draftPath = join(dir, 'send.eml');
    execFileSync(process.execPath, [cli, 'reply', '--from', 'R <r@example.org>', '-o', draftPath, seed]);
    const captured = join(dir, 'sent.txt');
    const server = join(dir, 'fake-sendmail');
    writeFileSync(server, `#!/bin/sh\ncat > '${captured}'\n`);
    chmodSync(server, 0o755);
    const home = mkdtempSync(join(dir, 'home-'));
    execFileSync('git', ['send-email', '--confirm=never', '--no-validate', '--quiet', `--smtp-server=${server}`, '--from=R <r@example.org>', draftPath], {
      cwd: dir,
      env: { ...process.env, HOME: home, GIT_CONFIG_NOSYSTEM: '1' },
      encoding: 'utf8',
    });
    const sent = readFileSync(captured, 'utf8');
    expect(sent).toMatch(new RegExp(`^In-Reply-To: <${patchId.replace(/[.]/g, '\\.')}>$`, 'm'));
    expect(sent).toMatch(/^References: .*1220439476-16465-1-git-send-email-major@openvz\.org/m);
    expect(sent).toMatch(/^Subject: Re: \[PATCH 8\/9\] Introduce functions to restart a process$/m);
    expect(sent).toContain('> +\taddl  $256, %esp');
  });
});
