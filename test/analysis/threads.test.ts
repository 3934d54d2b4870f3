import { FunctionSummaries } from '../../src/analysis/ownership/summaries.js';
import { findCompletionWaits, findThreadStarts, waiterFor } from '../../src/analysis/ownership/threads.js';
import { initTreeSitter } from '../../src/parsers/treesitter.js';
import { sourceOf } from './build.js';

beforeAll(async () => {
  await initTreeSitter();
});

const code = `static int local_kernel_thread(int (*fn)(void *), void *arg, unsigned long flags)
{
	pid_t ret;

	if (!try_module_get(THIS_MODULE))
		return -EBUSY;
	ret = kernel_thread(fn, arg, flags);
	if (ret < 0)
		module_put(THIS_MODULE);
	return ret;
}

static int restart_thread(void *arg)
{
	struct thr_context *ctx = arg;

	complete(&ctx->complete);
	return 0;
}

static int poller(void *arg)
{
	return 0;
}

int restart(struct thr_context *ctx)
{
	struct task_struct *t;
	int pid = local_kernel_thread(restart_thread, ctx, 0);

	if (pid < 0)
		return pid;
	t = kthread_run(poller, ctx, "poller");
	wait_for_completion(&ctx->complete);
	wait_for_completion_timeout(&ctx->done, HZ);
	return 0;
}
`;

describe('thread starts and waits', () => {
  it('follows a helper that forwards its function pointer to kernel_thread(), with the reference it took', () => {
    const source = sourceOf(code, 'cpt/rst.c');
    try {
      const starts = findThreadStarts([source], new FunctionSummaries([source]));
      expect(starts.map((start) => [start.threadFunction, start.via, start.starterFunction, start.moduleReference?.key ?? null])).toEqual([
        ['restart_thread', 'local_kernel_thread', 'restart', 'THIS_MODULE'],
        ['poller', 'kthread_run', 'restart', null],
      ]);
      expect(starts[0].moduleReference?.functionName).toBe('local_kernel_thread');
    } finally {
      source.free();
    }
  });

  it('matches a completion with its waiter by field, and a timed wait does not count as forever', () => {
    const source = sourceOf(code, 'cpt/rst.c');
    try {
      const waits = findCompletionWaits([source]);
      expect(waits.map((wait) => [wait.key, wait.forever])).toEqual([
        ['ctx->complete', true],
        ['ctx->done', false],
      ]);
      expect(waiterFor('thr_ctx->complete', waits, 'restart_thread')?.functionName).toBe('restart');
      expect(waiterFor('ctx->done', waits, 'restart_thread')).toBeNull();
    } finally {
      source.free();
    }
  });
});
