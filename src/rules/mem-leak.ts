/**
 * mem-leak: an allocation (kmalloc and friends, vmalloc, kstrdup, kmemdup, memdup_user, ...)
 * that one path frees or hands on and another leaves with.
 */
import { otherEndsPhrase, splitEnds } from '../analysis/ownership/leak-findings.js';
import type { LeakInSource } from '../analysis/ownership/patch-analysis.js';
import type { Rule } from './rule.js';
import { leakFindings } from './support/leak-rule.js';

const ID = 'mem-leak';

/**
 * Architecture code maps its platform's registers for the life of the system: setup_arch() hooks
 * before the allocators run, fixed windows (KSEG1 on MIPS, ia64's uncached region) where
 * ioremap() allocates nothing, mappings published to every CPU. An I/O mapping left behind
 * there is not worth a comment; in a driver it is.
 */
function platformMapping(found: LeakInSource): boolean {
  return found.leak.site.release === 'iounmap()' && found.source.file.path.startsWith('arch/');
}

export const memLeak: Rule = {
  meta: {
    id: ID,
    severity: 'warning',
    summary: 'An allocation is freed or handed on by some paths but not by this one',
    why:
      'Memory from kmalloc(), kzalloc(), kvmalloc(), vmalloc(), kstrdup(), kmemdup() and memdup_user() belongs to the code that allocated it until it is freed or handed to something that frees it later (a structure, a list, a device, a registration). ' +
      'A path that drops the last pointer without doing either leaks it; error paths and early exits (return, goto past the unwinding label, do_exit()) are where this happens.',
    example: 'buf = kmalloc(len, GFP_KERNEL);\nif (!buf)\n\treturn -ENOMEM;\nif (copy_from_user(buf, ubuf, len))\n\treturn -EFAULT;\t/* buf leaks */\n...\nkfree(buf);',
    useInstead: 'buf = memdup_user(ubuf, len);\nif (IS_ERR(buf))\n\treturn PTR_ERR(buf);\n...\nkfree(buf);\n\n/* or: char *buf __free(kfree) = kmalloc(len, GFP_KERNEL); */',
    limits:
      'Beyond the table, the acquire/release pairs mined from the kernel tree (data/kernel-facts.json: nfp_app_alloc()/nfp_app_free(), lynx_pcs_create()/lynx_pcs_destroy()) count only in a function that calls the release itself, only at exits that return an error, and only once the path has tested a returned pointer. ' +
      'An allocation is reported only when another path of the same function frees it or hands it on and this one, returning an error or the same kind of value, does neither: functions that keep an allocation on success and free it on failure stay quiet. ' +
      'Storing the pointer anywhere but a local variable, returning it, or passing it to a function whose name says it adds, registers or queues counts as handing it on (only where it succeeds, when its result is tested by sign or IS_ERR(): `hw = clk_hw_register_composite(..., &mux->hw, ...)` leaves the mux to the caller when it fails); other calls are taken to borrow it. snd_ctl_new1() gives its private data to the control, and snd_ctl_add() frees a control it cannot add. A function of the tree whose name says it sets up or initialises an object, given the allocation and a local object (`nfp_repr_init(app, repr, id, port, netdev)`), may keep it there: the allocation goes where that object goes (stored, handed on or returned). ' +
      'A destructor-named call given the structure or a member of it (`foo_put(&obj->base)`) frees it, and so does a teardown helper given the device whose drvdata it is (`foo_remove(pdev)` on probe\'s error path); a put of an embedded device or kref ends in its release callback only after the path initialised it. ' +
      'A helper of the patch that frees its argument, the `container_of()` or `to_*()` of it, or `*p` of a pointer-to-pointer it is given as `&x`, frees the caller\'s object; dev_coredumpv() and ttm_bo_init_validate() own what they are given even when they fail, and so does a call given the object with a function of the patch that frees it (`vmw_simple_resource_init(dev_priv, &usimple->simple, data, vmw_simple_resource_free)` runs it when it fails). ' +
      'memcpy() and the string copies return their destination; krealloc() moves the buffer into its result when it succeeds; an operation called through a pointer (`drv->probe(clink, id)`) whose result is tested by sign or IS_ERR() keeps what it was given where it succeeds. ' +
      'devm_* allocations and __free() variables are never tracked. Functions the patch shows only in part are judged on the paths it shows whole. ' +
      'An I/O mapping (ioremap()) in architecture code (arch/) is not reported: platform code maps its registers for the life of the system.',
  },
  check: (context) =>
    leakFindings(context, {
      id: ID,
      selects: (found) => found.leak.site.kind === 'memory' && found.leak.reason === 'inconsistent' && found.leak.exit !== null && !platformMapping(found),
      word: ({ leak, source }, story) => {
        const { released, handedOff } = splitEnds(leak.otherEnds);
        const ends: string[] = [];
        if (released.length > 0) ends.push(`freed by ${otherEndsPhrase(released, source)}`);
        if (handedOff.length > 0) ends.push(`handed on by ${otherEndsPhrase(handedOff, source)}`);
        const acquired = story.acquireLine === null ? '' : ` at line ${story.acquireLine}`;
        const allocated = `${story.name}, allocated by ${leak.site.api}()${acquired}`;
        const problem = story.exitKind === 'exit-call' ? `never returns, so ${allocated}, leaks` : `${story.leaves} without freeing ${allocated}`;
        return {
          summary: `${story.name.replace(/`/g, '')} from ${leak.site.api}()${acquired} leaks on this path`,
          comment: `${story.exitClause} ${problem}; the other paths have it ${ends.join(' or ')}. Shouldn't it be freed before this?`,
          releaseNote: 'freed here on another path',
        };
      },
    }),
};
