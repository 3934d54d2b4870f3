/**
 * `cptlint reply` as the workflow page shows it: the draft files it writes are the ones
 * docs/workflow.md tells you to send, and a patch that cannot be threaded (no Message-Id: a
 * `git format-patch` file that was never sent) is named on stderr.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(repoRoot, 'dist/src/cli.js');
const seed = 'patches/0008-introduce-functions-to-restart-a-process.mbox';
const neverSent = 'patches/ref-leak-example.patch';
const FROM = 'Reviewer <r@example.org>';

function reply(args: string[]) {
  return spawnSync(process.execPath, [cli, 'reply', '--from', FROM, ...args], { cwd: repoRoot, encoding: 'utf8' });
}

describe('cptlint reply', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cptlint-drafts-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the draft files docs/workflow.md names, spelled the same', () => {
    const workflow = readFileSync(join(repoRoot, 'docs/workflow.md'), 'utf8');
    const named = [...new Set([...workflow.matchAll(/\bdrafts\/([^\s`]+\.eml)\b/g)].map((match) => match[1]))];
    expect(named.length).toBeGreaterThan(0);
    const result = reply([seed, '--outdir', join(dir, 'drafts')]);
    expect(result.status).toBe(0);
    const written = readdirSync(join(dir, 'drafts'));
    for (const name of named) expect(written).toContain(name);
  });

  it('says which patch has no Message-Id, so that its draft is not threaded', () => {
    const result = reply([neverSent, '--outdir', join(dir, 'drafts')]);
    expect(result.status).toBe(0);
    const [draftName] = readdirSync(join(dir, 'drafts'));
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([
      `cptlint: ${neverSent}: "[PATCH] leds: pca9633x: take channel names and triggers from DT" has no Message-Id, ` +
        `so the draft ${draftName} is not threaded under it: add "In-Reply-To: <the Message-Id of the mail as sent>" to it by hand`,
      `cptlint: 1 draft written to ${join(dir, 'drafts')}`,
    ]);
    expect(readFileSync(join(dir, 'drafts', draftName), 'utf8')).not.toMatch(/^In-Reply-To:/im);
  });

  it('names only the patches without Message-Id, also when the drafts go to standard output', () => {
    const result = reply([seed, neverSent]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^In-Reply-To: <1220439476-16465-9-git-send-email-major@openvz.org>$/m);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^cptlint: ${neverSent}: ".*" has no Message-Id, so its draft is not threaded under it`));
  });

  it('says nothing of threading when every patch has a Message-Id', () => {
    const result = reply([seed, '-o', join(dir, 'reply.eml')]);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe(`cptlint: 1 draft written to ${join(dir, 'reply.eml')}\n`);
  });
});
