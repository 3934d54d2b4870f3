/**
 * Calls that hand work to something that runs later or elsewhere (a new thread, a work
 * item, a timer): the code they start may outlive the caller, which is why a module
 * reference is taken before them. Rules name the call to say what the reference is for.
 */
import type { Node } from '../../model/source.js';
import { callsAfter, calleeName, enclosingFunctionDefinition } from '../../parsers/c-syntax.js';
import { deferredWorkVerb } from '../../analysis/ownership/resources.js';

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
    const verb = callee ? deferredWorkVerb(callee) : undefined;
    if (callee && verb) return { call, callee, description: `${verb} ${callee}()` };
  }
  return null;
}
