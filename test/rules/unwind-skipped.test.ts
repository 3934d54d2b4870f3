import { unwindSkipped } from '../../src/rules/unwind-skipped.js';
import { ruleTester } from '../helpers/rule-tester.js';

const hunk = (heading: string, body: string): string => `diff --git a/drivers/i2c/busses/i2c-foo.c b/drivers/i2c/busses/i2c-foo.c
index 1111111..2222222 100644
--- a/drivers/i2c/busses/i2c-foo.c
+++ b/drivers/i2c/busses/i2c-foo.c
@@ -489,6 +489,${body.split('\n').length - 1} @@ ${heading}
${body}`;

ruleTester(unwindSkipped, {
  valid: [
    {
      name: 'the new goto takes the label the exit below takes',
      diff: hunk('static int foo_probe(struct platform_device *pdev)', ` 	foo_writel(priv, FOO_CTRL, 0);
 
+	if (foo_readl(priv, FOO_STATUS) & FOO_BUSY) {
+		dev_err(&pdev->dev, "controller busy after reset\\n");
+		ret = -EBUSY;
+		goto err_free_irq;
+	}
+
 	ret = i2c_add_adapter(adap);
 	if (ret)
 		goto err_free_irq;
`),
    },
    {
      name: 'a new goto may unwind more than the step above it did: only the exit below is compared',
      diff: hunk('static int foo_probe(struct platform_device *pdev)', ` 		goto free_reset;
 	}
 
+	err = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(36));
+	if (err)
+		goto free_irq;
+
 	err = foo_register(priv);
`),
    },
    {
      name: 'a direct return before the first acquire: the exit below guards a step that takes its own lock',
      diff: hunk('static int foo_set_wol(struct phy_device *dev)', ` 	int oldpage;
 
+	if (!device_can_wakeup(&dev->mdio.dev))
+		return -EOPNOTSUPP;
+
 	oldpage = phy_save_page(dev);
 	if (oldpage < 0)
 		goto err;
`),
    },
    {
      name: 'the new return releases what the path below releases',
      diff: hunk('static int foo_parse(struct foo *foo)', ` 		of_property_read_u32(np, "foo,port", &foo->port);
 
+		if (foo->port > 1) {
+			of_node_put(np);
+			return -EINVAL;
+		}
+
 		of_node_put(np);
 	}
`),
    },
  ],
  invalid: [
    {
      name: 'a direct return after an exit that goes to an unwind label',
      diff: hunk('static int foo_run(struct foo_ctx *ctx)', ` 		ret = -EINVAL;
 		goto done_run;
 	}
 
+	if (ctx->fill > FOO_BUF_SZ) {
+		dev_err(ctx->dev, "request too large\\n");
+		return -EINVAL; /* expect: unwind-skipped "done_run" */
+	}
+
 	desc->control0 = FOO_CONTROL0_ENABLE;
`),
    },
    {
      name: 'a new goto to another label than the exit below',
      diff: hunk('static int foo_probe(struct platform_device *pdev)', ` 	foo_writel(priv, FOO_CTRL, 0);
 
+	if (foo_readl(priv, FOO_STATUS) & FOO_BUSY) {
+		ret = -EBUSY;
+		goto err_disable_clk; /* expect: unwind-skipped "err_free_irq" */
+	}
+
 	ret = i2c_add_adapter(adap);
 	if (ret)
 		goto err_free_irq;
`),
    },
    {
      name: 'a return that leaves before the unlock just below',
      diff: hunk('static struct foo_desc *foo_prep(struct dma_chan *chan)', ` 		nunits = chan->nunits;
 	}
 
+	if (chan->width == 0) {
+		dev_err(chan->dev, "channel not configured\\n");
+		return NULL; /* expect: unwind-skipped "spin_unlock_irqrestore" */
+	}
+
 	spin_unlock_irqrestore(&chan->lock, flags);
 
 	if (nunits == 0)
`),
    },
  ],
});
