/**
 * A C file of a patch as a tree-sitter tree: the post-image lines the patch shows, the
 * functions and #defines found in them, and the map from tree rows to post-image lines.
 * The tree is parsed when first read; the caller frees it with `CSource.free()`.
 *
 * The parsed text is the post-image lines, one run per stretch of consecutive lines (a
 * blank row between runs that do not touch), with these changes:
 *
 * - Rows invented so that a run parses where it sits (c-context.ts). They map to no
 *   post-image line (`postLineOfRow` gives null) and `CSource.synthesized` lists them:
 *   - before a run that starts inside a block (more `}` than `{`, or indented first
 *     statement): the enclosing head from the @@ section heading —
 *     `static int foo_probe(struct platform_device *pdev) {` (a heading git cut is
 *     completed, its annotations blanked, a macro head like `SYSCALL_DEFINE2(...)` gets
 *     `long`), `static const struct of_device_id foo_ids[] = {` for an initialiser (also
 *     when git cut the `= {`, recognised by the entries the run shows), `struct foo {` for
 *     a struct body, `void __cptlint_fragment(void) {` when the heading names no function,
 *     `static const int __cptlint_initializer[] = {` for entries of an unnamed table;
 *     then one opener per further level: ` {`, ` if (1) {` when the `}` that closes it is
 *     followed by `else`, ` do {` when by `while`, ` struct {` in a struct body;
 *   - before a run that starts inside the parameter list its heading begins: the heading
 *     itself, up to its last complete parameter (no brace);
 *   - `if (` (`(` in an initialiser, `void __cptlint_member(` in a struct body) before a
 *     run that starts inside parentheses; `if (1) ;` before one that starts with `else`;
 *     `#if 1` before one whose `#else`/`#endif` belongs to an `#if` above it; `/*` before
 *     one that starts inside a comment; `#define __cptlint_continued \` before one that
 *     starts inside a macro body;
 *   - after a run: ` *\/` for an open comment, a blank row for an open macro body, what
 *     finishes an open statement (`0` after an operator, `)` for open parentheses, `...)`
 *     in a cut parameter list, `;`), the missing closers (`}`, `};` for initialisers and
 *     struct bodies, `} while (0);` for a `do`), and `#endif` for each open `#if`.
 *   A function whose first or last row is such a row has `complete: false`.
 * - Preprocessor groups whose branches are not whole constructs (`#ifdef X` / `if (a) {` /
 *   `#else` / `if (b) {` / `#endif`, or a branch starting with `else`) are flattened:
 *   their directive lines and all branches but the first become spaces (c-conditionals.ts).
 * - Kernel macro forms rewritten in place (c-macros.ts documents each): annotations
 *   blanked with spaces, `;` after iterator macros that have a body and after top-level
 *   macro calls that lack one, a `long` row before function-defining macros at column 0,
 *   `struct` blanked before a type passed to a macro, `unsigned long` joined as
 *   `unsigned_long` in a macro argument, `case A ... B:` read as `case A || B:`.
 *   `lineText(postLine)` still gives every line as the patch shows it.
 *
 * Braces, parentheses and directives are counted on a lexical mask (c-mask.ts), so braces
 * in strings, character literals and comments do not count, and only the first branch of
 * an `#if`/`#else` does. Building the text is linear in its length.
 *
 * Function names come from declarators; for a function whose head was synthesised the name
 * is the heading's, which git may have cut short, and '' for the neutral fragment function.
 */
import { declaredName, TOP_LEVEL_CONTAINERS } from './c-syntax.js';
import type { CFunction, CSource, Define, Node, Tree } from '../model/source.js';
import type { FileChange, PostImageSegment } from '../model/types.js';
import { contextForRun, FRAGMENT_FUNCTION, measureRun } from './c-context.js';
import { flattenBrokenConditionals } from './c-conditionals.js';
import { rewriteKernelMacros } from './c-macros.js';
import { maskLines, START_OF_FILE, startsInsideComment, type MaskState } from './c-mask.js';
import { extractDefines } from './defines.js';
import { blankRanges, NestingTooDeepError, tooDeepItems } from './depth.js';
import { joinSegments, makeSourceLines, segmentRows, shownTextOf } from './source-lines.js';
import { parseC } from './treesitter.js';

export interface ParsedCText {
  text: string;
  /** Post-image line of each row; null for rows cptlint put in. */
  rowToPostLine: (number | null)[];
  /** Rows that stand for code the patch does not show (a function's head or tail). */
  contextRows: Set<number>;
  /** Each row as the patch shows it (before macro rewrites); invented rows as invented. */
  originalRows: string[];
  synthesized: string[];
}

class TextBuilder {
  readonly rows: string[] = [];
  readonly originalRows: string[] = [];
  readonly rowToPostLine: (number | null)[] = [];
  readonly contextRows = new Set<number>();
  readonly synthesized: string[] = [];

  push(row: string, postLine: number | null, original: string = row): void {
    this.rows.push(row);
    this.originalRows.push(original);
    this.rowToPostLine.push(postLine);
  }

  pushContext(rows: readonly string[]): void {
    for (const row of rows) {
      this.contextRows.add(this.rows.length);
      this.push(row, null);
    }
  }
}

/**
 * Whether a run begins inside a macro body: its first line ends with a backslash and is not
 * a directive, or it is the body's last line (indented, not a finished statement or entry)
 * right before a directive.
 */
function continuesMacroBody(lines: readonly string[]): boolean {
  const first = lines[0];
  if (first === undefined || /^\s*#/.test(first)) return false;
  if (/\\\s*$/.test(first)) return true;
  return /^\s+[^\s*/]/.test(first) && !/[;,{}]\s*$/.test(first) && /^\s*#/.test(lines[1] ?? '');
}

function appendRun(builder: TextBuilder, lines: string[], firstLine: number, heading: string, wholeFile: boolean): void {
  const atFileStart = wholeFile || firstLine === 1;
  const start: MaskState = atFileStart
    ? START_OF_FILE
    : { inBlockComment: startsInsideComment(lines), inDirective: continuesMacroBody(lines) };
  const { masked: rawMask, end } = maskLines(lines, start);
  const flat = flattenBrokenConditionals(lines, rawMask);
  const rewritten = rewriteKernelMacros(flat.lines, flat.masked);
  const shape = measureRun(flat.lines, flat.masked);
  const context = contextForRun(shape, heading, firstLine, firstLine + lines.length - 1, wholeFile);
  if (flat.groups > 0) builder.synthesized.push(`${flat.groups} #if group(s) flattened in lines ${firstLine}-${firstLine + lines.length - 1}`);
  builder.synthesized.push(...context.notes);
  builder.pushContext(context.before);
  if (start.inBlockComment) {
    builder.push('/*', null);
    builder.synthesized.push(`comment opening before line ${firstLine}`);
  }
  if (start.inDirective) {
    builder.push('#define __cptlint_continued \\', null);
    builder.synthesized.push(`macro definition head before line ${firstLine}`);
  }
  rewritten.lines.forEach((line, offset) => {
    if (rewritten.typeRowBefore.has(offset)) builder.push('long', null);
    builder.push(line, firstLine + offset, lines[offset]);
  });
  if (end.inBlockComment) builder.push(' */', null);
  if (end.inDirective) builder.push('', null);
  builder.pushContext(context.after);
}

/** The text tree-sitter parses for a file change, and its row bookkeeping. */
export function buildCText(file: FileChange): ParsedCText {
  // The rows of joinSegments as they are: joining them and splitting the text again cost a
  // copy of every file, unless some line holds a newline of its own.
  const segmented = segmentRows(file);
  const joined = segmented.rows.some((row) => row.includes('\n')) ? joinSegments(file) : null;
  const rows = joined === null ? segmented.rows : joined.text.split('\n');
  const rowToPostLine = joined === null ? segmented.rowToPostLine : joined.rowToPostLine;
  const headingByStartLine = new Map<number, PostImageSegment>();
  for (const segment of file.postImage?.segments ?? []) headingByStartLine.set(segment.startLine, segment);
  const wholeFile = file.postImage?.wholeFile ?? false;
  const builder = new TextBuilder();
  let row = 0;
  while (row < rows.length) {
    const firstLine = rowToPostLine[row];
    if (firstLine == null) {
      builder.push(rows[row], null);
      row++;
      continue;
    }
    let end = row;
    while (end < rows.length && rowToPostLine[end] != null) end++;
    const heading = headingByStartLine.get(firstLine)?.sectionHeading ?? '';
    appendRun(builder, rows.slice(row, end), firstLine, heading, wholeFile);
    row = end;
  }
  return {
    text: builder.rows.join('\n'),
    rowToPostLine: builder.rowToPostLine,
    contextRows: builder.contextRows,
    originalRows: builder.originalRows,
    synthesized: builder.synthesized,
  };
}

const NORETURN = /(?<![\w$])(?:__noreturn|_Noreturn|noreturn|__noreturn__)(?![\w$])/;
const INIT = /(?<![\w$])__init(?![\w$])/;

function describeFunction(node: Node, built: ParsedCText): CFunction | null {
  let startLine: number | null = null;
  let endLine: number | null = null;
  // Each read of a node's position is a call into wasm: read the end once, not once per row.
  const startRow = node.startPosition.row;
  const endRow = node.endPosition.row;
  for (let row = startRow; row <= endRow; row++) {
    const postLine = built.rowToPostLine[row];
    if (postLine == null) continue;
    startLine ??= postLine;
    endLine = postLine;
  }
  if (startLine === null || endLine === null) return null;
  const bodyRow = node.childForFieldName('body')?.startPosition.row ?? endRow;
  const head = built.originalRows.slice(startRow, bodyRow + 1).join('\n');
  const name = declaredName(node.childForFieldName('declarator')) ?? '';
  return {
    name: name === FRAGMENT_FUNCTION ? '' : name,
    node,
    startLine,
    endLine,
    complete: !built.contextRows.has(startRow) && !built.contextRows.has(endRow),
    noreturn: NORETURN.test(head),
    runsOnce: INIT.test(head),
  };
}

/**
 * Where a function definition can sit: the file, #if groups, extern "C" blocks, what the parser
 * could not read, and (a misread #if branch) the top level of another function's body.
 */
const HOLDS_FUNCTIONS = new Set([...TOP_LEVEL_CONTAINERS, 'ERROR', 'compound_statement']);

/**
 * The function_definition nodes of a tree, in document order. Only the nodes that can hold one
 * are opened: a walk of every node of the tree (most of them inside function bodies) cost as
 * much as a quarter of the parse on large files.
 */
export function functionDefinitionNodes(root: Node): Node[] {
  const found: Node[] = [];
  const open = (container: Node, insideBody: boolean): void => {
    for (const child of container.namedChildren) {
      if (child === null) continue;
      const type = child.type;
      if (type === 'function_definition') {
        found.push(child);
        const body = child.childForFieldName('body');
        if (body !== null) open(body, true);
      } else if (HOLDS_FUNCTIONS.has(type) && (type !== 'compound_statement' || !insideBody)) {
        open(child, insideBody);
      }
    }
  };
  open(root, false);
  return found;
}

/**
 * Every function_definition in the tree. A function whose head the patch does not show and
 * the heading does not name (the neutral fragment function) has the name ''.
 */
function functionsOf(root: Node, built: ParsedCText): CFunction[] {
  const functions: CFunction[] = [];
  for (const node of functionDefinitionNodes(root)) {
    const described = describeFunction(node, built);
    if (described !== null) functions.push(described);
  }
  return functions;
}

/** How buildCSource parses: the time budget of the parse, and who hears of a parse that failed. */
export interface CSourceOptions {
  /** Called once when the parse fails (a ParseTimeoutError on pathological input); the file then reads as empty. */
  onParseFailure?: (error: unknown) => void;
  budgetMilliseconds?: number;
}

/**
 * A C file change as a CSource; null when the file has no post-image (deleted, binary).
 * Nothing is built up front: the text when first read, the tree when first read, so a file
 * no rule asks about costs neither. Rules test `shownText` before they ask. The caller frees
 * the tree with `free()`.
 */
export function buildCSource(file: FileChange, options: CSourceOptions = {}): CSource | null {
  if (file.postImage === null) return null;
  let built: ParsedCText | null = null;
  const builtText = (): ParsedCText => {
    built ??= buildOrEmpty(file, options);
    return built;
  };
  const { postLineOfRow, lineText, isAdded, inputLineOf } = makeSourceLines(file, builtText);
  let shownText: string | null = null;
  let tree: Tree | null = null;
  let functions: CFunction[] | null = null;
  let defines: Define[] | null = null;
  const parsedTree = (): Tree => {
    if (tree === null) {
      const parsed = parseOrEmpty(builtText().text, options);
      const shallow = withinNestingLimit(parsed, builtText(), inputLineOf, options);
      tree = shallow.tree;
      built = shallow.built;
    }
    return tree;
  };
  const source: CSource = {
    file,
    kind: 'c',
    get text() {
      return builtText().text;
    },
    get shownText() {
      shownText ??= shownTextOf(file);
      return shownText;
    },
    postLineOfRow,
    lineText,
    isAdded,
    inputLineOf,
    get tree() {
      return parsedTree();
    },
    get functions() {
      functions ??= functionsOf(parsedTree().rootNode, builtText());
      return functions;
    },
    get defines() {
      // Without the word there is no #define: the tree need not be parsed to know it.
      defines ??= source.shownText.includes('define') ? extractDefines(parsedTree().rootNode, source, builtText().text) : [];
      return defines;
    },
    get synthesized() {
      return builtText().synthesized;
    },
    isParsed: () => tree !== null,
    free: () => {
      tree?.delete();
      tree = null;
    },
  };
  return source;
}

/**
 * The tree, with every item that nests deeper than MAX_NESTING_DEPTH blanked out of the text
 * and reported (a NestingTooDeepError each): no walk of the analysis then meets a tree deep
 * enough to overflow the stack. Normal trees come back as they are.
 */
function withinNestingLimit(
  tree: Tree,
  built: ParsedCText,
  inputLineOf: (postLine: number) => number | null,
  options: CSourceOptions,
): { tree: Tree; built: ParsedCText } {
  const items = tooDeepItems(tree);
  if (items.length === 0) return { tree, built };
  for (const item of items) {
    const name = item.type === 'function_definition' ? declaredName(item.node.childForFieldName('declarator')) : null;
    const what = name && name !== FRAGMENT_FUNCTION ? `function ${name}` : item.type === 'function_definition' ? 'a function' : `a ${item.type.replace(/_/g, ' ')}`;
    let postLine: number | null = null;
    for (let row = item.startRow; row <= item.deepRow && postLine === null; row++) postLine = built.rowToPostLine[row] ?? null;
    options.onParseFailure?.(new NestingTooDeepError(what, postLine, postLine === null ? null : inputLineOf(postLine)));
  }
  const blanked = { ...built, text: blankRanges(built.text, items) };
  tree.delete();
  return { tree: parseOrEmpty(blanked.text, options), built: blanked };
}

/** The text to parse; when building it fails (a bug, not an input), the failure is reported and the file reads as empty. */
function buildOrEmpty(file: FileChange, options: CSourceOptions): ParsedCText {
  try {
    return buildCText(file);
  } catch (error) {
    options.onParseFailure?.(error);
    return { text: '', rowToPostLine: [], contextRows: new Set(), originalRows: [], synthesized: [] };
  }
}

/** The tree of `text`; when its parse fails, the failure is reported and the tree of an empty file stands in. */
function parseOrEmpty(text: string, options: CSourceOptions): Tree {
  try {
    return parseC(text, options.budgetMilliseconds);
  } catch (error) {
    options.onParseFailure?.(error);
    try {
      return parseC('');
    } catch {
      throw error;
    }
  }
}
