/**
 * Kernel idioms behind false alarms judged on whole files of Linux 6.1 (stop 30), each next to
 * the bug of the same shape that must still be caught:
 * - a structure that records, right where an interrupt or a count was taken, that it holds it
 *   (`nic->irq_allocated[irq] = true`, `++vp_dev->msix_used_vectors`, `self->mask |= BIT(n)`),
 *   for the teardown that releases what the record says, where the teardown reads the record;
 * - an interrupt line kept from an element of an array (comedi's `it->options[2]`);
 * - a switch on a local that only ever holds one of its cases' values;
 * - a function of the tree that lets go of the lock it is given (xlog_wait(), by the mined facts);
 * - a walk that writes which lock it holds into its caller's structure and returns holding it;
 * - a kref taken inside an object that a put of the tree frees (batadv_gw_node_put()), or
 *   drops through a release the facts cannot follow (intel_context_put()).
 */
import { lockImbalance } from '../../src/rules/lock-imbalance.js';
import { refLeak } from '../../src/rules/ref-leak.js';
import { ruleTester } from '../helpers/rule-tester.js';

// drivers/net/ethernet/cavium/thunder/nicvf_main.c nicvf_register_interrupts(): each line
// requested is marked in nic->irq_allocated[], and nicvf_unregister_interrupts(), which the
// caller runs when this fails, frees every line marked.
const markedLines = (record: string) => `static int foo_register_interrupts(struct foo_nic *nic)
{
	int irq, ret = 0;

	for (irq = 0; irq < nic->cq_cnt; irq++) {
		ret = request_irq(pci_irq_vector(nic->pdev, irq), foo_intr_handler, 0, nic->irq_name[irq], nic->napi[irq]);
		if (ret)
			goto err;
${record}	}

	irq = FOO_INTR_ID_QS_ERR;
	ret = request_irq(pci_irq_vector(nic->pdev, irq), foo_qs_err_handler, 0, nic->irq_name[irq], nic);
	if (ret)
		goto err;
	nic->irq_allocated[irq] = true;

	foo_set_irq_affinity(nic);
err:
	if (ret)
		netdev_err(nic->netdev, "request_irq failed, vector %d\\n", irq);
	return ret; /* cut */
}

static void foo_unregister_interrupts(struct foo_nic *nic)
{
	int irq;

	for (irq = 0; irq < nic->num_vec; irq++) {
		if (!nic->irq_allocated[irq])
			continue;
		free_irq(pci_irq_vector(nic->pdev, irq), nic->napi[irq]);
		nic->irq_allocated[irq] = false;
	}
}
`;

ruleTester(refLeak, {
  valid: [{ name: 'each line requested is marked in the array its teardown walks', path: 'drivers/net/ethernet/foo/foo_main.c', code: markedLines('\t\tnic->irq_allocated[irq] = true;\n').replace(' /* cut */', '') }],
  invalid: [
    { name: 'a line requested and not marked', path: 'drivers/net/ethernet/foo/foo_main.c', code: markedLines('').replace('/* cut */', '/* expect: ref-leak */') },
    {
      name: 'a mark set before the request is known to have succeeded is no record of it',
      path: 'drivers/net/ethernet/foo/foo_main.c',
      code: markedLines('').replace('\t\tret = request_irq(', '\t\tnic->irq_allocated[irq] = true;\n\t\tret = request_irq(').replace('/* cut */', '/* expect: ref-leak */'),
    },
  ],
});

// drivers/virtio/virtio_pci_common.c vp_request_msix_vectors(): the count of vectors in use goes
// up with each handler installed, and vp_del_vqs() frees that many.
const countedVectors = (record: string) => `static int foo_request_msix_vectors(struct foo_pci_device *vp_dev, const char *name)
{
	int v, err;

	v = vp_dev->msix_used_vectors;
	err = request_irq(pci_irq_vector(vp_dev->pci_dev, v), foo_config_changed, 0, vp_dev->msix_names[v], vp_dev);
	if (err)
		goto error;
${record}
	v = vp_dev->config_vector(vp_dev, v);
	if (v == FOO_MSI_NO_VECTOR) {
		err = -EBUSY;
		goto error;
	}
	return 0;
error:
	return err; /* cut */
}

static void foo_del_vqs(struct foo_pci_device *vp_dev)
{
	int i;

	for (i = 0; i < vp_dev->msix_used_vectors; ++i)
		free_irq(pci_irq_vector(vp_dev->pci_dev, i), vp_dev);
}
`;

const maskTeardown = (code: string): string =>
  code.replace('for (i = 0; i < vp_dev->msix_used_vectors; ++i)\n\t\tfree_irq(', 'for (i = 0; i < FOO_MAX_VECTORS; ++i)\n\t\tif (vp_dev->msix_mask & BIT(i))\n\t\t\tfree_irq(');

ruleTester(refLeak, {
  valid: [
    { name: 'the count of vectors in use goes up with the handler', path: 'drivers/virtio/foo_pci.c', code: countedVectors('\t++vp_dev->msix_used_vectors;\n').replace(' /* cut */', '') },
    { name: 'a mask bit marks the vector (aq_nic_start())', path: 'drivers/virtio/foo_pci.c', code: maskTeardown(countedVectors('\tvp_dev->msix_mask |= BIT(v);\n')).replace(' /* cut */', '') },
  ],
  invalid: [
    { name: 'nothing counts the handler', path: 'drivers/virtio/foo_pci.c', code: countedVectors('').replace('/* cut */', '/* expect: ref-leak */') },
    { name: 'a field cleared is no record', path: 'drivers/virtio/foo_pci.c', code: countedVectors('\tvp_dev->msix_mask = 0;\n').replace('/* cut */', '/* expect: ref-leak */') },
    { name: 'a record the teardown never reads', path: 'drivers/virtio/foo_pci.c', code: countedVectors('\tvp_dev->msix_mask |= BIT(v);\n').replace('/* cut */', '/* expect: ref-leak */') },
  ],
});

// drivers/power/supply/ab8500_charger.c ab8500_charger_ac_en(): the flag set when
// regulator_enable() succeeds is tested before enabling again, and the disable branch drops the
// count it stands for. drivers/pwm/pwm-clk.c pwm_clk_apply() sets a flag beside clk_enable() that
// it never tests before enabling: a failed apply leaves a count the next apply adds to.
const flaggedCount = (guard: string) => `static int foo_charger_en(struct foo_charger *di, int enable)
{
	int ret;

	if (enable) {
		if (${guard}) {
			ret = regulator_enable(di->regu);
			if (ret)
				dev_warn(di->dev, "Failed to enable regulator\\n");
			else
				di->vddadc_en = true;
		}
		ret = foo_write(di, FOO_CTRL, 1);
		if (ret < 0)
			return ret; /* cut */
	} else {
		if (di->vddadc_en) {
			regulator_disable(di->regu);
			di->vddadc_en = false;
		}
	}
	return 0;
}
`;

ruleTester(refLeak, {
  valid: [{ name: 'the flag set beside the count is what the function tests before taking it', path: 'drivers/power/supply/foo_charger.c', code: flaggedCount('!di->vddadc_en').replace(' /* cut */', '') }],
  invalid: [{ name: 'a flag the function never tests before taking the count again', path: 'drivers/power/supply/foo_charger.c', code: flaggedCount('!di->other_en').replace('if (di->vddadc_en)', 'if (di->other_en)').replace('/* cut */', '/* expect: ref-leak */') }],
});

// drivers/comedi/drivers/pcmuio.c pcmuio_attach(): the line of each handler installed is kept
// where pcmuio_detach(), which comedi runs when the attach fails, frees it; the line is an
// element of the options array.
const keptLine = (kept: string) => `static void foo_detach(struct comedi_device *dev)
{
	struct foo_private *devpriv = dev->private;

	if (devpriv && devpriv->irq2)
		free_irq(devpriv->irq2, dev);
	comedi_legacy_detach(dev);
}

static int foo_attach(struct comedi_device *dev, struct comedi_devconfig *it)
{
	struct foo_private *devpriv;
	int ret;

	devpriv = comedi_alloc_devpriv(dev, sizeof(*devpriv));
	if (!devpriv)
		return -ENOMEM;

	if (it->options[2]) {
		ret = request_irq(it->options[2], foo_interrupt, 0, dev->board_name, dev);
		if (ret == 0)
			${kept};
	}

	ret = comedi_alloc_subdevices(dev, 4);
	if (ret)
		return ret; /* cut */
	return 0;
}
`;

ruleTester(refLeak, {
  valid: [{ name: 'the line, an element of the options, is kept where detach frees it', path: 'drivers/comedi/drivers/foo.c', code: keptLine('devpriv->irq2 = it->options[2]').replace(' /* cut */', '') }],
  invalid: [{ name: 'another option kept there', path: 'drivers/comedi/drivers/foo.c', code: keptLine('devpriv->irq2 = it->options[1]').replace('/* cut */', '/* expect: ref-leak */') }],
});

// fs/ocfs2/dlm/dlmrecovery.c dlm_finalize_reco_handler(): stage is 1 or 2 and both cases unlock;
// there is no way around the switch with the lock held.
const stagedSwitch = (stage2: string) => `int foo_finalize_handler(struct foo_msg *msg, u32 len, void *data)
{
	struct foo_ctxt *dlm = data;
	struct foo_finalize *fr = (struct foo_finalize *)msg->buf;
	int stage = 1;

	if (fr->flags & FOO_FINALIZE_STAGE2)
		stage = ${stage2};

	spin_lock(&dlm->spinlock);
	switch (stage) {
	case 1:
		dlm->state |= FOO_STATE_FINALIZE;
		spin_unlock(&dlm->spinlock);
		break;
	case 2:
		dlm->state &= ~FOO_STATE_FINALIZE;
		spin_unlock(&dlm->spinlock);
		foo_kick_thread(dlm);
		break;
	}

	foo_put(dlm);
	return 0; /* cut */
}
`;

ruleTester(lockImbalance, {
  valid: [{ name: 'the local switched on holds one of the cases\' values', path: 'fs/foo/foo_recovery.c', code: stagedSwitch('2').replace(' /* cut */', '') }],
  invalid: [
    { name: 'a value no case takes', path: 'fs/foo/foo_recovery.c', code: stagedSwitch('3').replace('/* cut */', '/* expect: lock-imbalance */') },
    { name: 'a value from the message', path: 'fs/foo/foo_recovery.c', code: stagedSwitch('fr->stage').replace('/* cut */', '/* expect: lock-imbalance */') },
  ],
});

// fs/xfs/xfs_log.c xlog_force_lsn(): xlog_wait() (xfs_log_priv.h, `__releases(lock)`) unlocks the
// lock it is given before it sleeps.
const waitUnlocks = (lock: string) => `static int foo_force_lsn(struct xlog *log, struct xlog_in_core *iclog, bool already_slept)
{
	spin_lock(&log->l_icloglock);
	if (!already_slept && iclog->ic_prev->ic_state == XLOG_STATE_SYNCING) {
		xlog_wait(&iclog->ic_prev->ic_write_wait, ${lock});
		return -EAGAIN; /* cut */
	}
	spin_unlock(&log->l_icloglock);
	return 0;
}
`;

ruleTester(lockImbalance, {
  valid: [{ name: 'xlog_wait() unlocks the lock it is given', path: 'fs/xfs/foo_log.c', code: waitUnlocks('&log->l_icloglock').replace(' /* cut */', '') }],
  invalid: [{ name: 'xlog_wait() given another lock', path: 'fs/xfs/foo_log.c', code: waitUnlocks('&iclog->ic_lock').replace('/* cut */', '/* expect: lock-imbalance */') }],
});

// mm/page_vma_mapped.c page_vma_mapped_walk(): it sets pvmw->ptl to the page table lock it takes
// and returns holding it; the caller unlocks it there (page_vma_mapped_walk_done()).
const walkHolding = (bad: string) => `bool foo_vma_mapped_walk(struct page_vma_mapped_walk *pvmw)
{
	struct mm_struct *mm = pvmw->vma->vm_mm;
	unsigned long end = foo_vma_end(pvmw);

	pvmw->pmd = foo_pmd(mm, pvmw->address);
	if (!pvmw->pmd)
		return false;
	pvmw->ptl = pte_lockptr(mm, pvmw->pmd);
	spin_lock(pvmw->ptl);
${bad}	if (foo_check_pte(pvmw))
		return true;
	if (pvmw->address + PAGE_SIZE >= end) {
		spin_unlock(pvmw->ptl);
		pvmw->ptl = NULL;
		return foo_not_found(pvmw);
	}
	return foo_next_pte(pvmw);
}
`;

ruleTester(lockImbalance, {
  valid: [{ name: 'the walk returns holding the lock it named in the caller\'s structure', path: 'mm/foo_vma_mapped.c', code: walkHolding('') }],
  invalid: [{ name: 'a failure that returns holding it', path: 'mm/foo_vma_mapped.c', code: walkHolding('\tif (foo_pte_bad(pvmw))\n\t\treturn false; /* expect: lock-imbalance */\n') }],
});

// net/batman-adv/bat_v.c batadv_v_gw_get_best_gw_node(): batadv_gw_node_put() (gateway_client.h)
// is kref_put(&gw_node->refcount, batadv_gw_node_release); the mined facts say it frees its
// argument, and the count taken inside the object goes with it.
const bestGateway = (put: string) => `static struct batadv_gw_node *foo_get_best_gw_node(struct batadv_priv *bat_priv)
{
	struct batadv_gw_node *gw_node, *curr_gw = NULL;
	u32 max_bw = 0, bw;

	rcu_read_lock();
	hlist_for_each_entry_rcu(gw_node, &bat_priv->gw.gateway_list, list) {
		if (!kref_get_unless_zero(&gw_node->refcount))
			continue;

		if (foo_throughput_get(gw_node, &bw) < 0)
			goto next; /* cut */

		if (curr_gw && bw <= max_bw)
			goto next;

		batadv_gw_node_put(curr_gw);
		curr_gw = gw_node;
		kref_get(&curr_gw->refcount);
		max_bw = bw;
next:
		${put}(gw_node);
	}
	rcu_read_unlock();

	return curr_gw;
}
`;

ruleTester(refLeak, {
  valid: [{ name: 'the put of the tree frees the object the count is in', path: 'net/batman-adv/foo_v.c', code: bestGateway('batadv_gw_node_put').replace(' /* cut */', '') }],
  invalid: [{ name: 'a call that only reads it', path: 'net/batman-adv/foo_v.c', code: bestGateway('batadv_gw_node_print').replace('/* cut */', '/* expect: ref-leak */') }],
});

// drivers/gpu/drm/i915/gt/uc/intel_guc_submission.c intel_guc_find_hung_context():
// intel_context_put() (intel_context.h) is kref_put(&ce->ref, ce->ops->destroy): the mined facts
// say it puts the count in its argument, whatever the release does.
const hungContext = (put: string) => `static void foo_find_hung_context(struct intel_engine_cs *engine)
{
	struct intel_guc *guc = &engine->gt->uc.guc;
	struct intel_context *ce;
	unsigned long index;

	xa_for_each(&guc->context_lookup, index, ce) {
		if (!kref_get_unless_zero(&ce->ref))
			continue;

		if (!foo_context_is_active(ce))
			goto next;

		foo_mark_guilty(ce);
		kref_put(&ce->ref, foo_context_release);
		return;
next:
		${put}(ce);
	}
} /* cut */
`;

ruleTester(refLeak, {
  valid: [{ name: 'a put of the tree drops the count in the object', path: 'drivers/gpu/drm/i915/gt/uc/foo_submission.c', code: hungContext('intel_context_put').replace(' /* cut */', '') }],
  invalid: [{ name: 'a call that only reads it', path: 'drivers/gpu/drm/i915/gt/uc/foo_submission.c', code: hungContext('intel_context_dump').replace('/* cut */', '/* expect: ref-leak */') }],
});
