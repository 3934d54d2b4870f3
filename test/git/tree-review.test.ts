/**
 * --tree through the pipeline: with the whole file at hand, a finding that the hunks alone
 * cannot support; and after the run, the user's repository exactly as it was.
 */
import { review, type Review } from '../../src/index.js';
import { rangeBase, rangeInput } from '../../src/git/range.js';
import { isInputError } from '../../src/git/repository.js';
import { openTreeContext } from '../../src/git/tree.js';
import { isolateGitConfig, TempRepo } from './temp-repo.js';

beforeAll(isolateGitConfig);

/** Statements that keep the acquire far above the changed line, beyond any hunk's context. */
const SETUP_STEPS = Array.from({ length: 12 }, (_, index) => `\tw->reg[${index}] = readl(w->base + ${index * 4});`);

const WIDGET_C = [
  '#include <linux/module.h>',
  '#include <linux/io.h>',
  '#include "widget.h"',
  '',
  'int widget_start(struct widget *w)',
  '{',
  '\tint err;',
  '',
  '\tif (!try_module_get(w->ops->owner))',
  '\t\treturn -ENODEV;',
  '',
  '\terr = w->ops->power_on(w);',
  '\tif (err)',
  '\t\tgoto out_put;',
  '',
  ...SETUP_STEPS,
  '',
  '\tw->started = true;',
  '\treturn 0;',
  '',
  'out_put:',
  '\tmodule_put(w->ops->owner);',
  '\treturn err;',
  '}',
  '',
].join('\n');

/** The change: an early return added in the middle, twelve lines below the acquire. */
const WIDGET_C_EARLY_RETURN = WIDGET_C.replace(
  '\tw->reg[6] = readl(w->base + 24);\n',
  '\tw->reg[6] = readl(w->base + 24);\n\tif (w->reg[6] & WIDGET_BROKEN)\n\t\treturn -EIO;\n',
);

/** The header the .S file includes: the constant, and C code that moves a stack pointer by it. */
const HOOK_H = [
  '#ifndef _ASM_X86_HOOK_H',
  '#define _ASM_X86_HOOK_H',
  '',
  '#define HOOK_RESERVE 256',
  '',
  '#ifndef __ASSEMBLY__',
  'static inline void hook_reserve_stack(struct thread_struct *thread)',
  '{',
  '\tthread->sp -= HOOK_RESERVE;',
  '}',
  '#endif',
  '',
  '#endif',
  '',
].join('\n');

const ENTRY_S = [
  '#include <linux/linkage.h>',
  '#include <asm/hook.h>',
  '',
  'ENTRY(resume_from_hook)',
  '\tpushl %eax',
  '\tcall schedule_tail',
  '\tpopl %eax',
  '\tjmp ret_from_fork',
  'END(resume_from_hook)',
  '',
].join('\n');

/** The change: the stack adjustment that hard-codes HOOK_RESERVE. */
const ENTRY_S_LITERAL = ENTRY_S.replace('\tpopl %eax\n', '\tpopl %eax\n\taddl $256, %esp\n');

function findingsOf(result: Review, rule: string): { file: string; line: number }[] {
  return result.patches.flatMap((entry) => entry.findings.filter((finding) => finding.rule === rule).map(({ file, line }) => ({ file, line })));
}

describe('--tree in the pipeline', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = new TempRepo();
    repo.commit('widget: the driver', {
      'drivers/misc/widget.c': WIDGET_C,
      'drivers/misc/widget.h': '#define WIDGET_BROKEN 0x80\n',
      'include/linux/module.h': '#define THIS_MODULE (&__this_module)\n',
      'arch/x86/include/asm/hook.h': HOOK_H,
      'arch/x86/kernel/hook_entry.S': ENTRY_S,
    });
    repo.commit('widget: give up on a broken widget', { 'drivers/misc/widget.c': WIDGET_C_EARLY_RETURN });
    repo.commit('x86: drop the hook area on resume', { 'arch/x86/kernel/hook_entry.S': ENTRY_S_LITERAL });
  });
  afterEach(() => repo.remove());

  async function reviewRange(withTree: boolean): Promise<Review> {
    const inputs = await rangeInput(repo.dir, 'HEAD~2..');
    if (isInputError(inputs)) throw new Error(inputs.message);
    if (!withTree) return review(inputs);
    const tree = await openTreeContext(repo.dir, { base: await rangeBase(repo.dir, 'HEAD~2..') });
    if (isInputError(tree)) throw new Error(tree.message);
    try {
      return await review(inputs, { tree });
    } finally {
      tree.close();
    }
  }

  it('finds the module reference leaked by a return far below try_module_get(), which the hunk does not show', async () => {
    const earlyReturnLine = WIDGET_C_EARLY_RETURN.split('\n').indexOf('\t\treturn -EIO;') + 1;
    const hunksOnly = await reviewRange(false);
    expect(hunksOnly.errors).toEqual([]);
    expect(findingsOf(hunksOnly, 'module-ref-leak')).toEqual([]);

    const whole = await reviewRange(true);
    expect(whole.errors).toEqual([]);
    expect(findingsOf(whole, 'module-ref-leak')).toEqual([{ file: 'drivers/misc/widget.c', line: earlyReturnLine }]);
  });

  it('sees the #define of a header the patch does not touch', async () => {
    const literalLine = ENTRY_S_LITERAL.split('\n').indexOf('\taddl $256, %esp') + 1;
    expect(findingsOf(await reviewRange(false), 'asm-c-constant')).toEqual([]);
    const whole = await reviewRange(true);
    expect(findingsOf(whole, 'asm-c-constant')).toEqual([{ file: 'arch/x86/kernel/hook_entry.S', line: literalLine }]);
    const finding = whole.patches[1].findings.find((candidate) => candidate.rule === 'asm-c-constant');
    expect(finding?.comment).toContain('HOOK_RESERVE');
    expect(finding?.comment).toContain('arch/x86/include/asm/hook.h');
  });

  it('reports a patch that does not apply and reviews its hunks alone', async () => {
    repo.commit('widget: broken means -EINVAL', { 'drivers/misc/widget.c': WIDGET_C_EARLY_RETURN.replace('-EIO', '-EINVAL') });
    const inputs = await rangeInput(repo.dir, 'HEAD');
    if (isInputError(inputs)) throw new Error(inputs.message);
    // The first commit has neither the early return nor its -EIO: the last patch conflicts there.
    const tree = await openTreeContext(repo.dir, { base: 'HEAD~3' });
    if (isInputError(tree)) throw new Error(tree.message);
    try {
      const result = await review(inputs, { tree });
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0].message).toContain('does not apply to the tree');
      expect(result.patches).toHaveLength(1);
    } finally {
      tree.close();
    }
  });

  it("leaves the user's worktree, index and refs as they were", async () => {
    repo.write('drivers/misc/widget.h', '#define WIDGET_BROKEN 0x40\n');
    repo.git('add', 'drivers/misc/widget.h');
    repo.write('arch/x86/kernel/hook_entry.S', `${ENTRY_S_LITERAL}/* local edit */\n`);
    repo.git('stash', 'push', '-q', '--keep-index', '--', 'arch/x86/kernel/hook_entry.S');
    repo.write('notes.txt', 'untracked\n');
    const before = repo.snapshot();
    await reviewRange(true);
    expect(repo.snapshot()).toEqual(before);
  });
});
