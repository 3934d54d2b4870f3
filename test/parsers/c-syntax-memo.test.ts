/**
 * namedChildrenOf() remembers its answers for the tree last asked about, by node id. Node ids
 * are addresses in wasm memory: unique within a tree, but a tree parsed after another was freed
 * can reuse them. The answers must always be those of the node asked about, whichever tree it
 * is from and in whatever order trees are asked about.
 */
import type { Node, Tree } from 'web-tree-sitter';
import { namedChildrenOf } from '../../src/parsers/c-syntax.js';
import { initTreeSitter, parseC } from '../../src/parsers/treesitter.js';

beforeAll(() => initTreeSitter());

const FIRST = 'static int foo(struct foo *f)\n{\n\t/* take it */\n\tint ret = foo_get(f);\n\tif (ret)\n\t\treturn ret;\n\treturn bar(f, 1);\n}\n';
const SECOND = 'void baz(void)\n{\n\tqux(1, 2, 3);\n\tkfree(p);\n}\nint x = 4;\n';

function allNodes(tree: Tree): Node[] {
  const nodes: Node[] = [];
  const visit = (node: Node): void => {
    nodes.push(node);
    for (const child of node.namedChildren) if (child !== null) visit(child);
  };
  visit(tree.rootNode);
  return nodes;
}

/** What namedChildrenOf() answers, asked of the tree directly: positions and types. */
function expected(node: Node): string[] {
  return node.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment').map((child) => `${child.type}@${child.startIndex}-${child.endIndex}`);
}

function answered(node: Node): string[] {
  return namedChildrenOf(node).map((child) => `${child.type}@${child.startIndex}-${child.endIndex}`);
}

describe('namedChildrenOf', () => {
  it('answers for the node asked about, trees asked about in turn', () => {
    const first = parseC(FIRST);
    const second = parseC(SECOND);
    const a = allNodes(first);
    const b = allNodes(second);
    for (let index = 0; index < Math.max(a.length, b.length); index++) {
      for (const node of [a[index % a.length], b[index % b.length]]) {
        expect(answered(node)).toEqual(expected(node));
        // Asked again, the same answer.
        expect(answered(node)).toEqual(expected(node));
      }
    }
    expect(answered(first.rootNode).length).toBe(1);
    expect(answered(second.rootNode).length).toBe(2);
    first.delete();
    second.delete();
  });

  it('leaves out comments', () => {
    const tree = parseC(FIRST);
    const body = tree.rootNode.descendantsOfType('compound_statement')[0] as Node;
    expect(answered(body).map((text) => text.split('@')[0])).toEqual(['declaration', 'if_statement', 'return_statement']);
    tree.delete();
  });

  it('answers for a tree parsed where a freed one was, whose ids may be the same', () => {
    for (let round = 0; round < 4; round++) {
      const text = round % 2 === 0 ? FIRST : SECOND;
      const tree = parseC(text);
      for (const node of allNodes(tree)) expect(answered(node)).toEqual(expected(node));
      tree.delete();
    }
  });
});
