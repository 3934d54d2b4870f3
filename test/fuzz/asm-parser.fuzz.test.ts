/**
 * The GAS parser (parseAsm) on mangled and made-up assembler, for every architecture it
 * knows: no exception escapes, every call returns, and the tree it builds lies inside the
 * text, each child inside its parent, with no more nodes than the text can hold.
 */
import fc from 'fast-check';
import type { AsmArch } from '../../src/model/source.js';
import { parseAsm, type AsmTreeNode } from '../../src/parsers/asm.js';
import { fixtures } from './corpus-samples.js';
import { lineSoup, mutatedSample } from './mutations.js';

const ARCHES: AsmArch[] = ['x86', 'arm', 'arm64', 'mips', 'riscv', 'arc', 'powerpc', 'unknown'];

/** Walks the tree, checking ranges; returns the number of nodes. */
function checkTree(node: AsmTreeNode, text: string, parent: AsmTreeNode | null): number {
  expect(node.startIndex).toBeGreaterThanOrEqual(parent?.startIndex ?? 0);
  expect(node.endIndex).toBeLessThanOrEqual(parent?.endIndex ?? text.length);
  expect(node.startIndex).toBeLessThanOrEqual(node.endIndex);
  let count = 1;
  for (const child of node.namedChildren) count += checkTree(child, text, node);
  return count;
}

function expectSound(text: string, arch: AsmArch): void {
  const root = parseAsm(text, arch);
  expect(root.type).toBe('program');
  const nodes = checkTree(root, text, null);
  // A node covers at least one character or sits between two; a generous bound all the same.
  expect(nodes).toBeLessThanOrEqual(4 * (text.length + 1));
}

const GAS_PIECES = [
  '#include <linux/linkage.h>',
  '#define FOO 0x10',
  '#define BAR(x) ((x) << 2)',
  '#ifdef CONFIG_SMP',
  '#else',
  '#endif',
  'SYM_FUNC_START(foo)',
  'SYM_FUNC_END(foo)',
  'ENTRY(bar)',
  'ENDPROC(bar)',
  '.macro save_regs reg=%rax',
  '.endm',
  '.section .text, "ax"',
  '.align 4',
  '.long 0x12345678, 1b - .',
  '.asciz "hello\\n"',
  '1:',
  'label: /* comment',
  ' * still a comment */',
  '\tmovq %rax, 8(%rsp)',
  '\tmovl $FOO, %eax',
  '\tjmp 1b',
  '\tldr x0, [x1, #8]!',
  '\tstp x29, x30, [sp, #-16]!',
  '\tmov r0, #0x10 @ arm comment',
  '\tlw $t0, 4($sp)',
  '\tli a0, 0x10 # comment',
  '\tlwz r3, 8(r1)',
  '\tadd r0, r0, r1 ; arc comment',
  '\tALTERNATIVE "nop", "call foo", X86_FEATURE_XMM',
  '\t.if \\reg == 1',
  '\\',
  '"',
  "'",
  '(',
  '[',
  '{',
  '',
];

const asmSamples = fixtures('asm');

describe('parseAsm on mutated samples and line soup', () => {
  it('parses every sample for every architecture', () => {
    for (const sample of asmSamples) for (const arch of ARCHES) expectSound(sample.toString('utf8'), arch);
  });

  it('never throws and builds a sound tree on mutated samples', () => {
    fc.assert(
      fc.property(mutatedSample(asmSamples), fc.constantFrom(...ARCHES), (input, arch) => {
        expectSound(input.toString('utf8'), arch);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws and builds a sound tree on line soup', () => {
    fc.assert(
      fc.property(lineSoup(GAS_PIECES, 80), fc.constantFrom(...ARCHES), (text, arch) => {
        expectSound(text, arch);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 1000 }), fc.constantFrom(...ARCHES), (text, arch) => {
        expectSound(text, arch);
      }),
      { numRuns: 300 },
    );
  });
});
