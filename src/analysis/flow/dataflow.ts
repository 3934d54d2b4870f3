/**
 * A forward "must" dataflow over a function's CFG, as far as the patch shows it: a state
 * holds at a node only when it holds on every way in, and an edge over lines the patch does
 * not show carries nothing (null: unknown). Rules give the transfer and meet functions; the
 * solver settles them under a step budget and gives up (an empty flow) on a graph too large.
 */
import type { CSource } from '../../model/source.js';
import type { Cfg, CfgNode } from './cfg.js';

/** Node visits allowed at least; larger graphs get 32 per node. */
const MAX_STEPS = 4000;

/**
 * Per source, gapsBefore[row]: how many rows up to `row` do not follow the row above them as
 * the next line the patch shows. Built as far as asked, once: a scan of the rows between the
 * ends of every edge made a 40,000-case switch quadratic (each case is an edge from the switch).
 */
const gapCounts = new WeakMap<CSource, number[]>();

function gapsBefore(source: CSource, row: number): number {
  let gaps = gapCounts.get(source);
  if (gaps === undefined) {
    gaps = [0];
    gapCounts.set(source, gaps);
  }
  for (let next = gaps.length; next <= row; next++) {
    const line = source.postLineOfRow(next);
    const above = source.postLineOfRow(next - 1);
    gaps.push(gaps[next - 1] + (line === null || above === null || line !== above + 1 ? 1 : 0));
  }
  return gaps[row];
}

/** Rows `from`..`to` (either order) are lines the patch shows, one after the other. */
export function shownTogether(source: CSource, from: number, to: number): boolean {
  const [low, high] = from <= to ? [from, to] : [to, from];
  if (source.postLineOfRow(low) === null) return false;
  return gapsBefore(source, high) === gapsBefore(source, low);
}

/** A function as the patch shows it. */
export interface ShownFunction {
  source: CSource;
  /** The row of the body's opening brace, or of its first statement when the head was cut. */
  bodyRow: number;
  /**
   * Nodes that lines the patch does not show may reach: the labels of a function shown in
   * part (a hidden `goto` may jump there). Nothing is known on entering them.
   */
  enteredUnseen: Set<number>;
}

/**
 * An edge of the graph the patch shows in full: a jump to a label, or text with no gap. The
 * entry is the body's opening brace (the signature may come from the @@ heading).
 */
export function edgeShown(shown: ShownFunction, from: CfgNode, to: CfgNode): boolean {
  if (from.kind === 'goto') return true;
  return shownTogether(shown.source, from.kind === 'entry' ? shown.bodyRow : from.row, to.row);
}

export type Flow<S> = Map<number, S | null>;

export function solveForward<S>(
  cfg: Cfg,
  shown: ShownFunction,
  entryState: S | null,
  transfer: (node: CfgNode, state: S | null) => (S | null)[],
  meet: (a: S, b: S) => S | null,
): Flow<S> {
  const incoming: Flow<S> = new Map([[cfg.entry, entryState]]);
  const work = [cfg.entry];
  for (const id of shown.enteredUnseen) {
    incoming.set(id, null);
    work.push(id);
  }
  let steps = 0;
  // Each node's state only falls (unreached, one value, 0 for other reasons, unknown): a few
  // visits per edge settle it.
  const budget = Math.max(MAX_STEPS, cfg.nodes.length * 32);
  while (work.length > 0 && steps++ < budget) {
    const id = work.pop() as number;
    const node = cfg.nodes[id];
    const state = incoming.get(id) ?? null;
    const outgoing = transfer(node, node.uncertain ? null : state);
    node.successors.forEach((successor, index) => {
      const carried = edgeShown(shown, node, cfg.nodes[successor]) ? (outgoing[index] ?? null) : null;
      const before = incoming.get(successor);
      const after = before === undefined ? carried : before === null || carried === null ? null : meet(before, carried);
      if (before === undefined || !sameState(before, after)) {
        incoming.set(successor, after);
        work.push(successor);
      }
    });
  }
  // A graph too large to settle is not judged.
  if (work.length > 0) return new Map();
  return incoming;
}

export function sameState(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
