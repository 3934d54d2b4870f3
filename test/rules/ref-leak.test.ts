import { refLeak } from '../../src/rules/ref-leak.js';
import { ruleTester, runRuleCase } from '../helpers/rule-tester.js';

const childLoopReturn = `static int foo_parse_dt(struct device *dev, struct foo *foo)
{
	struct device_node *child;
	int ret;

	for_each_child_of_node(dev->of_node, child) {
		ret = foo_parse_child(foo, child);
		if (ret)
			return ret; /* expect: ref-leak "of_node_put(child)" */
	}
	return 0;
}
`;

const phandleEarlyReturn = `static int bar_probe(struct platform_device *pdev)
{
	struct device_node *np;
	struct resource res;
	int ret;

	np = of_parse_phandle(pdev->dev.of_node, "memory-region", 0);
	if (!np)
		return -ENODEV;
	ret = of_address_to_resource(np, 0, &res);
	if (ret)
		return ret; /* expect: ref-leak "of_node_put(np)" */
	of_node_put(np);
	return bar_setup(pdev, &res);
}
`;

const deviceEarlyReturn = `static int baz_bind(struct baz *baz, struct device *parent)
{
	struct device *dev = get_device(parent);
	int err;

	err = baz_check(dev);
	if (err)
		return err; /* expect: ref-leak "put_device(dev)" */
	err = baz_attach(baz, dev);
	if (err) {
		put_device(dev);
		return err;
	}
	return 0;
}
`;

const taskEarlyReturn = `static int qux_track(struct qux *q, pid_t nr)
{
	struct task_struct *task;

	task = find_get_task_by_vpid(nr);
	if (!task)
		return -ESRCH;
	if (task->flags & PF_KTHREAD)
		return -EINVAL; /* expect: ref-leak "put_task_struct(task)" */
	if (!qux_may_track(q, task)) {
		put_task_struct(task);
		return -EPERM;
	}
	q->task = task;
	return 0;
}
`;

const storedNeverPut = `struct watcher {
	struct task_struct *tsk;
	pid_t pid;
};

static int watcher_start(struct watcher *w)
{
	struct task_struct *tsk;

	rcu_read_lock();
	tsk = pid_task(find_vpid(w->pid), PIDTYPE_PID);
	if (tsk)
		get_task_struct(tsk); /* expect: ref-leak "no put_task_struct() of a \`tsk\` field" */
	rcu_read_unlock();
	if (!tsk)
		return -ESRCH;
	w->tsk = tsk;
	return 0;
}
`;

const fwnodeLoopReturn = `static int leds_setup(struct device *dev, struct fwnode_handle *leds)
{
	struct fwnode_handle *led;
	u32 reg;

	fwnode_for_each_child_node(leds, led) {
		if (fwnode_property_read_u32(led, "reg", &reg))
			continue;
		if (reg > 1) {
			dev_err(dev, "invalid LED %u\\n", reg);
			return -EINVAL; /* expect: ref-leak "fwnode_handle_put(led)" */
		}
		leds_init_one(dev, led, reg);
	}
	return 0;
}
`;

const compatibleNodeLeak = `static int __init soc_timer_init(void)
{
	struct device_node *np;
	void __iomem *base;

	np = of_find_compatible_node(NULL, NULL, "vendor,soc-timer");
	if (!np)
		return -ENODEV;
	base = of_iomap(np, 0);
	if (!base)
		return -ENOMEM; /* expect: ref-leak */
	of_node_put(np);
	return soc_timer_register(base);
}
`;

// drivers/peci/core.c devm_peci_controller_add(): the fwnode reference is taken right in the
// arguments of device_set_node(), which keeps it in the device; the device's release puts it.
const takenForSetter = (receiver: string, marker = '') => `static struct foo_controller *foo_controller_add(struct device *dev)
{
	struct foo_controller *controller;
	int ret;

	controller = foo_controller_alloc(dev);
	if (IS_ERR(controller))
		return controller;
	${receiver}(&controller->dev, fwnode_handle_get(dev_fwnode(dev)));
	ret = device_add(&controller->dev);
	if (ret)
		goto err_put;
	ret = foo_scan(controller);
	if (ret)
		return ERR_PTR(ret);${marker}
	return controller;

err_put:
	put_device(&controller->dev);
	return ERR_PTR(ret);
}
`;

// fs/nfsd/nfs3xdr.c nfsd3_get_fh_from_dirent(): dchild comes from dget_parent(), dget() or a
// lookup; only the lookup can give an ERR_PTR, so the IS_ERR() return holds nothing.
const parentOrLookup = (test: string, marker = '') => `static __be32 foo_fh_from_dirent(struct foo_dirent *cd, const char *name, int namlen)
{
	struct dentry *dparent = cd->fh.fh_dentry, *dchild;
	__be32 rv = nfserr_noent;

	if (name[0] == '.' && namlen == 2) {
		dchild = dget_parent(dparent);
		if (dchild == dparent)
			goto out;
	} else
		dchild = lookup_positive_unlocked(name, dparent, namlen);
	if (${test})
		return rv;${marker}
	if (d_mountpoint(dchild))
		goto out;
	rv = foo_compose(cd, dchild);
out:
	dput(dchild);
	return rv;
}
`;

// drivers/net/phy/mdio_bus.c of_mdiobus_link_mdiodev(): the author says at the return that the
// loop's reference goes to the device.
const loopNodePassedOn = (comment: string, marker = '') => `static void foo_link_mdiodev(struct mii_bus *bus, struct mdio_device *mdiodev)
{
	struct device *dev = &mdiodev->dev;
	struct device_node *child;

	for_each_available_child_of_node(bus->dev.of_node, child) {
		if (of_foo_parse_addr(dev, child) == mdiodev->addr) {
			device_set_node(dev, of_fwnode_handle(child));
${comment}			return;${marker}
		}
	}
}
`;

// drivers/media/cec/core/cec-notifier.c cec_notifier_parse_hdmi_phandle(): hdmi_dev is set to the
// address of a member of whichever lookup found the device, so `!hdmi_dev` means neither did.
const memberAddressSet = (assignment: string, marker = '') => `struct device *foo_parse_hdmi_phandle(struct device *dev)
{
	struct platform_device *hdmi_pdev;
	struct device *hdmi_dev = NULL;
	struct device_node *np;

	np = of_parse_phandle(dev->of_node, "hdmi-phandle", 0);
	if (!np)
		return ERR_PTR(-ENODEV);
	hdmi_pdev = of_find_device_by_node(np);
	if (hdmi_pdev)
		${assignment};
	of_node_put(np);
	if (!hdmi_dev)
		return ERR_PTR(-EPROBE_DEFER);${marker}
	put_device(hdmi_dev);
	return hdmi_dev;
}
`;

// drivers/nvdimm/bus.c nd_ioctl(): `found` is set to the list walk's entry, which is never NULL in
// the body, on the path that found the device; `!found` after the walk means nothing was taken.
const foundByListWalk = (set: string, marker = '') => `static long foo_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct foo_bus *foo_bus, *found = NULL;
	struct foo_dimm *dimm = NULL;
	int rc;

	mutex_lock(&foo_bus_list_mutex);
	list_for_each_entry(foo_bus, &foo_bus_list, list) {
		struct device *dev;

		dev = device_find_child(&foo_bus->dev, file->private_data, match_dimm);
		if (!dev)
			continue;
		dimm = to_foo_dimm(dev);
		${set};
		if (found)
			break;
	}
	mutex_unlock(&foo_bus_list_mutex);
	if (!found)
		return -ENXIO;${marker}
	rc = foo_do_ioctl(found, dimm, cmd, arg);
	if (dimm)
		put_device(&dimm->dev);
	return rc;
}
`;

/**
 * A get_tree helper (kernfs_get_tree(), mtd_get_sb()) storing the root it found into the context
 * it was given: with `struct fs_context *fc` the context is core code's, and put_fs_context()
 * drops fc->root; with a context structure the file defines, nothing in the patch puts it.
 */
const getTreeStore = (definition: string, parameter: string, marker = ''): string => `${definition}static int foofs_get_tree(${parameter})
{
	struct super_block *sb;
	int ret;

	sb = foofs_find_super(fc);
	if (IS_ERR(sb))
		return PTR_ERR(sb);
	if (!sb->s_root) {
		ret = foofs_fill_super(sb, fc);
		if (ret) {
			deactivate_locked_super(sb);
			return ret;
		}
		sb->s_flags |= SB_ACTIVE;
	}
	fc->root = dget(sb->s_root);${marker}
	return 0;
}
`;

/** An ASoC topology link_load callback (qdsp6 topology.c) storing a node into the link it was given. */
const linkLoadStore = `static int foo_link_load(struct snd_soc_component *component, int index,
			 struct snd_soc_dai_link *link, struct snd_soc_tplg_link_config *cfg)
{
	link->nonatomic = true;
	link->platforms->of_node = of_get_compatible_child(component->dev->of_node, "foo,dais"); /* expect: ref-leak "no of_node_put() of a \`of_node\` field" */
	return 0;
}
`;

// drivers/w1/masters/ds2490.c ds_probe(), drivers/nvme/target/fc.c nvmet_fc_register_targetport():
// a get that returns its argument returns NULL only when given NULL, and then took nothing.
const getReturnsArgument = (take: string, test: string, marker = '') => `static int foo_probe(struct usb_interface *intf, struct usb_device *udev, struct device *parent)
{
	struct foo_dev *dev;
	int err;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	${take};
	if (${test}) {
		err = -ENOMEM;
		goto err_out_free;${marker}
	}
	err = foo_reset(dev);
	if (err)
		goto err_out_put;
	usb_set_intfdata(intf, dev);
	return 0;

err_out_put:
	usb_put_dev(dev->udev);
err_out_free:
	kfree(dev);
	return err;
}
`;

const getTestedInPlace = (test: string, marker = '') => `int foo_register_targetport(struct foo_port_info *pinfo, struct device *dev)
{
	struct foo_tgtport *newrec;
	int ret;

	newrec = kzalloc(sizeof(*newrec), GFP_KERNEL);
	if (!newrec)
		return -ENOMEM;
	if (${test}) {
		ret = -ENODEV;
		goto out_free;${marker}
	}
	newrec->dev = dev;
	ret = foo_add_port(newrec);
	if (ret)
		goto out_put;
	return 0;

out_put:
	put_device(dev);
out_free:
	kfree(newrec);
	return ret;
}
`;

// drivers/irqchip/irq-renesas-rzg2l.c rzg2l_irqc_init(): the device is kept in a `__free(put_device)`
// variable, which puts it on every return; the success path clears the variable to keep it.
const scopedDevice = (declaration: string, marker = '') => `static int foo_irqc_init(struct device_node *node, struct device_node *parent)
{
	struct platform_device *pdev = of_find_device_by_node(node);
	${declaration} = pdev ? &pdev->dev : NULL;
	struct irq_domain *parent_domain;

	if (!pdev)
		return -ENODEV;
	parent_domain = irq_find_host(parent);
	if (!parent_domain)
		return -ENODEV;${marker}
	if (foo_irqc_setup(&pdev->dev, parent_domain)) {
		put_device(&pdev->dev);
		return -ENOMEM;
	}
	dev = NULL;
	return 0;
}
`;

// drivers/s390/scsi/zfcp_aux.c zfcp_port_enqueue(): the port keeps a reference on its adapter, and
// the port device's release callback drops it; after device_register() fails, put_device() runs it.
const releaseCallbackPuts = (releaseBody: string, marker = '') => `static void foo_port_release(struct device *dev)
{
	struct foo_port *port = container_of(dev, struct foo_port, dev);

${releaseBody}	kfree(port);
}

struct foo_port *foo_port_enqueue(struct foo_adapter *adapter, u64 wwpn)
{
	struct foo_port *port;
	int retval = -ENOMEM;

	kref_get(&adapter->ref);
	port = kzalloc(sizeof(struct foo_port), GFP_KERNEL);
	if (!port)
		goto err_put;
	port->adapter = adapter;
	port->wwpn = wwpn;
	port->dev.release = foo_port_release;
	if (dev_set_name(&port->dev, "0x%016llx", (unsigned long long)wwpn)) {
		kfree(port);
		goto err_put;
	}
	retval = -EINVAL;
	if (device_register(&port->dev)) {
		put_device(&port->dev);
		goto err_out;${marker}
	}
	list_add_tail(&port->list, &adapter->port_list);
	return port;

err_put:
	foo_adapter_put(adapter);
err_out:
	return ERR_PTR(retval);
}
`;

// The same through a kref: kref_put() names the release that drops the parent the object kept.
const krefReleasePuts = (releaseBody: string, marker = '') => `static void foo_release(struct kref *kref)
{
	struct foo *obj = container_of(kref, struct foo, kref);

${releaseBody}	kfree(obj);
}

int foo_create(struct device *parent, struct foo **out)
{
	struct foo *obj;
	int err;

	get_device(parent);
	obj = kzalloc(sizeof(*obj), GFP_KERNEL);
	if (!obj) {
		put_device(parent);
		return -ENOMEM;
	}
	kref_init(&obj->kref);
	obj->parent = parent;
	err = foo_setup(obj);
	if (err) {
		kref_put(&obj->kref, foo_release);
		return err;${marker}
	}
	*out = obj;
	return 0;
}
`;

// drivers/vfio/mdev/mdev_sysfs.c mdev_type_add(): the kobject's type names the release, which drops
// the parent device the object kept; kobject_put() after kobject_init_and_add() fails runs it.
const ktypeReleasePuts = (releaseBody: string, marker = '') => `static void foo_type_release(struct kobject *kobj)
{
	struct foo_type *type = to_foo_type(kobj);

${releaseBody}}

static struct kobj_type foo_type_ktype = {
	.sysfs_ops	= &foo_type_sysfs_ops,
	.release	= foo_type_release,
};

static int foo_type_add(struct foo_parent *parent, struct foo_type *type)
{
	int ret;

	type->parent = parent;
	get_device(parent->dev);
	ret = kobject_init_and_add(&type->kobj, &foo_type_ktype, NULL, "%s", type->name);
	if (ret) {
		kobject_put(&type->kobj);
		return ret;${marker}
	}
	return 0;
}
`;

// drivers/dma/idxd: a device whose struct device_type names the release, set through `->dev.type`.
const deviceTypeReleasePuts = (releaseBody: string, marker = '') => `static void foo_child_release(struct device *dev)
{
	struct foo_child *child = container_of(dev, struct foo_child, dev);

${releaseBody}	kfree(child);
}

static const struct device_type foo_child_type = {
	.name = "foo_child",
	.release = foo_child_release,
};

int foo_child_add(struct foo_bus *bus, struct foo_child *child)
{
	int rc;

	child->bus = bus;
	get_device(&bus->dev);
	device_initialize(&child->dev);
	child->dev.type = &foo_child_type;
	rc = dev_set_name(&child->dev, "child%d", child->id);
	if (rc < 0) {
		put_device(&child->dev);
		return rc;${marker}
	}
	return device_add(&child->dev);
}
`;

// drivers/hwspinlock/stm32_hwspinlock.c probe: the devm action is given the platform device whose
// driver data holds the enabled clock; devm_add_action_or_reset() runs it when it fails.
const actionThroughDrvdata = (data: string, marker = '') => `static void foo_disable_clk(void *data)
{
	struct platform_device *pdev = data;
	struct foo_hwspinlock *hw = platform_get_drvdata(pdev);

	clk_disable_unprepare(hw->clk);
}

static int foo_hwspinlock_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct foo_hwspinlock *hw;
	int ret;

	hw = devm_kzalloc(dev, sizeof(*hw), GFP_KERNEL);
	if (!hw)
		return -ENOMEM;
	hw->clk = devm_clk_get(dev, "hsem");
	if (IS_ERR(hw->clk))
		return PTR_ERR(hw->clk);
	ret = clk_prepare_enable(hw->clk);
	if (ret)
		return ret;
	platform_set_drvdata(pdev, hw);
	ret = devm_add_action_or_reset(dev, foo_disable_clk, ${data});
	if (ret)
		return ret;${marker}
	ret = foo_register(dev, hw);
	if (ret)
		clk_disable_unprepare(hw->clk);
	return ret;
}
`;

// drivers/memory/tegra/mc.c devm_tegra_memory_controller_get(): the action is given the driver data of
// the device the lookup found, and puts that device.
const actionOnFoundDevice = (data: string, marker = '') => `static void foo_mc_put_device(void *data)
{
	struct foo_mc *mc = data;

	put_device(mc->dev);
}

struct foo_mc *devm_foo_mc_get(struct device *dev)
{
	struct platform_device *pdev;
	struct device_node *np;
	struct foo_mc *mc;
	int err;

	np = of_parse_phandle(dev->of_node, "foo,memory-controller", 0);
	if (!np)
		return ERR_PTR(-ENOENT);
	pdev = of_find_device_by_node(np);
	of_node_put(np);
	if (!pdev)
		return ERR_PTR(-ENODEV);
	mc = platform_get_drvdata(pdev);
	if (!mc) {
		put_device(&pdev->dev);
		return ERR_PTR(-EPROBE_DEFER);
	}
	err = devm_add_action_or_reset(dev, foo_mc_put_device, ${data});
	if (err)
		return ERR_PTR(err);${marker}
	return mc;
}
`;

// drivers/phy/ti/phy-omap-usb2.c probe: the found device is kept as `phy->control_dev`, a pointer to
// its embedded struct device, and a devm action given that pointer puts it.
const actionOnStoredDevice = (data: string) => `static void foo_usb2_put_device(void *_dev)
{
	struct device *dev = _dev;

	put_device(dev);
}

static int foo_usb2_probe(struct platform_device *pdev)
{
	struct foo_usb2 *phy;
	struct platform_device *control_pdev;
	struct device_node *control_node;
	int ret;

	phy = devm_kzalloc(&pdev->dev, sizeof(*phy), GFP_KERNEL);
	if (!phy)
		return -ENOMEM;
	control_node = of_parse_phandle(pdev->dev.of_node, "ctrl-module", 0);
	if (!control_node)
		return -EINVAL;
	control_pdev = of_find_device_by_node(control_node);
	of_node_put(control_node);
	if (!control_pdev)
		return -EINVAL;
	phy->control_dev = &control_pdev->dev;
	ret = devm_add_action_or_reset(&pdev->dev, foo_usb2_put_device, ${data});
	if (ret)
		return ret;
	return foo_usb2_register(pdev, phy);
}
`;

// sound/soc/codecs/rt5682-i2c.c probe: the action that disables the supplies is registered before
// they are enabled; when a later step fails, devres runs it.
const actionBeforeEnable = (disabled: string, marker = '') => `static void foo_i2c_disable_regulators(void *data)
{
	struct foo_priv *foo = data;

	regulator_bulk_disable(ARRAY_SIZE(foo->supplies), ${disabled});
}

static int foo_i2c_probe(struct i2c_client *i2c)
{
	struct foo_priv *foo;
	unsigned int val;
	int ret;

	foo = devm_kzalloc(&i2c->dev, sizeof(*foo), GFP_KERNEL);
	if (!foo)
		return -ENOMEM;
	ret = devm_regulator_bulk_get(&i2c->dev, ARRAY_SIZE(foo->supplies), foo->supplies);
	if (ret)
		return ret;
	ret = devm_add_action_or_reset(&i2c->dev, foo_i2c_disable_regulators, foo);
	if (ret)
		return ret;
	ret = regulator_bulk_enable(ARRAY_SIZE(foo->supplies), foo->supplies);
	if (ret)
		return ret;
	regmap_read(foo->regmap, FOO_DEVICE_ID, &val);
	if (val != FOO_DEVICE_ID_VALUE)
		return -ENODEV;${marker}
	return foo_register(foo);
}
`;

// drivers/greybus/es2.c ap_probe(): the error label's destructor reads the device into a local
// (`udev = es2->usb_dev;`) and puts it.
const destroyPutsThroughLocal = (put: string, marker = '') => `static void foo_destroy(struct foo_ap_dev *es2)
{
	struct usb_device *udev;

	usb_free_urb(es2->urb);
	udev = es2->usb_dev;
	foo_hd_put(es2->hd);
${put}}

static int foo_ap_probe(struct usb_interface *interface, const struct usb_device_id *id)
{
	struct usb_device *udev;
	struct foo_ap_dev *es2;
	int retval;

	udev = usb_get_dev(interface_to_usbdev(interface));
	es2 = foo_ap_alloc(udev);
	if (IS_ERR(es2)) {
		usb_put_dev(udev);
		return PTR_ERR(es2);
	}
	es2->usb_dev = udev;
	retval = foo_ap_setup(es2);
	if (retval)
		goto error;
	return 0;

error:
	foo_destroy(es2);
	return retval;${marker}
}
`;

// drivers/rapidio/devices/rio_mport_cdev.c rio_mport_remove_rdev(): rdev is the conversion of the found
// device, so it is NULL only when nothing was found.
const convertedWhenFound = (convert: string) => `static int foo_remove_rdev(struct foo_priv *priv, const char *name, u32 comptag)
{
	struct foo_dev *rdev = NULL;
	struct device *dev;

	if (strlen(name)) {
		dev = bus_find_device_by_name(&foo_bus_type, NULL, name);
		if (dev)
			rdev = ${convert}(dev);
	} else {
		do {
			rdev = foo_get_comptag(comptag, rdev);
		} while (rdev && rdev->destid != priv->destid);
	}
	if (!rdev)
		return -ENODEV;
	foo_dev_put(rdev);
	foo_del_device(rdev);
	return 0;
}
`;

// drivers/net/ethernet/marvell/mv643xx_eth.c mv643xx_eth_shared_of_add_port(): a platform device the
// function allocates keeps the node in dev.of_node; platform_device_release() puts it.
const nodeInAllocatedDevice = (alloc: string) => `static int foo_of_add_port(struct platform_device *pdev, struct device_node *pnp)
{
	struct platform_device *ppdev;
	int ret;

	ppdev = ${alloc}("foo_port", 0);
	if (!ppdev)
		return -ENOMEM;
	ppdev->dev.of_node = of_node_get(pnp);
	ret = platform_device_add(ppdev);
	if (ret)
		goto port_err;
	return 0;

port_err:
	platform_device_put(ppdev);
	return ret;
}
`;

ruleTester(refLeak, {
  valid: [
    { name: 'a node kept in the of_node of a platform device the function allocates (mv643xx)', path: 'drivers/net/foo/foo_eth.c', code: nodeInAllocatedDevice('platform_device_alloc') },
    { name: 'a devm action given the device whose driver data holds the clock (stm32_hwspinlock)', path: 'drivers/hwspinlock/foo.c', code: actionThroughDrvdata('pdev') },
    { name: 'a devm action given the driver data of the device the lookup found (tegra mc)', path: 'drivers/memory/foo/mc.c', code: actionOnFoundDevice('mc') },
    { name: 'the kref release kref_put() names drops the parent reference', path: 'drivers/foo/foo.c', code: krefReleasePuts('\tput_device(obj->parent);\n') },
    { name: 'the kref release drops the parent through a local read from the object (rio_mport dma_req_free)', path: 'drivers/foo/foo.c', code: krefReleasePuts('\tif (obj->parent) {\n\t\tstruct device *parent = obj->parent;\n\n\t\tobj->parent = NULL;\n\t\tput_device(parent);\n\t}\n') },
    { name: 'the device release callback put_device() runs drops the adapter reference (zfcp port)', path: 'drivers/s390/scsi/foo_aux.c', code: releaseCallbackPuts('\tfoo_adapter_put(port->adapter);\n') },
    { name: 'a devm action given the stored pointer to the found device puts it (omap-usb2)', path: 'drivers/phy/foo/phy-foo-usb2.c', code: actionOnStoredDevice('phy->control_dev') },
    { name: 'a devm action registered before the enable disables the supplies (rt5682)', path: 'sound/soc/codecs/foo-i2c.c', code: actionBeforeEnable('foo->supplies') },
    { name: 'the destructor puts the device it reads into a local from its parameter (greybus es2)', path: 'drivers/greybus/foo.c', code: destroyPutsThroughLocal('\tusb_put_dev(udev);\n') },
    { name: 'a conversion of the found device is NULL only when nothing was found (rio_mport)', path: 'drivers/rapidio/devices/foo_cdev.c', code: convertedWhenFound('to_foo_dev') },
    { name: 'the release its kobj_type names drops the parent device (mdev type)', path: 'drivers/vfio/mdev/foo_sysfs.c', code: ktypeReleasePuts('\tput_device(type->parent->dev);\n') },
    { name: 'the release its struct device_type names drops the bus device', path: 'drivers/dma/foo/cdev.c', code: deviceTypeReleasePuts('\tput_device(&child->bus->dev);\n') },
    { name: 'a device kept in a __free(put_device) variable (rzg2l irqc)', path: 'drivers/irqchip/foo.c', code: scopedDevice('struct device *dev __free(put_device)') },
    { name: 'a get tested where it is taken (nvmet-fc !get_device(dev) && dev)', path: 'drivers/nvme/target/foo.c', code: getTestedInPlace('!get_device(dev) && dev') },
    { name: 'a NULL test of what a get that returns its argument stored (ds2490 usb_get_dev)', path: 'drivers/w1/foo.c', code: getReturnsArgument('dev->udev = usb_get_dev(udev)', '!dev->udev') },
    { name: 'a flag set to the list walk entry on the path that took the reference (nvdimm nd_ioctl)', path: 'drivers/nvdimm/foo.c', code: foundByListWalk('found = foo_bus') },
    {
      name: 'a cpu device set up in the struct cpu it was given keeps its node (drivers/base/cpu.c)',
      path: 'drivers/base/foo_cpu.c',
      code: `int foo_register_cpu(struct cpu *cpu, int num)
{
	int error;

	cpu->node_id = cpu_to_node(num);
	memset(&cpu->dev, 0x00, sizeof(struct device));
	cpu->dev.id = num;
	cpu->dev.of_node = of_get_cpu_node(num, NULL);
	error = device_register(&cpu->dev);
	if (error) {
		put_device(&cpu->dev);
		return error;
	}
	return 0;
}
`,
    },
    { name: 'a get_tree helper stores the root into the fs_context it was given (kernfs, mtdsuper)', path: 'fs/foofs/super.c', code: getTreeStore('', 'struct fs_context *fc') },
    {
      name: 'an mmap handler stores the file into the vma it was given (coda)',
      path: 'fs/foofs/file.c',
      code: `static int foofs_file_mmap(struct file *coda_file, struct vm_area_struct *vma)
{
	struct file *host_file = foofs_host_file(coda_file);

	if (!host_file->f_op->mmap)
		return -ENODEV;
	if (WARN_ON(coda_file != vma->vm_file))
		return -EIO;
	vma->vm_file = get_file(host_file);
	return call_mmap(vma->vm_file, vma);
}
`,
    },
    { name: 'a pointer set to the address of a member of the found device is not NULL (cec-notifier)', path: 'drivers/media/cec/foo-notifier.c', code: memberAddressSet('hdmi_dev = &hdmi_pdev->dev') },
    {
      name: 'a comment at the exit says the loop reference is passed on (mdio_bus)',
      path: 'drivers/net/phy/foo_bus.c',
      code: loopNodePassedOn('\t\t\t/* The refcount on "child" is passed to the mdio\n\t\t\t * device. Do _not_ use of_node_put(child) here.\n\t\t\t */\n'),
    },
    { name: 'an IS_ERR() test that only the lookup branch can make true (nfs3xdr dget_parent)', path: 'fs/foo/xdr.c', code: parentOrLookup('IS_ERR(dchild)') },
    { name: 'a reference taken in the arguments of the setter that keeps it (peci device_set_node)', path: 'drivers/foo/core.c', code: takenForSetter('device_set_node') },
    {
      name: 'of_node_put() before breaking out of for_each_child_of_node()',
      path: 'drivers/soc/foo/foo-dt.c',
      code: `static struct device_node *foo_find_port(struct device_node *np, u32 id)
{
	struct device_node *child, *found = NULL;
	u32 reg;

	for_each_child_of_node(np, child) {
		if (of_property_read_u32(child, "reg", &reg))
			continue;
		if (reg == id) {
			found = child;
			break;
		}
	}
	return found;
}
`,
    },
    {
      name: 'the loop node returned to the caller, who puts it',
      path: 'drivers/soc/foo/foo-port.c',
      code: `static struct device_node *foo_port_node(struct device_node *np, const char *name)
{
	struct device_node *child;

	for_each_available_child_of_node(np, child) {
		if (of_node_name_eq(child, name))
			return child;
	}
	return NULL;
}
`,
    },
    {
      name: 'of_node_put() on every path through the out label',
      path: 'drivers/clk/foo-clk.c',
      code: `static int foo_clk_probe(struct platform_device *pdev)
{
	struct device_node *np;
	int ret;

	np = of_get_child_by_name(pdev->dev.of_node, "clocks");
	if (!np)
		return -ENODEV;
	ret = foo_clk_parse(np);
	if (ret)
		goto out;
	ret = foo_clk_register(pdev, np);
out:
	of_node_put(np);
	return ret;
}
`,
    },
    {
      name: 'cleanup.h __free(device_node) releases the node at scope end, no_free_ptr() hands it out',
      path: 'drivers/gpu/drm/foo/foo_panel.c',
      code: `static struct device_node *foo_find_panel(struct device_node *np)
{
	struct device_node *panel __free(device_node) = of_get_child_by_name(np, "panel");

	if (!panel)
		return NULL;
	if (!of_device_is_available(panel))
		return NULL;
	return no_free_ptr(panel);
}
`,
    },
    {
      name: 'reference stored in the private structure and put in remove',
      path: 'drivers/phy/foo-phy.c',
      code: `static int foo_phy_probe(struct platform_device *pdev)
{
	struct foo_phy *priv;

	priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->syscon_np = of_parse_phandle(pdev->dev.of_node, "syscon", 0);
	if (!priv->syscon_np)
		return -ENODEV;
	platform_set_drvdata(pdev, priv);
	return 0;
}

static void foo_phy_remove(struct platform_device *pdev)
{
	struct foo_phy *priv = platform_get_drvdata(pdev);

	of_node_put(priv->syscon_np);
}
`,
    },
    {
      name: 'of_find_device_by_node() put through &pdev->dev on every path',
      path: 'drivers/iommu/foo-iommu.c',
      code: `static int foo_iommu_of_xlate(struct device *dev, struct of_phandle_args *args)
{
	struct platform_device *pdev;
	struct foo_iommu *iommu;

	pdev = of_find_device_by_node(args->np);
	if (!pdev)
		return -EPROBE_DEFER;
	iommu = platform_get_drvdata(pdev);
	if (!iommu) {
		put_device(&pdev->dev);
		return -EPROBE_DEFER;
	}
	dev_iommu_priv_set(dev, iommu);
	put_device(&pdev->dev);
	return 0;
}
`,
    },
    {
      name: 'a kref taken through obj->ref is handed on with the object to a list',
      path: 'drivers/misc/ctx_objs.c',
      code: `static int ctx_track(struct ctx *ctx, struct obj *obj)
{
	kref_get(&obj->ref);
	if (obj->dead) {
		kref_put(&obj->ref, obj_release);
		return -ENOENT;
	}
	list_add_tail(&obj->node, &ctx->objs);
	if (++ctx->count > CTX_MAX_OBJS)
		return -ENOSPC;
	return 0;
}
`,
    },
    {
      name: 'a stored reference in a file the patch shows only in part',
      diff: `diff --git a/drivers/gpu/foo/foo_drv.c b/drivers/gpu/foo/foo_drv.c
index 1111111..2222222 100644
--- a/drivers/gpu/foo/foo_drv.c
+++ b/drivers/gpu/foo/foo_drv.c
@@ -120,6 +120,9 @@ static int foo_bind(struct foo *foo, struct task_struct *owner)
 {
 	int ret;
 
+	get_task_struct(owner);
+	foo->owner = owner;
+
 	ret = foo_hw_bind(foo);
 	if (ret)
 		return ret;
`,
    },
  ],
  invalid: [
    { name: 'a node kept in a device the driver allocates itself', path: 'drivers/net/foo/foo_eth.c', code: nodeInAllocatedDevice('foo_port_alloc').replace('\tppdev->dev.of_node = of_node_get(pnp);', '\tppdev->dev.of_node = of_node_get(pnp); /* expect: ref-leak */') },
    { name: 'a devm action given something else than the clock\'s holder', path: 'drivers/hwspinlock/foo.c', code: actionThroughDrvdata('dev', ' /* expect: ref-leak */') },
    { name: 'a devm action given something else than the found device', path: 'drivers/memory/foo/mc.c', code: actionOnFoundDevice('dev', ' /* expect: ref-leak */') },
    { name: 'a kref release that does not drop it', path: 'drivers/foo/foo.c', code: krefReleasePuts('', ' /* expect: ref-leak */') },
    { name: 'a device release callback that does not drop it', path: 'drivers/s390/scsi/foo_aux.c', code: releaseCallbackPuts('', ' /* expect: ref-leak */') },
    { name: 'a devm action given another field leaves the stored device unput', path: 'drivers/phy/foo/phy-foo-usb2.c', code: actionOnStoredDevice('phy->syscon').replace('\tcontrol_pdev = of_find_device_by_node(control_node);', '\tcontrol_pdev = of_find_device_by_node(control_node); /* expect: ref-leak "control_dev" */') },
    { name: 'a devm action registered before the enable that disables other supplies', path: 'sound/soc/codecs/foo-i2c.c', code: actionBeforeEnable('foo->core_supplies', ' /* expect: ref-leak */') },
    { name: 'a destructor that reads the device but does not put it', path: 'drivers/greybus/foo.c', code: destroyPutsThroughLocal('\tdev_dbg(&udev->dev, "destroyed\\n");\n', ' /* expect: ref-leak */') },
    { name: 'to_of_node() of the found node is NULL for a node of another type, which stays held', path: 'drivers/rapidio/devices/foo_cdev.c', code: convertedWhenFound('to_of_node').replace('\tif (!rdev)\n\t\treturn -ENODEV;', '\tif (!rdev)\n\t\treturn -ENODEV; /* expect: ref-leak */') },
    { name: 'a lookup from the found device that can fail leaves it held', path: 'drivers/rapidio/devices/foo_cdev.c', code: convertedWhenFound('foo_dev_lookup').replace('\tif (!rdev)\n\t\treturn -ENODEV;', '\tif (!rdev)\n\t\treturn -ENODEV; /* expect: ref-leak */') },
    { name: 'a kobj_type release that does not drop the parent device', path: 'drivers/vfio/mdev/foo_sysfs.c', code: ktypeReleasePuts('\tpr_debug("release\\n");\n', ' /* expect: ref-leak */') },
    { name: 'a device_type release that does not drop the bus device', path: 'drivers/dma/foo/cdev.c', code: deviceTypeReleasePuts('', ' /* expect: ref-leak */') },
    { name: 'the same device in a plain variable', path: 'drivers/irqchip/foo.c', code: scopedDevice('struct device *dev', ' /* expect: ref-leak */') },
    { name: 'a get followed by a test that says nothing about it', path: 'drivers/nvme/target/foo.c', code: getTestedInPlace('!get_device(dev) || !pinfo->node_name', ' /* expect: ref-leak */') },
    { name: 'a test that says nothing about the get', path: 'drivers/w1/foo.c', code: getReturnsArgument('dev->udev = usb_get_dev(udev)', 'foo_busy(dev)', ' /* expect: ref-leak */') },
    { name: 'a flag set to something that may be NULL', path: 'drivers/nvdimm/foo.c', code: foundByListWalk('found = foo_bus_of(dimm)', ' /* expect: ref-leak */') },
    {
      name: 'a node stored through a pointer the given core object holds: another object, nobody puts it (qdsp6 topology)',
      path: 'sound/soc/qcom/foo-topology.c',
      code: linkLoadStore,
    },
    {
      name: 'the same store into a context structure the file defines, never put',
      path: 'fs/foofs/super.c',
      code: getTreeStore('struct foofs_context {\n\tstruct dentry *root;\n\tunsigned int flags;\n};\n\n', 'struct foofs_context *fc', ' /* expect: ref-leak "no dput() of a `root` field" */'),
    },
    { name: 'a pointer set to something that may be NULL', path: 'drivers/media/cec/foo-notifier.c', code: memberAddressSet('hdmi_dev = foo_hdmi_dev(hdmi_pdev)', ' /* expect: ref-leak */') },
    { name: 'the same exit without a word on the reference', path: 'drivers/net/phy/foo_bus.c', code: loopNodePassedOn('', ' /* expect: ref-leak "of_node_put(child)" */') },
    {
      name: 'a loop node kept in an outer variable is named by that variable where the loop variable is out of scope (hvc_opal)',
      path: 'drivers/tty/hvc/foo_opal.c',
      code: `void __init foo_opal_init_early(void)
{
	struct device_node *stdout_node = of_node_get(of_stdout);
	u32 index;

	if (!stdout_node) {
		struct device_node *opal, *np;

		opal = of_find_node_by_path("/ibm,opal/consoles");
		if (!opal)
			return;
		for_each_child_of_node(opal, np) {
			if (of_node_name_eq(np, "serial")) {
				stdout_node = np;
				break;
			}
		}
		of_node_put(opal);
	}
	if (!stdout_node)
		return;
	index = foo_termno(stdout_node);
	if (index >= MAX_NR_HVC_CONSOLES)
		return; /* expect: ref-leak "of_node_put(stdout_node)" */
	foo_opal_boot_termno = index;
	of_node_put(stdout_node);
}
`,
    },
    {
      name: 'the suggested put is given the address the get was given (fsl_esai)',
      path: 'sound/soc/foo/foo_esai.c',
      code: `static int foo_esai_probe(struct platform_device *pdev)
{
	struct foo_esai *esai = platform_get_drvdata(pdev);
	int ret;

	ret = pm_runtime_resume_and_get(&pdev->dev);
	if (ret < 0)
		return ret;
	ret = foo_esai_hw_init(esai);
	if (ret)
		return ret; /* expect: ref-leak "Shouldn't this path call pm_runtime_put(&pdev->dev) too?" */
	pm_runtime_put_sync(&pdev->dev);
	return 0;
}
`,
    },
    { name: 'a test that dget_parent()\'s result can make true', path: 'fs/foo/xdr.c', code: parentOrLookup('d_really_is_negative(dchild)', ' /* expect: ref-leak "dput(dchild)" */') },
    {
      name: 'a reference taken in the arguments of a call that only reads it',
      path: 'drivers/foo/core.c',
      code: takenForSetter('fwnode_property_read_bool', ' /* expect: ref-leak "fwnode_handle_put" */'),
    },
    {
      name: 'return from inside for_each_child_of_node() without of_node_put()',
      path: 'drivers/soc/foo/foo-parse.c',
      code: childLoopReturn,
    },
    {
      name: 'of_parse_phandle() node not put on an error return',
      path: 'drivers/remoteproc/bar_rproc.c',
      code: phandleEarlyReturn,
    },
    {
      name: 'get_device() reference not put on an early error return',
      path: 'drivers/base/baz.c',
      code: deviceEarlyReturn,
    },
    {
      name: 'find_get_task_by_vpid() reference not put when the task is a kthread',
      path: 'kernel/qux.c',
      code: taskEarlyReturn,
    },
    {
      name: 'get_task_struct() stored in a structure that nothing in the patch puts',
      path: 'kernel/watcher.c',
      code: storedNeverPut,
    },
    {
      name: 'return from inside fwnode_for_each_child_node() keeps the child',
      path: 'drivers/leds/leds-foo.c',
      code: fwnodeLoopReturn,
    },
    {
      name: 'of_find_compatible_node() not put when of_iomap() fails',
      path: 'drivers/clocksource/soc-timer.c',
      code: compatibleNodeLeak,
    },
  ],
});

// Each related note says what its line does: the call that drops it there, or the call it is handed to.
describe('ref-leak related notes', () => {
  it('name the call on each other path (irq-imx-mu-msi)', async () => {
    const code = `static int foo_msi_probe(struct platform_device *pdev, struct device_node *dn)
{
	struct platform_device *fpdev;
	struct device *pd_a;
	int ret;

	fpdev = of_find_device_by_node(dn);
	if (!fpdev)
		return -ENODEV;
	ret = foo_msi_init(fpdev);
	if (ret)
		return ret;
	pd_a = foo_domain_attach(&fpdev->dev, "processor-a-side");
	if (IS_ERR(pd_a)) {
		foo_link_remove(&fpdev->dev);
		return PTR_ERR(pd_a);
	}
	return 0;
}
`;
    const findings = await runRuleCase(refLeak, { name: 'notes', path: 'drivers/irqchip/foo-msi.c', code });
    expect(findings.map((finding) => finding.line)).toEqual([12]);
    const notes = findings[0].related.map((related) => `${related.line} ${related.note}`);
    expect(notes).toContain('15 foo_link_remove() here on another path');
    expect(notes).toContain('13 handed to foo_domain_attach() here on another path');
  });
});
