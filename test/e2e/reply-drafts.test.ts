/**
 * `cptlint reply` as the workflow page shows it: the draft files it writes are the ones
 * docs/workflow.md tells you to send.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(repoRoot, 'dist/src/cli.js');
const seed = 'patches/0008-introduce-functions-to-restart-a-process.mbox';
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
});
