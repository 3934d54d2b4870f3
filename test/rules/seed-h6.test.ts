/**
 * The seed patch (OpenVZ checkpoint/restart, [PATCH 8/9]) and what its real review found:
 * the try_module_get(THIS_MODULE) check, the plain store to current->state, and the 256 in
 * the assembly that is HOOK_RESERVE of the C file.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding } from '../../src/model/types.js';
import type { Rule } from '../../src/rules/rule.js';
import { asmCConstant } from '../../src/rules/asm-c-constant.js';
import { taskStateAssign } from '../../src/rules/task-state-assign.js';
import { tryModuleGetSelf } from '../../src/rules/try-module-get-self.js';
import { tryModuleGetUnchecked } from '../../src/rules/try-module-get-unchecked.js';
import { runRuleCase } from '../helpers/rule-tester.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const seedPath = path.resolve(repoRoot, '../shared/seed/0008-introduce-functions-to-restart-a-process.mbox');
const seedPresent = existsSync(seedPath);
if (!seedPresent) console.warn(`seed-h6: ${seedPath} is absent, the seed tests are skipped`);
const describeSeed = seedPresent ? describe : describe.skip;

/** The diff part of the mail: from its first "diff --git" line on. */
function seedDiff(): string {
  const mail = readFileSync(seedPath, 'utf8');
  return mail.slice(mail.indexOf('diff --git '));
}

async function findingsOf(rule: Rule): Promise<Finding[]> {
  return runRuleCase(rule, { name: 'seed patch 8/9', diff: seedDiff() });
}

const where = (finding: Finding): string => `${finding.file}:${finding.line}`;

describeSeed('the seed patch', () => {
  it('try-module-get-self fires on the check in local_kernel_thread() (rst_process.c:40)', async () => {
    const findings = await findingsOf(tryModuleGetSelf);
    expect(findings.map(where)).toEqual(['cpt/rst_process.c:40']);
    expect(findings[0].comment).toContain('local_kernel_thread()');
    expect(findings[0].comment).toContain('kernel_thread()');
    expect(findings[0].comment).toContain('__module_get(THIS_MODULE)');
  });

  it('try-module-get-unchecked stays quiet: the one call is tested', async () => {
    expect((await findingsOf(tryModuleGetUnchecked)).map(where)).toEqual([]);
  });

  it('task-state-assign fires on current->state = TASK_UNINTERRUPTIBLE (rst_process.c:203) only', async () => {
    const findings = await findingsOf(taskStateAssign);
    expect(findings.map(where)).toEqual(['cpt/rst_process.c:203']);
    expect(findings[0].comment).toContain('set_current_state()');
    expect(findings[0].comment).toContain('kmalloc() at line 206');
    expect(findings[0].comment).toContain('__set_current_state() at line 225');
  });

  it('asm-c-constant fires on addl $256, %esp (entry_32.S:252), relating HOOK_RESERVE (rst_process.c:22, :190)', async () => {
    const findings = await findingsOf(asmCConstant);
    expect(findings.map(where)).toEqual(['arch/x86/kernel/entry_32.S:252']);
    const related = findings[0].related.map((location) => `${location.file}:${location.line}`);
    expect(related).toEqual(expect.arrayContaining(['cpt/rst_process.c:22', 'cpt/rst_process.c:190']));
    expect(findings[0].comment).toContain('HOOK_RESERVE');
    expect(findings[0].comment).toContain('rst_restore_registers()');
    expect(findings[0].comment).toContain('i386_ret_from_resume');
  });

  it('asm-c-constant says nothing about addl $4, %esp (entry_32.S:250)', async () => {
    const findings = await findingsOf(asmCConstant);
    expect(findings.some((finding) => finding.line === 250)).toBe(false);
  });
});
