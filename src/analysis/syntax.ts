/**
 * Small readers of tree-sitter C nodes that the control-flow and resource analyses share:
 * children without comments, the text of an expression as a comparable key, call names.
 */
import type { Node } from '../model/source.js';

/** Named children, without comments and without the nulls web-tree-sitter may hand back. */
export function namedChildrenOf(node: Node): Node[] {
  const children: Node[] = [];
  for (const child of node.namedChildren) {
    if (child !== null && child.type !== 'comment') children.push(child);
  }
  return children;
}

/** The expression inside any number of parentheses. */
export function stripParentheses(node: Node): Node {
  let current = node;
  while (current.type === 'parenthesized_expression') {
    const inner = namedChildrenOf(current);
    if (inner.length !== 1 || inner[0].type === 'compound_statement') return current;
    current = inner[0];
  }
  return current;
}

/** The expression under parentheses and casts: `(struct foo *)(p)` is `p`. */
export function stripCastsAndParentheses(node: Node): Node {
  let current = stripParentheses(node);
  while (current.type === 'cast_expression') {
    const value = current.childForFieldName('value');
    if (value === null) return current;
    current = stripParentheses(value);
  }
  return current;
}

/** Text with every run of whitespace removed, so that `a -> b` and `a->b` compare equal. */
export function compactText(text: string): string {
  return text.replace(/\s+/g, '');
}

/** The `&` of `&x->lock`, when the node is an address-of expression. */
export function isAddressOf(node: Node): boolean {
  return node.type === 'pointer_expression' && node.child(0)?.type === '&';
}

/**
 * An expression as a key that names what it refers to: casts, parentheses and a leading `&`
 * removed, whitespace removed. `&dev->lock` and `(dev->lock)` both give `dev->lock`.
 */
export function expressionKey(node: Node): string {
  let current = stripCastsAndParentheses(node);
  if (isAddressOf(current)) {
    const argument = current.childForFieldName('argument');
    if (argument !== null) current = stripCastsAndParentheses(argument);
  }
  return compactText(current.text);
}

/** The identifier an lvalue-like expression starts from: `p` for `p->a.b[2]`, `*p`, `&p->x`. */
export function rootIdentifier(node: Node): string | null {
  let current: Node | null = stripCastsAndParentheses(node);
  while (current !== null) {
    switch (current.type) {
      case 'identifier':
        return current.text;
      case 'field_expression':
        current = current.childForFieldName('argument');
        break;
      case 'subscript_expression':
        current = current.childForFieldName('argument');
        break;
      case 'pointer_expression':
        current = current.childForFieldName('argument');
        break;
      case 'parenthesized_expression':
      case 'cast_expression':
        current = stripCastsAndParentheses(current);
        if (current.type === 'parenthesized_expression' || current.type === 'cast_expression') return null;
        break;
      default:
        return null;
    }
  }
  return null;
}

/** The field name of `a->b` or `a.b` (after casts and parentheses), else null. */
export function lastFieldName(node: Node): string | null {
  let current = stripCastsAndParentheses(node);
  if (isAddressOf(current)) {
    const argument = current.childForFieldName('argument');
    if (argument === null) return null;
    current = stripCastsAndParentheses(argument);
  }
  if (current.type !== 'field_expression') return null;
  return current.childForFieldName('field')?.text ?? null;
}

/** The field name at the end of a key such as `thr_ctx->complete` or `ctx.done`. */
export function lastFieldOfKey(key: string): string | null {
  const match = /(?:->|\.)([A-Za-z_]\w*)$/.exec(key);
  return match ? match[1] : null;
}

/** The called function's name: `foo` for `foo(x)`, `ops->open` for `ops->open(x)`. */
export function calleeName(call: Node): string | null {
  let names = calleeNamesByTree.get(call.tree);
  if (names === undefined) {
    names = new Map();
    calleeNamesByTree.set(call.tree, names);
  }
  let name = names.get(call.id);
  if (name === undefined) {
    name = readCalleeName(call);
    names.set(call.id, name);
  }
  return name;
}

/**
 * Callee names by tree and node id: the analysis and the rules ask for the callee of the
 * same calls many times, and each answer reads the tree through wasm. Trees are immutable
 * and node ids unique within a tree, so the answer is kept.
 */
const calleeNamesByTree = new WeakMap<Node['tree'], Map<number, string | null>>();

function readCalleeName(call: Node): string | null {
  const callee = call.childForFieldName('function');
  if (callee === null) return null;
  const stripped = stripParentheses(callee);
  if (stripped.type === 'identifier') return stripped.text;
  if (stripped.type === 'field_expression') return compactText(stripped.text);
  return null;
}

/** The arguments of a call expression, in order. */
export function callArguments(call: Node): Node[] {
  const list = call.childForFieldName('arguments');
  return list === null ? [] : namedChildrenOf(list);
}

/** Every identifier under a node (including the node itself). */
export function identifiersIn(node: Node): Set<string> {
  const names = new Set<string>();
  if (node.type === 'identifier') {
    names.add(node.text);
    return names;
  }
  for (const identifier of node.descendantsOfType('identifier')) {
    if (identifier !== null) names.add(identifier.text);
  }
  return names;
}

/** True when a key mentions `name` as a whole identifier (`ret` in `call:foo(ret)`, not in `retval`). */
export function keyMentions(key: string, name: string): boolean {
  if (key === name) return true;
  let from = 0;
  for (;;) {
    const index = key.indexOf(name, from);
    if (index < 0) return false;
    const before = index === 0 ? '' : key.charAt(index - 1);
    const after = key.charAt(index + name.length);
    if (!/[\w]/.test(before) && !/[\w]/.test(after)) {
      // `x->name` or `x.name` is a field called like the variable, not the variable.
      const fieldAccess = key.slice(Math.max(0, index - 2), index) === '->' || before === '.';
      if (!fieldAccess) return true;
    }
    from = index + 1;
  }
}

/** Whether a node has an ancestor of the given type (stopping at `stopAt`). */
export function hasAncestor(node: Node, type: string, stopAt: Node | null = null): boolean {
  let current = node.parent;
  while (current !== null) {
    if (stopAt !== null && current.id === stopAt.id) return false;
    if (current.type === type) return true;
    current = current.parent;
  }
  return false;
}
