/**
 * What one function's body and head say about locks and ownership, for the resolver
 * (resolve-ownership.ts): lock annotations, locks it lets go for its caller or returns holding,
 * arguments it frees or stores, callbacks it hands to kref_put()/devm_add_action() or sets as
 * `.release =`. Locks and arguments are named by the parameter they come through:
 * `0->object_name_lock` is the field `object_name_lock` reached from parameter 0, `=jiffies_lock`
 * a global, `rcu`/`rcu_bh`/`rtnl` the implicit ones.
 */
import type { Node } from 'web-tree-sitter';

export interface LockAnnotations {
  /** `__acquires(x)`, `__releases(x)`, `__must_hold(x)`: their arguments, compacted, `&` dropped. */
  a?: string[];
  r?: string[];
  m?: string[];
}

export interface LockBody {
  /** Locks every success exit of the body holds (the body took them, and lets them go only on failure paths). */
  held?: string[];
  /** Locks the body lets go on every path and never takes: its caller held them. */
  dropped?: string[];
  /** With `held`: the functions the body calls. */
  calls?: string[];
}

/** What the body does with a pointer parameter. */
export interface ArgumentUse {
  /** The parameter's index. */
  i: number;
  /** free: given to kfree() and the like; store: kept in a global, another argument's field or an array; list: list_add*(); put: kref_put() with a callback; call: passed on to `f` as argument `at`. */
  how: 'free' | 'store' | 'list' | 'put' | 'call';
  f?: string;
  at?: number;
  /** put: a reference count's (kref_put()), not an RCU callback's. */
  counted?: true;
}

/** A function handed over as a release callback, and by what. */
export interface CallbackUse {
  name: string;
  /** kref_put, kref_put_mutex, kref_put_lock, devm_add_action, devm_add_action_or_reset, or `.release`/`.destroy`/`.free`. */
  by: string;
}

/** What a callback frees of the pointer it is given: the container it reaches by container_of(), the pointer itself, or nothing seen. */
export type CallbackFrees = 'container' | 'argument' | 'none';

const LOCK_ACQUIRE = new Set([
  'spin_lock', 'spin_lock_bh', 'spin_lock_irq', 'spin_lock_irqsave', 'spin_lock_nested', 'raw_spin_lock', 'raw_spin_lock_bh',
  'raw_spin_lock_irq', 'raw_spin_lock_irqsave', 'mutex_lock', 'mutex_lock_nested', 'mutex_lock_io', 'read_lock', 'read_lock_bh',
  'read_lock_irq', 'read_lock_irqsave', 'write_lock', 'write_lock_bh', 'write_lock_irq', 'write_lock_irqsave', 'down', 'down_read',
  'down_write', 'down_read_nested', 'down_write_nested', 'inode_lock', 'inode_lock_shared', 'xa_lock', 'xa_lock_bh', 'xa_lock_irq',
  'xa_lock_irqsave', 'lock_sock', 'rcu_read_lock', 'rcu_read_lock_bh', 'rtnl_lock',
]);
const LOCK_RELEASE = new Set([
  'spin_unlock', 'spin_unlock_bh', 'spin_unlock_irq', 'spin_unlock_irqrestore', 'raw_spin_unlock', 'raw_spin_unlock_bh',
  'raw_spin_unlock_irq', 'raw_spin_unlock_irqrestore', 'mutex_unlock', 'read_unlock', 'read_unlock_bh', 'read_unlock_irq',
  'read_unlock_irqrestore', 'write_unlock', 'write_unlock_bh', 'write_unlock_irq', 'write_unlock_irqrestore', 'up', 'up_read',
  'up_write', 'inode_unlock', 'inode_unlock_shared', 'xa_unlock', 'xa_unlock_bh', 'xa_unlock_irq', 'xa_unlock_irqrestore',
  'release_sock', 'rcu_read_unlock', 'rcu_read_unlock_bh', 'rtnl_unlock', 'pte_unmap_unlock',
]);
/** The argument that is the lock, where it is not the first: `pte_unmap_unlock(pte, ptl)`. */
const LOCK_ARGUMENT: Record<string, number> = { pte_unmap_unlock: 1 };
const IMPLICIT_LOCK: Record<string, string> = {
  rcu_read_lock: 'rcu',
  rcu_read_unlock: 'rcu',
  rcu_read_lock_bh: 'rcu_bh',
  rcu_read_unlock_bh: 'rcu_bh',
  rtnl_lock: 'rtnl',
  rtnl_unlock: 'rtnl',
};
/** Frees of the pointer given as their first argument. */
const FREES = new Set(['kfree', 'kvfree', 'vfree', 'kfree_sensitive', 'kzfree', 'kmem_cache_free', 'devm_kfree', 'kfree_rcu', 'kfree_skb', 'dev_kfree_skb', 'dev_kfree_skb_any', 'consume_skb']);
/** kmem_cache_free(cache, p) and devm_kfree(dev, p) free their second argument. */
const FREE_ARGUMENT: Record<string, number> = { kmem_cache_free: 1, devm_kfree: 1 };
/** Adds an entry to a list (list_move() moves one that is on a list already: not a hand-off). */
const LIST_ADD = /^(?:list_add|list_add_tail|list_add_rcu|list_add_tail_rcu|hlist_add_head|hlist_add_head_rcu|llist_add|hlist_add_behind|hlist_add_before)$/;
const CALLBACK_CALLS: Record<string, number> = { kref_put: 1, kref_put_mutex: 1, kref_put_lock: 1, devm_add_action: 1, devm_add_action_or_reset: 1, call_rcu: 1 };
/** kref_put(&p->ref, release) and call_rcu(&p->rcu, free): the callback is given the embedded member, and may free p. */
const PUT_CALLS = /^(?:kref_put|kref_put_mutex|kref_put_lock|call_rcu)$/;
/** `container_of(x, T, m)`, `to_foo(x)`, `foo_to_bar(x)` at the start of an expression's text: [converter, its first argument's text]. */
const CONVERSION = /^\(?(container_of|\w+_to_\w+|to_\w+)\(\(?([A-Za-z_]\w*)\)?[,)]/;
const CALLBACK_FIELDS = new Set(['release', 'destroy', 'free']);

function compact(text: string): string {
  return text.replace(/\s+/g, '');
}

function stripParens(node: Node): Node {
  let current = node;
  while (current.type === 'parenthesized_expression' || current.type === 'cast_expression') {
    const inner = current.type === 'cast_expression' ? current.childForFieldName('value') : current.namedChild(0);
    if (!inner) return current;
    current = inner;
  }
  return current;
}

function calleeOf(call: Node): string | null {
  const fn = call.childForFieldName('function');
  return fn && fn.type === 'identifier' ? fn.text : null;
}

function argumentsOf(call: Node): Node[] {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).filter((child): child is Node => child !== null && child.type !== 'comment');
}

/** `__acquires(x)` and friends in a head's text (the raw text, before the annotations are blanked). */
export function lockAnnotationsIn(head: string): LockAnnotations | undefined {
  const found: LockAnnotations = {};
  for (const match of head.matchAll(/\b__(acquires|releases|must_hold)\s*\(((?:[^()]|\([^()]*\))*)\)/g)) {
    const key = match[1] === 'acquires' ? 'a' : match[1] === 'releases' ? 'r' : 'm';
    const lock = compact(match[2]).replace(/^&/, '');
    if (lock === '') continue;
    (found[key] ??= []).push(lock);
  }
  return found.a || found.r || found.m ? found : undefined;
}

/** `name` and the locals set from an expression that mentions it (or mentions such a local). */
function namesReaching(body: Node, name: string): Set<string> {
  const names = new Set([name]);
  const stores = body.descendantsOfType(['init_declarator', 'assignment_expression']);
  for (let grown = true; grown; ) {
    grown = false;
    for (const node of stores) {
      if (!node) continue;
      let left = node.childForFieldName(node.type === 'init_declarator' ? 'declarator' : 'left');
      while (left && left.type === 'pointer_declarator') left = left.childForFieldName('declarator');
      const right = node.childForFieldName(node.type === 'init_declarator' ? 'value' : 'right');
      if (left?.type !== 'identifier' || names.has(left.text) || right === null) continue;
      if ((right.text.match(/[A-Za-z_]\w*/g) ?? []).some((word) => names.has(word))) {
        names.add(left.text);
        grown = true;
      }
    }
  }
  return names;
}

/** The locals set once from a parameter's field or the parameter itself (`struct drm_device *dev = obj->dev;`). */
function parameterOrigins(body: Node, params: readonly string[]): Map<string, string> {
  const origins = new Map<string, string>();
  const stores = new Map<string, number>();
  for (const node of body.descendantsOfType(['init_declarator', 'assignment_expression'])) {
    if (!node) continue;
    const left = node.childForFieldName(node.type === 'init_declarator' ? 'declarator' : 'left');
    const right = node.childForFieldName(node.type === 'init_declarator' ? 'value' : 'right');
    let name: Node | null = left;
    while (name && name.type === 'pointer_declarator') name = name.childForFieldName('declarator');
    if (!name || name.type !== 'identifier') continue;
    stores.set(name.text, (stores.get(name.text) ?? 0) + 1);
    if (right) origins.set(name.text, compact(stripParens(right).text));
  }
  const result = new Map<string, string>();
  for (const [name, value] of origins) {
    if (stores.get(name) !== 1 || params.includes(name)) continue;
    const root = /^[A-Za-z_]\w*/.exec(value)?.[0];
    if (root !== undefined && params.includes(root) && /^[A-Za-z_]\w*(?:(?:->|\.)[A-Za-z_]\w*)*$/.test(value)) result.set(name, value);
  }
  return result;
}

/**
 * A lock as the miner names it: `0->lock` (through parameter 0), `=name...` (a global), the
 * implicit one's name; null for a local's lock (nothing the caller sees).
 */
function lockName(call: Node, name: string, params: readonly string[], origins: Map<string, string>, locals: Set<string>): string | null {
  const implicit = IMPLICIT_LOCK[name];
  if (implicit !== undefined) return implicit;
  const argument = argumentsOf(call)[LOCK_ARGUMENT[name] ?? 0];
  if (!argument) return null;
  let text = compact(stripParens(argument).text).replace(/^&/, '');
  text = text.replace(/^\((.*)\)$/, '$1');
  const root = /^[A-Za-z_]\w*/.exec(text)?.[0];
  if (root === undefined || !/^[A-Za-z_]\w*(?:(?:->|\.)[A-Za-z_]\w*)*$/.test(text)) return null;
  const origin = origins.get(root);
  if (origin !== undefined) text = origin + text.slice(root.length);
  const realRoot = /^[A-Za-z_]\w*/.exec(text)?.[0] ?? root;
  const index = params.indexOf(realRoot);
  if (index >= 0) return `${index}${text.slice(realRoot.length)}`;
  if (locals.has(realRoot)) return null;
  return `=${text}`;
}

/** A statement whose last statement leaves the block: a return, a goto, a break, a continue. */
function endsInJump(statement: Node): boolean {
  const last = statement.type === 'compound_statement' ? statement.namedChildren.filter((child) => child && child.type !== 'comment').pop() : statement;
  return last !== undefined && last !== null && ['return_statement', 'goto_statement', 'break_statement', 'continue_statement'].includes(last.type);
}

/** A call that takes or lets go of a lock the miner does not follow (`ni_unlock()`, `lock_sock_nested()`, `atomic_dec_and_lock()`): the body's lock facts are not read. */
function unfollowedLockCall(name: string): boolean {
  if (LOCK_ACQUIRE.has(name) || LOCK_RELEASE.has(name) || /is_locked|lockdep|assert|held|lock_class|lockup|clock|block/.test(name)) return false;
  return /(?:^|_)(?:un)?lock(?:_|$)|trylock|^down_|^up_|dec_and_lock|_unlock$|^lock_|_lock$/.test(name);
}

/** A return's value read as failure (negative errno, NULL, ERR_PTR, false), success (0, true, a constant, a pointer seen to be valid), or unknown. */
function returnClass(value: Node | null, pointer: boolean): 'failure' | 'success' | 'unknown' {
  if (!value) return 'success';
  const text = compact(stripParens(value).text);
  if (/^-\(?E[A-Z0-9]+\)?$/.test(text) || /^(?:ERR_PTR|ERR_CAST)\(/.test(text) || text === 'NULL' || text === 'false') return 'failure';
  if (pointer && text === '0') return 'failure';
  if (!pointer && (text === '0' || text === 'true' || /^[1-9]\d*$/.test(text))) return 'success';
  if (pointer && /^&/.test(text)) return 'success';
  return 'unknown';
}

interface Exit {
  held: Set<string>;
  kind: 'failure' | 'success' | 'unknown';
}

/**
 * The locks held at each exit, by a walk of the statements in order: a branch starts from what
 * was held before it and leaves that unchanged after it (balanced), a label makes what is held
 * unknown (a goto may come from anywhere), so exits after a label count as unknown ones.
 */
function exitsOf(body: Node, pointer: boolean, voidReturn: boolean, lockOf: (call: Node, name: string) => string | null): { exits: Exit[]; taken: Set<string>; released: Set<string>; entryHeld: Set<string>; labels: boolean } {
  const exits: Exit[] = [];
  const taken = new Set<string>();
  const released = new Set<string>();
  const entryHeld = new Set<string>();
  let labels = false;
  const walk = (statement: Node, held: Set<string>, afterLabel: boolean): Set<string> => {
    switch (statement.type) {
      case 'compound_statement': {
        let current = held;
        let labelled = afterLabel;
        for (const child of statement.namedChildren) {
          if (!child) continue;
          if (child.type === 'labeled_statement') labelled = true;
          current = walk(child, current, labelled);
        }
        return current;
      }
      case 'labeled_statement': {
        labels = true;
        const inner = statement.namedChildren[statement.namedChildren.length - 1];
        return inner ? walk(inner, held, true) : held;
      }
      case 'expression_statement': {
        const expression = statement.namedChild(0);
        const call = expression?.type === 'call_expression' ? expression : null;
        const name = call ? calleeOf(call) : null;
        if (!call || !name) {
          recordNested(statement, held);
          return held;
        }
        if (LOCK_ACQUIRE.has(name)) {
          const lock = lockOf(call, name);
          if (lock === null) return held;
          taken.add(lock);
          return new Set([...held, lock]);
        }
        if (LOCK_RELEASE.has(name)) {
          const lock = lockOf(call, name);
          if (lock === null) return held;
          released.add(lock);
          // Let go before this body took it: the caller held it (dropped and retaken, not taken for the caller).
          if (!held.has(lock)) entryHeld.add(lock);
          const next = new Set(held);
          next.delete(lock);
          return next;
        }
        return held;
      }
      case 'return_statement': {
        const kind = returnClass(statement.namedChild(0), pointer);
        exits.push({ held, kind: afterLabel && kind !== 'failure' ? 'unknown' : kind });
        return held;
      }
      case 'if_statement': {
        // After an if, a lock is held when every arm that falls through holds it (an arm that returns or jumps does not fall through).
        const consequence = statement.childForFieldName('consequence');
        const alternative = statement.childForFieldName('alternative');
        const elseBody = alternative?.type === 'else_clause' ? alternative.namedChild(0) : alternative;
        recordNested(statement, held);
        const arms: Set<string>[] = [];
        for (const arm of [consequence, elseBody]) {
          if (!arm) {
            arms.push(held);
            continue;
          }
          const after = walk(arm, held, afterLabel);
          if (!endsInJump(arm)) arms.push(after);
        }
        if (arms.length === 0) return held;
        return new Set([...arms[0]].filter((lock) => arms.every((arm) => arm.has(lock))));
      }
      default: {
        // A loop or a switch: each nested statement list starts from what is held here; after it, what was held before and is still held at its end.
        let after = held;
        for (const child of statement.namedChildren) {
          if (!child) continue;
          if (child.type === 'compound_statement' || child.type.endsWith('_statement') || child.type === 'else_clause') {
            const end = walk(child, held, afterLabel);
            after = new Set([...after].filter((lock) => end.has(lock)));
          }
        }
        recordNested(statement, held);
        return after;
      }
    }
  };
  /** Lock calls inside expressions (a condition, `if (x) spin_unlock(...)` read above): the locks still count as taken or released somewhere. */
  const recordNested = (statement: Node, _held: Set<string>): void => {
    for (const call of statement.descendantsOfType('call_expression')) {
      if (!call) continue;
      const name = calleeOf(call);
      if (!name) continue;
      if (LOCK_RELEASE.has(name)) {
        const lock = lockOf(call, name);
        if (lock !== null) released.add(lock);
      } else if (LOCK_ACQUIRE.has(name)) {
        const lock = lockOf(call, name);
        if (lock !== null) taken.add(lock);
      }
    }
  };
  const end = walk(body, new Set(), false);
  // Falling off the end of a void function is a success exit.
  const last = body.namedChildren.filter((child) => child && child.type !== 'comment').pop();
  if (voidReturn && last?.type !== 'return_statement') exits.push({ held: end, kind: labels ? 'unknown' : 'success' });
  return { exits, taken, released, entryHeld, labels };
}

export interface OwnershipRecord {
  locks?: LockBody;
  args?: ArgumentUse[];
  callbacks?: CallbackUse[];
  /** For a function that could be a release callback (one pointer parameter): what it frees of it. */
  frees?: CallbackFrees;
  /** Calls such a function gives its container or its argument to: [callee, argument index, which]. */
  passes?: [string, number, 'container' | 'argument'][];
  /** call_rcu(&x->rcu, cb) on its container or its argument: [cb, which]; x is freed when cb frees the container of what it is given. */
  rcu?: [string, 'container' | 'argument'][];
  /** The `to_*()` helpers its `container` reading rests on: wrong when a helper converts what a field of its argument points to. */
  via?: string[];
  /** A helper returning container_of() of its first parameter (`self`) or of what a field of it points to (`field`: `container_of(filp->private_data, ...)`). */
  converts?: Conversion;
}

export type Conversion = 'self' | 'field';

/** What `container_of(X, ...)` converts, X being a helper's first parameter or its field. */
export function conversionOf(argument: string, param: string): Conversion | undefined {
  const bare = compact(argument).replace(/^\((.*)\)$/, '$1');
  if (bare === param || bare === `(${param})`) return 'self';
  if (new RegExp(`^\\(?${param}\\)?(?:->|\\.)`).test(bare)) return 'field';
  return undefined;
}

/** A helper whose body is `return container_of(X, T, m);`: what X is. */
function converterOf(body: Node, params: readonly string[]): Conversion | undefined {
  const statements = body.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment');
  if (params.length !== 1 || statements.length !== 1 || statements[0].type !== 'return_statement') return undefined;
  const value = statements[0].namedChild(0);
  const match = value ? /^\(?container_of\((.*),[^,]+,[^,]+\)\)?$/.exec(compact(stripParens(value).text)) : null;
  return match ? conversionOf(match[1], params[0]) : undefined;
}

function localsOf(body: Node): Set<string> {
  const locals = new Set<string>();
  for (const declaration of body.descendantsOfType('declaration')) {
    for (const declarator of declaration?.childrenForFieldName('declarator') ?? []) {
      let name: Node | null = declarator;
      while (name && name.type !== 'identifier') name = name.childForFieldName('declarator');
      if (name) locals.add(name.text);
    }
  }
  // `SHASH_DESC_ON_STACK(desc, tfm);`, `DECLARE_BITMAP(map, n);`: macros that declare a local.
  for (const call of body.descendantsOfType('call_expression')) {
    const name = call ? calleeOf(call) : null;
    const first = call ? argumentsOf(call)[0] : undefined;
    if (name && first?.type === 'identifier' && /_ON_STACK$|^DECLARE_|^DEFINE_|^LIST_HEAD$/.test(name)) locals.add(first.text);
  }
  return locals;
}

/** A test of the last reference's drop: `if (refcount_dec_and_test(&p->ref))`, or of a local set from one (`dead = ...dec_and_test(...)`). */
function testsLastPut(condition: string, body: Node): boolean {
  if (/dec_and_test|dec_and_lock/.test(condition)) return true;
  const variable = /^\((?:unlikely\(|likely\()?([A-Za-z_]\w*)\)*$/.exec(condition)?.[1];
  return variable !== undefined && new RegExp(`\\b${variable}\\s*=\\s*_*\\w*dec_and_test`).test(body.text);
}

/**
 * Whether `node` runs whenever the body runs (a statement of the body itself, not nested in a
 * branch), or whenever the last reference is dropped (the branch of a dec_and_test).
 */
function isTopLevel(node: Node, body: Node, lastPutCounts = true): boolean {
  let current: Node | null = node;
  while (current && current.parent && current.parent.id !== body.id) {
    const parent: Node = current.parent;
    const branch: Node = parent.type === 'compound_statement' && parent.parent?.type === 'if_statement' ? parent : current;
    const guard: Node | null = branch.parent;
    const lastPut = guard?.type === 'if_statement' && guard.childForFieldName('consequence')?.id === branch.id && testsLastPut(compact(guard.childForFieldName('condition')?.text ?? ''), body);
    if (lastPut && lastPutCounts && guard) {
      current = guard;
      continue;
    }
    if (parent.type !== 'expression_statement' && parent.type !== 'call_expression' && parent.type !== 'argument_list') return false;
    current = parent;
  }
  return current?.parent?.id === body.id;
}

/**
 * A release in a top-level `if` that lets the lock go whichever way it goes: `if (pvmw->ptl)
 * spin_unlock(pvmw->ptl);` (a lock that is not set is not held), or `if (ptep)
 * pte_unmap_unlock(ptep, ptl); else spin_unlock(ptl);`.
 */
function releasedEitherWay(call: Node, name: string, body: Node, lockOf: (call: Node, name: string) => string | null): boolean {
  const statement = call.parent;
  if (statement?.type !== 'expression_statement') return false;
  const branch = statement.parent?.type === 'compound_statement' && statement.parent.parent?.type === 'if_statement' ? statement.parent : statement;
  const guard = branch.parent;
  if (guard?.type !== 'if_statement' || guard.childForFieldName('consequence')?.id !== branch.id || !isTopLevel(guard, body, false)) return false;
  const lock = lockOf(call, name);
  if (lock === null) return false;
  const alternative = guard.childForFieldName('alternative');
  if (alternative === null) {
    const argument = argumentsOf(call)[LOCK_ARGUMENT[name] ?? 0];
    const held = argument === undefined ? '' : compact(stripParens(argument).text);
    return /^[A-Za-z_][\w>.-]*$/.test(held) && [`(${held})`, `(${held}!=NULL)`].includes(compact(guard.childForFieldName('condition')?.text ?? ''));
  }
  const other = alternative.type === 'else_clause' ? alternative.namedChild(0) : alternative;
  const statements = other?.type === 'compound_statement' ? other.namedChildren : [other];
  return statements.some((candidate) => {
    const released = candidate?.type === 'expression_statement' ? candidate.namedChild(0) : null;
    const releaseName = released?.type === 'call_expression' ? calleeOf(released) : null;
    return released !== null && releaseName !== null && LOCK_RELEASE.has(releaseName) && lockOf(released, releaseName) === lock;
  });
}

/** A statement that ends the function before `node`, at the body's top level: `node` may not be reached. */
function earlyExitBefore(node: Node, body: Node): boolean {
  for (const exit of body.descendantsOfType(['return_statement', 'goto_statement'])) {
    if (exit && exit.startIndex < node.startIndex) {
      // `if (!p) return;` guards against NULL: a freeing function still frees whatever it is given.
      const value = exit.namedChild(0);
      if (exit.type === 'return_statement' && (!value || value.type === 'number_literal')) {
        const guard = exit.parent?.type === 'if_statement' ? exit.parent : exit.parent?.parent?.type === 'if_statement' ? exit.parent.parent : null;
        if (guard && /^\(!\w+\)$|==NULL\)$|IS_ERR_OR_NULL/.test(compact(guard.childForFieldName('condition')?.text ?? ''))) continue;
      }
      return true;
    }
  }
  return false;
}

export function extractOwnership(body: Node, params: readonly string[], pointerParams: readonly boolean[], pointer: boolean, voidReturn: boolean): OwnershipRecord {
  const record: OwnershipRecord = {};
  const origins = parameterOrigins(body, params);
  const locals = localsOf(body);
  const calls = body.descendantsOfType('call_expression').filter((call): call is Node => call !== null);
  const text = body.text;
  if (/(?:lock|down|up|release_sock)\w*\s*\(/.test(text)) {
    const lockOf = (call: Node, name: string): string | null => lockName(call, name, params, origins, locals);
    const { exits, taken, released, entryHeld } = exitsOf(body, pointer, voidReturn, lockOf);
    const locks: LockBody = {};
    const unfollowedCalls = calls.filter((call) => unfollowedLockCall(calleeOf(call) ?? ''));
    const unfollowed = unfollowedCalls.length > 0;
    // A lock reached through a parameter is touched only by a call given that parameter (or a
    // local copied from it): `folio_trylock_flag(folio, PG_locked, wait)` cannot take `ptl`.
    const unfollowedFor = (lock: string): boolean => {
      const index = /^\d+/.exec(lock)?.[0];
      if (index === undefined) return unfollowed;
      const names = namesReaching(body, params[Number(index)]);
      return unfollowedCalls.some((call) => argumentsOf(call).some((argument) => (compact(argument.text).match(/[A-Za-z_]\w*/g) ?? []).some((word) => names.has(word))));
    };
    // Held: the body took it; every success exit holds one of the locks the body took and keeps; no unknown exit lets all go.
    const kept = [...taken].filter((lock) => !entryHeld.has(lock) && exits.some((exit) => exit.kind !== 'failure' && exit.held.has(lock)));
    const successes = exits.filter((exit) => exit.kind !== 'failure');
    if (!unfollowed && kept.length > 0 && successes.length > 0 && successes.every((exit) => kept.some((lock) => exit.held.has(lock)))) {
      locks.held = kept.sort();
      // A callee may let it go (`return drm_gem_handle_create_tail(...)`): the resolver checks them.
      locks.calls = [...new Set(calls.map((call) => calleeOf(call) ?? '').filter((name) => name !== '' && !LOCK_ACQUIRE.has(name) && !LOCK_RELEASE.has(name)))].sort();
    }
    // Dropped: let go by a top-level statement no exit comes before, never taken.
    const dropped = new Set<string>();
    for (const call of calls) {
      const name = calleeOf(call);
      if (!name || !LOCK_RELEASE.has(name) || earlyExitBefore(call, body)) continue;
      if (!isTopLevel(call, body, false) && !releasedEitherWay(call, name, body, lockOf)) continue;
      const lock = lockOf(call, name);
      if (lock !== null && !taken.has(lock) && released.has(lock) && !unfollowedFor(lock)) dropped.add(lock);
    }
    if (dropped.size > 0) locks.dropped = [...dropped].sort();
    if (locks.held || locks.dropped) record.locks = locks;
  }
  // Arguments: what the body does with each pointer parameter (no local copy followed).
  const args: ArgumentUse[] = [];
  const paramIndex = (node: Node | undefined): number => {
    if (!node) return -1;
    const bare = stripParens(node);
    const index = bare.type === 'identifier' ? params.indexOf(bare.text) : -1;
    return index >= 0 && pointerParams[index] ? index : -1;
  };
  const addressRoot = (node: Node | undefined): number => {
    // list_add(&p->node, head): the entry embedded in p.
    if (!node) return -1;
    const bare = stripParens(node);
    const text = compact(bare.text);
    const match = /^&?([A-Za-z_]\w*)(?:->|\.)[A-Za-z_]\w*$/.exec(text);
    const index = match ? params.indexOf(match[1]) : paramIndex(bare);
    return index >= 0 && pointerParams[index] ? index : -1;
  };
  const add = (use: ArgumentUse): void => {
    if (!args.some((known) => known.i === use.i && known.how === use.how && known.f === use.f && known.at === use.at)) args.push(use);
  };
  for (const call of calls) {
    const name = calleeOf(call);
    if (!name) continue;
    const callArgs = argumentsOf(call);
    const unconditional = isTopLevel(call, body) && !earlyExitBefore(call, body);
    if (FREES.has(name)) {
      const index = paramIndex(callArgs[FREE_ARGUMENT[name] ?? 0]);
      if (index >= 0 && unconditional) add({ i: index, how: 'free' });
      continue;
    }
    if (LIST_ADD.test(name)) {
      const index = addressRoot(callArgs[0]);
      if (index >= 0) add({ i: index, how: 'list' });
      continue;
    }
    if (name in CALLBACK_CALLS) {
      const callback = callArgs[CALLBACK_CALLS[name]];
      if (callback && stripParens(callback).type === 'identifier') (record.callbacks ??= []).push({ name: stripParens(callback).text, by: name });
      if (PUT_CALLS.test(name)) {
        const index = addressRoot(callArgs[0]);
        if (index >= 0 && unconditional) add({ i: index, how: 'put', f: callback ? compact(callback.text) : '', ...(name.startsWith('kref_put') ? { counted: true as const } : {}) });
      }
      continue;
    }
    if (!unconditional) continue;
    callArgs.forEach((argument, at) => {
      const index = paramIndex(argument);
      if (index >= 0) add({ i: index, how: 'call', f: name, at });
    });
  }
  // Stores: `global = p`, `other->field = p`, `array[i] = p` (not a store into p itself, nor into a local).
  for (const assignment of body.descendantsOfType('assignment_expression')) {
    if (!assignment || assignment.childForFieldName('operator')?.text !== '=') continue;
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    const index = paramIndex(right ?? undefined);
    if (!left || index < 0) continue;
    const target = compact(left.text);
    const root = /^\*?\(?([A-Za-z_]\w*)/.exec(target)?.[1];
    if (root === undefined || root === params[index] || locals.has(root)) continue;
    // Kept: in a global, a field or an array of another argument or a global. Not: a copy into a
    // local or a parameter, a field of a local (an object the function builds: often a back-pointer),
    // `*out = p` (given back to the caller).
    if (left.type === 'identifier' && params.includes(root)) continue;
    if (left.type === 'pointer_expression') continue;
    add({ i: index, how: 'store' });
  }
  if (args.length > 0) record.args = args;
  // A possible release callback (one pointer parameter): does it free the container it reaches, or the pointer?
  if (params.length >= 1 && pointerParams[0] && params.length <= 2) {
    const via = new Set<string>();
    /** `container_of(arg, ...)`, `to_foo(arg)`: a container of the argument itself (as far as the helper goes; the resolver checks it). */
    const convertsParameter = (text: string): boolean => {
      const match = CONVERSION.exec(text);
      if (!match || match[2] !== params[0]) return false;
      if (match[1] !== 'container_of') via.add(match[1]);
      return true;
    };
    const freed = calls.filter((call) => FREES.has(calleeOf(call) ?? '')).map((call) => compact(stripParens(argumentsOf(call)[FREE_ARGUMENT[calleeOf(call) ?? ''] ?? 0] ?? call).text));
    // `kfree(container_of(kobj, struct foo, kobj))`: the type argument is no expression, so the text is read.
    const freesConverted = [...text.matchAll(new RegExp(`\\b(?:${[...FREES].join('|')})\\s*\\(\\s*(container_of|\\w+_to_\\w+|to_\\w+)\\s*\\(\\s*${params[0]}\\s*[,)]`, 'g'))].map((match) => match[1]);
    // Containers of the argument (`struct foo *f = container_of(kref, struct foo, ref)`), with the member they were reached by when it is written.
    const containers = new Map<string, string | undefined>();
    for (const node of body.descendantsOfType(['init_declarator', 'assignment_expression'])) {
      if (!node) continue;
      const value = node.childForFieldName(node.type === 'init_declarator' ? 'value' : 'right');
      const left = node.childForFieldName(node.type === 'init_declarator' ? 'declarator' : 'left');
      if (!value || !left) continue;
      const valueText = compact(value.text);
      // The container of the argument itself, not of what a field of it points to (`container_of(file->private_data, ...)`).
      if (!convertsParameter(valueText)) continue;
      let name: Node | null = left;
      while (name && name.type !== 'identifier') name = name.childForFieldName('declarator');
      if (name) containers.set(name.text, /^\(?container_of\(/.test(valueText) ? /,(\w+)\)\)?$/.exec(valueText)?.[1] : undefined);
    }
    /** `&fence->base` of `fence = container_of(base, struct vgem_fence, base)`: the argument itself. */
    const isArgument = (expression: string): boolean => {
      if (expression === params[0]) return true;
      const member = /^&\(?([A-Za-z_]\w*)->(\w+)\)?$/.exec(expression);
      return member !== null && containers.has(member[1]) && containers.get(member[1]) === member[2];
    };
    const isContainer = (expression: string): boolean => containers.has(expression) || convertsParameter(expression);
    for (const converter of freesConverted) if (converter !== 'container_of') via.add(converter);
    if (freed.some(isArgument)) record.frees = 'argument';
    else if (freesConverted.length > 0 || freed.some(isContainer)) record.frees = 'container';
    else {
      // Given on to a function that may free it (`pinctrl_free(p, true)`), or to call_rcu() with a callback that may: the resolver follows the call.
      const passed: [string, number, 'container' | 'argument'][] = [];
      const rcu: [string, 'container' | 'argument'][] = [];
      for (const call of calls) {
        const name = calleeOf(call);
        if (!name) continue;
        const callArgs = argumentsOf(call);
        if (name === 'call_rcu') {
          // call_rcu(&x->rcu, cb): x is what cb's container_of() gives back.
          const head = /^&\(?([A-Za-z_]\w*)->\w+\)?$/.exec(compact(stripParens(callArgs[0] ?? call).text))?.[1];
          const callback = callArgs[1] ? stripParens(callArgs[1]) : null;
          if (head !== undefined && callback?.type === 'identifier') {
            if (head === params[0]) rcu.push([callback.text, 'argument']);
            else if (containers.has(head)) rcu.push([callback.text, 'container']);
          }
          continue;
        }
        callArgs.forEach((argument, at) => {
          const text = compact(stripParens(argument).text);
          if (isArgument(text)) passed.push([name, at, 'argument']);
          else if (isContainer(text)) passed.push([name, at, 'container']);
        });
      }
      if (passed.length > 0) record.passes = passed;
      if (rcu.length > 0) record.rcu = rcu;
    }
    if (via.size > 0 && (record.frees === 'container' || record.passes || record.rcu)) record.via = [...via].sort();
    const converts = converterOf(body, params);
    if (converts) record.converts = converts;
  }
  return record;
}

/** `.release = foo_release` in an initialiser list: the callbacks a file sets. */
export function initializerCallbacks(root: Node): CallbackUse[] {
  const found: CallbackUse[] = [];
  for (const pair of root.descendantsOfType('initializer_pair')) {
    if (!pair) continue;
    const designator = pair.childForFieldName('designator');
    const value = pair.childForFieldName('value');
    const field = designator?.type === 'field_designator' ? designator.text.replace(/^\./, '') : null;
    if (!field || !CALLBACK_FIELDS.has(field) || !value || value.type !== 'identifier') continue;
    found.push({ name: value.text, by: `.${field}` });
  }
  return found;
}
