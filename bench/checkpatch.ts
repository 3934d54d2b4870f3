/**
 * checkpatch.pl, the reference the speed goals are set against (issue 15), from Debian's
 * linux-source-6.1 package: `apt-get download` (no root needed) into a cache directory, then
 * only scripts/checkpatch.pl and the files it reads (spelling.txt, const_structs.checkpatch,
 * and the documentation --verbose reads) are taken out of the source tarball and kept; the
 * 139 MB package is removed. The next run finds them there.
 *
 * Cache: $CPTLINT_BENCH_CACHE, else $XDG_CACHE_HOME/cptlint-bench, else ~/.cache/cptlint-bench.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const PACKAGE = 'linux-source-6.1';
const TREE = 'linux-source-6.1';
/** What checkpatch.pl reads with --no-tree, relative to the tree. */
const FILES = ['scripts/checkpatch.pl', 'scripts/spelling.txt', 'scripts/const_structs.checkpatch', 'Documentation/dev-tools/checkpatch.rst'];

export type Checkpatch = { script: string; version: string } | { missing: string };

export function benchCacheDirectory(): string {
  return process.env.CPTLINT_BENCH_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cptlint-bench');
}

function has(command: string, args: readonly string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
}

/** checkpatch.pl from the cache, fetched and extracted first when it is not there; or why it cannot be had. */
export function findCheckpatch(cache = benchCacheDirectory()): Checkpatch {
  const script = join(cache, TREE, 'scripts', 'checkpatch.pl');
  const versionFile = join(cache, TREE, 'debian-version');
  if (!has('perl', ['-e', '0'])) return { missing: 'no perl on PATH' };
  if (existsSync(script)) return { script, version: existsSync(versionFile) ? readFileSync(versionFile, 'utf8').trim() : 'unknown' };
  for (const command of ['apt-get', 'dpkg-deb', 'tar', 'xz']) {
    if (!has('sh', ['-c', `command -v ${command}`])) return { missing: `no ${command} on PATH to fetch ${PACKAGE}` };
  }
  try {
    mkdirSync(cache, { recursive: true });
    execFileSync('apt-get', ['download', '-q', PACKAGE], { cwd: cache, stdio: ['ignore', 'ignore', 'pipe'] });
    const deb = readdirSync(cache).find((name) => name.startsWith(`${PACKAGE}_`) && name.endsWith('.deb'));
    if (!deb) return { missing: `apt-get download ${PACKAGE} left no .deb in ${cache}` };
    try {
      // The package holds the tree as one tarball; take out only the files checkpatch.pl reads.
      execFileSync(
        'sh',
        ['-c', `dpkg-deb --fsys-tarfile "$1" | tar -xO ./usr/src/${TREE}.tar.xz | tar -xJ -C "$2" -f - ${FILES.map((file) => `${TREE}/${file}`).join(' ')}`, 'sh', join(cache, deb), cache],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      writeFileSync(versionFile, `${deb.split('_')[1]}\n`);
    } finally {
      rmSync(join(cache, deb), { force: true });
    }
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString('utf8').trim().split('\n').pop();
    return { missing: `could not fetch ${PACKAGE} with apt-get download: ${stderr || (error as Error).message}` };
  }
  if (!existsSync(script)) return { missing: `${PACKAGE} did not hold scripts/checkpatch.pl` };
  return { script, version: readFileSync(versionFile, 'utf8').trim() };
}
