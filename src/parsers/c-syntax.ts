/**
 * The one place that knows C syntax as tree-sitter-c shapes it: children without comments,
 * an expression as a comparable key, the callee and arguments of a call, the name a
 * declarator declares, the function around a node, how a name was declared. The analysis
 * and the rules ask here; none of them walks a tree its own way for these questions.
 */
import type { Node } from '../model/source.js';

/**
 * The answers of namedChildrenOf() for the tree last asked about, by node id. web-tree-sitter
 * hands out a new Node object for every child it is asked for, and asks wasm for them again;
 * the CFG builder, the event collector and the rules ask the same nodes over and over (two in
 * five questions on a sweep of 1,500 files were repeats). Trees are immutable. Only one tree's
 * answers are kept: a memo per tree (a WeakMap) kept every answer alive for the collector to
 * copy, and cost more than it saved.
 */
let memoTree: Node['tree'] | null = null;
let childrenById = new Map<number, readonly Node[]>();

/** Named children, without comments and without the nulls web-tree-sitter may hand back. */
export function namedChildrenOf(node: Node): readonly Node[] {
  if (node.tree !== memoTree) {
    memoTree = node.tree;
    childrenById = new Map();
  }
  let children = childrenById.get(node.id);
  if (children === undefined) {
    const found: Node[] = [];
    for (const child of node.namedChildren) {
      if (child !== null && child.type !== 'comment') found.push(child);
    }
    children = found;
    childrenById.set(node.id, children);
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

/** The variable a key starts from: `priv` for `priv->clk[i].hw`. */
export function rootOfKey(key: string): string | null {
  return /^[A-Za-z_]\w*/.exec(key)?.[0] ?? null;
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
export function callArguments(call: Node): readonly Node[] {
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

/** Every descendant of `node` (itself included) of one of `types`, in source order. */
export function nodesOfType(node: Node, types: string | string[]): Node[] {
  return node.descendantsOfType(types).filter((found): found is Node => found !== null);
}

/** The function_definition around `node`, if any. */
export function enclosingFunctionDefinition(node: Node): Node | null {
  let current: Node | null = node.parent;
  while (current && current.type !== 'function_definition') current = current.parent;
  return current;
}

/** The name a function_definition declares (through pointer, parenthesized and attributed declarators). */
export function functionDefinitionName(definition: Node): string | null {
  return declaredName(definition.childForFieldName('declarator'));
}

/**
 * The name node a declarator finally declares, through pointers, parentheses, arrays, calls and
 * initialisers: `*p`, `p[4]`, `(*p)(void)` and `p = x` all declare p.
 */
export function declaredIdentifier(declarator: Node | null): Node | null {
  let node = declarator;
  while (node !== null) {
    if (node.type === 'identifier' || node.type === 'field_identifier' || node.type === 'type_identifier') return node;
    node = node.childForFieldName('declarator') ?? namedChildrenOf(node)[0] ?? null;
  }
  return null;
}

/** The name a declarator declares (see declaredIdentifier). */
export function declaredName(declarator: Node | null): string | null {
  return declaredIdentifier(declarator)?.text ?? null;
}

/** One declaration of a name: its type text, whether a pointer, and its initial value. */
export interface NameDeclaration {
  typeText: string;
  isPointer: boolean;
  value: Node | null;
  node: Node;
}

function declarationsIn(scope: Node, name: string, nodeTypes: string[]): NameDeclaration[] {
  const found: NameDeclaration[] = [];
  for (const declaration of nodesOfType(scope, nodeTypes)) {
    const typeNode = declaration.childForFieldName('type');
    if (!typeNode) continue;
    for (const declarator of declaration.childrenForFieldName('declarator')) {
      const identifier = declaredIdentifier(declarator);
      if (!declarator || identifier?.text !== name) continue;
      const value = declarator.type === 'init_declarator' ? declarator.childForFieldName('value') : null;
      const shape = declarator.type === 'init_declarator' ? declarator.childForFieldName('declarator') : declarator;
      found.push({ typeText: typeNode.text, isPointer: shape?.type === 'pointer_declarator', value, node: declaration });
    }
  }
  return found;
}

/**
 * How `name` is declared as seen from `node`: a parameter or local of the enclosing function
 * first, then a declaration at file scope. Null when the patch does not show it.
 */
export function declarationOf(name: string, node: Node): NameDeclaration | null {
  const definition = enclosingFunctionDefinition(node);
  if (definition) {
    const local = declarationsIn(definition, name, ['parameter_declaration', 'declaration']);
    if (local.length > 0) return local[0];
  }
  const root = node.tree.rootNode;
  for (const child of namedChildrenOf(root)) {
    if (child.type !== 'declaration') continue;
    const global = declarationsIn(child, name, ['declaration']);
    if (global.length > 0) return global[0];
  }
  return null;
}

const INTEGER_TYPE = /^(?:(?:const|signed|unsigned|short|long|int|char)\s*)+$|^(?:bool|size_t|ssize_t|__?[su](?:8|16|32|64)|[su](?:8|16|32|64))$/;

/** Whether `name`, seen at `node`, is declared as an integer (`int ret`, `unsigned long index`, `u32 i`). */
export function declaredAsInteger(name: string, node: Node): boolean {
  const declaration = declarationOf(name, node);
  return declaration !== null && !declaration.isPointer && INTEGER_TYPE.test(declaration.typeText.trim());
}

/** Whether a local `name` of `definition` is in scope at `row`: declared in a block that holds the row, or not declared in it. */
export function inScopeAt(name: string, definition: Node, row: number): boolean {
  const declarations = declarationsIn(definition, name, ['declaration']);
  return (
    declarations.length === 0 ||
    declarations.some(({ node }) => node.parent !== null && node.parent.startPosition.row <= row && row <= node.parent.endPosition.row)
  );
}

/** The statement that directly holds `node` (expression_statement, return_statement, if_statement...). */
export function enclosingStatement(node: Node): Node | null {
  let current: Node | null = node;
  while (current && !current.type.endsWith('_statement') && current.type !== 'declaration') current = current.parent;
  return current;
}

/** The statement of a `{ ... }` block that holds `node` (its own line in that block), or null outside any block. */
export function statementInBlock(node: Node): Node | null {
  let current: Node | null = node;
  while (current !== null && current.parent?.type !== 'compound_statement') current = current.parent;
  return current;
}

/** Whether `inner` lies within `outer` (false when there is no `outer`). */
export function nodeContains(outer: Node | null, inner: Node): boolean {
  return outer !== null && outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/** Calls inside `scope` that start after `node` ends, in source order. */
export function callsAfter(scope: Node, node: Node): Node[] {
  return nodesOfType(scope, 'call_expression').filter((call) => call.startIndex >= node.endIndex);
}

/** `child` is the node under `field` of `parent` (the condition of an if, the value of a pair). */
export function isField(parent: Node, child: Node, field: string): boolean {
  const fieldNode = parent.childForFieldName(field);
  return fieldNode !== null && fieldNode.id === child.id;
}

/** Nodes whose children are top-level items (functions, declarations): the file, #if groups, extern "C". */
export const TOP_LEVEL_CONTAINERS: ReadonlySet<string> = new Set([
  'translation_unit',
  'preproc_if',
  'preproc_ifdef',
  'preproc_else',
  'preproc_elif',
  'preproc_elifdef',
  'linkage_specification',
  'declaration_list',
]);
