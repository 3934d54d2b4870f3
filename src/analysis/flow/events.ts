/**
 * What a statement does, in evaluation order, as plain data the path walker can replay
 * without touching the syntax tree again: calls (with their arguments as keys), assignments
 * (with what was assigned), and values that may have changed behind our back.
 */
import type { Node } from '../../model/source.js';
import { constantMask, isNullLiteral, valueKey } from './conditions.js';
import { NEGATIVE, ZERO, type ValueMask } from './facts.js';
import {
  declaredName,
  calleeName,
  callArguments,
  compactText,
  expressionKey,
  isAddressOf,
  keyMentions,
  lastFieldName,
  namedChildrenOf,
  rootIdentifier,
  stripCastsAndParentheses,
} from '../../parsers/c-syntax.js';

export interface ArgumentInfo {
  /** The argument as a key: `dev->lock` for `&dev->lock`. */
  key: string;
  /** The variable the argument starts from: `dev` for `&dev->lock`. */
  root: string | null;
  /** `&p`: the address of a plain variable, which the callee may overwrite. */
  addressOfVariable: boolean;
  /** `&p->dev`: the address of a member embedded in the object `p` points to. */
  addressOfMember: boolean;
  /** The last field of `&x->list`. */
  field: string | null;
}

export interface CallEvent {
  type: 'call';
  name: string;
  row: number;
  column: number;
  args: ArgumentInfo[];
  /** The key under which conditions see this call's result (`call:<text>`). */
  valueKey: string;
  /** The call this one's result is given to directly (`device_set_node` for `device_set_node(dev, fwnode_handle_get(fw))`). */
  argumentOf?: string;
  /** That call's result is assigned (`ret = nvme_fc_register_localport(..., get_device(dev), ...)`): it may only use what it is given. */
  argumentOfAssigned?: boolean;
}

export type TargetShape = 'variable' | 'field' | 'deref' | 'index' | 'other';

export interface AssignTarget {
  key: string;
  root: string | null;
  shape: TargetShape;
  field: string | null;
}

export type AssignedValue =
  | { kind: 'call'; call: CallEvent }
  | { kind: 'constant'; mask: ValueMask }
  | { kind: 'copy'; key: string; root: string | null }
  /** `memberAddress`: the value is `&x->f` (key `x->f`), which carries `x` but not its other fields. */
  /**
   * `zeroWith`: `p ? __pa(p) : 0` is zero exactly where `p` is. `listEntry`: `list_entry(evt->events.prev,
   * ...)`, the entry of a link of a circular list, is never NULL.
   */
  | { kind: 'other'; mentions: string[]; memberAddress?: string; conversionOf?: string; zeroWith?: string; listEntry?: true }
  /** `operator`: a compound assignment's (`|=`, `+=`); `operand`: its right side when a constant's name (`__GFP_DIRECT_RECLAIM`, `~FOO_BUSY`). */
  | { kind: 'unknown'; operator?: string; operand?: string };

export interface AssignEvent {
  type: 'assign';
  target: AssignTarget;
  value: AssignedValue;
  row: number;
}

/** A key whose value is no longer known (`x++`, `foo(&x)`). */
export interface KillEvent {
  type: 'kill';
  key: string;
  /** `x++`, `--x`: the key is counted, not taken by address. */
  counted?: true;
}

/**
 * A `for_each_child_of_node(parent, child)`-style loop taking (`enter`) or dropping (`leave`)
 * the reference its iteration variable holds.
 */
export interface IterateEvent {
  type: 'iterate';
  phase: 'enter' | 'leave';
  variable: string;
  macro: string;
  row: number;
}

export type Event = CallEvent | AssignEvent | KillEvent | IterateEvent;

/** The call an event makes: a call of its own, or the one whose result an assignment keeps (`ret = foo()`). */
export function callOfEvent(event: Event): CallEvent | null {
  return event.type === 'call' ? event : event.type === 'assign' && event.value.kind === 'call' ? event.value.call : null;
}

const UNEVALUATED = new Set(['sizeof_expression', 'alignof_expression', 'offsetof_expression', 'string_literal', 'concatenated_string']);
/** Leaves, where no call or assignment can be: not asked for children (most nodes of an expression are these). */
const LEAVES = new Set(['identifier', 'field_identifier', 'number_literal', 'char_literal', 'true', 'false', 'null']);
const SKIPPED_CALLEES = new Set(['sizeof', 'typeof', '__typeof__', 'ARRAY_SIZE', 'offsetof', 'BUILD_BUG_ON']);

function argumentInfo(argument: Node): ArgumentInfo {
  const stripped = stripCastsAndParentheses(argument);
  // `data->has_div ? &div->hw : NULL`: where it passes anything, it passes that.
  if (stripped.type === 'conditional_expression') {
    const [consequence, alternative] = [stripped.childForFieldName('consequence'), stripped.childForFieldName('alternative')];
    if (consequence !== null && alternative !== null && isNullLiteral(alternative) && !isNullLiteral(consequence)) return argumentInfo(consequence);
    if (consequence !== null && alternative !== null && isNullLiteral(consequence) && !isNullLiteral(alternative)) return argumentInfo(alternative);
  }
  const addressOf = isAddressOf(stripped);
  const inner = addressOf ? stripped.childForFieldName('argument') : null;
  return {
    key: expressionKey(argument),
    root: rootIdentifier(argument),
    addressOfVariable: addressOf && inner !== null && stripCastsAndParentheses(inner).type === 'identifier',
    addressOfMember: addressOf && inner !== null && stripCastsAndParentheses(inner).type === 'field_expression',
    field: lastFieldName(argument),
  };
}

/**
 * Identifiers whose value an expression passes on as a whole: `p`, `&p->list`, `p + 1`,
 * `cond ? p : NULL` — but not `p->len`, `strlen(p)` or `p == NULL`, which only read it.
 */
export function carriedIdentifiers(node: Node): string[] {
  const expression = stripCastsAndParentheses(node);
  switch (expression.type) {
    case 'identifier':
      return [expression.text];
    case 'pointer_expression': {
      const argument = expression.childForFieldName('argument');
      if (argument === null || !isAddressOf(expression)) return [];
      const root = rootIdentifier(argument);
      return root === null ? [] : [root];
    }
    case 'binary_expression': {
      const operator = expression.childForFieldName('operator')?.type ?? '';
      if (operator !== '+' && operator !== '-') return [];
      const left = expression.childForFieldName('left');
      const right = expression.childForFieldName('right');
      return [...(left === null ? [] : carriedIdentifiers(left)), ...(right === null ? [] : carriedIdentifiers(right))];
    }
    case 'conditional_expression': {
      // `alias ?: d_find_any_alias(inode)`: GNU's `a ?: b` gives a where a is true.
      const consequence = expression.childForFieldName('consequence') ?? expression.childForFieldName('condition');
      const alternative = expression.childForFieldName('alternative');
      return [...(consequence === null ? [] : carriedIdentifiers(consequence)), ...(alternative === null ? [] : carriedIdentifiers(alternative))];
    }
    case 'comma_expression': {
      const right = expression.childForFieldName('right');
      return right === null ? [] : carriedIdentifiers(right);
    }
    case 'call_expression': {
      const name = calleeName(expression);
      if (name === null || !CONVERSION_CALLS.test(name)) return [];
      const [first] = callArguments(expression);
      return first === undefined ? [] : carriedIdentifiers(first);
    }
    case 'initializer_list':
    case 'initializer_pair':
      return namedChildrenOf(expression).flatMap(carriedIdentifiers);
    default:
      return [];
  }
}

/** `e != 0`, `0 != e` and `!!e`, whose truth is e's: e, when it is a call. */
function sameTruthOperand(value: Node): Node | null {
  let operand: Node | null = null;
  if (value.type === 'binary_expression' && (value.childForFieldName('operator')?.type ?? value.child(1)?.type) === '!=') {
    const left = value.childForFieldName('left');
    const right = value.childForFieldName('right');
    if (left !== null && right !== null) operand = right.text === '0' ? left : left.text === '0' ? right : null;
  } else if (value.type === 'unary_expression' && value.child(0)?.type === '!') {
    const inner = value.childForFieldName('argument');
    const stripped = inner === null ? null : stripCastsAndParentheses(inner);
    if (stripped?.type === 'unary_expression' && stripped.child(0)?.type === '!') operand = stripped.childForFieldName('argument');
  }
  const stripped = operand === null ? null : stripCastsAndParentheses(operand);
  return stripped?.type === 'call_expression' ? stripped : null;
}

/** The variable or field a conversion call (`to_rio_dev(dev)`, `container_of(p, T, m)`) is given, if that is what it converts. */
function convertedValue(call: Node): string | null {
  const name = calleeName(call);
  const [first] = callArguments(call);
  // to_of_node(), to_software_node(): the fwnode converters check the node's type and return NULL for another.
  if (name === null || first === undefined || !CONVERSION_CALLS.test(name) || name === 'no_free_ptr' || /^to_\w*_node$/.test(name)) return null;
  const inner = stripCastsAndParentheses(first);
  return inner.type === 'identifier' || inner.type === 'field_expression' ? compactText(inner.text) : null;
}

/**
 * Calls that return (a view of) their first argument: container_of(), to_foo(), ERR_CAST(), of_fwnode_handle(),
 * and the macros that align it (`tmpl = (struct nf_conn *)NFCT_ALIGN((unsigned long)p)`, PTR_ALIGN(raw, 16)).
 */
const CONVERSION_CALLS =
  /^(?:container_of|container_of_const|list_entry|list_first_entry|list_last_entry|hlist_entry|rb_entry|to_\w+|\w+_to_(?:dev|device|pdev|platform_device|i2c_client|spi_device|usb_device)|no_free_ptr|\w+_fwnode_handle|of_node_to_fwnode|(?:\w+_)?ALIGN(?:_DOWN)?|virt_to_(?:page|head_page|folio))$/;

/** Library calls that return their first argument: `src32 = memcpy(src32, vaddr, len)` keeps src32 what it was. */
const RETURNS_FIRST_ARGUMENT = new Set(['memcpy', 'memmove', 'memset', 'strcpy', 'strncpy', 'strcat', 'strncat']);

function callEvent(call: Node, name: string): CallEvent {
  return {
    type: 'call',
    name,
    row: call.startPosition.row,
    column: call.startPosition.column,
    args: callArguments(call).map(argumentInfo),
    valueKey: valueKey(call),
  };
}

export function assignTarget(left: Node): AssignTarget {
  const stripped = stripCastsAndParentheses(left);
  const shape: TargetShape =
    stripped.type === 'identifier'
      ? 'variable'
      : stripped.type === 'field_expression'
        ? 'field'
        : stripped.type === 'pointer_expression'
          ? 'deref'
          : stripped.type === 'subscript_expression'
            ? 'index'
            : 'other';
  return { key: compactText(stripped.text), root: rootIdentifier(stripped), shape, field: lastFieldName(stripped) };
}

function assignedValue(right: Node, out: Event[]): AssignedValue {
  const value = stripCastsAndParentheses(right);
  // `locked = mutex_trylock(&con->lock) != 0`, `ok = !!foo_get(x)`: the same truth as the call's result.
  const truth = sameTruthOperand(value);
  if (truth !== null) return assignedValue(truth, out);
  if (value.type === 'call_expression') {
    const name = calleeName(value);
    const first = callArguments(value)[0];
    const same = first === undefined ? null : stripCastsAndParentheses(first);
    if (name !== null && RETURNS_FIRST_ARGUMENT.has(name) && same !== null && (same.type === 'identifier' || same.type === 'field_expression')) {
      collectEvents(value, out);
      return { kind: 'copy', key: compactText(same.text), root: rootIdentifier(same) };
    }
    if (name !== null && !SKIPPED_CALLEES.has(name) && !CONVERSION_CALLS.test(name)) {
      for (const argument of callArguments(value)) collectArgumentEvents(argument, name, out, true);
      // `ret = PTR_ERR(p)`, `p = ERR_PTR(-ENODEV)` are errors by construction.
      if (name === 'PTR_ERR' || name === 'ERR_PTR' || name === 'ERR_CAST') return { kind: 'constant', mask: NEGATIVE };
      return { kind: 'call', call: callEvent(value, name) };
    }
  }
  collectEvents(value, out);
  const constant = constantMask(value);
  if (constant !== null) return { kind: 'constant', mask: constant };
  // `devpriv->irq2 = it->options[2]`: an element is copied as a field is.
  if (value.type === 'identifier' || value.type === 'field_expression' || value.type === 'subscript_expression') {
    return { kind: 'copy', key: compactText(value.text), root: rootIdentifier(value) };
  }
  if (value.type === 'assignment_expression') {
    const left = value.childForFieldName('left');
    if (left !== null) return { kind: 'copy', key: compactText(stripCastsAndParentheses(left).text), root: rootIdentifier(left) };
  }
  const argument = value.type === 'pointer_expression' ? argumentInfo(value) : null;
  if (argument !== null && argument.addressOfMember) return { kind: 'other', mentions: carriedIdentifiers(value), memberAddress: argument.key };
  // `rdev = to_rio_dev(dev)`: a view of dev, valid where dev is.
  const converted = value.type === 'call_expression' ? convertedValue(value) : null;
  const listEntry = converted !== null && /^list_(?:first_|last_)?entry$/.test(calleeName(value) ?? '') ? { listEntry: true as const } : {};
  if (converted !== null) return { kind: 'other', mentions: carriedIdentifiers(value), conversionOf: converted, ...listEntry };
  const zeroWith = value.type === 'conditional_expression' ? zeroWithCondition(value) : null;
  if (zeroWith !== null) return { kind: 'other', mentions: carriedIdentifiers(value), zeroWith };
  return { kind: 'other', mentions: carriedIdentifiers(value) };
}

/** The key `p` of `p ? f(p) : 0` (also `p != NULL ? ... : NULL`): the value is zero exactly where p is. */
function zeroWithCondition(conditional: Node): string | null {
  const condition = conditional.childForFieldName('condition');
  const consequence = conditional.childForFieldName('consequence');
  const alternative = conditional.childForFieldName('alternative');
  if (condition === null || consequence === null || alternative === null || constantMask(alternative) !== ZERO || constantMask(consequence) !== null) return null;
  let tested = stripCastsAndParentheses(condition);
  if (tested.type === 'binary_expression' && tested.childForFieldName('operator')?.type === '!=' && constantMask(tested.childForFieldName('right') ?? tested) === ZERO) {
    tested = stripCastsAndParentheses(tested.childForFieldName('left') ?? tested);
  }
  if (tested.type !== 'identifier' && tested.type !== 'field_expression') return null;
  const key = compactText(tested.text);
  // The consequence must be computed from p itself (`__pa(new_array)`), not some other value.
  return keyMentions(compactText(consequence.text), key) ? key : null;
}

/** The events of an argument of a call named `name`; a call whose result is the argument hands its result to that call. */
function collectArgumentEvents(argument: Node, name: string | null, out: Event[], assigned = false): void {
  collectEvents(argument, out);
  const inner = stripCastsAndParentheses(argument);
  if (name === null || inner.type !== 'call_expression') return;
  const given = out.findLast((event) => event.type === 'call' && event.row === inner.startPosition.row && event.column === inner.startPosition.column);
  if (given?.type !== 'call') return;
  given.argumentOf = name;
  if (assigned) given.argumentOfAssigned = true;
}

/** Append the events of an expression, in the order C evaluates them (arguments before the call). */
export function collectEvents(node: Node, out: Event[]): void {
  const type = node.type;
  if (UNEVALUATED.has(type) || LEAVES.has(type)) return;
  switch (type) {
    case 'call_expression': {
      const name = calleeName(node);
      if (name !== null && SKIPPED_CALLEES.has(name)) return;
      const callee = node.childForFieldName('function');
      if (callee !== null && name === null) collectEvents(callee, out);
      const args = callArguments(node);
      for (const argument of args) collectArgumentEvents(argument, name, out);
      if (name !== null) out.push(callEvent(node, name));
      for (const argument of args) {
        const info = argumentInfo(argument);
        if (info.addressOfVariable) out.push({ type: 'kill', key: info.key });
      }
      return;
    }
    case 'assignment_expression': {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      const operator = node.childForFieldName('operator')?.type ?? node.child(1)?.type ?? '=';
      if (left === null || right === null) return;
      const target = assignTarget(left);
      if (operator !== '=') {
        collectEvents(right, out);
        const operand = compactText(stripCastsAndParentheses(right).text);
        const named = /^~?[A-Z_][A-Z0-9_]*$/.test(operand) ? { operand } : {};
        out.push({ type: 'assign', target, value: { kind: 'unknown', operator, ...named }, row: node.startPosition.row });
        return;
      }
      const value = assignedValue(right, out);
      out.push({ type: 'assign', target, value, row: node.startPosition.row });
      return;
    }
    case 'update_expression': {
      const argument = node.childForFieldName('argument');
      if (argument !== null) out.push({ type: 'kill', key: compactText(stripCastsAndParentheses(argument).text), counted: true });
      return;
    }
    case 'compound_statement':
      // A GNU statement expression `({ ... })`: its statements run in order.
      for (const statement of namedChildrenOf(node)) {
        if (statement.type === 'declaration') collectDeclarationEvents(statement, out);
        else collectEvents(statement, out);
      }
      return;
    default:
      for (const child of namedChildrenOf(node)) collectEvents(child, out);
  }
}

/** The variable an init_declarator declares, also through `__free(kfree)` that tree-sitter misreads. */
export function declaredVariable(declarator: Node): string | null {
  const freeMatch = /([A-Za-z_]\w*)\s+__free\s*\(/.exec(declarator.text);
  if (freeMatch) return freeMatch[1];
  return declaredName(declarator);
}

/**
 * Variables a declaration hands to cleanup.h (`__free(...)`): the compiler frees them at
 * scope end. Read from the declaration's text as the patch shows it.
 */
export function autoManagedVariables(declarationText: string): string[] {
  const names: string[] = [];
  // `T *p __free(kfree) = ...`, and the other order `T __free(kfree) *p = ...`.
  const after = /([A-Za-z_]\w*)\s+__free\s*\(/g;
  for (let match = after.exec(declarationText); match !== null; match = after.exec(declarationText)) names.push(match[1]);
  const before = /__free\s*\(\s*\w+\s*\)\s*\**\s*([A-Za-z_]\w*)/g;
  for (let match = before.exec(declarationText); match !== null; match = before.exec(declarationText)) names.push(match[1]);
  return names;
}

/** Events of a declaration: each initialiser is an assignment to the declared variable. */
export function collectDeclarationEvents(declaration: Node, out: Event[]): void {
  for (const child of namedChildrenOf(declaration)) {
    if (child.type !== 'init_declarator') continue;
    const value = child.childForFieldName('value');
    const name = declaredVariable(child);
    if (value === null || name === null) continue;
    if (value.type === 'initializer_list') {
      collectEvents(value, out);
      out.push({
        type: 'assign',
        target: { key: name, root: name, shape: 'variable', field: null },
        value: { kind: 'other', mentions: carriedIdentifiers(value) },
        row: child.startPosition.row,
      });
      continue;
    }
    const assigned = assignedValue(value, out);
    out.push({ type: 'assign', target: { key: name, root: name, shape: 'variable', field: null }, value: assigned, row: child.startPosition.row });
  }
}

/** Variables a declaration introduces (initialised or not). */
export function declaredVariables(declaration: Node): string[] {
  const names: string[] = [];
  for (const child of namedChildrenOf(declaration)) {
    if (child.type === 'init_declarator' || child.type === 'identifier' || child.type === 'pointer_declarator' || child.type === 'array_declarator') {
      const name = declaredVariable(child);
      if (name !== null) names.push(name);
    }
  }
  return names;
}
