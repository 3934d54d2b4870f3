/**
 * descendants-memo.ts answers a question about a node below the root, for the types of the
 * tree's one list, from that list: the listed nodes within the node's span. The answer must be
 * what a walk of the subtree gives (the node itself included, document order, none of the
 * ancestors that start where it starts), whether or not the list was collected first.
 */
import type { Node } from 'web-tree-sitter';
import { initTreeSitter, parseC } from '../../src/parsers/treesitter.js';

beforeAll(() => initTreeSitter());

const TEXT = [
  '#define SET(x) do { (x) = f(x); } while (0)',
  'struct s { int a; } g = { .a = 1 };',
  'static int helper(int x) { return x ? g(x) : 0; }',
  'int foo(struct dev *dev)',
  '{',
  '\tint ret = 0, n = helper(1), *p = NULL;',
  '\tif ((ret = bar(baz(dev), qux(n = 2))) < 0)',
  '\t\treturn ret;',
  '\tfor (n = 0; n < 4; n++)',
  '\t\tp = kzalloc(sizeof(*p), GFP_KERNEL);',
  '\tstruct s local = { .a = get(dev) };',
  '#ifdef CONFIG_FOO',
  '\tret = foo_enable(dev);',
  '#else',
  '\tret = foo_disable(dev);',
  '#endif',
  '\tswitch (ret) { case 1: ret = one(); break; default: return two(three()); }',
  '\tret = (int)(long)cast(p);',
  '\tret = ) broken(;',
  '\treturn ret = last(ret);',
  '}',
  'void (*fp)(void) = (void (*)(void))0;',
].join('\n');

const QUESTIONS: string[][] = [
  ['call_expression'],
  ['assignment_expression'],
  ['init_declarator', 'assignment_expression'],
  ['return_statement'],
  ['call_expression', 'assignment_expression', 'init_declarator'],
  ['function_definition'],
  ['initializer_pair'],
];

/** A walk by hand: the node and every descendant of one of `types`, in document order. */
function walk(node: Node, types: readonly string[], found: number[] = []): number[] {
  if (types.includes(node.type)) found.push(node.id);
  for (const child of node.children) if (child !== null) walk(child, types, found);
  return found;
}

function everyNode(node: Node, found: Node[] = []): Node[] {
  found.push(node);
  for (const child of node.children) if (child !== null) everyNode(child, found);
  return found;
}

function ids(nodes: (Node | null)[]): number[] {
  return nodes.flatMap((node) => (node === null ? [] : [node.id]));
}

describe('descendantsOfType below the root', () => {
  it('gives what a walk gives once the tree list was collected', () => {
    const tree = parseC(TEXT);
    try {
      tree.rootNode.descendantsOfType('call_expression');
      const nodes = everyNode(tree.rootNode);
      expect(nodes.length).toBeGreaterThan(200);
      let asked = 0;
      for (const node of nodes) {
        for (const types of QUESTIONS) {
          expect(ids(node.descendantsOfType(types))).toEqual(walk(node, types));
          asked += 1;
        }
      }
      expect(asked).toBe(nodes.length * QUESTIONS.length);
    } finally {
      tree.delete();
    }
  });

  it('gives what a walk gives before the tree list exists', () => {
    const tree = parseC(TEXT);
    try {
      for (const node of everyNode(tree.rootNode).slice(1)) {
        expect(ids(node.descendantsOfType(['call_expression', 'assignment_expression']))).toEqual(walk(node, ['call_expression', 'assignment_expression']));
      }
    } finally {
      tree.delete();
    }
  });

  it('leaves out a listed node that starts where the node starts but reaches past it', () => {
    const tree = parseC('int x = f(g(1));');
    try {
      tree.rootNode.descendantsOfType('call_expression');
      const outer = tree.rootNode.descendantsOfType('call_expression')[0];
      const callee = outer?.childForFieldName('function');
      expect(callee?.type).toBe('identifier');
      // The callee starts where the outer call does: the call is not among its descendants.
      expect(callee?.descendantsOfType('call_expression')).toEqual([]);
      expect(ids(outer?.descendantsOfType('call_expression') ?? [])).toEqual(walk(outer as Node, ['call_expression']));
    } finally {
      tree.delete();
    }
  });
});
