/**
 * Measurements inside one process, after tree-sitter is loaded:
 *
 * - the pipeline as users get it (reviewStream with the JSON reporter), end to end;
 * - the same work stage by stage, to say where the time goes (reading, building the parsed
 *   text, tree-sitter parsing, rules, output) and how long each patch takes;
 * - a bare tree-sitter parse of the same hunks, so the pipeline's overhead is a ratio
 *   measured in the same run.
 */
import { reviewStream, type ReviewOptions } from '../src/index.js';
import type { ParsedSource } from '../src/model/source.js';
import type { FileChange, Patch } from '../src/model/types.js';
import { buildCText } from '../src/parsers/c.js';
import { joinSegments } from '../src/parsers/source-lines.js';
import { parseC } from '../src/parsers/treesitter.js';
import { createJsonReporter } from '../src/report/json.js';
import type { Reporter } from '../src/report/reporter.js';
import { allRules } from '../src/rules/index.js';
import { readGroups } from '../src/review/read-groups.js';
import { freeSources, parseSources } from '../src/review/review-group.js';
import { runRules } from '../src/review/run-rules.js';
import type { PatchUnderReview } from '../src/rules/rule.js';

export interface PipelineRun {
  wallMilliseconds: number;
  /** CPU time of the whole process (all threads). */
  cpuMilliseconds: number;
  patches: number;
  findings: number;
  inputErrors: number;
  outputBytes: number;
}

/** reviewStream over one input, rendered as JSON into a counter (the text is dropped). */
export async function runPipeline(path: string, jobs: number): Promise<PipelineRun> {
  const reporter = createJsonReporter();
  const options: ReviewOptions = { jobs };
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let outputBytes = reporter.start().length;
  let patches = 0;
  let findings = 0;
  let inputErrors = 0;
  const errors = [];
  for await (const event of reviewStream([{ source: path }], options)) {
    if (event.kind === 'patch') {
      patches += 1;
      findings += event.review.findings.length;
      outputBytes += reporter.patch(event.review).length;
    } else {
      inputErrors += 1;
      errors.push(event.error);
    }
  }
  outputBytes += reporter.end({ errors }).length;
  const wallMilliseconds = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return { wallMilliseconds, cpuMilliseconds: (cpu.user + cpu.system) / 1000, patches, findings, inputErrors, outputBytes };
}

export interface StageTimes {
  /** Reading, MIME, diff parsing and grouping (readGroups). */
  reading: number;
  /** parseSources (the GAS files), and building the C texts the rules asked for (measured apart, same files). */
  sourceBuilding: number;
  /** tree-sitter parsing of the C texts the rules asked for (measured apart, same texts). */
  treeSitter: number;
  /** runRules minus the text building and tree-sitter parses inside it: the analysis, tree walks included. */
  rules: number;
  /** The JSON reporter. */
  output: number;
}

export interface Breakdown {
  stages: StageTimes;
  /** Milliseconds per patch: its share of reading, its parse, rules and output. */
  perPatch: number[];
  /** The text cptlint builds for each C file (with synthesised rows). */
  builtTexts: string[];
  /** The built texts the rules asked to parse (the others hold nothing any rule looks for). */
  parsedTexts: string[];
  /** The C file changes behind parsedTexts. */
  parsedFiles: FileChange[];
  /** The post-image lines each C file change shows, joined (the hunks as they are). */
  hunkTexts: string[];
}

function cSourceTexts(sources: readonly ParsedSource[]): string[] {
  return sources.filter((source) => source.kind === 'c').map((source) => source.text);
}

function isParsedC(file: FileChange): boolean {
  return file.language === 'c' && file.postImage !== null;
}

/** The review, stage by stage, timing each (mirrors reviewStream with one job). */
export async function runBreakdown(path: string): Promise<Breakdown> {
  const reporter = createJsonReporter();
  const stages: StageTimes = { reading: 0, sourceBuilding: 0, treeSitter: 0, rules: 0, output: 0 };
  const perPatch: number[] = [];
  const builtTexts: string[] = [];
  const parsedTexts: string[] = [];
  const parsedFiles: FileChange[] = [];
  const hunkTexts: string[] = [];
  let rulesTotal = 0;
  let readStarted = performance.now();
  for await (const unit of readGroups({ source: path })) {
    const readTime = performance.now() - readStarted;
    stages.reading += readTime;
    if (unit.kind === 'group') {
      const times = reviewGroupTimed(unit.patches, reporter, { builtTexts, parsedTexts, parsedFiles, hunkTexts });
      stages.sourceBuilding += times.parse.reduce((a, b) => a + b, 0);
      rulesTotal += times.rules.reduce((a, b) => a + b, 0);
      stages.output += times.output.reduce((a, b) => a + b, 0);
      unit.patches.forEach((_, index) => {
        perPatch.push(readTime / unit.patches.length + times.parse[index] + times.rules[index] + times.output[index]);
      });
    }
    readStarted = performance.now();
  }
  stages.treeSitter = bareParse(parsedTexts).milliseconds;
  const lazyBuilding = buildTexts(parsedFiles);
  stages.sourceBuilding += lazyBuilding;
  stages.rules = Math.max(0, rulesTotal - stages.treeSitter - lazyBuilding);
  return { stages, perPatch, builtTexts, parsedTexts, parsedFiles, hunkTexts };
}

function reviewGroupTimed(
  patches: readonly Patch[],
  reporter: Reporter,
  texts: Pick<Breakdown, 'builtTexts' | 'parsedTexts' | 'parsedFiles' | 'hunkTexts'>,
): { parse: number[]; rules: number[]; output: number[] } {
  const parse: number[] = [];
  const rules: number[] = [];
  const output: number[] = [];
  const underReview: PatchUnderReview[] = [];
  for (const patch of patches) {
    const started = performance.now();
    const sources = parseSources(patch.files);
    parse.push(performance.now() - started);
    underReview.push({ patch, sources });
    texts.hunkTexts.push(...patch.files.filter(isParsedC).map((file) => joinSegments(file).text));
  }
  for (const current of underReview) {
    const started = performance.now();
    const findings = runRules(allRules, current, underReview, {});
    rules.push(performance.now() - started);
    const rendered = performance.now();
    reporter.patch({ patch: current.patch, findings });
    output.push(performance.now() - rendered);
  }
  // Read after the timed work: reading `text` builds the texts no rule asked for.
  for (const current of underReview) {
    const parsed = current.sources.filter((source) => source.kind === 'c' && source.isParsed());
    texts.parsedTexts.push(...cSourceTexts(parsed));
    texts.parsedFiles.push(...parsed.map((source) => source.file));
    texts.builtTexts.push(...cSourceTexts(current.sources));
    freeSources(current.sources);
  }
  return { parse, rules, output };
}

/** Building the C text of each file alone (what a CSource does when first read). */
function buildTexts(files: readonly FileChange[]): number {
  const started = performance.now();
  for (const file of files) buildCText(file);
  return performance.now() - started;
}

/** tree-sitter alone: parse each text and free the tree. */
export function bareParse(texts: readonly string[]): { milliseconds: number; bytes: number } {
  let bytes = 0;
  const started = performance.now();
  for (const text of texts) {
    parseC(text).delete();
    bytes += text.length;
  }
  return { milliseconds: performance.now() - started, bytes };
}
