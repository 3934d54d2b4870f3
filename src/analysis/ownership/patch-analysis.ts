/**
 * The resource analysis of one patch, computed once and shared by the rules that read it
 * (module-ref-leak, ref-leak, mem-leak, lock-imbalance, completion-missed): every function
 * with an added line gets its CFG walked, with what it inherits as a thread or a completer.
 */
import { cfgOf, type PatchFiles } from '../function-cfg.js';
import type { CFunction, CSource, Node } from '../../model/source.js';
import { notBuilt, type Cfg } from '../flow/cfg.js';
import { analyseFunction, type AcquireSite, type FunctionAnalysis, type ReturnKind } from './engine.js';
import { judgeLeaks, type Leak } from './leaks.js';
import { minedApisIn } from './mined-pairs.js';
import { minedReturnsHolding } from './mined-ownership.js';
import { acquireApi, HOLDING_CALL, nameSuggestsRelease, releaseApi, releaseCallsOf, type ResourceKind } from './resources.js';
import { releasedUnderTestOf } from './record-fields.js';
import { FunctionSummaries, functionHead, isNestedDefinition, returnKindOfDefinition } from './summaries.js';
import { calleeName, callArguments, declarationOf, declaredName, expressionKey, lastFieldOfKey, namedChildrenOf, nodeContains, nodesOfType, rootOfKey, statementInBlock, stripCastsAndParentheses } from '../../parsers/c-syntax.js';
import { isCoreStruct } from '../../facts/kernel-facts.js';
import { findCompletionWaits, findThreadStarts, inheritedObligations, rootTypeOf, type CompletionWait, type ThreadStart } from './threads.js';

export interface AnalysedFunction {
  source: CSource;
  fn: CFunction;
  analysis: FunctionAnalysis;
}

export interface PatchAnalysis {
  functions: AnalysedFunction[];
  leaks: LeakInSource[];
  threadStarts: ThreadStart[];
  waits: CompletionWait[];
}

export interface LeakInSource {
  leak: Leak;
  source: CSource;
  fn: CFunction;
}

/** The parsed files of one patch (the model's PatchUnderReview fits). */
export type PatchSources = PatchFiles;

const COMPLETE_CALL = /\bcomplete(?:_all|_and_exit)?\s*\(|\bkthread_complete_and_exit\s*\(/;

const cache = new WeakMap<PatchSources, PatchAnalysis>();

function cSourcesOf(review: PatchSources): CSource[] {
  return review.sources.filter((source): source is CSource => source.kind === 'c');
}

/** The patch shows the function only in part: its head is cut, or lines inside it are not shown. */
export function shownInPart(source: CSource, fn: CFunction): boolean {
  return hasGap(source, fn) || source.postLineOfRow(fn.node.startPosition.row) === null;
}

/** Rows of the function map to consecutive post-image lines, except a synthesised head or tail. */
function hasGap(source: CSource, fn: CFunction): boolean {
  let previous: number | null = null;
  let seenShown = false;
  let gapAfterShown = false;
  for (let row = fn.node.startPosition.row; row <= fn.node.endPosition.row; row++) {
    const line = source.postLineOfRow(row);
    if (line === null) {
      if (seenShown) gapAfterShown = true;
      continue;
    }
    if (gapAfterShown) return true;
    if (previous !== null && line !== previous + 1) return true;
    previous = line;
    seenShown = true;
  }
  return false;
}

/** The patch adds a line of the function. */
export function hasAddedLine(source: CSource, fn: CFunction): boolean {
  for (let line = fn.startLine; line <= fn.endLine; line++) if (source.isAdded(line)) return true;
  return false;
}

export function returnKindOf(fn: CFunction): ReturnKind {
  return returnKindOfDefinition(fn.node);
}

/** Completions a CFG completes outside any loop (a handshake done once). */
function completedOnce(cfg: Cfg): string[] {
  const keys: string[] = [];
  const initialised = new Set<string>();
  for (const node of cfg.nodes) {
    for (const event of node.events) {
      if (event.type !== 'call') continue;
      const argument = event.args[0];
      if (argument === undefined) continue;
      if (event.name === 'init_completion' || event.name === 'reinit_completion') initialised.add(argument.key);
      const api = releaseApi(event.name);
      if (node.loopDepth === 0 && api?.kind === 'completion' && argument.key !== 'NULL') keys.push(argument.key);
    }
  }
  // A function that initialises the completion builds the object it lives in: a waiter can only
  // reach it through what the function returns, and an error exit returns nothing to wait on.
  return keys.filter((key) => !initialised.has(key));
}

const LOCK_ANNOTATION = /\b__(?:acquires|releases|must_hold)\s*\(/;
const LOCK_HELPER_NAME = /(?:^|_)(?:un)?lock(?:_|$)|_lock_|lock$/;

/** See LeakJudgement.heldAcrossCalls. */
function lockHeldAcrossCalls(source: CSource, fn: CFunction, cfg: Cfg, site: AcquireSite): 'annotated' | 'on-success' | null {
  if (LOCK_ANNOTATION.test(functionHead(source, fn))) return 'annotated';
  if (lockNamedForCaller(cfg, site)) return 'on-success';
  if (LOCK_HELPER_NAME.test(fn.name)) return 'on-success';
  // The tree shows the function returning with this lock held on every success exit (a seq_file iterator under rcu_read_lock()).
  if (minedReturnsHolding(fn.name, source.file.path, site.names)) return 'on-success';
  if (recordedInState(fn, site)) return 'annotated';
  const field = lastFieldOfKey(site.names[0] ?? '');
  if (field === null) return null;
  const uses = lockFieldUses(source);
  // A semaphore up()ed by another function of the file (an URB's completion, the end of a scan) is
  // held across calls by design. Any other lock counts as handed over when the file has a function
  // that only lets it go (`release_head()`, `nfs_end_io_read()`, a completion handler): the pair's
  // other half, called by whoever this function returns to.
  const semaphore = /^down/.test(site.wraps ?? site.api);
  // `sema_init(&file_data->limit_write_sem, MAX_URBS_IN_FLIGHT)`: a semaphore that does not start at 1
  // counts something (URBs in flight, events posted); it is not a lock that each path must let go.
  if (semaphore && countingSemaphore(source, field)) return 'annotated';
  const elsewhere = source.functions.some((other) => {
    if (other === fn) return false;
    const use = uses.get(other)?.get(field);
    return use !== undefined && use.releases && (semaphore || !use.acquires);
  });
  return elsewhere ? 'on-success' : null;
}

/**
 * `pvmw->ptl = pte_lockptr(mm, pvmw->pmd); spin_lock(pvmw->ptl);` (page_vma_mapped_walk()): the
 * function writes which lock it takes into its caller's structure, so that the caller can unlock
 * it there; returning with it held is what the pointer is stored for.
 */
function lockNamedForCaller(cfg: Cfg, site: AcquireSite): boolean {
  const lock = site.names[0];
  const root = lock === undefined ? null : rootOfKey(lock);
  if (root === null || !cfg.parameters.includes(root) || !lock.startsWith(`${root}->`)) return false;
  return cfg.nodes.some((node) => node.events.some((event) => event.type === 'assign' && event.target.key === lock && event.value.kind !== 'constant' && event.value.kind !== 'unknown'));
}

const countingSemaphoresBySource = new WeakMap<CSource, ReadonlySet<string>>();

/** Whether the file initialises a semaphore of this field name with a count other than 1 (the file's tree read once). */
function countingSemaphore(source: CSource, field: string): boolean {
  if (!source.shownText.includes('sema_init')) return false;
  let fields = countingSemaphoresBySource.get(source);
  if (fields === undefined) {
    const found = new Set<string>();
    for (const call of nodesOfType(source.tree.rootNode, 'call_expression')) {
      const [semaphore, count] = calleeName(call) === 'sema_init' ? callArguments(call) : [];
      const initialised = semaphore === undefined ? null : lastFieldOfKey(expressionKey(semaphore));
      if (initialised !== null && count !== undefined && stripCastsAndParentheses(count).text !== '1') found.add(initialised);
    }
    fields = found;
    countingSemaphoresBySource.set(source, fields);
  }
  return fields.has(field);
}

/**
 * Whether the function writes down that it holds the lock: the statements next to the acquire
 * and next to a release set the same flag of a global or of an argument (`state.in_msg = true;
 * mutex_lock(&xs_response_mutex);` ... `mutex_unlock(&xs_response_mutex); state.in_msg = false;`).
 * The flag exists so that a later call knows the lock is still held: returning with it is the design.
 */
function recordedInState(fn: CFunction, site: AcquireSite): boolean {
  const calls = nodesOfType(fn.node, 'call_expression');
  const acquire = calls.find((call) => call.startPosition.row === site.row && call.startPosition.column === site.column);
  if (acquire === undefined) return false;
  const flags = persistentFlagsBeside(acquire, fn.node);
  if (flags.size === 0) return false;
  return calls.some((call) => {
    const name = calleeName(call);
    const release = name === null ? undefined : releaseApi(name);
    if (release?.kind !== 'lock' || typeof release.carrier !== 'number') return false;
    const argument = callArguments(call)[release.carrier];
    if (argument === undefined || !site.names.includes(expressionKey(argument))) return false;
    return [...persistentFlagsBeside(call, fn.node)].some((flag) => flags.has(flag));
  });
}

/** Fields of globals, statics and arguments set to a constant by the statements of the block that holds `call`. */
function persistentFlagsBeside(call: Node, definition: Node): Set<string> {
  const flags = new Set<string>();
  const block = statementInBlock(call)?.parent ?? null;
  if (block === null) return flags;
  for (const child of namedChildrenOf(block)) {
    const assignment = child.type === 'expression_statement' ? child.firstNamedChild : null;
    if (assignment?.type !== 'assignment_expression' || assignment.childForFieldName('operator')?.text !== '=') continue;
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (left?.type !== 'field_expression' || right === null || !/^(?:true|false|-?\d+|[A-Z][A-Z0-9_]*)$/.test(right.text)) continue;
    const root = rootOfKey(expressionKey(left));
    const declaration = root === null ? null : declarationOf(root, call);
    // A function's `static` variable keeps its value between calls like a global.
    const persistent = declaration?.node.namedChildren.some((child) => child?.type === 'storage_class_specifier' && child.text === 'static') === true;
    const local = declaration !== null && declaration.node.type !== 'parameter_declaration' && !persistent && nodeContains(definition, declaration.node);
    if (!local) flags.add(expressionKey(left));
  }
  return flags;
}

interface LockFieldUse {
  acquires: boolean;
  releases: boolean;
}

const lockFieldUsesBySource = new WeakMap<CSource, Map<CFunction, Map<string, LockFieldUse>>>();

/** Per function of the file, the last fields of the locks it takes and lets go (`io_mutex` for `&wbuf->io_mutex`). */
function lockFieldUses(source: CSource): Map<CFunction, Map<string, LockFieldUse>> {
  let uses = lockFieldUsesBySource.get(source);
  if (uses !== undefined) return uses;
  uses = new Map();
  for (const fn of source.functions) {
    const fields = new Map<string, LockFieldUse>();
    for (const call of nodesOfType(fn.node, 'call_expression')) {
      const name = calleeName(call);
      if (name === null) continue;
      const acquire = acquireApi(name);
      const release = acquire === undefined ? releaseApi(name) : undefined;
      const carrier = acquire?.kind === 'lock' ? acquire.carrier : release?.kind === 'lock' ? release.carrier : null;
      if (typeof carrier !== 'number') continue;
      const argument = callArguments(call)[carrier];
      const field = argument === undefined ? null : lastFieldOfKey(expressionKey(argument));
      if (field === null) continue;
      const use = fields.get(field) ?? { acquires: false, releases: false };
      if (acquire !== undefined) use.acquires = true;
      else use.releases = true;
      fields.set(field, use);
    }
    uses.set(fn, fields);
  }
  lockFieldUsesBySource.set(source, uses);
  return uses;
}

/**
 * What a release's argument names: itself, what a conversion inside it names
 * (`of_node_put(to_of_node(priv->fwnode))`), and what a local it is was loaded from in the same
 * function (`dentry = fhp->fh_dentry; ... dput(dentry);`).
 */
function releasedKeys(call: Node, argument: Node): string[] {
  let inner = stripCastsAndParentheses(argument);
  while (inner.type === 'call_expression' && callArguments(inner).length === 1) inner = stripCastsAndParentheses(callArguments(inner)[0]);
  const keys = [expressionKey(argument), expressionKey(inner)];
  if (inner.type !== 'identifier') return keys;
  let body: Node | null = call.parent;
  while (body !== null && body.type !== 'function_definition') body = body.parent;
  if (body === null) return keys;
  const name = inner.text;
  for (const assignment of body.descendantsOfType(['assignment_expression', 'init_declarator'])) {
    if (assignment === null) continue;
    const left = assignment.childForFieldName(assignment.type === 'init_declarator' ? 'declarator' : 'left');
    const right = assignment.childForFieldName(assignment.type === 'init_declarator' ? 'value' : 'right');
    if (left === null || right === null) continue;
    const assigned = assignment.type === 'init_declarator' ? declaredName(left) : left.type === 'identifier' ? left.text : null;
    if (assigned !== name) continue;
    keys.push(expressionKey(stripCastsAndParentheses(right)));
  }
  return keys;
}

/** Fields (`x->tsk`) whose resource the patch releases somewhere, per kind. */
function fieldReleases(reviews: readonly PatchSources[]): Map<ResourceKind, Set<string>> {
  const fields = new Map<ResourceKind, Set<string>>();
  const add = (kind: ResourceKind, field: string | null): void => {
    if (field === null) return;
    if (!fields.has(kind)) fields.set(kind, new Set());
    fields.get(kind)?.add(field);
  };
  for (const review of reviews) {
    for (const source of cSourcesOf(review)) {
      for (const call of source.tree.rootNode.descendantsOfType('call_expression')) {
        if (call === null) continue;
        const name = calleeName(call);
        if (name === null) continue;
        const api = releaseApi(name);
        const args = callArguments(call);
        if (api !== undefined && typeof api.carrier === 'number') {
          const argument = args[api.carrier];
          if (argument === undefined) continue;
          // `put_device(x->dev)` puts the field `dev`; `put_device(&x->pdev->dev)` puts `pdev`.
          for (const key of releasedKeys(call, argument)) {
            add(api.kind, lastFieldOfKey(key));
            add(api.kind, lastFieldOfKey(key.replace(/(->|\.)dev$/, '')));
          }
          continue;
        }
        if (nameSuggestsRelease(name, 'reference')) for (const argument of args) for (const key of releasedKeys(call, argument)) add('reference', lastFieldOfKey(key));
      }
    }
  }
  return fields;
}

/** Whether `name` is a parameter of `fn` declared `struct tag *name` with `tag` defined in the kernel's shared headers. */
function coreObjectParameter(fn: CFunction, cfg: Cfg, name: string): boolean {
  if (!cfg.parameters.includes(name)) return false;
  const body = fn.node.childForFieldName('body');
  const declaration = body === null ? null : declarationOf(name, body);
  if (declaration === null || declaration.node.type !== 'parameter_declaration' || !declaration.isPointer) return false;
  const type = declaration.node.childForFieldName('type');
  const tag = type?.type === 'struct_specifier' ? type.childForFieldName('name')?.text : undefined;
  return tag !== undefined && isCoreStruct(tag);
}

function analyse(current: PatchSources, series: readonly PatchSources[]): PatchAnalysis {
  const sources = cSourcesOf(current);
  const summaries = new FunctionSummaries(sources, current);
  const threadFunctions = new Set<string>();
  const threadStarts = findThreadStarts(sources, summaries);
  const waits = findCompletionWaits(sources);
  for (const start of threadStarts) threadFunctions.add(start.threadFunction);
  let releasedFields: Map<ResourceKind, Set<string>> | null = null;
  const functions: AnalysedFunction[] = [];
  const leaks: LeakInSource[] = [];
  const lineOf = (file: string, row: number): number | null => sources.find((source) => source.file.path === file)?.postLineOfRow(row) ?? null;

  // Calls of the patch's own wrappers around an acquire (`foo_get()` around kref_get()) hold too.
  const wrapperNames = [...summaries.acquireWrappers().keys()];
  const wrapperCall = wrapperNames.length === 0 ? null : new RegExp(`(?<![\\w$])(?:${wrapperNames.join('|')})\\s*\\(`);
  const holds = (text: string): boolean => HOLDING_CALL.test(text) || (wrapperCall?.test(text) ?? false);
  for (const source of sources) {
    // A function is walked only for what its text shows (below): a file whose text shows
    // none of it needs no tree.
    const fileText = source.shownText;
    // Pairs mined from the tree count where a function calls both halves: the file must show both first.
    const fileMayHoldMined = minedApisIn(fileText) !== null;
    if (!holds(fileText) && !COMPLETE_CALL.test(fileText) && ![...threadFunctions].some((name) => fileText.includes(name)) && !fileMayHoldMined) continue;
    for (const fn of source.functions) {
      if (fn.name === '' || !hasAddedLine(source, fn)) continue;
      const text = fn.node.text;
      const completes = COMPLETE_CALL.test(text) && (waits.length > 0 || threadFunctions.has(fn.name));
      const mined = fileMayHoldMined ? minedApisIn(fn.node.childForFieldName('body')?.text ?? '') : null;
      if (!holds(text) && !threadFunctions.has(fn.name) && !completes && mined === null) continue;
      if (isNestedDefinition(fn.node) || hasGap(source, fn) || fn.node.childForFieldName('body') === null || notBuilt(fn.node)) continue;
      const cfg = cfgOf(current, source, fn, source.postLineOfRow(fn.node.startPosition.row) === null);
      const body = fn.node.childForFieldName('body') as Node;
      const rootTypeOfKey = (key: string): string | null => rootTypeOf(key, body);
      const inherited = inheritedObligations({ functionName: fn.name, starts: threadStarts, waits, completed: completedOnce(cfg), rootTypeOf: rootTypeOfKey, lineOf });
      const analysis = analyseFunction({
        cfg,
        returnKind: returnKindOf(fn),
        summaries,
        inherited,
        isUnseenRow: (row) => source.postLineOfRow(row) === null,
        mined,
        releasedUnderRecord: (field, release) => releaseCallsOf(release).some((api) => releasedUnderTestOf(source, field, api)),
      });
      functions.push({ source, fn, analysis });
      // Asked once per pair of exits; the answer depends on the site only.
      const heldBySite = new Map<number, ReturnType<typeof lockHeldAcrossCalls>>();
      const judged = judgeLeaks(analysis, {
        wholeFileShown: source.file.postImage?.wholeFile ?? false,
        coreObjectParameter: (name) => coreObjectParameter(fn, cfg, name),
        runsOnce: fn.runsOnce,
        heldAcrossCalls: (site) => {
          if (!heldBySite.has(site.id)) heldBySite.set(site.id, lockHeldAcrossCalls(source, fn, cfg, site));
          return heldBySite.get(site.id) ?? null;
        },
        fieldReleased: (kind, field) => {
          releasedFields ??= fieldReleases(series.includes(current) ? series : [...series, current]);
          return releasedFields.get(kind)?.has(field) ?? false;
        },
      });
      for (const leak of judged) leaks.push({ leak, source, fn });
    }
  }
  return { functions, leaks, threadStarts, waits };
}

/**
 * The analysis of the patch under review (computed on first use, then shared).
 * @param series every patch of the series, the current one included: releases of stored fields are looked up there
 */
export function analysePatch(current: PatchSources, series: readonly PatchSources[] = [current]): PatchAnalysis {
  const cached = cache.get(current);
  if (cached !== undefined) return cached;
  const result = analyse(current, series);
  cache.set(current, result);
  return result;
}
