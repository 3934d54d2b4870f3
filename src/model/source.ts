/**
 * A parsed file of a patch: the post-image text the patch shows, its syntax tree, and the
 * map from the tree's rows back to post-image lines. Rules read these, never raw hunks.
 */
import type { Node, Tree } from 'web-tree-sitter';
import type { FileChange } from './types.js';

export type { Node, Tree };

/** A position as tree-sitter gives it: 0-based row and column in the parsed text. */
export interface Point {
  row: number;
  column: number;
}

/**
 * The shape both trees offer (tree-sitter's Node, and the GAS parser's AsmNode), so that
 * code walking either needs one set of habits.
 */
export interface SyntaxNodeLike {
  type: string;
  text: string;
  startPosition: Point;
  endPosition: Point;
  namedChildren: SyntaxNodeLike[];
  childForFieldName(name: string): SyntaxNodeLike | null;
}

/** Line bookkeeping shared by C and assembler sources. */
export interface SourceLines {
  file: FileChange;
  /** The text that was parsed (the post-image lines the patch shows, plus what the parser needed added). */
  text: string;
  /** Post-image line of a 0-based row of `text`; null for rows cptlint synthesised. */
  postLineOfRow(row: number): number | null;
  /** Text of a post-image line, when the patch shows it. */
  lineText(postLine: number): string | undefined;
  /** The patch adds this post-image line. */
  isAdded(postLine: number): boolean;
  /** The input line that shows a post-image line (null when unknown). */
  inputLineOf(postLine: number): number | null;
}

/** A #define seen in the patch (C file, header, or the preprocessor lines of a .S file). */
export interface Define {
  name: string;
  /** The replacement text, trimmed, comments removed. */
  value: string;
  /** The value as a number when it is an integer literal or a constant expression of literals. */
  numeric: number | null;
  file: string;
  line: number;
  /** Function-like macro (#define F(x) ...). */
  hasParameters: boolean;
}

/** A function definition found in the parsed text. */
export interface CFunction {
  name: string;
  /** The function_definition node. */
  node: Node;
  /** Post-image lines of the first and last line the patch shows of it. */
  startLine: number;
  endLine: number;
  /**
   * The patch shows the whole function (signature to closing brace). When false, the head
   * or the tail was synthesised to get a usable tree, and analysis must say less.
   */
  complete: boolean;
  /** Declared noreturn (__noreturn, __attribute__((noreturn))). */
  noreturn: boolean;
  /** Declared `__init`: boot or module-load code that runs once; what it keeps, it keeps for good. */
  runsOnce: boolean;
}

/**
 * A C file of a patch. Its text is built and its tree parsed when first read (most files of a
 * patch hold nothing any rule looks for, and the rules test `shownText` before they ask for
 * more); `functions` and `defines` are read from the tree then. A parse that fails is
 * reported once through the callback given to buildCSource, and the file then reads as empty.
 */
export interface CSource extends SourceLines {
  kind: 'c';
  /**
   * The lines the patch shows and their @@ headings, joined: every word of `text` but the
   * rows cptlint invents is in here. Tests of what a file mentions read this, so that a file
   * nobody needs is neither built nor parsed.
   */
  readonly shownText: string;
  readonly tree: Tree;
  readonly functions: CFunction[];
  readonly defines: Define[];
  /** Whether the tree has been parsed (reading `tree`, `functions` or `defines` parses it). */
  isParsed(): boolean;
  /** Frees the tree, if it was parsed. The source must not be read afterwards. */
  free(): void;
  /** What the parser had to invent to get a usable tree ("signature from @@ line at 120", "2 closing braces"). */
  readonly synthesized: string[];
}

/** A node of the GAS syntax tree (src/parsers/asm.ts documents the node types). */
export interface AsmNode extends SyntaxNodeLike {
  namedChildren: AsmNode[];
  childForFieldName(name: string): AsmNode | null;
  /** Every node under a field name that several share (an instruction's `operand`s), as tree-sitter's Node has. */
  childrenForFieldName(name: string): AsmNode[];
  /** This node and the nodes below it of the given types, in text order, as tree-sitter's Node has. */
  descendantsOfType(types: string | readonly string[]): AsmNode[];
  parent: AsmNode | null;
  /** Numeric value of "number"/"immediate"/displacement nodes when it is a plain integer. */
  value?: number;
}

export type AsmArch = 'x86' | 'arm' | 'arm64' | 'mips' | 'riscv' | 'arc' | 'powerpc' | 'unknown';

export interface AsmSource extends SourceLines {
  kind: 'asm';
  arch: AsmArch;
  /** Root node, type "program". */
  root: AsmNode;
  /** #defines of the file's preprocessor lines (parsed with tree-sitter-c). */
  defines: Define[];
}

export type ParsedSource = CSource | AsmSource;
