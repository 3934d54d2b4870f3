/**
 * parseDiff against git itself: for every patch of the corpus, the patch part as `git mailinfo`
 * cuts it, and the file list and counts `git apply --numstat` gives for it. Also the
 * fixtures git accepts, and the line git names for those it refuses.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileChange } from '../../src/model/types.js';
import { parseDiff } from '../../src/parsers/diff.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpusDir = path.resolve(repoRoot, '../shared/corpus/kernel-patches');
const fixturesDir = path.join(repoRoot, 'test/fixtures/diff');
const hasGit = spawnSync('git', ['--version']).status === 0;
const hasCorpus = existsSync(corpusDir);

// A skipped suite says why, loudly (the project's rule for tests that need shared/ or git).
if (!hasGit) console.warn('corpus-numstat: skipped, git is not installed');
else if (!hasCorpus) console.warn(`corpus-numstat: corpus skipped, ${corpusDir} is absent`);

/** numstat lines as `git apply --numstat -z` writes them: "added\tremoved\tpath", "-\t-\tpath" for binary files. */
function gitNumstat(patchFile: string, cwd: string): string[] {
  const output = execFileSync('git', ['apply', '--numstat', '-z', patchFile], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  return output.toString('utf8').split('\0').filter((entry) => entry !== '');
}

function ourNumstat(files: FileChange[]): string[] {
  return files.map((file) => (file.status === 'binary' ? `-\t-\t${file.path}` : `${file.added}\t${file.removed}\t${file.path}`));
}

/** A directory outside any repository: git apply in a subdirectory of one skips paths outside it. */
function makeScratchDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'cptlint-numstat-'));
}

(hasGit && hasCorpus ? describe : describe.skip)('parseDiff against git apply --numstat on the corpus', () => {
  let scratch = '';
  beforeAll(() => {
    scratch = makeScratchDir();
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('gives the same files and counts for every patch, and no error', () => {
    const names = readdirSync(corpusDir).filter((name) => name.endsWith('.patch')).sort();
    expect(names).toHaveLength(480);
    const mismatches: string[] = [];
    for (const name of names) {
      execFileSync('git', ['mailinfo', 'msg', 'patch'], {
        cwd: scratch,
        input: readFileSync(path.join(corpusDir, name)),
        stdio: ['pipe', 'ignore', 'pipe'],
      });
      const expected = gitNumstat('patch', scratch);
      const { files, errors } = parseDiff(readFileSync(path.join(scratch, 'patch'), 'utf8'), { source: name, firstInputLine: 1 });
      const actual = ourNumstat(files);
      if (JSON.stringify(actual) !== JSON.stringify(expected)) mismatches.push(`${name}: git ${expected.join(' | ')}; ours ${actual.join(' | ')}`);
      if (errors.length > 0) mismatches.push(`${name}: ${errors.map((error) => error.message).join('; ')}`);
    }
    expect(mismatches).toEqual([]);
  });
});

(hasGit ? describe : describe.skip)('parseDiff against git apply on the fixtures', () => {
  let scratch = '';
  beforeAll(() => {
    scratch = makeScratchDir();
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.each(['extended-headers.diff', 'quilt.diff', 'no-newline.diff', 'long-hunk.diff'])('%s: same numstat', (name) => {
    const fixture = path.join(fixturesDir, name);
    const { files } = parseDiff(readFileSync(fixture, 'utf8'), { source: name, firstInputLine: 1 });
    expect(ourNumstat(files)).toEqual(gitNumstat(fixture, scratch));
  });

  it.each(['short-hunk.diff', 'garbage-between.diff'])('%s: git refuses it at the line we report', (name) => {
    const fixture = path.join(fixturesDir, name);
    const git = spawnSync('git', ['apply', '--numstat', fixture], { cwd: scratch, encoding: 'utf8' });
    expect(git.status).not.toBe(0);
    const gitLine = /at line (\d+)/.exec(git.stderr)?.[1];
    const { errors } = parseDiff(readFileSync(fixture, 'utf8'), { source: name, firstInputLine: 1 });
    expect(errors.map((error) => String(error.line))).toEqual([gitLine]);
    expect(errors[0].message.split(':')[0]).toBe(git.stderr.replace(/^error: /, '').split(':')[0].trim());
  });
});
