import { createPrettyReporter } from '../../src/report/pretty.js';
import { renderAll } from '../../src/report/reporter.js';
import type { PatchReview } from '../../src/model/types.js';
import { cleanReview, finding, sampleReview } from './sample-review.js';

const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');

function render(colorLevel: 0 | 1 = 0): string {
  return renderAll(createPrettyReporter({ colorLevel }), [sampleReview(), cleanReview()], [{ source: 'x.mbox', line: 9, message: 'truncated mail' }]);
}

describe('pretty reporter', () => {
  it('heads each patch with its subject and author', () => {
    const lines = render().split('\n');
    expect(lines[0]).toBe('[PATCH v2 2/3] misc: add a worker thread that restarts itself');
    expect(lines[1]).toBe('Jörg Exämple <joerg@example.org>');
  });

  it('quotes the commented line under a few lines of its hunk, then the comment, then the rule', () => {
    const lines = render().split('\n');
    const at = lines.indexOf('drivers/misc/worker.c:9:');
    expect(lines.slice(at + 1, at + 6)).toEqual(['> +{', '> +\tint ret;', '> +', '> +\tif (!try_module_get(THIS_MODULE))', '']);
    expect(lines[at + 6]).toMatch(/^Doing try_module_get\(THIS_MODULE\) and checking its result/);
    const trailer = lines.indexOf('  (warning: module-get-self)');
    expect(trailer).toBeGreaterThan(at);
    for (const line of lines.slice(at + 6, trailer)) expect(line.length).toBeLessThanOrEqual(72);
  });

  it('does not quote lines of another hunk as context', () => {
    const lines = render().split('\n');
    const at = lines.indexOf('arch/x86/kernel/entry_32.S:252:');
    expect(lines.slice(at + 1, at + 5)).toEqual(['> +\tjz 1f', '> +\tcall *%eax', '> +1:', '> +\taddl $256, %esp']);
  });

  it('names related lines only when verbose: the comment already says what they do', () => {
    expect(render()).not.toContain('  see ');
    const verbose = renderAll(createPrettyReporter({ verbose: true }), [sampleReview()]);
    expect(verbose).toContain('  see drivers/misc/worker.c:9: the reference is taken here\n  (error: module-put-unbalanced)');
  });

  it('shows a lone clean patch with its files, their counts and "no findings"', () => {
    const text = renderAll(createPrettyReporter(), [cleanReview()]);
    expect(text).toContain(' arch/x86/kernel/entry_32.S  +15 -0\n drivers/misc/worker.c       +25 -0\nno findings\n');
  });

  it('on several patches, counts the clean ones in the summary instead of printing a block each', () => {
    const clean = (title: string): PatchReview => {
      const review = cleanReview();
      return { ...review, patch: { ...review.patch, subject: `[PATCH] ${title}`, title } };
    };
    const reviews = [clean('first'), sampleReview(), clean('third'), clean('fourth')];
    const text = renderAll(createPrettyReporter(), reviews);
    expect(text).not.toContain('no findings');
    expect(text).not.toContain('[PATCH] first');
    expect(text.split('\n').filter((line) => line.startsWith('[PATCH'))).toHaveLength(1);
    expect(text.endsWith('4 patches reviewed (3 without findings): 1 error, 1 warning, 1 info; 0 input errors.\n')).toBe(true);
    const verbose = renderAll(createPrettyReporter({ verbose: true }), reviews);
    expect(verbose).toContain('Without findings:\n  [PATCH] first\n  [PATCH] third\n  [PATCH] fourth\n\n4 patches reviewed (3 without findings)');
    const allClean = renderAll(createPrettyReporter(), [clean('first'), clean('third')]);
    expect(allClean).toBe('2 patches reviewed (2 without findings): 0 errors, 0 warnings, 0 info; 0 input errors.\n');
  });

  it('quotes a line once: findings on the same or nearby lines share one quote, each comment under its line', () => {
    const review = sampleReview();
    review.findings = [
      finding({ file: 'drivers/misc/worker.c', line: 9, code: '\tif (!try_module_get(THIS_MODULE))', comment: 'First on line 9.' }),
      finding({ file: 'drivers/misc/worker.c', line: 9, code: '\tif (!try_module_get(THIS_MODULE))', comment: 'Second on line 9.', rule: 'other' }),
      finding({ file: 'drivers/misc/worker.c', line: 11, code: '\tret = kernel_thread(fn, arg, CLONE_FS);', comment: 'On line 11.' }),
      finding({ file: 'drivers/misc/worker.c', line: 23, code: '\tmodule_put(THIS_MODULE);', comment: 'Far away on line 23.' }),
    ];
    const lines = renderAll(createPrettyReporter(), [review]).split('\n');
    // Lines 6 to 11 once (not 6-9, 6-9 and 8-11), then 20 to 23: four findings, ten quoted lines.
    expect(lines.filter((line) => line.startsWith('>'))).toHaveLength(10);
    expect(lines.filter((line) => /^drivers\/misc\/worker\.c:\d+:$/.test(line))).toEqual(['drivers/misc/worker.c:9:', 'drivers/misc/worker.c:23:']);
    const at = lines.indexOf('> +\tif (!try_module_get(THIS_MODULE))');
    expect(lines.slice(at, at + 14)).toEqual([
      '> +\tif (!try_module_get(THIS_MODULE))',
      '',
      'First on line 9.',
      '',
      '  (warning: module-get-self)',
      '',
      'Second on line 9.',
      '',
      '  (warning: other)',
      '',
      '> +\t\treturn -EBUSY;',
      '> +\tret = kernel_thread(fn, arg, CLONE_FS);',
      '',
      'On line 11.',
    ]);
  });

  it('closes with patches reviewed, findings by severity and input errors', () => {
    const text = render();
    expect(text.endsWith('2 patches reviewed (1 without findings): 1 error, 1 warning, 1 info; 1 input error.\n  x.mbox:9: truncated mail\n')).toBe(true);
    const none = renderAll(createPrettyReporter(), [cleanReview()]);
    expect(none.endsWith('1 patch reviewed: 0 errors, 0 warnings, 0 info; 0 input errors.\n')).toBe(true);
  });

  it('quiet: leaves out the clean patches, and prints nothing at all for a clean review', () => {
    const quiet = () => createPrettyReporter({ quiet: true });
    expect(renderAll(quiet(), [cleanReview(), cleanReview()])).toBe('');
    const withFinding = renderAll(quiet(), [sampleReview(), cleanReview()]);
    const loud = renderAll(createPrettyReporter(), [sampleReview()]);
    expect(withFinding).not.toContain('no findings');
    expect(withFinding.replace('2 patches reviewed (1 without findings)', '1 patch reviewed')).toBe(loud);
    // An input error is worth the summary even without findings.
    expect(renderAll(quiet(), [cleanReview()], [{ source: 'x.mbox', line: 9, message: 'truncated mail' }])).toBe(
      '1 patch reviewed: 0 errors, 0 warnings, 0 info; 1 input error.\n  x.mbox:9: truncated mail\n',
    );
  });

  it('prints no escape codes at colour level 0 and colours severities and added lines above it', () => {
    expect(render(0)).not.toMatch(ANSI);
    const coloured = render(1);
    expect(coloured).toContain('\u001b[31merror\u001b[39m');
    expect(coloured).toContain('\u001b[33mwarning\u001b[39m');
    expect(coloured).toContain('\u001b[36minfo\u001b[39m');
    expect(coloured).toContain('\u001b[32m +\tint ret;\u001b[39m');
    expect(coloured.replace(ANSI, '')).toBe(render(0));
  });
});
