/**
 * The tree-sitter runtime and the C grammar, loaded once, from node_modules (no network).
 *
 * Trees returned by `parseC` live in WebAssembly memory that the garbage collector does
 * not see: the caller owns the tree and must free it with `tree.delete()` when done
 * (nodes of a deleted tree must not be used afterwards).
 */
import { createRequire } from 'node:module';
import { endianness } from 'node:os';
import { Language, Parser, type Tree } from 'web-tree-sitter';
import { installDescendantsMemo } from './descendants-memo.js';
import { installTypeMemo } from './node-type-memo.js';

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

/** What web-tree-sitter's runtime module (the object given to Parser.init(), filled in by it) is read for here. */
interface RuntimeModule {
  locateFile: (name: string) => string;
  setValue?: (pointer: number, value: number, type?: string) => void;
  getValue?: (pointer: number, type?: string) => number;
  HEAP32?: Int32Array;
}

/**
 * web-tree-sitter copies every node it is asked about into wasm memory and back through the
 * runtime's setValue() and getValue() with type 'i32' (five writes per node: a node's type,
 * children, fields and text positions all go this way). Those test the type's spelling
 * (`type.endsWith('*')`) and go through a DataView on every call: ~5% of a kernel sweep. On a
 * little-endian host the runtime's Int32Array view of the same memory reads and writes the same
 * bytes at the same (4-byte aligned) address; the runtime replaces that view when the memory
 * grows, so it is looked up on each call. Other types go to the runtime's own functions.
 */
function installDirectI32Access(runtime: RuntimeModule): void {
  const { setValue, getValue } = runtime;
  if (endianness() !== 'LE' || setValue === undefined || getValue === undefined || !(runtime.HEAP32 instanceof Int32Array)) return;
  // An address that is not 4-byte aligned (none seen) goes to the runtime's own functions.
  runtime.setValue = (pointer: number, value: number, type = 'i8'): void => {
    if (type === 'i32' && (pointer & 3) === 0) (runtime.HEAP32 as Int32Array)[pointer >> 2] = value;
    else setValue(pointer, value, type);
  };
  runtime.getValue = (pointer: number, type = 'i8'): number =>
    type === 'i32' && (pointer & 3) === 0 ? (runtime.HEAP32 as Int32Array)[pointer >> 2] : getValue(pointer, type);
}

async function loadCParser(): Promise<void> {
  const require = createRequire(import.meta.url);
  const runtime: RuntimeModule = {
    locateFile: (name: string) => require.resolve(`web-tree-sitter/${name}`),
  };
  await Parser.init(runtime);
  installDirectI32Access(runtime);
  const language = await Language.load(require.resolve('tree-sitter-c/tree-sitter-c.wasm'));
  const parser = new Parser();
  parser.setLanguage(language);
  installDescendantsMemo();
  installTypeMemo();
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
