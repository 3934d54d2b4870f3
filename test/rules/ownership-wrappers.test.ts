/**
 * Wrappers of the patch around an acquire or a release (issue 16): a driver's own
 * `foo_get()` around kref_get(), `foo_enable_clk()` around clk_prepare_enable(), or
 * `foo_alloc()` around kzalloc() takes what the wrapped call takes, and its
 * `foo_put()`/`foo_disable_clk()` releases it.
 */
import { lockImbalance } from '../../src/rules/lock-imbalance.js';
import { memLeak } from '../../src/rules/mem-leak.js';
import { refLeak } from '../../src/rules/ref-leak.js';
import { ruleTester } from '../helpers/rule-tester.js';

const krefHelpers = `struct foo {
	struct kref ref;
	int id;
};

static void foo_release(struct kref *ref)
{
	kfree(container_of(ref, struct foo, ref));
}

static inline struct foo *foo_get(struct foo *f)
{
	kref_get(&f->ref);
	return f;
}

static inline void foo_put(struct foo *f)
{
	kref_put(&f->ref, foo_release);
}
`;

const clkHelpers = `static int foo_enable_clk(struct foo_priv *priv)
{
	return clk_prepare_enable(priv->clk);
}

static void foo_disable_clk(struct foo_priv *priv)
{
	clk_disable_unprepare(priv->clk);
}
`;

const allocHelpers = `struct foo_buf {
	struct kref ref;
	size_t len;
};

static void foo_buf_release(struct kref *ref)
{
	kfree(container_of(ref, struct foo_buf, ref));
}

static struct foo_buf *foo_alloc_buf(size_t len)
{
	struct foo_buf *b = kzalloc(sizeof(*b), GFP_KERNEL);

	if (!b)
		return NULL;
	b->len = len;
	kref_init(&b->ref);
	return b;
}

static void foo_buf_put(struct foo_buf *b)
{
	kref_put(&b->ref, foo_buf_release);
}
`;

ruleTester(refLeak, {
  valid: [
    {
      name: 'the get wrapper is dropped with the put wrapper on every path',
      code: `${krefHelpers}
int foo_use(struct foo *f)
{
	struct foo *g = foo_get(f);

	if (g->id < 0) {
		foo_put(g);
		return -EINVAL;
	}
	foo_report(g);
	foo_put(g);
	return 0;
}
`,
    },
    {
      name: 'the clock enabled by the wrapper is disabled by the other wrapper on the error path',
      code: `${clkHelpers}
static int foo_resume(struct device *dev)
{
	struct foo_priv *priv = dev_get_drvdata(dev);
	int ret;

	ret = foo_enable_clk(priv);
	if (ret)
		return ret;
	ret = foo_hw_init(priv);
	if (ret) {
		foo_disable_clk(priv);
		return ret;
	}
	return 0;
}
`,
    },
    {
      name: 'a get wrapper returns its argument: NULL when there was nothing to take',
      code: `${krefHelpers}
static int foo_open(struct inode *inode, struct file *file)
{
	struct foo *tmp, *f = NULL;

	mutex_lock(&foo_list_lock);
	list_for_each_entry(tmp, &foo_list, link)
		if (tmp->id == iminor(inode)) {
			f = foo_get(tmp);
			break;
		}
	mutex_unlock(&foo_list_lock);
	if (f == NULL)
		return -ENODEV;
	file->private_data = f;
	return 0;
}
`,
    },
    {
      name: 'a reference taken for the object a submitted request points to goes with the request',
      code: `${krefHelpers}
static struct bio *foo_submit_bio(struct bio *bio)
{
	if (bio) {
		foo_get(bio->bi_private);
		submit_bio(bio);
	}
	return NULL;
}
`,
    },
    {
      name: 'devm_add_action_or_reset() drops the reference itself when it fails',
      code: `struct foo *foo_region_get(struct device *parent, struct foo *region)
{
	kref_get(&region->kref);
	if (devm_add_action_or_reset(parent, foo_region_put, region))
		return NULL;
	return region;
}
`,
    },
    {
      name: 'a helper that stores something else in the result is no wrapper of the acquire',
      code: `static int foo_power_on(struct foo *foo)
{
	int ret;

	ret = regulator_bulk_enable(FOO_NUM_SUPPLIES, foo->supplies);
	if (ret)
		return ret;
	if (foo->s_power)
		ret = foo->s_power(1);
	return ret;
}

static int foo_set_power(struct foo *foo, int on)
{
	int ret = 0;

	if (on) {
		ret = foo_power_on(foo);
		if (!ret)
			ret = foo_initialize(foo);
	}
	return ret;
}
`,
    },
  ],
  invalid: [
    {
      name: 'request_irq() keeps the dev_id it is given, but the irq it takes stays the caller\'s to free',
      code: `static int foo_probe(struct platform_device *pdev)
{
	struct foo *priv = platform_get_drvdata(pdev);
	int ret;

	ret = request_irq(priv->irq, foo_isr, 0, "foo", priv);
	if (ret)
		return ret;
	ret = foo_hw_init(priv);
	if (ret)
		return ret; /* expect: ref-leak "free_irq(priv->irq, priv)" */
	ret = foo_register(priv);
	if (ret) {
		free_irq(priv->irq, priv);
		return ret;
	}
	return 0;
}
`,
    },
    {
      name: 'an error return between a get wrapper and the put wrapper',
      code: `${krefHelpers}
int foo_use(struct foo *f)
{
	struct foo *g = foo_get(f);

	if (g->id < 0)
		return -EINVAL; /* expect: ref-leak "call foo_put() too" */
	foo_report(g);
	foo_put(g);
	return 0;
}
`,
    },
    {
      name: 'an error return after a clock enabled through a wrapper',
      code: `${clkHelpers}
static int foo_probe(struct platform_device *pdev)
{
	struct foo_priv *priv;
	int ret;

	priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->clk = devm_clk_get(&pdev->dev, NULL);
	if (IS_ERR(priv->clk))
		return PTR_ERR(priv->clk);
	ret = foo_enable_clk(priv);
	if (ret)
		return ret;
	ret = foo_hw_init(priv);
	if (ret)
		return ret; /* expect: ref-leak "call foo_disable_clk() too" */
	ret = foo_register(priv);
	if (ret) {
		foo_disable_clk(priv);
		return ret;
	}
	platform_set_drvdata(pdev, priv);
	return 0;
}
`,
    },
  ],
});

ruleTester(memLeak, {
  valid: [
    {
      name: 'what the allocating wrapper returns is freed by the last put of its kref',
      code: `${allocHelpers}
static int foo_send(struct foo_priv *priv, size_t len)
{
	struct foo_buf *b;
	int ret;

	b = foo_alloc_buf(len);
	if (!b)
		return -ENOMEM;
	ret = foo_fill(priv, b);
	if (ret)
		goto out;
	ret = foo_xmit(priv, b);
out:
	foo_buf_put(b);
	return ret;
}
`,
    },
  ],
  invalid: [
    {
      name: 'an error return after an allocating wrapper',
      code: `${allocHelpers}
static int foo_send(struct foo_priv *priv, size_t len)
{
	struct foo_buf *b;
	int ret;

	b = foo_alloc_buf(len);
	if (!b)
		return -ENOMEM;
	ret = foo_fill(priv, b);
	if (ret)
		return ret; /* expect: mem-leak "foo_alloc_buf()" */
	ret = foo_xmit(priv, b);
	foo_buf_put(b);
	return ret;
}
`,
    },
  ],
});

const lockHelpers = `static void foo_lock(struct foo *f)
{
	mutex_lock(&f->lock);
}

static void foo_unlock(struct foo *f)
{
	mutex_unlock(&f->lock);
}
`;

ruleTester(lockImbalance, {
  valid: [
    {
      name: 'a lock taken through a wrapper and released through the other on every path',
      code: `${lockHelpers}
int foo_set(struct foo *f, int v)
{
	foo_lock(f);
	if (v < 0) {
		foo_unlock(f);
		return -EINVAL;
	}
	f->v = v;
	foo_unlock(f);
	return 0;
}
`,
    },
  ],
  invalid: [
    {
      name: 'an error return with the lock a wrapper took',
      code: `${lockHelpers}
int foo_set(struct foo *f, int v)
{
	foo_lock(f);
	if (v < 0)
		return -EINVAL; /* expect: lock-imbalance "foo_lock()" */
	f->v = v;
	foo_unlock(f);
	return 0;
}
`,
    },
  ],
});

ruleTester(refLeak, {
  valid: [],
  invalid: [
    {
      name: 'a runtime PM count taken through a wrapper of pm_runtime_resume_and_get()',
      code: `static int foo_pm_get(struct foo *f)
{
	return pm_runtime_resume_and_get(f->dev);
}

int foo_read(struct foo *f, u32 *out)
{
	int ret;

	ret = foo_pm_get(f);
	if (ret)
		return ret;
	if (!f->regs)
		return -ENODEV; /* expect: ref-leak "pm_runtime_put(f->dev)" */
	*out = readl(f->regs);
	pm_runtime_put(f->dev);
	return 0;
}
`,
    },
  ],
});
