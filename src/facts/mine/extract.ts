/**
 * What one kernel source file says about its functions, read from its syntax tree: the raw
 * material the resolver (resolve.ts) turns into conventions, noreturn functions and pairs.
 * Nothing here knows another file; calls are kept as names and resolved later.
 */
import type { Node } from 'web-tree-sitter';
import { conversionOf, extractOwnership, initializerCallbacks, lockAnnotationsIn, type CallbackUse, type Conversion, type LockAnnotations, type OwnershipRecord } from './extract-ownership.js';

/** One value a pointer function can return, as the return statement spells it. */
export type ReturnValue =
  /** NULL, 0, (void *)0. */
  | { k: 'null' }
  /** ERR_PTR(...), ERR_CAST(...). */
  | { k: 'err' }
  /** A pointer that cannot be NULL or an error: &x->y, a string literal, container_of(...). */
  | { k: 'ok' }
  /** A field, a parameter, a global: its nullness is not known. */
  | { k: 'opaque' }
  /** Whatever `f` returns, less the failures the function has already tested the value for. */
  | { k: 'call'; f: string; dropNull: boolean; dropErr: boolean }
  /** Nothing can be said (a call through a pointer, an expression not understood). */
  | { k: 'unknown' };

/** Whether a statement ends every path in a noreturn call: a formula over callee names. */
export type Termination = boolean | { call: string } | { all: Termination[] } | { any: Termination[] };

export interface FunctionRecord {
  name: string;
  file: string;
  isStatic: boolean;
  isInline: boolean;
  /** The definition returns a pointer. */
  pointer: boolean;
  /** The pointer's type as written (`struct clk`), for pairing; '' when not a pointer. */
  returnType: string;
  /** The types of the parameters, as written without names (`struct device *`). */
  params: string[];
  returns: ReturnValue[];
  declaredNoreturn: boolean;
  /** How the body ends, when it has no return statement (null otherwise). */
  termination: Termination | null;
  /** The names the body calls (only for functions whose name could be one half of a pair). */
  calls: string[];
  /** The kernel-doc comment just before the definition, if any. */
  doc: string;
  /** For a function returning an integer: how its returns fail (resolve.ts follows the calls). */
  integer?: IntegerReturns;
  /** The declared return type is bool: never an errno function, whatever its returns look like. */
  returnsBool?: true;
  /** `__acquires()`, `__releases()`, `__must_hold()` on the definition. */
  lockAnnotations?: LockAnnotations;
  /** Locks, arguments and callbacks (extract-ownership.ts). */
  ownership?: OwnershipRecord;
}

/** What the returns of an integer function show. */
export interface IntegerReturns {
  /** A negative errno reaches a return: `return -EINVAL;`, `ret = -ENOMEM; ... return ret;`, `return PTR_ERR(p);`. */
  negative: boolean;
  /** Calls whose value reaches a return (`return f(x);`, `ret = f(x); ... return ret;`). */
  calls: string[];
  /** Every return is 0, 1, true or false. */
  boolOnly: boolean;
}

const INTEGER_TYPES = new Set(['int', 'long', 'ssize_t', 's32', 'int32_t', 'bool']);
const NEGATIVE_ERRNO = /^-\(?E[A-Z0-9]+\)?$|^PTR_ERR\(/;
const BOOL_LITERAL = /^(?:0|1|true|false)$/;

/** The integer returns of a body: read from its return statements and the stores to the variables they return. */
function integerReturns(body: Node, returnStatements: (Node | null)[]): IntegerReturns {
  let negative = false;
  let boolOnly = returnStatements.length > 0;
  const calls = new Set<string>();
  const variables = new Set<string>();
  const valueOf = (value: Node): void => {
    const bare = stripParens(value);
    const text = compact(bare.text);
    if (NEGATIVE_ERRNO.test(text)) negative = true;
    else if (bare.type === 'call_expression') {
      const callee = calleeOf(bare);
      if (callee !== null) calls.add(callee);
    }
  };
  for (const statement of returnStatements) {
    const value = statement?.namedChild(0);
    if (!value) continue;
    const text = compact(stripParens(value).text);
    if (!BOOL_LITERAL.test(text)) boolOnly = false;
    if (stripParens(value).type === 'identifier') variables.add(text);
    else valueOf(value);
  }
  if (variables.size > 0) {
    for (const assignment of body.descendantsOfType(['assignment_expression', 'init_declarator'])) {
      if (!assignment) continue;
      const target = assignment.childForFieldName(assignment.type === 'init_declarator' ? 'declarator' : 'left');
      const value = assignment.childForFieldName(assignment.type === 'init_declarator' ? 'value' : 'right');
      if (target?.type === 'identifier' && value && variables.has(target.text)) valueOf(value);
    }
  }
  return { negative, calls: [...calls], boolOnly };
}

export interface DeclarationRecord {
  name: string;
  declaredNoreturn: boolean;
  /** `__acquires()`, `__releases()`, `__must_hold()` on a prototype. */
  lockAnnotations?: LockAnnotations;
}

/** `#define kmalloc_track_caller(size, flags) __kmalloc_track_caller(size, flags, _RET_IP_)`: a call by another name. */
export interface MacroAlias {
  name: string;
  target: string;
  /** `#define to_foo(x) container_of(x, struct foo, m)`: a container of the parameter itself (`self`) or of what a field of it points to (`field`). */
  converts?: Conversion;
}

export interface FileFacts {
  functions: FunctionRecord[];
  declarations: DeclarationRecord[];
  macros: MacroAlias[];
  /** Functions set as `.release =`, `.destroy =`, `.free =` in the file's initialisers. */
  callbacks?: CallbackUse[];
}

const NORETURN_WORD = /\b(?:__noreturn|_Noreturn|noreturn|__noreturn__)\b/;

/** Calls that return a valid pointer by construction. */
const OK_MACROS = new Set([
  'container_of',
  'container_of_const',
  'list_entry',
  'list_first_entry',
  'list_last_entry',
  'list_next_entry',
  'list_prev_entry',
  'hlist_entry',
  'rb_entry',
  'kobj_to_dev',
  'to_platform_device',
]);
const ERR_CALLS = new Set(['ERR_PTR', 'ERR_CAST', 'IOMEM_ERR_PTR']);
/** Names whose suffix can make them one half of a pair: their bodies' calls are kept. */
export const PAIR_SUFFIXES = [
  ['get', 'put'],
  ['alloc', 'free'],
  ['create', 'destroy'],
  ['register', 'unregister'],
  ['enable', 'disable'],
  ['prepare', 'unprepare'],
  ['lock', 'unlock'],
  ['init', 'exit'],
] as const;
const PAIR_NAME = new RegExp(`_(?:${PAIR_SUFFIXES.flat().join('|')})$`);
/** Macros that end a path (their expansion is an endless loop or __builtin_unreachable()). */
export const NORETURN_MACROS = new Set(['BUG', 'unreachable', '__builtin_unreachable', '__builtin_trap']);

function compact(text: string): string {
  return text.replace(/\s+/g, '');
}

function stripParens(node: Node): Node {
  let current = node;
  for (;;) {
    if (current.type === 'parenthesized_expression' || current.type === 'cast_expression') {
      const inner = current.type === 'cast_expression' ? current.childForFieldName('value') : current.namedChild(0);
      if (!inner) return current;
      current = inner;
      continue;
    }
    return current;
  }
}

function calleeOf(call: Node): string | null {
  const fn = call.childForFieldName('function');
  return fn && fn.type === 'identifier' ? fn.text : null;
}

/** The function_declarator of a definition's declarator, and whether a pointer wraps it. */
function functionDeclaratorOf(declarator: Node | null): { fd: Node; pointer: boolean } | null {
  let current = declarator;
  let pointer = false;
  while (current) {
    if (current.type === 'function_declarator') {
      const inner = current.childForFieldName('declarator');
      // A function returning a function pointer: `void (*f(void))(int)`; not ours.
      if (inner && inner.type !== 'identifier') return null;
      return { fd: current, pointer };
    }
    if (current.type === 'pointer_declarator') pointer = true;
    else if (current.type !== 'parenthesized_declarator' && current.type !== 'attributed_declarator') return null;
    current = current.childForFieldName('declarator') ?? current.namedChild(0);
  }
  return null;
}

function isNullLiteral(node: Node): boolean {
  const bare = stripParens(node);
  return (bare.type === 'null' || bare.text === 'NULL' || (bare.type === 'number_literal' && bare.text === '0'));
}

/** Does the condition (compacted) test `v` for NULL (`!v`, `v==NULL`, IS_ERR_OR_NULL(v))? */
function testsNull(condition: string, v: string): boolean {
  const e = v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?:^|[^\\w>.])!${e}(?![\\w\\[.]|->)|(?:^|[^\\w>.])${e}==NULL|NULL==${e}(?![\\w\\[.]|->)|IS_ERR_OR_NULL\\(${e}\\)`).test(condition);
}

function testsErr(condition: string, v: string): boolean {
  const e = v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // `!IS_ERR(p)` guards the success path: it does not handle the error.
  return new RegExp(`(?<!!)IS_ERR(?:_OR_NULL)?\\(${e}\\)`).test(condition);
}

/** Is `v` truth-tested as the whole condition (`if (v)`, `if (v && ...)`, `if (v != NULL)`)? */
function testsTruth(condition: string, v: string): boolean {
  const e = v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\((?:likely\\()?${e}(?:!=NULL)?(?:\\)|&&)`).test(condition);
}

/** The if-conditions whose consequence holds `node`, innermost first. */
function enclosingConditions(node: Node, body: Node): { condition: string; inThen: boolean }[] {
  const found: { condition: string; inThen: boolean }[] = [];
  let child = node;
  let parent = node.parent;
  while (parent && parent.id !== body.id) {
    if (parent.type === 'if_statement') {
      const condition = parent.childForFieldName('condition');
      const consequence = parent.childForFieldName('consequence');
      if (condition && consequence) found.push({ condition: compact(condition.text), inThen: consequence.id === child.id });
    }
    child = parent;
    parent = parent.parent;
  }
  return found;
}

interface LocalInfo {
  sources: Node[];
  /** The initialiser, when there is one (`T *p = NULL`). */
  init: Node | null;
  addressTaken: boolean;
  /** The cursor of a for_each macro (list_for_each_entry(pos, ...)): a valid pointer inside the loop. */
  cursor: boolean;
}

class BodyReader {
  private locals: Map<string, LocalInfo> | null = null;
  private conditions: { condition: string; returned: string[]; assigned: string[] }[] | null = null;

  constructor(
    private readonly body: Node,
    private readonly params: Set<string>,
  ) {}

  private localsOf(): Map<string, LocalInfo> {
    if (this.locals) return this.locals;
    const locals = new Map<string, LocalInfo>();
    for (const declaration of this.body.descendantsOfType('declaration')) {
      if (!declaration) continue;
      for (const declarator of declaration.childrenForFieldName('declarator')) {
        if (!declarator) continue;
        let nameNode: Node | null = declarator.type === 'init_declarator' ? declarator.childForFieldName('declarator') : declarator;
        while (nameNode && nameNode.type !== 'identifier') nameNode = nameNode.childForFieldName('declarator');
        if (!nameNode) continue;
        const info = locals.get(nameNode.text) ?? { sources: [], init: null, addressTaken: false, cursor: false };
        const value = declarator.type === 'init_declarator' ? declarator.childForFieldName('value') : null;
        if (value) {
          info.sources.push(value);
          info.init = value;
        }
        locals.set(nameNode.text, info);
      }
    }
    for (const assignment of this.body.descendantsOfType('assignment_expression')) {
      if (!assignment || assignment.childForFieldName('operator')?.text !== '=') continue;
      const left = assignment.childForFieldName('left');
      const right = assignment.childForFieldName('right');
      if (!left || !right || left.type !== 'identifier') continue;
      locals.get(left.text)?.sources.push(right);
    }
    // `T *p = NULL; ... p = f(...);` with the store a statement of the body itself, before any
    // return: the initialiser never reaches a return.
    // A goto before the store may jump past it to a label that returns: then the initialiser does reach a return.
    const firstReturn = Math.min(
      this.body.descendantsOfType('return_statement')[0]?.startIndex ?? Number.MAX_SAFE_INTEGER,
      this.body.descendantsOfType('goto_statement')[0]?.startIndex ?? Number.MAX_SAFE_INTEGER,
    );
    for (const statement of this.body.namedChildren) {
      if (!statement || statement.type !== 'expression_statement' || statement.startIndex > firstReturn) continue;
      const expression = statement.namedChild(0);
      if (expression?.type !== 'assignment_expression' || expression.childForFieldName('operator')?.text !== '=') continue;
      const left = expression.childForFieldName('left');
      const info = left?.type === 'identifier' ? locals.get(left.text) : undefined;
      if (info?.init) {
        info.sources = info.sources.filter((source) => source.id !== info.init?.id);
        info.init = null;
      }
    }
    for (const call of this.body.descendantsOfType('call_expression')) {
      if (!call || !/for_each/.test(calleeOf(call) ?? '')) continue;
      const first = call.childForFieldName('arguments')?.namedChild(0);
      if (first?.type === 'identifier') {
        const info = locals.get(first.text);
        if (info) info.cursor = true;
      }
    }
    for (const unary of this.body.descendantsOfType('pointer_expression')) {
      if (!unary || unary.childForFieldName('operator')?.text !== '&') continue;
      const argument = unary.childForFieldName('argument');
      if (argument?.type === 'identifier') {
        const info = locals.get(argument.text);
        if (info) info.addressTaken = true;
      }
    }
    this.locals = locals;
    return locals;
  }

  /**
   * The tests that end a path: an if whose branch returns something other than the tested
   * value (`if (!p) return -ENOMEM;`, `if (IS_ERR(p)) return ERR_CAST(p);`), or replaces it
   * (`if (!p) p = ERR_PTR(-ENODEV);`). A test whose
   * branch jumps to a label (`goto out`, where `out:` may return p itself) is not one.
   */
  private conditionsOf(): { condition: string; returned: string[]; assigned: string[] }[] {
    if (this.conditions) return this.conditions;
    this.conditions = [];
    for (const statement of this.body.descendantsOfType('if_statement')) {
      const condition = statement?.childForFieldName('condition');
      const consequence = statement?.childForFieldName('consequence');
      if (!condition || !consequence) continue;
      const returns = consequence.type === 'return_statement' ? [consequence] : consequence.descendantsOfType('return_statement');
      // `if (!chan) chan = ERR_PTR(-ENODEV);`: the branch replaces the value it tested.
      const assigned = alwaysAssigned(consequence);
      if (returns.length === 0 && assigned.length === 0) continue;
      this.conditions.push({
        condition: compact(`(${condition.text})`),
        returned: returns.map((found) => (found?.namedChild(0) ? compact(stripParens(found.namedChild(0) as Node).text) : '')),
        assigned,
      });
    }
    return this.conditions;
  }

  /** A value an expression gives, with `depth` limiting the walk through locals. */
  valuesOf(expression: Node, depth: number, at: Node | null): ReturnValue[] {
    const node = stripParens(expression);
    if (isNullLiteral(node)) return [{ k: 'null' }];
    switch (node.type) {
      case 'conditional_expression': {
        const consequence = node.childForFieldName('consequence');
        const alternative = node.childForFieldName('alternative');
        const condition = node.childForFieldName('condition');
        // `p ? p : ERR_PTR(-E)`, `IS_ERR(p) ? NULL : p`: the arm is guarded by the condition.
        const out: ReturnValue[] = [];
        for (const [arm, inThen] of [
          [consequence, true],
          [alternative, false],
        ] as const) {
          if (!arm) return [{ k: 'unknown' }];
          const bare = stripParens(arm);
          if (bare.type === 'identifier' && condition) {
            const c = compact(`(${condition.text})`);
            if (inThen && testsTruth(c, bare.text)) {
              out.push(...this.valuesOf(arm, depth, null).map((v) => (v.k === 'call' ? { ...v, dropNull: true } : v.k === 'null' ? { k: 'ok' as const } : v)));
              continue;
            }
            if (!inThen && (testsNull(c, bare.text) || testsErr(c, bare.text))) {
              out.push(
                ...this.valuesOf(arm, depth, null).map((v) =>
                  v.k === 'call' ? { ...v, dropNull: v.dropNull || testsNull(c, bare.text), dropErr: v.dropErr || testsErr(c, bare.text) } : v,
                ),
              );
              continue;
            }
          }
          out.push(...this.valuesOf(arm, depth, null));
        }
        return out;
      }
      case 'call_expression': {
        const name = calleeOf(node);
        if (name === null) return [{ k: 'unknown' }];
        if (ERR_CALLS.has(name)) return [{ k: 'err' }];
        if (OK_MACROS.has(name)) return [{ k: 'ok' }];
        return [{ k: 'call', f: name, dropNull: false, dropErr: false }];
      }
      case 'pointer_expression':
        return node.childForFieldName('operator')?.text === '&' ? [{ k: 'ok' }] : [{ k: 'opaque' }];
      case 'string_literal':
      case 'concatenated_string':
        return [{ k: 'ok' }];
      case 'field_expression':
      case 'subscript_expression':
        return [{ k: 'opaque' }];
      case 'binary_expression':
        // Pointer arithmetic: `base + offset`.
        return node.childForFieldName('operator')?.text === '+' ? [{ k: 'opaque' }] : [{ k: 'unknown' }];
      case 'identifier':
        return this.identifierValues(node.text, depth, at);
      default:
        return [{ k: 'unknown' }];
    }
  }

  private identifierValues(name: string, depth: number, at: Node | null): ReturnValue[] {
    if (this.params.has(name)) return [{ k: 'opaque' }];
    const local = this.localsOf().get(name);
    if (!local) return [{ k: 'opaque' }];
    // Where the return sits: inside `if (IS_ERR(p))` it returns the error, inside `if (p)` a valid pointer.
    const guards = at ? enclosingConditions(at, this.body) : [];
    for (const guard of guards) {
      if (guard.inThen && testsErr(guard.condition, name) && !guard.condition.includes('IS_ERR_OR_NULL')) return [{ k: 'err' }];
      if (guard.inThen && testsNull(guard.condition, name) && !guard.condition.includes('||')) return [{ k: 'null' }];
      if (guard.inThen && testsTruth(guard.condition, name)) {
        return this.sourceValues(local, depth).map((v) => (v.k === 'call' ? { ...v, dropNull: true } : v.k === 'null' ? { k: 'ok' as const } : v));
      }
    }
    if (local.addressTaken || depth <= 0) return [{ k: 'unknown' }];
    // A loop cursor returned from inside its loop: the entry found. After the loop it would be
    // the head's container, but kernel code returns it from inside (or tests a flag).
    if (local.cursor) return at && this.insideLoopOf(at, name) ? [{ k: 'ok' }] : [{ k: 'unknown' }];
    const conditions = this.conditionsOf().filter((c) => c.assigned.includes(name) || (c.returned.length > 0 && !c.returned.includes(name)));
    const nullTested = conditions.some((c) => testsNull(c.condition, name));
    const errTested = conditions.some((c) => testsErr(c.condition, name));
    return this.sourceValues(local, depth).flatMap((value): ReturnValue[] => {
      if (value.k === 'call') return [{ ...value, dropNull: value.dropNull || nullTested, dropErr: value.dropErr || errTested }];
      // A NULL or an opaque value is known to be gone only when a NULL test that ends the path
      // lies on the way to this return (see nullTestBefore); a test elsewhere proves nothing.
      const guarded = at !== null && this.nullTestBefore(name, at);
      if (value.k === 'null' && guarded) return [];
      if ((value.k === 'opaque' || value.k === 'unknown') && guarded && errTested) return [{ k: 'ok' }];
      if (value.k === 'opaque' && guarded) return [{ k: 'ok' }];
      return [value];
    });
  }

  /**
   * A NULL test of `name` that every path to `at` passes: an if of the body itself (not nested),
   * before the statement holding `at`, whose branch returns something else or replaces the value,
   * with no label between the two (a goto could land past the test).
   */
  private nullTestBefore(name: string, at: Node): boolean {
    let holder: Node | null = at;
    while (holder && holder.parent && holder.parent.id !== this.body.id) holder = holder.parent;
    if (!holder || holder.parent?.id !== this.body.id || holder.type === 'labeled_statement') return false;
    const statements = this.body.namedChildren.filter((child): child is Node => child !== null);
    const end = statements.findIndex((statement) => statement.id === holder?.id);
    for (let i = end - 1; i >= 0; i -= 1) {
      const statement = statements[i];
      if (statement.type === 'labeled_statement') return false;
      if (statement.type !== 'if_statement') continue;
      const condition = statement.childForFieldName('condition');
      const consequence = statement.childForFieldName('consequence');
      if (!condition || !consequence || !testsNull(compact(`(${condition.text})`), name)) continue;
      const returns = consequence.type === 'return_statement' ? [consequence] : consequence.descendantsOfType('return_statement');
      const returnsOther = returns.length > 0 && returns.every((found) => compact(found?.namedChild(0)?.text ?? '') !== name);
      if (returnsOther || alwaysAssigned(consequence).includes(name)) return true;
    }
    return false;
  }

  /**
   * Is `at` inside the statement a for_each macro over `cursor` runs? tree-sitter reads
   * `list_for_each_entry(pos, ...) stmt` as a call whose statement follows it: `at` must lie in
   * that next statement (after the loop the cursor is the list head's container, or NULL).
   */
  private insideLoopOf(at: Node, cursor: string): boolean {
    for (const call of this.body.descendantsOfType('call_expression')) {
      if (!call || call.startIndex > at.startIndex) break;
      if (!/for_each/.test(calleeOf(call) ?? '')) continue;
      if (call.childForFieldName('arguments')?.namedChild(0)?.text !== cursor) continue;
      const statement = call.parent?.type === 'expression_statement' ? call.parent : call;
      const loopBody = statement.nextNamedSibling;
      if (loopBody && loopBody.startIndex <= at.startIndex && at.endIndex <= loopBody.endIndex) return true;
    }
    return false;
  }

  private sourceValues(local: LocalInfo, depth: number): ReturnValue[] {
    if (local.sources.length === 0) return [{ k: 'unknown' }];
    return local.sources.flatMap((source) => this.valuesOf(source, depth - 1, source));
  }
}

/**
 * The locals a statement always stores to: a store of its own, or one made by both branches of
 * an if/else (`if (!chan) { if (empty) chan = ERR_PTR(-EPROBE_DEFER); else chan = ERR_PTR(-ENODEV); }`).
 */
function alwaysAssigned(statement: Node | null): string[] {
  if (!statement) return [];
  switch (statement.type) {
    case 'compound_statement':
      return statement.namedChildren.flatMap((child) => alwaysAssigned(child));
    case 'expression_statement': {
      const found = statement.namedChild(0);
      const left = found?.type === 'assignment_expression' ? found.childForFieldName('left') : null;
      return left?.type === 'identifier' && found?.childForFieldName('operator')?.text === '=' ? [left.text] : [];
    }
    case 'if_statement': {
      const alternative = statement.childForFieldName('alternative');
      if (!alternative) return [];
      const elseBody = alternative.type === 'else_clause' ? alternative.namedChild(0) : alternative;
      const inThen = alwaysAssigned(statement.childForFieldName('consequence'));
      const inElse = new Set(alwaysAssigned(elseBody));
      return inThen.filter((name) => inElse.has(name));
    }
    default:
      return [];
  }
}

function withoutCommentsAndStrings(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, ' ');
}

/** The termination formula of a statement. */
function terminationOf(statement: Node | null): Termination {
  if (!statement) return false;
  switch (statement.type) {
    case 'compound_statement': {
      const parts: Termination[] = [];
      for (const child of statement.namedChildren) if (child) parts.push(terminationOf(child));
      return { any: parts };
    }
    case 'expression_statement': {
      const expression = statement.namedChild(0);
      if (expression?.type === 'call_expression') {
        const name = calleeOf(expression);
        return name ? { call: name } : false;
      }
      return false;
    }
    case 'if_statement': {
      const alternative = statement.childForFieldName('alternative');
      if (!alternative) return false;
      const elseBody = alternative.type === 'else_clause' ? alternative.namedChild(0) : alternative;
      return { all: [terminationOf(statement.childForFieldName('consequence')), terminationOf(elseBody)] };
    }
    case 'while_statement':
    case 'for_statement': {
      const condition = statement.childForFieldName('condition');
      const endless = statement.type === 'for_statement' ? !condition : condition !== null && /^\(\s*(?:1|true)\s*\)$/.test(condition.text);
      return endless && statement.descendantsOfType('break_statement').length === 0;
    }
    case 'do_statement': {
      const body = statement.childForFieldName('body');
      return terminationOf(body);
    }
    case 'labeled_statement':
      return terminationOf(statement.namedChildren[statement.namedChildren.length - 1] ?? null);
    default:
      return false;
  }
}

function typeText(node: Node | null): string {
  return node ? node.text.replace(/\s+/g, ' ').trim() : '';
}

/** `struct clk *` -> `struct clk`: the pointed-to type of a parameter declaration. */
function paramTypes(fd: Node): { types: string[]; names: Set<string>; ordered: string[] } {
  const types: string[] = [];
  const names = new Set<string>();
  const ordered: string[] = [];
  const list = fd.childForFieldName('parameters');
  if (!list) return { types, names, ordered };
  for (const param of list.namedChildren) {
    if (!param || param.type !== 'parameter_declaration') continue;
    let declarator = param.childForFieldName('declarator');
    let stars = 0;
    while (declarator && declarator.type !== 'identifier') {
      if (declarator.type === 'pointer_declarator') stars += 1;
      declarator = declarator.childForFieldName('declarator');
    }
    if (declarator) names.add(declarator.text);
    ordered.push(declarator?.text ?? '');
    types.push(`${typeText(param.childForFieldName('type'))}${'*'.repeat(stars)}`);
  }
  return { types, names, ordered };
}

/** Top-level items, through #if/#ifdef/#else blocks (where the stubs live). */
function topLevelItems(root: Node): Node[] {
  const items: Node[] = [];
  const visit = (node: Node): void => {
    for (const child of node.namedChildren) {
      if (!child) continue;
      switch (child.type) {
        case 'function_definition':
        case 'declaration':
        case 'preproc_function_def':
          items.push(child);
          break;
        case 'preproc_if':
        case 'preproc_ifdef':
        case 'preproc_else':
        case 'preproc_elif':
        case 'preproc_elifdef':
        case 'linkage_specification':
        case 'declaration_list':
          visit(child);
          break;
        default:
          break;
      }
    }
  };
  visit(root);
  return items;
}

function docBefore(definition: Node): string {
  const previous = definition.previousNamedSibling;
  if (previous?.type === 'comment' && previous.text.startsWith('/**') && previous.endPosition.row + 1 >= definition.startPosition.row) return previous.text;
  return '';
}

function hasSpecifier(node: Node, word: string): boolean {
  for (const child of node.namedChildren) {
    if (child && child.type === 'storage_class_specifier' && child.text === word) return true;
  }
  return false;
}

/** The text before the declarator's parameter list: where attributes and specifiers sit. */
function headText(node: Node, fd: Node): string {
  const parameters = fd.childForFieldName('parameters');
  const end = parameters ? parameters.startIndex : fd.endIndex;
  const text = node.text.slice(0, end - node.startIndex);
  // Attributes after the parameter list (`void f(void) __noreturn;`) count too, for declarations.
  const rest = node.type === 'declaration' ? node.text.slice(fd.endIndex - node.startIndex) : '';
  return `${text} ${rest}`;
}

/**
 * @param original the file's text before the annotations were blanked (same offsets), to read
 *   `__acquires()` and friends; without it they are not read
 */
export function extractFile(root: Node, file: string, original?: string): FileFacts {
  const annotationsOf = (item: Node, end: number): LockAnnotations | undefined =>
    original === undefined ? undefined : lockAnnotationsIn(original.slice(item.startIndex, end));
  const functions: FunctionRecord[] = [];
  const declarations: DeclarationRecord[] = [];
  const macros: MacroAlias[] = [];
  for (const item of topLevelItems(root)) {
    if (item.type === 'preproc_function_def') {
      const name = item.childForFieldName('name')?.text;
      const value = item.childForFieldName('value')?.text ?? '';
      const target = aliasTarget(value);
      const converts = target === 'container_of' ? macroConversion(item, value) : undefined;
      if (name && target && target !== name) macros.push({ name, target, ...(converts ? { converts } : {}) });
      continue;
    }
    if (item.type === 'declaration') {
      for (const declarator of item.childrenForFieldName('declarator')) {
        const found = functionDeclaratorOf(declarator);
        const nameNode = found?.fd.childForFieldName('declarator');
        if (!found || !nameNode) continue;
        const noreturn = NORETURN_WORD.test(headText(item, found.fd));
        const lockAnnotations = annotationsOf(item, item.endIndex);
        if (noreturn || lockAnnotations) declarations.push({ name: nameNode.text, declaredNoreturn: noreturn, ...(lockAnnotations ? { lockAnnotations } : {}) });
      }
      continue;
    }
    const found = functionDeclaratorOf(item.childForFieldName('declarator'));
    const nameNode = found?.fd.childForFieldName('declarator');
    const body = item.childForFieldName('body');
    if (!found || !nameNode || !body) continue;
    const name = nameNode.text;
    const isStatic = hasSpecifier(item, 'static');
    const isInline = /\b(?:inline|__always_inline)\b/.test(headText(item, found.fd));
    const { types, names, ordered } = paramTypes(found.fd);
    const reader = new BodyReader(body, names);
    const returnStatements = body.descendantsOfType('return_statement');
    const returns: ReturnValue[] = [];
    if (found.pointer) {
      for (const statement of returnStatements) {
        const value = statement?.namedChild(0);
        if (!statement || !value) {
          returns.push({ k: 'unknown' });
          continue;
        }
        returns.push(...reader.valuesOf(value, 2, statement));
      }
    }
    const wantsCalls = PAIR_NAME.test(name);
    const returnType = typeText(item.childForFieldName('type'));
    const lockAnnotations = annotationsOf(item, body.startIndex);
    const ownership = extractOwnership(
      body,
      ordered,
      types.map((type) => type.includes('*')),
      found.pointer,
      !found.pointer && returnType === 'void',
    );
    functions.push({
      name,
      file,
      isStatic,
      isInline,
      pointer: found.pointer,
      returnType: found.pointer ? typeText(item.childForFieldName('type')) : '',
      params: types,
      returns,
      declaredNoreturn: NORETURN_WORD.test(headText(item, found.fd)),
      // A `return` the tree does not show as a statement (inside a #define in the body, expanded
      // by a macro call) still returns: only bodies without the word are read for termination.
      termination: returnStatements.length === 0 && !/\breturn\b/.test(withoutCommentsAndStrings(body.text)) ? terminationWithLabels(body) : null,
      calls: wantsCalls ? [...new Set(body.descendantsOfType('call_expression').flatMap((call) => (call ? [calleeOf(call) ?? ''] : [])))].filter(Boolean) : [],
      doc: wantsCalls ? docBefore(item) : '',
      ...(!found.pointer && INTEGER_TYPES.has(returnType) ? { integer: integerReturns(body, returnStatements) } : {}),
      ...(!found.pointer && (returnType === 'bool' || returnType === '_Bool') ? { returnsBool: true as const } : {}),
      ...(lockAnnotations ? { lockAnnotations } : {}),
      ...(Object.keys(ownership).length > 0 ? { ownership } : {}),
    });
  }
  const callbacks = initializerCallbacks(root);
  return { functions, declarations, macros, ...(callbacks.length > 0 ? { callbacks } : {}) };
}

/** What a one-parameter `container_of()` macro converts: its parameter, or a field of it. */
function macroConversion(item: Node, value: string): Conversion | undefined {
  const params = (item.childForFieldName('parameters')?.namedChildren ?? []).filter((child): child is Node => child !== null && child.type === 'identifier');
  const match = /^\(*container_of\((.*),[^,]+,[^,]+\)\)*$/.exec(value.replace(/\\\n/g, ' ').replace(/\s+/g, ''));
  return params.length === 1 && match ? conversionOf(match[1], params[0].text) : undefined;
}

/** The callee of a macro body that is one call and nothing else: `f(a, b)`, `(f(a))`. */
function aliasTarget(body: string): string | null {
  let text = body.replace(/\\\n/g, ' ').trim();
  while (text.startsWith('(') && closingParen(text, 0) === text.length - 1) text = text.slice(1, -1).trim();
  const match = /^([A-Za-z_]\w*)\s*\(/.exec(text);
  if (!match) return null;
  return closingParen(text, match[0].length - 1) === text.length - 1 ? match[1] : null;
}

function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    if (text[i] === '(') depth += 1;
    else if (text[i] === ')') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/**
 * A body ends in a noreturn call on every path when one of its top-level statements does and
 * no label comes after that statement (a goto could jump past it and fall off the end).
 */
function terminationWithLabels(body: Node): Termination {
  const statements = body.namedChildren.filter((child): child is Node => child !== null);
  const labels = body.descendantsOfType('labeled_statement').filter((label): label is Node => label !== null);
  const parts: Termination[] = [];
  for (const statement of statements) {
    if (labels.some((label) => label.startIndex > statement.endIndex)) continue;
    parts.push(terminationOf(statement));
  }
  return { any: parts };
}
