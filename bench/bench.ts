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
 * 4. The pre-commit path: `cptlint --staged` and the installed hook in a temp repository with
 *    one staged .c change, checkpatch.pl on the same diff, and the pieces of its start-up.
 * 5. The goals of issue 15, each as a ratio against its reference measured in this run:
 *    checkpatch.pl (fetched from Debian's linux-source-6.1, bench/checkpatch.ts), `node -e 0`,
 *    and a cold process that only parses the corpus's C hunks (bench/parse-floor.ts).
 * 6. Optionally (CPTLINT_BENCH_NATIVE_DIR=a folder where `tree-sitter` and `tree-sitter-c` are
 *    installed), the native binding's parse of the same hunks.
 *
 * bench/README.md records the figures and what was decided from them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initTreeSitter } from '../src/parsers/treesitter.js';
import { findCheckpatch, type Checkpatch } from './checkpatch.js';
import { bareParse, runBreakdown, runPipeline, type PipelineRun } from './in-process.js';
import { nativeParse } from './native-parse.js';
import { factsLoadRows, measureFactsLoad } from './facts-load.js';
import { corpusCFile, makeStagedRepository, measureStartupPieces } from './precommit.js';
import { spawnTimed, type TimedRun } from './spawn-timed.js';
import { megabytes, median, ms, percent, percentile, printRows, seconds, sum } from './stats.js';
import { writeSyntheticMbox } from './synthetic-mbox.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** What `cptlint` runs: the launcher, which loads the bundle (dist/bundle/cli.js). */
const launcher = join(repoRoot, 'bin/cptlint.cjs');
const parseFloorScript = fileURLToPath(new URL('./parse-floor.js', import.meta.url));

/** One goal of issue 15: a figure, its reference measured in the same run, and whether it is met. */
interface Goal {
  goal: string;
  figure: string;
  reference: string;
  ratio: string;
  met: boolean | null;
}
const goals: Goal[] = [];

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
  const run = await spawnTimed(process.execPath, [launcher, ...args], { measureRss: true });
  if (run.exitCode !== 0 && run.exitCode !== 1) {
    throw new Error(`cptlint ${args.join(' ')} exited with ${run.exitCode}:\n${run.stderr.slice(0, 2000)}`);
  }
  return run;
}

function medianRun(results: readonly TimedRun[]): TimedRun {
  const sorted = [...results].sort((a, b) => a.wallMilliseconds - b.wallMilliseconds);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/**
 * The CLI on the corpus with one job and with one per core, each run followed by a run of the
 * cold parse floor (a fresh process that only loads tree-sitter-c and parses the corpus's C
 * hunks), so that both see the same load on a shared machine.
 */
async function benchCorpusCli(patches: number, hunkTexts: readonly string[]): Promise<{ jobs1: TimedRun; jobsN: TimedRun }> {
  const bytes = statSync(corpusMbox).size;
  const scratch = mkdtempSync(join(tmpdir(), 'cptlint-bench-floor-'));
  const hunksFile = join(scratch, 'hunks.json');
  writeFileSync(hunksFile, JSON.stringify(hunkTexts));
  const jobs1Runs: TimedRun[] = [];
  const floorRuns: TimedRun[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      jobs1Runs.push(await cliRun(['--format', 'json', '--jobs', '1', corpusMbox]));
      const floor = await spawnTimed(process.execPath, [parseFloorScript, hunksFile]);
      if (floor.exitCode !== 0) throw new Error(`parse floor exited with ${floor.exitCode}:\n${floor.stderr.slice(0, 2000)}`);
      floorRuns.push(floor);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const jobs1 = medianRun(jobs1Runs);
  const floor = medianRun(floorRuns);
  const jobsN = medianRun(await repeat(runs, () => cliRun(['--format', 'json', '--jobs', String(cores), corpusMbox])));
  printRows(`CLI on the corpus (cptlint --format json), process start to exit (median of ${runs})`, [
    ...throughputRows('--jobs 1', jobs1.wallMilliseconds, patches, bytes),
    ['--jobs 1 peak RSS', megabytes(jobs1.peakRssBytes ?? Number.NaN)],
    ...throughputRows(`--jobs ${cores}`, jobsN.wallMilliseconds, patches, bytes),
    [`--jobs ${cores} peak RSS`, megabytes(jobsN.peakRssBytes ?? Number.NaN)],
    [`cold parse floor (${hunkTexts.length} C hunk texts, ${megabytes(sum(hunkTexts.map((text) => text.length)))})`, seconds(floor.wallMilliseconds)],
    ['--jobs 1 / cold parse floor', `${(jobs1.wallMilliseconds / floor.wallMilliseconds).toFixed(2)}x`],
  ]);
  goals.push({
    goal: 'corpus, --jobs 1: at most 1.5x the cold parse floor',
    figure: seconds(jobs1.wallMilliseconds),
    reference: `cold parse floor ${seconds(floor.wallMilliseconds)}`,
    ratio: `${(jobs1.wallMilliseconds / floor.wallMilliseconds).toFixed(2)}x`,
    met: jobs1.wallMilliseconds <= 1.5 * floor.wallMilliseconds,
  });
  return { jobs1, jobsN };
}

/** One checkpatch.pl process given every patch file of the corpus, once (it takes a minute or more). */
async function benchCheckpatchCorpus(checkpatch: Checkpatch, corpusCli: { jobs1: TimedRun; jobsN: TimedRun }): Promise<void> {
  const directory = join(flags.corpus, 'kernel-patches');
  const best = Math.min(corpusCli.jobs1.wallMilliseconds, corpusCli.jobsN.wallMilliseconds);
  if ('missing' in checkpatch || !existsSync(directory)) {
    const why = 'missing' in checkpatch ? checkpatch.missing : `no ${directory}`;
    goals.push({ goal: 'corpus: at least 50x faster than one checkpatch.pl process', figure: seconds(best), reference: `not measured: ${why}`, ratio: '-', met: null });
    return;
  }
  const files = readdirSync(directory)
    .filter((name) => name.endsWith('.patch'))
    .sort()
    .map((name) => join(directory, name));
  // In a scratch directory: inside a git checkout checkpatch.pl leaves a .checkpatch-camelcase.git.* cache file behind.
  const scratch = mkdtempSync(join(tmpdir(), 'cptlint-bench-checkpatch-'));
  const run = await spawnTimed('perl', [checkpatch.script, '--no-tree', '-q', ...files], { cwd: scratch }).finally(() =>
    rmSync(scratch, { recursive: true, force: true }),
  );
  if (run.exitCode !== 0 && run.exitCode !== 1) throw new Error(`checkpatch.pl exited with ${run.exitCode}:\n${run.stderr.slice(0, 2000)}`);
  printRows(`checkpatch.pl (${checkpatch.version}) --no-tree -q, one process, the corpus's ${files.length} patch files`, [
    ['process start to exit', seconds(run.wallMilliseconds)],
    ['cptlint on the corpus, best of --jobs 1 and 2 (above)', seconds(best)],
    ['speed-up', `${(run.wallMilliseconds / best).toFixed(0)}x`],
  ]);
  goals.push({
    goal: 'corpus: at least 50x faster than one checkpatch.pl process',
    figure: seconds(best),
    reference: `checkpatch.pl on ${files.length} files ${seconds(run.wallMilliseconds)}`,
    ratio: `${(run.wallMilliseconds / best).toFixed(0)}x faster`,
    met: run.wallMilliseconds >= 50 * best,
  });
}

async function benchSynthetic(corpusCli: { jobs1: TimedRun; jobsN: TimedRun }, corpusPatches: number): Promise<void> {
  const target = Number(flags.synthetic);
  const made = await writeSyntheticMbox(corpusMbox, target);
  try {
    const jobs1 = await cliRun(['--format', 'json', '--jobs', '1', made.path]);
    const jobsN = await cliRun(['--format', 'json', '--jobs', String(cores), made.path]);
    const rate = (run: TimedRun, patches: number) => patches / (run.wallMilliseconds / 1000);
    const corpusBytes = statSync(corpusMbox).size;
    const peak = Math.max(jobs1.peakRssBytes ?? Number.NaN, jobsN.peakRssBytes ?? Number.NaN);
    goals.push({
      goal: `memory: a ${made.messages}-patch mbox under 500 MB peak RSS`,
      figure: `${megabytes(jobs1.peakRssBytes ?? Number.NaN)} (--jobs 1), ${megabytes(jobsN.peakRssBytes ?? Number.NaN)} (--jobs ${cores})`,
      reference: '500 MB',
      ratio: `${((100 * peak) / (500 << 20)).toFixed(0)}% of it`,
      met: peak < 500 << 20,
    });
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

/**
 * The pre-commit path, three ways in turn on the same staged change (so that all see the same
 * load): `cptlint --staged`, the pre-commit hook `cptlint hook install` wrote (run as git runs
 * it), and `git diff --cached | checkpatch.pl --no-tree -q -`. Then `node -e 0` and
 * `cptlint --version` in turn.
 */
async function benchPreCommit(checkpatch: Checkpatch): Promise<void> {
  const file = await corpusCFile(corpusMbox, 1500);
  const repository = makeStagedRepository(file);
  try {
    const cwd = repository.directory;
    execFileSync(process.execPath, [launcher, 'hook', 'install'], { cwd, stdio: 'ignore' });
    const diff = execFileSync('git', ['diff', '--cached'], { cwd, encoding: 'utf8' });
    const expectExit = (what: string, run: TimedRun, allowed: readonly number[]) => {
      if (!allowed.includes(run.exitCode ?? -1)) throw new Error(`${what} exited with ${run.exitCode}:\n${run.stderr.slice(0, 2000)}`);
      return run;
    };
    const steps: [string, () => Promise<TimedRun>][] = [
      ['cptlint --staged', async () => expectExit('cptlint --staged', await spawnTimed(process.execPath, [launcher, '--staged'], { cwd }), [0, 1])],
      ['the installed pre-commit hook', async () => expectExit('the pre-commit hook', await spawnTimed('sh', [join(cwd, '.git', 'hooks', 'pre-commit')], { cwd }), [0, 1])],
    ];
    if ('script' in checkpatch) {
      const script = checkpatch.script;
      steps.push(['checkpatch.pl --no-tree -q - (same diff)', async () => expectExit('checkpatch.pl', await spawnTimed('perl', [script, '--no-tree', '-q', '-'], { cwd, input: diff }), [0, 1])]);
    }
    const times = await interleaved(steps, Math.max(10, runs));
    const [staged, hook] = [times[0], times[1]];
    const pieces = await measureStartupPieces(repository, 5);
    printRows(`Pre-commit path: one staged line in ${repository.file} (${repository.lines} lines), ${staged.length} runs each, in turn`, [
      ...steps.map(([name], index): [string, string] => [`${name}: median / p95 / min`, `${ms(median(times[index]))} / ${ms(percentile(times[index], 95))} / ${ms(Math.min(...times[index]))}`]),
    ]);
    if ('script' in checkpatch) {
      const reference = median(times[2]);
      for (const [name, walls] of [['cptlint --staged', staged], ['installed pre-commit hook', hook]] as const) {
        goals.push({
          goal: `pre-commit, ${name}: at most 0.75x checkpatch.pl on the same diff`,
          figure: ms(median(walls)),
          reference: `checkpatch.pl ${ms(reference)}`,
          ratio: `${(median(walls) / reference).toFixed(2)}x`,
          met: median(walls) <= 0.75 * reference,
        });
      }
    } else {
      goals.push({ goal: 'pre-commit: at most 0.75x checkpatch.pl on the same diff', figure: ms(median(staged)), reference: `not measured: ${checkpatch.missing}`, ratio: '-', met: null });
    }
    const [nodeStart, version] = await interleaved(
      [
        ['node -e 0', () => spawnTimed(process.execPath, ['-e', '0'])],
        ['cptlint --version', async () => expectExit('cptlint --version', await spawnTimed(process.execPath, [launcher, '--version']), [0])],
      ],
      Math.max(10, runs),
    );
    printRows(`Start-up: node -e 0 and cptlint --version, ${nodeStart.length} runs each, in turn`, [
      ['node -e 0: median / min', `${ms(median(nodeStart))} / ${ms(Math.min(...nodeStart))}`],
      ['cptlint --version: median / min', `${ms(median(version))} / ${ms(Math.min(...version))}`],
    ]);
    goals.push({
      goal: 'cptlint --version within 30 ms of node -e 0',
      figure: ms(median(version)),
      reference: `node -e 0 ${ms(median(nodeStart))}`,
      ratio: `+${ms(median(version) - median(nodeStart))}`,
      met: median(version) - median(nodeStart) <= 30,
    });
    printRows('Pieces of the start-up (each in a fresh process, median of 5)', [
      ['node -e 0 (process start to exit)', ms(median(pieces.nodeStart))],
      ...Object.entries(pieces.importMilliseconds).map(([name, values]): [string, string] => [`import ${name}`, ms(median(values))]),
      ['git diff --cached (spawn to exit)', ms(median(pieces.gitDiffCached))],
    ]);
  } finally {
    repository.remove();
  }
}

/** Runs the steps in turn, `times` rounds after one untimed warm-up round; the wall times per step. */
async function interleaved(steps: readonly (readonly [string, () => Promise<TimedRun>])[], times: number): Promise<number[][]> {
  const walls = steps.map((): number[] => []);
  for (let round = 0; round <= times; round++) {
    for (const [index, [, step]] of steps.entries()) {
      const run = await step();
      if (round > 0) walls[index].push(run.wallMilliseconds);
    }
  }
  return walls;
}

function printGoals(): void {
  console.log('\nGoals (issue 15), each against its reference measured in this run');
  const rows = goals.map((goal) => [goal.goal, goal.figure, goal.reference, goal.ratio, goal.met === null ? 'not measured' : goal.met ? 'met' : 'NOT met']);
  const header = ['goal', 'figure', 'reference', 'ratio', ''];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  for (const row of [header, ...rows]) console.log(`  ${row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()}`);
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
  const checkpatch = findCheckpatch();
  printRows('checkpatch.pl (the reference)', [['checkpatch.pl', 'script' in checkpatch ? `${checkpatch.script} (linux-source-6.1 ${checkpatch.version})` : `not available: ${checkpatch.missing}; the figures against it are left out`]]);
  const corpus = await benchCorpusInProcess();
  const corpusCli = await benchCorpusCli(corpus.patches, corpus.hunkTexts);
  await benchCheckpatchCorpus(checkpatch, corpusCli);
  if (!flags['no-synthetic']) await benchSynthetic(corpusCli, corpus.patches);
  await benchPreCommit(checkpatch);
  printRows('Kernel facts (read on the first rule question, once per process)', factsLoadRows(measureFactsLoad(repoRoot, Math.max(5, runs))));
  await benchNative(corpus.hunkTexts, corpus.bare);
  printGoals();
  printRows('Load average at end', [['1, 5, 15 min', loadavg().map((load) => load.toFixed(2)).join(' ')]]);
}

await main();
