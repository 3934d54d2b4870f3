/**
 * The tree-sitter runtime and the C grammar, loaded once, from node_modules (no network).
 *
 * Trees returned by `parseC` live in WebAssembly memory that the garbage collector does
 * not see: the caller owns the tree and must free it with `tree.delete()` when done
 * (nodes of a deleted tree must not be used afterwards).
 */
import { createRequire } from 'node:module';
import { Language, Parser, type Tree } from 'web-tree-sitter';
import { installDescendantsMemo } from './descendants-memo.js';

/** Parsing took longer than the budget: the input is reported, not waited on. */
export class ParseTimeoutError extends Error {
  readonly budgetMilliseconds: number;
  readonly textLength: number;

  constructor(budgetMilliseconds: number, textLength: number) {
    super(`C parse gave up after ${budgetMilliseconds} ms on ${textLength} characters of text`);
    this.name = 'ParseTimeoutError';
    this.budgetMilliseconds = budgetMilliseconds;
    this.textLength = textLength;
  }
}

/** Whole kernel files parse in tens of milliseconds; this only stops pathological input. */
export const DEFAULT_PARSE_BUDGET_MS = 5000;

let cParser: Parser | null = null;
let initialising: Promise<void> | null = null;

async function loadCParser(): Promise<void> {
  const require = createRequire(import.meta.url);
  await Parser.init({
    locateFile: (name: string) => require.resolve(`web-tree-sitter/${name}`),
  });
  const language = await Language.load(require.resolve('tree-sitter-c/tree-sitter-c.wasm'));
  const parser = new Parser();
  parser.setLanguage(language);
  installDescendantsMemo();
  cParser = parser;
}

/** Load the runtime and the C grammar. Safe to call many times and concurrently. */
export function initTreeSitter(): Promise<void> {
  if (initialising === null) {
    initialising = loadCParser().catch((error: unknown) => {
      initialising = null;
      throw error;
    });
  }
  return initialising;
}

/**
 * Parse C text. Synchronous; `initTreeSitter()` must have resolved first.
 * The caller owns the returned tree and must call `tree.delete()` when done with it.
 * @throws ParseTimeoutError when parsing takes longer than `budgetMilliseconds`
 */
export function parseC(text: string, budgetMilliseconds: number = DEFAULT_PARSE_BUDGET_MS): Tree {
  const parser = cParser;
  if (parser === null) {
    throw new Error('parseC called before initTreeSitter() resolved');
  }
  const deadline = performance.now() + budgetMilliseconds;
  // The callback's declared return type is void, but a true return cancels the parse.
  const progressCallback = (() => performance.now() > deadline) as unknown as () => void;
  const tree = parser.parse(text, null, { progressCallback });
  if (tree === null) {
    parser.reset();
    throw new ParseTimeoutError(budgetMilliseconds, text.length);
  }
  return tree;
}
