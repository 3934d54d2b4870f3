/**
 * What the facts mined from the kernel tree (data/kernel-facts.json) change in the rules that
 * read them through the analysis: the CFG's noreturn calls, the leak rules' mined pairs.
 */
import { lockImbalance } from '../../src/rules/lock-imbalance.js';
import { ruleTester } from '../helpers/rule-tester.js';

// __reiserfs_panic() is noreturn in the tree (it ends in BUG() on every path) and in no hand
// list: the path through it ends there, it does not fall off the end holding the lock.
const endsInMinedNoreturn = `static int foo_take_slot(struct super_block *sb, struct foo *f)
{
	spin_lock(&f->lock);
	if (f->count > f->max)
		goto corrupt;
	f->count++;
	spin_unlock(&f->lock);
	return 0;
corrupt:
	__reiserfs_panic(sb, "foo-1", __func__, "count %d over %d", f->count, f->max);
}
`;

// The tree has a noreturn stop() (a header's), but this file defines its own, which returns.
const ownFunctionOfAMinedName = `static void stop(struct fs_enet_private *fep)
{
	fep->running = false;
}

static int fs_enet_restart_tx(struct fs_enet_private *fep)
{
	spin_lock(&fep->tx_lock);
	if (!fep->running)
		goto halt;
	fep->tx_restarts++;
	spin_unlock(&fep->tx_lock);
	return 0;
halt:
	stop(fep);
} /* expect: lock-imbalance "fep->tx_lock" */
`;

ruleTester(lockImbalance, {
  valid: [
    {
      name: 'a path that ends in a noreturn function mined from the tree (__reiserfs_panic) holds nothing',
      path: 'fs/reiserfs/foo.c',
      code: endsInMinedNoreturn,
    },
  ],
  invalid: [
    {
      name: 'a function of the patch named like a mined noreturn one (stop) returns',
      path: 'drivers/net/ethernet/freescale/fs_enet/mac-foo.c',
      code: ownFunctionOfAMinedName,
    },
  ],
});
