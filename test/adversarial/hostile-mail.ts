/**
 * Hostile mail for the adversarial tests, generated in the test (never stored): patch mails
 * whose parts are chosen by an attacker, with the mbox line numbers of what they carry.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const cli = join(repoRoot, 'dist/src/cli.js');

export interface HostilePatch {
  subject: string;
  from?: string;
  /** Extra header lines (without the final newline). */
  headers?: string[];
  path: string;
  /** The lines of a new file. */
  lines: string[];
}

/** A function that leaks `p` on the -EIO path: every rule run over it has something to say (mem-leak). */
export function leakyFunction(name: string): string[] {
  return [
    `int ${name}(void)`,
    '{',
    '\tstruct foo *p = kmalloc(sizeof(*p), GFP_KERNEL);',
    '\tif (!p)',
    '\t\treturn -ENOMEM;',
    '\tif (bar())',
    '\t\treturn -EIO;',
    '\tkfree(p);',
    '\treturn 0;',
    '}',
  ];
}

/** An mbox of the patches, and for each the mbox line of its first added line. */
export function mbox(patches: readonly HostilePatch[]): { text: string; firstLines: number[] } {
  const out: string[] = [];
  const firstLines: number[] = [];
  patches.forEach((patch, index) => {
    out.push(
      'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001',
      `From: ${patch.from ?? 'Jane Doe <jane@example.org>'}`,
      'Date: Mon, 3 Mar 2025 10:00:00 +0100',
      `Subject: [PATCH] ${patch.subject}`,
      `Message-Id: <hostile-${index}@example.org>`,
      ...(patch.headers ?? []),
      '',
      'A change.',
      '',
      'Signed-off-by: Jane Doe <jane@example.org>',
      '---',
      `diff --git a/${patch.path} b/${patch.path}`,
      'new file mode 100644',
      'index 0000000..1111111',
      '--- /dev/null',
      `+++ b/${patch.path}`,
      `@@ -0,0 +1,${patch.lines.length} @@`,
    );
    firstLines.push(out.length + 1);
    for (const line of patch.lines) out.push(`+${line}`);
    out.push('');
  });
  return { text: out.join('\n') + '\n', firstLines };
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
  signal: NodeJS.Signals | null;
}

export function runCli(args: string[], options: { input?: string | Buffer; cwd?: string; timeout?: number; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd: options.cwd ?? repoRoot,
    input: options.input,
    encoding: 'utf8',
    timeout: options.timeout ?? 60_000,
    maxBuffer: 256 << 20,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, signal: result.signal };
}

export function expectNoCrash(run: CliRun): void {
  expect(run.signal).toBeNull();
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(run.stderr).not.toMatch(/this looks like a bug|Maximum call stack/);
}
