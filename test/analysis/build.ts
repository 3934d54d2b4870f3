/** Test helpers: C snippets as parsed sources and control-flow graphs. */
import { buildCSource } from '../../src/parsers/c.js';
import type { Cfg } from '../../src/analysis/flow/cfg.js';
import { cfgOf as reviewCfgOf } from '../../src/analysis/function-cfg.js';
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
  return { cfg: reviewCfgOf({ sources: [source] }, source, fn, false), source };
}
