/**
 * The ownership facts mined from the kernel tree (data/kernel-facts-ownership.json), as the
 * engine and the leak judgement ask for them: what a call to a function the patch does not
 * define does to its caller's locks and arguments, and whether a function of the patch is one
 * the tree shows returning with a lock held by design.
 *
 * A function the patch defines is summarised from its body (summaries.ts); these facts answer
 * only for the others. Read on the first question.
 */
import { kernelOwnershipFacts, type LockFact, type TakenArgument } from '../../facts/kernel-facts.js';
import { lastFieldOfKey } from '../../parsers/c-syntax.js';

/** What a call does for its caller, by the facts. */
export interface MinedCallEffects {
  /** Locks the callee lets go that its caller held: a field's name (`object_name_lock`), a global's, or `rcu`/`rcu_bh`/`rtnl`. */
  releasesLocks: ReadonlySet<string>;
  /** Arguments that are themselves locks the callee lets go (`xlog_wait(wq, &log->l_icloglock)`). */
  releasesArguments: readonly number[];
  /** Arguments the callee takes: freed, or kept. */
  takes: ReadonlyMap<number, TakenArgument>;
}

/** `0->dev->object_name_lock`, `&bundle->channel_lock`, `=recent_lock`, `RCU`: the name a caller's lock is matched by. */
function lockWord(lock: string): string {
  const bare = lock.replace(/^[=&]/, '').replace(/^\d+(?=->|\.)/, 'x');
  if (/^rcu$/i.test(bare)) return 'rcu';
  return lastFieldOfKey(bare) ?? bare;
}

const cache = new Map<string, MinedCallEffects | null>();

/** What calling `name` (a function the patch does not define) does to the caller's locks and arguments; null when nothing. */
export function minedCallEffects(name: string): MinedCallEffects | null {
  const known = cache.get(name);
  if (known !== undefined) return known;
  const facts = kernelOwnershipFacts();
  const lock: LockFact | undefined = facts.locks(name);
  const all = [...(lock?.releases ?? []), ...(lock?.dropped ?? [])];
  const released = all.filter((word) => !/^\d+$/.test(word)).map(lockWord);
  const releasesArguments = all.filter((word) => /^\d+$/.test(word)).map(Number);
  const taken = facts.takes(name);
  const effects = all.length === 0 && taken === undefined ? null : { releasesLocks: new Set(released), releasesArguments, takes: new Map(taken ?? []) };
  cache.set(name, effects);
  return effects;
}

/**
 * Whether the tree shows the function returning with one of `locks` (a lock site's names) held
 * on every success exit: a seq_file `*_start()` under rcu_read_lock(), a `foo_lock()` helper.
 * @param file the function's file, for a static function
 */
export function minedReturnsHolding(name: string, file: string, locks: readonly string[]): boolean {
  const facts = kernelOwnershipFacts();
  const fact = facts.locks(`${file}#${name}`);
  if (fact?.held === undefined) return false;
  const held = new Set(fact.held.map(lockWord));
  return locks.some((lock) => held.has(lock) || held.has(lastFieldOfKey(lock) ?? ''));
}
