/**
 * Reviews one series group: parses the C and assembler files of its patches, runs the rules
 * on each patch with the whole group as its series, and frees the trees. The same function
 * runs on the main thread and in the worker threads (src/review/worker.ts), so a review does
 * not depend on where it ran.
 */
import { buildCSource } from '../parsers/c.js';
import { parseAsmSource } from '../parsers/asm.js';
import { NestingTooDeepError } from '../parsers/depth.js';
import { ParseTimeoutError } from '../parsers/treesitter.js';
import type { ParsedSource } from '../model/source.js';
import type { FileChange, Finding, InputError, Patch } from '../model/types.js';
import type { PatchUnderReview, Rule } from '../rules/rule.js';
import { runRules, type RunRulesOptions } from './run-rules.js';

/** What reviewing a group gives: input errors (files that could not be parsed), then the findings of each patch. */
export interface GroupReview {
  errors: InputError[];
  /** One list per patch of the group, in the group's order. */
  findings: Finding[][];
}

/** The files to parse for one patch: its own, and read-only context files (headers from --tree). */
export interface PatchFiles {
  files: readonly FileChange[];
  context: readonly FileChange[];
}

/**
 * Called for a file the parser gave up on, or a function of it too deep to review; the patch's
 * other files (and functions) are still reviewed. `inputLine` is the input line it is about, when known.
 */
export type ParseFailure = (file: FileChange, reason: string, inputLine?: number | null) => void;

function parseFile(file: FileChange, onFailure: ParseFailure | undefined, budgetMilliseconds: number | undefined): ParsedSource | null {
  if (file.language === 'c') {
    return buildCSource(file, {
      budgetMilliseconds,
      onParseFailure: (error) => onFailure?.(file, parseFailureMessage(file, error), error instanceof NestingTooDeepError ? error.inputLine : null),
    });
  }
  if (file.language === 'asm') return parseAsmSource(file);
  return null;
}

/** What the review says about a file it could not parse (a timeout on a pathological input, or a parser bug). */
export function parseFailureMessage(file: FileChange, error: unknown): string {
  if (error instanceof NestingTooDeepError) return `${file.path}${error.postLine === null ? '' : `:${error.postLine}`}: ${error.message}`;
  if (error instanceof ParseTimeoutError) {
    return `could not parse ${file.path} in time (gave up after ${error.budgetMilliseconds} ms); its findings are missing`;
  }
  const detail = error instanceof Error ? error.message : String(error);
  return `could not parse ${file.path}: ${detail.split('\n')[0]}; its findings are missing`;
}

/**
 * Reads the C and assembler files of a patch. Assembler is parsed now; a C file's tree is
 * parsed when a rule first reads it, and a parse that fails then is reported through
 * `onFailure` (the file reads as empty). The caller frees the trees (freeSources).
 */
export function parseSources(
  files: readonly FileChange[],
  extra: readonly FileChange[] = [],
  onFailure?: ParseFailure,
  budgetMilliseconds?: number,
): ParsedSource[] {
  const sources: ParsedSource[] = [];
  for (const file of [...files, ...extra]) {
    try {
      const source = parseFile(file, onFailure, budgetMilliseconds);
      if (source) sources.push(source);
    } catch (error) {
      onFailure?.(file, parseFailureMessage(file, error));
    }
  }
  return sources;
}

/** Frees the tree-sitter trees of parsed sources (they live in WebAssembly memory). */
export function freeSources(sources: readonly ParsedSource[]): void {
  for (const source of sources) if (source.kind === 'c') source.free();
}

export interface GroupReviewOptions extends RunRulesOptions {
  /** Time budget of each C parse (default: treesitter.ts's DEFAULT_PARSE_BUDGET_MS). */
  parseBudgetMilliseconds?: number;
}

/**
 * Reviews the patches of one series group. `filesOf` gives the files to parse for a patch
 * (the default is the patch's own files; --tree swaps in whole post-images) and may add
 * input errors of its own.
 */
export function reviewPatchGroup(
  patches: readonly Patch[],
  rules: readonly Rule[],
  options: GroupReviewOptions,
  filesOf: (patch: Patch, errors: InputError[]) => PatchFiles = (patch) => ({ files: patch.files, context: [] }),
): GroupReview {
  const errors: InputError[] = [];
  const underReview: PatchUnderReview[] = [];
  try {
    for (const patch of patches) {
      const { files, context } = filesOf(patch, errors);
      const onFailure: ParseFailure = (file, message, inputLine) =>
        errors.push({ source: patch.source, line: inputLine ?? file.inputLine ?? patch.mail.startLine, message });
      underReview.push({ patch, sources: parseSources(files, context, onFailure, options.parseBudgetMilliseconds) });
    }
    const findings = underReview.map((current) =>
      runRules(rules, current, underReview, {
        ...options,
        onStackOverflow: (rule) =>
          errors.push({
            source: current.patch.source,
            line: current.patch.mail.startLine,
            message: `"${current.patch.subject}" nests too deeply for ${rule.meta.id} (stack overflow); its ${rule.meta.id} findings are missing`,
          }),
      }),
    );
    return { errors, findings };
  } finally {
    for (const current of underReview) freeSources(current.sources);
  }
}
