/**
 * Failures a function lets pass on purpose, each beside the missing error code of the same shape:
 * a failure logged at debug level only, one a comment says is let pass, a function that returns 0
 * outright where its getters fail, and an IS_ERR() of a pointer no call gave.
 */
import { missingErrorCode } from '../../src/rules/missing-error-code.js';
import { ruleTester } from '../helpers/rule-tester.js';

// drivers/infiniband/hw/qedr/verbs.c init_mr_info(): the second table is optional; its failure is
// reported at debug level and the first table is enough.
const extraTable = (log: string, sibling = '') => `static int foo_init_mr_info(struct foo_dev *dev, struct foo_mr_info *info, size_t page_list_len)
{
	struct foo_pbl *tmp;
	int rc = 0;

	info->pbl_table = foo_alloc_pbl_tbl(dev, &info->pbl_info, GFP_KERNEL);
	if (IS_ERR(info->pbl_table)) {
		rc = PTR_ERR(info->pbl_table);
		goto done;
	}
${sibling}
	tmp = foo_alloc_pbl_tbl(dev, &info->pbl_info, GFP_KERNEL);
	if (IS_ERR(tmp)) {
		${log}
		goto done;
	}
	list_add_tail(&tmp->list_entry, &info->free_pbl_list);
done:
	return rc;
}
`;

ruleTester(missingErrorCode, {
  valid: [{ name: 'an optional table whose failure is logged at debug level (qedr init_mr_info)', path: 'drivers/infiniband/hw/foo/verbs.c', code: extraTable('dev_dbg(dev->dev, "Extra PBL is not allocated\\n");') }],
  invalid: [
    {
      name: 'a failure logged at error level',
      path: 'drivers/infiniband/hw/foo/verbs.c',
      code: extraTable('dev_err(dev->dev, "Extra PBL is not allocated\\n");').replace('\tif (IS_ERR(tmp)) {', '\tif (IS_ERR(tmp)) { /* expect: missing-error-code */'),
    },
    {
      name: 'debug level is where this function logs the errors it returns (ext4_fc_replay_link_internal)',
      path: 'drivers/infiniband/hw/foo/verbs.c',
      code: extraTable(
        'dev_dbg(dev->dev, "Extra PBL is not allocated\\n");',
        '\tif (!info->pbl_table->va) {\n\t\tdev_dbg(dev->dev, "no table memory\\n");\n\t\trc = -ENOMEM;\n\t\tgoto done;\n\t}\n',
      ).replace('\tif (IS_ERR(tmp)) {', '\tif (IS_ERR(tmp)) { /* expect: missing-error-code */'),
    },
  ],
});

// drivers/net/wireless/intersil/p54/main.c p54_set_key(): no key slot left is no error, the
// decryption falls back to software, as the comment says.
const keySlot = (comment: string) => `static int foo_set_key(struct foo_priv *priv, struct foo_key *key)
{
	int slot, ret = 0;
	u8 *buf;

	buf = kzalloc(FOO_KEY_LEN, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	slot = bitmap_find_free_region(priv->used_rxkeys, priv->rx_keycache_size, 0);
	if (slot < 0) {
${comment}		key->hw_key_idx = 0xff;
		goto out;
	}
	ret = foo_upload_key(priv, buf, slot);
out:
	kfree(buf);
	return ret;
}
`;

ruleTester(missingErrorCode, {
  valid: [
    {
      name: 'a comment says the failure is let pass (p54_set_key)',
      path: 'drivers/net/wireless/foo/main.c',
      code: keySlot('\t\t/*\n\t\t * Not enough key slots: we just pretend that the upload was\n\t\t * successful and do the decryption in software.\n\t\t */\n'),
    },
  ],
  invalid: [{ name: 'the same failure without a word', path: 'drivers/net/wireless/foo/main.c', code: keySlot('').replace('\tif (slot < 0) {', '\tif (slot < 0) { /* expect: missing-error-code */') }],
});

// drivers/gpu/drm/i915/gt/selftest_migrate.c copy(): a selftest skips when it cannot create its
// objects, the first with `return 0;` outright.
const selftestObjects = (first: string) => `static int foo_copy(struct foo_device *i915, size_t sz)
{
	struct foo_object *src, *dst;
	int err = 0;

	if (!sz)
		return -EINVAL;
	src = i915_gem_object_create_internal(i915, sz);
${first}
	dst = i915_gem_object_create_internal(i915, sz);
	if (IS_ERR(dst))
		goto err_free_src;

	err = foo_migrate_copy(src, dst);
	foo_object_put(dst);
err_free_src:
	foo_object_put(src);
	return err;
}
`;

ruleTester(missingErrorCode, {
  valid: [{ name: 'a selftest that skips where its getters fail (selftest_migrate copy)', path: 'drivers/gpu/drm/foo/selftest_foo.c', code: selftestObjects('\tif (IS_ERR(src))\n\t\treturn 0;\n') }],
  invalid: [
    {
      name: 'a function whose other return 0 is a feature test',
      path: 'drivers/gpu/drm/foo/selftest_foo.c',
      code: selftestObjects('\tif (!i915->has_lmem)\n\t\treturn 0;\n\tif (IS_ERR(src))\n\t\treturn PTR_ERR(src);\n').replace('\tif (IS_ERR(dst))\n', '\tif (IS_ERR(dst)) /* expect: missing-error-code */\n'),
    },
  ],
});

// drivers/dma/imx-sdma.c sdma_event_remap(): IS_ERR() of the device's of_node, which no call gave
// and which is never an ERR_PTR().
const eventRemap = (declaration: string, tested: string) => `static int foo_event_remap(struct foo_engine *sdma)
{
	${declaration}
	struct device_node *gpr_np = of_parse_phandle(sdma->dev->of_node, "gpr", 0);
	int ret = 0;

	if (!sdma->remap)
		return -EINVAL;
	if (IS_ERR(${tested}) || !gpr_np)
		goto out;
	ret = foo_remap(${tested}, gpr_np);
out:
	of_node_put(gpr_np);
	return ret;
}
`;

ruleTester(missingErrorCode, {
  valid: [{ name: 'IS_ERR() of a node no call gave (imx-sdma event remap)', path: 'drivers/dma/foo-sdma.c', code: eventRemap('struct device_node *np = sdma->dev->of_node;', 'np') }],
  invalid: [
    {
      name: 'IS_ERR() of a getter\'s result',
      path: 'drivers/dma/foo-sdma.c',
      code: eventRemap('struct regmap *gpr;', 'gpr')
        .replace('\tif (!sdma->remap)', '\tgpr = syscon_regmap_lookup_by_compatible("foo,gpr");\n\tif (!sdma->remap)')
        .replace('\tif (IS_ERR(gpr) || !gpr_np)', '\tif (IS_ERR(gpr) || !gpr_np) /* expect: missing-error-code */'),
    },
  ],
});

// fs/ext4/super.c ext4_quota_on(): the comment above the steps says their failure is let pass,
// since quota is already on.
const quotaFlags = (comment: string) => `static int foo_quota_on(struct super_block *sb, int type, int format_id, const struct path *path)
{
	int err;

	err = dquot_quota_on(sb, type, format_id, path);
	if (!err) {
		struct inode *inode = d_inode(path->dentry);
		handle_t *handle;

${comment}		inode_lock(inode);
		handle = foo_journal_start(inode, FOO_HT_QUOTA, 1);
		if (IS_ERR(handle))
			goto unlock_inode;
		foo_set_quota_flags(inode);
		foo_mark_inode_dirty(handle, inode);
		foo_journal_stop(handle);
	unlock_inode:
		inode_unlock(inode);
	}
	return err;
}
`;

ruleTester(missingErrorCode, {
  valid: [
    {
      name: 'a comment above the steps says their failure returns success anyway (ext4_quota_on)',
      path: 'fs/foo/super.c',
      code: quotaFlags('\t\t/*\n\t\t * Set inode flags to keep userspace off the quota files. If this fails, we\n\t\t * return success anyway since quotas are already enabled and this is not a\n\t\t * hard failure.\n\t\t */\n'),
    },
  ],
  invalid: [
    {
      name: 'the same steps under a comment that says nothing of their failure',
      path: 'fs/foo/super.c',
      code: quotaFlags('\t\t/* Set inode flags to keep userspace off the quota files. */\n').replace('\t\tif (IS_ERR(handle))\n', '\t\tif (IS_ERR(handle)) /* expect: missing-error-code */\n'),
    },
  ],
});
