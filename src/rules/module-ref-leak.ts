/**
 * module-ref-leak: a module reference (try_module_get, __module_get, or the one a thread
 * inherits from whoever started it) that one path drops and another leaves with.
 */
import { otherEndsPhrase, type LeakStory } from '../analysis/ownership/leak-findings.js';
import type { LeakInSource } from '../analysis/ownership/patch-analysis.js';
import type { Rule } from './rule.js';
import { leakFindings, type LeakWording } from './support/leak-rule.js';

const DROPPED_NOTE = 'the module reference is dropped here on another path';

const ID = 'module-ref-leak';

/** "do_exit() here never returns, so the module reference stays held", "this return ends the thread with ...". */
function threadExitClause(story: LeakStory): string {
  switch (story.exitKind) {
    case 'exit-call':
      return `${story.exitClause} never returns, so the module reference stays held`;
    case 'goto':
      return `${story.exitClause} ${story.leaves}, which ends the thread with the module reference still held`;
    case 'end':
      return `${story.exitClause} is reached with the module reference still held`;
    default:
      return `${story.exitClause} ends the thread with the module reference still held`;
  }
}

function inheritedWording(found: LeakInSource, story: LeakStory): LeakWording {
  const { leak, source } = found;
  const origin = leak.site.inherited?.origin;
  const giver = origin ? `${origin.functionName}()` : 'its starter';
  const taken = origin && origin.line !== null ? ` with ${origin.call}() at line ${origin.line}` : '';
  const comment =
    `${threadExitClause(story)}: ${giver} took it for ${story.functionName}()${taken}, and only ${otherEndsPhrase(leak.otherEnds, source)} drops it. ` +
    `Where is the module reference dropped in that case?`;
  return {
    summary: `${story.functionName}() leaves without dropping the module reference ${giver} took for it`,
    comment,
    releaseNote: DROPPED_NOTE,
  };
}

function plainWording(found: LeakInSource, story: LeakStory): LeakWording {
  const { leak, source } = found;
  const acquired = story.acquireLine === null ? '' : ` at line ${story.acquireLine}`;
  const comment =
    `${story.exitClause} ${story.leaves} with the module reference on ${story.name} still held (taken by ${leak.site.api}()${acquired}), so the module can never be unloaded; the path through ${otherEndsPhrase(leak.otherEnds, source)} drops or hands it on. ` +
    `Doesn't this path need a module_put() too?`;
  return {
    summary: `module reference taken with ${leak.site.api}()${acquired} leaks on this path`,
    comment,
    releaseNote: DROPPED_NOTE,
  };
}

export const moduleRefLeak: Rule = {
  meta: {
    id: ID,
    severity: 'error',
    summary: 'A module reference is dropped on some paths but not on this one',
    why:
      'A module reference (try_module_get(), __module_get()) keeps the module\'s code and data in memory; rmmod waits until the count drops to zero. ' +
      'A path that leaves with the reference held pins the module forever. A thread started with a reference taken for it (the usual pattern around kernel_thread() and kthread_run()) owns it, ' +
      'and every way the thread ends must drop it, typically with module_put_and_kthread_exit().',
    example:
      'static int worker(void *arg)\n{\n\tif (setup(arg))\n\t\tdo_exit(0);\t/* the reference the starter took leaks */\n\trun(arg);\n\tmodule_put_and_kthread_exit(0);\n}',
    useInstead: 'static int worker(void *arg)\n{\n\tif (!setup(arg))\n\t\trun(arg);\n\tmodule_put_and_kthread_exit(0);\n}',
    limits:
      'Judges each function from the paths the patch shows: a reference is reported only when some path of the same function drops it (or hands it to a thread) and another, returning the same kind of value or an error, does not. ' +
      'Calls that cptlint does not know are taken to leave the reference alone, unless their name says they put or register something. ' +
      'A thread inherits a reference only when the patch shows the start (kernel_thread(), kthread_run(), or a helper of the patch forwarding its function pointer) after a try_module_get()/__module_get(). ' +
      'Queuing work, arming a timer or an RCU callback (schedule_work(), queue_delayed_work(), mod_timer(), call_rcu()), directly or through a function of the patch that does (bcache\'s register_device_async()), hands the reference to the work, which drops it when done. ' +
      'Functions the patch shows only in part are judged only on the paths it shows whole.',
  },
  check: (context) =>
    leakFindings(context, {
      id: ID,
      selects: (found) => found.leak.site.kind === 'module' && found.leak.reason === 'inconsistent',
      word: (found, story) => (found.leak.site.inherited !== null ? inheritedWording(found, story) : plainWording(found, story)),
    }),
};
