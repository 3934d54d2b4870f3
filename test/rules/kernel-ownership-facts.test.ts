/**
 * What the ownership facts mined from the tree (data/kernel-facts-ownership.json) change in the
 * leak rules: a callee in another file that lets its caller's lock go, a function the tree
 * shows returning with a lock held by design, a callee that frees or keeps what it is given.
 */
import { lockImbalance } from '../../src/rules/lock-imbalance.js';
import { memLeak } from '../../src/rules/mem-leak.js';
import { ruleTester } from '../helpers/rule-tester.js';

// drm_gem_handle_create_tail() unlocks dev->object_name_lock on every path (drm_gem.c): the
// caller's success exit does not hold it (drm_prime.c, a judged false alarm before the facts).
const calleeDropsTheLock = `int foo_prime_fd_to_handle(struct drm_device *dev, struct drm_file *file_priv,
			   struct drm_gem_object *obj, u32 *handle)
{
	int ret;

	mutex_lock(&dev->object_name_lock);
	if (IS_ERR(obj)) {
		ret = PTR_ERR(obj);
		goto out_unlock;
	}
	ret = drm_gem_handle_create_tail(file_priv, obj, handle);
	if (ret)
		goto out;
	foo_note_handle(dev, *handle);
	return 0;

out_unlock:
	mutex_unlock(&dev->object_name_lock);
out:
	return ret;
}
`;

// The same, with an exit between the lock and the callee: that one still holds it.
const exitBeforeTheCallee = `int foo_prime_fd_to_handle(struct drm_device *dev, struct drm_file *file_priv,
			   struct drm_gem_object *obj, u32 *handle)
{
	int ret;

	mutex_lock(&dev->object_name_lock);
	if (IS_ERR(obj)) {
		ret = PTR_ERR(obj);
		goto out_unlock;
	}
	if (!obj->size)
		return -EINVAL; /* expect: lock-imbalance "dev->object_name_lock" */
	ret = drm_gem_handle_create_tail(file_priv, obj, handle);
	if (ret)
		goto out;
	return 0;

out_unlock:
	mutex_unlock(&dev->object_name_lock);
out:
	return ret;
}
`;

// mr_mfc_seq_idx() (net/ipv4/ipmr_base.c) returns an entry under rcu_read_lock() or the
// spinlock, and NULL with neither: the seq_file iterator's stop() lets them go.
const seqIteratorHoldsOnSuccess = `void *mr_mfc_seq_idx(struct net *net,
		     struct mr_mfc_iter *it, loff_t pos)
{
	struct mr_table *mrt = it->mrt;
	struct mr_mfc *mfc;

	rcu_read_lock();
	it->cache = &mrt->mfc_cache_list;
	list_for_each_entry_rcu(mfc, &mrt->mfc_cache_list, list)
		if (pos-- == 0)
			return mfc;
	rcu_read_unlock();

	spin_lock_bh(it->lock);
	it->cache = &mrt->mfc_unres_queue;
	list_for_each_entry(mfc, it->cache, list)
		if (pos-- == 0)
			return mfc;
	spin_unlock_bh(it->lock);

	it->cache = NULL;
	return NULL;
}
`;

// A function of another name (not in the facts) with the same body is judged as before.
const unknownFunctionSameBody = seqIteratorHoldsOnSuccess.replace('mr_mfc_seq_idx', 'foo_seq_idx').replace('\t\t\treturn mfc;\n\trcu_read_unlock();', '\t\t\treturn mfc; /* expect: lock-imbalance "rcu_read_lock()" */\n\trcu_read_unlock();');

ruleTester(lockImbalance, {
  valid: [
    { name: 'a callee of another file that unlocks the lock (drm_gem_handle_create_tail)', path: 'drivers/gpu/drm/foo_prime.c', code: calleeDropsTheLock },
    { name: 'a seq_file iterator the tree shows returning under its lock on success', path: 'net/ipv4/ipmr_base.c', code: seqIteratorHoldsOnSuccess },
  ],
  invalid: [
    { name: 'an exit before the unlocking callee still holds the lock', path: 'drivers/gpu/drm/foo_prime.c', code: exitBeforeTheCallee },
    { name: 'the same iterator under a name the tree does not have', path: 'net/ipv4/foo_base.c', code: unknownFunctionSameBody },
  ],
});

// ceph_con_send() keeps the message it is given (list_add_tail() onto the connection's out
// queue, net/ceph/messenger.c): a function of the tree outside the hand tables, whose name does
// not say so. After it, an error exit no longer holds the allocation.
const handedToATaker = `static int foo_send_ping(struct ceph_connection *con, int id)
{
	struct ceph_msg *msg;

	msg = kzalloc(sizeof(*msg), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	msg->hdr.tid = id;
	if (foo_prepare(con) < 0) {
		kfree(msg);
		return -EINVAL;
	}
	ceph_con_send(con, msg);
	if (foo_wait_ack(con) < 0)
		return -EIO;
	return 0;
}
`;

// The same message given to a function that does not keep it leaks at the error exit.
const notHandedOn = handedToATaker.replace('ceph_con_send(con, msg);', 'foo_fill_ping(con, msg);').replace('return -EIO;', 'return -EIO; /* expect: mem-leak */');

ruleTester(memLeak, {
  valid: [{ name: 'an allocation handed to a function of the tree that keeps it (ceph_con_send)', path: 'net/ceph/foo.c', code: handedToATaker }],
  invalid: [{ name: 'the same allocation given to a function that does not keep it', path: 'net/ceph/foo.c', code: notHandedOn }],
});
