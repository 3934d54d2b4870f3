/**
 * Bad input, as a user meets it: the CLI gets a file it cannot fully read. Never a stack
 * trace, never a hang: one line on stderr naming the input (and line), exit 2 where
 * something could not be read, and every other input still reviewed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(repoRoot, 'dist/src/cli.js');
const seed = join(repoRoot, 'patches/0008-introduce-functions-to-restart-a-process.mbox');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  json: { patches: { subject: string; files: { path: string; status: string }[]; findings: unknown[] }[]; errors: { source: string; line: number; message: string }[] };
}

function run(args: string[], input?: Buffer | string): Run {
  const result = spawnSync(process.execPath, [cli, '--format', 'json', '--jobs', '1', ...args], {
    cwd: repoRoot,
    input,
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 << 20,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, json: JSON.parse(result.stdout) as Run['json'] };
}

function expectNoStackTrace(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toMatch(/this looks like a bug/);
}

const simplePatch = `From: Jane Doe <jane@example.org>
Date: Mon, 3 Mar 2025 10:00:00 +0100
Subject: [PATCH] misc: example: drop a stale comment

Drop it.

Signed-off-by: Jane Doe <jane@example.org>
---
diff --git a/drivers/misc/example.c b/drivers/misc/example.c
index 1111111..2222222 100644
--- a/drivers/misc/example.c
+++ b/drivers/misc/example.c
@@ -10,7 +10,6 @@ static int example_probe(struct platform_device *pdev)
 {
 	int ret;
 
-	/* stale */
 	ret = example_init(pdev);
 	if (ret)
 		return ret;
`;

describe('bad input', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cptlint-bad-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it('a file that does not exist: one line naming it, exit 3 (the other input, still reviewed, has findings)', () => {
    const result = run([join(dir, 'missing.mbox'), seed]);
    expect(result.status).toBe(3);
    expect(result.json.patches).toHaveLength(1);
    expect(result.json.errors).toHaveLength(1);
    expect(result.json.errors[0].source).toContain('missing.mbox');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/missing\.mbox/);
    expectNoStackTrace(result.stderr);
  });

  it('an empty file and random bytes: an error each, no patch, exit 2', () => {
    const random = Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 7919 + 13) % 256));
    const result = run([file('empty.mbox', ''), file('random.bin', random)]);
    expect(result.status).toBe(2);
    expect(result.json.patches).toHaveLength(0);
    expect(result.json.errors.map((error) => error.source)).toEqual([expect.stringContaining('empty.mbox'), expect.stringContaining('random.bin')]);
    expectNoStackTrace(result.stderr);
  });

  it('a truncated diff: an error with its line, and what was read is still reviewed', () => {
    const seedText = readFileSync(seed, 'utf8');
    const cut = seedText.slice(0, Math.floor(seedText.length * 0.6));
    const result = run([file('truncated.mbox', cut)]);
    // 3: what was read has a finding at the fail level, and the rest could not be read.
    expect(result.status).toBe(3);
    expect(result.json.patches).toHaveLength(1);
    expect(result.json.errors.length).toBeGreaterThan(0);
    expect(result.json.errors[0].line).toBeGreaterThan(0);
    expectNoStackTrace(result.stderr);
  });

  it('hunks whose line counts lie: an error, no hang', () => {
    const lying = simplePatch.replace('@@ -10,7 +10,6 @@', '@@ -10,17 +10,16 @@');
    const result = run([file('lying.patch', lying)]);
    expect(result.status).toBe(2);
    expect(result.json.errors[0].message).toMatch(/corrupt|truncated|line/i);
    expectNoStackTrace(result.stderr);
  });

  it('a binary patch reads as a binary file, without error', () => {
    const binary = simplePatch.replace(
      /diff --git[\s\S]*$/,
      'diff --git a/firmware/blob.bin b/firmware/blob.bin\nnew file mode 100644\nindex 0000000..1234567\nGIT binary patch\nliteral 4\nLcmZ?d00001\n\nliteral 0\nHcmV?d00001\n\n',
    );
    const result = run([file('binary.patch', binary)]);
    expect(result.status).toBe(0);
    expect(result.json.patches[0].files).toEqual([expect.objectContaining({ path: 'firmware/blob.bin', status: 'binary' })]);
  });

  it('CRLF line ends give the same review as LF', () => {
    const lf = run([seed]);
    const crlf = run([file('seed-crlf.mbox', readFileSync(seed, 'utf8').replace(/\n/g, '\r\n'))]);
    const strip = (json: Run['json']) => JSON.stringify(json.patches.map(({ subject, files, findings }) => ({ subject, files, findings })));
    expect(strip(crlf.json)).toBe(strip(lf.json));
    expect(crlf.status).toBe(lf.status);
  });

  it('non-UTF-8 bytes (Latin-1 without a charset) are read, not rejected', () => {
    const latin1 = Buffer.from(simplePatch.replace('Jane Doe', 'J\u00f6rg M\u00fcller'), 'latin1');
    const result = run([file('latin1.patch', latin1)]);
    expect(result.json.errors).toEqual([]);
    expect(result.json.patches).toHaveLength(1);
  });

  it('a 1 MB line does not hang the review', () => {
    const long = simplePatch.replace(' \tint ret;\n', ` \tint ret;\n+\tstatic const char blob[] = "${'x'.repeat(1 << 20)}";\n`).replace('+10,6 @@', '+10,7 @@');
    const result = run([file('long-line.patch', long)]);
    expect(result.status).not.toBeNull();
    expect(result.json.patches).toHaveLength(1);
    expectNoStackTrace(result.stderr);
  });

  it('a reply that quotes a patch is not reviewed as a patch', () => {
    const quoted = simplePatch
      .split('\n')
      .map((line) => `> ${line}`)
      .join('\n');
    const reply = `From: Reviewer <r@example.org>\nSubject: Re: [PATCH] misc: example: drop a stale comment\nIn-Reply-To: <x@example.org>\n\nOn Mon, Jane wrote:\n${quoted}\n\nLooks fine.\n`;
    const result = run([file('reply.mbox', reply), seed]);
    expect(result.json.patches.map((patch) => patch.subject)).toEqual(['[PATCH 8/9] Introduce functions to restart a process']);
    expectNoStackTrace(result.stderr);
  });

  it('a reply with no diff, alone: one line saying there is no patch, exit 2', () => {
    const reply = `From: Reviewer <r@example.org>\nSubject: Re: [PATCH] misc: example: drop a stale comment\nIn-Reply-To: <x@example.org>\n\nLooks fine to me.\n`;
    const result = run([file('reply-only.mbox', reply)]);
    expect(result.status).toBe(2);
    expect(result.json.patches).toEqual([]);
    expect(result.json.errors).toEqual([expect.objectContaining({ line: 1, message: expect.stringMatching(/^no patch to review/) })]);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('an unknown option: one line, exit 2', () => {
    const result = spawnSync(process.execPath, [cli, '--no-such-option', seed], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expectNoStackTrace(result.stderr);
  });

  it.each([
    [['--format', 'foo', seed], '--format', 'foo', ['pretty', 'terse', 'emacs', 'json', 'sarif', 'b4']],
    [['-f', 'foo', seed], '--format', 'foo', ['pretty', 'terse', 'emacs', 'json', 'sarif', 'b4']],
    [['--fail-level', 'fatal', seed], '--fail-level', 'fatal', ['error', 'warning', 'info', 'none']],
    [['hook', 'instal'], 'action', 'instal', ['install', 'uninstall']],
  ])('a wrong choice (%j): one line naming the option, the value and the choices, exit 2', (args, option, value, choices) => {
    const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`cptlint: ${option}: invalid value "${value}" (choose from ${choices.join(', ')})\n`);
  });

  it('other yargs complaints stay whole on their one line', () => {
    const result = spawnSync(process.execPath, [cli, 'explain'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('cptlint: Not enough non-option arguments: got 0, need at least 1\n');
  });
});
