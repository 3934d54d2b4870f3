/**
 * The types of a review in progress, shared by the stages that feed it (src/git, src/parsers),
 * run it (src/review, src/rules) and read its result: what an input is, a patch under review
 * with its parsed files, and the whole-file context a kernel tree gives.
 */
import type { ParsedSource } from './source.js';
import type { Patch } from './types.js';

/** One input to review: a file, or a stream (standard input, a pipe, git's output, a test). */
export interface ReviewInput {
  /** The input as the user named it; "-" is standard input. */
  source: string;
  /** The file to read, when it differs from `source`. */
  path?: string;
  /** Read this stream instead of a file (standard input, a pipe, a test). */
  stream?: NodeJS.ReadableStream;
}

/** A patch with its parsed C and assembler files (other files are not parsed). */
export interface PatchUnderReview {
  patch: Patch;
  sources: ParsedSource[];
}

/**
 * Whole-file context for a review (the --tree option): the post-image of each file the patch
 * touches, and read-only files (headers) whose #defines the rules may use.
 */
export interface TreeContext {
  /** Called once per patch, in order, before its files are asked for: apply it. */
  applyPatch(patch: Patch): { applied: boolean; message?: string };
  /** The whole post-image text of a file of the last applied patch, or null. */
  postImage(path: string): string | null;
  /** Files the given file includes (headers), to parse as read-only context. */
  contextFiles(path: string): { path: string; text: string }[];
}
