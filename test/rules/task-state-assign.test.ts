import { taskStateAssign } from '../../src/rules/task-state-assign.js';
import { ruleTester, runRuleCase } from '../helpers/rule-tester.js';

ruleTester(taskStateAssign, {
  valid: [
    {
      name: 'set_current_state before schedule, __set_current_state(TASK_RUNNING) after',
      path: 'drivers/misc/example_wait.c',
      code: `static void example_wait_done(struct example *ex)
{
	for (;;) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		if (READ_ONCE(ex->done))
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
}
`,
    },
    {
      name: 'comparison and read of the state',
      path: 'kernel/example_debug.c',
      code: `static bool example_is_sleeping(struct task_struct *p)
{
	unsigned int state = READ_ONCE(p->__state);

	if (current->state == TASK_RUNNING)
		return false;
	return state != TASK_RUNNING;
}
`,
    },
    {
      name: 'device state machine',
      path: 'drivers/usb/gadget/function/example_fsg.c',
      code: `static void example_raise_exception(struct example_common *common, enum example_state new_state)
{
	common->state = new_state;
	common->dev->state = STATE_IDLE;
}
`,
    },
    {
      name: 'phy and buffer states',
      path: 'drivers/net/phy/example_phy.c',
      code: `static void example_phy_start(struct phy_device *phydev, struct example_buf *bh)
{
	phydev->state = PHY_UP;
	bh->state = BUF_STATE_EMPTY;
}
`,
    },
    {
      name: 'WRITE_ONCE of another task state, as the scheduler does',
      path: 'kernel/sched/example.c',
      code: `static void example_init_idle(struct task_struct *idle)
{
	WRITE_ONCE(idle->__state, TASK_RUNNING);
}
`,
    },
    {
      name: 'a driver task structure with its own TASK_STATE enum',
      path: 'drivers/scsi/example_tmf.c',
      code: `static void example_task_done(struct example_task *task)
{
	task->state = TASK_STATE_DONE;
}
`,
    },
    {
      name: 'set_special_state for a stopped task',
      path: 'kernel/example_signal.c',
      code: `static void example_do_stop(void)
{
	set_special_state(TASK_STOPPED);
	schedule();
}
`,
    },
    {
      name: 'the scheduler core setting up a new task',
      path: 'kernel/sched/core.c',
      code: `int sched_fork(unsigned long clone_flags, struct task_struct *p)
{
	__sched_fork(clone_flags, p);
	p->__state = TASK_NEW;
	return 0;
}
`,
    },
  ],
  invalid: [
    {
      name: 'current->state before schedule',
      path: 'kernel/example_restart.c',
      code: `static int example_restart_thread(void *arg)
{
	struct example_ctx *ctx = arg;

	current->state = TASK_UNINTERRUPTIBLE; /* expect: task-state-assign "set_current_state(TASK_UNINTERRUPTIBLE)" */
	complete(&ctx->started);
	schedule();
	return 0;
}
`,
    },
    {
      name: 'TASK_RUNNING with a plain store',
      path: 'drivers/char/example_poll.c',
      code: `static void example_wait_end(void)
{
	current->state = TASK_RUNNING; /* expect: task-state-assign "__set_current_state(TASK_RUNNING)" */
}
`,
    },
    {
      name: 'another task declared struct task_struct *',
      path: 'kernel/example_freeze.c',
      code: `static void example_park(struct task_struct *tsk)
{
	tsk->state = TASK_INTERRUPTIBLE; /* expect: task-state-assign "wake_up_process()" */
}
`,
    },
    {
      name: '__state of a task whose type the patch does not show',
      path: 'kernel/example_exit.c',
      code: `void example_mark_dead(void)
{
	p->__state = TASK_DEAD; /* expect: task-state-assign */
}
`,
    },
    {
      name: 'a local that is current',
      path: 'drivers/misc/example_sleep.c',
      code: `static void example_sleep(struct example *ex)
{
	struct task_struct *me = current;

	me->state = TASK_INTERRUPTIBLE; /* expect: task-state-assign "the test of \`!ex->ready\` at line 6" */
	if (!ex->ready)
		schedule();
}
`,
    },
    {
      name: 'a task state held in a variable',
      path: 'kernel/example_state.c',
      code: `static void example_set(struct task_struct *tsk, unsigned int state)
{
	tsk->state = state; /* expect: task-state-assign */
}
`,
    },
    {
      name: 'state set long before schedule, with a sleeping allocation in between',
      path: 'drivers/misc/example_worker.c',
      code: `static int example_worker(void *arg)
{
	struct example_job *job;

	current->state = TASK_UNINTERRUPTIBLE; /* expect: task-state-assign "kzalloc() at line 6 can sleep before the schedule() at line 10" */
	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job)
		return -ENOMEM;
	example_queue_job(arg, job);
	schedule();
	return 0;
}
`,
    },
    {
      name: 'state overwritten by a sleep and set again before schedule',
      path: 'drivers/misc/example_park.c',
      code: `static int example_park_thread(void *arg)
{
	struct example_req *req;

	current->state = TASK_INTERRUPTIBLE; /* expect: task-state-assign "The __set_current_state() at line 10, right before schedule(), is what takes effect" */
	req = kmalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	example_submit(arg, req);
	__set_current_state(TASK_INTERRUPTIBLE);
	schedule();
	return 0;
}
`,
    },
    {
      name: 'combined state',
      path: 'kernel/example_idle.c',
      code: `static void example_idle_wait(void)
{
	current->state = TASK_UNINTERRUPTIBLE | TASK_NOLOAD; /* expect: task-state-assign "set_current_state(TASK_UNINTERRUPTIBLE | TASK_NOLOAD)" */
	schedule();
}
`,
    },
  ],
});

describe('task-state-assign: the note on the v5.14 rename', () => {
  const twoStores = `static void example_wait(void)
{
	current->state = TASK_UNINTERRUPTIBLE;
	schedule();
	current->state = TASK_INTERRUPTIBLE;
	schedule();
}
`;
  const notes = async (date?: string) =>
    (await runRuleCase(taskStateAssign, { name: 'two stores', path: 'drivers/misc/example_wait.c', code: twoStores, date })).map((finding) =>
      finding.comment.includes('renamed __state in v5.14'),
    );

  it('comes once per patch, on the first store, when the patch predates v5.14', async () => {
    expect(await notes('Wed, 3 Sep 2008 14:57:55 +0400')).toEqual([true, false]);
  });

  it('is left out of a patch from after v5.14, and of an undated change', async () => {
    expect(await notes('Mon, 4 Mar 2024 10:00:00 +0000')).toEqual([false, false]);
    expect(await notes()).toEqual([false, false]);
  });
});
