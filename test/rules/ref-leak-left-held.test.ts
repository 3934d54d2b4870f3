/**
 * A reference that no path of a function shown whole drops, returns or hands on is reported
 * where the function is done with it, also when every exit that keeps it succeeds
 * (issue 11: "a reference taken in a function that the patch shows whole, and neither released,
 * handed off nor returned on some path, is a finding even when no other path releases it").
 * What a callee may have kept, what the function set up for someone else, a pointer into the
 * object that outlives the call, a walk that drops the node it starts from, and the counts kept
 * on a device stay quiet.
 */
import { refLeak } from '../../src/rules/ref-leak.js';
import { ruleTester } from '../helpers/rule-tester.js';

// drivers/soc/fsl/rcpm.c before c9f1efabf8e3: the node is only read by of_iomap().
const iomapOnly = (put: string): string => `static void foo_set_spare(u32 val)
{
	struct device_node *np;
	void __iomem *regs;

	np = of_find_compatible_node(NULL, NULL, "foo,scfg");
	if (!np)
		return;

	regs = of_iomap(np, 0);${put}
	if (!regs)
		return;

	iowrite32be(val | ioread32be(regs + FOO_SPARE), regs + FOO_SPARE);
	iounmap(regs);
}
`;

// drivers/soc/imx/gpc.c before bbde14682eba: a remove() that tests the child and returns 0 with it.
const removeKeepsChild = (put: string): string => `static int foo_gpc_remove(struct platform_device *pdev)
{
	struct device_node *pgc_node;
	int ret;

	pgc_node = of_get_child_by_name(pdev->dev.of_node, "pgc");
	if (!pgc_node) {
		ret = foo_gpc_remove_domains(pdev);
		if (ret)
			return ret;
	}
${put}
	return 0;
}
`;

// drivers/acpi/video_detect.c: a lookup for presence only.
const presenceOnly = (put: string): string => `static int foo_detect_quirk(const struct dmi_system_id *d)
{
	struct pci_dev *dev;

	dev = pci_get_device(PCI_VENDOR_ID_FOO, 0x2100, NULL);
	if (dev) {
		foo_backlight = foo_backlight_vendor;${put}
	}
	return 0;
}
`;

// A device found on a bus and named in a message, with the put the fix adds.
const printedOnly = (put: string): string => `static int foo_report_peer(struct foo *foo)
{
	struct device *peer;

	peer = bus_find_device_by_name(&platform_bus_type, NULL, "foo-peer");
	if (!peer)
		return -ENODEV;
	dev_info(foo->dev, "peer %s\\n", dev_name(peer));${put}
	return 0;
}
`;

// drivers/soc/samsung/exynos-pmu.c: syscon_node_to_regmap() is a callee the tables do not know.
const givenToUnknownCallee = `struct regmap *foo_get_pmu_regmap(void)
{
	struct device_node *np;

	np = of_find_matching_node(NULL, foo_pmu_of_device_ids);
	if (np)
		return syscon_node_to_regmap(np);
	return ERR_PTR(-ENODEV);
}
`;

// drivers/net/ethernet/marvell/mvneta_bm.c: foo_bm_put() drops the device behind the drvdata.
const drvdataReturned = `struct foo_bm *foo_bm_get(struct device_node *node)
{
	struct platform_device *pdev = of_find_device_by_node(node);

	return pdev ? platform_get_drvdata(pdev) : NULL;
}
`;

// fs/afs/dynroot.c: the dentry is marked and kept on purpose.
const objectSetUp = `int foo_mkdir(struct foo_net *net, const char *name, int len)
{
	struct dentry *root = net->sb->s_root, *subdir;

	inode_lock(root->d_inode);
	subdir = lookup_one_len(name, root, len);
	if (IS_ERR(subdir)) {
		inode_unlock(root->d_inode);
		return PTR_ERR(subdir);
	}
	subdir->d_fsdata = (void *)1UL;
	inode_unlock(root->d_inode);
	return 0;
}
`;

// sound/soc/intel/boards/sof_cirrus_common.c: the device's name is kept, so the device is too.
const nameKept = `static void foo_compute_codec_conf(struct acpi_device *adev, int sz)
{
	struct device *physdev;

	physdev = get_device(acpi_get_first_physical_node(adev));
	foo_components[sz].name = dev_name(physdev);
}
`;

const labelKept = `static int foo_read_label(struct foo *foo)
{
	struct device_node *np;

	np = of_get_child_by_name(foo->dev->of_node, "display");
	if (!np)
		return -ENODEV;
	of_property_read_string(np, "label", &foo->label);
	return 0;
}
`;

// drivers/clk/keystone/sci-clk.c: a walk whose lookup drops the node it starts from; the loop
// ends once the walk has run out (np NULL), which the paths do not know.
const walk = `static int foo_count_providers(const char * const *names)
{
	struct device_node *np = NULL;
	int count = 0;

	while (*names) {
		np = of_find_node_with_property(np, *names);
		if (!np) {
			names++;
			continue;
		}
		if (of_device_is_available(np))
			count++;
	}
	return count;
}
`;

// A clock enabled in probe() stays enabled for remove(): a count, switched on by design.
const clockKeptOn = `static int foo_probe(struct platform_device *pdev)
{
	struct clk *clk;
	int ret;

	clk = devm_clk_get(&pdev->dev, NULL);
	if (IS_ERR(clk))
		return PTR_ERR(clk);
	ret = clk_prepare_enable(clk);
	if (ret)
		return ret;
	return 0;
}
`;

// Only the head of the function is in the patch: what its tail does with the node is not in sight.
const shownInPart = `diff --git a/drivers/soc/foo/rcpm.c b/drivers/soc/foo/rcpm.c
--- a/drivers/soc/foo/rcpm.c
+++ b/drivers/soc/foo/rcpm.c
@@ -1,8 +1,8 @@
 static void foo_set_spare(u32 val)
 {
 	struct device_node *np;
 	void __iomem *regs;
 
-	np = of_find_compatible_node(NULL, NULL, "foo,scfg");
+	np = of_find_compatible_node(NULL, NULL, "foo,soc-scfg");
 	if (!np)
 		return;
`;

// A reference taken on an object the function was given (the device foo->dev already points
// to), for the thread it wakes to drop.
const getForAnother = `static void foo_kick(struct foo *foo, struct device *dev)
{
	get_device(dev);
	foo->pending = true;
	wake_up(&foo->wq);
}
`;

ruleTester(refLeak, {
  valid: [
    { name: 'the node is put after of_iomap()', path: 'drivers/soc/foo/rcpm.c', code: iomapOnly('\n\tof_node_put(np);') },
    { name: 'remove() puts the child before its return', path: 'drivers/soc/foo/gpc.c', code: removeKeepsChild('\tof_node_put(pgc_node);\n') },
    { name: 'a PCI lookup for presence that puts the device', path: 'drivers/acpi/foo_detect.c', code: presenceOnly('\n\t\tpci_dev_put(dev);') },
    { name: 'a device found on a bus, named and put', path: 'drivers/misc/foo-peer.c', code: printedOnly('\n\tput_device(peer);') },
    { name: 'a node given to a callee the tables do not know', path: 'drivers/soc/foo/pmu.c', code: givenToUnknownCallee },
    { name: 'the device behind the drvdata returned to the caller', path: 'drivers/net/foo/bm.c', code: drvdataReturned },
    { name: 'a dentry the function marks for later', path: 'fs/foo/dynroot.c', code: objectSetUp },
    { name: 'the name of the device kept in a table', path: 'sound/soc/foo/cirrus.c', code: nameKept },
    { name: 'a property string of the node kept in a field', path: 'drivers/gpu/foo/label.c', code: labelKept },
    { name: 'a walk whose next step drops the node it starts from', path: 'drivers/of/foo-walk.c', code: walk },
    { name: 'a clock left enabled by a probe that succeeds', path: 'drivers/misc/foo-clk.c', code: clockKeptOn },
    { name: 'a function the patch shows in part', diff: shownInPart },
    { name: 'get_device() on an object the function was given, for the thread it wakes', path: 'drivers/misc/foo-kick.c', code: getForAnother },
  ],
  invalid: [
    {
      name: 'a node read by of_iomap() only and never put',
      path: 'drivers/soc/foo/rcpm.c',
      code: iomapOnly(' /* expect: ref-leak "Shouldn\'t of_node_put(np) follow this use?" */'),
    },
    {
      name: 'remove() returns 0 with the child it found',
      path: 'drivers/soc/foo/gpc.c',
      code: removeKeepsChild('').replace('\treturn 0;\n}', '\treturn 0; /* expect: ref-leak "of_node_put(pgc_node)" */\n}'),
    },
    {
      name: 'a PCI lookup for presence that never puts the device',
      path: 'drivers/acpi/foo_detect.c',
      code: presenceOnly('').replace('\treturn 0;\n}', '\treturn 0; /* expect: ref-leak "pci_dev_put(dev)" */\n}'),
    },
    {
      name: 'a device found on a bus and only named in a message',
      path: 'drivers/misc/foo-peer.c',
      code: printedOnly(' /* expect: ref-leak "put_device(peer)" */'),
    },
  ],
});
