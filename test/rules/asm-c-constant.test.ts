import { asmCConstant } from '../../src/rules/asm-c-constant.js';
import { ruleTester } from '../helpers/rule-tester.js';

/** A C file that reserves room below a new task's stack and starts it in resume_hook_entry. */
const restartC = (reserve: string) => `#include <linux/sched.h>
#include "restart.h"

#define HOOK_RESERVE	${reserve}

static void prepare_resume(struct task_struct *tsk)
{
	extern char resume_hook_entry;

	tsk->thread.sp -= HOOK_RESERVE;
	memset((void *)tsk->thread.sp, 0, HOOK_RESERVE);
	tsk->thread.ip = (unsigned long)&resume_hook_entry;
}
`;

ruleTester(asmCConstant, {
  valid: [
    {
      name: 'constant shared through a header with #ifndef __ASSEMBLY__ guards',
      files: [
        {
          path: 'arch/x86/include/asm/restart.h',
          code: `#ifndef _ASM_X86_RESTART_H
#define _ASM_X86_RESTART_H

#define HOOK_RESERVE	256	/* room for restart hooks, popped by resume_hook_entry */

#ifndef __ASSEMBLY__
struct restart_hook {
	void (*fn)(struct pt_regs *regs);
};
#endif

#endif
`,
        },
        {
          path: 'arch/x86/kernel/restart_32.S',
          code: `#include <asm/restart.h>

ENTRY(resume_hook_entry)
	addl  $HOOK_RESERVE, %esp
	jmp   ret_from_fork
END(resume_hook_entry)
`,
        },
      ],
    },
    {
      name: 'value generated through asm-offsets.c DEFINE()',
      files: [
        {
          path: 'arch/x86/kernel/asm-offsets_32.c',
          code: `#include <linux/kbuild.h>

void foo(void)
{
	DEFINE(PT_REGS_SIZE, sizeof(struct pt_regs));
	OFFSET(TI_flags, thread_info, flags);
}
`,
        },
        {
          path: 'arch/x86/kernel/entry_hooks.S',
          code: `#include <asm/asm-offsets.h>

ENTRY(hook_entry)
	subl  $PT_REGS_SIZE, %esp
	movl  TI_flags(%ebp), %ecx
	ret
END(hook_entry)
`,
        },
      ],
    },
    {
      name: 'small value with only stack-pointer evidence',
      files: [
        {
          path: 'arch/x86/kernel/hook.c',
          code: `#define WORD_BYTES	4

void push_word(struct pt_regs *regs)
{
	regs->sp -= WORD_BYTES;
}
`,
        },
        {
          path: 'arch/x86/kernel/hook_32.S',
          code: `ENTRY(pop_hook_arg)
	addl  $4, %esp
	ret
END(pop_hook_arg)
`,
        },
      ],
    },
    {
      name: 'equal value, nothing relating the two',
      files: [
        {
          path: 'drivers/watchdog/acme_wdt.c',
          code: `#define ACME_WDT_TIMEOUT_MS	1500

static int acme_wdt_start(struct watchdog_device *wdd)
{
	return acme_wdt_arm(wdd, ACME_WDT_TIMEOUT_MS);
}
`,
        },
        {
          path: 'arch/x86/lib/delay_loop.S',
          code: `SYM_FUNC_START(acme_spin)
	movl  $1500, %ecx
1:	loop  1b
	RET
SYM_FUNC_END(acme_spin)
`,
        },
      ],
    },
    {
      name: '.set and #define with the same value',
      files: [
        {
          path: 'arch/arm64/include/asm/acme_frame.h',
          code: `#define ACME_FRAME_BYTES	192
`,
        },
        {
          path: 'arch/arm64/kernel/acme_entry.S',
          code: `	.set	ACME_FRAME_BYTES, 192

SYM_FUNC_START(acme_entry)
	sub	sp, sp, #ACME_FRAME_BYTES
	ret
SYM_FUNC_END(acme_entry)
`,
        },
      ],
    },
    {
      name: 'different values for different architectures',
      files: [
        {
          path: 'arch/arm/include/asm/acme_vectors.h',
          code: `#define ACME_VECTOR_STRIDE	0x400
`,
        },
        {
          path: 'arch/arm64/kernel/acme_vectors.S',
          code: `	.set	ACME_VECTOR_STRIDE, 0x800
`,
        },
      ],
    },
    {
      name: 'literal on a context line the patch does not add',
      seriesDiffs: [
        `diff --git a/cpt/rst_hook.c b/cpt/rst_hook.c
new file mode 100644
--- /dev/null
+++ b/cpt/rst_hook.c
@@ -0,0 +1,10 @@
+#define HOOK_RESERVE	256
+
+static void prepare_resume(struct task_struct *tsk)
+{
+	extern char resume_hook_entry;
+
+	tsk->thread.sp -= HOOK_RESERVE;
+	tsk->thread.ip = (unsigned long)&resume_hook_entry;
+}
+
`,
      ],
      diff: `diff --git a/arch/x86/kernel/resume_32.S b/arch/x86/kernel/resume_32.S
--- a/arch/x86/kernel/resume_32.S
+++ b/arch/x86/kernel/resume_32.S
@@ -10,5 +10,6 @@ ENTRY(resume_hook_entry)
 	call  *%eax
 	addl  $4, %esp
 	addl  $256, %esp
+	xorl  %eax, %eax
 	jmp   ret_from_fork
 END(resume_hook_entry)
`,
    },
  ],
  invalid: [
    {
      name: 'literal that a C function reserves on the stack of a task it starts at this symbol',
      files: [
        { path: 'kernel/restart/restart.c', code: restartC('256') },
        {
          path: 'arch/x86/kernel/resume_32.S',
          code: `ENTRY(resume_hook_entry)
	movl  (%esp), %eax
	testl %eax, %eax
	jz    1f
	pushl %esp
	call  *%eax
	addl  $4, %esp
1:
	addl  $256, %esp /* expect: asm-c-constant warning "prepare_resume() uses it" */
	jmp   ret_from_fork
END(resume_hook_entry)
`,
        },
      ],
    },
    {
      name: 'small value with the strongest evidence',
      files: [
        { path: 'kernel/restart/restart.c', code: restartC('16') },
        {
          path: 'arch/x86/kernel/resume_32.S',
          code: `ENTRY(resume_hook_entry)
	addl  $16, %esp	# drop the hook area /* expect: asm-c-constant "HOOK_RESERVE" */
	jmp   ret_from_fork
END(resume_hook_entry)
`,
        },
      ],
    },
    {
      name: 'arm64: the C side moves a stack pointer by the macro, the assembly moves sp',
      files: [
        {
          path: 'arch/arm64/kernel/acme_switch.c',
          code: `#define ACME_SCRATCH_FRAME	416

void acme_prepare_frame(struct pt_regs *regs)
{
	regs->sp -= ACME_SCRATCH_FRAME;
}
`,
        },
        {
          path: 'arch/arm64/kernel/acme_switch.S',
          code: `SYM_CODE_START(acme_switch_tail)
	ldp	x29, x30, [sp]
	add	sp, sp, #416 /* expect: asm-c-constant "moves sp by the same amount" */
	ret
SYM_CODE_END(acme_switch_tail)
`,
        },
      ],
    },
    {
      name: 'mips: a bare negative immediate that lowers sp by the macro',
      files: [
        {
          path: 'arch/mips/kernel/acme_irq.c',
          code: `#define ACME_SAVE_AREA	320

void acme_setup_irq_stack(struct pt_regs *regs)
{
	regs->regs[29] = regs->sp - ACME_SAVE_AREA;
}
`,
        },
        {
          path: 'arch/mips/kernel/acme_irq.S',
          code: `NESTED(acme_irq_entry, 0, sp)
	addiu	sp, sp, -320 /* expect: asm-c-constant */
	sw	ra, 316(sp)
	jal	acme_irq_dispatch
END(acme_irq_entry)
`,
        },
      ],
    },
    {
      name: 'arm: the name and the comment share a word',
      files: [
        {
          path: 'drivers/watchdog/acme_wdt.c',
          code: `#define ACME_WDT_UNLOCK_KEY	0x5a3c

static void acme_wdt_unlock(void __iomem *base)
{
	writel(ACME_WDT_UNLOCK_KEY, base + ACME_WDT_LOCK);
}
`,
        },
        {
          path: 'arch/arm/mach-acme/sleep.S',
          code: `ENTRY(acme_cpu_suspend)
	movw	r1, #0x5a3c		@ watchdog unlock key /* expect: asm-c-constant "share the word "unlock"" */
	str	r1, [r0, #0x10]
	wfi
ENDPROC(acme_cpu_suspend)
`,
        },
      ],
    },
    {
      name: '.set in assembly and #define in a header with different values',
      files: [
        {
          path: 'arch/arm64/include/asm/acme_save.h',
          code: `#define ACME_SAVE_SIZE	0x100
`,
        },
        {
          path: 'arch/arm64/kernel/acme_save.S',
          code: `	.set	ACME_SAVE_SIZE, 0x120 /* expect: asm-c-constant error "arch/arm64/include/asm/acme_save.h:1" */

SYM_FUNC_START(acme_save)
	sub	sp, sp, #ACME_SAVE_SIZE
	ret
SYM_FUNC_END(acme_save)
`,
        },
      ],
    },
    {
      name: '#define in assembly and in C with different values, reported on the C side when only it is new',
      seriesDiffs: [
        `diff --git a/arch/riscv/kernel/acme_slots.S b/arch/riscv/kernel/acme_slots.S
new file mode 100644
--- /dev/null
+++ b/arch/riscv/kernel/acme_slots.S
@@ -0,0 +1,5 @@
+#define ACME_NR_SLOTS	12
+
+SYM_FUNC_START(acme_slots_clear)
+	li	t0, ACME_NR_SLOTS
+SYM_FUNC_END(acme_slots_clear)
`,
      ],
      files: [
        {
          path: 'arch/riscv/kernel/acme_slots.c',
          code: `#define ACME_NR_SLOTS	16 /* expect: asm-c-constant error */

static unsigned long acme_slots[ACME_NR_SLOTS];
`,
        },
      ],
    },
    {
      name: 'assembly needs a constant only a .c file defines',
      files: [
        {
          path: 'arch/x86/boot/acme_boot.c',
          code: `#define ACME_BOOT_MAGIC	0x41434d45

int acme_check_magic(u32 magic)
{
	return magic == ACME_BOOT_MAGIC;
}
`,
        },
        {
          path: 'arch/x86/boot/acme_head.S',
          code: `SYM_CODE_START(acme_head)
	cmpl	$ACME_BOOT_MAGIC, %eax /* expect: asm-c-constant "a .c file that no assembly file can include" */
	jne	acme_bad_magic
SYM_CODE_END(acme_head)
`,
        },
      ],
    },
    {
      name: 'the #define comes from an earlier patch of the series',
      seriesDiffs: [
        `diff --git a/kernel/restart/restart.c b/kernel/restart/restart.c
new file mode 100644
--- /dev/null
+++ b/kernel/restart/restart.c
@@ -0,0 +1,10 @@
+#define HOOK_RESERVE	384
+
+static void prepare_resume(struct task_struct *tsk)
+{
+	extern char resume_hook_entry;
+
+	tsk->thread.sp -= HOOK_RESERVE;
+	tsk->thread.ip = (unsigned long)&resume_hook_entry;
+}
+
`,
      ],
      path: 'arch/x86/kernel/resume_32.S',
      code: `ENTRY(resume_hook_entry)
	addl  $384, %esp /* expect: asm-c-constant "kernel/restart/restart.c:1" */
	jmp   ret_from_fork
END(resume_hook_entry)
`,
    },
    {
      name: 'the assembly came in an earlier patch, this patch adds the #define',
      seriesDiffs: [
        `diff --git a/arch/x86/kernel/resume_32.S b/arch/x86/kernel/resume_32.S
new file mode 100644
--- /dev/null
+++ b/arch/x86/kernel/resume_32.S
@@ -0,0 +1,4 @@
+ENTRY(resume_hook_entry)
+	addl  $384, %esp
+	jmp   ret_from_fork
+END(resume_hook_entry)
`,
      ],
      path: 'kernel/restart/restart.c',
      code: `#define HOOK_RESERVE	384 /* expect: asm-c-constant "arch/x86/kernel/resume_32.S:2, in another patch of this series" */

static void prepare_resume(struct task_struct *tsk)
{
	extern char resume_hook_entry;

	tsk->thread.sp -= HOOK_RESERVE;
	tsk->thread.ip = (unsigned long)&resume_hook_entry;
}
`,
    },
  ],
});
