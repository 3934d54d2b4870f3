/**
 * The README promises `npx cptlint patches/<the seed>.mbox` after `npm ci`: the package's bin
 * must be an executable that npx finds offline, and it must review the seed.
 */
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

it('npx cptlint reviews the seed patch as the README says', () => {
  const result = spawnSync('npx', ['--offline', 'cptlint', '--no-color', 'patches/0008-introduce-functions-to-restart-a-process.mbox'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(1);
  expect(result.stdout).toContain('[PATCH 8/9] Introduce functions to restart a process');
  expect(result.stdout).toMatch(/1 patch reviewed: \d+ errors?, \d+ warnings?/);
});
