/**
 * The seed patch (OpenVZ checkpoint/restart, [PATCH 8/9]): what the control-flow rules must
 * find in cpt/rst_process.c, and where they must stay quiet.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding } from '../../src/model/types.js';
import type { Rule } from '../../src/rules/rule.js';
import { completionMissed } from '../../src/rules/completion-missed.js';
import { lockImbalance } from '../../src/rules/lock-imbalance.js';
import { memLeak } from '../../src/rules/mem-leak.js';
import { moduleRefLeak } from '../../src/rules/module-ref-leak.js';
import { refLeak } from '../../src/rules/ref-leak.js';
import { runRuleCase } from '../helpers/rule-tester.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const seedPath = path.resolve(repoRoot, '../shared/seed/0008-introduce-functions-to-restart-a-process.mbox');
const seedPresent = existsSync(seedPath);
if (!seedPresent) console.warn(`seed: ${seedPath} is absent, the seed tests of the control-flow rules are skipped`);
const describeSeed = seedPresent ? describe : describe.skip;

const FILE = 'cpt/rst_process.c';

/** The diff part of the mail: from its first "diff --git" line on. */
function seedDiff(): string {
  const mail = readFileSync(seedPath, 'utf8');
  return mail.slice(mail.indexOf('diff --git '));
}

async function findingsOf(rule: Rule): Promise<Finding[]> {
  return runRuleCase(rule, { name: 'seed patch 8/9', diff: seedDiff() });
}

const lines = (findings: Finding[]): number[] => findings.filter((finding) => finding.file === FILE).map((finding) => finding.line);

describeSeed('control-flow rules on the seed patch', () => {
  it('module-ref-leak: restart_thread() leaves through do_exit() (:223) with the reference local_kernel_thread() took', async () => {
    const findings = await findingsOf(moduleRefLeak);
    expect(lines(findings)).toContain(223);
    const atExit = findings.find((finding) => finding.line === 223);
    expect(atExit?.comment).toContain('local_kernel_thread() took it for restart_thread()');
    expect(atExit?.comment).toContain('module_put() at line 233');
    expect(atExit?.comment).toContain('do_exit() here never returns');
    expect(atExit?.related.map((related) => related.line)).toEqual(expect.arrayContaining([233, 40]));
  });

  it('completion-missed: return -ENOMEM (:208) before the complete() (:220) that rst_restart_process() (:273) waits for', async () => {
    const findings = await findingsOf(completionMissed);
    expect(lines(findings)).toEqual([208]);
    expect(findings[0].comment).toContain('complete() at line 220');
    expect(findings[0].comment).toContain('rst_restart_process() sleeps in wait_for_completion() at line 273');
    expect(findings[0].related.map((related) => related.line)).toEqual(expect.arrayContaining([220, 273]));
  });

  it('mem-leak: ti from kmalloc() (:206) leaks at do_exit() (:223), kfree(ti) (:228) being on the other branch', async () => {
    const findings = await findingsOf(memLeak);
    expect(lines(findings)).toEqual([223]);
    expect(findings[0].comment).toContain('`ti`');
    expect(findings[0].comment).toContain('kfree() at line 228');
  });

  it('ref-leak: get_task_struct() (:256) stored into thr_ctx->tsk and never put in the patch', async () => {
    const findings = await findingsOf(refLeak);
    expect(lines(findings)).toEqual([256]);
    expect(findings[0].comment).toContain('put_task_struct()');
  });

  it('nothing in local_kernel_thread() (:31-46) or rst_restore_fpustate() (:85-124), and no lock imbalance', async () => {
    const all = (await Promise.all([moduleRefLeak, refLeak, memLeak, lockImbalance, completionMissed].map(findingsOf))).flat();
    const quiet = lines(all).filter((line) => (line >= 31 && line <= 46) || (line >= 85 && line <= 124));
    expect(quiet).toEqual([]);
    expect(await findingsOf(lockImbalance)).toEqual([]);
  });
});
