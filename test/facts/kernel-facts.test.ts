import { readFileSync } from 'node:fs';
import { kernelFacts, kernelFactsLoaded, factsFromFile, type KernelFactsFile } from '../../src/facts/kernel-facts.js';
import { RETURN_STYLES, type ReturnStyle } from '../../src/analysis/ownership/return-styles.js';
import { factsLoadRows, measureFactsLoad } from '../../bench/facts-load.js';

describe('the shipped kernel facts', () => {
  it('are read only when first asked', () => {
    expect(kernelFactsLoaded()).toBe(false);
    const facts = kernelFacts();
    expect(kernelFactsLoaded()).toBe(true);
    expect(kernelFacts()).toBe(facts);
  });

  it('say which release and generator they come from', () => {
    const facts = kernelFacts();
    expect(facts.kernel).toMatch(/^6\.1\.\d+$/);
    expect(facts.generator).toMatch(/^facts-\d+$/);
  });

  it('hold the well-known conventions of the tree', () => {
    const facts = kernelFacts();
    expect(facts.pointerConvention('devm_platform_ioremap_resource')).toBe('err');
    expect(facts.pointerConvention('of_get_property')).toBe('null');
    expect(facts.isNoreturn('panic')).toBe(true);
    expect(facts.isNoreturn('printk')).toBe(false);
  });

  it('find every name of every convention, and no other name', () => {
    const file = JSON.parse(readFileSync('data/kernel-facts.json', 'utf8')) as KernelFactsFile;
    const facts = factsFromFile(file);
    const conventions = ['err', 'null', 'both', 'ok'] as const;
    const all = new Set<string>();
    for (const convention of conventions) {
      const names = file.pointer[convention].split(' ');
      expect(facts.namesWith(convention)).toEqual(names);
      for (const name of names) {
        expect([name, facts.pointerConvention(name)]).toEqual([name, convention]);
        all.add(name);
      }
    }
    // Neighbours of real names: longer, shorter, in between, and past both ends of each list.
    const near = [...all].flatMap((name) => [`${name}_`, name.slice(0, -1), `${name.slice(0, -1)}~`, `!${name}`]);
    for (const name of [...near, '', ' ', 'zzzz', 'A', '~']) {
      if (!all.has(name)) expect([name, facts.pointerConvention(name)]).toEqual([name, undefined]);
    }
  });

  it('look names up at the edges of short lists', () => {
    const file = JSON.parse(readFileSync('data/kernel-facts.json', 'utf8')) as KernelFactsFile;
    const facts = factsFromFile({ ...file, pointer: { err: 'b', null: '', both: 'a c', ok: 'a b c d e' } });
    expect(['a', 'b', 'c', 'd', 'e', '', 'aa', 'f', ' '].map((name) => facts.pointerConvention(name))).toEqual(['both', 'err', 'both', 'ok', 'ok', undefined, undefined, undefined, undefined]);
    expect(facts.namesWith('null')).toEqual([]);
    expect(facts.pairOf(file.pairs[0][0])?.release).toBe(file.pairs[0][1]);
    expect(facts.pairs).toHaveLength(file.pairs.length);
  });

  it('reject a file of another format', () => {
    const file = JSON.parse(readFileSync('data/kernel-facts.json', 'utf8')) as KernelFactsFile;
    expect(() => factsFromFile({ ...file, format: 2 as 1 })).toThrow(/format/);
  });
});

/**
 * The hand table (return-styles.ts) against the tree: a name both know must fail the same way.
 * The only tolerated difference is one the table explains (`treeBoth`): a name the tree sees
 * failing both ways, for a reason the text of the tree does not tell (a dummy NULL handle).
 */
function contradiction(style: ReturnStyle): string | null {
  const mined = kernelFacts().pointerConvention(style.name);
  if (mined === undefined) return null;
  const agrees =
    (style.failure === 'err-ptr' && (mined === 'err' || (mined === 'both' && style.treeBoth !== undefined))) ||
    (style.failure === 'null' && (mined === 'null' || (mined === 'both' && style.treeBoth !== undefined))) ||
    (style.failure === 'err-ptr-or-null' && mined === 'both');
  return agrees ? null : `${style.name}: table ${style.failure}, tree ${mined}`;
}

describe('the hand table and the mined facts', () => {
  it('never contradict each other', () => {
    expect(RETURN_STYLES.map(contradiction).filter((found) => found !== null)).toEqual([]);
  });

  it('explain only names the tree sees failing both ways', () => {
    const marked = RETURN_STYLES.filter((style) => style.treeBoth !== undefined);
    expect(marked.length).toBeGreaterThan(0);
    for (const style of marked) expect([style.name, kernelFacts().pointerConvention(style.name)]).toEqual([style.name, 'both']);
  });
});

describe('bench', () => {
  it('reports the size and first-use load time of the facts', () => {
    const load = measureFactsLoad(process.cwd(), 1);
    expect(load.loads).toHaveLength(1);
    expect(Number.isFinite(load.loads[0])).toBe(true);
    const rows = factsLoadRows(load);
    expect(rows.map(([label]) => label)).toEqual(['kernel release mined', 'data/kernel-facts.json', 'first-use load, median of 1 fresh processes']);
    expect(rows[2][1]).toMatch(/^\d+\.\d ms$/);
  });
});
