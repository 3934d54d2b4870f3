import { tryModuleGetSelf } from '../../src/rules/try-module-get-self.js';
import { ruleTester } from '../helpers/rule-tester.js';

ruleTester(tryModuleGetSelf, {
  valid: [
    {
      name: 'a .open callback keeps a reference for the open file: the accepted idiom, no work started',
      path: 'drivers/char/example_chr.c',
      code: `static int example_open(struct inode *inode, struct file *file)
{
	if (!try_module_get(THIS_MODULE))
		return -ENODEV;
	file->private_data = example_dev;
	return 0;
}

static const struct file_operations example_fops = {
	.owner	= THIS_MODULE,
	.open	= example_open,
};
`,
    },
    {
      name: 'returned to the caller, who keeps it for the life of an object',
      path: 'sound/example/example_core.c',
      code: `static bool example_get_module(void)
{
	return try_module_get(THIS_MODULE);
}
`,
    },
    {
      name: 'compared with 0, kept for the object and no work started',
      path: 'drivers/misc/example_cmp.c',
      code: `static int example_hold(void)
{
	if (try_module_get(THIS_MODULE) == 0)
		return -EBUSY;
	return 0;
}
`,
    },
    {
      name: 'inside WARN_ON, kept for the object and no work started',
      path: 'drivers/misc/example_warn.c',
      code: `static void example_hold(struct example *ex)
{
	if (WARN_ON(!try_module_get(THIS_MODULE)))
		return;
	ex->held = true;
}
`,
    },
    {
      name: 'callback installed in an ops structure by assignment, no work started',
      path: 'drivers/media/example/example_core.c',
      code: `static int example_start_streaming(struct example_dev *dev)
{
	if (!try_module_get(THIS_MODULE))
		return -ENODEV;
	return example_hw_start(dev);
}

void example_init_ops(struct example_dev *dev)
{
	dev->ops.start_streaming = example_start_streaming;
}
`,
    },
    {
      name: '__module_get(THIS_MODULE) before kthread_run, under the reference the caller holds',
      path: 'drivers/block/drbd/drbd_worker.c',
      code: `static int drbd_thread_start(struct drbd_thread *thi)
{
	struct task_struct *nt;

	/* the caller holds a reference through the genl family */
	__module_get(THIS_MODULE);
	nt = kthread_run(drbd_thread_setup, thi, "drbd_%c_%s", thi->name[0], thi->resource->name);
	if (IS_ERR(nt)) {
		module_put(THIS_MODULE);
		return PTR_ERR(nt);
	}
	thi->task = nt;
	return 0;
}
`,
    },
    {
      name: 'try_module_get(fops->owner) in a character device open',
      path: 'drivers/char/misc_example.c',
      code: `static int example_chr_open(struct inode *inode, struct file *file)
{
	const struct file_operations *fops = example_lookup_fops(iminor(inode));

	if (!fops || !try_module_get(fops->owner))
		return -ENODEV;
	replace_fops(file, fops);
	return file->f_op->open ? file->f_op->open(inode, file) : 0;
}
`,
    },
    {
      name: 'try_module_get(ops->owner) in the subsystem the ops were registered with',
      path: 'drivers/hwmon/example-core.c',
      code: `static struct example_ops *example_find_ops(const char *name)
{
	struct example_ops *ops;

	mutex_lock(&example_ops_lock);
	list_for_each_entry(ops, &example_ops_list, node) {
		if (!strcmp(ops->name, name) && try_module_get(ops->owner)) {
			mutex_unlock(&example_ops_lock);
			return ops;
		}
	}
	mutex_unlock(&example_ops_lock);
	return NULL;
}
`,
    },
    {
      name: 'try_module_get(dev->driver->owner) before calling into a bound driver',
      path: 'drivers/base/example-bus.c',
      code: `static int example_bus_get_driver(struct device *dev)
{
	if (!dev->driver || !try_module_get(dev->driver->owner))
		return -ENODEV;
	return 0;
}
`,
    },
    {
      name: 'thread function ending in module_put_and_kthread_exit',
      path: 'fs/nfsd/example_thread.c',
      code: `static int example_thread_fn(void *data)
{
	struct example_ctx *ctx = data;

	while (!kthread_should_stop())
		example_do_work(ctx);
	module_put_and_kthread_exit(0);
}

int example_start(struct example_ctx *ctx)
{
	__module_get(THIS_MODULE);
	ctx->task = kthread_run(example_thread_fn, ctx, "example");
	if (IS_ERR(ctx->task)) {
		module_put(THIS_MODULE);
		return PTR_ERR(ctx->task);
	}
	return 0;
}
`,
    },
    {
      name: 'a macro that wraps the call is a definition, not a check',
      path: 'drivers/misc/example.h',
      code: `#define example_get_module()	try_module_get(THIS_MODULE)
#define example_put_module()	module_put(THIS_MODULE)
`,
    },
    {
      name: 'result ignored: the unchecked rule speaks, not this one',
      code: `static void example_pin(void)
{
	try_module_get(THIS_MODULE);
}
`,
    },
    {
      name: 'check on a context line the patch does not add',
      diff: `diff --git a/drivers/misc/example.c b/drivers/misc/example.c
--- a/drivers/misc/example.c
+++ b/drivers/misc/example.c
@@ -10,6 +10,7 @@ static int example_start(struct example *ex)
 {
 	if (!try_module_get(THIS_MODULE))
 		return -EBUSY;
+	ex->started = true;
 	return 0;
 }
`,
    },
  ],
  invalid: [
    {
      name: 'checked before starting a thread with kernel_thread',
      path: 'kernel/example_restart.c',
      code: `int local_kernel_thread(int (*fn)(void *), void *arg, unsigned long flags)
{
	pid_t ret;

	if (!try_module_get(THIS_MODULE)) /* expect: try-module-get-self "local_kernel_thread() then starts a thread with kernel_thread()" */
		return -EBUSY;
	ret = kernel_thread(fn, arg, flags);
	if (ret < 0)
		module_put(THIS_MODULE);
	return ret;
}
`,
    },
    {
      name: 'checked before kthread_run, failure through goto',
      path: 'drivers/md/example-thread.c',
      code: `static int example_start_thread(struct example_dev *dev)
{
	int err = -EBUSY;

	if (!try_module_get(THIS_MODULE)) /* expect: try-module-get-self "drop the \`goto out;\` path" */
		goto out;
	dev->thread = kthread_run(example_threadfn, dev, "example/%d", dev->id);
	if (IS_ERR(dev->thread)) {
		err = PTR_ERR(dev->thread);
		module_put(THIS_MODULE);
		goto out;
	}
	return 0;
out:
	return err;
}
`,
    },
    {
      name: 'stored in a variable and tested later',
      path: 'drivers/net/example/example_main.c',
      code: `static int example_up(struct example_priv *priv)
{
	bool pinned;

	pinned = try_module_get(THIS_MODULE); /* expect: try-module-get-self "queues work with schedule_work()" */
	if (!pinned)
		return -EBUSY;
	schedule_work(&priv->reset_work);
	return 0;
}
`,
    },
    {
      name: 'devlink flash callback of a dsa_switch_ops, queueing delayed work',
      path: 'drivers/net/dsa/example/example.c',
      code: `static int example_flash_update(struct dsa_switch *ds,
				struct devlink_flash_update_params *params,
				struct netlink_ext_ack *extack)
{
	struct example_reprobe *reprobe = kzalloc(sizeof(*reprobe), GFP_KERNEL);

	if (!reprobe)
		return -ENOMEM;
	if (!try_module_get(THIS_MODULE)) { /* expect: try-module-get-self info "and queues work with schedule_delayed_work()" */
		kfree(reprobe);
		return -EBUSY;
	}
	INIT_DELAYED_WORK(&reprobe->dwork, example_reprobe_work_fn);
	schedule_delayed_work(&reprobe->dwork, msecs_to_jiffies(500));
	return 0;
}

static const struct dsa_switch_ops example_switch_ops = {
	.devlink_flash_update	= example_flash_update,
};
`,
    },
  ],
});
