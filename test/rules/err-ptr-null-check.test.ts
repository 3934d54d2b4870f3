import { RETURN_STYLES, returnStyle } from '../../src/analysis/ownership/return-styles.js';
import { ACQUIRE_APIS } from '../../src/analysis/ownership/resources.js';
import { errPtrNullCheck } from '../../src/rules/err-ptr-null-check.js';
import { ruleTester } from '../helpers/rule-tester.js';

describe('return-styles table', () => {
  it('names each API once', () => {
    const names = RETURN_STYLES.map((style) => style.name);
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
  });

  it('takes the acquire table styles as they are', () => {
    for (const api of ACQUIRE_APIS.filter((entry) => entry.carrier === 'return' && ['null', 'err-ptr', 'err-ptr-or-null'].includes(entry.failure))) {
      expect(returnStyle(api.name)?.failure).toBe(api.failure);
    }
  });

  it('tells the ERR_PTR mappers and getters from the NULL ones', () => {
    expect(returnStyle('devm_ioremap_resource')?.failure).toBe('err-ptr');
    expect(returnStyle('devm_ioremap')?.failure).toBe('null');
    expect(returnStyle('devm_regulator_get_optional')?.failure).toBe('err-ptr');
    expect(returnStyle('devm_gpiod_get_optional')?.failure).toBe('err-ptr-or-null');
    expect(returnStyle('devm_iio_device_alloc')?.failure).toBe('null');
    expect(returnStyle('kthread_run')?.failure).toBe('err-ptr');
    expect(returnStyle('get_device')).toBeUndefined();
  });
});

ruleTester(errPtrNullCheck, {
  valid: [
    {
      // arch/sh/kernel/cpu/sh4a/clock-sh7724.c: arch/sh's own clk_register() (include/linux/sh_clk.h) returns 0 or an errno.
      name: 'a table name whose result is kept in an int is another API of that name',
      path: 'arch/sh/kernel/cpu/sh4a/clock-example.c',
      code: `int __init arch_clk_init(void)
{
	int k, ret = 0;

	for (k = 0; !ret && (k < ARRAY_SIZE(main_clks)); k++)
		ret = clk_register(main_clks[k]);

	if (!ret)
		ret = sh_clk_div4_register(div4_clks, DIV4_NR, &div4_table);
	return ret;
}
`,
    },
    {
      // drivers/mailbox/mailbox-test.c: the IS_ERR() is the else arm, which only sees devm_ioremap_resource()'s result.
      name: 'IS_ERR() in the else arm of the if whose other arm stores a NULL API result',
      path: 'drivers/mailbox/example-test.c',
      code: `static int example_probe(struct platform_device *pdev)
{
	struct example_dev *tdev = platform_get_drvdata(pdev);
	struct resource *res = platform_get_resource(pdev, IORESOURCE_MEM, 0);

	tdev->tx_mmio = devm_ioremap_resource(&pdev->dev, res);
	if (PTR_ERR(tdev->tx_mmio) == -EBUSY) {
		tdev->tx_mmio = devm_ioremap(&pdev->dev, res->start, resource_size(res));
	} else if (IS_ERR(tdev->tx_mmio)) {
		tdev->tx_mmio = NULL;
	}
	return 0;
}
`,
    },
    {
      name: 'mined ERR_PTR() getter outside the table tested with IS_ERR',
      path: 'drivers/iio/adc/example-mux.c',
      code: `static int example_adc_probe(struct platform_device *pdev)
{
	struct example_adc *adc = platform_get_drvdata(pdev);

	adc->mux = devm_mux_control_get(&pdev->dev, NULL);
	if (IS_ERR(adc->mux))
		return dev_err_probe(&pdev->dev, PTR_ERR(adc->mux), "no mux\\n");
	return 0;
}
`,
    },
    {
      name: 'mined NULL allocator outside the table tested for NULL',
      path: 'drivers/usb/host/example-hcd.c',
      code: `static int example_hcd_probe(struct platform_device *pdev)
{
	struct usb_hcd *hcd;

	hcd = usb_create_hcd(&example_hc_driver, &pdev->dev, dev_name(&pdev->dev));
	if (!hcd)
		return -ENOMEM;
	platform_set_drvdata(pdev, hcd);
	return usb_add_hcd(hcd, 0, 0);
}
`,
    },
    {
      name: 'a function the tree cannot decide is left alone',
      path: 'drivers/misc/example-undecided.c',
      code: `static int example_probe(struct device *dev)
{
	struct example *ex = example_lookup_private(dev);

	if (!ex)
		return -ENODEV;
	if (IS_ERR(ex))
		return PTR_ERR(ex);
	return 0;
}
`,
    },
    {
      name: 'IS_ERR and PTR_ERR after devm_platform_ioremap_resource',
      path: 'drivers/i2c/busses/i2c-example.c',
      code: `static int example_i2c_probe(struct platform_device *pdev)
{
	struct example_i2c *i2c;

	i2c = devm_kzalloc(&pdev->dev, sizeof(*i2c), GFP_KERNEL);
	if (!i2c)
		return -ENOMEM;

	i2c->base = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(i2c->base))
		return PTR_ERR(i2c->base);
	return 0;
}
`,
    },
    {
      name: 'IS_ERR_OR_NULL on anything',
      path: 'drivers/misc/example_ion.c',
      code: `static int example_map(struct example *ex)
{
	void *vaddr = kzalloc(64, GFP_KERNEL);
	struct clk *clk = devm_clk_get(ex->dev, NULL);

	if (IS_ERR_OR_NULL(vaddr) || IS_ERR_OR_NULL(clk))
		return -EINVAL;
	return 0;
}
`,
    },
    {
      name: '!p after kzalloc, unlikely() included',
      path: 'drivers/net/ethernet/example/example_main.c',
      code: `static int example_alloc_rings(struct example_priv *priv)
{
	priv->rx = kcalloc(priv->nrx, sizeof(*priv->rx), GFP_KERNEL);
	if (unlikely(!priv->rx))
		return -ENOMEM;
	priv->tx = kzalloc(sizeof(*priv->tx), GFP_KERNEL);
	if (priv->tx == NULL)
		goto err_free_rx;
	return 0;
err_free_rx:
	kfree(priv->rx);
	return -ENOMEM;
}
`,
    },
    {
      name: 'devm_gpiod_get_optional tested both ways',
      path: 'drivers/input/touchscreen/example_ts.c',
      code: `static int example_ts_reset(struct device *dev, struct example_ts *ts)
{
	ts->reset = devm_gpiod_get_optional(dev, "reset", GPIOD_OUT_HIGH);
	if (IS_ERR(ts->reset))
		return PTR_ERR(ts->reset);
	if (!ts->reset)
		return 0;
	gpiod_set_value_cansleep(ts->reset, 0);
	return 0;
}
`,
    },
    {
      name: 'PTR_ERR_OR_ZERO returned for an ERR_PTR API',
      path: 'drivers/phy/example/phy-example.c',
      code: `static int example_phy_get_clk(struct example_phy *phy)
{
	phy->clk = devm_clk_get_enabled(phy->dev, "ref");
	return PTR_ERR_OR_ZERO(phy->clk);
}
`,
    },
    {
      name: 'a variable reused for a second call of the other style',
      path: 'drivers/soc/example/example-soc.c',
      code: `static int example_soc_probe(struct platform_device *pdev)
{
	void __iomem *base;
	struct resource *res;

	res = platform_get_resource(pdev, IORESOURCE_MEM, 0);
	if (!res)
		return -ENODEV;
	base = devm_ioremap(&pdev->dev, res->start, resource_size(res));
	if (!base)
		return -ENOMEM;
	example_soc_init(base);
	base = devm_platform_ioremap_resource(pdev, 1);
	if (IS_ERR(base))
		return PTR_ERR(base);
	example_soc_init_extra(base);
	return 0;
}
`,
    },
    {
      name: 'the value only returned to the caller',
      path: 'drivers/clk/example/clk-example.c',
      code: `static struct clk *example_get_ref(struct device *dev)
{
	struct clk *clk;

	clk = devm_clk_get(dev, "ref");
	return clk;
}
`,
    },
    {
      name: 'an unknown helper tested for NULL',
      path: 'drivers/misc/example_helper.c',
      code: `static int example_setup(struct example *ex)
{
	ex->table = example_build_table(ex);
	if (!ex->table)
		return -ENOMEM;
	ex->regs = example_map_regs(ex);
	if (IS_ERR(ex->regs))
		return PTR_ERR(ex->regs);
	return 0;
}
`,
    },
    {
      name: 'a function that tests NULL, then IS_ERR',
      path: 'drivers/media/platform/example/example-vpu.c',
      code: `static int example_vpu_clk(struct example_vpu *vpu)
{
	vpu->clk = devm_clk_get(vpu->dev, "core");
	if (!vpu->clk)
		return -EINVAL;
	if (IS_ERR(vpu->clk))
		return dev_err_probe(vpu->dev, PTR_ERR(vpu->clk), "no core clock\\n");
	return 0;
}
`,
    },
    {
      name: 'a goto ladder with IS_ERR and NULL tests each on its own API',
      path: 'drivers/crypto/example/example-crypto.c',
      code: `static int example_crypto_init(struct example_ctx *ctx)
{
	int ret;

	ctx->tfm = crypto_alloc_shash("sha256", 0, 0);
	if (IS_ERR(ctx->tfm))
		return PTR_ERR(ctx->tfm);

	ctx->desc = kzalloc(sizeof(*ctx->desc) + crypto_shash_descsize(ctx->tfm), GFP_KERNEL);
	if (!ctx->desc) {
		ret = -ENOMEM;
		goto err_free_tfm;
	}

	ctx->wq = alloc_workqueue("example", WQ_UNBOUND, 0);
	if (!ctx->wq) {
		ret = -ENOMEM;
		goto err_free_desc;
	}

	ctx->thread = kthread_run(example_thread, ctx, "example");
	if (IS_ERR(ctx->thread)) {
		ret = PTR_ERR(ctx->thread);
		goto err_destroy_wq;
	}
	return 0;

err_destroy_wq:
	destroy_workqueue(ctx->wq);
err_free_desc:
	kfree(ctx->desc);
err_free_tfm:
	crypto_free_shash(ctx->tfm);
	return ret;
}
`,
    },
    {
      name: 'regulator_get_optional: -ENODEV turned into NULL, then tested for NULL',
      path: 'drivers/iio/adc/example-adc.c',
      code: `static int example_adc_vref(struct example_adc *st)
{
	st->vref = devm_regulator_get_optional(st->dev, "vref");
	if (IS_ERR(st->vref)) {
		if (PTR_ERR(st->vref) != -ENODEV)
			return PTR_ERR(st->vref);
		st->vref = NULL;
	}
	if (!st->vref)
		return 0;
	return regulator_enable(st->vref);
}
`,
    },
    {
      name: 'a lazy getter: the NULL test comes before the store',
      path: 'drivers/misc/example_lazy.c',
      code: `static struct clk *example_bus_clk(struct example *ex)
{
	if (!ex->clk) {
		ex->clk = clk_get(ex->dev, "bus");
		if (IS_ERR(ex->clk))
			return ex->clk;
	}
	return ex->clk;
}
`,
    },
    {
      name: 'a NULL API tested with if (p) in the cleanup path and IS_ERR of another pointer',
      path: 'drivers/misc/example_cleanup.c',
      code: `static int example_open(struct example *ex)
{
	ex->buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	ex->file = filp_open(ex->path, O_RDONLY, 0);
	if (IS_ERR(ex->file)) {
		if (ex->buf)
			kfree(ex->buf);
		return PTR_ERR(ex->file);
	}
	return ex->buf ? 0 : -ENOMEM;
}
`,
    },
  ],
  invalid: [
    {
      name: 'the common clock clk_register() kept in a pointer and tested for NULL',
      path: 'drivers/clk/clk-example.c',
      code: `static int example_clk_probe(struct platform_device *pdev)
{
	struct clk *clk;

	clk = clk_register(&pdev->dev, &example_hw);
	if (!clk) /* expect: err-ptr-null-check error "clk_register() returns an ERR_PTR() on failure, not NULL: \`if (!clk)\` does not catch it, and the error pointer goes on as if it were a valid one. Please test it with IS_ERR(clk) and return PTR_ERR(clk)." */
		return -ENOMEM;
	return of_clk_add_provider(pdev->dev.of_node, of_clk_src_simple_get, clk);
}
`,
    },
    {
      name: 'mined ERR_PTR() getter outside the table tested for NULL',
      path: 'drivers/iio/adc/example-mux.c',
      code: `static int example_adc_probe(struct platform_device *pdev)
{
	struct example_adc *adc = platform_get_drvdata(pdev);

	adc->mux = devm_mux_control_get(&pdev->dev, NULL);
	if (!adc->mux) /* expect: err-ptr-null-check error "devm_mux_control_get() returns an ERR_PTR() on failure, not NULL: \`if (!adc->mux)\` does not catch it, and the error pointer goes on as if it were a valid one. Please test it with IS_ERR(adc->mux) and return PTR_ERR(adc->mux)." */
		return -ENODEV;
	return mux_control_select(adc->mux, 0);
}
`,
    },
    {
      name: 'mined NULL allocator outside the table tested with IS_ERR',
      path: 'drivers/usb/host/example-hcd.c',
      code: `static int example_hcd_probe(struct platform_device *pdev)
{
	struct usb_hcd *hcd;

	hcd = usb_create_hcd(&example_hc_driver, &pdev->dev, dev_name(&pdev->dev));
	if (IS_ERR(hcd)) /* expect: err-ptr-null-check error "usb_create_hcd() returns NULL on failure, not an ERR_PTR(): IS_ERR(hcd) is false for NULL, so the failure goes on. Please test \`if (!hcd)\` instead, and return an errno of its own." */
		return PTR_ERR(hcd);
	platform_set_drvdata(pdev, hcd);
	return usb_add_hcd(hcd, 0, 0);
}
`,
    },
    {
      name: 'mined NULL allocator tested directly with IS_ERR',
      path: 'drivers/i2c/muxes/example-mux.c',
      code: `static int example_mux_probe(struct i2c_client *client)
{
	struct i2c_mux_core *muxc;

	if (IS_ERR(muxc = i2c_mux_alloc(client->adapter, &client->dev, 4, 0, 0, example_select, NULL))) /* expect: err-ptr-null-check error */
		return -ENOMEM;
	return i2c_mux_add_adapter(muxc, 0, 0, 0);
}
`,
    },
    {
      name: 'IS_ERR_OR_NULL then PTR_ERR after a NULL allocator returns 0 on failure',
      path: 'drivers/rtc/example-groups.c',
      code: `int example_add_groups(struct rtc_device *rtc, size_t count)
{
	const struct attribute_group **groups;

	groups = devm_kcalloc(&rtc->dev, count, sizeof(*groups), GFP_KERNEL);
	if (IS_ERR_OR_NULL(groups)) /* expect: err-ptr-null-check error "devm_kcalloc() returns NULL on failure, not an ERR_PTR(): PTR_ERR(groups) is 0 for NULL, so the failure is reported as success. Please test \`if (!groups)\` and return -ENOMEM." */
		return PTR_ERR(groups);
	rtc->dev.groups = groups;
	return 0;
}
`,
    },
    {
      name: 'devm_ioremap_resource tested with !base',
      path: 'drivers/gpio/gpio-example.c',
      code: `static int example_gpio_probe(struct platform_device *pdev)
{
	struct resource *res = platform_get_resource(pdev, IORESOURCE_MEM, 0);
	void __iomem *base;

	base = devm_ioremap_resource(&pdev->dev, res);
	if (!base) /* expect: err-ptr-null-check error "devm_ioremap_resource() returns an ERR_PTR() on failure, not NULL: \`if (!base)\` does not catch it, and the error pointer is used as an address below. Please test it with IS_ERR(base) and return PTR_ERR(base)." */
		return -ENOMEM;
	writel(0, base + 0x10);
	return 0;
}
`,
    },
    {
      name: 'kzalloc tested with IS_ERR',
      path: 'drivers/hwmon/example-hwmon.c',
      code: `static int example_hwmon_probe(struct i2c_client *client)
{
	struct example_hwmon *priv;

	priv = kzalloc(sizeof(*priv), GFP_KERNEL);
	if (IS_ERR(priv)) /* expect: err-ptr-null-check "kzalloc() returns NULL on failure, not an ERR_PTR(): IS_ERR(priv) is false for NULL, so the failure goes on. Please test \`if (!priv)\` and return -ENOMEM." */
		return PTR_ERR(priv);
	i2c_set_clientdata(client, priv);
	return 0;
}
`,
    },
    {
      name: 'a member assignment from devm_clk_get tested with !',
      path: 'drivers/spi/spi-example.c',
      code: `static int example_spi_clk(struct example_spi *priv, struct device *dev)
{
	priv->clk = devm_clk_get(dev, "spi");
	if (!priv->clk) { /* expect: err-ptr-null-check "IS_ERR(priv->clk) and return PTR_ERR(priv->clk)" */
		dev_err(dev, "no clock\\n");
		return -ENODEV;
	}
	return clk_prepare_enable(priv->clk);
}
`,
    },
    {
      name: 'a declaration initialised from devm_iio_device_alloc, tested with IS_ERR',
      path: 'drivers/iio/light/example-light.c',
      code: `static int example_light_probe(struct i2c_client *client)
{
	struct iio_dev *indio_dev = devm_iio_device_alloc(&client->dev, sizeof(struct example_light));

	if (IS_ERR(indio_dev)) /* expect: err-ptr-null-check "devm_iio_device_alloc() returns NULL on failure" */
		return PTR_ERR(indio_dev);
	return devm_iio_device_register(&client->dev, indio_dev);
}
`,
    },
    {
      name: 'unlikely(!p) after kthread_run',
      path: 'drivers/block/example_blk.c',
      code: `static int example_start_worker(struct example_dev *dev)
{
	dev->worker = kthread_run(example_worker_fn, dev, "example/%d", dev->id);
	if (unlikely(!dev->worker)) /* expect: err-ptr-null-check "\`if (unlikely(!dev->worker))\` does not catch it" */
		return -ENOMEM;
	return 0;
}
`,
    },
    {
      name: 'NULL == p and p == NULL after class_create and device_create',
      path: 'drivers/char/example_char.c',
      code: `static int example_char_init(void)
{
	example_class = class_create("example");
	if (NULL == example_class) /* expect: err-ptr-null-check "class_create() returns an ERR_PTR()" */
		return -ENOMEM;
	example_device = device_create(example_class, NULL, example_devt, NULL, "example");
	if (example_device == NULL) { /* expect: err-ptr-null-check "device_create() returns an ERR_PTR()" */
		class_destroy(example_class);
		return -ENOMEM;
	}
	return 0;
}
`,
    },
    {
      name: 'the call tested directly, both directions',
      path: 'drivers/misc/example_direct.c',
      code: `static int example_direct(struct platform_device *pdev, struct example *ex)
{
	if (!devm_platform_ioremap_resource(pdev, 0)) /* expect: err-ptr-null-check "Please keep the result, test it with IS_ERR()" */
		return -ENOMEM;
	if (IS_ERR(devm_kasprintf(&pdev->dev, GFP_KERNEL, "example-%d", ex->id))) /* expect: err-ptr-null-check "devm_kasprintf() returns NULL on failure" */
		return -ENOMEM;
	return 0;
}
`,
    },
    {
      name: 'a test several statements after the assignment, under WARN_ON',
      path: 'drivers/net/wireless/example/example_fw.c',
      code: `static int example_fw_load(struct example_hw *hw)
{
	struct file *fp;
	loff_t pos = 0;
	int len;

	fp = filp_open(hw->fw_path, O_RDONLY, 0);
	hw->fw_len = 0;
	len = example_fw_size(hw);
	pr_debug("loading %s\\n", hw->fw_path);
	if (WARN_ON(!fp)) /* expect: err-ptr-null-check "filp_open() returns an ERR_PTR()" */
		return -ENOENT;
	kernel_read(fp, hw->fw_buf, len, &pos);
	filp_close(fp, NULL);
	return 0;
}
`,
    },
    {
      name: 'PTR_ERR_OR_ZERO after a NULL API',
      path: 'drivers/usb/misc/example_usb.c',
      code: `static int example_usb_alloc(struct example_usb *dev)
{
	dev->urb = usb_alloc_urb(0, GFP_KERNEL);
	return PTR_ERR_OR_ZERO(dev->urb); /* expect: err-ptr-null-check "PTR_ERR_OR_ZERO(dev->urb) is 0 for NULL, so the failure is reported as success" */
}
`,
    },
    {
      name: 'debugfs_create_dir tested for NULL: drop the test',
      path: 'drivers/misc/example_debugfs.c',
      code: `static void example_debugfs_init(struct example *ex)
{
	ex->debugfs = debugfs_create_dir("example", NULL);
	if (!ex->debugfs) /* expect: err-ptr-null-check "please drop the test rather than turn it into IS_ERR()" */
		return;
	debugfs_create_u32("level", 0644, ex->debugfs, &ex->level);
}
`,
    },
    {
      name: 'assigned inside the condition',
      path: 'drivers/misc/example_cond.c',
      code: `static int example_cond(struct device *dev, struct example *ex)
{
	if (!(ex->rst = devm_reset_control_get_exclusive(dev, NULL))) /* expect: err-ptr-null-check "devm_reset_control_get_exclusive() returns an ERR_PTR()" */
		return -ENODEV;
	return reset_control_deassert(ex->rst);
}
`,
    },
    {
      name: 'a store split over two lines through a cast',
      path: 'drivers/pci/controller/pcie-example.c',
      code: `static int example_pcie_map(struct platform_device *pdev, struct example_pcie *pcie)
{
	pcie->dbi = (void __iomem *)
		devm_platform_ioremap_resource_byname(pdev, "dbi");
	if (pcie->dbi == NULL) /* expect: err-ptr-null-check "\`if (pcie->dbi == NULL)\` does not catch it" */
		return -ENOMEM;
	return 0;
}
`,
    },
    {
      name: 'an out-parameter stored from kmemdup and tested with IS_ERR',
      path: 'drivers/firmware/example_fw.c',
      code: `static int example_copy_blob(const void *src, size_t len, void **out)
{
	*out = kmemdup(src, len, GFP_KERNEL);
	if (IS_ERR(*out)) /* expect: err-ptr-null-check "Please test \`if (!*out)\` and return -ENOMEM" */
		return PTR_ERR(*out);
	return 0;
}
`,
    },
    {
      name: 'only the store is new: the finding goes on it and names the old test',
      diff: `diff --git a/drivers/mmc/host/example-mmc.c b/drivers/mmc/host/example-mmc.c
--- a/drivers/mmc/host/example-mmc.c
+++ b/drivers/mmc/host/example-mmc.c
@@ -40,8 +40,7 @@ static int example_mmc_probe(struct platform_device *pdev)
 	host = mmc_priv(mmc);
-	res = platform_get_resource(pdev, IORESOURCE_MEM, 0);
-	host->base = devm_ioremap(&pdev->dev, res->start, resource_size(res));
+	host->base = devm_platform_ioremap_resource(pdev, 0); /* expect: err-ptr-null-check "\`if (!host->base)\` at line 42 does not catch it" */
 	if (!host->base) {
 		ret = -ENOMEM;
 		goto err_free_host;
 	}
`,
    },
  ],
});
