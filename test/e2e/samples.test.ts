/**
 * The sample patches in patches/: each `<rule>-example.patch` shows the bug its rule is
 * about, and the rule fires on it; the whole output of every format is pinned by snapshots
 * (a change in wording or layout must be a deliberate one).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { review } from '../../src/index.js';
import type { Review } from '../../src/model/types.js';
import { buildReplyDrafts, loadReporter, renderAll } from '../../src/report/index.js';
import { allRules } from '../../src/rules/index.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const patchesDir = join(repoRoot, 'patches');
const samples = readdirSync(patchesDir)
  .filter((name) => /\.(patch|mbox)$/.test(name))
  .sort();

const reviews = new Map<string, Review>();
async function reviewOf(name: string): Promise<Review> {
  let result = reviews.get(name);
  if (!result) {
    // Every rule, the opt-in ones too: each example shows its rule.
    result = await review([{ source: `patches/${name}`, path: join(patchesDir, name) }], { rules: allRules });
    reviews.set(name, result);
  }
  return result;
}

describe('sample patches', () => {
  it('has an example patch for every rule', () => {
    const missing = allRules.map((rule) => rule.meta.id).filter((id) => !samples.includes(`${id}-example.patch`));
    expect(missing).toEqual([]);
  });

  for (const name of samples.filter((sample) => sample.endsWith('-example.patch'))) {
    const ruleId = name.replace(/-example\.patch$/, '');
    it(`${name} shows ${ruleId}`, async () => {
      const result = await reviewOf(name);
      expect(result.errors).toEqual([]);
      expect(result.patches.flatMap((patch) => patch.findings.map((finding) => finding.rule))).toContain(ruleId);
    });
  }

  for (const name of samples) {
    describe(name, () => {
      it('pretty, without colour', async () => {
        const result = await reviewOf(name);
        expect(renderAll(await loadReporter('pretty', { colorLevel: 0 }), result.patches, result.errors)).toMatchSnapshot();
      });
      it('pretty, with colour', async () => {
        const result = await reviewOf(name);
        expect(renderAll(await loadReporter('pretty', { colorLevel: 1 }), result.patches, result.errors)).toMatchSnapshot();
      });
      it('terse', async () => {
        const result = await reviewOf(name);
        expect(renderAll(await loadReporter('terse'), result.patches, result.errors)).toMatchSnapshot();
      });
      it('reply draft', async () => {
        const result = await reviewOf(name);
        const drafts = buildReplyDrafts(result.patches, {
          from: 'Reviewer <reviewer@example.org>',
          date: new Date('2026-01-02T03:04:05Z'),
          all: true,
        });
        expect(drafts.map((draft) => draft.text)).toMatchSnapshot();
      });
    });
  }
});

describe('cptlint --verbose on several patches', () => {
  const cli = join(repoRoot, 'dist/src/cli.js');
  const seed = join(patchesDir, '0008-introduce-functions-to-restart-a-process.mbox');
  let dir = '';
  let clean = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cptlint-verbose-'));
    clean = join(dir, 'clean.patch');
    writeFileSync(
      clean,
      [
        'From: A Developer <dev@example.org>',
        'Subject: [PATCH] docs: fix a typo',
        '',
        'Fix a typo.',
        '---',
        'diff --git a/Documentation/foo.txt b/Documentation/foo.txt',
        '--- a/Documentation/foo.txt',
        '+++ b/Documentation/foo.txt',
        '@@ -1 +1 @@',
        '-teh',
        '+the',
        '',
      ].join('\n'),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, '--no-color', '--fail-level', 'none', ...args, seed, clean], { encoding: 'utf8' });

  it('counts the patch without findings in the summary instead of printing it', () => {
    const result = run();
    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain('docs: fix a typo');
    expect(result.stdout).not.toContain('  see ');
    expect(result.stdout).toMatch(/\n2 patches reviewed \(1 without findings\): 4 errors, 4 warnings, 0 info; 0 input errors\.\n$/);
  });

  it('names it, and the related lines of each finding, with --verbose', () => {
    const result = run('--verbose');
    expect(result.stdout).toContain('Without findings:\n  [PATCH] docs: fix a typo\n');
    expect(result.stdout).toContain('  see cpt/rst_process.c:40: try_module_get() in local_kernel_thread()');
  });
});
