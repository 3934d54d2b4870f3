/**
 * What the facts mined from the kernel tree (data/kernel-facts.json) change in the rules that
 * read them through the analysis: the CFG's noreturn calls, the leak rules' mined pairs.
 */
import { lockImbalance } from '../../src/rules/lock-imbalance.js';
import { memLeak } from '../../src/rules/mem-leak.js';
import { missingErrorCode } from '../../src/rules/missing-error-code.js';
import { refLeak } from '../../src/rules/ref-leak.js';
import { ruleTester } from '../helpers/rule-tester.js';

// __reiserfs_panic() is noreturn in the tree (it ends in BUG() on every path) and in no hand
// list: the path through it ends there, it does not fall off the end holding the lock.
const endsInMinedNoreturn = `static int foo_take_slot(struct super_block *sb, struct foo *f)
{
	spin_lock(&f->lock);
	if (f->count > f->max)
		goto corrupt;
	f->count++;
	spin_unlock(&f->lock);
	return 0;
corrupt:
	__reiserfs_panic(sb, "foo-1", __func__, "count %d over %d", f->count, f->max);
}
`;

// The tree has a noreturn stop() (a header's), but this file defines its own, which returns.
const ownFunctionOfAMinedName = `static void stop(struct fs_enet_private *fep)
{
	fep->running = false;
}

static int fs_enet_restart_tx(struct fs_enet_private *fep)
{
	spin_lock(&fep->tx_lock);
	if (!fep->running)
		goto halt;
	fep->tx_restarts++;
	spin_unlock(&fep->tx_lock);
	return 0;
halt:
	stop(fep);
} /* expect: lock-imbalance "fep->tx_lock" */
`;

// xt_percpu_counter_alloc()/xt_percpu_counter_free() are a mined pair, and the tree's integer facts
// say the alloc returns bool: false means it took nothing (net/ipv4/netfilter/ip_tables.c).
const minedBoolAlloc = (afterAlloc: string) => `static int
find_check_entry(struct ipt_entry *e, struct net *net, const char *name,
		 struct xt_percpu_counter_alloc_state *alloc_state)
{
	int ret;

	if (!xt_percpu_counter_alloc(alloc_state, &e->counters))
		return -ENOMEM;
${afterAlloc}	ret = check_target(e, net, name);
	if (ret)
		goto err;
	return 0;
 err:
	xt_percpu_counter_free(&e->counters);
	return ret;
}
`;

ruleTester(lockImbalance, {
  valid: [
    {
      name: 'a path that ends in a noreturn function mined from the tree (__reiserfs_panic) holds nothing',
      path: 'fs/reiserfs/foo.c',
      code: endsInMinedNoreturn,
    },
  ],
  invalid: [
    {
      name: 'a function of the patch named like a mined noreturn one (stop) returns',
      path: 'drivers/net/ethernet/freescale/fs_enet/mac-foo.c',
      code: ownFunctionOfAMinedName,
    },
  ],
});

// amdgpu_mes_lock()/amdgpu_mes_unlock() are a mined pair (the bodies take and drop a mutex);
// the function unlocks on two exits, and the idr_alloc() failure jumps past both.
const minedLockSkipped = `int amdgpu_mes_create_process(struct amdgpu_device *adev, int pasid, struct amdgpu_vm *vm)
{
	struct amdgpu_mes_process *process;
	int r;

	process = kzalloc(sizeof(struct amdgpu_mes_process), GFP_KERNEL);
	if (!process)
		return -ENOMEM;

	amdgpu_mes_lock(&adev->mes);

	r = idr_alloc(&adev->mes.pasid_idr, process, pasid, pasid + 1, GFP_KERNEL);
	if (r < 0)
		goto clean_up_ctx; /* expect: lock-imbalance "amdgpu_mes_unlock()" */

	r = amdgpu_mes_alloc_process_doorbells(adev, &process->doorbell_index);
	if (r < 0)
		goto clean_up_pasid;

	process->vm = vm;
	amdgpu_mes_unlock(&adev->mes);
	return 0;

clean_up_pasid:
	idr_remove(&adev->mes.pasid_idr, pasid);
	amdgpu_mes_unlock(&adev->mes);
clean_up_ctx:
	kfree(process);
	return r;
}
`;

// tty_write_lock() returns -ERESTARTSYS when it did not take the lock: the retry holds nothing.
const minedLockThatFails = `static int set_termios_wait(struct tty_struct *tty)
{
	int retval;

retry_write_wait:
	retval = wait_event_interruptible(tty->write_wait, !tty_chars_in_buffer(tty));
	if (retval < 0)
		return retval;

	if (tty_write_lock(tty, false) < 0)
		goto retry_write_wait;

	if (tty_chars_in_buffer(tty)) {
		tty_write_unlock(tty);
		goto retry_write_wait;
	}
	tty_set_termios(tty, &tty->termios);
	tty_write_unlock(tty);
	return 0;
}
`;

// nvmem_cell_get()/nvmem_cell_put() (kernel-doc: "must be released with nvmem_cell_put()"):
// the read's failure returns before the put the success path does.
const minedGetterNotPut = `static int mt798x_phy_calibration(struct phy_device *phydev)
{
	struct nvmem_cell *cell;
	size_t len;
	u32 *buf;
	int ret;

	cell = nvmem_cell_get(&phydev->mdio.dev, "phy-cal-data");
	if (IS_ERR(cell)) {
		if (PTR_ERR(cell) == -EPROBE_DEFER)
			return PTR_ERR(cell);
		return 0;
	}

	buf = (u32 *)nvmem_cell_read(cell, &len);
	if (IS_ERR(buf))
		return PTR_ERR(buf); /* expect: ref-leak "nvmem_cell_put()" */
	nvmem_cell_put(cell);

	ret = start_cal(phydev, buf);
	kfree(buf);
	return ret;
}
`;

// power_supply_register()/power_supply_unregister(): the second registration's failure
// unregisters the first, the interrupt's failure does not.
const minedRegistrationKept = `static int goldfish_battery_probe(struct platform_device *pdev)
{
	struct power_supply_config psy_cfg = {};
	struct goldfish_battery_data *data;
	int ret;

	data = devm_kzalloc(&pdev->dev, sizeof(*data), GFP_KERNEL);
	if (data == NULL)
		return -ENOMEM;

	psy_cfg.drv_data = data;

	data->ac = power_supply_register(&pdev->dev, &ac_desc, &psy_cfg);
	if (IS_ERR(data->ac))
		return PTR_ERR(data->ac);

	data->battery = power_supply_register(&pdev->dev, &battery_desc, &psy_cfg);
	if (IS_ERR(data->battery)) {
		power_supply_unregister(data->ac);
		return PTR_ERR(data->battery);
	}

	platform_set_drvdata(pdev, data);

	ret = devm_request_irq(&pdev->dev, data->irq, goldfish_battery_interrupt, IRQF_SHARED, pdev->name, data);
	if (ret)
		return ret; /* expect: ref-leak "power_supply_unregister(data->ac)" */

	return 0;
}
`;

// The same getter with no put anywhere in the function: it may hand the cell to its caller or
// a framework, so the mined pair says nothing here (only the hand table knows "never put").
const minedGetterNeverPut = `static int foo_read_trim(struct device *dev, struct foo *foo)
{
	struct nvmem_cell *cell;

	cell = nvmem_cell_get(dev, "trim");
	if (IS_ERR(cell))
		return PTR_ERR(cell);
	if (foo->busy)
		return -EBUSY;
	foo->cell = cell;
	return 0;
}
`;

// caam_jr_alloc() fails with an ERR_PTR(); its failure is read through PTR_ERR_OR_ZERO(), which
// the paths do not tie to jrdev: a mined pointer that was never tested is not judged.
const minedPointerTestedThroughRet = `static int caam_prng_seed(struct crypto_rng *tfm, const u8 *seed, unsigned int slen)
{
	struct device *jrdev;
	u32 *desc;
	int ret;

	jrdev = caam_jr_alloc();
	ret = PTR_ERR_OR_ZERO(jrdev);
	if (ret)
		return ret;

	desc = kzalloc(CAAM_PRNG_MAX_DESC_LEN, GFP_KERNEL | GFP_DMA);
	if (!desc) {
		caam_jr_free(jrdev);
		return -ENOMEM;
	}
	ret = caam_prng_run(jrdev, desc);
	kfree(desc);
	caam_jr_free(jrdev);
	return ret;
}
`;

// kernfs_get() on a node the function was handed, taken only when there is one: a reference on
// an object the caller gave is not tracked from the mined pair.
const minedReferenceOnArgument = `static int sysfs_do_create_link_sd(struct kernfs_node *parent, struct kobject *target_kobj, const char *name)
{
	struct kernfs_node *kn, *target = NULL;

	spin_lock(&sysfs_symlink_target_lock);
	if (target_kobj->sd) {
		target = target_kobj->sd;
		kernfs_get(target);
	}
	spin_unlock(&sysfs_symlink_target_lock);

	if (!target)
		return -ENOENT;

	kn = kernfs_create_link(parent, name, target);
	kernfs_put(target);

	if (!IS_ERR(kn))
		return 0;
	return PTR_ERR(kn);
}
`;

// i915_request_get() results kept in an array and put by a loop at the end.
const minedReferencesInArray = `static int live_hwsp_rollover(struct intel_gt *gt)
{
	struct intel_engine_cs *engine;
	enum intel_engine_id id;
	int err = 0;

	for_each_engine(engine, gt, id) {
		struct i915_request *rq[3] = {};
		struct intel_context *ce = engine->kernel_context;
		int i;

		for (i = 0; i < ARRAY_SIZE(rq); i++) {
			struct i915_request *this;

			this = i915_request_create(ce);
			if (IS_ERR(this)) {
				err = PTR_ERR(this);
				goto out;
			}
			rq[i] = i915_request_get(this);
			i915_request_add(this);
		}

		if (i915_request_wait(rq[2], 0, HZ / 5) < 0) {
			err = -EIO;
			goto out;
		}

		for (i = 0; i < ARRAY_SIZE(rq); i++) {
			if (!i915_request_completed(rq[i])) {
				err = -EINVAL;
				goto out;
			}
		}
out:
		for (i = 0; i < ARRAY_SIZE(rq); i++)
			i915_request_put(rq[i]);
		if (err)
			break;
	}
	return err;
}
`;

// mi_put() is a mined release (of mi_get()), and by its name it frees what it is given: the
// kzalloc()'d record it puts is freed, as before the pair was known.
const minedReleaseStillFreesByName = `int mi_get(struct ntfs_sb_info *sbi, CLST rno, struct mft_inode **mi)
{
	int err;
	struct mft_inode *m = kzalloc(sizeof(struct mft_inode), GFP_NOFS);

	if (!m)
		return -ENOMEM;

	err = mi_init(m, sbi, rno);
	if (err) {
		kfree(m);
		return err;
	}

	err = mi_read(m, false);
	if (err) {
		mi_put(m);
		return err;
	}

	*mi = m;
	return 0;
}
`;

// kvm_s390_gisc_register()/kvm_s390_gisc_unregister(): the accepted configuration keeps the
// registration (its isc saved in the queue), the refused one drops it; both leave through the
// same return of a status. A mined pair is judged on exits that return an error only.
const minedKeptOnSuccess = `static struct ap_queue_status vfio_ap_irq_enable(struct vfio_ap_queue *q, int isc, struct kvm *kvm)
{
	struct ap_queue_status status = {};
	int nisc;

	nisc = kvm_s390_gisc_register(kvm, isc);
	if (nisc < 0) {
		status.response_code = AP_RESPONSE_INVALID_GISA;
		return status;
	}

	status = ap_aqic(q->apqn, nisc);
	switch (status.response_code) {
	case AP_RESPONSE_NORMAL:
		q->saved_isc = isc;
		break;
	default:
		kvm_s390_gisc_unregister(kvm, isc);
		break;
	}
	return status;
}
`;

ruleTester(lockImbalance, {
  valid: [
    {
      name: 'a mined lock whose acquire returns an error (tty_write_lock() < 0) holds nothing on the retry',
      path: 'drivers/tty/tty_ioctl.c',
      code: minedLockThatFails,
    },
  ],
  invalid: [
    {
      name: 'a mined lock pair (amdgpu_mes_lock/unlock) whose unlock an error goto skips',
      path: 'drivers/gpu/drm/amd/amdgpu/amdgpu_mes.c',
      code: minedLockSkipped,
    },
  ],
});

ruleTester(refLeak, {
  valid: [
    {
      name: 'a mined registration kept where the exit returns no error is not judged there',
      path: 'drivers/s390/crypto/vfio_ap_ops.c',
      code: minedKeptOnSuccess,
    },
    {
      name: 'a mined getter the function never puts is not owed (no "never released" from mined pairs)',
      path: 'drivers/misc/foo_trim.c',
      code: minedGetterNeverPut,
    },
    {
      name: 'a mined reference taken on an argument (kernfs_get) is not tracked',
      path: 'fs/sysfs/symlink.c',
      code: minedReferenceOnArgument,
    },
    {
      name: 'mined references kept in an array and put by a loop',
      path: 'drivers/gpu/drm/i915/gt/selftest_timeline.c',
      code: minedReferencesInArray,
    },
  ],
  invalid: [
    {
      name: 'a mined getter (nvmem_cell_get) put on success, not on the read failure',
      path: 'drivers/net/phy/mediatek/mtk-ge-soc.c',
      code: minedGetterNotPut,
    },
    {
      name: 'a mined registration (power_supply_register) undone on one error exit, not on a later one',
      path: 'drivers/power/supply/goldfish_battery.c',
      code: minedRegistrationKept,
    },
  ],
});

ruleTester(memLeak, {
  valid: [
    {
      name: 'a mined release (mi_put) still frees by its name what a hand-table allocation gave',
      path: 'fs/ntfs3/record.c',
      code: minedReleaseStillFreesByName,
    },
    {
      name: 'a mined bool allocator (xt_percpu_counter_alloc) that returned false took nothing',
      path: 'net/ipv4/netfilter/ip_tables.c',
      code: minedBoolAlloc(''),
    },
    {
      name: 'a mined allocator (caam_jr_alloc) tested through PTR_ERR_OR_ZERO() is not judged',
      path: 'drivers/crypto/caam/caamprng.c',
      code: minedPointerTestedThroughRet,
    },
  ],
  invalid: [
    {
      name: 'a mined bool allocator left on an error return after it succeeded',
      path: 'net/ipv4/netfilter/ip_tables.c',
      code: minedBoolAlloc('\tif (e->target_offset > e->next_offset)\n\t\treturn -EINVAL; /* expect: mem-leak */\n'),
    },
  ],
});

// of_hte_req_count() returns the count or a negative errno (mined: an errno comes out of it);
// its failure jumps to the error exit with ret still 0 from request_irq(). (b7c3ca3553d1)
const countFailureReturnsZero = `static int tegra_hte_test_probe(struct platform_device *pdev)
{
	int ret = 0;
	int cnt;

	ret = request_irq(hte.gpio_in_irq, tegra_hte_test_gpio_isr, IRQF_TRIGGER_RISING, "tegra_hte_gpio_test_isr", &hte);
	if (ret) {
		dev_err(&pdev->dev, "failed to acquire IRQ\n");
		ret = -ENXIO;
		goto out;
	}

	cnt = of_hte_req_count(hte.pdev);
	if (cnt < 0) /* expect: missing-error-code "ret = cnt" */
		goto free_irq;

	hte.desc = devm_kzalloc(hte.pdev, sizeof(*hte.desc) * cnt, GFP_KERNEL);
	if (!hte.desc) {
		ret = -ENOMEM;
		goto free_irq;
	}
	return 0;

free_irq:
	free_irq(hte.gpio_in_irq, &hte);
out:
	return ret;
}
`;

const countFailureFixed = countFailureReturnsZero.replace(
  '\tif (cnt < 0) /* expect: missing-error-code "ret = cnt" */\n\t\tgoto free_irq;',
  '\tif (cnt < 0) {\n\t\tret = cnt;\n\t\tgoto free_irq;\n\t}',
);

// platform_get_irq_optional(): a negative value means "no interrupt", and polling is the fallback.
const optionalIrqSkipped = `static int foo_keys_probe(struct platform_device *pdev)
{
	struct foo_keys *keys = platform_get_drvdata(pdev);
	int ret;

	ret = foo_keys_hw_init(keys);
	if (ret)
		return ret;

	keys->irq = platform_get_irq_optional(pdev, 0);
	if (keys->irq < 0)
		goto out;

	ret = foo_keys_request_irq(keys);
	if (ret)
		foo_keys_hw_exit(keys);
out:
	return ret;
}
`;

// A difference tested < 0 comes from no call: nothing says it is an errno.
const negativeValueNotAnErrno = `static int foo_adjust(struct foo *foo, int target)
{
	int ret, delta;

	ret = foo_read(foo);
	if (ret)
		return ret;

	delta = target - foo->level;
	if (delta < 0)
		goto out;

	ret = foo_step_up(foo, delta);
out:
	return ret;
}
`;

ruleTester(missingErrorCode, {
  valid: [
    { name: 'the posted fix: ret = cnt before the goto', path: 'drivers/hte/hte-tegra194-test.c', code: countFailureFixed },
    { name: 'an optional getter tested < 0 may return 0 on purpose', path: 'drivers/input/keyboard/foo-keys.c', code: optionalIrqSkipped },
    { name: 'a value tested < 0 that no call gave is not an errno', path: 'drivers/misc/foo-level.c', code: negativeValueNotAnErrno },
  ],
  invalid: [
    {
      name: 'a mined errno-returning count (of_hte_req_count) tested < 0 jumps out with ret still 0',
      path: 'drivers/hte/hte-tegra194-test.c',
      code: countFailureReturnsZero,
    },
  ],
});
