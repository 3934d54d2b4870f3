/**
 * Kernel idioms behind false alarms judged on whole files of Linux 6.1 (stop 31), each next to
 * the bug of the same shape that must still be caught:
 * - a way out whose comment says the lock was never taken on it (jffs2's "We didn't lock the
 *   erase_free_sem");
 * - a function of the tree that lets go of the lock it is given past a trylock of something
 *   else (migration_entry_wait_on_locked(), by the mined facts);
 * - a lock taken by option, where a function of the patch says which options need it
 *   (getsockopt_needs_rtnl()), and a switch on the option returns early in the others;
 * - a retry that sets the flag under which the lock is taken and let go (`gfp_mask |=
 *   __GFP_DIRECT_RECLAIM; goto retry;`), so that the unlock's test agrees;
 * - `default: return -EINVAL;` of a switch on a mode the driver stored itself (phy
 *   power_on() after phy_set_mode()), which guards against the impossible;
 * - a field the function sets to a named constant (`ah->type = MTHCA_AH_ON_HCA`), tested
 *   against another name later;
 * - a value that is zero exactly where the allocation is NULL (`addr = new_array ?
 *   __pa(new_array) : 0`), tested instead of it;
 * - a list walk that takes a reference on the entry it breaks at, and `&evt->node == head` after
 *   it, true only where the walk ran out; the entry list_entry() gives is never NULL;
 * - `if (!pm_runtime_enabled(dev))` after the function enabled runtime PM itself;
 * - `if (!np || !pctlnp)` after `pctlnp = of_get_parent(np)`, which takes nothing given NULL.
 */
import { lockImbalance } from '../../src/rules/lock-imbalance.js';
import { memLeak } from '../../src/rules/mem-leak.js';
import { refLeak } from '../../src/rules/ref-leak.js';
import { ruleTester } from '../helpers/rule-tester.js';

// fs/jffs2/nodemgmt.c jffs2_mark_node_obsolete(): erase_free_sem is taken only when the
// filesystem is not scanning, and the scanning way out says so.
const markObsolete = (note: string) => `void foo_mark_node_obsolete(struct foo_sb_info *c, struct foo_raw_node_ref *ref)
{
	if (foo_can_mark_obsolete(c) && !(c->flags & (FOO_SB_FLAG_SCANNING | FOO_SB_FLAG_BUILDING)))
		mutex_lock(&c->erase_free_sem);

	spin_lock(&c->erase_completion_lock);
	foo_account(c, ref);

	if (c->flags & FOO_SB_FLAG_SCANNING) {
		spin_unlock(&c->erase_completion_lock);
${note}		return; /* cut */
	}
	spin_unlock(&c->erase_completion_lock);

	if (!foo_can_mark_obsolete(c) || (c->flags & FOO_SB_FLAG_BUILDING))
		return;

	foo_obliterate(c, ref);
	mutex_unlock(&c->erase_free_sem);
}
`;

// mm/migrate.c __migration_entry_wait(): migration_entry_wait_on_locked() unlocks ptl itself
// (mm/filemap.c), after a folio_trylock_flag() of the folio that has nothing to do with ptl.
const migrationWait = (call: string) => `void foo_migration_entry_wait(struct mm_struct *mm, pte_t *ptep, spinlock_t *ptl)
{
	pte_t pte;
	swp_entry_t entry;

	spin_lock(ptl);
	pte = *ptep;
	if (!is_swap_pte(pte))
		goto out;

	entry = pte_to_swp_entry(pte);
	if (!is_migration_entry(entry))
		goto out;

	${call}
	return; /* cut */
out:
	pte_unmap_unlock(ptep, ptl);
}
`;

// net/ipv4/ip_sockglue.c do_ip_getsockopt(): RTNL is taken only for the options
// getsockopt_needs_rtnl() names, and those always leave through out:.
const sockopt = (early: string, filters: string) => `static bool foo_getsockopt_needs_rtnl(int optname)
{
	switch (optname) {
	case FOO_MSFILTER:
	case FOO_MCAST_MSFILTER:
		return true;
	}
	return false;
}

static int foo_do_getsockopt(struct sock *sk, int optname, sockptr_t optval)
{
	bool needs_rtnl = foo_getsockopt_needs_rtnl(optname);
	int val, err = 0;

	if (needs_rtnl)
		rtnl_lock();
	lock_sock(sk);

	switch (optname) {
	case ${early}:
		val = foo_options(sk);
		release_sock(sk);
		return copy_to_sockptr(optval, &val, sizeof(val)); /* cut */
${filters}
		err = foo_get_msfilter(sk, optval);
		goto out;
	default:
		release_sock(sk);
		return -ENOPROTOOPT;
	}
out:
	release_sock(sk);
	if (needs_rtnl)
		rtnl_unlock();
	return err;
}
`;

// drivers/md/dm-crypt.c crypt_alloc_buffer(): a non-blocking pass without the mutex first; on
// failure the flag is set and the allocation retried under the mutex, which cannot fail.
const allocBuffer = (retry: string) => `static struct bio *foo_alloc_buffer(struct foo_io *io, unsigned int size)
{
	struct foo_config *cc = io->cc;
	unsigned int nr_iovecs = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	gfp_t gfp_mask = GFP_NOWAIT | __GFP_HIGHMEM;
	struct bio *clone;
	struct page *page;
	unsigned int i;

retry:
	if (unlikely(gfp_mask & __GFP_DIRECT_RECLAIM))
		mutex_lock(&cc->bio_alloc_lock);

	clone = bio_alloc_bioset(cc->bdev, nr_iovecs, io->opf, GFP_NOIO, &cc->bs);
	for (i = 0; i < nr_iovecs; i++) {
		page = mempool_alloc(&cc->page_pool, gfp_mask);
		if (!page) {
			foo_free_buffer_pages(cc, clone);
			bio_put(clone);
			${retry}
			goto retry; /* cut */
		}
		bio_add_page(clone, page, PAGE_SIZE, 0);
	}

	if (unlikely(gfp_mask & __GFP_DIRECT_RECLAIM))
		mutex_unlock(&cc->bio_alloc_lock);

	return clone;
}
`;

const expectHeld = (code: string, what: string): string => code.replace('/* cut */', `/* expect: lock-imbalance "${what}" */`);
const uncut = (code: string): string => code.replace(' /* cut */', '');

ruleTester(lockImbalance, {
  valid: [
    { name: 'a way out whose comment says the lock was never taken on it (jffs2)', path: 'fs/foo/nodemgmt.c', code: uncut(markObsolete("\t\t/* We didn't lock the erase_free_sem */\n")) },
    { name: 'a callee of the tree that unlocks the ptl it is given (migration_entry_wait_on_locked)', path: 'mm/foo-migrate.c', code: uncut(migrationWait('migration_entry_wait_on_locked(entry, ptep, ptl);')) },
    { name: 'a lock taken by option, returning early only in options that do not take it (ip_sockglue)', path: 'net/foo/foo_sockglue.c', code: uncut(sockopt('FOO_OPTIONS', '\tcase FOO_MSFILTER:\n\tcase FOO_MCAST_MSFILTER:')) },
    { name: 'a retry that sets the flag the lock is taken under (dm-crypt)', path: 'drivers/md/foo-crypt.c', code: uncut(allocBuffer('gfp_mask |= __GFP_DIRECT_RECLAIM;')) },
  ],
  invalid: [
    { name: 'the same retry clearing the flag the unlock is taken under', path: 'drivers/md/foo-crypt.c', code: expectHeld(allocBuffer('gfp_mask &= ~__GFP_DIRECT_RECLAIM;'), 'bio_alloc_lock') },
    { name: 'the same switch returning early in an option that takes it', path: 'net/foo/foo_sockglue.c', code: expectHeld(sockopt('FOO_MSFILTER', '\tcase FOO_MCAST_MSFILTER:'), 'RTNL') },
    { name: 'the same switch whose default may be an option that takes it', path: 'net/foo/foo_sockglue.c', code: sockopt('FOO_OPTIONS', '\tcase FOO_MCAST_MSFILTER:').replace('return -ENOPROTOOPT;', 'return -ENOPROTOOPT; /* expect: lock-imbalance "RTNL" */').replace(' /* cut */', '') },
    { name: 'the same way out with a comment that says nothing of the lock', path: 'fs/foo/nodemgmt.c', code: expectHeld(markObsolete('\t\t/* Flash scanning is in progress */\n'), 'erase_free_sem') },
    { name: 'the same path calling a function that only waits', path: 'mm/foo-migrate.c', code: expectHeld(migrationWait('foo_wait_on_entry(entry);'), 'ptl') },
  ],
});

// drivers/phy/rockchip/phy-rockchip-inno-dsidphy.c inno_dsidphy_power_on(): inno->mode was set
// by inno_dsidphy_set_mode(), which accepts only the two modes the switch lists.
const powerOn = (head: string, tested: string) => `static int foo_dsidphy_power_on(struct phy *phy${head})
{
	struct foo_dsidphy *inno = phy_get_drvdata(phy);

	pm_runtime_get_sync(inno->dev);
	foo_dsidphy_bandgap_on(inno);

	switch (${tested}) {
	case PHY_MODE_MIPI_DPHY:
		foo_dsidphy_mipi_mode_enable(inno);
		break;
	case PHY_MODE_LVDS:
		foo_dsidphy_lvds_mode_enable(inno);
		break;
	default:
		return -EINVAL; /* cut */
	}

	return 0;
}

static int foo_dsidphy_power_off(struct phy *phy)
{
	struct foo_dsidphy *inno = phy_get_drvdata(phy);

	pm_runtime_put(inno->dev);
	return 0;
}
`;
const expectLeak = (code: string): string => code.replace('/* cut */', '/* expect: ref-leak "pm_runtime_get_sync" */');

ruleTester(refLeak, {
  valid: [
    { name: 'a default that guards a mode the driver stored itself (inno-dsidphy)', path: 'drivers/phy/foo/phy-foo-dsidphy.c', code: uncut(powerOn('', 'inno->mode')) },
    // sound/soc/codecs/tas5720.c tas5720_codec_probe(): "unexpected private driver data".
    {
      name: 'the same default saying so before it returns (tas5720)',
      path: 'drivers/phy/foo/phy-foo-dsidphy.c',
      code: uncut(powerOn('', 'inno->mode').replace('\tdefault:\n', '\tdefault:\n\t\tdev_err(&phy->dev, "unexpected private driver data\\n");\n')),
    },
  ],
  invalid: [
    { name: 'the same default on a mode the caller passes', path: 'drivers/phy/foo/phy-foo-dsidphy.c', code: expectLeak(powerOn(', int mode', 'mode')) },
    // drivers/net/ethernet/mellanox/mlx5/core/en_accel/ktls_rx.c mlx5e_ktls_add_rx(): `default:
    // WARN_ONCE(...); return -EOPNOTSUPP;` on crypto_info->cipher_type leaked priv_rx (fixed upstream).
    { name: 'the same default on a field of what the caller passes', path: 'drivers/phy/foo/phy-foo-dsidphy.c', code: expectLeak(powerOn('', 'phy->attrs.mode')) },
    {
      name: 'the same default on a mode the function itself stores',
      path: 'drivers/phy/foo/phy-foo-dsidphy.c',
      code: expectLeak(powerOn(', int mode', 'inno->mode').replace('\tfoo_dsidphy_bandgap_on(inno);', '\tinno->mode = mode;\n\tfoo_dsidphy_bandgap_on(inno);')),
    },
  ],
});

// drivers/infiniband/hw/mthca/mthca_av.c mthca_create_ah(): ah->type says where the address
// vector lives; only the host-memory one (MTHCA_AH_ON_HCA) was kmalloc()ed here.
const createAh = (write: string) => `int foo_create_ah(struct foo_dev *dev, struct foo_ah *ah)
{
	struct foo_av *av = NULL;

	ah->type = FOO_AH_PCI_POOL;
	if (dev->flags & FOO_FLAG_DDR) {
		av = kmalloc(sizeof(*av), GFP_ATOMIC);
		if (!av)
			goto on_hca_fail;
		ah->type = FOO_AH_ON_HCA;
	}

on_hca_fail:
	if (ah->type == FOO_AH_PCI_POOL) {
		ah->av = dma_pool_zalloc(dev->pool, GFP_ATOMIC, &ah->avdma);
		if (!ah->av)
			return -ENOMEM; /* cut */
		av = ah->av;
	}

	foo_fill_av(dev, av);
	if (ah->type == FOO_AH_ON_HCA) {
		${write}
		kfree(av);
	}
	return 0;
}
`;

// mm/memblock.c memblock_double_array(): the slab branch tests the physical address it took of
// the new array, zero where kmalloc() failed.
const doubleArray = (otherwise: string) => `static int foo_double_array(struct foo_type *type, int use_slab, unsigned long new_size)
{
	struct foo_region *new_array;
	unsigned long addr;

	if (use_slab) {
		new_array = kmalloc(new_size, GFP_KERNEL);
		addr = new_array ? __pa(new_array) : ${otherwise};
	} else {
		addr = foo_find_in_range(new_size);
		new_array = addr ? __va(addr) : NULL;
	}
	if (!addr)
		return -1; /* cut */
	foo_copy(new_array, type->regions);
	type->regions = new_array;
	return 0;
}
`;

ruleTester(memLeak, {
  valid: [
    { name: 'a field set to a named constant and tested against another name (mthca ah->type)', path: 'drivers/infiniband/foo/foo_av.c', code: uncut(createAh('foo_write_av(dev, ah, av);')) },
    { name: 'a value zero exactly where the allocation is NULL, tested instead (memblock)', path: 'mm/foo-memblock.c', code: uncut(doubleArray('0')) },
  ],
  invalid: [
    { name: 'the same value with a fallback address where the allocation failed', path: 'mm/foo-memblock.c', code: doubleArray('foo_static_addr').replace('/* cut */', '/* expect: mem-leak "new_array" */') },
    {
      name: 'the same function returning early where the field has that name',
      path: 'drivers/infiniband/foo/foo_av.c',
      code: uncut(createAh('if (foo_write_av(dev, ah, av))\n\t\t\treturn -EIO; /* expect: mem-leak "av" */')),
    },
  ],
});

// drivers/scsi/lpfc/lpfc_bsg.c lpfc_bsg_hba_set_event(): the waiter found in the list is
// referenced at the break; `&evt->node == &phba->ct_ev_waiters` means none was found.
const setEvent = (later: string) => `static void foo_event_ref(struct foo_evt *evt)
{
	kref_get(&evt->kref);
}

static void foo_event_unref(struct foo_evt *evt)
{
	kref_put(&evt->kref, foo_event_free);
}

static int foo_set_event(struct foo_hba *phba, struct foo_job *job, u32 reg_id)
{
	struct foo_data *dd_data = NULL;
	struct foo_evt *evt;
	unsigned long flags;
	int rc;

	spin_lock_irqsave(&phba->ev_lock, flags);
	list_for_each_entry(evt, &phba->ev_waiters, node) {
		if (evt->reg_id == reg_id) {
			foo_event_ref(evt);
			dd_data = evt->dd_data;
			break;
		}
	}
	spin_unlock_irqrestore(&phba->ev_lock, flags);

	if (&evt->node == &phba->ev_waiters) {
		dd_data = kmalloc(sizeof(*dd_data), GFP_KERNEL);
		if (dd_data == NULL) {
			rc = -ENOMEM;
			goto job_error;
		}
		evt = foo_event_new(reg_id);
		if (!evt) {
			rc = -ENOMEM;
			goto job_error;
		}
		dd_data->evt = evt;
		evt->dd_data = dd_data;
		spin_lock_irqsave(&phba->ev_lock, flags);
		list_add(&evt->node, &phba->ev_waiters);
		foo_event_ref(evt);
		spin_unlock_irqrestore(&phba->ev_lock, flags);
	}
${later}	spin_lock_irqsave(&phba->ev_lock, flags);
	evt->waiting = 1;
	job->dd_data = dd_data;
	spin_unlock_irqrestore(&phba->ev_lock, flags);
	return 0;

job_error:
	kfree(dd_data);
	job->dd_data = NULL;
	return rc;
}
`;

// lpfc_bsg_hba_get_event(): the reference is taken next to `evt_dat = list_entry(...)`, which is
// never NULL; `if (evt_dat == NULL)` is the way out where nothing was found.
const getEvent = (take: string) => `static void foo_event_ref(struct foo_evt *evt)
{
	kref_get(&evt->kref);
}

static int foo_get_event(struct foo_hba *phba, struct foo_job *job, u32 reg_id)
{
	struct foo_event_data *evt_dat = NULL;
	struct foo_evt *evt, *evt_next;
	unsigned long flags;

	spin_lock_irqsave(&phba->ev_lock, flags);
	list_for_each_entry_safe(evt, evt_next, &phba->ev_waiters, node) {
		if (evt->reg_id == reg_id) {
			if (list_empty(&evt->events_to_get))
				break;
			foo_event_ref(evt);
			${take}
			break;
		}
	}
	spin_unlock_irqrestore(&phba->ev_lock, flags);

	if (evt_dat == NULL)
		return -ENOENT; /* cut */

	job->reply_len = evt_dat->len;
	foo_queue_reply(job, evt, evt_dat);
	return 0;
}
`;

ruleTester(refLeak, {
  valid: [
    { name: 'a reference taken at the break of a list walk, and the head test after it (lpfc set_event)', path: 'drivers/scsi/foo/foo_bsg.c', code: setEvent('') },
    { name: 'a reference taken next to list_entry(), and the test of that entry (lpfc get_event)', path: 'drivers/scsi/foo/foo_bsg.c', code: uncut(getEvent('evt_dat = list_entry(evt->events_to_get.prev, struct foo_event_data, node);\n\t\t\tlist_del(&evt_dat->node);')) },
  ],
  invalid: [
    {
      name: 'the same walk failing later with the found entry referenced',
      path: 'drivers/scsi/foo/foo_bsg.c',
      code: setEvent('\tif (job->flags & FOO_JOB_ABORTED) {\n\t\trc = -EINTR;\n\t\tgoto job_error;\n\t}\n').replace('\treturn rc;\n}', '\treturn rc; /* expect: ref-leak "foo_event_ref" */\n}'),
    },
    { name: 'the same test of an entry that a lookup may not find', path: 'drivers/scsi/foo/foo_bsg.c', code: getEvent('evt_dat = foo_find_event_data(evt);').replace('/* cut */', '/* expect: ref-leak "foo_event_ref" */') },
  ],
});

// drivers/dma/xilinx/zynqmp_dma.c zynqmp_dma_probe(): runtime PM is disabled only where
// pm_runtime_resume_and_get() failed; where it is still enabled the count is held and the manual
// resume is not run.
const dmaProbe = (queried: string) => `static int foo_dma_probe(struct platform_device *pdev)
{
	struct foo_dma_device *zdev;
	int ret;

	zdev = devm_kzalloc(&pdev->dev, sizeof(*zdev), GFP_KERNEL);
	if (!zdev)
		return -ENOMEM;
	zdev->dev = &pdev->dev;
	platform_set_drvdata(pdev, zdev);
	pm_runtime_enable(zdev->dev);
	ret = pm_runtime_resume_and_get(zdev->dev);
	if (ret < 0) {
		dev_err(&pdev->dev, "device wakeup failed.\\n");
		pm_runtime_disable(zdev->dev);
	}
	if (!pm_runtime_enabled(${queried})) {
		ret = foo_dma_runtime_resume(zdev->dev);
		if (ret)
			return ret; /* cut */
	}

	ret = foo_dma_chan_probe(zdev, pdev);
	if (ret)
		goto err_disable_pm;
	pm_runtime_mark_last_busy(zdev->dev);
	pm_runtime_put_sync_autosuspend(zdev->dev);
	return 0;

err_disable_pm:
	if (!pm_runtime_enabled(zdev->dev))
		foo_dma_runtime_suspend(zdev->dev);
	pm_runtime_disable(zdev->dev);
	return ret;
}
`;

ruleTester(refLeak, {
  valid: [{ name: 'a test of whether the function left runtime PM enabled (zynqmp_dma)', path: 'drivers/dma/foo/foo_dma.c', code: uncut(dmaProbe('zdev->dev')) }],
  invalid: [{ name: 'the same test asked of another device', path: 'drivers/dma/foo/foo_dma.c', code: dmaProbe('zdev->parent').replace('/* cut */', '/* expect: ref-leak "pm_runtime_resume_and_get" */') }],
});

// drivers/gpio/gpio-rockchip.c rockchip_gpio_probe(): of_get_parent(NULL) returns NULL.
const gpioProbe = (test: string) => `static int foo_gpio_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct device_node *np = dev->of_node;
	struct device_node *pctlnp = of_get_parent(np);
	struct pinctrl_dev *pctldev;

	if (${test})
		return -ENODEV; /* cut */

	pctldev = of_pinctrl_get(pctlnp);
	of_node_put(pctlnp);
	if (!pctldev)
		return -EPROBE_DEFER;
	return foo_gpio_register(pdev, pctldev);
}
`;

ruleTester(refLeak, {
  valid: [{ name: 'a test of the node given to of_get_parent() beside its result (gpio-rockchip)', path: 'drivers/gpio/gpio-foo.c', code: uncut(gpioProbe('!np || !pctlnp')) }],
  invalid: [{ name: 'the same early return on a check of something else', path: 'drivers/gpio/gpio-foo.c', code: gpioProbe('!pctlnp || !foo_gpio_supported(np)').replace('/* cut */', '/* expect: ref-leak "of_get_parent" */') }],
});
