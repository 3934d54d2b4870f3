/**
 * System-sleep resume callbacks and the suspend callbacks they pair with. The PM core treats
 * the two as a pair that does not depend on the resume's result: when a system resume fails,
 * the core logs it and goes on, the device stays bound, and the next system suspend runs the
 * driver's suspend callback again. A runtime resume is different: after its failure the
 * device stays suspended and runtime_suspend is not called, so what it enabled leaks.
 */
import type { CSource } from '../../model/source.js';
import type { Node } from '../../model/source.js';
import { calleeName, callArguments, functionDefinitionName, lastFieldName, lastFieldOfKey, nodesOfType, stripParentheses } from '../../parsers/c-syntax.js';
import { releaseApi } from '../../analysis/ownership/resources.js';
import { acquireOfSite } from '../../analysis/ownership/engine.js';
import type { LeakInSource } from '../../analysis/ownership/patch-analysis.js';

/** `SIMPLE_DEV_PM_OPS(name, suspend, resume)` and its DEFINE_/EXPORT_ forms. */
const SIMPLE_OPS = /\b(?:DEFINE_|EXPORT_(?:NS_)?(?:GPL_)?)?SIMPLE_DEV_PM_OPS\s*\(\s*\w+\s*,\s*(\w+)\s*,\s*(\w+)\s*[,)]/g;
/** `SET_SYSTEM_SLEEP_PM_OPS(suspend, resume)`, LATE_ and NOIRQ_ forms. */
const SLEEP_OPS = /\b(?:SET_)?(?:LATE_|NOIRQ_)?SYSTEM_SLEEP_PM_OPS\s*\(\s*(\w+)\s*,\s*(\w+)\s*\)/g;
/** Forms that install a function as a runtime PM callback, or as both kinds at once. */
const RUNTIME_OPS = [
  /\b(?:SET_)?RUNTIME_PM_OPS\s*\(\s*(\w+)\s*,\s*(\w+)/g,
  /\b(?:UNIVERSAL_DEV_PM_OPS|(?:DEFINE_|EXPORT_(?:NS_)?(?:GPL_)?)RUNTIME_DEV_PM_OPS)\s*\(\s*\w+\s*,\s*(\w+)\s*,\s*(\w+)/g,
];
/** dev_pm_ops members: each system-sleep resume step and the suspend step it undoes. */
const RESUME_MEMBERS: Readonly<Record<string, string>> = {
  resume: 'suspend',
  resume_early: 'suspend_late',
  resume_noirq: 'suspend_noirq',
  thaw: 'freeze',
  restore: 'poweroff',
};

function designatorOf(pair: Node): string | null {
  const designator = pair.childrenForFieldName('designator').find((node) => node?.type === 'field_designator');
  return designator ? designator.text.replace(/^\./, '') : null;
}

function valueName(pair: Node): string | null {
  const value = pair.childForFieldName('value');
  if (!value) return null;
  const inner = stripParentheses(value);
  return inner.type === 'identifier' ? inner.text : null;
}

/** The system-sleep suspend callback paired with `resume`, or null when it is not one (or also a runtime one). */
export function pairedSuspendOf(source: CSource, resume: string): string | null {
  const text = source.shownText;
  if (!text.includes(resume)) return null;
  for (const pattern of RUNTIME_OPS) {
    for (const match of text.matchAll(pattern)) if (match.slice(1).includes(resume)) return null;
  }
  let suspend: string | null = null;
  for (const pattern of [SIMPLE_OPS, SLEEP_OPS]) {
    for (const match of text.matchAll(pattern)) if (match[2] === resume) suspend = match[1];
  }
  for (const pair of nodesOfType(source.tree.rootNode, 'initializer_pair')) {
    if (valueName(pair) !== resume) continue;
    const member = designatorOf(pair);
    if (member === 'runtime_resume') return null;
    const counterpart = member === null ? undefined : RESUME_MEMBERS[member];
    if (counterpart === undefined || pair.parent === null) continue;
    for (const sibling of pair.parent.namedChildren) {
      if (sibling?.type === 'initializer_pair' && designatorOf(sibling) === counterpart) suspend = valueName(sibling) ?? suspend;
    }
  }
  return suspend;
}

/** Whether the file calls `name()` anywhere but in its definition (a probe that calls its resume). */
function calledInFile(source: CSource, name: string): boolean {
  return nodesOfType(source.tree.rootNode, 'call_expression').some((call) => calleeName(call) === name);
}

/**
 * The releases `suspend` makes in statements of its body's top level, so on every path that
 * gets that far: `clk_disable(priv->clk)` or `ret = clk_disable(priv->clk)` gives ['clk_disable', 'clk'].
 * Also those under a call's answer about the device (`if (!device_may_wakeup(dev))`, which the
 * resume tested the same way when it enabled), and those of a helper of the file it calls there
 * (`inv_mpu_core_disable_regulator_vddio(st)`).
 */
function suspendReleases(source: CSource, suspend: string, depth = 0): { api: string; field: string }[] {
  const definition = nodesOfType(source.tree.rootNode, 'function_definition').find((node) => functionDefinitionName(node) === suspend);
  const body = definition?.childForFieldName('body');
  if (!body) return [];
  const releases: { api: string; field: string }[] = [];
  const visit = (statement: Node | null): void => {
    if (statement === null) return;
    if (statement.type === 'compound_statement' || statement.type === 'labeled_statement') {
      for (const child of statement.namedChildren) visit(child);
      return;
    }
    if (statement.type === 'if_statement') {
      const condition = statement.childForFieldName('condition');
      // Only a call's answer about the device (`device_may_wakeup(&client->dev)`), not a flag or a status.
      if (condition === null || !/^\(\s*!?\s*\w+\s*\([^()]*\)\s*\)$/.test(condition.text)) return;
      visit(statement.childForFieldName('consequence'));
      const alternative = statement.childForFieldName('alternative');
      // tree-sitter-c wraps the else branch in an else_clause.
      visit(alternative?.type === 'else_clause' ? (alternative.namedChildren[0] ?? null) : alternative);
      return;
    }
    if (statement.type !== 'expression_statement') return;
    // `clk_disable(priv->clk);` or `ret = regulator_disable(afe->regulator);`
    const expression = statement.namedChildren[0];
    const call = expression?.type === 'assignment_expression' ? expression.childForFieldName('right') : expression;
    if (call?.type !== 'call_expression') return;
    const api = calleeName(call);
    const release = api === null ? undefined : releaseApi(api);
    if (api !== null && release === undefined && depth === 0) {
      releases.push(...suspendReleases(source, api, depth + 1));
      return;
    }
    if (api === null || release === undefined || typeof release.carrier !== 'number') return;
    const argument = callArguments(call)[release.carrier];
    const field = argument ? lastFieldName(argument) : null;
    if (field !== null) releases.push({ api, field });
  };
  for (const statement of body.namedChildren) visit(statement);
  return releases;
}

/**
 * Whether a count that `resume` (a system-sleep resume callback) leaves held on an error exit is
 * dropped by its paired suspend callback whatever happened: the suspend releases the same field
 * with the same API on its straight-line path. Leaving it held keeps the count balanced for that
 * suspend; dropping it here would unbalance it.
 */
function droppedByPairedSuspend(source: CSource, resume: string, release: string, names: readonly string[]): boolean {
  const suspend = pairedSuspendOf(source, resume);
  if (suspend === null || calledInFile(source, resume)) return false;
  const api = release.replace(/\(\)$/, '');
  const fields = new Set(names.map(lastFieldOfKey).filter((field) => field !== null));
  return suspendReleases(source, suspend).some((found) => found.api === api && fields.has(found.field));
}

/**
 * A count (clock, regulator, runtime PM) a system-sleep resume callback leaves enabled where it
 * fails, when the callback undoes nothing on any of its error exits (so leaving things as they
 * are is its convention, not a slip on one path) and its paired suspend drops that count on its
 * straight-line path: the next suspend balances it.
 */
export function keptForPairedSuspend({ leak, source, fn }: LeakInSource): boolean {
  if (acquireOfSite(leak.site)?.count === undefined) return false;
  // An unlock on the way out (`out_unlock: mutex_unlock(&st->lock)`) undoes no step of the resume's.
  const isCount = (id: number): boolean => {
    const site = leak.analysis.sites.find((candidate) => candidate.id === id);
    return site !== undefined && acquireOfSite(site)?.count !== undefined;
  };
  const unwinds = leak.analysis.exits.some((exit) => exit.category === 'error' && exit.outcomes.some((outcome) => outcome.state === 'released' && isCount(outcome.site)));
  return !unwinds && droppedByPairedSuspend(source, fn.name, leak.site.release, leak.site.names);
}
