/**
 * Named constants across the files of a patch (and of a series): where each name is defined
 * and with which value, in C (#define) and in assembly (#define, .set, .equ), and where C
 * code uses a macro. Rules that compare assembly numbers with C constants read these.
 */
import type { AsmSource, CSource, Node, ParsedSource } from '../model/source.js';
import { evaluateConstant } from '../parsers/defines.js';

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

/** The object-like #defines of a C file or header. */
export function cDefinitions(source: CSource): ConstantDefinition[] {
  return source.defines
    .filter((define) => !define.hasParameters)
    .map((define) => ({
      name: define.name,
      value: define.numeric,
      valueText: define.value,
      file: define.file,
      line: define.line,
      language: 'c' as const,
      form: '#define',
      inCFile: isCFile(define.file),
      source,
    }));
}

/** Directives that give a symbol a value in GAS (`=` is `sym = expr`). */
const ASSIGNMENT_DIRECTIVES = new Set(['.set', '.equ', '.equiv', '.eqv', '=']);

/** #defines of the preprocessor lines of an assembly file, and its .set/.equ assignments. */
export function asmDefinitions(source: AsmSource): ConstantDefinition[] {
  const definitions: ConstantDefinition[] = source.defines
    .filter((define) => !define.hasParameters)
    .map((define) => ({
      name: define.name,
      value: define.numeric,
      valueText: define.value,
      file: define.file,
      line: define.line,
      language: 'asm' as const,
      form: '#define',
      inCFile: false,
      source,
    }));
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
 * The identifiers of a tree by their text, built once per tree: macroUses is asked once per
 * assembly literal, and reading the text of every identifier of every C file each time made
 * a patch with a large C file and a .S file quadratic.
 */
const identifiersByTree = new WeakMap<CSource['tree'], Map<string, Node[]>>();

function identifiersByName(source: CSource): Map<string, Node[]> {
  let byName = identifiersByTree.get(source.tree);
  if (byName === undefined) {
    byName = new Map();
    for (const identifier of source.tree.rootNode.descendantsOfType('identifier')) {
      if (!identifier) continue;
      const sameName = byName.get(identifier.text);
      if (sameName) sameName.push(identifier);
      else byName.set(identifier.text, [identifier]);
    }
    identifiersByTree.set(source.tree, byName);
  }
  return byName;
}

/** Uses of any of `names` as identifiers in C code of `source`, in source order. */
export function macroUses(source: CSource, names: ReadonlySet<string>): MacroUse[] {
  const uses: MacroUse[] = [];
  const byName = identifiersByName(source);
  const named = [...names].flatMap((name) => byName.get(name) ?? []).sort((a, b) => a.startIndex - b.startIndex);
  for (const identifier of named) {
    if (insidePreprocessorDefinition(identifier)) continue;
    const line = source.postLineOfRow(identifier.startPosition.row);
    if (line === null) continue;
    const functionNode = enclosingFunction(identifier);
    const function_ = functionNode ? source.functions.find((candidate) => candidate.node.id === functionNode.id) : undefined;
    uses.push({ name: identifier.text, source, line, node: identifier, functionNode, functionName: function_?.name ?? null });
  }
  return uses;
}

function insidePreprocessorDefinition(node: Node): boolean {
  for (let current: Node | null = node.parent; current; current = current.parent) {
    if (current.type === 'preproc_def' || current.type === 'preproc_function_def') return true;
  }
  return false;
}

function enclosingFunction(node: Node): Node | null {
  let current: Node | null = node.parent;
  while (current && current.type !== 'function_definition') current = current.parent;
  return current;
}

/** Where `functionNode` names `symbol` in its body or declarations (`&sym`, `extern char sym;`, a call). */
export function functionReferences(functionNode: Node, symbol: string): Node[] {
  return functionNode
    .descendantsOfType('identifier')
    .filter((identifier): identifier is Node => identifier?.text === symbol && !isFunctionName(identifier, functionNode));
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
