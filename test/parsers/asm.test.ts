/**
 * The GAS parser, per architecture: statement and operand node types, fields, values and
 * positions, comments of each style, `;` as separator or comment, and the recovery from
 * hunks that start inside a comment or a #define. Trees are compared as tree-sitter's corpus
 * tests compare them: as S-expressions of named node types.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AsmArch } from '../../src/model/source.js';
import { archOfPath, AsmTreeNode, guessArchFromText, parseAsm, parseAsmSource, preprocessorText } from '../../src/parsers/asm.js';
import { initTreeSitter } from '../../src/parsers/treesitter.js';
import { modifiedFileChange, newFileChange } from '../helpers/file-change.js';

const fixturesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/asm');

/** The tree without comments, as `(type child...)`. */
function sexp(text: string, arch: AsmArch): string {
  const root = parseAsm(text, arch);
  return root.namedChildren
    .filter((node) => node.type !== 'comment')
    .map((node) => node.toString())
    .join(' ');
}

function first(root: AsmTreeNode, type: string): AsmTreeNode {
  const found = root.descendantsOfType(type)[0];
  if (found === undefined) throw new Error(`no ${type} in ${root.toString()}`);
  return found;
}

function typesAndTexts(root: AsmTreeNode): [string, string][] {
  return root.namedChildren.map((node) => [node.type, node.text]);
}

describe('x86 (AT&T)', () => {
  it('gives an instruction whose immediate has its value, at its row and column', () => {
    const root = parseAsm('\tpushl %eax\n\taddl  $256, %esp\n', 'x86');
    const instruction = root.namedChildren[1];
    expect(instruction.type).toBe('instruction');
    expect(instruction.childForFieldName('mnemonic')?.text).toBe('addl');
    const [immediate, register] = instruction.childrenForFieldName('operand');
    expect(immediate.type).toBe('immediate');
    expect(immediate.text).toBe('$256');
    expect(immediate.value).toBe(256);
    expect(immediate.startPosition).toEqual({ row: 1, column: 7 });
    expect(immediate.endPosition).toEqual({ row: 1, column: 11 });
    expect(immediate.namedChildren[0].type).toBe('number');
    expect(register.type).toBe('register');
    expect(register.text).toBe('%esp');
    expect(register.parent).toBe(instruction);
    expect(instruction.parent).toBe(root);
  });

  it('reads memory operands: displacement, base, index, scale, segment', () => {
    const root = parseAsm('movl 8(%esp), %eax\nleal -0x10(%ebp,%ecx,4), %edx\nmovq %fs:0x28, %rax\n', 'x86');
    const [simple, scaled, segmented] = root.descendantsOfType('memory');
    expect(simple.childForFieldName('displacement')?.value).toBe(8);
    expect(simple.childForFieldName('base')?.text).toBe('%esp');
    expect(scaled.childForFieldName('displacement')?.value).toBe(-16);
    expect(scaled.childForFieldName('index')?.text).toBe('%ecx');
    expect(scaled.childForFieldName('scale')?.value).toBe(4);
    expect(segmented.childForFieldName('segment')?.text).toBe('%fs');
    expect(segmented.childForFieldName('displacement')?.value).toBe(0x28);
  });

  it('tells memory from a macro call in parentheses, and reads immediates of expressions', () => {
    expect(sexp('movq PER_CPU_VAR(cpu_tss), %rsp', 'x86')).toBe(
      '(instruction (mnemonic) (expression (symbol) (symbol)) (register))',
    );
    expect(sexp('movdqa ROT16(%rip), %xmm12', 'x86')).toBe('(instruction (mnemonic) (memory (symbol) (register)) (register))');
    const shifted = first(parseAsm('orl $(1<<5), %eax', 'x86'), 'immediate');
    expect(shifted.namedChildren[0].type).toBe('expression');
    expect(shifted.value).toBeUndefined();
    expect(first(parseAsm('movl $0x100, %eax', 'x86'), 'immediate').value).toBe(256);
  });

  it('reads indirect operands, prefixes, local labels and AVX-512 decorators', () => {
    expect(sexp('call *%eax\njmp *sys_call_table(,%eax,4)', 'x86')).toBe(
      '(instruction (mnemonic) (indirect (register))) ' +
        '(instruction (mnemonic) (indirect (memory (symbol) (register) (number))))',
    );
    expect(sexp('rep movsb; lock incl (%rdi)', 'x86')).toBe(
      '(instruction (prefix) (mnemonic)) (instruction (prefix) (mnemonic) (memory (register)))',
    );
    expect(sexp('1:\tjz 1b', 'x86')).toBe('(label (label_name)) (instruction (mnemonic) (local_label_ref))');
    expect(sexp('vmovdqu32 %zmm0, (%rdi){%k1}{z}', 'x86')).toBe(
      '(instruction (mnemonic) (register) (memory (register)) (decorator (register)) (decorator (symbol)))',
    );
  });

  it('reads x87 stack registers and registers named by a macro argument', () => {
    expect(sexp('fstp %st(1)\npush %\\reg', 'x86')).toBe('(instruction (mnemonic) (register)) (instruction (mnemonic) (register))');
  });

  it('takes # after code and # at a line start as comments, and #include as preprocessor', () => {
    const root = parseAsm('# a comment line\n#include <linux/linkage.h>\n\tpushl $0x0202\t\t# Reset kernel eflags\n', 'x86');
    expect(typesAndTexts(root)).toEqual([
      ['comment', '# a comment line'],
      ['preprocessor', '#include <linux/linkage.h>'],
      ['instruction', 'pushl $0x0202'],
      ['comment', '# Reset kernel eflags'],
    ]);
  });

  it('reads kernel macros with and without parentheses', () => {
    expect(sexp('ENTRY(ret_from_fork)\n\tCFI_ADJUST_CFA_OFFSET -4\n\tGET_THREAD_INFO(%ebp)\n\t_ASM_EXTABLE(1b, 2b)', 'x86')).toBe(
      '(macro_call (macro_name) (symbol)) (macro_call (macro_name) (number)) ' +
        '(macro_call (macro_name) (register)) (macro_call (macro_name) (local_label_ref) (local_label_ref))',
    );
    const call = parseAsm('\tCFI_ADJUST_CFA_OFFSET -4', 'x86').namedChildren[0];
    expect(call.childForFieldName('name')?.text).toBe('CFI_ADJUST_CFA_OFFSET');
    expect(call.childForFieldName('argument')?.value).toBe(-4);
  });
});

describe('arm', () => {
  it('reads register lists with ranges', () => {
    const list = first(parseAsm('\tpush\t{r4-r11, lr}', 'arm'), 'register_list');
    expect(list.toString()).toBe('(register_list (register_range (register) (register)) (register))');
    expect(list.namedChildren[0].childForFieldName('start')?.text).toBe('r4');
    expect(list.namedChildren[0].childForFieldName('end')?.text).toBe('r11');
  });

  it('gives #256 the value 256, and reads literal-pool loads and relocations', () => {
    expect(first(parseAsm('\tmov\tr0, #256', 'arm'), 'immediate').value).toBe(256);
    expect(first(parseAsm('\tldr\tr3, =0x19022000', 'arm'), 'immediate').value).toBe(0x19022000);
    expect(sexp('movw r0, #:lower16:watchdog', 'arm')).toBe(
      '(instruction (mnemonic) (register) (immediate (expression (relocation) (symbol))))',
    );
  });

  it('reads memory with offset, writeback, post-index, alignment and shifted operands', () => {
    const root = parseAsm('str r0, [r3, #0x100]!\nldr r1, [r0], #4\nvst1.8 {d4-d5}, [r6, :128]!\norr r11, r11, r9, lsl r2', 'arm');
    const [preIndexed, postIndexed, aligned] = root.descendantsOfType('memory');
    expect(preIndexed.text).toBe('[r3, #0x100]!');
    expect(preIndexed.childForFieldName('displacement')?.value).toBe(256);
    expect(postIndexed.text).toBe('[r0], #4');
    expect(postIndexed.childForFieldName('base')?.text).toBe('r0');
    expect(postIndexed.childForFieldName('post_index')?.value).toBe(4);
    expect(aligned.childForFieldName('alignment')?.value).toBe(128);
    const shift = first(root, 'shift');
    expect(shift.childForFieldName('operator')?.text).toBe('lsl');
    expect(shift.childForFieldName('amount')?.text).toBe('r2');
  });

  it('takes @ and // as comments and ; as a separator', () => {
    const root = parseAsm('\tmov\tr0, r0\t\t@ avoid hazard\n// whole line\n\tmov ip, sp; stmdb sp!, {r0-r12, lr};', 'arm');
    expect(root.namedChildren.map((node) => node.type)).toEqual(['instruction', 'comment', 'comment', 'instruction', 'instruction']);
    const [, , , first3, second3] = root.namedChildren;
    expect(first3.startPosition.row).toBe(2);
    expect(second3.startPosition.row).toBe(2);
    expect(second3.text).toBe('stmdb sp!, {r0-r12, lr}');
  });

  it('parses the statement inside ARM()/THUMB() wrappers and W(b) mnemonics', () => {
    expect(sexp(' ARM(\torr\tr11, r11, r9, lsl r2\t)\t@ factor', 'arm')).toBe(
      '(macro_call (macro_name) (instruction (mnemonic) (register) (register) (register) (shift (shift_operator) (register))))',
    );
    expect(sexp('\tW(b)\t1f', 'arm')).toBe('(instruction (macro_call (macro_name) (symbol)) (local_label_ref))');
  });

  it('knows register aliases from .req and user macros from .macro', () => {
    const text = 'DAT0 .req r4\n.macro fetch reg\n\tldr \\reg, [DAT0], #4\n.endm\n\tfetch DAT0\n\tmov DAT0, #1\n';
    expect(sexp(text, 'arm')).toBe(
      '(directive (symbol) (directive_name) (register)) (directive (directive_name) (macro_name) (parameter)) ' +
        '(instruction (mnemonic) (macro_argument) (memory (register) (immediate (number)))) (directive (directive_name)) ' +
        '(macro_call (macro_name) (register)) (instruction (mnemonic) (register) (immediate (number)))',
    );
    const alias = parseAsm('DAT0 .req r4', 'arm').namedChildren[0];
    expect(alias.childForFieldName('name')?.text).toBe('DAT0');
    expect(alias.childForFieldName('value')?.text).toBe('r4');
  });
});

describe('arm64', () => {
  it('reads ldp x29, x30, [sp], #16 and stp with pre-index writeback', () => {
    const root = parseAsm('\tstp\tx29, x30, [sp, #-16]!\n\tldp\tx29, x30, [sp], #16\n', 'arm64');
    const [store, load] = root.namedChildren;
    expect(store.toString()).toBe('(instruction (mnemonic) (register) (register) (memory (register) (number)))');
    const storeMemory = store.childrenForFieldName('operand')[2];
    expect(storeMemory.childForFieldName('displacement')?.value).toBe(-16);
    expect(storeMemory.text).toBe('[sp, #-16]!');
    const loadMemory = load.childrenForFieldName('operand')[2];
    expect(loadMemory.text).toBe('[sp], #16');
    expect(loadMemory.childForFieldName('post_index')?.value).toBe(16);
    expect(loadMemory.startPosition).toEqual({ row: 1, column: 15 });
  });

  it('reads vector registers, lists, lanes, shifts and relocations', () => {
    expect(sexp('ld1 {v16.16b-v19.16b}, [x2], #64', 'arm64')).toBe(
      '(instruction (mnemonic) (register_list (register_range (register) (register))) (memory (register) (immediate (number))))',
    );
    expect(sexp('ins v0.s[1], w2', 'arm64')).toBe('(instruction (mnemonic) (register) (register))');
    expect(sexp('ldr w1, [x0, x2, lsl #2]', 'arm64')).toBe(
      '(instruction (mnemonic) (register) (memory (register) (register) (shift (shift_operator) (immediate (number)))))',
    );
    expect(sexp('add x0, x0, :lo12:init_pg_dir', 'arm64')).toBe(
      '(instruction (mnemonic) (register) (register) (expression (relocation) (symbol)))',
    );
  });

  it('reads extend operators without an amount', () => {
    expect(sexp('add x0, x0, w1, uxtw', 'arm64')).toBe('(instruction (mnemonic) (register) (register) (register) (shift (shift_operator)))');
  });

  it('takes // as a comment and ; as a separator', () => {
    const root = parseAsm('\tcbz x1, 1f; b.eq 2f\t// two statements\n', 'arm64');
    expect(typesAndTexts(root)).toEqual([
      ['instruction', 'cbz x1, 1f'],
      ['instruction', 'b.eq 2f'],
      ['comment', '// two statements'],
    ]);
  });
});

describe('mips', () => {
  it('reads addiu $sp, $sp, -32 with a negative immediate', () => {
    const instruction = parseAsm('\taddiu\t$sp, $sp, -32', 'mips').namedChildren[0];
    expect(instruction.toString()).toBe('(instruction (mnemonic) (register) (register) (immediate (number)))');
    expect(instruction.childrenForFieldName('operand')[2].value).toBe(-32);
  });

  it('reads memory, %hi/%lo relocations and #define register aliases', () => {
    const text = '#define STATE $a0\n\tlw\t$t0, 48(STATE)\n\tlw\t$at, (STACK_SIZE+16)($sp)\n\tlui\t$t1, %hi(table)\n';
    expect(sexp(text, 'mips')).toBe(
      '(preprocessor (preprocessor_directive) (identifier)) ' +
        '(instruction (mnemonic) (register) (memory (number) (register))) ' +
        '(instruction (mnemonic) (register) (memory (expression (symbol) (number)) (register))) ' +
        '(instruction (mnemonic) (register) (immediate (expression (relocation) (symbol))))',
    );
  });

  it('reads .set forms, .frame and # comments after code', () => {
    const root = parseAsm('.set\tnoreorder\n.set\tX, 4\n\t.frame\t$sp, STACK_SIZE, $ra\n\tsw\t$s0, 0($sp)\t# save\n', 'mips');
    const [noreorder, assignment, frame] = root.namedChildren;
    expect(noreorder.childForFieldName('name')).toBeNull();
    expect(noreorder.childForFieldName('argument')?.text).toBe('noreorder');
    expect(assignment.childForFieldName('name')?.text).toBe('X');
    expect(assignment.childForFieldName('value')?.value).toBe(4);
    expect(frame.toString()).toBe('(directive (directive_name) (register) (symbol) (register))');
    expect(root.namedChildren[4].type).toBe('comment');
  });
});

describe('riscv', () => {
  it('reads addi sp, sp, -16 and sd ra, 8(sp)', () => {
    const root = parseAsm('\taddi\tsp, sp, -16\n\tsd\tra, 8(sp)\n', 'riscv');
    const [add, store] = root.namedChildren;
    expect(add.toString()).toBe('(instruction (mnemonic) (register) (register) (immediate (number)))');
    expect(add.childrenForFieldName('operand')[2].value).toBe(-16);
    const memory = store.childrenForFieldName('operand')[1];
    expect(memory.type).toBe('memory');
    expect(memory.childForFieldName('displacement')?.value).toBe(8);
    expect(memory.childForFieldName('base')?.text).toBe('sp');
    expect(memory.startPosition).toEqual({ row: 1, column: 8 });
  });

  it('reads numbered local labels and macro calls with memory arguments', () => {
    expect(sexp('4:\tbeqz a4, 4f\n\tREG_L a5, SZREG(a1)', 'riscv')).toBe(
      '(label (label_name)) (instruction (mnemonic) (register) (local_label_ref)) ' +
        '(macro_call (macro_name) (register) (memory (symbol) (register)))',
    );
  });
});

describe('arc', () => {
  it('takes ; as a comment, and reads bare immediates and [base, offset] memory', () => {
    const root = parseAsm('\tmov\tr5, 1\t\t; boot CPU\n\tld\tr0, [r1, 4]\n\tst.ab\tr2, [sp, -4]\n', 'arc');
    expect(typesAndTexts(root)).toEqual([
      ['instruction', 'mov\tr5, 1'],
      ['comment', '; boot CPU'],
      ['instruction', 'ld\tr0, [r1, 4]'],
      ['instruction', 'st.ab\tr2, [sp, -4]'],
    ]);
    expect(first(root, 'immediate').value).toBe(1);
    const [load, store] = root.descendantsOfType('memory');
    expect(load.childForFieldName('displacement')?.value).toBe(4);
    expect(store.childForFieldName('displacement')?.value).toBe(-4);
  });

  it('reads @progbits in .section as a symbol, not a comment', () => {
    expect(sexp('\t.section .init.text, "ax",@progbits', 'arc')).toBe(
      '(directive (directive_name) (symbol) (string) (symbol))',
    );
  });
});

describe('powerpc', () => {
  it('reads disp(rN) memory and # comments', () => {
    expect(sexp('\tstd\tr0,16(r1)\n\tld\tr1,0(r1)\t\t# restore\n\tblr', 'powerpc')).toBe(
      '(instruction (mnemonic) (register) (memory (number) (register))) ' +
        '(instruction (mnemonic) (register) (memory (number) (register))) (instruction (mnemonic))',
    );
  });

  it('keeps a branch hint in the mnemonic', () => {
    expect(parseAsm('\tbne-\t1b', 'powerpc').namedChildren[0].childForFieldName('mnemonic')?.text).toBe('bne-');
  });
});

describe('unknown architecture', () => {
  it('takes # followed by a blank as a comment and #8 as an immediate', () => {
    const root = parseAsm('\tmov r0, #8 # set up\n\taddl $4, %esp\n', 'unknown');
    expect(root.namedChildren.map((node) => node.toString())).toEqual([
      '(instruction (mnemonic) (symbol) (immediate (number)))',
      '(comment)',
      '(instruction (mnemonic) (immediate (number)) (register))',
    ]);
  });
});

describe('every architecture', () => {
  it('reads labels, directives with name and value, .macro, .rept and data', () => {
    const text = [
      'IV:\t.octa 0x5BE0CD191F83D9AB9B05688C510E527F',
      '.Lpermute:',
      '\t.set\t\t.Li, 0',
      '\t.rept\t\t128',
      '\t.byte\t\t(.Li - 64)',
      '\t.endr',
      '\t.equ watchdog, 0x0b017000',
      '\t.globl\tchacha_crypt_arch',
      '\t.type _crypto STT_FUNC',
      '\t.long 1b - ., 2f',
      '. = ALIGN(8)',
    ].join('\n');
    const root = parseAsm(text, 'arm64');
    expect(root.namedChildren.map((node) => node.type)).toEqual([
      'label', 'directive', 'label', 'directive', 'directive', 'directive', 'directive', 'directive', 'directive',
      'directive', 'directive', 'directive',
    ]);
    const octa = root.namedChildren[1];
    expect(octa.childForFieldName('argument')?.type).toBe('number');
    expect(octa.childForFieldName('argument')?.value).toBeUndefined();
    const equ = root.namedChildren[7];
    expect(equ.childForFieldName('name')?.text).toBe('watchdog');
    expect(equ.childForFieldName('value')?.value).toBe(0x0b017000);
    expect(root.namedChildren[9].childrenForFieldName('argument').map((node) => node.type)).toEqual(['symbol', 'symbol']);
    expect(root.namedChildren[10].toString()).toBe('(directive (directive_name) (expression (local_label_ref) (symbol)) (local_label_ref))');
    const assignment = root.namedChildren[11];
    expect(assignment.childForFieldName('directive')?.text).toBe('=');
    expect(assignment.childForFieldName('name')?.text).toBe('.');
  });

  it('keeps multi-line block comments whole and #define continuations in one node', () => {
    const text = '/*\n * Copyright (c) 2013\n */\n#define SAVE(x) \\\n\tsw x, 0($sp); \\\n\tnop\n\tnop /* after */ /* two\n lines */\n';
    const root = parseAsm(text, 'mips');
    expect(typesAndTexts(root)).toEqual([
      ['comment', '/*\n * Copyright (c) 2013\n */'],
      ['preprocessor', '#define SAVE(x) \\\n\tsw x, 0($sp); \\\n\tnop'],
      ['instruction', 'nop'],
      ['comment', '/* after */'],
      ['comment', '/* two\n lines */'],
    ]);
    expect(root.namedChildren[1].childForFieldName('name')?.text).toBe('SAVE');
    expect(root.namedChildren[1].endPosition).toEqual({ row: 5, column: 4 });
  });

  it('recovers hunks that start inside a comment or inside a #define', () => {
    const midComment = ' *\t- start   - virtual start address\nCopyright (c) 2013 Raspberry Pi\n */\nENTRY(v6_dma_inv_range)\n';
    expect(typesAndTexts(parseAsm(midComment, 'arm'))).toEqual([
      ['comment', '*\t- start   - virtual start address\nCopyright (c) 2013 Raspberry Pi\n */'],
      ['macro_call', 'ENTRY(v6_dma_inv_range)'],
    ]);
    const midDefine = '\tlw\tT0, (x*4)(STATE); \\\n\tswr\tX ## x, (x*4)+LSB ## (OUT);\n\n.text\n';
    expect(typesAndTexts(parseAsm(midDefine, 'mips'))).toEqual([
      ['preprocessor', '\tlw\tT0, (x*4)(STATE); \\\n\tswr\tX ## x, (x*4)+LSB ## (OUT);'.trimStart()],
      ['directive', '.text'],
    ]);
    const pasteAtSegmentStart = '.text\n\n\tswr\tX ## x, (x*4)+LSB ## (OUT);\n';
    expect(parseAsm(pasteAtSegmentStart, 'mips', { segmentStartRows: [2] }).namedChildren[1].type).toBe('preprocessor');
  });

  it('looks back for an unopened comment no further than the segment start', () => {
    const text = '\tnop\n\n * the rest of a comment\n */\n\tnop\n';
    const withSegments = parseAsm(text, 'arm', { segmentStartRows: [2] });
    expect(withSegments.namedChildren.map((node) => node.type)).toEqual(['instruction', 'comment', 'instruction']);
  });

  it('marks what it cannot classify as unknown', () => {
    const root = parseAsm('\t} stray\n\tmov r0, ]\n', 'arm');
    expect(root.namedChildren[0].type).toBe('unknown');
    expect(root.descendantsOfType('unknown').map((node) => node.text)).toEqual(['} stray', ']']);
  });

  it('gives every node the exact text between its positions', () => {
    for (const name of readdirSync(fixturesDir)) {
      const text = readFileSync(path.join(fixturesDir, name), 'utf8');
      const lines = text.split('\n');
      const root = parseAsm(text, archOfPath(name, text));
      for (const node of root.descendantsOfType([...new Set(allTypes(root))])) {
        const { startPosition: start, endPosition: end } = node;
        const sliced =
          start.row === end.row
            ? lines[start.row].slice(start.column, end.column)
            : [lines[start.row].slice(start.column), ...lines.slice(start.row + 1, end.row), lines[end.row].slice(0, end.column)].join('\n');
        expect(sliced).toBe(node.text);
      }
    }
  });
});

function allTypes(node: AsmTreeNode): string[] {
  return [node.type, ...node.namedChildren.flatMap(allTypes)];
}

/** Nodes lie inside their parents, in order, and their text is the text between their offsets. */
function checkShape(node: AsmTreeNode, text: string): void {
  expect(node.text).toBe(text.slice(node.startIndex, node.endIndex));
  let previousStart = node.startIndex;
  for (const child of node.namedChildren) {
    expect(child.parent).toBe(node);
    expect(child.startIndex).toBeGreaterThanOrEqual(previousStart);
    expect(child.startIndex).toBeGreaterThanOrEqual(node.startIndex);
    expect(child.endIndex).toBeLessThanOrEqual(node.endIndex);
    previousStart = child.startIndex;
    checkShape(child, text);
  }
}

describe('any input', () => {
  const pieces = [
    'mov', ' ', '\t', '\n', ',', '%eax', '$', '#', '@', ';', '`', ':', '(', ')', '[', ']', '{', '}', '!', '*', '/',
    '/*', '*/', '//', '\\', '"', "'", '-', '+', '1', '0x1f', '1b', 'r0', 'x1', 'sp', '.set', '.macro', 'ENTRY', '#define',
    '=', 'lsl', '\\@', '##', '.L1',
  ];
  const texts = fc.array(fc.constantFrom(...pieces), { maxLength: 60 }).map((parts) => parts.join(''));
  const arches: AsmArch[] = ['x86', 'arm', 'arm64', 'mips', 'riscv', 'arc', 'powerpc', 'unknown'];

  it('parses without throwing into a well-formed tree, for every architecture', () => {
    fc.assert(
      fc.property(texts, fc.constantFrom(...arches), (text, arch) => {
        const root = parseAsm(text, arch, { segmentStartRows: [1] });
        expect(root.type).toBe('program');
        checkShape(root, text);
      }),
      { numRuns: 400 },
    );
  });
});

describe('fixtures', () => {
  const expectedArch: Record<string, AsmArch> = {
    'x86-entry_32.S': 'x86',
    'arm-cache-v7.S': 'arm',
    'arm64-head.S': 'arm64',
    'mips-chacha.S': 'mips',
    'riscv-memcpy.S': 'riscv',
    'arc-head.S': 'arc',
    'powerpc-misc.S': 'powerpc',
  };
  it.each(Object.entries(expectedArch))('%s parses with no unknown node, its architecture told by path and by text', (name, arch) => {
    const text = readFileSync(path.join(fixturesDir, name), 'utf8');
    expect(archOfPath(name, text)).toBe(arch);
    expect(guessArchFromText(text)).toBe(arch);
    const root = parseAsm(text, arch);
    expect(root.descendantsOfType('unknown')).toEqual([]);
    expect(root.descendantsOfType('instruction').length).toBeGreaterThan(5);
  });
});

describe('archOfPath', () => {
  it.each([
    ['arch/x86/kernel/entry_32.S', 'x86'],
    ['arch/x86/crypto/blake2s-core.S', 'x86'],
    ['arch/arm/mm/cache-v7.S', 'arm'],
    ['arch/arm64/kernel/head.S', 'arm64'],
    ['arch/mips/crypto/chacha-core.S', 'mips'],
    ['arch/riscv/lib/memcpy_aligned.S', 'riscv'],
    ['arch/arc/kernel/head.S', 'arc'],
    ['arch/powerpc/kernel/misc_64.S', 'powerpc'],
    ['lib/crypto/x86/chacha-avx2-x86_64.S', 'x86'],
    ['lib/zinc/chacha20/chacha20-x86_64.S', 'x86'],
    ['lib/zinc/poly1305/poly1305-arm64.S', 'arm64'],
    ['lib/zinc/chacha20/chacha20-mips.S', 'mips'],
    ['lib/zinc/poly1305/poly1305-arm.S', 'arm'],
  ])('%s is %s', (file, arch) => {
    expect(archOfPath(file)).toBe(arch);
  });

  it('guesses from register names when the path says nothing', () => {
    expect(archOfPath('drivers/usb/host/dwc_otg/dwc_otg_fiq_stub.S', 'mov ip, sp;\nstmdb sp!, {r0-r12, lr};\n')).toBe('arm');
    expect(guessArchFromText('\tmovl 8(%esp), %eax\n')).toBe('x86');
    expect(guessArchFromText('\tstp x29, x30, [sp, #-16]!\n')).toBe('arm64');
    expect(guessArchFromText('\taddiu $sp, $sp, -32\n')).toBe('mips');
    expect(guessArchFromText('\taddi sp, sp, -16\n\tsd ra, 8(sp)\n')).toBe('riscv');
    expect(guessArchFromText('\tj [blink]\n')).toBe('arc');
    expect(guessArchFromText('\tmflr r0\n\tblr\n')).toBe('powerpc');
    expect(archOfPath('drivers/foo/stub.S', '/* nothing */\n')).toBe('unknown');
    expect(archOfPath('drivers/foo/stub.S')).toBe('unknown');
    expect(archOfPath('arch/sparc/lib/memcpy.S', '\tmov %o0, %g1\n\tmovl %eax, %ebx\n')).toBe('unknown');
  });
});

describe('parseAsmSource', () => {
  beforeAll(async () => {
    await initTreeSitter();
  });

  it('maps rows to post-image lines and reads #defines through tree-sitter-c', () => {
    const file = modifiedFileChange('arch/x86/kernel/entry_32.S', [
      { newStart: 10, lines: [' #define HOOK_RESERVE\t256\t/* bytes */', '+#define FRAME_WORDS (HOOK_RESERVE / 4)', ' ENTRY(ret_from_fork)'] },
      { newStart: 40, lines: [' 1:', '+\taddl  $256, %esp', ' \tjmp   ret_from_fork_tail'] },
    ]);
    const source = parseAsmSource(file);
    expect(source).not.toBeNull();
    if (source === null) return;
    expect(source.kind).toBe('asm');
    expect(source.arch).toBe('x86');
    const immediate = source.root.descendantsOfType('immediate')[0];
    expect(immediate.value).toBe(256);
    const line = source.postLineOfRow(immediate.startPosition.row);
    expect(line).toBe(41);
    expect(source.isAdded(41)).toBe(true);
    expect(source.defines.map((define) => [define.name, define.value, define.numeric, define.line])).toEqual([
      ['HOOK_RESERVE', '256', 256, 10],
      ['FRAME_WORDS', '(HOOK_RESERVE / 4)', 64, 11],
    ]);
  });

  it('uses the hunk boundaries to recover a hunk that starts inside a comment', () => {
    const file = modifiedFileChange('arch/arm/mm/cache-v6.S', [
      { newStart: 5, lines: [' \tmov\tr0, #0'] },
      { newStart: 20, lines: [' *\t- end     - virtual end address of region', ' */', '+ENTRY(v6_dma_inv_range)'] },
    ]);
    const source = parseAsmSource(file);
    expect(source?.root.namedChildren.map((node) => node.type)).toEqual(['instruction', 'comment', 'macro_call']);
  });

  it('returns null for linker scripts and files without a post-image', () => {
    expect(parseAsmSource(newFileChange('arch/arm/kernel/vmlinux.lds.S', 'SECTIONS\n{\n}\n'))).toBeNull();
    const deleted = { ...newFileChange('arch/arm/lib/old.S', 'nop\n'), status: 'deleted' as const, postImage: null };
    expect(parseAsmSource(deleted)).toBeNull();
  });

  it('builds the preprocessor text on the same rows and columns', () => {
    const text = '\tnop\n#define A 1 /* one\n  more */\n\tnop\n# not a directive\n';
    const root = parseAsm(text, 'x86');
    const pp = preprocessorText(text, root);
    expect(pp.split('\n')).toEqual(['    ', '#define A 1 /* one', '  more */', '    ', '                 ', '']);
  });
});
