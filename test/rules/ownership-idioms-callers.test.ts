/**
 * Kernel idioms where what a function leaves held is settled by the code that calls it, judged
 * on the sweeps of Linux 6.1 (bench/precision/), each next to the bug of the same shape that
 * must still be caught.
 */
import { memLeak } from '../../src/rules/mem-leak.js';
import { refLeak } from '../../src/rules/ref-leak.js';
import { ruleTester } from '../helpers/rule-tester.js';

// drivers/mmc/host/sdhci-of-arasan.c, drivers/iio/adc/exynos_adc.c: a system-sleep resume that
// undoes nothing where it fails; the next system suspend disables both clocks whatever happened.
const sleepPair = (ops: string, resumeTail = '', suspendBody = '\tclk_disable(priv->clk);\n\tclk_disable(priv->clk_ahb);\n') => `static int foo_suspend(struct device *dev)
{
	struct foo_priv *priv = dev_get_drvdata(dev);
	int ret;

	ret = foo_host_suspend(priv);
	if (ret)
		return ret;
${suspendBody}
	return 0;
}

static int foo_resume(struct device *dev)
{
	struct foo_priv *priv = dev_get_drvdata(dev);
	int ret;

	ret = clk_enable(priv->clk_ahb);
	if (ret)
		return ret;
	ret = clk_enable(priv->clk);
	if (ret)${resumeTail}
		return ret;

	ret = foo_host_resume(priv);
	if (ret)
		return ret;
	return 0;
}

${ops}
`;

const simpleOps = 'static SIMPLE_DEV_PM_OPS(foo_pm_ops, foo_suspend, foo_resume);';
const initializerOps = 'static const struct dev_pm_ops foo_pm_ops = {\n\t.suspend = foo_suspend,\n\t.resume = foo_resume,\n};';
const runtimeOps = 'static const struct dev_pm_ops foo_pm_ops = {\n\tSET_RUNTIME_PM_OPS(foo_suspend, foo_resume, NULL)\n};';
/** Marks where foo_resume() first leaves each clock enabled (one comment per clock names the later returns). */
const expectLeaks = (code: string): string =>
  code
    .replace('\tret = clk_enable(priv->clk);\n\tif (ret)\n\t\treturn ret;', '\tret = clk_enable(priv->clk);\n\tif (ret)\n\t\treturn ret; /* expect: ref-leak "`priv->clk_ahb`" */')
    .replace('\tret = foo_host_resume(priv);\n\tif (ret)\n\t\treturn ret;', '\tret = foo_host_resume(priv);\n\tif (ret)\n\t\treturn ret; /* expect: ref-leak "`priv->clk`" */');

// drivers/input/mouse/elan_i2c_core.c: the resume enables the supply unless the device may wake the
// system, and the suspend disables it under the same test of the device.
const wakeupTestedPair = (suspendTest: string) => `static int foo_suspend(struct device *dev)
{
	struct foo_data *data = dev_get_drvdata(dev);
	int ret;

	disable_irq(data->irq);
	if (${suspendTest}) {
		ret = foo_sleep(data);
		data->irq_wake = (enable_irq_wake(data->irq) == 0);
	} else {
		ret = foo_set_power(data, false);
		if (ret)
			goto err;
		ret = regulator_disable(data->vcc);
	}
err:
	if (ret)
		enable_irq(data->irq);
	return ret;
}

static int foo_resume(struct device *dev)
{
	struct foo_data *data = dev_get_drvdata(dev);
	int error;

	if (!device_may_wakeup(dev)) {
		error = regulator_enable(data->vcc);
		if (error)
			goto err;
	} else if (data->irq_wake) {
		disable_irq_wake(data->irq);
		data->irq_wake = false;
	}
	error = foo_set_power(data, true);
	if (error)
		goto err;
	error = foo_initialize(data);
err:
	enable_irq(data->irq);
	return error;
}

static SIMPLE_DEV_PM_OPS(foo_pm_ops, foo_suspend, foo_resume);
`;

// drivers/iio/imu/inv_mpu6050/inv_mpu_core.c: the suspend drops the supply through a helper of the
// file, and both callbacks hold the state's mutex, which the resume's error exits do release.
const helperDisablesInSuspend = (disable: string) => `static int foo_disable_vddio(struct foo_state *st)
{
	int result;

	result = regulator_disable(st->vddio_supply);
	if (result)
		dev_err(st->dev, "Failed to disable vddio regulator: %d\n", result);
	return result;
}

static int foo_suspend(struct device *dev)
{
	struct foo_state *st = dev_get_drvdata(dev);
	int result;

	mutex_lock(&st->lock);
	result = foo_switch_engine(st, false);
	if (result)
		goto out_unlock;
	${disable}(st);
out_unlock:
	mutex_unlock(&st->lock);
	return result;
}

static int foo_resume(struct device *dev)
{
	struct foo_state *st = dev_get_drvdata(dev);
	int result;

	mutex_lock(&st->lock);
	result = regulator_enable(st->vddio_supply);
	if (result)
		goto out_unlock;
	result = foo_switch_engine(st, true);
	if (result)
		goto out_unlock;
	result = foo_prepare_fifo(st, true);
out_unlock:
	mutex_unlock(&st->lock);
	return result;
}

static SIMPLE_DEV_PM_OPS(foo_pm_ops, foo_suspend, foo_resume);
`;

ruleTester(refLeak, {
  valid: [
    { name: 'a system-sleep resume left to a suspend that disables under the same test of the device (elan)', path: 'drivers/input/mouse/foo.c', code: wakeupTestedPair('device_may_wakeup(dev)') },
    {
      name: 'a system-sleep resume left to a suspend that disables under a test of the device given by address (bu21013)',
      path: 'drivers/input/touchscreen/foo.c',
      code: wakeupTestedPair('device_may_wakeup(&data->client->dev)'),
    },
    { name: 'a system-sleep resume left to a suspend that disables through a helper of the file (inv_mpu)', path: 'drivers/iio/imu/foo.c', code: helperDisablesInSuspend('foo_disable_vddio') },
    { name: 'a system-sleep resume left to the next suspend (SIMPLE_DEV_PM_OPS, sdhci-of-arasan)', path: 'drivers/mmc/host/foo.c', code: sleepPair(simpleOps) },
    { name: 'a system-sleep resume left to the next suspend (.resume in dev_pm_ops, mtk_vpu)', path: 'drivers/media/foo.c', code: sleepPair(initializerOps) },
    {
      name: 'a system-sleep resume left to the next suspend, which keeps the result of its disables (afe4403)',
      path: 'drivers/iio/health/foo.c',
      code: sleepPair(simpleOps, '', '\tret = clk_disable(priv->clk);\n\tif (ret)\n\t\treturn ret;\n\tret = clk_disable(priv->clk_ahb);\n'),
    },
  ],
  invalid: [
    {
      name: 'a suspend that disables only under a flag of the driver does not balance the resume',
      path: 'drivers/input/mouse/foo.c',
      code: wakeupTestedPair('data->wake_enabled').replace('\tenable_irq(data->irq);\n\treturn error;', '\tenable_irq(data->irq);\n\treturn error; /* expect: ref-leak */'),
    },
    {
      name: 'a suspend whose helper does not disable the supply leaves the resume\'s enable',
      path: 'drivers/iio/imu/foo.c',
      code: helperDisablesInSuspend('foo_idle_vddio').replace('\tmutex_unlock(&st->lock);\n\treturn result;\n}\n\nstatic SIMPLE', '\tmutex_unlock(&st->lock);\n\treturn result; /* expect: ref-leak */\n}\n\nstatic SIMPLE'),
    },
    { name: 'a runtime resume: after its failure runtime_suspend is not called', path: 'drivers/mmc/host/foo.c', code: expectLeaks(sleepPair(runtimeOps)) },
    {
      name: 'a system-sleep resume that unwinds where its second clock fails but not where its host fails (atmel-quadspi)',
      path: 'drivers/spi/foo.c',
      code: sleepPair(simpleOps, ' {\n\t\tclk_disable(priv->clk_ahb);\n\t\treturn ret;\n\t}\n\tif (0)').replace(
        '\tret = foo_host_resume(priv);\n\tif (ret)\n\t\treturn ret;',
        '\tret = foo_host_resume(priv);\n\tif (ret)\n\t\treturn ret; /* expect: ref-leak "`priv->clk_ahb`" */ /* expect: ref-leak "`priv->clk`" */',
      ),
    },
    {
      name: 'a suspend that drops the clocks only under a test does not balance them',
      path: 'drivers/mmc/host/foo.c',
      code: expectLeaks(sleepPair(simpleOps, '', '\tif (priv->on) {\n\t\tclk_disable(priv->clk);\n\t\tclk_disable(priv->clk_ahb);\n\t}\n')),
    },
    {
      name: 'a suspend that keeps the result of a disable only under a test does not balance them',
      path: 'drivers/iio/health/foo.c',
      code: expectLeaks(sleepPair(simpleOps, '', '\tif (priv->on) {\n\t\tret = clk_disable(priv->clk);\n\t\tret = clk_disable(priv->clk_ahb);\n\t}\n')),
    },
  ],
});

// net/tipc/crypto.c tipc_aead_init(): the first entry is published through every possible CPU's
// pointer; the boot CPU is always possible, so the loop stores it at least once.
const storedPerCpu = (loop: string, marker = '') => `static int foo_aead_init(struct foo_aead *tmp, int max)
{
	struct foo_entry *head = NULL, *entry;
	int cnt = 0, err = 0, cpu;

	do {
		entry = kmalloc(sizeof(*entry), GFP_KERNEL);
		if (!entry) {
			err = -ENOMEM;
			break;
		}
		INIT_LIST_HEAD(&entry->list);
		if (!cnt) {
			head = entry;
			${loop} {
				*per_cpu_ptr(tmp->entry, cpu) = head;
			}
		} else {
			list_add_tail(&entry->list, &head->list);
		}
	} while (++cnt < max);

	if (!cnt)
		return err;
	tmp->key = kmalloc(16, GFP_KERNEL);
	if (!tmp->key) {
		foo_aead_free(&tmp->rcu);
		return -ENOMEM;${marker}
	}
	return 0;
}
`;

ruleTester(memLeak, {
  valid: [{ name: 'stored through each possible CPU: the loop runs at least once (tipc crypto)', path: 'net/foo/crypto.c', code: storedPerCpu('for_each_possible_cpu(cpu)') }],
  invalid: [
    {
      name: 'stored through each CPU of a mask that may be empty',
      path: 'net/foo/crypto.c',
      code: storedPerCpu('for_each_cpu(cpu, tmp->mask)', ' /* expect: mem-leak */'),
    },
  ],
});

// fs/ceph/xattr.c ceph_setxattr(): __set_xattr(..., &xattr) either links *newxattr into the
// inode's rbtree or kfree()s it, so the caller hands xattr on by passing its address.
const outParameterCallee = (calleeBody: string) => `static int foo_set(struct foo_info *ci, const char *name, struct foo_xattr **newxattr)
{
${calleeBody}
}

static int foo_setxattr(struct foo_info *ci, const char *name)
{
	struct foo_xattr *xattr;
	int err;

	xattr = kmalloc(sizeof(*xattr), GFP_NOFS);
	if (!xattr)
		return -ENOMEM;
	if (ci->sync) {
		kfree(xattr);
		return foo_sync(ci);
	}
	err = foo_set(ci, name, &xattr);
	return err;
}
`;

const takesPointee = `	struct foo_xattr *xattr = foo_find(ci, name);

	if (xattr && ci->create) {
		kfree(*newxattr);
		return -EEXIST;
	}
	if (!xattr) {
		xattr = *newxattr;
		rb_link_node(&xattr->node, ci->parent, ci->p);
	} else {
		kfree(*newxattr);
		*newxattr = NULL;
	}
	return 0;`;

const readsPointee = `	if ((*newxattr)->len > ci->max)
		return -E2BIG;
	memcpy((*newxattr)->name, name, strlen(name));
	return 0;`;

ruleTester(memLeak, {
  valid: [{ name: 'an out-parameter the callee links in or frees takes the object (ceph __set_xattr)', path: 'fs/foo/xattr.c', code: outParameterCallee(takesPointee) }],
  invalid: [
    {
      name: 'an out-parameter the callee only reads',
      path: 'fs/foo/xattr.c',
      code: outParameterCallee(readsPointee).replace('\treturn err;\n}', '\treturn err; /* expect: mem-leak */\n}'),
    },
  ],
});

// drivers/media/usb/siano/smsusb.c smsusb_init_device(): the error path gives the interface to a
// helper of the file that fetches its intfdata and kfree()s it.
const drvdataFreedByHelper = (helperFrees: boolean) => `static void foo_term_device(struct usb_interface *intf)
{
	struct foo_device *dev = usb_get_intfdata(intf);

	if (dev) {
		foo_stop_streaming(dev);
${helperFrees ? '\t\tkfree(dev);\n' : ''}	}
	usb_set_intfdata(intf, NULL);
}

static int foo_init_device(struct usb_interface *intf)
{
	struct foo_device *dev;
	int rc;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	usb_set_intfdata(intf, dev);
	dev->udev = interface_to_usbdev(intf);
	if (!dev->in_ep) {
		foo_term_device(intf);
		return -ENODEV;${helperFrees ? '' : ' /* expect: mem-leak */'}
	}
	rc = foo_register(dev);
	if (rc) {
		usb_set_intfdata(intf, NULL);
		kfree(dev);
		return rc;
	}
	return 0;
}
`;

ruleTester(memLeak, {
  valid: [{ name: 'a helper of the file that frees the intfdata it is given the interface of (smsusb)', path: 'drivers/media/usb/foo/foo.c', code: drvdataFreedByHelper(true) }],
  invalid: [{ name: 'a helper that only stops the device it finds in the intfdata', path: 'drivers/media/usb/foo/foo.c', code: drvdataFreedByHelper(false) }],
});

// drivers/mmc/host/omap_hsmmc.c omap_hsmmc_disable_supply(): vqmmc is disabled (when a flag says
// it is on), and enabled again where the next step fails, to put things back as they were.
const rollbackAfterDrop = (dropped: string) => `static int foo_disable_supply(struct mmc_host *mmc)
{
	struct foo_host *host = mmc_priv(mmc);
	int ret, status;

	if (host->vqmmc_enabled) {
		ret = regulator_disable(${dropped});
		if (ret)
			return ret;
		host->vqmmc_enabled = false;
	}
	ret = foo_set_ocr(mmc, 0);
	if (ret)
		goto err_set_ocr;
	return 0;

err_set_ocr:
	status = regulator_enable(mmc->supply.vqmmc);
	if (status)
		dev_err(mmc_dev(mmc), "vqmmc re-enable failed\\n");
	return ret;${dropped === 'mmc->supply.vqmmc' ? '' : ' /* expect: ref-leak */'}
}
`;

ruleTester(refLeak, {
  valid: [{ name: 'a regulator enabled again where a later step fails, after the function disabled it (omap_hsmmc)', path: 'drivers/mmc/host/foo.c', code: rollbackAfterDrop('mmc->supply.vqmmc') }],
  invalid: [{ name: 'the function disabled another regulator than the one it enables on failure', path: 'drivers/mmc/host/foo.c', code: rollbackAfterDrop('mmc->supply.vmmc') }],
});

// drivers/dma/mediatek/mtk-hsdma.c: probe ignores mtk_hsdma_hw_init()'s result and always undoes
// it with mtk_hsdma_hw_deinit(), which drops the runtime PM count: a put in hw_init would be a
// second one. drivers/net/dsa/lantiq_gswip.c: the step is returned by a wrapper whose caller
// jumps to a ladder that removes every entry.
const stepWithCallers = (callers: string) => `static int foo_hw_init(struct foo_dev *fd)
{
	int err;

	pm_runtime_enable(fd->dev);
	pm_runtime_get_sync(fd->dev);
	err = clk_prepare_enable(fd->clk);
	if (err)
		return err;
	return 0;
}

static int foo_hw_deinit(struct foo_dev *fd)
{
	clk_disable_unprepare(fd->clk);
	pm_runtime_put_sync(fd->dev);
	pm_runtime_disable(fd->dev);
	return 0;
}
${callers}`;

const probeIgnoresAndDeinits = `
static int foo_probe(struct platform_device *pdev)
{
	struct foo_dev *fd = platform_get_drvdata(pdev);
	int err;

	foo_hw_init(fd);
	err = foo_register(fd);
	if (err)
		goto err_deinit;
	return 0;

err_deinit:
	foo_hw_deinit(fd);
	return err;
}
`;

const wrapperThenLadder = `
static int foo_fw_probe(struct foo_dev *fd)
{
	fd->name = "foo";
	return foo_hw_init(fd);
}

static int foo_fw_list(struct foo_dev *fds, int count)
{
	int i, err;

	for (i = 0; i < count; i++) {
		err = foo_fw_probe(&fds[i]);
		if (err)
			goto remove;
	}
	return 0;

remove:
	for (i = 0; i < count; i++)
		foo_hw_deinit(&fds[i]);
	return err;
}
`;

const probeReturnsOnFailure = `
static int foo_probe(struct platform_device *pdev)
{
	struct foo_dev *fd = platform_get_drvdata(pdev);
	int err;

	err = foo_hw_init(fd);
	if (err)
		return err;
	err = foo_register(fd);
	if (err)
		goto err_deinit;
	return 0;

err_deinit:
	foo_hw_deinit(fd);
	return err;
}
`;

const expectHeldCount = (code: string): string => code.replace('\tif (err)\n\t\treturn err;\n\treturn 0;\n}\n\nstatic int foo_hw_deinit', '\tif (err)\n\t\treturn err; /* expect: ref-leak "pm_runtime" */\n\treturn 0;\n}\n\nstatic int foo_hw_deinit');

ruleTester(refLeak, {
  valid: [
    { name: 'a step whose only caller ignores its result and always undoes it (mtk-hsdma)', path: 'drivers/dma/foo.c', code: stepWithCallers(probeIgnoresAndDeinits) },
    { name: 'a step returned by a wrapper whose caller jumps to a ladder that undoes it (lantiq_gswip)', path: 'drivers/net/dsa/foo.c', code: stepWithCallers(wrapperThenLadder) },
  ],
  invalid: [
    { name: 'a caller that returns where the step fails, and undoes it only past that point', path: 'drivers/dma/foo.c', code: expectHeldCount(stepWithCallers(probeReturnsOnFailure)) },
    { name: 'a step nobody in the file calls', path: 'drivers/dma/foo.c', code: expectHeldCount(stepWithCallers('')) },
  ],
});

// drivers/gpu/drm/armada/armada_crtc.c armada_drm_crtc_create(): once drm_crtc_init_with_planes()
// has linked the CRTC and its primary plane into the device's mode config, a later failure is
// cleaned up by drm_mode_config_cleanup(), which calls their funcs->destroy().
const crtcCreate = (register: boolean) => `static int foo_crtc_create(struct drm_device *drm, struct device *dev)
{
	struct foo_crtc *dcrtc;
	struct drm_plane *primary;
	int ret;

	dcrtc = kzalloc(sizeof(*dcrtc), GFP_KERNEL);
	if (!dcrtc)
		return -ENOMEM;
	dev_set_drvdata(dev, dcrtc);

	primary = kzalloc(sizeof(*primary), GFP_KERNEL);
	if (!primary) {
		ret = -ENOMEM;
		goto err_crtc;
	}
${register ? `	ret = drm_crtc_init_with_planes(drm, &dcrtc->crtc, primary, NULL, &foo_crtc_funcs, NULL);
	if (ret)
		goto err_crtc_init;
` : `	ret = foo_setup_planes(dcrtc, primary);
	if (ret)
		goto err_crtc_init;
`}
	ret = drm_mode_crtc_set_gamma_size(&dcrtc->crtc, 256);
	if (ret)
		return ret;${register ? '' : ' /* expect: mem-leak "dcrtc" */ /* expect: mem-leak "primary" */'}
	return 0;

err_crtc_init:
	kfree(primary);
err_crtc:
	kfree(dcrtc);
	return ret;
}
`;

ruleTester(memLeak, {
  valid: [{ name: 'a CRTC and its plane registered with the DRM device are destroyed by its cleanup (armada)', path: 'drivers/gpu/drm/foo/foo_crtc.c', code: crtcCreate(true) }],
  invalid: [{ name: 'the same failure before anything registered them', path: 'drivers/gpu/drm/foo/foo_crtc.c', code: crtcCreate(false) }],
});

// fs/xfs/xfs_filestream.c xfs_filestream_get_parent(): where the returned pointer is NULL no
// reference was taken, whatever the API promises. drivers/gpu/drm/drm_gem.c
// drm_gem_mmap_obj lookup: `obj = NULL` where kref_get_unless_zero() failed, then `if (!obj)`.
const nullMeansNothing = (test: string) => `static struct foo_inode *foo_get_parent(struct foo_inode *ip)
{
	struct inode *dir = NULL;
	struct dentry *dentry, *parent;

	dentry = d_find_alias(&ip->vfs_inode);
	if (!dentry)
		goto out;
	parent = dget_parent(dentry);
	if (${test})
		goto out_dput;${test === '!parent' ? '' : ' /* expect: ref-leak */'}
	dir = igrab(d_inode(parent));
	dput(parent);
out_dput:
	dput(dentry);
out:
	return dir ? FOO_I(dir) : NULL;
}
`;

const forgottenWhenGetFails = (putWhenDenied: boolean) => `static int foo_mmap_lookup(struct foo_dev *dev, unsigned long start, struct foo_object **out)
{
	struct foo_object *obj = NULL;
	struct foo_node *node;

	foo_lock_lookup(dev);
	node = foo_lookup(dev, start);
	if (node) {
		obj = container_of(node, struct foo_object, vma_node);
		if (!kref_get_unless_zero(&obj->refcount))
			obj = NULL;
	}
	foo_unlock_lookup(dev);
	if (!obj)
		return -EINVAL;
	if (!foo_allowed(obj)) {
${putWhenDenied ? '\t\tfoo_object_put(obj);\n' : ''}		return -EACCES;${putWhenDenied ? '' : ' /* expect: ref-leak */'}
	}
	*out = obj;
	return 0;
}
`;

// drivers/net/ethernet/cavium/thunder/thunder_bgx.c: a NULL conversion of the held fwnode says
// nothing about the fwnode itself, which the break leaves held.
const convertedNull = `static int foo_init_of_phy(struct foo_bgx *bgx)
{
	struct fwnode_handle *fwn;
	struct device_node *node = NULL;

	device_for_each_child_node(&bgx->pdev->dev, fwn) {
		node = to_of_node(fwn);
		if (!node)
			break;
		foo_setup(bgx, node);
	}
	return 0; /* expect: ref-leak "fwn" */
}
`;

ruleTester(refLeak, {
  valid: [
    { name: 'a test that the returned dentry is NULL: nothing taken (xfs_filestream)', path: 'fs/foo/filestream.c', code: nullMeansNothing('!parent') },
    { name: 'the object forgotten where kref_get_unless_zero() failed, then tested (drm_gem)', path: 'drivers/gpu/drm/foo_gem.c', code: forgottenWhenGetFails(true) },
  ],
  invalid: [
    { name: 'a test of something else leaves with the dentry held', path: 'fs/foo/filestream.c', code: nullMeansNothing('IS_ROOT(parent)') },
    { name: 'a denied object returned without its put', path: 'drivers/gpu/drm/foo_gem.c', code: forgottenWhenGetFails(false) },
    { name: 'a NULL conversion of a held fwnode leaves the loop with the fwnode held (thunder_bgx)', path: 'drivers/net/foo/bgx.c', code: convertedNull },
  ],
});

// fs/overlayfs/super.c ovl_create_volatile_dirty(): `d = ovl_lookup_or_create(ofs, d, name)`, and
// the helper dput()s the parent it was given: the call sees the old d before d names the child.
const walkDown = (helperPuts: boolean) => `static struct dentry *foo_lookup_or_create(struct foo_fs *ofs, struct dentry *parent, const char *name)
{
	struct dentry *child;

	inode_lock_nested(parent->d_inode, I_MUTEX_PARENT);
	child = foo_lookup_upper(ofs, name, parent);
	inode_unlock(parent->d_inode);
${helperPuts ? '\tdput(parent);\n' : ''}	return child;
}

static int foo_create_dirty(struct foo_fs *ofs)
{
	struct dentry *d = dget(ofs->workbasedir);
	static const char *const path[] = { "work", "incompat", "dirty" };
	int i;

	for (i = 0; i < ARRAY_SIZE(path); i++) {
		d = foo_lookup_or_create(ofs, d, path[i]);
		if (IS_ERR(d))
			return PTR_ERR(d);${helperPuts ? '' : ' /* expect: ref-leak */'}
	}
	dput(d);
	return 0;
}
`;

ruleTester(refLeak, {
  valid: [{ name: 'x = f(x) where the helper puts the x it is given (overlayfs)', path: 'fs/foo/super.c', code: walkDown(true) }],
  invalid: [{ name: 'x = f(x) where the helper keeps the x it is given', path: 'fs/foo/super.c', code: walkDown(false) }],
});

// drivers/nvdimm/bus.c nvdimm_bus_create_ndctl(): the allocation is the device itself; once
// device_initialize() ran, put_device() ends in its release callback, which frees it.
const wholeDevice = (initialise: boolean) => `static void foo_release(struct device *dev)
{
	kfree(dev);
}

static int foo_create_ctl(struct foo_bus *bus)
{
	struct device *dev;
	int rc;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
${initialise ? '\tdevice_initialize(dev);\n' : ''}	dev->parent = &bus->dev;
	dev->release = foo_release;
	rc = dev_set_name(dev, "ctl%d", bus->id);
	if (rc)
		goto err;${initialise ? '' : ' /* expect: mem-leak */'}
	rc = device_add(dev);
	if (rc)
		goto err;
	return 0;

err:
	put_device(dev);
	return rc;
}
`;

// drivers/net/ethernet/sfc/falcon/nic.c: passing the line's number to a helper keeps no handler.
const irqNumberPassed = `static int foo_init_interrupt(struct foo_nic *efx)
{
	struct foo_channel *channel;
	unsigned int n_irqs = 0;
	int rc;

	foo_for_each_channel(channel, efx) {
		rc = request_irq(channel->irq, foo_irq_handler, 0, channel->name, channel);
		if (rc)
			goto fail2;
		++n_irqs;
		if (efx->msix && channel->channel < efx->n_rx_channels) {
			rc = irq_cpu_rmap_add(efx->rmap, channel->irq);
			if (rc)
				goto fail2;
		}
	}
	return 0;

fail2:
	foo_for_each_channel(channel, efx) {
		if (n_irqs-- == 0)
			break;
		free_irq(channel->irq, channel);
	}
	return rc;
}
`;

ruleTester(memLeak, {
  valid: [{ name: 'an allocated device put after device_initialize() is freed by its release (nvdimm)', path: 'drivers/nvdimm/foo.c', code: wholeDevice(true) }],
  invalid: [{ name: 'put_device() on a device never initialised frees nothing', path: 'drivers/nvdimm/foo.c', code: wholeDevice(false) }],
});

ruleTester(refLeak, {
  valid: [{ name: 'an interrupt line number passed to irq_cpu_rmap_add() keeps the handler (sfc falcon)', path: 'drivers/net/foo/nic.c', code: irqNumberPassed }],
  invalid: [],
});


// drivers/net/hamradio/scc.c scc_net_siocdevprivate(): the line's number is kept in a field, and
// the module's exit frees every line it marked used by number, not through that field.
const irqNumberKept = `static void __exit foo_cleanup(void)
{
	int k;

	for (k = 0; k < NR_IRQS; k++)
		if (Ivec[k].used)
			free_irq(k, NULL);
}

static int foo_set_config(struct net_device *dev, struct foo_hw_config *hwcfg)
{
	if (!Ivec[hwcfg->irq].used && hwcfg->irq) {
		if (request_irq(hwcfg->irq, foo_isr, 0, "AX.25 SCC", (void *)(long)hwcfg->irq))
			return -EBUSY;
		Ivec[hwcfg->irq].used = 1;
	}
	dev->irq = hwcfg->irq;
	return 0;
}
`;

ruleTester(refLeak, {
  valid: [{ name: 'an interrupt line number kept in a field, freed by number elsewhere (scc)', path: 'drivers/net/hamradio/foo.c', code: irqNumberKept }],
  invalid: [],
});

// drivers/of/property.c of_fwnode_get_named_child_node(): the child's handle is returned, and the
// reference with it (fwnode_get_named_child_node()'s callers put it).
const childHandleReturned = (returned: string) => `static struct fwnode_handle *foo_get_named_child_node(const struct fwnode_handle *fwnode, const char *childname)
{
	const struct device_node *node = to_of_node(fwnode);
	struct device_node *child;

	for_each_available_child_of_node(node, child)
		if (of_node_name_eq(child, childname))
			return of_fwnode_handle(${returned});${returned === 'child' ? '' : ' /* expect: ref-leak */'}
	return NULL;
}
`;

ruleTester(refLeak, {
  valid: [{ name: "a child's fwnode handle returned hands its reference to the caller (of/property)", path: 'drivers/of/foo.c', code: childHandleReturned('child') }],
  invalid: [{ name: "the parent's handle returned leaves the loop with the child held", path: 'drivers/of/foo.c', code: childHandleReturned('node') }],
});

// fs/binfmt_elf.c load_elf_binary(): interp_elf_ex is allocated once open_exec() gave an
// interpreter, and freed later under `if (interpreter)`: open_exec() returns an ERR_PTR() on
// failure, never NULL, so past its IS_ERR() test the second test always holds.
const correlatedByErrPtr = (opener: string) => `static int foo_load_binary(struct linux_binprm *bprm, char *name)
{
	struct file *interpreter = NULL;
	struct foo_hdr *interp_ex = NULL;
	int retval;

	if (name) {
		interpreter = ${opener}(name);
		retval = PTR_ERR(interpreter);
		if (IS_ERR(interpreter))
			goto out;
		interp_ex = kmalloc(sizeof(*interp_ex), GFP_KERNEL);
		if (!interp_ex) {
			retval = -ENOMEM;
			goto out;
		}
	}
	if (interpreter) {
		retval = foo_load_interp(interp_ex, interpreter);
		if (retval < 0)
			goto out_free;
		kfree(interp_ex);
	}
	retval = foo_finish(bprm);
	if (retval < 0)
		goto out;
	return 0;
out:
	return retval;
out_free:
	kfree(interp_ex);
	return retval;
}
`;

ruleTester(memLeak, {
  valid: [{ name: 'a pointer from an ERR_PTR()-only API past its IS_ERR() is never NULL (binfmt_elf)', path: 'fs/foo_elf.c', code: correlatedByErrPtr('open_exec') }],
  invalid: [
    {
      name: 'the same from a function whose failure convention is unknown',
      path: 'fs/foo_elf.c',
      code: correlatedByErrPtr('foo_open_interp').replace('\tretval = foo_finish(bprm);\n\tif (retval < 0)\n\t\tgoto out;', '\tretval = foo_finish(bprm);\n\tif (retval < 0)\n\t\tgoto out; /* expect: mem-leak */'),
    },
  ],
});

// drivers/infiniband/hw/hfi1/user_sdma.c add_system_pinning(): a "safety" kref_get() on a node
// never published goes with the node when it is kfree()d.
const countInFreedNode = (freed: boolean) => `static int foo_add_pinning(struct foo_req *req, struct foo_node **node_p)
{
	struct foo_node *node;
	int ret;

	node = kzalloc(sizeof(*node), GFP_KERNEL);
	if (!node)
		return -ENOMEM;
	kref_init(&node->rb.refcount);
	kref_get(&node->rb.refcount);
	ret = foo_pin_pages(req, node);
	if (ret == 0) {
		ret = foo_rb_insert(req->handler, &node->rb);
		if (!ret)
			*node_p = node;
		return ret;
	}
${freed ? '\tkfree(node);\n' : ''}	return ret;${freed ? '' : ' /* expect: ref-leak */ /* expect: mem-leak */'}
}
`;

ruleTester(refLeak, {
  valid: [{ name: 'a kref inside a node freed before it was published (hfi1)', path: 'drivers/infiniband/foo/sdma.c', code: countInFreedNode(true) }],
  invalid: [],
});

// The same step with its caller in another file of the patch (a driver split in core and bus
// parts): the caller is in view, so it is read.
const stepCore = stepWithCallers('');

ruleTester(refLeak, {
  valid: [
    {
      name: 'a step undone by its caller in another file of the patch',
      files: [
        { path: 'drivers/dma/foo-core.c', code: stepCore },
        { path: 'drivers/dma/foo-platform.c', code: probeIgnoresAndDeinits },
      ],
    },
  ],
  invalid: [],
});

// sound/soc/mediatek/mt8186/mt8186-afe-clk.c apll1_mux_setting(): every caller drops the step's
// result (`apll1_mux_setting(afe, true);`) and goes on as if it had worked, and the paired
// disable (`apll1_mux_setting(afe, false)`) drops the count later: a disable on the step's error
// path would be a second one. drivers/clocksource/sh_mtu2.c, komeda_crtc.c: the same.
const muxSetting = (failure: string, callers: string) => `static int foo_mux_setting(struct foo_afe *afe, bool enable)
{
	int ret;

	if (enable) {
		ret = clk_prepare_enable(afe->clk_mux);
		if (ret)
			${failure}
		ret = clk_set_parent(afe->clk_mux, afe->clk_pll);
		if (ret)
			${failure}
	} else {
		clk_disable_unprepare(afe->clk_mux);
	}
	return 0;
}
${callers}`;

const ignoringCallers = `
int foo_apll_enable(struct foo_afe *afe)
{
	foo_mux_setting(afe, true);
	return foo_pll_on(afe);
}

void foo_apll_disable(struct foo_afe *afe)
{
	foo_pll_off(afe);
	foo_mux_setting(afe, false);
}
`;

const testingCaller = `
int foo_apll_enable(struct foo_afe *afe)
{
	int ret = foo_mux_setting(afe, true);

	if (ret)
		return ret;
	return foo_pll_on(afe);
}
`;

const asCallback = `${ignoringCallers}
static const struct foo_ops foo_ops = {
	.mux = foo_mux_setting,
};
`;

// drivers/dma/qcom/bam_dma.c bam_start_dma(): its callers drop nothing, as it returns nothing;
// its early returns leave the runtime PM count the straight path puts.
const voidStart = `static void foo_start_dma(struct foo_chan *fc)
{
	int ret;

	ret = pm_runtime_get_sync(fc->dev);
	if (ret < 0)
		return; /* expect: ref-leak "pm_runtime_put_noidle" */
	if (foo_busy(fc))
		return;
	foo_kick(fc);
	pm_runtime_put_autosuspend(fc->dev);
}

void foo_issue_pending(struct foo_chan *fc)
{
	foo_start_dma(fc);
}
`;

const markSecondFailure = (code: string, tag: string): string => {
  const at = code.indexOf(tag, code.indexOf('clk_set_parent'));
  return `${code.slice(0, at + tag.length)} /* expect: ref-leak "clk_mux" */${code.slice(at + tag.length)}`;
};

ruleTester(refLeak, {
  valid: [
    { name: 'a step whose every caller drops its result, with the paired disable in the file (mt8186 apll mux)', path: 'sound/soc/foo/foo-clk.c', code: muxSetting('return ret;', ignoringCallers) },
  ],
  invalid: [
    { name: 'a caller that tests the step\'s result sees the failure', path: 'sound/soc/foo/foo-clk.c', code: markSecondFailure(muxSetting('return ret;', testingCaller), 'return ret;') },
    { name: 'a step also handed to a framework as a callback', path: 'sound/soc/foo/foo-clk.c', code: markSecondFailure(muxSetting('return ret;', asCallback), 'return ret;') },
    { name: 'a void step: no caller could see it fail (bam_dma start)', path: 'drivers/dma/foo.c', code: voidStart },
  ],
});

// sound/soc/intel/boards/bytcr_rt5651.c platform_clock_control(): a DAPM widget event whose
// power-up fails after enabling the clock. soc-dapm.c only logs the failure (`ASoC: ... event
// failed`) and keeps the widget powered; the power-down event disables the clock.
const clockEvent = (firstParameter: string, powerDown: string) => `static int foo_clock_control(${firstParameter},
		struct snd_kcontrol *k, int event)
{
	struct foo_priv *priv = foo_priv_of(w);
	int ret;

	if (SND_SOC_DAPM_EVENT_ON(event)) {
		ret = clk_prepare_enable(priv->mclk);
		if (ret < 0)
			return ret;
		ret = snd_soc_dai_set_pll(priv->codec_dai, 0, FOO_PLL_S_MCLK, 19200000, 24576000);
		if (ret < 0)
			return ret;
	} else {
${powerDown}	}
	return 0;
}
`;

const expectClockHeld = (code: string): string => {
  const at = code.indexOf('return ret;', code.indexOf('snd_soc_dai_set_pll')) + 'return ret;'.length;
  return `${code.slice(0, at)} /* expect: ref-leak "mclk" */${code.slice(at)}`;
};

ruleTester(refLeak, {
  valid: [
    { name: 'a DAPM event whose power-down event disables what a failed power-up enabled (bytcr_rt5651)', path: 'sound/soc/foo/foo-board.c', code: clockEvent('struct snd_soc_dapm_widget *w', '\t\tclk_disable_unprepare(priv->mclk);\n') },
  ],
  invalid: [
    { name: 'the same steps in a function whose caller sees the failure', path: 'sound/soc/foo/foo-board.c', code: expectClockHeld(clockEvent('struct foo_widget *w', '\t\tclk_disable_unprepare(priv->mclk);\n')) },
    { name: 'a DAPM event whose power-down leaves the clock alone', path: 'sound/soc/foo/foo-board.c', code: expectClockHeld(clockEvent('struct snd_soc_dapm_widget *w', '\t\tfoo_pll_off(priv);\n')) },
  ],
});

// sound/soc/bcm/cygnus-ssp.c cygnus_ssp_set_clocks(): each enable is recorded in a state field
// (`aio->clk_trace.cap_clk_en = true`) that cygnus_ssp_shutdown() tests to disable it; a later
// failure leaves the enable to it. drivers/infiniband/hw/bnxt_re/qplib_fp.c: `nq->requested =
// true` after request_irq(), and the disable path returns early `if (!nq->requested)` before
// free_irq(). drivers/pwm/pwm-clk.c sets `clk_enabled = true` after an enable decided by the PWM
// state, which a failed apply leaves off: the next apply enables again, so the field owns nothing.
const stateField = (store: string, shutdown: string, guard = '!aio->clk_trace.cap_clk_en') => `static int foo_set_clocks(struct foo_aio *aio, unsigned int mclk)
{
	int error;

	if (${guard}) {
		error = clk_prepare_enable(aio->ch_clk);
		if (error)
			return error;
${store}	}

	error = clk_set_rate(aio->ch_clk, mclk);
	if (error)
		return error; /* cut */
	return 0;
}

static void foo_shutdown(struct foo_aio *aio)
{
${shutdown}}
`;

const flagTestedRelease = '\tif (aio->clk_trace.cap_clk_en) {\n\t\tclk_disable_unprepare(aio->ch_clk);\n\t\taio->clk_trace.cap_clk_en = false;\n\t}\n';
const flagGuardedRelease = '\tif (!aio->clk_trace.cap_clk_en)\n\t\treturn;\n\tclk_disable_unprepare(aio->ch_clk);\n\taio->clk_trace.cap_clk_en = false;\n';
const recorded = '\t\taio->clk_trace.cap_clk_en = true;\n';
const expectEnabled = (code: string): string => code.replace('return error; /* cut */', 'return error; /* expect: ref-leak "ch_clk" */');
const unmarked = (code: string): string => code.replace(' /* cut */', '');

ruleTester(refLeak, {
  valid: [
    { name: 'an enable recorded in a state field that the shutdown tests to disable it (cygnus-ssp)', path: 'sound/soc/foo/foo-ssp.c', code: unmarked(stateField(recorded, flagTestedRelease)) },
    { name: 'the same with a guard that returns when the field is not set (bnxt_re nq->requested)', path: 'sound/soc/foo/foo-ssp.c', code: unmarked(stateField(recorded, flagGuardedRelease)) },
  ],
  invalid: [
    { name: 'a field set but never tested where the clock is disabled', path: 'sound/soc/foo/foo-ssp.c', code: expectEnabled(stateField(recorded, '\tclk_disable_unprepare(aio->ch_clk);\n')) },
    { name: 'no field recorded: the shutdown sees nothing enabled', path: 'sound/soc/foo/foo-ssp.c', code: expectEnabled(stateField('', flagTestedRelease)) },
    { name: 'a field set false is not a record of the enable', path: 'sound/soc/foo/foo-ssp.c', code: expectEnabled(stateField('\t\taio->clk_trace.cap_clk_en = false;\n', flagTestedRelease)) },
    { name: 'a field set after an enable that another state decides (pwm-clk)', path: 'sound/soc/foo/foo-ssp.c', code: expectEnabled(stateField(recorded, flagTestedRelease, '!aio->running')) },
  ],
});

// sound/soc/samsung/i2s.c i2s_trigger(): where the START branch fails after pm_runtime_get_sync(),
// the ALSA core undoes the start with a STOP trigger (snd_pcm_undo_start()), whose branch puts it.
const pcmTrigger = (firstParameter: string, stop: string) => `static int foo_trigger(${firstParameter}, int cmd, struct snd_soc_dai *dai)
{
	struct foo_i2s *i2s = snd_soc_dai_get_drvdata(dai);
	int ret;

	switch (cmd) {
	case SNDRV_PCM_TRIGGER_START:
		pm_runtime_get_sync(dai->dev);
		ret = foo_i2s_configure(i2s);
		if (ret < 0)
			return ret; /* cut */
		foo_i2s_txctrl(i2s, 1);
		break;
	case SNDRV_PCM_TRIGGER_STOP:
		foo_i2s_txctrl(i2s, 0);
${stop}		break;
	}
	return 0;
}
`;

ruleTester(refLeak, {
  valid: [{ name: 'a PCM trigger whose STOP branch puts what a failed START took (samsung i2s)', path: 'sound/soc/foo/foo-i2s.c', code: pcmTrigger('struct snd_pcm_substream *substream', '\t\tpm_runtime_put(dai->dev);\n').replace(' /* cut */', '') }],
  invalid: [
    { name: 'the same steps in a function the core does not undo', path: 'sound/soc/foo/foo-i2s.c', code: pcmTrigger('struct foo_stream *substream', '\t\tpm_runtime_put(dai->dev);\n').replace('/* cut */', '/* expect: ref-leak "pm_runtime" */') },
  ],
});
