/**
 * Where a function is installed as a callback: `.open = foo_open` in a structure initializer,
 * or `foo->ops.open = foo_open` / `foo_ops->open = foo_open` in code. Such a function is
 * reached through a table that the calling subsystem pins through its owner field.
 */
import type { CSource, ParsedSource } from '../../model/source.js';
import { nodesOfType, stripParentheses } from '../../parsers/c-syntax.js';
import { postLineOf } from '../../parsers/source-lines.js';
import type { Node } from '../../model/source.js';

export interface CallbackSlot {
  /** The member the function is stored in ("open", "probe"). */
  member: string;
  /** The variable holding the table ("foo_fops"), or the expression assigned into; null when unknown. */
  table: string | null;
  /** The table's type as written ("struct file_operations"), when the patch shows it. */
  tableType: string | null;
  file: string;
  line: number;
}

function namesFunction(value: Node | null, functionName: string): boolean {
  if (!value) return false;
  const inner = stripParentheses(value);
  if (inner.type === 'identifier') return inner.text === functionName;
  if (inner.type === 'pointer_expression') return inner.childForFieldName('argument')?.text === functionName;
  return false;
}

/**
 * The variable and type of the declaration an initializer_pair sits in. When the patch does
 * not show the declaration's line (the parser rebuilt it from a hunk heading, which git
 * truncates), the variable's name may be cut short and is not given.
 */
function tableOfInitializer(source: CSource, pair: Node): { table: string | null; tableType: string | null } {
  let current: Node | null = pair.parent;
  while (current && current.type !== 'init_declarator') current = current.parent;
  if (!current) return { table: null, tableType: null };
  const declarator = current.childForFieldName('declarator');
  const declaration = current.parent;
  const tableType = declaration?.type === 'declaration' ? (declaration.childForFieldName('type')?.text ?? null) : null;
  const shown = source.postLineOfRow(current.startPosition.row) !== null;
  const table = shown && declarator ? declarator.text.replace(/\[.*$/, '').trim() : null;
  return { table, tableType };
}

function slotsInSource(source: CSource, functionName: string): CallbackSlot[] {
  const slots: CallbackSlot[] = [];
  const root = source.tree.rootNode;
  for (const pair of nodesOfType(root, 'initializer_pair')) {
    if (!namesFunction(pair.childForFieldName('value'), functionName)) continue;
    const designator = pair.childrenForFieldName('designator').find((node) => node?.type === 'field_designator');
    const line = postLineOf(source, pair);
    if (!designator || line === null) continue;
    slots.push({ member: designator.text.replace(/^\./, ''), ...tableOfInitializer(source, pair), file: source.file.path, line });
  }
  for (const assignment of nodesOfType(root, 'assignment_expression')) {
    const left = assignment.childForFieldName('left');
    if (left?.type !== 'field_expression' || !namesFunction(assignment.childForFieldName('right'), functionName)) continue;
    const table = left.childForFieldName('argument')?.text ?? '';
    const line = postLineOf(source, assignment);
    if (!/(^|[_.>])(ops|operations)$|_ops\b|_operations\b/.test(table) || line === null) continue;
    slots.push({ member: left.childForFieldName('field')?.text ?? '', table, tableType: null, file: source.file.path, line });
  }
  return slots;
}

/** The callback slots `functionName` is stored in, across the given sources (first found first). */
export function callbackSlotsOf(functionName: string, sources: readonly ParsedSource[]): CallbackSlot[] {
  return sources.flatMap((source) => (source.kind === 'c' && source.shownText.includes(functionName) ? slotsInSource(source, functionName) : []));
}
