/**
 * unwind-skipped: a new error exit that does not unwind the way the error exits around it do.
 * The reviewer's heuristic for a hunk that shows only part of a function: the acquire is far
 * above, out of view, but its neighbours say what is held here — they jump to an unwind label,
 * or release something before returning, and the added exit does not.
 */
import type { CFunction, CSource, Node } from '../model/source.js';
import type { FindingDraft, Rule, RuleContext } from './rule.js';
import { callArguments, calleeName, nodesOfType } from '../parsers/c-syntax.js';
import { postLineOf } from '../parsers/source-lines.js';
import { hasAddedLine, shownInPart } from '../analysis/ownership/patch-analysis.js';
import { nameSuggestsCountRelease, nameSuggestsRelease, releaseApi } from '../analysis/ownership/resources.js';

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

function errorExitsOf(source: CSource, fn: CFunction): ErrorExit[] {
  const exits: ErrorExit[] = [];
  for (const statement of nodesOfType(fn.node, ['goto_statement', 'return_statement'])) {
    const line = postLineOf(source, statement);
    if (line === null) continue;
    if (statement.type === 'return_statement' && !returnsError(statement)) continue;
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
    exits.push({ node: statement, line, startLine, label, releases, releasedArguments, parentId: block === null ? null : parentId, added: source.isAdded(line) });
  }
  return exits.sort((a, b) => a.line - b.line);
}

/** What the exits are compared over, read once per function: its labels and its calls, by line. */
interface FunctionShape {
  labelLines: number[];
  calls: { line: number; isRelease: boolean; arguments: string[] }[];
}

function shapeOf(source: CSource, fn: CFunction): FunctionShape {
  const labelLines = nodesOfType(fn.node, 'labeled_statement')
    .map((labeled) => postLineOf(source, labeled))
    .filter((line): line is number => line !== null);
  const calls: FunctionShape['calls'] = [];
  for (const call of nodesOfType(fn.node, 'call_expression')) {
    const line = postLineOf(source, call);
    if (line === null) continue;
    calls.push({ line, isRelease: isReleaseCall(calleeName(call) ?? ''), arguments: callArguments(call).map((argument) => argument.text.replace(/^&/, '')) });
  }
  return { labelLines, calls };
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

/** The arguments, as written, of the calls between two lines (exclusive). */
function callArgumentsBetween(shape: FunctionShape, from: number, to: number): Set<string> {
  return new Set(shape.calls.filter((call) => call.line > from && call.line < to).flatMap((call) => call.arguments));
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

function findingFor(source: CSource, shape: FunctionShape, exits: ErrorExit[], index: number): FindingDraft | null {
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
  const previous = exits.slice(0, index).reverse().find((other) => !other.added);
  const next = exits.slice(index + 1).find((other) => !other.added);
  const usable = (other: ErrorExit | undefined): other is ErrorExit =>
    other !== undefined &&
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
    const stepArguments = callArgumentsBetween(shape, exit.line, next.startLine);
    if (!next.releasedArguments.some((argument) => stepArguments.has(argument))) neighbours.push(next);
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
          : `This goto jumps to ${exit.label}, but the error path at line ${where}, right after it, goes to ${first.label}. Doesn't it skip what ${first.label} undoes?`,
      related: neighbours.map((other) => ({ file: source.file.path, line: other.line, note: `goes to ${first.label}` })),
    };
  }
  if (first.label === null && first.releases.length > 0 && exit.label === null) {
    const calls = first.releases.map((name) => `${name}()`).join(', ');
    return {
      rule: ID,
      file: source.file.path,
      line: exit.line,
      summary: `this error return skips the ${calls} the error path at line ${first.line} makes`,
      comment: `The error path at line ${first.line} calls ${calls} before returning; this return does not. Is that needed here too?`,
      related: [{ file: source.file.path, line: first.line, note: `calls ${calls} before returning` }],
    };
  }
  return null;
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
        if (fn.name === '' || !hasAddedLine(source, fn) || !shownInPart(source, fn)) continue;
        const exits = errorExitsOf(source, fn);
        if (!exits.some((exit) => exit.added)) continue;
        const shape = shapeOf(source, fn);
        exits.forEach((exit, index) => {
          if (!exit.added) return;
          const finding = findingFor(source, shape, exits, index);
          if (finding) findings.push(finding);
        });
      }
    }
    return findings;
  },
};
