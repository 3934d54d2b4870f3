import fc from 'fast-check';
import type { CSource, Define } from '../../src/model/source.js';
import { buildCSource } from '../../src/parsers/c.js';
import { defineValueText, evaluateConstant } from '../../src/parsers/defines.js';
import { initTreeSitter } from '../../src/parsers/treesitter.js';
import { modifiedFileChange, newFileChange } from '../helpers/file-change.js';

const sources: CSource[] = [];

beforeAll(async () => {
  await initTreeSitter();
});

afterAll(() => {
  for (const source of sources) source.free();
});

function definesOf(path: string, text: string): Define[] {
  const source = buildCSource(newFileChange(path, text));
  if (source === null) throw new Error('no post image');
  sources.push(source);
  return source.defines;
}

describe('extractDefines', () => {
  const header = [
    '#ifndef _FOO_H',
    '#define _FOO_H',
    '',
    '#define FOO_BASE\t\t0x100',
    '#define FOO_SHIFT\t8\t/* bits */',
    '#define FOO_PAGES\t(1 << FOO_SHIFT)',
    '#define FOO_TOTAL\t(2 * 128)',
    '#define FOO_OCTAL\t010',
    '#define FOO_LONG\t0x10UL',
    '#define FOO_ROOM\t(PAGE_SIZE - 4)',
    '#define FOO_NEXT\t(FOO_BASE + FOO_TOTAL) // after the table',
    '#define FOO_REG(n)\t(FOO_BASE + 4 * (n))',
    '#define FOO_NAME\t"foo"',
    '#define FOO_LONG_EXPR\t(FOO_BASE | \\',
    '\t\t\t FOO_PAGES)',
    '',
    '#endif',
    '',
  ].join('\n');

  it('gives names, values without comments, numbers and lines', () => {
    expect(definesOf('include/linux/foo.h', header).map((define) => [define.name, define.value, define.numeric, define.line])).toEqual([
      ['_FOO_H', '', null, 2],
      ['FOO_BASE', '0x100', 256, 4],
      ['FOO_SHIFT', '8', 8, 5],
      ['FOO_PAGES', '(1 << FOO_SHIFT)', 256, 6],
      ['FOO_TOTAL', '(2 * 128)', 256, 7],
      ['FOO_OCTAL', '010', 8, 8],
      ['FOO_LONG', '0x10UL', 16, 9],
      ['FOO_ROOM', '(PAGE_SIZE - 4)', null, 10],
      ['FOO_NEXT', '(FOO_BASE + FOO_TOTAL)', 512, 11],
      ['FOO_REG', '(FOO_BASE + 4 * (n))', null, 12],
      ['FOO_NAME', '"foo"', null, 13],
      ['FOO_LONG_EXPR', '(FOO_BASE | FOO_PAGES)', 256, 14],
    ]);
  });

  it('says which defines take parameters and where they are', () => {
    const defines = definesOf('include/linux/foo.h', header);
    expect(defines.filter((define) => define.hasParameters).map((define) => define.name)).toEqual(['FOO_REG']);
    expect(new Set(defines.map((define) => define.file))).toEqual(new Set(['include/linux/foo.h']));
  });

  it('finds defines in .c files, inside functions too', () => {
    const text = ['#define HOOK_RESERVE\t256', '', 'static void foo(void)', '{', '#define LOCAL_MAX 4', '\tbar(LOCAL_MAX);', '}', ''].join('\n');
    expect(definesOf('cpt/foo.c', text).map((define) => [define.name, define.numeric, define.line])).toEqual([
      ['HOOK_RESERVE', 256, 1],
      ['LOCAL_MAX', 4, 5],
    ]);
  });

  it('reads the defines of a hunk at their post-image lines', () => {
    const source = buildCSource(
      modifiedFileChange('drivers/misc/foo.c', [
        {
          newStart: 40,
          lines: [' #define FOO_CTRL\t0x04', '-#define FOO_STAT\t0x08', '+#define FOO_STAT\t0x0c', ' #define FOO_DATA\t0x10'],
        },
      ]),
    );
    if (source === null) throw new Error('no post image');
    sources.push(source);
    expect(source.defines.map((define) => [define.name, define.numeric, define.line])).toEqual([
      ['FOO_CTRL', 4, 40],
      ['FOO_STAT', 12, 41],
      ['FOO_DATA', 16, 42],
    ]);
  });
});

describe('defineValueText', () => {
  it('removes comments and joins continued lines', () => {
    expect(defineValueText('(A | /* why */ \\\n\t B) // tail')).toBe('(A | B)');
  });
});

describe('evaluateConstant', () => {
  it.each([
    ['0x100', 256],
    ['0X1f', 31],
    ['010', 8],
    ['0', 0],
    ['0b101', 5],
    ['10U', 10],
    ['10ul', 10],
    ['10LLU', 10],
    ['(1 << 8)', 256],
    ['(2 * 128)', 256],
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['1 << 4 | 1', 17],
    ['6 & 3 ^ 1', 3],
    ['~0 & 0xff', 255],
    ['-1', -1],
    ['- -2', 2],
    ['10 / 3', 3],
    ['-7 / 2', -3],
    ['10 % 3', 1],
    ['0x80000000 >> 31', 1],
    ['(unsigned long)1 << 3', 8],
    ['(u32)(0x10 + 1)', 17],
    ['((int)-1)', -1],
  ])('%s is %d', (expression, value) => {
    expect(evaluateConstant(expression)).toBe(value);
  });

  it.each([
    ['PAGE_SIZE - 4'],
    ['foo(1)'],
    ['1.5'],
    ['"x"'],
    ['1 / 0'],
    ['1 % 0'],
    ['1 << 64'],
    ['1 ? 2 : 3'],
    ['(1 + 2'],
    ['1 +'],
    [''],
    ['08'],
    ['sizeof(int)'],
    ['1 << 63'],
  ])('%s has no value', (expression) => {
    expect(evaluateConstant(expression)).toBeNull();
  });

  it('uses known defines', () => {
    const known = new Map([
      ['FOO_BASE', 0x100],
      ['FOO_SHIFT', 4],
    ]);
    expect(evaluateConstant('(FOO_BASE + (1 << FOO_SHIFT))', known)).toBe(272);
    expect(evaluateConstant('FOO_BASE + FOO_UNKNOWN', known)).toBeNull();
  });

  it('agrees with exact arithmetic on random expressions', () => {
    // value is null after a division by zero; big marks values the 64-bit evaluator may wrap.
    type Expression = { text: string; value: bigint | null; big: boolean };
    const LIMIT = 1n << 52n;
    const literal = fc.integer({ min: 0, max: 1000 }).map((value): Expression => ({ text: String(value), value: BigInt(value), big: false }));
    const apply = (a: bigint, operator: string, b: bigint): bigint | null => {
      switch (operator) {
        case '+': return a + b;
        case '-': return a - b;
        case '*': return a * b;
        case '/': return b === 0n ? null : a / b;
        case '|': return a | b;
        case '&': return a & b;
        default: return a ^ b;
      }
    };
    const combine = (left: Expression, operator: string, right: Expression): Expression => {
      const text = `(${left.text} ${operator} ${right.text})`;
      if (left.value === null || right.value === null) return { text, value: null, big: left.big || right.big };
      const value = apply(left.value, operator, right.value);
      const big = left.big || right.big || (value !== null && (value > LIMIT || value < -LIMIT));
      return { text, value, big };
    };
    const expression = fc.letrec<{ node: Expression }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        literal,
        fc.tuple(tie('node'), fc.constantFrom('+', '-', '*', '/', '|', '&', '^'), tie('node')).map(([left, operator, right]) =>
          combine(left, operator, right),
        ),
      ),
    })).node;
    fc.assert(
      fc.property(expression, ({ text, value, big }) => {
        fc.pre(!big);
        expect(evaluateConstant(text)).toBe(value === null ? null : Number(value));
      }),
    );
  });
});
