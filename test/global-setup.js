/**
 * Builds dist/ once before the tests that run the CLI as a user would (the hook, bad input,
 * reply drafts through git send-email). Unit tests run the TypeScript sources directly.
 */
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function buildOnce() {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
}
