/**
 * Fields of a longer-lived structure that record what a function holds (`nq->requested = true`,
 * `nic->irq_allocated[irq] = true`, `++vp_dev->msix_used_vectors`), and whether the file lets go
 * of it under a test of the record.
 */
import type { CSource, Node } from '../../model/source.js';
import { calleeName, enclosingFunctionDefinition, nodeContains, nodesOfType } from '../../parsers/c-syntax.js';

/**
 * Whether the file lets go with `api` under a test of `field`: in the branch that tests it
 * (`if (aio->clk_trace.cap_clk_en) { clk_disable_unprepare(...); ... }`), or past a guard that
 * leaves when it is not set (`if (!nq->requested) return; ... free_irq(...)`, or `continue` in a
 * loop), or in a loop bounded by it (`for (i = 0; i < vp_dev->msix_used_vectors; ++i) free_irq(...)`).
 */
export function releasedUnderTestOf(source: CSource, field: string, api: string): boolean {
  let answers = answersBySource.get(source);
  if (answers === undefined) answersBySource.set(source, (answers = new Map()));
  const key = `${field} ${api}`;
  let answer = answers.get(key);
  if (answer === undefined) answers.set(key, (answer = releasedUnder(source, field, api)));
  return answer;
}

const answersBySource = new WeakMap<CSource, Map<string, boolean>>();

function releasedUnder(source: CSource, field: string, api: string): boolean {
  const releases = (node: Node): boolean => nodesOfType(node, 'call_expression').some((call) => calleeName(call)?.startsWith(api) === true);
  const tests = (condition: Node | null): boolean => condition !== null && nodesOfType(condition, 'field_identifier').some((name) => name.text === field);
  const loops = nodesOfType(source.tree.rootNode, ['for_statement', 'while_statement']).some((loop) => {
    const body = loop.childForFieldName('body');
    return tests(loop.childForFieldName('condition')) && body !== null && releases(body);
  });
  return loops || nodesOfType(source.tree.rootNode, 'if_statement').some((test) => {
    const condition = test.childForFieldName('condition');
    if (condition === null || !tests(condition)) return false;
    const branch = test.childForFieldName('consequence');
    if (branch !== null && releases(branch)) return true;
    const guard = branch !== null && /^\(\s*!/.test(condition.text) && nodesOfType(branch, ['return_statement', 'goto_statement', 'continue_statement']).length > 0;
    const definition = guard ? enclosingFunctionDefinition(test) : null;
    return definition !== null && nodesOfType(definition, 'call_expression').some((call) => call.startIndex > test.endIndex && !nodeContains(test, call) && calleeName(call)?.startsWith(api) === true);
  });
}

