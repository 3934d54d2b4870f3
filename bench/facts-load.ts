/**
 * The mined kernel facts (data/kernel-facts.json): their size, and how long a fresh process
 * takes to read and index them the first time a rule asks (src/facts/kernel-facts.ts).
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { median } from './stats.js';

export interface FactsLoad {
  bytes: number;
  kernel: string;
  /** kernelFacts().loadMilliseconds in each fresh process. */
  loads: number[];
  /** The same process's start-up to the end of the load, for scale. */
  names: number;
}

/** Load the facts in `runs` fresh node processes (dist/ must be built). */
export function measureFactsLoad(repoRoot: string, runs: number): FactsLoad {
  const module = join(repoRoot, 'dist/src/facts/kernel-facts.js');
  const script = `import(${JSON.stringify(module)}).then((m) => { const f = m.kernelFacts();
    const names = ['err', 'null', 'both', 'ok'].reduce((n, c) => n + f.namesWith(c).length, 0);
    process.stdout.write(JSON.stringify({ ms: f.loadMilliseconds, kernel: f.kernel, names })); });`;
  const loads: number[] = [];
  let kernel = '';
  let names = 0;
  for (let run = 0; run < runs; run++) {
    const result = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as {
      ms: number;
      kernel: string;
      names: number;
    };
    loads.push(result.ms);
    kernel = result.kernel;
    names = result.names;
  }
  return { bytes: statSync(join(repoRoot, 'data/kernel-facts.json')).size, kernel, loads, names };
}

export function factsLoadRows(load: FactsLoad): [string, string][] {
  return [
    ['kernel release mined', load.kernel],
    ['data/kernel-facts.json', `${(load.bytes / 1024).toFixed(0)} KB, ${load.names} pointer conventions`],
    [`first-use load, median of ${load.loads.length} fresh processes`, `${median(load.loads).toFixed(1)} ms`],
  ];
}
