/**
 * The four ways a kernel developer puts cptlint on the PATH, each from a fresh checkout (no
 * node_modules, no dist) into a throw-away global prefix, and the installed `cptlint` then
 * run from elsewhere: --version and a review of a patch with one finding.
 *
 * Slow (each form installs the dependencies and builds; about two minutes in all) and in
 * need of the npm registry or a warm npm cache, like `npm ci` itself.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expectWorkingCptlint, freshCheckout, hasCommand, packageVersion, run, tempDir, userEnv } from './checkout.js';

const INSTALL_TIMEOUT = 600_000;
const hasGit = hasCommand('git');
if (!hasGit) console.warn('SKIPPED: git is not installed; the global install tests need a git checkout of cptlint');

(hasGit ? describe : describe.skip)('global install', () => {
  const cleanup: string[] = [];
  afterAll(() => {
    for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
  });
  function scratch(prefix: string): string {
    const dir = tempDir(prefix);
    cleanup.push(dir);
    return dir;
  }
  function checkout(): string {
    const dir = freshCheckout();
    cleanup.push(dir);
    return dir;
  }

  it(
    '`npm install -g .` in a fresh clone',
    () => {
      const clone = checkout();
      const prefix = scratch('cptlint-prefix-');
      run('npm', ['install', '-g', '.', '--prefix', prefix, '--no-audit', '--no-fund'], { cwd: clone });
      expectWorkingCptlint(join(prefix, 'bin', 'cptlint'));
    },
    INSTALL_TIMEOUT,
  );

  it(
    '`npm link` in a fresh clone',
    () => {
      const clone = checkout();
      const prefix = scratch('cptlint-prefix-');
      // npm link takes --prefix for the package to link, so the global prefix comes from PREFIX.
      run('npm', ['link', '--no-audit', '--no-fund'], { cwd: clone, env: userEnv({ PREFIX: prefix }) });
      expectWorkingCptlint(join(prefix, 'bin', 'cptlint'));
    },
    INSTALL_TIMEOUT,
  );

  it(
    '`npm install -g git+file://…` of a repository',
    () => {
      const repository = checkout();
      const prefix = scratch('cptlint-prefix-');
      run('npm', ['install', '-g', `git+file://${repository}`, '--prefix', prefix, '--no-audit', '--no-fund'], { cwd: scratch('cptlint-cwd-') });
      // A real copy, not a link into a clone npm has deleted, and nothing left aside.
      expect(readdirSync(join(prefix, 'lib', 'node_modules'))).toEqual(['cptlint']);
      rmSync(repository, { recursive: true, force: true });
      expectWorkingCptlint(join(prefix, 'bin', 'cptlint'));
    },
    INSTALL_TIMEOUT,
  );

  it(
    '`npm pack` in a fresh clone, then `npm install -g` of the tarball',
    () => {
      const clone = checkout();
      const destination = scratch('cptlint-pack-');
      const packed = run('npm', ['pack', '--pack-destination', destination], { cwd: clone });
      // Only the file name on stdout (the pre-commit framework reads it from there), even though prepare built dist/.
      expect(packed.stdout).toBe(`cptlint-${packageVersion}.tgz\n`);
      rmSync(clone, { recursive: true, force: true });
      const prefix = scratch('cptlint-prefix-');
      run('npm', ['install', '-g', join(destination, `cptlint-${packageVersion}.tgz`), '--prefix', prefix, '--no-audit', '--no-fund'], { cwd: destination });
      rmSync(destination, { recursive: true, force: true });
      expectWorkingCptlint(join(prefix, 'bin', 'cptlint'));
    },
    INSTALL_TIMEOUT,
  );
});
