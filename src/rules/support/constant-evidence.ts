/**
 * Whether a number in assembly stands for a C #define of the same value. Equal values alone
 * prove nothing (256 is many things); this looks for a reason to believe they are the same
 * thing, strongest first:
 *   3. the C function that uses the macro also refers to the assembly symbol holding the number;
 *   2. the C code moves a stack pointer by the macro and the instruction moves the stack pointer;
 *   1. the macro's name shares a word with the assembly symbol or the comment next to the number.
 */
import type { AsmSource, CSource } from '../../model/source.js';
import type { RelatedLocation } from '../../model/types.js';
import { functionReferences, macroUses, valueCommonness, type ConstantDefinition, type MacroUse } from '../../analysis/constants/constants.js';
import { adjustedStackPointer, commentsNear, enclosingSymbols, type AsmNumber } from './asm-syntax.js';
import { enclosingStatement } from '../../parsers/c-syntax.js';

export interface ConstantEvidence {
  strength: 1 | 2 | 3;
  /** One or two sentences saying why the number is the macro, ending with a period. */
  description: string;
  related: RelatedLocation[];
}

export interface ConstantMatch {
  definition: ConstantDefinition;
  evidence: ConstantEvidence;
}

/** The strength a value needs: the commoner the number, the stronger the proof. */
const REQUIRED_STRENGTH = { ubiquitous: 3, common: 2, distinctive: 1 } as const;

/** C expressions that name a stack pointer: `tsk->thread.sp`, `regs->sp`, `esp`, `stack_pointer`. */
const C_STACK_POINTER = /(\.|->)(sp|esp|rsp|ksp|kernel_sp|stack_pointer)\b|\b(esp|rsp|stack_pointer)\b/;

/** Words too common in constant names to link anything. */
const STOP_WORDS = new Set([
  'size', 'offset', 'offs', 'addr', 'address', 'mask', 'base', 'flag', 'flags', 'max', 'min', 'num', 'count', 'len',
  'length', 'start', 'end', 'data', 'reg', 'regs', 'value', 'shift', 'bits', 'bit', 'entry', 'func', 'table', 'buffer',
  'index', 'first', 'last', 'total', 'limit', 'align', 'stack', 'frame', 'kernel', 'user', 'page', 'cache', 'line',
  'block', 'word', 'words', 'byte', 'bytes', 'default', 'config', 'init', 'state', 'type', 'mode', 'ctrl', 'control',
  'status', 'enable', 'disable', 'none', 'this', 'that', 'with', 'from', 'into', 'save', 'restore', 'code',
]);

function wordsOf(text: string): Set<string> {
  const spaced = text.replace(/([a-z0-9])([A-Z])/g, '$1 $2');
  return new Set(
    spaced
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((word) => word.length >= 4 && !STOP_WORDS.has(word) && !/^\d+$/.test(word)),
  );
}

function statementText(use: MacroUse): string {
  const statement = enclosingStatement(use.node);
  const text = (statement ?? use.node).text.replace(/\s+/g, ' ').trim();
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The line of the use as the patch shows it, for quoting. */
function quotedLine(use: MacroUse): string {
  const text = (use.source.lineText(use.line) ?? statementText(use)).trim();
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function inFunction(use: MacroUse): string {
  return use.functionName ? ` in ${use.functionName}()` : '';
}

/** A reference to `symbol` in the function, preferring one in code over an `extern` declaration. */
function referenceIn(use: MacroUse, symbol: string): number | null {
  if (!use.functionNode) return null;
  const references = functionReferences(use.functionNode, symbol);
  const inCode = references.find((reference) => enclosingStatement(reference)?.type !== 'declaration') ?? references[0];
  return inCode ? use.source.postLineOfRow(inCode.startPosition.row) : null;
}

function symbolReferenceEvidence(uses: MacroUse[], symbols: string[], stackPointer: string | null): ConstantEvidence | null {
  for (const use of uses) {
    if (!use.functionNode || !use.functionName) continue;
    for (const symbol of symbols) {
      if (functionReferences(use.functionNode, symbol).length === 0) continue;
      const referenceLine = referenceIn(use, symbol);
      const at = referenceLine !== null ? ` (line ${referenceLine})` : '';
      const onStack = stackPointer && C_STACK_POINTER.test(statementText(use)) ? ' on a stack pointer' : '';
      return {
        strength: 3,
        description: `${use.functionName}() uses it${onStack} at line ${use.line} and refers to ${symbol}${at}.`,
        related: [
          { file: use.source.file.path, line: use.line, note: `${use.name} used in ${use.functionName}()` },
          ...(referenceLine !== null && referenceLine !== use.line ? [{ file: use.source.file.path, line: referenceLine, note: `${use.functionName}() refers to ${symbol}` }] : []),
        ],
      };
    }
  }
  return null;
}

function stackPointerEvidence(uses: MacroUse[], stackPointer: string | null): ConstantEvidence | null {
  if (!stackPointer) return null;
  const use = uses.find((candidate) => C_STACK_POINTER.test(statementText(candidate)));
  if (!use) return null;
  return {
    strength: 2,
    description: `\`${quotedLine(use)}\`${inFunction(use)} (line ${use.line}) moves a stack pointer by ${use.name}, and this instruction moves ${stackPointer} by the same amount.`,
    related: [{ file: use.source.file.path, line: use.line, note: `${use.name} used on a stack pointer` }],
  };
}

/**
 * A word of the macro's name that the assembly symbol or comment also holds. Words of either
 * file's path are the driver's or subsystem's namespace ("acme" in acme_wdt.c and
 * ACME_WDT_KEY), not evidence, and are left out.
 */
function sharedWordEvidence(definition: ConstantDefinition, asm: AsmSource, symbols: string[], comments: string[]): ConstantEvidence | null {
  const namespace = new Set([...wordsOf(asm.file.path), ...wordsOf(definition.file)]);
  const nameWords = new Set([...wordsOf(definition.name)].filter((word) => !namespace.has(word)));
  const places: [string, string][] = [...comments.map((comment): [string, string] => [comment, 'the comment on this line']), ...symbols.map((symbol): [string, string] => [symbol, symbol])];
  for (const [text, label] of places) {
    const shared = [...wordsOf(text)].find((word) => nameWords.has(word));
    if (shared) return { strength: 1, description: `the name ${definition.name} and ${label} share the word "${shared}".`, related: [] };
  }
  return null;
}

/**
 * The C #define the number stands for, with the evidence, or null when no candidate has
 * evidence strong enough for how common the number is.
 */
export function findConstantEvidence(
  number: AsmNumber,
  asm: AsmSource,
  cDefinitions: readonly ConstantDefinition[],
  cSources: readonly CSource[],
): ConstantMatch | null {
  const stackPointer = adjustedStackPointer(asm, number.instruction);
  const sameValue = cDefinitions.filter(
    (definition) => definition.value === number.value || (stackPointer !== null && definition.value === -number.value),
  );
  if (sameValue.length === 0) return null;
  const required = REQUIRED_STRENGTH[valueCommonness(number.value)];
  const symbols = enclosingSymbols(asm, number.instruction);
  const comments = commentsNear(asm, number.instruction);
  const names = new Set(sameValue.map((definition) => definition.name));
  const allUses = cSources.flatMap((source) => macroUses(source, names));
  let best: ConstantMatch | null = null;
  for (const definition of sameValue) {
    const uses = allUses.filter((use) => use.name === definition.name);
    const evidence =
      symbolReferenceEvidence(uses, symbols, stackPointer) ?? stackPointerEvidence(uses, stackPointer) ?? sharedWordEvidence(definition, asm, symbols, comments);
    if (evidence && evidence.strength >= required && (!best || evidence.strength > best.evidence.strength)) best = { definition, evidence };
  }
  return best;
}
