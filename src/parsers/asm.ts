/**
 * GNU assembler (.S) files of a patch as a syntax tree shaped like tree-sitter's: a hand
 * parser (a line lexer and a per-statement parser, linear time) for the GAS syntax of the
 * architectures the kernel builds: x86 (AT&T), arm, arm64, mips, riscv, arc, powerpc.
 * The C preprocessor lines of the file go through tree-sitter-c for their #defines.
 *
 * Every node has type, text (the exact source text), startPosition/endPosition (0-based row,
 * column in UTF-16 units, as web-tree-sitter gives), namedChildren, parent,
 * childForFieldName(name), childrenForFieldName(name), descendantsOfType(types), and `value`
 * on numbers and immediates that are plain integers.
 *
 * The root is `program`; its children are the statements in text order (several on one row
 * when `;` separates them, or a label precedes an instruction), flat: `.macro`/`.endm`,
 * `.if`/`.endif` and `.rept`/`.endr` are statements of their own, not blocks (a hunk may
 * show one end without the other).
 *
 * Statements
 *   label          `name:`, `1:`. Field name → label_name.
 *   directive      `.globl x`, `.section`, `.cfi_*`, `.byte/.word/.long/.quad`, `.macro`...
 *                  Field directive → directive_name (`.set`; `=` for `sym = expr`; `.req`).
 *                  `.set/.equ/.equiv/.eqv name, value`, `NAME .req reg`, `sym = expr`: fields
 *                  name and value. `.macro m a, b`: name → macro_name, parameter → parameter.
 *                  Other directives: field argument, one per operand.
 *   macro_call     kernel macros used as statements: `ENTRY(x)`, `SYM_FUNC_START(x)`, `CFI_*`,
 *                  any upper-case word, `.macro` names and #defined names of the same text,
 *                  any word directly followed by `(`. Field name → macro_name, argument →
 *                  each argument; the argument of a wrapper such as `ARM( orr r1, r1, r2 )` is
 *                  the statement it holds.
 *   instruction    Field mnemonic → mnemonic (or the macro_call of `W(b) label`); prefix →
 *                  prefix (`rep`, `lock`, `{vex}`); operand → each operand, in order.
 *   preprocessor   a `#` line with its `\` continuations (and the continuation lines of a
 *                  #define whose head the hunk does not show). Field directive →
 *                  preprocessor_directive (`#define`), name → identifier (for #define,
 *                  #undef, #ifdef, #ifndef); comments inside it are comment children.
 *   comment        `/* *\/` (may span rows) and `//` everywhere; `#` at a line start when it
 *                  is not a preprocessor directive; after code, `#` on x86, mips, riscv and
 *                  powerpc, `@` on arm, `;` on arc (where `;` is not a separator; on the
 *                  others it separates statements). Lines starting `*` and text before a
 *                  `*\/` with no `/*` are the rest of a comment the hunk starts inside.
 *   unknown        a statement that fits none of these (there should be none).
 *
 * Operands
 *   immediate      `$256`, `$0x100`, `#8`, `#-4`, `$(1<<5)`, `=0x1000` (ARM literal), and on
 *                  mips/riscv/arc/powerpc a bare number or expression. Child number (value
 *                  copied to the immediate) or expression or symbol.
 *   register       `%eax`, `x0`, `w1`, `v0.16b`, `r3`, `$t0`, `sp`, `a0`; also names the text
 *                  makes register aliases (`X0 .req r0`, `#define STATE $a0`), and any name in
 *                  a register list or as a memory base. The `!` of `sp!` is not part of it.
 *   memory         `disp(base,index,scale)`, `8(sp)`, `%fs:0x28`, `[x0, #8]!`, `[r1], #4`,
 *                  `[r6, :128]`, and an AT&T bare number (absolute address). Fields
 *                  displacement (number with value, or expression/symbol), base, index,
 *                  scale, segment, shift, alignment, post_index.
 *   register_list  `{r4-r11, lr}`: register and register_range (fields start, end) children.
 *   shift          `lsl #3`, `ror r2`, `uxtw #2`: fields operator → shift_operator, amount.
 *   indirect       `*%eax`, `*table(,%eax,4)` (x86): field target.
 *   decorator      AVX-512 `{%k1}`, `{z}`.
 *   symbol, local_label_ref (`1f`, `2b`), string, number (in directive and macro
 *   arguments), macro_argument (`\reg`), expression (its named children are its leaves:
 *   numbers, symbols, registers, relocation operators `%hi`, `:lo12:`), unknown.
 */
import type { AsmArch, AsmSource, SourceLines } from '../model/source.js';
import type { FileChange } from '../model/types.js';
import { dialectOf } from './asm/dialect.js';
import { lexAsm } from './asm/lexer.js';
import { AsmTreeNode, LineIndex, NodeFactory } from './asm/node.js';
import { collectContext, StatementParser } from './asm/statements.js';
import { archOfPath } from './asm/arch.js';
import { extractDefines } from './defines.js';
import { joinSegments, makeSourceLines } from './source-lines.js';
import { ParseTimeoutError, parseC } from './treesitter.js';

export { archOfPath, guessArchFromText } from './asm/arch.js';
export { AsmTreeNode } from './asm/node.js';

export interface ParseAsmOptions {
  /**
   * Rows where a run of shown lines starts that does not continue the row before it (the
   * first row of each hunk after the first). A hunk may start inside a block comment; the
   * parser looks back no further than this when it meets the comment's end.
   */
  segmentStartRows?: readonly number[];
}

/** Parse GAS text; never throws: what it cannot classify becomes `unknown` nodes. */
export function parseAsm(text: string, arch: AsmArch, options: ParseAsmOptions = {}): AsmTreeNode {
  const lineIndex = new LineIndex(text);
  const factory = new NodeFactory(lineIndex);
  const dialect = dialectOf(arch);
  const items = lexAsm(lineIndex, dialect, options.segmentStartRows ?? []);
  const parser = new StatementParser(collectContext(items, factory, dialect));
  const root = factory.make('program', 0, text.length);
  const statements = items.flatMap((item) => parser.parseItem(item));
  statements.sort((left, right) => left.startIndex - right.startIndex);
  for (const statement of statements) root.append(statement);
  return root;
}

/** Linker scripts (`vmlinux.lds.S`) go through cpp too but are not assembler. */
export function isLinkerScript(path: string): boolean {
  return /\.lds\.S$/.test(path);
}

/** First rows of the runs of lines that do not continue the row before them (after joinSegments' blank rows). */
function segmentStartRowsOf(rowToPostLine: readonly (number | null)[]): number[] {
  const starts: number[] = [];
  for (let row = 1; row < rowToPostLine.length; row++) {
    if (rowToPostLine[row - 1] === null && rowToPostLine[row] !== null) starts.push(row);
  }
  return starts;
}

/**
 * The text tree-sitter-c sees: the preprocessor lines where they are (same rows and
 * columns), every other character blanked, so its rows are the asm tree's rows.
 */
export function preprocessorText(text: string, root: AsmTreeNode): string {
  const pieces: string[] = [];
  let offset = 0;
  const blank = (from: number, to: number) => text.slice(from, to).replace(/[^\n]/g, ' ');
  for (const node of root.namedChildren) {
    if (node.type !== 'preprocessor' || node.childForFieldName('directive') === null) continue;
    pieces.push(blank(offset, node.startIndex), text.slice(node.startIndex, node.endIndex));
    offset = node.endIndex;
  }
  pieces.push(blank(offset, text.length));
  return pieces.join('');
}

/**
 * Parse an assembler file change. Null when there is nothing to parse as GAS: no post-image
 * (deleted, binary) or a linker script. tree-sitter must be initialised (initTreeSitter) when
 * the file has preprocessor lines.
 */
export function parseAsmSource(file: FileChange): AsmSource | null {
  if (file.postImage === null || isLinkerScript(file.path)) return null;
  const { text, rowToPostLine } = joinSegments(file);
  const arch = archOfPath(file.path, text);
  const root = parseAsm(text, arch, { segmentStartRows: segmentStartRowsOf(rowToPostLine) });
  const lines = makeSourceLines(file, () => ({ text, rowToPostLine }));
  return { ...lines, kind: 'asm', arch, root, defines: definesOf(text, root, lines) };
}

function definesOf(text: string, root: AsmTreeNode, lines: SourceLines): AsmSource['defines'] {
  const hasDefine = root.namedChildren.some(
    (node) => node.type === 'preprocessor' && node.childForFieldName('name') !== null,
  );
  if (!hasDefine) return [];
  const preprocessor = preprocessorText(text, root);
  let tree;
  try {
    tree = parseC(preprocessor);
  } catch (error) {
    if (error instanceof ParseTimeoutError) return [];
    throw error;
  }
  try {
    return extractDefines(tree.rootNode, lines, preprocessor);
  } finally {
    tree.delete();
  }
}

