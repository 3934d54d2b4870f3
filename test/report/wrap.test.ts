import fc from 'fast-check';
import { oneLine, wrapProse } from '../../src/report/wrap.js';

describe('wrapProse', () => {
  it('fills paragraphs to 72 columns and keeps blank lines between them', () => {
    const text = `${'word '.repeat(30).trim()}\n\n${'other '.repeat(5).trim()}`;
    const lines = wrapProse(text);
    expect(lines.every((line) => line.length <= 72)).toBe(true);
    expect(lines).toContain('');
    expect(lines[lines.length - 1]).toBe('other other other other other');
  });

  it('never breaks a URL or an identifier longer than the width', () => {
    const url = `https://lore.kernel.org/all/${'x'.repeat(80)}@example.org/`;
    const lines = wrapProse(`See ${url} for the thread.`);
    expect(lines).toEqual(['See', url, 'for the thread.']);
  });

  it('keeps indented code lines as written', () => {
    const lines = wrapProse('Write it as:\n\n\tif (!ptr)\n\t\treturn -ENOMEM;\n\nand drop the check.');
    expect(lines).toEqual(['Write it as:', '', '\tif (!ptr)', '\t\treturn -ENOMEM;', '', 'and drop the check.']);
  });

  it('wraps list items under their text', () => {
    const lines = wrapProse(`- ${'first item '.repeat(9).trim()}\n- second`, 40);
    expect(lines[0].startsWith('- first')).toBe(true);
    expect(lines[1]).toMatch(/^ {2}\S/);
    expect(lines[lines.length - 1]).toBe('- second');
  });

  it('keeps every word, in order, and no line over the width unless it is one word', () => {
    const word = fc.stringMatching(/^[a-z_()>-]{1,90}$/);
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 60 }), fc.integer({ min: 20, max: 100 }), (words, width) => {
        const lines = wrapProse(words.join(' '), width);
        expect(lines.join(' ').split(/\s+/).filter((part) => part !== '')).toEqual(words);
        for (const line of lines) expect(line.length <= width || !line.trim().includes(' ')).toBe(true);
      }),
    );
  });
});

describe('oneLine', () => {
  it('collapses whitespace and newlines', () => {
    expect(oneLine('  a\n\tb  c \n')).toBe('a b c');
  });
});
