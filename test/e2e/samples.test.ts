/**
 * The sample patches in patches/: each `<rule>-example.patch` shows the bug its rule is
 * about, and the rule fires on it; the whole output of every format is pinned by snapshots
 * (a change in wording or layout must be a deliberate one).
 */
import { readdirSync } from 'node:fs';
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
    result = await review([{ source: `patches/${name}`, path: join(patchesDir, name) }]);
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
