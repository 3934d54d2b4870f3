/**
 * From every file's records to the ownership facts (data/kernel-facts-ownership.json): lock
 * annotations and the locks a function returns holding or lets go for its caller, release
 * callbacks and what they free, the arguments a function takes ownership of, and the
 * device-managed (devm/pcim/drmm) functions.
 *
 * Names as in resolve.ts: a published function by its name, a static one of a .c file as
 * `file#name`; every definition of a name must agree for a fact to hold (per-arch and
 * `#ifdef` stubs included).
 */
import type { FileFacts, FunctionRecord } from './extract.js';
import type { CallbackFrees, Conversion } from './extract-ownership.js';
import type { LockFact, OwnershipFactsFile, TakenArgument } from '../kernel-facts.js';

function isPublished(record: FunctionRecord): boolean {
  return !record.isStatic || (record.file.endsWith('.h') && record.isInline);
}

function keyOf(record: FunctionRecord): string {
  return isPublished(record) ? record.name : `${record.file}#${record.name}`;
}

function byKey(files: FileFacts[]): Map<string, FunctionRecord[]> {
  const found = new Map<string, FunctionRecord[]>();
  for (const file of files) {
    for (const record of file.functions) {
      const key = keyOf(record);
      const list = found.get(key) ?? [];
      list.push(record);
      found.set(key, list);
    }
  }
  return found;
}

function calleeKey(index: Map<string, FunctionRecord[]>, file: string, name: string): string | null {
  if (index.has(`${file}#${name}`)) return `${file}#${name}`;
  return index.has(name) ? name : null;
}

/** What every definition agrees on: the values in each of the lists (an absent list is empty). */
function agreed(lists: (readonly string[] | undefined)[]): string[] {
  if (lists.length === 0) return [];
  const [first, ...rest] = lists;
  return [...new Set(first ?? [])].filter((value) => rest.every((list) => list?.includes(value) === true)).sort();
}

function union(lists: (readonly string[] | undefined)[]): string[] {
  return [...new Set(lists.flatMap((list) => list ?? []))].sort();
}

/** A lock's last word: `object_name_lock` of `1->dev->object_name_lock`, `rcu` of `RCU`. */
function lastWord(lock: string): string {
  return lock.replace(/^[=&]/, '').split(/->|\./).pop()?.toLowerCase() ?? lock;
}

/**
 * Locks: annotations of the definitions and prototypes (a lock both acquired and released is
 * dropped and retaken: neither) and the locks every definition lets go for its caller
 * (`dropped`), by published name; the locks a definition returns holding (`held`), by
 * `file#name`.
 */
function resolveLocks(files: FileFacts[], index: Map<string, FunctionRecord[]>): Record<string, LockFact> {
  const declared = new Map<string, { a: string[]; r: string[]; m: string[] }>();
  const note = (key: string, annotations: { a?: string[]; r?: string[]; m?: string[] } | undefined): void => {
    if (!annotations) return;
    const entry = declared.get(key) ?? { a: [], r: [], m: [] };
    entry.a.push(...(annotations.a ?? []));
    entry.r.push(...(annotations.r ?? []));
    entry.m.push(...(annotations.m ?? []));
    declared.set(key, entry);
  };
  for (const file of files) {
    for (const declaration of file.declarations) note(declaration.name, declaration.lockAnnotations);
    for (const record of file.functions) note(keyOf(record), record.lockAnnotations);
  }
  const facts: Record<string, LockFact> = {};
  const keys = new Set([...declared.keys(), ...[...index].filter(([, records]) => records.some((record) => record.ownership?.locks)).map(([key]) => key)]);
  for (const key of [...keys].sort()) {
    const fact: LockFact = {};
    const annotations = declared.get(key);
    if (annotations) {
      const a = [...new Set(annotations.a)].sort();
      const r = [...new Set(annotations.r)].sort();
      const both = new Set(a.filter((lock) => r.includes(lock)));
      const acquires = a.filter((lock) => !both.has(lock));
      const releases = r.filter((lock) => !both.has(lock));
      const mustHold = union([annotations.m, [...both]]);
      if (acquires.length > 0) fact.acquires = acquires;
      if (releases.length > 0) fact.releases = releases;
      if (mustHold.length > 0) fact.mustHold = mustHold;
    }
    const records = index.get(key) ?? [];
    if (!key.includes('#') && records.length > 0) {
      const dropped = agreed(records.map((record) => record.ownership?.locks?.dropped));
      if (dropped.length > 0) fact.dropped = dropped;
    }
    if (!key.includes('#') && Object.keys(fact).length > 0) facts[key] = fact;
  }
  // Held: per definition, as `file#name` (a patch's function is judged by its own file's
  // definition; a header's stub for another configuration says nothing about it). A lock a
  // callee lets go (its `dropped` or `__releases`, by the lock's last field) is not held.
  const droppedBy = (callee: string): string[] => [...(index.get(callee) ?? []).flatMap((other) => other.ownership?.locks?.dropped ?? []), ...(declared.get(callee)?.r ?? [])];
  for (const records of index.values()) {
    for (const record of records) {
      const held = record.ownership?.locks?.held;
      if (!held) continue;
      const letGo = new Set((record.ownership?.locks?.calls ?? []).flatMap((call) => droppedBy(calleeKey(index, record.file, call) ?? call)).map(lastWord));
      const kept = held.filter((lock) => !letGo.has(lastWord(lock)));
      if (kept.length === 0) continue;
      const key = `${record.file}#${record.name}`;
      facts[key] = { ...facts[key], held: kept };
    }
  }
  return Object.fromEntries(Object.entries(facts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Release callbacks: what each function handed to kref_put()/devm_add_action() or set as `.release =` frees of its argument. */
function resolveCallbacks(files: FileFacts[], index: Map<string, FunctionRecord[]>): Map<string, { by: string; frees: CallbackFrees }> {
  const found = new Map<string, { by: string; frees: CallbackFrees }>();
  for (const file of files) {
    const path = file.functions[0]?.file ?? '';
    const uses = [...(file.callbacks ?? []), ...file.functions.flatMap((record) => record.ownership?.callbacks ?? [])];
    for (const use of uses) {
      const key = calleeKey(index, path, use.name);
      if (key === null || found.has(key)) continue;
      found.set(key, { by: use.by, frees: 'none' });
    }
  }
  return found;
}

/** The `to_*()` helpers of the tree (functions and macros) by name: what their container_of() converts, in every definition. */
function converters(files: FileFacts[]): Map<string, Set<Conversion>> {
  const found = new Map<string, Set<Conversion>>();
  const note = (name: string, converts: Conversion | undefined): void => {
    if (converts === undefined) return;
    const kinds = found.get(name) ?? new Set<Conversion>();
    kinds.add(converts);
    found.set(name, kinds);
  };
  for (const file of files) {
    for (const macro of file.macros ?? []) note(macro.name, macro.converts);
    for (const record of file.functions) note(record.name, record.ownership?.converts);
  }
  return found;
}

/**
 * Arguments a function takes: frees (itself, through a kref_put() whose callback frees, or
 * by passing it on to a function that frees it), adds to a list (itself or through a call),
 * or stores (itself), in every definition. Followed through calls to a fixpoint.
 */
function resolveTakes(
  index: Map<string, FunctionRecord[]>,
  callbacks: Map<string, { by: string; frees: CallbackFrees }>,
  helpers: Map<string, Set<Conversion>>,
): Map<string, Map<number, TakenArgument>> {
  const taken = new Map<string, Map<number, TakenArgument>>();
  /**
   * What a callback frees: itself, through a call to a function that frees what it is given, or
   * through call_rcu() with a callback that frees its container (followed with the fixpoint). A
   * container reached by a helper that converts what a field of the argument points to
   * (`to_inst(file)`: `container_of(file->private_data, ...)`) is not the argument's.
   */
  const freesOf = (record: FunctionRecord): CallbackFrees => {
    const ownership = record.ownership;
    const throughField = (ownership?.via ?? []).some((helper) => {
      const kinds = helpers.get(helper);
      return kinds !== undefined && kinds.size === 1 && kinds.has('field');
    });
    const counts = (which: CallbackFrees): boolean => which !== 'container' || !throughField;
    const own = ownership?.frees;
    if (own !== undefined) return counts(own) ? own : 'none';
    for (const [callee, at, which] of ownership?.passes ?? []) {
      const key = calleeKey(index, record.file, callee);
      if (counts(which) && key !== null && key !== keyOf(record) && taken.get(key)?.get(at) === 'free') return which;
    }
    for (const [callback, which] of ownership?.rcu ?? []) {
      const key = calleeKey(index, record.file, callback);
      if (counts(which) && key !== null && key !== keyOf(record) && callbacks.get(key)?.frees === 'container') return which;
    }
    return 'none';
  };
  const settleCallbacks = (): boolean => {
    let moved = false;
    for (const [key, entry] of callbacks) {
      const frees = (index.get(key) ?? []).map(freesOf);
      const agreedFrees = frees.length > 0 && frees.every((value) => value === frees[0]) ? frees[0] : 'none';
      if (agreedFrees !== entry.frees) {
        entry.frees = agreedFrees;
        moved = true;
      }
    }
    return moved;
  };
  settleCallbacks();
  const direct = (record: FunctionRecord): Map<number, TakenArgument> => {
    const found = new Map<number, TakenArgument>();
    for (const use of record.ownership?.args ?? []) {
      if (found.has(use.i)) continue;
      if (use.how === 'free' || use.how === 'store' || use.how === 'list') found.set(use.i, use.how);
      else if (use.how === 'put') {
        const key = use.f ? calleeKey(index, record.file, use.f) : null;
        const frees = key === null ? undefined : callbacks.get(key)?.frees;
        if (frees === 'container' || frees === 'argument') found.set(use.i, 'free');
      } else if (use.how === 'call' && use.f !== undefined && use.at !== undefined) {
        const key = calleeKey(index, record.file, use.f);
        // Frees and list additions pass through a call; a store does not (the callee's other
        // argument may be the caller's local: `dsgl_walk_init(&walk, phys_cpl)`).
        const how = key === null || key === keyOf(record) ? undefined : taken.get(key)?.get(use.at);
        if (how === 'free' || how === 'list') found.set(use.i, how);
      }
    }
    return found;
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (const [key, records] of index) {
      const perDefinition = records.map(direct);
      const agreedArgs = new Map<number, TakenArgument>();
      for (const [i, how] of perDefinition[0] ?? []) {
        if (perDefinition.every((found) => found.has(i))) agreedArgs.set(i, perDefinition.every((found) => found.get(i) === 'free') ? 'free' : how === 'free' ? 'store' : how);
      }
      const before = taken.get(key);
      if (agreedArgs.size === 0 || (before && before.size === agreedArgs.size)) continue;
      taken.set(key, agreedArgs);
      changed = true;
    }
    if (settleCallbacks()) changed = true;
  }
  // `kref_put(&ce->ref, ce->ops->destroy)`: whatever the release does, the count in the argument
  // is dropped. Read once the frees are settled, so that a release found to free later wins.
  for (const [key, records] of index) {
    if (taken.has(key)) continue;
    const puts = records.map((record) => new Set((record.ownership?.args ?? []).filter((use) => use.how === 'put' && use.counted === true).map((use) => use.i)));
    const agreed = [...(puts[0] ?? [])].filter((i) => puts.every((found) => found.has(i)));
    if (agreed.length > 0) taken.set(key, new Map(agreed.map((i): [number, TakenArgument] => [i, 'put'])));
  }
  return taken;
}

const MANAGED_PREFIX = /^(?:devm_|pcim_|drmm_)/;
const UNDO_WORDS = new Set(['release', 'remove', 'free', 'kfree', 'put', 'depopulate', 'destroy', 'disable', 'iounmap', 'delete', 'del', 'drop', 'cancel', 'exit']);

/**
 * Device-managed functions: devm_*, pcim_*, drmm_* defined in the tree, and the published
 * functions returning a pointer that, in every definition, is only ever a managed call's (or a
 * failure: NULL, an ERR_PTR()).
 */
function resolveManaged(index: Map<string, FunctionRecord[]>): Set<string> {
  const managed = new Set<string>();
  // devm_kfree(), devm_release_resource(), devm_*_unregister(): managed APIs that undo early, with no result devres releases.
  const undoes = (name: string): boolean => name.split('_').some((word) => UNDO_WORDS.has(word) || /^un[a-z]|unmap$/.test(word));
  for (const key of index.keys()) if (!key.includes('#') && MANAGED_PREFIX.test(key) && !undoes(key)) managed.add(key);
  const wraps = (record: FunctionRecord): boolean => {
    if (record.pointer) {
      const calls = record.returns.filter((value) => value.k === 'call');
      if (calls.length === 0 || record.returns.some((value) => value.k !== 'call' && value.k !== 'null' && value.k !== 'err')) return false;
      return calls.every((value) => value.k === 'call' && managed.has(calleeKey(index, record.file, value.f) ?? value.f));
    }
    // An int function returning a managed call's status (a probe ending in `return devm_...()`) may do much else: not a wrapper.
    return false;
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (const [key, records] of index) {
      if (key.includes('#') || managed.has(key) || !records.every(wraps)) continue;
      managed.add(key);
      changed = true;
    }
  }
  return managed;
}

export function ownershipFactsFile(files: FileFacts[], kernel: string, generator: string): OwnershipFactsFile {
  const index = byKey(files);
  const callbacks = resolveCallbacks(files, index);
  const takes = resolveTakes(index, callbacks, converters(files));
  const takesOut: Record<string, [number, TakenArgument][]> = {};
  for (const key of [...takes.keys()].sort()) {
    if (key.includes('#')) continue;
    takesOut[key] = [...(takes.get(key) ?? [])].sort((a, b) => a[0] - b[0]);
  }
  const callbacksOut: Record<string, [string, CallbackFrees]> = {};
  for (const key of [...callbacks.keys()].sort()) {
    const entry = callbacks.get(key);
    if (entry) callbacksOut[key] = [entry.by, entry.frees];
  }
  return {
    format: 1,
    generator,
    kernel,
    locks: resolveLocks(files, index),
    callbacks: callbacksOut,
    takes: takesOut,
    managed: [...resolveManaged(index)].sort().join(' '),
  };
}
