/**
 * Reviewing across worker threads gives exactly what one thread gives: the same findings,
 * the same input errors, in input order. Worker threads run the built JavaScript
 * (dist/src/review/worker.js), so the end-to-end tests run the built CLI.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ProgressMeter } from '../../src/review/progress.js';
import { ReorderBuffer } from '../../src/review/reorder-buffer.js';
import { buildCli, builtCli, repoRoot } from '../git/cli-build.js';

const corpusMbox = path.resolve(repoRoot, '../shared/corpus/all.mbox');
const corpusPatch = path.resolve(repoRoot, '../shared/corpus/kernel-patches');
const hasCorpus = existsSync(corpusMbox);
if (!hasCorpus) console.warn(`parallel.test.ts: ${corpusMbox} is absent; the corpus comparisons are skipped`);

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}

describe('ReorderBuffer', () => {
  it('hands values back in the order they were pushed, whatever order they settle in', async () => {
    const buffer = new ReorderBuffer<string>();
    const second = deferred<string>();
    const third = deferred<string>();
    buffer.push('first');
    buffer.push(second.promise);
    buffer.push(third.promise);
    buffer.push('fourth');
    expect([...buffer.takeReady()]).toEqual(['first']);
    expect(buffer.pending).toBe(2);
    third.resolve('third');
    await third.promise;
    expect([...buffer.takeReady()]).toEqual([]);
    second.resolve('second');
    expect(await buffer.takeHead()).toBe('second');
    expect([...buffer.takeReady()]).toEqual(['third', 'fourth']);
    expect(buffer.size).toBe(0);
    expect(buffer.pending).toBe(0);
  });

  it('throws a rejection when its slot comes up, not before, and never leaves it unhandled', async () => {
    const buffer = new ReorderBuffer<number>();
    const failing = deferred<number>();
    buffer.push(1);
    buffer.push(failing.promise);
    failing.reject(new Error('worker crashed'));
    await Promise.resolve();
    const ready = buffer.takeReady();
    expect(ready.next().value).toBe(1);
    await expect(buffer.takeHead()).rejects.toThrow('worker crashed');
  });

  it('refuses to wait on an empty buffer', async () => {
    await expect(new ReorderBuffer<number>().takeHead()).rejects.toThrow(/empty/);
  });
});

describe('ProgressMeter', () => {
  it('stays quiet for the first second, then redraws at most every 200 ms', () => {
    const meter = new ProgressMeter({ totalBytes: 4 << 20 }, 0);
    meter.read('a.mbox', 1 << 20);
    meter.patchDone();
    expect(meter.lineIfDue(500)).toBeNull();
    expect(meter.shown).toBe(false);
    expect(meter.lineIfDue(1000)).toBe('1 patch reviewed, 1.0 MB of 4.0 MB read (25%)');
    expect(meter.shown).toBe(true);
    meter.patchDone();
    expect(meter.lineIfDue(1100)).toBeNull();
    expect(meter.lineIfDue(1200)).toBe('2 patches reviewed, 1.0 MB of 4.0 MB read (25%)');
  });

  it('adds up the inputs and says only what it knows when the total is unknown', () => {
    const meter = new ProgressMeter({ totalBytes: null, quietMilliseconds: 0 }, 0);
    meter.read('a.mbox', 3 << 20);
    meter.read('b.mbox', 20 << 20);
    meter.read('a.mbox', 4 << 20);
    expect(meter.lineIfDue(0)).toBe('0 patches reviewed, 24 MB read');
  });
});

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: readonly string[], options: { input?: string } = {}): CliResult {
  const result = spawnSync(process.execPath, [builtCli, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    input: options.input,
    maxBuffer: 256 << 20,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

(hasCorpus ? describe : describe.skip)('the CLI with --jobs, on the corpus', () => {
  beforeAll(buildCli);

  it('writes byte-identical JSON, errors and exit status with --jobs 1 and --jobs 2', () => {
    const one = runCli(['--format', 'json', '--no-progress', '--jobs', '1', corpusMbox]);
    const two = runCli(['--format', 'json', '--no-progress', '--jobs', '2', corpusMbox]);
    expect(two.stdout).toBe(one.stdout);
    expect(two.stderr).toBe(one.stderr);
    expect(two.status).toBe(one.status);
    const document = JSON.parse(one.stdout) as { patches: unknown[] };
    expect(document.patches).toHaveLength(480);
  });

  it('draws no progress line when stderr is not a terminal', () => {
    const result = runCli(['--format', 'json', '--jobs', '2', corpusMbox]);
    expect(result.stderr).not.toMatch(/\r|patches reviewed/);
  });

  it('keeps the order across inputs and in the pretty format too', () => {
    const single = path.join(corpusPatch, execFileSync('ls', [corpusPatch], { encoding: 'utf8' }).split('\n')[0]);
    const args = ['--format', 'terse', '--no-progress', single, corpusMbox, single];
    const one = runCli([...args, '--jobs', '1']);
    const three = runCli([...args, '--jobs', '3']);
    expect(three.stdout).toBe(one.stdout);
    expect(three.stderr).toBe(one.stderr);
  });

  it('really uses worker threads for a large input and gets what the main thread gets', () => {
    // Drives the built library directly: with no patches kept on the main thread, every group
    // goes to a worker, and each review must equal the main thread's.
    const script = `
      import { GroupRunner } from ${JSON.stringify(path.join(repoRoot, 'dist/src/review/parallel.js'))};
      import { readGroups } from ${JSON.stringify(path.join(repoRoot, 'dist/src/review/read-groups.js'))};
      import { initTreeSitter } from ${JSON.stringify(path.join(repoRoot, 'dist/src/parsers/treesitter.js'))};
      import { allRules } from ${JSON.stringify(path.join(repoRoot, 'dist/src/rules/index.js'))};
      await initTreeSitter();
      const here = new GroupRunner({ rules: allRules, jobs: 1 });
      const pool = new GroupRunner({ rules: allRules, jobs: 2, patchesBeforeWorkers: 0 });
      // Workers whose heap is too small for anything run out of memory; their groups are
      // reviewed again on the main thread.
      const starved = new GroupRunner({ rules: allRules, jobs: 2, patchesBeforeWorkers: 0, workerHeapMb: 1 });
      let groups = 0, sampled = 0, fromWorkers = 0, differ = 0, starvedDiffer = 0;
      for await (const unit of readGroups({ source: ${JSON.stringify(corpusMbox)} })) {
        if (unit.kind !== 'group' || groups++ % 8 !== 0) continue;
        sampled++;
        const local = here.review(unit.patches);
        const remote = pool.review(unit.patches);
        if (remote instanceof Promise) fromWorkers++;
        if (JSON.stringify(await remote) !== JSON.stringify(local)) differ++;
        if (JSON.stringify(await starved.review(unit.patches)) !== JSON.stringify(local)) starvedDiffer++;
      }
      // Reaches into the pool to see that the starved workers did run out of memory.
      const starvedGone = starved.pool.workers.every((worker) => worker.gone);
      await pool.close();
      await starved.close();
      console.log(JSON.stringify({ sampled, fromWorkers, differ, starvedDiffer, starvedGone }));
    `;
    const scratch = mkdtempSync(path.join(tmpdir(), 'cptlint-parallel-'));
    const scriptFile = path.join(scratch, 'probe.mjs');
    writeFileSync(scriptFile, script);
    let output: string;
    try {
      output = execFileSync(process.execPath, [scriptFile], { cwd: repoRoot, encoding: 'utf8' });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    const result = JSON.parse(output) as { sampled: number; fromWorkers: number; differ: number; starvedDiffer: number; starvedGone: boolean };
    expect(result.sampled).toBeGreaterThan(20);
    expect(result.fromWorkers).toBe(result.sampled);
    expect(result.differ).toBe(0);
    expect(result.starvedDiffer).toBe(0);
    expect(result.starvedGone).toBe(true);
  });
});

describe('the CLI with --jobs on small inputs', () => {
  beforeAll(buildCli);

  it('reviews a single patch the same with any --jobs (it stays on the main thread)', () => {
    const patch = path.join(repoRoot, 'test/fixtures/mail/format-patch.patch');
    const one = runCli(['--format', 'json', '--jobs', '1', patch]);
    const four = runCli(['--format', 'json', '--jobs', '4', patch]);
    expect(four).toEqual(one);
    expect(JSON.parse(one.stdout)).toMatchObject({ version: 1 });
  });

  it('refuses a --jobs that is not a whole number of at least 1', () => {
    for (const jobs of ['0', '-2', '1.5']) {
      const result = runCli(['--jobs', jobs, '-'], { input: '' });
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/--jobs takes a whole number of at least 1/);
    }
  });
});
