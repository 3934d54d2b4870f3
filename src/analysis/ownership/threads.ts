/**
 * Thread functions a patch starts, and what they inherit. A function handed to
 * kernel_thread()/kthread_run() — directly, or through a helper of the patch that forwards
 * its function-pointer argument — runs as a thread; when the starter took a module reference
 * before starting it, the thread owns that reference and must drop it on its way out. A
 * one-shot function that completes a completion somebody waits for must complete it on every
 * way out, or the waiter sleeps forever.
 */
import type { CFunction, CSource, Node } from '../../model/source.js';
import { functionParameters } from '../flow/cfg.js';
import type { InheritedObligation } from './engine.js';
import { THREAD_STARTER_APIS, threadStarterApi, waitApi } from './resources.js';
import { isNestedDefinition, type FunctionSummaries } from './summaries.js';
import { calleeName, callArguments, declarationOf, expressionKey, lastFieldOfKey, rootOfKey, stripCastsAndParentheses } from '../../parsers/c-syntax.js';

/** A module reference taken before a thread was started. */
export interface ModuleReferenceTaken {
  key: string;
  functionName: string;
  file: string;
  row: number;
  call: string;
}

export interface ThreadStart {
  threadFunction: string;
  /** The function whose call starts the thread. */
  starterFunction: string;
  file: string;
  row: number;
  /** The call that starts it (kernel_thread, or the patch's helper). */
  via: string;
  moduleReference: ModuleReferenceTaken | null;
}

/** A wait on a completion somewhere in the patch. */
export interface CompletionWait {
  key: string;
  field: string | null;
  /** The declared type of the variable the key starts from (`struct vchiq_service`), when shown. */
  rootType: string | null;
  functionName: string;
  file: string;
  row: number;
  call: string;
  forever: boolean;
}

const MODULE_GETS = new Set(['try_module_get', '__module_get']);

interface FunctionSite {
  source: CSource;
  fn: CFunction;
}

function callsOf(fn: CFunction): Node[] {
  const body = fn.node.childForFieldName('body');
  if (body === null) return [];
  return body.descendantsOfType('call_expression').filter((call): call is Node => call !== null);
}

function moduleReferenceBefore(site: FunctionSite, row: number): ModuleReferenceTaken | null {
  for (const call of callsOf(site.fn)) {
    const name = calleeName(call);
    if (name === null || !MODULE_GETS.has(name) || call.startPosition.row > row) continue;
    const [argument] = callArguments(call);
    return {
      key: argument === undefined ? 'THIS_MODULE' : expressionKey(argument),
      functionName: site.fn.name,
      file: site.source.file.path,
      row: call.startPosition.row,
      call: name,
    };
  }
  return null;
}

/** Named functions whose text passes a cheap test (before the costlier check that they are real functions). */
function functionSites(sources: readonly CSource[], textTest: (text: string) => boolean): FunctionSite[] {
  const sites: FunctionSite[] = [];
  for (const source of sources) {
    if (!textTest(source.shownText)) continue;
    for (const fn of source.functions) {
      if (fn.name !== '' && textTest(fn.node.text) && !isNestedDefinition(fn.node)) sites.push({ source, fn });
    }
  }
  return sites;
}

/** Every thread start the patch shows, with the module reference handed to the thread. */
export function findThreadStarts(sources: readonly CSource[], summaries: FunctionSummaries): ThreadStart[] {
  const helpers: string[] = [];
  let startsThreads = false;
  for (const { fn } of summaries.functionsStartingThreads()) {
    startsThreads = true;
    if (summaries.forwardingOf(fn.name) !== null) helpers.push(fn.name);
  }
  if (!startsThreads) return [];
  const starterCall = new RegExp(`\\b(?:${[...THREAD_STARTER_APIS.map((api) => api.name), ...helpers].join('|')})\\s*\\(`);
  const starts: ThreadStart[] = [];
  for (const site of functionSites(sources, (text) => starterCall.test(text))) {
    const parameters = functionParameters(site.fn.node);
    for (const call of callsOf(site.fn)) {
      const name = calleeName(call);
      if (name === null) continue;
      const api = threadStarterApi(name);
      const forwarding = api === undefined ? summaries.forwardingOf(name) : null;
      const functionArgument = api?.functionArgument ?? forwarding?.functionParameter;
      if (functionArgument === undefined) continue;
      const argument = callArguments(call)[functionArgument];
      if (argument === undefined) continue;
      const target = stripCastsAndParentheses(argument);
      if (target.type !== 'identifier' || parameters.includes(target.text)) continue;
      let moduleReference = moduleReferenceBefore(site, call.startPosition.row);
      const helper = forwarding === null ? undefined : summaries.get(name);
      if (moduleReference === null && helper !== undefined && forwarding !== null) {
        moduleReference = moduleReferenceBefore({ source: helper.source, fn: helper.fn }, forwarding.starterRow);
      }
      starts.push({
        threadFunction: target.text,
        starterFunction: site.fn.name,
        file: site.source.file.path,
        row: call.startPosition.row,
        via: name,
        moduleReference,
      });
    }
  }
  return starts;
}

/** Every wait_for_completion*() of the patch. */
export function findCompletionWaits(sources: readonly CSource[]): CompletionWait[] {
  const waits: CompletionWait[] = [];
  for (const site of functionSites(sources, (text) => text.includes('wait_for_completion'))) {
    for (const call of callsOf(site.fn)) {
      const name = calleeName(call);
      const api = name === null ? undefined : waitApi(name);
      if (api === undefined) continue;
      const argument = callArguments(call)[api.argument];
      if (argument === undefined) continue;
      const key = expressionKey(argument);
      waits.push({
        key,
        field: lastFieldOfKey(key),
        rootType: rootTypeOf(key, call),
        functionName: site.fn.name,
        file: site.source.file.path,
        row: call.startPosition.row,
        call: api.name,
        forever: api.forever,
      });
    }
  }
  return waits;
}

/** The declared type of the variable `key` starts from, as seen from `node` (null when not shown). */
export function rootTypeOf(key: string, node: Node): string | null {
  const root = rootOfKey(key);
  const declaration = root === null ? null : declarationOf(root, node);
  return declaration === null ? null : declaration.typeText.replace(/\b(?:const|volatile)\b/g, '').replace(/\s+/g, ' ').trim();
}

/**
 * The wait that sleeps on the completion `key` (same expression, or same field of a structure of
 * the same type: `user_service->remove_event` is not the `service->remove_event` a release waits on).
 */
export function waiterFor(key: string, waits: readonly CompletionWait[], except: string, rootType: string | null = null): CompletionWait | null {
  const field = lastFieldOfKey(key);
  const sameStructure = (wait: CompletionWait): boolean => rootType === null || wait.rootType === null || wait.rootType === rootType;
  return (
    waits.find((wait) => wait.forever && wait.functionName !== except && (wait.key === key || (field !== null && wait.field === field && sameStructure(wait)))) ?? null
  );
}

export interface ObligationInputs {
  functionName: string;
  starts: readonly ThreadStart[];
  waits: readonly CompletionWait[];
  /** Completions the function completes outside loops (keys). */
  completed: readonly string[];
  /** The declared type of the variable a key starts from in this function (see rootTypeOf). */
  rootTypeOf(key: string): string | null;
  /** Post-image line of a row in a file. */
  lineOf(file: string, row: number): number | null;
}

/** What a function must release on every way out although it took nothing itself. */
export function inheritedObligations(inputs: ObligationInputs): InheritedObligation[] {
  const obligations: InheritedObligation[] = [];
  const starts = inputs.starts.filter((start) => start.threadFunction === inputs.functionName);
  const isThread = starts.length > 0;
  const withModule = starts.find((start) => start.moduleReference !== null);
  if (withModule?.moduleReference) {
    const taken = withModule.moduleReference;
    obligations.push({
      kind: 'module',
      names: [taken.key],
      noun: 'module reference',
      release: 'module_put()',
      origin: { functionName: taken.functionName, file: taken.file, line: inputs.lineOf(taken.file, taken.row), call: taken.call },
      strict: true,
    });
  }
  for (const key of new Set(inputs.completed)) {
    const waiter = waiterFor(key, inputs.waits, inputs.functionName, inputs.rootTypeOf(key));
    if (!isThread && waiter === null) continue;
    const origin = waiter
      ? { functionName: waiter.functionName, file: waiter.file, line: inputs.lineOf(waiter.file, waiter.row), call: waiter.call }
      : { functionName: starts[0].starterFunction, file: starts[0].file, line: inputs.lineOf(starts[0].file, starts[0].row), call: starts[0].via };
    obligations.push({ kind: 'completion', names: [key], noun: 'completion', release: 'complete()', origin, strict: isThread });
  }
  return obligations;
}
