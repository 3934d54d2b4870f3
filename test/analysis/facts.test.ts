import { conditionAtom, constantMask } from '../../src/analysis/flow/conditions.js';
import { ANY_VALUE, Facts, NEGATIVE, POSITIVE, ZERO, comparisonMasks, resultMask, successMask, takeBranch } from '../../src/analysis/flow/facts.js';
import type { Node } from '../../src/model/source.js';
import { initTreeSitter, parseC } from '../../src/parsers/treesitter.js';

beforeAll(async () => {
  await initTreeSitter();
});

/** The condition of `if (<text>)` as a node, and a function to free its tree. */
function withCondition<T>(text: string, use: (condition: Node) => T): T {
  const tree = parseC(`void f(void) { if (${text}) g(); }`);
  try {
    const statement = tree.rootNode.descendantsOfType('if_statement')[0];
    const condition = statement?.childForFieldName('condition')?.namedChildren[0];
    if (!condition) throw new Error('no condition');
    return use(condition);
  } finally {
    tree.delete();
  }
}

describe('conditions as facts', () => {
  it.each([
    ['p', { key: 'p', whenTrue: NEGATIVE | POSITIVE, whenFalse: ZERO }],
    ['ret < 0', { key: 'ret', whenTrue: NEGATIVE, whenFalse: ZERO | POSITIVE }],
    ['0 > ret', { key: 'ret', whenTrue: NEGATIVE, whenFalse: ZERO | POSITIVE }],
    ['p == NULL', { key: 'p', whenTrue: ZERO, whenFalse: NEGATIVE | POSITIVE }],
    ['IS_ERR(tsk)', { key: 'tsk', whenTrue: NEGATIVE, whenFalse: ZERO | POSITIVE }],
    ['IS_ERR_OR_NULL(dev->np)', { key: 'dev->np', whenTrue: ZERO | NEGATIVE, whenFalse: POSITIVE }],
    ['err == -EAGAIN', { key: 'err', whenTrue: NEGATIVE, whenFalse: ANY_VALUE }],
    ['try_module_get(THIS_MODULE)', { key: 'call:try_module_get(THIS_MODULE)', whenTrue: NEGATIVE | POSITIVE, whenFalse: ZERO }],
    ['(p = kmalloc(n, GFP_KERNEL))', { key: 'p', whenTrue: NEGATIVE | POSITIVE, whenFalse: ZERO }],
  ])('%s', (text, expected) => {
    withCondition(text, (condition) => expect(conditionAtom(condition)).toEqual({ kind: 'test', ...expected }));
  });

  it('constant conditions', () => {
    withCondition('0', (condition) => expect(conditionAtom(condition)).toEqual({ kind: 'constant', value: false }));
    withCondition('1', (condition) => expect(conditionAtom(condition)).toEqual({ kind: 'constant', value: true }));
  });

  it('constants: -ENOMEM and -1 are negative, NULL is zero, ERR_PTR() is negative', () => {
    withCondition('-ENOMEM', (condition) => expect(constantMask(condition)).toBe(NEGATIVE));
    withCondition('-1', (condition) => expect(constantMask(condition)).toBe(NEGATIVE));
    withCondition('NULL', (condition) => expect(constantMask(condition)).toBe(ZERO));
    withCondition('ERR_PTR(-EIO)', (condition) => expect(constantMask(condition)).toBe(NEGATIVE));
    withCondition('0x10', (condition) => expect(constantMask(condition)).toBe(POSITIVE));
  });
});

describe('facts on a path', () => {
  const tracked = new Set(['p', 'ret']);

  it('a test narrows what a key may hold, and the impossible side is no path', () => {
    const afterAlloc = Facts.empty.set('p', resultMask('null'));
    const nonNull = takeBranch(afterAlloc, { kind: 'test', key: 'p', whenTrue: NEGATIVE | POSITIVE, whenFalse: ZERO }, true, tracked);
    expect(nonNull?.get('p')).toBe(POSITIVE);
    const again = nonNull && takeBranch(nonNull, { kind: 'test', key: 'p', whenTrue: ZERO, whenFalse: NEGATIVE | POSITIVE }, true, tracked);
    expect(again).toBeNull();
  });

  it('keys nobody tracks are not remembered', () => {
    const facts = takeBranch(Facts.empty, { kind: 'test', key: 'flags&1', whenTrue: POSITIVE, whenFalse: ZERO }, true, tracked);
    expect(facts?.signature()).toBe('');
  });

  it('success and result masks of failure styles', () => {
    expect(successMask('err-ptr')).toBe(POSITIVE);
    expect(successMask('errno')).toBe(ZERO);
    expect(successMask('false')).toBe(POSITIVE);
    expect(resultMask('errno')).toBe(ZERO | NEGATIVE);
    expect(comparisonMasks('>=', ZERO)).toEqual({ whenTrue: ZERO | POSITIVE, whenFalse: NEGATIVE });
  });
});
