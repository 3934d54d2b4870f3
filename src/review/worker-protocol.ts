/**
 * The messages between the main thread and a review worker (src/review/worker.ts). Only
 * structured-cloneable data crosses: rules travel as ids, patches as plain objects, and the
 * findings come back without the patch (the main thread still holds it).
 */
import type { Patch, Severity } from '../model/types.js';
import type { GroupReview } from './review-group.js';

/** Given to each worker when it starts (workerData). */
export interface WorkerSetup {
  ruleIds: string[];
  severities: Map<string, Severity> | undefined;
  includeContext: boolean | undefined;
}

/** Main thread to worker: review one series group. */
export interface GroupJob {
  id: number;
  patches: Patch[];
}

/** Worker to main thread: the review of a group, or why it failed (a bug in a rule or parser). */
export type GroupOutcome =
  | { id: number; review: GroupReview }
  | { id: number; failure: { message: string; stack?: string } };
