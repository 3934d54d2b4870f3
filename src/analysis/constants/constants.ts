/**
 * Named constants across the files of a patch (and of a series): where each name is defined
 * and with which value, in C (#define) and in assembly (#define, .set, .equ), and where C
 * code uses a macro. Rules that compare assembly numbers with C constants read these.
 */
import { memoized } from '../memo.js';
import type { AsmSource, CSource, Node, ParsedSource } from '../../model/source.js';
import { evaluateConstant } from '../../parsers/defines.js';
import { mayNameIdentifier } from '../words.js';

export interface ConstantDefinition {
  name: string;
  /** Numeric value when the definition is an integer constant expression. */
  value: number | null;
  /** The value as written. */
  valueText: string;
  file: string;
  line: number;
  language: 'c' | 'asm';
  /** How it is defined: "#define", ".set", ".equ", ".equiv" or "=". */
  form: string;
  /** Defined in a .c file, which no assembly file can include. */
  inCFile: boolean;
  /** The parsed file the definition was read from. */
  source: ParsedSource;
}

function isCFile(path: string): boolean {
  return /\.c$/.test(path);
}

/** The object-like #defines of a parsed file, as constant definitions. */
function objectLikeDefines(source: CSource | AsmSource): ConstantDefinition[] {
  const language = source.kind === 'c' ? 'c' : 'asm';
  return source.defines
    .filter((define) => !define.hasParameters)
    .map((define) => ({
      name: define.name,
      value: define.numeric,
      valueText: define.value,
      file: define.file,
      line: define.line,
      language,
      form: '#define',
      inCFile: language === 'c' && isCFile(define.file),
      source,
    }));
}

/** The object-like #defines of a C file or header. */
export function cDefinitions(source: CSource): ConstantDefinition[] {
  return objectLikeDefines(source);
}

/** Directives that give a symbol a value in GAS (`=` is `sym = expr`). */
const ASSIGNMENT_DIRECTIVES = new Set(['.set', '.equ', '.equiv', '.eqv', '=']);

/** #defines of the preprocessor lines of an assembly file, and its .set/.equ assignments. */
export function asmDefinitions(source: AsmSource): ConstantDefinition[] {
  const definitions = objectLikeDefines(source);
  for (const statement of source.root.namedChildren) {
    if (statement.type !== 'directive') continue;
    const form = statement.childForFieldName('directive')?.text.toLowerCase() ?? '';
    const name = statement.childForFieldName('name')?.text.trim();
    const valueNode = statement.childForFieldName('value');
    const line = source.postLineOfRow(statement.startPosition.row);
    if (!ASSIGNMENT_DIRECTIVES.has(form) || !name || !valueNode || line === null) continue;
    const valueText = valueNode.text.trim();
    definitions.push({
      name,
      value: valueNode.value ?? evaluateConstant(valueText),
      valueText,
      file: source.file.path,
      line,
      language: 'asm',
      form,
      inCFile: false,
      source,
    });
  }
  return definitions;
}

/** Every constant definition in the given sources, C and assembly. */
export function constantDefinitions(sources: readonly ParsedSource[]): ConstantDefinition[] {
  return sources.flatMap((source) => (source.kind === 'c' ? cDefinitions(source) : asmDefinitions(source)));
}

/** A use of a macro in C code (outside #define lines). */
export interface MacroUse {
  name: string;
  source: CSource;
  line: number;
  /** The identifier node. */
  node: Node;
  /** The function_definition the use sits in, and its name. */
  functionNode: Node | null;
  functionName: string | null;
}

/**
 * The identifier nodes of a tree by their text, kept per tree: macroUses is asked once per
 * assembly literal, and functionReferences once per use and symbol. Walking every identifier
 * of a large C file and reading its text cost far more than the names an assembly file asks
 * about, so a name is looked up in the parsed text and the tree is asked for the node there.
 *
 * An identifier is lexed longest-match and every character of [A-Za-z0-9_$] continues one,
 * so an identifier spelt with those characters ends where a run of them ends, and lies
 * inside that run. The runs of a text are indexed once (run text → where it starts); the
 * candidates for a name are the ends of the runs that end with it, and each candidate is
 * kept only when the tree has an identifier node exactly there. Other names (empty, or with
 * characters outside the class) are searched for in the whole text, or found by a walk.
 */
interface IdentifierIndex {
  text: string;
  /** Offset of the text in the tree's indices (the root node starts after leading blanks). */
  offset: number;
  /** Each maximal run of identifier characters, by its text: where each occurrence starts. */
  runs: Map<string, number[]>;
  /** The distinct runs by their last k characters (index k - 1, k up to TAIL), to find those ending with a name; built per k when first needed. */
  runsByTail: (Map<string, string[]> | undefined)[];
  byName: Map<string, Node[]>;
}

const TAIL = 4;

/** [A-Za-z0-9_$] by character code. */
function isRunCharacter(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 36;
}
const RUN_CHARACTERS = /^[A-Za-z0-9_$]+$/;

const identifiersByTree = new WeakMap<CSource['tree'], IdentifierIndex>();

function indexOf(tree: CSource['tree']): IdentifierIndex {
  let index = identifiersByTree.get(tree);
  if (index === undefined) {
    const root = tree.rootNode;
    const text = root.text;
    const runs = new Map<string, number[]>();
    // A scan by character codes: matchAll allocated a match object per run, and a large
    // file has hundreds of thousands of runs.
    let runStart = -1;
    for (let at = 0; at <= text.length; at++) {
      if (at < text.length && isRunCharacter(text.charCodeAt(at))) {
        if (runStart < 0) runStart = at;
        continue;
      }
      if (runStart < 0) continue;
      const run = text.slice(runStart, at);
      const starts = runs.get(run);
      if (starts) starts.push(runStart);
      else runs.set(run, [runStart]);
      runStart = -1;
    }
    index = { text, offset: root.startIndex, runs, runsByTail: [], byName: new Map() };
    identifiersByTree.set(tree, index);
  }
  return index;
}

function identifiersNamed(tree: CSource['tree'], name: string): Node[] {
  const index = indexOf(tree);
  let named = index.byName.get(name);
  if (named === undefined) {
    if (name === '') named = missingIdentifiers(tree);
    else named = identifiersAt(tree, name, RUN_CHARACTERS.test(name) ? runCandidates(index, name) : textOccurrences(index.text, name));
    index.byName.set(name, named);
  }
  return named;
}

/** Where `name` may be an identifier: at the end of each run that ends with it, in text order. */
function runCandidates(index: IdentifierIndex, name: string): number[] {
  const candidates: number[] = [];
  const tail = Math.min(name.length, TAIL);
  for (const run of runsByTail(index, tail).get(name.slice(-tail)) ?? []) {
    if (run.length < name.length || !run.endsWith(name)) continue;
    const shift = run.length - name.length;
    for (const start of index.runs.get(run) ?? []) candidates.push(start + shift);
  }
  return candidates.sort((a, b) => a - b);
}

/** The distinct runs of at least `tail` characters by their last `tail` characters. */
function runsByTail(index: IdentifierIndex, tail: number): Map<string, string[]> {
  let byTail = index.runsByTail[tail - 1];
  if (byTail === undefined) {
    byTail = new Map();
    for (const run of index.runs.keys()) {
      if (run.length < tail) continue;
      const key = run.slice(-tail);
      const runs = byTail.get(key);
      if (runs) runs.push(run);
      else byTail.set(key, [run]);
    }
    index.runsByTail[tail - 1] = byTail;
  }
  return byTail;
}

function textOccurrences(text: string, name: string): number[] {
  const occurrences: number[] = [];
  for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) occurrences.push(at);
  return occurrences;
}

/** The identifier nodes that span exactly `name` at the given text offsets. */
function identifiersAt(tree: CSource['tree'], name: string, offsets: readonly number[]): Node[] {
  const root = tree.rootNode;
  const shift = indexOf(tree).offset;
  const found: Node[] = [];
  for (const at of offsets) {
    const start = shift + at;
    const node = root.descendantForIndex(start, start + name.length);
    if (node !== null && node.type === 'identifier' && node.startIndex === start && node.endIndex === start + name.length) found.push(node);
  }
  return found;
}

/** Identifiers with no text: the ones tree-sitter inserted to recover from an error. */
function missingIdentifiers(tree: CSource['tree']): Node[] {
  return tree.rootNode.descendantsOfType('identifier').filter((identifier): identifier is Node => identifier !== null && identifier.text === '');
}

/** The uses of each macro name asked so far, per file: an assembly file asks for the same names once per literal. */
const usesBySource = new WeakMap<CSource, Map<string, MacroUse[]>>();

function usesOf(source: CSource, name: string): MacroUse[] {
  return memoized(usesBySource, source, name, () => {
    const uses: MacroUse[] = [];
    // A file whose words do not include the name has no use of it: its tree is not needed.
    const identifiers = mayNameIdentifier(source, name) ? identifiersNamed(source.tree, name) : [];
    for (const identifier of identifiers) {
      const { inDefinition, functionNode } = ancestryOf(identifier);
      if (inDefinition) continue;
      const line = source.postLineOfRow(identifier.startPosition.row);
      if (line === null) continue;
      const function_ = functionNode ? source.functions.find((candidate) => candidate.node.id === functionNode.id) : undefined;
      uses.push({ name, source, line, node: identifier, functionNode, functionName: function_?.name ?? null });
    }
    return uses;
  });
}

/** Uses of any of `names` as identifiers in C code of `source`, in source order. */
export function macroUses(source: CSource, names: ReadonlySet<string>): MacroUse[] {
  return [...names].flatMap((name) => usesOf(source, name)).sort((a, b) => a.node.startIndex - b.node.startIndex);
}

/**
 * Whether a node lies inside a #define, and the function_definition nearest above it. One
 * walk up the tree answers both: each step (parent, type) is a call into wasm, and the
 * check for a #define climbs to the root anyway.
 */
function ancestryOf(node: Node): { inDefinition: boolean; functionNode: Node | null } {
  let functionNode: Node | null = null;
  for (let current: Node | null = node.parent; current; current = current.parent) {
    const type = current.type;
    if (type === 'preproc_def' || type === 'preproc_function_def') return { inDefinition: true, functionNode: null };
    if (functionNode === null && type === 'function_definition') functionNode = current;
  }
  return { inDefinition: false, functionNode };
}

/**
 * Where `functionNode` names `symbol` in its body or declarations (`&sym`, `extern char sym;`, a call).
 * Read from the tree's index of identifiers by name (the identifiers inside the function's
 * span, in document order): asked once per macro use and assembly symbol, a walk of the
 * function reading every identifier's text each time dominated patches with large C files.
 */
export function functionReferences(functionNode: Node, symbol: string): Node[] {
  const named = identifiersNamed(functionNode.tree, symbol);
  const start = functionNode.startIndex;
  const end = functionNode.endIndex;
  return named.filter((identifier) => identifier.startIndex >= start && identifier.endIndex <= end && !isFunctionName(identifier, functionNode));
}

function isFunctionName(identifier: Node, functionNode: Node): boolean {
  const declarator = functionNode.childForFieldName('declarator');
  return declarator !== null && identifier.startIndex >= declarator.startIndex && identifier.endIndex <= (declarator.childForFieldName('parameters')?.startIndex ?? declarator.endIndex);
}

export type ValueCommonness = 'ubiquitous' | 'common' | 'distinctive';

/**
 * How much a number says by itself. Ubiquitous: small numbers and powers of two up to 64,
 * register and word sizes, page sizes, byte and word masks: a match on these needs the
 * strongest evidence. Common: larger round powers of two. Anything else is distinctive.
 */
export function valueCommonness(value: number): ValueCommonness {
  const magnitude = Math.abs(value);
  if (magnitude <= 64) return 'ubiquitous';
  if ([0xff, 0xfff, 0xffff, 0xffffffff, 0x7fffffff, 0x80000000, 4096, 8192, 65536].includes(magnitude)) return 'ubiquitous';
  if (Number.isInteger(Math.log2(magnitude))) return 'common';
  return 'distinctive';
}
