/**
 * unwind-skipped: a new error exit that does not unwind the way the error exits around it do.
 * The reviewer's heuristic for a hunk that shows only part of a function: the acquire is far
 * above, out of view, but its neighbours say what is held here — they jump to an unwind label,
 * or release something before returning, and the added exit does not.
 */
import type { CFunction, CSource, Node } from '../model/source.js';
import type { FindingDraft, Rule, RuleContext } from './rule.js';
import { callArguments, calleeName, nodeContains, nodesOfType } from '../parsers/c-syntax.js';
import { FRAGMENT_FUNCTION } from '../parsers/c-context.js';
import { postLineOf } from '../parsers/source-lines.js';
import { analysePatch, hasAddedLine, shownInPart } from '../analysis/ownership/patch-analysis.js';
import { acquireApi, nameSuggestsCountRelease, nameSuggestsRelease, releaseApi, type AcquireApi } from '../analysis/ownership/resources.js';

const ID = 'unwind-skipped';

interface ErrorExit {
  node: Node;
  line: number;
  /** First line of the exit's if statement (its own line when the if is not shown). */
  startLine: number;
  /** The label of a goto; null for a return. */
  label: string | null;
  /** Release-like calls in the exit's own block, before it (`of_node_put(np); return ret;`). */
  releases: string[];
  /** Their arguments, as written. */
  releasedArguments: string[];
  /** The block the exit's if (or the exit, when its if is not shown) stands in. */
  parentId: number | null;
  added: boolean;
  /** A `return 0;`: not an error exit, but it must not leave a lock held either. */
  success: boolean;
}

const RELEASE_KINDS = ['reference', 'memory', 'lock', 'module', 'completion'] as const;

function isReleaseCall(name: string): boolean {
  return releaseApi(name) !== undefined || nameSuggestsCountRelease(name) || RELEASE_KINDS.some((kind) => nameSuggestsRelease(name, kind));
}

/** A `return 0;` or `return 1;` is a success; `return;`, `return NULL;` and the rest may be an error exit. */
function returnsError(statement: Node): boolean {
  const value = statement.namedChildren.find((child) => child !== null && child.type !== 'comment') ?? null;
  return value === null || !/^\(?\s*(?:0|1|true|false)\s*\)?$/.test(value.text);
}

/** Labels that loop back (`goto retry;`) rather than unwind. */
const BACKWARD_LABEL = /^(?:retry|again|restart|repeat|redo|loop|next|top|start)\w*$/i;

/** The if whose consequence holds `statement`, and the statements of that block before it. */
function guardingBlock(statement: Node): { ifStatement: Node; before: Node[] } | null {
  let child: Node = statement;
  let parent = statement.parent;
  const before: Node[] = [];
  if (parent?.type === 'compound_statement') {
    for (const sibling of parent.namedChildren) {
      if (sibling === null || sibling.id === statement.id) break;
      before.push(sibling);
    }
    child = parent;
    parent = parent.parent;
  }
  if (parent?.type !== 'if_statement' || parent.childForFieldName('consequence')?.id !== child.id) return null;
  return { ifStatement: parent, before };
}

/** The function's exits the patch shows: gotos, and returns inside an if (a success return is marked). */
function exitsOf(source: CSource, fn: CFunction): ErrorExit[] {
  const exits: ErrorExit[] = [];
  for (const statement of nodesOfType(fn.node, ['goto_statement', 'return_statement'])) {
    const line = postLineOf(source, statement);
    if (line === null) continue;
    const success = statement.type === 'return_statement' && !returnsError(statement);
    const label = statement.type === 'goto_statement' ? (statement.childForFieldName('label')?.text ?? null) : null;
    if (label !== null && BACKWARD_LABEL.test(label)) continue;
    const block = guardingBlock(statement);
    // A goto is an exit wherever it stands (its if may be above the hunk); a return only in an if.
    if (block === null && label === null) continue;
    const releaseCalls = (block?.before ?? []).flatMap((node) => nodesOfType(node, 'call_expression')).filter((call) => isReleaseCall(calleeName(call) ?? ''));
    const releases = releaseCalls.map((call) => calleeName(call) ?? '');
    const releasedArguments = releaseCalls.flatMap((call) => callArguments(call).map((argument) => argument.text));
    const startLine = (block && postLineOf(source, block.ifStatement)) ?? line;
    const parentId = (block?.ifStatement ?? statement).parent?.id ?? null;
    exits.push({ node: statement, line, startLine, label, releases, releasedArguments, parentId: block === null ? null : parentId, added: source.isAdded(line), success });
  }
  exits.push(...cutErrorBlocks(source, fn));
  return exits.sort((a, b) => a.line - b.line);
}

/**
 * An if block the hunk cuts before its exit, that starts by releasing something
 * (`if (ret) {` / `clk_disable_unprepare(priv->clk);` and no more lines): the error path of
 * the step above it, whose goto or return the patch does not show. What it releases is held
 * before that step.
 */
function cutErrorBlocks(source: CSource, fn: CFunction): ErrorExit[] {
  const blocks: ErrorExit[] = [];
  for (const ifStatement of nodesOfType(fn.node, 'if_statement')) {
    const consequence = ifStatement.childForFieldName('consequence');
    const startLine = postLineOf(source, ifStatement);
    if (consequence?.type !== 'compound_statement' || startLine === null || source.postLineOfRow(consequence.endPosition.row) !== null) continue;
    if (ifStatement.childForFieldName('alternative') !== null) continue;
    if (nodesOfType(consequence, ['goto_statement', 'return_statement', 'if_statement']).length > 0) continue;
    // The error branch of the step right above it: its condition tests what that step set (`ret = foo(); if (ret) {`).
    const step = statementBefore(ifStatement);
    const condition = ifStatement.childForFieldName('condition');
    const stepResult = step?.type === 'expression_statement' && step.namedChildren[0]?.type === 'assignment_expression' ? step.namedChildren[0].childForFieldName('left') : null;
    if (stepResult == null || condition === null || !mentions(condition, stepResult.text)) continue;
    const statements = consequence.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment');
    const first = statements[0]?.type === 'expression_statement' ? statements[0].namedChildren[0] : undefined;
    if (first?.type !== 'call_expression') continue;
    const releaseCalls = statements
      .map((statement) => (statement.type === 'expression_statement' ? statement.namedChildren[0] : null))
      .filter((call): call is Node => call?.type === 'call_expression' && isReleaseCall(calleeName(call) ?? ''));
    if (releaseCalls.length === 0 || releaseCalls[0].id !== first.id) continue;
    const line = postLineOf(source, first);
    if (line === null || source.isAdded(line)) continue;
    blocks.push({
      node: consequence,
      line,
      startLine,
      label: null,
      releases: releaseCalls.map((call) => calleeName(call) ?? ''),
      releasedArguments: releaseCalls.flatMap((call) => callArguments(call).map((argument) => argument.text)),
      parentId: ifStatement.parent?.id ?? null,
      added: false,
      success: false,
    });
  }
  return blocks;
}

/** The statement before `statement` in its block, skipping comments: the step an if right after it tests. */
function statementBefore(statement: Node): Node | null {
  let before = statement.previousNamedSibling;
  while (before !== null && before.type === 'comment') before = before.previousNamedSibling;
  return before;
}

/** The expression `key` (`n`, `bridge->mutex`, written without `&` and blanks) appears in `node`. */
function mentions(node: Node, key: string): boolean {
  const bare = key.replace(/^&/, '').replace(/\s+/g, '');
  return nodesOfType(node, ['identifier', 'field_expression', 'subscript_expression']).some((part) => part.text.replace(/\s+/g, '') === bare) || node.text.replace(/\s+/g, '') === bare;
}

/**
 * The exit is the failure path of what it tests (`if (!n) return -ENOMEM;` after `n = kvmalloc()`,
 * `if (ret) return ret;` after `ret = foo_init(dev)`): what that step took or was given is not
 * held on it, so an exit below that releases it says nothing about this one.
 */
function guardsStepOn(exit: ErrorExit, keys: string[]): boolean {
  const ifStatement = guardingBlock(exit.node)?.ifStatement;
  if (ifStatement === undefined) return false;
  const condition = ifStatement.childForFieldName('condition');
  const step = statementBefore(ifStatement);
  return keys.some((key) => (condition !== null && mentions(condition, key)) || (step?.type === 'expression_statement' && mentions(step, key)));
}

/** The exit is taken when a call succeeds (`if (foo_cancel(...) == 0) goto out_unblock;`): not an error path to compare with. */
function onSuccess(exit: ErrorExit): boolean {
  if (exit.node.type === 'compound_statement') return false;
  const condition = guardingBlock(exit.node)?.ifStatement.childForFieldName('condition');
  const test = condition?.namedChildren.find((child) => child !== null && child.type !== 'comment');
  if (test?.type !== 'binary_expression' || test.childForFieldName('operator')?.text !== '==') return false;
  return test.childForFieldName('left')?.type === 'call_expression' && test.childForFieldName('right')?.text === '0';
}

/** What the exits are compared over, read once per function: its labels and its calls, by line. */
interface FunctionShape {
  labelLines: number[];
  calls: { line: number; name: string; isRelease: boolean; arguments: string[] }[];
  /** What assignments store to (`buf` of `buf = kmalloc(...)`), by line. */
  assignments: { line: number; target: string }[];
}

function shapeOf(source: CSource, fn: CFunction): FunctionShape {
  const labelLines = nodesOfType(fn.node, 'labeled_statement')
    .map((labeled) => postLineOf(source, labeled))
    .filter((line): line is number => line !== null);
  const calls: FunctionShape['calls'] = [];
  for (const call of nodesOfType(fn.node, 'call_expression')) {
    const line = postLineOf(source, call);
    if (line === null) continue;
    const name = calleeName(call) ?? '';
    calls.push({ line, name, isRelease: isReleaseCall(name), arguments: callArguments(call).map((argument) => argument.text.replace(/^&/, '')) });
  }
  const assignments: FunctionShape['assignments'] = [];
  for (const assignment of nodesOfType(fn.node, 'assignment_expression')) {
    const line = postLineOf(source, assignment);
    const target = assignment.childForFieldName('left')?.text;
    if (line !== null && target !== undefined) assignments.push({ line, target });
  }
  return { labelLines, calls, assignments };
}

/** A label or a release-like call between two lines: the state there is not the state here. */
function stateChangesBetween(shape: FunctionShape, from: number, to: number): boolean {
  const [low, high] = from < to ? [from, to] : [to, from];
  const between = (line: number): boolean => line > low && line < high;
  return shape.labelLines.some(between) || shape.calls.some((call) => call.isRelease && between(call.line));
}

/** Tabs (a tab, or eight spaces) before a line's text. */
function depthOf(text: string): number {
  const indent = /^[\t ]*/.exec(text)?.[0] ?? '';
  return indent.replace(/ {8}/g, '\t').replace(/ /g, '').length;
}

/**
 * For an exit whose if the patch does not show: whether its if stands at the new exit's depth
 * (the exit is one level in from its if), going by indentation.
 */
function sameDepth(source: CSource, other: ErrorExit, exit: ErrorExit): boolean {
  const otherText = source.lineText(other.line);
  const exitText = source.lineText(exit.startLine);
  if (otherText === undefined || exitText === undefined) return false;
  return depthOf(otherText) - 1 === depthOf(exitText);
}

/**
 * What the step between two lines (exclusive) is given or sets: the arguments of its calls, as
 * written, and what it assigns (`buf = kmalloc(...)` takes `buf` there, not before).
 */
function stepOperands(shape: FunctionShape, from: number, to: number): Set<string> {
  const between = (line: number): boolean => line > from && line < to;
  return new Set([
    ...shape.calls.filter((call) => between(call.line)).flatMap((call) => call.arguments),
    ...shape.assignments.filter((assignment) => between(assignment.line)).map((assignment) => assignment.target),
  ]);
}

function what(exit: ErrorExit): string {
  return exit.label === null ? 'returns directly' : `goes to ${exit.label}`;
}

/** The release call that the statement right after the exit's if makes (`spin_unlock(&x->lock);`), if any. */
function releaseRightBelow(source: CSource, exit: ErrorExit): { name: string; line: number } | null {
  const block = guardingBlock(exit.node);
  if (block === null) return null;
  let after = block.ifStatement.nextNamedSibling;
  while (after !== null && after.type === 'comment') after = after.nextNamedSibling;
  if (after === null || after.type !== 'expression_statement') return null;
  const call = after.namedChildren[0];
  const name = call?.type === 'call_expression' ? calleeName(call) : null;
  const line = postLineOf(source, after);
  if (name === null || line === null || !isReleaseCall(name)) return null;
  return { name, line };
}

function findingFor(source: CSource, fn: CFunction, shape: FunctionShape, exits: ErrorExit[], index: number): FindingDraft | null {
  const exit = exits[index];
  if (exit.releases.length > 0) return null;
  const below = releaseRightBelow(source, exit);
  if (below !== null) {
    const kind = exit.node.type === 'goto_statement' ? 'goto' : 'return';
    return {
      rule: ID,
      file: source.file.path,
      line: exit.line,
      summary: `this error ${kind} skips the ${below.name}() just below it`,
      comment: `This ${kind} leaves before the ${below.name}() at line ${below.line}, which the path that goes on makes. Shouldn't it call ${below.name}() too?`,
      related: [{ file: source.file.path, line: below.line, note: `${below.name}() here` }],
    };
  }
  const held = heldFindingFor(source, fn, shape, exit);
  if (held !== null) return held;
  const previous = exits.slice(0, index).reverse().find((other) => !other.added);
  const next = exits.slice(index + 1).find((other) => !other.added);
  const usable = (other: ErrorExit | undefined): other is ErrorExit =>
    other !== undefined &&
    !onSuccess(other) &&
    (other.parentId === null ? sameDepth(source, other, exit) : other.parentId === exit.parentId) &&
    !stateChangesBetween(shape, other.line < exit.line ? other.line : exit.line, other.line < exit.line ? exit.startLine : other.startLine);
  // A goto is judged against the exit below, in the same block: if the step that exit guards
  // fails, what is held is what is held here, so its label is the one to take. A direct return is
  // judged against the exit above: after its step succeeded more may be held, so it shows only
  // that something is held, which the return skips. (Not against the exit below: its step may
  // take something even when it fails, as phy_save_page() and pm_runtime_get_sync() do.)
  const neighbours = (exit.label === null ? [previous] : [next]).filter(usable);
  // ...unless the exit below releases something its own step was not given (the clock, when the
  // step registers the adapter): that was held before the step, so it is held here.
  if (exit.label === null && neighbours.length === 0 && usable(next) && next.label === null && next.releases.length > 0) {
    const operands = stepOperands(shape, exit.line, next.startLine);
    const takenBelow = next.releasedArguments.some((argument) => operands.has(argument.replace(/^&/, '')));
    // `return dentry;` above `dput(dentry); return ERR_PTR(-EINVAL);`: it hands the thing to its caller.
    const value = exit.node.type === 'return_statement' ? exit.node.namedChildren.find((child): child is Node => child !== null && child.type !== 'comment') : undefined;
    const returnsIt = value !== undefined && next.releasedArguments.some((argument) => mentions(value, argument));
    if (!takenBelow && !returnsIt && !guardsStepOn(exit, next.releasedArguments)) neighbours.push(next);
  }
  // A return right before a step whose error path goes to a label named for a release
  // (`goto error_disable_vref`): that label undoes what was held before the step, so it is
  // held here too, unless the step takes something itself even when it fails. Not when this
  // return is the failure of a step that takes something (`result = i2c_mux_add_adapter(...)`:
  // the label may undo that), nor when it tests what the label releases (`if (!skb) return;`
  // before `goto free_skb`: there is nothing to free yet).
  if (exit.label === null && neighbours.length === 0 && usable(next) && next.label !== null && labelNamesWhatItReleases(next.label) && !stepTakes(shape, exit.line, next.line)) {
    const ifStatement = guardingBlock(exit.node)?.ifStatement;
    const step = ifStatement === undefined ? null : statementBefore(ifStatement);
    const stepLine = step?.type === 'expression_statement' ? postLineOf(source, step) : null;
    const failureOfTakingStep = stepLine !== null && stepTakes(shape, stepLine - 1, exit.startLine);
    if (!failureOfTakingStep && !guardsStepOn(exit, labelObjects(next.label))) neighbours.push(next);
  }
  // A goto right after an exit that goes to an unlock label (`goto unlock;`), with nothing
  // between them: the same lock is held, but this one jumps to a label that says nothing of
  // releasing anything (`error:`, `out:`), which in a ladder sits below the unlock.
  if (exit.label !== null && neighbours.length === 0 && usable(previous) && previous.label !== null && previous.label !== exit.label) {
    const condition = guardingBlock(exit.node)?.ifStatement.childForFieldName('condition') ?? null;
    const testsOnly = condition !== null && nodesOfType(condition, 'call_expression').length === 0;
    // Only a label that says nothing but "error" (`error:`, `out:`), which a ladder keeps at its
    // bottom: one with a name of its own (`queue_ack:`) may sit above the unlock and fall into it.
    const generic = labelWords(exit.label).every((word) => GENERIC_LABEL_WORDS.has(word));
    if (testsOnly && generic && labelWords(previous.label).includes('unlock') && adjacent(previous, exit)) neighbours.push(previous);
  }
  if (neighbours.length === 0) return null;
  // The neighbours must agree with each other, and disagree with the new exit.
  const [first] = neighbours;
  if (neighbours.some((other) => other.label !== first.label || other.releases.join() !== first.releases.join())) return null;
  if (first.label !== null && first.label !== exit.label) {
    const where = neighbours.map((other) => other.line).join(' and ');
    return {
      rule: ID,
      file: source.file.path,
      line: exit.line,
      summary: `this error exit ${what(exit)}, the ones around it go to ${first.label}`,
      comment:
        exit.label === null
          ? `This return skips the unwind: the error path at line ${where} goes to ${first.label}. Shouldn't this one go there too?`
          : `This goto jumps to ${exit.label}, but the error path at line ${where}, right ${first.line < exit.line ? 'before' : 'after'} it, goes to ${first.label}. Doesn't it skip what ${first.label} undoes?`,
      related: neighbours.map((other) => ({ file: source.file.path, line: other.line, note: `goes to ${first.label}` })),
    };
  }
  if (first.label === null && first.releases.length > 0 && exit.label === null) {
    const calls = first.releases.map((name) => `${name}()`).join(', ');
    const written = releaseCallsText(source, first);
    return {
      rule: ID,
      file: source.file.path,
      line: exit.line,
      summary: `this error return skips the ${calls} the error path at line ${first.line} makes`,
      comment: `The error path at line ${first.line} calls ${written}; this return does not. Isn't that needed here too?`,
      related: [{ file: source.file.path, line: first.line, note: `calls ${calls} before returning` }],
    };
  }
  return null;
}

/** Words of a label that say what it undoes (`err_disable_clk`, `out_unlock`, `free_irq`). */
const RELEASE_LABEL_WORDS = new Set([
  'unlock', 'put', 'free', 'kfree', 'vfree', 'disable', 'unprepare', 'release', 'unmap', 'iounmap', 'unregister', 'unreg',
  'destroy', 'dealloc', 'deinit', 'uninit', 'del', 'delete', 'remove', 'detach', 'assert', 'unpin', 'close', 'poweroff',
]);

function labelWords(label: string): string[] {
  return label
    .toLowerCase()
    .split('_')
    .map((word) => word.replace(/\d+$/, ''))
    .filter((word) => word !== '');
}

const FAILURE_WORDS = new Set(['fail', 'failed', 'failure', 'err', 'error']);

/** The words of a label that name what it releases (`skb` of `free_skb`, `vref` of `error_disable_vref`). */
function labelObjects(label: string): string[] {
  return labelWords(label).filter((word) => !RELEASE_LABEL_WORDS.has(word) && !GENERIC_LABEL_WORDS.has(word));
}

const GENERIC_LABEL_WORDS = new Set(['err', 'error', 'out', 'fail', 'failed', 'exit', 'bail', 'done', 'end', 'cleanup', 'abort']);

/**
 * The label says what it releases: `error_disable_vref`, `err_put_node`, `out_unlock` (a bare
 * `disable:` may turn a feature off rather than release anything).
 */
function labelNamesWhatItReleases(label: string): boolean {
  const words = labelWords(label);
  // `nla_put_failure`, `put_failed`: named for the step that failed, not for a release.
  if (FAILURE_WORDS.has(words[words.length - 1] ?? '')) return false;
  if (words.includes('unlock')) return true;
  return words.some((word) => RELEASE_LABEL_WORDS.has(word)) && words.some((word) => !RELEASE_LABEL_WORDS.has(word) && !GENERIC_LABEL_WORDS.has(word));
}

/** Words of a call that may take something even when it fails, or that takes what the label below undoes. */
const TAKING_WORDS = new Set([
  'get', 'lock', 'trylock', 'save', 'enable', 'resume', 'acquire', 'hold', 'grab', 'claim', 'request', 'begin', 'enter', 'start',
  'prepare', 'alloc', 'map', 'register', 'add', 'create', 'attach', 'install',
]);

/** The calls between two lines (exclusive) take something (`pm_runtime_get_sync()`, `phy_save_page()`). */
function stepTakes(shape: FunctionShape, from: number, to: number): boolean {
  return shape.calls.some(
    (call) => call.line > from && call.line < to && (acquireApi(call.name) !== undefined || call.name.toLowerCase().split('_').some((word) => TAKING_WORDS.has(word))),
  );
}

/** Nothing stands between the statement holding one exit and the if of the next: the same things are held at both. */
function adjacent(earlier: ErrorExit, later: ErrorExit): boolean {
  const laterStatement = guardingBlock(later.node)?.ifStatement ?? later.node;
  const block = laterStatement.parent;
  if (block === null) return false;
  let top: Node | null = earlier.node;
  while (top !== null && top.parent?.id !== block.id) top = top.parent;
  if (top === null) return false;
  let after = top.nextNamedSibling;
  while (after !== null && after.type === 'comment') after = after.nextNamedSibling;
  return after?.id === laterStatement.id;
}

interface HeldInView {
  api: AcquireApi;
  text: string;
  line: number;
  /** The argument naming what it takes, as written without `&` (null for rcu_read_lock()). */
  carrierKey: string | null;
}

/** Function names that take something for their caller (`foo_lock()`, `foo_get_sync()`): they return holding it. */
const TAKES_FOR_CALLER = /(?:^|_)lock(?:_|$)|lock$|_seq_(?:start|next)$|(?:^|_)(?:get|hold|grab|acquire|enable|begin|start|enter)(?:_(?:sync|irq|irqsave|bh|nested|shared|read|write|ref|noresume))?$/;

/**
 * A lock or a count the hunk shows being taken above a return, in a block the return stands in,
 * with no release and no label between (`inode_lock_shared(inode);` ... `return 0;`): the
 * return leaves with it held, whatever it returns.
 */
function heldFromView(source: CSource, fn: CFunction, shape: FunctionShape, exit: ErrorExit): HeldInView | null {
  if (exit.releases.length > 0 || TAKES_FOR_CALLER.test(fn.name)) return null;
  let found: HeldInView | null = null;
  for (const call of nodesOfType(fn.node, 'call_expression')) {
    const api = acquireApi(calleeName(call) ?? '');
    const statement = call.parent;
    if (api === undefined || statement?.type !== 'expression_statement' || (api.kind !== 'lock' && api.count === undefined)) continue;
    if (api.failure !== 'never' && api.count === undefined) continue;
    // A count may be kept on success on purpose (taken in prepare(), dropped in complete()); a lock is not.
    if (api.kind !== 'lock' && exit.success) continue;
    const line = postLineOf(source, call);
    if (line === null || line >= exit.startLine || (found !== null && found.line > line)) continue;
    // The block the acquire stands in holds the exit: every path to the exit passed it.
    const block = statement.parent;
    if (!nodeContains(block, exit.node)) continue;
    const carrierNode = typeof api.carrier === 'number' ? callArguments(call)[api.carrier] : undefined;
    found = { api, text: call.text.replace(/\s+/g, ' '), line, carrierKey: carrierNode?.text.replace(/^&/, '') ?? null };
  }
  if (found === null) return null;
  const acquiredAt = found.line;
  // `spin_unlock(&b->lock); p = kzalloc(...); spin_lock(&b->lock);`: the function is entered holding it.
  const carrier = typeof found.api.carrier === 'number' ? found.carrierKey : null;
  if (carrier !== null && shape.calls.some((call) => call.isRelease && call.line < acquiredAt && call.arguments.includes(carrier))) return null;
  // `rcu_read_unlock(); ... spin_lock_bh(it->lock); ... return entry;`: a function that trades
  // one lock for another hands them on by its own rules (a seq_file iterator does).
  if (shape.calls.some((call) => call.line < acquiredAt && releaseApi(call.name)?.kind === 'lock')) return null;
  if (shape.labelLines.some((line) => line > acquiredAt && line < exit.line)) return null;
  if (shape.calls.some((call) => call.isRelease && call.line > acquiredAt && call.line <= exit.line)) return null;
  return found;
}

function heldFindingFor(source: CSource, fn: CFunction, shape: FunctionShape, exit: ErrorExit): FindingDraft | null {
  const held = exit.label === null ? heldFromView(source, fn, shape, exit) : null;
  if (held === null) return null;
  return {
    rule: ID,
    file: source.file.path,
    line: exit.line,
    summary: `this return leaves with the ${held.api.noun} from ${held.text} at line ${held.line} still held`,
    comment: `${held.text} at line ${held.line} is not undone on this path: it returns with the ${held.api.noun} still held. Shouldn't it call ${held.api.release} first?`,
    related: [{ file: source.file.path, line: held.line, note: `${held.api.name}() here` }],
  };
}

/** The release calls of an exit's block as written (`clk_disable_unprepare(idev->i2c_clk)`). */
function releaseCallsText(source: CSource, exit: ErrorExit): string {
  const block = exit.node.type === 'compound_statement' ? exit.node : (guardingBlock(exit.node)?.ifStatement ?? exit.node);
  const texts = nodesOfType(block, 'call_expression')
    .filter((call) => isReleaseCall(calleeName(call) ?? '') && (postLineOf(source, call) ?? Infinity) <= exit.line)
    .map((call) => call.text.replace(/\s+/g, ' '));
  return texts.length > 0 ? texts.join(', ') : exit.releases.map((name) => `${name}()`).join(', ');
}

/**
 * A hunk whose heading names no function but a loop-back label (`@@ ... @@ retry:`) is read as a
 * fragment of a function: the body of a retry loop, above the unwind ladder. One below another
 * label (`err_fw:`) may be in the ladder itself, where exits unwind on purpose.
 */
function inRetryLoop(source: CSource, fn: CFunction): boolean {
  if (fn.node.childForFieldName('declarator')?.text.startsWith(FRAGMENT_FUNCTION) !== true) return false;
  const hunk = source.file.hunks.find((candidate) => candidate.newStart <= fn.endLine && candidate.newStart + candidate.newLines > fn.startLine);
  const label = /^\s*(\w+):\s*$/.exec(hunk?.sectionHeading ?? '')?.[1];
  return label !== undefined && BACKWARD_LABEL.test(label);
}

/**
 * The ownership analysis walked the function (its head may be cut, but no line inside it is
 * missing) and found a leak at this exit: its rules say so, with the acquire in hand.
 */
function judgedByOwnership(context: RuleContext, source: CSource, line: number): boolean {
  return analysePatch(context.current, context.series).leaks.some(
    (found) => found.source === source && found.leak.exit !== null && source.postLineOfRow(found.leak.exit.row) === line,
  );
}

/** The patch adds a line with a `goto` or a `return` (checked before any tree is read). */
function addsAnExit(source: CSource): boolean {
  return source.file.hunks.some((hunk) => hunk.lines.some((line) => line.kind === 'added' && /\b(?:goto|return)\b/.test(line.text)));
}

export const unwindSkipped: Rule = {
  meta: {
    id: ID,
    severity: 'warning',
    summary: 'A new error exit does not unwind the way the error exits around it do',
    why:
      'The usual bug in a patch that adds a check to an existing function: the new `if (ret) return ret;` (or a goto to the wrong label) sits between an acquire far above and its release at an unwind label, so the new path leaks a reference, memory, a lock, a clock enable or a runtime PM count. ' +
      'The acquire is often outside the three lines of context, but the error exits around the new one show what is held there: they jump to an unwind label, or release something before returning.',
    example:
      '\tret = foo_enable_clocks(priv);\n\tif (ret)\n\t\tgoto err_disable_clk;\n+\tret = foo_check_id(priv);\n+\tif (ret)\n+\t\treturn ret;\t/* the clocks stay enabled */\n\tret = foo_register(priv);\n\tif (ret)\n\t\tgoto err_disable_clk;',
    useInstead: '+\tret = foo_check_id(priv);\n+\tif (ret)\n+\t\tgoto err_disable_clk;',
    limits:
      'Runs only on functions the patch shows in part (the ownership rules judge whole functions, including those cptlint reads from the repository). ' +
      'Compares an added error exit (a goto, or a return of something other than 0, 1 or NULL, inside an if) with the nearest error exits the patch shows above and below it in the same function; they must agree with each other, and no label or release-like call may stand between them and the new exit. ' +
      'It cannot see what the labels undo: a new exit that rightly unwinds less (it comes before an acquire its neighbours follow) would need a label or a release between them to stay quiet.',
  },
  check(context: RuleContext): FindingDraft[] {
    const findings: FindingDraft[] = [];
    for (const source of context.current.sources) {
      // A file shown whole shows its functions whole: the ownership rules judge them.
      if (source.kind !== 'c' || source.file.postImage?.wholeFile || !addsAnExit(source)) continue;
      for (const fn of source.functions) {
        if ((fn.name === '' && !inRetryLoop(source, fn)) || !hasAddedLine(source, fn) || !shownInPart(source, fn)) continue;
        const allExits = exitsOf(source, fn);
        if (!allExits.some((exit) => exit.added)) continue;
        const shape = shapeOf(source, fn);
        const exits = allExits.filter((exit) => !exit.success);
        for (const exit of allExits) {
          if (!exit.added) continue;
          const finding = exit.success ? heldFindingFor(source, fn, shape, exit) : findingFor(source, fn, shape, exits, exits.indexOf(exit));
          if (finding && !judgedByOwnership(context, source, finding.line)) findings.push(finding);
        }
      }
    }
    return findings;
  },
};
