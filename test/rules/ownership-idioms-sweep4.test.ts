/**
 * Kernel idioms behind false alarms judged on whole files of Linux 6.1 (stop 28), each next to
 * the bug of the same shape that must still be caught: a devm action that disables one supply
 * of an array, a release callback that puts the device through the structure it is part of, a
 * getter that returns the true of kref_get_unless_zero(), a driver's walk over its ports, an
 * IS_ERR_OR_NULL() that tells NULL apart before PTR_ERR(), and SPARC's static device tree.
 */
import { errPtrNullCheck } from '../../src/rules/err-ptr-null-check.js';
import { memLeak } from '../../src/rules/mem-leak.js';
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
