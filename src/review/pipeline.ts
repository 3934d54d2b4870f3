/**
 * The review pipeline: read the inputs, group their patches into series, parse, run the
 * rules (on this thread or in workers) and hand the results back in input order.
 * `review(inputs, options)` collects them; `reviewStream` yields each patch as soon as its
 * series is complete, so that a large mailbox never sits in memory whole.
 *
 * Nothing here prints or exits: input problems come back as InputError values.
 */
import { initTreeSitter } from '../parsers/treesitter.js';
import type { ReviewInput, TreeContext } from '../model/review.js';
import { allRules } from '../rules/index.js';
import type { InputError, Patch, PatchReview, Review, RuleMeta, Severity } from '../model/types.js';
import type { Rule } from '../rules/rule.js';
import { GroupRunner } from './parallel.js';
import { readGroups, type ReadUnit } from './read-groups.js';
import { ReorderBuffer } from './reorder-buffer.js';
import type { GroupReview } from './review-group.js';
import { withWholeFile } from './whole-file.js';

export interface ReviewOptions {
  /** The rules to run (default: all but the opt-in ones, see RuleMeta.optIn). */
  rules?: readonly Rule[];
  /** Severity per rule id, overriding the rule's default. */
  severities?: ReadonlyMap<string, Severity>;
  /** Report findings on unchanged context lines too. */
  includeContext?: boolean;
  /** Whole-file context from a kernel tree. */
  tree?: TreeContext;
  /**
   * Worker threads to review with (default 1: all on the calling thread). Output is the same
   * for any value; a small input, custom rule objects and `tree` stay on the calling thread.
   */
  jobs?: number;
  /** Called as each message is read, with the bytes of `source` read so far (for progress displays). */
  onRead?: (source: string, bytesRead: number) => void;
  /** A message larger than this is an input error and is skipped (default 64 MB). */
  maxMessageBytes?: number;
}

export type ReviewEvent = { kind: 'patch'; review: PatchReview } | { kind: 'error'; error: InputError };

/**
 * Starts loading the parsers (tree-sitter's wasm) ahead of the first review, so that the
 * load overlaps other start-up work (git, configuration). Optional: reviewStream waits for
 * the same load; a failure here is reported by reviewStream when it tries again.
 */
export function preloadParsers(): void {
  initTreeSitter().catch(() => undefined);
}

/** Groups under review at once (read ahead, in workers, or waiting their turn), per job. */
const GROUPS_IN_FLIGHT_PER_JOB = 4;

/**
 * Reviews every patch of the inputs, in input order, yielding each as soon as its series is
 * complete (and every patch before it is out). Trees are freed as soon as their group is done.
 */
export async function* reviewStream(inputs: readonly ReviewInput[], options: ReviewOptions = {}): AsyncGenerator<ReviewEvent> {
  await initTreeSitter();
  const jobs = Math.max(1, Math.floor(options.jobs ?? 1));
  const tree = options.tree;
  const runner = new GroupRunner({
    rules: options.rules ?? defaultRules(),
    severities: options.severities,
    includeContext: options.includeContext,
    jobs,
    filesOf: tree ? (patch, errors) => withWholeFile(patch, tree, errors) : undefined,
  });
  const maxInFlight = runner.canUseWorkers ? jobs * GROUPS_IN_FLIGHT_PER_JOB : 1;
  const ordered = new ReorderBuffer<ReviewEvent[]>();
  try {
    for (const input of inputs) {
      for await (const unit of readGroups(input, options.onRead, options.maxMessageBytes)) {
        ordered.push(eventsOf(unit, runner));
        for (const events of ordered.takeReady()) yield* events;
        while (ordered.pending >= maxInFlight) yield* await ordered.takeHead();
      }
    }
    while (ordered.size > 0) yield* await ordered.takeHead();
  } finally {
    await runner.close();
  }
}

function eventsOf(unit: ReadUnit, runner: GroupRunner): ReviewEvent[] | Promise<ReviewEvent[]> {
  if (unit.kind === 'errors') return unit.errors.map((error) => ({ kind: 'error', error }));
  const review = runner.review(unit.patches);
  return review instanceof Promise ? review.then((done) => groupEvents(unit.patches, done)) : groupEvents(unit.patches, review);
}

/** A group's input errors first, then its patches in order. */
function groupEvents(patches: readonly Patch[], review: GroupReview): ReviewEvent[] {
  return [
    ...review.errors.map((error): ReviewEvent => ({ kind: 'error', error })),
    ...patches.map((patch, index): ReviewEvent => ({ kind: 'patch', review: { patch, findings: review.findings[index] } })),
  ];
}

/** Reviews all inputs and collects the result. */
export async function review(inputs: readonly ReviewInput[], options: ReviewOptions = {}): Promise<Review> {
  const result: Review = { patches: [], errors: [], rules: ruleMetas(options.rules ?? defaultRules()) };
  for await (const event of reviewStream(inputs, options)) {
    if (event.kind === 'patch') result.patches.push(event.review);
    else result.errors.push(event.error);
  }
  return result;
}

/** The rules a review runs unless told otherwise: every rule but the opt-in ones. */
export function defaultRules(): Rule[] {
  return allRules.filter((rule) => rule.meta.optIn !== true);
}

export function ruleMetas(rules: readonly Rule[]): RuleMeta[] {
  return rules.map((rule) => rule.meta);
}
