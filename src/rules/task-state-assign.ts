/**
 * task-state-assign: a task's scheduler state written with a plain store
 * (`current->state = TASK_UNINTERRUPTIBLE;`) instead of set_current_state() and friends.
 */
import type { CSource, Node } from '../model/source.js';
import type { FindingDraft, Rule, RuleContext } from './rule.js';
import { callsAfter, calleeName, declarationOf, enclosingFunctionDefinition, functionDefinitionName, identifiersIn, nodesOfType, stripParentheses } from '../parsers/c-syntax.js';
import { postLineOf } from '../parsers/source-lines.js';

const ID = 'task-state-assign';

/** The scheduler's task states (include/linux/sched.h), old and new. */
const TASK_STATES = new Set([
  'TASK_RUNNING', 'TASK_INTERRUPTIBLE', 'TASK_UNINTERRUPTIBLE', '__TASK_STOPPED', '__TASK_TRACED', 'TASK_PARKED',
  'TASK_DEAD', 'TASK_WAKEKILL', 'TASK_WAKING', 'TASK_NOLOAD', 'TASK_NEW', 'TASK_RTLOCK_WAIT', 'TASK_FREEZABLE',
  'TASK_FROZEN', 'TASK_KILLABLE', 'TASK_STOPPED', 'TASK_TRACED', 'TASK_IDLE', 'TASK_NORMAL', 'TASK_FREEZABLE_UNSAFE',
  'TASK_ANY', 'TASK_STATE_MAX',
]);

const SCHEDULE_CALLS = new Set(['schedule', 'schedule_timeout', 'io_schedule', 'io_schedule_timeout', 'schedule_hrtimeout', 'freezable_schedule', 'schedule_preempt_disabled']);

/** The scheduler itself writes task states under its own locking rules (sched_fork() and the like). */
const SCHEDULER_CORE = /^kernel\/sched\//;

type TaskKind = 'current' | 'task' | 'unknown';

/** Whether `object` (the `x` of `x->state`) is the current task, another task, or unknown. */
function taskKindOf(object: Node): TaskKind {
  const inner = stripParentheses(object);
  if (inner.text === 'current' || inner.text === 'get_current()') return 'current';
  if (inner.type !== 'identifier') return 'unknown';
  const declaration = declarationOf(inner.text, inner);
  if (!declaration || !declaration.isPointer || !/\bstruct\s+task_struct\b/.test(declaration.typeText)) return 'unknown';
  const initial = declaration.value ? stripParentheses(declaration.value).text : '';
  return initial === 'current' || initial === 'get_current()' ? 'current' : 'task';
}

interface StateStore {
  assignment: Node;
  object: Node;
  field: string;
  states: string[];
  kind: TaskKind;
}

function isRunning(store: StateStore): boolean {
  return store.states.length === 1 && store.states[0] === 'TASK_RUNNING';
}

const STATE_FIELD = /->\s*(?:__)?state(?![\w$])/;

function stateStoreOf(assignment: Node): StateStore | null {
  const left = assignment.childForFieldName('left');
  const right = assignment.childForFieldName('right');
  if (left?.type !== 'field_expression' || !right) return null;
  const field = left.childForFieldName('field')?.text ?? '';
  const object = left.childForFieldName('argument');
  if (!object || (field !== 'state' && field !== '__state') || left.child(1)?.text !== '->') return null;
  const states = [...identifiersIn(right)].filter((name) => TASK_STATES.has(name));
  const kind = taskKindOf(object);
  if (states.length === 0 && kind === 'unknown') return null;
  return { assignment, object, field, states, kind };
}

/** Calls that may sleep whatever their arguments (allocation calls only with GFP_KERNEL). */
const SLEEPING_CALLS = new Set([
  'mutex_lock', 'mutex_lock_interruptible', 'mutex_lock_killable', 'down', 'down_interruptible', 'down_read', 'down_write',
  'msleep', 'msleep_interruptible', 'usleep_range', 'ssleep', 'wait_for_completion', 'wait_for_completion_interruptible',
  'wait_for_completion_timeout', 'copy_from_user', 'copy_to_user', 'flush_work', 'cancel_work_sync', 'synchronize_rcu',
  'kthread_stop', 'cond_resched',
]);
const ALLOCATION_CALL = /^(k[mzc]alloc|kmalloc_array|kvmalloc|kvzalloc|vmalloc|vzalloc|kmem_cache_alloc|kmem_cache_zalloc|alloc_pages?|__get_free_pages?)$/;

function maySleep(call: Node): boolean {
  const name = calleeName(call) ?? '';
  if (SLEEPING_CALLS.has(name)) return true;
  return ALLOCATION_CALL.test(name) && /\bGFP_KERNEL\b/.test(call.childForFieldName('arguments')?.text ?? '');
}

/** What happens between the store and the schedule() it prepares. */
interface PathToSchedule {
  scheduleLine: number | null;
  /** A call that may sleep first, which puts the task back to TASK_RUNNING. */
  sleeper: { name: string; line: number } | null;
  /** A later set_current_state()/__set_current_state() before the schedule(). */
  reset: { name: string; line: number } | null;
  /** The first condition tested between the store and the schedule(), as written. */
  test: { text: string; line: number } | null;
}

const STATE_SETTERS = new Set(['set_current_state', '__set_current_state', 'set_special_state']);

function pathToSchedule(store: StateStore, source: CSource): PathToSchedule {
  const none: PathToSchedule = { scheduleLine: null, sleeper: null, reset: null, test: null };
  const scope = enclosingFunctionDefinition(store.assignment);
  if (!scope) return none;
  const calls = callsAfter(scope, store.assignment);
  const scheduleIndex = calls.findIndex((candidate) => SCHEDULE_CALLS.has(calleeName(candidate) ?? ''));
  if (scheduleIndex < 0) return none;
  const between = calls.slice(0, scheduleIndex);
  const sleeper = between.find(maySleep);
  const reset = between.find((call) => STATE_SETTERS.has(calleeName(call) ?? ''));
  const schedule = calls[scheduleIndex];
  return {
    scheduleLine: postLineOf(source, schedule),
    sleeper: sleeper ? namedCallAt(sleeper, source) : null,
    reset: reset ? namedCallAt(reset, source) : null,
    test: testBetween(scope, store.assignment, schedule, source),
  };
}

/**
 * The first if/while condition between `from` and `to` that looks like a wake-up condition:
 * it reads shared state (a field or a call such as signal_pending()), not only locals that
 * were computed after the state change (`if (!buf)` after a kmalloc() is no wake-up test).
 */
function testBetween(scope: Node, from: Node, to: Node, source: CSource): { text: string; line: number } | null {
  const between = (node: Node) => node.startIndex >= from.endIndex && node.startIndex < to.startIndex;
  const assignedSince = new Set(
    nodesOfType(scope, ['assignment_expression', 'init_declarator'])
      .filter(between)
      .map((assignment) => stripParentheses(assignment.childForFieldName('left') ?? assignment.childForFieldName('declarator') ?? assignment).text),
  );
  for (const statement of nodesOfType(scope, ['if_statement', 'while_statement']).filter(between)) {
    const condition = statement.childForFieldName('condition');
    if (!condition || nodesOfType(condition, ['field_expression', 'call_expression']).length === 0) continue;
    if ([...identifiersIn(condition)].some((name) => assignedSince.has(name))) continue;
    const line = postLineOf(source, condition);
    if (line === null) continue;
    return { text: condition.text.replace(/^\(\s*|\s*\)$/g, '').replace(/\s+/g, ' '), line };
  }
  return null;
}

function namedCallAt(call: Node, source: CSource): { name: string; line: number } | null {
  const line = postLineOf(source, call);
  return line === null ? null : { name: calleeName(call) ?? '', line };
}

function renameNote(store: StateStore): string {
  return store.field === 'state'
    ? ' (The field was renamed to task_struct::__state in v5.14 so that every plain access like this one would be found and converted.)'
    : '';
}

function sleeperNote(path: PathToSchedule): string {
  if (!path.sleeper || path.scheduleLine === null) return '';
  return (
    ` There is a second problem here: ${path.sleeper.name}() at line ${path.sleeper.line} can sleep before the schedule() at line ${path.scheduleLine}, and a task that sleeps comes back TASK_RUNNING, so the state set here is lost on the way. ` +
    `The state has to be set right before schedule().`
  );
}

/** The state is set, then overwritten by a sleep, then set again before schedule(): the store is dead. */
function deadStoreComment(store: StateStore, where: string, path: PathToSchedule): string | null {
  const { sleeper, reset, scheduleLine } = path;
  if (!sleeper || !reset || scheduleLine === null) return null;
  return (
    `${where} writes ${store.object.text}->${store.field} directly, and the state does not last: ${sleeper.name}() at line ${sleeper.line} can sleep before the schedule() at line ${scheduleLine}, and a task that sleeps comes back TASK_RUNNING. ` +
    `The ${reset.name}() at line ${reset.line}, right before schedule(), is what takes effect, so this line can go. ` +
    `Where a task state has to be set, please use set_current_state(), whose full barrier (smp_store_mb()) orders the store before the test of the wake-up condition so that a wake-up in between is not lost, or __set_current_state() when nothing is tested; a plain store is neither.${renameNote(store)}`
  );
}

function currentTaskComment(store: StateStore, where: string, path: PathToSchedule): string {
  const stateText = store.assignment.childForFieldName('right')?.text ?? 'TASK_RUNNING';
  const target = store.object.text;
  if (isRunning(store)) {
    return `${where} sets ${target}->${store.field} to TASK_RUNNING with a plain store; please use __set_current_state(TASK_RUNNING). Going back to running needs no barrier, but the store must still be a single WRITE_ONCE(), since the scheduler and wakers read the state without holding any lock.${renameNote(store)}`;
  }
  const dead = deadStoreComment(store, where, path);
  if (dead) return dead;
  const before = path.scheduleLine !== null ? ` before the schedule() at line ${path.scheduleLine}` : ' before the task sleeps';
  const testMade = path.test ? `the test of \`${path.test.text}\` at line ${path.test.line}` : `the test of the wake-up condition made${before}`;
  const alternative = path.test || path.sleeper
    ? ''
    : ' If nothing is tested between the state change and schedule(), __set_current_state() says so, and still makes the store a WRITE_ONCE().';
  return (
    `${where} writes ${target}->${store.field} directly; please use set_current_state(${stateText}). ` +
    `set_current_state() follows the store with a full memory barrier (smp_store_mb()), so that ${testMade} cannot be reordered before the state change. ` +
    `With a plain store, a waker that sets the condition and calls wake_up_process() in between still sees the task running and does nothing, and this task then sleeps with nobody left to wake it.` +
    `${alternative}${sleeperNote(path)}${renameNote(store)}`
  );
}

function otherTaskComment(store: StateStore, where: string): string {
  const target = store.object.text;
  return (
    `${where} writes ${target}->${store.field} of a task that need not be the one running. A task's state belongs to the task itself and to the scheduler: ` +
    `a plain store here races with try_to_wake_up() on ${target}, which reads and changes the state under ${target}->pi_lock, and a wake-up can be lost or a running task marked asleep. ` +
    `If ${target} is always current here, please use set_current_state() / __set_current_state(); to wake ${target} up, wake_up_process(); a task setting a state that wake-ups must not override uses set_special_state(). ` +
    `Where the scheduler itself has to write another task's state, it does so with WRITE_ONCE(p->__state, ...) under the task's locks.`
  );
}

function unknownTargetComment(store: StateStore, where: string, path: PathToSchedule): string {
  return `${currentTaskComment({ ...store, kind: 'current' }, where, path)} If ${store.object.text} is not the current task, no plain store is right either: wake it with wake_up_process().`;
}

function findingFor(store: StateStore, source: CSource): FindingDraft | null {
  const line = postLineOf(source, store.assignment);
  if (line === null) return null;
  const definition = enclosingFunctionDefinition(store.assignment);
  const name = definition ? functionDefinitionName(definition) : null;
  const where = name ? `${name}()` : 'This code';
  const path = pathToSchedule(store, source);
  const scheduleLine = path.scheduleLine;
  const comment =
    store.kind === 'current'
      ? currentTaskComment(store, where, path)
      : store.kind === 'task'
        ? otherTaskComment(store, where)
        : unknownTargetComment(store, where, path);
  const helper = store.kind === 'current' || store.kind === 'unknown' ? (isRunning(store) ? '__set_current_state()' : 'set_current_state()') : 'the scheduler helpers';
  return {
    rule: ID,
    file: source.file.path,
    line,
    column: store.assignment.startPosition.column + 1,
    summary: `plain store to ${store.object.text}->${store.field}; use ${helper}`,
    comment,
    related: scheduleLine !== null && scheduleLine !== line && !isRunning(store) ? [{ file: source.file.path, line: scheduleLine, note: 'schedule() that the state change prepares' }] : [],
  };
}

export const taskStateAssign: Rule = {
  meta: {
    id: ID,
    severity: 'warning',
    summary: 'Task state written with a plain store instead of set_current_state()',
    why:
      'A task that goes to sleep sets its state, then tests its wake-up condition, then calls schedule(). set_current_state() puts a full memory barrier after the store, so the test cannot move before it; ' +
      'with a plain store a waker can set the condition and call wake_up_process() in between, see the task still running, and the wake-up is lost. ' +
      'The scheduler reads the state locklessly, so even stores that need no barrier go through __set_current_state() (a WRITE_ONCE()).',
    example: 'current->state = TASK_UNINTERRUPTIBLE;\nif (!done)\n\tschedule();',
    useInstead: 'set_current_state(TASK_UNINTERRUPTIBLE);\nif (!done)\n\tschedule();\n__set_current_state(TASK_RUNNING);',
    limits:
      'Fires on assignments to ->state or ->__state of current, of a variable the patch declares as struct task_struct *, or of anything when the value is one of the scheduler TASK_* states. ' +
      'A task pointer whose type the patch does not show, assigned a state held in a variable, is not seen. Reads and comparisons of the state are left alone, and so is the scheduler core (kernel/sched/), which writes states of tasks nobody else can see yet under its own rules.',
  },
  check(context: RuleContext): FindingDraft[] {
    const findings: FindingDraft[] = [];
    for (const source of context.current.sources) {
      if (source.kind !== 'c' || SCHEDULER_CORE.test(source.file.path)) continue;
      // Every store this rule reads is to `->state` or `->__state`: a file whose text never
      // says so has none, and need not be parsed.
      if (!STATE_FIELD.test(source.shownText)) continue;
      for (const assignment of nodesOfType(source.tree.rootNode, 'assignment_expression')) {
        const store = stateStoreOf(assignment);
        const finding = store ? findingFor(store, source) : null;
        if (finding) findings.push(finding);
      }
    }
    return findings;
  },
};
