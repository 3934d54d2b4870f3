/**
 * The kernel idioms behind the false alarms the ownership engine stopped raising in 6f955fa (judged
 * on a 1,500-file Linux 6.1 sweep), each next to the bug of the same shape it must still catch.
 * Memory and counted references here; locks, module references and completions in
 * ownership-idioms-locks.test.ts.
 */
import { memLeak } from '../../src/rules/mem-leak.js';
import { refLeak } from '../../src/rules/ref-leak.js';
import { ruleTester } from '../helpers/rule-tester.js';

// fs/ntfs3/index.c indx_read(): the buffer is freed at `out:` unless it became the node's index.
const freedUnlessKept = `static int foo_read_index(struct foo_index *indx, struct foo_inode *ni, struct foo_node *in)
{
	struct foo_buf *ib = in->index;
	int err;

	if (!ib) {
		ib = kmalloc(indx->bytes, GFP_NOFS);
		if (!ib)
			return -ENOMEM;
	}
	err = foo_read_blocks(ni, indx, ib);
	if (err)
		goto out;
	if (!foo_buf_check(ib, indx->bytes)) {
		err = -EINVAL;
		goto out;
	}
	in->index = ib;
out:
	if (ib != in->index)
		kfree(ib);
	return err;
}
`;

// The same function with an early return before the conditional free: still judged.
const returnBeforeConditionalFree = `static int foo_read_index(struct foo_index *indx, struct foo_inode *ni, struct foo_node *in)
{
	struct foo_buf *ib;
	int err;

	ib = kmalloc(indx->bytes, GFP_NOFS);
	if (!ib)
		return -ENOMEM;
	err = foo_read_blocks(ni, indx, ib);
	if (err == -EIO)
		return err; /* expect: mem-leak "\`ib\`, allocated by kmalloc()" */
	if (err)
		goto out;
	in->index = ib;
out:
	if (ib != in->index)
		kfree(ib);
	return err;
}
`;

// A conditional free in a block that leaves is an early exit, not a correlated release.
const conditionalFreeInLeavingBlock = `static int foo_set_label(struct foo *foo, const char *src, size_t len)
{
	char *buf;
	int err;

	buf = kmemdup(src, len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (buf[0] != FOO_LABEL_MAGIC) {
		kfree(buf);
		return -EINVAL;
	}
	err = foo_check_label(foo, buf, len);
	if (err)
		return err; /* expect: mem-leak "the other paths have it freed by the kfree() at line 10 or handed on by the store at line 16" */
	foo->label = buf;
	return 0;
}
`;

// drivers/usb/typec/mux.c typec_switch_register(): after device_initialize(), put_device() frees
// the object through the device's release callback.
const putDeviceFrees = `static void foo_switch_release(struct device *dev)
{
	kfree(to_foo_switch(dev));
}

struct foo_switch *foo_switch_register(struct device *parent, const struct foo_switch_desc *desc)
{
	struct foo_switch *sw;
	int ret;

	if (!desc || !desc->set)
		return ERR_PTR(-EINVAL);
	sw = kzalloc(sizeof(*sw), GFP_KERNEL);
	if (!sw)
		return ERR_PTR(-ENOMEM);
	sw->set = desc->set;
	device_initialize(&sw->dev);
	sw->dev.parent = parent;
	sw->dev.release = foo_switch_release;
	ret = dev_set_name(&sw->dev, "%s-switch", dev_name(parent));
	if (ret) {
		put_device(&sw->dev);
		return ERR_PTR(ret);
	}
	ret = device_add(&sw->dev);
	if (ret) {
		dev_err(parent, "failed to register switch (%d)\\n", ret);
		put_device(&sw->dev);
		return ERR_PTR(ret);
	}
	return sw;
}
`;

const krefPutFrees = `static void foo_req_release(struct kref *ref)
{
	kfree(container_of(ref, struct foo_req, ref));
}

static int foo_send_sync(struct foo_chan *chan, u32 cmd)
{
	struct foo_req *req;
	int ret;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	kref_init(&req->ref);
	req->cmd = cmd;
	ret = foo_chan_submit(chan, req);
	if (ret) {
		kref_put(&req->ref, foo_req_release);
		return ret;
	}
	ret = req->status;
	kref_put(&req->ref, foo_req_release);
	return ret;
}
`;

// Before device_initialize() nothing frees it for the function: kfree() is still owed.
const returnBeforeDeviceInitialize = `struct foo_switch *foo_switch_register(struct device *parent, const struct foo_switch_desc *desc)
{
	struct foo_switch *sw;
	int ret;

	sw = kzalloc(sizeof(*sw), GFP_KERNEL);
	if (!sw)
		return ERR_PTR(-ENOMEM);
	sw->id = ida_alloc(&foo_switch_ida, GFP_KERNEL);
	if (sw->id < 0)
		return ERR_PTR(sw->id); /* expect: mem-leak "freed by the put_device() at line 16" */
	device_initialize(&sw->dev);
	sw->dev.parent = parent;
	ret = device_add(&sw->dev);
	if (ret) {
		put_device(&sw->dev);
		return ERR_PTR(ret);
	}
	return sw;
}
`;

// drivers/xen/time.c xen_manage_runstate_time(): a function-static pointer outlives the call.
const staticLocalKeeps = `void foo_manage_snapshot(int action)
{
	static struct foo_snap *delta;
	struct foo_snap state;
	int cpu;

	switch (action) {
	case FOO_SAVE:
		if (unlikely(delta))
			pr_warn_once("%s: snapshot still pending\\n", __func__);
		delta = kmalloc_array(num_possible_cpus(), sizeof(*delta), GFP_ATOMIC);
		if (unlikely(!delta))
			return;
		for_each_possible_cpu(cpu) {
			foo_snapshot_cpu(&state, cpu);
			memcpy(delta[cpu].time, state.time, sizeof(delta[cpu].time));
		}
		break;
	case FOO_RESTORE:
		if (unlikely(!delta))
			return;
		for_each_possible_cpu(cpu)
			foo_restore_cpu(&delta[cpu], cpu);
		kfree(delta);
		delta = NULL;
		break;
	}
}
`;

// A function-static pointer that takes the new buffer unless another caller filled it first.
const staticLocalTakesBuffer = `static int foo_load_cfg(struct foo *foo)
{
	static struct foo_cfg *cfg;
	struct foo_cfg *new;

	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	foo_read_cfg(foo, new);
	mutex_lock(&foo_cfg_mutex);
	if (cfg) {
		mutex_unlock(&foo_cfg_mutex);
		kfree(new);
		return 0;
	}
	cfg = new;
	mutex_unlock(&foo_cfg_mutex);
	return 0;
}
`;

// kobject_put() after kobject_init() ends in the ktype's release, which frees the object.
const kobjectPutFrees = `static void foo_attr_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct foo_attr_dir, kobj));
}

static int foo_add_attr_dir(struct foo *foo, const char *name)
{
	struct foo_attr_dir *dir;
	int ret;

	dir = kzalloc(sizeof(*dir), GFP_KERNEL);
	if (!dir)
		return -ENOMEM;
	kobject_init(&dir->kobj, &foo_attr_ktype);
	ret = kobject_add(&dir->kobj, &foo->kobj, "%s", name);
	if (ret) {
		kobject_put(&dir->kobj);
		return ret;
	}
	foo->attr_dir = dir;
	return 0;
}
`;

// Next to a static: the buffer itself is a plain local until it is stored in the static.
const leakBeforeStaticStore = `static int foo_load_table(struct foo *foo)
{
	static u8 *table;
	u8 *buf;

	buf = kmalloc(FOO_TABLE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (foo_read_table(foo, buf))
		return -EIO; /* expect: mem-leak "handed on by the store at line 11" */
	table = buf;
	return 0;
}
`;

// A probe hands its private data to the device; on success remove() frees it.
const drvdataKeptOnSuccess = `static int foo_probe(struct platform_device *pdev)
{
	struct foo_priv *priv;
	int ret;

	priv = kzalloc(sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->dev = &pdev->dev;
	platform_set_drvdata(pdev, priv);
	ret = foo_hw_init(priv);
	if (ret) {
		kfree(priv);
		return ret;
	}
	return 0;
}

static int foo_remove(struct platform_device *pdev)
{
	struct foo_priv *priv = platform_get_drvdata(pdev);

	foo_hw_exit(priv);
	kfree(priv);
	return 0;
}
`;

// A failed probe has no remove(): drvdata does not free it.
const drvdataErrorReturn = `static int foo_probe(struct platform_device *pdev)
{
	struct foo_priv *priv;
	int ret;

	priv = kzalloc(sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->dev = &pdev->dev;
	platform_set_drvdata(pdev, priv);
	ret = foo_hw_init(priv);
	if (ret)
		return ret; /* expect: mem-leak "\`priv\`, allocated by kzalloc()" */
	return 0;
}
`;

ruleTester(memLeak, {
  valid: [
    { name: 'freed at out: unless it became the index (ntfs3 indx_read)', path: 'fs/foofs/index.c', code: freedUnlessKept },
    { name: 'put_device() after device_initialize() frees through the release callback (typec mux)', path: 'drivers/usb/typec/foo_mux.c', code: putDeviceFrees },
    { name: 'kref_put() ends in the release callback that frees the request', path: 'drivers/misc/foo_chan.c', code: krefPutFrees },
    { name: 'a function-static pointer keeps the allocation between calls (xen time)', path: 'drivers/xen/foo_time.c', code: staticLocalKeeps },
    { name: 'a function-static pointer takes the new buffer, a duplicate is freed', path: 'drivers/misc/foo_cfg.c', code: staticLocalTakesBuffer },
    { name: 'kobject_put() after kobject_init() frees through the ktype release', path: 'drivers/misc/foo_attr.c', code: kobjectPutFrees },
    { name: 'drvdata set, freed on the error exit, kept on success for remove()', path: 'drivers/misc/foo_probe.c', code: drvdataKeptOnSuccess },
  ],
  invalid: [
    { name: 'an early return before the conditional free at out: still leaks', path: 'fs/foofs/index.c', code: returnBeforeConditionalFree },
    { name: 'a conditional free in a block that returns, then an error return that leaks', path: 'drivers/misc/foo_label.c', code: conditionalFreeInLeavingBlock },
    { name: 'an error return before device_initialize() still owes kfree()', path: 'drivers/usb/typec/foo_mux.c', code: returnBeforeDeviceInitialize },
    { name: 'an error return before the store into a static', path: 'drivers/misc/foo_table.c', code: leakBeforeStaticStore },
    { name: 'memory given to platform_set_drvdata() then an error return', path: 'drivers/misc/foo_probe.c', code: drvdataErrorReturn },
  ],
});

// drivers/net/ethernet/socionext/sni_ave.c ave_init(): clocks enabled in a loop, unwound in reverse.
const reverseClockUnwind = `static int foo_init(struct foo_priv *priv)
{
	int nc, ret;

	for (nc = 0; nc < priv->nclks; nc++) {
		ret = clk_prepare_enable(priv->clk[nc]);
		if (ret) {
			dev_err(priv->dev, "can't enable clock\\n");
			goto out_clk_disable;
		}
	}
	ret = foo_reset_deassert(priv);
	if (ret)
		goto out_clk_disable;
	ret = foo_phy_init(priv);
	if (ret)
		goto out_clk_disable;
	return 0;

out_clk_disable:
	while (--nc >= 0)
		clk_disable_unprepare(priv->clk[nc]);
	return ret;
}
`;

// The same loop with an error return that skips the unwind.
const returnSkipsUnwind = `static int foo_init(struct foo_priv *priv)
{
	int nc, ret;

	for (nc = 0; nc < priv->nclks; nc++) {
		ret = clk_prepare_enable(priv->clk[nc]);
		if (ret)
			goto out_clk_disable;
	}
	ret = foo_reset_deassert(priv);
	if (ret)
		return ret; /* expect: ref-leak */
	ret = foo_phy_init(priv);
	if (ret)
		goto out_clk_disable;
	return 0;

out_clk_disable:
	while (--nc >= 0)
		clk_disable_unprepare(priv->clk[nc]);
	return ret;
}
`;

// A probe keeps its clock enabled for the bound device: remove() disables it.
const clockKeptOnSuccess = `static int foo_probe(struct platform_device *pdev)
{
	struct foo_priv *priv;
	int ret;

	priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->clk = devm_clk_get(&pdev->dev, NULL);
	if (IS_ERR(priv->clk))
		return PTR_ERR(priv->clk);
	ret = clk_prepare_enable(priv->clk);
	if (ret)
		return ret;
	platform_set_drvdata(pdev, priv);
	ret = foo_hw_init(priv);
	if (ret) {
		clk_disable_unprepare(priv->clk);
		return ret;
	}
	return 0;
}
`;

// Storing the container in a longer-lived object does not hand the enable count on.
const clockStoredErrorReturn = `static int foo_probe(struct platform_device *pdev)
{
	struct foo_priv *priv;
	int ret;

	priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->clk = devm_clk_get(&pdev->dev, NULL);
	if (IS_ERR(priv->clk))
		return PTR_ERR(priv->clk);
	ret = clk_prepare_enable(priv->clk);
	if (ret)
		return ret;
	foo_card->priv = priv;
	ret = foo_hw_init(priv);
	if (ret)
		return ret; /* expect: ref-leak "clk_disable_unprepare() at line 21" */
	ret = foo_irq_init(priv);
	if (ret) {
		clk_disable_unprepare(priv->clk);
		return ret;
	}
	return 0;
}
`;

ruleTester(refLeak, {
  valid: [
    { name: 'a reverse unwind loop disables the clocks enabled with another index (sni_ave)', path: 'drivers/net/ethernet/foo/foo_eth.c', code: reverseClockUnwind },
    { name: 'a probe keeps its clock enabled on success, disables it on the error exit', path: 'drivers/misc/foo_clk.c', code: clockKeptOnSuccess },
  ],
  invalid: [
    { name: 'an error return skips the reverse unwind loop', path: 'drivers/net/ethernet/foo/foo_eth.c', code: returnSkipsUnwind },
    { name: 'a clock enabled into priv, priv stored in a global card, then an error return', path: 'drivers/misc/foo_clk.c', code: clockStoredErrorReturn },
  ],
});
