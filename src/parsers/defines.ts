/**
 * #define lines of a parsed file, and the small constant evaluator that gives their
 * numeric value when the replacement text is an integer constant expression.
 */
import type { Node } from 'web-tree-sitter';
import type { Define, SourceLines } from '../model/source.js';

/** Names cptlint itself puts in the parsed text (see c.ts); never reported as defines. */
const SYNTHESISED_NAME = /^__cptlint_/;

/** Replacement text as written: comments removed, line continuations joined, trimmed. */
export function defineValueText(raw: string): string {
  return raw
    .replace(/\/\*[\s\S]*?(\*\/|$)/g, ' ')
    .replace(/\/\/.*$/gm, '')
    .replace(/\\\r?\n/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const DEFINE_LINE = /^[ \t]*#[ \t]*define\b/gm;

/**
 * The preproc_def and preproc_function_def nodes of a tree, in document order. Each begins a
 * line with `#define`, so the text says where they can be and the tree is asked only there:
 * a walk of every node of a large file cost more than its parse. A `#define` in a comment or
 * in the body of another macro has no node of its own starting there, and is skipped.
 * @param text the text the tree was parsed from
 */
function defineNodes(root: Node, text: string): Node[] {
  const nodes: Node[] = [];
  for (const match of text.matchAll(DEFINE_LINE)) {
    const hash = match.index + match[0].indexOf('#');
    let node: Node | null = root.descendantForIndex(hash);
    while (node !== null && node.type !== 'preproc_def' && node.type !== 'preproc_function_def') node = node.parent;
    if (node !== null && node.startIndex === hash) nodes.push(node);
  }
  return nodes;
}

/**
 * Every #define (object-like and function-like) in document order, wherever it sits
 * (top level, inside #if blocks, inside a function). A define's numeric value may use
 * defines seen before it in the same file.
 * @param text the text the tree was parsed from
 */
export function extractDefines(root: Node, lines: SourceLines, text: string): Define[] {
  const defines: Define[] = [];
  const known = new Map<string, number>();
  for (const node of defineNodes(root, text)) {
    const name = node.childForFieldName('name')?.text;
    const line = lines.postLineOfRow(node.startPosition.row);
    if (name === undefined || line === null || SYNTHESISED_NAME.test(name)) continue;
    const hasParameters = node.type === 'preproc_function_def';
    const value = defineValueText(node.childForFieldName('value')?.text ?? '');
    const numeric = hasParameters ? null : evaluateConstant(value, known);
    if (numeric !== null) known.set(name, numeric);
    defines.push({ name, value, numeric, file: lines.file.path, line, hasParameters });
  }
  return defines;
}

type Token =
  | { kind: 'number'; value: bigint }
  | { kind: 'name'; name: string }
  | { kind: 'operator'; operator: string };

const OPERATORS = ['<<', '>>', '+', '-', '*', '/', '%', '|', '&', '^', '~', '(', ')'];
/** Words of a cast that evaluation ignores: `(unsigned long)1` is 1. */
const TYPE_WORDS = new Set([
  'unsigned', 'signed', 'int', 'long', 'short', 'char', 'const', 'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32',
  's64', '__u8', '__u16', '__u32', '__u64', 'uint8_t', 'uint16_t', 'uint32_t', 'uint64_t', 'int8_t', 'int16_t',
  'int32_t', 'int64_t', 'size_t', 'ssize_t', 'phys_addr_t', 'dma_addr_t', 'resource_size_t',
]);

function parseIntegerLiteral(literal: string): bigint | null {
  const match = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)([uU]?[lL]{0,2}|[lL]{1,2}[uU]?)$/.exec(literal);
  if (match === null) return null;
  const digits = match[1];
  if (/^0[0-7]+$/.test(digits)) return BigInt(`0o${digits.slice(1)}`);
  return BigInt(digits);
}

function tokenize(expression: string): Token[] | null {
  const tokens: Token[] = [];
  let position = 0;
  while (position < expression.length) {
    const rest = expression.slice(position);
    const space = /^\s+/.exec(rest);
    if (space) {
      position += space[0].length;
      continue;
    }
    const number = /^[0-9][0-9a-zA-Z]*/.exec(rest);
    if (number) {
      const value = parseIntegerLiteral(number[0]);
      if (value === null) return null;
      tokens.push({ kind: 'number', value });
      position += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_]\w*/.exec(rest);
    if (word) {
      tokens.push({ kind: 'name', name: word[0] });
      position += word[0].length;
      continue;
    }
    const operator = OPERATORS.find((candidate) => rest.startsWith(candidate));
    if (operator === undefined) return null;
    tokens.push({ kind: 'operator', operator });
    position += operator.length;
  }
  return tokens;
}

/** Drop casts to integer types: "(" type-words [*]... ")" directly followed by an operand. */
function removeCasts(tokens: Token[]): Token[] {
  const result: Token[] = [];
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    if (token.kind === 'operator' && token.operator === '(') {
      let end = index + 1;
      while (end < tokens.length) {
        const inner = tokens[end];
        if (inner.kind !== 'name' || !TYPE_WORDS.has(inner.name)) break;
        end++;
      }
      const closing = tokens[end];
      const next = tokens[end + 1];
      const isCast =
        end > index + 1 &&
        closing?.kind === 'operator' &&
        closing.operator === ')' &&
        next !== undefined &&
        (next.kind !== 'operator' || next.operator === '(' || next.operator === '~' || next.operator === '-');
      if (isCast) {
        index = end;
        continue;
      }
    }
    result.push(token);
  }
  return result;
}

/** Binary operators by C precedence, loosest first. */
const BINARY_LEVELS: string[][] = [['|'], ['^'], ['&'], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];

/** Values are kept in 64-bit two's complement, as the kernel's unsigned long on 64-bit. */
const WRAP = (value: bigint): bigint => BigInt.asIntN(64, value);

/** Nesting (parentheses and unary operators) beyond which a constant expression is not evaluated (gives null). */
const MAX_EXPRESSION_NESTING = 200;

class ConstantParser {
  private position = 0;
  private nesting = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly known: ReadonlyMap<string, number>,
  ) {}

  parse(): bigint | null {
    const value = this.binary(0);
    return value !== null && this.position === this.tokens.length ? value : null;
  }

  private peekOperator(): string | null {
    const token = this.tokens[this.position];
    return token?.kind === 'operator' ? token.operator : null;
  }

  private binary(level: number): bigint | null {
    if (level === BINARY_LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    while (left !== null) {
      const operator = this.peekOperator();
      if (operator === null || !BINARY_LEVELS[level].includes(operator)) break;
      this.position++;
      const right = this.binary(level + 1);
      if (right === null) return null;
      left = applyBinary(operator, left, right);
    }
    return left;
  }

  private unary(): bigint | null {
    if (this.nesting >= MAX_EXPRESSION_NESTING) return null;
    this.nesting++;
    try {
      const operator = this.peekOperator();
      if (operator === '-' || operator === '+' || operator === '~') {
        this.position++;
        const operand = this.unary();
        if (operand === null) return null;
        return operator === '-' ? WRAP(-operand) : operator === '~' ? WRAP(~operand) : operand;
      }
      return this.primary();
    } finally {
      this.nesting--;
    }
  }

  private primary(): bigint | null {
    const token = this.tokens[this.position++];
    if (token === undefined) return null;
    if (token.kind === 'number') return token.value;
    if (token.kind === 'name') {
      const value = this.known.get(token.name);
      return value === undefined ? null : BigInt(value);
    }
    if (token.operator !== '(') return null;
    const inner = this.binary(0);
    if (inner === null || this.peekOperator() !== ')') return null;
    this.position++;
    return inner;
  }
}

function applyBinary(operator: string, left: bigint, right: bigint): bigint | null {
  switch (operator) {
    case '+': return WRAP(left + right);
    case '-': return WRAP(left - right);
    case '*': return WRAP(left * right);
    case '/': return right === 0n ? null : WRAP(left / right);
    case '%': return right === 0n ? null : WRAP(left % right);
    case '<<': return right < 0n || right > 63n ? null : WRAP(left << right);
    case '>>': return right < 0n || right > 63n ? null : left >> right;
    case '|': return left | right;
    case '&': return left & right;
    case '^': return left ^ right;
    default: return null;
  }
}

/**
 * The value of an integer constant expression: literals (decimal, hex, octal, binary, with
 * U/L suffixes), names from `known`, + - * / % << >> | & ^ ~ and parentheses; casts to
 * integer types are ignored. Anything else (an unknown name, a call, a float) gives null.
 * Results that are not safe JavaScript integers also give null. No eval.
 */
export function evaluateConstant(expression: string, known: ReadonlyMap<string, number> = new Map()): number | null {
  const tokens = tokenize(expression);
  if (tokens === null || tokens.length === 0) return null;
  const value = new ConstantParser(removeCasts(tokens), known).parse();
  if (value === null) return null;
  const asNumber = Number(value);
  return Number.isSafeInteger(asNumber) ? asNumber : null;
}
