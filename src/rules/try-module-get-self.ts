/**
 * try-module-get-self: code of a module checks try_module_get(THIS_MODULE). Code running
 * inside the module cannot pin its own text; the reference belongs to whoever calls in.
 */
import type { CSource, Node } from '../model/source.js';
import type { FindingDraft, Rule, RuleContext } from './rule.js';
import { callArguments, calleeName, enclosingFunctionDefinition, functionDefinitionName, nodesOfType, statementInBlock, stripParentheses } from '../parsers/c-syntax.js';
import { postLineOf } from '../parsers/source-lines.js';
import { callbackSlotsOf, type CallbackSlot } from './support/ops-callbacks.js';
import { deferredWorkAfter } from './support/deferred-work.js';
import { resultUse, type ResultUse } from './support/result-use.js';

const ID = 'try-module-get-self';

function isSelfReference(call: Node): boolean {
  if (calleeName(call) !== 'try_module_get') return false;
  const [argument] = callArguments(call);
  return argument !== undefined && stripParentheses(argument).text === 'THIS_MODULE';
}

/** Whether the condition is true when `operand` is false: counts `!` and `== 0` on the way up. */
function conditionMeansFailure(operand: Node, condition: Node): boolean {
  let failure = false;
  for (let node = operand; node.id !== condition.id && node.parent; node = node.parent) {
    const parent = node.parent;
    const operator = parent.childForFieldName('operator')?.text ?? '';
    if (parent.type === 'unary_expression' && operator === '!') failure = !failure;
    if (parent.type === 'binary_expression' && (operator === '==' || operator === '!=')) {
      const other = parent.childForFieldName('left')?.id === node.id ? parent.childForFieldName('right') : parent.childForFieldName('left');
      const againstZero = /^(0|false|NULL)$/.test(other?.text.trim() ?? '');
      if (againstZero === (operator === '==')) failure = !failure;
    }
  }
  return failure;
}

/** The return or goto of the branch taken when the reference was not granted, as written. */
function failureBranchText(use: ResultUse, call: Node): string | null {
  const statement = use.kind === 'tested' ? use.statement : use.kind === 'assigned' ? use.test : null;
  if (statement?.type !== 'if_statement') return null;
  const condition = statement.childForFieldName('condition');
  if (!condition) return null;
  const operand = use.kind === 'assigned' ? nodesOfType(condition, 'identifier').find((identifier) => identifier.text === use.variable) : call;
  if (!operand) return null;
  let branch = conditionMeansFailure(operand, condition) ? statement.childForFieldName('consequence') : statement.childForFieldName('alternative');
  if (branch?.type === 'else_clause') branch = branch.lastNamedChild;
  if (branch?.type === 'compound_statement') branch = branch.lastNamedChild;
  if (!branch || !['return_statement', 'goto_statement'].includes(branch.type)) return null;
  return branch.text.replace(/\s+/g, ' ');
}

const UNLOAD_WORDS = /\bunload|\bbeing (?:removed|unloaded)|\bgoing away\b|\brmmod\b|\bmodule (?:is )?(?:exit|going)/i;

/** The comments just above the statement that holds `call` (nothing between them and it). */
function commentsAbove(call: Node): string {
  const texts: string[] = [];
  for (let previous = statementInBlock(call)?.previousSibling ?? null; previous?.type === 'comment'; previous = previous.previousSibling) texts.push(previous.text);
  return texts.join(' ');
}

function decides(use: ResultUse): boolean {
  if (use.kind === 'tested' || use.kind === 'returned') return true;
  return use.kind === 'assigned' && use.test !== null;
}

function slotText(slot: CallbackSlot): string {
  if (slot.table && slot.tableType) return `the .${slot.member} callback of ${slot.table} (${slot.tableType})`;
  if (slot.table) return `the .${slot.member} callback of ${slot.table}`;
  if (slot.tableType) return `the .${slot.member} callback of a ${slot.tableType}`;
  return `installed as a .${slot.member} callback`;
}

function callbackComment(who: string, slot: CallbackSlot, work: string): string {
  return (
    `${who} is ${slotText(slot)} and ${work}: does the core calling through that table pin the module? ` +
    `If it does, this check cannot fail and __module_get(THIS_MODULE) is the call; if not, could you add a comment saying the check refuses new work during unload?`
  );
}

function plainComment(who: string, work: string | null, failure: string | null): string {
  const problem =
    `Checking try_module_get(THIS_MODULE) in ${who} is almost always a bug: if this module could be unloading, its text could be freed under it whatever the call returns, so the check is either useless or racy.`;
  const dropFailure = failure ? ` and drop the \`${failure}\` path` : '';
  const remedy = work
    ? ` The reference is needed, since ${who} then ${work}: take it with __module_get(THIS_MODULE)${dropFailure}.`
    : ` If the module must stay after ${who} returns, take the reference with __module_get(THIS_MODULE)${dropFailure}.`;
  return problem + remedy;
}

function findingFor(call: Node, source: CSource, context: RuleContext): FindingDraft | null {
  const use = resultUse(call);
  if (!decides(use)) return null;
  // The reference is for work this function starts (a thread, a work item, a timer): the
  // starter is module code, so the module is pinned already. A reference kept for an object's
  // life, or taken and dropped to ask whether the module is going away, is an accepted idiom.
  const work = deferredWorkAfter(call)?.description ?? null;
  if (work === null) return null;
  // The comment the rule would ask for is there: the check refuses new work while the module unloads.
  if (UNLOAD_WORDS.test(commentsAbove(call))) return null;
  const line = postLineOf(source, call);
  if (line === null) return null;
  const definition = enclosingFunctionDefinition(call);
  const functionName = definition ? functionDefinitionName(definition) : null;
  const who = functionName ? `${functionName}()` : 'this code';
  // Reached only through an ops table the series shows: the core that calls it decides what is
  // pinned, so the comment only asks which case it is.
  const sources = [...context.current.sources, ...context.series.flatMap((patch) => patch.sources)];
  const slot = functionName === null ? undefined : callbackSlotsOf(functionName, sources)[0];
  return {
    rule: ID,
    file: source.file.path,
    line,
    column: call.startPosition.column + 1,
    severity: slot ? 'info' : 'warning',
    summary: slot
      ? `${who} checks try_module_get(THIS_MODULE) in a callback: say why`
      : `${who} checks try_module_get(THIS_MODULE): a module cannot pin its own code`,
    comment: slot ? callbackComment(who, slot, work) : plainComment(who, work, failureBranchText(use, call)),
    related: slot ? [{ file: slot.file, line: slot.line, note: `${who} installed as .${slot.member}` }] : [],
  };
}

export const tryModuleGetSelf: Rule = {
  meta: {
    id: ID,
    severity: 'warning',
    summary: 'A try_module_get(THIS_MODULE) whose result decides something',
    why:
      'Code that runs inside a module cannot keep that module from being unloaded under it: if the module may be going away, its text can be freed while the check runs. ' +
      'The reference that keeps a module alive is taken by whoever calls into it (the VFS through fops->owner, the subsystem the module registered with); ' +
      'when the module needs an extra reference for work that outlives the call, __module_get(THIS_MODULE) takes it under the one already held, and cannot fail.',
    example: 'if (!try_module_get(THIS_MODULE))\n\treturn -EBUSY;\nret = kernel_thread(fn, arg, flags);',
    useInstead: '__module_get(THIS_MODULE);\t/* the caller holds a reference */\nret = kernel_thread(fn, arg, flags);\nif (ret < 0)\n\tmodule_put(THIS_MODULE);',
    limits:
      'Fires on try_module_get(THIS_MODULE) whose value is tested, returned, or stored and tested later in the same function, when the same function then starts work that runs the module\'s code later (a thread, a work item, a timer, an RCU callback, an interrupt handler). ' +
      'A reference kept for an object\'s life (dropped in its release), and one taken and dropped again to ask whether the module is being unloaded, are accepted idioms and stay quiet, and a function the series installs in an ops table only gets a question (the core that calls it decides what is pinned). ' +
      'A check under a comment that says it refuses work while the module unloads is the explanation the rule would ask for, and stays quiet. ' +
      'It cannot see from a patch whether the caller truly holds a reference. References on other modules (fops->owner, ops->owner) are left alone.',
  },
  check(context: RuleContext): FindingDraft[] {
    const findings: FindingDraft[] = [];
    for (const source of context.current.sources) {
      // A file whose text never names try_module_get has no call to it: skip reading its calls.
      if (source.kind !== 'c' || !source.shownText.includes('try_module_get')) continue;
      for (const call of nodesOfType(source.tree.rootNode, 'call_expression')) {
        if (!isSelfReference(call)) continue;
        const finding = findingFor(call, source, context);
        if (finding) findings.push(finding);
      }
    }
    return findings;
  },
};
