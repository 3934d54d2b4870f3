/**
 * The foundation's contract, end to end: for every message of the real kernel corpus, the JSON
 * report's author, title, file list and per-file added/removed equal what git itself gives
 * (git mailsplit, git mailinfo, git apply --numstat).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { review } from '../../src/index.js';
import { loadReporter, renderAll } from '../../src/report/index.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const corpusMbox = resolve(repoRoot, '../shared/corpus/all.mbox');

interface GitView {
  author: string;
  title: string;
  files: { path: string; added: number; removed: number }[];
}

interface JsonPatch {
  author: string;
  title: string;
  files: { path: string; added: number; removed: number; status: string }[];
}

function git(args: string[], cwd: string, input?: string): string {
  return execFileSync('git', args, { cwd, input, encoding: 'utf8', maxBuffer: 64 << 20 });
}

/** What git says of each message of the mbox, in order. */
function gitView(mbox: string, workdir: string): GitView[] {
  const splitDir = join(workdir, 'split');
  mkdirSync(splitDir, { recursive: true });
  git(['mailsplit', '--mboxrd', `-o${splitDir}`, mbox], workdir);
  return readdirSync(splitDir)
    .sort()
    .map((name) => {
      const info = execFileSync('git', ['mailinfo', '-u', join(workdir, 'msg'), join(workdir, 'patch')], {
        cwd: workdir,
        input: readFileSync(join(splitDir, name)),
        maxBuffer: 64 << 20,
        encoding: 'utf8',
      });
      const header = (key: string) => new RegExp(`^${key}: (.*)$`, 'm').exec(info)?.[1] ?? '';
      const numstat = git(['apply', '--numstat', '-z', join(workdir, 'patch')], workdir);
      return { author: `${header('Author')} <${header('Email')}>`, title: header('Subject'), files: parseNumstatZ(numstat) };
    });
}

/** `git apply --numstat -z`: "added\tremoved\tpath\0", or for a rename "added\tremoved\t\0old\0new\0". */
function parseNumstatZ(text: string): GitView['files'] {
  const files: GitView['files'] = [];
  const fields = text.split('\0');
  for (let index = 0; index < fields.length - 1; index += 1) {
    const [added, removed, path] = fields[index].split('\t');
    let filePath = path;
    if (path === '') {
      filePath = fields[index + 2];
      index += 2;
    }
    files.push({ path: filePath, added: added === '-' ? 0 : Number(added), removed: removed === '-' ? 0 : Number(removed) });
  }
  return files;
}

const haveCorpus = existsSync(corpusMbox);
if (!haveCorpus) console.warn(`SKIPPED: corpus JSON test — ${corpusMbox} is absent (../shared is not beside this checkout)`);

(haveCorpus ? describe : describe.skip)('JSON report on the kernel corpus equals git', () => {
  let workdir = '';
  beforeAll(() => {
    workdir = mkdtempSync(join(tmpdir(), 'cptlint-corpus-'));
  });
  afterAll(() => rmSync(workdir, { recursive: true, force: true }));

  it('gives git mailinfo author and title and git apply --numstat counts for every message', async () => {
    const expected = gitView(corpusMbox, workdir);
    const result = await review([{ source: corpusMbox }], { rules: [] });
    const json = JSON.parse(renderAll(await loadReporter('json'), result.patches, result.errors)) as { patches: JsonPatch[]; errors: unknown[] };
    expect(json.errors).toEqual([]);
    expect(json.patches).toHaveLength(expected.length);
    expect(expected.length).toBe(480);
    const mismatches: string[] = [];
    json.patches.forEach((patch, index) => {
      const want = expected[index];
      const got = { author: patch.author, title: patch.title, files: patch.files.map(({ path, added, removed }) => ({ path, added, removed })) };
      if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`message ${index + 1}: got ${JSON.stringify(got)} want ${JSON.stringify(want)}`);
    });
    if (mismatches.length > 0) writeFileSync(join(tmpdir(), 'cptlint-corpus-mismatches.txt'), mismatches.join('\n'));
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});
