/**
 * The control-flow graph of one C function, built from its tree-sitter tree: if/else, switch
 * with fallthrough, loops (unrolled zero or one time: the back edge leaves the loop), break,
 * continue, goto and labels, return, calls that never return, `#if` branches taken as
 * alternatives, and the kernel's `for_each_*(...) { }` macro loops.
 *
 * The graph is plain data: each node carries the events of its statement (events.ts), so
 * walking paths never goes back to the tree.
 */
import type { Node } from '../../model/source.js';
import { conditionAtom, constantMask, constantTruth, listHeadKey, logicalParts, negatedOperand, unwrapTransparent, valueKey } from './conditions.js';
import { ANY_VALUE, NEGATIVE, POSITIVE, ZERO, type ConditionAtom, type ValueMask } from './facts.js';
import {
  autoManagedVariables,
  collectDeclarationEvents,
  collectEvents,
  carriedIdentifiers,
  declaredVariables,
  type Event,
} from './events.js';
import type { NoreturnCalls } from './noreturn.js';
import { calleeName, callArguments, declarationOf, declaredAsInteger, expressionKey, namedChildrenOf, nodesOfType, stripCastsAndParentheses } from '../../parsers/c-syntax.js';

export type CfgNodeKind =
  /** The function's first node. */
  | 'entry'
  /** A statement: its events, then its one successor. */
  | 'statement'
  /** A two-way branch: successors[0] when the atom holds, successors[1] when not. */
  | 'branch'
  /** A many-way branch (switch, `#if`), nothing learnt on any edge. */
  | 'switch'
  /** Where edges meet (labels, loop back edges). */
  | 'join'
  /** A `goto`: one successor, its label (kept as a node so that a leak can be blamed on the jump). */
  | 'goto'
  /** `return ...;` — an exit. */
  | 'return'
  /** The closing brace of the function, reached by falling off its end — an exit. */
  | 'end'
  /** A call after which the task is gone (do_exit, kthread_exit) — an exit. */
  | 'exit-call'
  /** A crash (BUG, panic): the path ends and nothing it held matters. */
  | 'crash'
  /** Control goes where cptlint cannot follow (a goto to a label the patch does not show). */
  | 'unknown'
  /** The back edge of an endless loop: no path leaves the loop this way. */
  | 'dead';

export type ReturnValue =
  | { kind: 'none' }
  | { kind: 'constant'; mask: ValueMask; isNull: boolean; mentions: string[] }
  | { kind: 'key'; key: string; mentions: string[] }
  | { kind: 'other'; mentions: string[] };

/** The innermost `if` around an exit, for comments ("when `!ti` holds"). */
export interface Guard {
  condition: string;
  negated: boolean;
}

export interface CfgNode {
  id: number;
  kind: CfgNodeKind;
  /** Row (0-based) of the construct in the parsed text. */
  row: number;
  column: number;
  events: Event[];
  atom: ConditionAtom | null;
  successors: number[];
  /** Number of loops around the node. */
  loopDepth: number;
  returnValue: ReturnValue | null;
  /** The call of an exit-call or crash node; the label of a goto. */
  callName: string | null;
  guard: Guard | null;
  /** Built from text cptlint could not read (a parse error hiding control flow). */
  uncertain: boolean;
  /** A `return` that the unwind labels follow (`return; err_free: ...`): a function's way out when all went well. */
  beforeLabels?: boolean;
  /**
   * A `switch` on a plain variable or field: the key and, by successor, the case label that
   * leads there (null for `default:` and for no case at all). A second switch on the same
   * unchanged key takes the same case.
   */
  cases?: { key: string; labels: (string | null)[] };
  /** The same for every switch on such a key, tested twice or not (ResourceEngine reads it for case predicates and named constants). */
  switchOn?: { key: string; labels: (string | null)[] };
}

export interface Cfg {
  functionName: string;
  nodes: CfgNode[];
  entry: number;
  parameters: string[];
  /** Variables declared in the function body. */
  locals: Set<string>;
  /** Variables declared `__free(...)`: the compiler releases them. */
  autoManaged: Set<string>;
  /** How many branch atoms test each key (a key tested twice correlates two branches). */
  testedKeys: Map<string, number>;
  /** Row of the body's closing brace. */
  endRow: number;
}

interface BuildContext {
  breakTarget: number | null;
  continueTarget: number | null;
  loopDepth: number;
  guard: Guard | null;
}

const CONTROL_KEYWORDS = /\b(return|goto|break|continue)\b/;
const LOOP_MACRO = /for_each|foreach|_each_|^for_|^list_for|^hlist_for|^llist_for|^while_each/;

export interface CfgOptions {
  noreturn: NoreturnCalls;
  /**
   * The row as the patch shows it, when the parser rewrote it (c-macros.ts blanks
   * `__free(kfree)` and puts a `;` after `for_each_x(...)`); undefined for invented rows.
   */
  originalRow?: (row: number) => string | undefined;
  /**
   * The patch does not show the function's head: the first lines shown may sit inside an
   * `if` the hunk cut, so every top-level statement is a possible way in.
   */
  entryAnywhere?: boolean;
  /**
   * For a `for_each_*` macro that hands out a counted reference per pass (the ownership
   * table's iteration macros), the index of its cursor argument; undefined for other macros.
   */
  iterationCursor?: (macro: string) => number | undefined;
}

class CfgBuilder {
  readonly nodes: CfgNode[] = [];
  readonly labels = new Map<string, number>();
  readonly boundLabels = new Set<string>();
  readonly locals = new Set<string>();
  readonly autoManaged = new Set<string>();
  readonly testedKeys = new Map<string, number>();
  /** The list-head keys of the function's list_for_each_entry walks (listWalkHeadKey()). */
  readonly listWalks = new Set<string>();
  /** The switches on a plain key, with their case values by way out (the labels are read at the end, when two share a key). */
  readonly switches: { id: number; key: string; values: (Node | null)[]; noCase: boolean }[] = [];

  private readonly noreturn: NoreturnCalls;

  constructor(private readonly options: CfgOptions) {
    this.noreturn = options.noreturn;
  }

  /** The rows of a node as the patch shows them (the parsed text where unknown). */
  originalText(node: Node): string {
    const original = this.options.originalRow;
    if (original === undefined) return node.text;
    const rows: string[] = [];
    for (let row = node.startPosition.row; row <= node.endPosition.row; row++) rows.push(original(row) ?? '');
    return rows.join('\n');
  }

  /**
   * `for_each_x(...)` followed by its body: the parser either left the `;` missing, or
   * c-macros.ts put one in that the patch does not have.
   */
  isMacroHeader(statement: Node): boolean {
    if (statement.type !== 'expression_statement') return false;
    const [expression] = namedChildrenOf(statement);
    if (expression?.type !== 'call_expression' || calleeName(expression) === null) return false;
    const last = statement.child(statement.childCount - 1);
    if (last === null) return false;
    if (!last.isMissing) {
      if (last.type !== ';' || this.options.originalRow === undefined) return false;
      const original = this.options.originalRow(last.startPosition.row);
      if (original === undefined || original.charAt(last.startPosition.column) === ';') return false;
    }
    // `D2(list_for_each_entry(...) { ... })`: a macro given a whole statement, block included, has its body already.
    return !callArguments(expression).some((argument) => nodesOfType(argument, 'compound_statement').length > 0);
  }

  add(kind: CfgNodeKind, at: Node | null, successors: number[], context: BuildContext, extra: Partial<CfgNode> = {}): number {
    const id = this.nodes.length;
    this.nodes.push({
      id,
      kind,
      row: at?.startPosition.row ?? 0,
      column: at?.startPosition.column ?? 0,
      events: [],
      atom: null,
      successors,
      loopDepth: context.loopDepth,
      returnValue: null,
      callName: null,
      guard: context.guard,
      uncertain: false,
      ...extra,
    });
    return id;
  }

  labelNode(name: string, context: BuildContext, at: Node | null = null): number {
    const existing = this.labels.get(name);
    if (existing !== undefined) return existing;
    // Placed at the first goto until the label itself is seen (a label never seen stays there).
    const id = this.add('join', at, [], context);
    this.labels.set(name, id);
    return id;
  }

  finishLabels(): void {
    for (const [name, id] of this.labels) {
      if (!this.boundLabels.has(name)) this.nodes[id].kind = 'unknown';
    }
  }

  sequence(statements: readonly Node[], next: number, context: BuildContext): number {
    return this.sequenceEntries(statements, next, context)[0] ?? next;
  }

  /** Build a statement list; the entry of each of its statements, first to last. */
  sequenceEntries(statements: readonly Node[], next: number, context: BuildContext): number[] {
    const units = groupMacroBlocks(statements, (statement) => this.isMacroHeader(statement));
    const entries: number[] = [];
    let entry = next;
    for (let index = units.length - 1; index >= 0; index--) {
      const unit = units[index];
      entry = unit.body === null ? this.statement(unit.statement, entry, context) : this.macroBlock(unit.statement, unit.body, entry, context);
      entries.unshift(entry);
    }
    return entries;
  }

  statement(node: Node, next: number, context: BuildContext): number {
    switch (node.type) {
      case 'compound_statement':
        return this.sequence(namedChildrenOf(node), next, context);
      case 'expression_statement':
        return this.expressionStatement(node, next, context);
      case 'declaration':
        return this.declaration(node, next, context);
      case 'if_statement':
        return this.ifStatement(node, next, context);
      case 'switch_statement':
        return this.switchStatement(node, next, context);
      case 'while_statement':
        return this.whileStatement(node, next, context);
      case 'do_statement':
        return this.doStatement(node, next, context);
      case 'for_statement':
        return this.forStatement(node, next, context);
      case 'return_statement':
        return this.returnStatement(node, context);
      case 'break_statement':
        return context.breakTarget ?? this.add('unknown', node, [], context);
      case 'continue_statement':
        return context.continueTarget ?? this.add('unknown', node, [], context);
      case 'goto_statement': {
        const label = node.childForFieldName('label')?.text;
        if (label === undefined) return this.add('unknown', node, [], context);
        return this.add('goto', node, [this.labelNode(label, context, node)], context, { callName: label });
      }
      case 'labeled_statement':
        return this.labeledStatement(node, next, context);
      case 'preproc_if':
      case 'preproc_ifdef':
      case 'preproc_elif':
      case 'preproc_elifdef':
        return this.preprocessorBranch(node, next, context);
      case 'preproc_else':
        return this.sequence(preprocessorBody(node), next, context);
      case 'function_definition':
        // `#ifdef X ... else if (c) { ... } #endif` reads as a nested function: the block may run or not.
        return this.optionalBlock(node, node.childForFieldName('body'), next, context, true);
      case 'case_statement':
        return this.sequence(caseBody(node), next, context);
      case 'ERROR':
        return this.errorStatement(node, next, context);
      case 'comment':
      case 'preproc_include':
      case 'preproc_def':
      case 'preproc_function_def':
      case 'preproc_call':
      case 'type_definition':
      case 'struct_specifier':
      case 'union_specifier':
      case 'enum_specifier':
        return next;
      default:
        return this.plainStatement(node, next, context, node.hasError && CONTROL_KEYWORDS.test(node.text));
    }
  }

  plainStatement(node: Node, next: number, context: BuildContext, uncertain = false): number {
    const events: Event[] = [];
    collectEvents(node, events);
    if (events.length === 0 && !uncertain) return next;
    return this.add('statement', node, [next], context, { events, uncertain });
  }

  errorStatement(node: Node, next: number, context: BuildContext): number {
    return this.plainStatement(node, next, context, CONTROL_KEYWORDS.test(node.text));
  }

  expressionStatement(node: Node, next: number, context: BuildContext): number {
    const noreturnCall = this.noreturn.statementCall(node);
    const uncertain = node.hasError && CONTROL_KEYWORDS.test(node.text);
    if (noreturnCall !== null) {
      const events: Event[] = [];
      collectEvents(node, events);
      return this.add(noreturnCall.sort === 'exit' ? 'exit-call' : 'crash', node, [], context, {
        events,
        callName: noreturnCall.name,
        uncertain,
      });
    }
    const [expression] = namedChildrenOf(node);
    if (expression?.type === 'call_expression') {
      const name = calleeName(expression);
      if (name === 'BUG_ON' || name === 'BUG_ON_ONCE') {
        const [condition] = callArguments(expression);
        if (condition !== undefined) {
          const crash = this.add('crash', node, [], context, { callName: name });
          return this.condition(condition, crash, next, context);
        }
      }
    }
    return this.plainStatement(node, next, context, uncertain);
  }

  declaration(node: Node, next: number, context: BuildContext): number {
    // A `static` variable outlives the call: storing into it hands a value on, as a global does.
    const isStatic = node.children.some((child) => child?.type === 'storage_class_specifier' && child.text === 'static');
    if (!isStatic) for (const name of declaredVariables(node)) this.locals.add(name);
    for (const name of autoManagedVariables(this.originalText(node))) this.autoManaged.add(name);
    const events: Event[] = [];
    collectDeclarationEvents(node, events);
    if (events.length === 0) return next;
    return this.add('statement', node, [next], context, { events });
  }

  /** Branch on a condition, taking `!`, `&&` and `||` apart so each test is its own branch. */
  condition(expression: Node, whenTrue: number, whenFalse: number, context: BuildContext): number {
    const unwrapped = unwrapTransparent(expression);
    if (unwrapped !== null && unwrapped.id !== expression.id) return this.condition(unwrapped, whenTrue, whenFalse, context);
    const negated = negatedOperand(expression);
    if (negated !== null) return this.condition(negated, whenFalse, whenTrue, context);
    // `if (ret = -ENOMEM, !(kind = kmalloc(...)))`: the left operand runs first, the right one is the test.
    if (expression.type === 'comma_expression') {
      const left = expression.childForFieldName('left');
      const right = expression.childForFieldName('right');
      if (left !== null && right !== null) {
        const test = this.condition(right, whenTrue, whenFalse, context);
        const events: Event[] = [];
        collectEvents(left, events);
        return events.length === 0 ? test : this.add('statement', left, [test], context, { events });
      }
    }
    const logical = logicalParts(expression);
    if (logical !== null) {
      const right = this.condition(logical.right, whenTrue, whenFalse, context);
      return logical.operator === '&&'
        ? this.condition(logical.left, right, whenFalse, context)
        : this.condition(logical.left, whenTrue, right, context);
    }
    const events: Event[] = [];
    collectEvents(expression, events);
    const atom = conditionAtom(expression);
    if (atom.kind === 'test') this.testedKeys.set(atom.key, (this.testedKeys.get(atom.key) ?? 0) + 1);
    const uncertain = expression.hasError;
    return this.add('branch', expression, [whenTrue, whenFalse], context, { events, atom, uncertain });
  }

  ifStatement(node: Node, next: number, context: BuildContext): number {
    const condition = node.childForFieldName('condition');
    const consequence = node.childForFieldName('consequence');
    const alternative = node.childForFieldName('alternative');
    const conditionText = condition === null ? '' : compactCondition(condition);
    const thenEntry =
      consequence === null ? next : this.statement(consequence, next, { ...context, guard: { condition: conditionText, negated: false } });
    const elseStatement = alternative === null ? null : (namedChildrenOf(alternative)[0] ?? null);
    const elseEntry =
      elseStatement === null ? next : this.statement(elseStatement, next, { ...context, guard: { condition: conditionText, negated: true } });
    if (condition === null) return this.add('switch', node, [thenEntry, elseEntry], context, { uncertain: true });
    return this.condition(condition, thenEntry, elseEntry, context);
  }

  switchStatement(node: Node, next: number, context: BuildContext): number {
    const condition = node.childForFieldName('condition');
    const body = node.childForFieldName('body');
    const inner: BuildContext = { ...context, breakTarget: next };
    const cases = body === null ? [] : namedChildrenOf(body).filter((child) => child.type === 'case_statement');
    const entries: number[] = [];
    const values: (Node | null)[] = [];
    let fallthrough = next;
    let hasDefault = false;
    for (let index = cases.length - 1; index >= 0; index--) {
      const value = cases[index].childForFieldName('value');
      if (value === null) hasDefault = true;
      fallthrough = this.sequence(caseBody(cases[index]), fallthrough, inner);
      entries.unshift(fallthrough);
      values.unshift(value);
    }
    if (!hasDefault) {
      entries.push(next);
      values.push(null);
    }
    const events: Event[] = [];
    if (condition !== null) collectEvents(condition, events);
    const tested = condition === null ? null : stripCastsAndParentheses(condition);
    const key = tested !== null && (tested.type === 'identifier' || tested.type === 'field_expression') ? expressionKey(tested) : null;
    const id = this.add('switch', node, entries, context, { events });
    // The labels are read only for a key another switch tests too (buildCfg).
    if (key !== null && !/[[(]/.test(key)) this.switches.push({ id, key, values, noCase: !hasDefault });
    return id;
  }

  /**
   * Where a pass of a loop goes on: out of the loop (the walk follows one pass). A loop that walks
   * a cursor (`while ((dev = pci_get_device(v, d, dev)))`) ends only when the cursor comes back
   * NULL: that pass leaves through the test once more, so that the walk knows it.
   */
  private loopBack(node: Node, condition: Node | null, next: number, context: BuildContext): number {
    if (constantTruth(condition) === true) return this.add('dead', node, [], context);
    if (condition !== null && advancesCursor(condition, node)) return this.condition(condition, this.add('dead', node, [], context), next, context);
    return this.add('join', node, [next], context);
  }

  whileStatement(node: Node, next: number, context: BuildContext): number {
    const condition = node.childForFieldName('condition');
    const body = node.childForFieldName('body');
    const loopBack = this.loopBack(node, condition, next, context);
    const inner: BuildContext = { ...context, breakTarget: next, continueTarget: loopBack, loopDepth: context.loopDepth + 1 };
    const bodyEntry = body === null ? loopBack : this.statement(body, loopBack, inner);
    if (condition === null) return bodyEntry;
    return this.condition(condition, bodyEntry, next, context);
  }

  doStatement(node: Node, next: number, context: BuildContext): number {
    const condition = node.childForFieldName('condition');
    const body = node.childForFieldName('body');
    // The back edge leaves the loop: after one pass, both outcomes of the test go on; `while (1)` only by a break.
    const conditionEntry =
      condition === null ? next : constantTruth(condition) === true ? this.add('dead', node, [], context) : this.condition(condition, next, next, context);
    const inner: BuildContext = { ...context, breakTarget: next, continueTarget: conditionEntry, loopDepth: context.loopDepth + 1 };
    return body === null ? conditionEntry : this.statement(body, conditionEntry, inner);
  }

  forStatement(node: Node, next: number, context: BuildContext): number {
    const initializer = node.childForFieldName('initializer');
    const condition = node.childForFieldName('condition');
    const update = node.childForFieldName('update');
    const body = node.childForFieldName('body');
    const loopBack = this.loopBack(node, condition, next, context);
    const inner: BuildContext = { ...context, loopDepth: context.loopDepth + 1 };
    const updateEntry = update === null ? loopBack : this.plainStatement(update, loopBack, inner);
    const bodyEntry = body === null ? updateEntry : this.statement(body, updateEntry, { ...inner, breakTarget: next, continueTarget: updateEntry });
    const conditionEntry = condition === null ? bodyEntry : this.condition(condition, bodyEntry, next, context);
    if (initializer === null) return conditionEntry;
    return initializer.type === 'declaration'
      ? this.declaration(initializer, conditionEntry, context)
      : this.plainStatement(initializer, conditionEntry, context);
  }

  returnStatement(node: Node, context: BuildContext): number {
    const [expression] = namedChildrenOf(node);
    const events: Event[] = [];
    if (expression !== undefined) collectEvents(expression, events);
    return this.add('return', node, [], context, {
      events,
      returnValue: returnValueOf(expression ?? null),
      beforeLabels: node.nextNamedSibling?.type === 'labeled_statement' && node.parent?.parent?.type === 'function_definition',
      uncertain: node.hasError && CONTROL_KEYWORDS.test(expression?.text ?? ''),
    });
  }

  labeledStatement(node: Node, next: number, context: BuildContext): number {
    const label = node.childForFieldName('label')?.text ?? '';
    const join = this.labelNode(label, context);
    this.boundLabels.add(label);
    const labelNode = node.childForFieldName('label');
    const inner = namedChildrenOf(node).filter((child) => labelNode === null || child.id !== labelNode.id);
    const entry = this.sequence(inner, next, { ...context, guard: null });
    this.nodes[join].successors = [entry];
    this.nodes[join].row = node.startPosition.row;
    return join;
  }

  preprocessorBranch(node: Node, next: number, context: BuildContext): number {
    const alternative = node.childForFieldName('alternative');
    const bodyEntry = this.sequence(preprocessorBody(node), next, context);
    const alternativeEntry = alternative === null ? next : this.statement(alternative, next, context);
    // `#ifdef CONFIG_COMMON_CLK` around the register and again around its unregister: one configuration
    // takes both or neither, so the same test is a branch on one key.
    const test = preprocessorTest(node);
    // `#if 0` and `#ifdef DEBUG` blocks are not built (DEBUG is a developer's local define).
    if (test !== null && NOT_BUILT.has(test.key)) return test.negated ? bodyEntry : alternativeEntry;
    if (test === null) return this.add('switch', node, [bodyEntry, alternativeEntry], context);
    this.testedKeys.set(test.key, (this.testedKeys.get(test.key) ?? 0) + 1);
    const atom: ConditionAtom = { kind: 'test', key: test.key, whenTrue: NEGATIVE | POSITIVE, whenFalse: ZERO };
    const successors = test.negated ? [alternativeEntry, bodyEntry] : [bodyEntry, alternativeEntry];
    return this.add('branch', node, successors, context, { events: [], atom });
  }

  /** A block that may or may not run (an unknown macro header, a misread `#if` branch). */
  optionalBlock(at: Node, body: Node | null, next: number, context: BuildContext, uncertain: boolean): number {
    const bodyEntry = body === null ? next : this.statement(body, next, context);
    return this.add('switch', at, [bodyEntry, next], context, { uncertain });
  }

  /** `for_each_child_of_node(np, child) { ... }`, `scoped_guard(...) { ... }`, `list_for_each_entry(...) stmt;`. */
  macroBlock(header: Node, body: Node, next: number, context: BuildContext): number {
    const call = namedChildrenOf(header)[0];
    const name = calleeName(call) ?? '';
    const headerEvents: Event[] = [];
    for (const argument of callArguments(call)) collectEvents(argument, headerEvents);
    if (name === 'scoped_guard') {
      const bodyEntry = this.statement(body, next, context);
      return headerEvents.length === 0 ? bodyEntry : this.add('statement', header, [bodyEntry], context, { events: headerEvents });
    }
    // A `break` or `continue` of its own says the block is a loop body (`skb_queue_walk_safe(...) { ... break; }`).
    if (!LOOP_MACRO.test(name) && !hasOwnLoopJump(body)) return this.optionalBlock(header, body, next, context, false);

    const cursorArgument = this.options.iterationCursor?.(name);
    const variableArgument = cursorArgument === undefined ? undefined : callArguments(call)[cursorArgument];
    const variable = variableArgument === undefined ? null : expressionKey(variableArgument);
    // Inside a list walk's body its entry cursor points to an entry, never NULL (`found = pos; break;`).
    const entryWalk = LIST_ENTRY_WALK.test(name);
    // The macro assigns its cursor on each pass: `pos`, and `n` of the _safe forms (list_for_each_entry_safe(pos, n, ...)).
    const cursors =
      cursorArgument !== undefined
        ? variableArgument === undefined
          ? []
          : [variableArgument]
        : (indexCursors(name, callArguments(call), header) ?? callArguments(call).slice(0, /_safe\b|_safe_/.test(name) ? 2 : 1));
    const cursorEvents: Event[] = cursors
      .map((argument) => stripCastsAndParentheses(argument))
      .filter((argument) => argument.type === 'identifier')
      .map((argument, index) => ({
        type: 'assign' as const,
        target: { key: argument.text, root: argument.text, shape: 'variable' as const, field: null },
        value: entryWalk && index === 0 ? { kind: 'constant' as const, mask: POSITIVE } : { kind: 'unknown' as const },
        row: header.startPosition.row,
      }));
    // list_for_each_entry(pos, head, member): in the body pos is an entry; where the walk runs out
    // (no break) its link is the head again, which `&pos->member == head` tests.
    const atHead = listWalkHeadKey(name, callArguments(call));
    if (atHead !== null) this.listWalks.add(atHead);
    const headFact = (mask: ValueMask): Event[] =>
      atHead === null ? [] : [{ type: 'assign', target: { key: atHead, root: null, shape: 'variable', field: null }, value: { kind: 'constant', mask }, row: header.startPosition.row }];
    const leaveEvents: Event[] = [...(variable === null ? [] : [{ type: 'iterate' as const, phase: 'leave' as const, variable, macro: name, row: header.startPosition.row }]), ...headFact(POSITIVE)];
    const leave = leaveEvents.length === 0 ? this.add('join', header, [next], context) : this.add('statement', header, [next], context, { events: leaveEvents });
    const inner: BuildContext = { ...context, breakTarget: next, continueTarget: leave, loopDepth: context.loopDepth + 1 };
    let bodyEntry = this.statement(body, leave, inner);
    const enterEvents: Event[] = [...cursorEvents, ...headFact(ZERO)];
    if (variable !== null) enterEvents.push({ type: 'iterate', phase: 'enter', variable, macro: name, row: header.startPosition.row });
    if (enterEvents.length > 0) bodyEntry = this.add('statement', header, [bodyEntry], inner, { events: enterEvents });
    // The boot CPU is always possible, present and online: these loops run at least once.
    if (RUNS_AT_LEAST_ONCE.test(name)) return headerEvents.length === 0 ? bodyEntry : this.add('statement', header, [bodyEntry], context, { events: headerEvents });
    const choice = this.add('switch', header, [bodyEntry, leave], context, { events: headerEvents });
    return choice;
  }
}

/**
 * `for_each_port(adapter, i)`, `xa_for_each(xa, index, entry)`: a walk over what a pointer holds
 * names the pointer first and counts with an integer after it; the names after the pointer are
 * its cursors, and the pointer keeps its value. Entry walks and _safe forms put their cursor
 * first whatever its type.
 */
function indexCursors(name: string, args: readonly Node[], header: Node): Node[] | null {
  if (args.length < 2 || /entry|_safe/.test(name) || args[0].type !== 'identifier' || declarationOf(args[0].text, header)?.isPointer !== true) return null;
  const later = args.slice(1).filter((argument) => argument.type === 'identifier');
  // `for_each_sg(sgl, sg, nents, i)`: the entry beside the counter moves too.
  return later.some((argument) => declaredAsInteger(argument.text, header)) ? later : null;
}

/** The list-head key (conditions.ts listHeadKey()) of a list_for_each_entry walk, or null for other walks. */
function listWalkHeadKey(name: string, args: readonly Node[]): string | null {
  if (!/^list_for_each_entry(?:_safe)?(?:_continue|_reverse|_rcu|_from|_srcu|_lockless)*$/.test(name)) return null;
  const safe = name.startsWith('list_for_each_entry_safe');
  const [cursor, head, member] = [args[0], args[safe ? 2 : 1], args[safe ? 3 : 2]];
  const bare = cursor === undefined ? null : stripCastsAndParentheses(cursor);
  return bare?.type === 'identifier' && head !== undefined && member !== undefined ? listHeadKey(bare.text, member.text, stripCastsAndParentheses(head).text) : null;
}

/** CPU loops over masks that always hold the CPU running the code. */
const RUNS_AT_LEAST_ONCE = /^for_each_(?:possible|present|online)_cpu$/;
/** Walks of a list whose first argument is the entry (or node) of each pass. */
const LIST_ENTRY_WALK = /^(?:list|hlist|llist)_for_each(?:_entry)?(?:_safe|_rcu|_continue|_from|_reverse|_srcu|_lockless|_bh)*$/;

interface StatementUnit {
  statement: Node;
  /** The block a macro header (`for_each_x(...)` without `;`) runs, when the statement is one. */
  body: Node | null;
}

function groupMacroBlocks(statements: readonly Node[], isMacroHeader: (statement: Node) => boolean): StatementUnit[] {
  const units: StatementUnit[] = [];
  for (let index = 0; index < statements.length; index++) {
    const statement = statements[index];
    const following = statements[index + 1];
    if (following !== undefined && following.type !== 'comment' && isMacroHeader(statement)) {
      units.push({ statement, body: following });
      index++;
    } else {
      units.push({ statement, body: null });
    }
  }
  return units;
}

function caseBody(node: Node): Node[] {
  const value = node.childForFieldName('value');
  return namedChildrenOf(node).filter((child) => value === null || child.id !== value.id);
}

function preprocessorBody(node: Node): Node[] {
  const excluded = new Set<number>();
  for (const field of ['name', 'condition', 'alternative']) {
    const child = node.childForFieldName(field);
    if (child !== null) excluded.add(child.id);
  }
  return namedChildrenOf(node).filter((child) => !excluded.has(child.id));
}

/** Preprocessor tests false in any build a kernel is shipped from. */
const NOT_BUILT: ReadonlySet<string> = new Set(['#if:0', '#defined:DEBUG']);

/** Whether `node` sits in the body of an `#if 0` or `#ifdef DEBUG` block around it: code no shipped kernel builds. */
export function notBuilt(node: Node): boolean {
  for (let inner = node, outer = node.parent; outer !== null; inner = outer, outer = outer.parent) {
    if (!outer.type.startsWith('preproc_if')) continue;
    const test = preprocessorTest(outer);
    const inAlternative = outer.childForFieldName('alternative')?.id === inner.id;
    if (test !== null && NOT_BUILT.has(test.key) && test.negated === inAlternative) return true;
  }
  return false;
}

/** Whether a condition key is a preprocessor test's (`#defined:CONFIG_X`): C expressions never start with `#`. */
export function isPreprocessorKey(key: string): boolean {
  return key.startsWith('#');
}

/** The key of a preprocessor test: `#ifdef X`, `#if defined(X)` and `#ifndef X` (negated) test `#defined:X`; any other `#if` its text. */
function preprocessorTest(node: Node): { key: string; negated: boolean } | null {
  const directive = node.child(0)?.text ?? '';
  const name = node.childForFieldName('name')?.text;
  if (name !== undefined && /^#(?:el)?ifn?def$/.test(directive)) return { key: `#defined:${name}`, negated: directive.endsWith('ndef') };
  const condition = node.childForFieldName('condition')?.text.replace(/\s+/g, '');
  if (condition === undefined || condition === '') return null;
  const defined = /^(!?)defined\(?(\w+)\)?$/.exec(condition);
  if (defined !== null) return { key: `#defined:${defined[2]}`, negated: defined[1] === '!' };
  return { key: `#if:${condition}`, negated: false };
}

function compactCondition(condition: Node): string {
  const stripped = condition.type === 'parenthesized_expression' ? (namedChildrenOf(condition)[0] ?? condition) : condition;
  return stripped.text.replace(/\s+/g, ' ').trim();
}

const ERROR_VALUE_CALLS = new Set(['PTR_ERR', 'ERR_PTR', 'ERR_CAST']);

export function returnValueOf(expression: Node | null): ReturnValue {
  if (expression === null) return { kind: 'none' };
  const stripped = stripCastsAndParentheses(expression);
  const mentions = carriedIdentifiers(stripped);
  if (stripped.type === 'call_expression' && ERROR_VALUE_CALLS.has(calleeName(stripped) ?? '')) {
    return { kind: 'constant', mask: NEGATIVE, isNull: false, mentions: [] };
  }
  const constant = constantMask(stripped);
  if (constant !== null) return { kind: 'constant', mask: constant, isNull: stripped.text === 'NULL', mentions: [] };
  if (stripped.type === 'identifier' || stripped.type === 'field_expression') return { kind: 'key', key: valueKey(stripped), mentions };
  return { kind: 'other', mentions };
}

function parametersOf(definition: Node): string[] {
  let declarator = definition.childForFieldName('declarator');
  while (declarator !== null && declarator.type !== 'function_declarator') declarator = declarator.childForFieldName('declarator');
  const list = declarator?.childForFieldName('parameters');
  if (list === null || list === undefined) return [];
  return namedChildrenOf(list).map((parameter) => {
    // The declared name is the last identifier that is not a type: `int (*fn)(void *)` gives fn.
    const declaratorNode = parameter.childForFieldName('declarator');
    if (declaratorNode === null) return '';
    // Most declarators are the name itself, or it behind stars (`struct foo **pp`): no walk of the parameter is needed for them.
    let named: Node | null = declaratorNode;
    while (named !== null && named.type === 'pointer_declarator') named = named.childForFieldName('declarator');
    if (named?.type === 'identifier') return named.text;
    const fromDeclarator = declaratorNode.descendantsOfType('identifier').filter((node): node is Node => node !== null);
    if (fromDeclarator.length > 0) return fromDeclarator[0].text;
    const names = parameter.descendantsOfType('identifier').filter((node): node is Node => node !== null);
    return names[names.length - 1]?.text ?? '';
  });
}

/** Build the graph of a function_definition node. */
export function buildCfg(definition: Node, name: string, options: CfgOptions): Cfg {
  const builder = new CfgBuilder(options);
  const body = definition.childForFieldName('body');
  const context: BuildContext = { breakTarget: null, continueTarget: null, loopDepth: 0, guard: null };
  const endRow = body === null ? definition.endPosition.row : body.endPosition.row;
  const end = builder.add('end', null, [], context, { row: endRow, column: Math.max(0, (body?.endPosition.column ?? 1) - 1) });
  const entries = body === null ? [end] : builder.sequenceEntries(namedChildrenOf(body), end, context);
  builder.finishLabels();
  const ways = options.entryAnywhere ? [...new Set(entries)] : [entries[0] ?? end];
  const entry = builder.add('entry', definition, ways, context);
  // `hdr == &root->ihdr` reads like a list-head test but follows no walk of that list: it says nothing.
  for (const node of builder.nodes) {
    if (node.atom?.kind === 'test' && node.atom.key.startsWith('listhead:') && !builder.listWalks.has(node.atom.key)) node.atom = { ...node.atom, whenTrue: ANY_VALUE, whenFalse: ANY_VALUE };
  }
  // A switch's case is worth remembering only where another switch tests the same key.
  const switched = new Map<string, number>();
  for (const { key } of builder.switches) switched.set(key, (switched.get(key) ?? 0) + 1);
  for (const { id, key, values, noCase } of builder.switches) {
    const labels = values.map((value) => (value === null ? null : value.text.replace(/\s+/g, '')));
    // `int stage = 1; if (...) stage = 2; switch (stage) { case 1: ... case 2: ... }`: no case is not a way out.
    if (noCase && body !== null && builder.locals.has(key) && onlyTakes(body, key, labels)) {
      builder.nodes[id].successors.pop();
      labels.pop();
    }
    builder.nodes[id].switchOn = { key, labels };
    if ((switched.get(key) ?? 0) > 1) builder.nodes[id].cases = builder.nodes[id].switchOn;
  }
  return {
    functionName: name,
    nodes: builder.nodes,
    entry,
    parameters: parametersOf(definition).filter((parameter) => parameter !== ''),
    locals: builder.locals,
    autoManaged: builder.autoManaged,
    testedKeys: builder.testedKeys,
    endRow,
  };
}

/**
 * Whether the local `name` is only ever given values among `labels` (a switch's case values): set
 * by its declaration and by plain assignments of those values, never counted nor taken by address.
 */
function onlyTakes(body: Node, name: string, labels: readonly (string | null)[]): boolean {
  const allowed = (value: Node | null): boolean => value !== null && labels.includes(stripCastsAndParentheses(value).text.replace(/\s+/g, ''));
  let set = false;
  for (const node of nodesOfType(body, ['init_declarator', 'assignment_expression', 'update_expression', 'pointer_expression', 'declaration'])) {
    if (node.type === 'declaration') {
      // Declared without a value and read before it is set would be a bug of its own; a second declaration shadows it.
      if (node.namedChildren.some((child) => child?.type === 'identifier' && child.text === name)) return false;
    } else if (node.type === 'init_declarator') {
      if (node.childForFieldName('declarator')?.text !== name) continue;
      if (set || !allowed(node.childForFieldName('value'))) return false;
      set = true;
    } else if (node.type === 'assignment_expression') {
      if (stripCastsAndParentheses(node.childForFieldName('left') ?? node).text !== name) continue;
      if ((node.childForFieldName('operator')?.type ?? '=') !== '=' || !allowed(node.childForFieldName('right'))) return false;
    } else if (node.type === 'update_expression') {
      if (stripCastsAndParentheses(node.childForFieldName('argument') ?? node).text === name) return false;
    } else if (node.childForFieldName('operator')?.type === '&' && stripCastsAndParentheses(node.childForFieldName('argument') ?? node).text === name) {
      return false;
    }
  }
  return set;
}

/** The parameter names of a function definition, in order. */
export function functionParameters(definition: Node): string[] {
  return parametersOf(definition);
}


/**
 * `while ((dev = pci_get_device(v, d, dev)))`, `while (np) { ...; np = of_get_next_parent(np); }`:
 * the loop moves the variable its test reads on by a call given that variable.
 */
function advancesCursor(condition: Node, loop: Node): boolean {
  const atom = conditionAtom(condition);
  if (atom.kind !== 'test') return false;
  const events: Event[] = [];
  collectEvents(loop, events);
  return events.some(
    (event) => event.type === 'assign' && event.target.key === atom.key && event.value.kind === 'call' && event.value.call.args.some((argument) => argument.key === atom.key),
  );
}

/** A `break` or `continue` in the block that no loop or switch inside it takes. */
function hasOwnLoopJump(block: Node): boolean {
  for (const child of namedChildrenOf(block)) {
    if (child.type === 'break_statement' || child.type === 'continue_statement') return true;
    if (['for_statement', 'while_statement', 'do_statement', 'switch_statement', 'function_definition'].includes(child.type)) continue;
    if (hasOwnLoopJump(child)) return true;
  }
  return false;
}

/**
 * The row of the first top-level `return` that unwind labels follow, when it is the function's
 * success (`return 0;` or `return ret;` before `err_free: ...`). After a `return NULL;` the
 * labels may be the success (`return NULL; success: *port_ret = port; return head;`).
 */
export function firstReturnBeforeLabels(cfg: Cfg): number | null {
  let first: CfgNode | null = null;
  for (const node of cfg.nodes) if (node.kind === 'return' && node.beforeLabels === true && (first === null || node.row < first.row)) first = node;
  const value = first?.returnValue;
  if (first === null || value === null || value === undefined) return null;
  const succeeds = value.kind === 'key' || (value.kind === 'constant' && value.mask === ZERO && !value.isNull);
  return succeeds ? first.row : null;
}
