/**
 * The kernel idioms behind the false alarms the ownership engine stopped raising in 6f955fa on
 * locks, module references and completions, each next to the bug of the same shape it must still
 * catch. Memory and counted references are in ownership-idioms.test.ts.
 */
import { completionMissed } from '../../src/rules/completion-missed.js';
import { lockImbalance } from '../../src/rules/lock-imbalance.js';
import { moduleRefLeak } from '../../src/rules/module-ref-leak.js';
import { tryModuleGetSelf } from '../../src/rules/try-module-get-self.js';
import { ruleTester } from '../helpers/rule-tester.js';

// fs/ntfs3/record.c mi_read(): the lock is taken where the pointer is set, dropped under `if (rw_lock)`.
const conditionalLockPair = `int foo_read_record(struct foo_rec *mi, bool is_meta)
{
	struct foo_sb_info *sbi = mi->sbi;
	struct foo_inode *meta = sbi->meta;
	struct rw_semaphore *rw_lock = NULL;
	int err;

	if (foo_is_mounted(sbi)) {
		if (!is_meta && meta) {
			rw_lock = &meta->run_lock;
			down_read(rw_lock);
		}
	}
	err = foo_read_bh(sbi, mi);
	if (rw_lock)
		up_read(rw_lock);
	if (!err)
		goto ok;
	if (err != -ENOENT)
		return err;
	if (rw_lock) {
		foo_lock(meta);
		down_write(rw_lock);
	}
	err = foo_load_runs(sbi, mi);
	if (rw_lock) {
		up_write(rw_lock);
		foo_unlock(meta);
	}
	if (err)
		return err;
ok:
	return foo_check_record(mi);
}
`;

// The same conditional lock with an error return between the lock and the unlock.
const returnInsideConditionalLock = `int foo_read_record(struct foo_rec *mi, bool is_meta)
{
	struct foo_sb_info *sbi = mi->sbi;
	struct rw_semaphore *rw_lock = NULL;
	int err;

	if (!is_meta && sbi->meta)
		rw_lock = &sbi->meta->run_lock;
	if (rw_lock)
		down_read(rw_lock);
	err = foo_read_bh(sbi, mi);
	if (err)
		return err; /* expect: lock-imbalance */
	if (rw_lock)
		up_read(rw_lock);
	return foo_check_record(mi);
}
`;

// net/mac80211/mesh_plink.c mesh_sta_info_get(): returns under the RCU read lock, and says so.
const acquiresAnnotation = `static struct foo_sta *foo_sta_get(struct foo_if *sdata, const u8 *addr) __acquires(RCU)
{
	struct foo_sta *sta;

	rcu_read_lock();
	sta = foo_sta_find(sdata, addr);
	if (sta) {
		foo_sta_init(sdata, sta);
		return sta;
	}
	rcu_read_unlock();
	sta = foo_sta_alloc(sdata, addr);
	rcu_read_lock();
	if (!sta)
		return NULL;
	foo_sta_init(sdata, sta);
	return sta;
}
`;

// drivers/base/power/clock_ops.c pm_clk_op_lock(): a lock helper returns 0 with a lock held.
const lockHelper = `static int foo_clk_op_lock(struct foo_psd *psd, unsigned long *flags)
{
	bool atomic_context = in_atomic() || irqs_disabled();

try_again:
	spin_lock_irqsave(&psd->lock, *flags);
	if (!psd->might_sleep)
		return 0;
	if (atomic_context) {
		pr_err("atomic context with might_sleep = %d\\n", psd->might_sleep);
		spin_unlock_irqrestore(&psd->lock, *flags);
		return -EPERM;
	}
	spin_unlock_irqrestore(&psd->lock, *flags);
	mutex_lock(&psd->clock_mutex);
	if (likely(psd->might_sleep))
		return 0;
	mutex_unlock(&psd->clock_mutex);
	goto try_again;
}
`;

// The same early return in a function that is not a lock helper.
const mutexEarlyReturnNotAHelper = `static int foo_claim(struct foo *foo)
{
	mutex_lock(&foo->claim_mutex);
	if (foo->owner == current)
		return 0; /* expect: lock-imbalance */
	foo->owner = current;
	foo->claims++;
	mutex_unlock(&foo->claim_mutex);
	return 0;
}
`;

// drivers/usb/misc/usblcd.c lcd_write(): the write limit semaphore is upped by the URB callback.
const semaphoreUppedInCallback = `static void foo_write_bulk_callback(struct urb *urb)
{
	struct foo_lcd *dev = urb->context;

	usb_free_coherent(urb->dev, urb->transfer_buffer_length, urb->transfer_buffer, urb->transfer_dma);
	up(&dev->limit_sem);
}

static ssize_t foo_write(struct file *file, const char __user *user_buffer, size_t count, loff_t *ppos)
{
	struct foo_lcd *dev = file->private_data;
	struct urb *urb;
	char *buf;
	int retval;

	if (count == 0)
		return 0;
	if (down_interruptible(&dev->limit_sem))
		return -EINTR;
	urb = usb_alloc_urb(0, GFP_KERNEL);
	if (!urb) {
		retval = -ENOMEM;
		goto err_up;
	}
	buf = usb_alloc_coherent(dev->udev, count, GFP_KERNEL, &urb->transfer_dma);
	if (!buf) {
		retval = -ENOMEM;
		goto err_free_urb;
	}
	if (copy_from_user(buf, user_buffer, count)) {
		retval = -EFAULT;
		goto err_free_buf;
	}
	usb_fill_bulk_urb(urb, dev->udev, usb_sndbulkpipe(dev->udev, dev->bulk_out), buf, count, foo_write_bulk_callback, dev);
	retval = usb_submit_urb(urb, GFP_KERNEL);
	if (retval)
		goto err_free_buf;
	usb_free_urb(urb);
	return count;

err_free_buf:
	usb_free_coherent(dev->udev, count, buf, urb->transfer_dma);
err_free_urb:
	usb_free_urb(urb);
err_up:
	up(&dev->limit_sem);
	return retval;
}
`;

// Next to that semaphore, the rwsem the function takes itself is still judged on its error exits.
const rwsemErrorReturnNextToSemaphore = `static void foo_write_bulk_callback(struct urb *urb)
{
	struct foo_lcd *dev = urb->context;

	up(&dev->limit_sem);
}

static ssize_t foo_write(struct file *file, const char __user *user_buffer, size_t count, loff_t *ppos)
{
	struct foo_lcd *dev = file->private_data;
	struct urb *urb;
	int retval;

	if (down_interruptible(&dev->limit_sem))
		return -EINTR;
	down_read(&dev->io_rwsem);
	if (dev->disconnected)
		return -ENODEV; /* expect: lock-imbalance "\`dev->io_rwsem\`" */ /* expect: lock-imbalance "\`dev->limit_sem\`" */
	urb = usb_alloc_urb(0, GFP_KERNEL);
	if (!urb) {
		retval = -ENOMEM;
		goto err_up_io;
	}
	usb_fill_bulk_urb(urb, dev->udev, usb_sndbulkpipe(dev->udev, dev->bulk_out), dev->buf, count, foo_write_bulk_callback, dev);
	retval = usb_submit_urb(urb, GFP_KERNEL);
	usb_free_urb(urb);
	if (retval)
		goto err_up_io;
	up_read(&dev->io_rwsem);
	return count;

err_up_io:
	up_read(&dev->io_rwsem);
	up(&dev->limit_sem);
	return retval;
}
`;

// Next to an annotated helper, a function that does not say it returns under the lock is judged.
const rcuReturnWithoutAnnotation = `static struct foo_sta *foo_sta_get(struct foo_if *sdata, const u8 *addr) __acquires(RCU)
{
	struct foo_sta *sta;

	rcu_read_lock();
	sta = foo_sta_find(sdata, addr);
	if (!sta)
		return NULL;
	foo_sta_init(sdata, sta);
	return sta;
}

static int foo_sta_rssi(struct foo_if *sdata, const u8 *addr)
{
	struct foo_sta *sta;
	int rssi;

	rcu_read_lock();
	sta = foo_sta_find(sdata, addr);
	if (!sta)
		return -ENOENT; /* expect: lock-imbalance "rcu_read_lock()" */
	rssi = sta->rssi;
	rcu_read_unlock();
	return rssi;
}
`;

// fs/ubifs/journal.c reserve_space(): returns 0 with the journal head's io_mutex held; the file's
// release_head() is the other half, and it only unlocks.
const reserveReleasePair = `static int foo_reserve(struct foo_info *c, int head, int len)
{
	struct foo_wbuf *wbuf = &c->heads[head].wbuf;
	int err;

	mutex_lock(&wbuf->io_mutex);
	if (c->ro_error) {
		err = -EROFS;
		goto out_unlock;
	}
	if (wbuf->avail >= len)
		return 0;
	err = foo_find_space(c, len);
	if (err == -ENOSPC) {
		/* the garbage collector takes the mutex itself */
		mutex_unlock(&wbuf->io_mutex);
		return foo_run_gc(c);
	}
	if (err)
		goto out_unlock;
	return 0;

out_unlock:
	mutex_unlock(&wbuf->io_mutex);
	return err;
}

static void foo_release(struct foo_info *c, int head)
{
	mutex_unlock(&c->heads[head].wbuf.io_mutex);
}
`;

// The same function in a file whose other users take and drop the mutex themselves: the early
// return 0 leaves it held.
const reserveWithoutReleaseHalf = `static int foo_reserve(struct foo_info *c, int head, int len)
{
	struct foo_wbuf *wbuf = &c->heads[head].wbuf;
	int err;

	mutex_lock(&wbuf->io_mutex);
	if (c->ro_error) {
		err = -EROFS;
		goto out_unlock;
	}
	if (wbuf->avail >= len)
		return 0; /* expect: lock-imbalance "\`wbuf->io_mutex\`" */
	err = foo_find_space(c, len);
	if (err == -ENOSPC) {
		mutex_unlock(&wbuf->io_mutex);
		return foo_run_gc(c);
	}
	if (err)
		goto out_unlock;
	wbuf->avail -= len;
	err = 0;

out_unlock:
	mutex_unlock(&wbuf->io_mutex);
	return err;
}

static void foo_sync(struct foo_info *c, int head)
{
	mutex_lock(&c->heads[head].wbuf.io_mutex);
	foo_flush(&c->heads[head].wbuf);
	mutex_unlock(&c->heads[head].wbuf.io_mutex);
}
`;

// drivers/xen/xenbus/xenbus_comms.c process_msg(): the response mutex stays held while a message is
// read in pieces over several calls, and a static flag set beside the lock says so.
const lockRecordedInStaticFlag = `static int foo_process_msg(void)
{
	static struct {
		bool in_msg;
		unsigned int read;
		unsigned int len;
	} state;
	int err;

	if (!state.in_msg) {
		state.in_msg = true;
		state.read = 0;
		mutex_lock(&foo_response_mutex);
		if (!foo_data_to_read()) {
			mutex_unlock(&foo_response_mutex);
			state.in_msg = false;
			return 0;
		}
	}
	err = foo_read(state.read);
	if (err < 0)
		goto out;
	state.read += err;
	if (state.read != state.len)
		return 0;
	err = foo_deliver();
out:
	mutex_unlock(&foo_response_mutex);
	state.in_msg = false;
	return err;
}
`;

// The same shape with a local flag: it does not outlive the call, so the partial-read return keeps the mutex.
const lockRecordedInLocalFlag = `static int foo_process_msg(struct foo_state *st)
{
	bool in_msg = false;
	int err;

	if (!st->busy) {
		in_msg = true;
		mutex_lock(&foo_response_mutex);
		if (!foo_data_to_read()) {
			mutex_unlock(&foo_response_mutex);
			in_msg = false;
			return 0;
		}
	}
	err = foo_read(st->read);
	if (err < 0)
		goto out;
	st->read += err;
	if (st->read != st->len)
		return 0; /* expect: lock-imbalance "\`foo_response_mutex\`" */
	err = foo_deliver();
out:
	mutex_unlock(&foo_response_mutex);
	in_msg = false;
	return err;
}
`;

// fs/ocfs2/suballoc.c ocfs2_reserve_suballoc_bits(): the allocator inode, locked as a whole, is
// stored in the caller's alloc context, which unlocks it when it frees the context.
const lockedObjectStoredForCaller = `static int foo_reserve_bits(struct foo_super *osb, struct foo_alloc_context *ac, int type, int slot)
{
	struct inode *alloc_inode;
	int status;

	alloc_inode = foo_get_system_file_inode(osb, type, slot);
	if (!alloc_inode)
		return -EINVAL;
	inode_lock(alloc_inode);
	status = foo_inode_lock(alloc_inode, 1);
	if (status < 0) {
		inode_unlock(alloc_inode);
		iput(alloc_inode);
		return status;
	}
	ac->ac_inode = alloc_inode;
	ac->ac_alloc_slot = slot;
	if (foo_free_bits(alloc_inode) < ac->ac_bits_wanted) {
		status = -ENOSPC;
		goto bail;
	}
	status = 0;
bail:
	return status;
}
`;

// The same function where the error return comes before the store: the lock is still the function's.
const lockedObjectErrorBeforeStore = `static int foo_reserve_bits(struct foo_super *osb, struct foo_alloc_context *ac, int type, int slot)
{
	struct inode *alloc_inode;
	int status;

	alloc_inode = foo_get_system_file_inode(osb, type, slot);
	if (!alloc_inode)
		return -EINVAL;
	inode_lock(alloc_inode);
	status = foo_inode_lock(alloc_inode, 1);
	if (status < 0) {
		inode_unlock(alloc_inode);
		iput(alloc_inode);
		return status;
	}
	if (foo_free_bits(alloc_inode) < ac->ac_bits_wanted)
		return -ENOSPC; /* expect: lock-imbalance "\`alloc_inode\`" */
	ac->ac_inode = alloc_inode;
	ac->ac_alloc_slot = slot;
	return 0;
}
`;

ruleTester(lockImbalance, {
  valid: [
    { name: 'taken and dropped under the same condition (ntfs3 mi_read)', path: 'fs/foofs/record.c', code: conditionalLockPair },
    { name: '__acquires(RCU): returns under the read lock by design (mac80211 mesh)', path: 'net/foo/mesh_sta.c', code: acquiresAnnotation },
    { name: 'a *_lock helper returns 0 with the lock held (pm_clk_op_lock)', path: 'drivers/base/power/foo_clock_ops.c', code: lockHelper },
    { name: 'a semaphore the URB completion callback ups (usblcd)', path: 'drivers/usb/misc/foo_lcd.c', code: semaphoreUppedInCallback },
    { name: 'returns 0 holding a mutex that a release-only function of the file drops (ubifs reserve_space)', path: 'fs/foofs/journal.c', code: reserveReleasePair },
    { name: 'a static flag set beside the lock and cleared beside the unlock records it held across calls (xenbus)', path: 'drivers/xen/foo/foo_comms.c', code: lockRecordedInStaticFlag },
    { name: 'an object locked as a whole and stored in the caller\'s structure goes with its lock (ocfs2)', path: 'fs/foofs/suballoc.c', code: lockedObjectStoredForCaller },
  ],
  invalid: [
    { name: 'an error return between a conditional lock and its unlock', path: 'fs/foofs/record.c', code: returnInsideConditionalLock },
    { name: 'a mutex early return in a function that is not a lock helper', path: 'drivers/misc/foo_claim.c', code: mutexEarlyReturnNotAHelper },
    { name: 'next to the semaphore the callback ups, an error return keeps the io rwsem and the semaphore held', path: 'drivers/usb/misc/foo_lcd.c', code: rwsemErrorReturnNextToSemaphore },
    { name: 'next to an __acquires(RCU) helper, an unannotated function returns inside rcu_read_lock()', path: 'net/foo/mesh_sta.c', code: rcuReturnWithoutAnnotation },
    { name: 'the same early return where the file only takes and drops the mutex in pairs', path: 'fs/foofs/journal.c', code: reserveWithoutReleaseHalf },
    { name: 'a local flag beside the lock does not outlive the call: the partial-read return keeps the mutex', path: 'drivers/xen/foo/foo_comms.c', code: lockRecordedInLocalFlag },
    { name: 'an error return before the locked object is stored keeps the lock', path: 'fs/foofs/suballoc.c', code: lockedObjectErrorBeforeStore },
  ],
});

// fs/anon_inodes.c __anon_inode_getfile(): the reference on fops->owner goes with the new file.
const ownerKeptWithFile = `static struct file *foo_anon_getfile(const char *name, const struct file_operations *fops, void *priv, int flags)
{
	struct inode *inode;
	struct file *file;

	if (fops->owner && !try_module_get(fops->owner))
		return ERR_PTR(-ENOENT);
	inode = foo_make_inode(foo_mnt->mnt_sb, name);
	if (IS_ERR(inode)) {
		file = ERR_CAST(inode);
		goto err;
	}
	file = alloc_file_pseudo(inode, foo_mnt, name, flags & (O_ACCMODE | O_NONBLOCK), fops);
	if (IS_ERR(file))
		goto err_iput;
	file->private_data = priv;
	return file;

err_iput:
	iput(inode);
err:
	module_put(fops->owner);
	return file;
}
`;

const ownerErrorReturn = `static struct file *foo_anon_getfile(const char *name, const struct file_operations *fops, void *priv, int flags)
{
	struct inode *inode;
	struct file *file;

	if (fops->owner && !try_module_get(fops->owner))
		return ERR_PTR(-ENOENT);
	inode = foo_make_inode(foo_mnt->mnt_sb, name);
	if (IS_ERR(inode))
		return ERR_CAST(inode); /* expect: module-ref-leak */
	file = alloc_file_pseudo(inode, foo_mnt, name, flags & (O_ACCMODE | O_NONBLOCK), fops);
	if (IS_ERR(file)) {
		iput(inode);
		module_put(fops->owner);
		return file;
	}
	file->private_data = priv;
	return file;
}
`;

ruleTester(moduleRefLeak, {
  valid: [{ name: 'a reference on fops->owner kept with the file on success (anon_inodes)', path: 'fs/foo_anon.c', code: ownerKeptWithFile }],
  invalid: [{ name: 'an error return that skips module_put(fops->owner)', path: 'fs/foo_anon.c', code: ownerErrorReturn }],
});

// drivers/net/ethernet/toshiba/ps3_gelic_wireless.c gelic_wl_alloc(): a constructor initialises
// the completion and completes it once; its error exits return nothing anybody could wait on.
const constructorCompletes = `static struct net_device *foo_wl_alloc(struct foo_card *card)
{
	struct net_device *netdev;
	struct foo_wl_info *wl;

	netdev = alloc_etherdev(sizeof(*wl));
	if (!netdev)
		return NULL;
	wl = netdev_priv(netdev);
	wl->networks = kcalloc(FOO_WL_BSS_MAX_ENT, sizeof(*wl->networks), GFP_KERNEL);
	if (!wl->networks)
		goto fail_bss;
	wl->cmd_queue = create_singlethread_workqueue("foo_cmd");
	if (!wl->cmd_queue)
		goto fail_cmd_workqueue;
	init_completion(&wl->scan_done);
	/* for the case that no scan request is issued and stop() is called */
	complete(&wl->scan_done);
	wl->buf = (void *)get_zeroed_page(GFP_KERNEL);
	if (!wl->buf)
		goto fail_getpage;
	return netdev;

fail_getpage:
	destroy_workqueue(wl->cmd_queue);
fail_cmd_workqueue:
	kfree(wl->networks);
fail_bss:
	free_netdev(netdev);
	return NULL;
}

static int foo_wl_stop(struct net_device *netdev)
{
	struct foo_wl_info *wl = netdev_priv(netdev);

	wait_for_completion(&wl->scan_done);
	return 0;
}
`;

// The event handler that completes the scan does not initialise it: its error exit is a hang.
const eventHandlerErrorReturn = `static int foo_wl_scan_complete_event(struct foo_wl_info *wl)
{
	void *buf;

	buf = (void *)__get_free_page(GFP_KERNEL);
	if (!buf)
		return -ENOMEM; /* expect: completion-missed "foo_wl_stop() sleeps in wait_for_completion()" */
	foo_wl_parse_scan(wl, buf);
	free_page((unsigned long)buf);
	complete(&wl->scan_done);
	return 0;
}

static int foo_wl_stop(struct net_device *netdev)
{
	struct foo_wl_info *wl = netdev_priv(netdev);

	wait_for_completion(&wl->scan_done);
	return 0;
}
`;

ruleTester(completionMissed, {
  valid: [
    { name: 'a constructor that initialises and completes the completion (gelic_wl_alloc)', path: 'drivers/net/ethernet/foo/foo_wireless.c', code: constructorCompletes },
    // Not a thread: a handler that fails owes no complete() (see completion-missed's limits).
    {
      name: 'an event handler that returns an error before complete() is not a thread',
      path: 'drivers/net/ethernet/foo/foo_wireless.c',
      code: eventHandlerErrorReturn.replace(/ \/\* expect: completion-missed[^*]*\*\//, ''),
    },
  ],
  invalid: [],
});

// drivers/md/dm.c alloc_dev(): the module reference lives as long as the object it is taken for.
const keptForObject = `static struct foo_md *foo_alloc_dev(int minor)
{
	struct foo_md *md;
	int r;

	md = kvzalloc_node(sizeof(*md), GFP_KERNEL, NUMA_NO_NODE);
	if (!md)
		return NULL;
	if (!try_module_get(THIS_MODULE))
		goto bad_module_get;
	r = foo_next_free_minor(&minor);
	if (r < 0)
		goto bad_minor;
	md->minor = minor;
	return md;

bad_minor:
	module_put(THIS_MODULE);
bad_module_get:
	kvfree(md);
	return NULL;
}

static void foo_free_dev(struct foo_md *md)
{
	foo_free_minor(md->minor);
	module_put(THIS_MODULE);
	kvfree(md);
}
`;

// drivers/block/rnbd/rnbd-clt-sysfs.c: taken and dropped to ask whether the module is going away.
const goingAwayTest = `static void foo_clt_remove_sysfs(struct foo_clt_dev *dev)
{
	if (dev->blk_symlink_name) {
		if (try_module_get(THIS_MODULE)) {
			sysfs_remove_link(foo_devs_kobj, dev->blk_symlink_name);
			module_put(THIS_MODULE);
		}
		kfree(dev->blk_symlink_name);
		dev->blk_symlink_name = NULL;
	}
}
`;

// The seed's case: the reference is checked, then a thread running module code is started.
const checkedBeforeThread = `static int foo_start_monitor(struct foo *foo)
{
	struct task_struct *task;

	if (!try_module_get(THIS_MODULE)) /* expect: try-module-get-self */
		return -ENODEV;
	task = kthread_run(foo_monitor_thread, foo, "foo-monitor");
	if (IS_ERR(task)) {
		module_put(THIS_MODULE);
		return PTR_ERR(task);
	}
	foo->monitor = task;
	return 0;
}
`;

ruleTester(tryModuleGetSelf, {
  valid: [
    { name: 'kept for the life of an object, dropped in its free (dm alloc_dev)', path: 'drivers/md/foo_md.c', code: keptForObject },
    { name: 'taken and dropped again as a going-away test (rnbd)', path: 'drivers/block/foo/foo-clt-sysfs.c', code: goingAwayTest },
  ],
  invalid: [{ name: 'checked before kthread_run() starts module code', path: 'drivers/misc/foo_monitor.c', code: checkedBeforeThread }],
});

// drivers/net/wireless/intel/iwlwifi/mvm/ops.c iwl_mvm_nic_restart(): the reference goes with the
// reprobe work, whose function drops it; the comment says the check refuses work during unload.
const referenceForQueuedWork = `static void foo_reprobe_wk(struct work_struct *wk)
{
	struct foo_reprobe *reprobe = container_of(wk, struct foo_reprobe, work);

	foo_reprobe_device(reprobe->dev);
	put_device(reprobe->dev);
	kfree(reprobe);
	module_put(THIS_MODULE);
}

static void foo_nic_restart(struct foo *foo)
{
	struct foo_reprobe *reprobe;

	/*
	 * get a module reference to avoid doing this while unloading
	 * anyway and to avoid scheduling a work with code that's
	 * being removed.
	 */
	if (!try_module_get(THIS_MODULE)) {
		dev_err(foo->dev, "Module is being unloaded - abort\\n");
		return;
	}
	reprobe = kzalloc(sizeof(*reprobe), GFP_ATOMIC);
	if (!reprobe) {
		module_put(THIS_MODULE);
		return;
	}
	reprobe->dev = get_device(foo->dev);
	INIT_WORK(&reprobe->work, foo_reprobe_wk);
	schedule_work(&reprobe->work);
}
`;

// The same function where the allocation failure forgets the reference.
const referenceForQueuedWorkLeaked = `static void foo_nic_restart(struct foo *foo)
{
	struct foo_reprobe *reprobe;

	/* do not schedule the work while the module unloads */
	if (!try_module_get(THIS_MODULE))
		return;
	reprobe = kzalloc(sizeof(*reprobe), GFP_ATOMIC);
	if (!reprobe)
		return; /* expect: module-ref-leak */
	reprobe->dev = get_device(foo->dev);
	INIT_WORK(&reprobe->work, foo_reprobe_wk);
	schedule_work(&reprobe->work);
}
`;

// The same check under a comment that does not say why.
const referenceForQueuedWorkUnexplained = `static void foo_nic_restart(struct foo *foo)
{
	struct foo_reprobe *reprobe;

	/* the reprobe work needs the module */
	if (!try_module_get(THIS_MODULE)) /* expect: try-module-get-self */
		return;
	reprobe = kzalloc(sizeof(*reprobe), GFP_ATOMIC);
	if (!reprobe) {
		module_put(THIS_MODULE);
		return;
	}
	reprobe->dev = get_device(foo->dev);
	INIT_WORK(&reprobe->work, foo_reprobe_wk);
	schedule_work(&reprobe->work);
}
`;

ruleTester(moduleRefLeak, {
  valid: [{ name: 'a reference the queued work item drops (iwlwifi reprobe)', path: 'drivers/net/foo/ops.c', code: referenceForQueuedWork }],
  invalid: [{ name: 'an allocation failure before the work is queued keeps the reference', path: 'drivers/net/foo/ops.c', code: referenceForQueuedWorkLeaked }],
});

ruleTester(tryModuleGetSelf, {
  valid: [{ name: 'a comment says the check refuses work while the module unloads (iwlwifi reprobe)', path: 'drivers/net/foo/ops.c', code: referenceForQueuedWork }],
  invalid: [{ name: 'the same check under a comment that does not say why', path: 'drivers/net/foo/ops.c', code: referenceForQueuedWorkUnexplained }],
});

// fs/btrfs/tree-mod-log.c tree_mod_dont_log(): "Otherwise, it returns false with the
// tree_mod_log_lock acquired." The header comment states the contract its callers follow.
const dontLog = (header: string) => `${header}static inline bool foo_dont_log(struct foo_fs_info *fs_info, struct foo_buffer *eb)
{
	if (!test_bit(FOO_FS_LOG_USERS, &fs_info->flags))
		return true;
	if (eb && foo_header_level(eb) == 0)
		return true;

	write_lock(&fs_info->log_lock);
	if (list_empty(&fs_info->seq_list)) {
		write_unlock(&fs_info->log_lock);
		return true;
	}

	return false; /* cut */
}
`;
const contractHeader = '/*\n * Determines if logging can be omitted. Returns true if it can. Otherwise, it\n * returns false with the log_lock acquired. The caller must write unlock it.\n */\n';

// drivers/gpu/drm/ttm/ttm_device.c ttm_device_swapout(): "ttm_bo_swapout has dropped the
// lru_lock": the callee lets the lock go on the paths that return.
const swapout = (note: string) => `int foo_device_swapout(struct foo_device *bdev)
{
	struct foo_bo *bo;
	int ret;

	spin_lock(&bdev->lru_lock);
	list_for_each_entry(bo, &bdev->lru, lru) {
		ret = foo_bo_swapout(bo);
${note}		if (!ret)
			return bo->num_pages; /* cut */
		if (ret != -EBUSY)
			return ret;
	}
	spin_unlock(&bdev->lru_lock);
	return 0;
}
`;
const expectHeld = (code: string, what: string): string => code.replace('/* cut */', `/* expect: lock-imbalance "${what}" */`);
const uncut = (code: string): string => code.replace(' /* cut */', '');

ruleTester(lockImbalance, {
  valid: [
    { name: 'a header comment that says it returns with the lock acquired (btrfs tree_mod_dont_log)', path: 'fs/foo/tree-log.c', code: uncut(dontLog(contractHeader)) },
    { name: 'a comment at the exit that says the callee dropped the lock (ttm swapout)', path: 'drivers/gpu/drm/foo/foo_device.c', code: uncut(swapout('\t\t/* foo_bo_swapout has dropped the lru_lock */\n')) },
    // drivers/tty/n_tty.c n_tty_read(): "NOTE! We return here with both the termios_sem and
    // atomic_read_lock still held, the retries will release them when done."
    {
      name: 'a comment at the exit that says it returns here with the lock held (n_tty read cookie)',
      path: 'drivers/gpu/drm/foo/foo_device.c',
      code: uncut(swapout('\t\t/*\n\t\t * Copy data, and if there is more to be had\n\t\t * and we have nothing more to wait for, then\n\t\t * let\'s mark us for retries.\n\t\t *\n\t\t * NOTE! We return here with the lru_lock still\n\t\t * held, the next call releases it when done.\n\t\t */\n\t\tfoo_mark_retry(bo);\n\t\tfoo_kick(bo);\n')),
    },
  ],
  invalid: [
    { name: 'the same function with a header that says nothing of the lock', path: 'fs/foo/tree-log.c', code: expectHeld(dontLog('/*\n * Determines if logging can be omitted. Returns true if it can.\n */\n'), 'log_lock') },
    { name: 'the same loop with no word on the lock', path: 'drivers/gpu/drm/foo/foo_device.c', code: expectHeld(swapout('\t\t/* the bo is gone from the LRU now */\n'), 'lru_lock') },
  ],
});
