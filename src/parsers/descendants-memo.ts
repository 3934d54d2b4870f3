/**
 * A memo for tree-sitter's `Node.descendantsOfType`. Rules and analyses ask the same tree
 * the same question many times (every rule wants the calls of a file; a literal in assembly
 * looks up every identifier of each C file), and each answer is a walk of the subtree in
 * wasm plus a JavaScript object per node found: on the corpus a third of all review time.
 * Trees are immutable, so the answer for (tree, node, types, range) never changes.
 *
 * Questions about the whole tree for the usual node types (functions, calls, assignments,
 * #defines, initialisers) are answered from one walk that collects all of them: a walk
 * costs the same whatever it looks for, and each file was walked five times over.
 *
 * The memo is keyed by the Tree object (a new parse is a new Tree, and a freed tree's entry
 * goes with its object), and every call gets its own copy of the array, so callers may sort
 * or filter it as before.
 */
import { Node, type Point, type Tree } from 'web-tree-sitter';

type Descendants = (Node | null)[];

/** Types asked of whole trees by most rules; identifiers (the bulk of any tree) are not among them. */
const WHOLE_TREE_TYPES: readonly string[] = [
  'function_definition',
  'call_expression',
  'assignment_expression',
  'preproc_def',
  'preproc_function_def',
  'initializer_pair',
];

interface TreeAnswers {
  rootId: number;
  /** Every node of WHOLE_TREE_TYPES in the tree, in document order, once asked for. */
  wholeTree: Descendants | null;
  /** The type of each node of wholeTree (read once: each read of Node.type is a call into wasm). */
  wholeTreeTypes: string[] | null;
  answers: Map<string, Descendants>;
}

const answersByTree = new WeakMap<Tree, TreeAnswers>();
let installed = false;

function pointKey(point: Point | undefined): string {
  return point === undefined ? '' : `${point.row}:${point.column}`;
}

function answersOf(tree: Tree): TreeAnswers {
  let entry = answersByTree.get(tree);
  if (entry === undefined) {
    entry = { rootId: tree.rootNode.id, wholeTree: null, wholeTreeTypes: null, answers: new Map() };
    answersByTree.set(tree, entry);
  }
  return entry;
}

/** Makes every Node's descendantsOfType memoised. Idempotent. */
export function installDescendantsMemo(): void {
  if (installed) return;
  installed = true;
  const walk = Node.prototype.descendantsOfType;
  Node.prototype.descendantsOfType = function memoisedDescendantsOfType(
    this: Node,
    types: string | string[],
    startPosition?: Point,
    endPosition?: Point,
  ): Descendants {
    const entry = answersOf(this.tree);
    const typeList = typeof types === 'string' ? [types] : types;
    const key = `${this.id}\u0001${this.startIndex}\u0001${typeList.join('\u0000')}\u0001${pointKey(startPosition)}\u0001${pointKey(endPosition)}`;
    let answer = entry.answers.get(key);
    if (answer === undefined) {
      const wholeTreeQuestion =
        this.id === entry.rootId && startPosition === undefined && endPosition === undefined && typeList.every((type) => WHOLE_TREE_TYPES.includes(type));
      if (wholeTreeQuestion) {
        if (entry.wholeTree === null || entry.wholeTreeTypes === null) {
          entry.wholeTree = walk.call(this, [...WHOLE_TREE_TYPES]);
          entry.wholeTreeTypes = entry.wholeTree.map((node) => (node === null ? '' : node.type));
        }
        // Filtering keeps document order, as a walk for these types alone would.
        const types = entry.wholeTreeTypes;
        answer = entry.wholeTree.filter((node, index) => node !== null && typeList.includes(types[index]));
      } else {
        answer = walk.call(this, types, startPosition, endPosition);
      }
      entry.answers.set(key, answer);
    }
    return answer.slice();
  };
}
