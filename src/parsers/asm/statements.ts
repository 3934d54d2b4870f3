/**
 * Statements: a lexed statement's tokens become labels, then one directive, macro call,
 * instruction, or (when nothing fits) an `unknown` node. Comments and preprocessor lines
 * become their own nodes.
 */
import type { AsmDialect } from './dialect.js';
import { isPunct, type LexItem, type Token } from './lexer.js';
import type { AsmTreeNode, NodeFactory } from './node.js';
import { matchingClose, OperandParser, splitJuxtaposed, splitTopLevel, type ParseContext } from './operands.js';

/** Directives whose first argument is the name they define, and the rest its value. */
const ASSIGNING_DIRECTIVES = new Set(['.set', '.equ', '.equiv', '.eqv']);
/** `NAME .req reg` (ARM register aliases). */
const ALIAS_DIRECTIVES = new Set(['.req', '.qn', '.dn']);

/** All upper case, digits and underscores: a kernel macro by convention (ENTRY, CFI_STARTPROC, __INIT). */
function isUpperCaseName(name: string): boolean {
  return /^[A-Z_][A-Z0-9_]*$/.test(name) && /[A-Z]/.test(name);
}

const DEFINE_LINE = /^#[ \t]*define[ \t]+([A-Za-z_][A-Za-z0-9_]*)(\()?[ \t]*([^\n]*)/;

/** What the text itself declares: `.macro` names, register aliases, #defined names. */
export function collectContext(items: readonly LexItem[], factory: NodeFactory, dialect: AsmDialect): ParseContext {
  const macroNames = new Set<string>();
  const defineNames = new Set<string>();
  const mnemonicAliases = new Set<string>();
  const registerAliases = new Set<string>();
  const context: ParseContext = { factory, dialect, macroNames, defineNames, mnemonicAliases, registerAliases };
  for (const item of items) {
    if (item.kind === 'statement') {
      const [first, second] = item.tokens;
      if (first.text === '.macro' && second?.kind === 'word') macroNames.add(second.text);
      if (first.kind === 'word' && second?.kind === 'word' && ALIAS_DIRECTIVES.has(second.text.toLowerCase())) {
        registerAliases.add(first.text);
      }
    }
  }
  for (const item of items) {
    if (item.kind !== 'preprocessor' || item.orphan) continue;
    const match = DEFINE_LINE.exec(factory.text.slice(item.start, item.end));
    if (match === null) continue;
    const [, name, parameters, rawValue] = match;
    const value = rawValue.replace(/\/\*.*$|\/\/.*$/, '').trim();
    if (parameters === undefined && isRegisterText(value, context)) registerAliases.add(name);
    else if (parameters === undefined && /^[a-z][a-z0-9_.]*$/.test(value) && !value.endsWith('\\')) mnemonicAliases.add(name);
    else defineNames.add(name);
  }
  return context;
}

function isRegisterText(value: string, context: ParseContext): boolean {
  const { dialect } = context;
  if (dialect.percentRegisters && /^%[a-z][a-z0-9]*$/i.test(value)) return true;
  if (dialect.dollarRegisters && /^\$[a-z0-9_]+$/i.test(value)) return true;
  return dialect.isRegisterName(value) || context.registerAliases.has(value);
}

export class StatementParser {
  private readonly operands: OperandParser;

  constructor(private readonly context: ParseContext) {
    this.operands = new OperandParser(context);
  }

  private get factory(): NodeFactory {
    return this.context.factory;
  }

  private node(type: string, first: Token, last: Token): AsmTreeNode {
    return this.factory.make(type, first.start, last.end);
  }

  /** Nodes of one item, in order. */
  parseItem(item: LexItem): AsmTreeNode[] {
    switch (item.kind) {
      case 'comment':
        return [this.factory.make('comment', item.start, item.end)];
      case 'preprocessor':
        return [this.preprocessor(item)];
      case 'statement':
        return this.statement(item.tokens);
    }
  }

  private preprocessor(item: Extract<LexItem, { kind: 'preprocessor' }>): AsmTreeNode {
    const node = this.factory.make('preprocessor', item.start, item.end);
    const text = this.factory.text;
    if (!item.orphan) {
      let wordStart = item.start + 1;
      while (wordStart < item.end && (text[wordStart] === ' ' || text[wordStart] === '\t')) wordStart++;
      let wordEnd = wordStart;
      while (wordEnd < item.end && /[A-Za-z_]/.test(text[wordEnd])) wordEnd++;
      node.append(this.factory.make('preprocessor_directive', item.start, wordEnd), 'directive');
      const keyword = text.slice(wordStart, wordEnd);
      if (['define', 'undef', 'ifdef', 'ifndef'].includes(keyword)) {
        let nameStart = wordEnd;
        while (nameStart < item.end && (text[nameStart] === ' ' || text[nameStart] === '\t')) nameStart++;
        let nameEnd = nameStart;
        while (nameEnd < item.end && /[A-Za-z0-9_]/.test(text[nameEnd])) nameEnd++;
        if (nameEnd > nameStart) node.append(this.factory.make('identifier', nameStart, nameEnd), 'name');
      }
    }
    for (const comment of item.comments) node.append(this.factory.make('comment', comment.start, comment.end));
    return node;
  }

  /** Labels first (`1:`, `.Lloop:`), then the statement that follows them on the line, if any. */
  statement(tokens: readonly Token[]): AsmTreeNode[] {
    const nodes: AsmTreeNode[] = [];
    let index = 0;
    while (index + 1 < tokens.length && this.isLabelAt(tokens, index)) {
      const label = this.node('label', tokens[index], tokens[index + 1]);
      label.append(this.node('label_name', tokens[index], tokens[index]), 'name');
      nodes.push(label);
      index += 2;
    }
    if (index < tokens.length) nodes.push(this.body(tokens.slice(index)));
    return nodes;
  }

  private isLabelAt(tokens: readonly Token[], index: number): boolean {
    const name = tokens[index];
    const colon = tokens[index + 1];
    if (!isPunct(colon, ':') || colon.start !== name.end) return false;
    if (name.kind === 'number') return /^[0-9]+$/.test(name.text);
    return name.kind === 'word';
  }

  private body(tokens: readonly Token[]): AsmTreeNode {
    const [first, second] = tokens;
    if (first.kind === 'word') {
      if (isPunct(second, '=') || isPunct(second, '==')) return this.assignment(tokens);
      if (first.text.startsWith('.') && first.text !== '.') return this.directive(tokens);
      if (second?.kind === 'word' && ALIAS_DIRECTIVES.has(second.text.toLowerCase())) return this.aliasDirective(tokens);
      if (isPunct(second, '(') && (second.start === first.end || this.isMacroName(first.text))) {
        const call = this.parenthesisedCall(tokens);
        if (call !== null) return call;
      }
      if (this.isMacroName(first.text)) return this.macroCall(tokens);
      return this.instruction(tokens, 0);
    }
    if (this.context.dialect.arch === 'x86' && isPunct(first, '{')) {
      const close = matchingClose(tokens, 0);
      if (close > 0 && tokens[close + 1]?.kind === 'word') return this.instruction(tokens, close + 1);
    }
    return this.node('unknown', first, tokens[tokens.length - 1]);
  }

  private isMacroName(name: string): boolean {
    if (this.context.mnemonicAliases.has(name)) return false;
    return this.context.macroNames.has(name) || this.context.defineNames.has(name) || isUpperCaseName(name);
  }

  /**
   * `mnemonic operand, ...`, after any prefix words (`rep`, `lock`) or pseudo-prefix (`{vex}`);
   * a PowerPC branch hint (`bne- 1b`) belongs to the mnemonic.
   */
  private instruction(tokens: readonly Token[], mnemonicIndex: number): AsmTreeNode {
    const instruction = this.node('instruction', tokens[0], tokens[tokens.length - 1]);
    let index = mnemonicIndex;
    if (index > 0) instruction.append(this.node('prefix', tokens[0], tokens[index - 1]), 'prefix');
    const prefixes = this.context.dialect.instructionPrefixes;
    while (prefixes.has(tokens[index].text.toLowerCase()) && tokens[index + 1]?.kind === 'word') {
      instruction.append(this.node('prefix', tokens[index], tokens[index]), 'prefix');
      index++;
    }
    const hint = tokens[index + 1];
    const hasBranchHint =
      this.context.dialect.arch === 'powerpc' &&
      (isPunct(hint, '+') || isPunct(hint, '-')) &&
      hint.start === tokens[index].end &&
      (tokens[index + 2] === undefined || tokens[index + 2].start > hint.end);
    const mnemonicEnd = hasBranchHint ? index + 1 : index;
    instruction.append(this.node('mnemonic', tokens[index], tokens[mnemonicEnd]), 'mnemonic');
    for (const operand of this.operands.instructionOperands(tokens.slice(mnemonicEnd + 1))) {
      instruction.append(operand, 'operand');
    }
    return instruction;
  }

  /**
   * `NAME(args)`. When the parentheses hold a statement (`ARM( orr r1, r1, r2 )`) it is
   * parsed as one; when operands follow the call (`W(b) label`) the call is the mnemonic of
   * an instruction.
   */
  private parenthesisedCall(tokens: readonly Token[]): AsmTreeNode | null {
    const close = matchingClose(tokens, 1);
    if (close < 0) return null;
    const call = this.node('macro_call', tokens[0], tokens[close]);
    call.append(this.node('macro_name', tokens[0], tokens[0]), 'name');
    const inside = tokens.slice(2, close);
    const nested = this.looksLikeStatement(inside) ? this.statement(inside) : this.operands.arguments(inside);
    for (const argument of nested) call.append(argument, 'argument');
    const after = tokens.slice(close + 1);
    if (after.length === 0) return call;
    const instruction = this.node('instruction', tokens[0], tokens[tokens.length - 1]);
    instruction.append(call, 'mnemonic');
    for (const operand of this.operands.instructionOperands(after)) instruction.append(operand, 'operand');
    return instruction;
  }

  /** A mnemonic (or `W(mnemonic)`) then, after a blank, the start of an operand. */
  private looksLikeStatement(tokens: readonly Token[]): boolean {
    const first = tokens[0];
    if (first === undefined || first.kind !== 'word' || first.text.startsWith('\\')) return false;
    let headEnd = 0;
    if (isPunct(tokens[1], '(') && tokens[1].start === first.end) {
      headEnd = matchingClose(tokens, 1);
      if (headEnd < 0) return false;
    }
    const next = tokens[headEnd + 1];
    if (next === undefined) return headEnd > 0;
    if (next.start === tokens[headEnd].end) return false;
    if (next.kind !== 'punct') return true;
    return ['[', '{', '#', '$', '=', '*'].includes(next.text);
  }

  private macroCall(tokens: readonly Token[]): AsmTreeNode {
    const call = this.node('macro_call', tokens[0], tokens[tokens.length - 1]);
    call.append(this.node('macro_name', tokens[0], tokens[0]), 'name');
    for (const argument of this.operands.arguments(tokens.slice(1))) call.append(argument, 'argument');
    return call;
  }

  private directive(tokens: readonly Token[]): AsmTreeNode {
    const directive = this.node('directive', tokens[0], tokens[tokens.length - 1]);
    directive.append(this.node('directive_name', tokens[0], tokens[0]), 'directive');
    const name = tokens[0].text.toLowerCase();
    const rest = tokens.slice(1);
    if (ASSIGNING_DIRECTIVES.has(name)) {
      const comma = rest.findIndex((token) => isPunct(token, ','));
      if (comma > 0) {
        this.appendNameAndValue(directive, rest.slice(0, comma), rest.slice(comma + 1));
        return directive;
      }
    }
    if (name === '.macro' && rest[0]?.kind === 'word') {
      directive.append(this.node('macro_name', rest[0], rest[0]), 'name');
      for (const group of splitTopLevel(rest.slice(1), ',')) {
        for (const parameter of splitJuxtaposed(group, this.context.dialect)) {
          directive.append(this.node('parameter', parameter[0], parameter[parameter.length - 1]), 'parameter');
        }
      }
      return directive;
    }
    for (const argument of this.operands.arguments(rest)) directive.append(argument, 'argument');
    return directive;
  }

  /** `X0 .req r0`. */
  private aliasDirective(tokens: readonly Token[]): AsmTreeNode {
    const directive = this.node('directive', tokens[0], tokens[tokens.length - 1]);
    directive.append(this.node('symbol', tokens[0], tokens[0]), 'name');
    directive.append(this.node('directive_name', tokens[1], tokens[1]), 'directive');
    this.appendValue(directive, tokens.slice(2));
    return directive;
  }

  /** `sym = expr`, `. = . + 4`: the assignment form of `.set`. */
  private assignment(tokens: readonly Token[]): AsmTreeNode {
    const directive = this.node('directive', tokens[0], tokens[tokens.length - 1]);
    directive.append(this.node('symbol', tokens[0], tokens[0]), 'name');
    directive.append(this.node('directive_name', tokens[1], tokens[1]), 'directive');
    this.appendValue(directive, tokens.slice(2));
    return directive;
  }

  private appendNameAndValue(directive: AsmTreeNode, nameTokens: readonly Token[], valueTokens: readonly Token[]): void {
    const name = this.operands.operand(nameTokens, 'argument');
    for (const node of name) directive.append(node, 'name');
    this.appendValue(directive, valueTokens);
  }

  private appendValue(directive: AsmTreeNode, valueTokens: readonly Token[]): void {
    if (valueTokens.length === 0) return;
    for (const node of this.operands.operand(valueTokens, 'argument')) directive.append(node, 'value');
  }
}
