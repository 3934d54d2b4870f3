/**
 * The kernel idioms behind false alarms judged on whole files of arch/, kernel/, mm/, ipc/, lib/ and
 * block/ of Linux 6.1 (directories no earlier sweep had read), each next to the bug of the same
 * shape that must still be caught: a property the device-tree node keeps, a name an IRQ or a GPIO
 * keeps a pointer to.
 */
import { lockImbalance } from '../../src/rules/lock-imbalance.js';
import { memLeak } from '../../src/rules/mem-leak.js';
import { refLeak } from '../../src/rules/ref-leak.js';
import { ruleTester } from '../helpers/rule-tester.js';

// arch/xtensa/platforms/xtfpga/setup.c update_local_mac(): of_update_property() links the new
// property into the node (the old one moves to its deadprops list); it is never freed.
const propertyToNode = (tail: string, type = 'int') => `static ${type} foo_update_local_mac(struct device_node *node, const u8 *macaddr)
{
	struct property *newmac;
	int ret;

	newmac = kzalloc(sizeof(*newmac) + 6, GFP_KERNEL);
	if (newmac == NULL)
		return -ENOMEM;

	newmac->value = newmac + 1;
	newmac->length = 6;
	newmac->name = kstrdup("local-mac-address", GFP_KERNEL);
	if (newmac->name == NULL) {
		kfree(newmac);
		return -ENOMEM;
	}
	memcpy(newmac->value, macaddr, 6);
${tail}}
`;

// arch/arm/mach-mvebu/pm-board.c, drivers/pnp/system.c: the label given to gpio_request() or
// request_irq() is not copied; the descriptor or the irqaction points at it while it is held.
const keptName = (request: string, failure: string, marker = '') => `static int foo_request_pins(struct foo_priv *priv, int count)
{
	int i, ret;

	for (i = 0; i < count; i++) {
		char *name;

		name = kasprintf(GFP_KERNEL, "foo-pin%d", i);
		if (!name)
			return -ENOMEM;

		ret = ${request};
		if (ret < 0) {
${failure}			return ret;${marker}
		}

		ret = foo_setup_pin(priv, i);
		if (ret < 0) {
			foo_release_pin(priv, i);
			kfree(name);
			return ret;
		}
	}

	priv->base = of_iomap(priv->np, 0);
	if (!priv->base)
		return -ENOMEM;
	return 0;
}
`;

ruleTester(memLeak, {
  valid: [
    { name: 'a property of_update_property() links into the node (xtfpga update_local_mac)', path: 'arch/xtensa/platforms/foo/setup.c', code: propertyToNode('\tof_update_property(node, newmac);\n', 'void').replace(/return -ENOMEM;/g, 'return;') },
    { name: 'a property of_add_property() links into the node', path: 'arch/arm/mach-foo/foo.c', code: propertyToNode('\tret = of_add_property(node, newmac);\n\tif (ret) {\n\t\tkfree(newmac->name);\n\t\tkfree(newmac);\n\t}\n\treturn ret;\n') },
    { name: 'a label gpio_request() keeps while the GPIO is held (mvebu pm-board)', path: 'arch/arm/mach-foo/pm-board.c', code: keptName('gpio_request(priv->gpios[i], name)', '\t\t\tkfree(name);\n') },
    { name: 'a devname request_irq() keeps while the IRQ is held', path: 'drivers/misc/foo.c', code: keptName('request_irq(priv->irq[i], foo_irq, 0, name, priv)', '\t\t\tkfree(name);\n') },
  ],
  invalid: [
    {
      name: 'a property the node refused, left on the error return',
      path: 'arch/arm/mach-foo/foo.c',
      code: propertyToNode('\tret = of_add_property(node, newmac);\n\tif (ret)\n\t\treturn ret; /* expect: mem-leak "newmac" */\n\treturn 0;\n'),
    },
    { name: 'a label gpio_request() refused, left on the error return', path: 'arch/arm/mach-foo/pm-board.c', code: keptName('gpio_request(priv->gpios[i], name)', '', ' /* expect: mem-leak "name" */') },
    { name: 'a devname request_irq() refused, left on the error return', path: 'drivers/misc/foo.c', code: keptName('request_irq(priv->irq[i], foo_irq, 0, name, priv)', '', ' /* expect: mem-leak "name" */') },
  ],
});

// arch/sparc/net/bpf_jit_comp_64.c bpf_int_jit_compile(): `jit_data->ctx = ctx` copies the
// context structure, and with it the buffer ctx.offset points to, for the extra pass to free.
const contextCopied = (keep: string, marker = '') => `struct bpf_prog *foo_jit_compile(struct bpf_prog *prog)
{
	struct foo_jit_data *jit_data = prog->aux->jit_data;
	struct jit_ctx ctx;

	memset(&ctx, 0, sizeof(ctx));
	ctx.offset = kmalloc_array(prog->len, sizeof(unsigned int), GFP_KERNEL);
	if (ctx.offset == NULL)
		return prog;

	if (foo_build_body(prog))
		goto out_off;

	if (!prog->is_func) {
		foo_lock_ro(prog);
	} else {
${keep}		prog->jited = 1;
		return prog;${marker}
	}

out_off:
	kfree(ctx.offset);
	return prog;
}
`;

ruleTester(memLeak, {
  valid: [{ name: 'a structure copied into a field takes the buffer its member points to (bpf JIT ctx)', path: 'arch/sparc/net/foo_jit.c', code: contextCopied('\t\tjit_data->ctx = ctx;\n') }],
  invalid: [{ name: 'copying another member leaves the buffer behind', path: 'arch/sparc/net/foo_jit.c', code: contextCopied('\t\tjit_data->idx = ctx.idx;\n', ' /* expect: mem-leak "ctx.offset" */') }],
});

// arch/powerpc/platforms/powermac/low_i2c.c kw_i2c_add(): boot code puts a bus holding node
// references on a global list that lives as long as the system.
const busOnGlobalList = (annotation: string, marker = '') => `static void ${annotation}foo_i2c_add(struct device_node *controller, int channel)
{
	struct foo_i2c_bus *bus;

	bus = kzalloc(sizeof(struct foo_i2c_bus), GFP_KERNEL);
	if (bus == NULL)
		return;

	bus->controller = of_node_get(controller);${marker}
	bus->channel = channel;
	list_add(&bus->link, &foo_i2c_busses);
}
`;

ruleTester(refLeak, {
  valid: [{ name: 'boot code keeps a node in an object on a global list (powermac low_i2c)', path: 'arch/powerpc/platforms/foo/low_i2c.c', code: busOnGlobalList('__init ') }],
  invalid: [{ name: 'a driver function that keeps it there never puts it', path: 'drivers/i2c/busses/i2c-foo.c', code: busOnGlobalList('', ' /* expect: ref-leak "controller" */') }],
});

// kernel/locking/rwbase_rt.c rwbase_write_lock(): the unlock helper reaches the lock through a
// local holding the address of a member of its parameter (`rtm = &rwb->rtmutex`).
const unlockThroughMemberAddress = (unlock: string, marker = '') => `static void __foo_write_unlock(struct foo_rwbase *rwb, int bias, unsigned long flags)
{
	struct foo_mutex_base *rtm = &rwb->rtmutex;

	atomic_add(READER_BIAS - bias, &rwb->readers);
	${unlock}
	foo_mutex_base_unlock(rtm);
}

static int foo_write_lock(struct foo_rwbase *rwb, unsigned int state)
{
	struct foo_mutex_base *rtm = &rwb->rtmutex;
	unsigned long flags;

	if (foo_mutex_lock_state(rtm, state))
		return -EINTR;

	raw_spin_lock_irqsave(&rtm->wait_lock, flags);
	if (foo_signal_pending(state)) {
		__foo_write_unlock(rwb, 0, flags);
		return -EINTR;${marker}
	}
	raw_spin_unlock_irqrestore(&rtm->wait_lock, flags);
	return 0;
}
`;

ruleTester(lockImbalance, {
  valid: [{ name: 'a helper unlocks through a local set to a member of its parameter (rwbase_rt)', path: 'kernel/locking/foo_rt.c', code: unlockThroughMemberAddress('raw_spin_unlock_irqrestore(&rtm->wait_lock, flags);') }],
  invalid: [{ name: 'a helper that only counts leaves the lock held', path: 'kernel/locking/foo_rt.c', code: unlockThroughMemberAddress('foo_count(&rtm->wait_lock, flags);', ' /* expect: lock-imbalance */') }],
});

// drivers/mmc/core/sdio.c mmc_attach_sdio(): the unwind says why it leaves the card's count alone.
const unwindComment = (comment: string, marker = '') => `static int foo_attach(struct foo_host *host)
{
	struct foo_card *card = host->card;
	int err;

	if (host->caps & FOO_CAP_POWER_OFF_CARD) {
		err = pm_runtime_set_active(&card->dev);
		if (err)
			goto remove;
		pm_runtime_get_noresume(&card->dev);
	}

	err = foo_add_functions(card);
	if (err)
		goto remove_added;

	if (host->caps & FOO_CAP_POWER_OFF_CARD)
		pm_runtime_put(&card->dev);
	return 0;

remove_added:
	/*
${comment}
	 */
	foo_remove_functions(host);
	foo_claim_host(host);
remove:
	foo_detach_bus(host);

	pr_err("%s: error %d whilst initialising card\n",
	       foo_hostname(host), err);

	return err;${marker}
}
`;

ruleTester(refLeak, {
  valid: [
    {
      name: 'a comment on the unwind says the put is left out on purpose (mmc_attach_sdio)',
      path: 'drivers/mmc/core/foo.c',
      code: unwindComment('\t * The devices are being deleted. Similarly we also don\'t pm_runtime_put() the card\n\t * because it needs to be active to remove any function devices.'),
    },
  ],
  invalid: [{ name: 'a comment on the unwind that says nothing of the put', path: 'drivers/mmc/core/foo.c', code: unwindComment('\t * The devices are being deleted, so remove the functions first.', ' /* expect: ref-leak */') }],
});

// fs/fsopen.c __do_sys_fsconfig(): what one switch on cmd takes, a second switch on the same
// cmd lets go; a case that cannot be taken twice is no path.
const twoSwitches = (fdCleanup: string, marker = '') => `static long foo_fsconfig(int fd, unsigned int cmd, const char __user *_key, const char __user *_value, int aux)
{
	struct foo_param param = {};
	int ret;

	param.key = strndup_user(_key, 256);
	if (IS_ERR(param.key))
		return PTR_ERR(param.key);

	switch (cmd) {
	case FOO_SET_STRING:
		param.string = strndup_user(_value, 256);
		if (IS_ERR(param.string)) {
			ret = PTR_ERR(param.string);
			goto out_key;
		}
		break;
	case FOO_SET_FD:
		ret = -EBADF;
		param.file = fget(aux);
		if (!param.file)
			goto out_key;
		break;
	default:
		break;
	}

	ret = mutex_lock_interruptible(&foo_uapi_mutex);
	if (ret == 0) {
		ret = foo_apply(fd, cmd, &param);
		mutex_unlock(&foo_uapi_mutex);
	}

	switch (cmd) {
	case FOO_SET_STRING:
		kfree(param.string);
		break;
	case FOO_SET_FD:
${fdCleanup}		break;
	default:
		break;
	}
out_key:
	kfree(param.key);
	return ret;${marker}
}
`;

// drivers/hwspinlock/hwspinlock_core.c __hwspin_trylock(): the undo switch on the same mode.
const undoByMode = (irqUndo: string) => `int __foo_trylock(struct foo_hwlock *hwlock, int mode)
{
	int ret;

	switch (mode) {
	case FOO_IRQ:
		ret = spin_trylock_irq(&hwlock->lock);
		break;
	case FOO_RAW:
		ret = 1;
		break;
	default:
		ret = spin_trylock(&hwlock->lock);
		break;
	}
	if (!ret)
		return -EBUSY;

	ret = hwlock->bank->ops->trylock(hwlock);
	if (!ret) {
		switch (mode) {
		case FOO_IRQ:
${irqUndo}			break;
		case FOO_RAW:
			break;
		default:
			spin_unlock(&hwlock->lock);
			break;
		}
		return -EBUSY;
	}
	return 0;
}
`;

ruleTester(memLeak, {
  valid: [{ name: 'a second switch on the same cmd frees what the first took (fsconfig)', path: 'fs/foo_open.c', code: twoSwitches('\t\tif (param.file)\n\t\t\tfput(param.file);\n') }],
  invalid: [{ name: 'a second switch on another key leaves the string', path: 'fs/foo_open.c', code: twoSwitches('\t\tif (param.file)\n\t\t\tfput(param.file);\n').replace('switch (cmd) {\n\tcase FOO_SET_STRING:\n\t\tkfree', 'switch (aux) {\n\tcase FOO_SET_STRING:\n\t\tkfree').replace('return ret;\n}', 'return ret; /* expect: mem-leak "param.string" */\n}') }],
});

ruleTester(refLeak, {
  valid: [{ name: 'a second switch on the same cmd puts what the first took (fsconfig)', path: 'fs/foo_open.c', code: twoSwitches('\t\tif (param.file)\n\t\t\tfput(param.file);\n') }],
  invalid: [{ name: 'the case of the second switch that forgets the file', path: 'fs/foo_open.c', code: twoSwitches('', ' /* expect: ref-leak "fget" */') }],
});

ruleTester(lockImbalance, {
  valid: [{ name: 'the undo switch on the same mode unlocks what the taking switch locked (hwspinlock)', path: 'drivers/hwspinlock/foo_core.c', code: undoByMode('\t\t\tspin_unlock_irq(&hwlock->lock);\n') }],
  // The function returns holding the lock when it succeeds, so a missing undo is not told from its contract.
  invalid: [],
});

// drivers/infiniband/sw/siw/siw_cm.c siw_accept_newconn(): `new_cep->listen_cep = cep;
// siw_cep_get(cep);` takes the reference for the stored pointer, which the work handler puts.
// net/batman-adv/bridge_loop_avoidance.c batadv_bla_add_claim() writes the same pair the other
// way round.
const storedWithItsReference = (pair: string, marker = '') => `struct foo_cep {
	struct kref ref;
	struct foo_cep *listen_cep;
};

static void foo_cep_get(struct foo_cep *cep)
{
	kref_get(&cep->ref);
}

static void foo_accept_newconn(struct foo_cep *cep, struct foo_cep *new_cep)
{
	int rv;

${pair}
	rv = foo_proc_mpareq(new_cep);
	if (rv == -EAGAIN)
		return;${marker}
	foo_cep_put(cep);
	new_cep->listen_cep = NULL;
}
`;

// arch/x86/kernel/cpu/sgx/encl.c sgx_encl_mm_add(): the structure that holds the pointer is
// freed where registering it fails, and the reference taken for it with it.
const holderFreed = (unwind: string, marker = '') => `int foo_encl_mm_add(struct foo_encl *encl, struct mm_struct *mm)
{
	struct foo_encl_mm *encl_mm;
	int ret;

	encl_mm = kzalloc(sizeof(*encl_mm), GFP_KERNEL);
	if (!encl_mm)
		return -ENOMEM;

	kref_get(&encl->refcount);
	encl_mm->encl = encl;
	encl_mm->mm = mm;

	ret = foo_mmu_notifier_register(&encl_mm->mmu_notifier, mm);
	if (ret) {
${unwind}		kfree(encl_mm);
		return ret;${marker}
	}

	list_add_rcu(&encl_mm->list, &encl->mm_list);
	return 0;
}
`;

ruleTester(refLeak, {
  valid: [
    { name: 'the holder freed after the reference it held is put', path: 'arch/x86/kernel/cpu/foo/encl.c', code: holderFreed('\t\tkref_put(&encl->refcount, foo_encl_release);\n') },
    { name: 'a get right after storing the pointer is the stored pointer\'s (siw listen_cep)', path: 'drivers/infiniband/sw/foo/foo_cm.c', code: storedWithItsReference('\tnew_cep->listen_cep = cep;\n\tfoo_cep_get(cep);') },
    { name: 'a store right after the get takes the reference (batman-adv backbone_gw)', path: 'drivers/infiniband/sw/foo/foo_cm.c', code: storedWithItsReference('\tfoo_cep_get(cep);\n\tnew_cep->listen_cep = cep;') },
  ],
  invalid: [
    { name: 'the holder freed with the reference it held (sgx_encl_mm_add)', path: 'arch/x86/kernel/cpu/foo/encl.c', code: holderFreed('', ' /* expect: ref-leak "kref_get" */') },
    {
      name: 'a get with the store elsewhere is the function\'s own',
      path: 'drivers/infiniband/sw/foo/foo_cm.c',
      code: storedWithItsReference('\tfoo_cep_get(cep);\n\tfoo_cep_set_inuse(new_cep);', ' /* expect: ref-leak "foo_cep_get" */'),
    },
  ],
});

// arch/x86/mm/kmmio.c kmmio_handler(): "We also hold the RCU read lock over single stepping";
// post_kmmio_handler() lets it go.
const heldOverStepping = (comment: string) => `static int foo_kmmio_handler(struct pt_regs *regs, unsigned long addr)
{
	struct foo_fault_page *faultpage;
	int ret = 0;

	/*
${comment}
	 */
	preempt_disable();
	rcu_read_lock();

	faultpage = foo_get_fault_page(addr);
	if (!faultpage)
		goto no_kmmio;

	regs->flags &= ~X86_EFLAGS_IF;
	foo_disarm_fault_page(faultpage);
	return 1;

no_kmmio:
	rcu_read_unlock();
	preempt_enable_no_resched();
	return ret;
}
`;

// ipc/shm.c shmctl_down(): "do_shm_rmid unlocks the ipc object and rcu".
const unlockedByCallee = (comment: string, marker = '') => `static int foo_shmctl_down(struct foo_ns *ns, int shmid, int cmd)
{
	struct foo_ipc_perm *ipcp;
	int err;

	down_write(&ns->rwsem);
	rcu_read_lock();

	ipcp = foo_obtain_object_check(ns, shmid);
	if (IS_ERR(ipcp)) {
		err = PTR_ERR(ipcp);
		goto out_unlock1;
	}

	switch (cmd) {
	case IPC_RMID:
		foo_lock_object(ipcp);
		/* ${comment} */
		foo_do_rmid(ns, ipcp);
		goto out_up;${marker}
	case IPC_SET:
		foo_lock_object(ipcp);
		err = foo_update_perm(ipcp);
		break;
	default:
		err = -EINVAL;
		goto out_unlock1;
	}

	foo_unlock_object(ipcp);
out_unlock1:
	rcu_read_unlock();
out_up:
	up_write(&ns->rwsem);
	return err;
}
`;

ruleTester(lockImbalance, {
  valid: [
    {
      name: 'a comment at the lock says it is held over what follows the return (kmmio_handler)',
      path: 'arch/x86/mm/foo_kmmio.c',
      code: heldOverStepping('\t * Preemption is now disabled to prevent process switch during\n\t * single stepping. We also hold the RCU read lock over single\n\t * stepping to avoid looking up the probe again.'),
    },
    { name: 'a comment at the exit says the callee unlocks (shmctl_down)', path: 'ipc/foo_shm.c', code: unlockedByCallee('foo_do_rmid unlocks the ipc object and rcu') },
  ],
  invalid: [
    {
      name: 'a comment at the lock that says nothing of keeping it',
      path: 'arch/x86/mm/foo_kmmio.c',
      code: heldOverStepping('\t * Preemption is now disabled to prevent process switch during\n\t * single stepping.').replace('return 1;', 'return 1; /* expect: lock-imbalance */'),
    },
    { name: 'a comment at the exit that says nothing of the lock', path: 'ipc/foo_shm.c', code: unlockedByCallee('foo_do_rmid removes the segment', ' /* expect: lock-imbalance */') },
  ],
});

// drivers/gpu/drm/i915/display/intel_fb.c intel_fb_plane_get_modifiers(): drm_WARN_ON() takes the
// device first; the condition it tests is its second argument.
const deviceWarning = (test: string, marker = '') => `u64 *foo_get_modifiers(struct foo_i915 *i915, unsigned int count)
{
	u64 *list;

	list = kmalloc_array(count, sizeof(*list), GFP_KERNEL);
	if (drm_WARN_ON(&i915->drm, ${test}))
		return NULL;${marker}

	if (foo_fill_modifiers(i915, list, count) < 0) {
		kfree(list);
		return NULL;
	}
	return list;
}
`;

ruleTester(memLeak, {
  valid: [{ name: 'drm_WARN_ON() tests its second argument: the allocation failed (intel_fb)', path: 'drivers/gpu/drm/foo/foo_fb.c', code: deviceWarning('!list') }],
  invalid: [{ name: 'drm_WARN_ON() on another condition leaves the list', path: 'drivers/gpu/drm/foo/foo_fb.c', code: deviceWarning('count > 64', ' /* expect: mem-leak "list" */') }],
});

// drivers/auxdisplay/panel.c: panel_bind_callback() sits in an `#if 0` block, never built.
const leakyBind = `static int foo_bind_callback(char *name, void (*press_fct)(int))
{
	struct foo_callback *callback;

	callback = kzalloc(sizeof(*callback), GFP_KERNEL);
	if (!callback)
		return -ENOMEM;
	if (foo_find_signal(name) < 0)
		return -EINVAL; /* cut */
	callback->press_fct = press_fct;
	list_add(&callback->list, &foo_callbacks);
	return 0;
}
`;

// drivers/iommu/intel/iommu.c domain_attach_iommu(): xa_cmpxchg() stores the entry in the array;
// drivers/gpu/drm/i915/gem/i915_gem_execbuffer.c: dma_fence_array_create() owns the fences it is given.
const storedInArray = (store: string, marker = '') => `static int foo_attach(struct foo_domain *domain, struct foo_iommu *iommu)
{
	struct foo_info *info;
	void *curr;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;

	info->refcnt = 1;
	if (foo_alloc_did(iommu, info) < 0) {
		kfree(info);
		return -ENOSPC;
	}
	curr = ${store};
	if (curr)
		return -EBUSY;${marker}
	return 0;
}
`;

const fencesOwned = (failure: string, marker = '') => `static struct dma_fence *foo_composite_fence(struct foo_eb *eb, int num)
{
	struct dma_fence **fences;
	struct dma_fence_array *array;
	int i;

	fences = kmalloc_array(num, sizeof(*fences), GFP_KERNEL);
	if (!fences)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < num; i++) {
		if (!eb->requests[i]) {
			kfree(fences);
			return ERR_PTR(-EINVAL);
		}
		fences[i] = eb->requests[i]->fence;
	}

	array = dma_fence_array_create(num, fences, eb->context, eb->seqno, false);
	if (!array) {
${failure}		return ERR_PTR(-ENOMEM);${marker}
	}
	return &array->base;
}
`;

ruleTester(memLeak, {
  valid: [
    { name: 'a function in an #if 0 block is never built (panel_bind_callback)', path: 'drivers/auxdisplay/foo.c', code: `#if 0\n${leakyBind.replace(' /* cut */', '')}#endif\n` },
    { name: 'xa_cmpxchg() stores the entry (domain_attach_iommu)', path: 'drivers/iommu/foo/iommu.c', code: storedInArray('xa_cmpxchg(&domain->iommu_array, iommu->seq_id, NULL, info, GFP_ATOMIC)') },
    { name: 'dma_fence_array_create() owns the fences when it succeeds', path: 'drivers/gpu/drm/foo/foo_execbuf.c', code: fencesOwned('\t\tkfree(fences);\n') },
  ],
  invalid: [
    { name: 'the same function outside the #if 0', path: 'drivers/auxdisplay/foo.c', code: leakyBind.replace('/* cut */', '/* expect: mem-leak "callback" */') },
    { name: 'a lookup in the array stores nothing', path: 'drivers/iommu/foo/iommu.c', code: storedInArray('xa_load(&domain->iommu_array, iommu->seq_id)', ' /* expect: mem-leak "info" */') },
    { name: 'the fences left when the array could not be made', path: 'drivers/gpu/drm/foo/foo_execbuf.c', code: fencesOwned('', ' /* expect: mem-leak "fences" */') },
  ],
});
