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

/** The last kernel that had task_struct::state: a patch mailed before v5.14 was written for it. */
const STATE_RENAMED = Date.parse('2021-08-29T00:00:00Z');

/** Whether the patch predates v5.14, where the field became task_struct::__state (false when undated). */
function predatesRename(context: RuleContext): boolean {
  const date = context.current.patch.mail.date;
  const time = date === null ? Number.NaN : Date.parse(date);
  return !Number.isNaN(time) && time < STATE_RENAMED;
}

const RENAME_NOTE = 'The field was renamed __state in v5.14, to catch plain accesses like this one.';

function renameNote(store: StateStore, noted: boolean): string {
  return store.field === 'state' && noted ? ` (${RENAME_NOTE})` : '';
}

function sleeperNote(path: PathToSchedule): string {
  if (!path.sleeper || path.scheduleLine === null) return '';
  return ` Also, ${path.sleeper.name}() at line ${path.sleeper.line} can sleep before the schedule() at line ${path.scheduleLine}, which loses the state set here.`;
}

/** The state is set, then overwritten by a sleep, then set again before schedule(): the store is dead. */
function deadStoreComment(store: StateStore, where: string, path: PathToSchedule, noted: boolean): string | null {
  const { sleeper, reset, scheduleLine } = path;
  if (!sleeper || !reset || scheduleLine === null) return null;
  return (
    `${where} writes ${store.object.text}->${store.field} directly, and ${sleeper.name}() at line ${sleeper.line} can sleep before the schedule() at line ${scheduleLine}, which sets the task back to TASK_RUNNING. ` +
    `The ${reset.name}() at line ${reset.line}, right before schedule(), is what takes effect, so can this line go?${renameNote(store, noted)}`
  );
}

function currentTaskComment(store: StateStore, where: string, path: PathToSchedule, noted: boolean): string {
  const stateText = store.assignment.childForFieldName('right')?.text ?? 'TASK_RUNNING';
  const target = store.object.text;
  if (isRunning(store)) {
    return `${where} sets ${target}->${store.field} to TASK_RUNNING with a plain store; please use __set_current_state(TASK_RUNNING).${renameNote(store, noted)}`;
  }
  const dead = deadStoreComment(store, where, path, noted);
  if (dead) return dead;
  const before = path.scheduleLine !== null ? ` before the schedule() at line ${path.scheduleLine}` : '';
  const consequence = path.test
    ? ` Without its barrier, the test of \`${path.test.text}\` at line ${path.test.line} can move before the store, and a wake-up in between is lost.`
    : path.sleeper
      ? ''
      : ` If nothing is tested${before}, __set_current_state() is enough.`;
  return `${where} writes ${target}->${store.field} directly; please use set_current_state(${stateText}).${consequence}${sleeperNote(path)}${renameNote(store, noted)}`;
}

function otherTaskComment(store: StateStore, where: string): string {
  const target = store.object.text;
  return (
    `${where} writes ${target}->${store.field} of a task that need not be the one running, which races with try_to_wake_up() on ${target}. ` +
    `If ${target} is always current here, please use set_current_state(); to wake ${target} up, wake_up_process().`
  );
}

function unknownTargetComment(store: StateStore, where: string, path: PathToSchedule, noted: boolean): string {
  return `${currentTaskComment({ ...store, kind: 'current' }, where, path, noted)} If ${store.object.text} is not the current task, wake it with wake_up_process() instead.`;
}

/** `noted`: this finding carries the note on the v5.14 rename (the first one of a patch that predates it). */
function findingFor(store: StateStore, source: CSource, noted: boolean): FindingDraft | null {
  const line = postLineOf(source, store.assignment);
  if (line === null) return null;
  const definition = enclosingFunctionDefinition(store.assignment);
  const name = definition ? functionDefinitionName(definition) : null;
  const where = name ? `${name}()` : 'This code';
  const path = pathToSchedule(store, source);
  const scheduleLine = path.scheduleLine;
  const comment =
    store.kind === 'current'
      ? currentTaskComment(store, where, path, noted)
      : store.kind === 'task'
        ? otherTaskComment(store, where)
        : unknownTargetComment(store, where, path, noted);
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
      'The scheduler reads the state locklessly, so even stores that need no barrier go through __set_current_state() (a WRITE_ONCE()). ' +
      'A call that may sleep between the state change and schedule() (kmalloc(GFP_KERNEL), mutex_lock()) comes back TASK_RUNNING, so the state has to be set right before schedule(). ' +
      'Another task\'s state belongs to that task and to the scheduler: try_to_wake_up() reads and changes it under p->pi_lock, so a plain store from outside can lose a wake-up or mark a running task asleep; wake it with wake_up_process() instead. ' +
      'The field was renamed task_struct::__state in v5.14 so that every plain access would be found and converted.',
    example: 'current->state = TASK_UNINTERRUPTIBLE;\nif (!done)\n\tschedule();',
    useInstead: 'set_current_state(TASK_UNINTERRUPTIBLE);\nif (!done)\n\tschedule();\n__set_current_state(TASK_RUNNING);',
    limits:
      'Fires on assignments to ->state or ->__state of current, of a variable the patch declares as struct task_struct *, or of anything when the value is one of the scheduler TASK_* states. ' +
      'A task pointer whose type the patch does not show, assigned a state held in a variable, is not seen. Reads and comparisons of the state are left alone, and so is the scheduler core (kernel/sched/), which writes states of tasks nobody else can see yet under its own rules.',
  },
  check(context: RuleContext): FindingDraft[] {
    const findings: FindingDraft[] = [];
    // The rename note is history for the author of an old patch: once per patch, and only then.
    let noteRename = predatesRename(context);
    for (const source of context.current.sources) {
      if (source.kind !== 'c' || SCHEDULER_CORE.test(source.file.path)) continue;
      // Every store this rule reads is to `->state` or `->__state`: a file whose text never
      // says so has none, and need not be parsed.
      if (!STATE_FIELD.test(source.shownText)) continue;
      for (const assignment of nodesOfType(source.tree.rootNode, 'assignment_expression')) {
        const store = stateStoreOf(assignment);
        const finding = store ? findingFor(store, source, noteRename) : null;
        if (finding === null) continue;
        findings.push(finding);
        if (finding.comment.includes(RENAME_NOTE)) noteRename = false;
      }
    }
    return findings;
  },
};
