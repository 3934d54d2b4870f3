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
    {
      name: 'the exit below releases what the step this return guards took: the return is that step failing',
      diff: hunk('static int foo_open(struct inode *inode, struct file *file)', ` 	struct foo *n;
 
+	n = kvmalloc(sizeof(*n), GFP_KERNEL);
+	if (!n)
+		return -ENOMEM;
 	n->vqs = kmalloc_array(FOO_VQ_MAX, sizeof(*n->vqs), GFP_KERNEL);
 	if (!n->vqs) {
 		kvfree(n);
`),
    },
    {
      name: 'an if cut by the hunk that releases, but is no step\'s error path (it tests no result)',
      diff: hunk('static irqreturn_t foo_isr(int irq, void *dev_id)', ` 	u32 val;
 
 	val = foo_readl(priv, FOO_INTR_STAT);
+	if (!val)
+		return IRQ_NONE;
+
 	if (val & FOO_INTR_RESET) {
 		foo_disable_interrupt(priv);
`),
    },
    {
      name: 'a lock taken in view, released before the new return',
      diff: hunk('static int foo_set_mode(struct foo *foo, int mode)', ` 	mutex_lock(&foo->lock);
 	foo->mode = mode;
 	mutex_unlock(&foo->lock);
+	if (mode == FOO_MODE_OFF)
+		return 0;
 	foo_apply(foo);
`),
    },
    {
      name: 'a lock taken in a block the return does not stand in',
      diff: hunk('static int foo_set_mode(struct foo *foo, int mode)', ` 	if (foo->shared) {
 		spin_lock(&foo->lock);
 		foo->mode = mode;
 	}
+	if (mode == FOO_MODE_OFF)
+		return -EINVAL;
 	foo_apply(foo);
`),
    },
    {
      name: 'a lock helper returns holding the lock it takes',
      diff: hunk('static int foo_lock_queue(struct foo *foo)', ` 	spin_lock(&foo->queue_lock);
 	foo->busy = true;
+	if (foo->dead)
+		return -ENODEV;
 	return 0;
`),
    },
    {
      name: 'a return before a step that takes a runtime PM count even when it fails: its label undoes that step',
      diff: hunk('static int foo_suspend(struct device *dev)', ` 	struct foo *foo = dev_get_drvdata(dev);
 
+	if (!foo->running)
+		return 0;
+	if (foo->broken)
+		return -EIO;
 	ret = pm_runtime_get_sync(foo->parent);
 	if (ret < 0)
 		goto err_put_parent;
`),
    },
    {
      name: 'a return before a step whose label turns a feature off rather than releasing something',
      diff: hunk('int foo_ice_init(struct foo_host *host)', ` 	res = platform_get_resource_byname(pdev, IORESOURCE_MEM, "ice");
 	if (!res)
 		return 0;
+	host->mmio = devm_ioremap_resource(dev, res);
+	if (IS_ERR(host->mmio))
+		return PTR_ERR(host->mmio);
+
 	if (!foo_ice_supported(host))
 		goto disable;
`),
    },
    {
      name: 'a goto right after a goto unlock, to a label that releases more: the step between took something',
      diff: hunk('static int foo_xfer(struct foo *foo)', ` 		goto unlock;
 	}
 
+	buf = kmalloc(len, GFP_KERNEL);
+	if (!buf)
+		goto unlock;
+	if (foo_check(foo, buf))
+		goto free_buf;
+
 	memcpy(buf, foo->data, len);
`),
    },
    {
      name: 'a goto after a goto to a release label, when the new test is itself a step (a call in its condition)',
      diff: hunk('int foo_sendmsg(struct sock *sk, struct msghdr *msg, size_t len)', ` 	lock_sock(sk);
 	if (skb == NULL)
 		goto out_release;
+
+	if (foo_queue_full(sk)) {
+		rc = -EAGAIN;
+		goto out_discard;
+	}
 
 	if (sk->sk_state == FOO_CLOSED) {
`),
    },
    {
      name: 'a hunk below an unwind label is read as part of the ladder, not judged',
      diff: `diff --git a/drivers/net/usb/foo.c b/drivers/net/usb/foo.c
index 1111111..2222222 100644
--- a/drivers/net/usb/foo.c
+++ b/drivers/net/usb/foo.c
@@ -1030,6 +1030,8 @@ err_fw:
 	return 0;
 
 err_intfdata:
+	if (!foo->tx_urb)
+		goto err_only_tx;
 	usb_free_urb(foo->irq_urb);
 err_all:
 	usb_free_urb(foo->rx_urb);
`,
    },
    {
      name: 'a return that tests what the label below frees: there is nothing to free yet',
      diff: hunk('static void foo_reg_in_cb(struct urb *urb)', ` 	struct sk_buff *skb = rx_buf->skb;
 	int ret;
 
+	if (!skb)
+		return;
+
 	if (!hif_dev)
 		goto free_skb;
 
`),
    },
    {
      name: 'a label named for the step that failed (nla_put_failure) says nothing of what it releases',
      diff: hunk('static int foo_dump_info(struct foo_map *map, struct sk_buff *skb)', ` 	void *hdr;
 
 	hdr = genlmsg_put(skb, portid, seq, &foo_nl_family, flags, cmd);
+	if (!hdr)
+		return -ENOMEM;
+
 	if (foo_fill_info(map, skb) < 0)
 		goto nla_put_failure;
`),
    },
    {
      name: 'a return that is the failure of a step that adds something: the label below may undo that step',
      diff: hunk('static int foo_i2c_probe(struct i2c_client *client)', ` 		if (!st->muxc)
 			return -ENOMEM;
 		st->muxc->priv = dev_get_drvdata(&client->dev);
+		result = i2c_mux_add_adapter(st->muxc, 0, 0, 0);
+		if (result)
+			return result;
 		result = foo_create_mux_client(client);
 		if (result)
 			goto out_del_mux;
`),
    },
    {
      name: 'the exit below is taken when its call succeeds (== 0): not an error path to compare with',
      diff: hunk('static int foo_lock(struct foo_rqst *req, struct file_lock *fl)', ` 	 * and exit
 	 */
 	if (resp->status == foo_lck_blocked) {
+		if (!req->a_args.block)
+			goto out_unlock;
 		if (foo_cancel(host, req->a_args.block, fl) == 0)
 			goto out_unblock;
 	}
`),
    },
    {
      name: 'a function that trades one lock for another hands them on by its own rules',
      diff: hunk('static void *foo_iter_advance(struct foo_iter *it, struct foo_entry *c)', ` 	rcu_read_unlock();
 	it->cache = &foo_unres_queue;
 
 	spin_lock_bh(it->lock);
+	if (!list_empty(it->cache))
+		return list_first_entry(it->cache, struct foo_entry, list);
 
 end_of_list:
 	spin_unlock_bh(it->lock);
`),
    },
    {
      name: 'a seq_file iterator returns holding the lock its stop() releases',
      diff: hunk('static void *foo_seq_next(struct seq_file *seq, void *v, loff_t *pos)', ` 	++*pos;
 	spin_lock_bh(&foo_table_lock);
 	entry = foo_next_entry(v);
+	if (entry)
+		return entry;
 	return NULL;
`),
    },
    {
      name: 'a return that hands its caller what the error path below puts',
      diff: hunk('struct dentry *foo_node_dentry(struct foo_node *kn)', ` 		struct dentry *dtmp;
 		struct foo_node *kntmp;
 
+		if (kn == knparent)
+			return dentry;
 		kntmp = foo_next_ancestor(kn, knparent);
 		if (WARN_ON(!kntmp)) {
 			dput(dentry);
`),
    },
    {
      name: 'a goto right after a goto unlock, to a label with a name of its own: it may fall into the unlock',
      diff: hunk('void foo_send_rc_ack(struct foo_qp *qp)', ` 	spin_lock_irqsave(&qp->s_lock, flags);
 
 	if (!(foo_state_ops[qp->state] & FOO_PROCESS_RECV_OK))
 		goto unlock;
+
+	if ((qp->s_flags & FOO_S_RESP_PENDING) || qp->s_rdma_ack_cnt)
+		goto queue_ack;
 
 	ohdr = &hdr.u.oth;
`),
    },
    {
      name: 'a count kept on a success return: taken in prepare(), dropped in complete()',
      diff: hunk('static int foo_device_prepare(struct device *dev, pm_message_t state)', ` 	 * it again during the complete phase.
 	 */
 	pm_runtime_get_noresume(dev);
+
+	if (dev->power.syscore)
+		return 0;
 
 	device_lock(dev);
`),
    },
    {
      name: 'a count taken in view, then an error return: ref-leak walks the hunk and says so, this rule does not say it twice',
      diff: `diff --git a/drivers/pwm/pwm-foo.c b/drivers/pwm/pwm-foo.c
index 1111111..2222222 100644
--- a/drivers/pwm/pwm-foo.c
+++ b/drivers/pwm/pwm-foo.c
@@ -210,6 +210,7 @@ static int foo_get_state(struct pwm_chip *chip, struct pwm_device *pwm,
 	u64 freq;
 	u32 ctrl;
 
+	/* the registers are only valid with the device awake */
 	if (!foo->info)
 		return -ENODEV;
 
@@ -225,6 +226,8 @@ static int foo_get_state(struct pwm_chip *chip, struct pwm_device *pwm,
 	freq = foo->info->clk_rate;
 
 	pm_runtime_get_sync(chip->dev);
+	if (!foo->regs)
+		return -ENODEV;
 	ctrl = foo_readl(foo, FOO_CTRL);
 
 	base_unit = ctrl & FOO_BASE_UNIT_MASK;
`,
    },
  ],
  invalid: [
    {
      name: 'a return before a step whose error branch, cut by the hunk, disables the clock',
      diff: hunk('static int foo_probe(struct platform_device *pdev)', ` 
 	platform_set_drvdata(pdev, idev);
 
+	if (idev->fifo_size < 4) {
+		dev_err(&pdev->dev, "FIFO size %u is too small\\n", idev->fifo_size);
+		return -EINVAL; /* expect: unwind-skipped "clk_disable_unprepare(idev->i2c_clk)" */
+	}
+
 	ret = i2c_add_adapter(&idev->adapter);
 	if (ret) {
 		clk_disable_unprepare(idev->i2c_clk);
`),
    },
    {
      name: 'a return 0 two lines below a lock the hunk shows being taken',
      diff: hunk('static int foo_ioctl_readdir(struct inode *inode, struct file *file)', ` 	buf.result = 0;
 	inode_lock_shared(inode);
 	buf.ctx.pos = file->f_pos;
+	if (buf.ctx.pos >= i_size_read(inode))
+		return 0; /* expect: unwind-skipped "inode_unlock_shared()" */
 	ret = -ENOENT;
 	if (!IS_DEADDIR(inode)) {
`),
    },
    {
      name: 'a direct return right before a step whose error path goes to a label named for a release',
      diff: hunk('static int foo_probe(struct i2c_client *client)', ` 	indio_dev->channels = st->chip_config->channel;
 	indio_dev->num_channels = chip_info->num_channels;
 
+	ret = foo_read_config(st);
+	if (ret < 0)
+		return ret; /* expect: unwind-skipped "error_disable_vref" */
+
 	ret = foo_update_config(st, st->chip_config->default_config);
 	if (ret)
 		goto error_disable_vref;
`),
    },
    {
      name: 'a goto right after a goto unlock, with nothing between them, to a label that says nothing of unlocking',
      diff: `diff --git a/sound/usb/mixer_foo.c b/sound/usb/mixer_foo.c
index 1111111..2222222 100644
--- a/sound/usb/mixer_foo.c
+++ b/sound/usb/mixer_foo.c
@@ -1362,6 +1362,11 @@ retry:
 		goto unlock;
 	}
 
+	if (!resp_data || !resp_size) {
+		err = 0;
+		goto error; /* expect: unwind-skipped "goes to unlock" */
+	}
+
 	if (resp_data && resp_size > 0)
 		memcpy(resp_data, resp->data, resp_size);
 
`,
    },
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
