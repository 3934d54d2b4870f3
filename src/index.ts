/**
 * cptlint as a library: `review(inputs, options)` reads patch mails, parses their C and
 * assembler hunks, runs the rules and returns findings; `reviewStream` does the same one
 * patch at a time. This module is the public face only: the pipeline is src/review/pipeline.ts,
 * and nothing inside src/ imports this file.
 */
export { preloadParsers, review, reviewStream, ruleMetas, type ReviewEvent, type ReviewOptions } from './review/pipeline.js';
export { freeSources, parseSources } from './review/review-group.js';
export type { ReviewInput, TreeContext } from './model/review.js';
export type { Finding, InputError, Patch, PatchReview, Review, RuleMeta, Severity } from './model/types.js';
