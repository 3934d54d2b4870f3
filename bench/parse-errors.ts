/**
 * How much of the corpus's C hunks tree-sitter cannot parse: the share of hunks whose rows
 * hold an ERROR or MISSING node, and the share of post-image lines such nodes cover.
 * Measured twice: each hunk's post-image text parsed alone (raw), and the text c.ts builds
 * for the whole file change (built).
 *
 *   npx tsc -p bench/tsconfig.parse-errors.json && node dist/bench/parse-errors.js [corpus-dir] [--samples N]
 *
 * The corpus folder defaults to ../shared/corpus beside the repository.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Node, Tree } from 'web-tree-sitter';
import type { FileChange } from '../src/model/types.js';
import { buildCText } from '../src/parsers/c.js';
import { parseDiff } from '../src/parsers/diff.js';
import { initTreeSitter, parseC } from '../src/parsers/treesitter.js';

interface Tally {
  hunks: number;
  hunksWithErrors: number;
  lines: number;
  linesInErrors: number;
  parseMilliseconds: number;
  /** Time spent building the parsed text (built only). */
  buildMilliseconds: number;
}

const newTally = (): Tally => ({ hunks: 0, hunksWithErrors: 0, lines: 0, linesInErrors: 0, parseMilliseconds: 0, buildMilliseconds: 0 });

/** FileChanges of the C files of a patch: diff.ts skips the mail text before the first file, as git apply does. */
function cFileChanges(patchText: string, source: string): FileChange[] {
  const { files } = parseDiff(patchText, { source, firstInputLine: 1 });
  return files.filter((file) => file.postImage !== null && /\.[ch]$/.test(file.path));
}

/** Rows of the parsed text covered by an ERROR node or holding a MISSING node. */
function errorRows(tree: Tree): Set<number> {
  const rows = new Set<number>();
  const visit = (node: Node): void => {
    if (node.isError || node.isMissing) {
      for (let row = node.startPosition.row; row <= node.endPosition.row; row++) rows.add(row);
      if (node.isMissing) return;
    }
    for (const child of node.children) if (child !== null && (child.hasError || child.isMissing)) visit(child);
  };
  if (tree.rootNode.hasError) visit(tree.rootNode);
  return rows;
}

function timedParse(text: string, tally: Tally): Tree {
  const started = performance.now();
  const tree = parseC(text);
  tally.parseMilliseconds += performance.now() - started;
  return tree;
}

function measureRaw(file: FileChange, tally: Tally): void {
  for (const segment of file.postImage?.segments ?? []) {
    const tree = timedParse(segment.lines.join('\n'), tally);
    const rows = errorRows(tree);
    tree.delete();
    tally.hunks++;
    tally.lines += segment.lines.length;
    tally.linesInErrors += segment.lines.filter((_, row) => rows.has(row)).length;
    if (rows.size > 0) tally.hunksWithErrors++;
  }
}

function measureBuilt(file: FileChange, tally: Tally, samples: string[]): void {
  const started = performance.now();
  const built = buildCText(file);
  tally.buildMilliseconds += performance.now() - started;
  const tree = timedParse(built.text, tally);
  const rows = errorRows(tree);
  tree.delete();
  const postLinesInErrors = new Set<number>();
  for (const row of rows) {
    const postLine = built.rowToPostLine[row];
    if (postLine != null) postLinesInErrors.add(postLine);
  }
  const textRows = built.text.split('\n');
  for (const row of [...rows].sort((a, b) => a - b)) {
    samples.push(`${file.path}:${built.rowToPostLine[row] ?? 'synth'}: ${textRows[row]}`);
  }
  for (const segment of file.postImage?.segments ?? []) {
    let covered = 0;
    segment.lines.forEach((_, offset) => {
      if (postLinesInErrors.has(segment.startLine + offset)) covered++;
    });
    tally.hunks++;
    tally.lines += segment.lines.length;
    tally.linesInErrors += covered;
    if (covered > 0) tally.hunksWithErrors++;
  }
}

function percent(part: number, whole: number): string {
  return `${((100 * part) / Math.max(whole, 1)).toFixed(1)}%`;
}

function describe(label: string, tally: Tally): string {
  return (
    `${label}: ${tally.hunksWithErrors}/${tally.hunks} hunks with ERROR/MISSING (${percent(tally.hunksWithErrors, tally.hunks)}), ` +
    `${tally.linesInErrors}/${tally.lines} lines covered (${percent(tally.linesInErrors, tally.lines)}), ` +
    `parse ${tally.parseMilliseconds.toFixed(0)} ms` +
    (tally.buildMilliseconds > 0 ? `, text building ${tally.buildMilliseconds.toFixed(0)} ms` : '')
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const samplesFlag = args.indexOf('--samples');
  const sampleCount = samplesFlag === -1 ? 0 : Number(args.splice(samplesFlag, 2)[1]);
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const corpus = args[0] ?? path.resolve(repoRoot, '../shared/corpus');
  const patchDir = path.join(corpus, 'kernel-patches');
  await initTreeSitter();
  const raw = newTally();
  const built = newTally();
  const samples: string[] = [];
  for (const name of readdirSync(patchDir).filter((entry) => entry.endsWith('.patch')).sort()) {
    for (const file of cFileChanges(readFileSync(path.join(patchDir, name), 'utf8'), name)) {
      measureRaw(file, raw);
      measureBuilt(file, built, samples);
    }
  }
  console.log(describe('raw hunk text ', raw));
  console.log(describe('built file text', built));
  for (const sample of samples.slice(0, sampleCount)) console.log(sample);
}

await main();
