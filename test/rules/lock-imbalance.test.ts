import { lockImbalance } from '../../src/rules/lock-imbalance.js';
import { ruleTester, runRuleCase } from '../helpers/rule-tester.js';

const mutexEarlyReturn = `static int fit_add_device(struct fit_part *part)
{
	int err;

	mutex_lock(&devices_mutex);
	if (!refcount_inc_not_zero(&num_devs))
		return -EBADF; /* expect: lock-imbalance "\`devices_mutex\`" */
	err = fit_register(part);
	if (err)
		goto out_unlock;
	list_add_tail(&part->list, &fit_devices);
out_unlock:
	mutex_unlock(&devices_mutex);
	return err;
}
`;

const irqsaveEarlyReturn = `static int foo_queue_cmd(struct foo *foo, struct foo_cmd *cmd)
{
	unsigned long flags;

	spin_lock_irqsave(&foo->lock, flags);
	if (foo->state != FOO_RUNNING)
		return -ESHUTDOWN; /* expect: lock-imbalance "spin_unlock_irqrestore()" */
	list_add_tail(&cmd->node, &foo->cmds);
	spin_unlock_irqrestore(&foo->lock, flags);
	return 0;
}
`;

const rcuEarlyReturn = `static int bar_lookup_mtu(struct bar *bar, u32 id)
{
	struct bar_entry *entry;
	int mtu;

	rcu_read_lock();
	entry = bar_find(bar, id);
	if (!entry)
		return -ENOENT; /* expect: lock-imbalance "rcu_read_lock()" */
	mtu = entry->mtu;
	rcu_read_unlock();
	return mtu;
}
`;

const interruptibleThenError = `static long baz_ioctl_reset(struct baz *baz)
{
	int ret;

	ret = mutex_lock_interruptible(&baz->io_lock);
	if (ret)
		return ret;
	if (baz->busy)
		return -EBUSY; /* expect: lock-imbalance */
	ret = baz_hw_reset(baz);
	mutex_unlock(&baz->io_lock);
	return ret;
}
`;

const trylockSuccessLeaks = `static void qux_poll(struct qux *qux)
{
	if (!spin_trylock(&qux->poll_lock))
		return;
	if (!qux->enabled)
		return; /* expect: lock-imbalance "qux->poll_lock" */
	qux_process(qux);
	spin_unlock(&qux->poll_lock);
}
`;

const rwsemEarlyReturn = `static int quux_read_config(struct quux *quux, struct quux_config *cfg)
{
	down_read(&quux->cfg_sem);
	if (!quux->cfg_valid)
		return -ENODATA; /* expect: lock-imbalance "up_read()" */
	*cfg = quux->cfg;
	up_read(&quux->cfg_sem);
	return 0;
}
`;

// fs/jffs2/compr.c jffs2_unregister_compressor(): a debug macro given a whole loop, block
// included (`D2(list_for_each_entry(...) { ... })`), is not a loop header over the next statement.
const debugMacroLoop = (busy: string) => `int foo_unregister_compressor(struct foo_compressor *comp)
{
	D2(struct foo_compressor *this);

	spin_lock(&foo_compressor_list_lock);
	if (comp->usecount) {
${busy}	}
	list_del(&comp->list);

	D2(list_for_each_entry(this, &foo_compressor_list, list) {
		printk(KERN_DEBUG "Compressor %s\\n", this->name);
	})
	spin_unlock(&foo_compressor_list_lock);
	return 0;
}
`;

// drivers/usb/class/usbtmc.c usbtmc_generic_write(): limit_write_sem counts the URBs in flight
// (sema_init(..., MAX_URBS_IN_FLIGHT)); each down() is matched by the up() of an URB's completion.
const urbsInFlight = (count: string, marker = '') => `static void foo_write_bulk_cb(struct urb *urb)
{
	struct foo_file_data *file_data = urb->context;

	up(&file_data->limit_write_sem);
}

static int foo_open(struct foo_file_data *file_data)
{
	sema_init(&file_data->limit_write_sem, ${count});
	return 0;
}

static ssize_t foo_generic_write(struct foo_file_data *file_data, struct urb *urb, u32 timeout)
{
	int retval;

	if (down_timeout(&file_data->limit_write_sem, msecs_to_jiffies(timeout)))
		return -ETIMEDOUT;
	usb_anchor_urb(urb, &file_data->submitted);
	retval = usb_submit_urb(urb, GFP_KERNEL);
	if (unlikely(retval)) {
		usb_unanchor_urb(urb);
		up(&file_data->limit_write_sem);
		return retval;
	}
	if (!usb_wait_anchor_empty_timeout(&file_data->submitted, timeout)) {
		usb_kill_anchored_urbs(&file_data->submitted);
		return -ETIMEDOUT;${marker}
	}
	return 0;
}
`;

// net/netlink/af_netlink.c __netlink_dump_start(): netlink_dump(sk, true) is told the mutex is held,
// and unlocks nlk->cb_mutex on every exit (it locks it only when told it is not held).
const calleeUnlocksDerivedLock = (dumpTail: string) => `static int foo_dump(struct sock *sk, bool lock_taken)
{
	struct foo_sock *nlk = foo_sk(sk);
	int err;

	if (!lock_taken)
		mutex_lock(nlk->cb_mutex);
	err = foo_fill(nlk);
	if (err < 0)
		goto errout_skb;
${dumpTail}	return 0;

errout_skb:
	mutex_unlock(nlk->cb_mutex);
	return err;
}

int foo_dump_start(struct sock *sk, struct foo_dump_control *control)
{
	struct foo_sock *nlk;
	int ret;

	nlk = foo_sk(sk);
	mutex_lock(nlk->cb_mutex);
	if (nlk->cb_running) {
		ret = -EBUSY;
		goto error_unlock;
	}
	nlk->cb_running = true;
	ret = foo_dump(sk, true);
	if (ret)
		return ret;
	return -EINTR;

error_unlock:
	mutex_unlock(nlk->cb_mutex);
	return ret;
}
`;

// drivers/usb/typec/ucsi/ucsi.c ucsi_con_mutex_lock(): the trylock's result is kept as `!= 0` in a
// flag; the lock is dropped when the connector went away, and returned held otherwise.
const trylockFlagHelper = (dropWhenGone: string) => `bool foo_con_mutex_lock(struct foo_connector *con)
{
	bool mutex_locked = false;
	bool connected = true;

	while (connected && !mutex_locked) {
		mutex_locked = mutex_trylock(&con->lock) != 0;
		connected = con->status.flags & FOO_CONSTAT_CONNECTED;
		if (connected && !mutex_locked)
			msleep(20);
	}
	connected = connected && con->partner;
${dropWhenGone}	return connected;
}
`;

// fs/udf/inode.c udf_setsize(): udf_expand_file_adinicb() is entered with i_data_sem held for
// writing and drops it on every exit (it retakes it once to work, then drops it again).
const calleeDropsRwsem = (helperExit: string) => `static int foo_expand(struct inode *inode)
{
	struct foo_inode_info *iinfo = FOO_I(inode);
	int err;

	if (!inode->i_size) {
${helperExit}		return 0;
	}
	up_write(&iinfo->i_data_sem);
	err = foo_read_page(inode);
	down_write(&iinfo->i_data_sem);
	if (err) {
		up_write(&iinfo->i_data_sem);
		return err;
	}
	iinfo->i_alloc_type = FOO_AD_EXTENT;
	up_write(&iinfo->i_data_sem);
	return 0;
}

int foo_setsize(struct inode *inode, loff_t newsize)
{
	struct foo_inode_info *iinfo;
	int err;

	iinfo = FOO_I(inode);
	down_write(&iinfo->i_data_sem);
	if (iinfo->i_alloc_type == FOO_AD_IN_ICB) {
		err = foo_expand(inode);
		if (err)
			return err;
		down_write(&iinfo->i_data_sem);
	}
	iinfo->i_lenExtents = newsize;
	up_write(&iinfo->i_data_sem);
	return 0;
}
`;

// fs/ext4/file.c ext4_dio_write_iter(): ext4_dio_write_checks() takes the exclusive inode lock as
// often as it drops it, but its `out:` label drops the lock its caller took on the first failure.
const checksDropOnFailure = (outLabel: string) => `static ssize_t foo_write_checks(struct kiocb *iocb, struct iov_iter *from, bool *shared)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	ssize_t ret;

restart:
	ret = foo_generic_write_checks(iocb, from);
	if (ret <= 0)
		goto out;
	if (*shared && foo_extending_io(inode, iocb->ki_pos, ret)) {
		inode_unlock_shared(inode);
		*shared = false;
		inode_lock(inode);
		goto restart;
	}
	return ret;
out:
${outLabel}	return ret;
}

static ssize_t foo_dio_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	bool shared = !foo_unaligned_io(inode, from);
	ssize_t ret;

	if (shared)
		inode_lock_shared(inode);
	else
		inode_lock(inode);
	ret = foo_write_checks(iocb, from, &shared);
	if (ret <= 0)
		return ret;
	ret = foo_dio_rw(iocb, from);
	if (shared)
		inode_unlock_shared(inode);
	else
		inode_unlock(inode);
	return ret;
}
`;

ruleTester(lockImbalance, {
  valid: [
    { name: 'a trylock result kept as `!= 0` in a flag tells where the lock is held (ucsi con mutex)', path: 'drivers/usb/typec/foo/foo.c', code: trylockFlagHelper('\tif (!connected && mutex_locked)\n\t\tmutex_unlock(&con->lock);\n') },
    { name: 'a helper given the socket unlocks the mutex derived from it on every exit (netlink_dump)', path: 'net/foo/af_foo.c', code: calleeUnlocksDerivedLock('\tmutex_unlock(nlk->cb_mutex);\n') },
    { name: 'a helper given the inode drops the rw_semaphore taken for writing on every exit (udf expand)', path: 'fs/foo/inode.c', code: calleeDropsRwsem('\t\tup_write(&iinfo->i_data_sem);\n') },
    { name: 'a helper that takes the exclusive lock as often as it drops it, but drops the caller\'s on failure (ext4 dio checks)', path: 'fs/foo/file.c', code: checksDropOnFailure('\tif (*shared)\n\t\tinode_unlock_shared(inode);\n\telse\n\t\tinode_unlock(inode);\n') },
    { name: 'a semaphore counting URBs in flight, upped by their completion (usbtmc)', path: 'drivers/usb/class/foo.c', code: urbsInFlight('MAX_URBS_IN_FLIGHT') },
    { name: 'a debug macro given a whole loop is not the header of the unlock after it (jffs2 D2)', path: 'fs/foo/compr.c', code: debugMacroLoop('\t\tspin_unlock(&foo_compressor_list_lock);\n\t\treturn -1;\n') },
    {
      name: 'mutex_lock() with mutex_unlock() on every return',
      path: 'drivers/misc/foo_ctl.c',
      code: `static int foo_set_mode(struct foo *foo, int mode)
{
	int ret;

	mutex_lock(&foo->lock);
	if (mode == foo->mode) {
		mutex_unlock(&foo->lock);
		return 0;
	}
	ret = foo_hw_set_mode(foo, mode);
	if (!ret)
		foo->mode = mode;
	mutex_unlock(&foo->lock);
	return ret;
}
`,
    },
    {
      name: 'guard() and scoped_guard() from cleanup.h',
      path: 'drivers/misc/foo_guard.c',
      code: `static int foo_get_count(struct foo *foo)
{
	guard(mutex)(&foo->lock);
	if (!foo->ready)
		return -ENODEV;
	return foo->count;
}

static void foo_reset(struct foo *foo)
{
	scoped_guard(spinlock_irqsave, &foo->slock) {
		if (!foo->ready)
			return;
		foo->count = 0;
	}
	foo_notify(foo);
}
`,
    },
    {
      name: 'the trylock failure path returns without unlocking',
      path: 'drivers/misc/foo_poll.c',
      code: `static void foo_poll(struct foo *foo)
{
	if (!mutex_trylock(&foo->poll_lock))
		return;
	foo_process(foo);
	mutex_unlock(&foo->poll_lock);
}
`,
    },
    {
      name: 'mutex_lock_interruptible() failure returns without the lock',
      path: 'drivers/misc/foo_ioctl.c',
      code: `static long foo_ioctl_get(struct foo *foo, u32 __user *arg)
{
	u32 value;

	if (mutex_lock_interruptible(&foo->lock))
		return -ERESTARTSYS;
	value = foo->value;
	mutex_unlock(&foo->lock);
	return put_user(value, arg);
}
`,
    },
    {
      name: 'a helper that returns with the lock held on success only',
      path: 'drivers/misc/foo_lock.c',
      code: `static struct foo_port *foo_lock_port(struct foo *foo, int id)
{
	struct foo_port *port;

	mutex_lock(&foo->lock);
	port = foo_find_port(foo, id);
	if (!port) {
		mutex_unlock(&foo->lock);
		return NULL;
	}
	return port;
}
`,
    },
    {
      name: 'conditional locking under the same test',
      path: 'drivers/misc/foo_cond.c',
      code: `static void foo_update(struct foo *foo, bool locked)
{
	if (!locked)
		spin_lock(&foo->lock);
	foo->generation++;
	if (!locked)
		spin_unlock(&foo->lock);
}
`,
    },
    {
      name: 'spin_lock_irqsave() and a goto to the unlock',
      path: 'drivers/net/foo/foo_tx.c',
      code: `static int foo_tx_reserve(struct foo_ring *ring, unsigned int count)
{
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&ring->lock, flags);
	if (ring->free < count) {
		ret = -EBUSY;
		goto unlock;
	}
	ring->free -= count;
unlock:
	spin_unlock_irqrestore(&ring->lock, flags);
	return ret;
}
`,
    },
    {
      name: 'lock and unlock inside a loop body',
      path: 'drivers/misc/foo_loop.c',
      code: `static int foo_flush_all(struct foo *foo)
{
	struct foo_queue *q;

	list_for_each_entry(q, &foo->queues, node) {
		spin_lock(&q->lock);
		if (q->stopped) {
			spin_unlock(&q->lock);
			continue;
		}
		foo_flush_queue(q);
		spin_unlock(&q->lock);
	}
	return 0;
}
`,
    },
  ],
  invalid: [
    { name: 'a trylock flag tested, but the disconnected exit keeps the lock', path: 'drivers/usb/typec/foo/foo.c', code: trylockFlagHelper('\tif (!mutex_locked)\n\t\treturn false;\n\tif (!connected)\n\t\treturn false; /* expect: lock-imbalance */\n\tif (con->closing) {\n\t\tmutex_unlock(&con->lock);\n\t\treturn false;\n\t}\n') },
    { name: 'a helper that only takes and drops the mutex itself leaves the caller holding it (and its own error exit keeps it)', path: 'net/foo/af_foo.c', code: calleeUnlocksDerivedLock('\tmutex_lock(nlk->cb_mutex);\n\tmutex_unlock(nlk->cb_mutex);\n').replace('errout_skb:\n\tmutex_unlock(nlk->cb_mutex);\n\treturn err;', 'errout_skb:\n\treturn err; /* expect: lock-imbalance */').replace('\tif (ret)\n\t\treturn ret;', '\tif (ret)\n\t\treturn ret; /* expect: lock-imbalance */') },
    {
      name: 'a helper that drops the rw_semaphore only to sleep and takes it back leaves the caller holding it',
      path: 'fs/foo/inode.c',
      code: calleeDropsRwsem('')
        .replace('\tif (err) {\n\t\tup_write(&iinfo->i_data_sem);\n\t\treturn err;\n\t}', '\tif (err)\n\t\treturn err;')
        .replace('\tiinfo->i_alloc_type = FOO_AD_EXTENT;\n\tup_write(&iinfo->i_data_sem);\n', '\tiinfo->i_alloc_type = FOO_AD_EXTENT;\n')
        .replace('\t\tif (err)\n\t\t\treturn err;\n\t\tdown_write', '\t\tif (err)\n\t\t\treturn err; /* expect: lock-imbalance */\n\t\tdown_write'),
    },
    { name: 'a helper that drops the shared lock only to take the exclusive one lets go of nothing of its caller\'s', path: 'fs/foo/file.c', code: checksDropOnFailure('').replace('\tif (ret <= 0)\n\t\treturn ret;\n\tret = foo_dio_rw', '\tif (ret <= 0)\n\t\treturn ret; /* expect: lock-imbalance */\n\tret = foo_dio_rw') },
    { name: 'a semaphore that starts at 1 is a lock: an error exit must up it', path: 'drivers/usb/class/foo.c', code: urbsInFlight('1', ' /* expect: lock-imbalance */') },
    { name: 'the same function returning busy without its unlock', path: 'fs/foo/compr.c', code: debugMacroLoop('\t\treturn -1; /* expect: lock-imbalance */\n') },
    {
      name: 'an early return between mutex_lock() and the unlock label',
      path: 'drivers/block/fitblk.c',
      code: mutexEarlyReturn,
    },
    {
      name: 'spin_lock_irqsave() and a return without the irqrestore',
      path: 'drivers/misc/foo_cmd.c',
      code: irqsaveEarlyReturn,
    },
    {
      name: 'rcu_read_lock() left on the not-found path',
      path: 'net/bar/bar_mtu.c',
      code: rcuEarlyReturn,
    },
    {
      name: 'mutex_lock_interruptible() succeeded, then -EBUSY returns with the lock',
      path: 'drivers/misc/baz_ioctl.c',
      code: interruptibleThenError,
    },
    {
      name: 'spin_trylock() succeeded, then an early return keeps the lock',
      path: 'drivers/misc/qux_poll.c',
      code: trylockSuccessLeaks,
    },
    {
      name: 'down_read() and a return without up_read()',
      path: 'drivers/misc/quux_cfg.c',
      code: rwsemEarlyReturn,
    },
  ],
});

describe('lock-imbalance wording', () => {
  it('says what a goto leaves held at the return it jumps to', async () => {
    const code = `static int foo_write(struct foo *foo, int len)
{
	int ret;

	mutex_lock(&foo->lock);
	ret = foo_prepare(foo);
	if (ret)
		goto out;
	ret = foo_send(foo, len);
	mutex_unlock(&foo->lock);
out:
	return ret;
}
`;
    const findings = await runRuleCase(lockImbalance, { name: 'goto wording', path: 'drivers/foo/foo.c', code });
    expect(findings.map((finding) => finding.comment)).toEqual([
      expect.stringContaining('this goto to `out` jumps to the return at line 12 with `foo->lock` still held (taken by mutex_lock() at line 5)'),
    ]);
  });
});
