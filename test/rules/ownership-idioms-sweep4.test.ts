/**
 * Kernel idioms behind false alarms judged on whole files of Linux 6.1 (stop 28), each next to
 * the bug of the same shape that must still be caught: a devm action that disables one supply
 * of an array, a release callback that puts the device through the structure it is part of, a
 * getter that returns the true of kref_get_unless_zero(), a driver's walk over its ports, an
 * IS_ERR_OR_NULL() that tells NULL apart before PTR_ERR(), and SPARC's static device tree.
 */
import { errPtrNullCheck } from '../../src/rules/err-ptr-null-check.js';
import { memLeak } from '../../src/rules/mem-leak.js';
import { moduleRefLeak } from '../../src/rules/module-ref-leak.js';
import { refLeak } from '../../src/rules/ref-leak.js';
import { ruleTester } from '../helpers/rule-tester.js';

// sound/soc/codecs/rt5682s.c: the action registered before the enables disables each supply of
// the array by its constant index; devres runs it when probe fails.
const supplyAction = (action: string, marker = '') => `static void foo_disable_regulators(void *data)
{
	struct foo_priv *priv = data;

${action}}

static int foo_i2c_probe(struct i2c_client *i2c)
{
	struct foo_priv *priv;
	int ret;

	priv = devm_kzalloc(&i2c->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;

	ret = devm_add_action_or_reset(&i2c->dev, foo_disable_regulators, priv);
	if (ret)
		return ret;

	ret = regulator_enable(priv->supplies[FOO_SUPPLY_MICVDD].consumer);
	if (ret)
		return ret;

	ret = regulator_enable(priv->supplies[FOO_SUPPLY_AVDD].consumer);
	if (ret)
		return ret;${marker}

	return foo_read_id(priv);
}
`;

ruleTester(refLeak, {
  valid: [
    {
      name: 'a devm action disables each supply of the array by its index (rt5682s)',
      path: 'sound/soc/codecs/foo.c',
      code: supplyAction('\tregulator_disable(priv->supplies[FOO_SUPPLY_AVDD].consumer);\n\tregulator_disable(priv->supplies[FOO_SUPPLY_MICVDD].consumer);\n'),
    },
  ],
  invalid: [
    {
      name: 'an action that disables only the other supply',
      path: 'sound/soc/codecs/foo.c',
      code: supplyAction('\tregulator_disable(priv->supplies[FOO_SUPPLY_AVDD].consumer);\n', ' /* expect: ref-leak "regulator_enable" */'),
    },
  ],
});

// drivers/fsi/fsi-scom.c: the parent device is held by a reference stored twice, as ->parent and
// as the fsi_device it is part of; the release callback puts it through the latter.
const parentHeld = (release: string) => `static void foo_free(struct device *dev)
{
	struct foo_device *foo = container_of(dev, struct foo_device, dev);

${release}	kfree(foo);
}

static int foo_probe(struct device *dev)
{
	struct fsi_device *fsi_dev = to_fsi_dev(dev);
	struct foo_device *foo;
	int rc;

	foo = kzalloc(sizeof(*foo), GFP_KERNEL);
	if (!foo)
		return -ENOMEM;

	if (!get_device(dev)) {
		kfree(foo);
		return -ENODEV;
	}
	foo->fsi_dev = fsi_dev;

	foo->dev.parent = dev;
	foo->dev.release = foo_free;
	device_initialize(&foo->dev);

	rc = foo_add_cdev(foo);
	if (rc)
		goto err;
	return 0;
err:
	put_device(&foo->dev);
	return rc;
}
`;

ruleTester(refLeak, {
  valid: [{ name: 'the release callback puts the device through the structure it is part of (fsi-scom)', path: 'drivers/fsi/foo.c', code: parentHeld('\tput_device(&foo->fsi_dev->dev);\n') }],
  invalid: [
    {
      name: 'a release callback that only frees',
      path: 'drivers/fsi/foo.c',
      code: parentHeld('').replace('\tif (!get_device(dev)) {', '\tif (!get_device(dev)) { /* expect: ref-leak "->parent" */'),
    },
  ],
});

// drivers/gpu/drm/display/drm_dp_mst_topology.c: a try_get helper returns the true of
// kref_get_unless_zero() to say it took the reference.
const tryGet = (tail: string) => `static int foo_try_get(struct foo *foo)
{
	int ret;

	foo_history_lock(foo->mgr);
	ret = kref_get_unless_zero(&foo->kref);
${tail}	foo_history_unlock(foo->mgr);

	return ret;
}
`;

ruleTester(refLeak, {
  valid: [{ name: 'a getter returns the true of kref_get_unless_zero() (drm_dp_mst try_get)', path: 'drivers/gpu/drm/display/foo.c', code: tryGet('\tif (ret)\n\t\tfoo_save_ref(foo);\n') }],
  invalid: [
    {
      name: 'a getter that fails after taking it',
      path: 'drivers/gpu/drm/display/foo.c',
      code: tryGet('\tif (ret && foo_save_ref(foo)) {\n\t\tfoo_history_unlock(foo->mgr);\n\t\treturn -ENOMEM; /* expect: ref-leak "kref_get_unless_zero" */\n\t}\n'),
    },
  ],
});

// drivers/scsi/3w-9xxx.c: `retval = 1` is this driver's failure, `retval = 0` its success.
const retvalOne = (store: string) => `static int foo_allocate_memory(struct foo_dev *foo, int size, int which)
{
	unsigned long *cpu_addr;
	int retval = 1;
	int i;

	cpu_addr = kzalloc(size * FOO_Q_LENGTH, GFP_KERNEL);
	if (!cpu_addr)
		goto out;

	if ((unsigned long)cpu_addr % FOO_ALIGNMENT) {
		kfree(cpu_addr);
		goto out;
	}

	for (i = 0; i < FOO_Q_LENGTH; i++) {
		switch (which) {
		case 0:
			foo->command_virt[i] = (void *)((unsigned char *)cpu_addr + i * size);
			break;
		case 1:
${store}			break;
		}
	}
	retval = 0;
out:
	return retval;
}
`;

ruleTester(memLeak, {
  valid: [{ name: 'a status set to 1 where everything was freed, 0 where it is kept (3w-9xxx)', path: 'drivers/scsi/foo.c', code: retvalOne('\t\t\tfoo->generic_virt[i] = (void *)((unsigned char *)cpu_addr + i * size);\n') }],
  invalid: [
    {
      name: 'a case that fails with its status 1 and keeps the buffer',
      path: 'drivers/scsi/foo.c',
      code: retvalOne('\t\t\tif (foo_check(foo))\n\t\t\t\tgoto out; /* expect: mem-leak "cpu_addr" */\n\t\t\tfoo->generic_virt[i] = (void *)((unsigned char *)cpu_addr + i * size);\n'),
    },
  ],
});

// drivers/net/ethernet/chelsio/cxgb3/cxgb3_main.c: for_each_port(adapter, i) counts with i;
// adapter keeps its value and is freed on the unwind.
const portWalk = (target: string) => `static int foo_init_one(struct pci_dev *pdev)
{
	struct adapter *adapter;
	int i, err;

	adapter = kzalloc(sizeof(*adapter), GFP_KERNEL);
	if (!adapter)
		return -ENOMEM;

	pci_set_drvdata(pdev, adapter);
	err = foo_prep_adapter(adapter);
	if (err)
		goto out_free_adapter;

	for_each_port(adapter, i)
		foo_init_mac(adapter->port[i]);

	err = foo_create_group(pdev);
	if (err)
		goto ${target};

	return 0;

out_free_adapter:
	kfree(adapter);
out:
	return err;
}
`;

ruleTester(memLeak, {
  valid: [{ name: 'a walk over the ports counts with its index, not the adapter (cxgb3 init_one)', path: 'drivers/net/ethernet/foo/foo_main.c', code: portWalk('out_free_adapter') }],
  invalid: [{ name: 'a jump past the free after the walk', path: 'drivers/net/ethernet/foo/foo_main.c', code: portWalk('out; /* expect: mem-leak "adapter" */') }],
});

// drivers/usb/core/hcd.c, nfp6000_pcie.c: IS_ERR_OR_NULL() whose NULL case is told apart
// before PTR_ERR() is taken.
const errOrNull = (inside: string) => `static int foo_setup_local_mem(struct foo_hcd *hcd, size_t size)
{
	void *local_mem;

	local_mem = ioremap(hcd->phys, size);
	if (IS_ERR_OR_NULL(local_mem)) {
${inside}	}
	hcd->local_mem = local_mem;
	return 0;
}
`;

ruleTester(errPtrNullCheck, {
  valid: [
    { name: 'NULL returns -ENOMEM before PTR_ERR() (usb_hcd_setup_local_mem)', path: 'drivers/usb/core/foo.c', code: errOrNull('\t\tif (!local_mem)\n\t\t\treturn -ENOMEM;\n\n\t\treturn PTR_ERR(local_mem);\n') },
    { name: 'NULL picks -ENOMEM in a conditional (nfp6000_area_acquire)', path: 'drivers/usb/core/foo.c', code: errOrNull('\t\treturn !local_mem ? -ENOMEM : PTR_ERR(local_mem);\n') },
  ],
  invalid: [
    {
      name: 'PTR_ERR() of a NULL ioremap()',
      path: 'drivers/usb/core/foo.c',
      code: errOrNull('\t\treturn PTR_ERR(local_mem);\n').replace('IS_ERR_OR_NULL(local_mem)) {', 'IS_ERR_OR_NULL(local_mem)) { /* expect: err-ptr-null-check "PTR_ERR(local_mem)" */'),
    },
  ],
});

// drivers/sbus/char/openprom.c: SPARC's device tree is the PROM's, never changed at run time;
// of_node_put() is an empty stub there.
const nodeLookup = `static int foo_getchild(struct foo_private *data, phandle ph)
{
	struct device_node *dp;

	dp = of_find_node_by_phandle(ph);
	if (!dp)
		return -ENODEV;
	if (!dp->child)
		return -ENOENT; /* expect: ref-leak "of_find_node_by_phandle" */
	data->current_node = dp->child;
	of_node_put(dp);
	return 0;
}
`;

ruleTester(refLeak, {
  valid: [{ name: 'a device node reference in a SPARC-only driver (openprom)', path: 'drivers/sbus/char/foo.c', code: nodeLookup.replace(' /* expect: ref-leak "of_find_node_by_phandle" */', '') }],
  invalid: [{ name: 'the same in a driver built for every architecture', path: 'drivers/char/foo.c', code: nodeLookup }],
});

// fs/fat/cache.c fat_cache_add(): the new entry goes on the inode's LRU by list_move(), inside
// a helper of the file, through the name it was copied to.
const cacheEntry = (update: string) => `static inline void foo_cache_update_lru(struct foo_inode *fi, struct foo_cache *cache)
{
	if (fi->cache_lru.next != &cache->cache_list)
		${update}(&cache->cache_list, &fi->cache_lru);
}

static void foo_cache_add(struct foo_inode *fi, struct foo_cache_id *new)
{
	struct foo_cache *cache, *tmp;

	spin_lock(&fi->cache_lru_lock);
	cache = foo_cache_merge(fi, new);
	if (cache == NULL) {
		spin_unlock(&fi->cache_lru_lock);
		tmp = kmem_cache_alloc(foo_cache_cachep, GFP_NOFS);
		if (!tmp)
			return;
		spin_lock(&fi->cache_lru_lock);
		cache = foo_cache_merge(fi, new);
		if (cache != NULL) {
			kmem_cache_free(foo_cache_cachep, tmp);
			goto out_update_lru;
		}
		cache = tmp;
		cache->fcluster = new->fcluster;
	}
out_update_lru:
	foo_cache_update_lru(fi, cache);
	spin_unlock(&fi->cache_lru_lock);
}
`;

ruleTester(memLeak, {
  valid: [{ name: 'list_move() links the new entry into the LRU (fat_cache_add)', path: 'fs/foo/cache.c', code: cacheEntry('list_move') }],
  invalid: [
    {
      name: 'a helper that only counts the entry',
      path: 'fs/foo/cache.c',
      code: cacheEntry('foo_count').replace('\tfoo_cache_update_lru(fi, cache);\n\tspin_unlock(&fi->cache_lru_lock);\n}', '\tfoo_cache_update_lru(fi, cache);\n\tspin_unlock(&fi->cache_lru_lock);\n} /* expect: mem-leak "tmp" */'),
    },
  ],
});

// drivers/clk/sunxi/clk-sun4i-display.c: an optional part is passed as `has_div ? &div->hw : NULL`.
const optionalPart = (argument: string, marker = '') => `static void __init foo_display_setup(struct device_node *node, const struct foo_data *data)
{
	struct clk_divider *div = NULL;
	struct clk_gate *gate;
	struct clk *clk;

	gate = kzalloc(sizeof(*gate), GFP_KERNEL);
	if (!gate)
		return;

	if (data->has_div) {
		div = kzalloc(sizeof(*div), GFP_KERNEL);
		if (!div)
			goto free_gate;
	}

	clk = clk_register_composite(NULL, data->name, data->parents, data->num_parents,
				     NULL, NULL, ${argument}, &clk_divider_ops,
				     &gate->hw, &clk_gate_ops, 0);
	if (IS_ERR(clk))
		goto free_div;

	if (of_clk_add_provider(node, of_clk_src_simple_get, clk))
		return;${marker}
	return;

free_div:
	kfree(div);
free_gate:
	kfree(gate);
}
`;

ruleTester(memLeak, {
  valid: [{ name: 'an optional part registered as `has_div ? &div->hw : NULL`', path: 'drivers/clk/foo/clk-foo-display.c', code: optionalPart('data->has_div ? &div->hw : NULL') }],
  invalid: [{ name: 'the part left out of the registration', path: 'drivers/clk/foo/clk-foo-display.c', code: optionalPart('NULL', ' /* expect: mem-leak "div" */') }],
});

// drivers/net/ethernet/qualcomm/emac/emac.c: the step enables clocks of an array and fails half
// way; its caller's ladder runs a teardown that disables every clock of the array in a loop.
const clockSteps = (teardown: string) => `static int foo_clks_phase2_init(struct foo_adapter *adpt)
{
	int ret;

	ret = clk_prepare_enable(adpt->clk[FOO_CLK_TX]);
	if (ret)
		return ret;

	ret = clk_prepare_enable(adpt->clk[FOO_CLK_RX]);
	if (ret)
		return ret; /* expect: ref-leak "clk_prepare_enable" */

	return clk_prepare_enable(adpt->clk[FOO_CLK_SYS]);
}

static void foo_clks_teardown(struct foo_adapter *adpt)
{
	unsigned int i;

${teardown}}

static int foo_probe(struct platform_device *pdev)
{
	struct foo_adapter *adpt = platform_get_drvdata(pdev);
	int ret;

	ret = foo_clks_phase2_init(adpt);
	if (ret)
		goto err_undo_clocks;

	return 0;

err_undo_clocks:
	foo_clks_teardown(adpt);
	return ret;
}
`;

ruleTester(refLeak, {
  valid: [{ name: 'the caller\'s teardown disables every clock of the array in a loop (emac)', path: 'drivers/net/ethernet/foo/foo.c', code: clockSteps('\tfor (i = 0; i < FOO_CLK_CNT; i++)\n\t\tclk_disable_unprepare(adpt->clk[i]);\n').replace(' /* expect: ref-leak "clk_prepare_enable" */', '') }],
  invalid: [{ name: 'a teardown that disables another clock only', path: 'drivers/net/ethernet/foo/foo.c', code: clockSteps('\tclk_disable_unprepare(adpt->clk[FOO_CLK_SYS]);\n') }],
});

// arch/powerpc/platforms/83xx/mpc832x_mds.c: setup_arch maps the board's registers for good.
const boardRegisters = `static void __init foo_setup_arch(void)
{
	struct device_node *np;
	u8 __iomem *bcsr_regs;

	np = of_find_node_by_name(NULL, "bcsr");
	if (!np)
		return;
	bcsr_regs = ioremap(FOO_BCSR_BASE, FOO_BCSR_SIZE);
	of_node_put(np);
	if (!bcsr_regs)
		return;
	if (foo_board_rev(bcsr_regs) < 0)
		return; /* expect: mem-leak "bcsr_regs" */
	foo_init_pins(bcsr_regs);
	iounmap(bcsr_regs);
}
`;

ruleTester(memLeak, {
  valid: [{ name: 'platform code keeps a register mapping for good (mpc832x setup_arch)', path: 'arch/powerpc/platforms/foo/foo_mds.c', code: boardRegisters.replace(' /* expect: mem-leak "bcsr_regs" */', '') }],
  invalid: [{ name: 'a driver that maps its registers leaves them mapped', path: 'drivers/soc/foo/foo_board.c', code: boardRegisters }],
});

// drivers/clk/rockchip/clk.c rockchip_clk_register_branch(): a registration that fails leaves
// its parts with the caller, who frees the divider and the gate and forgets the mux.
const partsOnFailure = (unwind: string, marker = '') => `static struct clk *foo_clk_register_branch(const char *name, const char *const *parents, u8 num_parents, void __iomem *base)
{
	struct clk_mux *mux = NULL;
	struct clk_gate *gate;
	struct clk_hw *hw;

	if (num_parents > 1) {
		mux = kzalloc(sizeof(*mux), GFP_KERNEL);
		if (!mux)
			return ERR_PTR(-ENOMEM);
		mux->reg = base;
	}

	gate = kzalloc(sizeof(*gate), GFP_KERNEL);
	if (!gate) {
		kfree(mux);
		return ERR_PTR(-ENOMEM);
	}

	hw = clk_hw_register_composite(NULL, name, parents, num_parents,
				       mux ? &mux->hw : NULL, &clk_mux_ops,
				       NULL, NULL, &gate->hw, &clk_gate_ops, 0);
	if (IS_ERR(hw)) {
${unwind}		return ERR_CAST(hw);${marker}
	}

	return hw->clk;
}
`;

ruleTester(memLeak, {
  valid: [{ name: 'a failed registration whose parts the caller frees', path: 'drivers/clk/foo/clk.c', code: partsOnFailure('\t\tkfree(gate);\n\t\tkfree(mux);\n') }],
  invalid: [{ name: 'the mux left behind when the registration fails (rockchip_clk_register_branch)', path: 'drivers/clk/foo/clk.c', code: partsOnFailure('\t\tkfree(gate);\n', ' /* expect: mem-leak "mux" */') }],
});

// sound/core/pcm_lib.c snd_pcm_add_chmap_ctls(): the control keeps its private data and frees it
// through private_free; snd_ctl_add() frees a control it cannot add.
const chmapControl = (failure: string, marker = '') => `static int foo_add_chmap_ctls(struct snd_pcm *pcm, int stream)
{
	struct snd_kcontrol_new knew = { .name = "Playback Channel Map" };
	struct foo_chmap *info;
	int err;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	info->pcm = pcm;
	info->kctl = snd_ctl_new1(&knew, info);
	if (!info->kctl) {
${failure}		return -ENOMEM;${marker}
	}
	info->kctl->private_free = foo_chmap_ctl_private_free;
	err = snd_ctl_add(pcm->card, info->kctl);
	if (err < 0)
		return err;
	pcm->streams[stream].chmap_kctl = info->kctl;
	return 0;
}
`;

ruleTester(memLeak, {
  valid: [{ name: 'the control frees its private data, also when snd_ctl_add() fails (snd_pcm_add_chmap_ctls)', path: 'sound/core/foo_lib.c', code: chmapControl('\t\tkfree(info);\n') }],
  invalid: [{ name: 'no control was made: the private data is still the caller\'s', path: 'sound/core/foo_lib.c', code: chmapControl('', ' /* expect: mem-leak "info" */') }],
});

// drivers/net/wireless/realtek/rtlwifi/pci.c _rtl_pci_init_tx_ring(): a coherent DMA buffer starts
// on a page, so the misalignment test after it never holds with the buffer allocated.
const alignedRing = (alloc: string, free: string) => `static int foo_init_tx_ring(struct foo_priv *priv, unsigned int entries)
{
	struct foo_tx_desc *desc;
	dma_addr_t desc_dma;

	desc = ${alloc};
	if (!desc || (unsigned long)desc & 0xFF) {
		pr_err("Cannot allocate TX ring\\n");
		return -ENOMEM;
	}
	if (foo_setup_ring(priv, desc, entries)) {
		${free};
		return -EIO;
	}
	priv->tx_ring.desc = desc;
	priv->tx_ring.dma = desc_dma;
	return 0;
}
`;

ruleTester(memLeak, {
  valid: [
    {
      name: 'a coherent DMA buffer is never misaligned (rtlwifi tx ring)',
      path: 'drivers/net/wireless/foo/pci.c',
      code: alignedRing('dma_alloc_coherent(&priv->pdev->dev, sizeof(*desc) * entries, &desc_dma, GFP_KERNEL)', 'dma_free_coherent(&priv->pdev->dev, sizeof(*desc) * entries, desc, desc_dma)'),
    },
  ],
  invalid: [
    {
      name: 'kmalloc() memory can be, and is then left behind',
      path: 'drivers/net/wireless/foo/pci.c',
      code: alignedRing('kmalloc(sizeof(*desc) * entries, GFP_KERNEL)', 'kfree(desc)').replace('\t\treturn -ENOMEM;\n\t}\n\tif (foo_setup', '\t\treturn -ENOMEM; /* expect: mem-leak "desc" */\n\t}\n\tif (foo_setup'),
    },
  ],
});

// drivers/scsi/bnx2fc/bnx2fc_fcoe.c bnx2fc_create(): the interface's kref release drops the module
// reference create took, and the error path's last put runs it.
const interfaceRelease = (release: string) => `static void foo_interface_release(struct kref *kref)
{
	struct foo_interface *interface = container_of(kref, struct foo_interface, kref);

	foo_netdev_put(interface->netdev);
	kfree(interface);
${release}}

static inline void foo_interface_put(struct foo_interface *interface)
{
	kref_put(&interface->kref, foo_interface_release);
}

static int foo_create(struct net_device *netdev)
{
	struct foo_interface *interface;
	int rc;

	if (!try_module_get(THIS_MODULE))
		return -EINVAL;

	interface = foo_interface_create(netdev);
	if (!interface) {
		module_put(THIS_MODULE);
		return -ENOMEM;
	}
	rc = foo_if_create(interface);
	if (rc) {
		foo_interface_put(interface);
		return rc;
	}
	return 0;
}
`;

ruleTester(moduleRefLeak, {
  valid: [{ name: 'the last put of the interface runs a release that drops the module reference (bnx2fc_create)', path: 'drivers/scsi/foo/foo_fcoe.c', code: interfaceRelease('\tmodule_put(THIS_MODULE);\n') }],
  invalid: [{ name: 'a release that keeps it', path: 'drivers/scsi/foo/foo_fcoe.c', code: interfaceRelease('').replace('\t\tfoo_interface_put(interface);\n\t\treturn rc;', '\t\tfoo_interface_put(interface);\n\t\treturn rc; /* expect: module-ref-leak */') }],
});

// drivers/net/ethernet/cirrus/cs89x0.c: the loop leaves by its break once request_irq() succeeds,
// so `i >= NR` after it means no handler was registered.
const irqScan = (after: string) => `static int foo_open(struct net_device *dev)
{
	struct foo_local *lp = netdev_priv(dev);
	int i, ret;

	for (i = 2; i < FOO_NO_INTS; i++) {
		if ((1 << i) & lp->irq_map) {
			if (request_irq(i, foo_interrupt, 0, dev->name, dev) == 0) {
				dev->irq = i;
				break;
			}
		}
	}

	${after}
		pr_err("can't get an interrupt\\n");
		return -EAGAIN;
	}

	ret = foo_start(dev);
	if (ret) {
		free_irq(dev->irq, dev);
		return ret;
	}
	return 0;
}
`;

ruleTester(refLeak, {
  valid: [{ name: 'the test after the loop agrees with the loop that broke out (cs89x0 net_open)', path: 'drivers/net/ethernet/foo/foo.c', code: irqScan('if (i >= FOO_NO_INTS) {') }],
  invalid: [{ name: 'a test of something else leaves the handler registered', path: 'drivers/net/ethernet/foo/foo.c', code: irqScan('if (lp->broken) {').replace('\t\treturn -EAGAIN;', '\t\treturn -EAGAIN; /* expect: ref-leak */') }],
});

// drivers/regulator/core.c regulator_dev_lookup(): the reference is taken on the regulator's
// device, so the regulator copied out afterwards is not NULL.
const lookupByMap = (copy: string) => `static struct foo_regulator *foo_dev_lookup(const char *supply)
{
	struct foo_regulator *r = NULL;
	struct foo_map *map;

	mutex_lock(&foo_list_mutex);
	list_for_each_entry(map, &foo_map_list, list) {
		if (strcmp(map->supply, supply) == 0 && get_device(&map->regulator->dev)) {
			${copy}
			break;
		}
	}
	mutex_unlock(&foo_list_mutex);

	if (r)
		return r;

	return ERR_PTR(-ENODEV);
}
`;

ruleTester(refLeak, {
  valid: [{ name: 'the object held through its member is not NULL (regulator_dev_lookup)', path: 'drivers/regulator/foo.c', code: lookupByMap('r = map->regulator;') }],
  invalid: [{ name: 'another object copied out leaves the reference', path: 'drivers/regulator/foo.c', code: lookupByMap('r = map->fallback;').replace('\treturn ERR_PTR(-ENODEV);', '\treturn ERR_PTR(-ENODEV); /* expect: ref-leak */') }],
});

// arch/powerpc/mm/hugetlbpage.c __hugepd_alloc(): kmemleak_ignore() says the table is kept on purpose.
const keptTable = (keep: string) => `static int foo_hugepd_alloc(struct foo_mm *mm, struct foo_pd *hpdp, int num)
{
	void *new;
	int i;

	new = kmem_cache_alloc(foo_cachep, GFP_KERNEL);
	if (!new)
		return -ENOMEM;

	spin_lock(&mm->page_table_lock);
	for (i = 0; i < num; i++, hpdp++) {
		if (!foo_hugepd_none(*hpdp))
			break;
		foo_hugepd_populate(hpdp, new);
	}
	if (i < num)
		kmem_cache_free(foo_cachep, new);
	else
		${keep};
	spin_unlock(&mm->page_table_lock);
	return 0;
}
`;

ruleTester(memLeak, {
  valid: [{ name: 'kmemleak_ignore() says the table is kept (hugetlbpage __hugepd_alloc)', path: 'arch/powerpc/mm/foo.c', code: keptTable('kmemleak_ignore(new)') }],
  invalid: [{ name: 'a table that is only counted', path: 'arch/powerpc/mm/foo.c', code: keptTable('foo_count(new)').replace('\treturn 0;\n}', '\treturn 0; /* expect: mem-leak "new" */\n}') }],
});

// drivers/md/dm-integrity.c integrity_metadata(): a buffer kmalloc() gave is not the one on the stack.
const stackFallback = (free: string) => `static int foo_metadata(struct foo_ctx *ic, unsigned int size)
{
	char onstack[FOO_MAX_TAG];
	char *checksums;
	int r;

	checksums = kmalloc(size, GFP_NOIO | __GFP_NORETRY);
	if (!checksums)
		checksums = onstack;

	r = foo_rw_tag(ic, checksums, size);
	if (r) {
		if (checksums != onstack)
			kfree(checksums);
		return r;
	}
${free}	return 0;
}
`;

ruleTester(memLeak, {
  valid: [{ name: 'new memory is not the buffer on the stack (dm-integrity checksums)', path: 'drivers/md/foo.c', code: stackFallback('\tif (checksums != onstack)\n\t\tkfree(checksums);\n') }],
  invalid: [
    {
      name: 'a later failure that forgets it',
      path: 'drivers/md/foo.c',
      code: stackFallback('\tr = foo_check(ic);\n\tif (r)\n\t\treturn r; /* expect: mem-leak "checksums" */\n\tif (checksums != onstack)\n\t\tkfree(checksums);\n'),
    },
  ],
});

// arch/powerpc/kvm/book3s_hv.c kvmppc_alloc_host_rm_ops(): the table is published with cmpxchg64();
// the loser of the race frees its copy.
const publishOps = (publish: string) => `static void foo_alloc_host_rm_ops(void)
{
	struct foo_host_rm_ops *ops;
	unsigned long l_ops;

	ops = kzalloc(sizeof(*ops), GFP_KERNEL);
	if (!ops)
		return;
	ops->rm_core = kcalloc(foo_nr_cores, sizeof(*ops->rm_core), GFP_KERNEL);
	if (!ops->rm_core) {
		kfree(ops);
		return;
	}
	l_ops = (unsigned long)ops;
	if (${publish}) {
		kfree(ops->rm_core);
		kfree(ops);
		return;
	}
	foo_setup_state();
}
`;

ruleTester(memLeak, {
  valid: [{ name: 'a table published with cmpxchg64() (kvmppc_alloc_host_rm_ops)', path: 'arch/powerpc/kvm/foo.c', code: publishOps('cmpxchg64((unsigned long *)&foo_host_rm_ops, 0, l_ops)') }],
  invalid: [{ name: 'a table only compared', path: 'arch/powerpc/kvm/foo.c', code: publishOps('foo_compare((unsigned long *)&foo_host_rm_ops, 0, l_ops)').replace('\tfoo_setup_state();\n}', '\tfoo_setup_state();\n} /* expect: mem-leak "ops" */') }],
});
