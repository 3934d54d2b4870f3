/**
 * What differs between the GAS dialects of the architectures the kernel builds: comment and
 * separator characters, how immediates and memory operands are written, register names.
 */
import type { AsmArch } from '../../model/source.js';

export interface AsmDialect {
  arch: AsmArch;
  /**
   * Characters that start a comment anywhere on a line. `/* *\/` and `//` are comments on
   * every architecture (a .S file goes through the C preprocessor, which removes both), and
   * `#` at the start of a line is a comment when it is not a preprocessor directive.
   */
  commentChars: string;
  /** `#` starts a comment after code only when a blank follows it (the 'unknown' dialect). */
  hashCommentNeedsBlank: boolean;
  /** Characters that end a statement without ending the line. */
  separatorChars: string;
  /** Characters that introduce an immediate operand (`$256`, `#8`); empty when immediates are bare. */
  immediatePrefixes: string;
  /** `[base, offset]` memory operands (ARM, ARC). */
  bracketMemory: boolean;
  /** `disp(base)` memory operands (x86, MIPS, RISC-V, PowerPC). */
  parenMemory: boolean;
  /** Registers are written `$name` (MIPS). */
  dollarRegisters: boolean;
  /** Registers are written `%name` (x86; PowerPC accepts it too). */
  percentRegisters: boolean;
  /** `{...}` in an operand is a register list (ARM) rather than an AVX-512 decorator (x86). */
  braceRegisterLists: boolean;
  /** A bare number operand of an instruction: an immediate, or (AT&T) an absolute address. */
  bareNumberIs: 'immediate' | 'memory';
  /** Bare (unprefixed) expressions in instructions are immediates. */
  bareExpressionIsImmediate: boolean;
  /** Instruction prefixes written as a separate word before the mnemonic (`rep movsb`). */
  instructionPrefixes: ReadonlySet<string>;
  /** Operand words that start a shifted or extended operand (`lsl #3`, `uxtw #2`). */
  shiftOperators: ReadonlySet<string>;
  /** A bare word (without `%` or `$`) that names a register. */
  isRegisterName(name: string): boolean;
}

const NO_WORDS: ReadonlySet<string> = new Set();

function numbered(prefixes: string[], count: number): string[] {
  const names: string[] = [];
  for (const prefix of prefixes) for (let index = 0; index < count; index++) names.push(`${prefix}${index}`);
  return names;
}

/** Register-name test from a fixed set, ignoring an arrangement/element suffix (`v0.16b`, `d0[1]`). */
function registerSet(names: string[]): (name: string) => boolean {
  const known = new Set(names.map((name) => name.toLowerCase()));
  return (name) => {
    const lower = name.toLowerCase();
    if (known.has(lower)) return true;
    const dot = lower.indexOf('.');
    return dot > 0 && known.has(lower.slice(0, dot));
  };
}

const ARM_REGISTERS = registerSet([
  ...numbered(['r', 's', 'd', 'p', 'c', 'cr', 'wr', 'wcgr'], 32),
  ...numbered(['q'], 16),
  ...numbered(['a'], 5),
  ...numbered(['v'], 9),
  'sp', 'lr', 'pc', 'ip', 'fp', 'sl', 'sb', 'tr',
  'apsr', 'apsr_nzcv', 'cpsr', 'spsr', 'cpsr_c', 'cpsr_f', 'cpsr_s', 'cpsr_x', 'cpsr_fc', 'cpsr_cxsf', 'cpsr_fsxc',
  'spsr_c', 'spsr_f', 'spsr_cxsf', 'spsr_fsxc', 'fpscr', 'fpexc', 'fpsid', 'fpinst', 'fpinst2', 'mvfr0', 'mvfr1',
]);

const ARM64_REGISTERS = registerSet([
  ...numbered(['x', 'w', 'v', 'q', 'd', 's', 'h', 'b', 'z'], 32),
  ...numbered(['p'], 16),
  'sp', 'wsp', 'xzr', 'wzr', 'lr', 'fp', 'za',
]);

const RISCV_REGISTERS = registerSet([
  ...numbered(['x', 'f', 'v'], 32),
  'zero', 'ra', 'sp', 'gp', 'tp', 'fp',
  ...numbered(['t'], 7), ...numbered(['s'], 12), ...numbered(['a'], 8),
  ...numbered(['ft'], 12), ...numbered(['fs'], 12), ...numbered(['fa'], 8),
]);

/** asm/regdef.h names the kernel's MIPS code uses without `$`. */
const MIPS_REGDEF_NAMES = registerSet([
  'zero', 'at', 'gp', 'sp', 'fp', 'ra', ...numbered(['v', 'k'], 2), ...numbered(['a'], 8), ...numbered(['t'], 10),
  ...numbered(['s'], 9), 'ta0', 'ta1', 'ta2', 'ta3',
]);

const ARC_REGISTERS = registerSet([
  ...numbered(['r'], 64),
  'sp', 'fp', 'gp', 'ilink', 'ilink1', 'ilink2', 'blink', 'lp_count', 'pcl', 'acc1', 'acc2', 'mlo', 'mmid', 'mhi',
]);

const POWERPC_REGISTERS = registerSet([
  ...numbered(['r', 'f', 'v', 'cr'], 32),
  ...numbered(['vs'], 64),
  'sp', 'lr', 'ctr', 'xer', 'rtoc',
]);

const X86_PREFIXES = new Set([
  'rep', 'repe', 'repz', 'repne', 'repnz', 'lock', 'notrack', 'data16', 'data32', 'addr16', 'addr32', 'rex',
  'rex64', 'xacquire', 'xrelease', 'bnd',
]);

const ARM_SHIFTS = new Set(['lsl', 'lsr', 'asr', 'ror', 'rrx', 'LSL', 'LSR', 'ASR', 'ROR', 'RRX']);
const ARM64_SHIFTS = new Set([
  'lsl', 'lsr', 'asr', 'ror', 'msl', 'uxtb', 'uxth', 'uxtw', 'uxtx', 'sxtb', 'sxth', 'sxtw', 'sxtx', 'mul',
  'LSL', 'LSR', 'ASR', 'ROR', 'MSL', 'UXTB', 'UXTH', 'UXTW', 'UXTX', 'SXTB', 'SXTH', 'SXTW', 'SXTX',
]);

const BASE: Omit<AsmDialect, 'arch' | 'isRegisterName'> = {
  commentChars: '#',
  hashCommentNeedsBlank: false,
  separatorChars: ';',
  immediatePrefixes: '',
  bracketMemory: false,
  parenMemory: true,
  dollarRegisters: false,
  percentRegisters: false,
  braceRegisterLists: false,
  bareNumberIs: 'immediate',
  bareExpressionIsImmediate: true,
  instructionPrefixes: NO_WORDS,
  shiftOperators: NO_WORDS,
};

const DIALECTS: Record<AsmArch, AsmDialect> = {
  x86: {
    ...BASE,
    arch: 'x86',
    immediatePrefixes: '$',
    percentRegisters: true,
    bareNumberIs: 'memory',
    bareExpressionIsImmediate: false,
    instructionPrefixes: X86_PREFIXES,
    isRegisterName: () => false,
  },
  arm: {
    ...BASE,
    arch: 'arm',
    commentChars: '@',
    immediatePrefixes: '#=',
    bracketMemory: true,
    parenMemory: false,
    braceRegisterLists: true,
    bareExpressionIsImmediate: false,
    shiftOperators: ARM_SHIFTS,
    isRegisterName: ARM_REGISTERS,
  },
  arm64: {
    ...BASE,
    arch: 'arm64',
    commentChars: '',
    immediatePrefixes: '#=',
    bracketMemory: true,
    parenMemory: false,
    braceRegisterLists: true,
    bareExpressionIsImmediate: false,
    shiftOperators: ARM64_SHIFTS,
    isRegisterName: ARM64_REGISTERS,
  },
  mips: { ...BASE, arch: 'mips', dollarRegisters: true, isRegisterName: MIPS_REGDEF_NAMES },
  riscv: { ...BASE, arch: 'riscv', isRegisterName: RISCV_REGISTERS },
  arc: {
    ...BASE,
    arch: 'arc',
    commentChars: ';',
    separatorChars: '`',
    bracketMemory: true,
    parenMemory: false,
    isRegisterName: ARC_REGISTERS,
  },
  powerpc: { ...BASE, arch: 'powerpc', percentRegisters: true, isRegisterName: POWERPC_REGISTERS },
  unknown: {
    ...BASE,
    arch: 'unknown',
    hashCommentNeedsBlank: true,
    immediatePrefixes: '#$',
    bracketMemory: true,
    percentRegisters: true,
    dollarRegisters: true,
    braceRegisterLists: true,
    isRegisterName: () => false,
  },
};

export function dialectOf(arch: AsmArch): AsmDialect {
  return DIALECTS[arch];
}
