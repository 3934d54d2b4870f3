/**
 * The progress line of a long review: drawn on stderr only when stderr is a terminal, erased
 * before any other output (so that findings never start in the middle of it when stdout is
 * the same terminal), and never written into a pipe or a file, even with --progress.
 *
 * The terminal is a real pseudo-terminal, from util-linux's `script`. The review is the seed
 * mbox 200 times (about 2 MB, a few seconds: the line shows after one second).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(repoRoot, 'dist/src/cli.js');
const seed = join(repoRoot, 'patches/0008-introduce-functions-to-restart-a-process.mbox');

const ERASE = '\r\x1b[2K';
const PROGRESS = /^\d+ patch(es)? reviewed, [\d.]+ MB/;

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasScript) console.warn('SKIPPED: util-linux `script` is not installed; the progress line is not checked on a terminal');

/** sh quoting for the command line handed to `script -c`. */
function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

describe('the progress line', () => {
  let dir = '';
  let big = '';
  let expected = '';
  const args = (extra: string[] = []) => [cli, '--format', 'terse', '--jobs', '1', ...extra, big];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cptlint-progress-'));
    big = join(dir, 'big.mbox');
    writeFileSync(big, readFileSync(seed, 'utf8').repeat(200));
    // What the review prints when nothing is a terminal.
    const plain = spawnSync(process.execPath, args(['--no-progress']), { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(plain.status).toBe(1);
    expect(plain.stderr).toBe('');
    expected = plain.stdout;
    expect(expected.split('\n').length).toBeGreaterThan(200);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  (hasScript ? it : it.skip)('on a terminal: drawn, and erased before every line of output', () => {
    const command = [process.execPath, ...args()].map(quote).join(' ');
    const result = spawnSync('script', ['-q', '-e', '-c', command, '/dev/null'], { encoding: 'utf8', maxBuffer: 64 << 20, input: '' });
    expect(result.status).toBe(1);
    const [before, ...afterErase] = result.stdout.split(ERASE);
    const progress = afterErase.filter((piece) => PROGRESS.test(piece));
    // It was drawn at all (the review runs for seconds).
    expect(progress.length).toBeGreaterThan(0);
    // Each drawn line is erased right after: nothing follows it before the next erase.
    for (const piece of progress) expect(piece).toMatch(/^\d+ patch(es)? reviewed, [^\r\n]*$/);
    // The last thing on the terminal is not a progress line.
    expect(PROGRESS.test(afterErase[afterErase.length - 1] ?? '')).toBe(false);
    // Take the progress lines out, and the output is what it is without a terminal.
    const output = [before, ...afterErase.filter((piece) => !PROGRESS.test(piece))].join('').replace(/\r\n/g, '\n');
    expect(output).toBe(expected);
  });

  it('in a pipe: never, even with --progress', () => {
    const result = spawnSync(process.execPath, args(['--progress']), { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(expected);
    expect(result.status).toBe(1);
  });

  it('in a file: never, even with --progress', () => {
    const path = join(dir, 'stderr.txt');
    const fd = openSync(path, 'w');
    try {
      const result = spawnSync(process.execPath, args(['--progress']), { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', fd] });
      expect(result.stdout).toBe(expected);
      expect(result.status).toBe(1);
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(path, 'utf8')).toBe('');
  });
});
