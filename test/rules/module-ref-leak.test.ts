import { moduleRefLeak } from '../../src/rules/module-ref-leak.js';
import { ruleTester } from '../helpers/rule-tester.js';

const openSkipsPut = `static int foo_open(struct inode *inode, struct file *file)
{
	struct foo_dev *dev = container_of(inode->i_cdev, struct foo_dev, cdev);
	int ret;

	if (!try_module_get(dev->ops->owner))
		return -ENODEV;

	ret = dev->ops->open(dev);
	if (ret) {
		module_put(dev->ops->owner);
		return ret;
	}
	ret = foo_setup_queues(dev);
	if (ret)
		return ret; /* expect: module-ref-leak "module_put()" */

	file->private_data = dev;
	return 0;
}
`;

const threadReturnsEarly = `static int foo_poll_thread(void *data)
{
	struct foo *foo = data;

	if (foo_prepare(foo))
		return -EIO; /* expect: module-ref-leak "foo_start_polling() took it for foo_poll_thread()" */
	while (!kthread_should_stop())
		foo_poll(foo);
	module_put_and_kthread_exit(0);
}

int foo_start_polling(struct foo *foo)
{
	struct task_struct *task;

	__module_get(THIS_MODULE);
	task = kthread_run(foo_poll_thread, foo, "foo-poll");
	if (IS_ERR(task)) {
		module_put(THIS_MODULE);
		return PTR_ERR(task);
	}
	foo->task = task;
	return 0;
}
`;

const forwardedThreadExits = `static int local_thread_start(int (*fn)(void *), void *arg, unsigned long flags)
{
	pid_t pid;

	if (!try_module_get(THIS_MODULE))
		return -EBUSY;
	pid = kernel_thread(fn, arg, flags);
	if (pid < 0)
		module_put(THIS_MODULE);
	return pid;
}

static int restore_thread(void *arg)
{
	struct restore_ctx *ctx = arg;
	int err;

	err = restore_state(ctx);
	if (!err && ctx->zombie)
		do_exit(ctx->exit_code); /* expect: module-ref-leak "do_exit() here never returns" */

	schedule();
	module_put(THIS_MODULE);
	complete_and_exit(NULL, 0);
	return 0;
}

static int restore_start(struct restore_ctx *ctx)
{
	int pid = local_thread_start(restore_thread, ctx, CLONE_NEWPID);

	return pid < 0 ? pid : 0;
}
`;

const gotoPastPut = `static int bar_attach(struct bar *bar)
{
	int err;

	if (!try_module_get(bar->drv->owner))
		return -ENODEV;
	err = bar_hw_init(bar);
	if (err)
		goto err_put;
	err = bar_check_revision(bar);
	if (err)
		return err; /* expect: module-ref-leak "bar->drv->owner" */
	return 0;

err_put:
	module_put(bar->drv->owner);
	return err;
}
`;

const voidEarlyReturn = `static void baz_event(struct baz *baz, unsigned int event)
{
	if (!try_module_get(baz->owner))
		return;
	if (!baz->enabled)
		return; /* expect: module-ref-leak */
	baz_handle(baz, event);
	module_put(baz->owner);
}
`;

const kthreadExitSkipsPut = `static int qux_thread(void *arg)
{
	struct qux *q = arg;

	if (wait_for_qux_ready(q) < 0)
		kthread_exit(-EINTR); /* expect: module-ref-leak "kthread_exit() here never returns" */
	qux_work(q);
	module_put_and_kthread_exit(0);
}

static int qux_start(struct qux *q)
{
	struct task_struct *t;

	__module_get(THIS_MODULE);
	t = kthread_run(qux_thread, q, "qux");
	if (IS_ERR(t)) {
		module_put(THIS_MODULE);
		return PTR_ERR(t);
	}
	return 0;
}
`;

ruleTester(moduleRefLeak, {
  valid: [
    {
      name: 'the starter hands its reference to the thread when kernel_thread() succeeds',
      path: 'cpt/rst_thread.c',
      code: `int local_kernel_thread(int (*fn)(void *), void *arg, unsigned long flags, pid_t pid)
{
	pid_t ret;

	if (current->fs == NULL)
		return -EINVAL;
	if (!try_module_get(THIS_MODULE))
		return -EBUSY;
	ret = kernel_thread(fn, arg, flags);
	if (ret < 0)
		module_put(THIS_MODULE);
	return ret;
}
`,
    },
    {
      name: 'fops->owner reference taken in open and dropped in release',
      path: 'drivers/char/foo_chr.c',
      code: `static int foo_chr_open(struct inode *inode, struct file *file)
{
	struct foo_dev *dev = foo_lookup(iminor(inode));

	if (!dev || !try_module_get(dev->fops->owner))
		return -ENODEV;
	file->private_data = dev;
	return 0;
}

static int foo_chr_release(struct inode *inode, struct file *file)
{
	struct foo_dev *dev = file->private_data;

	module_put(dev->fops->owner);
	return 0;
}
`,
    },
    {
      name: '__module_get under the reference the caller holds, kept for the work it queues',
      path: 'drivers/misc/foo_work.c',
      code: `static int foo_schedule_reset(struct foo *foo)
{
	__module_get(THIS_MODULE);
	if (!queue_work(foo->wq, &foo->reset_work)) {
		module_put(THIS_MODULE);
		return -EBUSY;
	}
	return 0;
}
`,
    },
    {
      name: 'a thread that ends in module_put_and_kthread_exit() on every path',
      path: 'drivers/misc/foo_thread.c',
      code: `static int foo_thread(void *data)
{
	struct foo *foo = data;
	int ret;

	ret = foo_prepare(foo);
	if (ret)
		goto out;
	while (!kthread_should_stop())
		foo_poll(foo);
out:
	module_put_and_kthread_exit(ret);
}

int foo_start(struct foo *foo)
{
	struct task_struct *task;

	__module_get(THIS_MODULE);
	task = kthread_run(foo_thread, foo, "foo");
	if (IS_ERR(task)) {
		module_put(THIS_MODULE);
		return PTR_ERR(task);
	}
	return 0;
}
`,
    },
    {
      name: 'goto unwinding ladder that drops the reference on every error path',
      path: 'drivers/media/foo_core.c',
      code: `static int foo_attach(struct foo *foo)
{
	int err;

	if (!try_module_get(foo->drv->owner))
		return -ENODEV;
	err = foo_hw_init(foo);
	if (err)
		goto err_put;
	err = foo_check_revision(foo);
	if (err)
		goto err_hw;
	return 0;

err_hw:
	foo_hw_exit(foo);
err_put:
	module_put(foo->drv->owner);
	return err;
}
`,
    },
    {
      name: 'a helper that returns holding the reference on success and drops it on failure',
      path: 'drivers/misc/foo_ops.c',
      code: `static int foo_get_ops(struct foo *foo)
{
	if (!try_module_get(foo->ops->owner))
		return -ENODEV;
	if (!foo->ops->probe) {
		module_put(foo->ops->owner);
		return -EINVAL;
	}
	return 0;
}
`,
    },
    {
      name: 'a reference taken and dropped under the same flag',
      path: 'drivers/misc/foo_flag.c',
      code: `static void foo_run(struct foo *foo, bool pin)
{
	if (pin)
		__module_get(foo->owner);
	foo_do_run(foo);
	if (pin)
		module_put(foo->owner);
}
`,
    },
    {
      name: 'a thread that completes and drops its module reference through helpers of the patch',
      path: 'drivers/misc/job.c',
      code: `struct job {
	struct completion done;
	int err;
};

static void job_finish(struct job *job, int err)
{
	job->err = err;
	complete(&job->done);
}

static void job_thread_exit(int code)
{
	module_put_and_kthread_exit(code);
}

static int job_thread(void *data)
{
	struct job *job = data;
	void *buf;

	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf) {
		job_finish(job, -ENOMEM);
		job_thread_exit(-ENOMEM);
		return -ENOMEM;
	}
	job->err = job_run(job, buf);
	complete(&job->done);
	kfree(buf);
	module_put_and_kthread_exit(0);
}

int job_start(struct job *job)
{
	struct task_struct *t;

	init_completion(&job->done);
	__module_get(THIS_MODULE);
	t = kthread_run(job_thread, job, "job");
	if (IS_ERR(t)) {
		module_put(THIS_MODULE);
		return PTR_ERR(t);
	}
	wait_for_completion(&job->done);
	return job->err;
}
`,
    },
  ],
  invalid: [
    {
      name: 'an error return skips the module_put() the other error path does',
      path: 'drivers/char/foo_open.c',
      code: openSkipsPut,
    },
    {
      name: 'a thread started with a module reference returns early without dropping it',
      path: 'drivers/misc/foo_poll.c',
      code: threadReturnsEarly,
    },
    {
      name: 'a thread started through a forwarding helper leaves through do_exit() with the reference',
      path: 'kernel/restore.c',
      code: forwardedThreadExits,
    },
    {
      name: 'a return between the acquire and the err_put label',
      path: 'drivers/media/bar_core.c',
      code: gotoPastPut,
    },
    {
      name: 'a void function returns early with the reference held',
      path: 'drivers/misc/baz.c',
      code: voidEarlyReturn,
    },
    {
      name: 'kthread_exit() on an error path of a thread that owns a module reference',
      path: 'drivers/misc/qux.c',
      code: kthreadExitSkipsPut,
    },
  ],
});

// drivers/md/bcache/super.c register_bcache(): the asynchronous path hands the module reference
// to register_device_async(), which queues the worker that drops it.
const asyncRegistration = (queue: string) => `static void foo_register_worker(struct work_struct *work)
{
	struct foo_reg_args *args = container_of(work, struct foo_reg_args, reg_work.work);

	foo_register_device(args->path);
	kfree(args);
	module_put(THIS_MODULE);
}

static void foo_register_async(struct foo_reg_args *args)
{
	INIT_DELAYED_WORK(&args->reg_work, foo_register_worker);
${queue}}

static ssize_t foo_register_store(const char *path, size_t size, bool async_registration)
{
	struct foo_reg_args *args;
	ssize_t ret;

	if (!try_module_get(THIS_MODULE))
		return -EBUSY;

	if (async_registration) {
		args = kzalloc(sizeof(*args), GFP_KERNEL);
		if (!args) {
			ret = -ENOMEM;
			goto out_module_put;
		}
		args->path = path;
		foo_register_async(args);
		goto async_done; /* cut */
	}

	ret = foo_register_device(path);
	if (ret < 0)
		goto out_module_put;
	module_put(THIS_MODULE);
async_done:
	return size;

out_module_put:
	module_put(THIS_MODULE);
	return ret;
}
`;

ruleTester(moduleRefLeak, {
  valid: [{ name: 'a helper of the file that queues the work dropping the reference (bcache async registration)', path: 'drivers/md/foo/super.c', code: asyncRegistration('\tqueue_delayed_work(system_wq, &args->reg_work, 10);\n').replace(' /* cut */', '') }],
  invalid: [{ name: 'a helper that registers in place and queues nothing', path: 'drivers/md/foo/super.c', code: asyncRegistration('\tfoo_register_device(args->path);\n\tkfree(args);\n').replace('/* cut */', '/* expect: module-ref-leak */') }],
});

// saa7164_dvb_register(): the reference on the i2c client's driver goes with the client stored in
// the port; the port's teardown drops both. Until it is stored, an error path must drop it.
const storedClient = (tail: string): string => `static int foo_attach_demod(struct foo_port *port, struct i2c_adapter *adap, struct i2c_board_info *info)
{
	struct i2c_client *client;

	client = i2c_new_client_device(adap, info);
	if (!i2c_client_has_driver(client))
		return -ENODEV;
	if (!try_module_get(client->dev.driver->owner)) {
		i2c_unregister_device(client);
		return -ENODEV;
	}
	if (foo_attach_tuner(port)) {
		module_put(client->dev.driver->owner);
		i2c_unregister_device(client);
		return -EIO;
	}
${tail}	if (!port->frontend)
		return -ENODEV;
	return 0;
}
`;

ruleTester(moduleRefLeak, {
  valid: [{ name: 'the client stored in the port takes the reference on its driver along', path: 'drivers/media/pci/foo/foo-dvb.c', code: storedClient('\tport->i2c_client_demod = client;\n') }],
  invalid: [
    {
      name: 'the client kept in a local only: the error path leaves with the reference on its driver',
      path: 'drivers/media/pci/foo/foo-dvb.c',
      code: storedClient('').replace('\t\treturn -ENODEV;\n\treturn 0;', '\t\treturn -ENODEV; /* expect: module-ref-leak */\n\treturn 0;'),
    },
  ],
});

// tty_init_dev(): release_tty() -> tty_kref_put() -> kref_put(..., queue_release_one_tty), which
// queues release_one_tty(), and that drops the reference on the driver's module.
const queuedRelease = (workBody: string): string => `static void foo_release_one(struct work_struct *work)
{
	struct foo *foo = container_of(work, struct foo, release_work);
	struct module *owner = foo->driver->owner;

${workBody}}

static void foo_queue_release(struct kref *kref)
{
	struct foo *foo = container_of(kref, struct foo, kref);

	INIT_WORK(&foo->release_work, foo_release_one);
	schedule_work(&foo->release_work);
}

static void foo_release(struct foo *foo)
{
	kref_put(&foo->kref, foo_queue_release);
}

struct foo *foo_init_dev(struct foo_driver *driver)
{
	struct foo *foo;
	int ret;

	if (!try_module_get(driver->owner))
		return ERR_PTR(-ENODEV);
	foo = foo_alloc(driver);
	if (!foo) {
		module_put(driver->owner);
		return ERR_PTR(-ENOMEM);
	}
	ret = foo_open_ldisc(foo);
	if (ret) {
		foo_release(foo);
		return ERR_PTR(ret); /* cut */
	}
	return foo;
}
`;

ruleTester(moduleRefLeak, {
  valid: [{ name: 'the kref release queues the work that drops the module reference (tty release_tty())', path: 'drivers/tty/foo_io.c', code: queuedRelease('\tkfree(foo);\n\tmodule_put(owner);\n').replace(' /* cut */', '') }],
  invalid: [{ name: 'the queued release frees the object and keeps the module reference', path: 'drivers/tty/foo_io.c', code: queuedRelease('\tkfree(foo);\n').replace('/* cut */', '/* expect: module-ref-leak */') }],
});

// nfs_do_submount(): `ctx->nfs_mod = client->cl_nfs_mod; __module_get(ctx->nfs_mod->owner);` —
// the context records the module it holds, and put_fs_context() drops it with the context.
const recordedModule = (take: string): string => `struct vfsmount *foo_do_submount(struct fs_context *fc, struct foo_client *client)
{
	struct foo_fs_context *ctx = foo_fc2context(fc);
	struct vfsmount *mnt;
	int ret;

${take}
	ret = client->rpc_ops->submount(fc);
	if (ret < 0) {
		mnt = ERR_PTR(ret);
		goto out_fc; /* cut */
	}
	mnt = vfs_create_mount(fc);
	schedule_delayed_work(&foo_automount_task, 10);
out_fc:
	put_fs_context(fc);
	return mnt;
}
`;

ruleTester(moduleRefLeak, {
  valid: [{ name: 'the reference is taken through the field that records it', path: 'fs/foo/namespace.c', code: recordedModule('\tctx->foo_mod = client->cl_foo_mod;\n\t__module_get(ctx->foo_mod->owner);').replace(' /* cut */', '') }],
  invalid: [{ name: 'the reference is taken on the client\'s module and recorded nowhere', path: 'fs/foo/namespace.c', code: recordedModule('\t__module_get(client->cl_foo_mod->owner);').replace('/* cut */', '/* expect: module-ref-leak */') }],
});
