/**
 * Small questions rules ask of a tree-sitter C tree: which calls a subtree makes, which
 * function a node sits in, which post-image line it is on, how a name was declared.
 */
import type { CSource, Node } from '../../model/source.js';
import { callArguments, calleeName as analysisCalleeName, namedChildrenOf } from '../../analysis/syntax.js';

/** Every descendant of `node` (itself included) of one of `types`, in source order. */
export function nodesOfType(node: Node, types: string | string[]): Node[] {
  return node.descendantsOfType(types).filter((found): found is Node => found !== null);
}

/**
 * The called name of a call whose callee is a plain identifier (`foo(x)`), else null: the
 * analysis layer's callee names (cached per tree), without its `ops->open` forms.
 */
export function calleeName(call: Node): string | null {
  const name = analysisCalleeName(call);
  return name !== null && IDENTIFIER.test(name) ? name : null;
}

const IDENTIFIER = /^[A-Za-z_]\w*$/;

export { callArguments };

/** The expression inside any number of parentheses. */
export function withoutParentheses(node: Node): Node {
  let inner = node;
  while (inner.type === 'parenthesized_expression' && inner.namedChildCount === 1 && inner.firstNamedChild) {
    inner = inner.firstNamedChild;
  }
  return inner;
}

/** The function_definition around `node`, if any. */
export function enclosingFunctionDefinition(node: Node): Node | null {
  let current: Node | null = node.parent;
  while (current && current.type !== 'function_definition') current = current.parent;
  return current;
}

/** The name a function_definition declares (through pointer and attribute declarators). */
export function functionDefinitionName(definition: Node): string | null {
  let declarator = definition.childForFieldName('declarator');
  while (declarator) {
    if (declarator.type === 'identifier') return declarator.text;
    if (declarator.type === 'function_declarator' || declarator.type === 'pointer_declarator' || declarator.type === 'parenthesized_declarator') {
      declarator = declarator.childForFieldName('declarator') ?? declarator.firstNamedChild;
    } else {
      return null;
    }
  }
  return null;
}

/** Post-image line of a node's first row (null when the row was synthesised by the parser). */
export function postLineOf(source: CSource, node: Node): number | null {
  return source.postLineOfRow(node.startPosition.row);
}

/** The identifier a declarator finally declares (`*p`, `p[4]`, `p = x` all declare p). */
export function declaredIdentifier(declarator: Node | null): Node | null {
  let current = declarator;
  while (current && current.type !== 'identifier') {
    if (current.type === 'field_identifier' || current.type === 'type_identifier') return null;
    current = current.childForFieldName('declarator') ?? null;
  }
  return current;
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

/** Identifiers (not field names) read anywhere inside `node`. */
export function identifiersIn(node: Node): string[] {
  return nodesOfType(node, 'identifier').map((identifier) => identifier.text);
}

/** The statement that directly holds `node` (expression_statement, return_statement, if_statement...). */
export function enclosingStatement(node: Node): Node | null {
  let current: Node | null = node;
  while (current && !current.type.endsWith('_statement') && current.type !== 'declaration') current = current.parent;
  return current;
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
