/**
 * Functions and #defines are found without walking every node of a tree (c.ts opens only the
 * nodes that can hold a function; defines.ts asks the tree where a line starts with #define).
 * Both must give exactly what a walk of the whole tree gives: checked on crafted cases and on
 * every C file of the corpus.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CSource } from '../../src/model/source.js';
import type { FileChange } from '../../src/model/types.js';
import { buildCSource, functionDefinitionNodes } from '../../src/parsers/c.js';
import { parseDiff } from '../../src/parsers/diff.js';
import { initTreeSitter } from '../../src/parsers/treesitter.js';
import { newFileChange } from '../helpers/file-change.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpusDir = path.resolve(repoRoot, '../shared/corpus/kernel-patches');
const hasCorpus = existsSync(corpusDir);
if (!hasCorpus) console.warn(`corpus-tree-queries: corpus skipped, ${corpusDir} is absent`);

beforeAll(() => initTreeSitter());

/** What the whole-tree walk finds, in the form the queries give. */
function walked(source: CSource): { functions: number[]; defines: string[] } {
  const root = source.tree.rootNode;
  return {
    functions: root.descendantsOfType('function_definition').flatMap((node) => (node === null ? [] : [node.id])),
    defines: root
      .descendantsOfType(['preproc_def', 'preproc_function_def'])
      .flatMap((node) => {
        const name = node?.childForFieldName('name')?.text;
        const line = node === null ? null : source.postLineOfRow(node.startPosition.row);
        return name === undefined || line === null || name.startsWith('__cptlint_') ? [] : [`${name}@${line}`];
      }),
  };
}

function queried(source: CSource): { functions: number[]; defines: string[] } {
  return {
    functions: functionDefinitionNodes(source.tree.rootNode).map((node) => node.id),
    defines: source.defines.map((define) => `${define.name}@${define.line}`),
  };
}

function sourceOf(file: FileChange): CSource {
  const source = buildCSource(file);
  if (source === null) throw new Error(`${file.path} has no post-image`);
  return source;
}

describe('functions and #defines found without a whole-tree walk', () => {
  const text = [
    '#define A 1',
    '/* #define NOT_A_DEFINE 2 */',
    '#ifdef CONFIG_FOO',
    'static int foo(void) { return A; }',
    '#else',
    '  #  define B (A + 1)',
    'static int foo(void) { return B; }',
    '#endif',
    'extern "C" {',
    'int bar(int x) { return x; }',
    '}',
    'static void outer(void)',
    '{',
    '#define LOCAL(x) ((x) * 2)',
    '\tint y = LOCAL(3);',
    '#if 1',
    'static void misread(void) {',
    '#endif',
    '\ty++;',
    '}',
    '}',
    '#define MULTI \\',
    '\t4',
  ].join('\n');

  it('give what a walk of the whole tree gives, in document order', () => {
    const source = sourceOf(newFileChange('drivers/misc/q.c', text));
    try {
      expect(queried(source)).toEqual(walked(source));
      expect(source.defines.map((define) => define.name)).toEqual(['A', 'B', 'LOCAL', 'MULTI']);
      expect(source.functions.map((fn) => fn.name)).toEqual(['foo', 'foo', 'bar', 'outer', 'misread']);
    } finally {
      source.free();
    }
  });
});

(hasCorpus ? describe : describe.skip)('on the corpus', () => {
  it('give what a walk of the whole tree gives, for every C file', () => {
    const different: string[] = [];
    let files = 0;
    for (const name of readdirSync(corpusDir).filter((entry) => entry.endsWith('.patch')).sort()) {
      const diff = readFileSync(path.join(corpusDir, name), 'utf8');
      for (const file of parseDiff(diff, { source: name, firstInputLine: 1 }).files) {
        if (file.language !== 'c' || file.postImage === null) continue;
        files += 1;
        const source = sourceOf(file);
        try {
          if (JSON.stringify(queried(source)) !== JSON.stringify(walked(source))) different.push(`${name} ${file.path}`);
        } finally {
          source.free();
        }
      }
    }
    expect(files).toBeGreaterThan(800);
    expect(different).toEqual([]);
  });
});
