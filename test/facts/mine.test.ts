import { initTreeSitter, parseC } from '../../src/parsers/treesitter.js';
import { extractFile, type FileFacts } from '../../src/facts/mine/extract.js';
import { blankAnnotations } from '../../src/facts/mine/mine.js';
import { resolveConventions, resolveIntegers, resolveNoreturn, resolvePairs } from '../../src/facts/mine/resolve.js';
import { ownershipFactsFile } from '../../src/facts/mine/resolve-ownership.js';

await initTreeSitter();

function mine(files: Record<string, string>): FileFacts[] {
  return Object.entries(files).map(([path, text]) => {
    const tree = parseC(blankAnnotations(text));
    try {
      return extractFile(tree.rootNode, path, text);
    } finally {
      tree.delete();
    }
  });
}

describe('pointer conventions', () => {
  const files = mine({
    'mm/slab.c': `void *kzalloc(size_t size, gfp_t flags)
{
	void *p = __alloc(size);
	if (!p)
		return NULL;
	return p;
}
`,
    'drivers/base/lookup.c': `struct widget *widget_lookup(const char *name)
{
	struct widget *w;

	list_for_each_entry(w, &widgets, node)
		if (!strcmp(w->name, name))
			return w;
	return NULL;
}

struct widget *widget_by_type(int type)
{
	struct widget *w = NULL;

	list_for_each_entry(w, &widgets, node) {
		if (w->type != type)
			continue;
		return w;
	}
	return ERR_PTR(-ENODEV);
}

struct widget *widget_first_busy(struct bus *bus)
{
	struct widget *w = NULL;

	if (list_empty(&bus->widgets))
		goto out;
	w = list_first_entry(&bus->widgets, struct widget, node);
out:
	return w;
}

struct widget *widget_pick_free(struct bus *bus)
{
	struct widget *w = NULL;
	int i;

	for (i = 0; i < bus->count; i++) {
		if (w == NULL) {
			if (bus->slots[i].free)
				w = &bus->slots[i];
		}
	}
	return w;
}

struct widget *widget_by_name(const char *name)
{
	struct widget *w;

	list_for_each_entry(w, &widgets, node) {
		if (!strcmp(w->name, name))
			goto out;
	}
	w = NULL;
out:
	return w;
}

struct widget *widget_active(struct bus *bus)
{
	struct widget *w = NULL;

	if (!bus->up)
		goto unlock;
	w = bus->first;
	if (!w)
		w = bus->last;
unlock:
	return w;
}

struct widget *widget_named(struct bus *bus, const char *name)
{
	struct widget *found = NULL, *w;

	list_for_each_entry(w, &bus->widgets, node)
		if (!strcmp(w->name, name))
			found = w;
	if (!found)
		return ERR_PTR(-ENOENT);
	return found;
}

struct widget *widget_create(struct device *dev)
{
	struct widget *w = kzalloc(sizeof(*w), GFP_KERNEL);

	if (!w)
		return ERR_PTR(-ENOMEM);
	w->dev = dev;
	return w;
}

struct widget *devm_widget_create(struct device *dev)
{
	return widget_create(dev);
}

static struct widget *widget_first(void)
{
	return widget_lookup("first");
}

struct widget *widget_get_first(void)
{
	struct widget *w = widget_first();

	return w;
}

struct widget *widget_parent(struct widget *w)
{
	return &w->parent;
}

struct widget *widget_field(struct widget *w)
{
	if (w->dead)
		return ERR_PTR(-ENODEV);
	return w->other;
}
`,
    'include/linux/widget.h': `#ifdef CONFIG_WIDGET
struct widget *widget_find(int id);
#else
static inline struct widget *widget_find(int id)
{
	return ERR_PTR(-ENODEV);
}
#endif
`,
    'include/linux/widget_alias.h': `#define widget_create_named(dev, name) \\
	widget_create(dev)
`,
    'lib/iomap.c': `void __iomem *widget_iomap(struct widget *w)
{
	if (!w->res)
		return IOMEM_ERR_PTR(-EINVAL);
	return widget_create_named(w->dev, "io");
}
`,
    'fs/widget_open.c': `struct widget *widget_open(struct device *dev)
{
	struct widget *w = widget_create(dev);

	if (!IS_ERR(w)) {
		int error = widget_start(w);
		if (error)
			w = ERR_PTR(error);
	}
	return w;
}

struct widget *widget_pick(struct device *dev)
{
	struct widget *w = NULL;

	w = widget_create(dev);
	dev_dbg(dev, "widget %p\\n", w);
	return w;
}
`,
    'drivers/base/find.c': `struct widget *widget_find(int id)
{
	if (id < 0)
		return NULL;
	return &widgets[id];
}
`,
  });
  const conventions = resolveConventions(files);

  it('reads ERR_PTR and NULL returns, and a local tested for NULL as a valid pointer', () => {
    expect(conventions.get('kzalloc')).toBe('null');
    expect(conventions.get('widget_lookup')).toBe('null');
    expect(conventions.get('widget_create')).toBe('err');
  });

  it('keeps a NULL initialiser that a goto or a conditional store lets through', () => {
    expect(conventions.get('widget_first_busy')).toBe('null');
    expect(conventions.get('widget_pick_free')).toBe('null');
  });

  it('takes a list cursor returned inside its loop for the entry found, whatever it was initialised to', () => {
    expect(conventions.get('widget_by_type')).toBe('err');
    expect(conventions.get('widget_named')).toBe('err');
    expect(conventions.get('widget_active')).toBe('null');
    expect(conventions.has('widget_by_name')).toBe(false);
  });

  it('follows calls to a fixpoint, static helpers included', () => {
    expect(conventions.get('devm_widget_create')).toBe('err');
    expect(conventions.get('widget_get_first')).toBe('null');
    expect(conventions.has('widget_first')).toBe(false);
  });

  it('follows a macro that is a call by another name, and reads IOMEM_ERR_PTR', () => {
    expect(conventions.get('widget_iomap')).toBe('err');
  });

  it('does not take a success guard !IS_ERR() for a handled error, nor an overwritten NULL initialiser for a return', () => {
    expect(conventions.get('widget_open')).toBe('err');
    expect(conventions.get('widget_pick')).toBe('err');
  });

  it('counts an address as success and leaves an ERR_PTR next to a field undecided', () => {
    expect(conventions.get('widget_parent')).toBe('ok');
    expect(conventions.has('widget_field')).toBe(false);
  });

  it('merges a stub returning ERR_PTR with a real definition returning NULL into both', () => {
    expect(conventions.get('widget_find')).toBe('both');
  });
});

describe('noreturn functions', () => {
  const files = mine({
    'include/linux/kernel.h': 'void __noreturn panic(const char *fmt, ...);\n',
    'include/linux/decode.h': `static inline int decode_level(u64 *out, u64 in)
{
#define LEVEL(b, v) do { if ((in & b) == v) { *out = in >> b; return b; } } while (0)
	LEVEL(1, 0);
	BUG();
#undef LEVEL
}

static inline void decode_fail(void)
{
	BUG();
}
`,
    'kernel/exit.c': `void do_exit_hard(long code)
{
	cleanup();
	panic("exit %ld", code);
}

void maybe_exit(long code)
{
	if (code)
		panic("exit");
}

void both_exit(long code)
{
	if (code)
		do_exit_hard(code);
	else
		BUG();
}

void skip_exit(long code)
{
	if (code)
		goto out;
	panic("no");
out:
	cleanup();
}
`,
  });
  const { declared, derived } = resolveNoreturn(files);

  it('takes __noreturn declarations and derives the functions that end in one on every path', () => {
    expect([...declared]).toEqual(['panic']);
    expect(derived.has('do_exit_hard')).toBe(true);
    expect(derived.has('both_exit')).toBe(true);
    expect(derived.has('decode_fail')).toBe(true);
  });

  it('leaves a function with a path that returns', () => {
    expect(derived.has('maybe_exit')).toBe(false);
    expect(derived.has('skip_exit')).toBe(false);
    expect(derived.has('decode_level')).toBe(false);
  });
});

describe('acquire/release pairs', () => {
  const files = mine({
    'drivers/base/gadget.c': `/**
 * gadget_find - look a gadget up
 * Return: the gadget with its refcount incremented; the caller must call gadget_release() on it.
 */
struct gadget *gadget_find(int id)
{
	return lookup(id);
}

void gadget_release(struct gadget *g)
{
	kfree(g);
}

struct gadget *gadget_get(struct gadget *g)
{
	kref_get(&g->ref);
	return g;
}

void gadget_put(struct gadget *g)
{
	kref_put(&g->ref, gadget_free);
}

int gadget_enable(struct gadget *g)
{
	return g->ops->on(g);
}

void gadget_disable(struct gadget *g)
{
	g->ops->off(g);
}

int gadget_cmd_enable(struct gadget *g)
{
	mutex_lock(&g->lock);
	g->on = true;
	mutex_unlock(&g->lock);
	return 0;
}

void gadget_cmd_disable(struct gadget *g)
{
	mutex_lock(&g->lock);
	g->on = false;
	mutex_unlock(&g->lock);
}

void gadget_bus_lock(struct gadget *g)
{
	mutex_lock(&g->bus_lock);
}

void gadget_bus_unlock(struct gadget *g)
{
	mutex_unlock(&g->bus_lock);
}

int gadget_buf_alloc(struct gadget *g, int size, struct gadget_buf *buf)
{
	buf->data = kzalloc(size, GFP_KERNEL);
	return buf->data ? 0 : -ENOMEM;
}

void gadget_buf_free(struct gadget *g, struct gadget_buf *buf)
{
	kfree(buf->data);
}

struct gadget *gadget_lookup_get(int id, struct bus *bus)
{
	return gadget_get(find(bus, id));
}

void gadget_lookup_put(struct gadget *g)
{
	gadget_put(g);
}
`,
  });
  const pairs = resolvePairs(files);
  const pair = (acquire: string) => pairs.find((p) => p.acquire === acquire);

  it('keeps a pair whose bodies take and drop a reference, with the object returned', () => {
    expect(pair('gadget_get')).toEqual({ acquire: 'gadget_get', release: 'gadget_put', carrier: 'return', releaseArg: 0, evidence: 'refcount' });
  });

  it('keeps a wrapper of a kept pair', () => {
    expect(pair('gadget_lookup_get')?.evidence).toBe('wraps');
  });

  it('drops a name family with no evidence', () => {
    expect(pair('gadget_enable')).toBeUndefined();
  });

  it('takes the argument of the type the pair is named after as the carrier', () => {
    expect(pair('gadget_buf_alloc')).toMatchObject({ release: 'gadget_buf_free', carrier: 2, releaseArg: 1, evidence: 'memory' });
  });

  it('keeps a lock pair only when the acquire returns holding the lock', () => {
    expect(pair('gadget_bus_lock')).toEqual({ acquire: 'gadget_bus_lock', release: 'gadget_bus_unlock', carrier: 0, releaseArg: 0, evidence: 'lock' });
    expect(pair('gadget_cmd_enable')).toBeUndefined();
  });
});

describe('integer conventions', () => {
  const files = mine({
    'drivers/hte/hte.c': `int of_hte_req_count(struct device *dev)
{
	int count;

	if (!dev || !dev->of_node)
		return -EINVAL;
	count = of_count_phandle_with_args(dev->of_node, "timestamps", "#timestamp-cells");
	return count ? count : -ENOENT;
}

static int hte_lookup(struct hte_chip *chip)
{
	int ret = -ENODEV;

	if (chip->ops)
		ret = 0;
	return ret;
}

int hte_wrapped(struct hte_chip *chip)
{
	return hte_lookup(chip);
}

int hte_count_via_var(struct device *dev)
{
	int n = of_hte_req_count(dev);

	return n;
}

bool hte_is_ready(struct hte_chip *chip)
{
	if (!chip->ready)
		return false;
	return true;
}

int hte_level(struct hte_chip *chip)
{
	return chip->level;
}
`,
  });
  const { errno, bool } = resolveIntegers(files);

  it('finds a negative errno returned, stored in the returned variable, or passed on from a call', () => {
    expect([...errno].sort()).toEqual(['hte_count_via_var', 'hte_wrapped', 'of_hte_req_count']);
  });

  it('finds functions that return only true or false, and leaves a plain value alone', () => {
    expect([...bool]).toEqual(['hte_is_ready']);
    expect(errno.has('hte_level') || bool.has('hte_level')).toBe(false);
  });
});

describe('integer conventions of bool functions', () => {
  const files = mine({
    'drivers/misc/flag.c': `bool flag_check(struct flag *f)
{
	if (!f->ready)
		return -EINVAL;
	return f->set;
}

int flag_get(struct flag *f)
{
	return flag_check(f);
}
`,
  });

  it('never counts a function declared bool as an errno one, nor one that returns its value', () => {
    const { errno } = resolveIntegers(files);
    expect(errno.has('flag_check')).toBe(false);
    expect(errno.has('flag_get')).toBe(false);
  });
});

describe('lock facts', () => {
  const files = mine({
    'drivers/gpu/drm/gem.c': `int gem_handle_create_tail(struct drm_file *file, struct gem_object *obj, u32 *handlep)
{
	struct drm_device *dev = obj->dev;
	int ret;

	spin_lock(&file->table_lock);
	ret = idr_alloc(&file->handles, obj, 1, 0, GFP_NOWAIT);
	spin_unlock(&file->table_lock);
	mutex_unlock(&dev->object_name_lock);
	if (ret < 0)
		return ret;
	*handlep = ret;
	return 0;
}

int gem_handle_create(struct drm_file *file, struct gem_object *obj, u32 *handlep)
{
	mutex_lock(&obj->dev->object_name_lock);
	return gem_handle_create_tail(file, obj, handlep);
}

void notify_sent(struct net_ctx *net)
{
	spin_lock(&net->lock);
	if (net->blocked) {
		net->blocked = 0;
		spin_unlock(&net->lock);
		wake(net);
	} else
		spin_unlock(&net->lock);
}

void *cache_seq_idx(struct net *net, struct cache_iter *it, loff_t pos)
{
	struct cache_entry *e;

	rcu_read_lock();
	list_for_each_entry_rcu(e, &it->list, list)
		if (pos-- == 0)
			return e;
	rcu_read_unlock();

	spin_lock_bh(it->lock);
	list_for_each_entry(e, &it->unres, list)
		if (pos-- == 0)
			return e;
	spin_unlock_bh(it->lock);
	return NULL;
}

void widget_lock(struct widget *w)
{
	mutex_lock(&w->lock);
}

int widget_add(struct widget *w, int id)
{
	int r;

	widget_lock(w);
	mutex_lock(&w->lock);
	r = idr_alloc(&w->idr, w, id, id + 1, GFP_KERNEL);
	if (r < 0)
		goto out;
	mutex_unlock(&w->lock);
	return 0;
out:
	return r;
}

int widget_enter(struct widget *w)
{
	mutex_lock(&w->lock);
	if (!w->ready) {
		mutex_unlock(&w->lock);
		return -ENODEV;
	}
	return 0;
}

static void timer_fn(struct widget *w) __releases(w->lock) __acquires(w->lock)
{
	mutex_unlock(&w->lock);
	mutex_lock(&w->lock);
}

void walk_done(struct walk *pvmw)
{
	if (pvmw->pte)
		pte_unmap(pvmw->pte);
	if (pvmw->ptl)
		spin_unlock(pvmw->ptl);
}

void walk_maybe_done(struct walk *pvmw)
{
	if (pvmw->pte)
		spin_unlock(pvmw->ptl);
}

void entry_wait_on_locked(pte_t *ptep, spinlock_t *ptl)
{
	if (ptep)
		pte_unmap_unlock(ptep, ptl);
	else
		spin_unlock(ptl);
	schedule();
}

void entry_wait_trylocked(struct folio *folio, pte_t *ptep, spinlock_t *ptl)
{
	spin_lock_irq(&folio->q->lock);
	if (!folio_trylock_flag(folio, PG_locked))
		add_to_queue(folio);
	spin_unlock_irq(&folio->q->lock);
	if (ptep)
		pte_unmap_unlock(ptep, ptl);
	else
		spin_unlock(ptl);
	schedule();
}

void entry_wait_relocked(struct folio *folio, spinlock_t *ptl)
{
	spinlock_t *again = ptl;

	spin_unlock(ptl);
	schedule();
	pte_lock(again);
}

void entry_wait_half(pte_t *ptep, spinlock_t *ptl, spinlock_t *other)
{
	if (ptep)
		pte_unmap_unlock(ptep, ptl);
	else
		spin_unlock(other);
}
`,
    'include/linux/widget.h': `extern void widget_unlock(struct widget *w) __releases(&w->lock);
`,
  });
  const { locks } = ownershipFactsFile(files, '6.1.0', 'test');

  it('finds a lock a function lets go for its caller, through a local set from a parameter', () => {
    expect(locks.gem_handle_create_tail).toEqual({ dropped: ['1->dev->object_name_lock'] });
  });

  it('finds functions that hold a lock they took on every success exit, and not one whose success exit unlocks', () => {
    expect(locks['drivers/gpu/drm/gem.c#cache_seq_idx']).toEqual({ held: ['1->lock', 'rcu'] });
    expect(locks['drivers/gpu/drm/gem.c#widget_lock']).toEqual({ held: ['0->lock'] });
    expect(locks['drivers/gpu/drm/gem.c#widget_enter']).toEqual({ held: ['0->lock'] });
    expect(locks['drivers/gpu/drm/gem.c#widget_add']).toBeUndefined();
    expect(locks['drivers/gpu/drm/gem.c#notify_sent']).toBeUndefined();
    expect(locks['drivers/gpu/drm/gem.c#gem_handle_create']).toBeUndefined();
  });

  it('finds a lock let go under a test of the lock itself, or on both sides of an if, and not one let go under another test', () => {
    expect(locks.walk_done).toEqual({ dropped: ['0->ptl'] });
    expect(locks.entry_wait_on_locked).toEqual({ dropped: ['1'] });
    expect(locks.walk_maybe_done).toBeUndefined();
    expect(locks.entry_wait_half).toBeUndefined();
  });

  it('reads a lock let go past a call it cannot follow when that call is not given the lock, and not when it is', () => {
    expect(locks.entry_wait_trylocked).toEqual({ dropped: ['2'] });
    expect(locks.entry_wait_relocked).toBeUndefined();
  });

  it('reads the annotations of prototypes and definitions; a lock released and taken again is only held', () => {
    expect(locks.widget_unlock).toEqual({ releases: ['w->lock'] });
    expect(locks['drivers/gpu/drm/gem.c#timer_fn']).toBeUndefined();
  });
});

describe('release callbacks and arguments taken', () => {
  const files = mine({
    'drivers/misc/obj.c': `static void obj_release(struct kref *kref)
{
	struct obj *o = container_of(kref, struct obj, ref);

	kfree(o->name);
	kfree(o);
}

void obj_put(struct obj *o)
{
	kref_put(&o->ref, obj_release);
}

void obj_drop(struct obj *o)
{
	if (!o)
		return;
	obj_put(o);
}

void obj_free_maybe(struct obj *o)
{
	if (o->flags)
		kfree(o);
}

static LIST_HEAD(objs);
static struct obj *current_obj;

int obj_register(struct obj_bus *bus, struct obj *o)
{
	list_add_tail(&o->node, &objs);
	return 0;
}

void obj_set_current(struct obj *o)
{
	current_obj = o;
}

void obj_attach(struct obj_bus *bus, struct obj *o)
{
	bus->obj = o;
}

void obj_touch(struct obj_bus *bus, struct obj *o)
{
	list_move_tail(&o->node, &bus->lru);
}

void obj_hash(struct obj *o, const u8 *key)
{
	SHASH_DESC_ON_STACK(desc, o->tfm);

	desc->obj = o;
	crypto_shash_digest(desc, key, 16, o->digest);
}

int obj_name_len(struct obj *o)
{
	struct obj *tmp = o;

	return strlen(tmp->name);
}

static void obj_dev_release(struct device *dev)
{
	kfree(dev);
}

static int obj_file_release(struct file *file)
{
	struct obj_ctx *ctx = container_of(file->private_data, struct obj_ctx, fh);

	kfree(ctx);
	return 0;
}

static const struct file_operations obj_fops = {
	.release = obj_file_release,
};

static const struct device_type obj_type = {
	.release = obj_dev_release,
};

void obj_ops_put(struct obj *o)
{
	kref_put(&o->ref, o->ops->destroy);
}

void obj_defer(struct obj *o)
{
	call_rcu(&o->rcu, o->ops->rcu_free);
}
`,
  });
  const { callbacks, takes } = ownershipFactsFile(files, '6.1.0', 'test');

  it('finds the callbacks handed to kref_put() and set as .release, with what they free', () => {
    expect(callbacks['drivers/misc/obj.c#obj_release']).toEqual(['kref_put', 'container']);
    expect(callbacks['drivers/misc/obj.c#obj_dev_release']).toEqual(['.release', 'argument']);
    // What the file's private data points into is not the file's container.
    expect(callbacks['drivers/misc/obj.c#obj_file_release']).toEqual(['.release', 'none']);
  });

  it('finds arguments freed, put to a freeing callback, listed or stored, through calls; not a conditional free or a local copy', () => {
    expect(takes.obj_put).toEqual([[0, 'free']]);
    expect(takes.obj_drop).toEqual([[0, 'free']]);
    expect(takes.obj_register).toEqual([[1, 'list']]);
    expect(takes.obj_set_current).toEqual([[0, 'store']]);
    expect(takes.obj_attach).toEqual([[1, 'store']]);
    expect(takes.obj_free_maybe).toBeUndefined();
    expect(takes.obj_name_len).toBeUndefined();
    expect(takes.obj_touch).toBeUndefined();
    expect(takes.obj_hash).toBeUndefined();
  });

  it('finds a count put through a release it cannot follow, and not an RCU callback it cannot follow', () => {
    expect(takes.obj_ops_put).toEqual([[0, 'put']]);
    expect(takes.obj_defer).toBeUndefined();
  });
});

describe('release callbacks freeing through call_rcu(), a member of the container, or a helper', () => {
  const files = mine({
    'include/media/fh.h': `#define fh_to_ctx(f) container_of((f)->private_data, struct fh_ctx, fh)
#define kobj_to_node(k) container_of(k, struct node, kobj)
`,
    'drivers/media/vdec.h': `static inline struct vdec_inst *to_inst(struct file *filp)
{
	return container_of(filp->private_data, struct vdec_inst, fh);
}

static inline struct vdec_buf *to_buf(struct kref *ref)
{
	return container_of(ref, struct vdec_buf, ref);
}
`,
    'drivers/misc/port.c': `static void port_free_rcu(struct rcu_head *head)
{
	struct port *p = container_of(head, struct port, rcu);

	kfree(p);
}

static void port_destroy(struct port *port)
{
	netdev_put(port->dev);
	call_rcu(&port->rcu, port_free_rcu);
}

static void port_destroy_late(struct port *port)
{
	call_rcu(&port->dev->rcu, port_free_rcu);
}

static void port_release(struct kref *kref)
{
	struct port *p = container_of(kref, struct port, ref);

	call_rcu(&p->rcu, port_free_rcu);
}

void port_put(struct port *p)
{
	kref_put(&p->ref, port_release);
}

static const struct port_ops port_ops = {
	.destroy = port_destroy,
	.free = port_destroy_late,
};
`,
    'drivers/dma-buf/fence.c': `void fence_free(struct dma_fence *fence)
{
	kfree_rcu(fence, rcu);
}

static void my_fence_release(struct dma_fence *base)
{
	struct my_fence *fence = container_of(base, typeof(*fence), base);

	del_timer_sync(&fence->timer);
	fence_free(&fence->base);
}

static void my_fence_release_timer(struct dma_fence *base)
{
	struct my_fence *fence = container_of(base, typeof(*fence), base);

	fence_free(&fence->timer);
}

static const struct dma_fence_ops my_fence_ops = {
	.release = my_fence_release,
	.free = my_fence_release_timer,
};
`,
    'drivers/media/vdec.c': `static int vdec_close(struct file *file)
{
	struct vdec_inst *inst = to_inst(file);

	kfree(inst);
	return 0;
}

static int vdec_ctx_close(struct file *file)
{
	kfree(fh_to_ctx(file));
	return 0;
}

static void vdec_buf_release(struct kref *ref)
{
	struct vdec_buf *buf = to_buf(ref);

	kfree(buf);
}

static void node_release(struct kobject *kobj)
{
	kfree(kobj_to_node(kobj));
}

static const struct v4l2_file_operations vdec_fops = {
	.release = vdec_close,
	.destroy = vdec_ctx_close,
};

static const struct kobj_type node_ktype = {
	.release = node_release,
};

void vdec_buf_put(struct vdec_buf *buf)
{
	kref_put(&buf->ref, vdec_buf_release);
}
`,
  });
  const { callbacks, takes } = ownershipFactsFile(files, '6.1.0', 'test');

  it('follows call_rcu() of the argument or of its container to a callback that frees the container of its rcu_head', () => {
    expect(callbacks['drivers/misc/port.c#port_free_rcu']).toEqual(['call_rcu', 'container']);
    expect(callbacks['drivers/misc/port.c#port_destroy']).toEqual(['.destroy', 'argument']);
    expect(callbacks['drivers/misc/port.c#port_release']).toEqual(['kref_put', 'container']);
    expect(takes.port_put).toEqual([[0, 'free']]);
    // The rcu_head of another object (what a field points to) says nothing of the argument.
    expect(callbacks['drivers/misc/port.c#port_destroy_late']).toEqual(['.free', 'none']);
  });

  it('reads &container->member, the member container_of() came through, as the argument itself', () => {
    expect(callbacks['drivers/dma-buf/fence.c#my_fence_release']).toEqual(['.release', 'argument']);
    expect(callbacks['drivers/dma-buf/fence.c#my_fence_release_timer']).toEqual(['.free', 'none']);
  });

  it('counts a helper\'s container as the argument\'s only when the helper converts the argument itself', () => {
    expect(callbacks['drivers/media/vdec.c#vdec_close']).toEqual(['.release', 'none']);
    expect(callbacks['drivers/media/vdec.c#vdec_ctx_close']).toEqual(['.destroy', 'none']);
    expect(callbacks['drivers/media/vdec.c#vdec_buf_release']).toEqual(['kref_put', 'container']);
    expect(callbacks['drivers/media/vdec.c#node_release']).toEqual(['.release', 'container']);
    expect(takes.vdec_buf_put).toEqual([[0, 'free']]);
  });
});

describe('device-managed functions', () => {
  const files = mine({
    'drivers/base/devres.c': `void *devm_kmalloc(struct device *dev, size_t size, gfp_t gfp)
{
	return __devres_alloc(size, gfp);
}
`,
    'drivers/base/devres-extra.c': `void devm_release_thing(struct device *dev, struct thing *t)
{
	devres_release(dev, thing_release, thing_match, t);
}
`,
    'drivers/misc/priv.c': `struct priv *priv_alloc(struct device *dev)
{
	struct priv *p = devm_kmalloc(dev, sizeof(*p), GFP_KERNEL);

	if (!p)
		return ERR_PTR(-ENOMEM);
	return p;
}

struct priv *priv_alloc_plain(struct device *dev)
{
	return kmalloc(sizeof(struct priv), GFP_KERNEL);
}
`,
  });
  const managed = ownershipFactsFile(files, '6.1.0', 'test').managed.split(' ');

  it('finds devm_ functions (not those that undo early) and the wrappers whose value is only a managed call', () => {
    expect(managed).toEqual(['devm_kmalloc', 'priv_alloc']);
  });
});
