/**
 * npm's `prepare` script: builds dist/ from the TypeScript sources.
 *
 * npm runs it in a clone after `npm ci` / `npm install` (the dependencies are there), and also
 * in two places where they are not:
 * - `npm install -g .` and `npm link` in a clone link the clone into the global folder and
 *   install none of its dependencies, runtime ones included;
 * - `npm install -g <git URL>` prepares its clone of the repository with an `npm install`
 *   that inherits `--global`, so that it too links instead of installing the dependencies.
 * Moving typescript to "dependencies" would not help either case. So when a dependency is
 * missing, this script first installs them all into the package's own node_modules (from
 * package-lock.json), as a local install whatever the calling npm was asked to do.
 *
 * The git URL case leaves one more thing behind (npm/cli#8440, fixed in pacote by passing
 * --global=false): the inner install links the global cptlint to the temporary clone, and the
 * real install that follows then unpacks into that link, that is into the clone npm deletes
 * afterwards, and the inner install deletes the dependencies the real install had already
 * unpacked (it moved them aside to make the link). When this script runs in that inner
 * install, it removes the link and moves the real install's folder back.
 *
 * Everything it prints goes to stderr: the pre-commit framework reads `npm pack`'s stdout
 * as the name of the tarball.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const wanted = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
const missing = wanted.filter((name) => !existsSync(join(root, 'node_modules', name, 'package.json')));

/** npm settings that would turn the dependency install into something else than a local install of everything. */
const NOT_INHERITED = /^npm_config_(global|global_prefix|local_prefix|prefix|location|omit|include|production|only|dev|also|dry_run|package_lock_only|install_links|ignore_scripts|workspaces?|include_workspace_root)$/i;

if (missing.length > 0) {
  const npm = process.env.npm_execpath;
  const useLock = existsSync(join(root, 'package-lock.json'));
  const args = [useLock ? 'ci' : 'install', '--include=dev', '--ignore-scripts', '--no-audit', '--no-fund'];
  if (!useLock) args.push('--no-save');
  process.stderr.write(`cptlint prepare: ${missing.length} dependencies missing (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', ...' : ''}): npm ${args.join(' ')} in ${root}\n`);
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !NOT_INHERITED.test(key)));
  // The npm that runs this script, when it says where it is; else the one on PATH.
  const [command, commandArgs] = npm && /\.[cm]?js$/.test(npm) ? [process.execPath, [npm, ...args]] : [npm || 'npm', args];
  execFileSync(command, commandArgs, { cwd: root, env, stdio: ['ignore', 2, 2] });
}

/**
 * When npm's git dependency preparation runs this script under --global: the global cptlint,
 * now a link to this folder, and the folder npm moved aside to make that link (".cptlint-*",
 * holding the dependencies the real install has unpacked so far).
 */
function gitPreparationDamage() {
  const env = process.env;
  if (!env._PACOTE_NO_PREPARE_ || env.npm_config_global !== 'true' || !env.npm_config_global_prefix) return null;
  const globalModules = process.platform === 'win32' ? join(env.npm_config_global_prefix, 'node_modules') : join(env.npm_config_global_prefix, 'lib', 'node_modules');
  const link = join(globalModules, manifest.name);
  try {
    if (!lstatSync(link).isSymbolicLink() || realpathSync(link) !== realpathSync(root)) return null;
  } catch {
    return null;
  }
  const aside = readdirSync(globalModules).filter((name) => name.startsWith(`.${manifest.name}-`));
  return { link, aside: aside.length === 1 ? join(globalModules, aside[0]) : null };
}

const damage = gitPreparationDamage();
if (damage) {
  process.stderr.write(`cptlint prepare: npm's git preparation linked ${damage.link} to this temporary clone (npm/cli#8440): putting the real install's folder back\n`);
  unlinkSync(damage.link);
  if (damage.aside) renameSync(damage.aside, damage.link);
  else mkdirSync(damage.link);
}

execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: ['ignore', 2, 2],
});
// The launcher runs the bundle (scripts/bundle.js): the same steps as `npm run build`.
execFileSync(process.execPath, [join(root, 'scripts', 'bundle.js')], { cwd: root, stdio: ['ignore', 2, 2] });
