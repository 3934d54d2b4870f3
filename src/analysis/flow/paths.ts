/**
 * Walking the paths of a CFG with a state per path, under a budget. Paths that reach the same
 * node in the same state go on as one (their futures are the same), which keeps the walk
 * linear in the number of distinct states rather than in the number of paths; the budget
 * counts node visits, and when it runs out the walk says so and the caller says less.
 */
import { isPreprocessorKey, type Cfg, type CfgNode } from './cfg.js';

export interface PathAnalysis<State> {
  /** Apply the node's events to the state; null when the path cannot happen. */
  step(node: CfgNode, state: State): State | null;
  /** The state on one edge out of a branch; null when the edge cannot be taken. */
  edge(node: CfgNode, state: State, successorIndex: number): State | null;
  /** A text equal for equal states. */
  signature(state: State): string;
  /** A node with no successors was reached (return, end, exit call, crash, unknown, dead). */
  terminal(node: CfgNode, state: State): void;
}

export interface WalkOutcome {
  /** False when the budget ran out before every path was seen. */
  complete: boolean;
  visits: number;
}

/** Node visits allowed per function: thousands of paths, far more than kernel functions need once merged. */
export const DEFAULT_VISIT_BUDGET = 20000;

export function walkPaths<State>(cfg: Cfg, initial: State, analysis: PathAnalysis<State>, budget = DEFAULT_VISIT_BUDGET): WalkOutcome {
  // The signatures seen at each node: most nodes see one, kept as is; a set once they see more.
  const seen: (string | Set<string> | undefined)[] = new Array<string | Set<string> | undefined>(cfg.nodes.length);
  const stack: { node: number; state: State }[] = [{ node: cfg.entry, state: initial }];
  let visits = 0;
  while (stack.length > 0) {
    const { node: nodeId, state } = stack.pop() as { node: number; state: State };
    const signature = analysis.signature(state);
    const seenHere = seen[nodeId];
    if (seenHere === undefined) {
      seen[nodeId] = signature;
    } else if (typeof seenHere === 'string') {
      if (seenHere === signature) continue;
      seen[nodeId] = new Set([seenHere, signature]);
    } else {
      if (seenHere.has(signature)) continue;
      seenHere.add(signature);
    }
    if (++visits > budget) return { complete: false, visits };
    const node = cfg.nodes[nodeId];
    const after = analysis.step(node, state);
    if (after === null) continue;
    if (node.successors.length === 0) {
      analysis.terminal(node, after);
      continue;
    }
    for (let index = node.successors.length - 1; index >= 0; index--) {
      const next = analysis.edge(node, after, index);
      if (next !== null) stack.push({ node: node.successors[index], state: next });
    }
  }
  return { complete: true, visits };
}

/**
 * Every path from the entry as the rows of the nodes it passes, loops unrolled as the CFG
 * has them (for tests and debugging; stops after `limit` paths).
 */
export function enumeratePaths(cfg: Cfg, limit = 1000): { rows: number[]; end: CfgNode }[] {
  const paths: { rows: number[]; end: CfgNode }[] = [];
  const visit = (nodeId: number, rows: number[], onPath: Set<number>): void => {
    if (paths.length >= limit || onPath.has(nodeId)) return;
    const node = cfg.nodes[nodeId];
    // A preprocessor test (`#ifdef`) is not a line the path runs.
    const directive = node.kind === 'branch' && node.atom?.kind === 'test' && isPreprocessorKey(node.atom.key);
    const here = node.kind === 'join' || node.kind === 'switch' || node.kind === 'entry' || node.kind === 'goto' || directive ? rows : [...rows, node.row];
    if (node.successors.length === 0) {
      paths.push({ rows: here, end: node });
      return;
    }
    const next = new Set(onPath).add(nodeId);
    node.successors.forEach((successor, index) => {
      if (node.kind === 'branch' && node.atom?.kind === 'constant' && node.atom.value !== (index === 0)) return;
      visit(successor, here, next);
    });
  };
  visit(cfg.entry, [], new Set());
  return paths;
}
