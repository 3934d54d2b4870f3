/**
 * Questions rules ask of a GAS tree: which numbers an instruction holds, which symbol (the
 * function or label) an instruction belongs to, whether it moves the stack pointer, and
 * what comment explains it.
 */
import type { AsmArch, AsmNode, AsmSource } from '../../model/source.js';
import { evaluateConstant } from '../../parsers/defines.js';

/** A number written in an instruction: an immediate or a memory displacement. */
export interface AsmNumber {
  instruction: AsmNode;
  /** The immediate or displacement node. */
  node: AsmNode;
  value: number;
  kind: 'immediate' | 'displacement';
}

function numericValue(node: AsmNode): number | null {
  if (node.value !== undefined) return node.value;
  if (node.type !== 'immediate' && node.type !== 'expression' && node.type !== 'number') return null;
  const text = node.text.replace(/^[$#=]/, '').trim();
  if (/[A-Za-z_]/.test(text.replace(/0[xX][0-9a-fA-F]+|[0-9]+[uUlL]*/g, ''))) return null;
  return evaluateConstant(text);
}

/** The numbers an instruction holds, in operand order. */
export function numbersOf(instruction: AsmNode): AsmNumber[] {
  const numbers: AsmNumber[] = [];
  for (const operand of instruction.childrenForFieldName('operand')) {
    if (operand.type === 'immediate') {
      const value = numericValue(operand);
      if (value !== null) numbers.push({ instruction, node: operand, value, kind: 'immediate' });
    } else if (operand.type === 'memory') {
      const displacement = operand.childForFieldName('displacement');
      const value = displacement ? numericValue(displacement) : null;
      if (displacement && value !== null) numbers.push({ instruction, node: displacement, value, kind: 'displacement' });
    }
  }
  return numbers;
}

/** The instructions of a file, in text order. */
export function instructionsOf(source: AsmSource): AsmNode[] {
  return source.root.namedChildren.filter((statement) => statement.type === 'instruction');
}

/** Kernel macros that open a global or local code symbol: ENTRY(x), SYM_FUNC_START(x), LEAF(x)... */
const SYMBOL_START = /^(ENTRY|GLOBAL|WEAK|LEAF|NESTED|FEXPORT|EXPORT|ENTRY_CFI|ARM_ENTRY|_GLOBAL|SYM_[A-Z_]*START[A-Z_]*)$/;
/** Kernel macros that close one: END(x), ENDPROC(x), SYM_FUNC_END(x)... */
const SYMBOL_END = /^(END|ENDPROC|SYM_[A-Z_]*END[A-Z_]*|_ASM_NOKPROBE_SYMBOL|EXPORT_SYMBOL[A-Z_]*)$/;

function macroName(statement: AsmNode): string {
  return statement.childForFieldName('name')?.text ?? '';
}

function firstArgument(statement: AsmNode): string | null {
  return statement.childForFieldName('argument')?.text.trim() ?? null;
}

/** A named label (not `1:` and not an assembler-local `.L` label). */
function namedLabel(statement: AsmNode): string | null {
  if (statement.type !== 'label') return null;
  const name = statement.childForFieldName('name')?.text ?? '';
  return /^[A-Za-z_][\w$]*$/.test(name) && !name.startsWith('.L') ? name : null;
}

/**
 * The code symbols an instruction belongs to: the ENTRY()/SYM_FUNC_START() symbol it sits
 * in, and the named labels between that start and the instruction, nearest first.
 */
export function enclosingSymbols(source: AsmSource, instruction: AsmNode): string[] {
  const statements = source.root.namedChildren;
  const index = statements.indexOf(instruction);
  const symbols: string[] = [];
  for (let position = index - 1; position >= 0; position--) {
    const statement = statements[position];
    const label = namedLabel(statement);
    if (label) symbols.push(label);
    if (statement.type !== 'macro_call') continue;
    const name = macroName(statement);
    const argument = firstArgument(statement);
    if (SYMBOL_START.test(name) && argument) {
      symbols.push(argument);
      break;
    }
    if (SYMBOL_END.test(name)) break;
  }
  return symbols;
}

/** Every code symbol the file defines (labels and ENTRY()-style macros). */
export function definedSymbols(source: AsmSource): Set<string> {
  const symbols = new Set<string>();
  for (const statement of source.root.namedChildren) {
    const label = namedLabel(statement);
    if (label) symbols.add(label);
    if (statement.type === 'macro_call' && SYMBOL_START.test(macroName(statement))) {
      const argument = firstArgument(statement);
      if (argument) symbols.add(argument);
    }
  }
  return symbols;
}

const STACK_POINTERS: Record<AsmArch, ReadonlySet<string>> = {
  x86: new Set(['%esp', '%rsp', '%sp']),
  arm: new Set(['sp', 'r13']),
  arm64: new Set(['sp', 'wsp']),
  mips: new Set(['sp', '$sp', '$29']),
  riscv: new Set(['sp', 'x2']),
  arc: new Set(['sp', 'r28']),
  powerpc: new Set(['r1', '%r1', '1', 'sp']),
  unknown: new Set(['%esp', '%rsp', 'sp', '$sp']),
};

const STACK_ADJUSTING = /^(add|sub|lea|addi|addiu|daddi|daddiu|addu|daddu|subu|dsubu|adds|subs|stwu|stdu)[lqwbd]?$/i;

/** The stack pointer register the instruction moves (`addl $256, %esp` moves %esp), or null. */
export function adjustedStackPointer(source: AsmSource, instruction: AsmNode): string | null {
  const mnemonic = instruction.childForFieldName('mnemonic')?.text ?? '';
  if (!STACK_ADJUSTING.test(mnemonic)) return null;
  const operands = instruction.childrenForFieldName('operand');
  const destination = source.arch === 'x86' ? operands[operands.length - 1] : operands[0];
  const text = destination?.text.trim() ?? '';
  return STACK_POINTERS[source.arch].has(text) ? text : null;
}

/** Comments on the instruction's own row, and the comment lines directly above it. */
export function commentsNear(source: AsmSource, instruction: AsmNode): string[] {
  const statements = source.root.namedChildren;
  const index = statements.indexOf(instruction);
  const row = instruction.startPosition.row;
  const comments: string[] = [];
  for (let position = index + 1; position < statements.length && statements[position].startPosition.row === row; position++) {
    if (statements[position].type === 'comment') comments.push(statements[position].text);
  }
  let expectedRow = row - 1;
  for (let position = index - 1; position >= 0; position--) {
    const statement = statements[position];
    if (statement.type !== 'comment' || statement.endPosition.row < expectedRow) break;
    comments.push(statement.text);
    expectedRow = statement.startPosition.row - 1;
  }
  return comments;
}

/** Symbols (names) an instruction's operands use, at any depth. */
export function symbolsUsedBy(instruction: AsmNode): AsmNode[] {
  const found: AsmNode[] = [];
  for (const operand of instruction.childrenForFieldName('operand')) {
    const stack: AsmNode[] = [operand];
    while (stack.length > 0) {
      const node = stack.pop() as AsmNode;
      if (node.type === 'symbol') found.push(node);
      // One push per child: spreading a million children as arguments overflows the stack.
      for (const child of node.namedChildren) stack.push(child);
    }
  }
  return found;
}
