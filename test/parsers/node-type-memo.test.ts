/**
 * node-type-memo.ts keeps a Node's type on the Node once read. What `type` answers must stay
 * what tree-sitter answers (the language's name for the node's symbol), read once or many times,
 * for every node of a tree, ERROR nodes included.
 */
import type { Node } from 'web-tree-sitter';
import { initTreeSitter, parseC } from '../../src/parsers/treesitter.js';

beforeAll(() => initTreeSitter());

const TEXT = 'static int foo(struct foo *f)\n{\n\tint ret = foo_get(f);\n\tif (ret) )\n\t\treturn ret;\n\treturn bar(f, "x", 1);\n}\n';

function everyNode(node: Node, out: Node[] = []): Node[] {
  out.push(node);
  for (const child of node.children) if (child !== null) everyNode(child, out);
  return out;
}

it('answers what tree-sitter answers, read once or again', () => {
  const tree = parseC(TEXT);
  const nodes = everyNode(tree.rootNode);
  expect(nodes.length).toBeGreaterThan(40);
  for (const node of nodes) {
    const fromLanguage = node.tree.language.types[node.typeId] || 'ERROR';
    expect(node.type).toBe(fromLanguage);
    expect(node.type).toBe(fromLanguage);
  }
  expect(nodes.map((node) => node.type)).toContain('ERROR');
  // A new Node object for the same node reads the same type.
  expect(tree.rootNode.child(0)?.type).toBe('function_definition');
  expect(tree.rootNode.child(0)?.type).toBe('function_definition');
  tree.delete();
});
