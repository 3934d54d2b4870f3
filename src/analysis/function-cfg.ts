/**
 * One control-flow graph per function and entry assumption, per review: the leak engine and
 * missing-error-code ask for the same functions, and a graph is built once. The calls that
 * never return are those the patch's own C files declare so, with the kernel's known ones and
 * those mined from the tree (src/facts), unless the patch defines a function of that name.
 */
import type { CFunction, CSource, ParsedSource } from '../model/source.js';
import { buildCfg, type Cfg } from './flow/cfg.js';
import { NoreturnCalls, declaredNoreturn, definedInPatch } from './flow/noreturn.js';
import { iterationMacro } from './ownership/resources.js';
import { memoized } from './memo.js';

/** The parsed files of one patch (the model's PatchFiles fits). */
export interface PatchFiles {
  sources: readonly ParsedSource[];
}

const noreturnByPatch = new WeakMap<PatchFiles, NoreturnCalls>();
const cfgsByFunction = new WeakMap<CFunction, Map<boolean, Cfg>>();

function cSourcesOf(patch: PatchFiles): CSource[] {
  return patch.sources.filter((source): source is CSource => source.kind === 'c');
}

/** The calls that never return, as the patch's C files and the kernel declare them. */
export function noreturnOf(patch: PatchFiles): NoreturnCalls {
  let noreturn = noreturnByPatch.get(patch);
  if (noreturn === undefined) {
    const sources = cSourcesOf(patch);
    noreturn = new NoreturnCalls(declaredNoreturn(sources), (name) => definedInPatch(sources, name));
    noreturnByPatch.set(patch, noreturn);
  }
  return noreturn;
}

/**
 * The graph of `fn` (a function of `source`, a file of `patch`).
 * @param entryAnywhere the patch does not show where the body starts: every top-level statement is a way in
 */
export function cfgOf(patch: PatchFiles, source: CSource, fn: CFunction, entryAnywhere: boolean): Cfg {
  return memoized(cfgsByFunction, fn, entryAnywhere, () =>
    buildCfg(fn.node, fn.name, {
      noreturn: noreturnOf(patch),
      originalRow: (row) => {
        const line = source.postLineOfRow(row);
        return line === null ? undefined : source.lineText(line);
      },
      entryAnywhere,
      iterationCursor: (macro) => iterationMacro(macro)?.variableArgument,
    }),
  );
}
