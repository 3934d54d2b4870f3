import { createB4Reporter, type B4CheckResult } from '../../src/report/b4.js';
import { renderAll } from '../../src/report/reporter.js';
import { cleanReview, sampleReview } from './sample-review.js';

function parse(output: string): B4CheckResult[] {
  return JSON.parse(output) as B4CheckResult[];
}

describe('b4 reporter', () => {
  it('writes one entry per patch with the worst severity as status', () => {
    const warningOnly = sampleReview();
    warningOnly.findings = warningOnly.findings.filter((finding) => finding.severity !== 'error');
    const results = parse(renderAll(createB4Reporter({ url: 'https://example.org/cptlint' }), [sampleReview(), warningOnly, cleanReview()]));
    expect(results.map((result) => result.status)).toEqual(['fail', 'warn', 'pass']);
    expect(results.every((result) => result.tool === 'cptlint' && result.url === 'https://example.org/cptlint')).toBe(true);
    expect(results[0].summary).toBe('1 error, 1 warning, 1 info');
    expect(results[2].summary).toBe('no findings');
  });

  it('lists each finding in the details with its comment under it', () => {
    const [result] = parse(renderAll(createB4Reporter(), [sampleReview()]));
    const lines = result.details.split('\n');
    expect(lines[0]).toMatch(/^arch\/x86\/kernel\/entry_32\.S:252: INFO: /);
    expect(lines[1]).toMatch(/^ {2}This space reserved for hooks/);
    expect(lines).toContain('drivers/misc/worker.c:23: ERROR: module reference dropped only on the path that is never taken [module-put-unbalanced]');
    expect(lines.every((line) => line.length <= 72 || !line.startsWith('  '))).toBe(true);
    expect('url' in result).toBe(false);
  });

  it('writes [] when there is nothing to report, and a failing entry for unreadable input', () => {
    expect(parse(renderAll(createB4Reporter(), []))).toEqual([]);
    const results = parse(renderAll(createB4Reporter(), [], [{ source: '-', line: 0, message: 'no patch found in the message' }]));
    expect(results).toEqual([{ tool: 'cptlint', status: 'fail', summary: 'could not read part of the input', details: '-:0: no patch found in the message' }]);
  });
});
