/**
 * `npm run facts -- [KERNEL_TREE] [-o data/kernel-facts.json]`: mine a kernel tree's .c and .h
 * files and write the facts file, and the integer conventions beside it (kernel-facts-integer.json). Without a tree it downloads Debian's linux-source-6.1 with
 * `apt-get download` and mines that. The output depends only on the tree's text (files are
 * read in sorted order, names sorted), so two runs on one tree write the same file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { factsFile, integerFactsFile, kernelRelease, mineTree } from './mine.js';
import { ownershipFactsFile } from './resolve-ownership.js';
import type { OwnershipFactsFile } from '../kernel-facts.js';

/** The ownership facts, one function per line: diffs of a regenerated file stay readable. */
function ownershipText(file: OwnershipFactsFile): string {
  const entries = (record: Record<string, unknown>): string =>
    `{\n${Object.entries(record)
      .map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`)
      .join(',\n')}\n }`;
  return (
    `{\n "format": ${file.format},\n "generator": ${JSON.stringify(file.generator)},\n "kernel": ${JSON.stringify(file.kernel)},\n` +
    ` "locks": ${entries(file.locks)},\n "callbacks": ${entries(file.callbacks)},\n "takes": ${entries(file.takes)},\n` +
    ` "managed": ${JSON.stringify(file.managed)}\n}\n`
  );
}
import type { FileFacts } from './extract.js';

/** Debian's linux-source-6.1, downloaded and extracted into a temporary folder. */
function fetchDebianSource(): string {
  const folder = mkdtempSync(join(tmpdir(), 'cptlint-facts-'));
  try {
    execFileSync('apt-get', ['download', 'linux-source-6.1'], { cwd: folder, stdio: 'inherit' });
  } catch {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['download', 'linux-source-6.1'], { cwd: folder, stdio: 'inherit' });
  }
  const deb = readdirSync(folder).find((name) => /^linux-source-6\.1_.*_all\.deb$/.test(name));
  if (!deb) throw new Error('apt-get download linux-source-6.1 left no .deb');
  execFileSync('sh', ['-c', `dpkg-deb --fsys-tarfile "${deb}" | tar -xO ./usr/src/linux-source-6.1.tar.xz | tar -xJ`], { cwd: folder, stdio: 'inherit' });
  return join(folder, 'linux-source-6.1');
}

async function main(argv: string[]): Promise<void> {
  let output = 'data/kernel-facts.json';
  let tree: string | null = null;
  /** --raw FILE: keep what was read of each file there, and read it back instead of parsing when it exists (for work on resolve.ts). */
  let raw: string | null = null;
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '-o') output = argv[++i];
    else if (argv[i] === '--raw') raw = argv[++i];
    else tree = argv[i];
  }
  const fetched = tree === null;
  const root = tree ?? fetchDebianSource();
  try {
    const start = performance.now();
    const files =
      raw !== null && existsSync(raw)
        ? (JSON.parse(readFileSync(raw, 'utf8')) as FileFacts[])
        : await mineTree(root, (done, total) => process.stderr.write(`\r${done}/${total} files`));
    if (raw !== null && !existsSync(raw)) writeFileSync(raw, JSON.stringify(files));
    const data = factsFile(files, kernelRelease(root));
    // One pair per line: diffs of a regenerated file stay readable.
    const text = `${JSON.stringify(data, null, 1).replace(/\[\n\s+("[^"]*"|\d+),\n\s+("[^"]*"|\d+),\n\s+("[^"]*"|\d+),\n\s+("[^"]*"|\d+),\n\s+("[^"]*")\n\s+\]/g, '[$1, $2, $3, $4, $5]')}\n`;
    writeFileSync(output, text);
    const integer = integerFactsFile(files, data.kernel);
    const integerOutput = output.replace(/(\.json)?$/, '-integer.json');
    writeFileSync(integerOutput, `${JSON.stringify(integer, null, 1)}\n`);
    const ownership = ownershipFactsFile(files, data.kernel, data.generator);
    const ownershipOutput = output.replace(/(\.json)?$/, '-ownership.json');
    writeFileSync(ownershipOutput, ownershipText(ownership));
    const counts = Object.entries(data.pointer).map(([k, v]) => `${k} ${v === '' ? 0 : v.split(' ').length}`);
    process.stderr.write(
      `\n${files.length} files of Linux ${data.kernel} in ${((performance.now() - start) / 1000).toFixed(0)} s: pointer ${counts.join(', ')}; ` +
        `noreturn ${data.noreturn.declared.split(' ').length} declared, ${data.noreturn.derived.split(' ').length} derived; ${data.pairs.length} pairs; ${text.length} bytes to ${output}; ` +
        `integer errno ${integer.integer.errno.split(' ').length}, bool ${integer.integer.bool.split(' ').length} to ${integerOutput}; ` +
        `ownership: ${Object.keys(ownership.locks).length} locks, ${Object.keys(ownership.callbacks).length} callbacks, ${Object.keys(ownership.takes).length} takers, ` +
        `${ownership.managed.split(' ').length} managed to ${ownershipOutput}\n`,
    );
  } finally {
    if (fetched) rmSync(join(root, '..'), { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
