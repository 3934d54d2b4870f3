/**
 * Where series groups are reviewed: on the main thread, or spread over worker threads when
 * there are many patches and more than one job is allowed. The main thread keeps reading
 * and grouping (cheap); the workers parse trees and run rules (the bulk of the work).
 *
 * A small input stays on the main thread: a worker costs about as much to start (module
 * load and tree-sitter's wasm) as a dozen patches cost to review, so the pool is only
 * started once the input has shown it is not small.
 */
import { Worker } from 'node:worker_threads';
import type { Patch, Severity } from '../model/types.js';
import { ruleById } from '../rules/index.js';
import type { Rule } from '../rules/rule.js';
import { reviewPatchGroup, type GroupReview, type PatchFiles } from './review-group.js';
import type { GroupJob, GroupOutcome, WorkerSetup } from './worker-protocol.js';

/** Patches reviewed on the main thread before the worker pool is started. */
export const PATCHES_BEFORE_WORKERS = 16;

export interface GroupRunnerOptions {
  rules: readonly Rule[];
  severities?: ReadonlyMap<string, Severity>;
  includeContext?: boolean;
  /** Worker threads to use (1: everything on the main thread). */
  jobs: number;
  /** Files to parse for a patch other than its own (--tree); forces the main thread. */
  filesOf?: (patch: Patch, errors: GroupReview['errors']) => PatchFiles;
  /** Patches to review on the main thread before starting workers (default PATCHES_BEFORE_WORKERS). */
  patchesBeforeWorkers?: number;
  /** Old-generation heap limit of each worker in MB (default WORKER_HEAP_MB). */
  workerHeapMb?: number;
}

/** Rules can go to a worker only as registry ids: a rule object the registry does not hold stays here. */
function registeredRuleIds(rules: readonly Rule[]): string[] | null {
  const ids = rules.map((rule) => rule.meta.id);
  return rules.every((rule) => ruleById(rule.meta.id) === rule) ? ids : null;
}

export class GroupRunner {
  private readonly options: GroupRunnerOptions;
  private readonly ruleIds: string[] | null;
  private pool: WorkerPool | null = null;
  private patchesSeen = 0;

  constructor(options: GroupRunnerOptions) {
    this.options = options;
    this.ruleIds = options.jobs > 1 && !options.filesOf ? registeredRuleIds(options.rules) : null;
  }

  /** Whether groups may go to workers at all (jobs > 1, registry rules, no --tree). */
  get canUseWorkers(): boolean {
    return this.ruleIds !== null;
  }

  /** Reviews a group: at once on the main thread, or as a promise from a worker. */
  review(patches: Patch[]): GroupReview | Promise<GroupReview> {
    this.patchesSeen += patches.length;
    const pool = this.poolFor();
    if (pool) return pool.review(patches);
    return reviewPatchGroup(patches, this.options.rules, this.options, this.options.filesOf);
  }

  /** Worker threads started so far (they start as the work needs them, up to `jobs`). */
  get workersStarted(): number {
    return this.pool?.started ?? 0;
  }

  /** Stops the workers, if any were started. */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.close();
  }

  private poolFor(): WorkerPool | null {
    if (this.pool || this.ruleIds === null) return this.pool;
    if (this.patchesSeen <= (this.options.patchesBeforeWorkers ?? PATCHES_BEFORE_WORKERS)) return null;
    const setup: WorkerSetup = {
      ruleIds: this.ruleIds,
      severities: this.options.severities ? new Map(this.options.severities) : undefined,
      includeContext: this.options.includeContext,
    };
    const heapMb = this.options.workerHeapMb ?? WORKER_HEAP_MB;
    this.pool = new WorkerPool(this.options.jobs, setup, heapMb, (patches) => reviewPatchGroup(patches, this.options.rules, this.options));
    return this.pool;
  }
}

/**
 * The old-generation heap of each worker, in MB. Without a limit every isolate grows its heap
 * as it likes and N workers hold N large heaps (the 10,000-patch run peaked over 600 MB
 * with two); with it each collects sooner. 128 MB holds the corpus's largest group (a 1.8 MB
 * driver patch) and kept a two-worker run of the 10,000-patch mailbox at 435–463 MB, where
 * 256 MB gave 486–524 MB at the same speed. A group that does not fit (a patch of tens of
 * megabytes) is not lost: it is reviewed again on the main thread, which has no such limit.
 */
export const WORKER_HEAP_MB = 128;

/**
 * The young generation of each worker, in MB: V8's default is sized for one isolate per
 * process; a smaller one per worker took ~80 MB off the peak of a two-worker run at the
 * same speed (bench/README.md).
 */
const WORKER_YOUNG_HEAP_MB = 8;

interface PendingJob {
  patches: Patch[];
  resolve(review: GroupReview): void;
  reject(error: Error): void;
}

interface PoolWorker {
  thread: Worker;
  pending: Map<number, PendingJob>;
  /** The worker can take no more jobs (it ran out of memory, crashed or exited). */
  gone: boolean;
}

function isOutOfMemory(error: Error): boolean {
  return (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
}

/**
 * Up to `size` review workers, started as the work needs them: a job goes to an idle live
 * worker, else to a new one while there are fewer than `size`, else to the live worker with
 * the fewest jobs waiting. (Starting all of them at once made `-j 200` on 40 small patches
 * take 18.7 s and 2.7 GB, for work one worker does in 0.3 s.)
 */
class WorkerPool {
  private readonly workers: PoolWorker[] = [];
  private readonly onMainThread: (patches: Patch[]) => GroupReview;
  private readonly size: number;
  private readonly start: () => PoolWorker;
  private nextJobId = 0;
  private closed = false;

  constructor(size: number, setup: WorkerSetup, heapMb: number, onMainThread: (patches: Patch[]) => GroupReview) {
    this.onMainThread = onMainThread;
    this.size = size;
    const script = new URL('./worker.js', import.meta.url);
    this.start = () => this.startWorker(script, setup, heapMb);
    this.workers.push(this.start());
  }

  /** Workers started so far. */
  get started(): number {
    return this.workers.length;
  }

  review(patches: Patch[]): Promise<GroupReview> {
    let live = this.workers.filter((worker) => !worker.gone);
    // Every worker ran out of memory: the main thread carries on alone.
    if (live.length === 0) return this.reviewHere(patches);
    if (live.every((worker) => worker.pending.size > 0) && this.workers.length < this.size) {
      this.workers.push(this.start());
      live = this.workers.filter((worker) => !worker.gone);
    }
    const worker = live.reduce((least, candidate) => (candidate.pending.size < least.pending.size ? candidate : least));
    const job: GroupJob = { id: this.nextJobId++, patches };
    return new Promise<GroupReview>((resolve, reject) => {
      worker.pending.set(job.id, { patches, resolve, reject });
      worker.thread.postMessage(job);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((worker) => worker.thread.terminate()));
  }

  private reviewHere(patches: Patch[]): Promise<GroupReview> {
    try {
      return Promise.resolve(this.onMainThread(patches));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private startWorker(script: URL, setup: WorkerSetup, heapMb: number): PoolWorker {
    const thread = new Worker(script, { workerData: setup, resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: WORKER_YOUNG_HEAP_MB } });
    const worker: PoolWorker = { thread, pending: new Map(), gone: false };
    thread.on('message', (outcome: GroupOutcome) => {
      const job = worker.pending.get(outcome.id);
      if (!job) return;
      worker.pending.delete(outcome.id);
      if ('review' in outcome) job.resolve(outcome.review);
      else job.reject(Object.assign(new Error(outcome.failure.message), { stack: outcome.failure.stack }));
    });
    const retire = (error: Error) => {
      worker.gone = true;
      const jobs = [...worker.pending.values()];
      worker.pending.clear();
      for (const job of jobs) {
        if (isOutOfMemory(error)) this.reviewHere(job.patches).then(job.resolve, job.reject);
        else job.reject(error);
      }
    };
    thread.on('error', retire);
    thread.on('exit', (code) => {
      if (!this.closed) retire(new Error(`a review worker stopped unexpectedly (exit code ${code})`));
    });
    return worker;
  }
}
