/**
 * From every file's records to the kernel's facts: pointer conventions followed through calls
 * to a fixpoint, noreturn functions, and acquire/release pairs with their evidence.
 *
 * Names: a static function of a .c file is known only inside that file (`file#name`); every
 * other definition (non-static, or static inline in a header) is known by its name, and all
 * the definitions of one name (per-arch versions, #ifdef stubs) are merged conservatively.
 */
import type { FileFacts, FunctionRecord, ReturnValue, Termination } from './extract.js';
import { NORETURN_MACROS, PAIR_SUFFIXES } from './extract.js';
import type { PairEvidence, PairFact, PointerConvention } from '../kernel-facts.js';

const NULL = 1;
const ERR = 2;
/** A failure set: NULL | ERR; 0 = never fails. */
type Failures = number;
/** What a definition or a name resolves to: failures, 'pending' (a callee not resolved yet), or 'undecided'. */
type Resolution = Failures | 'pending' | 'undecided';

function isPublished(record: FunctionRecord): boolean {
  return !record.isStatic || (record.file.endsWith('.h') && record.isInline);
}

function keyOf(record: FunctionRecord): string {
  return isPublished(record) ? record.name : `${record.file}#${record.name}`;
}

interface Index {
  /** Definitions by key. */
  byKey: Map<string, FunctionRecord[]>;
  /** Macros that are another call by a new name, when every #define of the name agrees. */
  aliases: Map<string, string>;
  /** Every defined name (any file), to resolve calls. */
  definedNames: Set<string>;
}

function buildIndex(files: FileFacts[]): Index {
  const byKey = new Map<string, FunctionRecord[]>();
  const definedNames = new Set<string>();
  const targets = new Map<string, Set<string>>();
  for (const file of files) {
    for (const macro of file.macros ?? []) {
      const set = targets.get(macro.name) ?? new Set<string>();
      set.add(macro.target);
      targets.set(macro.name, set);
    }
  }
  const aliases = new Map<string, string>();
  for (const [name, set] of targets) if (set.size === 1) aliases.set(name, [...set][0]);
  for (const file of files) {
    for (const record of file.functions) {
      const key = keyOf(record);
      const list = byKey.get(key) ?? [];
      list.push(record);
      byKey.set(key, list);
      definedNames.add(record.name);
    }
  }
  return { byKey, aliases, definedNames };
}

/** The key a call of `name` from `file` means: the file's own static function first. */
function calleeKey(index: Index, file: string, name: string): string | null {
  let current = name;
  for (let hops = 0; hops < 5; hops += 1) {
    const local = `${file}#${current}`;
    if (index.byKey.has(local)) return local;
    if (index.byKey.has(current)) return current;
    const next = index.aliases.get(current);
    if (next === undefined) return null;
    current = next;
  }
  return null;
}

/**
 * A value's failures. A value from a callee nobody can decide that the function tests for
 * NULL (`p = g(); if (!p) return ERR_PTR(-ENOMEM); return p;`) is `tested`: not NULL, and an
 * error pointer only if g returns one, which leaves a function that fails with ERR_PTR()
 * failing with ERR_PTR() only.
 */
function resolveValue(value: ReturnValue, file: string, index: Index, known: Map<string, Resolution>): Resolution | 'opaque' | 'tested' {
  switch (value.k) {
    case 'null':
      return NULL;
    case 'err':
      return ERR;
    case 'ok':
      return 0;
    case 'opaque':
      return 'opaque';
    case 'unknown':
      return 'undecided';
    case 'call': {
      const key = calleeKey(index, file, value.f);
      const callee = key === null ? 'undecided' : known.get(key);
      if (callee === undefined || callee === 'pending') return 'pending';
      if (callee === 'undecided') return value.dropNull && value.dropErr ? 0 : value.dropNull ? 'tested' : 'undecided';
      let failures = callee;
      if (value.dropNull) failures &= ~NULL;
      if (value.dropErr) failures &= ~ERR;
      return failures;
    }
  }
}

/**
 * One definition: the union of its returns' failures. An opaque return (a field, a
 * parameter) is harmless next to a NULL return (the function fails with NULL anyway) but
 * leaves a function that otherwise only returns ERR_PTR() or success undecided.
 */
function resolveDefinition(record: FunctionRecord, index: Index, known: Map<string, Resolution>): Resolution {
  if (record.returns.length === 0) return 'undecided';
  let failures = 0;
  let opaque = false;
  let tested = false;
  let pending = false;
  for (const value of record.returns) {
    const resolved = resolveValue(value, record.file, index, known);
    if (resolved === 'opaque') opaque = true;
    else if (resolved === 'tested') tested = true;
    else if (resolved === 'undecided') return 'undecided';
    else if (resolved === 'pending') pending = true;
    else failures |= resolved;
  }
  if (pending) return 'pending';
  if (opaque && (failures & NULL) === 0) return 'undecided';
  // A tested value alone could be the callee's error pointer; next to NULL returns it is
  // taken as a field is (the function fails with NULL).
  if (tested && failures === 0) return 'undecided';
  return failures;
}

function conventionName(failures: Failures): PointerConvention {
  if (failures === (NULL | ERR)) return 'both';
  if (failures === NULL) return 'null';
  if (failures === ERR) return 'err';
  return 'ok';
}

export function resolveConventions(files: FileFacts[]): Map<string, PointerConvention> {
  const index = buildIndex(files);
  const known = new Map<string, Resolution>();
  const pointerKeys = [...index.byKey].filter(([, records]) => records.every((record) => record.pointer)).map(([key]) => key);
  // Names defined as a pointer function in one place and not in another are left out.
  for (const [key, records] of index.byKey) if (!records.every((record) => record.pointer)) known.set(key, 'undecided');
  let changed = true;
  while (changed) {
    changed = false;
    for (const key of pointerKeys) {
      const before = known.get(key);
      if (before !== undefined && before !== 'pending') continue;
      let merged: Resolution = 0;
      for (const record of index.byKey.get(key) ?? []) {
        // A recursive call adds nothing the other returns do not.
        const own = resolveDefinition({ ...record, returns: record.returns.filter((v) => !(v.k === 'call' && calleeKey(index, record.file, v.f) === key)) }, index, known);
        if (own === 'undecided' || merged === 'undecided') merged = 'undecided';
        else if (own === 'pending' || merged === 'pending') merged = 'pending';
        else merged |= own;
      }
      if (merged !== 'pending') {
        known.set(key, merged);
        changed = true;
      }
    }
  }
  const result = new Map<string, PointerConvention>();
  for (const key of pointerKeys) {
    const resolved = known.get(key);
    if (key.includes('#') || typeof resolved !== 'number') continue;
    result.set(key, conventionName(resolved));
  }
  return result;
}

function evaluate(termination: Termination, isNoreturn: (name: string) => boolean): boolean {
  if (typeof termination === 'boolean') return termination;
  if ('call' in termination) return isNoreturn(termination.call);
  if ('all' in termination) return termination.all.every((part) => evaluate(part, isNoreturn));
  return termination.any.some((part) => evaluate(part, isNoreturn));
}

export interface NoreturnFacts {
  declared: Set<string>;
  derived: Set<string>;
}

export function resolveNoreturn(files: FileFacts[]): NoreturnFacts {
  const index = buildIndex(files);
  const declaredSomewhere = new Set<string>();
  for (const file of files) {
    for (const declaration of file.declarations) if (declaration.declaredNoreturn) declaredSomewhere.add(declaration.name);
    for (const record of file.functions) if (record.declaredNoreturn) declaredSomewhere.add(isPublished(record) ? record.name : keyOf(record));
  }
  const noreturn = new Set<string>(NORETURN_MACROS);
  const declared = new Set<string>();
  const derived = new Set<string>();
  // A name is noreturn when every definition of it is: declared so itself, or ending each path
  // in a noreturn call. A declaration alone (no definition seen) is taken at its word. So
  // sparc's noreturn die_if_kernel() does not make mips's, which returns, noreturn.
  let changed = true;
  while (changed) {
    changed = false;
    for (const key of new Set([...index.byKey.keys(), ...declaredSomewhere])) {
      if (noreturn.has(key)) continue;
      const records = index.byKey.get(key) ?? [];
      const isDeclared = declaredSomewhere.has(key);
      const all = records.every(
        (record) =>
          (isDeclared && record.declaredNoreturn) ||
          (record.termination !== null &&
            evaluate(record.termination, (name) => {
              const callee = calleeKey(index, record.file, name) ?? name;
              return noreturn.has(callee);
            })),
      );
      if (!all || (records.length === 0 && !isDeclared)) continue;
      noreturn.add(key);
      if (!key.includes('#')) (isDeclared ? declared : derived).add(key);
      changed = true;
    }
  }
  return { declared, derived };
}

export interface IntegerFacts {
  /** Integer functions a negative errno can come out of: a `< 0` test of their value is a failure test. */
  errno: Set<string>;
  /** Functions whose every definition returns only 0/1/true/false. */
  bool: Set<string>;
}

/**
 * Integer conventions: a name returns a negative errno when some definition of it does, itself
 * or through a call whose value it returns (followed to a fixpoint); it is bool when every
 * definition returns only 0, 1, true or false and none fails with an errno.
 */
export function resolveIntegers(files: FileFacts[]): IntegerFacts {
  const index = buildIndex(files);
  const errnoKeys = new Set<string>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const [key, records] of index.byKey) {
      // A function declared bool returns true for `return -EINVAL;`: never an errno function.
      if (errnoKeys.has(key) || records.some((record) => record.returnsBool)) continue;
      const fails = records.some(
        (record) =>
          record.integer !== undefined &&
          (record.integer.negative || record.integer.calls.some((call) => errnoKeys.has(calleeKey(index, record.file, call) ?? call))),
      );
      if (!fails) continue;
      errnoKeys.add(key);
      changed = true;
    }
  }
  const errno = new Set<string>();
  const bool = new Set<string>();
  for (const [key, records] of index.byKey) {
    if (key.includes('#')) continue;
    if (errnoKeys.has(key)) errno.add(key);
    else if (records.every((record) => record.integer?.boolOnly === true)) bool.add(key);
  }
  return { errno, bool };
}

/** Calls whose presence in a body shows what it does to the object. */
const BODY_EVIDENCE: { kind: PairEvidence; acquire: RegExp; release: RegExp }[] = [
  {
    kind: 'refcount',
    acquire: /^(?:kref_get|kref_get_unless_zero|refcount_inc|refcount_inc_not_zero|get_device|of_node_get|kobject_get|fwnode_handle_get|dget|try_module_get|__module_get|atomic_inc|atomic_inc_not_zero|get_task_struct|mmget|sock_hold|dev_hold|pci_dev_get|usb_get_dev|get_file|igrab)$/,
    release: /^(?:kref_put|kref_put_mutex|kref_put_lock|refcount_dec_and_test|refcount_dec|put_device|of_node_put|kobject_put|fwnode_handle_put|dput|module_put|atomic_dec_and_test|atomic_dec|put_task_struct|mmput|sock_put|dev_put|pci_dev_put|usb_put_dev|fput|iput)$/,
  },
  {
    kind: 'memory',
    acquire: /^(?:kmalloc|kzalloc|kcalloc|kmalloc_array|kvmalloc|kvzalloc|vmalloc|vzalloc|kmem_cache_alloc|kmem_cache_zalloc|kstrdup|kmemdup|alloc_pages|__get_free_pages|get_zeroed_page)$/,
    release: /^(?:kfree|kvfree|vfree|kmem_cache_free|kfree_sensitive|__free_pages|free_pages|free_page|kfree_rcu)$/,
  },
  {
    kind: 'lock',
    acquire: /^(?:mutex_lock|mutex_lock_interruptible|mutex_lock_nested|spin_lock|spin_lock_irq|spin_lock_irqsave|spin_lock_bh|raw_spin_lock|raw_spin_lock_irq|raw_spin_lock_irqsave|read_lock|write_lock|down|down_read|down_write|rcu_read_lock|local_irq_save|preempt_disable)$/,
    release: /^(?:mutex_unlock|spin_unlock|spin_unlock_irq|spin_unlock_irqrestore|spin_unlock_bh|raw_spin_unlock|raw_spin_unlock_irq|raw_spin_unlock_irqrestore|read_unlock|write_unlock|up|up_read|up_write|rcu_read_unlock|local_irq_restore|preempt_enable)$/,
  },
];

const DOC_PHRASES = /must be (?:released|freed|put|dropped)|(?:refcount|reference count|reference) (?:is )?incremented|with (?:its |an? )?(?:refcount|reference) (?:held|taken|incremented|elevated)|call \w+\(\) on it when done|caller (?:must|should) (?:call|use|drop|release|put)|drop the reference|release (?:it|the reference) with/i;

function pointee(type: string): string {
  return type.replace(/\bconst\b/g, '').replace(/\*/g, '').replace(/\s+/g, ' ').trim();
}

/**
 * Pairs by name family whose two functions are both defined, kept only with evidence: the
 * acquire's kernel-doc names the release or says a reference is taken, or the bodies do
 * the two halves of one known pair (reference counts, memory, locks, or a pair already kept).
 */
export function resolvePairs(files: FileFacts[]): PairFact[] {
  const byName = new Map<string, FunctionRecord[]>();
  for (const file of files) {
    for (const record of file.functions) {
      if (!isPublished(record)) continue;
      const list = byName.get(record.name) ?? [];
      list.push(record);
      byName.set(record.name, list);
    }
  }
  const candidates: { acquire: string; release: string }[] = [];
  for (const name of byName.keys()) {
    for (const [get, put] of PAIR_SUFFIXES) {
      if (!name.endsWith(`_${get}`)) continue;
      const release = `${name.slice(0, -get.length)}${put}`;
      if (byName.has(release)) candidates.push({ acquire: name, release });
    }
  }
  const kept = new Map<string, PairFact>();
  const keptAcquires = new Map<string, string>();
  const evidenceOf = (acquire: FunctionRecord[], release: FunctionRecord[], releaseName: string): PairEvidence | null => {
    const docs = acquire.map((record) => record.doc).join('\n');
    if (docs.includes(`${releaseName}(`) || (docs !== '' && DOC_PHRASES.test(docs) && /\bReturns?\b|@return|\bReturn:/i.test(docs))) return 'doc';
    const acquireCalls = new Set(acquire.flatMap((record) => record.calls));
    const releaseCalls = new Set(release.flatMap((record) => record.calls));
    // The bodies do the two halves of one kind: the acquire takes (a reference, memory, a lock)
    // and the release gives back and takes nothing of that kind. A lock acquire also releases
    // no lock (it returns holding it). Functions that take and drop a lock, or allocate and free
    // a buffer, inside each of their bodies (a command sent both ways) are no evidence.
    for (const evidence of BODY_EVIDENCE) {
      const takes = [...acquireCalls].some((call) => evidence.acquire.test(call));
      const gives = [...releaseCalls].some((call) => evidence.release.test(call));
      const releaseTakes = [...releaseCalls].some((call) => evidence.acquire.test(call));
      const acquireGives = evidence.kind === 'lock' && [...acquireCalls].some((call) => evidence.release.test(call));
      if (takes && gives && !releaseTakes && !acquireGives) return evidence.kind;
    }
    for (const call of acquireCalls) {
      const inner = keptAcquires.get(call);
      if (inner && releaseCalls.has(inner)) return 'wraps';
    }
    return null;
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (const { acquire, release } of candidates) {
      if (kept.has(acquire)) continue;
      const acquires = byName.get(acquire) ?? [];
      const releases = byName.get(release) ?? [];
      const evidence = evidenceOf(acquires, releases, release);
      if (!evidence) continue;
      const carrier = carrierOf(acquires[0], releases[0]);
      if (carrier === null) continue;
      kept.set(acquire, { acquire, release, ...carrier, evidence });
      keptAcquires.set(acquire, release);
      changed = true;
    }
  }
  return [...kept.values()].sort((a, b) => a.acquire.localeCompare(b.acquire));
}

/**
 * Which value carries the object: the acquire's returned pointer, or its argument of the
 * type the release takes; and which argument of the release takes it. A lock pair carries
 * its first argument (the lock's owner) and so does a pair with no pointer of a common type.
 */
function carrierOf(acquire: FunctionRecord, release: FunctionRecord): { carrier: 'return' | number; releaseArg: number } | null {
  const releaseTypes = release.params.map(pointee);
  if (acquire.pointer) {
    const returned = pointee(acquire.returnType);
    const at = releaseTypes.indexOf(returned);
    if (at >= 0 && returned !== 'void') return { carrier: 'return', releaseArg: at };
  }
  const matches: { carrier: number; releaseArg: number; type: string }[] = [];
  for (let i = 0; i < acquire.params.length; i += 1) {
    const type = pointee(acquire.params[i]);
    if (!acquire.params[i].includes('*') || type === 'void') continue;
    const at = releaseTypes.indexOf(type);
    if (at >= 0) matches.push({ carrier: i, releaseArg: at, type });
  }
  if (matches.length === 0) return null;
  // mlx4_bf_alloc(dev, bf, node) / mlx4_bf_free(dev, bf): the object is the argument of the
  // type the pair is named after (struct mlx4_bf), else the last one both share (the context,
  // the device or the driver's private data, comes first).
  const stem = stemOf(acquire.name);
  const chosen = matches.find((match) => match.type.replace(/^(?:struct|union) /, '') === stem) ?? matches[matches.length - 1];
  return { carrier: chosen.carrier, releaseArg: chosen.releaseArg };
}

function stemOf(name: string): string {
  for (const [get] of PAIR_SUFFIXES) if (name.endsWith(`_${get}`)) return name.slice(0, -get.length - 1);
  return name;
}
