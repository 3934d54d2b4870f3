/**
 * The review voice on the seed patch (issue 17): the reply draft still makes the three points
 * of the 2008 review, in at most 45 words a finding, quoting each line once, with unquoted
 * elisions and the v5.14 note once.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { draftProse, draftWords, prettyWords, voiceDraft } from '../../bench/voice-words.js';
import { review } from '../../src/index.js';
import type { PatchReview } from '../../src/model/types.js';
import { createPrettyReporter } from '../../src/report/pretty.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const seedPath = path.join(repoRoot, 'patches', '0008-introduce-functions-to-restart-a-process.mbox');

let seed: PatchReview;
let draft: string;
let prose: string;

beforeAll(async () => {
  const result = await review([{ source: seedPath }]);
  seed = result.patches[0];
  draft = voiceDraft(seed);
  prose = draftProse(draft).join('\n').replace(/\s+/g, ' ');
});

/** Quoted lines long enough to be told apart ("> +" and "> +}" recur in any patch). */
function distinctQuotes(lines: readonly string[]): string[] {
  return lines.filter((line) => line.startsWith('>') && line.replace(/^>\s*[-+ ]?\s*/, '').length > 3);
}

describe('the seed draft', () => {
  it('makes the three points of the original review', () => {
    // try_module_get(THIS_MODULE): the check is useless or the code is buggy.
    expect(prose).toMatch(/Checking try_module_get\(THIS_MODULE\) in local_kernel_thread\(\) is almost always a bug/);
    expect(prose).toMatch(/either useless or racy/);
    // The module reference is dropped only by the module_put(): where on the do_exit() path?
    expect(prose).toMatch(/do_exit\(\) here never returns, so the module reference stays held/);
    expect(prose).toMatch(/only the module_put\(\) at line 233 drops it\. Where is the module reference dropped in that case\?/);
    // The 256 is HOOK_RESERVE: one header for entry_32.S and the C file, and a comment.
    expect(prose).toMatch(/This 256 is HOOK_RESERVE/);
    expect(prose).toMatch(/header shared by entry_32\.S and rst_process\.c/);
    expect(prose).toMatch(/deserves a comment saying what it is reserved for/);
  });

  it('names the other lines by what they do there', () => {
    expect(prose).toMatch(/allocated by kmalloc\(\) at line 206, leaks; the other paths have it freed by the kfree\(\) at line 228/);
    expect(prose).toMatch(/local_kernel_thread\(\) took it for restart_thread\(\) with try_module_get\(\) at line 40/);
    expect(prose).toMatch(/leaves restart_thread\(\) before the complete\(\) at line 220, so rst_restart_process\(\) sleeps in wait_for_completion\(\) at line 273/);
    expect(prose).toMatch(/stored in ->tsk at line 260/);
  });

  it('says it in at most 45 words a finding, in the draft and in the terminal output', () => {
    expect(seed.findings).toHaveLength(8);
    expect(draftWords(seed) / seed.findings.length).toBeLessThanOrEqual(45);
    expect(prettyWords(seed) / seed.findings.length).toBeLessThanOrEqual(45);
  });

  it('keeps each comment to its problem and one more sentence, an aside in parentheses apart', () => {
    for (const finding of seed.findings) {
      const sentences = finding.comment.replace(/\([^)]*\)/g, '()').replace(/\be\.g\./g, 'eg').split(/[.?!](?:\s|$)/).filter((part) => part.replace(/\(\)/g, '').trim() !== '');
      expect(sentences.length).toBeLessThanOrEqual(2);
    }
  });

  it('quotes no line twice, in the draft and in the terminal output', () => {
    const quoted = distinctQuotes(draft.split('\n'));
    expect(new Set(quoted).size).toBe(quoted.length);
    const pretty = distinctQuotes(createPrettyReporter().patch(seed).split('\n'));
    expect(new Set(pretty).size).toBe(pretty.length);
    // Two findings on each of lines 208 and 223: one quote each.
    expect(pretty.filter((line) => line === '> +\t\treturn -ENOMEM;')).toHaveLength(1);
  });

  it('writes its elisions as "[...]" alone, never quoted', () => {
    const lines = draft.split('\n');
    expect(lines.filter((line) => line === '[...]').length).toBeGreaterThan(0);
    expect(lines.filter((line) => /^>.*\[\.\.\.\]/.test(line))).toEqual([]);
  });

  it('mentions the v5.14 rename once: the patch is from 2008', () => {
    expect(draft.match(/v5\.14/g)).toHaveLength(1);
  });

  it('has no severity label and no tool banner in the body', () => {
    expect(prose).not.toMatch(/\b(error|warning|info):|cptlint|\bAI\b|automated/i);
  });
});
