/**
 * Issue 14, point 8: endless input. `cptlint - < /dev/zero` grew memory without bound (2.7 GB
 * in 8 s), one endless line did the same, and a 1 GB file of NUL bytes was refused only after
 * 2 GB. Binary is refused at the first chunk, a message (or line) over the size limit is
 * reported and dropped as it streams, and the rest of the input is still reviewed.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { readMessages } from '../../src/parsers/mbox.js';
import { cli, expectNoCrash, leakyFunction, mbox, repoRoot, runCli } from './hostile-mail.js';

function runWithStdin(stdin: number, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: repoRoot, stdio: [stdin, 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr?.on('data', (data: Buffer) => (stderr += data.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, ms: Date.now() - started });
    });
  });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cptlint-endless-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('refuses /dev/zero on standard input at once', async () => {
  const zero = openSync('/dev/zero', 'r');
  try {
    const run = await runWithStdin(zero, ['--format', 'terse', '-']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('cptlint: -:1: binary data (NUL bytes), not an mbox, a mail or a patch; not read further\n');
    expect(run.ms).toBeLessThan(15_000);
  } finally {
    closeSync(zero);
  }
});

it('refuses a 1 GB file of NUL bytes without reading it, and reviews the next input', () => {
  const zeros = join(dir, 'zeros.bin');
  // A sparse file: a gigabyte of NUL bytes that takes no disk.
  writeFileSync(zeros, '');
  truncateSync(zeros, 1 << 30);
  const patch = join(dir, 'good.mbox');
  writeFileSync(patch, mbox([{ subject: 'good', path: 'drivers/misc/a.c', lines: leakyFunction('a') }]).text);
  const started = Date.now();
  const run = runCli(['--format', 'terse', '--jobs', '1', zeros, patch]);
  expectNoCrash(run);
  expect(Date.now() - started).toBeLessThan(15_000);
  expect(run.status).toBe(3);
  expect(run.stderr).toBe(`cptlint: ${zeros}:1: binary data (NUL bytes), not an mbox, a mail or a patch; not read further\n`);
  expect(run.stdout).toMatch(/^drivers\/misc\/a\.c:7: WARNING: /);
});

it('drops an endless line as it streams: memory stays bounded', async () => {
  const limit = 1 << 20;
  let sent = 0;
  const total = 512 << 20;
  const before = process.memoryUsage().arrayBuffers;
  let peak = 0;
  const endless = new Readable({
    read() {
      // Sampled as the reader asks for more: what it holds of the line so far is counted.
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
      if (sent === 0) this.push('From: a <a@example.org>\nSubject: [PATCH] x\n\n');
      if (sent >= total) {
        this.push(null);
        return;
      }
      // A new buffer each time: a reader that kept the line would hold all of them.
      const chunk = Buffer.alloc(1 << 20, 'x');
      sent += chunk.length;
      this.push(chunk);
    },
  });
  const outputs = [];
  for await (const output of readMessages({ source: 'endless', stream: endless }, { maxMessageBytes: limit })) {
    outputs.push(output);
  }
  expect(sent).toBe(total);
  expect(outputs).toEqual([{ source: 'endless', line: 1, message: 'message larger than 1 MB, the limit (maxMessageMegabytes in .cptlintrc.json): it is not reviewed' }]);
  // Garbage not yet collected counts too; a reader that kept the line would hold all 512 MB.
  expect(peak).toBeLessThan(192 << 20);
});

it('skips a message over the limit and reviews the one after it', () => {
  const { text } = mbox([
    { subject: 'huge', path: 'drivers/misc/huge.c', lines: [...leakyFunction('huge'), ...Array<string>(40_000).fill('/* padding padding padding padding */')] },
    { subject: 'after', path: 'drivers/misc/b.c', lines: leakyFunction('b') },
  ]);
  writeFileSync(join(dir, '.cptlintrc.json'), JSON.stringify({ maxMessageMegabytes: 1 }));
  const run = runCli(['--format', 'terse', '--jobs', '1', '-'], { input: text, cwd: dir });
  expectNoCrash(run);
  expect(run.status).toBe(3);
  expect(run.stderr).toBe('cptlint: -:2: message larger than 1 MB, the limit (maxMessageMegabytes in .cptlintrc.json): it is not reviewed\n');
  expect(run.stdout).toMatch(/^drivers\/misc\/b\.c:7: WARNING: /);
  expect(run.stdout).not.toContain('huge.c');
});
