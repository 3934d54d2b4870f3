/**
 * asm-c-constant: assembly and C that must agree on a number, with nothing that makes them
 * agree: a literal in assembly that is a C #define, one name defined with two values, or a
 * constant the assembly needs that only a .c file defines.
 */
import type { AsmSource, CSource, ParsedSource } from '../model/source.js';
import { constantDefinitions, type ConstantDefinition } from '../analysis/constants/constants.js';
import type { FindingDraft, Rule, RuleContext } from './rule.js';
import { findConstantEvidence, type ConstantEvidence, type ConstantMatch } from './support/constant-evidence.js';
import { adjustedStackPointer, commentsNear, definedSymbols, instructionsOf, numbersOf, symbolsUsedBy, type AsmNumber } from './support/asm-syntax.js';

const ID = 'asm-c-constant';

interface Scope {
  context: RuleContext;
  current: ReadonlySet<ParsedSource>;
  definitions: ConstantDefinition[];
  cSources: CSource[];
}

function uniqueDefinitions(definitions: ConstantDefinition[]): ConstantDefinition[] {
  const seen = new Set<string>();
  return definitions.filter((definition) => {
    const key = `${definition.name}\0${definition.file}\0${definition.line}\0${definition.valueText}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function scopeOf(context: RuleContext): Scope {
  const all = context.series.flatMap((patch) => patch.sources);
  return {
    context,
    current: new Set(context.current.sources),
    definitions: uniqueDefinitions(constantDefinitions(all)),
    cSources: all.filter((source): source is CSource => source.kind === 'c'),
  };
}

function fileName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function place(definition: { file: string; line: number }): string {
  return `${definition.file}:${definition.line}`;
}

// ---------------------------------------------------------------------------------------
// (a) a literal in assembly that stands for a C #define

function literalComment(number: AsmNumber, asm: AsmSource, definition: ConstantDefinition, evidence: ConstantEvidence, explained: boolean, again: string): string {
  const literal = number.node.text.trim().replace(/^[$#]/, '');
  const what = adjustedStackPointer(asm, number.instruction) ? 'this space also deserves a comment saying what it is reserved for' : `a comment saying what ${literal} stands for would help`;
  const comment = explained ? '' : `; ${what}`;
  return (
    `This ${literal} is ${definition.name} (${place(definition)}): ${evidence.description}${again} ` +
    `Please define it once in a header shared by ${fileName(asm.file.path)} and ${fileName(definition.file)} and use the name here${comment}.`
  );
}

interface LiteralMatch {
  number: AsmNumber;
  line: number;
  match: ConstantMatch;
}

/** The numbers of added instructions that stand for a C #define, at most one per instruction. */
function literalMatches(scope: Scope, asm: AsmSource): LiteralMatch[] {
  const matches: LiteralMatch[] = [];
  const cDefinitions = scope.definitions.filter((definition) => definition.language === 'c' && definition.value !== null);
  for (const instruction of instructionsOf(asm)) {
    const line = asm.postLineOfRow(instruction.startPosition.row);
    if (line === null || !asm.isAdded(line)) continue;
    for (const number of numbersOf(instruction)) {
      const match = findConstantEvidence(number, asm, cDefinitions, scope.cSources);
      if (!match) continue;
      matches.push({ number, line, match });
      break;
    }
  }
  return matches;
}

/** One finding per constant and file, on its first literal; the others are named in it. */
function literalFindings(scope: Scope, asm: AsmSource): FindingDraft[] {
  const byDefinition = new Map<string, LiteralMatch[]>();
  for (const literal of literalMatches(scope, asm)) {
    const key = `${literal.match.definition.name}\0${literal.match.definition.file}`;
    byDefinition.set(key, [...(byDefinition.get(key) ?? []), literal]);
  }
  return [...byDefinition.values()].map(([first, ...others]) => {
    const { definition, evidence } = first.match;
    const explained = commentsNear(asm, first.number.instruction).length > 0;
    const again = others.length === 0 ? '' : ` The same number stands for it again at line${others.length > 1 ? 's' : ''} ${others.map((other) => other.line).join(', ')}.`;
    return {
      rule: ID,
      file: asm.file.path,
      line: first.line,
      column: first.number.node.startPosition.column + 1,
      summary: `${first.number.node.text.trim().replace(/^[$#]/, '')} in assembly is ${definition.name} of ${fileName(definition.file)}; share one definition`,
      comment: literalComment(first.number, asm, definition, evidence, explained, again),
      related: [
        { file: definition.file, line: definition.line, note: `${definition.name} defined` },
        ...evidence.related,
        ...others.map((other) => ({ file: asm.file.path, line: other.line, note: `${definition.name} written as a number again` })),
      ],
    };
  });
}

/**
 * The other direction across a series: the current patch adds the #define, an earlier (or
 * later) patch of the series wrote its value as a number in assembly. The finding goes on the
 * #define, the one line of the two that this patch adds.
 */
function definitionFindings(scope: Scope): FindingDraft[] {
  const findings: FindingDraft[] = [];
  const reported = new Set<string>();
  const otherAsm = scope.context.series
    .flatMap((patch) => patch.sources)
    .filter((source): source is AsmSource => source.kind === 'asm' && !scope.current.has(source));
  for (const asm of otherAsm) {
    for (const { number, line, match } of literalMatches(scope, asm)) {
      const { definition, evidence } = match;
      if (!scope.current.has(definition.source) || !definition.source.isAdded(definition.line) || reported.has(definition.name)) continue;
      reported.add(definition.name);
      const literal = number.node.text.trim().replace(/^[$#]/, '');
      const instruction = number.instruction.text.replace(/\s+/g, ' ').trim();
      findings.push({
        rule: ID,
        file: definition.file,
        line: definition.line,
        summary: `${definition.name} is written as ${literal} in ${fileName(asm.file.path)}; share one definition`,
        comment:
          `${definition.name} is the ${literal} in \`${instruction}\` (${asm.file.path}:${line}, in another patch of this series): ${evidence.description} ` +
          `Please move ${definition.name} to a header shared by ${fileName(definition.file)} and ${fileName(asm.file.path)}, and use the name in the assembly.`,
        related: [{ file: asm.file.path, line, note: `${definition.name} written as ${literal}` }, ...evidence.related],
      });
    }
  }
  return findings;
}

// ---------------------------------------------------------------------------------------
// (b) one name, two values

function archDirectory(path: string): string | null {
  return /^arch\/([^/]+)\//.exec(path)?.[1] ?? null;
}

function sameBuild(asmPath: string, cPath: string): boolean {
  const asmArch = archDirectory(asmPath);
  const cArch = archDirectory(cPath);
  return asmArch === null || cArch === null || asmArch === cArch;
}

const MACRO_STYLE_NAME = /^[A-Z_][A-Z0-9_]{2,}$/;

function mismatchFindings(scope: Scope): FindingDraft[] {
  const findings: FindingDraft[] = [];
  const reported = new Set<string>();
  const asmDefinitions = scope.definitions.filter((definition) => definition.language === 'asm' && definition.value !== null && MACRO_STYLE_NAME.test(definition.name));
  for (const asmDefinition of asmDefinitions) {
    if (reported.has(asmDefinition.name)) continue;
    const conflicting = scope.definitions.find(
      (other) => other.language === 'c' && other.name === asmDefinition.name && other.value !== null && other.value !== asmDefinition.value && sameBuild(asmDefinition.file, other.file),
    );
    if (!conflicting) continue;
    const onAsm = scope.current.has(asmDefinition.source) && asmDefinition.source.isAdded(asmDefinition.line);
    const onC = scope.current.has(conflicting.source) && conflicting.source.isAdded(conflicting.line);
    if (!onAsm && !onC) continue;
    reported.add(asmDefinition.name);
    const [here, there] = onAsm ? [asmDefinition, conflicting] : [conflicting, asmDefinition];
    findings.push({
      rule: ID,
      file: here.file,
      line: here.line,
      severity: 'error',
      summary: `${here.name} is ${asmDefinition.valueText} in assembly but ${conflicting.valueText} in C`,
      comment:
        `${here.name} is defined twice with different values: ${asmDefinition.form} ${asmDefinition.valueText} in ${place(asmDefinition)}, #define ${conflicting.valueText} in ${place(conflicting)}. ` +
        `Please keep one definition, in a header both include, and drop the other.`,
      related: [{ file: there.file, line: there.line, note: `${there.name} defined as ${there.valueText}` }],
    });
  }
  return findings;
}

// ---------------------------------------------------------------------------------------
// (c) a constant the assembly needs that only a .c file defines

function cOnlyFindings(scope: Scope, asm: AsmSource): FindingDraft[] {
  const findings: FindingDraft[] = [];
  const known = new Set(scope.definitions.filter((definition) => !definition.inCFile).map((definition) => definition.name));
  const labels = new Set(scope.context.series.flatMap((patch) => patch.sources).flatMap((source) => (source.kind === 'asm' ? [...definedSymbols(source)] : [])));
  const reported = new Set<string>();
  for (const instruction of instructionsOf(asm)) {
    const line = asm.postLineOfRow(instruction.startPosition.row);
    if (line === null || !asm.isAdded(line)) continue;
    for (const symbol of symbolsUsedBy(instruction)) {
      const name = symbol.text.trim();
      if (reported.has(name) || known.has(name) || labels.has(name) || !MACRO_STYLE_NAME.test(name)) continue;
      const definition = scope.definitions.find((candidate) => candidate.inCFile && candidate.name === name);
      if (!definition) continue;
      reported.add(name);
      findings.push({
        rule: ID,
        file: asm.file.path,
        line,
        column: symbol.startPosition.column + 1,
        summary: `${name} is used in assembly but defined only in ${fileName(definition.file)}`,
        comment:
          `${fileName(asm.file.path)} uses ${name}, but the only definition I can see is in ${place(definition)}, a .c file that no assembly file can include. ` +
          `Unless a header the patch does not show defines ${name} again (and then the two must be kept in step by hand), this does not build: please move it to a header both include.`,
        related: [{ file: definition.file, line: definition.line, note: `${name} defined in a .c file` }],
      });
    }
  }
  return findings;
}

export const asmCConstant: Rule = {
  meta: {
    id: ID,
    severity: 'warning',
    summary: 'Assembly and C share a number without sharing its definition',
    why:
      'Assembly often has to agree with C on a number: the space C reserves on a new task\'s stack that the entry code pops, a structure offset, a flag. ' +
      'When the assembly writes the number as a literal, or defines the name again, or the only definition sits in a .c file, nothing keeps the two in step and a later change to one side breaks the other silently. ' +
      'The kernel keeps such constants in one header that C and assembly both include (C-only parts under #ifndef __ASSEMBLY__), or generates them through asm-offsets.c.',
    example:
      '/* acme-smc.c */\n#define ACME_SMC_SCRATCH_FRAME\t176\n\tu8 scratch[ACME_SMC_SCRATCH_FRAME];\n\t__acme_smc_suspend(fid, entry, scratch);\n\n' +
      '/* acme-smc-suspend.S, in SYM_FUNC_START(__acme_smc_suspend) */\n\tsub\tsp, sp, #176',
    useInstead:
      '/* asm/acme-smc.h, included by both */\n#define ACME_SMC_SCRATCH_FRAME\t176\t/* context the monitor writes back */\n\n' +
      '/* acme-smc-suspend.S */\n\tsub\tsp, sp, #ACME_SMC_SCRATCH_FRAME',
    limits:
      'A literal is tied to a C #define only with evidence: the C function that uses the macro also refers to the assembly symbol holding the number, or uses the macro on a stack pointer while the instruction moves the stack pointer, or the names share a word. ' +
      'Small and ubiquitous values (up to 64, page sizes, byte and word masks) need the first kind; larger powers of two need one of the first two. ' +
      'Only the files of the patch and its series are seen: a header outside them that defines the same name is invisible, and so are constants produced by asm-offsets.c. ' +
      'Two definitions of one name are compared only within one architecture\'s files and generic code.',
  },
  check(context: RuleContext): FindingDraft[] {
    // Every finding involves an assembler file of the series: without one, the C files need not be read.
    if (!context.series.some((patch) => patch.sources.some((source) => source.kind === 'asm'))) return [];
    const scope = scopeOf(context);
    const findings: FindingDraft[] = [];
    for (const source of context.current.sources) {
      if (source.kind !== 'asm') continue;
      findings.push(...literalFindings(scope, source), ...cOnlyFindings(scope, source));
    }
    findings.push(...definitionFindings(scope), ...mismatchFindings(scope));
    return findings;
  },
};
