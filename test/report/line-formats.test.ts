import { createEmacsReporter, emacsLine } from '../../src/report/emacs.js';
import { renderAll } from '../../src/report/reporter.js';
import { createTerseReporter, terseLine } from '../../src/report/terse.js';
import { cleanReview, finding, sampleReview } from './sample-review.js';

const INPUT_ERROR = [{ source: '-', line: 3, message: 'not a patch' }];

describe('terse reporter', () => {
  it('prints checkpatch --terse --showfile lines, one per finding', () => {
    const output = renderAll(createTerseReporter(), [sampleReview(), cleanReview()], INPUT_ERROR);
    expect(output.split('\n')).toEqual([
      'arch/x86/kernel/entry_32.S:252: INFO: the 256 bytes skipped here are a magic number shared with C code [asm-magic-stack-reserve]',
      'drivers/misc/worker.c:9: WARNING: try_module_get(THIS_MODULE) cannot fail usefully here [module-get-self]',
      'drivers/misc/worker.c:23: ERROR: module reference dropped only on the path that is never taken [module-put-unbalanced]',
      '',
    ]);
  });

  it('prints nothing at all for a clean patch (b4 then reports success)', () => {
    expect(renderAll(createTerseReporter(), [cleanReview()], INPUT_ERROR)).toBe('');
  });

  it('says ERROR: only on error lines, as b4 fails a patch on any line containing it', () => {
    const warning = finding({ file: 'a.c', line: 1, code: 'x', severity: 'warning', summary: 'looks like\nan ERROR: path' });
    expect(terseLine(warning)).toBe('a.c:1: WARNING: looks like an error: path [module-get-self]');
    expect(terseLine({ ...warning, severity: 'error' })).toContain('ERROR: looks like an ERROR: path');
  });
});

describe('emacs reporter', () => {
  it('prints file:line:column: severity: message [rule]', () => {
    const output = renderAll(createEmacsReporter(), [sampleReview()]);
    expect(output.split('\n')[1]).toBe('drivers/misc/worker.c:9:7: warning: try_module_get(THIS_MODULE) cannot fail usefully here [module-get-self]');
    expect(output.split('\n')[0]).toMatch(/^arch\/x86\/kernel\/entry_32\.S:252:2: info: /);
  });

  it('prints nothing for a clean patch', () => {
    expect(renderAll(createEmacsReporter(), [cleanReview()], INPUT_ERROR)).toBe('');
  });

  it('falls back to the comment when a finding has no summary', () => {
    expect(emacsLine(finding({ file: 'a.c', line: 2, code: 'x', summary: '', comment: 'Two\nlines.' }))).toBe('a.c:2:1: warning: Two lines. [module-get-self]');
  });
});
