/**
 * `npm run facts:core-structs -- KERNEL_TREE [-o data/kernel-core-structs.json]`: list the
 * structures the tree's shared headers define (core-structs.ts) and write them. Run by hand
 * for a new release; reads only the tree's text (no network), and the output depends only on
 * it, so two runs on one tree write the same file.
 */
import { writeFileSync } from 'node:fs';
import { coreStructsFile } from './core-structs.js';
import { kernelRelease } from './mine.js';

function main(argv: string[]): void {
  let output = 'data/kernel-core-structs.json';
  let tree: string | null = null;
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '-o') output = argv[++i];
    else tree = argv[i];
  }
  if (tree === null) throw new Error('usage: npm run facts:core-structs -- KERNEL_TREE [-o FILE]');
  const { file, headers } = coreStructsFile(tree, kernelRelease(tree));
  const text = `${JSON.stringify(file, null, 1)}\n`;
  writeFileSync(output, text);
  process.stderr.write(`${file.structs.split(' ').length} structures from ${headers} headers of Linux ${file.kernel}: ${text.length} bytes to ${output}\n`);
}

try {
  main(process.argv.slice(2));
} catch (error: unknown) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
