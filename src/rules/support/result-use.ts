/**
 * What the code does with the value of a call: drops it, tests it, returns it, or stores it
 * in a variable (and then tests it or not). Rules about calls that can fail ask this.
 */
import type { Node } from '../../model/source.js';
import { calleeName, enclosingFunctionDefinition, isField, nodesOfType } from '../../parsers/c-syntax.js';

export type ResultUse =
  | { kind: 'ignored' }
  /** `statement` is the if/while/for/do, conditional expression or macro call that decides on the value. */
  | { kind: 'tested'; statement: Node }
  | { kind: 'returned'; statement: Node }
  /** Stored in `variable`; `test` is the first later condition or return that reads it, if any. */
  | { kind: 'assigned'; variable: string; test: Node | null }
  | { kind: 'other' };

/** Macros and helpers that pass a condition through (their value is the argument's truth). */
const TRANSPARENT_CALLS = new Set(['likely', 'unlikely', '!!']);
/** Macros that test their argument and act on it. */
const TESTING_CALLS = new Set(['WARN_ON', 'WARN_ON_ONCE', 'BUG_ON', 'WARN', 'WARN_ONCE']);

const CONDITION_STATEMENTS = new Set(['if_statement', 'while_statement', 'do_statement', 'for_statement']);

function operatorOf(node: Node): string {
  return node.childForFieldName('operator')?.text ?? '';
}

/** Classifies what happens to the value of `call`. */
export function resultUse(call: Node): ResultUse {
  let node = call;
  for (;;) {
    const parent = node.parent;
    if (!parent) return { kind: 'other' };
    switch (parent.type) {
      case 'parenthesized_expression':
        break;
      case 'unary_expression':
        if (operatorOf(parent) !== '!') return { kind: 'other' };
        break;
      case 'binary_expression':
        // `a && try_module_get(x)` and `try_module_get(x) == 0` still decide on the value.
        if (!['&&', '||', '==', '!='].includes(operatorOf(parent))) return { kind: 'other' };
        break;
      case 'argument_list': {
        const macro = parent.parent;
        const name = macro ? (calleeName(macro) ?? '') : '';
        if (!macro || !(TRANSPARENT_CALLS.has(name) || TESTING_CALLS.has(name))) return { kind: 'other' };
        if (TESTING_CALLS.has(name)) return { kind: 'tested', statement: macro };
        node = macro;
        continue;
      }
      case 'conditional_expression':
        if (isField(parent, node, 'condition')) return { kind: 'tested', statement: parent };
        break;
      case 'return_statement':
        return { kind: 'returned', statement: parent };
      case 'expression_statement':
        return { kind: 'ignored' };
      case 'cast_expression':
        if (parent.childForFieldName('type')?.text.trim() === 'void') return { kind: 'ignored' };
        break;
      case 'assignment_expression': {
        const left = parent.childForFieldName('left');
        if (operatorOf(parent) !== '=' || !left || !isField(parent, node, 'right')) return { kind: 'other' };
        return assigned(left.text, parent);
      }
      case 'init_declarator': {
        const declared = parent.childForFieldName('declarator');
        if (!declared || !isField(parent, node, 'value')) return { kind: 'other' };
        return assigned(declared.text.replace(/^[*\s]+/, ''), parent);
      }
      default:
        if (CONDITION_STATEMENTS.has(parent.type) && isField(parent, node, 'condition')) {
          return { kind: 'tested', statement: parent };
        }
        return { kind: 'other' };
    }
    node = parent;
  }
}

function assigned(variable: string, assignment: Node): ResultUse {
  return { kind: 'assigned', variable, test: laterTestOf(variable, assignment) };
}

/** The first condition or return after `after` in the same function that reads `variable`. */
function laterTestOf(variable: string, after: Node): Node | null {
  const scope = enclosingFunctionDefinition(after);
  if (!scope) return null;
  const readers = nodesOfType(scope, ['if_statement', 'while_statement', 'do_statement', 'for_statement', 'conditional_expression', 'return_statement'])
    .filter((statement) => statement.startIndex >= after.endIndex);
  for (const statement of readers) {
    const tested = statement.type === 'return_statement' ? statement : statement.childForFieldName('condition');
    if (!tested) continue;
    const reads = nodesOfType(tested, ['identifier', 'field_expression']).some((read) => read.text === variable);
    if (reads) return statement;
  }
  return null;
}
