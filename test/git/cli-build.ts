/**
 * The hook tests run the built CLI (dist/src/cli.js), as the installed hook does. jest's
 * global setup (test/global-setup.js) builds it once before any test file runs, so test
 * files running in parallel never rebuild dist/ under each other.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const builtCli = join(repoRoot, 'dist/src/cli.js');

export function buildCli(): void {
  if (!existsSync(builtCli)) throw new Error(`${builtCli} is missing: the jest global setup should have built it`);
}
