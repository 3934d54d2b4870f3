import { missingErrorCode } from '../../src/rules/missing-error-code.js';
import { ruleTester } from '../helpers/rule-tester.js';

// fs/ext4/file.c ext4_sample_last_mounted(): sampling the mount point is best effort; `err = 0` written
// between d_path() and its test says a failure of d_path() is no error of the open.
const sampleLastMounted = (
  zeroFirst: boolean,
  marker = '',
) => `static int foo_sample_last_mounted(struct super_block *sb, struct vfsmount *mnt)
{
	struct path path;
	char buf[64], *cp;
	handle_t *handle;
	int err;

${zeroFirst ? '\terr = 0;\n' : ''}	path.mnt = mnt;
	path.dentry = mnt->mnt_root;
	cp = d_path(&path, buf, sizeof(buf));
${zeroFirst ? '' : '\terr = 0;\n'}	if (IS_ERR(cp))${marker}
		goto out;
	handle = foo_journal_start_sb(sb, 1);
	err = PTR_ERR(handle);
	if (IS_ERR(handle))
		goto out;
	err = foo_journal_get_write_access(handle, sb);
	foo_journal_stop(handle);
out:
	return err;
}
`;

ruleTester(missingErrorCode, {
  valid: [
    { name: 'the returned variable set to 0 between the call and its failure test (ext4 sample_last_mounted)', path: 'fs/foo/file.c', code: sampleLastMounted(false) },
    {
      name: 'ret set to -ENOMEM before the goto',
      path: 'drivers/iio/adc/foo-adc.c',
      code: `static int foo_adc_probe(struct platform_device *pdev)
{
	struct foo_adc *adc;
	int ret;

	ret = foo_adc_hw_init(pdev);
	if (ret)
		return ret;
	adc = kzalloc(sizeof(*adc), GFP_KERNEL);
	if (!adc) {
		ret = -ENOMEM;
		goto err_hw;
	}
	return 0;
err_hw:
	foo_adc_hw_exit(pdev);
	return ret;
}
`,
    },
    {
      name: 'return -ENOMEM directly',
      path: 'drivers/misc/foo-ring.c',
      code: `static int foo_ring_alloc(struct foo_ring *ring)
{
	int ret = 0;

	ring->desc = kcalloc(ring->count, sizeof(*ring->desc), GFP_KERNEL);
	if (!ring->desc)
		return -ENOMEM;
	return ret;
}
`,
    },
    {
      name: 'ret = PTR_ERR() before the goto',
      path: 'drivers/clk/foo-clk.c',
      code: `static int foo_clk_setup(struct foo_priv *priv)
{
	int ret;

	ret = foo_power_on(priv);
	if (ret)
		return ret;
	priv->clk = devm_clk_get(priv->dev, "core");
	if (IS_ERR(priv->clk)) {
		ret = PTR_ERR(priv->clk);
		goto out_power;
	}
	return 0;
out_power:
	foo_power_off(priv);
	return ret;
}
`,
    },
    {
      name: 'the label sets ret',
      path: 'drivers/net/ethernet/foo/foo_main.c',
      code: `static int foo_open_rings(struct foo_priv *priv)
{
	int ret;

	ret = foo_reset(priv);
	if (ret)
		return ret;
	priv->rx = kzalloc(sizeof(*priv->rx), GFP_KERNEL);
	if (!priv->rx)
		goto err_nomem;
	return 0;
err_nomem:
	ret = -ENOMEM;
	foo_unreset(priv);
	return ret;
}
`,
    },
    {
      name: 'ret from a call not tested: it may be positive',
      path: 'drivers/misc/foo-count.c',
      code: `static int foo_count_setup(struct foo *foo)
{
	int ret;

	ret = foo_read_count(foo);
	foo->buf = kzalloc(64, GFP_KERNEL);
	if (!foo->buf)
		goto out;
	foo->count = ret;
out:
	return ret;
}
`,
    },
    {
      name: 'ret tested only with < 0',
      path: 'drivers/misc/foo-neg.c',
      code: `static int foo_neg_setup(struct foo *foo)
{
	int ret;

	ret = foo_read_count(foo);
	if (ret < 0)
		return ret;
	foo->buf = kzalloc(64, GFP_KERNEL);
	if (!foo->buf)
		goto out;
	foo->count = ret;
out:
	return ret;
}
`,
    },
    {
      name: 'an optional node from a lookup: return 0 is deliberate',
      path: 'drivers/leds/foo-leds.c',
      code: `static int foo_leds_parse(struct device *dev)
{
	struct device_node *np;
	int ret = 0;

	np = of_get_child_by_name(dev->of_node, "leds");
	if (!np)
		goto out;
	ret = foo_leds_register(dev, np);
	of_node_put(np);
out:
	if (ret == -EPROBE_DEFER)
		return -EPROBE_DEFER;
	return ret;
}
`,
    },
    {
      name: 'IS_ERR recovery: the clock is optional',
      path: 'drivers/mmc/host/foo-mmc.c',
      code: `static int foo_mmc_clocks(struct foo_host *host)
{
	int ret = 0;

	host->bus_clk = devm_clk_get(host->dev, "bus");
	if (IS_ERR(host->bus_clk)) {
		if (PTR_ERR(host->bus_clk) == -EPROBE_DEFER)
			return -EPROBE_DEFER;
		host->bus_clk = NULL;
	}
	return ret;
}
`,
    },
    {
      name: 'a void function',
      path: 'drivers/misc/foo-void.c',
      code: `static void foo_void_init(struct foo *foo)
{
	int ret = 0;

	foo->buf = kzalloc(64, GFP_KERNEL);
	if (!foo->buf)
		goto out;
	ret = foo_fill(foo);
	if (ret)
		return;
out:
	return;
}
`,
    },
    {
      name: 'a function returning a pointer',
      path: 'drivers/misc/foo-ptr.c',
      code: `static struct foo *foo_create(struct device *dev)
{
	struct foo *foo;
	int ret;

	ret = foo_check(dev);
	if (ret)
		return ERR_PTR(ret);
	foo = kzalloc(sizeof(*foo), GFP_KERNEL);
	if (!foo)
		goto out;
	foo->dev = dev;
out:
	return foo;
}
`,
    },
    {
      name: 'dev_err_probe(PTR_ERR()) returned',
      path: 'drivers/regulator/foo-regulator.c',
      code: `static int foo_reg_probe(struct platform_device *pdev)
{
	struct regulator_dev *rdev;
	int ret;

	ret = foo_reg_hw_init(pdev);
	if (ret)
		return ret;
	rdev = devm_regulator_register(&pdev->dev, &foo_desc, &foo_config);
	if (IS_ERR(rdev))
		return dev_err_probe(&pdev->dev, PTR_ERR(rdev), "register failed\\n");
	return ret;
}
`,
    },
    {
      name: 'break out of a loop on failure',
      path: 'drivers/misc/foo-loop.c',
      code: `static int foo_fill_slots(struct foo *foo)
{
	int i, ret = 0;

	for (i = 0; i < foo->nslots; i++) {
		foo->slot[i] = kzalloc(64, GFP_KERNEL);
		if (!foo->slot[i])
			break;
	}
	if (i < foo->nslots)
		ret = -ENOMEM;
	return ret;
}
`,
    },
    {
      name: 'the address of ret passed on the error path',
      path: 'drivers/misc/foo-addr.c',
      code: `static int foo_addr_setup(struct foo *foo)
{
	int ret;

	ret = foo_reset(foo);
	if (ret)
		return ret;
	foo->buf = kzalloc(64, GFP_KERNEL);
	if (!foo->buf)
		goto err;
	return 0;
err:
	foo_read_status(foo, &ret);
	return ret;
}
`,
    },
    {
      name: 'IS_ERR of a debugfs directory: failure is to be ignored',
      path: 'drivers/misc/foo-debugfs.c',
      code: `static int foo_debugfs_init(struct foo *foo)
{
	int ret = 0;

	if (!foo->name)
		return -EINVAL;
	foo->dir = debugfs_create_dir(foo->name, NULL);
	if (IS_ERR(foo->dir))
		goto out;
	debugfs_create_u32("count", 0444, foo->dir, &foo->count);
out:
	return ret;
}
`,
    },
    {
      name: 'a test inside a loop that sets ret on a later pass',
      path: 'drivers/misc/foo-loop-ret.c',
      code: `static int foo_loop_ret(struct foo *foo)
{
	int i, ret = 0;

	for (i = 0; i < foo->n; i++) {
		foo->item[i] = kzalloc(32, GFP_KERNEL);
		if (!foo->item[i])
			goto out;
		ret = foo_item_init(foo->item[i]);
		if (ret < 0)
			goto out;
	}
	if (!ret)
		return -EINVAL;
out:
	return ret;
}
`,
    },
    {
      name: 'two hunks: the 0 is in the first, a hidden gap before the test',
      diff: `diff --git a/drivers/misc/foo-gap.c b/drivers/misc/foo-gap.c
--- a/drivers/misc/foo-gap.c
+++ b/drivers/misc/foo-gap.c
@@ -20,6 +20,6 @@ static const struct foo_ops foo_gap_ops = {
 static int foo_gap_probe(struct platform_device *pdev)
 {
 	int ret;
 
-	ret = foo_gap_reset(pdev, 0);
+	ret = foo_gap_reset(pdev, 1);
 	if (ret)
@@ -40,7 +40,7 @@ static int foo_gap_probe(struct platform_device *pdev)
 	priv->buf = kzalloc(64, GFP_KERNEL);
 	if (!priv->buf)
-		return -ENOMEM;
+		goto err;
 	foo_gap_start(priv);
 	return 0;
 err:
 	return ret;
`,
    },
    {
      name: 'a function shown in part: a label hidden code may jump to',
      diff: `diff --git a/drivers/misc/foo-label.c b/drivers/misc/foo-label.c
--- a/drivers/misc/foo-label.c
+++ b/drivers/misc/foo-label.c
@@ -50,9 +50,12 @@ static int foo_label_probe(struct platform_device *pdev)
 	ret = foo_label_reset(pdev);
 	if (ret)
 		return ret;
 retry:
+	priv->buf = kzalloc(64, GFP_KERNEL);
+	if (!priv->buf)
+		goto out;
 	foo_label_start(priv);
 out:
 	return ret;
 }
`,
    },
  ],
  invalid: [
    { name: 'the returned variable set to 0 before the call whose failure is tested', path: 'fs/foo/file.c', code: sampleLastMounted(true, ' /* expect: missing-error-code */') },
    {
      name: 'goto form: ret still 0 from the tested call',
      path: 'drivers/iio/adc/foo-adc.c',
      code: `static int foo_adc_probe(struct platform_device *pdev)
{
	struct foo_adc *priv;
	int ret;

	priv = kzalloc(sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	ret = foo_init(priv);
	if (ret)
		goto err_free;
	priv->buf = kzalloc(64, GFP_KERNEL);
	if (!priv->buf) /* expect: missing-error-code error "still 0 from foo_init() at line 9" */
		goto err_free;
	platform_set_drvdata(pdev, priv);
	return 0;
err_free:
	kfree(priv);
	return ret;
}
`,
    },
    {
      name: 'direct return form',
      path: 'drivers/misc/foo-direct.c',
      code: `static int foo_direct_setup(struct foo *foo)
{
	int ret;

	ret = foo_reset(foo);
	if (ret)
		return ret;
	foo->buf = devm_kzalloc(foo->dev, 64, GFP_KERNEL);
	if (!foo->buf) /* expect: missing-error-code "Please return -ENOMEM here" */
		return ret;
	return foo_start(foo);
}
`,
    },
    {
      name: 'IS_ERR form without PTR_ERR',
      path: 'drivers/phy/foo-phy.c',
      code: `static int foo_phy_probe(struct platform_device *pdev)
{
	struct foo_phy *phy;
	int ret;

	phy = devm_kzalloc(&pdev->dev, sizeof(*phy), GFP_KERNEL);
	if (!phy)
		return -ENOMEM;
	ret = foo_phy_parse(phy);
	if (ret)
		return ret;
	phy->clk = devm_clk_get(&pdev->dev, "ref");
	if (IS_ERR(phy->clk)) /* expect: missing-error-code "ret = PTR_ERR(phy->clk);" */
		goto out;
	ret = clk_prepare_enable(phy->clk);
out:
	return ret;
}
`,
    },
    {
      name: 'ret initialised to 0',
      path: 'drivers/misc/foo-init.c',
      code: `static int foo_init_tables(struct foo *foo)
{
	int ret = 0;

	if (!foo->count)
		return -EINVAL;
	foo->table = kcalloc(foo->count, sizeof(*foo->table), GFP_KERNEL);
	if (foo->table == NULL) /* expect: missing-error-code "from \`ret = 0\` at line 3" */
		goto out;
	foo_fill_table(foo);
out:
	return ret;
}
`,
    },
    {
      name: 'ret zero after if (ret) return ret, error handled in a block',
      path: 'drivers/gpu/drm/foo/foo_drv.c',
      code: `static int foo_drm_load(struct foo_drm *fdrm)
{
	int ret;

	ret = foo_drm_modeset_init(fdrm);
	if (ret)
		return ret;

	fdrm->vram = vzalloc(fdrm->vram_size);
	if (unlikely(!fdrm->vram)) { /* expect: missing-error-code "vzalloc() fails here, \`goto err_modeset\` returns \`ret\`" */
		drm_err(&fdrm->drm, "no memory for vram\\n");
		goto err_modeset;
	}
	return 0;

err_modeset:
	foo_drm_modeset_fini(fdrm);
	return ret;
}
`,
    },
    {
      name: 'through two labels falling through',
      path: 'drivers/media/platform/foo/foo-vid.c',
      code: `static int foo_vid_probe(struct platform_device *pdev)
{
	struct foo_vid *vid;
	int ret;

	vid = devm_kzalloc(&pdev->dev, sizeof(*vid), GFP_KERNEL);
	if (!vid)
		return -ENOMEM;
	ret = foo_vid_power_up(vid);
	if (ret)
		return ret;
	vid->ctx = kzalloc(sizeof(*vid->ctx), GFP_KERNEL);
	if (!vid->ctx) /* expect: missing-error-code "kzalloc() fails here" */
		goto err_power;
	vid->fmt = kmemdup(&foo_default_fmt, sizeof(foo_default_fmt), GFP_KERNEL);
	if (!vid->fmt) /* expect: missing-error-code "kmemdup() fails here, \`goto err_ctx\`" */
		goto err_ctx;
	return 0;
err_ctx:
	kfree(vid->ctx);
err_power:
	foo_vid_power_down(vid);
	return ret;
}
`,
    },
    {
      name: 'only the goto is new: the finding goes on it',
      diff: `diff --git a/drivers/misc/foo-patch.c b/drivers/misc/foo-patch.c
--- a/drivers/misc/foo-patch.c
+++ b/drivers/misc/foo-patch.c
@@ -9,13 +9,16 @@ struct foo_table foo_tables[] = {
 static int foo_patch_setup(struct foo *foo)
 {
 	int ret;
 
 	ret = foo_reset(foo);
 	if (ret)
 		return ret;
 	foo->buf = kmalloc(64, GFP_KERNEL);
 	if (!foo->buf)
-		return -ENOMEM;
+		goto err_reset; /* expect: missing-error-code "foo_reset() at line 13" */
 	return 0;
+err_reset:
+	foo_unreset(foo);
+	return ret;
 }
`,
    },
      {
      name: 'a function shown from the middle of its body',
      diff: `diff --git a/drivers/misc/foo-mid.c b/drivers/misc/foo-mid.c
--- a/drivers/misc/foo-mid.c
+++ b/drivers/misc/foo-mid.c
@@ -60,10 +60,13 @@ static int foo_mid_probe(struct platform_device *pdev)
 	ret = foo_mid_reset(priv);
 	if (ret)
 		return ret;
+	priv->ring = dma_alloc_coherent(&pdev->dev, SZ_4K, &priv->ring_dma, GFP_KERNEL);
+	if (!priv->ring) /* expect: missing-error-code "dma_alloc_coherent() fails here, \`goto err_reset\` returns \`ret\`, which is still 0 from foo_mid_reset() at line 60" */
+		goto err_reset;
 	platform_set_drvdata(pdev, priv);
 	return 0;
 err_reset:
 	foo_mid_unreset(priv);
 	return ret;
 }
`,
    },
      {
      name: 'NULL == p, in an else branch of a success test',
      path: 'drivers/net/wireless/foo/foo_fw.c',
      code: `static ssize_t foo_fw_load(struct foo *foo, const char *name)
{
	ssize_t ret = 0;

	if (!name)
		return -EINVAL;
	foo->blob = kvmalloc(foo->fw_size, GFP_KERNEL);
	if (NULL != foo->blob) /* expect: missing-error-code "kvmalloc() fails here, \`goto out\` returns \`ret\`, which is still 0 from \`ret = 0\` at line 3" */
		foo_fw_copy(foo);
	else
		goto out;
	ret = foo->fw_size;
out:
	return ret;
}
`,
    },
  ],
});
