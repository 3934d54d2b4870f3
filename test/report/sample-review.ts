/**
 * A reviewed patch built by hand for the reporter tests: a two-file patch (a changed .S
 * file and a new C file) as a mail, with findings on lines it adds.
 */
import type { Finding, Patch, PatchReview, RuleMeta } from '../../src/model/types.js';
import { modifiedFileChange, newFileChange } from '../helpers/file-change.js';

export const NEW_FILE_TEXT = `// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
#include <linux/kthread.h>

static int worker_start(int (*fn)(void *), void *arg)
{
	int ret;

	if (!try_module_get(THIS_MODULE))
		return -EBUSY;
	ret = kernel_thread(fn, arg, CLONE_FS);
	if (ret < 0)
		module_put(THIS_MODULE);
	return ret;
}

static int worker_body(void *arg)
{
	struct worker_ctx *ctx = arg;

	complete(&ctx->done);
	schedule();
	module_put(THIS_MODULE);
	return 0;
}
`;

export function samplePatch(): Patch {
  const asm = modifiedFileChange('arch/x86/kernel/entry_32.S', [
    {
      newStart: 225,
      sectionHeading: 'ENTRY(ret_from_fork)',
      lines: [' \tGET_THREAD_INFO(%ebp)', ' \tpopl %eax', ' \tCFI_ADJUST_CFA_OFFSET -4', '+ret_from_fork_tail:', ' \tpushl $0x0202', ' \tCFI_ADJUST_CFA_OFFSET 4'],
    },
    {
      newStart: 240,
      sectionHeading: 'END(ret_from_fork)',
      lines: [
        ' END(ret_from_fork)',
        ' ',
        '+ENTRY(resume_tail)',
        '+\tCFI_STARTPROC',
        '+\tpushl %eax',
        '+\tcall schedule_tail',
        '+\tpopl %eax',
        '+\tmovl (%esp), %eax',
        '+\ttestl %eax, %eax',
        '+\tjz 1f',
        '+\tcall *%eax',
        '+1:',
        '+\taddl $256, %esp',
        '+\tjmp ret_from_fork_tail',
        '+\tCFI_ENDPROC',
        '+END(resume_tail)',
        ' ',
        ' /*',
      ],
    },
  ]);
  const c = newFileChange('drivers/misc/worker.c', NEW_FILE_TEXT);
  return {
    source: 'series.mbox',
    index: 1,
    mail: {
      source: 'series.mbox',
      startLine: 120,
      from: { name: 'Jörg Exämple', address: 'joerg@example.org' },
      date: 'Wed, 3 Sep 2008 14:57:55 +0400',
      subject: '[PATCH v2 2/3] misc: add a worker thread that restarts itself',
      messageId: '1220439476-16465-3-git-send-email-joerg@example.org',
      inReplyTo: '1220439476-16465-2-git-send-email-joerg@example.org',
      references: ['1220439476-16465-1-git-send-email-joerg@example.org', '1220439476-16465-2-git-send-email-joerg@example.org'],
      to: [{ name: 'Linux Containers', address: 'containers@lists.example.org' }],
      cc: [
        { name: 'Reviewer, Rita', address: 'rita@example.net' },
        { name: '', address: 'CONTAINERS@lists.example.org' },
        { name: 'Me Myself', address: 'me@example.com' },
        { name: 'Jörg Exämple', address: 'joerg@example.org' },
      ],
      body: '',
      bodyStartLine: 128,
    },
    subject: '[PATCH v2 2/3] misc: add a worker thread that restarts itself',
    title: 'misc: add a worker thread that restarts itself',
    subjectInfo: {
      tags: ['PATCH', 'v2', '2/3'],
      isReply: false,
      isPatch: true,
      isRfc: false,
      version: 2,
      number: 2,
      total: 3,
      title: 'misc: add a worker thread that restarts itself',
    },
    author: 'Jörg Exämple <joerg@example.org>',
    series: { version: 2, number: 2, total: 3 },
    commitMessage: [
      'Add a worker thread that can be restarted from a saved context, and an',
      'assembler entry point that returns into it.',
      '',
      'Signed-off-by: Jörg Exämple <joerg@example.org>',
      '---',
      ' arch/x86/kernel/entry_32.S | 15 +++++++++++++++',
      ' drivers/misc/worker.c      | 25 +++++++++++++++++++++++++',
      ' 2 files changed, 40 insertions(+)',
      '',
    ].join('\n'),
    files: [asm, c],
  };
}

export function finding(overrides: Partial<Finding> & Pick<Finding, 'file' | 'line' | 'code'>): Finding {
  return {
    rule: 'module-get-self',
    severity: 'warning',
    column: 1,
    inputLine: null,
    summary: 'try_module_get(THIS_MODULE) cannot fail usefully here',
    comment: 'A comment.',
    related: [],
    ...overrides,
  };
}

export const TRY_MODULE_GET_COMMENT =
  'Doing try_module_get(THIS_MODULE) and checking its result is almost always the symptom of a bug: ' +
  'if this module could be unloading, its text can be freed at any time during the call to worker_start(), ' +
  'so either the check is useless or the code is already broken. The reference itself is needed, though, ' +
  'since the new thread runs code from this module; __module_get() takes it without pretending to check.';

export function sampleFindings(): Finding[] {
  return [
    finding({
      rule: 'asm-magic-stack-reserve',
      severity: 'info',
      file: 'arch/x86/kernel/entry_32.S',
      line: 252,
      column: 2,
      code: '\taddl $256, %esp',
      summary: 'the 256 bytes skipped here are a magic number shared with C code',
      comment:
        'This space reserved for hooks deserves an explanation. The constant should be defined in a header ' +
        'that both the assembler and the C side include, so the two cannot drift apart.',
    }),
    finding({
      rule: 'module-get-self',
      severity: 'warning',
      file: 'drivers/misc/worker.c',
      line: 9,
      column: 7,
      code: '\tif (!try_module_get(THIS_MODULE))',
      summary: 'try_module_get(THIS_MODULE) cannot fail usefully here',
      comment: TRY_MODULE_GET_COMMENT,
    }),
    finding({
      rule: 'module-put-unbalanced',
      severity: 'error',
      file: 'drivers/misc/worker.c',
      line: 23,
      column: 2,
      code: '\tmodule_put(THIS_MODULE);',
      summary: 'module reference dropped only on the path that is never taken',
      comment: 'Where is the module reference dropped when the thread exits normally?',
      related: [{ file: 'drivers/misc/worker.c', line: 9, note: 'the reference is taken here' }],
    }),
  ];
}

export function sampleReview(): PatchReview {
  return { patch: samplePatch(), findings: sampleFindings() };
}

export function cleanReview(): PatchReview {
  const patch = samplePatch();
  return { patch: { ...patch, index: 2, series: { version: 2, number: 3, total: 3 }, title: 'misc: document the worker' }, findings: [] };
}

export const SAMPLE_RULES: RuleMeta[] = [
  {
    id: 'module-get-self',
    severity: 'warning',
    summary: 'try_module_get(THIS_MODULE) checked for failure',
    why: 'A module cannot safely take a reference on itself to stop its own unload: by the time the call runs, the text it runs from may be going away.',
    example: 'if (!try_module_get(THIS_MODULE))\n\treturn -EBUSY;',
    useInstead: '__module_get(THIS_MODULE);',
    limits: 'High confidence; cannot tell whether a caller already holds a reference.',
  },
  {
    id: 'module-put-unbalanced',
    severity: 'error',
    summary: 'module reference not dropped on every path',
    why: 'A reference that is never dropped keeps the module loaded forever.',
    example: 'schedule();\nmodule_put(THIS_MODULE);',
    useInstead: 'module_put_and_kthread_exit(0);',
    limits: 'Sees only the functions the patch shows.',
  },
  {
    id: 'asm-magic-stack-reserve',
    severity: 'info',
    summary: 'stack reserve given as a bare number in assembler',
    why: 'A number shared between C and assembler drifts when only one side changes.',
    example: 'addl $256, %esp',
    useInstead: 'addl $HOOK_RESERVE, %esp',
    limits: 'Flags any large immediate added to the stack pointer.',
  },
];
