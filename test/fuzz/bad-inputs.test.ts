/**
 * Inputs that are not files of mail: the CLI says what is wrong with each in one line, exits
 * 2, does not hang on a FIFO, and still reviews the inputs that are fine.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildCli, builtCli, repoRoot } from '../git/cli-build.js';

const PATCH = path.join(repoRoot, 'test/fixtures/mail/format-patch.patch');

function runCli(args: readonly string[]): { status: number | null; stdout: string; stderr: string; signal: NodeJS.Signals | null } {
  const result = spawnSync(process.execPath, [builtCli, '--format', 'json', '--no-progress', ...args], {
    encoding: 'utf8',
    // A hang would be the bug; the limit only keeps the test suite from waiting forever on it.
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, signal: result.signal };
}

describe('the CLI on inputs that cannot be read', () => {
  let scratch: string;
  beforeAll(buildCli);
  beforeEach(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'cptlint-bad-inputs-'));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  function expectOneError(target: string, message: RegExp): void {
    const result = runCli([target, PATCH]);
    expect(result.signal).toBeNull();
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
    expect(result.stderr).toContain(target);
    const document = JSON.parse(result.stdout) as { patches: unknown[]; errors: { source: string }[] };
    expect(document.patches).toHaveLength(1);
    expect(document.errors.map((error) => error.source)).toEqual([target]);
  }

  it('a directory', () => {
    const directory = path.join(scratch, 'patches');
    mkdirSync(directory);
    expectOneError(directory, /is a directory/);
  });

  it('a FIFO, without waiting for a writer', () => {
    const fifo = path.join(scratch, 'pipe');
    execFileSync('mkfifo', [fifo]);
    expectOneError(fifo, /FIFO/);
  });

  it('a path that does not exist', () => {
    expectOneError(path.join(scratch, 'missing.mbox'), /no such file/);
  });

  const runsAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (runsAsRoot) console.warn('bad-inputs.test.ts: running as root, who reads every file; the unreadable-file case is skipped');
  (runsAsRoot ? it.skip : it)('an unreadable file', () => {
    const file = path.join(scratch, 'secret.mbox');
    writeFileSync(file, 'From: a\n\nb\n');
    chmodSync(file, 0);
    expectOneError(file, /permission denied/);
  });
});
