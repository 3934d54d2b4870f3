/**
 * What a run of post-image lines lacks to parse as C: a hunk may begin inside a function
 * (more `}` than `{`), inside a call spread over lines (more `)` than `(`), inside a block
 * comment or an #if branch, and may end before the blocks it opened are closed. This module
 * measures a run (its shape) and writes the rows to put before and after it.
 */
import { type MaskedLine } from './c-mask.js';
import { blankAnnotations } from './c-macros.js';
import { maskLines, START_OF_FILE } from './c-mask.js';

/**
 * What an opening brace opens: an initialiser (`= {`) or a record body (struct, union,
 * enum) is closed with `};`, the body of a `do` with `} while (0);`, a function body or
 * statement block with `}`.
 */
export type BlockKind = 'function' | 'block' | 'do' | 'initializer' | 'record';

export interface RunShape {
  /** `}` with no `{` before them in the run: the run starts this many blocks deep. */
  braceDeficit: number;
  /** `)` with no `(` before them in the run. */
  parenDeficit: number;
  /** Kinds of the blocks the run opens and leaves open, outermost first. */
  openBlocks: BlockKind[];
  /** `(` left open at the end. */
  openParens: number;
  /** `#else`/`#elif`/`#endif` whose `#if` is before the run: each needs an `#if 1` before it. */
  orphanConditionals: number;
  /** `#if`s left open at the end. */
  openConditionals: number;
  /** The last code character of the run ('' when none). */
  lastCode: string;
  /** The first code line of the run is indented (it is inside something). */
  firstCodeIndented: boolean;
  /**
   * The depth the run starts at by the indentation of its first statement (kernel style:
   * one tab per level), or null when no line tells.
   */
  indentedStartDepth: number | null;
  /** For each unmatched `}`, in order, the word after it (`else`, `while`, or ''). */
  deficitFollowers: string[];
  /** The run's first code is `else`: the `if` it continues is above the hunk. */
  startsWithElse: boolean;
  /** The first code lines read as entries of an initialiser (`.field = x,`, `}, {`). */
  initializerEntries: boolean;
  /** The first code line reads as a statement (ends with `;`, or starts with `if`, `return`...). */
  statementsFirst: boolean;
}

const STATEMENT_KEYWORD = /^(?:if|for|while|switch|return|do|goto|break|continue|else)\b/;

function startsWithStatement(masked: readonly MaskedLine[]): boolean {
  let seen = 0;
  for (const { code, inDirective } of masked) {
    const trimmed = code.trim();
    if (inDirective || trimmed === '') continue;
    if ((trimmed.endsWith(';') && !trimmed.startsWith('}')) || STATEMENT_KEYWORD.test(trimmed)) return true;
    if (++seen === 3) break;
  }
  return false;
}

const INITIALIZER_ENTRY = /^(?:\.\w+(?:\.\w+|\[[^\]]*\])*\s*=|\[[^\]]+\]\s*=|\{.*\},?$|\},\s*\{?$)/;

/** Whether the first few code lines look like the inside of an initialiser. */
function startsWithInitializerEntries(masked: readonly MaskedLine[]): boolean {
  let seen = 0;
  for (const { code, inDirective } of masked) {
    if (inDirective) continue;
    const trimmed = code.trim();
    if (trimmed === '') continue;
    if (INITIALIZER_ENTRY.test(trimmed)) return true;
    if (++seen === 3) break;
  }
  return false;
}

const AGGREGATE_HEAD = /^(?:typedef\s+)?(?:(?:static|const|extern|volatile)\s+)*(?:struct|union|enum)\b[^()]*$/;

interface ConditionalFrame {
  skipping: boolean;
}

/**
 * Count braces and parentheses of a run. Only the first branch of an #if/#else counts:
 * kernel code often opens the same block in both branches.
 */
export function measureRun(lines: readonly string[], masked: readonly MaskedLine[]): RunShape {
  const conditionals: ConditionalFrame[] = [];
  const blocks: BlockKind[] = [];
  let braceDeficit = 0;
  let parenDepth = 0;
  let parenDeficit = 0;
  let orphanConditionals = 0;
  let lastCode = 0;
  let statementStart: Position = { line: 0, column: 0 };
  let firstCodeIndented: boolean | null = null;
  let indentedStartDepth: number | null = null;
  let skippedBranches = 0;
  const deficitFollowers: string[] = [];
  let awaitingFollower = false;
  for (let index = 0; index < masked.length; index++) {
    const { code, directive } = masked[index];
    if (directive !== null) {
      orphanConditionals += trackConditional(directive, conditionals);
      skippedBranches = conditionals.reduce((count, frame) => count + (frame.skipping ? 1 : 0), 0);
      continue;
    }
    if (skippedBranches > 0) continue;
    const depthAtLineStart = blocks.length - braceDeficit;
    const lastCodeBefore = lastCode;
    const parenDeficitBefore = parenDeficit;
    // Only braces, parentheses and `;` change the counts, so the line is searched for those
    // (a native scan) rather than read character by character; the last code character
    // before each of them, and the first after an unmatched `}`, are looked up around it.
    const firstCode = nextCodeColumn(code, 0);
    if (firstCode !== -1) {
      firstCodeIndented ??= /^\s/.test(lines[index]);
      if (awaitingFollower) {
        deficitFollowers[deficitFollowers.length - 1] = /^[A-Za-z_]\w*/.exec(code.slice(firstCode))?.[0] ?? '';
        awaitingFollower = false;
      }
    }
    let accountedTo = 0;
    STRUCTURAL.lastIndex = 0;
    while (STRUCTURAL.test(code)) {
      const column = STRUCTURAL.lastIndex - 1;
      const before = lastCodeColumn(code, accountedTo, column);
      if (before !== -1) lastCode = code.charCodeAt(before);
      const char = code.charCodeAt(column);
      if (char === OPEN_BRACE) {
        blocks.push(blockKindAt(blocks[blocks.length - 1], lastCode, masked, statementStart, { line: index, column }));
        statementStart = { line: index, column: column + 1 };
      } else if (char === CLOSE_BRACE || char === SEMICOLON) {
        if (char === CLOSE_BRACE) {
          if (blocks.length > 0) {
            blocks.pop();
          } else {
            braceDeficit++;
            const follower = nextCodeColumn(code, column + 1);
            if (follower === -1) {
              deficitFollowers.push('');
              awaitingFollower = true;
            } else {
              deficitFollowers.push(/^[A-Za-z_]\w*/.exec(code.slice(follower))?.[0] ?? '');
            }
          }
        }
        statementStart = { line: index, column: column + 1 };
      } else if (char === OPEN_PAREN) {
        parenDepth++;
      } else if (char === CLOSE_PAREN && --parenDepth < 0) {
        parenDeficit++;
        parenDepth = 0;
      }
      lastCode = char;
      accountedTo = column + 1;
    }
    const lastOfLine = lastCodeColumn(code, accountedTo, code.length);
    if (lastOfLine !== -1) lastCode = code.charCodeAt(lastOfLine);
    if (indentedStartDepth === null && parenDeficit === parenDeficitBefore) {
      const lineDepth = depthByIndentation(lines[index], code, lastCodeBefore === 0 ? '' : String.fromCharCode(lastCodeBefore));
      if (lineDepth !== null) indentedStartDepth = lineDepth - depthAtLineStart;
    }
  }
  return {
    braceDeficit,
    parenDeficit,
    openBlocks: blocks,
    openParens: parenDepth,
    orphanConditionals,
    openConditionals: conditionals.length,
    lastCode: lastCode === 0 ? '' : String.fromCharCode(lastCode),
    firstCodeIndented: firstCodeIndented ?? false,
    indentedStartDepth,
    deficitFollowers,
    startsWithElse: /^\s*else\b/.test(masked.find((line) => !line.inDirective && line.code.trim() !== '')?.code ?? ''),
    initializerEntries: startsWithInitializerEntries(masked),
    statementsFirst: startsWithStatement(masked),
  };
}

const SPACE = 32;
const TAB = 9;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const SEMICOLON = 59;
const OPEN_PAREN = 40;
const CLOSE_PAREN = 41;
const EQUALS = 61;
const COMMA = 44;

interface Position {
  line: number;
  column: number;
}

/** The characters that change what measureRun counts. */
const STRUCTURAL = /[{}();]/g;

/** The first column at or after `from` that holds code (not a space or tab), or -1. */
function nextCodeColumn(code: string, from: number): number {
  for (let column = from; column < code.length; column++) {
    const char = code.charCodeAt(column);
    if (char !== SPACE && char !== TAB) return column;
  }
  return -1;
}

/** The last column in [from, to) that holds code, or -1. */
function lastCodeColumn(code: string, from: number, to: number): number {
  for (let column = to - 1; column >= from; column--) {
    const char = code.charCodeAt(column);
    if (char !== SPACE && char !== TAB) return column;
  }
  return -1;
}

/** The statement text from `start` up to the brace at `end`, a few lines at most. */
function statementBefore(masked: readonly MaskedLine[], start: Position, end: Position): string {
  const firstLine = Math.max(start.line, end.line - 3);
  let text = '';
  for (let line = firstLine; line <= end.line; line++) {
    const code = masked[line].code;
    text += ` ${code.slice(line === start.line ? start.column : 0, line === end.line ? end.column : code.length)}`;
  }
  return text.replace(/\s+/g, ' ').trim();
}

/** What the `{` at `end` opens, from its parent block and what comes before it. */
function blockKindAt(
  parent: BlockKind | undefined,
  lastCode: number,
  masked: readonly MaskedLine[],
  statementStart: Position,
  end: Position,
): BlockKind {
  // After `,` a brace starts an entry of a list: only initialisers have those.
  if (parent === 'initializer' || lastCode === EQUALS || lastCode === COMMA) return 'initializer';
  const statement = statementBefore(masked, statementStart, end);
  if (/(?:^|\W)do$/.test(statement)) return 'do';
  return AGGREGATE_HEAD.test(statement) ? 'record' : 'block';
}

const CONTINUATION_START = /^[|&+\-*/%?:=<>,"^!]/;

/**
 * The block depth a line's indentation says it sits at, in kernel style (a tab per level,
 * `case` one level out, a closing brace at its opener's level), when the line begins a
 * statement; null for lines that continue one, labels, and lines without code.
 */
function depthByIndentation(line: string, code: string, lastCodeBefore: string): number | null {
  const trimmed = code.trim();
  if (trimmed === '') return null;
  // The first code line of a run starts a statement only if it also ends like one; an
  // initialiser entry (`.field = x,`, `[IDX] = x,`) always starts at its own indentation.
  const startsStatement = lastCodeBefore === '' ? /[;{}:)]$/.test(trimmed) : ';{}:'.includes(lastCodeBefore);
  if (!startsStatement && !INITIALIZER_ENTRY.test(trimmed)) return null;
  if (CONTINUATION_START.test(trimmed) || /^[A-Za-z_]\w*\s*:(?!:)/.test(trimmed) && !/^default\b/.test(trimmed)) {
    return null;
  }
  const indentation = /^[ \t]*/.exec(line)?.[0] ?? '';
  let columns = 0;
  for (const char of indentation) columns = char === '\t' ? columns - (columns % 8) + 8 : columns + 1;
  let depth = Math.floor(columns / 8);
  if (trimmed.startsWith('}')) depth++;
  if (/^(?:case\b|default\s*:)/.test(trimmed)) depth++;
  return depth;
}

/** Follow #if nesting; returns 1 when the directive closes or continues an #if not in the run. */
function trackConditional(directive: string, conditionals: ConditionalFrame[]): number {
  const top = conditionals[conditionals.length - 1];
  switch (directive) {
    case 'if':
    case 'ifdef':
    case 'ifndef':
      conditionals.push({ skipping: false });
      return 0;
    case 'else':
    case 'elif':
    case 'elifdef':
    case 'elifndef':
      if (top === undefined) {
        conditionals.push({ skipping: true });
        return 1;
      }
      top.skipping = true;
      return 0;
    case 'endif':
      if (top === undefined) return 1;
      conditionals.pop();
      return 0;
    default:
      return 0;
  }
}

/** How the @@ section heading can stand in for the lines above the hunk. */
export type HeadingKind = 'function' | 'initializer' | 'record' | 'other';

export function classifyHeading(heading: string): HeadingKind {
  const text = heading.trim();
  if (text === '' || text.endsWith(';') || text.startsWith('#')) return 'other';
  const firstParen = text.indexOf('(');
  const firstEquals = text.indexOf('=');
  if (firstEquals !== -1 && (firstParen === -1 || firstEquals < firstParen)) {
    return /=\s*\{?$/.test(text) ? 'initializer' : 'other';
  }
  if (firstParen === -1) {
    // `static const struct foo` is a variable (or function) whose name git cut, not a struct body.
    if (/^(?:static|extern|const)\b/.test(text) && !text.endsWith('{')) return 'other';
    return AGGREGATE_HEAD.test(text.replace(/\{\s*$/, '')) ? 'record' : 'other';
  }
  return /[A-Za-z_]\w*\s*\($/.test(text.slice(0, firstParen + 1)) ? 'function' : 'other';
}

function parenBalance(text: string): number {
  let balance = 0;
  for (const char of text) {
    if (char === '(') balance++;
    else if (char === ')') balance--;
  }
  return balance;
}

/** A heading with its annotations blanked, as parsed text. */
function cleanHeading(heading: string): string {
  const text = heading.trim();
  const [masked] = maskLines([text], START_OF_FILE).masked;
  return blankAnnotations(text, masked.code);
}

/** The signature line of a function heading, completed if git cut it (headings are at most 80 bytes). */
function functionHead(heading: string): string {
  let signature = cleanHeading(heading).replace(/\{\s*$/, '').trimEnd();
  const open = parenBalance(signature);
  if (open > 0) {
    // Drop the parameter the cut left unfinished, then close what is open.
    signature = signature.slice(0, Math.max(signature.lastIndexOf(','), signature.lastIndexOf('(') + 1));
    signature += ')'.repeat(parenBalance(signature));
  }
  // A function-defining macro (SYSCALL_DEFINE3(...)) has no return type of its own.
  if (/^[A-Za-z_]\w*\s*\(/.test(signature)) signature = `long ${signature}`;
  return signature;
}

/**
 * When a run starts inside the parameter list of the function its heading begins, the
 * heading as the text before it: `static int foo(struct bar *b,` as written, or a heading
 * git cut before the parenthesis (`static struct mmc_blk_data *mmc_blk_allo`) with `(` added.
 */
function signatureStartFor(heading: string, headingKind: HeadingKind, shape: RunShape): string | null {
  if (shape.braceDeficit > 0 || shape.parenDeficit === 0 || (shape.indentedStartDepth ?? 0) > 0) return null;
  if (headingKind === 'function') {
    if (parenBalance(heading) !== shape.parenDeficit) return null;
    // The run's first line starts a parameter: drop what git left of the heading's last one.
    const signature = cleanHeading(heading);
    return signature.slice(0, Math.max(signature.lastIndexOf(','), signature.lastIndexOf('(')) + 1);
  }
  const cleaned = cleanHeading(heading);
  if (headingKind !== 'other' || !DECLARATION_WITHOUT_INITIALIZER.test(cleaned)) return null;
  return `${cleaned}${'('.repeat(shape.parenDeficit)}`;
}

/** What opens the parentheses a run closes without opening, by where the run starts. */
const PAREN_OPENER: Record<BlockKind, string> = {
  function: 'if (',
  block: 'if (',
  do: 'if (',
  initializer: '(',
  record: 'void __cptlint_member(',
};

/**
 * The opening of a block a run starts inside of, beyond the outermost: what follows the `}`
 * that closes it says what it was (`} else` closes an if, `} while (x);` a do), and a
 * nested level in a struct body is an anonymous struct member.
 */
function innerOpener(outer: BlockKind, follower: string | undefined): { text: string; kind: BlockKind } {
  if (outer === 'record') return { text: ' struct {', kind: 'record' };
  if (outer === 'initializer') return { text: ' {', kind: 'initializer' };
  if (follower === 'else') return { text: ' if (1) {', kind: 'block' };
  if (follower === 'while') return { text: ' do {', kind: 'block' };
  return { text: ' {', kind: 'block' };
}

function closerOf(kind: BlockKind, parent: BlockKind | undefined): string {
  if (kind === 'do') return '} while (0);';
  return kind === 'record' || (kind === 'initializer' && parent !== 'initializer') ? '};' : '}';
}

/**
 * What finishes the statement, entry or member a run stops in the middle of, before the
 * closing braces: an operand after an operator (`a ||` gets `0`), the open parentheses
 * (`...` after a comma in a member's parameter list), and `;` where a statement needs one.
 */
function statementEnding(innermost: BlockKind, shape: RunShape): string {
  const last = shape.lastCode;
  const finished = last === '' || ';{}'.includes(last);
  const operand = finished || /[\w)\]'"]/.test(last) ? '' : '0';
  switch (innermost) {
    case 'initializer':
      return shape.openParens > 0 ? `${operand}${')'.repeat(shape.openParens)}` : '';
    case 'record':
      if (shape.openParens > 0) return `${last === ',' ? '...' : operand}${')'.repeat(shape.openParens)};`;
      return finished || last === ',' ? '' : ';';
    default:
      if (shape.openParens > 0) return `${operand}${')'.repeat(shape.openParens)};`;
      // A label or case label at the end of a block needs a statement after it.
      return finished ? '' : `${last === ',' || last === ':' ? '' : operand};`;
  }
}

/** Indentation deeper than this says more about line continuation than about blocks. */
const MAX_INDENTED_DEPTH = 6;

/** The name of the neutral function a fragment of unknown context is parsed in. */
export const FRAGMENT_FUNCTION = '__cptlint_fragment';
/** The neutral head for initialiser entries whose variable the heading does not name. */
const FRAGMENT_INITIALIZER = 'static const int __cptlint_initializer[] = {';

/** `static const struct foo bar[]`: a declaration whose initialiser git cut from the heading. */
const NOT_A_NAME = '(?!(?:static|const|extern|volatile|struct|union|enum)\\b)';
const DECLARATION_WITHOUT_INITIALIZER = new RegExp(
  `^(?:(?:static|const|extern|volatile)\\s+)*(?:(?:struct|union|enum)\\s+\\w+|${NOT_A_NAME}\\w+)` +
    `(?:\\s+const)?[\\s*]+${NOT_A_NAME}\\w+\\s*(?:\\[[^\\]]*\\]\\s*)*$`,
);

interface EnclosingHead {
  text: string;
  kind: BlockKind;
  description: string;
}

/**
 * The row that opens what a hunk starts inside of. The heading may be cut (git keeps a
 * prefix of the line), so an initialiser whose `= {` was cut is recognised by the entries
 * the hunk shows.
 */
function enclosingHead(heading: string, headingKind: HeadingKind, shape: RunShape): EnclosingHead {
  if (headingKind === 'function') {
    return { text: `${functionHead(heading)} {`, kind: 'function', description: 'signature from @@ line' };
  }
  let cleaned = cleanHeading(heading).replace(/\{\s*$/, '').trimEnd();
  // git may cut the heading inside the array brackets: `foo_driver[`.
  if (cleaned.split('[').length > cleaned.split(']').length) cleaned += ']';
  if (headingKind === 'initializer') {
    return { text: `${cleaned.replace(/=$/, '').trimEnd()} = {`, kind: 'initializer', description: 'initialiser head from @@ line' };
  }
  const declaration = DECLARATION_WITHOUT_INITIALIZER.test(cleaned);
  // A variable with a block after it can only be an initialiser (unless git cut a function name).
  if (shape.initializerEntries || (declaration && !shape.statementsFirst)) {
    return declaration
      ? { text: `${cleaned} = {`, kind: 'initializer', description: 'initialiser head from @@ line' }
      : { text: FRAGMENT_INITIALIZER, kind: 'initializer', description: 'neutral initialiser head' };
  }
  if (headingKind === 'record') {
    return { text: `${cleaned} {`, kind: 'record', description: 'struct head from @@ line' };
  }
  return { text: `void ${FRAGMENT_FUNCTION}(void) {`, kind: 'function', description: 'fragment function' };
}

export interface RunContext {
  /** Rows to put before the run, in order. */
  before: string[];
  /** Rows to put after the run, in order. */
  after: string[];
  /** What was invented, in words (for CSource.synthesized). */
  notes: string[];
}

/**
 * The rows that make a run parse: the enclosing head from the section heading (or a
 * neutral function when the heading names none) when the run starts inside a block, and
 * the missing closers at its end. A run that starts at line 1 gets nothing before it; a
 * run that is a whole file gets nothing at all (its imbalance is real).
 */
export function contextForRun(shape: RunShape, heading: string, firstLine: number, lastLine: number, wholeFile: boolean): RunContext {
  const atFileStart = wholeFile || firstLine === 1;
  const before: string[] = [];
  const after: string[] = [];
  const notes: string[] = [];
  const headingKind = classifyHeading(heading);
  const depthByIndent = shape.indentedStartDepth ?? (shape.firstCodeIndented ? 1 : 0);
  const depth = atFileStart ? 0 : Math.max(shape.braceDeficit, Math.min(depthByIndent, MAX_INDENTED_DEPTH));
  const outerLevels: BlockKind[] = [];
  let parenOpener = '';
  const signatureStart = atFileStart ? null : signatureStartFor(heading, headingKind, shape);
  if (signatureStart !== null) {
    // The hunk starts in the middle of the signature the heading begins.
    before.push(signatureStart);
    notes.push(`signature start from @@ line before ${firstLine}`);
  } else if (depth > 0) {
    const head = enclosingHead(heading, headingKind, shape);
    outerLevels.push(head.kind);
    let headRow = head.text;
    for (let level = 1; level < depth; level++) {
      const opener = innerOpener(head.kind, shape.deficitFollowers[depth - 1 - level]);
      outerLevels.push(opener.kind);
      headRow += opener.text;
    }
    if (head.kind === 'function' && depth > 1 && shape.initializerEntries) {
      // Entries of an initialiser inside a function: the innermost level is a local table.
      outerLevels[depth - 1] = 'initializer';
      headRow = `${head.text}${' {'.repeat(depth - 2)} ${FRAGMENT_INITIALIZER}`;
    }
    before.push(headRow);
    notes.push(`${head.description} before line ${firstLine}${depth > 1 ? ` and ${depth - 1} opening brace(s)` : ''}`);
    const outerKind = head.kind;
    if (shape.parenDeficit > 0) {
      parenOpener = PAREN_OPENER[outerKind] + '('.repeat(shape.parenDeficit - 1);
    }
  }
  if (depth > 0 && shape.startsWithElse && outerLevels.length > 0) {
    before.push('if (1) ;');
    notes.push(`if before line ${firstLine}`);
  }
  for (let count = 0; count < shape.orphanConditionals; count++) before.push('#if 1');
  if (shape.orphanConditionals > 0) notes.push(`${shape.orphanConditionals} #if before line ${firstLine}`);
  if (parenOpener !== '') {
    before.push(parenOpener);
    notes.push(`${shape.parenDeficit} opening parenthesis(es) before line ${firstLine}`);
  }
  // The run's unmatched `}` close the outer levels it started in, innermost first.
  const blocks = [...outerLevels.slice(0, Math.max(0, outerLevels.length - shape.braceDeficit)), ...shape.openBlocks];
  if (blocks.length === 0 && !wholeFile && !';{}'.includes(shape.lastCode)) {
    // A run that ends at top level in the middle of a declaration (often a signature).
    // A parameter list cut after a comma is finished with `...`, which C allows there.
    const rest = shape.lastCode === ',' ? '...' : '';
    after.push(`${shape.openParens > 0 ? `${rest}${')'.repeat(shape.openParens)}` : ''};`);
    notes.push(`end of declaration after line ${lastLine}`);
  }
  if (blocks.length > 0 && !wholeFile) {
    const ending = statementEnding(blocks[blocks.length - 1], shape);
    const closers = blocks
      .map((kind, index) => closerOf(kind, blocks[index - 1]))
      .reverse()
      .join(' ');
    after.push(`${ending}${ending === '' ? '' : ' '}${closers}`);
    notes.push(`${blocks.length} closing brace(s) after line ${lastLine}`);
  }
  for (let count = 0; count < shape.openConditionals; count++) after.push('#endif');
  if (shape.openConditionals > 0) notes.push(`${shape.openConditionals} #endif after line ${lastLine}`);
  return { before, after, notes };
}
