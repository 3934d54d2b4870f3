import { renderExplain, renderRuleList } from '../../src/report/rule-docs.js';
import { SAMPLE_RULES } from './sample-review.js';

describe('renderRuleList', () => {
  it('lists one rule a line, sorted by id, in aligned columns', () => {
    expect(renderRuleList(SAMPLE_RULES).split('\n')).toEqual([
      'asm-magic-stack-reserve  info     stack reserve given as a bare number in assembler',
      'module-get-self          warning  try_module_get(THIS_MODULE) checked for failure',
      'module-put-unbalanced    error    module reference not dropped on every path',
      '',
    ]);
    expect(renderRuleList([])).toBe('');
  });
});

describe('renderExplain', () => {
  const text = renderExplain(SAMPLE_RULES[0]);
  const lines = text.split('\n');

  it('has the Ruff sections in order', () => {
    const headings = ['What it does', 'Why is this bad?', 'Example', 'Use instead', 'Confidence and limits'];
    const positions = headings.map((heading) => lines.indexOf(heading));
    expect(positions.every((position) => position > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(lines[0]).toBe('module-get-self (default severity: warning)');
  });

  it('indents code four spaces and wraps prose at 72', () => {
    expect(lines).toContain('    if (!try_module_get(THIS_MODULE))');
    expect(lines).toContain('    \treturn -EBUSY;');
    expect(lines).toContain('    __module_get(THIS_MODULE);');
    for (const line of lines.filter((item) => !item.startsWith('    '))) expect(line.length).toBeLessThanOrEqual(72);
    expect(text.endsWith('holds a reference.\n')).toBe(true);
  });
});
