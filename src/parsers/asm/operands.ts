/**
 * Operands: a comma-separated piece of a statement's tokens becomes an immediate, a
 * register, a memory reference, a register list, a symbol, a local label reference, a
 * string, a shift, or an expression, by the rules of the architecture's dialect.
 */
import type { AsmDialect } from './dialect.js';
import { isPunct, type Token } from './lexer.js';
import type { AsmTreeNode, NodeFactory } from './node.js';
import { pushAll } from '../../model/push-all.js';

/** What the statement parser knows about the whole text. */
export interface ParseContext {
  factory: NodeFactory;
  dialect: AsmDialect;
  /** Names of `.macro`s defined in the text. */
  macroNames: ReadonlySet<string>;
  /** Names #defined in the text, other than register and mnemonic aliases. */
  defineNames: ReadonlySet<string>;
  /** `#define NAME mnemonic`: the name stands for an instruction. */
  mnemonicAliases: ReadonlySet<string>;
  /** `NAME .req reg` and `#define NAME <register>`: the name stands for a register. */
  registerAliases: ReadonlySet<string>;
}

/**
 * Where an operand sits: in an instruction, bare numbers and expressions follow the
 * dialect (immediate, or AT&T absolute address); in a directive or macro argument they stay
 * numbers and expressions.
 */
export type OperandMode = 'instruction' | 'argument';

const EXPRESSION_PUNCTUATION = new Set([
  '+', '-', '*', '/', '%', '<<', '>>', '&', '|', '^', '~', '!', '<', '>', '<=', '>=', '==', '!=', '<>', '&&', '||',
  '(', ')', ':', '?', '=', '@', '##',
]);

/** Shift and extend operators that need no amount (`rrx`, `uxtw` in `add x0, x0, w1, uxtw`). */
const AMOUNTLESS_SHIFTS = new Set(['rrx', 'uxtb', 'uxth', 'uxtw', 'uxtx', 'sxtb', 'sxth', 'sxtw', 'sxtx']);

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** Index of the bracket that closes the one at `open`, or -1. */
export function matchingClose(tokens: readonly Token[], open: number): number {
  const stack: string[] = [];
  for (let index = open; index < tokens.length; index++) {
    const token = tokens[index];
    if (token.kind !== 'punct') continue;
    const closer = OPENERS[token.text];
    if (closer !== undefined) {
      stack.push(closer);
    } else if (token.text === ')' || token.text === ']' || token.text === '}') {
      if (stack.pop() !== token.text) return -1;
      if (stack.length === 0) return index;
    }
  }
  return -1;
}

/** Index of the bracket that opens the one closing at `close`, or -1. */
function matchingOpen(tokens: readonly Token[], close: number): number {
  let depth = 0;
  const closer = tokens[close].text;
  const opener = closer === ')' ? '(' : closer === ']' ? '[' : '{';
  for (let index = close; index >= 0; index--) {
    const token = tokens[index];
    if (token.kind !== 'punct') continue;
    if (token.text === closer) depth++;
    else if (token.text === opener) {
      depth--;
      if (depth === 0) return index;
    }
  }
  return -1;
}

/** Splits at `separator` outside of brackets. */
export function splitTopLevel(tokens: readonly Token[], separator: string): Token[][] {
  const groups: Token[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === 'punct') {
      if (token.text in OPENERS) depth++;
      else if ((token.text === ')' || token.text === ']' || token.text === '}') && depth > 0) depth--;
      else if (token.text === separator && depth === 0) {
        groups.push([]);
        continue;
      }
    }
    groups[groups.length - 1].push(token);
  }
  return groups;
}

function endsOperand(token: Token): boolean {
  if (token.kind !== 'punct') return true;
  return token.text === ')' || token.text === ']' || token.text === '}';
}

function beginsOperand(token: Token, dialect: AsmDialect): boolean {
  if (token.kind !== 'punct') return true;
  return token.text === '[' || token.text === '{' || dialect.immediatePrefixes.includes(token.text);
}

/**
 * Splits operands written side by side with only blanks between them (`.type sym STT_FUNC`,
 * macro arguments): a new one starts where an operand ended and another begins.
 */
export function splitJuxtaposed(tokens: readonly Token[], dialect: AsmDialect): Token[][] {
  const atoms: Token[][] = [];
  let depth = 0;
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    const previous = tokens[index - 1];
    const startsNew =
      previous === undefined ||
      (depth === 0 && previous.end < token.start && endsOperand(previous) && beginsOperand(token, dialect));
    if (startsNew) atoms.push([]);
    atoms[atoms.length - 1].push(token);
    if (token.kind === 'punct') {
      if (token.text in OPENERS) depth++;
      else if ((token.text === ')' || token.text === ']' || token.text === '}') && depth > 0) depth--;
    }
  }
  return atoms;
}

const LOCAL_LABEL_REFERENCE = /^[0-9]+[fb]$/;

/** GAS integer literal: 0x hex, 0b binary, leading-0 octal, decimal. Null when not a plain integer. */
export function integerValue(literal: string): number | null {
  let digits = literal;
  let negative = false;
  if (digits.startsWith('-') || digits.startsWith('+')) {
    negative = digits.startsWith('-');
    digits = digits.slice(1).trimStart();
  }
  let value: bigint;
  if (/^0[xX][0-9a-fA-F]+$/.test(digits)) value = BigInt(digits);
  else if (/^0[bB][01]+$/.test(digits)) value = BigInt(digits);
  else if (/^0[0-7]*$/.test(digits)) value = digits.length > 1 ? BigInt(`0o${digits.slice(1)}`) : 0n;
  else if (/^[1-9][0-9]*$/.test(digits)) value = BigInt(digits);
  else return null;
  const result = Number(negative ? -value : value);
  return Number.isSafeInteger(result) ? result : null;
}

function characterValue(literal: string): number | null {
  const body = literal.endsWith("'") && literal.length > 2 ? literal.slice(1, -1) : literal.slice(1);
  const escapes: Record<string, number> = { n: 10, t: 9, r: 13, '0': 0, '\\': 92, "'": 39, '"': 34, b: 8, f: 12 };
  if (body.length === 1) return body.charCodeAt(0);
  if (body.length === 2 && body[0] === '\\') return escapes[body[1]] ?? body.charCodeAt(1);
  return null;
}

export class OperandParser {
  constructor(private readonly context: ParseContext) {}

  private get dialect(): AsmDialect {
    return this.context.dialect;
  }

  private node(type: string, first: Token, last: Token): AsmTreeNode {
    return this.context.factory.make(type, first.start, last.end);
  }

  /** The operands of an instruction, with ARM post-index (`[r1], #4`) folded into the memory operand. */
  instructionOperands(tokens: readonly Token[]): AsmTreeNode[] {
    const groups = splitTopLevel(tokens, ',').filter((group) => group.length > 0);
    const operands: AsmTreeNode[] = [];
    for (let index = 0; index < groups.length; index++) {
      const group = groups[index];
      const following = groups[index + 1];
      if (this.dialect.bracketMemory && following !== undefined && this.isBracketGroup(group)) {
        operands.push(this.bracketMemory(group, following));
        index++;
        continue;
      }
      pushAll(operands, this.operand(group, 'instruction'));
    }
    return operands;
  }

  /** Arguments of a directive or macro call: split at commas, then at blanks between operands. */
  arguments(tokens: readonly Token[]): AsmTreeNode[] {
    const nodes: AsmTreeNode[] = [];
    for (const group of splitTopLevel(tokens, ',')) {
      for (const atom of splitJuxtaposed(group, this.dialect)) pushAll(nodes, this.operand(atom, 'argument'));
    }
    return nodes;
  }

  /** One operand; several nodes when it is operands side by side, or an operand with AVX-512 decorators. */
  operand(tokens: readonly Token[], mode: OperandMode): AsmTreeNode[] {
    if (tokens.length === 0) return [];
    const decorators: AsmTreeNode[] = [];
    let bodyEnd = tokens.length;
    while (!this.dialect.braceRegisterLists && bodyEnd > 0 && isPunct(tokens[bodyEnd - 1], '}')) {
      const open = matchingOpen(tokens, bodyEnd - 1);
      if (open < 0) break;
      decorators.push(this.decorator(tokens.slice(open, bodyEnd)));
      bodyEnd = open;
    }
    decorators.reverse();
    const body = bodyEnd === tokens.length ? tokens : tokens.slice(0, bodyEnd);
    if (body.length === 0) return decorators;
    const single = this.single(body, mode);
    if (single !== null) return [single, ...decorators];
    const atoms = splitJuxtaposed(body, this.dialect);
    if (atoms.length > 1) {
      const parts = atoms.map((atom) => this.single(atom, mode));
      if (parts.every((part) => part !== null)) return [...(parts as AsmTreeNode[]), ...decorators];
    }
    return [this.node('unknown', body[0], body[body.length - 1]), ...decorators];
  }

  private single(tokens: readonly Token[], mode: OperandMode): AsmTreeNode | null {
    const first = tokens[0];
    const last = tokens[tokens.length - 1];
    const dialect = this.dialect;
    if (tokens.length === 1 && first.kind === 'word' && AMOUNTLESS_SHIFTS.has(first.text.toLowerCase()) && dialect.shiftOperators.has(first.text)) {
      return this.shift(tokens, mode);
    }
    if (tokens.length === 1) return this.singleToken(first, mode);
    if (tokens.length === 2 && isPunct(last, '!')) return this.singleToken(first, mode);
    if (isPunct(first, '*') && dialect.arch === 'x86') return this.indirect(tokens, mode);
    if (first.text === '%st' && tokens.length === 4 && isPunct(tokens[1], '(') && tokens[2].kind === 'number' && isPunct(last, ')')) {
      return this.node('register', first, last);
    }
    if (dialect.braceRegisterLists && first.kind === 'word' && isPunct(tokens[1], '[') && tokens[1].start === first.end) {
      return this.listRegister(tokens);
    }
    if (isPunct(first, '{') && dialect.braceRegisterLists) return this.registerList(tokens);
    if (isPunct(first, '[') && dialect.bracketMemory && this.isBracketGroup(tokens)) return this.bracketMemory(tokens, null);
    if (first.kind === 'punct' && dialect.immediatePrefixes.includes(first.text)) return this.immediate(tokens);
    if (first.kind === 'word' && dialect.shiftOperators.has(first.text)) return this.shift(tokens, mode);
    if (this.isSignedNumber(tokens)) return this.bareNumber(tokens, mode);
    if (first.kind === 'percent' && isPunct(tokens[1], ':') && dialect.percentRegisters) return this.segmentMemory(tokens);
    if (dialect.parenMemory && isPunct(last, ')')) {
      const memory = this.parenMemory(tokens);
      if (memory !== null) return memory;
    }
    const expression = this.expression(tokens);
    if (expression === null) return null;
    if (mode === 'instruction' && dialect.bareExpressionIsImmediate && !this.hasRegister(expression)) {
      return this.wrap('immediate', expression);
    }
    return expression;
  }

  private singleToken(token: Token, mode: OperandMode): AsmTreeNode | null {
    switch (token.kind) {
      case 'number':
        if (LOCAL_LABEL_REFERENCE.test(token.text)) return this.node('local_label_ref', token, token);
        return this.bareNumber([token], mode);
      case 'char':
        return this.bareNumber([token], mode);
      case 'string':
        return this.node('string', token, token);
      case 'percent':
        return this.node(this.dialect.percentRegisters ? 'register' : 'symbol', token, token);
      case 'dollar':
        return this.node('register', token, token);
      case 'word':
        return this.node(this.wordType(token), token, token);
      case 'punct':
        return null;
    }
  }

  private wordType(token: Token): string {
    if (token.text.startsWith('\\')) return 'macro_argument';
    if (this.isRegisterWord(token.text)) return 'register';
    return 'symbol';
  }

  private isRegisterWord(name: string): boolean {
    return this.dialect.isRegisterName(name) || this.context.registerAliases.has(name);
  }

  private isRegisterToken(token: Token): boolean {
    if (token.kind === 'dollar') return true;
    if (token.kind === 'percent') return this.dialect.percentRegisters;
    return token.kind === 'word' && (token.text.startsWith('\\') || this.isRegisterWord(token.text));
  }

  private isSignedNumber(tokens: readonly Token[]): boolean {
    return (
      tokens.length === 2 &&
      (isPunct(tokens[0], '-') || isPunct(tokens[0], '+')) &&
      tokens[1].kind === 'number' &&
      !LOCAL_LABEL_REFERENCE.test(tokens[1].text)
    );
  }

  /** A number node (value when it is a plain integer), with its sign when it has one. */
  private number(tokens: readonly Token[]): AsmTreeNode {
    const node = this.node('number', tokens[0], tokens[tokens.length - 1]);
    const last = tokens[tokens.length - 1];
    const magnitude = last.kind === 'char' ? characterValue(last.text) : integerValue(last.text);
    if (magnitude !== null) node.value = isPunct(tokens[0], '-') ? -magnitude : magnitude;
    return node;
  }

  private bareNumber(tokens: readonly Token[], mode: OperandMode): AsmTreeNode {
    const number = this.number(tokens);
    if (mode === 'argument') return number;
    if (this.dialect.bareNumberIs === 'memory') {
      const memory = this.wrap('memory', number);
      memory.setField('displacement', number);
      return memory;
    }
    return this.wrap('immediate', number);
  }

  /** A node of `type` over exactly `child`'s range, holding it. */
  private wrap(type: string, child: AsmTreeNode): AsmTreeNode {
    const node = this.context.factory.make(type, child.startIndex, child.endIndex);
    node.append(child);
    if (type === 'immediate' && child.value !== undefined) node.value = child.value;
    return node;
  }

  /** What follows `$`, `#` or `=`: a number, or else an expression or single operand. */
  private value(tokens: readonly Token[]): AsmTreeNode | null {
    if (tokens.length === 0) return null;
    if (this.isSignedNumber(tokens) || (tokens.length === 1 && (tokens[0].kind === 'number' || tokens[0].kind === 'char'))) {
      if (tokens.length === 1 && LOCAL_LABEL_REFERENCE.test(tokens[0].text)) return this.node('local_label_ref', tokens[0], tokens[0]);
      return this.number(tokens);
    }
    if (tokens.length === 1) return this.singleToken(tokens[0], 'argument');
    return this.expression(tokens);
  }

  private immediate(tokens: readonly Token[]): AsmTreeNode | null {
    const inner = this.value(tokens.slice(1));
    if (inner === null) return null;
    const node = this.node('immediate', tokens[0], tokens[tokens.length - 1]);
    node.append(inner);
    if (inner.type === 'number' && inner.value !== undefined) node.value = inner.value;
    return node;
  }

  private indirect(tokens: readonly Token[], mode: OperandMode): AsmTreeNode | null {
    if (isPunct(tokens[1], '*')) return null;
    const inner = this.single(tokens.slice(1), mode) ?? this.singleToken(tokens[1], mode);
    if (inner === null || (tokens.length > 2 && inner.endIndex !== tokens[tokens.length - 1].end)) return null;
    const node = this.node('indirect', tokens[0], tokens[tokens.length - 1]);
    node.append(inner, 'target');
    return node;
  }

  private decorator(tokens: readonly Token[]): AsmTreeNode {
    const node = this.node('decorator', tokens[0], tokens[tokens.length - 1]);
    for (const child of this.arguments(tokens.slice(1, -1))) node.append(child);
    return node;
  }

  private shift(tokens: readonly Token[], mode: OperandMode): AsmTreeNode | null {
    const node = this.node('shift', tokens[0], tokens[tokens.length - 1]);
    node.append(this.node('shift_operator', tokens[0], tokens[0]), 'operator');
    if (tokens.length > 1) {
      const amount = this.single(tokens.slice(1), mode);
      if (amount === null) return null;
      node.append(amount, 'amount');
    }
    return node;
  }

  /** `{r4-r11, lr}`, `{v16.16b-v19.16b}`, `{d0[1]}`, with a trailing `^` or `[lane]`. */
  private registerList(tokens: readonly Token[]): AsmTreeNode | null {
    const close = matchingClose(tokens, 0);
    if (close < 0) return null;
    const rest = tokens.slice(close + 1);
    const suffixOk =
      rest.length === 0 ||
      (rest.length === 1 && isPunct(rest[0], '^')) ||
      (isPunct(rest[0], '[') && matchingClose(rest, 0) === rest.length - 1);
    if (!suffixOk) return null;
    const list = this.node('register_list', tokens[0], tokens[tokens.length - 1]);
    for (const group of splitTopLevel(tokens.slice(1, close), ',')) {
      if (group.length === 0) continue;
      const entry = this.listEntry(group);
      if (entry === null) return null;
      list.append(entry);
    }
    return list;
  }

  private listEntry(group: readonly Token[]): AsmTreeNode | null {
    const dash = group.findIndex((token) => isPunct(token, '-'));
    if (dash > 0) {
      const low = this.listRegister(group.slice(0, dash));
      const high = this.listRegister(group.slice(dash + 1));
      if (low === null || high === null) return null;
      const range = this.node('register_range', group[0], group[group.length - 1]);
      range.append(low, 'start');
      range.append(high, 'end');
      return range;
    }
    return this.listRegister(group);
  }

  /** A register in a list or a memory base: any name there is a register (or a macro argument). */
  private listRegister(tokens: readonly Token[]): AsmTreeNode | null {
    const first = tokens[0];
    if (first === undefined) return null;
    const lane = tokens.length > 1 && isPunct(tokens[1], '[') && matchingClose(tokens, 1) === tokens.length - 1;
    if (tokens.length !== 1 && !lane) return null;
    const last = tokens[tokens.length - 1];
    if (first.kind === 'word') return this.node(first.text.startsWith('\\') ? 'macro_argument' : 'register', first, last);
    if (first.kind === 'percent' || first.kind === 'dollar') return this.node('register', first, last);
    if (first.kind === 'number' && this.dialect.arch === 'powerpc') return this.number([first]);
    return null;
  }

  private isBracketGroup(tokens: readonly Token[]): boolean {
    if (!isPunct(tokens[0], '[')) return false;
    const close = matchingClose(tokens, 0);
    if (close < 0) return false;
    return close === tokens.length - 1 || (close === tokens.length - 2 && isPunct(tokens[tokens.length - 1], '!'));
  }

  /** `[base, #offset]!`, `[base, index, lsl #3]`, `[r6 :128]`, `[sp], #16` (post-index: `postIndex`). */
  private bracketMemory(tokens: readonly Token[], postIndex: readonly Token[] | null): AsmTreeNode {
    const close = matchingClose(tokens, 0);
    const lastToken = postIndex !== null ? postIndex[postIndex.length - 1] : tokens[tokens.length - 1];
    const memory = this.node('memory', tokens[0], lastToken);
    const parts = splitTopLevel(tokens.slice(1, close), ',');
    this.memoryBase(memory, parts[0]);
    for (const part of parts.slice(1)) this.memoryOffset(memory, part);
    if (postIndex !== null) {
      const after = this.operand(postIndex, 'instruction');
      for (const node of after) memory.append(node, 'post_index');
    }
    return memory;
  }

  private memoryBase(memory: AsmTreeNode, tokens: readonly Token[]): void {
    const colon = tokens.findIndex((token) => isPunct(token, ':'));
    const baseTokens = colon >= 0 && tokens[colon + 1]?.kind === 'number' ? tokens.slice(0, colon) : tokens;
    if (baseTokens.length > 0) {
      const base = this.listRegister(baseTokens) ?? this.value(baseTokens) ?? this.node('unknown', baseTokens[0], baseTokens[baseTokens.length - 1]);
      memory.append(base, 'base');
    }
    if (baseTokens !== tokens) memory.append(this.number(tokens.slice(colon + 1)), 'alignment');
  }

  private memoryOffset(memory: AsmTreeNode, tokens: readonly Token[]): void {
    if (tokens.length === 0) return;
    const first = tokens[0];
    if (isPunct(first, ':') && tokens.length === 2 && tokens[1].kind === 'number') {
      memory.append(this.number(tokens.slice(1)), 'alignment');
      return;
    }
    if (first.kind === 'word' && this.dialect.shiftOperators.has(first.text)) {
      memory.append(this.shift(tokens, 'instruction') ?? this.node('unknown', first, tokens[tokens.length - 1]), 'shift');
      return;
    }
    const valueTokens = isPunct(first, '#') ? tokens.slice(1) : tokens;
    const signed = (isPunct(valueTokens[0], '-') || isPunct(valueTokens[0], '+')) && valueTokens.length === 2;
    const register = signed ? valueTokens.slice(1) : valueTokens;
    if (!isPunct(first, '#') && register.length === 1 && this.isRegisterToken(register[0])) {
      memory.append(this.node(register[0].text.startsWith('\\') ? 'macro_argument' : 'register', register[0], register[0]), 'index');
      return;
    }
    const value = this.value(valueTokens);
    memory.append(value ?? this.node('unknown', first, tokens[tokens.length - 1]), 'displacement');
  }

  /** `%fs:0x28`, `%gs:(%rax)`, `%es:(%rdi)`. */
  private segmentMemory(tokens: readonly Token[]): AsmTreeNode | null {
    const rest = tokens.slice(2);
    const inner = rest.length > 0 ? this.single(rest, 'argument') : null;
    if (inner === null) return null;
    const memory = this.node('memory', tokens[0], tokens[tokens.length - 1]);
    memory.append(this.node('register', tokens[0], tokens[0]), 'segment');
    if (inner.type === 'memory') {
      for (const child of inner.namedChildren) {
        const field = (['displacement', 'base', 'index', 'scale'] as const).find((name) => inner.childForFieldName(name) === child);
        memory.append(child, field);
      }
    } else {
      memory.append(inner, 'displacement');
    }
    return memory;
  }

  /** `disp(base,index,scale)` (x86) and `disp(base)` (MIPS, RISC-V, PowerPC); null when the parentheses are an expression's. */
  private parenMemory(tokens: readonly Token[]): AsmTreeNode | null {
    const open = matchingOpen(tokens, tokens.length - 1);
    if (open < 0) return null;
    const inside = tokens.slice(open + 1, tokens.length - 1);
    const displacement = tokens.slice(0, open);
    const parts = splitTopLevel(inside, ',');
    const previous = displacement[displacement.length - 1];
    const isMemory =
      (parts.length > 1 && this.dialect.arch !== 'powerpc') ||
      (inside.length === 1 &&
        (this.isRegisterToken(inside[0]) ||
          (inside[0].kind === 'word' && (previous === undefined || previous.kind === 'number' || isPunct(previous, ')'))) ||
          (inside[0].kind === 'number' && this.dialect.arch === 'powerpc')));
    if (!isMemory || parts.length > 3) return null;
    const memory = this.node('memory', tokens[0], tokens[tokens.length - 1]);
    if (displacement.length > 0) {
      const value = this.value(displacement);
      if (value === null) return null;
      memory.append(value, 'displacement');
    }
    const [base, index, scale] = parts;
    if (base.length > 0) memory.append(this.listRegister(base) ?? this.node('unknown', base[0], base[base.length - 1]), 'base');
    if (index !== undefined && index.length > 0) {
      memory.append(this.listRegister(index) ?? this.node('unknown', index[0], index[index.length - 1]), 'index');
    }
    if (scale !== undefined && scale.length > 0) {
      memory.append(this.value(scale) ?? this.node('unknown', scale[0], scale[scale.length - 1]), 'scale');
    }
    return memory;
  }

  private hasRegister(node: AsmTreeNode): boolean {
    return node.descendantsOfType('register').length > 0;
  }

  /**
   * An expression: operands joined by operators and parentheses; its named children are its
   * leaves (numbers, symbols, registers, relocation operators). Null when the tokens are not
   * one expression (stray brackets, two operands side by side).
   */
  expression(tokens: readonly Token[]): AsmTreeNode | null {
    let depth = 0;
    for (let index = 0; index < tokens.length; index++) {
      const token = tokens[index];
      if (token.kind === 'punct') {
        if (!EXPRESSION_PUNCTUATION.has(token.text)) return null;
        if (token.text === '(') depth++;
        if (token.text === ')' && --depth < 0) return null;
        continue;
      }
      const previous = tokens[index - 1];
      if (previous !== undefined && previous.kind !== 'punct' && previous.end < token.start && depth === 0) return null;
    }
    if (depth !== 0) return null;
    const node = this.node('expression', tokens[0], tokens[tokens.length - 1]);
    for (let index = 0; index < tokens.length; index++) {
      const token = tokens[index];
      if (isPunct(token, ':') && tokens[index + 1]?.kind === 'word' && isPunct(tokens[index + 2], ':')) {
        node.append(this.node('relocation', token, tokens[index + 2]));
        index += 2;
        continue;
      }
      const leaf = this.expressionLeaf(token);
      if (leaf !== null) node.append(leaf);
    }
    return node;
  }

  private expressionLeaf(token: Token): AsmTreeNode | null {
    switch (token.kind) {
      case 'punct':
        return null;
      case 'percent':
        return this.node(this.dialect.percentRegisters ? 'register' : 'relocation', token, token);
      case 'number':
        return LOCAL_LABEL_REFERENCE.test(token.text) ? this.node('local_label_ref', token, token) : this.number([token]);
      default:
        return this.singleToken(token, 'argument');
    }
  }
}
