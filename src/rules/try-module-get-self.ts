/**
 * try-module-get-self: code of a module checks try_module_get(THIS_MODULE). Code running
 * inside the module cannot pin its own text; the reference belongs to whoever calls in.
 */
import type { CSource, Node } from '../model/source.js';
import type { FindingDraft, Rule, RuleContext } from './rule.js';
import { callArguments, calleeName, enclosingFunctionDefinition, functionDefinitionName, nodesOfType, stripParentheses } from '../parsers/c-syntax.js';
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

function pinningExample(slot: CallbackSlot): string {
  return slot.tableType?.includes('file_operations') ? 'as the VFS does through fops->owner for as long as the file is open' : 'as the VFS does through fops->owner';
}

function callbackComment(who: string, slot: CallbackSlot, work: string | null): string {
  const purpose = work
    ? `, and it matters here: ${who} then ${work}, which must not run after the module is gone`
    : '';
  return (
    `${who} is ${slotText(slot)}, so it is only reached through that table. ` +
    `If the core that calls through it holds a reference on the module (${pinningExample(slot)}), try_module_get(THIS_MODULE) cannot fail here, and __module_get(THIS_MODULE) is the call for an extra reference. ` +
    `If the core only keeps the code alive for the duration of the call (unbind waits for the callback to return), the check is how a callback refuses new work while the module is being unloaded${purpose}; some maintainers accept the pattern there. ` +
    `Either way, a comment saying which of the two it is would save the next reader from wondering.`
  );
}

function plainComment(who: string, work: string | null, failure: string | null): string {
  const explanation =
    `Checking the result of try_module_get(THIS_MODULE) is almost always the sign of a bug. ${who} is code of this module: if the module could be unloading while it runs, its text could be freed under ${who} at any time, whatever try_module_get() returns. ` +
    `So either the caller already holds a reference (the reference belongs to whoever calls in: the VFS through fops->owner, the subsystem the module registered with), and the check is useless, or nobody does, and the code is racy anyway.`;
  const dropFailure = failure ? `, and drop the \`${failure}\` path` : '';
  const remedy = work
    ? ` The reference itself is needed, since ${who} then ${work}, which runs this module's code after ${who} returns: take it with __module_get(THIS_MODULE), which cannot fail, under the reference the caller holds${dropFailure}.`
    : ` If ${who} must keep the module around after it returns, __module_get(THIS_MODULE) takes the reference without a failure path under the reference the caller holds${dropFailure}; if not, no reference is needed here.`;
  return explanation + remedy;
}

function findingFor(call: Node, source: CSource, context: RuleContext): FindingDraft | null {
  const use = resultUse(call);
  if (!decides(use)) return null;
  const line = postLineOf(source, call);
  if (line === null) return null;
  const definition = enclosingFunctionDefinition(call);
  const functionName = definition ? functionDefinitionName(definition) : null;
  const who = functionName ? `${functionName}()` : 'this code';
  const work = deferredWorkAfter(call)?.description ?? null;
  // The current patch first, then the rest of the series (where the ops table may be set up).
  const sources = [...context.current.sources, ...context.series.flatMap((patch) => patch.sources)];
  const slots = functionName ? callbackSlotsOf(functionName, sources) : [];
  const slot = slots[0];
  const comment = slot ? callbackComment(who, slot, work) : plainComment(who, work, failureBranchText(use, call));
  return {
    rule: ID,
    file: source.file.path,
    line,
    column: call.startPosition.column + 1,
    severity: slot ? 'info' : 'warning',
    summary: slot
      ? `${who} checks try_module_get(THIS_MODULE) in a callback: say why`
      : `${who} checks try_module_get(THIS_MODULE): a module cannot pin its own code`,
    comment,
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
      'Fires on try_module_get(THIS_MODULE) whose value is tested, returned, or stored and tested later in the same function. ' +
      'It cannot see from a patch whether the caller truly holds a reference. When the function is installed in an ops table the patch shows, the finding is only informational and asks which case it is: ' +
      'a core that pins the module makes the check useless, while one that only waits for the callback on unbind makes it the accepted way to refuse new work during unload. ' +
      'References on other modules (fops->owner, ops->owner) are left alone.',
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
