import { memLeak } from '../../src/rules/mem-leak.js';
import { ruleTester } from '../helpers/rule-tester.js';

const secondAllocFails = `static int foo_ecc_init(struct foo_nand *nand, struct mtd_info *mtd)
{
	struct foo_ecc *ecc;

	ecc = kzalloc(sizeof(*ecc), GFP_KERNEL);
	if (!ecc)
		return -ENOMEM;
	nand->oob_buf = kzalloc(mtd->writesize + mtd->oobsize, GFP_KERNEL);
	if (!nand->oob_buf)
		return -ENOMEM; /* expect: mem-leak "\`ecc\`, allocated by kzalloc()" */
	nand->ecc = ecc;
	return 0;
}
`;

const copyFromUserFails = `static ssize_t foo_write(struct file *file, const char __user *ubuf, size_t len, loff_t *ppos)
{
	struct foo *foo = file->private_data;
	char *buf;
	int ret;

	buf = kmalloc(len + 1, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT; /* expect: mem-leak "kfree()" */
	buf[len] = '\\0';
	ret = foo_parse_command(foo, buf);
	kfree(buf);
	return ret ? ret : len;
}
`;

const threadDoExit = `static int restart_thread(void *arg)
{
	struct restart_ctx *ctx = arg;
	struct task_image *ti;
	int err;

	ti = kmalloc(sizeof(*ti), GFP_KERNEL);
	if (!ti)
		return -ENOMEM;
	err = read_task_image(ctx, ti);
	if (!err && (ti->state & EXIT_ZOMBIE))
		do_exit(ti->exit_code); /* expect: mem-leak "do_exit() here never returns" */
	kfree(ti);
	schedule();
	return 0;
}
`;

const wrongLabel = `static int bar_set_name(struct bar *bar, const char *name)
{
	char *copy;
	int err;

	copy = kstrdup(name, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	err = bar_validate_name(copy);
	if (err)
		goto out; /* expect: mem-leak "this goto to \`out\` jumps to the return at line" */
	err = bar_hw_set_name(bar, copy);
	if (err)
		goto out_free;
	bar->name = copy;
	return 0;

out_free:
	kfree(copy);
out:
	return err;
}
`;

const voidEarlyReturn = `static void baz_log_event(struct baz *baz, const void *data, size_t len)
{
	void *copy;

	copy = kmemdup(data, len, GFP_ATOMIC);
	if (!copy)
		return;
	if (!baz->logging)
		return; /* expect: mem-leak */
	baz_log_append(baz, copy, len);
	kfree(copy);
}
`;

const vmallocEarlyReturn = `static int qux_load_table(struct qux *qux, size_t entries)
{
	u32 *table;
	int ret;

	table = vmalloc(array_size(entries, sizeof(*table)));
	if (!table)
		return -ENOMEM;
	ret = qux_read_table(qux, table, entries);
	if (ret < 0)
		return ret; /* expect: mem-leak "vfree()" */
	ret = qux_program_table(qux, table, entries);
	vfree(table);
	return ret;
}
`;

// drivers/net/ppp/bsd_comp.c bsd_alloc(): bsd_free() takes a void *, names it db, and frees it.
const freedThroughLocalAlias = `static void foo_free(void *state)
{
	struct foo_db *db = state;

	if (!db)
		return;
	vfree(db->dict);
	db->dict = NULL;
	kfree(db);
}

static void *foo_alloc(int hsize)
{
	struct foo_db *db;

	db = kzalloc(sizeof(*db), GFP_KERNEL);
	if (!db)
		return NULL;
	db->dict = vmalloc(array_size(hsize, sizeof(struct foo_dict)));
	if (!db->dict) {
		foo_free(db);
		return NULL;
	}
	return db;
}
`;

// drivers/net/wireless/broadcom/brcm80211/brcmsmac/dma.c dma_attach(): the unwind gives the object, cast to the
// public structure it embeds, to dma_detach(), which frees the container_of() of its argument.
const freedThroughContainerOf = `void foo_detach(struct foo_pub *pub)
{
	struct foo_info *di = container_of(pub, struct foo_info, pub);

	kfree(di->txp);
	kfree(di);
}

struct foo_pub *foo_attach(struct foo_core *core, uint ntxd)
{
	struct foo_info *di;

	di = kzalloc(sizeof(*di), GFP_ATOMIC);
	if (di == NULL)
		return NULL;
	di->txp = kzalloc(ntxd * sizeof(void *), GFP_ATOMIC);
	if (di->txp == NULL)
		goto fail;
	if (foo_ring_alloc(di, ntxd))
		goto fail;
	return (struct foo_pub *)di;

 fail:
	foo_detach((struct foo_pub *)di);
	return NULL;
}
`;

// The same unwind when the helper frees only a buffer of the container: the object itself leaks.
const containerFieldFreed = freedThroughContainerOf.replace('\tkfree(di);\n', '').replace('\treturn NULL;\n}\n', '\treturn NULL; /* expect: mem-leak */\n}\n');

// drivers/hwmon/hwmon.c __hwmon_device_register(): the unwind calls the device's release function on
// the embedded device before registering it; the release frees the to_*() container of its argument.
const releasedThroughToHelper = `#define to_foo_device(d) container_of(d, struct foo_device, dev)

static void foo_dev_release(struct device *dev)
{
	struct foo_device *fdev = to_foo_device(dev);

	kfree(fdev->groups);
	kfree(fdev);
}

static struct device *foo_register(struct device *parent, const char *name)
{
	struct foo_device *fdev;
	struct device *hdev;
	int err;

	fdev = kzalloc(sizeof(*fdev), GFP_KERNEL);
	if (fdev == NULL)
		return ERR_PTR(-ENOMEM);
	hdev = &fdev->dev;
	fdev->groups = kcalloc(2, sizeof(void *), GFP_KERNEL);
	if (!fdev->groups) {
		err = -ENOMEM;
		goto free_foo;
	}
	err = foo_create_attrs(fdev);
	if (err)
		goto free_foo;
	return hdev;

free_foo:
	foo_dev_release(hdev);
	return ERR_PTR(err);
}
`;

// The same release freeing only the groups: the device structure itself leaks.
const toHelperFieldFreed = releasedThroughToHelper.replace('\tkfree(fdev);\n', '').replace('\treturn ERR_PTR(err);\n}\n', '\treturn ERR_PTR(err); /* expect: mem-leak */\n}\n');

// drivers/usb/gadget/udc/mv_u3d_core.c mv_u3d_req_to_trb(): the chain builder tested for failure
// returns 0 on every path, so the return under that test never runs.
const neverFailingBuilder = (failure: string, marker = '') => `static int foo_build_trb_chain(struct foo_req *req, unsigned *length, struct foo_trb *trb)
{
	*length = min(req->req.length - req->req.actual, FOO_MAX_LENGTH);
	if (!*length)
		return ${failure};
	trb->trb_hw->buf_addr_lo = req->req.dma + req->req.actual;
	req->req.actual += *length;
	return 0;
}

static int foo_req_to_trb(struct foo_req *req)
{
	struct foo_trb *trb;
	struct foo_trb_hw *trb_hw;
	unsigned count;

	trb = kcalloc(1, sizeof(*trb), GFP_ATOMIC);
	if (!trb)
		return -ENOMEM;
	trb_hw = kcalloc(1, sizeof(*trb_hw), GFP_ATOMIC);
	if (!trb_hw) {
		kfree(trb);
		return -ENOMEM;
	}
	trb->trb_hw = trb_hw;
	if (foo_build_trb_chain(req, &count, trb))
		return -EIO;${marker}
	list_add_tail(&trb->trb_list, &req->trb_list);
	return 0;
}
`;

// drivers/net/ethernet/qlogic/qed/qed_init_fw_funcs.c qed_fw_overlay_mem_alloc(): the unwind gives
// the address of the array to a helper that frees what it points to.
const freedThroughPointee = (free: string, marker = '') => `static void foo_overlay_mem_free(struct foo_hwfn *p_hwfn, struct foo_mem_desc **mem)
{
	if (!mem || !*mem)
		return;
	foo_free_dma(p_hwfn, *mem);
	${free}
	*mem = NULL;
}

struct foo_mem_desc *foo_overlay_mem_alloc(struct foo_hwfn *p_hwfn, u32 size)
{
	struct foo_mem_desc *allocated_mem;

	allocated_mem = kcalloc(FOO_STORMS, sizeof(*allocated_mem), GFP_KERNEL);
	if (!allocated_mem)
		return NULL;
	if (foo_fill_overlays(p_hwfn, allocated_mem, size) < 0) {
		foo_overlay_mem_free(p_hwfn, &allocated_mem);
		return NULL;${marker}
	}
	return allocated_mem;
}
`;

// drivers/remoteproc/remoteproc_coredump.c rproc_coredump(): dev_coredumpv() owns the vmalloc()ed dump.
const dumpHandedToDevcoredump = (give: string, marker = '') => `static void foo_coredump(struct foo_rproc *rproc)
{
	size_t data_size = foo_dump_size(rproc);
	void *data;

	data = vmalloc(data_size);
	if (!data)
		return;
	if (foo_fill_dump(rproc, data, data_size)) {
		vfree(data);
		return;
	}
	${give}(&rproc->dev, data, data_size, GFP_KERNEL);
}${marker}
`;

// drivers/gpu/drm/radeon/radeon_object.c radeon_bo_create(): ttm_bo_init_validate() owns the buffer
// object it is given, and calls its destroy function when it fails.
const givenToTtm = (init: string) => `int foo_bo_create(struct foo_device *fdev, unsigned long size, struct foo_bo **bo_ptr)
{
	struct foo_bo *bo;
	int r;

	bo = kzalloc(sizeof(struct foo_bo), GFP_KERNEL);
	if (bo == NULL)
		return -ENOMEM;
	r = drm_gem_object_init(fdev->ddev, &bo->tbo.base, size);
	if (unlikely(r)) {
		kfree(bo);
		return r;
	}
	r = ${init}(&fdev->mman.bdev, &bo->tbo, ttm_bo_type_device, &bo->placement, 0, true, NULL, NULL, &foo_ttm_bo_destroy);
	if (unlikely(r != 0))
		return r;
	*bo_ptr = bo;
	return 0;
}
`;

// The same helper freeing what a field of its argument points to: the object itself stays allocated.
const freedFieldThroughLocal = `static void foo_free(void *state)
{
	struct foo_db *db = state;
	void *dict = db->dict;

	vfree(dict);
}

static void *foo_alloc(int hsize)
{
	struct foo_db *db;

	db = kzalloc(sizeof(*db), GFP_KERNEL);
	if (!db)
		return NULL;
	db->dict = vmalloc(array_size(hsize, sizeof(struct foo_dict)));
	if (!db->dict) {
		foo_free(db);
		return NULL; /* expect: mem-leak */
	}
	return db;
}
`;

// drivers/clk/renesas/clk-r8a7740.c r8a7740_cpg_clocks_init(): boot-critical clocks, leaked on purpose.
const leakedOnPurpose = `static void __init foo_cpg_clocks_init(struct device_node *np)
{
	struct foo_cpg *cpg;
	struct clk **clks;
	unsigned int i;
	int num_clks;

	num_clks = of_property_count_strings(np, "clock-output-names");
	cpg = kzalloc(sizeof(*cpg), GFP_KERNEL);
	clks = kcalloc(num_clks, sizeof(*clks), GFP_KERNEL);
	if (cpg == NULL || clks == NULL) {
		/* We're leaking memory on purpose, there's no point in cleaning
		 * up as the system won't boot anyway.
		 */
		return;
	}
	cpg->data.clks = clks;
	cpg->reg = of_iomap(np, 0);
	if (WARN_ON(cpg->reg == NULL))
		return;
	for (i = 0; i < num_clks; ++i)
		clks[i] = foo_cpg_register_clock(np, cpg, i);
	of_clk_add_provider(np, of_clk_src_onecell_get, &cpg->data);
}
`;

// The same function whose comment names a leak without choosing it.
const leakNamedNotChosen = `static void __init foo_cpg_clocks_init(struct device_node *np)
{
	struct foo_cpg *cpg;
	struct clk **clks;
	int num_clks;

	num_clks = of_property_count_strings(np, "clock-output-names");
	cpg = kzalloc(sizeof(*cpg), GFP_KERNEL);
	if (cpg == NULL)
		return;
	clks = kcalloc(num_clks, sizeof(*clks), GFP_KERNEL);
	if (clks == NULL)
		return; /* expect: mem-leak */
	/* free both on failure below, or the cpg leaks */
	cpg->reg = of_iomap(np, 0);
	if (cpg->reg == NULL) {
		kfree(clks);
		kfree(cpg);
		return;
	}
	cpg->data.clks = clks;
	of_clk_add_provider(np, of_clk_src_onecell_get, &cpg->data);
}
`;

// drivers/gpu/drm/nouveau/nvif/mmu.c nvif_mmu_ctor(): nouveau sets the error code and allocates in
// one condition; the goto is taken only when kmalloc() returned NULL.
const commaConditionAlloc = (afterCall: string, marker = '') => `static int foo_mmu_ctor(struct foo_mmu *mmu, size_t argc)
{
	struct foo_mmu_kind *kind;
	int ret;

	if (ret = -ENOMEM, !(kind = kmalloc(argc, GFP_KERNEL)))
		goto done;
	ret = foo_mthd(mmu, kind->data, argc);
${afterCall}	mmu->kind_inv = kind->kind_inv;
	kfree(kind);
done:
	return ret;${marker}
}
`;

// drivers/gpu/drm/amd/amdgpu/amdgpu_vm.c amdgpu_vm_add_prt_cb(): when the fence callback cannot be
// added, the callback is called directly with the embedded member; it frees its container.
const callbackFreesContainer = (callbackTail: string, marker = '') => `static void foo_prt_cb(struct dma_fence *fence, struct dma_fence_cb *_cb)
{
	struct foo_prt_cb *cb = container_of(_cb, struct foo_prt_cb, cb);

	foo_prt_put(cb->adev);
${callbackTail}}

static void foo_add_prt_cb(struct foo_device *adev, struct dma_fence *fence)
{
	struct foo_prt_cb *cb;

	cb = kmalloc(sizeof(struct foo_prt_cb), GFP_KERNEL);
	if (!cb) {
		if (fence)
			dma_fence_wait(fence, false);
		foo_prt_put(adev);
	} else {
		cb->adev = adev;
		if (!fence || dma_fence_add_callback(fence, &cb->cb, foo_prt_cb))
			foo_prt_cb(fence, &cb->cb);
	}
}${marker}
`;

// drivers/iio/industrialio-buffer.c iio_device_buffer_getfd(): the new file owns its private data
// (its ->release() frees it) once anon_inode_getfd() returned an fd; before that it is the caller's.
const privateDataOfNewFile = (onFailure: string) => `static long foo_buffer_getfd(struct foo_dev *indio_dev, int __user *ival)
{
	struct foo_buffer_ib *ib;
	int fd, ret;

	ib = kzalloc(sizeof(*ib), GFP_KERNEL);
	if (!ib)
		return -ENOMEM;
	ib->indio_dev = indio_dev;
	fd = anon_inode_getfd("foo:buffer", &foo_buffer_chrdev_fileops, ib, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
${onFailure}	}
	if (copy_to_user(ival, &fd, sizeof(fd)))
		return -EFAULT;
	return 0;
}
`;

// drivers/net/slip/slip.c sl_alloc_bufs(): the buffer is allocated and freed under the same
// `#ifdef SL_INCLUDE_CSLIP`; a build takes both or neither.
const allocatedUnderIfdef = (freeAt: string, marker = '') => `static int foo_alloc_bufs(struct foo_slip *sl, int mtu)
{
	int err = -ENOBUFS;
	char *rbuff = NULL;
#ifdef SL_INCLUDE_CSLIP
	char *cbuff = NULL;
#endif

	rbuff = kmalloc(mtu + 4, GFP_KERNEL);
	if (rbuff == NULL)
		goto err_exit;
#ifdef SL_INCLUDE_CSLIP
	cbuff = kmalloc(mtu + 4, GFP_KERNEL);
	if (cbuff == NULL)
		goto err_exit;
#endif
	spin_lock_bh(&sl->lock);
	if (sl->tty == NULL) {
		spin_unlock_bh(&sl->lock);
		err = -ENODEV;
		goto err_exit;${marker}
	}
	sl->rbuff = rbuff;
	rbuff = NULL;
#ifdef SL_INCLUDE_CSLIP
	sl->cbuff = cbuff;
	cbuff = NULL;
#endif
	spin_unlock_bh(&sl->lock);
	err = 0;

err_exit:
${freeAt}	kfree(rbuff);
	return err;
}
`;

// net/netfilter/nf_conntrack_core.c nf_ct_tmpl_alloc(): the allocation is aligned by a macro and the
// aligned pointer is what the allocator returns (nf_ct_tmpl_free() undoes the padding).
const alignedAllocationReturned = (beforeReturn: string) => `struct foo_conn *foo_tmpl_alloc(struct net *net, gfp_t flags)
{
	struct foo_conn *tmpl, *p;

	tmpl = kzalloc(sizeof(*tmpl) + FOO_INFOMASK, flags);
	if (!tmpl)
		return NULL;
	p = tmpl;
	tmpl = (struct foo_conn *)FOO_ALIGN((unsigned long)p);
	if (tmpl != p)
		tmpl->tmpl_padto = (char *)tmpl - (char *)p;
${beforeReturn}	tmpl->status = FOO_TEMPLATE;
	return tmpl;
}
`;

// drivers/staging/r8188eu/core/rtw_cmd.c rtw_setstakey_cmd(): init_h2fwcmd_w_parm_no_rsp() keeps the
// parameter block in the command, and the command is queued: the block goes with it.
const parameterOfQueuedCommand = (setUp: string, marker = '') => `u8 foo_setstakey_cmd(struct foo_adapter *padapter, u8 *psta)
{
	struct foo_cmd_obj *ph2c;
	struct foo_setstakey_parm *psetstakey_para;
	struct foo_cmd_priv *pcmdpriv = &padapter->cmdpriv;
	u8 res = _SUCCESS;

	ph2c = kzalloc(sizeof(*ph2c), GFP_ATOMIC);
	if (!ph2c) {
		res = _FAIL;
		goto exit;
	}
	psetstakey_para = kzalloc(sizeof(*psetstakey_para), GFP_ATOMIC);
	if (!psetstakey_para) {
		kfree(ph2c);
		res = _FAIL;
		goto exit;
	}
	${setUp}(ph2c, psetstakey_para, _SetStaKey_CMD_);
	if (padapter->bDriverStopped) {
		kfree(psetstakey_para);
		kfree(ph2c);
		return _FAIL;
	}
	psetstakey_para->algorithm = padapter->securitypriv.dot11PrivacyAlgrthm;
	res = foo_enqueue_cmd(pcmdpriv, ph2c);
exit:
	return res;${marker}
}
`;

// drivers/net/ethernet/netronome/nfp/flower/main.c nfp_flower_spawn_vnic_reprs(): nfp_repr_init() keeps the
// port in the representor, which is stored in the array the error path cleans and frees.
const portOfStoredRepr = (setUp: string, marker = '') => `static int foo_spawn_reprs(struct foo_app *app, struct foo_reprs *reprs, unsigned int n)
{
	unsigned int i;
	int err;

	for (i = 0; i < n; i++) {
		struct net_device *repr;
		struct foo_port *port;

		repr = foo_repr_alloc(app);
		if (!repr)
			return -ENOMEM;
		port = kzalloc(sizeof(*port), GFP_KERNEL);
		if (!port) {
			foo_repr_free(repr);
			return -ENOMEM;
		}
		err = ${setUp}(app, repr, port);
		if (err) {
			kfree(port);
			foo_repr_free(repr);
			return err;
		}
		reprs->reprs[i] = repr;
	}
	err = foo_reprs_notify(app, reprs);
	if (err)
		goto err_clean;
	return 0;
err_clean:
	foo_reprs_clean_and_free(app, reprs);
	return err;${marker}
}
`;

// drivers/gpu/drm/vmwgfx/vmwgfx_simple_resource.c vmw_simple_resource_create_ioctl(): the init is given the
// object with the function that frees it, and runs it when it fails ("From here on, the destructor takes over").
const initGivenDestructor = (destructor: string, marker = '') => `static void foo_simple_resource_free(struct foo_resource *res)
{
	struct foo_user_simple_resource *usimple =
		container_of(res, struct foo_user_simple_resource, simple.res);

	foo_base_object_kfree(usimple, base);
}

static void foo_simple_resource_hw_destroy(struct foo_resource *res)
{
	foo_fifo_release(res->dev_priv);
}

static int foo_simple_resource_init(struct foo_private *dev_priv, struct foo_simple_resource *simple,
				    void *data, void (*res_free)(struct foo_resource *res))
{
	struct foo_resource *res = &simple->res;
	int ret;

	ret = foo_resource_init(dev_priv, res, res_free);
	if (ret) {
		res_free(res);
		return ret;
	}
	return simple->func->init(res, data);
}

int foo_simple_resource_create(struct foo_private *dev_priv, void *data, const struct foo_simple_resource_func *func,
			       struct foo_user_simple_resource **p_usimple)
{
	struct foo_user_simple_resource *usimple;
	int ret;

	usimple = kzalloc(sizeof(*usimple) + func->size, GFP_KERNEL);
	if (!usimple)
		return -ENOMEM;
	usimple->simple.func = func;
	ret = foo_simple_resource_init(dev_priv, &usimple->simple, data, ${destructor});
	if (ret)
		return ret;${marker}
	*p_usimple = usimple;
	return 0;
}
`;

ruleTester(memLeak, {
  valid: [
    { name: 'a parameter block set up in a command that is queued goes with the command (r8188eu init_h2fwcmd)', path: 'drivers/staging/foo/core/foo_cmd.c', code: parameterOfQueuedCommand('init_h2fwcmd_w_parm_no_rsp') },
    { name: 'a port set up in a representor that is stored goes with it (nfp_repr_init)', path: 'drivers/net/ethernet/foo/flower/main.c', code: portOfStoredRepr('foo_repr_init') },
    { name: 'an init given the object with the function of the file that frees it (vmwgfx simple resource)', path: 'drivers/gpu/drm/foo/foo_simple_resource.c', code: initGivenDestructor('foo_simple_resource_free') },
    { name: 'a buffer object given to ttm_bo_init_validate(), which destroys it when it fails (radeon)', path: 'drivers/gpu/drm/foo/foo_object.c', code: givenToTtm('ttm_bo_init_validate') },
    { name: 'a dump given to dev_coredumpv(), which frees it (remoteproc)', path: 'drivers/remoteproc/foo_coredump.c', code: dumpHandedToDevcoredump('dev_coredumpv') },
    { name: 'a helper given the address of the pointer frees what it points to (qed overlay mem)', path: 'drivers/net/foo/foo_init.c', code: freedThroughPointee('kfree(*mem);') },
    { name: 'private data of the file anon_inode_getfd() created is the file\'s (iio buffer fd)', path: 'drivers/iio/foo-buffer.c', code: privateDataOfNewFile('\t\tkfree(ib);\n\t\treturn fd;\n') },
    { name: 'a callback called with the embedded member frees its container (amdgpu prt cb)', path: 'drivers/gpu/drm/foo/foo_vm.c', code: callbackFreesContainer('\tkfree(cb);\n') },
    { name: 'an allocation and its free under the same #ifdef (slip cslip buffer)', path: 'drivers/net/foo/slip.c', code: allocatedUnderIfdef('#ifdef SL_INCLUDE_CSLIP\n\tkfree(cbuff);\n#endif\n') },
    { name: 'an allocation aligned by a macro and returned aligned (nf_ct_tmpl_alloc)', path: 'net/netfilter/foo_core.c', code: alignedAllocationReturned('') },
    { name: 'an allocation tested in a comma condition after the error code is set (nouveau nvif)', path: 'drivers/gpu/drm/foo/nvif/mmu.c', code: commaConditionAlloc('') },
    { name: 'a failure test of a helper that returns 0 on every path (mv_u3d build_trb_chain)', path: 'drivers/usb/gadget/udc/foo_core.c', code: neverFailingBuilder('0') },
    { name: 'a comment says the memory is leaked on purpose (r8a7740)', path: 'drivers/clk/renesas/clk-foo.c', code: leakedOnPurpose },
    { name: 'a helper frees its argument under a local name (bsd_comp bsd_free)', path: 'drivers/net/ppp/foo_comp.c', code: freedThroughLocalAlias },
    { name: 'a helper frees the container_of() of its argument, given a cast (brcmsmac dma_detach)', path: 'drivers/net/foo/dma.c', code: freedThroughContainerOf },
    { name: 'a release function frees the to_*() container of the embedded device it is given (hwmon)', path: 'drivers/hwmon/foo.c', code: releasedThroughToHelper },
    {
      name: 'goto unwinding ladder that frees on every error path',
      path: 'drivers/net/foo/foo_main.c',
      code: `static int foo_alloc_rings(struct foo *foo)
{
	foo->rx = kcalloc(foo->nrx, sizeof(*foo->rx), GFP_KERNEL);
	if (!foo->rx)
		return -ENOMEM;
	foo->tx = kcalloc(foo->ntx, sizeof(*foo->tx), GFP_KERNEL);
	if (!foo->tx)
		goto err_free_rx;
	return 0;

err_free_rx:
	kfree(foo->rx);
	return -ENOMEM;
}
`,
    },
    {
      name: 'a local buffer freed on every path through out:',
      path: 'cpt/rst_fpu.c',
      code: `static int rst_restore_fpustate(struct task_struct *tsk, struct cpt_context *ctx)
{
	struct cpt_obj_bits hdr;
	int err;
	char *buf;

	err = rst_get_object(CPT_OBJ_BITS, &hdr, sizeof(hdr), ctx);
	if (err < 0)
		return err;
	buf = kmalloc(hdr.cpt_size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	err = ctx->read(buf, hdr.cpt_size, ctx);
	if (err)
		goto out;
	memcpy(&tsk->thread.xstate, buf, sizeof(struct i387_fxsave_struct));
out:
	kfree(buf);
	return err;
}
`,
    },
    {
      name: 'cleanup.h __free(kfree) frees the buffer at scope end',
      path: 'drivers/platform/foo/foo_fw.c',
      code: `static int foo_fw_check(struct foo *foo, const u8 *data, size_t len)
{
	u8 *copy __free(kfree) = kmemdup(data, len, GFP_KERNEL);

	if (!copy)
		return -ENOMEM;
	if (foo_fw_bad_header(copy, len))
		return -EINVAL;
	if (foo_fw_stash(foo, copy)) {
		kfree(no_free_ptr(copy));
		return -EIO;
	}
	return 0;
}
`,
    },
    {
      name: 'devm_kzalloc() is released by the driver core',
      path: 'drivers/iio/adc/foo-adc.c',
      code: `static int foo_adc_probe(struct platform_device *pdev)
{
	struct foo_adc *adc;
	int ret;

	adc = devm_kzalloc(&pdev->dev, sizeof(*adc), GFP_KERNEL);
	if (!adc)
		return -ENOMEM;
	ret = foo_adc_hw_init(adc);
	if (ret)
		return ret;
	platform_set_drvdata(pdev, adc);
	return 0;
}
`,
    },
    {
      name: 'list_add() hands the entry on; the error path frees it',
      path: 'drivers/misc/foo_list.c',
      code: `static int foo_add_client(struct foo *foo, u32 id)
{
	struct foo_client *client;
	int ret;

	client = kzalloc(sizeof(*client), GFP_KERNEL);
	if (!client)
		return -ENOMEM;
	client->id = id;
	ret = foo_hw_enable_client(foo, id);
	if (ret) {
		kfree(client);
		return ret;
	}
	list_add_tail(&client->node, &foo->clients);
	return 0;
}
`,
    },
    {
      name: 'an allocator returns the object on success and frees it on failure',
      path: 'drivers/misc/foo_obj.c',
      code: `static struct foo_obj *foo_obj_create(struct foo *foo)
{
	struct foo_obj *obj;

	obj = kzalloc(sizeof(*obj), GFP_KERNEL);
	if (!obj)
		return ERR_PTR(-ENOMEM);
	if (foo_obj_init(foo, obj)) {
		kfree(obj);
		return ERR_PTR(-EIO);
	}
	return obj;
}
`,
    },
    {
      name: 'kfree_rcu() on one path, a store on the other',
      path: 'net/foo/foo_table.c',
      code: `static int foo_table_replace(struct foo_table *table, const struct foo_entry *src)
{
	struct foo_entry *entry, *old;

	entry = kmemdup(src, sizeof(*src), GFP_KERNEL);
	if (!entry)
		return -ENOMEM;
	old = rcu_dereference_protected(table->entry, lockdep_is_held(&table->lock));
	if (old && old->version == entry->version) {
		kfree_rcu(entry, rcu);
		return 0;
	}
	rcu_assign_pointer(table->entry, entry);
	return 0;
}
`,
    },
    {
      name: 'a pointer kept by a setter of the owning object, freed by its unbind',
      path: 'drivers/usb/gadget/foo_gadget.c',
      code: `static int foo_bind(struct usb_gadget *gadget)
{
	struct foo_dev *dev;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	set_gadget_data(gadget, dev);
	dev->req = usb_ep_alloc_request(gadget->ep0, GFP_KERNEL);
	if (!dev->req)
		goto enomem;
	gadget->ep0->driver_data = dev;
	return 0;

enomem:
	foo_unbind(gadget);
	return -ENOMEM;
}
`,
    },
  ],
  invalid: [
    { name: 'a parameter block only logged with the queued command', path: 'drivers/staging/foo/core/foo_cmd.c', code: parameterOfQueuedCommand('foo_trace_cmd', ' /* expect: mem-leak */') },
    { name: 'a port only checked against a representor that is stored', path: 'drivers/net/ethernet/foo/flower/main.c', code: portOfStoredRepr('foo_repr_check_port', ' /* expect: mem-leak */') },
    { name: 'an init given the object with a callback that frees nothing', path: 'drivers/gpu/drm/foo/foo_simple_resource.c', code: initGivenDestructor('foo_simple_resource_hw_destroy', ' /* expect: mem-leak */') },
    { name: 'a buffer object given to an init that does not take it', path: 'drivers/gpu/drm/foo/foo_object.c', code: givenToTtm('foo_bo_setup').replace('\t\treturn r;\n\t*bo_ptr', '\t\treturn r; /* expect: mem-leak */\n\t*bo_ptr') },
    { name: 'a dump given to a call that does not take it', path: 'drivers/remoteproc/foo_coredump.c', code: dumpHandedToDevcoredump('foo_dump_write', ' /* expect: mem-leak */') },
    { name: 'a helper given the address of the pointer that only clears it', path: 'drivers/net/foo/foo_init.c', code: freedThroughPointee('', ' /* expect: mem-leak */') },
    { name: 'private data kept when anon_inode_getfd() failed', path: 'drivers/iio/foo-buffer.c', code: privateDataOfNewFile('\t\treturn fd; /* expect: mem-leak */\n') },
    { name: 'a callback called with the embedded member that does not free it', path: 'drivers/gpu/drm/foo/foo_vm.c', code: callbackFreesContainer('', ' /* expect: mem-leak */') },
    { name: 'an allocation under #ifdef whose free sits under another configuration', path: 'drivers/net/foo/slip.c', code: allocatedUnderIfdef('#ifdef SL_INCLUDE_CSLIP_DEBUG\n\tkfree(cbuff);\n#endif\n', ' /* expect: mem-leak */') },
    { name: 'an aligned allocation left on an error return', path: 'net/netfilter/foo_core.c', code: alignedAllocationReturned('\tif (!net)\n\t\treturn NULL; /* expect: mem-leak */\n') },
    { name: 'a comma-condition allocation left on a later error goto', path: 'drivers/gpu/drm/foo/nvif/mmu.c', code: commaConditionAlloc('\tif (ret)\n\t\tgoto done; /* expect: mem-leak */\n') },
    { name: 'a failure test of a helper that can fail', path: 'drivers/usb/gadget/udc/foo_core.c', code: neverFailingBuilder('-EINVAL', ' /* expect: mem-leak */') },
    { name: 'a comment that names a leak without choosing it', path: 'drivers/clk/renesas/clk-foo.c', code: leakNamedNotChosen },
    { name: 'a helper that frees only what a field of its argument points to', path: 'drivers/net/ppp/foo_comp.c', code: freedFieldThroughLocal },
    { name: 'a helper that frees only a buffer of the container_of() of its argument', path: 'drivers/net/foo/dma.c', code: containerFieldFreed },
    { name: 'a release function that frees only a buffer of the to_*() container', path: 'drivers/hwmon/foo.c', code: toHelperFieldFreed },
    {
      name: 'the second allocation fails and the first one leaks',
      path: 'drivers/spi/spi-foo-snand.c',
      code: secondAllocFails,
    },
    {
      name: 'copy_from_user() failure returns without kfree()',
      path: 'drivers/misc/foo_cdev.c',
      code: copyFromUserFails,
    },
    {
      name: 'do_exit() on one branch, kfree() on the other',
      path: 'cpt/rst_restart.c',
      code: threadDoExit,
    },
    {
      name: 'goto to the label past the kfree()',
      path: 'drivers/misc/bar_name.c',
      code: wrongLabel,
    },
    {
      name: 'a void function returns early with the copy',
      path: 'drivers/misc/baz_log.c',
      code: voidEarlyReturn,
    },
    {
      name: 'vmalloc() table not freed when reading it fails',
      path: 'drivers/misc/qux_table.c',
      code: vmallocEarlyReturn,
    },
  ],
});
