/**
 * lock-imbalance: a lock (spinlock, mutex, rwlock, semaphore, rwsem, RCU read side, RTNL,
 * socket lock) that one path releases and another leaves with.
 */
import { otherEndsPhrase } from '../analysis/ownership/leak-findings.js';
import { IMPLICIT_RESOURCE_NAMES } from '../analysis/ownership/resources.js';
import type { Rule } from './rule.js';
import { leakFindings } from './support/leak-rule.js';

const ID = 'lock-imbalance';

export const lockImbalance: Rule = {
  meta: {
    id: ID,
    severity: 'error',
    summary: 'A lock is released on some paths but this one leaves with it held',
    why:
      'A function that returns with a spinlock, mutex or semaphore still held (or inside rcu_read_lock()) deadlocks the next taker, or leaves preemption or interrupts disabled. ' +
      'Early returns added between the lock and the unlock are the usual cause; the kernel idiom is a goto to the unlock at the end, or guard()/scoped_guard() from cleanup.h.',
    example: 'mutex_lock(&dev->lock);\nif (!dev->ready)\n\treturn -ENODEV;\t/* returns with dev->lock held */\n...\nmutex_unlock(&dev->lock);',
    useInstead: 'guard(mutex)(&dev->lock);\nif (!dev->ready)\n\treturn -ENODEV;\n...',
    limits:
      'Beyond the table, the acquire/release pairs mined from the kernel tree (data/kernel-facts.json: amdgpu_mes_lock()/amdgpu_mes_unlock(), adis_dev_lock()/adis_dev_unlock()) count only in a function that calls the release itself, only at exits that return an error, and only once the path has tested a returned pointer. ' +
      'A lock is reported only when another path of the same function releases it and this one, returning an error or the same kind of value, does not: helpers that return with the lock held on success and release it on failure stay quiet. ' +
      'Conditional locking is followed when the lock and the unlock test the same expression; trylock results are followed through the test that checks them. ' +
      'A lock let go and taken again before the exit (`up_read(); down_write(); downgrade_write();`) counts as held there like on the other exits. A helper of the file that unlocks a field of its argument releases that lock for its caller, unless it takes it again; `__releases()` on the helper says so whatever its body does, also of a global lock (`grab_super() __releases(sb_lock)`), and so does a body that unlocks a global lock more often than it locks it; a helper that unlocks more often than it locks, given the object the held lock was derived from (`netlink_dump(sk, true)` after `nlk = nlk_sk(sk)`), lets it go too, and so does one that reaches an unlock from its entry and returns without locking that family on the way (ext4_dio_write_checks() dropping its caller\'s inode lock at its `out:` label). ' +
        'A lock and its unlock under the same `#ifdef` are taken or skipped together. ' +
      'A lock that another function of the file only lets go (the pair\'s other half, `release_head()` after `reserve_space()`, or a completion handler) is the caller\'s to release when this function succeeds, and so is a semaphore another function up()s; a semaphore the file initialises with a count other than 1 (`sema_init(&sem, MAX_URBS_IN_FLIGHT)`) counts something and is not judged as a lock. ' +
      'A lock whose holding the function writes down in a global, static or argument flag (set beside the lock, cleared beside the unlock) is held across calls by design, and an object locked as a whole (inode_lock(inode)) and stored in the caller\'s structure goes there with its lock. ' +
      'For functions of the tree the patch calls, the facts mined from the kernel (data/kernel-facts-ownership.json) say which locks a callee lets go for its caller and which functions return holding their lock on success. ' +
      'A comment that says so is taken at its word: above the function, that it returns with the lock held (`Otherwise, it returns false with the tree_mod_log_lock acquired.`), or in the few lines above the exit, that a callee has dropped the lock (`ttm_bo_swapout has dropped the lru_lock`) or that the function returns here with it held on purpose (n_tty_read()\'s read cookie). ' +
      'Locks taken by guard() and scoped_guard() are released by the compiler and not tracked. A function called with the lock held that releases it (__releases) is not judged.',
  },
  check: (context) =>
    leakFindings(context, {
      id: ID,
      // One lock taken by spin_lock(), spin_lock_irq() or spin_trylock() on as many branches is one object.
      oncePerPlace: true,
      selects: (found) => found.leak.site.kind === 'lock' && found.leak.reason === 'inconsistent',
      word: ({ leak, source }, story) => {
        const implicit = Object.prototype.hasOwnProperty.call(IMPLICIT_RESOURCE_NAMES, leak.site.api);
        const acquired = story.acquireLine === null ? '' : ` at line ${story.acquireLine}`;
        const held = implicit ? `still inside the ${leak.site.noun} entered by ${leak.site.api}()${acquired}` : `${story.name} still held (taken by ${leak.site.api}()${acquired})`;
        return {
          summary: implicit ? `leaves with ${leak.site.api}()${acquired} still in effect` : `${story.name.replace(/`/g, '')} taken${acquired} is still held here`,
          comment:
            `${story.exitClause} ${story.leaves}${implicit || story.exitKind === 'return' ? '' : ' with'} ${held}; the other paths release it through ${otherEndsPhrase(leak.otherEnds, source)}. ` +
            `Is an unlock missing here?`,
          releaseNote: 'released here on another path',
        };
      },
    }),
};
