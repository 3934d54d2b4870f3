/**
 * cptlint as b4 runs its check commands: one patch mail on standard input, the command
 * shlex-split and run, its output read by b4's rules. Text protocol (am/prep-perpatch-check-cmd):
 * each stdout line is a finding, one containing "ERROR:" fails the patch, other lines warn,
 * any stderr line fails, no output and exit 0 passes. JSON protocol (review-perpatch-check-cmd):
 * an array of {tool, status, summary, url, details}.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(repoRoot, 'dist/src/cli.js');
const seed = readFileSync(join(repoRoot, 'patches/0008-introduce-functions-to-restart-a-process.mbox'));

const cleanPatch = `From: Jane Doe <jane@example.org>
Date: Mon, 3 Mar 2025 10:00:00 +0100
Subject: [PATCH] misc: example: take the owner's reference on open
Message-Id: <20250303090000.1@example.org>

Signed-off-by: Jane Doe <jane@example.org>
---
diff --git a/drivers/misc/example.c b/drivers/misc/example.c
index 1111111..2222222 100644
--- a/drivers/misc/example.c
+++ b/drivers/misc/example.c
@@ -40,6 +40,14 @@ static const struct file_operations example_fops;
 
 static int example_attach(struct example_ops *ops)
 {
+	if (!try_module_get(ops->owner))
+		return -ENODEV;
+	if (ops->attach(ops)) {
+		module_put(ops->owner);
+		return -EIO;
+	}
+	module_put(ops->owner);
+	return 0;
 }
 
 static int example_probe(struct platform_device *pdev)
`;

/** b4's LoreMessage.run_local_check, as anchors.md describes it. */
function b4TextCheck(args: string[], mail: Buffer | string): { status: 'success' | 'warning' | 'fail'; findings: string[] } {
  const result = spawnSync(process.execPath, [cli, ...args], { input: mail, encoding: 'utf8' });
  const lines = result.stdout.split('\n').filter((line) => line.length > 0).map((line) => line.replace(/^-:/, ''));
  const errors = result.stderr.split('\n').filter((line) => line.length > 0);
  if (lines.length === 0 && errors.length === 0) return { status: result.status === 0 ? 'success' : 'fail', findings: [] };
  const failed = errors.length > 0 || lines.some((line) => line.includes('ERROR:'));
  return { status: failed ? 'fail' : 'warning', findings: [...lines, ...errors] };
}

describe('b4 check commands', () => {
  it('terse on the seed fails the patch and names file:line of each finding', () => {
    const check = b4TextCheck(['--format', 'terse', '-'], seed);
    expect(check.status).toBe('fail');
    expect(check.findings.filter((line) => line.startsWith('cpt/rst_process.c:40: WARNING: '))).toHaveLength(1);
    expect(check.findings.every((line) => /^[\w./-]+:\d+: (ERROR|WARNING|INFO): .+ \[[a-z-]+\]$/.test(line))).toBe(true);
  });

  it('terse on a clean patch prints nothing and passes', () => {
    expect(b4TextCheck(['--format', 'terse', '-'], cleanPatch)).toEqual({ status: 'success', findings: [] });
  });

  it('emacs lines carry file:line:col', () => {
    const check = b4TextCheck(['--format', 'emacs', '-'], seed);
    expect(check.findings.length).toBeGreaterThan(0);
    expect(check.findings.every((line) => /^[\w./-]+:\d+:\d+: (error|warning|info): .+ \[[a-z-]+\]$/.test(line))).toBe(true);
  });

  it('b4 JSON: fail on the seed, pass on a clean patch', () => {
    const run = (mail: Buffer | string) => {
      const result = spawnSync(process.execPath, [cli, '--format', 'b4', '-'], { input: mail, encoding: 'utf8' });
      expect(result.stderr).toBe('');
      return JSON.parse(result.stdout) as { tool: string; status: string; summary: string; details?: string }[];
    };
    const seedResult = run(seed);
    expect(seedResult).toHaveLength(1);
    expect(seedResult[0]).toMatchObject({ tool: 'cptlint', status: 'fail' });
    expect(seedResult[0].details).toContain('cpt/rst_process.c:40');
    expect(run(cleanPatch)).toEqual([expect.objectContaining({ tool: 'cptlint', status: 'pass' })]);
  });
});
