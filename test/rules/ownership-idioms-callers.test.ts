/**
 * Kernel idioms where what a function leaves held is settled by the code that calls it, judged
 * on the sweeps of Linux 6.1 (bench/precision/), each next to the bug of the same shape that
 * must still be caught.
 */
import { refLeak } from '../../src/rules/ref-leak.js';
import { ruleTester } from '../helpers/rule-tester.js';

// drivers/mmc/host/sdhci-of-arasan.c, drivers/iio/adc/exynos_adc.c: a system-sleep resume that
// undoes nothing where it fails; the next system suspend disables both clocks whatever happened.
const sleepPair = (ops: string, resumeTail = '', suspendBody = '\tclk_disable(priv->clk);\n\tclk_disable(priv->clk_ahb);\n') => `static int foo_suspend(struct device *dev)
{
	struct foo_priv *priv = dev_get_drvdata(dev);
	int ret;

	ret = foo_host_suspend(priv);
	if (ret)
		return ret;
${suspendBody}
	return 0;
}

static int foo_resume(struct device *dev)
{
	struct foo_priv *priv = dev_get_drvdata(dev);
	int ret;

	ret = clk_enable(priv->clk_ahb);
	if (ret)
		return ret;
	ret = clk_enable(priv->clk);
	if (ret)${resumeTail}
		return ret;

	ret = foo_host_resume(priv);
	if (ret)
		return ret;
	return 0;
}

${ops}
`;

const simpleOps = 'static SIMPLE_DEV_PM_OPS(foo_pm_ops, foo_suspend, foo_resume);';
const initializerOps = 'static const struct dev_pm_ops foo_pm_ops = {\n\t.suspend = foo_suspend,\n\t.resume = foo_resume,\n};';
const runtimeOps = 'static const struct dev_pm_ops foo_pm_ops = {\n\tSET_RUNTIME_PM_OPS(foo_suspend, foo_resume, NULL)\n};';
/** Marks where foo_resume() first leaves each clock enabled (one comment per clock names the later returns). */
const expectLeaks = (code: string): string =>
  code
    .replace('\tret = clk_enable(priv->clk);\n\tif (ret)\n\t\treturn ret;', '\tret = clk_enable(priv->clk);\n\tif (ret)\n\t\treturn ret; /* expect: ref-leak "`priv->clk_ahb`" */')
    .replace('\tret = foo_host_resume(priv);\n\tif (ret)\n\t\treturn ret;', '\tret = foo_host_resume(priv);\n\tif (ret)\n\t\treturn ret; /* expect: ref-leak "`priv->clk`" */');

ruleTester(refLeak, {
  valid: [
    { name: 'a system-sleep resume left to the next suspend (SIMPLE_DEV_PM_OPS, sdhci-of-arasan)', path: 'drivers/mmc/host/foo.c', code: sleepPair(simpleOps) },
    { name: 'a system-sleep resume left to the next suspend (.resume in dev_pm_ops, mtk_vpu)', path: 'drivers/media/foo.c', code: sleepPair(initializerOps) },
  ],
  invalid: [
    { name: 'a runtime resume: after its failure runtime_suspend is not called', path: 'drivers/mmc/host/foo.c', code: expectLeaks(sleepPair(runtimeOps)) },
    {
      name: 'a system-sleep resume that unwinds where its second clock fails but not where its host fails (atmel-quadspi)',
      path: 'drivers/spi/foo.c',
      code: sleepPair(simpleOps, ' {\n\t\tclk_disable(priv->clk_ahb);\n\t\treturn ret;\n\t}\n\tif (0)').replace(
        '\tret = foo_host_resume(priv);\n\tif (ret)\n\t\treturn ret;',
        '\tret = foo_host_resume(priv);\n\tif (ret)\n\t\treturn ret; /* expect: ref-leak "`priv->clk_ahb`" */ /* expect: ref-leak "`priv->clk`" */',
      ),
    },
    {
      name: 'a suspend that drops the clocks only under a test does not balance them',
      path: 'drivers/mmc/host/foo.c',
      code: expectLeaks(sleepPair(simpleOps, '', '\tif (priv->on) {\n\t\tclk_disable(priv->clk);\n\t\tclk_disable(priv->clk_ahb);\n\t}\n')),
    },
  ],
});
