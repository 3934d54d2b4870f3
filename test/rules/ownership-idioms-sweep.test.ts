/**
 * The kernel idioms behind false alarms judged on the ownA/ownB/ownC sweeps of Linux 6.1
 * (bench/precision/), each next to the bug of the same shape that must still be caught: aliases
 * of one allocation, destructors given a member, devm actions, drvdata teardown helpers, locks
 * let go and taken again, counts restored after a rollback, cursors that loops move on, and
 * references stored in a field that another function drops through a local copy.
 */
import { lockImbalance } from '../../src/rules/lock-imbalance.js';
import { memLeak } from '../../src/rules/mem-leak.js';
import { refLeak } from '../../src/rules/ref-leak.js';
import { ruleTester } from '../helpers/rule-tester.js';

// fs/ubifs/log.c ubifs_add_bud_to_log(): `buf = cs = kmalloc()`, the test reads the other name.
const chainedAlias = `static int foo_add_bud(struct foo_info *c, int jhead)
{
	void *buf, *cs;
	int err;

	buf = cs = kmalloc(c->ref_node_alsz, GFP_NOFS);
	if (!buf)
		return -ENOMEM;
	err = foo_write_node(c, buf);
	if (err)
		goto out;
	err = foo_sync(c, jhead);
out:
	kfree(buf);
	return err;
}
`;

const chainedAliasLeak = `static int foo_add_bud(struct foo_info *c, int jhead)
{
	void *buf, *cs;
	int err;

	buf = cs = kmalloc(c->ref_node_alsz, GFP_NOFS);
	if (!buf)
		return -ENOMEM;
	err = foo_write_node(c, buf);
	if (err)
		return err; /* expect: mem-leak */
	err = foo_sync(c, jhead);
	kfree(buf);
	return err;
}
`;

// fs/gfs2/glock.c gfs2_glock_get(): the destructor is given the rcu_head inside the glock.
const destructorOfMember = `struct foo_glock {
	struct rcu_head gl_rcu;
	int gl_state;
};

static void foo_glock_dealloc(struct rcu_head *rcu)
{
	struct foo_glock *gl = container_of(rcu, struct foo_glock, gl_rcu);

	kmem_cache_free(foo_glock_cachep, gl);
}

static int foo_glock_get(struct foo_sbd *sdp, struct foo_glock **glp)
{
	struct foo_glock *gl;
	int ret;

	gl = kmem_cache_alloc(foo_glock_cachep, GFP_NOFS);
	if (!gl)
		return -ENOMEM;
	ret = foo_glock_setup(sdp, gl);
	if (ret) {
		foo_glock_dealloc(&gl->gl_rcu);
		return ret;
	}
	*glp = gl;
	return 0;
}
`;

const destructorOfMemberMissing = `static int foo_glock_get(struct foo_sbd *sdp, struct foo_glock **glp)
{
	struct foo_glock *gl;
	int ret;

	gl = kmem_cache_alloc(foo_glock_cachep, GFP_NOFS);
	if (!gl)
		return -ENOMEM;
	ret = foo_glock_setup(sdp, gl);
	if (ret) {
		foo_glock_dealloc(&gl->gl_rcu);
		return ret;
	}
	ret = foo_glock_check(sdp, gl->gl_state);
	if (ret)
		return ret; /* expect: mem-leak */
	*glp = gl;
	return 0;
}
`;

// drivers/nvdimm/core.c devm_nvdimm_memremap(): the action drops the reference, at once if it cannot be registered.
const devmActionPuts = `static void foo_map_put(void *data)
{
	struct foo_map *map = data;

	kref_put(&map->kref, foo_map_release);
}

void *foo_memremap(struct device *dev, struct foo_map *map)
{
	kref_get(&map->kref);
	if (devm_add_action_or_reset(dev, foo_map_put, map))
		return NULL;
	return map->mem;
}
`;

// devm_add_action() (no _or_reset) does not run the action when it fails: the caller undoes.
const devmActionNotRegistered = `static int foo_probe(struct platform_device *pdev)
{
	struct foo *priv = platform_get_drvdata(pdev);
	int ret;

	ret = clk_prepare_enable(priv->clk);
	if (ret)
		return ret;
	ret = devm_add_action(&pdev->dev, foo_clk_off, priv);
	if (ret)
		return ret; /* expect: ref-leak "clk_prepare_enable" */
	ret = foo_hw_init(priv);
	if (ret)
		return ret;
	return 0;
}
`;

// drivers/net/xen-netback/xenbus.c netback_probe(): the error path calls remove(), which frees drvdata.
const removeHelperFreesDrvdata = `static void foo_remove(struct xenbus_device *dev)
{
	struct foo_info *be = dev_get_drvdata(&dev->dev);

	foo_disconnect(be);
	kfree(be);
	dev_set_drvdata(&dev->dev, NULL);
}

static int foo_probe(struct xenbus_device *dev, const struct xenbus_device_id *id)
{
	struct foo_info *be;
	int err;

	be = kzalloc(sizeof(*be), GFP_KERNEL);
	if (!be)
		return -ENOMEM;
	be->dev = dev;
	dev_set_drvdata(&dev->dev, be);
	err = foo_switch_state(dev, XenbusStateInitWait);
	if (err)
		goto fail;
	return 0;
fail:
	foo_remove(dev);
	return err;
}
`;

const drvdataNotFreed = `static int foo_probe(struct xenbus_device *dev, const struct xenbus_device_id *id)
{
	struct foo_info *be;
	int err;

	be = kzalloc(sizeof(*be), GFP_KERNEL);
	if (!be)
		return -ENOMEM;
	be->dev = dev;
	dev_set_drvdata(&dev->dev, be);
	err = foo_switch_state(dev, XenbusStateInitWait);
	if (err)
		return err; /* expect: mem-leak */
	err = foo_watch(dev, be);
	if (err) {
		kfree(be);
		return err;
	}
	return 0;
}
`;

// fs/ntfs3/inode.c: a name buffer from the names cache goes back with __putname().
const putnameFrees = `static int foo_link(struct foo_inode *ni, struct dentry *dentry)
{
	struct foo_de *de;
	int err;

	de = kmem_cache_zalloc(names_cachep, GFP_NOFS);
	if (!de)
		return -ENOMEM;
	err = foo_fill_de(ni, dentry, de);
	if (err)
		goto out;
	err = foo_insert_de(ni, de);
out:
	__putname(de);
	return err;
}
`;

// sound/core/hwdep.c snd_hwdep_new(): the card owns the component once snd_device_new() took it.
const sndDeviceNewOwns = `int foo_hwdep_new(struct snd_card *card, char *id, struct foo_hwdep **rhwdep)
{
	struct foo_hwdep *hwdep;
	int err;
	static const struct snd_device_ops ops = {
		.dev_free = foo_hwdep_dev_free,
	};

	hwdep = kzalloc(sizeof(*hwdep), GFP_KERNEL);
	if (!hwdep)
		return -ENOMEM;
	err = foo_hwdep_init(hwdep, card, id);
	if (err < 0) {
		kfree(hwdep);
		return err;
	}
	err = snd_device_new(card, SNDRV_DEV_HWDEP, hwdep, &ops);
	if (err < 0) {
		foo_hwdep_free(hwdep);
		return err;
	}
	err = foo_hwdep_check(card, hwdep);
	if (err < 0)
		return err;
	if (rhwdep)
		*rhwdep = hwdep;
	return 0;
}
`;

// drivers/net/wireless/intel/iwlwifi/dvm/calib.c iwl_calib_set(): the new entry takes the old one's place.
const listReplaceKeeps = `int foo_calib_set(struct foo_priv *priv, const struct foo_calib_hdr *cmd, int len)
{
	struct foo_calib_result *res, *tmp;

	res = kmalloc(sizeof(*res) + len, GFP_ATOMIC);
	if (!res)
		return -ENOMEM;
	memcpy(&res->hdr, cmd, len);
	res->cmd_len = len;
	list_for_each_entry(tmp, &priv->calib_results, list) {
		if (tmp->hdr.op_code == res->hdr.op_code) {
			list_replace(&tmp->list, &res->list);
			kfree(tmp);
			return 0;
		}
	}
	list_add_tail(&res->list, &priv->calib_results);
	return 0;
}
`;

// drivers/pwm/pwm-tegra.c tegra_pwm_runtime_suspend(): the clock goes back on when the next step fails.
const countRestored = `static int foo_runtime_suspend(struct device *dev)
{
	struct foo_chip *pc = dev_get_drvdata(dev);
	int err;

	clk_disable_unprepare(pc->clk);
	err = pinctrl_pm_select_sleep_state(dev);
	if (err) {
		clk_prepare_enable(pc->clk);
		return err;
	}
	return 0;
}
`;

const countNotDropped = `static int foo_runtime_resume(struct device *dev)
{
	struct foo_chip *pc = dev_get_drvdata(dev);
	int err;

	err = clk_prepare_enable(pc->clk);
	if (err)
		return err;
	err = pinctrl_pm_select_default_state(dev);
	if (err)
		return err; /* expect: ref-leak "clk_prepare_enable" */
	err = clk_prepare_enable(pc->bus_clk);
	if (err) {
		clk_disable_unprepare(pc->clk);
		return err;
	}
	return 0;
}
`;

// drivers/gpu/drm/panel/panel-novatek-nt35950.c nt35950_power_up(): the bulk disable covers each enable.
const bulkDisable = `static int foo_power_up(struct foo_panel *nt)
{
	int ret;

	ret = regulator_enable(nt->vregs[0].consumer);
	if (ret)
		return ret;
	ret = regulator_enable(nt->vregs[1].consumer);
	if (ret)
		goto end;
	ret = foo_reset(nt);
	if (ret)
		goto end;
	return 0;
end:
	regulator_bulk_disable(ARRAY_SIZE(nt->vregs), nt->vregs);
	return ret;
}
`;

// drivers/ata/pata_cs5530.c, nouveau_acpi.c: each call drops the previous device, the loop ends on NULL.
const cursorLoops = `static bool foo_detect(void)
{
	struct pci_dev *pdev = NULL;
	int count = 0;
	bool ret = false;

	while ((pdev = pci_get_class(PCI_CLASS_DISPLAY_VGA << 8, pdev)) != NULL) {
		count++;
		foo_probe_one(pdev);
	}
	while ((pdev = pci_get_class(PCI_CLASS_DISPLAY_3D << 8, pdev)) != NULL) {
		count++;
		foo_probe_one(pdev);
	}
	if (count == 2)
		ret = true;
	return ret;
}
`;

// drivers/bus/vexpress-config.c vexpress_config_find_prop(): of_get_next_parent() drops the child.
const parentWalk = `static void foo_find_prop(struct device_node *node, const char *name, u32 *val)
{
	*val = 0;

	of_node_get(node);
	while (node) {
		if (of_property_read_u32(node, name, val) == 0) {
			of_node_put(node);
			return;
		}
		node = of_get_next_parent(node);
	}
}
`;

// drivers/pinctrl/devicetree.c dt_to_map_one_config(): the walk starts from its own reference
// (of_node_get()) and `np = of_get_next_parent(np)` drops it as it steps up.
const parentWalkFromGet = (rootExit: string, marker = '') => `static int foo_find_pctldev(struct device_node *np_config, struct foo_dev **out)
{
	struct device_node *np;
	struct foo_dev *pctldev;

	np = of_node_get(np_config);
	for (;;) {
		np = of_get_next_parent(np);
		if (!np || of_node_is_root(np)) {
${rootExit}			return -ENODEV;${marker}
		}
		pctldev = foo_dev_from_node(np);
		if (pctldev)
			break;
	}
	of_node_put(np);
	*out = pctldev;
	return 0;
}
`;

const nodeKeptOnError = `static int foo_find_prop(struct device_node *node, const char *name, u32 *val)
{
	int ret;

	of_node_get(node);
	ret = of_property_read_u32(node, name, val);
	if (ret)
		return ret; /* expect: ref-leak "of_node_get" */
	of_node_put(node);
	return 0;
}
`;

// fs/nfsd/nfsfh.c: the dentry stored in ->fh_dentry is dropped by fh_put() through a local copy.
const storedPutThroughLocal = `static int foo_fh_compose(struct foo_fh *fhp, struct dentry *dentry)
{
	fhp->fh_dentry = dget(dentry);
	return 0;
}

void foo_fh_put(struct foo_fh *fhp)
{
	struct dentry *dentry = fhp->fh_dentry;

	if (dentry) {
		fhp->fh_dentry = NULL;
		dput(dentry);
	}
}
`;

const storedNeverPut = `static int foo_fh_compose(struct foo_fh *fhp, struct dentry *dentry)
{
	fhp->fh_dentry = dget(dentry); /* expect: ref-leak "fh_dentry" */
	return 0;
}

void foo_fh_put(struct foo_fh *fhp)
{
	fhp->fh_dentry = NULL;
}
`;

// drivers/hsi/hsi_core.c hsi_alloc_controller(): the put helper ends in the release callback once the
// embedded device is initialised; drivers/edac/edac_mc.c edac_mc_alloc(): before that it frees nothing.
const putHelperAfterInit = `static void foo_controller_release(struct device *dev)
{
	struct foo_controller *hsi = to_foo_controller(dev);

	kfree(hsi->port);
	kfree(hsi);
}

void foo_put_controller(struct foo_controller *hsi)
{
	if (!hsi)
		return;
	put_device(&hsi->device);
}

struct foo_controller *foo_alloc_controller(unsigned int n_ports, gfp_t flags)
{
	struct foo_controller *hsi;

	hsi = kzalloc(sizeof(*hsi), flags);
	if (!hsi)
		return NULL;
	hsi->device.release = foo_controller_release;
	device_initialize(&hsi->device);
	hsi->port = kcalloc(n_ports, sizeof(*hsi->port), flags);
	if (!hsi->port)
		goto out;
	return hsi;
out:
	foo_put_controller(hsi);
	return NULL;
}
`;

const putHelperBeforeInit = `static void foo_mc_free(struct foo_mc *mci)
{
	put_device(&mci->dev);
}

struct foo_mc *foo_mc_alloc(unsigned int n_layers)
{
	struct foo_mc *mci;

	mci = kzalloc(sizeof(*mci), GFP_KERNEL);
	if (!mci)
		return NULL;
	mci->layers = kcalloc(n_layers, sizeof(*mci->layers), GFP_KERNEL);
	if (!mci->layers)
		goto error;
	mci->dev.release = foo_mc_release;
	device_initialize(&mci->dev);
	return mci;
error:
	foo_mc_free(mci);
	return NULL; /* expect: mem-leak "mci" */
}
`;

// drivers/gnss/core.c gnss_allocate_device(): put_device() through a local pointing at the embedded device.
const putThroughLocalMember = `struct foo_device *foo_allocate_device(struct device *parent)
{
	struct foo_device *gdev;
	struct device *dev;
	int id;

	gdev = kzalloc(sizeof(*gdev), GFP_KERNEL);
	if (!gdev)
		return NULL;
	id = ida_alloc(&foo_minors, GFP_KERNEL);
	if (id < 0) {
		kfree(gdev);
		return NULL;
	}
	gdev->id = id;
	dev = &gdev->dev;
	device_initialize(dev);
	dev->release = foo_device_release;
	gdev->write_buf = kzalloc(FOO_WRITE_BUF_SIZE, GFP_KERNEL);
	if (!gdev->write_buf)
		goto err_put_device;
	return gdev;
err_put_device:
	put_device(dev);
	return NULL;
}
`;

// drivers/clk/clk-npcm7xx.c npcm7xx_clk_init(): an init that returns nothing keeps the mapping on the
// `return;` above its unwind labels, and unmaps it on the error paths.
const voidInitKeepsMapping = `static void __init foo_clk_init(struct device_node *np)
{
	void __iomem *clk_base;
	int ret;

	clk_base = ioremap(foo_base_res.start, resource_size(&foo_base_res));
	if (!clk_base)
		goto foo_init_error;
	foo_clk_data = kzalloc(struct_size(foo_clk_data, hws, FOO_NUM_CLOCKS), GFP_KERNEL);
	if (!foo_clk_data)
		goto foo_init_np_err;
	ret = foo_setup_plls(clk_base);
	if (ret)
		goto foo_init_fail;
	ret = of_clk_add_hw_provider(np, of_clk_hw_onecell_get, foo_clk_data);
	if (ret)
		goto foo_init_fail;
	return;

foo_init_fail:
	kfree(foo_clk_data);
foo_init_np_err:
	iounmap(clk_base);
foo_init_error:
	pr_err("foo: clocks not registered\n");
}
`;

const voidInitLeaksMapping = `static void __init foo_clk_init(struct device_node *np)
{
	void __iomem *clk_base;
	int ret;

	clk_base = ioremap(foo_base_res.start, resource_size(&foo_base_res));
	if (!clk_base)
		goto foo_init_error;
	ret = foo_setup_plls(clk_base);
	if (ret)
		return; /* expect: mem-leak "clk_base" */
	ret = of_clk_add_hw_provider(np, of_clk_hw_onecell_get, foo_clk_data);
	if (ret)
		goto foo_init_fail;
	return;

foo_init_fail:
	iounmap(clk_base);
foo_init_error:
	pr_err("foo: clocks not registered\n");
}
`;

// drivers/net/wireless/ralink/rt2x00/rt2x00dev.c rt2x00lib_probe_hw_modes(): the arrays are stored
// for each band the chip has; a chip always has one, which the code cannot show.
const keptWhereAnotherSuccessStores = `static int foo_probe_hw_modes(struct foo_dev *fdev, const struct foo_spec *spec)
{
	struct ieee80211_channel *channels;

	channels = kcalloc(spec->num_channels, sizeof(*channels), GFP_KERNEL);
	if (!channels)
		return -ENOMEM;
	foo_fill_channels(channels, spec);
	if (spec->supported_bands & FOO_BAND_2GHZ)
		fdev->bands[0].channels = channels;
	if (spec->supported_bands & FOO_BAND_5GHZ)
		fdev->bands[1].channels = &channels[14];
	return 0;
}
`;

// The same success exit when the other success path frees: a real leak.
const keptWhereAnotherSuccessFrees = `static int foo_load_table(struct foo_dev *fdev, const struct foo_spec *spec)
{
	u8 *table;

	table = kmalloc(spec->table_len, GFP_KERNEL);
	if (!table)
		return -ENOMEM;
	foo_read_table(fdev, table, spec->table_len);
	if (spec->flags & FOO_SKIP_TABLE)
		return 0; /* expect: mem-leak "table" */
	foo_apply_table(fdev, table);
	kfree(table);
	return 0;
}
`;

ruleTester(memLeak, {
  valid: [
    { name: 'the NULL test reads the other name of one allocation (ubifs)', path: 'fs/foofs/log.c', code: chainedAlias },
    { name: 'a destructor given the rcu_head inside the object frees it (gfs2 glock)', path: 'fs/foofs/glock.c', code: destructorOfMember },
    { name: "probe's error path calls remove(), which frees the drvdata (xen-netback)", path: 'drivers/net/foo/xenbus.c', code: removeHelperFreesDrvdata },
    { name: '__putname() frees a buffer of the names cache (ntfs3)', path: 'fs/foofs/inode.c', code: putnameFrees },
    { name: 'snd_device_new() gives the component to the card (hwdep)', path: 'sound/core/foo_hwdep.c', code: sndDeviceNewOwns },
    { name: 'list_replace() puts the new entry in the list (iwlwifi calib)', path: 'drivers/net/wireless/foo/calib.c', code: listReplaceKeeps },
    { name: 'a put helper after device_initialize() frees through the release callback (hsi)', path: 'drivers/foo/foo_core.c', code: putHelperAfterInit },
    { name: 'put_device() through a local that points at the embedded device (gnss)', path: 'drivers/foo/core.c', code: putThroughLocalMember },
    { name: 'a void init keeps its mapping on the return above the unwind labels (npcm7xx)', path: 'drivers/clk/clk-foo.c', code: voidInitKeepsMapping },
    { name: 'a success return that keeps what other success paths store (rt2x00)', path: 'drivers/net/wireless/foo/foo_dev.c', code: keptWhereAnotherSuccessStores },
  ],
  invalid: [
    { name: 'the same alias, an early return that skips the kfree()', path: 'fs/foofs/log.c', code: chainedAliasLeak },
    { name: 'a later error exit that calls no destructor', path: 'fs/foofs/glock.c', code: destructorOfMemberMissing },
    { name: 'drvdata is only borrowed: a failed probe without remove() leaks it', path: 'drivers/net/foo/xenbus.c', code: drvdataNotFreed },
    { name: 'the put helper before device_initialize() frees nothing (edac_mc)', path: 'drivers/edac/foo_mc.c', code: putHelperBeforeInit },
    { name: 'a void init that returns early instead of unmapping', path: 'drivers/clk/clk-foo.c', code: voidInitLeaksMapping },
    { name: 'a success return that keeps what the other success path frees', path: 'drivers/misc/foo.c', code: keptWhereAnotherSuccessFrees },
  ],
});

ruleTester(refLeak, {
  valid: [
    { name: 'devm_add_action_or_reset() drops the kref_get() reference (nvdimm)', path: 'drivers/foo/core.c', code: devmActionPuts },
    { name: 'a clock disabled on entry and enabled again when the next step fails (pwm-tegra)', path: 'drivers/pwm/pwm-foo.c', code: countRestored },
    { name: 'regulator_bulk_disable() drops each regulator_enable() of the array (nt35950)', path: 'drivers/gpu/drm/panel/panel-foo.c', code: bulkDisable },
    { name: 'pci_get_class() loops end with the cursor NULL (nouveau_acpi)', path: 'drivers/gpu/drm/foo/foo_acpi.c', code: cursorLoops },
    { name: 'of_get_next_parent() walks up to NULL, dropping each node (vexpress-config)', path: 'drivers/bus/foo-config.c', code: parentWalk },
    { name: 'np = of_get_next_parent(np) drops the node of_node_get() took (pinctrl devicetree)', path: 'drivers/pinctrl/foo-devicetree.c', code: parentWalkFromGet('\t\t\tof_node_put(np);\n') },
    { name: 'a stored dentry dropped through a local copy of the field (nfsd fh_put)', path: 'fs/foofs/fh.c', code: storedPutThroughLocal },
  ],
  invalid: [
    { name: 'the walk up from of_node_get() returns at the root without a put', path: 'drivers/pinctrl/foo-devicetree.c', code: parentWalkFromGet('', ' /* expect: ref-leak "of_get_next_parent" */') },
    { name: 'devm_add_action() that fails does not run the action', path: 'drivers/misc/foo_clk.c', code: devmActionNotRegistered },
    { name: 'an enable with no disable on the error exit of resume', path: 'drivers/pwm/pwm-foo.c', code: countNotDropped },
    { name: 'of_node_get() of a node, an error return before the put', path: 'drivers/bus/foo-config.c', code: nodeKeptOnError },
    { name: 'a stored dentry that nothing in the file drops', path: 'fs/foofs/fh.c', code: storedNeverPut },
  ],
});

// sound/soc/codecs/sta350.c sta350_probe(): sta350_startup_sequence() only ever returns 0, so the
// error return after it cannot run.
const calleeNeverFails = `static int foo_startup_sequence(struct foo_priv *foo)
{
	if (foo->gpiod_nreset)
		gpiod_set_value(foo->gpiod_nreset, 1);
	return 0;
}

static int foo_probe(struct snd_soc_component *component)
{
	struct foo_priv *foo = snd_soc_component_get_drvdata(component);
	int ret;

	ret = regulator_bulk_enable(ARRAY_SIZE(foo->supplies), foo->supplies);
	if (ret)
		return ret;
	ret = foo_startup_sequence(foo);
	if (ret)
		return ret;
	ret = foo_init_regs(foo);
	if (ret) {
		regulator_bulk_disable(ARRAY_SIZE(foo->supplies), foo->supplies);
		return ret;
	}
	return 0;
}
`;

// The same probe when the step can fail: the early return leaks the enable.
const calleeMayFail = `static int foo_startup_sequence(struct foo_priv *foo)
{
	if (!foo->gpiod_nreset)
		return -ENODEV;
	gpiod_set_value(foo->gpiod_nreset, 1);
	return 0;
}

static int foo_probe(struct snd_soc_component *component)
{
	struct foo_priv *foo = snd_soc_component_get_drvdata(component);
	int ret;

	ret = regulator_bulk_enable(ARRAY_SIZE(foo->supplies), foo->supplies);
	if (ret)
		return ret;
	ret = foo_startup_sequence(foo);
	if (ret)
		return ret; /* expect: ref-leak "regulator_bulk_enable" */
	ret = foo_init_regs(foo);
	if (ret) {
		regulator_bulk_disable(ARRAY_SIZE(foo->supplies), foo->supplies);
		return ret;
	}
	return 0;
}
`;

// drivers/firmware/tegra/bpmp.c tegra_bpmp_get(): the device reference is kept for the bpmp returned;
// the path that drops it returns ERR_PTR(-EPROBE_DEFER), an error.
const keptForReturnedObject = `struct foo_bpmp *foo_bpmp_get(struct device *dev)
{
	struct platform_device *pdev;
	struct foo_bpmp *bpmp;
	struct device_node *np;

	np = of_parse_phandle(dev->of_node, "foo,bpmp", 0);
	if (!np)
		return ERR_PTR(-ENOENT);
	pdev = of_find_device_by_node(np);
	if (!pdev) {
		bpmp = ERR_PTR(-ENODEV);
		goto put;
	}
	bpmp = platform_get_drvdata(pdev);
	if (!bpmp) {
		bpmp = ERR_PTR(-EPROBE_DEFER);
		put_device(&pdev->dev);
		goto put;
	}
put:
	of_node_put(np);
	return bpmp;
}
`;

// drivers/media/pci/ngene/ngene-core.c ngene_start(): the line is freed and requested again for MSI.
const irqRequestedAgain = `static int foo_start(struct foo_dev *dev)
{
	int stat;

	stat = request_irq(dev->pci_dev->irq, foo_irq_handler, IRQF_SHARED, "foo", dev);
	if (stat < 0)
		return stat;
	stat = foo_setup(dev);
	if (stat < 0)
		goto fail;
	if (dev->msi_enabled) {
		free_irq(dev->pci_dev->irq, dev);
		stat = pci_enable_msi(dev->pci_dev);
		if (stat)
			goto fail2;
		stat = request_irq(dev->pci_dev->irq, foo_irq_handler, IRQF_SHARED, "foo", dev);
		if (stat < 0)
			goto fail2;
	}
	return 0;
fail:
	free_irq(dev->pci_dev->irq, dev);
fail2:
	foo_teardown(dev);
	return stat;
}
`;

// drivers/mfd/adp5520.c adp5520_probe(): registering children with chip->dev as their parent hands
// on nothing chip holds; the handler stays requested on success.
const parentDevicePassed = `static int foo_probe(struct i2c_client *client)
{
	struct foo_chip *chip = i2c_get_clientdata(client);
	struct platform_device *pdev;
	int ret;

	ret = request_threaded_irq(chip->irq, NULL, foo_irq_thread, IRQF_ONESHOT, "foo", chip);
	if (ret)
		return ret;
	if (chip->pdata->keys) {
		pdev = platform_device_register_data(chip->dev, "foo-keys", chip->id, chip->pdata->keys, sizeof(*chip->pdata->keys));
		if (IS_ERR(pdev)) {
			ret = PTR_ERR(pdev);
			goto out_free_irq;
		}
	}
	return 0;
out_free_irq:
	free_irq(chip->irq, chip);
	return ret;
}
`;

const parentDevicePassedEarlyReturn = `static int foo_probe(struct i2c_client *client)
{
	struct foo_chip *chip = i2c_get_clientdata(client);
	struct platform_device *pdev;
	int ret;

	ret = request_threaded_irq(chip->irq, NULL, foo_irq_thread, IRQF_ONESHOT, "foo", chip);
	if (ret)
		return ret;
	pdev = platform_device_register_data(chip->dev, "foo-keys", chip->id, NULL, 0);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev); /* expect: ref-leak "free_irq" */
	ret = foo_setup(chip);
	if (ret)
		goto out_free_irq;
	return 0;
out_free_irq:
	free_irq(chip->irq, chip);
	return ret;
}
`;

// drivers/scsi/scsi_scan.c scsi_alloc_sdev(): a helper of the file that keeps sdev somewhere does not
// take the tagset reference sdev->host carries; drivers/mailbox/mtk-cmdq-mailbox.c: a helper that
// disables the clocks does not unprepare them.
const helperKeepsPointerOnly = `static int foo_realloc_budget_map(struct foo_sdev *sdev, unsigned int depth)
{
	sdev->budget_map = kcalloc(depth, sizeof(long), GFP_KERNEL);
	if (!sdev->budget_map)
		return -ENOMEM;
	sdev->budget_owner = sdev;
	return 0;
}

static struct foo_sdev *foo_alloc_sdev(struct foo_host *host, unsigned int depth)
{
	struct foo_sdev *sdev = foo_sdev_new(host);

	if (!sdev)
		return NULL;
	kref_get(&sdev->host->tagset_refcnt);
	if (foo_realloc_budget_map(sdev, depth))
		goto out_destroy;
	if (foo_configure(sdev))
		goto out_put;
	return sdev;
out_put:
	kref_put(&sdev->host->tagset_refcnt, foo_tagset_release);
out_destroy:
	kfree(sdev->budget_map);
	return NULL;
}
`;

const helperDisablesNotUnprepares = `static void foo_init(struct foo_cmdq *cmdq)
{
	WARN_ON(clk_bulk_enable(cmdq->gce_num, cmdq->clocks));
	writel(FOO_THR_ACTIVE_SLOT_CYCLES, cmdq->base + FOO_THR_SLOT_CYCLES);
	clk_bulk_disable(cmdq->gce_num, cmdq->clocks);
}

static int foo_probe(struct platform_device *pdev)
{
	struct foo_cmdq *cmdq = platform_get_drvdata(pdev);
	int err;

	err = clk_bulk_prepare(cmdq->gce_num, cmdq->clocks);
	if (err)
		return err;
	foo_init(cmdq);
	err = devm_mbox_controller_register(&pdev->dev, &cmdq->mbox);
	if (err < 0)
		return err; /* expect: ref-leak "clk_bulk_prepare" */
	err = foo_start(cmdq);
	if (err) {
		clk_bulk_unprepare(cmdq->gce_num, cmdq->clocks);
		return err;
	}
	return 0;
}
`;

// drivers/dma/apple-admac.c admac_probe(): the handler is freed by the number kept in the structure;
// the dev_id given to request_irq() and free_irq() says it is the same handler.
const irqFreedByCookie = `static int foo_probe(struct platform_device *pdev)
{
	struct foo_dma *ad = platform_get_drvdata(pdev);
	int irq, err;

	irq = platform_get_irq(pdev, 0);
	if (irq < 0)
		return irq;
	ad->irq = irq;
	err = request_irq(irq, foo_interrupt, 0, dev_name(&pdev->dev), ad);
	if (err)
		return err;
	err = foo_register(ad);
	if (err)
		goto free_irq;
	return 0;
free_irq:
	free_irq(ad->irq, ad);
	return err;
}
`;

const irqNotFreed = `static int foo_probe(struct platform_device *pdev)
{
	struct foo_dma *ad = platform_get_drvdata(pdev);
	int irq, err;

	irq = platform_get_irq(pdev, 0);
	if (irq < 0)
		return irq;
	ad->irq = irq;
	err = request_irq(irq, foo_interrupt, 0, dev_name(&pdev->dev), ad);
	if (err)
		return err;
	err = foo_reset(ad);
	if (err)
		return err; /* expect: ref-leak "free_irq" */
	err = foo_register(ad);
	if (err)
		goto free_irq;
	return 0;
free_irq:
	free_irq(ad->irq, ad);
	return err;
}
`;

// drivers/pcmcia/i82092.c i82092aa_pci_probe(): storing &dev->dev does not hand on dev->irq's handler.
const memberAddressStored = `static int foo_probe(struct pci_dev *dev, const struct pci_device_id *id)
{
	int ret, i;

	ret = request_irq(dev->irq, foo_interrupt, IRQF_SHARED, "foo", foo_interrupt);
	if (ret)
		return ret;
	for (i = 0; i < socket_count; i++) {
		sockets[i].socket.dev.parent = &dev->dev;
		ret = foo_register_socket(&sockets[i].socket);
		if (ret)
			goto err_free_irq;
	}
	return 0;
err_free_irq:
	free_irq(dev->irq, foo_interrupt);
	return ret;
}
`;

// drivers/tty/serial/mpc52xx_uart.c: the enabled clock is kept in a global and disabled through it.
const countThroughGlobal = `static int foo_fifoc_init(struct device_node *np)
{
	struct clk *clk;
	int ret;

	clk = of_clk_get(np, 0);
	if (IS_ERR(clk))
		return PTR_ERR(clk);
	ret = clk_prepare_enable(clk);
	if (ret) {
		clk_put(clk);
		return ret;
	}
	foo_fifoc_clk = clk;
	foo_fifoc = of_iomap(np, 0);
	if (!foo_fifoc) {
		ret = -ENODEV;
		goto out_clk_disable;
	}
	return 0;
out_clk_disable:
	clk_disable_unprepare(foo_fifoc_clk);
	clk_put(foo_fifoc_clk);
	foo_fifoc_clk = NULL;
	return ret;
}
`;

// drivers/media/i2c/ov7251.c ov7251_probe(): the count taken on &client->dev is dropped through ov7251->dev.
const countThroughFixedAlias = `static int foo_probe(struct i2c_client *client)
{
	struct device *dev = &client->dev;
	struct foo_sensor *sensor;
	int ret;

	sensor = devm_kzalloc(dev, sizeof(*sensor), GFP_KERNEL);
	if (!sensor)
		return -ENOMEM;
	sensor->dev = dev;
	pm_runtime_get_noresume(&client->dev);
	pm_runtime_set_active(&client->dev);
	pm_runtime_enable(&client->dev);
	ret = foo_detect(sensor);
	if (ret < 0)
		goto err_pm_runtime;
	pm_runtime_put(&client->dev);
	return 0;
err_pm_runtime:
	pm_runtime_disable(sensor->dev);
	pm_runtime_put_noidle(sensor->dev);
	return ret;
}
`;

// drivers/usb/isp1760/isp1760-udc.c isp1760_udc_register(): the unwind frees the handler when the
// number was stored, which the walk cannot decide.
const storedAndFreedUnderTest = `int foo_udc_register(struct foo_device *isp, int irq)
{
	struct foo_udc *udc = &isp->udc;
	int ret;

	udc->irq = -1;
	udc->irqname = kasprintf(GFP_KERNEL, "%s (udc)", dev_name(isp->dev));
	if (!udc->irqname)
		return -ENOMEM;
	ret = request_irq(irq, foo_udc_irq, IRQF_SHARED, udc->irqname, udc);
	if (ret < 0)
		goto error;
	udc->irq = irq;
	ret = usb_add_gadget_udc(isp->dev, &udc->gadget);
	if (ret < 0)
		goto error;
	return 0;
error:
	if (udc->irq >= 0)
		free_irq(udc->irq, udc);
	kfree(udc->irqname);
	return ret;
}
`;

ruleTester(refLeak, {
  valid: [
    { name: 'free_irq() given the same dev_id frees the handler (apple-admac)', path: 'drivers/dma/foo-dma.c', code: irqFreedByCookie },
    { name: 'storing &dev->dev hands on nothing dev->irq names (i82092)', path: 'drivers/pcmcia/foo.c', code: memberAddressStored },
    { name: 'a clock kept in a global is disabled through it (mpc52xx_uart)', path: 'drivers/tty/serial/foo_uart.c', code: countThroughGlobal },
    { name: 'a runtime PM count dropped through the structure field aliasing the device (ov7251)', path: 'drivers/media/i2c/foo.c', code: countThroughFixedAlias },
    { name: 'a handler freed under a test of the stored number (isp1760)', path: 'drivers/usb/foo/foo-udc.c', code: storedAndFreedUnderTest },
    { name: 'the reference kept for the object returned; the dropping path returns ERR_PTR() (tegra bpmp)', path: 'drivers/firmware/foo/bpmp.c', code: keptForReturnedObject },
    { name: 'a line freed and requested again is held at the success return (ngene)', path: 'drivers/media/pci/foo/foo-core.c', code: irqRequestedAgain },
    { name: 'children registered with chip->dev as parent take nothing of chip (adp5520)', path: 'drivers/mfd/foo.c', code: parentDevicePassed },
    { name: 'a step of the file that only returns 0 cannot take the error return (sta350)', path: 'sound/soc/codecs/foo.c', code: calleeNeverFails },
  ],
  invalid: [
    { name: 'an early return before the free_irq() the other error exit does', path: 'drivers/dma/foo-dma.c', code: irqNotFreed },
    { name: 'an error return after registering a child with chip->dev as parent', path: 'drivers/mfd/foo.c', code: parentDevicePassedEarlyReturn },
    { name: 'a helper that only keeps the pointer takes no reference its fields carry (scsi_scan)', path: 'drivers/scsi/foo_scan.c', code: helperKeepsPointerOnly.replace('\t\tgoto out_destroy;', '\t\tgoto out_destroy; /* expect: ref-leak "kref_get" */') },
    { name: 'a helper that disables the clocks does not unprepare them (mtk-cmdq)', path: 'drivers/mailbox/foo-cmdq.c', code: helperDisablesNotUnprepares },
    { name: 'the same step when it can fail', path: 'sound/soc/codecs/foo.c', code: calleeMayFail },
  ],
});

// fs/nfs/io.c nfs_start_io_read(): the fast path returns holding the lock, the slow path drops and
// retakes it: every exit holds it, by design.
const lockRetaken = `void foo_start_io_read(struct inode *inode)
{
	struct foo_inode *nfsi = FOO_I(inode);

	down_read(&inode->i_rwsem);
	if (test_bit(FOO_INO_ODIRECT, &nfsi->flags) == 0)
		return;
	up_read(&inode->i_rwsem);
	down_write(&inode->i_rwsem);
	foo_block_o_direct(nfsi, inode);
	downgrade_write(&inode->i_rwsem);
}
`;

// drivers/mtd/ubi/wl.c ubi_wl_get_peb(): the helper drops and retakes ->wl_lock, not ->fm_eba_sem.
const helperRetakesOtherLock = `static int foo_produce_free_peb(struct foo_device *ubi)
{
	int err;

	while (!ubi->free.rb_node && ubi->works_count) {
		spin_unlock(&ubi->wl_lock);
		err = foo_do_work(ubi);
		spin_lock(&ubi->wl_lock);
		if (err)
			return err;
	}
	return 0;
}

int foo_wl_get_peb(struct foo_device *ubi)
{
	int err;

	down_read(&ubi->fm_eba_sem);
	spin_lock(&ubi->wl_lock);
	if (!ubi->works_count) {
		spin_unlock(&ubi->wl_lock);
		return -ENOSPC;
	}
	err = foo_produce_free_peb(ubi);
	if (err < 0) {
		spin_unlock(&ubi->wl_lock);
		return err;
	}
	spin_unlock(&ubi->wl_lock);
	return foo_pick(ubi);
}
`;

// The same helper that only unlocks: the caller's error exit leaves ->wl_lock to it, the other does not.
const unlockedByHelper = `static void foo_give_back(struct foo_device *ubi)
{
	ubi->count--;
	spin_unlock(&ubi->wl_lock);
}

int foo_take(struct foo_device *ubi)
{
	spin_lock(&ubi->wl_lock);
	if (!ubi->count) {
		foo_give_back(ubi);
		return -ENOSPC;
	}
	if (ubi->busy)
		return -EBUSY; /* expect: lock-imbalance "wl_lock" */
	spin_unlock(&ubi->wl_lock);
	return 0;
}
`;

// drivers/gpu/drm/drm_gem.c drm_gem_open_ioctl(): drm_gem_handle_create_tail() drops
// dev->object_name_lock, reached in it as obj->dev.
const calleeDropsLockThroughField = `static int foo_handle_create_tail(struct drm_file *file_priv, struct foo_gem_object *obj, u32 *handlep)
{
	struct drm_device *dev = obj->dev;
	int ret;

	ret = idr_alloc(&file_priv->object_idr, obj, 1, 0, GFP_NOWAIT);
	mutex_unlock(&dev->object_name_lock);
	if (ret < 0)
		return ret;
	*handlep = ret;
	return 0;
}

int foo_gem_open_ioctl(struct drm_device *dev, void *data, struct drm_file *file_priv)
{
	struct foo_gem_open *args = data;
	struct foo_gem_object *obj;
	u32 handle;
	int ret;

	mutex_lock(&dev->object_name_lock);
	obj = idr_find(&dev->object_name_idr, (int)args->name);
	if (!obj) {
		mutex_unlock(&dev->object_name_lock);
		return -ENOENT;
	}
	ret = foo_handle_create_tail(file_priv, obj, &handle);
	if (ret)
		return ret;
	args->handle = handle;
	return 0;
}
`;


// net/ieee802154/nl802154.c nl802154_prepare_wpan_dev_dump(): RTNL kept on success, dropped on the
// error exits, which set `err` to an errno before the shared unlock.
const lockKeptOnSuccess = `static int foo_prepare_dump(struct sk_buff *skb, struct netlink_callback *cb, struct foo_dev **wdev)
{
	int err;

	rtnl_lock();
	if (!cb->args[0]) {
		*wdev = foo_dev_from_attrs(sock_net(skb->sk), cb);
		if (IS_ERR(*wdev)) {
			err = PTR_ERR(*wdev);
			goto out_unlock;
		}
	} else {
		*wdev = foo_dev_lookup(cb->args[0]);
		if (!*wdev) {
			err = -ENODEV;
			goto out_unlock;
		}
	}
	return 0;
out_unlock:
	rtnl_unlock();
	return err;
}
`;

// net/rxrpc/conn_client.c: the callee says `__releases(bundle->channel_lock)` on a line of its own.
const releasedByAnnotatedCallee = `static void foo_add_conn(struct foo_bundle *bundle, gfp_t gfp)
	__releases(bundle->channel_lock)
{
	bool conflict = bundle->alloc_conn;

	if (!conflict)
		bundle->alloc_conn = true;
	spin_unlock(&bundle->channel_lock);
	if (conflict)
		return;
	foo_alloc_conn(bundle, gfp);
	spin_lock(&bundle->channel_lock);
	bundle->alloc_conn = false;
	spin_unlock(&bundle->channel_lock);
}

static void foo_maybe_add(struct foo_bundle *bundle, gfp_t gfp)
{
	spin_lock(&bundle->channel_lock);
	if (!bundle->usable)
		goto alloc_conn;
	spin_unlock(&bundle->channel_lock);
	return;
alloc_conn:
	return foo_add_conn(bundle, gfp);
}
`;

// drivers/macintosh/via-pmu.c pmu_wait_complete(): `do { } while (1)` leaves only by the break after the unlock.
const foreverLoopBreaks = `void
foo_suspend(void)
{
	unsigned long flags;

	if (foo_state == uninitialized)
		return;
	
	spin_lock_irqsave(&foo_lock, flags);
	foo_suspended++;
	if (foo_suspended > 1) {
		spin_unlock_irqrestore(&foo_lock, flags);
		return;
	}

	do {
		spin_unlock_irqrestore(&foo_lock, flags);
		if (foo_awaiting_reply)
			foo_int_pending = 1;
		via_foo_interrupt(0, NULL);
		spin_lock_irqsave(&foo_lock, flags);
		if (!foo_int_pending && foo_state == idle && !foo_awaiting_reply) {
			if (gpio_irq >= 0)
				disable_irq_nosync(gpio_irq);
			out_8(&via1[IER], CB1_INT | IER_CLR);
			spin_unlock_irqrestore(&foo_lock, flags);
			break;
		}
	} while (1);
}

`;

// drivers/net/ethernet/microchip/sparx5/sparx5_ptp.c: the break leaves skb_queue_walk_safe(), not the outer loop.
const breakLeavesMacroLoop = `static irqreturn_t foo_ptp_irq(int irq, void *args)
{
	struct foo_port *port = args;
	struct sk_buff *skb, *skb_tmp, *skb_match;
	unsigned long flags;
	u32 id;

	while (foo_ts_pending(port)) {
		id = foo_read_id(port);
		skb_match = NULL;
		spin_lock_irqsave(&port->tx_skbs.lock, flags);
		skb_queue_walk_safe(&port->tx_skbs, skb, skb_tmp) {
			if (FOO_SKB_CB(skb)->ts_id != id)
				continue;
			__skb_unlink(skb, &port->tx_skbs);
			skb_match = skb;
			break;
		}
		spin_unlock_irqrestore(&port->tx_skbs.lock, flags);
		if (!skb_match)
			continue;
		dev_kfree_skb_any(skb_match);
	}
	return IRQ_HANDLED;
}
`;

// The same walk with a return inside it: that exit keeps the lock.
const returnInsideMacroLoop = `static int foo_find_ts(struct foo_port *port, u32 id)
{
	struct sk_buff *skb, *skb_tmp;
	unsigned long flags;

	spin_lock_irqsave(&port->tx_skbs.lock, flags);
	skb_queue_walk_safe(&port->tx_skbs, skb, skb_tmp) {
		if (FOO_SKB_CB(skb)->ts_id == id)
			return -EBUSY; /* expect: lock-imbalance "tx_skbs.lock" */
		if (FOO_SKB_CB(skb)->ts_id > id)
			break;
	}
	spin_unlock_irqrestore(&port->tx_skbs.lock, flags);
	return 0;
}
`;

// drivers/hwspinlock/hwspinlock_core.c __hwspin_trylock(): one lock taken three ways by a switch on
// the mode is one object: a leak of it is one comment, not three.
const oneLockTakenThreeWays = `int foo_trylock(struct foo_hwlock *hwlock, int mode, unsigned long *flags)
{
	int ret;

	switch (mode) {
	case FOO_LOCK_IRQSTATE:
		ret = spin_trylock_irqsave(&hwlock->lock, *flags);
		break;
	case FOO_LOCK_IRQ:
		ret = spin_trylock_irq(&hwlock->lock);
		break;
	default:
		ret = spin_trylock(&hwlock->lock);
		break;
	}
	if (!ret)
		return -EBUSY;
	ret = hwlock->bank->ops->trylock(hwlock);
	if (!ret)
		return -EBUSY; /* expect: lock-imbalance "hwlock->lock" */
	switch (mode) {
	case FOO_LOCK_IRQSTATE:
		spin_unlock_irqrestore(&hwlock->lock, *flags);
		break;
	case FOO_LOCK_IRQ:
		spin_unlock_irq(&hwlock->lock);
		break;
	default:
		spin_unlock(&hwlock->lock);
		break;
	}
	return 0;
}
`;

ruleTester(lockImbalance, {
  valid: [
    { name: 'a lock dropped and taken again is held at every exit (nfs_start_io_read)', path: 'fs/foofs/io.c', code: lockRetaken },
    { name: 'a helper that drops and retakes one lock does not release another (ubi wl)', path: 'drivers/mtd/foo/wl.c', code: helperRetakesOtherLock },
    { name: 'a lock kept on the success exit, dropped where err is set to an errno (nl802154)', path: 'net/foo/nl.c', code: lockKeptOnSuccess },
    { name: 'a callee annotated __releases() on its own line drops the lock (rxrpc)', path: 'net/foo/conn.c', code: releasedByAnnotatedCallee },
    { name: 'a helper given obj unlocks the same lock reached as obj->dev (drm_gem)', path: 'drivers/gpu/drm/foo_gem.c', code: calleeDropsLockThroughField },
    { name: 'do { } while (1) leaves only by the break after the unlock (via-pmu)', path: 'drivers/macintosh/foo-pmu.c', code: foreverLoopBreaks },
    { name: 'a break leaves the walk macro, not the loop around it (sparx5 ptp)', path: 'drivers/net/ethernet/foo/foo_ptp.c', code: breakLeavesMacroLoop },
  ],
  invalid: [
    { name: 'a helper that unlocks on one exit, an early return on another', path: 'drivers/mtd/foo/wl.c', code: unlockedByHelper },
    { name: 'a return inside a walk macro keeps the lock', path: 'drivers/net/ethernet/foo/foo_ptp.c', code: returnInsideMacroLoop },
    { name: 'one lock taken three ways on as many branches leaks once', path: 'drivers/hwspinlock/foo_core.c', code: oneLockTakenThreeWays },
  ],
});
