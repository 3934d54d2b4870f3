/**
 * Kernel idioms behind false alarms judged on whole files of Linux 6.1 (stop 29), each next to
 * the bug of the same shape that must still be caught:
 * - an RPC task set up by a helper that puts the calldata into its struct rpc_task_setup, and
 *   the calldata reference given to rpc_run_task() in its task setup;
 * - debugfs' proxy fops installed in the file;
 * - a node kept from a for_each_child_of_node() walk in the field tested after it, and a second
 *   walk with the same cursor;
 * - a new table told from the old one by `!=`;
 * - a parameter tested again after a `goto again`;
 * - GNU's `a ?: b` returning a;
 * - a node given back to a resource list beside its head, a buffer kept through its page, and a
 *   work function run at once instead of queued;
 * - a global lock a callee's callee unlocks;
 * - an object freed through the release of the device an accessor gave from it.
 */
import { lockImbalance } from '../../src/rules/lock-imbalance.js';
import { memLeak } from '../../src/rules/mem-leak.js';
import { refLeak } from '../../src/rules/ref-leak.js';
import { ruleTester } from '../helpers/rule-tester.js';

// net/sunrpc/clnt.c rpc_clnt_test_and_add_xprt(), rpcb_clnt.c rpcb_getport_async(): the helper
// puts the calldata in the task setup it gives rpc_run_task(), which releases the calldata through
// the ops' rpc_release even when it cannot start the task.
const rpcHelper = (setup: string) => `static struct rpc_task *foo_call_null_helper(struct rpc_clnt *clnt, const struct rpc_call_ops *ops, void *data)
{
	struct rpc_message msg = {
		.rpc_proc = &foo_procedures[FOOPROC_NULL],
	};
	struct rpc_task_setup task_setup_data = {
		.rpc_client = clnt,
		.rpc_message = &msg,
		.callback_ops = ops,
${setup}		.flags = RPC_TASK_ASYNC | RPC_TASK_SOFT,
	};

	return rpc_run_task(&task_setup_data);
}

int foo_test_and_add_xprt(struct rpc_clnt *clnt, struct rpc_xprt *xprt)
{
	struct foo_add_xprt_data *data;
	struct rpc_task *task;

	data = kmalloc(sizeof(*data), GFP_KERNEL);
	if (!data)
		return -ENOMEM;
	data->xprt = xprt_get(xprt);
	if (foo_has_addr(clnt, xprt)) {
		xprt_put(data->xprt);
		kfree(data);
		return 1;
	}

	task = foo_call_null_helper(clnt, &foo_add_xprt_call_ops, data);
	if (IS_ERR(task))
		return PTR_ERR(task); /* cut */

	rpc_put_task(task);
	return 1;
}
`;

ruleTester(memLeak, {
  valid: [{ name: 'the helper gives the calldata to rpc_run_task() in its task setup', path: 'net/sunrpc/foo.c', code: rpcHelper('\t\t.callback_data = data,\n').replace(' /* cut */', '') }],
  invalid: [{ name: 'a helper that starts the task without the calldata', path: 'net/sunrpc/foo.c', code: rpcHelper('\t\t.callback_data = NULL,\n').replace('/* cut */', '/* expect: mem-leak "data" */') }],
});

// fs/debugfs/file.c full_proxy_open(): replace_fops() installs the proxy as the file's f_op; the
// file's ->release frees it. Only the paths that put the real fops back free it themselves.
const proxyOpen = (install: string) => `static int foo_proxy_open(struct inode *inode, struct file *filp)
{
	const struct file_operations *real_fops = foo_real_fops(filp);
	struct file_operations *proxy_fops;
	int r;

	proxy_fops = kzalloc(sizeof(*proxy_fops), GFP_KERNEL);
	if (!proxy_fops)
		return -ENOMEM;
	foo_proxy_fops_init(proxy_fops, real_fops);
${install}
	if (real_fops->open) {
		r = real_fops->open(inode, filp);
		if (r) {
			replace_fops(filp, real_fops);
			goto free_proxy;
		} else if (filp->f_op != proxy_fops) {
			/* the open replaced the proxy: nothing protects the file any more */
			goto free_proxy;
		}
	}
	r = 0;
	goto out; /* cut */

free_proxy:
	kfree(proxy_fops);
out:
	return r;
}
`;

ruleTester(memLeak, {
  valid: [{ name: 'replace_fops() makes the proxy the file\'s f_op (full_proxy_open())', path: 'fs/foo/file.c', code: proxyOpen('\treplace_fops(filp, proxy_fops);').replace(' /* cut */', '') }],
  invalid: [{ name: 'the proxy is set up and never installed', path: 'fs/foo/file.c', code: proxyOpen('\tfilp->private_data = NULL;').replace('/* cut */', '/* expect: mem-leak "proxy_fops" */') }],
});

// arch/mips/pci/pci-rt3883.c rt3883_pci_probe(): the walk keeps the node it breaks on in a field,
// and the test of that field after the loop is the test of whether it broke: where the field is
// NULL the walk ran out, and its last pass put the last node.
const keptChild = (test: string) => `static int foo_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct device_node *np = dev->of_node;
	struct device_node *child;
	struct foo *rpc;

	rpc = devm_kzalloc(dev, sizeof(*rpc), GFP_KERNEL);
	if (!rpc)
		return -ENOMEM;

	for_each_child_of_node(np, child) {
		if (of_get_property(child, "interrupt-controller", NULL)) {
			rpc->intc_of_node = child;
			break;
		}
	}

	if (${test}) {
		dev_err(dev, "no interrupt controller\n");
		return -EINVAL; /* cut */
	}

	if (foo_setup(rpc))
		goto err_put;
	return 0;

err_put:
	of_node_put(rpc->intc_of_node);
	return -EIO;
}
`;

ruleTester(refLeak, {
  valid: [{ name: 'the field the walk kept its node in is NULL only where the walk ran out', path: 'arch/mips/pci/pci-foo.c', code: keptChild('!rpc->intc_of_node').replace(' /* cut */', '') }],
  invalid: [{ name: 'another test after the walk leaves with the node it kept', path: 'arch/mips/pci/pci-foo.c', code: keptChild('!rpc->base').replace('/* cut */', '/* expect: ref-leak */') }],
});

// net/core/sysctl_net_core.c rps_sock_flow_sysctl(): a table vmalloc() just gave is never the old
// one, so `sock_table != orig_sock_table` holds and the new table is published.
const newTable = (test: string) => `static int foo_flow_sysctl(int write, unsigned int size)
{
	struct foo_flow_table *orig_sock_table, *sock_table;
	int ret = foo_read_size(&size);

	mutex_lock(&foo_flow_mutex);
	orig_sock_table = rcu_dereference_protected(foo_flow_table, lockdep_is_held(&foo_flow_mutex));
	if (write) {
		if (size) {
			if (size != foo_size_of(orig_sock_table)) {
				sock_table = vmalloc(FOO_TABLE_SIZE(size));
				if (!sock_table) {
					mutex_unlock(&foo_flow_mutex);
					return -ENOMEM;
				}
				sock_table->mask = size - 1;
			} else
				sock_table = orig_sock_table;
		} else
			sock_table = NULL;

		if (${test}) {
			rcu_assign_pointer(foo_flow_table, sock_table);
			if (orig_sock_table)
				kvfree_rcu(orig_sock_table);
		}
	}
	mutex_unlock(&foo_flow_mutex);
	return ret; /* cut */
}
`;

ruleTester(memLeak, {
  valid: [{ name: 'new memory is never the old pointer it is compared with', path: 'net/core/foo_sysctl.c', code: newTable('sock_table != orig_sock_table').replace(' /* cut */', '') }],
  invalid: [{ name: 'the new table is published only when there was an old one', path: 'net/core/foo_sysctl.c', code: newTable('orig_sock_table').replace('/* cut */', '/* expect: mem-leak "sock_table" */') }],
});

// The same probe walks the children again with the same cursor: the node it kept is still the
// field's, and the unwind label that puts the field puts it.
const twoWalks = (label: string) => `static int foo_probe(struct platform_device *pdev)
{
	struct device_node *np = pdev->dev.of_node;
	struct device_node *child;
	struct foo *rpc;
	int mode = 0;
	int err;

	rpc = devm_kzalloc(&pdev->dev, sizeof(*rpc), GFP_KERNEL);
	if (!rpc)
		return -ENOMEM;

	for_each_child_of_node(np, child) {
		if (of_node_is_type(child, "pci")) {
			rpc->bridge_node = child;
			break;
		}
	}
	if (!rpc->bridge_node)
		return -EINVAL;

	for_each_available_child_of_node(rpc->bridge_node, child) {
		if (of_pci_get_devfn(child) == 1)
			mode |= 1;
	}
	if (!mode) {
		err = -EINVAL;
		goto ${label}; /* cut */
	}

	err = foo_setup(rpc, mode);
	if (err)
		goto err_put_node;
	return 0;

err_put_node:
	of_node_put(rpc->bridge_node);
err_out:
	return err;
}
`;

ruleTester(refLeak, {
  valid: [{ name: 'a second walk with the same cursor leaves the kept node to the field', path: 'arch/mips/pci/pci-foo.c', code: twoWalks('err_put_node').replace(' /* cut */', '') }],
  invalid: [{ name: 'the error path after the second walk skips the put of the kept node', path: 'arch/mips/pci/pci-foo.c', code: twoWalks('err_out').replace('/* cut */', '/* expect: ref-leak */') }],
});

// fs/btrfs/free-space-cache.c test_add_free_space_entry(): `bitmap` is a parameter nothing
// assigns, so the pass that `goto again` starts takes the same branch as the first one.
const again = (failure: string) => `int foo_add_entry(struct foo_ctl *ctl, u64 offset, u64 bytes, bool bitmap)
{
	struct foo_info *info = NULL;
	void *map = NULL;
	int ret;

again:
	if (!info) {
		info = kzalloc(sizeof(*info), GFP_NOFS);
		if (!info)
			return -ENOMEM;
	}
	if (!bitmap) {
		ret = foo_link(ctl, info);
		if (ret)
			kfree(info);
		return ret;
	}
	if (!map) {
		map = kzalloc(PAGE_SIZE, GFP_NOFS);
		if (!map) {
			kfree(info);
			return -ENOMEM;
		}
	}
	if (!foo_search(ctl, offset)) {
		info->bitmap = map;
		map = NULL;
		foo_add_bitmap(ctl, info, offset);
		info = NULL;
	}
	ret = foo_add_bytes(ctl, offset, bytes);
	if (ret < 0) {
		kfree(info);
${failure}	}
	bytes -= ret;
	if (bytes)
		goto again;
	kfree(info);
	kfree(map);
	return 0;
}
`;

ruleTester(memLeak, {
  valid: [{ name: 'a parameter nothing assigns takes the same branch after goto again', path: 'fs/foo/free-space.c', code: again('\t\tkfree(map);\n\t\treturn ret;\n') }],
  invalid: [{ name: 'a failure after the bitmap was allocated keeps it', path: 'fs/foo/free-space.c', code: again('\t\treturn ret; /* expect: mem-leak "map" */\n') }],
});

// mm/shmem.c shmem_find_alias(): `return alias ?: d_find_any_alias(inode);` returns alias where it is set.
const elvis = (value: string) => `static struct dentry *foo_find_alias(struct inode *inode)
{
	struct dentry *alias = d_find_alias(inode);

	return ${value};
}
`;

ruleTester(refLeak, {
  valid: [{ name: 'GNU a ?: b returns a where a is set', path: 'mm/foo.c', code: elvis('alias ?: d_find_any_alias(inode)') }],
  invalid: [{ name: 'a ?: b whose a is another value drops alias on the floor', path: 'mm/foo.c', code: elvis('foo_pick(inode) ?: d_find_any_alias(inode)').replace('d_find_any_alias(inode);', 'd_find_any_alias(inode); /* expect: ref-leak */') }],
});

// fs/nfs/nfs4proc.c nfs4_run_open_task(): the reference taken for the task goes with the
// calldata of the task setup; rpc_run_task() releases the calldata even when it fails.
const openTask = (setup: string) => `static int foo_run_open_task(struct foo_opendata *data, struct rpc_clnt *clnt)
{
	struct rpc_message msg = {
		.rpc_proc = &foo_procedures[FOOPROC_OPEN],
		.rpc_argp = &data->o_arg,
	};
	struct rpc_task_setup task_setup_data = {
		.rpc_client = clnt,
		.rpc_message = &msg,
		.callback_ops = &foo_open_ops,
${setup}		.flags = RPC_TASK_ASYNC,
	};
	struct rpc_task *task;
	int status;

	kref_get(&data->kref);
	data->rpc_done = false;
	task = rpc_run_task(&task_setup_data);
	if (IS_ERR(task))
		return PTR_ERR(task); /* cut */
	status = rpc_wait_for_completion_task(task);
	rpc_put_task(task);
	return status;
}
`;

ruleTester(refLeak, {
  valid: [{ name: 'rpc_run_task() takes the calldata of its task setup, and the reference with it', path: 'fs/foo/proc.c', code: openTask('\t\t.callback_data = data,\n').replace(' /* cut */', '') }],
  invalid: [{ name: 'a task set up without the calldata leaves the reference with the caller', path: 'fs/foo/proc.c', code: openTask('\t\t.callback_data = NULL,\n').replace('/* cut */', '/* expect: ref-leak */') }],
});

// drivers/pci/hotplug/cpqphp_ctrl.c configure_new_function(): return_resource() (a header's inline)
// links the node into the list whose head it is given beside it.
const resourceList = (giveBack: string) => `static int foo_configure(struct foo_func *func, struct resource_lists *resources)
{
	struct pci_resource *hold_mem_node;
	int rc;

	hold_mem_node = kmalloc(sizeof(*hold_mem_node), GFP_KERNEL);
	if (!hold_mem_node)
		return -ENOMEM;
	hold_mem_node->base = foo_mem_base(func);
	rc = foo_probe_bridge(func, hold_mem_node);
	if (rc)
		goto free_and_out;
	foo_commit(func);
	kfree(hold_mem_node);
	return 0;

free_and_out:
${giveBack}	return rc; /* cut */
}
`;

ruleTester(memLeak, {
  valid: [{ name: 'a helper given the list head and the node links it in (cpqphp return_resource())', path: 'drivers/pci/hotplug/foo_ctrl.c', code: resourceList('\treturn_resource(&(resources->p_mem_head), hold_mem_node);\n').replace(' /* cut */', '') }],
  invalid: [{ name: 'a helper given the node alone only reads it', path: 'drivers/pci/hotplug/foo_ctrl.c', code: resourceList('\tfoo_dump_resource(resources, hold_mem_node);\n').replace('/* cut */', '/* expect: mem-leak "hold_mem_node" */') }],
});

// drivers/nvme/host/core.c nvme_setup_discard(): the ranges go to the request as its special
// payload, through the page they are on; nvme_cleanup_cmd() frees them.
const discardRanges = (payload: string) => `static blk_status_t foo_setup_discard(struct request *req, struct foo_command *cmnd)
{
	unsigned short segments = blk_rq_nr_discard_segments(req);
	struct foo_dsm_range *range;

	range = kmalloc_array(segments, sizeof(*range), GFP_ATOMIC | __GFP_NOWARN);
	if (!range)
		return BLK_STS_RESOURCE;
	if (foo_fill_ranges(req, range, segments)) {
		kfree(range);
		return BLK_STS_IOERR;
	}
	cmnd->dsm.nr = cpu_to_le32(segments - 1);
${payload}	req->rq_flags |= RQF_SPECIAL_PAYLOAD;
	return BLK_STS_OK; /* cut */
}
`;

ruleTester(memLeak, {
  valid: [{ name: 'the ranges are kept through their page (nvme special payload)', path: 'drivers/nvme/host/foo.c', code: discardRanges('\treq->special_vec.bv_page = virt_to_page(range);\n\treq->special_vec.bv_offset = offset_in_page(range);\n').replace(' /* cut */', '') }],
  invalid: [{ name: 'only the offset of the ranges is kept', path: 'drivers/nvme/host/foo.c', code: discardRanges('\treq->special_vec.bv_offset = offset_in_page(range);\n').replace('/* cut */', '/* expect: mem-leak "range" */') }],
});

// drivers/infiniband/hw/mlx4/main.c mlx4_ib_event(): the event work is queued, or its function run
// at once; either way the function frees it.
const eventWork = (direct: string) => `static void foo_ib_event(struct foo_dev *dev, struct foo_eqe *eqe)
{
	struct foo_event_work *ew;

	ew = kmalloc(sizeof(*ew), GFP_ATOMIC);
	if (!ew)
		return;
	INIT_WORK(&ew->work, handle_port_mgmt_change_event);
	memcpy(&ew->eqe, eqe, sizeof(*eqe));
	ew->dev = dev;
	if (foo_is_master(dev))
		queue_work(wq, &ew->work);
	else
		${direct}
}
`;

ruleTester(memLeak, {
  valid: [{ name: 'the work function run at once takes the work as queue_work() does', path: 'drivers/infiniband/hw/foo/main.c', code: eventWork('handle_port_mgmt_change_event(&ew->work);') }],
  invalid: [{ name: 'another function given the work only reads it', path: 'drivers/infiniband/hw/foo/main.c', code: eventWork('foo_trace_work(&ew->work);').replace(/\n}\n$/, '\n} /* expect: mem-leak "ew" */\n') }],
});

// kernel/exit.c do_wait(): do_wait_pid() -> wait_consider_task() -> wait_task_zombie(), which
// read_unlock()s the tasklist_lock do_wait() took before it returns nonzero.
const waitChain = (zombie: string) => `static DEFINE_RWLOCK(foo_tasklist_lock);

static int foo_wait_task_zombie(struct foo_wait_opts *wo, struct task_struct *p)
{
	get_task_struct(p);
${zombie}	foo_reap(wo, p);
	put_task_struct(p);
	return p->pid;
}

static int foo_wait_consider_task(struct foo_wait_opts *wo, struct task_struct *p)
{
	if (!foo_eligible(wo, p))
		return 0;
	return foo_wait_task_zombie(wo, p);
}

static long foo_do_wait(struct foo_wait_opts *wo)
{
	long retval;

	read_lock(&foo_tasklist_lock);
	retval = foo_wait_consider_task(wo, wo->child);
	if (retval)
		goto end; /* cut */
	read_unlock(&foo_tasklist_lock);
	retval = -ECHILD;
end:
	return retval;
}
`;

ruleTester(lockImbalance, {
  valid: [{ name: 'a callee two calls down unlocks the global lock before it returns nonzero (do_wait())', path: 'kernel/foo_exit.c', code: waitChain('\tread_unlock(&foo_tasklist_lock);\n').replace(' /* cut */', '') }],
  invalid: [{ name: 'the callees return nonzero with the lock still taken', path: 'kernel/foo_exit.c', code: waitChain('').replace('/* cut */', '/* expect: lock-imbalance */') }],
});

// drivers/dma/idxd/cdev.c idxd_wq_add_cdev(): the device an accessor gives from the new object is
// embedded in it; once initialised, its last put runs the type's release, which frees the object.
const cdevAdd = (order: [string, string]) => `static void foo_cdev_dev_release(struct device *dev)
{
	struct foo_cdev *foo_cdev = dev_to_cdev(dev);

	kfree(foo_cdev);
}

static struct device_type foo_cdev_device_type = {
	.name = "foo_cdev",
	.release = foo_cdev_dev_release,
};

int foo_wq_add_cdev(struct foo_wq *wq)
{
	struct foo_cdev *foo_cdev;
	struct device *dev;
	int rc;

	foo_cdev = kzalloc(sizeof(*foo_cdev), GFP_KERNEL);
	if (!foo_cdev)
		return -ENOMEM;
	foo_cdev->wq = wq;
	dev = cdev_dev(foo_cdev);
${order[0]}	rc = dev_set_name(dev, "wq%u", wq->id);
	if (rc < 0)
		goto err;
${order[1]}	rc = cdev_device_add(&foo_cdev->cdev, dev);
	if (rc)
		goto err;
	return 0;

 err:
	put_device(dev);
	return rc;
}
`;

const initialise = '\tdevice_initialize(dev);\n\tdev->type = &foo_cdev_device_type;\n';

ruleTester(memLeak, {
  valid: [{ name: 'the last put of the initialised device frees the object it is embedded in (idxd cdev)', path: 'drivers/dma/foo/cdev.c', code: cdevAdd([initialise, '']) }],
  invalid: [
    {
      name: 'a put before the device was initialised runs no release',
      path: 'drivers/dma/foo/cdev.c',
      code: cdevAdd(['', initialise]).replace('\tif (rc < 0)\n\t\tgoto err;', '\tif (rc < 0)\n\t\tgoto err; /* expect: mem-leak "foo_cdev" */'),
    },
  ],
});
