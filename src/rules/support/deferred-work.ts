/**
 * Calls that hand work to something that runs later or elsewhere (a new thread, a work
 * item, a timer): the code they start may outlive the caller, which is why a module
 * reference is taken before them. Rules name the call to say what the reference is for.
 */
import type { Node } from '../../model/source.js';
import { callsAfter, calleeName, enclosingFunctionDefinition } from '../../parsers/c-syntax.js';

const VERB_OF_CALL: ReadonlyMap<string, string> = new Map([
  ...['kernel_thread', 'kthread_run', 'kthread_create', 'kthread_create_on_node', 'kthread_run_on_cpu', 'kthread_create_on_cpu', 'kthread_run_worker', 'kthread_create_worker'].map(
    (name): [string, string] => [name, 'starts a thread with'],
  ),
  ...['schedule_work', 'schedule_delayed_work', 'queue_work', 'queue_delayed_work', 'mod_delayed_work', 'queue_work_on', 'queue_rcu_work', 'kthread_queue_work', 'schedule_work_on'].map(
    (name): [string, string] => [name, 'queues work with'],
  ),
  ...['mod_timer', 'add_timer', 'hrtimer_start', 'timer_reduce'].map((name): [string, string] => [name, 'arms a timer with']),
  ...['call_rcu', 'call_srcu'].map((name): [string, string] => [name, 'queues a callback with']),
  ...['request_irq', 'request_threaded_irq', 'devm_request_irq', 'devm_request_threaded_irq'].map((name): [string, string] => [name, 'installs an interrupt handler with']),
]);

export interface DeferredWork {
  call: Node;
  callee: string;
  /** "starts a thread with kernel_thread()". */
  description: string;
}

/** The first call after `node`, in the same function, that starts deferred work. */
export function deferredWorkAfter(node: Node): DeferredWork | null {
  const scope = enclosingFunctionDefinition(node);
  if (!scope) return null;
  for (const call of callsAfter(scope, node)) {
    const callee = calleeName(call);
    const verb = callee ? VERB_OF_CALL.get(callee) : undefined;
    if (callee && verb) return { call, callee, description: `${verb} ${callee}()` };
  }
  return null;
}
