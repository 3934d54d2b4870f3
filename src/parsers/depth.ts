/**
 * The nesting limit of C syntax trees. The analysis and the rules walk trees, control-flow
 * graphs and expressions recursively; a hostile patch (1,500 nested `if`s, a 5,000-term sum,
 * 10,000 `(`) would overflow the call stack, and where that happens depends on the thread
 * (worker threads have larger stacks). Instead, every function (or other top-level item)
 * whose tree is deeper than MAX_NESTING_DEPTH is cut out before any rule reads the tree, and
 * reported as an input error: the same answer on any thread, for any -j.
 *
 * Real kernel code stays far below the limit: the deepest function of the 1,500-file kernel
 * sweep (Linux 6.1) has a tree depth of 131 (a long sum in drivers/mtd/devices/st_spi_fsm.c);
 * the analysis overflowed the main thread's stack from about 2,500 levels (nested `if`s).
 */
import type { Node, Tree } from 'web-tree-sitter';
import { TOP_LEVEL_CONTAINERS } from './c-syntax.js';

/** The deepest a C syntax tree may nest (levels below the root). Documented in README.md. */
export const MAX_NESTING_DEPTH = 400;

/**
 * A subtree of `length` bytes is at most `length + UNIT_CHAIN_SLACK` levels deep: below a
 * node, every level but a bounded chain of nodes with the same span (expression_statement >
 * call_expression, a MISSING token) takes at least one byte of its own.
 */
const UNIT_CHAIN_SLACK = 64;

/** A top-level item of the tree (a function, a declaration) that nests deeper than the limit. */
export interface TooDeepItem {
  /** Byte range of the item in the parsed text. */
  startIndex: number;
  endIndex: number;
  /** 0-based row where the item starts. */
  startRow: number;
  /** 0-based row of the first node beyond the limit. */
  deepRow: number;
  /** The item's node type (function_definition, declaration, ...). */
  type: string;
  /** The item's node; valid until its tree is deleted. */
  node: Node;
}

/** A function (or other item) of a C file nests deeper than MAX_NESTING_DEPTH: it is left out of the review. */
export class NestingTooDeepError extends Error {
  constructor(
    /** 'function foo', 'a declaration', ... */
    readonly what: string,
    /** Post-image line of the item, or null when it starts on a row cptlint put in. */
    readonly postLine: number | null,
    /** Line of the input (mbox) that shows it, when known. */
    readonly inputLine: number | null,
    readonly limit: number = MAX_NESTING_DEPTH,
  ) {
    super(`${what} nests deeper than ${limit} levels, more than cptlint follows; it is not reviewed`);
    this.name = 'NestingTooDeepError';
  }
}

/** A too-deep node is charged to the top-level item it sits in (a child of one of TOP_LEVEL_CONTAINERS). */
const CONTAINERS = TOP_LEVEL_CONTAINERS;

/**
 * The items of `tree` deeper than `limit`, in text order, found without recursion. Subtrees
 * too short to reach the limit are not entered, so a normal tree costs a small part of a walk.
 */
export function tooDeepItems(tree: Tree, limit: number = MAX_NESTING_DEPTH): TooDeepItem[] {
  const items: TooDeepItem[] = [];
  const cursor = tree.walk();
  try {
    let depth = 0;
    let lastItemEnd = -1;
    for (;;) {
      const span = cursor.endIndex - cursor.startIndex;
      const mayBeDeep = depth + span + UNIT_CHAIN_SLACK > limit;
      if (depth > limit && cursor.startIndex >= lastItemEnd) {
        const item = itemOf(cursor.currentNode);
        items.push({ ...item, deepRow: cursor.startPosition.row });
        lastItemEnd = item.endIndex;
      } else if (mayBeDeep && cursor.startIndex >= lastItemEnd && cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return items;
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}

/** The top-level item a node sits in: its ancestor whose parent is a container, or the function around it. */
function itemOf(node: Node): Omit<TooDeepItem, 'deepRow'> {
  let item = node;
  let outermostFunction: Node | null = null;
  for (let current: Node | null = node; current !== null; current = current.parent) {
    const parent: Node | null = current.parent;
    if (current.type === 'function_definition') outermostFunction = current;
    if (parent === null) break;
    if (CONTAINERS.has(parent.type)) {
      item = current;
      break;
    }
  }
  const chosen = outermostFunction ?? item;
  return { startIndex: chosen.startIndex, endIndex: chosen.endIndex, startRow: chosen.startPosition.row, type: chosen.type, node: chosen };
}

/** `text` with the byte ranges blanked: every character but a line break becomes a space, so rows and columns stay. */
export function blankRanges(text: string, ranges: readonly { startIndex: number; endIndex: number }[]): string {
  let result = '';
  let at = 0;
  for (const range of ranges) {
    result += text.slice(at, range.startIndex) + text.slice(range.startIndex, range.endIndex).replace(/[^\n]/g, ' ');
    at = range.endIndex;
  }
  return result + text.slice(at);
}

/**
 * Whether an error is V8's stack overflow. The depth limits above are meant to keep it from
 * happening; where it still does, the review reports the one input it was about and goes on.
 */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack size/i.test(error.message);
}
