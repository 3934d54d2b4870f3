/**
 * A review worker thread: loads tree-sitter once, then reviews the series groups the main
 * thread sends, one at a time, with the rules named in its setup. See parallel.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initTreeSitter } from '../parsers/treesitter.js';
import { ruleById } from '../rules/index.js';
import type { Rule } from '../rules/rule.js';
import { reviewPatchGroup } from './review-group.js';
import type { GroupJob, GroupOutcome, WorkerSetup } from './worker-protocol.js';

function rulesOf(ids: readonly string[]): Rule[] {
  return ids.map((id) => {
    const rule = ruleById(id);
    if (!rule) throw new Error(`review worker: no rule ${id} in the registry`);
    return rule;
  });
}

function reviewJob(job: GroupJob, rules: readonly Rule[], setup: WorkerSetup): GroupOutcome {
  try {
    const review = reviewPatchGroup(job.patches, rules, { severities: setup.severities, includeContext: setup.includeContext });
    return { id: job.id, review };
  } catch (error) {
    const failure = error instanceof Error ? { message: error.message, stack: error.stack } : { message: String(error) };
    return { id: job.id, failure };
  }
}

const port = parentPort;
if (port === null) throw new Error('src/review/worker.ts runs as a worker thread only');
const setup = workerData as WorkerSetup;
const rules = rulesOf(setup.ruleIds);
const ready = initTreeSitter();
port.on('message', (job: GroupJob) => {
  ready.then(
    () => port.postMessage(reviewJob(job, rules, setup)),
    (error: unknown) => port.postMessage({ id: job.id, failure: { message: `tree-sitter did not load: ${String(error)}` } }),
  );
});
