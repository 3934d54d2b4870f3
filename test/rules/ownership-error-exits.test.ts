/**
 * Error exits that must still be reported next to the idioms the ownership model accepts:
 * a drvdata setter does not take a clock's enable count, and a lock helper or a semaphore a
 * callback ups must still be let go on the helper's own error exits.
 */
import { lockImbalance } from '../../src/rules/lock-imbalance.js';
import { refLeak } from '../../src/rules/ref-leak.js';
import { ruleTester } from '../helpers/rule-tester.js';

// The shape of new-exit cases in probes: the clock is enabled into priv->clk, priv goes to
// drvdata, and a check added later returns without disabling it.
const clockThroughDrvdata = `static int foo_i2c_probe(struct platform_device *pdev)
{
	struct foo_i2c *priv;
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
	if (readl(priv->base) != FOO_MAGIC)
		return -ENODEV; /* expect: ref-leak "clk_disable_unprepare(priv->clk)" */
	ret = i2c_add_adapter(&priv->adap);
	if (ret)
		clk_disable_unprepare(priv->clk);
	return ret;
}
`;

// drivers/base/power/clock_ops.c pm_clk_op_lock() returns 0 with the lock held by design; an
// error exit of such a helper must still unlock.
const lockHelperErrorExit = `static int foo_op_lock(struct foo_data *fd, unsigned long *flags)
{
	spin_lock_irqsave(&fd->lock, *flags);
	if (fd->dead)
		return -EPERM; /* expect: lock-imbalance */
	if (!fd->busy)
		return 0;
	spin_unlock_irqrestore(&fd->lock, *flags);
	return -EBUSY;
}
`;

ruleTester(refLeak, {
  valid: [],
  invalid: [{ name: 'a clock enabled into priv, priv given to platform_set_drvdata(), then an error return', path: 'drivers/i2c/busses/i2c-foo.c', code: clockThroughDrvdata }],
});

ruleTester(lockImbalance, {
  valid: [],
  invalid: [{ name: 'a *_lock helper returns an error with its lock still held', path: 'drivers/base/power/foo_ops.c', code: lockHelperErrorExit }],
});
