/**
 * completion-missed: a thread, or a function whose completion somebody waits for, completes it
 * on some paths but leaves on another without complete(): the waiter sleeps forever.
 */
import { otherEndsPhrase } from '../analysis/ownership/leak-findings.js';
import type { Rule } from './rule.js';
import { leakFindings } from './support/leak-rule.js';

const ID = 'completion-missed';

export const completionMissed: Rule = {
  meta: {
    id: ID,
    severity: 'error',
    summary: 'A path leaves without the complete() a waiter depends on',
    why:
      'wait_for_completion() sleeps uninterruptibly until somebody calls complete() on the same completion. ' +
      'When the thread or callback that is supposed to complete it leaves early (an error return, do_exit()) without doing so, the waiter hangs for good, and with it whatever called it (insmod, an ioctl, a probe).',
    example:
      'static int worker(void *arg)\n{\n\tstruct ctx *ctx = arg;\n\n\tbuf = kmalloc(SZ, GFP_KERNEL);\n\tif (!buf)\n\t\treturn -ENOMEM;\t/* ctx->done never completed */\n\tctx->error = setup(buf);\n\tcomplete(&ctx->done);\n\t...\n}',
    useInstead:
      'static int worker(void *arg)\n{\n\tstruct ctx *ctx = arg;\n\n\tbuf = kmalloc(SZ, GFP_KERNEL);\n\tctx->error = buf ? setup(buf) : -ENOMEM;\n\tcomplete(&ctx->done);\n\tif (!buf)\n\t\treturn -ENOMEM;\n\t...\n}',
    limits:
      'Judges thread functions the patch starts (kernel_thread(), kthread_run(), or a helper of the patch forwarding its function pointer): ' +
      'a complete() outside any loop on some path makes the other exits suspect. A function that is not a thread is not judged, even when the patch waits for what it completes: a callback or handler may rightly leave without completing (its waiter is woken another way, or was never started on that path). ' +
      'Waits with a timeout, or interruptible ones, are not counted as waiting forever.',
  },
  check: (context) =>
    leakFindings(context, {
      id: ID,
      // Only threads: a function that is not one and completes on success owes nothing when it fails
      // (its waiter is woken another way, or never waits on that path); on Linux 6.1 such findings
      // were 0 true of 22 judged.
      selects: (found) => found.leak.site.kind === 'completion' && found.leak.site.inherited?.strict === true && found.leak.reason === 'inconsistent' && found.leak.exit !== null,
      word: ({ leak, source }, story) => {
        const origin = leak.site.inherited?.origin;
        const waits = origin && /^wait_for_completion/.test(origin.call);
        const at = origin && origin.line !== null ? ` at line ${origin.line}` : '';
        const before = `before ${otherEndsPhrase(leak.otherEnds, source)}`;
        const ending =
          story.exitKind === 'exit-call'
            ? `ends the thread ${before}`
            : story.exitKind === 'goto'
              ? `${story.leaves} ${before}`
              : story.exitKind === 'end'
                ? `is reached ${before}`
                : `leaves ${story.functionName}() ${before}`;
        const waiter = waits
          ? `${origin.functionName}() sleeps in ${origin.call}()${at} forever`
          : `whoever waits for the thread ${origin?.functionName ?? 'the patch'}() started${at} hangs`;
        const comment = `${story.exitClause} ${ending}, so ${waiter}. Shouldn't this path complete ${story.name} too, with the error recorded?`;
        return {
          summary: `${story.functionName}() leaves without completing ${story.name.replace(/`/g, '')}`,
          comment,
          releaseNote: 'completed here on the other paths',
        };
      },
    }),
};
