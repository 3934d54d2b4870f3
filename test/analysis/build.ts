/** Test helpers: C snippets as parsed sources and control-flow graphs. */
import { buildCSource } from '../../src/parsers/c.js';
import { buildCfg, type Cfg } from '../../src/analysis/flow/cfg.js';
import { NoreturnCalls, declaredNoreturn } from '../../src/analysis/flow/noreturn.js';
import type { CFunction, CSource } from '../../src/model/source.js';
import { newFileChange } from '../helpers/file-change.js';

export function sourceOf(code: string, path = 'drivers/misc/example.c'): CSource {
  const source = buildCSource(newFileChange(path, code));
  if (source === null) throw new Error('no source');
  return source;
}

export function functionNamed(source: CSource, name: string): CFunction {
  const fn = source.functions.find((candidate) => candidate.name === name);
  if (fn === undefined) throw new Error(`no function ${name}`);
  return fn;
}

/** The CFG of one function of a snippet, with the source it came from (free the tree when done). */
export function cfgOf(code: string, name: string): { cfg: Cfg; source: CSource } {
  const source = sourceOf(code);
  const fn = functionNamed(source, name);
  const noreturn = new NoreturnCalls(declaredNoreturn([source]));
  const cfg = buildCfg(fn.node, fn.name, {
    noreturn,
    originalRow: (row) => {
      const line = source.postLineOfRow(row);
      return line === null ? undefined : source.lineText(line);
    },
  });
  return { cfg, source };
}
