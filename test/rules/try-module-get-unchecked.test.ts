import { tryModuleGetUnchecked } from '../../src/rules/try-module-get-unchecked.js';
import { ruleTester } from '../helpers/rule-tester.js';

ruleTester(tryModuleGetUnchecked, {
  valid: [
    {
      name: 'tested, failing with -ENODEV',
      path: 'drivers/crypto/example-core.c',
      code: `static int example_alg_get(struct example_alg *alg)
{
	if (!try_module_get(alg->owner))
		return -ENODEV;
	refcount_inc(&alg->users);
	return 0;
}
`,
    },
    {
      name: '__module_get under a held reference cannot fail',
      path: 'drivers/scsi/example_scsi.c',
      code: `static void example_start_eh(struct example_host *host)
{
	__module_get(THIS_MODULE);
	host->eh_thread = kthread_run(example_eh_thread, host, "example_eh");
}
`,
    },
    {
      name: 'stored and tested',
      path: 'net/example/example_proto.c',
      code: `static int example_proto_grab(const struct example_proto *proto)
{
	bool ok = try_module_get(proto->owner);

	if (!ok)
		return -EPROTONOSUPPORT;
	return 0;
}
`,
    },
    {
      name: 'returned to the caller who tests it',
      path: 'drivers/base/example_drv.c',
      code: `static bool example_driver_get(struct device_driver *drv)
{
	return try_module_get(drv->owner);
}
`,
    },
    {
      name: 'part of a lookup condition',
      path: 'net/sched/example_cls.c',
      code: `static const struct example_ops *example_lookup(const char *name, int type)
{
	const struct example_ops *p;

	list_for_each_entry(p, &example_list, list)
		if (!strcmp(p->name, name) && try_module_get(p->owner))
			return p;
	return NULL;
}
`,
    },
    {
      name: 'fops_get-style macro and a ternary',
      path: 'include/linux/example_fs.h',
      code: `#define example_fops_get(fops) \\
	(((fops) && try_module_get((fops)->owner) ? (fops) : NULL))

static inline const struct example_ops *example_ops_get(const struct example_ops *ops)
{
	return ops && try_module_get(ops->owner) ? ops : NULL;
}
`,
    },
    {
      name: 'under WARN_ON',
      path: 'drivers/misc/example_warn.c',
      code: `static void example_pin(struct example *ex)
{
	WARN_ON(!try_module_get(ex->owner));
}
`,
    },
    {
      // drivers/memory/tegra/tegra20-emc.c: the driver cannot be unbound, so its probe pins the module for good.
      name: 'the module pins itself from its own probe, nothing started after',
      path: 'drivers/memory/example-emc.c',
      code: `static int example_emc_probe(struct platform_device *pdev)
{
	struct example_emc *emc;

	emc = devm_kzalloc(&pdev->dev, sizeof(*emc), GFP_KERNEL);
	if (!emc)
		return -ENOMEM;
	platform_set_drvdata(pdev, emc);
	try_module_get(THIS_MODULE);
	return 0;
}
`,
    },
    {
      // drivers/misc/kgdbts.c: a self-pin while the I/O ops are registered, dropped in the paired handler.
      name: 'a self-pin dropped by the paired handler',
      path: 'drivers/misc/example_ts.c',
      code: `static void example_pre_exp_handler(void)
{
	if (!example_configured)
		try_module_get(THIS_MODULE);
}

static void example_post_exp_handler(void)
{
	if (!example_configured)
		module_put(THIS_MODULE);
}
`,
    },
    {
      // drivers/crypto/marvell/octeontx2: the caller passes its own THIS_MODULE from its probe.
      name: 'a module given by the caller as a parameter',
      path: 'drivers/crypto/example_algs.c',
      code: `int example_crypto_init(struct pci_dev *pdev, struct module *mod, int num_queues)
{
	mutex_lock(&example_mutex);
	if (!example_devices)
		try_module_get(mod);
	example_devices++;
	mutex_unlock(&example_mutex);
	return 0;
}
`,
    },
  ],
  invalid: [
    {
      name: 'a self-pin for the thread the function starts',
      path: 'drivers/misc/example_monitor.c',
      code: `static int example_start_monitor(struct example *ex)
{
	try_module_get(THIS_MODULE); /* expect: try-module-get-unchecked "__module_get(THIS_MODULE)" */
	ex->task = kthread_run(example_monitor_thread, ex, "example_mon");
	if (IS_ERR(ex->task)) {
		module_put(THIS_MODULE);
		return PTR_ERR(ex->task);
	}
	return 0;
}
`,
    },
    {
      name: 'a module reached through a parameter, not the parameter itself',
      path: 'drivers/crypto/example_algs.c',
      code: `int example_crypto_init(struct example_ctx *ctx)
{
	try_module_get(ctx->mod); /* expect: try-module-get-unchecked */
	return example_register(ctx);
}
`,
    },
    {
      name: 'statement of its own, module_put later in the function',
      path: 'drivers/net/phy/example_phy.c',
      code: `static int example_phy_attach(struct example_phy *phy)
{
	int err;

	try_module_get(phy->drv->owner); /* expect: try-module-get-unchecked error "module_put(phy->drv->owner) at line 8" */
	err = phy->drv->config_init(phy);
	if (err)
		module_put(phy->drv->owner);
	return err;
}
`,
    },
    {
      name: 'cast to void',
      path: 'drivers/misc/example_void.c',
      code: `static void example_start(struct example *ex)
{
	(void)try_module_get(THIS_MODULE); /* expect: try-module-get-unchecked "__module_get(THIS_MODULE)" */
	queue_work(ex->wq, &ex->work);
}
`,
    },
    {
      name: 'bound driver pinned without a check',
      path: 'drivers/base/example_bind.c',
      code: `static void example_bind(struct device *dev)
{
	if (dev->driver)
		try_module_get(dev->driver->owner); /* expect: try-module-get-unchecked "example_bind() ignores the result" */
}
`,
    },
    {
      name: 'in a loop over several modules',
      path: 'drivers/misc/example_loop.c',
      code: `static void example_pin_all(struct module **mods, int count)
{
	int i;

	for (i = 0; i < count; i++)
		try_module_get(mods[i]); /* expect: try-module-get-unchecked */
}
`,
    },
    {
      name: 'two unchecked calls in one function',
      path: 'drivers/misc/example_two.c',
      code: `static void example_pin_pair(struct example_pair *pair)
{
	try_module_get(pair->a->owner); /* expect: try-module-get-unchecked */
	try_module_get(pair->b->owner); /* expect: try-module-get-unchecked */
}
`,
    },
    {
      name: 'module_put in another file of the patch',
      files: [
        {
          path: 'drivers/misc/example_get.c',
          code: `void example_hold(struct example *ex)
{
	try_module_get(ex->ops->owner); /* expect: try-module-get-unchecked "at line 3 of drivers/misc/example_put.c" */
}
`,
        },
        {
          path: 'drivers/misc/example_put.c',
          code: `void example_release(struct example *ex)
{
	module_put(ex->ops->owner);
}
`,
        },
      ],
    },
  ],
});
