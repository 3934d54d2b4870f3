/**
 * What the patch's own functions do with their parameters, read from their bodies: a helper
 * that frees, puts or unlocks what it is given releases it for its callers; one that stores
 * it in a structure, a list or a registry takes ownership; one that hands its function
 * pointer to kernel_thread()/kthread_run() starts threads for its callers.
 */
import type { CFunction, CSource, Node } from '../../model/source.js';
import { assignTarget, callOfEvent, carriedIdentifiers, declaredVariables } from '../flow/events.js';
import { constantMask } from '../flow/conditions.js';
import type { ValueMask } from '../flow/facts.js';
import { functionParameters, type Cfg } from '../flow/cfg.js';
import { cfgOf, type PatchFiles } from '../function-cfg.js';
import {
  HOLDING_CALL,
  THREAD_STARTER_APIS,
  acquireApi,
  handOffApi,
  nameSuggestsHandOff,
  nameSuggestsRelease,
  queuesDeferredWork,
  WORK_INITIALIZERS,
  releaseApi,
  releaseCallsOf,
  threadStarterApi,
  type AcquireApi,
  type FailureStyle,
  type ResourceKind,
} from './resources.js';
import { calleeName, callArguments, declaredName, expressionKey, isAddressOf, namedChildrenOf, nodesOfType, rootIdentifier, rootOfKey, stripCastsAndParentheses } from '../../parsers/c-syntax.js';
import { wordsOf } from '../words.js';

export interface ParameterEffect {
  /** Kinds of resources the function releases through this parameter ('any' for a destructor-like name). */
  releases: Set<ResourceKind | 'any'>;
  /**
   * What it releases in a field reached through the parameter: `clk_disable_unprepare(priv->clk)`
   * in `foo_disable_clk(priv)` releases the caller's `<argument>->clk`.
   */
  releasesFields: { kind: ResourceKind; path: string; api: string }[];
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
  /**
   * The parameter is an out-parameter whose object the function takes over: it frees `*p` on
   * some paths and stores it (`xattr = *newxattr; rb_link_node(&xattr->node, ...)`) on others.
   * A caller that passes `&x` hands x on.
   */
  takesPointee?: boolean;
  /** The parameter points to a pointer whose object the function frees and never keeps (`kfree(*mem); *mem = NULL;`). */
  freesPointee?: boolean;
  /**
   * The function fetches the drvdata kept on the parameter (`dev = usb_get_intfdata(intf)`) and
   * frees it: a caller that made its object the drvdata of that device hands the object over.
   */
  freesDrvdata?: boolean;
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
  /**
   * Unlock calls the function makes more often than it takes their lock (`netlink_dump(sk, true)`
   * unlocks `nlk->cb_mutex` on every exit, and locks it only when told it is not held): it lets
   * go of a lock of that family its caller holds, on some paths at least.
   */
  excessUnlocks: ReadonlySet<string>;
  /**
   * Global locks the function lets go of and does not take again (`grab_super() __releases(sb_lock)`,
   * or `spin_unlock(&sb_lock)` in its body more often than `spin_lock(&sb_lock)`): its caller's.
   */
  releasesGlobals: ReadonlySet<string>;
  /** Unlock calls the function makes no more often than it takes their lock: candidates for FunctionSummaries.unlocksOf(). */
  balancedUnlocks: ReadonlySet<string>;
  /**
   * What every `return` of the function gives back when each returns a constant (`return 0;` only:
   * ZERO), so a caller's `if (ret)` after it cannot be taken; null when any return computes its value.
   */
  returns: ValueMask | null;
  /**
   * What a release callback lets go of through the object its first parameter is part of:
   * `struct zfcp_port *port = container_of(dev, struct zfcp_port, dev); zfcp_ccw_adapter_put(port->adapter);`
   * gives `{ name: 'zfcp_ccw_adapter_put', argument: 0, path: '->adapter' }`. The last put of the
   * device or kref runs it, on the object the caller put.
   */
  containerReleases: readonly ContainerRelease[];
}

export interface ContainerRelease {
  /** The releasing call. */
  name: string;
  /** Which of its arguments reaches into the object. */
  argument: number;
  /** From the object to what the call is given (`->adapter`). */
  path: string;
  /** The call is given the address (`put_device(&scom->fsi_dev->dev)`). */
  address: boolean;
}

/**
 * A small function of the patch that takes something for its caller and does nothing else
 * with it: `static inline struct foo *foo_get(struct foo *f) { kref_get(&f->ref); return f; }`,
 * `static int foo_enable(struct foo *priv) { return clk_prepare_enable(priv->clk); }`, or one
 * that returns what kzalloc() gave it. A call to it acquires what the wrapped call acquires.
 */
export interface WrappedAcquire {
  /** The wrapped call's row of the table. */
  api: AcquireApi;
  /** Where the wrapper's caller finds it: the returned value, a parameter, or nothing it passes (rcu_read_lock()). */
  carrier: 'return' | 'implicit' | number;
  /** From that parameter to what is taken: `->clk` for `clk_prepare_enable(priv->clk)`, `` for the parameter itself. */
  path: string;
  /** The wrapper returns its carrier parameter (`return f;`). */
  returnsCarrier: boolean;
  /** How the wrapper's caller tells that it failed (and took nothing). */
  failure: FailureStyle;
}

/** `priv->clk` of a function with parameter `priv`: parameter 0, path `->clk`. */
function fieldOfParameter(key: string, parameters: readonly string[]): { index: number; path: string } | null {
  const root = rootOfKey(key) ?? undefined;
  const index = root === undefined ? -1 : parameters.indexOf(root);
  if (index < 0 || root === undefined) return null;
  const path = key.slice(root.length);
  return path === '' || /^(?:->|\.)[A-Za-z_]\w*(?:\[\w+\])?(?:(?:->|\.)[A-Za-z_]\w*(?:\[\w+\])?)*$/.test(path) ? { index, path } : null;
}

/** What a function returns, as far as its exits are judged. */
export type ReturnKind = 'void' | 'pointer' | 'bool' | 'int';

/** What a function definition returns, by its declared type. */
export function returnKindOfDefinition(definition: Node): ReturnKind {
  const declarator = definition.childForFieldName('declarator');
  if (declarator?.type === 'pointer_declarator') return 'pointer';
  const type = definition.childForFieldName('type')?.text ?? 'int';
  if (type === 'void') return 'void';
  if (type === 'bool' || type === '_Bool') return 'bool';
  return 'int';
}

const NOT_A_WRAPPER = ['goto_statement', 'for_statement', 'while_statement', 'do_statement', 'switch_statement', 'labeled_statement'];
const WRAPPER_MAX_STATEMENTS = 8;
const WRAPPER_MAX_LINES = 24;

/** An error value a wrapper returns before or instead of taking anything: `-EINVAL`, `NULL`, `ERR_PTR(-ENOMEM)`. */
function isErrorValue(value: Node): boolean {
  const text = value.text.replace(/\s+/g, '');
  return /^-[A-Z][A-Z0-9_]*$/.test(text) || /^-\d+$/.test(text) || text === 'NULL' || /^ERR_PTR\(/.test(text) || /^ERR_CAST\(/.test(text);
}

/** The one statement of the body the call stands in, when it stands at the top of the body. */
function topStatementOf(call: Node, body: Node): Node | null {
  let current: Node | null = call;
  while (current !== null && current.parent?.id !== body.id) current = current.parent;
  return current;
}

function wrappedAcquireOf(fn: CFunction, parameters: readonly string[]): WrappedAcquire | null {
  const body = fn.node.childForFieldName('body');
  if (body === null || !fn.complete) return null;
  const statements = body.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment');
  if (statements.length === 0 || statements.length > WRAPPER_MAX_STATEMENTS || body.descendantsOfType(NOT_A_WRAPPER).some((node) => node !== null)) return null;
  const calls = callsIn(body);
  const acquireCalls = calls.filter((call) => acquireApi(calleeName(call) ?? '') !== undefined);
  if (acquireCalls.length !== 1) return null;
  const [call] = acquireCalls;
  const api = acquireApi(calleeName(call) ?? '');
  const top = topStatementOf(call, body);
  if (api === undefined || top === null || api.releasesArgument !== undefined) return null;
  // It must not undo what it takes (a helper that takes and drops is no wrapper).
  if (calls.some((other) => releaseApi(calleeName(other) ?? '')?.kind === api.kind)) return null;
  // The call is the statement (`kref_get(&f->ref);`), its value (`return clk_prepare_enable(c);`) or an assignment's (`p = kzalloc(...);`).
  let resultName: string | null = null;
  const parent = call.parent;
  if (parent?.type === 'assignment_expression' && parent.childForFieldName('right')?.id === call.id && parent.parent?.id === top.id) {
    resultName = parent.childForFieldName('left')?.text ?? null;
  } else if (parent?.type === 'init_declarator' && parent.childForFieldName('value')?.id === call.id) {
    resultName = declaredName(parent.childForFieldName('declarator'));
  } else if (parent?.id !== top.id) {
    return null;
  }
  if (resultName !== null && !/^[A-Za-z_]\w*$/.test(resultName)) return null;
  // What it returns is the acquire's result only if nothing else is stored there (`ret = s_power(1)`).
  const assignedAgain = assignmentsIn(body).some((assignment) => assignment.parent?.id !== top.id && assignment.childForFieldName('left')?.text === resultName);
  if (resultName !== null && assignedAgain) return null;
  const returnType = returnKindOfDefinition(fn.node);
  const returns = body.descendantsOfType('return_statement').filter((node): node is Node => node !== null);
  const returnValues = returns.map((statement) => statement.namedChildren.find((child) => child !== null && child.type !== 'comment') ?? null);
  const callRow = call.startPosition.row;
  const before = (statement: Node): boolean => statement.startPosition.row < callRow;

  if (api.carrier === 'return') {
    if (returnType !== 'pointer' || (resultName === null && top.type !== 'return_statement')) return null;
    if (resultName !== null) {
      // The result goes nowhere but back to the caller.
      const stored = assignmentsIn(body).some((assignment) => carriedIdentifiers(assignment.childForFieldName('right') ?? assignment).includes(resultName ?? ''));
      const passedOn = calls.some((other) => other.id !== call.id && callArguments(other).some((argument) => rootIdentifier(argument) === resultName) && (handOffApi(calleeName(other) ?? '') !== undefined || nameSuggestsHandOff(calleeName(other) ?? '')));
      if (stored || passedOn) return null;
    }
    let nullOnFailure = false;
    let errPtrOnFailure = api.failure === 'err-ptr' || api.failure === 'err-ptr-or-null';
    for (const value of returnValues) {
      if (value === null) return null;
      if (value.id === call.id || value.text === resultName) continue;
      if (!isErrorValue(value)) return null;
      if (value.text === 'NULL') nullOnFailure = true;
      else errPtrOnFailure = true;
    }
    if (api.failure === 'null' && resultName !== null && !nullOnFailure) nullOnFailure = returnValues.some((value) => value?.text === resultName);
    const failure: FailureStyle = errPtrOnFailure ? (nullOnFailure || api.failure === 'null' ? 'err-ptr-or-null' : 'err-ptr') : 'null';
    return { api, carrier: 'return', path: '', returnsCarrier: false, failure };
  }

  let carrier: WrappedAcquire['carrier'] = 'implicit';
  let path = '';
  if (typeof api.carrier === 'number') {
    const argument = callArguments(call)[api.carrier];
    const field = argument === undefined ? null : fieldOfParameter(expressionKey(argument), parameters);
    if (field === null) return null;
    carrier = field.index;
    path = field.path;
  }
  // What the wrapper returns tells its caller whether it took it.
  if (returnType === 'void') {
    return api.failure === 'never' ? { api, carrier, path, returnsCarrier: false, failure: 'never' } : null;
  }
  const carrierName = typeof carrier === 'number' ? parameters[carrier] : null;
  if (returnType === 'pointer') {
    if (api.failure !== 'never' || carrierName === null) return null;
    if (returnValues.some((value) => value?.text !== carrierName && value?.text !== 'NULL')) return null;
    // Like get_device(): the caller tests what it gets back, NULL when there was nothing to take.
    return { api, carrier, path, returnsCarrier: true, failure: 'null' };
  }
  if (returnType !== 'int') return null;
  let failure: FailureStyle = api.failure;
  for (const [index, value] of returnValues.entries()) {
    if (value === null) return null;
    if (value.id === call.id || (resultName !== null && value.text === resultName)) continue;
    if (value.text === '0' && !before(returns[index]) && api.failure === 'never') continue;
    if (isErrorValue(value) && before(returns[index])) {
      if (failure === 'never') failure = 'errno';
      continue;
    }
    return null;
  }
  if (failure !== 'never' && failure !== 'errno' && failure !== 'negative') return null;
  return { api, carrier, path, returnsCarrier: false, failure };
}


const STARTER_CALL = new RegExp(`\\b(?:${THREAD_STARTER_APIS.map((api) => api.name).join('|')})\\s*\\(`);

function callsIn(node: Node): Node[] {
  return node.descendantsOfType('call_expression').filter((call): call is Node => call !== null);
}

function assignmentsIn(node: Node): Node[] {
  return node.descendantsOfType('assignment_expression').filter((assignment): assignment is Node => assignment !== null);
}

/** The union of the constants a function returns, or null (see FunctionSummary.returns). */
function constantReturns(fn: CFunction): ValueMask | null {
  const body = fn.node.childForFieldName('body');
  const type = fn.node.childForFieldName('type')?.text ?? '';
  if (body === null || type === 'void' || fn.node.childForFieldName('declarator')?.type === 'pointer_declarator') return null;
  let mask: ValueMask = 0;
  for (const statement of body.descendantsOfType('return_statement')) {
    if (statement === null) continue;
    const value = namedChildrenOf(statement)[0];
    const constant = value === undefined ? null : constantMask(value);
    if (constant === null) return null;
    mask |= constant;
  }
  return mask === 0 ? null : mask;
}

/** What a function that only tells some cases of a parameter from the others answers (casePredicateOf()). */
export interface CasePredicate {
  parameter: number;
  /** The case labels it answers true for, as the CFG writes them (no spaces). */
  labels: string[];
}

/**
 * `static bool getsockopt_needs_rtnl(int optname) { switch (optname) { case IP_MSFILTER: case
 * MCAST_MSFILTER: return true; } return false; }`: a body that is one switch on a parameter,
 * whose cases return true (1) or false (0), and then false: true exactly for the labels given.
 */
function casePredicate(fn: CFunction): CasePredicate | null {
  const body = fn.node.childForFieldName('body');
  const statements = body === null ? [] : namedChildrenOf(body).filter((child) => child.type !== 'comment');
  if (statements.length !== 2 || statements[0].type !== 'switch_statement' || returnedTruth(statements[1]) !== false) return null;
  const tested = statements[0].childForFieldName('condition');
  const key = tested === null ? null : stripCastsAndParentheses(tested);
  const parameter = key?.type === 'identifier' ? functionParameters(fn.node).indexOf(key.text) : -1;
  const switchBody = statements[0].childForFieldName('body');
  if (parameter < 0 || switchBody === null) return null;
  const labels: string[] = [];
  let pending: string[] = [];
  for (const entry of namedChildrenOf(switchBody)) {
    if (entry.type === 'comment') continue;
    const value = entry.type === 'case_statement' ? entry.childForFieldName('value') : null;
    if (value === null) return null;
    pending.push(value.text.replace(/\s+/g, ''));
    const inside = namedChildrenOf(entry).filter((child) => child.id !== value.id && child.type !== 'comment');
    if (inside.length === 0) continue;
    const truth = inside.length === 1 ? returnedTruth(inside[0]) : null;
    if (truth === null) return null;
    if (truth) labels.push(...pending);
    pending = [];
  }
  return pending.length === 0 && labels.length > 0 ? { parameter, labels } : null;
}

/** `return true;`/`return 1;` as true, `return false;`/`return 0;` as false, anything else null. */
function returnedTruth(statement: Node): boolean | null {
  if (statement.type !== 'return_statement') return null;
  const value = namedChildrenOf(statement)[0];
  const text = value === undefined ? '' : stripCastsAndParentheses(value).text;
  return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : null;
}

/** Each value given to a plain variable, in a declaration (`T *dev = x`) or an assignment (`dev = x`). */
function variableSets(body: Node): { name: string; right: Node }[] {
  const sets: { name: string; right: Node }[] = [];
  for (const node of body.descendantsOfType(['init_declarator', 'assignment_expression'])) {
    if (node === null) continue;
    const declaration = node.type === 'init_declarator';
    const left = node.childForFieldName(declaration ? 'declarator' : 'left');
    const right = node.childForFieldName(declaration ? 'value' : 'right');
    const name = left === null ? null : declaration ? declaredName(left) : left.type === 'identifier' ? left.text : null;
    if (name !== null && right !== null) sets.push({ name, right });
  }
  return sets;
}

/** Locals given one value only, mapped to what `originOf` reads in it (the locals it reads nothing in are left out). */
function localsSetOnce(sets: readonly { name: string; right: Node }[], originOf: (value: Node) => string | null, skip: (name: string) => boolean = () => false): Map<string, string> {
  const origins = new Map<string, string | null>();
  for (const { name, right } of sets) {
    if (skip(name)) continue;
    origins.set(name, origins.has(name) ? null : originOf(stripCastsAndParentheses(right)));
  }
  const found = new Map<string, string>();
  for (const [name, origin] of origins) if (origin !== null) found.set(name, origin);
  return found;
}

/**
 * A local's path `rest` (`->wait_lock`) through what it was set from: `obj->dev` gives
 * `obj->dev->wait_lock`; a member's address `&rwb->rtmutex` gives `rwb->rtmutex.wait_lock`, and
 * the local alone names `rwb->rtmutex` (locks are named without their `&`). Null when the path
 * cannot be written.
 */
function throughOrigin(origin: string, rest: string): string | null {
  if (!origin.startsWith('&')) return origin + rest;
  if (rest === '') return origin.slice(1);
  return rest.startsWith('->') ? `${origin.slice(1)}.${rest.slice(2)}` : null;
}

/**
 * Locals set once, from a parameter or a field path of one (`dev = obj->dev`): local -> that path;
 * also one step further, through such a local (`adapter = context; fw_done = adapter->fw_done;`
 * gives fw_done -> `context->fw_done`).
 */
function parameterOrigins(sets: readonly { name: string; right: Node }[], parameters: readonly string[]): Map<string, string> {
  const pathFrom = (roots: (root: string) => string | undefined) => (value: Node) => {
    // `rtm = &rwb->rtmutex`: rtm is the address of a member, kept as `&rwb->rtmutex`.
    const member = isAddressOf(value) ? value.childForFieldName('argument') : null;
    const read = member?.type === 'field_expression' ? member : value;
    const key = read.type === 'identifier' || read.type === 'field_expression' ? expressionKey(read) : null;
    const root = key === null ? null : rootOfKey(key);
    const origin = root === null ? undefined : roots(root);
    if (key === null || root === null || origin === undefined || /[[(]/.test(key)) return null;
    const path = throughOrigin(origin, key.slice(root.length));
    return path === null ? null : read === value ? path : `&${path}`;
  };
  const isParameter = (name: string): boolean => parameters.includes(name);
  const direct = localsSetOnce(sets, pathFrom((root) => (isParameter(root) ? root : undefined)), isParameter);
  if (direct.size === 0) return direct;
  const throughLocal = localsSetOnce(sets, pathFrom((root) => (isParameter(root) ? undefined : direct.get(root))), (name) => isParameter(name) || direct.has(name));
  return new Map([...direct, ...throughLocal]);
}

/** Locals set once, from `container_of(parameter, T, member)` or a `to_*()` conversion of it: local -> that parameter. */
function containerOrigins(sets: readonly { name: string; right: Node }[], parameters: readonly string[]): Map<string, string> {
  return localsSetOnce(sets, (value) => {
    if (value.type !== 'call_expression') return null;
    const callee = calleeName(value);
    const args = callArguments(value);
    const inner = callee === 'container_of' || (callee !== null && /^to_\w+$/.test(callee) && args.length === 1) ? args[0] : undefined;
    const parameter = inner === undefined ? null : stripCastsAndParentheses(inner);
    return parameter?.type === 'identifier' && parameters.includes(parameter.text) ? parameter.text : null;
  });
}

/** The releases a function makes on fields of the object its first parameter is part of (see FunctionSummary.containerReleases). */
function releasesThroughContainer(
  body: Node,
  containersOf: () => ReadonlyMap<string, string>,
  setsOf: () => readonly { name: string; right: Node }[],
  parameters: readonly string[],
): ContainerRelease[] {
  // Most functions convert nothing: their sets need not be read.
  if (!/\b(?:container_of|to_\w+)\s*\(/.test(body.text)) return [];
  const containers = [...containersOf()].filter(([, parameter]) => parameter === parameters[0]).map(([local]) => local);
  if (containers.length === 0) return [];
  // `struct rio_mport_mapping *map = req->map;`: a local set once from a field of the object.
  const fieldLocals = localsSetOnce(setsOf(), (value) => {
    const key = value.type === 'field_expression' ? expressionKey(value) : null;
    const root = key === null ? null : rootOfKey(key);
    return key === null || root === null || !containers.includes(root) || /[[(]/.test(key) ? null : key;
  });
  const found: ContainerRelease[] = [];
  for (const call of callsIn(body)) {
    const name = calleeName(call);
    if (name === null) continue;
    const releases = releaseApi(name) !== undefined || nameSuggestsRelease(name, 'reference') || nameSuggestsRelease(name, 'memory');
    if (!releases) continue;
    callArguments(call).forEach((argument, index) => {
      const written = expressionKey(argument);
      const local = rootOfKey(written);
      const origin = local === null ? undefined : fieldLocals.get(local);
      const key = origin === undefined || local === null ? written : origin + written.slice(local.length);
      const root = rootOfKey(key);
      if (root === null || !containers.includes(root) || key === root) return;
      const path = key.slice(root.length);
      if (/^(?:->|\.)[A-Za-z_]\w*(?:(?:->|\.)[A-Za-z_]\w*)*$/.test(path)) found.push({ name, argument: index, path, address: isAddressOf(stripCastsAndParentheses(argument)) });
    });
  }
  return found;
}

/** A function's head as the patch shows it, annotations included (the parser's text blanks `__acquires(RCU)`). */
export function functionHead(source: CSource, fn: CFunction): string {
  const body = fn.node.childForFieldName('body');
  const bodyLine = body === null ? fn.startLine : (source.postLineOfRow(body.startPosition.row) ?? fn.startLine);
  const head: string[] = [];
  for (let line = fn.startLine; line <= bodyLine; line++) head.push(source.lineText(line) ?? '');
  return head.join('\n');
}

/** Getters of the object a driver keeps on a device (its drvdata). */
export const DRVDATA_GETTER = /^(?:\w+_get_drvdata|usb_get_intfdata|i2c_get_clientdata|\w+_get_clientdata)$/;
/** Text that can hold a call of one of them. */
const DRVDATA_GETTER_IN_TEXT = /_get_(?:drvdata|intfdata|clientdata)\b/;

/** Locals set from the drvdata of a parameter (`dev = usb_get_intfdata(intf)`), with the parameter's index. */
function drvdataLocals(body: Node, setsOf: () => readonly { name: string; right: Node }[], parameters: readonly string[]): Map<string, number> {
  const locals = new Map<string, number>();
  // Most bodies name no getter: their sets need not be read.
  if (!DRVDATA_GETTER_IN_TEXT.test(body.text)) return locals;
  for (const { name, right } of setsOf()) {
    const value = stripCastsAndParentheses(right);
    if (value.type !== 'call_expression' || !DRVDATA_GETTER.test(calleeName(value) ?? '')) continue;
    const holder = callArguments(value)[0];
    const index = holder === undefined ? -1 : parameters.indexOf(rootIdentifier(holder) ?? '');
    if (index >= 0) locals.set(name, index);
  }
  return locals;
}

/** `p` for `*p` (after casts and parentheses), else null. */
function pointeeParameter(node: Node): string | null {
  const inner = stripCastsAndParentheses(node);
  if (inner.type !== 'pointer_expression' || inner.child(0)?.type !== '*') return null;
  const argument = inner.childForFieldName('argument');
  return argument === null ? null : stripCastsAndParentheses(argument).type === 'identifier' ? stripCastsAndParentheses(argument).text : null;
}

function keyIsParameter(key: string, parameter: string): boolean {
  return key === parameter || key === `${parameter}->dev` || key === `${parameter}.dev`;
}

function summarize(source: CSource, fn: CFunction, known: FunctionSummaries): FunctionSummary {
  const parameters = functionParameters(fn.node);
  const effects: ParameterEffect[] = parameters.map(() => ({ releases: new Set(), releasesFields: [], handsOff: false, fieldReleases: new Set(), putsEmbedded: false }));
  const retaken = new Set<string>();
  const lockBalance = new Map<string, number>();
  const unlockCalls = new Set<string>();
  // By the lock's name, for the locks named by a plain identifier that is neither a parameter nor a local: globals.
  const globalBalance = new Map<string, number>();
  let locals: Set<string> | undefined;
  const isGlobal = (key: string): boolean =>
    /^[A-Za-z_]\w*$/.test(key) && !parameters.includes(key) && !(locals ??= localNames(body)).has(key);
  const body = fn.node.childForFieldName('body');
  let forwarding: ThreadForwarding | null = null;
  let releasesModule = false;
  let releasingWork = false;
  let queuesWork = false;
  const indexOf = (name: string | null): number => (name === null ? -1 : parameters.indexOf(name));
  const pointeeReleased = new Set<number>();
  // The values given to plain variables, read once for the drvdata locals and the parameter origins, when one of them asks.
  let sets: { name: string; right: Node }[] | undefined;
  const setsOf = (): { name: string; right: Node }[] => (sets ??= body === null ? [] : variableSets(body));
  const fromDrvdata = body === null ? new Map<string, number>() : drvdataLocals(body, setsOf, parameters);
  const pointeeKept = new Set<number>();
  // `struct drm_device *dev = obj->dev;`: a local set once from a parameter names what it reaches.
  // Asked only for the locks and completions the function releases or takes.
  let origins: Map<string, string> | undefined;
  // `struct dma_info *di = container_of(pub, ...)`: locals that are the object a parameter is part of.
  let containers: Map<string, string> | undefined;
  const containersOf = (): Map<string, string> => (containers ??= containerOrigins(setsOf(), parameters));
  const throughParameter = (key: string): string => {
    origins ??= parameterOrigins(setsOf(), parameters);
    const root = rootOfKey(key) ?? undefined;
    const origin = root === undefined ? undefined : origins.get(root);
    return origin === undefined ? key : (throughOrigin(origin, key.slice((root ?? '').length)) ?? key);
  };
  if (body !== null) {
    for (const call of callsIn(body)) {
      const name = calleeName(call);
      if (name === null) continue;
      const args = callArguments(call);
      const release = releaseApi(name);
      if (release !== undefined && typeof release.carrier === 'number') {
        const argument = args[release.carrier];
        if (release.kind === 'memory' && argument !== undefined) {
          // `kfree(*mem)`, or `zones = *pszones; ... kfree(zones);` (psz_free_zones()).
          const local = stripCastsAndParentheses(argument);
          const viaLocal = local.type === 'identifier' ? setsOf().filter((set) => set.name === local.text) : [];
          const pointee = indexOf(pointeeParameter(argument) ?? (viaLocal.length === 1 ? pointeeParameter(viaLocal[0].right) : null));
          if (pointee >= 0) pointeeReleased.add(pointee);
          const holder = fromDrvdata.get(expressionKey(argument));
          if (holder !== undefined) effects[holder].freesDrvdata = true;
        }
        let index = argument === undefined ? -1 : parameters.findIndex((parameter) => keyIsParameter(expressionKey(argument), parameter));
        // `struct bsd_db *db = state; ... kfree(db);`: a local set once from the parameter is the parameter;
        // so is one set once from `container_of(pub, struct dma_info, dma)` or `to_hwmon_device(dev)`, the object the
        // parameter is part of.
        if (index < 0 && argument !== undefined && (release.kind === 'memory' || release.kind === 'reference') && stripCastsAndParentheses(argument).type === 'identifier') {
          const local = expressionKey(argument);
          index = parameters.indexOf(throughParameter(local));
          if (index < 0) index = parameters.indexOf(containersOf().get(local) ?? '');
        }
        if (index >= 0) effects[index].releases.add(release.kind);
        // `struct rt5682_priv *rt5682 = data; regulator_bulk_disable(..., rt5682->supplies)`: a field of the parameter too
        // (not a lock: a helper that takes and drops `shared->lock` itself releases nothing of its caller's).
        const key = argument === undefined ? '' : expressionKey(argument);
        const field = argument === undefined || index >= 0 ? null : fieldOfParameter(release.kind === 'lock' ? key : throughParameter(key), parameters);
        if (field !== null) effects[field.index].releasesFields.push({ kind: release.kind, path: field.path, api: name });
        // `put_device(&hsi->device)`: the last put of a counted object embedded in the parameter frees it
        // once that object was initialised (putsEmbedded); `kref_put(&p->ref, p_release)` names its release, so always.
        const embedded =
          argument !== undefined && release.kind === 'reference' && isAddressOf(stripCastsAndParentheses(argument)) ? fieldOfParameter(expressionKey(argument), parameters) : null;
        if (embedded !== null && embedded.path !== '') {
          effects[embedded.index].putsEmbedded = true;
          if (name === 'kref_put') effects[embedded.index].releases.add('memory');
        }
        // `spin_unlock(&f->lock)` or `complete(&f->done)` in a helper given `f` releases what its caller holds through `f`.
        const throughField = release.kind === 'lock' || release.kind === 'completion';
        const releasedKey = argument === undefined || !throughField ? '' : throughParameter(expressionKey(argument));
        const rootIndex = argument === undefined || !throughField ? -1 : indexOf(rootOfKey(releasedKey));
        if (rootIndex >= 0) {
          effects[rootIndex].releases.add(release.kind);
          effects[rootIndex].fieldReleases.add(releasedKey.slice(parameters[rootIndex].length));
        }
      }
      const acquire = acquireApi(name);
      if (acquire?.kind === 'lock' && typeof acquire.carrier === 'number' && args[acquire.carrier] !== undefined) retaken.add(throughParameter(expressionKey(args[acquire.carrier])));
      if (release?.kind === 'lock') {
        lockBalance.set(name, (lockBalance.get(name) ?? 0) + 1);
        unlockCalls.add(name);
        const key = typeof release.carrier === 'number' && args[release.carrier] !== undefined ? expressionKey(args[release.carrier]) : '';
        if (isGlobal(key)) globalBalance.set(key, (globalBalance.get(key) ?? 0) + 1);
      }
      if (acquire?.kind === 'lock' && typeof acquire.carrier === 'number' && args[acquire.carrier] !== undefined) {
        const key = expressionKey(args[acquire.carrier]);
        if (isGlobal(key)) globalBalance.set(key, (globalBalance.get(key) ?? 0) - 1);
      }
      if (acquire?.kind === 'lock') for (const unlock of releaseCallsOf(acquire.release)) lockBalance.set(unlock, (lockBalance.get(unlock) ?? 0) - 1);
      if (release?.kind === 'module') releasesModule = true;
      // `kref_put(&interface->kref, bnx2fc_interface_release)` whose release does module_put(THIS_MODULE).
      if (name === 'kref_put' && args[1] !== undefined && known.get(stripCastsAndParentheses(args[1]).text)?.releasesModule === true) releasesModule = true;
      // `INIT_WORK(&tty->hangup_work, release_one_tty); schedule_work(&tty->hangup_work);`: the
      // work item drops it later (queue_release_one_tty()); initialized only, it does not.
      if (WORK_INITIALIZERS.has(name) && args[1] !== undefined && known.get(stripCastsAndParentheses(args[1]).text)?.releasesModule === true) releasingWork = true;
      if (queuesDeferredWork(name)) queuesWork = true;
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
      // `wait_consider_task()` calls wait_task_zombie(), which read_unlock()s the tasklist_lock do_wait() took.
      if (callee !== undefined && callee.name !== fn.name) for (const key of callee.releasesGlobals) globalBalance.set(key, (globalBalance.get(key) ?? 0) + 1);
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
        // `usimple = container_of(res, ...); ttm_base_object_kfree(usimple, base);`: the object the parameter is part of.
        if (nameSuggestsRelease(name, 'memory')) {
          const freed = index >= 0 ? index : parameters.indexOf(containersOf().get(key) ?? '');
          if (freed >= 0) effects[freed].releases.add('any');
        }
        if (rootIndex >= 0 && nameSuggestsHandOff(name)) effects[rootIndex].handsOff = true;
      });
    }
    for (const assignment of assignmentsIn(body)) {
      const left = assignment.childForFieldName('left');
      const right = assignment.childForFieldName('right');
      if (left === null || right === null) continue;
      const target = assignTarget(left);
      const pointee = indexOf(pointeeParameter(right));
      if (pointee >= 0) pointeeKept.add(pointee);
      if (target.shape === 'variable' && target.root !== null && parameters.includes(target.root)) continue;
      for (const mentioned of carriedIdentifiers(right)) {
        const index = parameters.indexOf(mentioned);
        if (index >= 0 && target.root !== mentioned) effects[index].handsOff = true;
      }
    }
    // `struct rpc_task_setup task_setup_data = { .callback_data = data, ... }`: stored as by `setup.callback_data = data`.
    for (const pair of body.descendantsOfType('initializer_pair')) {
      const value = pair?.childForFieldName('value');
      const index = value === null || value === undefined ? -1 : indexOf(rootIdentifier(value));
      if (index >= 0) effects[index].handsOff = true;
    }
  }
  // `__releases(bundle->channel_lock)` says what the function lets go, whatever its body does on the way.
  const annotated = new Set<string>();
  for (const match of functionHead(source, fn).matchAll(/\b__releases\s*\(\s*([^()]*?)\s*\)/g)) {
    const released = match[1].replace(/\s+/g, '').replace(/^&/, '');
    const index = parameters.findIndex((parameter) => released.startsWith(`${parameter}->`) || released.startsWith(`${parameter}.`));
    if (index < 0 && isGlobal(released)) globalBalance.set(released, Math.max(1, globalBalance.get(released) ?? 0));
    if (index < 0) continue;
    effects[index].releases.add('lock');
    effects[index].fieldReleases.add(released.slice(parameters[index].length));
    annotated.add(released);
  }
  for (const index of pointeeReleased) {
    if (pointeeKept.has(index)) effects[index].takesPointee = true;
    else effects[index].freesPointee = true;
  }
  effects.forEach((effect, index) => {
    const fields = [...effect.fieldReleases];
    if (fields.length === 0) return;
    const kept = fields.filter((field) => annotated.has(parameters[index] + field) || !retaken.has(parameters[index] + field));
    effect.fieldReleases = new Set(kept);
    if (kept.length === 0 && !effect.releases.has('any') && [...effect.releases].every((kind) => kind === 'lock' || kind === 'completion')) effect.releases.clear();
  });
  // What the function returns is asked only where a tracked variable gets its result: read on that question.
  let returns: ValueMask | null | undefined;
  const containerReleases = body === null || parameters.length === 0 ? [] : releasesThroughContainer(body, containersOf, setsOf, parameters);
  return {
    containerReleases,
    name: fn.name,
    source,
    fn,
    parameters,
    effects,
    forwarding,
    releasesModule: releasesModule || (releasingWork && queuesWork),
    excessUnlocks: new Set([...lockBalance].filter(([, count]) => count > 0).map(([name]) => name)),
    releasesGlobals: new Set([...globalBalance].filter(([, count]) => count > 0).map(([key]) => key)),
    balancedUnlocks: new Set([...lockBalance].filter(([name, count]) => count <= 0 && unlockCalls.has(name)).map(([name]) => name)),
    get returns(): ValueMask | null {
      if (returns === undefined) returns = constantReturns(fn);
      return returns;
    },
  };
}

/** Of `candidates`, the unlocks a path from the entry makes and then returns, with no lock of their family after the entry. */
function unlocksLeftHeld(cfg: Cfg, candidates: ReadonlySet<string>): string[] {
  return [...candidates].filter((unlock) => {
    const takes = (name: string): boolean => {
      const acquire = acquireApi(name);
      return acquire?.kind === 'lock' && releaseCallsOf(acquire.release).includes(unlock);
    };
    const seen = new Set<string>();
    const queue: [number, boolean][] = [[cfg.entry, false]];
    while (queue.length > 0) {
      const [id, before] = queue.pop() as [number, boolean];
      if (seen.has(`${id}:${before}`)) continue;
      seen.add(`${id}:${before}`);
      const node = cfg.nodes[id];
      let unlocked = before;
      let blocked = false;
      for (const event of node.events) {
        const call = callOfEvent(event);
        if (call === null) continue;
        if (takes(call.name)) {
          blocked = true;
          break;
        }
        if (call.name === unlock) unlocked = true;
      }
      if (blocked) continue;
      if (unlocked && (node.kind === 'return' || node.kind === 'end')) return true;
      for (const next of node.successors) queue.push([next, unlocked]);
    }
    return false;
  });
}

/** The names a function body declares. */
function localNames(body: Node | null): Set<string> {
  return new Set(body === null ? [] : nodesOfType(body, 'declaration').flatMap(declaredVariables));
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
  private readonly definitions = new Map<string, { source: CSource; fn: CFunction } | null>();
  private readonly computed = new Map<string, FunctionSummary | null>();
  private readonly forwardings = new Map<string, ThreadForwarding | null>();

  private readonly unlocks = new Map<string, ReadonlySet<string>>();

  constructor(
    private readonly sources: readonly CSource[],
    private readonly patch: PatchFiles = { sources },
  ) {}

  /**
   * The unlock calls with which a function of the patch lets go of a lock its caller holds, on some
   * path at least: those it makes more often than it locks (excessUnlocks), and those it reaches from
   * its entry and returns after without taking their lock on the way. ext4_dio_write_checks() takes
   * and drops the exclusive inode lock as often, but its `out:` label drops the caller's on the first
   * failure; a helper that drops its caller's lock to sleep and takes it again lets go of nothing.
   */
  unlocksOf(name: string): ReadonlySet<string> {
    const known = this.unlocks.get(name);
    if (known !== undefined) return known;
    const summary = this.get(name);
    let found: ReadonlySet<string> = new Set();
    if (summary !== undefined && summary.fn.complete) {
      const left = summary.balancedUnlocks.size === 0 ? [] : unlocksLeftHeld(cfgOf(this.patch, summary.source, summary.fn, false), summary.balancedUnlocks);
      found = new Set([...summary.excessUnlocks, ...left]);
    }
    this.unlocks.set(name, found);
    return found;
  }

  /**
   * Whether a function of the patch queues work, arms a timer or an RCU callback in its own body
   * (bcache's `register_device_async(args)`: `queue_delayed_work(system_wq, &args->reg_work, 10)`):
   * a module reference its caller took is the work's to drop.
   */
  queuesWork(name: string): boolean {
    let known = this.queuing.get(name);
    if (known === undefined) {
      const definition = this.definition(name);
      known = definition !== undefined && nodesOfType(definition.fn.node, 'call_expression').some((call) => queuesDeferredWork(calleeName(call) ?? ''));
      this.queuing.set(name, known);
    }
    return known;
  }

  private readonly queuing = new Map<string, boolean>();

  /**
   * The definition of a name: the first in file order that is not a misread `#if` branch. The
   * files after it are not searched (a file that only calls the name need not be parsed for it).
   */
  private definition(name: string): { source: CSource; fn: CFunction } | undefined {
    const known = this.definitions.get(name);
    if (known !== undefined) return known ?? undefined;
    let found: { source: CSource; fn: CFunction } | null = null;
    if (name !== '') {
      search: for (const source of this.sources) {
        for (const fn of functionsNamed(source, name)) {
          if (isNestedDefinition(fn.node)) continue;
          found = { source, fn };
          break search;
        }
      }
    }
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

  private readonly constantResults = new Map<string, ValueMask | null>();

  /** The constants a function of the patch returns, read from its returns alone (`return 0;` everywhere: ZERO). */
  returnsOf(name: string): ValueMask | null {
    return this.readDefinition(this.constantResults, name, constantReturns);
  }

  private readonly casePredicates = new Map<string, CasePredicate | null>();

  /** The cases of a parameter a function of the patch answers true for, when that is all it does (casePredicate()). */
  casePredicateOf(name: string): CasePredicate | null {
    return this.readDefinition(this.casePredicates, name, casePredicate);
  }

  /** What `read` finds in the patch's definition of `name` (null without one), read once. */
  private readDefinition<T>(cache: Map<string, T | null>, name: string, read: (fn: CFunction) => T | null): T | null {
    const known = cache.get(name);
    if (known !== undefined) return known;
    const definition = this.definition(name);
    const found = definition === undefined ? null : read(definition.fn);
    cache.set(name, found);
    return found;
  }

  private readonly tableReleases = new Map<string, string | null>();

  /**
   * The release callback a structure defined at file scope names: `static const struct
   * device_type foo_type = { .release = foo_release };` gives foo_release for "foo_type".
   */
  releaseOfTable(name: string): string | null {
    const known = this.tableReleases.get(name);
    if (known !== undefined) return known;
    let found: string | null = null;
    search: for (const source of this.sources) {
      if (!wordsOf(source).has(name) || !wordsOf(source).has('release')) continue;
      for (const declarator of nodesOfType(source.tree.rootNode, 'init_declarator')) {
        if (declarator.childForFieldName('declarator')?.text !== name) continue;
        for (const pair of nodesOfType(declarator, 'initializer_pair')) {
          const value = pair.childForFieldName('value');
          const designators = pair.childrenForFieldName('designator');
          if (designators.length === 1 && designators[0]?.text === '.release' && value?.type === 'identifier') {
            found = value.text;
            break search;
          }
        }
      }
    }
    this.tableReleases.set(name, found);
    return found;
  }

  /** The acquire a function of the patch wraps for its callers, if it is such a wrapper. */
  acquireOf(name: string): WrappedAcquire | null {
    return this.acquireWrappers().get(name) ?? null;
  }

  private wrappers: Map<string, WrappedAcquire> | null = null;

  /** The patch's functions that wrap an acquire, by name (looked for once: small functions that call one). */
  acquireWrappers(): ReadonlyMap<string, WrappedAcquire> {
    if (this.wrappers !== null) return this.wrappers;
    this.wrappers = new Map();
    for (const source of this.sources) {
      if (!HOLDING_CALL.test(source.shownText)) continue;
      for (const fn of source.functions) {
        if (fn.name === '' || this.wrappers.has(fn.name) || fn.endLine - fn.startLine > WRAPPER_MAX_LINES || !HOLDING_CALL.test(fn.node.text)) continue;
        const acquires = this.wrappedAcquire(fn.name);
        if (acquires !== null) this.wrappers.set(fn.name, acquires);
      }
    }
    return this.wrappers;
  }

  /** What a definition of the patch wraps, read from it alone (the summary, which needs those of its callees, is not asked). */
  private wrappedAcquire(name: string): WrappedAcquire | null {
    const definition = this.definition(name);
    return definition === undefined ? null : wrappedAcquireOf(definition.fn, functionParameters(definition.fn.node));
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
