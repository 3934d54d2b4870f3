/**
 * The native tree-sitter binding (node-gyp, C) parsing the same texts as web-tree-sitter, for
 * the choice recorded in bench/README.md. It is not a dependency of cptlint: the benchmark
 * loads it from a folder the caller names (CPTLINT_BENCH_NATIVE_DIR), where `tree-sitter`
 * and `tree-sitter-c` were installed apart from the project.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { median } from './stats.js';

interface NativeTree {
  rootNode: { hasError: boolean };
}

interface NativeParser {
  setLanguage(language: unknown): void;
  parse(text: string): NativeTree;
}

export interface NativeParseResult {
  loadMilliseconds: number;
  parseMilliseconds: number;
}

export async function nativeParse(directory: string, texts: readonly string[], runs: number): Promise<NativeParseResult> {
  const require = createRequire(join(directory, 'package.json'));
  const loadStarted = performance.now();
  const Parser = require('tree-sitter') as new () => NativeParser;
  const language = require('tree-sitter-c') as unknown;
  const parser = new Parser();
  parser.setLanguage(language);
  const loadMilliseconds = performance.now() - loadStarted;
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    // The native trees are freed by the garbage collector; nothing to delete.
    for (const text of texts) parser.parse(text);
    times.push(performance.now() - started);
  }
  return { loadMilliseconds, parseMilliseconds: median(times) };
}
