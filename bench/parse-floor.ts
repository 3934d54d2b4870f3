/**
 * The cold parse floor of the corpus goal (issue 15), run in a fresh process by the benchmark:
 * loads web-tree-sitter and the C grammar, parses each C hunk text of the file named by argv[2]
 * (a JSON array of strings: each C file change's post-image lines as the patches show them)
 * and frees each tree. Nothing else: no reading of mail, no rules, no output. The benchmark
 * times it from spawn to exit, as it times the CLI.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Language, Parser } from 'web-tree-sitter';

const texts = JSON.parse(readFileSync(process.argv[2], 'utf8')) as string[];
const require = createRequire(import.meta.url);
await Parser.init({ locateFile: (name: string) => require.resolve(`web-tree-sitter/${name}`) });
const parser = new Parser();
parser.setLanguage(await Language.load(require.resolve('tree-sitter-c/tree-sitter-c.wasm')));
for (const text of texts) parser.parse(text)?.delete();
