/**
 * Kernel macro forms that tree-sitter-c cannot parse, rewritten in the text it parses so
 * that the tree comes out whole. Every rewrite keeps rows, and keeps columns except where
 * stated; `SourceLines.lineText(postLine)` still gives the line as the patch shows it.
 *
 * 1. Annotation words (`__init`, `__user`, `__iomem`, `__rcu`, `__must_check`, ...) and
 *    annotation calls (`__aligned(8)`, `__free(kfree)`, `__acquires(lock)`, ...) are
 *    replaced by spaces of the same length: `static int __init foo_init(void)` parses as
 *    `static int        foo_init(void)`. Rules that care about an annotation read the line text.
 * 2. Iterator and guard macros used as statements with a body
 *    (`list_for_each_entry(pos, head, member) {`, `scoped_guard(mutex, &lock) {`,
 *    `for_each_child_of_node(np, child)` followed by one statement) get a `;` after the
 *    closing parenthesis: the space before the `{` becomes `;` (columns kept), or a `;` is
 *    appended to the line when the body starts on the next line (nothing after it moves).
 *    The macro stays an expression_statement holding a call_expression with its own name
 *    and arguments, and its body is the NEXT SIBLING statement (a compound_statement or a
 *    single statement). A `{` glued to the `)` gets a `;` inserted (the rest of that row
 *    moves one column right).
 * 3. A macro call at column 0 with nothing after it, followed by another top-level line
 *    (`EXPORT_SYMBOL(foo)`, `module_exit(foo_exit)` without their `;`), gets a `;` appended.
 *    Function-defining macros at column 0 with no return type (`SYSCALL_DEFINE3(open, ...)`,
 *    `BPF_CALL_2(...)`) get a row `long` inserted before them, so that they parse as a
 *    function_definition whose declarator is a function_declarator named after the macro
 *    (`SYSCALL_DEFINE3`) with the macro arguments as parameters. The inserted row maps to
 *    no post-image line.
 * 4. A type passed to a macro as an argument (`container_of(p, struct foo, list)`,
 *    `list_first_entry(head, struct foo, node)`) loses its `struct`/`union`/`enum` word
 *    (spaces): the argument parses as the identifier `foo`. Casts, compound literals and
 *    sizeof/typeof/offsetof/_Alignof keep theirs. A type of several keywords
 *    (`max_t(unsigned long, a, b)`) has its spaces made `_`: the identifier `unsigned_long`.
 * 5. GNU case ranges `case A ... B:` read `case A ||  B:` (`...` becomes `|| `), so the
 *    case_statement parses; its value is then a binary_expression of the two bounds.
 */
import type { MaskedLine } from './c-mask.js';

const ANNOTATION_WORDS = [
  '__init', '__exit', '__initdata', '__exitdata', '__initconst', '__exitconst', '__init_or_module',
  '__initdata_or_module', '__meminit', '__meminitdata', '__meminitconst', '__ref', '__refdata', '__refconst',
  '__net_init', '__net_exit', '__net_initdata', '__ro_after_init', '__read_mostly', '__user', '__iomem', '__rcu',
  '__percpu', '__force', '__bitwise', '__nocast', '__safe', '__private', '__must_check', '__always_inline',
  '__maybe_unused', '__always_unused', '__unused', '__used', '__cold', '__hot', '__noreturn', '__weak', '__pure',
  '__packed', '__nonstring', '__visible', '__sched', '__kprobes', '__latent_entropy', '__randomize_layout',
  '__noinline', 'noinline', 'notrace', 'noinstr', 'asmlinkage', '__attribute_const__', '__malloc', '__deprecated',
  '__cacheline_aligned', '__cacheline_aligned_in_smp', '____cacheline_aligned', '____cacheline_aligned_in_smp',
  '__flatten', '__irq_entry', '__exception_irq_entry', '__naked', '__no_kcsan', '__no_sanitize_address',
  '__nocfi', '__noclone', '__rcu_bh', '__user_aligned', '__kernel', '__iomem_aligned', '__initdata_rodata',
  '__devinit', '__devexit', '__devinitdata', '__cpuinit', '__ftrace_kprobes', '__no_profile', '__lockfunc',
];

const ANNOTATION_CALLS = [
  '__aligned', '__section', '__free', '__counted_by', '__counted_by_le', '__counted_by_be', '__acquires',
  '__releases', '__must_hold', '__cond_acquires', '__cond_releases', '__printf', '__scanf', '__alias',
  '__guarded_by', '__pt_guarded_by', '__diagnose_as', '__alloc_size', '__realloc_size', '__assume_aligned',
  '__designated_init', '__no_sanitize_or_inline', '__nonnull',
];

const ANNOTATION_WORD_SET = new Set(ANNOTATION_WORDS);
const ANNOTATION_CALL_SET = new Set(ANNOTATION_CALLS);
/** Words that may be annotations; the sets decide (one cheap scan instead of a long alternation). */
const ANNOTATION_CANDIDATE = /(?<![\w$])(?:__\w+|noinline|notrace|noinstr|asmlinkage)(?![\w$])/g;

/** Words that start a statement with parentheses but are not macros. */
const KEYWORDS = new Set([
  'if', 'for', 'while', 'switch', 'return', 'sizeof', 'do', 'else', 'case', 'goto', 'typeof', '__typeof__',
  '__typeof', '_Generic', 'defined', 'alignof', '_Alignof', '__alignof__', 'asm', '__asm__', '__asm',
  '_Static_assert', 'static_assert', '__attribute__', '__attribute', 'offsetof', '__builtin_expect',
]);

/** Iterator macros whose body may be a single statement on the next line. */
const ITERATOR_NAME = /for_each|foreach/;

const STATEMENT_START = /^(\s*)([A-Za-z_]\w*)\s*\(/;

/** `struct foo` as a whole macro argument: after `(` or `,`, before `,` or `)` (not `){`). */
const TYPE_ARGUMENT = /([(,]\s*)(struct|union|enum)(?=\s+[A-Za-z_]\w*\s*(?:,|\)(?!\s*\{)))/g;
/** Operators whose parenthesised operand may rightly be a type. */
const TYPE_OPERATOR = /(?:sizeof|typeof|__typeof__|__typeof|offsetof|_Alignof|alignof|__alignof__|_Generic)\s*$/;

const TYPE_WORD = '(?:unsigned|signed|short|long|int|char)';
/** A macro argument made of several type keywords: `max_t(unsigned long, a, b)`. */
const WORDS_TYPE_ARGUMENT = new RegExp(`([(,]\\s*)(${TYPE_WORD}(?:\\s+${TYPE_WORD})+)(?=\\s*[,)])`, 'g');

/** What every match of WORDS_TYPE_ARGUMENT starts with. */
const WORDS_TYPE_ARGUMENT_HINT = new RegExp(`[(,]\\s*${TYPE_WORD}\\s+${TYPE_WORD}`);
/** What every match of TYPE_ARGUMENT starts with. */
const TYPE_ARGUMENT_HINT = /[(,]\s*(?:struct|union|enum)\s/;

/** Rule 4 on one line. */
function rewriteTypeArguments(line: string, code: string): string {
  let result = line;
  // Each prefilter is implied by a match of the pattern it guards: most lines have neither.
  if (WORDS_TYPE_ARGUMENT_HINT.test(code) && /\b(?:unsigned|signed|short|long)\b/.test(code)) {
    for (const match of code.matchAll(WORDS_TYPE_ARGUMENT)) {
      const start = match.index + match[1].length;
      const end = start + match[2].length;
      // `(unsigned long)` alone is a cast, not a macro argument.
      if (match[1].trimStart().startsWith('(') && code.slice(end).trimStart().startsWith(')')) continue;
      result = result.slice(0, start) + match[2].replace(/\s/g, '_') + result.slice(end);
    }
  }
  if (!TYPE_ARGUMENT_HINT.test(code)) return result;
  for (const match of code.matchAll(TYPE_ARGUMENT)) {
    const keywordStart = match.index + match[1].length;
    const opener = code.lastIndexOf('(', keywordStart);
    if (match[1].trimStart().startsWith('(') && TYPE_OPERATOR.test(code.slice(0, opener))) continue;
    result = blank(result, keywordStart, keywordStart + match[2].length);
  }
  return result;
}

/** Rule 5 on one line. */
function rewriteCaseRange(line: string, code: string): string {
  if (!code.includes('...') || !/^\s*case\b/.test(code)) return line;
  const range = code.indexOf('...');
  return `${line.slice(0, range)}|| ${line.slice(range + 3)}`;
}

export interface MacroRewrite {
  /** The lines as tree-sitter should see them (same count as the input). */
  lines: string[];
  /** Indices of lines that need a `long` row before them (rule 3). */
  typeRowBefore: Set<number>;
}

function blank(text: string, start: number, end: number): string {
  return text.slice(0, start) + ' '.repeat(end - start) + text.slice(end);
}

/** Rule 1 on one line; `code` is its mask (only code regions are touched). */
export function blankAnnotations(line: string, code: string): string {
  if (!code.includes('__') && !/noinline|notrace|noinstr|asmlinkage/.test(code)) return line;
  let result = line;
  for (const match of code.matchAll(ANNOTATION_CANDIDATE)) {
    const word = match[0];
    const start = match.index;
    if (ANNOTATION_WORD_SET.has(word)) {
      result = blank(result, start, start + word.length);
    } else if (ANNOTATION_CALL_SET.has(word)) {
      const open = /^\s*\(/.exec(code.slice(start + word.length));
      const close = open === null ? -1 : matchingParenOnLine(code, start + word.length + open[0].length - 1);
      if (close !== -1) result = blank(result, start, close + 1);
    }
  }
  return result;
}

function matchingParenOnLine(code: string, open: number): number {
  let depth = 0;
  for (let index = open; index < code.length; index++) {
    const char = code[index];
    if (char === '(') depth++;
    else if (char === ')' && --depth === 0) return index;
  }
  return -1;
}

interface Position {
  line: number;
  column: number;
}

/** The `)` matching the `(` at `open`, looking a few lines ahead (directive lines are blank). */
function matchingParen(masked: readonly MaskedLine[], open: Position): Position | null {
  let depth = 0;
  const lastLine = Math.min(masked.length - 1, open.line + 20);
  for (let line = open.line; line <= lastLine; line++) {
    const code = masked[line].code;
    for (let column = line === open.line ? open.column : 0; column < code.length; column++) {
      const char = code[column];
      if (char === '(') depth++;
      else if (char === ')' && --depth === 0) return { line, column };
      else if (char === ';' || char === '{' || char === '}') return null;
    }
  }
  return null;
}

/** The next line with code after `line` (untrimmed), looking a few lines ahead. */
function firstCodeLineAfter(masked: readonly MaskedLine[], line: number): string | null {
  for (let next = line + 1; next < masked.length && next <= line + 20; next++) {
    if (masked[next].code.trim() !== '') return masked[next].code;
  }
  return null;
}

/** The last non-space code character before each line, and the word it ends, for statement starts. */
function isStatementStart(previousCode: string): boolean {
  const trimmed = previousCode.trimEnd();
  if (trimmed === '') return true;
  const last = trimmed[trimmed.length - 1];
  return ';{}:)'.includes(last) || /(?:^|\W)(?:else|do)$/.test(trimmed);
}

/** Apply rules 1 to 5 to the lines of one run of post-image lines. */
export function rewriteKernelMacros(lines: readonly string[], masked: readonly MaskedLine[]): MacroRewrite {
  const result = lines.map((line, index) => {
    const { code, inDirective } = masked[index];
    if (inDirective) return line;
    return rewriteCaseRange(rewriteTypeArguments(blankAnnotations(line, code), code), code);
  });
  const typeRowBefore = new Set<number>();
  let previousCode = '';
  for (let index = 0; index < masked.length; index++) {
    const code = masked[index].code;
    if (!/\S/.test(code)) continue;
    const start = STATEMENT_START.exec(code);
    // An annotation on its own line after a function's head (`\t__releases(lock)`) was blanked above: not a statement.
    if (start !== null && !KEYWORDS.has(start[2]) && !ANNOTATION_CALL_SET.has(start[2]) && isStatementStart(previousCode)) {
      const open = { line: index, column: start[0].length - 1 };
      const close = matchingParen(masked, open);
      if (close !== null) rewriteMacroStatement(result, masked, start, close, index, typeRowBefore);
    }
    previousCode = code;
  }
  return { lines: result, typeRowBefore };
}

function rewriteMacroStatement(
  result: string[],
  masked: readonly MaskedLine[],
  start: RegExpExecArray,
  close: Position,
  startLine: number,
  typeRowBefore: Set<number>,
): void {
  const closeCode = masked[close.line].code;
  const rest = closeCode.slice(close.column + 1);
  const restTrimmed = rest.trimStart();
  const nextCode = restTrimmed === '' ? firstCodeLineAfter(masked, close.line) : null;
  const bodyOnNextLine = nextCode?.trimStart().startsWith('{') === true;
  const braceOnSameLine = restTrimmed.startsWith('{');
  const indented = start[1].length > 0;
  if (!indented) {
    if (braceOnSameLine || bodyOnNextLine) {
      typeRowBefore.add(startLine);
    } else if (restTrimmed === '' && (nextCode === null || /^[^\s{]/.test(nextCode))) {
      // A top-level macro statement whose `;` the author left out: `EXPORT_SYMBOL(foo)`.
      result[close.line] = `${result[close.line]};`;
    }
    return;
  }
  const line = result[close.line];
  if (braceOnSameLine) {
    const brace = close.column + 1 + (rest.length - restTrimmed.length);
    result[close.line] =
      brace > close.column + 1
        ? `${line.slice(0, brace - 1)};${line.slice(brace)}`
        : `${line.slice(0, brace)};${line.slice(brace)}`;
  } else if (restTrimmed === '' && (bodyOnNextLine || ITERATOR_NAME.test(start[2]))) {
    result[close.line] = `${line};`;
  }
}
