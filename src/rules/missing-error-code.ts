/**
 * missing-error-code: smatch's "missing error code". A function that returns an int error code
 * detects a failure (an allocation that gave NULL, an IS_ERR() pointer) and jumps to, or falls
 * into, its error exit while the variable it returns still holds 0: the caller is told the call
 * succeeded.
 *
 * The check is three walks over the function's control-flow graph (cfg.ts), each of which says
 * nothing when unsure:
 * 1. the failure side of the test must leave through a `goto` or a `return` inside the if's
 *    failure block, and every path from there must end in `return v;` of one plain local `v`
 *    that no node on the way assigns or passes by address;
 * 2. `v` must be 0 on every way into the test: last set to 0, or tested and found 0
 *    (`ret = f(); if (ret) return ret;`), with nothing since;
 * 3. for a NULL test, the pointer must hold, on every way into the test, the result of an
 *    allocator of the table (kmalloc(), devm_kzalloc()...): a NULL from a lookup is often an
 *    absent, optional thing, and `return 0` for it deliberate.
 * Steps over lines the patch does not show (a gap between hunks, a cut head or tail) are
 * never trusted.
 */
import type { PatchUnderReview } from '../model/review.js';
import { cfgOf } from '../analysis/function-cfg.js';
import type { CFunction, CSource, Node } from '../model/source.js';
import type { FindingDraft, Rule, RuleContext } from './rule.js';
import type { Cfg, CfgNode } from '../analysis/flow/cfg.js';
import type { Event } from '../analysis/flow/events.js';
import { NEGATIVE, POSITIVE, ZERO } from '../analysis/flow/facts.js';
import { hasAddedLine } from '../analysis/ownership/patch-analysis.js';
import { RETURN_STYLES, returnStyle } from '../analysis/ownership/return-styles.js';
import { callArguments, calleeName, compactText, declarationOf, isField, nodesOfType } from '../parsers/c-syntax.js';
import { postLineOf } from '../parsers/source-lines.js';
import { isNullLiteral, valueKey } from '../analysis/flow/conditions.js';
import { edgeShown, sameState, shownTogether, solveForward, type Flow, type ShownFunction } from '../analysis/flow/dataflow.js';
import { kernelIntegerFacts } from '../facts/kernel-facts.js';

const ID = 'missing-error-code';

/** Return types that carry an error code. */
const ERROR_CODE_TYPES = new Set(['int', 'long', 'ssize_t', 's32']);

/** NULL-failing APIs whose NULL is a failure worth -ENOMEM (not a lookup that found nothing). */
const ALLOCATORS = new Set(RETURN_STYLES.filter((style) => style.failure === 'null' && style.errno === '-ENOMEM').map((style) => style.name));

/**
 * ERR_PTR() APIs whose error pointer often means "absent" (an optional supply, an optional
 * reference or cell), or whose failure callers are told to ignore (debugfs): an IS_ERR() of
 * their result that returns 0 may well be deliberate.
 */
const ABSENCE_ERR_PTR_APIS = new Set([
  'regulator_get_optional',
  'devm_regulator_get_optional',
  'fwnode_find_reference',
  'nvmem_cell_get',
  'devm_nvmem_cell_get',
  'of_nvmem_cell_get',
  ...RETURN_STYLES.filter((style) => style.uncheckedByDesign).map((style) => style.name),
]);

/** Calls that evaluate to their argument's truth. */
const TRANSPARENT_CALLS = new Set(['likely', 'unlikely', 'WARN_ON', 'WARN_ON_ONCE', 'WARN', 'WARN_ONCE']);

const ALLOCATOR_CALL = new RegExp(`(?<![\\w$])(?:${[...ALLOCATORS].join('|')})\\s*\\(`);
const RETURN_OF_VARIABLE = /\breturn\s+[A-Za-z_]\w*\s*;/;
const NEGATIVE_TEST = /[\w\]]\s*<\s*0\s*\)/;
/** Node visits allowed when following an error path. */
const ERROR_PATH_STEPS = 4000;

/** Walk budget: a function whose error paths need more steps is not judged. */

/** Why the returned variable is 0 at the test. */
type ZeroReason =
  /** `ret = 0;` or `int ret = 0;` */
  | { kind: 'set'; row: number }
  /** `ret = f(); if (ret) ...`: found 0 by a test (the call, when known). */
  | { kind: 'tested'; call: string | null; callRow: number | null; row: number }
  /** 0 on every way in, for different reasons (the first few kept, for the comment). */
  | { kind: 'mixed'; reasons: SingleZeroReason[] };
type SingleZeroReason = Exclude<ZeroReason, { kind: 'mixed' }>;

type ReturnedState = { kind: 'zero'; reason: ZeroReason } | { kind: 'call'; name: string; row: number };
interface StoredPointer {
  api: string;
  row: number;
}

interface FailureTest {
  branch: CfgNode;
  /** `!p` / `p == NULL`, `IS_ERR(p)`, or `n < 0` of an integer a negative errno can come out of. */
  kind: 'null' | 'is-err' | 'negative';
  /** The test as written: `!priv->buf`'s operand, `p == NULL`, `IS_ERR(clk)`. */
  node: Node;
  /** What is tested: `priv->buf`. */
  key: string;
  /** The statement that runs when the test finds the failure. */
  block: Node;
  /** Index of the branch successor taken on failure. */
  failureSuccessor: number;
}

interface ErrorPath {
  /** The returned local. */
  variable: string;
  /** The first goto or return on the failure side. */
  jump: CfgNode;
  exits: CfgNode[];
  visited: CfgNode[];
}

/** A call written in capitals is a macro: it may assign what it is given by name. */
function isMacroCall(event: Event): boolean {
  return event.type === 'call' && /^[A-Z][A-Z0-9_]*$/.test(event.name);
}

/** Whether an event may change the plain variable `name`. */
function touchesVariable(event: Event, name: string): boolean {
  if (event.type === 'assign') return event.target.key === name;
  if (event.type === 'kill') return event.key === name;
  if (event.type === 'call') return isMacroCall(event) && event.args.some((argument) => argument.key === name);
  return false;
}

/** What `variable` holds after a node, per successor: 0 and why, or the call it came from. */
function returnedVariableTransfer(variable: string) {
  return (node: CfgNode, before: ReturnedState | null): (ReturnedState | null)[] => {
    let state = before;
    for (const event of node.events) {
      if (!touchesVariable(event, variable)) continue;
      state = null;
      if (event.type !== 'assign') continue;
      if (event.value.kind === 'constant' && event.value.mask === ZERO) state = { kind: 'zero', reason: { kind: 'set', row: event.row } };
      if (event.value.kind === 'call') state = { kind: 'call', name: event.value.call.name, row: event.value.call.row };
    }
    const atom = node.atom;
    if (node.kind !== 'branch' || atom?.kind !== 'test' || atom.key !== variable) return node.successors.map(() => state);
    return [atom.whenTrue, atom.whenFalse].map((mask) => {
      if (mask === ZERO) {
        const call = state?.kind === 'call' ? state : null;
        return { kind: 'zero' as const, reason: { kind: 'tested' as const, call: call?.name ?? null, callRow: call?.row ?? null, row: node.row } };
      }
      // The side where the variable cannot be 0: nothing is claimed there.
      return (mask & ZERO) === 0 ? null : state;
    });
  };
}

function singleReasons(reason: ZeroReason): SingleZeroReason[] {
  return reason.kind === 'mixed' ? reason.reasons : [reason];
}

function meetReturned(a: ReturnedState, b: ReturnedState): ReturnedState | null {
  if (sameState(a, b)) return a;
  if (a.kind === 'zero' && b.kind === 'zero') {
    const reasons = [...singleReasons(a.reason), ...singleReasons(b.reason)].filter(
      (reason, index, all) => all.findIndex((other) => sameState(other, reason)) === index,
    );
    return { kind: 'zero', reason: { kind: 'mixed', reasons: reasons.slice(0, 3) } };
  }
  return null;
}

/** Whether an event may change what `key` (`p`, `priv->buf`) holds. */
function touchesPointer(event: Event, key: string): boolean {
  const isField = key !== compactIdentifier(key);
  if (event.type === 'assign') return event.target.key === key || key.startsWith(`${event.target.key}->`) || key.startsWith(`${event.target.key}.`);
  if (event.type === 'kill') return event.key === key;
  // A field may be stored to by any call that reaches its structure.
  return isField && event.type === 'call';
}

function compactIdentifier(key: string): string {
  return /^[A-Za-z_]\w*$/.test(key) ? key : '';
}

/** Which call's result `key` holds after a node. */
function storedPointerTransfer(key: string) {
  return (node: CfgNode, before: StoredPointer | null): (StoredPointer | null)[] => {
    let state = before;
    for (const event of node.events) {
      if (!touchesPointer(event, key)) continue;
      state = event.type === 'assign' && event.target.key === key && event.value.kind === 'call' ? { api: event.value.call.name, row: event.value.call.row } : null;
    }
    return node.successors.map(() => state);
  };
}

function meetStored(a: StoredPointer, b: StoredPointer): StoredPointer | null {
  return a.api === b.api && a.row === b.row ? a : null;
}

// ---------------------------------------------------------------------------------------------
// Failure tests

/** The test written at a branch's position: an IS_ERR() call, `p ==/!= NULL`, or `p` itself. */
function testNodeAt(definition: Node, branch: CfgNode, key: string, isErr: boolean): Node | null {
  let node: Node | null = definition.descendantForPosition({ row: branch.row, column: branch.column });
  let found: Node | null = null;
  while (node !== null && node.startPosition.row === branch.row && node.startPosition.column === branch.column) {
    if (isErr) {
      const [argument] = node.type === 'call_expression' ? callArguments(node) : [];
      if (calleeName(node) === 'IS_ERR' && argument !== undefined && valueKey(argument) === key) found = node;
    } else if (node.type === 'binary_expression') {
      const operator = node.childForFieldName('operator')?.text;
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      const tested = left && right && isNullLiteral(right) ? left : left && right && isNullLiteral(left) ? right : null;
      if ((operator === '==' || operator === '!=') && tested !== null && valueKey(tested) === key) found = node;
    } else if ((node.type === 'identifier' || node.type === 'field_expression') && valueKey(node) === key) {
      found = found ?? node;
    }
    if (node.id === definition.id) break;
    node = node.parent;
  }
  return found;
}

/**
 * The statement of the if that runs when `test` has the truth `truth`: up through
 * parentheses, `!`, `&&`, `||` and unlikely() to the if's condition. Null when the test is not
 * an if condition, or when the failure alone does not decide it (`if (!p && q)`).
 */
function blockTakenWhen(test: Node, truth: boolean): Node | null {
  let current = test;
  let value = truth;
  for (;;) {
    const parent = current.parent;
    if (parent === null) return null;
    switch (parent.type) {
      case 'parenthesized_expression':
      case 'cast_expression':
        break;
      case 'unary_expression':
        if (parent.childForFieldName('operator')?.text !== '!') return null;
        value = !value;
        break;
      case 'binary_expression': {
        const operator = parent.childForFieldName('operator')?.text;
        const isLeft = isField(parent, current, 'left');
        if (operator === '&&' && value && isLeft) return null;
        if (operator === '||' && !value && isLeft) return null;
        if (operator !== '&&' && operator !== '||') return null;
        break;
      }
      case 'argument_list': {
        const call = parent.parent;
        if (call === null || !TRANSPARENT_CALLS.has(calleeName(call) ?? '') || callArguments(call)[0]?.id !== current.id) return null;
        current = call;
        continue;
      }
      case 'if_statement': {
        if (!isField(parent, current, 'condition')) return null;
        if (value) return parent.childForFieldName('consequence');
        const alternative = parent.childForFieldName('alternative');
        return alternative?.namedChildren.find((child) => child !== null && child.type !== 'comment') ?? null;
      }
      default:
        return null;
    }
    current = parent;
  }
}

/** `n < 0` written at a branch's position. */
function negativeTestAt(definition: Node, branch: CfgNode, key: string): Node | null {
  let node: Node | null = definition.descendantForPosition({ row: branch.row, column: branch.column });
  while (node !== null && node.startPosition.row === branch.row && node.startPosition.column === branch.column) {
    if (node.type === 'binary_expression' && node.childForFieldName('operator')?.text === '<') {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      if (left !== null && right?.text === '0' && valueKey(left) === key) return node;
    }
    if (node.id === definition.id) break;
    node = node.parent;
  }
  return null;
}

function failureTestOf(definition: Node, branch: CfgNode): FailureTest | null {
  const atom = branch.atom;
  if (branch.kind !== 'branch' || atom?.kind !== 'test') return null;
  const isErr = atom.whenTrue === NEGATIVE && atom.whenFalse === (ZERO | POSITIVE);
  const nullIndex = atom.whenTrue === ZERO ? 0 : atom.whenFalse === ZERO ? 1 : -1;
  let kind: FailureTest['kind'] | null = isErr ? 'is-err' : nullIndex >= 0 ? 'null' : null;
  if (kind === null) return null;
  let node = testNodeAt(definition, branch, atom.key, kind === 'is-err');
  if (kind === 'is-err' && node?.type !== 'call_expression') {
    node = negativeTestAt(definition, branch, atom.key);
    kind = 'negative';
  }
  if (node === null) return null;
  const failureSuccessor = kind === 'null' ? nullIndex : 0;
  // successors[0] is taken when the tested expression is true.
  const block = blockTakenWhen(node, failureSuccessor === 0);
  return block === null ? null : { branch, kind, node, key: atom.key, block, failureSuccessor };
}

// ---------------------------------------------------------------------------------------------
// The failure side

/**
 * Every path from the failure side of `test`: it must leave the failure block by a goto or a
 * return (not by falling out of it, nor by break or continue), and end in `return v;` of one
 * plain local. Null when any path does something else or cannot be followed.
 */
function errorPathOf(cfg: Cfg, shown: ShownFunction, test: FailureTest): ErrorPath | null {
  const blockStart = test.block.startPosition.row;
  const blockEnd = test.block.endPosition.row;
  const start = test.branch.successors[test.failureSuccessor];
  const seen = new Set<string>();
  const queue: { id: number; jumped: boolean; from: CfgNode }[] = [{ id: start, jumped: false, from: test.branch }];
  const exits: CfgNode[] = [];
  const visited: CfgNode[] = [test.branch];
  let jump: CfgNode | null = null;
  for (let steps = 0; queue.length > 0; steps++) {
    if (steps > ERROR_PATH_STEPS) return null;
    const { id, jumped, from } = queue.shift() as { id: number; jumped: boolean; from: CfgNode };
    const node = cfg.nodes[id];
    if (!edgeShown(shown, from, node) || node.uncertain || node.id === test.branch.id) return null;
    if (!jumped && (node.row < blockStart || node.row > blockEnd)) return null;
    const state = `${id}:${jumped}`;
    if (seen.has(state)) continue;
    seen.add(state);
    visited.push(node);
    switch (node.kind) {
      case 'return':
        jump ??= node;
        exits.push(node);
        continue;
      case 'goto':
        jump ??= node;
        break;
      case 'statement':
      case 'branch':
      case 'switch':
      case 'join':
        break;
      case 'dead':
        continue;
      default:
        return null;
    }
    const nowJumped = jumped || node.kind === 'goto';
    for (const successor of node.successors) queue.push({ id: successor, jumped: nowJumped, from: node });
  }
  const variables = new Set(exits.map((exit) => (exit.returnValue?.kind === 'key' ? exit.returnValue.key : '')));
  const [variable] = variables;
  if (jump === null || variables.size !== 1 || !/^[A-Za-z_]\w*$/.test(variable)) return null;
  return { variable, jump, exits, visited };
}

// ---------------------------------------------------------------------------------------------
// The function

function returnsErrorCode(fn: CFunction): boolean {
  const declarator = fn.node.childForFieldName('declarator');
  if (declarator?.type !== 'function_declarator') return false;
  return ERROR_CODE_TYPES.has(fn.node.childForFieldName('type')?.text ?? '');
}

/**
 * A plain local integer: declared in the body, not a pointer, not handed to cleanup.h. When
 * the patch does not show the head of the function, a name declared nowhere in sight is taken
 * as a local whose declaration is hidden (a global of that name would be declared at file
 * scope, and an error code is not kept in one).
 */
function isLocalInteger(cfg: Cfg, definition: Node, body: Node, source: CSource, name: string): boolean {
  if (cfg.autoManaged.has(name) || cfg.parameters.includes(name)) return false;
  if (!cfg.locals.has(name)) return source.postLineOfRow(body.startPosition.row) === null && declarationOf(name, body) === null;
  for (const declaration of nodesOfType(definition, 'declaration')) {
    for (const declarator of declaration.childrenForFieldName('declarator')) {
      if (declarator === null) continue;
      const shape = declarator.type === 'init_declarator' ? declarator.childForFieldName('declarator') : declarator;
      if (shape?.type === 'identifier' && shape.text === name) return true;
    }
  }
  return false;
}

/** The function gives errnos elsewhere: `return -EINVAL;`, `ret = -ENOMEM;`, `return PTR_ERR(x);`. */
function carriesErrnos(cfg: Cfg, variable: string): boolean {
  return cfg.nodes.some(
    (node) =>
      (node.kind === 'return' && node.returnValue?.kind === 'constant' && node.returnValue.mask === NEGATIVE) ||
      node.events.some((event) => event.type === 'assign' && event.target.key === variable && event.value.kind === 'constant' && event.value.mask === NEGATIVE),
  );
}

/** Keys some node stores an allocator's result to (the only keys a NULL test is judged on). */
function allocatedKeys(cfg: Cfg): Set<string> {
  const keys = new Set<string>();
  for (const node of cfg.nodes) {
    for (const event of node.events) {
      if (event.type === 'assign' && event.value.kind === 'call' && ALLOCATORS.has(event.value.call.name)) keys.add(event.target.key);
    }
  }
  return keys;
}

/**
 * An integer API a negative errno comes out of, by the facts mined from the tree: `n < 0` of its
 * value is a failure. Optional lookups and property reads are left out: their -ENOENT or -EINVAL
 * often means "absent", and returning 0 for it may be deliberate.
 */
function failsWithErrno(api: string): boolean {
  if (/_optional\b|property/.test(api)) return false;
  return kernelIntegerFacts().integerConvention(api) === 'errno';
}

/** A name the text calls: followed by `(`, maybe after blanks, comments or the `)` of `(foo)(x)`. */
const CALLED_NAME = /(?<![\w$])([A-Za-z_]\w*)(?=(?:\s|\)|\/\*(?:[^*]|\*(?!\/))*\*\/|\/\/[^\n]*)*\()/g;

/**
 * The text calls a function failsWithErrno() accepts: an `n < 0` test is judged only on the
 * value of such a call, so without one no graph need be built for it.
 */
function callsErrnoApi(text: string): boolean {
  const seen = new Set<string>();
  for (const [, name] of text.matchAll(CALLED_NAME)) {
    if (seen.has(name)) continue;
    seen.add(name);
    if (failsWithErrno(name)) return true;
  }
  return false;
}

/** `&ret` anywhere (a pointer to it kept, not only passed): its value cannot be followed. */
function addressTaken(definition: Node, name: string): boolean {
  return new RegExp(`(?<!&)&\\s*${name}(?![\\w\\[.]|->)`).test(definition.text);
}

function firstStatement(body: Node): Node | undefined {
  return body.namedChildren.find((child): child is Node => child !== null && child.type !== 'comment');
}

/**
 * Whether the graph's entry is where the body really starts: the opening brace is shown, or
 * the head was cut and the first line shown begins a statement of the body's top level (not
 * inside a block the parser had to open, where a way around it exists that we cannot see).
 */
function startsShown(source: CSource, body: Node): boolean {
  if (source.postLineOfRow(body.startPosition.row) !== null) return true;
  const first = firstStatement(body);
  return first !== undefined && source.postLineOfRow(first.startPosition.row) !== null;
}

function shownStartRow(source: CSource, body: Node): number {
  if (source.postLineOfRow(body.startPosition.row) !== null) return body.startPosition.row;
  return firstStatement(body)?.startPosition.row ?? body.startPosition.row;
}

/** The function has rows the patch does not show (a cut head or tail, a gap between hunks). */
function shownInPart(source: CSource, body: Node): boolean {
  return !shownTogether(source, body.startPosition.row, body.endPosition.row);
}

/** The label nodes of a function shown in part: hidden code may jump to them. */
function labelsEnteredUnseen(source: CSource, definition: Node, body: Node, cfg: Cfg): Set<number> {
  if (!shownInPart(source, body)) return new Set();
  const labelRows = new Set(nodesOfType(definition, 'labeled_statement').map((label) => label.startPosition.row));
  return new Set(cfg.nodes.filter((node) => node.kind === 'join' && labelRows.has(node.row)).map((node) => node.id));
}

interface MissingCode {
  test: FailureTest;
  path: ErrorPath;
  reason: ZeroReason;
  stored: StoredPointer | null;
}

/** Loggers at debug level: what they report is no error (`ext4_debug("Dir ... not found")`, `DP_DEBUG(..., "Extra PBL is not allocated")`). */
const DEBUG_LOG = /^(?:pr_debug|\w+_dbg|\w+_debug|\w+_DEBUG|DP_DEBUG)$/;
/** A comment that says the failure is let pass: p54_set_key()'s "we just pretend that the upload was successful". */
const TOLERATED = /\bpretend\b|\bon purpose\b|\bdeliberately\b|\bnot (?:a |an )?(?:hard |fatal )?(?:fatal|error|problem|failure)\b|\bnon-?fatal\b|\bsuccess anyway\b/i;

function logsAtDebugLevel(block: Node): boolean {
  return nodesOfType(block, 'call_expression').some((call) => DEBUG_LOG.test(calleeName(call) ?? ''));
}

/**
 * The failure block logs the failure at debug level only, in a function that never logs an
 * error it returns at that level (ext4_fc_replay_link_internal() sets -ENOMEM beside one), or
 * says in a comment that it lets the failure pass.
 */
function failureTolerated(block: Node, body: Node): boolean {
  if (nodesOfType(block, 'comment').some((comment) => TOLERATED.test(comment.text))) return true;
  // Or the comment above the steps whose failure it is (ext4_quota_on(): "If this fails, we return
  // success anyway since quotas are already enabled"), in the block around the test.
  const test = block.parent;
  const around = test?.parent;
  if (test !== null && around?.type === 'compound_statement' && around.namedChildren.some((child) => child?.type === 'comment' && child.endIndex <= test.startIndex && TOLERATED.test(child.text))) return true;
  if (!logsAtDebugLevel(block)) return false;
  return !nodesOfType(body, 'if_statement').some((statement) => {
    const consequence = statement.childForFieldName('consequence');
    return consequence !== null && logsAtDebugLevel(consequence) && /(?:=|return)\s*-E[A-Z]+\b/.test(consequence.text);
  });
}

/**
 * `src = create_object(i915, sz); if (IS_ERR(src)) return 0;`: a function that returns 0 outright
 * where a getter gives an ERR_PTR() treats such failures as nothing to report (a selftest that skips, a replay
 * that ignores what is gone), and does so on its other failures too.
 */
function returnsZeroOnFailure(body: Node): boolean {
  return nodesOfType(body, 'if_statement').some((statement) => {
    const consequence = statement.childForFieldName('consequence');
    const only = consequence?.type === 'compound_statement' ? consequence.namedChildren.filter((child) => child !== null && child.type !== 'comment') : consequence === null ? [] : [consequence];
    if (only.length !== 1 || only[0]?.type !== 'return_statement' || only[0].namedChildren[0]?.text !== '0') return false;
    const condition = compactText(statement.childForFieldName('condition')?.text ?? '');
    return /^\(IS_ERR(?:_OR_NULL)?\([^()]*\)\)$/.test(condition);
  });
}

function missingCodesIn(patch: PatchUnderReview, source: CSource, fn: CFunction, body: Node): MissingCode[] {
  const cfg = cfgOf(patch, source, fn, !startsShown(source, body));
  const shown: ShownFunction = { source, bodyRow: shownStartRow(source, body), enteredUnseen: labelsEnteredUnseen(source, fn.node, body, cfg) };
  const found: MissingCode[] = [];
  const allocated = allocatedKeys(cfg);
  const returnedFlows = new Map<string, Flow<ReturnedState>>();
  const storedFlows = new Map<string, Flow<StoredPointer>>();
  let skipsFailures: boolean | undefined;
  for (const branch of cfg.nodes) {
    const test = failureTestOf(fn.node, branch);
    if (test === null || (test.kind === 'null' && !allocated.has(test.key))) continue;
    let storedFlow = storedFlows.get(test.key);
    if (storedFlow === undefined) {
      storedFlow = solveForward(cfg, shown, null, storedPointerTransfer(test.key), meetStored);
      storedFlows.set(test.key, storedFlow);
    }
    const stored = storedFlow.get(branch.id) ?? null;
    if (test.kind === 'null' && (stored === null || !ALLOCATORS.has(stored.api))) continue;
    // `np = sdma->dev->of_node; if (IS_ERR(np) || !gpr_np) goto out;`: no call gave it, so no failure is known.
    if (test.kind === 'is-err' && (stored === null || ABSENCE_ERR_PTR_APIS.has(stored.api))) continue;
    if (test.kind === 'negative' && (stored === null || !failsWithErrno(stored.api))) continue;
    if (failureTolerated(test.block, body) || (skipsFailures ??= returnsZeroOnFailure(body))) continue;
    const path = errorPathOf(cfg, shown, test);
    if (path === null || !isLocalInteger(cfg, fn.node, body, source, path.variable) || addressTaken(fn.node, path.variable)) continue;
    const { variable } = path;
    if (path.visited.some((node) => node.events.some((event) => touchesVariable(event, variable)))) continue;
    // Loops are unrolled once: a variable set inside a loop may differ on a later pass.
    if (branch.loopDepth > 0 && cfg.nodes.some((node) => node.loopDepth > 0 && node.events.some((event) => touchesVariable(event, variable)))) continue;
    let returnedFlow = returnedFlows.get(variable);
    if (returnedFlow === undefined) {
      returnedFlow = solveForward(cfg, shown, null, returnedVariableTransfer(variable), meetReturned);
      returnedFlows.set(variable, returnedFlow);
    }
    const state = returnedFlow.get(branch.id) ?? null;
    if (state?.kind !== 'zero') continue;
    if (state.reason.kind !== 'tested' && !carriesErrnos(cfg, variable)) continue;
    // `cp = d_path(...); err = 0; if (IS_ERR(cp)) goto out;`: 0 chosen after the call, for its failure.
    if (stored !== null && singleReasons(state.reason).every((reason) => reason.kind === 'set' && reason.row > stored.row)) continue;
    found.push({ test, path, reason: state.reason, stored });
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Wording

function jumpText(jump: CfgNode, variable: string): string {
  return jump.kind === 'goto' ? `\`goto ${jump.callName ?? ''}\` returns \`${variable}\`` : `the function returns \`${variable}\``;
}

/** Where a 0 comes from: "from `ret = 0` at line 30", "from foo_init() at line 40", "after the test at line 55". */
function originText(source: CSource, reason: SingleZeroReason, variable: string): string {
  const at = (row: number): string => {
    const line = source.postLineOfRow(row);
    return line === null ? '' : ` at line ${line}`;
  };
  if (reason.kind === 'set') return `from \`${variable} = 0\`${at(reason.row)}`;
  if (reason.call === null || reason.callRow === null) {
    const line = source.postLineOfRow(reason.row);
    const test = line === null ? undefined : source.lineText(line)?.trim();
    return test !== undefined && /^if\s*\(.{1,40}\)$/.test(test) ? `after \`${test}\`${at(reason.row)}` : `after its test${at(reason.row)}`;
  }
  return `from ${reason.call}()${at(reason.callRow)}`;
}

function zeroText(source: CSource, reason: ZeroReason, variable: string): string {
  if (reason.kind !== 'mixed') return `which is still 0 ${originText(source, reason, variable)}`;
  const origins = reason.reasons.map((single) => originText(source, single, variable));
  return `which is 0 on every way here (${origins.join(', or ')})`;
}

function failureText(missing: MissingCode): string {
  const api = missing.stored?.api;
  if (missing.test.kind === 'null') return `When ${api ?? 'the allocation'}() fails here`;
  if (missing.test.kind === 'negative') return `When ${api ?? 'the call'}() fails here`;
  const subject = compactText(callArguments(missing.test.node)[0]?.text ?? 'the pointer');
  return api === undefined ? `When \`${subject}\` is an error pointer here` : `When ${api}() fails here`;
}

function remedyText(missing: MissingCode): string {
  const { variable, jump } = missing.path;
  const value =
    missing.test.kind === 'is-err'
      ? `PTR_ERR(${compactText(callArguments(missing.test.node)[0]?.text ?? '')})`
      : missing.test.kind === 'negative'
        ? compactText(missing.test.node.childForFieldName('left')?.text ?? missing.test.key)
        : (returnStyle(missing.stored?.api ?? '')?.errno ?? '-ENOMEM');
  return jump.kind === 'goto' ? `Please set \`${variable} = ${value};\` before the goto.` : `Please return ${value} here.`;
}

function callerText(fnName: string): string {
  return /probe/.test(fnName) ? 'the caller is told the probe succeeded' : `the caller is told ${fnName}() succeeded`;
}

function findingOf(source: CSource, fn: CFunction, missing: MissingCode): FindingDraft | null {
  const { test, path, reason } = missing;
  const testLine = postLineOf(source, test.node);
  const jumpLine = source.postLineOfRow(path.jump.row);
  const storeLine = missing.stored ? source.postLineOfRow(missing.stored.row) : null;
  const exitLines = path.exits.map((exit) => source.postLineOfRow(exit.row));
  const line = [testLine, jumpLine, storeLine, ...exitLines].find((candidate): candidate is number => candidate !== null && source.isAdded(candidate));
  if (line === undefined || testLine === null) return null;
  const comment = `${failureText(missing)}, ${jumpText(path.jump, path.variable)}, ${zeroText(source, reason, path.variable)}: ${callerText(fn.name)}. ${remedyText(missing)}`;
  const what = missing.test.kind === 'is-err' ? `${compactText(test.node.text)} holds` : `${missing.stored?.api ?? 'the allocation'}() fails`;
  const related: FindingDraft['related'] = [];
  if (line !== testLine) related.push({ file: source.file.path, line: testLine, note: `the failure test` });
  for (const single of singleReasons(reason)) {
    const zeroLine = source.postLineOfRow(single.kind === 'set' ? single.row : (single.callRow ?? single.row));
    if (zeroLine !== null) related.push({ file: source.file.path, line: zeroLine, note: `${path.variable} is 0 from here` });
  }
  const exitLine = exitLines.find((candidate): candidate is number => candidate !== null);
  if (exitLine !== undefined && exitLine !== line) related.push({ file: source.file.path, line: exitLine, note: `return ${path.variable};` });
  return {
    rule: ID,
    file: source.file.path,
    line,
    summary: `${fn.name}() returns 0 (\`${path.variable}\`) when ${what}`,
    comment,
    related,
  };
}

/** Whether a text can hold the bug: a failure test's call and a returned variable. */
function mayHoldMissingCodeText(text: string): boolean {
  return RETURN_OF_VARIABLE.test(text) && (text.includes('IS_ERR') || ALLOCATOR_CALL.test(text) || NEGATIVE_TEST.test(text));
}

/** Whether a function's text can hold the bug: as mayHoldMissingCodeText, with an `n < 0` test only where it calls an API it can judge. */
function mayHoldMissingCodeInFunction(text: string): boolean {
  return RETURN_OF_VARIABLE.test(text) && (text.includes('IS_ERR') || ALLOCATOR_CALL.test(text) || (NEGATIVE_TEST.test(text) && callsErrnoApi(text)));
}

/** Whether the lines the patch shows can hold the bug (read before the file is parsed). */
function mayHoldMissingCode(source: CSource): boolean {
  return mayHoldMissingCodeText(source.shownText);
}

export const missingErrorCode: Rule = {
  meta: {
    id: ID,
    severity: 'error',
    summary: 'An error path that returns a variable still 0',
    why:
      'A function that returns an int error code finds that an allocation failed, or that a getter gave an ERR_PTR(), and jumps to its error exit, ' +
      'but the variable that exit returns was never set on this path: it still holds the 0 of an earlier success (`ret = foo_init(); if (ret) return ret;` leaves ret 0) or of its initialiser. ' +
      'The caller is told the call succeeded: a probe that failed is taken as bound, and the half-initialised device is used later. ' +
      'smatch reports these as "missing error code"; fixes land every week.',
    example: 'ret = foo_init(priv);\nif (ret)\n\treturn ret;\npriv->buf = kzalloc(size, GFP_KERNEL);\nif (!priv->buf)\n\tgoto err_free;\n...\nerr_free:\n\tkfree(priv);\n\treturn ret;',
    useInstead: 'priv->buf = kzalloc(size, GFP_KERNEL);\nif (!priv->buf) {\n\tret = -ENOMEM;\n\tgoto err_free;\n}',
    limits:
      'Only functions returning int, long or ssize_t, whose error exit returns a plain local (`return ret;`), and only three failure tests: a NULL test of a pointer that holds, on every way in, the result of an allocator of the table (kmalloc(), devm_kzalloc(), ioremap()... in src/analysis/return-styles.ts with -ENOMEM), and IS_ERR() of anything but the getters whose error pointer often means "absent" (regulator_get_optional(), nvmem cells, debugfs). ' +
      'A third: `n < 0` of a value that holds, on every way in, the result of a call the facts mined from the kernel tree say a negative errno comes out of (data/kernel-facts-integer.json), but not optional lookups or property reads. ' +
      'NULL from a lookup (of_get_child_by_name(), platform_get_resource()) is left alone: an absent optional thing often returns 0 on purpose. ' +
      'The variable must be 0 on every way into the test (set to 0, or tested `if (ret)` and found 0); a value from a call tested only with `< 0` may be positive and is not judged. A 0 set after the call whose failure is tested (`cp = d_path(...); err = 0; if (IS_ERR(cp))`) was chosen for that failure and is not judged either. ' +
      'The failure side must leave its if block by goto or return (break, continue and falling through are recovery, not an error exit), and every path from it must return the variable without assigning it or passing its address or passing it to a macro. ' +
      'A test inside a loop whose body sets the variable is not judged (loops are followed once), nor any step over lines the patch does not show. ' +
      'The finding goes on the test, else on the goto, the store or the return when the patch adds only those.',
  },
  check(context: RuleContext): FindingDraft[] {
    const findings: FindingDraft[] = [];
    const sources = context.current.sources.filter((source): source is CSource => source.kind === 'c' && mayHoldMissingCode(source));
    if (sources.length === 0) return findings;
    for (const source of sources) {
      const reported = new Set<string>();
      for (const fn of source.functions) {
        const body = fn.node.childForFieldName('body');
        if (fn.name === '' || body === null || !returnsErrorCode(fn) || !hasAddedLine(source, fn)) continue;
        // The graph is built only for a function whose own text holds a failure test's call and a returned variable.
        if (!mayHoldMissingCodeInFunction(fn.node.text)) continue;
        for (const missing of missingCodesIn(context.current, source, fn, body)) {
          const finding = findingOf(source, fn, missing);
          const key = finding === null ? '' : `${finding.line}:${finding.summary}`;
          if (finding === null || reported.has(key)) continue;
          reported.add(key);
          findings.push(finding);
        }
      }
    }
    return findings;
  },
};
