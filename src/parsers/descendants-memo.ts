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
 * A question about a node below the root for those types is answered from the same list (the
 * first question of a tree collects it, whatever node it asks about): the nodes of the list that lie within the node (found by binary search on
 * their start), in the same document order as a walk of the subtree would give. Summaries and
 * rules ask each function body for its calls and assignments; each was a walk in wasm.
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
  'init_declarator',
  'return_statement',
];

interface TreeAnswers {
  rootId: number;
  /** Every node of WHOLE_TREE_TYPES in the tree, in document order, once asked for. */
  wholeTree: Descendants | null;
  /** The type of each node of wholeTree (read once: each read of Node.type is a call into wasm). */
  wholeTreeTypes: string[] | null;
  /** The end index of each node of wholeTree (read with the types, one wasm call each). */
  wholeTreeEnds: number[] | null;
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
    entry = { rootId: tree.rootNode.id, wholeTree: null, wholeTreeTypes: null, wholeTreeEnds: null, answers: new Map() };
    answersByTree.set(tree, entry);
  }
  return entry;
}

/**
 * The nodes of `types` (all of WHOLE_TREE_TYPES) within `node`, `node` itself included, from
 * the tree's list: what a walk of the subtree finds, in the same order.
 */
function descendantsWithin(node: Node, typeList: readonly string[], nodes: Descendants, types: readonly string[], ends: readonly number[]): Descendants {
  const start = node.startIndex;
  const end = node.endIndex;
  // The list is in document order, so starts never decrease: find the first at or after `start`.
  let low = 0;
  let high = nodes.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((nodes[middle]?.startIndex ?? -1) < start) low = middle + 1;
    else high = middle;
  }
  const found: Descendants = [];
  for (let index = low; index < nodes.length; index++) {
    const candidate = nodes[index];
    if (candidate === null) continue;
    if (candidate.startIndex > end) break;
    if (ends[index] > end || !typeList.includes(types[index])) continue;
    // An ancestor can span exactly the node's text; only the node and its descendants count.
    if (candidate.startIndex === start && ends[index] === end && candidate.id !== node.id && !isAncestor(node, candidate)) continue;
    found.push(candidate);
  }
  return found;
}

function isAncestor(ancestor: Node, node: Node): boolean {
  for (let current = node.parent; current !== null; current = current.parent) if (current.id === ancestor.id) return true;
  return false;
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
      const listedTypes = startPosition === undefined && endPosition === undefined && typeList.every((type) => WHOLE_TREE_TYPES.includes(type));
      // The first such question of a tree collects the list, from the root, whichever node it asks about.
      if (listedTypes && (entry.wholeTree === null || entry.wholeTreeTypes === null || entry.wholeTreeEnds === null)) {
        entry.wholeTree = walk.call(this.id === entry.rootId ? this : this.tree.rootNode, [...WHOLE_TREE_TYPES]);
        entry.wholeTreeTypes = entry.wholeTree.map((node) => (node === null ? '' : node.type));
        entry.wholeTreeEnds = entry.wholeTree.map((node) => (node === null ? -1 : node.endIndex));
      }
      if (listedTypes && this.id === entry.rootId && entry.wholeTree !== null && entry.wholeTreeTypes !== null) {
        // Filtering keeps document order, as a walk for these types alone would.
        const types = entry.wholeTreeTypes;
        answer = entry.wholeTree.filter((node, index) => node !== null && typeList.includes(types[index]));
      } else if (listedTypes && entry.wholeTree !== null && entry.wholeTreeTypes !== null && entry.wholeTreeEnds !== null) {
        answer = descendantsWithin(this, typeList, entry.wholeTree, entry.wholeTreeTypes, entry.wholeTreeEnds);
      } else {
        answer = walk.call(this, types, startPosition, endPosition);
      }
      entry.answers.set(key, answer);
    }
    return answer.slice();
  };
}
