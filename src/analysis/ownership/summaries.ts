/**
 * What the patch's own functions do with their parameters, read from their bodies: a helper
 * that frees, puts or unlocks what it is given releases it for its callers; one that stores
 * it in a structure, a list or a registry takes ownership; one that hands its function
 * pointer to kernel_thread()/kthread_run() starts threads for its callers.
 */
import type { CFunction, CSource, Node } from '../../model/source.js';
import { assignTarget, carriedIdentifiers } from '../flow/events.js';
import { functionParameters } from '../flow/cfg.js';
import {
  THREAD_STARTER_APIS,
  acquireApi,
  handOffApi,
  nameSuggestsHandOff,
  nameSuggestsRelease,
  releaseApi,
  threadStarterApi,
  type FailureStyle,
  type ResourceKind,
} from './resources.js';
import { calleeName, callArguments, expressionKey, rootIdentifier, stripCastsAndParentheses } from '../../parsers/c-syntax.js';
import { wordsOf } from '../words.js';

export interface ParameterEffect {
  /** Kinds of resources the function releases through this parameter ('any' for a destructor-like name). */
  releases: Set<ResourceKind | 'any'>;
  /** The function keeps the parameter beyond the call (a store, a list, a registration). */
  handsOff: boolean;
  /**
   * Locks and completions released through the parameter's fields, as the part after the
   * parameter (`->wl_lock`); one the function takes again (`spin_unlock(); ...; spin_lock();`) is
   * not released for its caller.
   */
  fieldReleases: Set<string>;
  /**
   * The function puts a counted object embedded in the parameter (`put_device(&hsi->device)`): once
   * that object was initialised, the last put frees the parameter through its release callback.
   */
  putsEmbedded: boolean;
}

/** A function of the patch that starts a thread running the function passed in one of its parameters. */
export interface ThreadForwarding {
  functionParameter: number;
  dataParameter: number | null;
  failure: FailureStyle;
  /** The starter call inside the helper (kernel_thread, kthread_run). */
  starter: string;
  starterRow: number;
}

export interface FunctionSummary {
  name: string;
  source: CSource;
  fn: CFunction;
  parameters: string[];
  effects: ParameterEffect[];
  forwarding: ThreadForwarding | null;
  /** The function drops a module reference (module_put(THIS_MODULE), module_put_and_kthread_exit()). */
  releasesModule: boolean;
}


const STARTER_CALL = new RegExp(`\\b(?:${THREAD_STARTER_APIS.map((api) => api.name).join('|')})\\s*\\(`);

function callsIn(node: Node): Node[] {
  return node.descendantsOfType('call_expression').filter((call): call is Node => call !== null);
}

function assignmentsIn(node: Node): Node[] {
  return node.descendantsOfType('assignment_expression').filter((assignment): assignment is Node => assignment !== null);
}

/** A function's head as the patch shows it, annotations included (the parser's text blanks `__acquires(RCU)`). */
export function functionHead(source: CSource, fn: CFunction): string {
  const body = fn.node.childForFieldName('body');
  const bodyLine = body === null ? fn.startLine : (source.postLineOfRow(body.startPosition.row) ?? fn.startLine);
  const head: string[] = [];
  for (let line = fn.startLine; line <= bodyLine; line++) head.push(source.lineText(line) ?? '');
  return head.join('\n');
}

/** `&x->dev` (x): the structure whose member's address the argument is. */
function embeddedIn(argument: Node): string | null {
  const stripped = stripCastsAndParentheses(argument);
  if (stripped.type !== 'pointer_expression' || !stripped.text.startsWith('&')) return null;
  const inner = stripped.childForFieldName('argument');
  if (inner === null || stripCastsAndParentheses(inner).type !== 'field_expression') return null;
  return rootIdentifier(inner);
}

function keyIsParameter(key: string, parameter: string): boolean {
  return key === parameter || key === `${parameter}->dev` || key === `${parameter}.dev`;
}

function summarize(source: CSource, fn: CFunction, known: FunctionSummaries): FunctionSummary {
  const parameters = functionParameters(fn.node);
  const effects: ParameterEffect[] = parameters.map(() => ({ releases: new Set(), handsOff: false, fieldReleases: new Set(), putsEmbedded: false }));
  const retaken = new Set<string>();
  const body = fn.node.childForFieldName('body');
  let forwarding: ThreadForwarding | null = null;
  let releasesModule = false;
  const indexOf = (name: string | null): number => (name === null ? -1 : parameters.indexOf(name));
  if (body !== null) {
    for (const call of callsIn(body)) {
      const name = calleeName(call);
      if (name === null) continue;
      const args = callArguments(call);
      const release = releaseApi(name);
      if (release !== undefined && typeof release.carrier === 'number') {
        const argument = args[release.carrier];
        const index = argument === undefined ? -1 : parameters.findIndex((parameter) => keyIsParameter(expressionKey(argument), parameter));
        if (index >= 0) effects[index].releases.add(release.kind);
        // `put_device(&hsi->device)`: the last put of a counted object embedded in the parameter frees it.
        const container = release.kind === 'reference' && argument !== undefined ? embeddedIn(argument) : null;
        if (container !== null && indexOf(container) >= 0) effects[indexOf(container)].putsEmbedded = true;
        // `spin_unlock(&f->lock)` or `complete(&f->done)` in a helper given `f` releases what its caller holds through `f`.
        const throughField = release.kind === 'lock' || release.kind === 'completion';
        const rootIndex = argument === undefined || !throughField ? -1 : indexOf(rootIdentifier(argument));
        if (rootIndex >= 0) {
          effects[rootIndex].releases.add(release.kind);
          effects[rootIndex].fieldReleases.add(expressionKey(argument).slice(parameters[rootIndex].length));
        }
      }
      const acquire = acquireApi(name);
      if (acquire?.kind === 'lock' && typeof acquire.carrier === 'number' && args[acquire.carrier] !== undefined) retaken.add(expressionKey(args[acquire.carrier]));
      if (release?.kind === 'module') releasesModule = true;
      const starter = threadStarterApi(name);
      if (starter !== undefined) {
        const functionIndex = indexOf(args[starter.functionArgument] ? stripCastsAndParentheses(args[starter.functionArgument]).text : null);
        const dataIndex = indexOf(args[starter.dataArgument] ? rootIdentifier(args[starter.dataArgument]) : null);
        if (dataIndex >= 0) effects[dataIndex].handsOff = true;
        if (functionIndex >= 0) {
          forwarding = {
            functionParameter: functionIndex,
            dataParameter: dataIndex >= 0 ? dataIndex : null,
            failure: starter.failure,
            starter: name,
            starterRow: call.startPosition.row,
          };
        }
      }
      const handOff = handOffApi(name);
      if (handOff !== undefined) {
        const argument = args[handOff.argument];
        const index = argument === undefined ? -1 : indexOf(rootIdentifier(argument));
        if (index >= 0) effects[index].handsOff = true;
      }
      const callee = known.get(name);
      args.forEach((argument, position) => {
        const key = expressionKey(argument);
        const index = parameters.indexOf(key);
        const rootIndex = indexOf(rootIdentifier(argument));
        if (callee !== undefined && callee.name !== fn.name) {
          if (callee.releasesModule) releasesModule = true;
          const effect = callee.effects[position];
          if (effect !== undefined && index >= 0) {
            for (const kind of effect.releases) effects[index].releases.add(kind);
            for (const field of effect.fieldReleases) effects[index].fieldReleases.add(field);
            if (effect.putsEmbedded) effects[index].putsEmbedded = true;
          }
          if (effect?.handsOff && rootIndex >= 0) effects[rootIndex].handsOff = true;
          return;
        }
        if (release !== undefined || acquireApi(name) !== undefined) return;
        if (index >= 0 && nameSuggestsRelease(name, 'memory')) effects[index].releases.add('any');
        if (rootIndex >= 0 && nameSuggestsHandOff(name)) effects[rootIndex].handsOff = true;
      });
    }
    for (const assignment of assignmentsIn(body)) {
      const left = assignment.childForFieldName('left');
      const right = assignment.childForFieldName('right');
      if (left === null || right === null) continue;
      const target = assignTarget(left);
      if (target.shape === 'variable' && target.root !== null && parameters.includes(target.root)) continue;
      for (const mentioned of carriedIdentifiers(right)) {
        const index = parameters.indexOf(mentioned);
        if (index >= 0 && target.root !== mentioned) effects[index].handsOff = true;
      }
    }
  }
  // `__releases(bundle->channel_lock)` says what the function lets go, whatever its body does on the way.
  const annotated = new Set<string>();
  for (const match of functionHead(source, fn).matchAll(/\b__releases\s*\(\s*([^()]*?)\s*\)/g)) {
    const released = match[1].replace(/\s+/g, '').replace(/^&/, '');
    const index = parameters.findIndex((parameter) => released.startsWith(`${parameter}->`) || released.startsWith(`${parameter}.`));
    if (index < 0) continue;
    effects[index].releases.add('lock');
    effects[index].fieldReleases.add(released.slice(parameters[index].length));
    annotated.add(released);
  }
  effects.forEach((effect, index) => {
    const fields = [...effect.fieldReleases];
    if (fields.length === 0) return;
    const kept = fields.filter((field) => annotated.has(parameters[index] + field) || !retaken.has(parameters[index] + field));
    effect.fieldReleases = new Set(kept);
    if (kept.length === 0 && !effect.releases.has('any') && [...effect.releases].every((kind) => kind === 'lock' || kind === 'completion')) effect.releases.clear();
  });
  return { name: fn.name, source, fn, parameters, effects, forwarding, releasesModule };
}

const functionsByNameBySource = new WeakMap<CSource, Map<string, CFunction[]>>();

/** The functions a file defines named `name`, in file order; its tree is parsed only when the name is one of its words. */
function functionsNamed(source: CSource, name: string): readonly CFunction[] {
  if (!wordsOf(source).has(name)) return [];
  let byName = functionsByNameBySource.get(source);
  if (byName === undefined) {
    byName = new Map();
    for (const fn of source.functions) byName.set(fn.name, [...(byName.get(fn.name) ?? []), fn]);
    functionsByNameBySource.set(source, byName);
  }
  return byName.get(name) ?? [];
}

/**
 * Summaries of the functions the patch defines, computed when first asked for (most are
 * never asked: only calls that receive something a path holds are looked up). A name's
 * definitions are looked for only in the files whose text holds the name, so the files
 * nobody asks about are never parsed.
 */
export class FunctionSummaries {
  private readonly candidates = new Map<string, { source: CSource; fn: CFunction }[]>();
  private readonly definitions = new Map<string, { source: CSource; fn: CFunction } | null>();
  private readonly computed = new Map<string, FunctionSummary | null>();
  private readonly forwardings = new Map<string, ThreadForwarding | null>();

  constructor(private readonly sources: readonly CSource[]) {}

  /** The functions named `name`, in file order. */
  private candidatesOf(name: string): { source: CSource; fn: CFunction }[] {
    let found = this.candidates.get(name);
    if (found === undefined) {
      found = [];
      for (const source of this.sources) for (const fn of functionsNamed(source, name)) found.push({ source, fn });
      this.candidates.set(name, found);
    }
    return found;
  }

  /** The definition of a name: the first that is not a misread `#if` branch. */
  private definition(name: string): { source: CSource; fn: CFunction } | undefined {
    const known = this.definitions.get(name);
    if (known !== undefined) return known ?? undefined;
    const found = name === '' ? null : (this.candidatesOf(name).find((candidate) => !isNestedDefinition(candidate.fn.node)) ?? null);
    this.definitions.set(name, found);
    return found ?? undefined;
  }

  get(name: string): FunctionSummary | undefined {
    const known = this.computed.get(name);
    if (known !== undefined) return known ?? undefined;
    const definition = this.definition(name);
    if (definition === undefined) return undefined;
    this.computed.set(name, null); // a recursive call sees no summary rather than looping
    const summary = summarize(definition.source, definition.fn, this);
    this.computed.set(name, summary);
    return summary;
  }

  /** The thread start a function of the patch forwards its function-pointer parameter to, if any. */
  forwardingOf(name: string): ThreadForwarding | null {
    const known = this.forwardings.get(name);
    if (known !== undefined) return known;
    // Only a definition whose text starts a thread forwards: the files that start none need not be searched.
    const definition = this.threadStartingSources().some((source) => source.shownText.includes(name)) ? this.definition(name) : undefined;
    const forwarding = definition !== undefined && STARTER_CALL.test(definition.fn.node.text) ? (this.get(name)?.forwarding ?? null) : null;
    this.forwardings.set(name, forwarding);
    return forwarding;
  }

  private startingSources: CSource[] | null = null;

  /** The files whose text starts a thread. */
  private threadStartingSources(): CSource[] {
    this.startingSources ??= this.sources.filter((source) => STARTER_CALL.test(source.shownText));
    return this.startingSources;
  }

  /** Functions whose text starts a thread (each name once, as the definition that counts for it). */
  *functionsStartingThreads(): IterableIterator<{ source: CSource; fn: CFunction }> {
    const seen = new Set<string>();
    for (const source of this.threadStartingSources()) {
      for (const fn of source.functions) {
        if (fn.name === '' || seen.has(fn.name) || !STARTER_CALL.test(fn.node.text)) continue;
        seen.add(fn.name);
        const definition = this.definition(fn.name);
        if (definition !== undefined && STARTER_CALL.test(definition.fn.node.text)) yield definition;
      }
    }
  }
}

/** A function_definition inside another one is a misreading of `#if`'d code, not a function. */
export function isNestedDefinition(node: Node): boolean {
  let current = node.parent;
  while (current !== null) {
    if (current.type === 'function_definition') return true;
    current = current.parent;
  }
  return false;
}
