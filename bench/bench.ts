/**
 * `npm run bench`: how fast cptlint is and how it holds up, on this machine, in one run.
 *
 *   node dist/bench/bench.js [--corpus DIR] [--synthetic PATCHES] [--runs N] [--no-synthetic]
 *
 * 1. The corpus (../shared/corpus/all.mbox) in this process: the pipeline end to end with one
 *    job and with one per core, where the time goes stage by stage, ms per patch, and a bare
 *    tree-sitter parse of the same hunks for the overhead ratio.
 * 2. The CLI on the corpus, process start to exit, with its peak RSS.
 * 3. A synthetic mailbox of about 10,000 patches (the corpus repeated with fresh Message-Ids,
 *    written under os.tmpdir() and removed afterwards): throughput and peak RSS.
 * 4. The pre-commit path: `cptlint --staged` in a temp repository with one staged .c change,
 *    and the pieces of its start-up.
 * 5. Optionally (CPTLINT_BENCH_NATIVE_DIR=a folder where `tree-sitter` and `tree-sitter-c` are
 *    installed), the native binding's parse of the same hunks.
 *
 * bench/README.md records the figures and what was decided from them.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initTreeSitter } from '../src/parsers/treesitter.js';
import { bareParse, runBreakdown, runPipeline, type PipelineRun } from './in-process.js';
import { nativeParse } from './native-parse.js';
import { factsLoadRows, measureFactsLoad } from './facts-load.js';
import { corpusCFile, makeStagedRepository, measureStartupPieces } from './precommit.js';
import { spawnTimed, type TimedRun } from './spawn-timed.js';
import { megabytes, median, ms, percent, percentile, printRows, seconds, sum } from './stats.js';
import { writeSyntheticMbox } from './synthetic-mbox.js';

/** checkpatch.pl over the 480-patch corpus (issue 7), the figure the target is set against. */
const CHECKPATCH_CORPUS_SECONDS = 236;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(repoRoot, 'dist/src/cli.js');

const { values: flags } = parseArgs({
  options: {
    corpus: { type: 'string', default: resolve(repoRoot, '../shared/corpus') },
    synthetic: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '3' },
    'no-synthetic': { type: 'boolean', default: false },
  },
});
const runs = Math.max(1, Number(flags.runs));
const cores = availableParallelism();
const corpusMbox = join(flags.corpus, 'all.mbox');

function printMachine(): void {
  printRows('Machine', [
    ['cpu', `${cpus()[0]?.model ?? 'unknown'} x ${cores}`],
    ['memory', megabytes(totalmem())],
    ['node', process.version],
    ['kernel', release()],
    ['load average at start', loadavg().map((load) => load.toFixed(2)).join(' ')],
  ]);
}

async function repeat<T>(times: number, action: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let index = 0; index < times; index++) results.push(await action());
  return results;
}

function throughputRows(label: string, wall: number, patches: number, bytes: number): [string, string][] {
  return [
    [`${label} wall`, seconds(wall)],
    [`${label} patches/s`, (patches / (wall / 1000)).toFixed(0)],
    [`${label} MB/s`, (bytes / (1 << 20) / (wall / 1000)).toFixed(2)],
  ];
}

async function benchCorpusInProcess(): Promise<{ pipelineJobs1: number; bare: number; patches: number; hunkTexts: string[] }> {
  const loadStarted = performance.now();
  await initTreeSitter();
  const wasmLoad = performance.now() - loadStarted;
  const bytes = statSync(corpusMbox).size;

  // One untimed pass first, so that every figure below is of warm (optimised) code.
  await runPipeline(corpusMbox, 1);
  const breakdown = await runBreakdown(corpusMbox);
  const stageTotal = sum(Object.values(breakdown.stages));
  const pipelines1: PipelineRun[] = [];
  const pipelinesN: PipelineRun[] = [];
  const bareHunks: number[] = [];
  const bareBuilt: number[] = [];
  for (let run = 0; run < runs; run++) {
    bareHunks.push(bareParse(breakdown.hunkTexts).milliseconds);
    bareBuilt.push(bareParse(breakdown.builtTexts).milliseconds);
    pipelines1.push(await runPipeline(corpusMbox, 1));
    pipelinesN.push(await runPipeline(corpusMbox, cores));
  }
  const wall1 = median(pipelines1.map((run) => run.wallMilliseconds));
  const wallN = median(pipelinesN.map((run) => run.wallMilliseconds));
  const bare = median(bareHunks);
  const first = pipelines1[0];
  printRows(`Corpus in one process (${corpusMbox}, ${megabytes(bytes)}, median of ${runs})`, [
    ['patches / findings / input errors', `${first.patches} / ${first.findings} / ${first.inputErrors}`],
    ['tree-sitter wasm load (once)', ms(wasmLoad)],
    ...throughputRows('jobs=1', wall1, first.patches, bytes),
    ['jobs=1 CPU', seconds(median(pipelines1.map((run) => run.cpuMilliseconds)))],
    ...throughputRows(`jobs=${cores}`, wallN, first.patches, bytes),
    [`jobs=${cores} CPU (all threads)`, seconds(median(pipelinesN.map((run) => run.cpuMilliseconds)))],
    ['ms per patch, median', ms(median(breakdown.perPatch))],
    ['ms per patch, p95', ms(percentile(breakdown.perPatch, 95))],
    ['ms per patch, max', ms(Math.max(...breakdown.perPatch))],
  ]);
  printRows('Where the time goes (jobs=1, stage by stage)', [
    ['reading (mbox, MIME, diff, series)', `${ms(breakdown.stages.reading)}  ${percent(breakdown.stages.reading, stageTotal)}`],
    [`tree-sitter parse (${breakdown.parsedTexts.length} of ${breakdown.builtTexts.length} C files)`, `${ms(breakdown.stages.treeSitter)}  ${percent(breakdown.stages.treeSitter, stageTotal)}`],
    ['source building (C text of those files, GAS)', `${ms(breakdown.stages.sourceBuilding)}  ${percent(breakdown.stages.sourceBuilding, stageTotal)}`],
    ['rules (analysis, tree walks)', `${ms(breakdown.stages.rules)}  ${percent(breakdown.stages.rules, stageTotal)}`],
    ['output (JSON)', `${ms(breakdown.stages.output)}  ${percent(breakdown.stages.output, stageTotal)}`],
  ]);
  printRows('Bare tree-sitter parse of the same C hunks (same process, median)', [
    ['hunk texts as the patches show them', `${breakdown.hunkTexts.length} files, ${megabytes(sum(breakdown.hunkTexts.map((text) => text.length)))}: ${ms(bare)}`],
    ['texts cptlint builds (synthesised context)', ms(median(bareBuilt))],
    [
      'of which the rules asked for',
      `${breakdown.parsedTexts.length} files, ${megabytes(sum(breakdown.parsedTexts.map((text) => text.length)))}: ${ms(bareParse(breakdown.parsedTexts).milliseconds)}`,
    ],
    ['pipeline jobs=1 / bare parse', `${(wall1 / bare).toFixed(2)}x`],
    [`pipeline jobs=${cores} / bare parse`, `${(wallN / bare).toFixed(2)}x`],
  ]);
  return { pipelineJobs1: wall1, bare, patches: first.patches, hunkTexts: breakdown.hunkTexts };
}

async function cliRun(args: readonly string[]): Promise<TimedRun> {
  const run = await spawnTimed(process.execPath, [cli, ...args], { measureRss: true });
  if (run.exitCode !== 0 && run.exitCode !== 1) {
    throw new Error(`cptlint ${args.join(' ')} exited with ${run.exitCode}:\n${run.stderr.slice(0, 2000)}`);
  }
  return run;
}

function medianRun(results: readonly TimedRun[]): TimedRun {
  const sorted = [...results].sort((a, b) => a.wallMilliseconds - b.wallMilliseconds);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

async function benchCorpusCli(patches: number): Promise<{ jobs1: TimedRun; jobsN: TimedRun }> {
  const bytes = statSync(corpusMbox).size;
  const jobs1 = medianRun(await repeat(runs, () => cliRun(['--format', 'json', '--jobs', '1', corpusMbox])));
  const jobsN = medianRun(await repeat(runs, () => cliRun(['--format', 'json', '--jobs', String(cores), corpusMbox])));
  printRows(`CLI on the corpus, process start to exit (median of ${runs})`, [
    ...throughputRows('--jobs 1', jobs1.wallMilliseconds, patches, bytes),
    ['--jobs 1 peak RSS', megabytes(jobs1.peakRssBytes ?? Number.NaN)],
    ...throughputRows(`--jobs ${cores}`, jobsN.wallMilliseconds, patches, bytes),
    [`--jobs ${cores} peak RSS`, megabytes(jobsN.peakRssBytes ?? Number.NaN)],
    ['speed-up over checkpatch.pl (236 s), best', `${(CHECKPATCH_CORPUS_SECONDS * 1000 / Math.min(jobs1.wallMilliseconds, jobsN.wallMilliseconds)).toFixed(0)}x`],
  ]);
  return { jobs1, jobsN };
}

async function benchSynthetic(corpusCli: { jobs1: TimedRun; jobsN: TimedRun }, corpusPatches: number): Promise<void> {
  const target = Number(flags.synthetic);
  const made = await writeSyntheticMbox(corpusMbox, target);
  try {
    const jobs1 = await cliRun(['--format', 'json', '--jobs', '1', made.path]);
    const jobsN = await cliRun(['--format', 'json', '--jobs', String(cores), made.path]);
    const rate = (run: TimedRun, patches: number) => patches / (run.wallMilliseconds / 1000);
    const corpusBytes = statSync(corpusMbox).size;
    printRows(`Synthetic mailbox (${made.messages} patches, ${made.copies} copies, ${megabytes(made.bytes)}, in ${made.directory})`, [
      ...throughputRows('--jobs 1', jobs1.wallMilliseconds, made.messages, made.bytes),
      ['--jobs 1 peak RSS', megabytes(jobs1.peakRssBytes ?? Number.NaN)],
      ['--jobs 1 throughput vs corpus CLI run', percent(rate(jobs1, made.messages), rate(corpusCli.jobs1, corpusPatches))],
      ...throughputRows(`--jobs ${cores}`, jobsN.wallMilliseconds, made.messages, made.bytes),
      [`--jobs ${cores} peak RSS`, megabytes(jobsN.peakRssBytes ?? Number.NaN)],
      [`--jobs ${cores} throughput vs corpus CLI run`, percent(rate(jobsN, made.messages), rate(corpusCli.jobsN, corpusPatches))],
      ['JSON output', megabytes(jobs1.stdoutBytes)],
      ['corpus MB/s for comparison (--jobs 1)', (corpusBytes / (1 << 20) / (corpusCli.jobs1.wallMilliseconds / 1000)).toFixed(2)],
    ]);
  } finally {
    rmSync(made.directory, { recursive: true, force: true });
  }
}

async function benchPreCommit(): Promise<void> {
  const file = await corpusCFile(corpusMbox, 1500);
  const repository = makeStagedRepository(file);
  try {
    const hook = () => spawnTimed(process.execPath, [cli, '--staged'], { cwd: repository.directory });
    await repeat(2, hook);
    const timed = await repeat(Math.max(10, runs), hook);
    const bad = timed.find((run) => run.exitCode !== 0 && run.exitCode !== 1);
    if (bad) throw new Error(`cptlint --staged exited with ${bad.exitCode}:\n${bad.stderr}`);
    const walls = timed.map((run) => run.wallMilliseconds);
    const pieces = await measureStartupPieces(repository, 5);
    printRows(`Pre-commit path: cptlint --staged, one staged line in ${repository.file} (${repository.lines} lines), ${walls.length} runs`, [
      ['process start to exit, median', ms(median(walls))],
      ['process start to exit, p95', ms(percentile(walls, 95))],
      ['process start to exit, min', ms(Math.min(...walls))],
    ]);
    printRows('Pieces of the start-up (each in a fresh process, median of 5)', [
      ['node -e 0 (process start to exit)', ms(median(pieces.nodeStart))],
      ...Object.entries(pieces.importMilliseconds).map(([name, values]): [string, string] => [`import ${name}`, ms(median(values))]),
      ['git diff --cached (spawn to exit)', ms(median(pieces.gitDiffCached))],
    ]);
  } finally {
    repository.remove();
  }
}

async function benchNative(hunkTexts: readonly string[], wasm: number): Promise<void> {
  const directory = process.env.CPTLINT_BENCH_NATIVE_DIR;
  if (!directory) {
    printRows('Native tree-sitter binding', [['skipped', 'set CPTLINT_BENCH_NATIVE_DIR to a folder with tree-sitter and tree-sitter-c installed']]);
    return;
  }
  const native = await nativeParse(directory, hunkTexts, runs);
  printRows(`Native tree-sitter binding (${directory}), same hunks, median of ${runs}`, [
    ['load', ms(native.loadMilliseconds)],
    ['parse', ms(native.parseMilliseconds)],
    ['web-tree-sitter parse (above)', ms(wasm)],
    ['native / wasm', `${(native.parseMilliseconds / wasm).toFixed(2)}x`],
  ]);
}

async function main(): Promise<void> {
  if (!existsSync(corpusMbox)) {
    console.error(`bench: no corpus at ${corpusMbox} (give --corpus DIR)`);
    process.exitCode = 2;
    return;
  }
  printMachine();
  const corpus = await benchCorpusInProcess();
  const corpusCli = await benchCorpusCli(corpus.patches);
  if (!flags['no-synthetic']) await benchSynthetic(corpusCli, corpus.patches);
  await benchPreCommit();
  printRows('Kernel facts (read on the first rule question, once per process)', factsLoadRows(measureFactsLoad(repoRoot, Math.max(5, runs))));
  await benchNative(corpus.hunkTexts, corpus.bare);
  printRows('Load average at end', [['1, 5, 15 min', loadavg().map((load) => load.toFixed(2)).join(' ')]]);
}

await main();
