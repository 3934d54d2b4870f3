/**
 * try-module-get-unchecked: try_module_get() whose result is dropped. The reference may
 * not have been taken, and the module_put() that follows then underflows the count.
 */
import type { CSource, Node } from '../model/source.js';
import type { FindingDraft, Rule, RuleContext } from './rule.js';
import { callArguments, calleeName, declarationOf, enclosingFunctionDefinition, functionDefinitionName, nodesOfType, stripParentheses } from '../parsers/c-syntax.js';
import { deferredWorkAfter } from './support/deferred-work.js';
import { postLineOf } from '../parsers/source-lines.js';
import { resultUse } from './support/result-use.js';

const ID = 'try-module-get-unchecked';

/** A module_put() of the same module in the same function, or in any C file of the patch. */
function matchingPut(module: string, call: Node, source: CSource, sources: readonly CSource[]): { file: string; line: number } | null {
  const definition = enclosingFunctionDefinition(call);
  const searchOrder: { scope: Node; source: CSource }[] = [
    ...(definition ? [{ scope: definition, source }] : []),
    ...sources.filter((other) => other.shownText.includes('module_put')).map((other) => ({ scope: other.tree.rootNode, source: other })),
  ];
  for (const { scope, source: where } of searchOrder) {
    for (const put of nodesOfType(scope, 'call_expression')) {
      if (calleeName(put) !== 'module_put') continue;
      const [argument] = callArguments(put);
      const line = postLineOf(where, put);
      if (argument && stripParentheses(argument).text === module && line !== null) return { file: where.file.path, line };
    }
  }
  return null;
}

/**
 * Whether the module can be on its way out while this code runs. The module's own code (THIS_MODULE)
 * runs under a reference its caller holds: ignoring the result matters only when the reference
 * is for work the function starts (a thread, a work item), where __module_get() is the call. A
 * module given as a parameter is the caller's (`otx2_cpt_crypto_init(pdev, THIS_MODULE, ...)`):
 * its caller pins it. A module reached through an object (`ops->owner`) can be unloading.
 */
function mayBeGoing(module: string, call: Node, definition: Node | null): boolean {
  if (module === 'THIS_MODULE') return deferredWorkAfter(call) !== null;
  if (!/^[A-Za-z_]\w*$/.test(module) || definition === null) return true;
  return declarationOf(module, call)?.node.type !== 'parameter_declaration';
}

function commentFor(module: string, who: string, put: { file: string; line: number } | null, sameFile: string): string {
  const putPlace = put
    ? `the module_put(${module}) at line ${put.line}${put.file === sameFile ? '' : ` of ${put.file}`} then drops one that was never taken`
    : `whatever module_put(${module}) balances it then drops one that was never taken`;
  const remedy =
    module === 'THIS_MODULE'
      ? ` If ${who} runs under a reference its caller holds, __module_get(THIS_MODULE) cannot fail; otherwise please test the result and back out.`
      : ` Please test the result and fail (usually with -ENODEV) when the module is on its way out.`;
  return `${who} ignores the result of try_module_get(${module}), which takes no reference while the module is being unloaded, and ${putPlace}.${remedy}`;
}

export const tryModuleGetUnchecked: Rule = {
  meta: {
    id: ID,
    severity: 'error',
    summary: 'A try_module_get() whose result is ignored',
    why:
      'try_module_get() returns false when the module is being unloaded, and then takes no reference. ' +
      'Code that goes on as if it held one later calls module_put(), which drops a reference somebody else owns: the count underflows and the module can go away while its code still runs.',
    example: 'try_module_get(ops->owner);\nops->start(dev);\nmodule_put(ops->owner);',
    useInstead: 'if (!try_module_get(ops->owner))\n\treturn -ENODEV;\nops->start(dev);\nmodule_put(ops->owner);',
    limits:
      'Fires on a try_module_get() call that is a statement of its own or is cast to void, on a module reached through an object (`ops->owner`, `dev->driver->owner`). ' +
      'The module\'s own reference (THIS_MODULE) is reported only when the function then starts work that runs later (a thread, a work item): elsewhere its code runs under a reference its caller holds. A module given as a parameter is the caller\'s to pin. ' +
      'It does not follow the value through helper functions or macros of the tree, and does not check that a tested reference is released.',
  },
  check(context: RuleContext): FindingDraft[] {
    const cSources = context.current.sources.filter((source): source is CSource => source.kind === 'c');
    const findings: FindingDraft[] = [];
    for (const source of cSources) {
      // A file whose text never names try_module_get has no call to it: skip reading its calls.
      if (!source.shownText.includes('try_module_get')) continue;
      for (const call of nodesOfType(source.tree.rootNode, 'call_expression')) {
        if (calleeName(call) !== 'try_module_get' || resultUse(call).kind !== 'ignored') continue;
        const line = postLineOf(source, call);
        const [argument] = callArguments(call);
        if (line === null || !argument) continue;
        const module = stripParentheses(argument).text;
        const definition = enclosingFunctionDefinition(call);
        if (!mayBeGoing(module, call, definition)) continue;
        const name = definition ? functionDefinitionName(definition) : null;
        const who = name ? `${name}()` : 'this code';
        const put = matchingPut(module, call, source, cSources);
        findings.push({
          rule: ID,
          file: source.file.path,
          line,
          column: call.startPosition.column + 1,
          summary: `${who} ignores the result of try_module_get(${module})`,
          comment: commentFor(module, who, put, source.file.path),
          related: put ? [{ file: put.file, line: put.line, note: `module_put(${module})` }] : [],
        });
      }
    }
    return findings;
  },
};
