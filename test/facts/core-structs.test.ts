import { readFileSync } from 'node:fs';
import { structTagsIn } from '../../src/facts/mine/core-structs.js';
import { coreStructsLoadMilliseconds, isCoreStruct, type CoreStructsFile } from '../../src/facts/kernel-facts.js';

describe('the structures of the shared headers', () => {
  it('are read from definitions only, the brace on the line or the next, outside comments', () => {
    const header = `/* struct in_comment { */
struct fs_context {
	const struct fs_context_operations *ops;
	struct dentry		*root;
};

typedef struct spinlock {
	int x;
} spinlock_t;

struct vm_area_struct
{
	struct file *vm_file;
};

struct declared_only;
struct file *get_file(struct file *f);
extern struct cpu cpu_devices;
static struct cpu boot_cpu = {
	.hotpluggable = 1,
};
// struct line_comment {
`;
    expect(structTagsIn(header)).toEqual(['fs_context', 'spinlock', 'vm_area_struct']);
  });

  it('hold core code objects and not drivers\' own, each name once and in order', () => {
    expect(coreStructsLoadMilliseconds()).toBeNull();
    for (const tag of ['fs_context', 'vm_area_struct', 'cpu', 'super_block', 'device']) expect([tag, isCoreStruct(tag)]).toEqual([tag, true]);
    // Defined in the drivers' own .c files (exynos_drm_dpi, i2c-cpm, mtk_hdmi, pata_macio).
    for (const tag of ['exynos_dpi', 'cpm_i2c', 'mtk_hdmi', 'pata_macio_priv', '']) expect([tag, isCoreStruct(tag)]).toEqual([tag, false]);
    expect(coreStructsLoadMilliseconds()).not.toBeNull();
    const file = JSON.parse(readFileSync('data/kernel-core-structs.json', 'utf8')) as CoreStructsFile;
    const names = file.structs.split(' ');
    expect(names).toEqual([...new Set(names)].sort());
    expect(names.every((name) => isCoreStruct(name))).toBe(true);
    expect(file.command).toMatch(/^npm run facts:core-structs/);
  });
});
