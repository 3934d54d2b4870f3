/**
 * ref-leak on the counts kept on devices, clocks and regulators: runtime PM usage counts
 * (pm_runtime_get_sync() keeps its count even when it fails), clock prepare/enable counts and
 * regulator enable counts. The valid cases are the kernel idioms that must stay quiet.
 */
import { refLeak } from '../../src/rules/ref-leak.js';
import { ruleTester } from '../helpers/rule-tester.js';

const getSyncFailureReturns = `static int foo_i2c_read_id(struct device *dev, u32 *id)
{
	struct foo *foo = dev_get_drvdata(dev);
	int ret;

	ret = pm_runtime_get_sync(dev);
	if (ret < 0)
		return ret; /* expect: ref-leak "pm_runtime_get_sync() takes it even when it fails: please call pm_runtime_put_noidle(dev) here, or use pm_runtime_resume_and_get()" */
	ret = regmap_read(foo->regmap, FOO_REG_ID, id);
	pm_runtime_put(dev);
	return ret;
}
`;

const getSyncLaterErrorReturns = `static int foo_adc_read_raw(struct foo_adc *adc, int channel, int *val)
{
	int ret;

	ret = pm_runtime_get_sync(adc->dev);
	if (ret < 0) {
		pm_runtime_put_noidle(adc->dev);
		return ret;
	}
	ret = foo_adc_start(adc, channel);
	if (ret)
		return ret; /* expect: ref-leak "Shouldn't this path call pm_runtime_put(adc->dev) too?" */
	*val = readl(adc->base + FOO_ADC_DATA);
	pm_runtime_mark_last_busy(adc->dev);
	pm_runtime_put_autosuspend(adc->dev);
	return IIO_VAL_INT;
}
`;

const clkLadderSkipped = `static int foo_spi_probe(struct platform_device *pdev)
{
	struct foo_spi *fs;
	int ret;

	fs = devm_kzalloc(&pdev->dev, sizeof(*fs), GFP_KERNEL);
	if (!fs)
		return -ENOMEM;
	fs->clk = devm_clk_get(&pdev->dev, NULL);
	if (IS_ERR(fs->clk))
		return PTR_ERR(fs->clk);
	ret = clk_prepare_enable(fs->clk);
	if (ret)
		return ret;
	ret = foo_spi_hw_init(fs);
	if (ret)
		goto err_disable_clk;
	fs->irq = platform_get_irq(pdev, 0);
	if (fs->irq < 0)
		return fs->irq; /* expect: ref-leak "\`fs->clk\` still enabled (taken by clk_prepare_enable() at line 12); the other paths have it disabled by the clk_disable_unprepare() at line 27" */
	ret = foo_spi_register(fs);
	if (ret)
		goto err_disable_clk;
	return 0;

err_disable_clk:
	clk_disable_unprepare(fs->clk);
	return ret;
}
`;

const regulatorEarlyReturn = `static int foo_sensor_power_on(struct foo_sensor *sensor)
{
	int ret;

	ret = regulator_enable(sensor->vdd);
	if (ret)
		return ret;
	usleep_range(1000, 2000);
	ret = foo_sensor_check_id(sensor);
	if (ret) {
		dev_err(sensor->dev, "wrong chip id\\n");
		return ret; /* expect: ref-leak "still enabled (taken by regulator_enable() at line 5); the other paths have it disabled by the regulator_disable()" */
	}
	ret = foo_sensor_reset(sensor);
	if (ret) {
		regulator_disable(sensor->vdd);
		return ret;
	}
	return 0;
}
`;

const getSyncFailureGotoOut = `static ssize_t foo_mode_store(struct device *dev, struct device_attribute *attr, const char *buf, size_t count)
{
	struct foo *foo = dev_get_drvdata(dev);
	int ret;

	ret = pm_runtime_get_sync(dev);
	if (ret < 0) {
		dev_err(dev, "cannot resume: %d\\n", ret);
		goto out; /* expect: ref-leak "Please call pm_runtime_put_noidle(dev) here" */
	}
	ret = foo_set_mode(foo, buf);
	pm_runtime_put(dev);
out:
	return ret < 0 ? ret : count;
}
`;

const pmLadderSkipped = `static int foo_codec_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	int ret;

	pm_runtime_enable(dev);
	ret = pm_runtime_resume_and_get(dev);
	if (ret)
		goto err_disable;
	ret = foo_codec_init(dev);
	if (ret)
		goto err_disable; /* expect: ref-leak "Shouldn't this path call pm_runtime_put(dev) too?" */
	ret = devm_snd_soc_register_component(dev, &foo_codec_driver, NULL, 0);
	if (ret)
		goto err_put;
	pm_runtime_put(dev);
	return 0;

err_put:
	pm_runtime_put_noidle(dev);
err_disable:
	pm_runtime_disable(dev);
	return ret;
}
`;

const getSyncTestedInCondition = `static ssize_t foo_status_show(struct foo *foo, char *buf)
{
	int val;

	if (pm_runtime_get_sync(foo->dev) < 0)
		return -EIO; /* expect: ref-leak "Please call pm_runtime_put_noidle(foo->dev) here" */
	val = readl(foo->base + FOO_STATUS);
	pm_runtime_put(foo->dev);
	return sprintf(buf, "%d\\n", val);
}
`;

const getSyncSharedOut = `static int bar_xfer(struct bar *bar)
{
	int ret;

	ret = pm_runtime_get_sync(bar->dev);
	if (ret < 0) {
		dev_err(bar->dev, "resume failed\\n");
		goto out;
	}
	ret = bar_do_xfer(bar);
	if (ret)
		goto out;
	pm_runtime_put(bar->dev);
	return 0;
out:
	return ret; /* expect: ref-leak "also on its failure branch: pm_runtime_get_sync() takes it even when it fails, unlike pm_runtime_resume_and_get()" */
}
`;

const clkEarlySuccessReturn = `static int foo_led_set(struct foo_led *led, bool on)
{
	int ret;

	ret = clk_enable(led->clk);
	if (ret)
		return ret;
	if (led->busy)
		return 0; /* expect: ref-leak "Shouldn't this path call clk_disable(led->clk) too?" */
	writel(on, led->base + FOO_LED_CTRL);
	clk_disable(led->clk);
	return 0;
}
`;

const eitherBranchTakesCount = `static int foo_detect(struct foo *foo, bool polling)
{
	int ret;

	if (polling) {
		pm_runtime_get_noresume(foo->dev);
	} else {
		ret = pm_runtime_get_sync(foo->dev);
		if (ret < 0 && ret != -EACCES) {
			pm_runtime_put_autosuspend(foo->dev);
			return FOO_UNKNOWN;
		}
	}
	ret = foo_read_id(foo);
	if (ret < 0)
		return FOO_UNKNOWN; /* expect: ref-leak "runtime PM usage count on \`foo->dev\`" */
	foo->present = ret == FOO_ID;
	pm_runtime_mark_last_busy(foo->dev);
	pm_runtime_put_autosuspend(foo->dev);
	return FOO_PRESENT;
}
`;

// sound/soc/mediatek/mt6797/mt6797-afe-clk.c mt6797_afe_enable_clock(): the clocks stay on when it
// succeeds; the unwind ladder below `return ret;` is the failure path even though it returns 0.
const ladderReturnsZero = `int foo_afe_enable_clock(struct foo_afe *afe)
{
	struct foo_afe_private *priv = afe->platform_priv;
	int ret;

	ret = clk_prepare_enable(priv->clk[CLK_SYS_AUD]);
	if (ret)
		goto err_sys_aud;
	ret = clk_prepare_enable(priv->clk[CLK_MUX_AUD]);
	if (ret)
		goto err_mux_aud;
	ret = clk_set_parent(priv->clk[CLK_MUX_AUD], priv->clk[CLK_26M]);
	if (ret)
		goto err_mux_aud;
	return ret;

err_mux_aud:
	clk_disable_unprepare(priv->clk[CLK_MUX_AUD]);
err_sys_aud:
	clk_disable_unprepare(priv->clk[CLK_SYS_AUD]);
	return 0;
}
`;

// The same ladder, entered past the disable a failure needs: the ladder's own leak is still seen.
const ladderSkipsDisable = `int foo_afe_enable_clock(struct foo_afe *afe)
{
	struct foo_afe_private *priv = afe->platform_priv;
	int ret;

	ret = clk_prepare_enable(priv->clk[CLK_SYS_AUD]);
	if (ret)
		goto err_sys_aud;
	ret = clk_prepare_enable(priv->clk[CLK_BUS]);
	if (ret)
		goto err_sys_aud; /* expect: ref-leak */
	ret = clk_prepare_enable(priv->clk[CLK_MUX_AUD]);
	if (ret)
		goto err_bus;
	return ret;

err_bus:
	clk_disable_unprepare(priv->clk[CLK_BUS]);
	clk_disable_unprepare(priv->clk[CLK_SYS_AUD]);
err_sys_aud:
	return 0;
}
`;

// drivers/iommu/mtk_iommu.c mtk_iommu_mm_dts_parse() (renamed): each device found is stored in an array that the
// unwind ladder puts in a loop, so a failure after the store leaks nothing.
const storedInArrayPutByLoop = `static int foo_iommu_mm_dts_parse(struct device *dev, struct component_match **match,
				  struct foo_iommu_data *data)
{
	struct device_node *larbnode, *frst_avail_smicomm_node = NULL;
	struct platform_device *plarbdev, *pcommdev;
	struct device_link *link;
	int i, larb_nr, ret;

	larb_nr = of_count_phandle_with_args(dev->of_node, "foo,larbs", NULL);
	if (larb_nr < 0)
		return larb_nr;
	if (larb_nr == 0 || larb_nr > FOO_LARB_NR_MAX)
		return -EINVAL;

	for (i = 0; i < larb_nr; i++) {
		struct device_node *smicomm_node, *smi_subcomm_node;
		u32 id;

		larbnode = of_parse_phandle(dev->of_node, "foo,larbs", i);
		if (!larbnode) {
			ret = -EINVAL;
			goto err_larbdev_put;
		}

		if (!of_device_is_available(larbnode)) {
			of_node_put(larbnode);
			continue;
		}

		ret = of_property_read_u32(larbnode, "foo,larb-id", &id);
		if (ret)/* The id is consecutive if there is no this property */
			id = i;
		if (id >= FOO_LARB_NR_MAX) {
			of_node_put(larbnode);
			ret = -EINVAL;
			goto err_larbdev_put;
		}

		plarbdev = of_find_device_by_node(larbnode);
		of_node_put(larbnode);
		if (!plarbdev) {
			ret = -ENODEV;
			goto err_larbdev_put;
		}
		if (data->larb_imu[id].dev) {
			platform_device_put(plarbdev);
			ret = -EEXIST;
			goto err_larbdev_put;
		}
		data->larb_imu[id].dev = &plarbdev->dev;

		if (!plarbdev->dev.driver) {
			ret = -EPROBE_DEFER;
			goto err_larbdev_put;
		}

		/* Get smi-(sub)-common dev from the last larb. */
		smi_subcomm_node = of_parse_phandle(larbnode, "foo,smi", 0);
		if (!smi_subcomm_node) {
			ret = -EINVAL;
			goto err_larbdev_put;
		}

		/*
		 * It may have two level smi-common. the node is smi-sub-common if it
		 * has a new foo,smi property. otherwise it is smi-commmon.
		 */
		smicomm_node = of_parse_phandle(smi_subcomm_node, "foo,smi", 0);
		if (smicomm_node)
			of_node_put(smi_subcomm_node);
		else
			smicomm_node = smi_subcomm_node;

		/*
		 * All the larbs that connect to one IOMMU must connect with the same
		 * smi-common.
		 */
		if (!frst_avail_smicomm_node) {
			frst_avail_smicomm_node = smicomm_node;
		} else if (frst_avail_smicomm_node != smicomm_node) {
			dev_err(dev, "foo,smi property is not right @larb%d.", id);
			of_node_put(smicomm_node);
			ret = -EINVAL;
			goto err_larbdev_put;
		} else {
			of_node_put(smicomm_node);
		}

		component_match_add(dev, match, component_compare_dev, &plarbdev->dev);
	}

	if (!frst_avail_smicomm_node) {
		ret = -EINVAL;
		goto err_larbdev_put;
	}

	pcommdev = of_find_device_by_node(frst_avail_smicomm_node);
	of_node_put(frst_avail_smicomm_node);
	if (!pcommdev) {
		ret = -ENODEV;
		goto err_larbdev_put;
	}
	data->smicomm_dev = &pcommdev->dev;

	link = device_link_add(data->smicomm_dev, dev,
			       DL_FLAG_STATELESS | DL_FLAG_PM_RUNTIME);
	platform_device_put(pcommdev);
	if (!link) {
		dev_err(dev, "Unable to link %s.\\n", dev_name(data->smicomm_dev));
		ret = -EINVAL;
		goto err_larbdev_put;
	}
	return 0;

err_larbdev_put:
	for (i = FOO_LARB_NR_MAX - 1; i >= 0; i--) {
		if (!data->larb_imu[i].dev)
			continue;
		put_device(data->larb_imu[i].dev);
	}
	return ret;
}
`;

// goldfish_battery.c: a registration stored in a field, undone on one error path only.
const storedUndoneOnOnePath = `static int foo_battery_probe(struct platform_device *pdev)
{
	struct foo_battery_data *data = platform_get_drvdata(pdev);
	int ret;

	data->ac = power_supply_register(&pdev->dev, &foo_ac_desc, NULL);
	if (IS_ERR(data->ac))
		return PTR_ERR(data->ac);
	data->battery = power_supply_register(&pdev->dev, &foo_battery_desc, NULL);
	if (IS_ERR(data->battery)) {
		power_supply_unregister(data->ac);
		return PTR_ERR(data->battery);
	}
	ret = devm_request_irq(&pdev->dev, data->irq, foo_battery_interrupt, IRQF_SHARED, pdev->name, data);
	if (ret)
		return ret; /* expect: ref-leak "data->ac" */
	return 0;
}
`;

ruleTester(refLeak, {
  valid: [
    { name: 'devices stored in an array that the unwind ladder puts in a loop (mtk_iommu)', path: 'drivers/iommu/foo_iommu.c', code: storedInArrayPutByLoop },
    { name: 'clocks kept on success; the ladder below the return is the failure path even when it returns 0 (mt6797)', path: 'sound/soc/foo/foo-afe-clk.c', code: ladderReturnsZero },
    {
      name: 'probe keeps its clock enabled on success, a goto ladder disables it on every error path',
      path: 'drivers/i2c/busses/i2c-foo.c',
      code: `static int foo_i2c_probe(struct platform_device *pdev)
{
	struct foo_i2c *i2c;
	int ret;

	i2c = devm_kzalloc(&pdev->dev, sizeof(*i2c), GFP_KERNEL);
	if (!i2c)
		return -ENOMEM;
	i2c->clk = devm_clk_get(&pdev->dev, NULL);
	if (IS_ERR(i2c->clk))
		return PTR_ERR(i2c->clk);
	ret = clk_prepare_enable(i2c->clk);
	if (ret)
		return ret;
	ret = foo_i2c_init_hw(i2c);
	if (ret)
		goto err_clk;
	ret = i2c_add_adapter(&i2c->adap);
	if (ret)
		goto err_clk;
	platform_set_drvdata(pdev, i2c);
	return 0;

err_clk:
	clk_disable_unprepare(i2c->clk);
	return ret;
}

static void foo_i2c_remove(struct platform_device *pdev)
{
	struct foo_i2c *i2c = platform_get_drvdata(pdev);

	i2c_del_adapter(&i2c->adap);
	clk_disable_unprepare(i2c->clk);
}
`,
    },
    {
      name: 'devm_clk_get_enabled(): devres disables the clock, nothing to release',
      path: 'drivers/pwm/pwm-foo.c',
      code: `static int foo_pwm_probe(struct platform_device *pdev)
{
	struct foo_pwm *fp;
	struct clk *clk;
	int ret;

	fp = devm_kzalloc(&pdev->dev, sizeof(*fp), GFP_KERNEL);
	if (!fp)
		return -ENOMEM;
	clk = devm_clk_get_enabled(&pdev->dev, NULL);
	if (IS_ERR(clk))
		return dev_err_probe(&pdev->dev, PTR_ERR(clk), "failed to get clock\\n");
	fp->rate = clk_get_rate(clk);
	if (!fp->rate)
		return -EINVAL;
	ret = devm_pwmchip_add(&pdev->dev, &fp->chip);
	if (ret)
		return ret;
	return 0;
}
`,
    },
    {
      name: 'devm_add_action_or_reset() takes over the disable after clk_prepare_enable()',
      path: 'drivers/watchdog/foo_wdt.c',
      code: `static void foo_wdt_clk_disable(void *data)
{
	clk_disable_unprepare(data);
}

static int foo_wdt_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct foo_wdt *wdt;
	int ret;

	wdt = devm_kzalloc(dev, sizeof(*wdt), GFP_KERNEL);
	if (!wdt)
		return -ENOMEM;
	wdt->clk = devm_clk_get(dev, NULL);
	if (IS_ERR(wdt->clk))
		return PTR_ERR(wdt->clk);
	ret = clk_prepare_enable(wdt->clk);
	if (ret)
		return ret;
	if (readl(wdt->base + FOO_WDT_ID) != FOO_WDT_MAGIC) {
		clk_disable_unprepare(wdt->clk);
		return -ENODEV;
	}
	ret = devm_add_action_or_reset(dev, foo_wdt_clk_disable, wdt->clk);
	if (ret)
		return ret;
	ret = devm_watchdog_register_device(dev, &wdt->wdd);
	if (ret)
		return ret;
	return 0;
}
`,
    },
    {
      name: 'pm_runtime_resume_and_get(): nothing to drop when it fails, put on the way out',
      path: 'drivers/iio/adc/foo-adc.c',
      code: `static int foo_adc_read(struct foo_adc *adc, int *val)
{
	struct device *dev = adc->dev;
	int ret;

	ret = pm_runtime_resume_and_get(dev);
	if (ret < 0)
		return ret;
	ret = foo_adc_convert(adc, val);
	if (ret) {
		pm_runtime_put(dev);
		return ret;
	}
	pm_runtime_put(dev);
	return IIO_VAL_INT;
}
`,
    },
    {
      name: 'pm_runtime_get_sync() failure dropped with pm_runtime_put_noidle() before returning',
      path: 'drivers/gpu/drm/foo/foo_dsi.c',
      code: `static int foo_dsi_transfer(struct foo_dsi *dsi, const struct mipi_dsi_msg *msg)
{
	int ret;

	ret = pm_runtime_get_sync(dsi->dev);
	if (ret < 0) {
		pm_runtime_put_noidle(dsi->dev);
		return ret;
	}
	ret = foo_dsi_send(dsi, msg);
	pm_runtime_put(dsi->dev);
	return ret;
}
`,
    },
    {
      name: 'pm_runtime_get_sync() failure goes to the put at err_put',
      path: 'drivers/media/platform/foo/foo-vpu.c',
      code: `static int foo_vpu_start_streaming(struct foo_vpu *vpu)
{
	int ret;

	ret = pm_runtime_get_sync(vpu->dev);
	if (ret < 0)
		goto err_put;
	ret = foo_vpu_hw_start(vpu);
	if (ret)
		goto err_put;
	return 0;

err_put:
	pm_runtime_put_sync(vpu->dev);
	return ret;
}
`,
    },
    {
      name: 'a runtime PM resume callback enables the clock and returns 0, its suspend disables it',
      path: 'drivers/spi/spi-foo.c',
      code: `static int foo_spi_runtime_resume(struct device *dev)
{
	struct foo_spi *fs = dev_get_drvdata(dev);
	int ret;

	ret = clk_prepare_enable(fs->pclk);
	if (ret)
		return ret;
	ret = clk_prepare_enable(fs->sclk);
	if (ret) {
		clk_disable_unprepare(fs->pclk);
		return ret;
	}
	return 0;
}

static int foo_spi_runtime_suspend(struct device *dev)
{
	struct foo_spi *fs = dev_get_drvdata(dev);

	clk_disable_unprepare(fs->sclk);
	clk_disable_unprepare(fs->pclk);
	return 0;
}
`,
    },
    {
      name: 'regulator_bulk_enable() followed by a ladder through regulator_bulk_disable()',
      path: 'drivers/media/i2c/foo-sensor.c',
      code: `static int foo_sensor_power_up(struct foo_sensor *sensor)
{
	int ret;

	ret = regulator_bulk_enable(ARRAY_SIZE(sensor->supplies), sensor->supplies);
	if (ret) {
		dev_err(sensor->dev, "failed to enable regulators: %d\\n", ret);
		return ret;
	}
	ret = clk_prepare_enable(sensor->xclk);
	if (ret)
		goto err_regulators;
	gpiod_set_value_cansleep(sensor->reset_gpio, 0);
	ret = foo_sensor_identify(sensor);
	if (ret)
		goto err_clk;
	return 0;

err_clk:
	clk_disable_unprepare(sensor->xclk);
err_regulators:
	regulator_bulk_disable(ARRAY_SIZE(sensor->supplies), sensor->supplies);
	return ret;
}
`,
    },
    {
      name: 'probe keeps its runtime PM usage count until the end, dropped on every error path',
      path: 'drivers/dma/foo-dma.c',
      code: `static int foo_dma_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct foo_dma *fd;
	int ret;

	fd = devm_kzalloc(dev, sizeof(*fd), GFP_KERNEL);
	if (!fd)
		return -ENOMEM;
	pm_runtime_get_noresume(dev);
	pm_runtime_set_active(dev);
	pm_runtime_enable(dev);
	ret = foo_dma_hw_init(fd);
	if (ret)
		goto err_pm;
	ret = dma_async_device_register(&fd->ddev);
	if (ret)
		goto err_pm;
	pm_runtime_put(dev);
	return 0;

err_pm:
	pm_runtime_disable(dev);
	pm_runtime_put_noidle(dev);
	return ret;
}
`,
    },
    {
      name: 'a devm action given the driver state disables the regulator it keeps',
      path: 'drivers/iio/adc/foo-adc.c',
      code: `static void foo_adc_reg_disable(void *data)
{
	struct foo_adc *st = data;

	regulator_disable(st->vref);
}

static int foo_adc_probe(struct spi_device *spi)
{
	struct foo_adc *st = spi_get_drvdata(spi);
	int ret;

	ret = regulator_enable(st->vref);
	if (ret)
		return ret;
	ret = regulator_get_voltage(st->vref);
	if (ret < 0) {
		regulator_disable(st->vref);
		return ret;
	}
	st->vref_mv = ret / 1000;
	ret = devm_add_action_or_reset(&spi->dev, foo_adc_reg_disable, st);
	if (ret)
		return ret;
	ret = foo_adc_setup(st);
	if (ret)
		return ret;
	return devm_iio_device_register(&spi->dev, st->indio_dev);
}
`,
    },
    {
      name: 'one error path disables the clock directly, a later one through a helper given the driver state',
      path: 'drivers/net/ethernet/foo/foo_main.c',
      code: `static int foo_eth_probe(struct platform_device *pdev)
{
	struct foo_eth *priv = platform_get_drvdata(pdev);
	int ret;

	ret = clk_prepare_enable(priv->clk);
	if (ret)
		return ret;
	ret = foo_eth_reset(priv);
	if (ret) {
		clk_disable_unprepare(priv->clk);
		return ret;
	}
	ret = foo_eth_register(priv);
	if (ret) {
		foo_eth_disable_clocks(priv);
		return ret;
	}
	return 0;
}
`,
    },
    {
      name: 'a state switch: the clock is enabled when the output was off and disabled again when it is asked off, both through one return',
      path: 'drivers/pwm/pwm-foo.c',
      code: `static int foo_pwm_apply(struct pwm_chip *chip, struct pwm_device *pwm, const struct pwm_state *state)
{
	struct foo_pwm *fp = to_foo_pwm(chip);
	int ret;

	if (!pwm->state.enabled) {
		ret = clk_prepare_enable(fp->clk);
		if (ret)
			return ret;
	}
	writel(state->duty_cycle, fp->base + FOO_PWM_DUTY);
	if (!state->enabled)
		clk_disable_unprepare(fp->clk);
	return 0;
}
`,
    },
    {
      name: 'probe keeps the clock on only when the hardware is already running, then returns the registration result',
      path: 'drivers/pwm/pwm-bar.c',
      code: `static int bar_pwm_probe(struct platform_device *pdev)
{
	struct pwm_chip *chip;
	struct bar_pwm *bp;
	u32 ctrl;
	int ret;

	chip = devm_pwmchip_alloc(&pdev->dev, 1, sizeof(*bp));
	if (IS_ERR(chip))
		return PTR_ERR(chip);
	bp = to_bar_pwm(chip);
	ret = devm_clk_bulk_get(&pdev->dev, bp->num_clks, bp->clks);
	if (ret)
		return dev_err_probe(&pdev->dev, ret, "getting clocks failed\\n");
	ret = clk_bulk_prepare_enable(bp->num_clks, bp->clks);
	if (ret)
		return ret;
	/* leave the clocks on while the PWM is running */
	ctrl = readl(bp->base + BAR_PWM_CTRL);
	if (!(ctrl & BAR_PWM_EN))
		clk_bulk_disable_unprepare(bp->num_clks, bp->clks);
	return devm_pwmchip_add(&pdev->dev, chip);
}
`,
    },
    {
      name: 'probe keeps its runtime PM usage count while the watchdog is already running, drops it otherwise',
      path: 'drivers/watchdog/foo_wdt.c',
      code: `static int foo_wdt_probe(struct platform_device *pdev)
{
	struct foo_wdt *wdt = platform_get_drvdata(pdev);
	int ret;

	ret = pm_runtime_resume_and_get(&pdev->dev);
	if (ret < 0)
		return ret;
	ret = watchdog_register_device(&wdt->wdd);
	if (ret)
		goto err_put;
	if (!watchdog_hw_running(&wdt->wdd))
		pm_runtime_put_sync(&pdev->dev);
	return 0;

err_put:
	pm_runtime_put_sync(&pdev->dev);
	return ret;
}
`,
    },
  ],
  invalid: [
    { name: 'a registration stored in a field and undone on one error path only (goldfish_battery)', path: 'drivers/power/supply/foo_battery.c', code: storedUndoneOnOnePath },
    { name: 'a goto past the disable the ladder needs, in a ladder that returns 0', path: 'sound/soc/foo/foo-afe-clk.c', code: ladderSkipsDisable },
    {
      name: 'pm_runtime_get_sync() failure branch returns with the usage count held',
      path: 'drivers/mfd/foo-core.c',
      code: getSyncFailureReturns,
    },
    {
      name: 'pm_runtime_get_sync() failure branch jumps past the put to the shared return',
      path: 'drivers/hwmon/foo-hwmon.c',
      code: getSyncFailureGotoOut,
    },
    {
      name: 'an error after a successful pm_runtime_get_sync() returns without a put',
      path: 'drivers/iio/adc/foo-adc.c',
      code: getSyncLaterErrorReturns,
    },
    {
      name: 'a return after clk_prepare_enable() skips the err_disable_clk ladder',
      path: 'drivers/spi/spi-foo.c',
      code: clkLadderSkipped,
    },
    {
      name: 'regulator_enable() then an early error return while another path disables it',
      path: 'drivers/media/i2c/foo-sensor.c',
      code: regulatorEarlyReturn,
    },
    {
      name: 'a goto past the put of a pm_runtime_resume_and_get() ladder (pm_runtime_disable() does not drop the count)',
      path: 'sound/soc/codecs/foo-codec.c',
      code: pmLadderSkipped,
    },
    {
      name: 'pm_runtime_get_sync() tested in the if itself, its failure returns with the count held',
      path: 'drivers/hwmon/foo-status.c',
      code: getSyncTestedInCondition,
    },
    {
      name: 'pm_runtime_get_sync() failure and a later error share a return that skips the put',
      path: 'drivers/misc/bar.c',
      code: getSyncSharedOut,
    },
    {
      name: 'an early success return skips the clk_disable() the other success path reaches (not a state switch: another exit)',
      path: 'drivers/leds/leds-foo.c',
      code: clkEarlySuccessReturn,
    },
    {
      name: 'either branch takes the same usage count and one return skips the put: reported once',
      path: 'drivers/gpu/drm/foo/foo_connector.c',
      code: eitherBranchTakesCount,
    },
  ],
});

// sound/pci/hda/hda_tegra.c hda_tegra_runtime_resume(): a bulk enable left on an error return;
// the release to suggest takes the count too: clk_bulk_disable_unprepare(hda->nclocks, hda->clocks).
ruleTester(refLeak, {
  valid: [],
  invalid: [
    {
      name: 'a bulk clock enable left on an error return names the count in its release',
      path: 'sound/pci/hda/foo_tegra.c',
      code: `static int foo_runtime_resume(struct device *dev)
{
	struct foo_hda *hda = dev_get_drvdata(dev);
	int rc;

	rc = clk_bulk_prepare_enable(hda->nclocks, hda->clocks);
	if (rc != 0)
		return rc;
	rc = foo_init(hda);
	if (rc)
		return rc; /* expect: ref-leak "clk_bulk_disable_unprepare(hda->nclocks, hda->clocks)" */
	return 0;
}

static int foo_runtime_suspend(struct device *dev)
{
	struct foo_hda *hda = dev_get_drvdata(dev);

	clk_bulk_disable_unprepare(hda->nclocks, hda->clocks);
	return 0;
}
`,
    },
  ],
});
