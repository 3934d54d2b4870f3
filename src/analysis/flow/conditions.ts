/**
 * Reading C conditions and constants as facts: `!p`, `ret < 0`, `IS_ERR(tsk)`, `err`,
 * `-ENOMEM`, `NULL`. The keys they produce are the ones events.ts gives the same values,
 * so a test of `p` meets the `p = kmalloc(...)` that set it.
 */
import type { Node } from '../../model/source.js';
import {
  ANY_VALUE,
  comparisonMasks,
  mirrorOperator,
  NEGATIVE,
  POSITIVE,
  ZERO,
  type ConditionAtom,
  type ValueMask,
} from './facts.js';
import { calleeName, callArguments, compactText, stripCastsAndParentheses } from '../../parsers/c-syntax.js';

/**
 * Wrappers that evaluate to one argument's truth, by the argument's index: `unlikely(x)`,
 * `WARN_ON(x)`, and the device warnings that take the device first (`drm_WARN_ON(&i915->drm, !list)`).
 */
const TRANSPARENT_WRAPPERS = new Map([
  ...['likely', 'unlikely', 'WARN_ON', 'WARN_ON_ONCE', 'WARN', 'WARN_ONCE', '!!'].map((name) => [name, 0] as const),
  ...['drm_WARN_ON', 'drm_WARN_ON_ONCE', 'drm_WARN', 'drm_WARN_ONCE', 'dev_WARN_ONCE'].map((name) => [name, 1] as const),
]);

/** The condition under `likely()`, `WARN_ON()` and parentheses; null when it is not wrapped. */
export function unwrapTransparent(node: Node): Node | null {
  const stripped = stripCastsAndParentheses(node);
  if (stripped.type !== 'call_expression') return stripped === node ? null : stripped;
  const name = calleeName(stripped);
  const index = name === null ? undefined : TRANSPARENT_WRAPPERS.get(name);
  if (index === undefined) return stripped === node ? null : stripped;
  return callArguments(stripped)[index] ?? null;
}

/** The class of a constant expression, or null when the expression is not a constant we know. */
export function constantMask(node: Node): ValueMask | null {
  const expression = stripCastsAndParentheses(node);
  switch (expression.type) {
    case 'number_literal': {
      // tree-sitter reads `-1` as one literal.
      const text = expression.text.replace(/[uUlL]+$/, '');
      const negative = text.startsWith('-');
      const digits = text.replace(/^[-+]/, '');
      const value = digits.startsWith('0x') || digits.startsWith('0X') ? Number.parseInt(digits.slice(2), 16) : Number.parseFloat(digits);
      if (Number.isNaN(value)) return null;
      if (value === 0) return ZERO;
      return negative ? NEGATIVE : POSITIVE;
    }
    case 'null':
      return ZERO;
    case 'false':
      return ZERO;
    case 'true':
      return POSITIVE;
    case 'identifier':
      if (expression.text === 'NULL' || expression.text === 'false') return ZERO;
      if (expression.text === 'true') return POSITIVE;
      return null;
    case 'unary_expression': {
      const operator = expression.child(0)?.type;
      const argument = expression.childForFieldName('argument');
      if (operator !== '-' || argument === null) return null;
      const inner = stripCastsAndParentheses(argument);
      if (inner.type === 'identifier' && /^E[A-Z0-9]+$/.test(inner.text)) return NEGATIVE;
      if (inner.type === 'number_literal') return constantMask(inner) === ZERO ? ZERO : NEGATIVE;
      return null;
    }
    case 'call_expression': {
      const name = calleeName(expression);
      if (name === 'ERR_PTR' || name === 'ERR_CAST') return NEGATIVE;
      return null;
    }
    default:
      return null;
  }
}

/**
 * The key under which a path remembers an expression's value: the variable or field it
 * reads, `call:<text>` for a call's result, `expr:<text>` for anything else.
 */
export function valueKey(node: Node): string {
  const expression = stripCastsAndParentheses(node);
  switch (expression.type) {
    case 'identifier':
    case 'field_expression':
    case 'subscript_expression':
      return compactText(expression.text);
    case 'pointer_expression':
      return compactText(expression.text);
    case 'call_expression':
      return `call:${compactText(expression.text)}`;
    case 'assignment_expression': {
      const left = expression.childForFieldName('left');
      return left === null ? `expr:${compactText(expression.text)}` : valueKey(left);
    }
    default:
      return `expr:${compactText(expression.text)}`;
  }
}

const COMPARISON_OPERATORS = new Set(['==', '!=', '<', '<=', '>', '>=']);

/** What a condition (with `!`, `&&`, `||` already taken apart by the CFG builder) says. */
export function conditionAtom(node: Node): ConditionAtom {
  const expression = stripCastsAndParentheses(node);
  const constant = constantMask(expression);
  if (constant !== null && expression.type !== 'identifier') return { kind: 'constant', value: constant !== ZERO };
  if (expression.type === 'identifier' && constant !== null) return { kind: 'constant', value: constant !== ZERO };

  if (expression.type === 'binary_expression') return comparisonAtom(expression);
  if (expression.type === 'call_expression') {
    const name = calleeName(expression);
    const [first] = callArguments(expression);
    if (first !== undefined && name === 'IS_ERR') return { kind: 'test', key: valueKey(first), whenTrue: NEGATIVE, whenFalse: ZERO | POSITIVE };
    // ZERO_OR_NULL_PTR(p): NULL or the ZERO_SIZE_PTR of a zero-length allocation, neither of which holds memory.
    if (first !== undefined && name === 'ZERO_OR_NULL_PTR') return { kind: 'test', key: valueKey(first), whenTrue: ZERO, whenFalse: POSITIVE };
    if (first !== undefined && name === 'IS_ERR_OR_NULL') {
      return { kind: 'test', key: valueKey(first), whenTrue: ZERO | NEGATIVE, whenFalse: POSITIVE };
    }
    // list_entry_is_head(pos, head, member): the walk over the list ran out (see listHeadKey()).
    const [, head, member] = callArguments(expression);
    if (name === 'list_entry_is_head' && first !== undefined && head !== undefined && member !== undefined) {
      return { kind: 'test', key: listHeadKey(first.text, member.text, head.text), whenTrue: POSITIVE, whenFalse: ZERO };
    }
  }
  if (expression.type === 'comma_expression') {
    const right = expression.childForFieldName('right');
    return right === null ? { kind: 'opaque' } : conditionAtom(right);
  }
  return { kind: 'test', key: valueKey(expression), whenTrue: NEGATIVE | POSITIVE, whenFalse: ZERO };
}

/** The key of "`pointer` is not aligned" (`(unsigned long)ring & 0xFF`). */
export function misalignedKey(pointer: string): string {
  return `misaligned:${pointer}`;
}

/** A mask or modulus below a page: a number under 4096, or a constant's name (`TW_ALIGNMENT_9000`). */
function isAlignmentMask(node: Node): boolean {
  const expression = stripCastsAndParentheses(node);
  if (expression.type === 'identifier') return /^[A-Z][A-Z0-9_]*$/.test(expression.text);
  if (expression.type !== 'number_literal') return false;
  const value = Number(expression.text.replace(/[uUlL]+$/, ''));
  return Number.isInteger(value) && value > 0 && value < 4096;
}

function comparisonAtom(expression: Node): ConditionAtom {
  const operator = expression.childForFieldName('operator')?.type ?? expression.child(1)?.type ?? '';
  const left = expression.childForFieldName('left');
  const right = expression.childForFieldName('right');
  if (left === null || right === null) return { kind: 'opaque' };
  if (!COMPARISON_OPERATORS.has(operator)) {
    // `(unsigned long)ring & 0xFF`, `(unsigned long)p % FOO_ALIGNMENT`: whether a pointer is misaligned.
    const aligned = (operator === '&' || operator === '%') && left.type === 'cast_expression' && isAlignmentMask(right) ? stripCastsAndParentheses(left) : null;
    if (aligned !== null && (aligned.type === 'identifier' || aligned.type === 'field_expression')) return { kind: 'test', key: misalignedKey(valueKey(aligned)), whenTrue: POSITIVE, whenFalse: ZERO };
    // `flags & FOO`, `a - b`: remembered as one opaque value so that the same test twice agrees.
    return { kind: 'test', key: valueKey(expression), whenTrue: NEGATIVE | POSITIVE, whenFalse: ZERO };
  }
  // `&evt->node == &phba->ct_ev_waiters` after list_for_each_entry(evt, &phba->ct_ev_waiters, node): nothing was found.
  if (operator === '==' || operator === '!=') {
    const atHead = listHeadTest(left, right) ?? listHeadTest(right, left);
    if (atHead !== null) return { kind: 'test', key: atHead, whenTrue: operator === '==' ? POSITIVE : ZERO, whenFalse: operator === '==' ? ZERO : POSITIVE };
  }
  const rightConstant = constantMask(right);
  const leftConstant = constantMask(left);
  if (rightConstant !== null && leftConstant === null) {
    return { kind: 'test', key: valueKey(left), ...comparisonMasks(operator, rightConstant) };
  }
  if (leftConstant !== null && rightConstant === null) {
    return { kind: 'test', key: valueKey(right), ...comparisonMasks(mirrorOperator(operator), leftConstant) };
  }
  if (leftConstant !== null && rightConstant !== null) return { kind: 'opaque' };
  // Between plain names only: a field or a pointee may change under any call the path makes.
  const [leftName, rightName] = [stripCastsAndParentheses(left), stripCastsAndParentheses(right)];
  // `ah->type == MTHCA_AH_PCI_POOL`: one of the names the code gives that field.
  const named = (candidate: Node): boolean => candidate.type === 'identifier' && /^[A-Z][A-Z0-9_]*$/.test(candidate.text);
  const keyed = (candidate: Node): boolean => (candidate.type === 'identifier' && !named(candidate)) || candidate.type === 'field_expression';
  const [keySide, nameSide] = named(rightName) && keyed(leftName) ? [leftName, rightName] : named(leftName) && keyed(rightName) ? [rightName, leftName] : [null, null];
  const label = keySide !== null && nameSide !== null && (operator === '==' || operator === '!=') ? { label: { key: valueKey(keySide), name: nameSide.text, equal: operator === '==' } } : {};
  const atom: ConditionAtom =
    leftName.type === 'identifier' && rightName.type === 'identifier'
      ? relationAtom(operator, leftName.text, rightName.text)
      : { kind: 'test', key: valueKey(expression), whenTrue: ANY_VALUE, whenFalse: ANY_VALUE };
  return atom.kind === 'test' ? { ...atom, ...label } : atom;
}

/**
 * The key that says a list_for_each_entry(pos, head, member) walk ran out: its cursor's link is
 * the head again. The CFG sets it where the walk ends without a break.
 */
export function listHeadKey(cursor: string, member: string, head: string): string {
  return `listhead:${compactText(cursor)}:${compactText(member)}:${compactText(head)}`;
}

/** `&pos->member` compared with `head`: the list-head key, or null. */
function listHeadTest(link: Node, head: Node): string | null {
  const address = stripCastsAndParentheses(link);
  if (address.type !== 'pointer_expression' || address.childForFieldName('operator')?.type !== '&') return null;
  const field = address.childForFieldName('argument');
  const cursor = field?.type === 'field_expression' ? field.childForFieldName('argument') : null;
  const member = field?.childForFieldName('field');
  if (cursor?.type !== 'identifier' || !member || field?.child(1)?.type !== '->') return null;
  return listHeadKey(cursor.text, member.text, stripCastsAndParentheses(head).text);
}

/** Whether `key` is the `a == b` key of relationAtom() comparing `name` with another name. */
export function comparesForEquality(key: string, name: string): boolean {
  return key.startsWith(`${name} == `) || key.endsWith(` == ${name}`);
}

/**
 * `i < n` and `i >= n` between two plain names: one truth under one key, so that the test after a loop
 * agrees with the loop's own (`for (i = 2; i < NR; i++) if (!request_irq(i, ...)) break;` then
 * `if (i >= NR) goto fail;` is false where the loop left by its break).
 */
function relationAtom(operator: string, left: string, right: string): ConditionAtom {
  const truth = (key: string, holds: boolean): ConditionAtom => ({ kind: 'test', key, whenTrue: holds ? POSITIVE : ZERO, whenFalse: holds ? ZERO : POSITIVE });
  switch (operator) {
    case '<':
      return truth(`${left} < ${right}`, true);
    case '>=':
      return truth(`${left} < ${right}`, false);
    case '>':
      return truth(`${right} < ${left}`, true);
    case '<=':
      return truth(`${right} < ${left}`, false);
    case '==':
      return truth(`${left} == ${right}`, true);
    default:
      return truth(`${left} == ${right}`, false);
  }
}

/** `!x` gives x; anything else null. */
export function negatedOperand(node: Node): Node | null {
  const expression = stripCastsAndParentheses(node);
  if (expression.type !== 'unary_expression' || expression.child(0)?.type !== '!') return null;
  return expression.childForFieldName('argument');
}

/** `a && b` / `a || b`: the operator and both sides; null otherwise. */
export function logicalParts(node: Node): { operator: '&&' | '||'; left: Node; right: Node } | null {
  const expression = stripCastsAndParentheses(node);
  if (expression.type !== 'binary_expression') return null;
  const operator = expression.childForFieldName('operator')?.type ?? expression.child(1)?.type;
  if (operator !== '&&' && operator !== '||') return null;
  const left = expression.childForFieldName('left');
  const right = expression.childForFieldName('right');
  if (left === null || right === null) return null;
  return { operator, left, right };
}

/** The constant-ness of a loop condition: `1`, `true` (forever) or `0` (never). */
export function constantTruth(node: Node | null): boolean | null {
  if (node === null) return true;
  const atom = conditionAtom(node);
  return atom.kind === 'constant' ? atom.value : null;
}

/** Whether the text is a bare constant such as `0` or `NULL` (used by return analysis). */
export function isNullLiteral(node: Node): boolean {
  const expression = stripCastsAndParentheses(node);
  return expression.text === 'NULL' || expression.type === 'null';
}

