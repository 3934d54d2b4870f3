/**
 * err-ptr-null-check: the IS_ERR() vs NULL mix-up. A pointer from an API that fails with an
 * ERR_PTR() (and never returns NULL) tested with `!p`, or one from an API that fails with NULL
 * tested with IS_ERR(): the test is never true, and the failure goes on as a valid pointer.
 */
import type { CSource, Node } from '../model/source.js';
import type { FindingDraft, Rule, RuleContext } from './rule.js';
import { pointerStyle, type ReturnStyle } from '../analysis/ownership/return-styles.js';
import { functionDefinitionNodes } from '../parsers/c.js';
import { isNullLiteral } from '../analysis/flow/conditions.js';
import { callArguments, calleeName, declaredAsInteger, declaredIdentifier, expressionKey, isField, namedChildrenOf, nodeContains, nodesOfType, stripCastsAndParentheses } from '../parsers/c-syntax.js';
import { postLineOf } from '../parsers/source-lines.js';

const ID = 'err-ptr-null-check';

/** What a test takes a failure to be. */
type TestKind =
  /** `!p`, `p == NULL`, `NULL == p`, `p != NULL`. */
  | 'null'
  /** IS_ERR(p), PTR_ERR_OR_ZERO(p). */
  | 'err'
  /** IS_ERR_OR_NULL(p): right for any API. */
  | 'both'
  /** PTR_ERR(p), ERR_CAST(p): the code knows p can be an error pointer. */
  | 'err-use';

interface PointerTest {
  kind: TestKind;
  /** The whole test (`!p`, `IS_ERR(p)`). */
  node: Node;
  /** What is tested, without parentheses and casts: `p`, `p = f()`, or `f()` itself. */
  operand: Node;
}

/** A pointer stored from a call of the table: `p = f()`, `T *p = f()`, `priv->base = f()`. */
interface StoredResult {
  key: string;
  call: Node;
  api: ReturnStyle;
  /** The assignment_expression or init_declarator. */
  node: Node;
}

const ERR_TESTS: Record<string, TestKind> = {
  IS_ERR: 'err',
  PTR_ERR_OR_ZERO: 'err',
  IS_ERR_OR_NULL: 'both',
  PTR_ERR: 'err-use',
  ERR_CAST: 'err-use',
};

/** Macros whose argument is a condition: `unlikely(p)`, `WARN_ON(!p)` test p's truth. */
const CONDITION_MACROS = new Set(['likely', 'unlikely', 'WARN_ON', 'WARN_ON_ONCE', 'BUG_ON', 'WARN', 'WARN_ONCE']);

/** An expression as the shown text spells it, whitespace removed: `p`, `priv->base`, `bufs[i]`. */
const KEY = '[A-Za-z_]\\w*(?:(?:->|\\.)[A-Za-z_]\\w*|\\[[^\\]]*\\])*';
/**
 * A store of a call's result as the shown text spells it: `p = f(`, `priv->base = (void *)f(`,
 * `T *p = f(`. Group 1 is the stored expression, group 2 the callee.
 */
const STORE_TEXT = /(?<![\w$])([A-Za-z_]\w*(?:\s*(?:->|\.)\s*[A-Za-z_]\w*|\s*\[[^\]\n]*\])*)\s*=\s*(?:\([^()]*\)\s*)*([A-Za-z_]\w*)\s*\(/g;
/** The call after a store's `=` (group 1), found first: most texts have far fewer of these than places STORE_TEXT tries. */
const STORED_CALL = /(?<![=!<>+\-*/%&|^])=\s*(?:\([^()]*\)\s*)*([A-Za-z_]\w*)\s*\(/g;

/**
 * `key = callee(` stores in the text, as STORE_TEXT reads them, for the callees with a known
 * failure style: the call is found first, then the stored key on its line before the `=`.
 */
function* storesOf(text: string): Generator<[key: string, callee: string]> {
  for (const call of text.matchAll(STORED_CALL)) {
    if (pointerStyle(call[1]) === undefined) continue;
    const at = call.index ?? 0;
    let lineStart = text.lastIndexOf('\n', at - 1) + 1;
    // `rqstp->rq_enc_pages\n\t\t= kmalloc_array(...)`: the key ends the line before.
    if (text.slice(lineStart, at).trim() === '') lineStart = text.lastIndexOf('\n', lineStart - 2) + 1;
    // STORE_TEXT's whole match, from the store's line up to the call's name.
    const line = text.slice(lineStart, at + call[0].length);
    for (const match of line.matchAll(STORE_TEXT)) {
      if ((match.index ?? 0) + match[0].length === line.length) yield [match[1].replace(/\s+/g, ''), match[2]];
    }
  }
}
/** What the text tests for NULL by `!p` or `NULL!=p` (group 1 or 2); nullTestedKeysOf() adds `p==NULL`. */
const NOT_OR_NULL_FIRST = new RegExp(`![(*]*(${KEY})|NULL[!=]=[(*]*(${KEY})`, 'g');
/** The key a `==NULL` or `!=NULL` compares, read back from it (a regex trying every identifier for it is slow). */
const COMPARED_WITH_NULL = new RegExp(`(?<![\\w.>])(${KEY})$`);
/** What the text tests with IS_ERR() or PTR_ERR_OR_ZERO(), or takes PTR_ERR() of. */
const ERR_TESTED = new RegExp(`(?:IS_ERR|PTR_ERR_OR_ZERO|PTR_ERR)\\([(*]*(${KEY})`, 'g');
/** A call tested directly: `!f(`, `NULL==f(` (group 1), `IS_ERR(f(` (group 2). */
const CALL_TESTED = /(?:!|NULL[!=]=)\(*([A-Za-z_]\w*)\(|(?:IS_ERR|PTR_ERR_OR_ZERO)\(\(*([A-Za-z_]\w*)\(/g;

/** What a whitespace-free text tests for NULL: `!p`, `p==NULL`, `NULL!=p`. */
function nullTestedKeysOf(compact: string): Set<string> {
  const keys = keysOf(NOT_OR_NULL_FIRST, compact);
  for (const operator of ['==NULL', '!=NULL']) {
    for (let at = compact.indexOf(operator); at >= 0; at = compact.indexOf(operator, at + 1)) {
      const compared = COMPARED_WITH_NULL.exec(compact.slice(Math.max(0, at - 300), at));
      if (compared !== null) keys.add(compared[1]);
    }
  }
  return keys;
}

function keysOf(pattern: RegExp, text: string): Set<string> {
  const keys = new Set<string>();
  for (const match of text.matchAll(pattern)) {
    const key = match.slice(1).find((group) => group !== undefined);
    if (key) keys.add(key);
  }
  return keys;
}

/**
 * Whether the lines the patch shows can hold a mix-up, read on the text alone (before any
 * tree): a call tested directly the wrong way, or a value stored from a call and a
 * wrong-looking test of the same expression. Looser than the tree check, never stricter.
 * The failure style of a callee is asked only for these (the mined facts load on the first).
 */
function mayHoldMixUp(source: CSource): boolean {
  // Whitespace removed, so that `! p`, `p == NULL` and `IS_ERR( p )` read as one form.
  const compact = source.shownText.replace(/\s+/g, '');
  const hasErrTest = compact.includes('IS_ERR(') || compact.includes('PTR_ERR');
  if (!hasErrTest && !compact.includes('!') && !compact.includes('NULL')) return false;
  for (const match of compact.matchAll(CALL_TESTED)) {
    const [, nullTested, errTested] = match;
    if (nullTested !== undefined && pointerStyle(nullTested)?.failure === 'err-ptr') return true;
    if (errTested !== undefined && pointerStyle(errTested)?.failure === 'null') return true;
  }
  const nullTestedKeys = nullTestedKeysOf(compact);
  const errTestedKeys = hasErrTest ? keysOf(ERR_TESTED, compact) : new Set<string>();
  for (const [key, callee] of storesOf(source.shownText)) {
    const wanted = nullTestedKeys.has(key) ? 'err-ptr' : null;
    const wantedNull = errTestedKeys.has(key) ? 'null' : null;
    if (wanted === null && wantedNull === null) continue;
    const failure = pointerStyle(callee)?.failure;
    if (failure !== undefined && (failure === wanted || failure === wantedNull)) return true;
  }
  return false;
}

/** The test a node makes of a pointer, if it is one. */
function pointerTestOf(node: Node): PointerTest | null {
  if (node.type === 'unary_expression' && node.childForFieldName('operator')?.text === '!') {
    const argument = node.childForFieldName('argument');
    return argument ? { kind: 'null', node, operand: stripCastsAndParentheses(argument) } : null;
  }
  if (node.type === 'binary_expression') {
    const operator = node.childForFieldName('operator')?.text;
    if (operator !== '==' && operator !== '!=') return null;
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (!left || !right) return null;
    if (isNullLiteral(right) && !isNullLiteral(left)) return { kind: 'null', node, operand: stripCastsAndParentheses(left) };
    if (isNullLiteral(left) && !isNullLiteral(right)) return { kind: 'null', node, operand: stripCastsAndParentheses(right) };
    return null;
  }
  if (node.type === 'call_expression') {
    const kind = ERR_TESTS[calleeName(node) ?? ''];
    const [argument] = callArguments(node);
    return kind && argument ? { kind, node, operand: stripCastsAndParentheses(argument) } : null;
  }
  return null;
}

/** The call of the table an expression is, or assigns: `f()`, `p = f()`. */
function tableCall(expression: Node): { call: Node; api: ReturnStyle } | null {
  const value = expression.type === 'assignment_expression' ? expression.childForFieldName('right') : expression;
  if (!value) return null;
  const call = stripCastsAndParentheses(value);
  if (call.type !== 'call_expression') return null;
  const api = pointerStyle(calleeName(call) ?? '');
  return api ? { call, api } : null;
}

/** The key of what a test tests: `p` for `!p` and for `!(p = f())`. */
function testedKey(test: PointerTest): string | null {
  if (test.operand.type === 'assignment_expression') {
    const left = test.operand.childForFieldName('left');
    return left ? expressionKey(left) : null;
  }
  if (test.operand.type === 'call_expression') return null;
  return expressionKey(test.operand);
}

function storedResultOf(node: Node): StoredResult | null {
  if (node.type === 'assignment_expression') {
    if (node.childForFieldName('operator')?.text !== '=') return null;
    const left = node.childForFieldName('left');
    const found = tableCall(node);
    return left && found ? { key: expressionKey(left), ...found, node } : null;
  }
  if (node.type === 'init_declarator') {
    const value = node.childForFieldName('value');
    const name = declaredIdentifier(node.childForFieldName('declarator'));
    const found = value ? tableCall(value) : null;
    return name && found ? { key: name.text, ...found, node } : null;
  }
  return null;
}

/** The test that misses this API's failure, and the tests that catch it. */
function isWrongTest(kind: TestKind, api: ReturnStyle): boolean {
  return (api.failure === 'err-ptr' && kind === 'null') || (api.failure === 'null' && kind === 'err');
}

function isRightTest(kind: TestKind, api: ReturnStyle): boolean {
  if (kind === 'both') return true;
  return api.failure === 'err-ptr' ? kind === 'err' || kind === 'err-use' : kind === 'null';
}

/** `if (p)`, `p && ...`, `p ? a : b`, `unlikely(p)`: a truth test, which catches a NULL. */
function isTruthTested(node: Node): boolean {
  let current = node;
  for (;;) {
    const parent = current.parent;
    if (!parent) return false;
    switch (parent.type) {
      case 'parenthesized_expression':
      case 'cast_expression':
        current = parent;
        continue;
      case 'if_statement':
      case 'while_statement':
      case 'do_statement':
      case 'for_statement':
        return isField(parent, current, 'condition');
      case 'conditional_expression':
        return isField(parent, current, 'condition');
      case 'binary_expression':
        return ['&&', '||'].includes(parent.childForFieldName('operator')?.text ?? '');
      case 'argument_list': {
        const macro = parent.parent;
        return macro !== null && CONDITION_MACROS.has(calleeName(macro) ?? '');
      }
      default:
        return false;
    }
  }
}

/** Every expression in `scope` whose key is `key` (`p`, `priv->base`). */
function usesOf(scope: Node, key: string): Node[] {
  return nodesOfType(scope, ['identifier', 'field_expression', 'pointer_expression', 'subscript_expression']).filter(
    (node) => expressionKey(node) === key,
  );
}

/** The function tests `key` in a way that catches this API's failure, anywhere in it. */
function testedRightly(key: string, api: ReturnStyle, tests: readonly PointerTest[], definition: Node): boolean {
  if (tests.some((test) => testedKey(test) === key && isRightTest(test.kind, api))) return true;
  return api.failure === 'null' && usesOf(definition, key).some(isTruthTested);
}

/** Where `key` is next stored to after `stored` (the end of the text its value lives in). */
function nextStoreIndex(stored: StoredResult, assignments: readonly Node[]): number {
  for (const assignment of assignments) {
    if (assignment.startIndex < stored.node.endIndex) continue;
    const left = assignment.childForFieldName('left');
    if (left && expressionKey(left) === stored.key) return assignment.startIndex;
  }
  return Number.MAX_SAFE_INTEGER;
}

/** How to quote a test: `if (!base)` when it is the whole condition of an if, else the test itself. */
function quotedTest(test: PointerTest): string {
  let current = test.node;
  for (;;) {
    const parent = current.parent;
    if (!parent) break;
    if (parent.type === 'parenthesized_expression') {
      current = parent;
      continue;
    }
    const macro = parent.type === 'argument_list' ? parent.parent : null;
    if (macro && ['likely', 'unlikely'].includes(calleeName(macro) ?? '')) {
      current = macro;
      continue;
    }
    if (parent.type === 'if_statement' && isField(parent, current, 'condition')) return oneLine(`if ${current.text}`);
    break;
  }
  return oneLine(test.node.text);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\(\s+/g, '(').replace(/\s+\)/g, ')');
}

/** The name a comment uses for what was tested: `base`, or `devm_ioremap_resource()`'s result. */
function subjectOf(test: PointerTest, key: string | null): string {
  return key ?? `${calleeName(test.operand) ?? 'the call'}(...)`;
}

function errPtrComment(api: ReturnStyle, test: PointerTest, key: string | null, where: string): string {
  const quoted = quotedTest(test);
  const subject = subjectOf(test, key);
  const isSuccessTest = test.node.type === 'binary_expression' && test.node.childForFieldName('operator')?.text === '!=';
  const miss = isSuccessTest ? `\`${quoted}\`${where} takes it for a valid pointer` : `\`${quoted}\`${where} does not catch it`;
  const harm = /iomap|ioremap|memremap/.test(api.name)
    ? 'and the error pointer is used as an address below'
    : 'and the error pointer goes on as if it were a valid one';
  const opening = `${api.name}() returns an ERR_PTR() on failure, not NULL: ${miss}, ${harm}.`;
  if (api.uncheckedByDesign) {
    return `${opening} debugfs calls take an error pointer as their parent and do nothing with it, and a driver is not meant to fail because debugfs did: please drop the test rather than turn it into IS_ERR().`;
  }
  if (key === null) return `${opening} Please keep the result, test it with IS_ERR() and return PTR_ERR() of it.`;
  return `${opening} Please test it with IS_ERR(${subject}) and return PTR_ERR(${subject}).`;
}

function nullComment(api: ReturnStyle, test: PointerTest, key: string | null, where: string, errorOfNull?: PointerTest): string {
  const subject = subjectOf(test, key);
  if (errorOfNull) {
    const check = `test \`if (!${subject})\``;
    const remedy = api.errno ? `Please ${check} and return ${api.errno}.` : `Please ${check} instead, and return an errno of its own.`;
    return `${api.name}() returns NULL on failure, not an ERR_PTR(): PTR_ERR(${subject}) is 0 for NULL, so the failure is reported as success. ${remedy}`;
  }
  const testName = calleeName(test.node) ?? 'IS_ERR';
  const miss =
    testName === 'PTR_ERR_OR_ZERO'
      ? `PTR_ERR_OR_ZERO(${subject})${where} is 0 for NULL, so the failure is reported as success`
      : `${testName}(${subject})${where} is false for NULL, so the failure goes on`;
  const check = key === null ? 'keep the result and test it for NULL' : `test \`if (!${key})\``;
  const remedy = api.errno ? `Please ${check} and return ${api.errno}.` : `Please ${check} instead, and return an errno of its own.`;
  return `${api.name}() returns NULL on failure, not an ERR_PTR(): ${miss}. ${remedy}`;
}

function summaryOf(api: ReturnStyle, test: PointerTest): string {
  return api.failure === 'err-ptr'
    ? `\`${oneLine(test.node.text)}\` cannot catch the ERR_PTR() ${api.name}() returns on failure`
    : `${oneLine(test.node.text)} cannot catch the NULL ${api.name}() returns on failure`;
}

interface Mismatch {
  api: ReturnStyle;
  test: PointerTest;
  key: string | null;
  /** Where the value was stored, when not in the test itself. */
  stored: StoredResult | null;
  /** `return PTR_ERR(p)` of a NULL API's result: the errno it returns (0 for NULL). */
  errorOfNull?: PointerTest;
}

/**
 * The store is in one arm of an if and the test in its else arm (`if (PTR_ERR(p) == -EBUSY) p =
 * devm_ioremap(...); else if (IS_ERR(p)) ...`): the test never sees what the store put there.
 */
function inOtherArm(store: Node, test: Node): boolean {
  for (let node = store.parent; node !== null; node = node.parent) {
    if (node.type === 'if_statement' && nodeContains(node.childForFieldName('consequence'), store) && nodeContains(node.childForFieldName('alternative'), test)) return true;
  }
  return false;
}

/** The mix-ups of one function. */
function mismatchesIn(definition: Node): Mismatch[] {
  const tests: PointerTest[] = [];
  const stores: StoredResult[] = [];
  const assignments: Node[] = [];
  for (const node of nodesOfType(definition, ['unary_expression', 'binary_expression', 'call_expression', 'assignment_expression', 'init_declarator'])) {
    const test = pointerTestOf(node);
    if (test) tests.push(test);
    if (node.type === 'assignment_expression') assignments.push(node);
    const stored = storedResultOf(node);
    if (stored) stores.push(stored);
  }
  const found: Mismatch[] = [];
  // The call tested directly: `if (!devm_ioremap_resource(...))`, `IS_ERR(kzalloc(...))`.
  for (const test of tests) {
    if (test.operand.type !== 'call_expression') continue;
    const direct = tableCall(test.operand);
    if (direct && isWrongTest(test.kind, direct.api)) found.push({ api: direct.api, test, key: null, stored: null });
  }
  // The stored value tested, after the store and before the next one.
  for (const stored of stores) {
    if (stored.api.failure === 'err-ptr-or-null') continue;
    // Asked only where a finding would follow: reading the declaration walks the function.
    // `int ret = clk_register(clk)`: a function whose result fits an integer is not the pointer API
    // of the table under that name (arch/sh's clk_register() returns 0 or an errno).
    const otherFunction = (): boolean => /^\w+$/.test(stored.key) && declaredAsInteger(stored.key, stored.node);
    const end = nextStoreIndex(stored, assignments);
    const wrong = tests.find(
      (test) =>
        test.node.endIndex >= stored.node.endIndex &&
        test.node.startIndex < end &&
        testedKey(test) === stored.key &&
        isWrongTest(test.kind, stored.api) &&
        !inOtherArm(stored.node, test.node),
    );
    const inRange = (test: PointerTest): boolean => test.node.endIndex >= stored.node.endIndex && test.node.startIndex < end && testedKey(test) === stored.key;
    if (wrong && !testedRightly(stored.key, stored.api, tests, definition)) {
      if (otherFunction()) continue;
      found.push({ api: stored.api, test: wrong, key: stored.key, stored: wrong.node.startIndex <= stored.node.startIndex ? null : stored });
      continue;
    }
    // `if (IS_ERR_OR_NULL(p)) return PTR_ERR(p);` after a NULL API: PTR_ERR(NULL) is 0, success.
    if (stored.api.failure !== 'null') continue;
    const errorOfNull = tests.find((test) => test.kind === 'err-use' && calleeName(test.node) === 'PTR_ERR' && inRange(test) && !takenOnlyWhenSet(test.node, stored.key));
    if (!errorOfNull) continue;
    // Only under IS_ERR_OR_NULL() can p be NULL there: under IS_ERR() the PTR_ERR() is dead code
    // for a NULL API, and the IS_ERR() test itself is what the check above judges.
    const guard = tests.filter((test) => (test.kind === 'both' || test.kind === 'err') && inRange(test) && test.node.startIndex < errorOfNull.node.startIndex).pop();
    if (guard?.kind !== 'both' || otherFunction()) continue;
    found.push({ api: stored.api, test: guard, key: stored.key, stored, errorOfNull });
  }
  return found;
}

/** `desc ? PTR_ERR(desc) : -EINVAL`, `if (p) return PTR_ERR(p);`: evaluated only where `key` is not NULL. */
function takenOnlyWhenSet(node: Node, key: string | null): boolean {
  if (key === null) return false;
  const setTest = (condition: Node | null): boolean => {
    const test = condition === null ? null : stripCastsAndParentheses(condition);
    if (test === null) return false;
    if (expressionKey(test) === key) return true;
    const operator = test.type === 'binary_expression' ? test.childForFieldName('operator')?.text : undefined;
    const [left, right] = [test.childForFieldName('left'), test.childForFieldName('right')];
    if (operator !== '!=' || left === null || right === null) return false;
    return (expressionKey(left) === key && isNullLiteral(right)) || (expressionKey(right) === key && isNullLiteral(left));
  };
  // `!p`, `p == NULL`: true where p is NULL.
  const nullTest = (condition: Node | null): boolean => {
    const test = condition === null ? null : stripCastsAndParentheses(condition);
    if (test === null) return false;
    if (test.type === 'unary_expression' && test.childForFieldName('operator')?.text === '!') return expressionKey(stripCastsAndParentheses(test.childForFieldName('argument') ?? test)) === key;
    const operator = test.type === 'binary_expression' ? test.childForFieldName('operator')?.text : undefined;
    const [left, right] = [test.childForFieldName('left'), test.childForFieldName('right')];
    if (operator !== '==' || left === null || right === null) return false;
    return (expressionKey(left) === key && isNullLiteral(right)) || (expressionKey(right) === key && isNullLiteral(left));
  };
  // `if (!p) return -ENOMEM;` earlier in the block: the statements after it see p set.
  const leavesWhenNull = (statement: Node): boolean => {
    if (statement.type !== 'if_statement' || statement.childForFieldName('alternative') !== null || !nullTest(statement.childForFieldName('condition'))) return false;
    const consequence = statement.childForFieldName('consequence');
    const last = consequence?.type === 'compound_statement' ? namedChildrenOf(consequence).at(-1) : consequence;
    return last?.type === 'return_statement' || last?.type === 'goto_statement';
  };
  for (let current = node, parent = node.parent; parent !== null; current = parent, parent = parent.parent) {
    if (parent.type === 'conditional_expression' && isField(parent, current, 'consequence') && setTest(parent.childForFieldName('condition'))) return true;
    // `err = !p ? -ENOMEM : PTR_ERR(p);`
    if (parent.type === 'conditional_expression' && isField(parent, current, 'alternative') && nullTest(parent.childForFieldName('condition'))) return true;
    if (parent.type === 'if_statement' && isField(parent, current, 'consequence') && setTest(parent.childForFieldName('condition'))) return true;
    if (parent.type === 'compound_statement') {
      for (let before = current.previousNamedSibling; before !== null; before = before.previousNamedSibling) if (leavesWhenNull(before)) return true;
    }
    if (parent.type === 'function_definition') return false;
  }
  return false;
}

function findingOf(mismatch: Mismatch, source: CSource): FindingDraft | null {
  const testLine = postLineOf(source, mismatch.test.node);
  if (testLine === null) return null;
  const storeLine = mismatch.stored ? postLineOf(source, mismatch.stored.node) : null;
  // The finding goes on the test; on the store when only the store is new (the old test
  // was right for whatever the variable held before).
  const onStore = storeLine !== null && storeLine !== testLine && !source.isAdded(testLine) && source.isAdded(storeLine);
  const line = onStore && storeLine !== null ? storeLine : testLine;
  const where = onStore ? ` at line ${testLine}` : '';
  const comment =
    mismatch.api.failure === 'err-ptr'
      ? errPtrComment(mismatch.api, mismatch.test, mismatch.key, where)
      : nullComment(mismatch.api, mismatch.test, mismatch.key, where, mismatch.errorOfNull);
  const related =
    storeLine === null || storeLine === testLine
      ? []
      : onStore
        ? [{ file: source.file.path, line: testLine, note: oneLine(quotedTest(mismatch.test)) }]
        : [{ file: source.file.path, line: storeLine, note: `${mismatch.key ?? 'the value'} = ${mismatch.api.name}()` }];
  return {
    rule: ID,
    file: source.file.path,
    line,
    column: (onStore && mismatch.stored ? mismatch.stored.node : mismatch.test.node).startPosition.column + 1,
    summary: mismatch.errorOfNull
      ? `PTR_ERR(${mismatch.key ?? 'the result'}) is 0 for the NULL ${mismatch.api.name}() returns on failure`
      : summaryOf(mismatch.api, mismatch.test),
    comment,
    related,
  };
}

export const errPtrNullCheck: Rule = {
  meta: {
    id: ID,
    severity: 'error',
    summary: 'An ERR_PTR() API tested for NULL, or a NULL API tested with IS_ERR()',
    why:
      'Kernel APIs that return a pointer fail in one of two ways: devm_ioremap_resource(), devm_clk_get(), class_create() and their kin fail with an ERR_PTR(), not NULL; ' +
      'kzalloc(), devm_ioremap(), alloc_workqueue() and theirs fail with NULL, never an ERR_PTR(). ' +
      'Test the first with `!p` and the test is never true: the error pointer goes on as a valid one and is dereferenced later. ' +
      'Test the second with IS_ERR() and the test is false for NULL: the failure goes on, and PTR_ERR(NULL) would return 0, success, anyway. ' +
      '"Fix IS_ERR() vs NULL check" patches land every week.',
    example: 'base = devm_ioremap_resource(&pdev->dev, res);\nif (!base)\n\treturn -ENOMEM;',
    useInstead: 'base = devm_ioremap_resource(&pdev->dev, res);\nif (IS_ERR(base))\n\treturn PTR_ERR(base);',
    limits:
      'Knows the failure style of the APIs in its table (src/analysis/return-styles.ts) and of the functions whose returns in the Linux 6.1 tree show it (data/kernel-facts.json, from `npm run facts`): a function of another release, or one the tree cannot decide (a return through a function pointer, a field next to an ERR_PTR()), is not known. _optional getters that return NULL when the thing is absent and an ERR_PTR() on error are left alone, as is IS_ERR_OR_NULL() (unless PTR_ERR() of a NULL API\'s result follows it where the pointer may still be NULL: `desc ? PTR_ERR(desc) : -EINVAL` is right). ' +
      'Follows a value stored in a variable or a field (`p = f()`, `T *p = f()`, `priv->base = f()`) within one function, up to the next store to it, and not through copies to other variables or helper functions. ' +
      'Stays quiet when the function also tests the value the right way anywhere. A plain `if (p)` after an ERR_PTR() API is not reported, nor a test through a cast (`!(void *)p`). ' +
      'A file is read only when the lines the patch shows spell a store from the table and a wrong-looking test of the same expression, or a table call tested directly.',
  },
  check(context: RuleContext): FindingDraft[] {
    const findings: FindingDraft[] = [];
    for (const source of context.current.sources) {
      if (source.kind !== 'c' || !mayHoldMixUp(source)) continue;
      for (const definition of functionDefinitionNodes(source.tree.rootNode)) {
        for (const mismatch of mismatchesIn(definition)) {
          const finding = findingOf(mismatch, source);
          if (finding) findings.push(finding);
        }
      }
    }
    return findings;
  },
};
