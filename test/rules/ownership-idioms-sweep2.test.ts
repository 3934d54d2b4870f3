/**
 * The kernel idioms behind false alarms judged on the ownO/ownP/ownQ and ownR/ownS/ownT sweeps of
 * Linux 6.1 (bench/precision/), each next to the bug of the same shape that must still be caught: a
 * loop cursor the scope puts, a walk that consumes the node it starts from, a global lock a helper
 * lets go, put wrappers named after the object, release callbacks called directly, library calls
 * that return their first argument, a NULL handled before PTR_ERR(), helpers given `&p` that free
 * `*p`, devm actions that put what a field aliases, a reference on a pointer that tests NULL,
 * krealloc() moving a buffer, a field returned, an unlock helper given the lock's object, and a
 * completion reached through two locals.
 */
import { completionMissed } from '../../src/rules/completion-missed.js';
import { errPtrNullCheck } from '../../src/rules/err-ptr-null-check.js';
import { lockImbalance } from '../../src/rules/lock-imbalance.js';
import { memLeak } from '../../src/rules/mem-leak.js';
import { refLeak } from '../../src/rules/ref-leak.js';
import { ruleTester } from '../helpers/rule-tester.js';

// drivers/of/resolver.c of_resolve_phandles(): the loop's cursor is declared __free(device_node),
// so the reference a `break` leaves in it is dropped when the function returns.
const cursorPutByScope = (declaration: string, put: string, marker = '') => `int foo_resolve_phandles(struct device_node *overlay)
{
	${declaration}
	int err;

	for_each_child_of_node(overlay, local_fixups)
		if (of_node_name_eq(local_fixups, "__local_fixups__"))
			break;

	err = foo_adjust_local_phandle_references(local_fixups, overlay);
	if (err)
		return err;${marker}
${put}	return foo_update_usages(overlay);
}
`;

// drivers/of/resolver.c update_usages_of_a_phandle_reference(): __of_find_node_by_full_path()
// puts the node it starts from (and each one it leaves), so the of_node_get() given to it is its.
const walkConsumesStart = (walk: string, marker = '') => `static int foo_update_usages(struct device_node *overlay, const char *node_path)
{
	struct device_node *refnode;

	refnode = ${walk}(of_node_get(overlay), node_path);
	if (!refnode)
		return -ENOENT;${marker}
	foo_apply(refnode);
	of_node_put(refnode);
	return 0;
}
`;

// fs/super.c sget(): grab_super() is __releases(sb_lock) and drops the global lock on every path.
const helperDropsGlobalLock = (head: string, unlock: string, marker = '') => `static DEFINE_SPINLOCK(foo_sb_lock);

static int foo_grab_super(struct foo_sb *s)${head}
{
	s->s_count++;
${unlock}	down_write(&s->s_umount);
	if (atomic_inc_not_zero(&s->s_active)) {
		foo_put_super(s);
		return 1;
	}
	up_write(&s->s_umount);
	foo_put_super(s);
	return 0;
}

void foo_deactivate_locked_super(struct foo_sb *s)
{
	up_write(&s->s_umount);
	foo_put_super(s);
}

struct foo_sb *foo_sget(struct foo_type *type, int (*test)(struct foo_sb *, void *), void *data, struct user_namespace *user_ns)
{
	struct foo_sb *old;

retry:
	spin_lock(&foo_sb_lock);
	list_for_each_entry(old, &type->supers, s_instances) {
		if (!test(old, data))
			continue;
		if (user_ns != old->s_user_ns) {
			spin_unlock(&foo_sb_lock);
			return ERR_PTR(-EBUSY);
		}
		if (!foo_grab_super(old))
			goto retry;
		if (!old->s_root)
			return ERR_PTR(-ENOENT);${marker}
		return old;
	}
	spin_unlock(&foo_sb_lock);
	return NULL;
}
`;

// net/batman-adv/hard-interface.c batadv_hardif_enable_interface(): batadv_hardif_put(hard_iface),
// a header's kref_put() wrapper, names its object with the words run together. The second
// reference goes with the packet type registered; the error path puts the first.
const wrapperNamedForObject = (put: string, marker = '') => `int foo_hardif_enable_interface(struct foo_hard_iface *hard_iface, struct net_device *soft_iface)
{
	int ret;

	kref_get(&hard_iface->refcount);
	dev_hold(soft_iface);
	hard_iface->soft_iface = soft_iface;
	ret = foo_master_upper_dev_link(hard_iface->net_dev, soft_iface);
	if (ret)
		goto err_dev;
	hard_iface->batman_adv_ptype.dev = hard_iface->net_dev;
	kref_get(&hard_iface->refcount);
	dev_add_pack(&hard_iface->batman_adv_ptype);
	ret = foo_orig_hash_add_if(hard_iface);
	if (ret < 0)
		goto err_upper;
	return 0;

err_upper:
	netdev_upper_dev_unlink(hard_iface->net_dev, soft_iface);
err_dev:
	hard_iface->soft_iface = NULL;
	dev_put(soft_iface);
	${put}(hard_iface);
	return ret;${marker}
}
`;

// drivers/usb/misc/uss720.c submit_async_request(): when the URB cannot be submitted, the request's
// release callback is called directly; it frees the request and drops its reference on priv.
const releaseCallbackCalledDirectly = (onFailure: string, marker = '') => `static void foo_destroy_priv(struct kref *kref)
{
	struct foo_private *priv = container_of(kref, struct foo_private, ref_count);

	kfree(priv);
}

static void foo_destroy_async(struct kref *kref)
{
	struct foo_async_request *rq = container_of(kref, struct foo_async_request, ref_count);
	struct foo_private *priv = rq->priv;

	usb_free_urb(rq->urb);
	kfree(rq);
	kref_put(&priv->ref_count, foo_destroy_priv);
}

static struct foo_async_request *foo_submit_async_request(struct foo_private *priv, gfp_t mem_flags)
{
	struct foo_async_request *rq;
	int ret;

	rq = kzalloc(sizeof(*rq), mem_flags);
	if (!rq)
		return NULL;
	kref_init(&rq->ref_count);
	kref_get(&priv->ref_count);
	rq->priv = priv;
	rq->urb = usb_alloc_urb(0, mem_flags);
	if (!rq->urb) {
		kref_put(&rq->ref_count, foo_destroy_async);
		return NULL;
	}
	kref_get(&rq->ref_count);
	ret = usb_submit_urb(rq->urb, mem_flags);
	if (!ret)
		return rq;
${onFailure}	return NULL;${marker}
}
`;

ruleTester(refLeak, {
  valid: [
    {
      name: 'a loop cursor declared __free(device_node) is put by the scope after a break (of_resolve_phandles)',
      path: 'drivers/of/foo_resolver.c',
      code: cursorPutByScope('struct device_node __free(device_node) *local_fixups = NULL;', ''),
    },
    { name: 'a walk that puts the node it starts from takes the of_node_get() given to it (__of_find_node_by_full_path)', path: 'drivers/of/foo_resolver.c', code: walkConsumesStart('__of_find_node_by_full_path') },
    { name: 'a kref_put() wrapper of a header named for the object with its words run together (batadv_hardif_put)', path: 'net/foo/hard-interface.c', code: wrapperNamedForObject('foo_hardif_put') },
    { name: 'a release callback called directly drops what it reaches through the object (uss720 destroy_async)', path: 'drivers/usb/misc/foo.c', code: releaseCallbackCalledDirectly('\tfoo_destroy_async(&rq->ref_count);\n') },
  ],
  invalid: [
    {
      name: 'a loop cursor without __free keeps the reference a break leaves',
      path: 'drivers/of/foo_resolver.c',
      code: cursorPutByScope('struct device_node *local_fixups = NULL;', '\tof_node_put(local_fixups);\n', ' /* expect: ref-leak */'),
    },
    { name: 'a lookup whose result is kept does not take the of_node_get() given to it', path: 'drivers/of/foo_resolver.c', code: walkConsumesStart('foo_find_node_by_path', ' /* expect: ref-leak */') },
    { name: 'a helper named for another object does not put this one', path: 'net/foo/hard-interface.c', code: wrapperNamedForObject('foo_meshif_put').replace('\tif (ret)\n\t\tgoto err_dev;', '\tif (ret)\n\t\tgoto err_dev; /* expect: ref-leak */') },
    { name: 'freeing the request by hand forgets its reference on priv', path: 'drivers/usb/misc/foo.c', code: releaseCallbackCalledDirectly('\tusb_free_urb(rq->urb);\n\tkfree(rq);\n', ' /* expect: ref-leak */') },
  ],
});

ruleTester(lockImbalance, {
  valid: [
    { name: 'a helper annotated __releases() that drops the global lock its caller took (grab_super)', path: 'fs/foo/super.c', code: helperDropsGlobalLock(' __releases(foo_sb_lock)', '\tspin_unlock(&foo_sb_lock);\n') },
    { name: 'a helper that drops the global lock in its body, without the annotation', path: 'fs/foo/super.c', code: helperDropsGlobalLock('', '\tspin_unlock(&foo_sb_lock);\n') },
  ],
  invalid: [
    { name: 'a helper that leaves the global lock alone: the caller returns with it held', path: 'fs/foo/super.c', code: helperDropsGlobalLock('', '', ' /* expect: lock-imbalance */') },
  ],
});

// drivers/gpu/drm/drm_format_helper.c drm_fb_xrgb8888_to_mono(): memcpy() returns its destination.
const copiedIntoItself = (check: string) => `void foo_fb_to_mono(u8 *mono, const void *vaddr, unsigned int lines, size_t len)
{
	u32 *src32;
	unsigned int y;

	src32 = kmalloc(len, GFP_KERNEL);
	if (!src32)
		return;
	for (y = 0; y < lines; y++) {
		src32 = memcpy(src32, vaddr, len);
${check}		foo_to_mono_line(mono, src32, len);
		vaddr += len;
	}
	kfree(src32);
}
`;

// fs/pstore/zone.c psz_init_zones(): psz_free_zones(&zones, &i) frees `*pszones` through a local copy.
const freedThroughPointeeCopy = (free: string, marker = '') => `static void foo_free_zones(struct foo_zone ***pszones, unsigned int *cnt)
{
	struct foo_zone **zones = *pszones;

	if (!zones)
		return;
	while (*cnt > 0) {
		(*cnt)--;
		foo_free_zone(zones[*cnt]);
	}
${free}}

static struct foo_zone **foo_init_zones(unsigned int c, size_t record_size)
{
	struct foo_zone **zones, *zone;
	unsigned int i;

	zones = kcalloc(c, sizeof(*zones), GFP_KERNEL);
	if (!zones)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < c; i++) {
		zone = foo_init_zone(record_size);
		if (IS_ERR(zone)) {
			foo_free_zones(&zones, &i);
			return (void *)zone;${marker}
		}
		zones[i] = zone;
	}
	return zones;
}
`;

// fs/pstore/zone.c psz_kmsg_read(): krealloc() moves the buffer into record->buf when it succeeds.
const movedByKrealloc = (move: string, marker = '') => `static ssize_t foo_kmsg_read(struct foo_zone *zone, struct foo_record *record, size_t size)
{
	size_t hlen;
	char *buf = kasprintf(GFP_KERNEL, "%s: Total %d times\\n", foo_reason_str(record->reason), record->count);

	if (!buf)
		return -ENOMEM;
	hlen = strlen(buf);
	record->buf = ${move}(buf, hlen + size, GFP_KERNEL);
	if (!record->buf) {
		kfree(buf);
		return -ENOMEM;
	}
	size = foo_zone_read_buffer(zone, record->buf + hlen, size);
	if (size < 0) {
		kfree(record->buf);
		return -ENOMSG;${marker}
	}
	return size + hlen;
}
`;

ruleTester(memLeak, {
  valid: [
    { name: 'memcpy() returns the buffer it is given (drm_fb_xrgb8888_to_mono)', path: 'drivers/gpu/drm/foo_format_helper.c', code: copiedIntoItself('') },
    { name: 'a helper given &zones frees what a local copy of *pszones points to (psz_free_zones)', path: 'fs/foo/zone.c', code: freedThroughPointeeCopy('\tkfree(zones);\n') },
    { name: 'krealloc() moves the buffer into the field when it succeeds (psz_kmsg_read)', path: 'fs/foo/zone.c', code: movedByKrealloc('krealloc') },
  ],
  invalid: [
    {
      name: 'the buffer memcpy() returned is left on an early return',
      path: 'drivers/gpu/drm/foo_format_helper.c',
      code: copiedIntoItself('\t\tif (foo_line_blank(src32, len))\n\t\t\treturn; /* expect: mem-leak */\n'),
    },
    { name: 'a helper given &zones that frees only the elements', path: 'fs/foo/zone.c', code: freedThroughPointeeCopy('', ' /* expect: mem-leak */') },
    { name: 'a call that only copies the buffer leaves it the caller\'s', path: 'fs/foo/zone.c', code: movedByKrealloc('foo_kmemdup_grow', ' /* expect: mem-leak */') },
  ],
});

// drivers/spi/spi-qup.c spi_qup_prep_sg(): the NULL case of IS_ERR_OR_NULL() gets its own errno.
const nullHandledBeforePtrErr = (failure: string) => `static int foo_prep_sg(struct foo_qup *qup, struct dma_chan *chan, struct scatterlist *sgl, unsigned int nents)
{
	struct dma_async_tx_descriptor *desc;

	desc = dmaengine_prep_slave_sg(chan, sgl, nents, DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT);
${failure}	desc->callback_param = qup;
	return dma_submit_error(dmaengine_submit(desc));
}
`;

ruleTester(errPtrNullCheck, {
  valid: [
    { name: 'PTR_ERR() only where the pointer is not NULL (spi-qup prep_sg)', path: 'drivers/spi/foo-qup.c', code: nullHandledBeforePtrErr('\tif (IS_ERR_OR_NULL(desc))\n\t\treturn desc ? PTR_ERR(desc) : -EINVAL;\n') },
  ],
  invalid: [
    { name: 'PTR_ERR() of a NULL result returns 0', path: 'drivers/spi/foo-qup.c', code: nullHandledBeforePtrErr('\tif (IS_ERR_OR_NULL(desc)) /* expect: err-ptr-null-check */\n\t\treturn PTR_ERR(desc);\n') },
  ],
});

// drivers/cxl/core/port.c devm_cxl_add_dport(): the action puts dport->dport, which is dport_dev.
const actionPutsAliasedField = (action: string, marker = '') => `static void foo_dport_remove(void *data)
{
	struct foo_dport *dport = data;
	struct foo_port *port = dport->port;

	xa_erase(&port->dports, (unsigned long)dport->dport);
	put_device(dport->dport);
}

static void foo_dport_unlink(void *data)
{
	struct foo_dport *dport = data;
	struct foo_port *port = dport->port;

	xa_erase(&port->dports, (unsigned long)dport->dport);
}

struct foo_dport *foo_add_dport(struct foo_port *port, struct device *dport_dev, struct device *host)
{
	struct foo_dport *dport;
	int rc;

	dport = devm_kzalloc(host, sizeof(*dport), GFP_KERNEL);
	if (!dport)
		return ERR_PTR(-ENOMEM);
	dport->dport = dport_dev;
	dport->port = port;
	rc = foo_add_to_port(port, dport);
	if (rc)
		return ERR_PTR(rc);
	get_device(dport_dev);
	rc = devm_add_action_or_reset(host, ${action}, dport);
	if (rc)
		return ERR_PTR(rc);${marker}
	rc = sysfs_create_link(&port->dev.kobj, &dport_dev->kobj, "dport");
	if (rc)
		return ERR_PTR(rc);
	return dport;
}
`;

// sound/ppc/pmac.c snd_pmac_detect(): of_node_get(chip->node) takes nothing while chip->node is NULL.
const referenceOfTestedPointer = (carrier: string, marker = '') => `static void foo_chip_free(struct foo_chip *chip)
{
	of_node_put(chip->node);
	kfree(chip);
}

static int foo_detect(struct foo_chip *chip)
{
	struct device_node *sound;

	chip->node = of_find_node_by_name(NULL, "awacs");
	sound = of_node_get(${carrier});
	if (!chip->node)
		chip->node = of_find_node_by_name(NULL, "davbus");
	if (!chip->node)
		return -ENODEV;${marker}
	if (!sound)
		sound = of_get_child_by_name(chip->node, "sound");
	if (!sound)
		return -ENODEV;
	chip->model = foo_model_of(sound);
	of_node_put(sound);
	return 0;
}
`;

ruleTester(refLeak, {
  valid: [
    { name: 'a devm action puts the field that aliases the device taken (cxl dport remove)', path: 'drivers/cxl/core/foo_port.c', code: actionPutsAliasedField('foo_dport_remove') },
    { name: 'a reference on a pointer that then tests NULL is none (pmac detect)', path: 'sound/ppc/foo.c', code: referenceOfTestedPointer('chip->node') },
  ],
  invalid: [
    { name: 'a devm action that does not put the device leaves the reference', path: 'drivers/cxl/core/foo_port.c', code: actionPutsAliasedField('foo_dport_unlink', ' /* expect: ref-leak */') },
    { name: 'a reference on another pointer is still held when chip->node tests NULL', path: 'sound/ppc/foo.c', code: referenceOfTestedPointer('chip->parent_node', ' /* expect: ref-leak */') },
  ],
});

// drivers/net/ethernet/broadcom/genet/bcmmii.c bcmgenet_mii_of_find_mdio(): the node kept in the
// field is also returned, and the caller makes it the of_node of the device it registers.
const storedAndReturned = (returned: string, marker = '') => `static struct device_node *foo_mii_of_find_mdio(struct foo_priv *priv)
{
	struct device_node *dn = priv->pdev->dev.of_node;
	char *compat;

	compat = kasprintf(GFP_KERNEL, "brcm,genet-mdio-v%d", priv->version);
	if (!compat)
		return NULL;
	priv->mdio_dn = of_get_compatible_child(dn, compat);${marker}
	kfree(compat);
	if (!priv->mdio_dn) {
		dev_err(&priv->pdev->dev, "unable to find MDIO bus node\\n");
		return NULL;
	}
	return ${returned};
}
`;

ruleTester(refLeak, {
  valid: [{ name: 'a reference kept in a field and returned from it goes to the caller (bcmgenet find_mdio)', path: 'drivers/net/ethernet/foo/foo_mii.c', code: storedAndReturned('priv->mdio_dn') }],
  invalid: [{ name: 'a reference kept in a field never put when the function returns something else', path: 'drivers/net/ethernet/foo/foo_mii.c', code: storedAndReturned('dn', ' /* expect: ref-leak */') }],
});

// drivers/tty/serial/8250/8250_fsl.c fsl8250_handle_irq(): uart_unlock_and_check_sysrq_irqrestore(&up->port, flags)
// drops `up->port.lock`, a lock inside the object it is given.
const unlockHelperGivenObject = (unlock: string, marker = '') => `int foo8250_handle_irq(struct uart_port *port)
{
	unsigned long flags;
	unsigned int iir;
	struct uart_8250_port *up = up_to_u8250p(port);

	spin_lock_irqsave(&up->port.lock, flags);
	iir = port->serial_in(port, UART_IIR);
	if (iir & UART_IIR_NO_INT) {
		spin_unlock_irqrestore(&up->port.lock, flags);
		return 0;
	}
	foo_rx_chars(up);
	${unlock}(&up->port, flags);
	return 1;${marker}
}
`;

ruleTester(lockImbalance, {
  valid: [{ name: 'an unlock helper given the object the lock is in (uart_unlock_and_check_sysrq_irqrestore)', path: 'drivers/tty/serial/foo.c', code: unlockHelperGivenObject('uart_unlock_and_check_sysrq_irqrestore') }],
  invalid: [{ name: 'a helper given the object that only looks at it leaves the lock held', path: 'drivers/tty/serial/foo.c', code: unlockHelperGivenObject('foo_check_sysrq_port', ' /* expect: lock-imbalance */') }],
});

// drivers/net/wireless/marvell/mwifiex/main.c mwifiex_reinit_sw(): _mwifiex_fw_dpc() completes
// fw_done on every path, through `adapter = context; fw_done = adapter->fw_done;`.
const completedByHelper = (helperEnd: string, marker = '') => `static int _foo_fw_dpc(const struct firmware *firmware, void *context)
{
	struct foo_adapter *adapter = context;
	struct completion *fw_done = adapter->fw_done;
	int ret;

	ret = foo_dnld_fw(adapter, firmware);
	if (ret)
		goto err;
	adapter->hw_status = FOO_HW_STATUS_READY;
err:
${helperEnd}	return ret;
}

static void foo_shutdown_sw(struct foo_adapter *adapter)
{
	wait_for_completion(adapter->fw_done);
	reinit_completion(adapter->fw_done);
}

int foo_reinit_sw(struct foo_adapter *adapter)
{
	int ret;

	if (foo_init_hw_fw(adapter, false))
		goto err_init_fw;
	ret = _foo_fw_dpc(adapter->firmware, adapter);
	if (ret)
		return ret;${marker}
	return 0;

err_init_fw:
	complete_all(adapter->fw_done);
	return -EIO;
}
`;

ruleTester(completionMissed, {
  valid: [{ name: 'a helper completes through a local read from a local set from its parameter (mwifiex _fw_dpc)', path: 'drivers/net/wireless/foo/main.c', code: completedByHelper('\tcomplete_all(fw_done);\n') }],
  // A firmware callback is not a thread: where it does not complete, completion-missed says nothing (see its limits).
  invalid: [],
});

// drivers/pnp/card.c card_probe(): the driver's probe, called through the driver's operations,
// links the card when it succeeds; where it fails the link is still the caller's to free.
const givenToOperation = (call: string, failure: string) => `static int foo_card_probe(struct foo_card *card, struct foo_card_driver *drv)
{
	const struct foo_card_device_id *id;
	struct foo_card_link *clink;

	id = foo_match_card(drv, card);
	if (!id)
		return 0;
	clink = kzalloc(sizeof(*clink), GFP_KERNEL);
	if (!clink)
		return 0;
	clink->card = card;
	clink->driver = drv;
	if (${call}(clink, id) >= 0)
		return 1;
${failure}	return 0;
}
`;

// net/rds/rdma.c __rds_rdma_map(): the transport's get_mr() keeps the scatterlist in the MR it
// returns; where it returns an error pointer, the caller frees it.
const keptByReturnedObject = (afterMap: string) => `static int foo_rdma_map(struct foo_sock *rs, struct foo_mr *mr, unsigned int nents, u64 __user *cookie_addr)
{
	struct scatterlist *sg;
	void *trans_private;

	sg = kmalloc_array(nents, sizeof(*sg), GFP_KERNEL);
	if (!sg)
		return -ENOMEM;
	sg_init_table(sg, nents);
	trans_private = rs->rs_transport->get_mr(sg, nents, rs, &mr->r_key);
	if (IS_ERR(trans_private)) {
		kfree(sg);
		return PTR_ERR(trans_private);
	}
	mr->r_trans_private = trans_private;
${afterMap}	return 0;
}
`;

ruleTester(memLeak, {
  valid: [
    { name: 'an operation returning an object keeps what it was given when it is no error pointer (rds get_mr)', path: 'net/foo/rdma.c', code: keptByReturnedObject('\tif (put_user(mr->r_key, cookie_addr))\n\t\treturn -EFAULT;\n') },
    {
      name: 'an operation of the driver that succeeds keeps what it was given (pnp card_probe)',
      path: 'drivers/pnp/foo_card.c',
      code: givenToOperation('drv->probe', '\tfoo_card_unlink_devices(card, clink);\n\tkfree(clink);\n'),
    },
  ],
  invalid: [
    {
      name: 'a function of the tree returning an object does not keep the scatterlist',
      path: 'net/foo/rdma.c',
      code: keptByReturnedObject('\tif (put_user(mr->r_key, cookie_addr))\n\t\treturn -EFAULT; /* expect: mem-leak */\n').replace('rs->rs_transport->get_mr(', 'foo_lookup_mr('),
    },
    { name: 'where the operation fails the allocation is still the caller\'s', path: 'drivers/pnp/foo_card.c', code: givenToOperation('drv->probe', '\tfoo_card_log_failure(card, clink);\n').replace('\treturn 0;\n}', '\treturn -ENODEV; /* expect: mem-leak */\n}') },
    { name: 'a function of the tree that only checks the link does not keep it', path: 'drivers/pnp/foo_card.c', code: givenToOperation('foo_card_check', '\tfoo_card_unlink_devices(card, clink);\n\tkfree(clink);\n').replace('\t\treturn 1;', '\t\treturn 1; /* expect: mem-leak */') },
  ],
});

// drivers/hwtracing/coresight/coresight-core.c coresight_register(): after device_register(),
// device_unregister() ends in the last put_device(), which runs the release the function set
// (coresight_device_release(): fwnode_handle_put(csdev->dev.fwnode); kfree(csdev)).
const registerThenUnwind = (unwind: string) => `static void foo_device_release(struct device *dev)
{
	struct foo_device *csdev = to_foo_device(dev);

	fwnode_handle_put(csdev->dev.fwnode);
	kfree(csdev);
}

struct foo_device *foo_register(struct foo_desc *desc)
{
	struct foo_device *csdev;
	int ret;

	csdev = kzalloc(sizeof(*csdev), GFP_KERNEL);
	if (!csdev)
		return ERR_PTR(-ENOMEM);

	csdev->dev.parent = desc->dev;
	csdev->dev.release = foo_device_release;
	csdev->dev.fwnode = fwnode_handle_get(dev_fwnode(desc->dev));
	dev_set_name(&csdev->dev, "%s", desc->name);

	ret = device_register(&csdev->dev);
	if (ret) {
		put_device(&csdev->dev);
		return ERR_PTR(ret);
	}

	ret = foo_add_symlink_sink(csdev);
	if (ret) {
${unwind}		return ERR_PTR(ret); /* cut */
	}
	return csdev;
}
`;

ruleTester(refLeak, {
  valid: [{ name: 'device_unregister() of a registered device runs the release the function set (coresight)', path: 'drivers/hwtracing/foo/foo-core.c', code: registerThenUnwind('\t\tdevice_unregister(&csdev->dev);\n').replace(' /* cut */', '') }],
  invalid: [{ name: 'device_del() alone keeps the last reference', path: 'drivers/hwtracing/foo/foo-core.c', code: registerThenUnwind('\t\tdevice_del(&csdev->dev);\n').replace('/* cut */', '/* expect: ref-leak "fwnode" */') }],
});

// drivers/scsi/bfa/bfad.c bfad_install_msix_handler(): `return 1;` where every handler was freed,
// `return 0;` where they are installed: the function tells the two apart by value.
const installHandlers = (done: string) => `int foo_install_msix_handler(struct foo_s *foo)
{
	int i, error = 0;

	for (i = 0; i < foo->nvec; i++) {
		error = request_irq(foo->msix_tab[i].vector, foo_msix, 0, foo->msix_tab[i].name, &foo->msix_tab[i]);
		if (error) {
			int j;

			for (j = 0; j < i; j++)
				free_irq(foo->msix_tab[j].vector, &foo->msix_tab[j]);
			return 1;
		}
	}

	${done}
}
`;

// drivers/dma/ipu/ipu_idmac.c idmac_alloc_chan_resources(): a `#ifdef DEBUG` block whose failure
// is only logged leaves `ret` set; no shipped build has it.
const debugBlock = (guard: string) => `static int foo_alloc_chan_resources(struct foo_chan *ichan)
{
	int ret;

	ret = foo_init_channel(ichan);
	if (ret < 0)
		return ret;

	ret = request_irq(ichan->eof_irq, foo_interrupt, 0, ichan->eof_name, ichan);
	if (ret < 0)
		goto erirq;

${guard}
	ret = request_irq(ichan->sof_irq, foo_sof_irq, 0, "IC SOF", ichan);
	if (ret)
		dev_err(ichan->dev, "request irq failed for IC SOF");
#endif

	ichan->status = FOO_CHANNEL_INITIALIZED;
	return ret; /* cut */

erirq:
	foo_uninit_channel(ichan);
	return ret;
}

static void foo_free_chan_resources(struct foo_chan *ichan)
{
	free_irq(ichan->eof_irq, ichan);
	foo_uninit_channel(ichan);
}
`;

ruleTester(refLeak, {
  valid: [
    { name: 'handlers kept where the function returns 0 and all freed where it returns 1 (bfad)', path: 'drivers/scsi/foo/foo.c', code: installHandlers('return 0;') },
    { name: 'a failure only logged in a #ifdef DEBUG block (ipu_idmac)', path: 'drivers/dma/foo/foo_idmac.c', code: debugBlock('#ifdef DEBUG').replace(' /* cut */', '') },
  ],
  invalid: [
    { name: 'a later failure that keeps the handlers', path: 'drivers/scsi/foo/foo.c', code: installHandlers('if (foo_enable_msix(foo))\n\t\treturn -EIO; /* expect: ref-leak "request_irq" */\n\treturn 0;') },
    { name: 'the same block under a configuration option that ships', path: 'drivers/dma/foo/foo_idmac.c', code: debugBlock('#ifdef CONFIG_FOO_SOF').replace('/* cut */', '/* expect: ref-leak "request_irq" */') },
  ],
});

// drivers/gpu/drm/mediatek/mtk_drm_crtc.c mtk_drm_crtc_atomic_enable(): the runtime PM count is
// dropped where the hardware init fails and kept where the function runs to its end, until
// atomic_disable() puts it.
const atomicEnable = (tail: string) => `static void foo_crtc_atomic_enable(struct drm_crtc *crtc, struct drm_atomic_state *state)
{
	struct foo_crtc *foo_crtc = to_foo_crtc(crtc);
	int ret;

	ret = pm_runtime_resume_and_get(foo_crtc->dev);
	if (ret < 0)
		return;

	ret = foo_crtc_hw_init(foo_crtc);
	if (ret) {
		pm_runtime_put(foo_crtc->dev);
		return;
	}
${tail}}

static void foo_crtc_atomic_disable(struct drm_crtc *crtc, struct drm_atomic_state *state)
{
	struct foo_crtc *foo_crtc = to_foo_crtc(crtc);

	foo_crtc->enabled = false;
	pm_runtime_put(foo_crtc->dev);
}
`;

ruleTester(refLeak, {
  valid: [{ name: 'a void enable callback that keeps the count where it runs to its end (mtk_drm_crtc)', path: 'drivers/gpu/drm/foo/foo_crtc.c', code: atomicEnable('\n\tdrm_crtc_vblank_on(crtc);\n\tfoo_crtc->enabled = true;\n') }],
  invalid: [
    {
      name: 'an early return past the put that keeps it',
      path: 'drivers/gpu/drm/foo/foo_crtc.c',
      code: atomicEnable('\n\tif (!foo_crtc->planes)\n\t\treturn; /* expect: ref-leak "pm_runtime" */\n\tdrm_crtc_vblank_on(crtc);\n\tfoo_crtc->enabled = true;\n'),
    },
  ],
});

// coresight_register() again, unwinding through coresight_unregister(): the comment above the get
// names the function that puts it ("This will be dropped only in coresight_device_release()").
const namedOwner = (release: string, comment: string) => `static void foo_device_release(struct device *dev)
{
	struct foo_device *csdev = to_foo_device(dev);

${release}	kfree(csdev);
}

struct foo_device *foo_register(struct foo_desc *desc)
{
	struct foo_device *csdev;
	int ret;

	csdev = kzalloc(sizeof(*csdev), GFP_KERNEL);
	if (!csdev)
		return ERR_PTR(-ENOMEM);

	csdev->dev.release = foo_device_release;
${comment}	csdev->dev.fwnode = fwnode_handle_get(dev_fwnode(desc->dev));

	ret = device_register(&csdev->dev);
	if (ret) {
		put_device(&csdev->dev);
		return ERR_PTR(ret);
	}

	ret = foo_fixup_conns(csdev);
	if (ret) {
		foo_unregister(csdev);
		return ERR_PTR(ret); /* cut */
	}
	return csdev;
}
`;
const ownerComment = '\t/*\n\t * Hold the reference to our parent device. This will be\n\t * dropped only in foo_device_release().\n\t */\n';

ruleTester(refLeak, {
  valid: [{ name: 'a comment above the get that names the release callback putting it (coresight)', path: 'drivers/hwtracing/foo/foo-core.c', code: namedOwner('\tfwnode_handle_put(csdev->dev.fwnode);\n', ownerComment).replace(' /* cut */', '') }],
  invalid: [
    {
      name: 'the function the comment names does not put it',
      path: 'drivers/hwtracing/foo/foo-core.c',
      code: `${namedOwner('\tfwnode_handle_put(csdev->dev.fwnode);\n', ownerComment.replace('foo_device_release()', 'foo_remove()')).replace('/* cut */', '/* expect: ref-leak "fwnode" */')}
void foo_remove(struct foo_device *csdev)
{
	kfree(csdev->priv);
}
`,
    },
    { name: 'no comment', path: 'drivers/hwtracing/foo/foo-core.c', code: namedOwner('\tfwnode_handle_put(csdev->dev.fwnode);\n', '').replace('/* cut */', '/* expect: ref-leak "fwnode" */') },
  ],
});

// drivers/gpio/gpiolib-cdev.c linehandle_create(): "fput() will trigger the release() callback,
// so do not go onto the regular error cleanup path here." linehandle_release() puts the device.
const fileReleaseCallback = (comment: string) => `static int foo_handle_create(struct foo_device *gdev, void __user *ip)
{
	struct foo_handle_state *lh;
	struct file *file;
	int fd, ret;

	lh = kzalloc(sizeof(*lh), GFP_KERNEL);
	if (!lh)
		return -ENOMEM;
	lh->gdev = gdev;
	get_device(&gdev->dev);

	fd = get_unused_fd_flags(O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto out_free_lh;
	}

	file = anon_inode_getfile("foo-linehandle", &foo_handle_fileops, lh, O_RDONLY | O_CLOEXEC);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto out_put_unused_fd;
	}

	if (copy_to_user(ip, &fd, sizeof(fd))) {
${comment}		fput(file);
		put_unused_fd(fd);
		return -EFAULT; /* cut */
	}

	fd_install(fd, file);
	return 0;

out_put_unused_fd:
	put_unused_fd(fd);
out_free_lh:
	put_device(&gdev->dev);
	kfree(lh);
	return ret;
}
`;

ruleTester(refLeak, {
  valid: [
    {
      name: 'a comment at the exit that says fput() runs the release callback (gpiolib-cdev)',
      path: 'drivers/gpio/foo-cdev.c',
      code: fileReleaseCallback('\t\t/*\n\t\t * fput() will trigger the release() callback, so do not go onto\n\t\t * the regular error cleanup path here.\n\t\t */\n').replace(' /* cut */', ''),
    },
  ],
  invalid: [{ name: 'the same exit with no word on it', path: 'drivers/gpio/foo-cdev.c', code: fileReleaseCallback('').replace('/* cut */', '/* expect: ref-leak "get_device" */') }],
});

// drivers/greybus/operation.c gb_operation_request_send(): "Get an extra reference on the
// operation. It'll be dropped when the operation completes." The success return keeps it.
const extraReference = (comment: string) => `int foo_operation_request_send(struct foo_operation *operation, unsigned int timeout)
{
	int ret;

${comment}	foo_operation_get(operation);
	ret = foo_operation_get_active(operation);
	if (ret)
		goto err_put;

	ret = foo_message_send(operation->request);
	if (ret)
		goto err_put_active;

	if (timeout)
		add_timer(&operation->timer);
	return 0; /* cut */

err_put_active:
	foo_operation_put_active(operation);
err_put:
	foo_operation_put(operation);
	return ret;
}

void foo_operation_get(struct foo_operation *operation)
{
	kref_get(&operation->kref);
}

void foo_operation_put(struct foo_operation *operation)
{
	kref_put(&operation->kref, foo_operation_release);
}
`;

// An allocation whose comment tells where the success path frees it: its error paths are judged.
const allocationComment = `static int foo_setup(struct foo_dev *fd)
{
	char *buf;

	/* freed in foo_remove() */
	buf = kmalloc(FOO_BUF_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (foo_hw_init(fd)) {
		kfree(buf);
		return -EIO;
	}
	if (foo_start(fd))
		return -EIO; /* expect: mem-leak */
	fd->buf = buf;
	return 0;
}

void foo_remove(struct foo_dev *fd)
{
	kfree(fd->buf);
}
`;

ruleTester(refLeak, {
  valid: [
    {
      name: 'a comment above the get that says when it is dropped (greybus)',
      path: 'drivers/greybus/foo_operation.c',
      code: extraReference('\t/*\n\t * Get an extra reference on the operation. It\'ll be dropped when the\n\t * operation completes.\n\t */\n').replace(' /* cut */', ''),
    },
  ],
  invalid: [{ name: 'the same get with a comment that says nothing of it', path: 'drivers/greybus/foo_operation.c', code: extraReference('\t/* Send the request. */\n').replace('/* cut */', '/* expect: ref-leak "kref" */') }],
});

ruleTester(memLeak, {
  valid: [],
  invalid: [{ name: 'an allocation commented with the function that frees it on success, left on an error path', path: 'drivers/misc/foo.c', code: allocationComment }],
});
