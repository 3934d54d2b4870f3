/**
 * --staged and --git as inputs: the mails they hand to the pipeline, read as text.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rangeInput, resolveRange } from '../../src/git/range.js';
import { isInputError } from '../../src/git/repository.js';
import { stagedInput } from '../../src/git/staged.js';
import { isolateGitConfig, streamText, TempRepo } from './temp-repo.js';

beforeAll(isolateGitConfig);

async function stagedText(cwd: string): Promise<string> {
  const input = await stagedInput(cwd);
  if (isInputError(input)) throw new Error(input.message);
  expect(input.length).toBeLessThanOrEqual(1);
  return streamText(input[0]?.stream);
}

async function rangeText(cwd: string, range: string): Promise<string> {
  const input = await rangeInput(cwd, range);
  if (isInputError(input)) throw new Error(input.message);
  expect(input.length).toBeLessThanOrEqual(1);
  return streamText(input[0]?.stream);
}

describe('stagedInput', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = new TempRepo();
    repo.commit('drv: start', { 'drivers/misc/drv.c': 'int a;\n', 'README': 'hello\n' });
  });
  afterEach(() => repo.remove());

  it('writes the staged change as one format-patch mail by the configured user', async () => {
    repo.write('drivers/misc/drv.c', 'int a;\nint b;\n');
    repo.git('add', 'drivers/misc/drv.c');
    repo.write('README', 'hello, unstaged\n');
    const mail = await stagedText(repo.dir);
    expect(mail).toMatch(/^From 0{40} Mon Sep 17 00:00:00 2001\n/);
    expect(mail).toContain('\nFrom: Ada Tester <ada@example.org>\n');
    expect(mail).toMatch(/\nDate: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}\n/);
    expect(mail).toContain('\nSubject: [PATCH] staged changes\n');
    expect(mail).toContain('\n---\n drivers/misc/drv.c | 1 +\n');
    expect(mail).toContain('diff --git a/drivers/misc/drv.c b/drivers/misc/drv.c\n');
    expect(mail).toContain('\n+int b;\n');
    expect(mail).not.toContain('README');
  });

  it('reads the whole repository from a subdirectory, whatever diff.* configuration says', async () => {
    repo.git('config', 'diff.noprefix', 'true');
    repo.git('config', 'diff.relative', 'true');
    repo.git('config', 'color.ui', 'always');
    repo.write('README', 'hello again\n');
    repo.git('add', 'README');
    const mail = await stagedText(join(repo.dir, 'drivers/misc'));
    expect(mail).toContain('diff --git a/README b/README\n');
    expect(mail).toContain('--- a/README\n+++ b/README\n');
    expect(mail).not.toContain('\u001b[');
  });

  it('encodes an author name that is not ASCII', async () => {
    repo.git('config', 'user.name', 'Zoë Łukasiewicz');
    repo.write('README', 'hi\n');
    repo.git('add', 'README');
    const mail = await stagedText(repo.dir);
    expect(mail).toContain(`From: =?UTF-8?B?${Buffer.from('Zoë Łukasiewicz').toString('base64')}?= <ada@example.org>\n`);
  });

  it('reads the index a hook is given in GIT_INDEX_FILE', async () => {
    repo.write('README', 'only in the other index\n');
    const otherIndex = join(repo.dir, '.git', 'other-index');
    repo.git('read-tree', `--index-output=${otherIndex}`, 'HEAD');
    const saved = process.env.GIT_INDEX_FILE;
    process.env.GIT_INDEX_FILE = otherIndex;
    try {
      repo.git('add', 'README');
      const mail = await stagedText(repo.dir);
      expect(mail).toContain('+only in the other index\n');
    } finally {
      if (saved === undefined) delete process.env.GIT_INDEX_FILE;
      else process.env.GIT_INDEX_FILE = saved;
    }
    expect(await stagedText(repo.dir)).toBe('');
  });

  it('gives no message when nothing is staged', async () => {
    repo.write('README', 'changed but not staged\n');
    expect(await stagedText(repo.dir)).toBe('');
  });

  it('is an input error outside a repository', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'cptlint-no-repo-'));
    try {
      const input = await stagedInput(outside);
      expect(isInputError(input)).toBe(true);
      if (isInputError(input)) expect(input.message).toContain('not inside a git working tree');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('rangeInput', () => {
  let repo: TempRepo;
  let commits: string[];
  beforeEach(() => {
    repo = new TempRepo();
    commits = [
      repo.commit('drv: start', { 'drv.c': 'int a;\n' }),
      repo.commit('drv: add b\n\nThe b counter.\nFrom here on, b counts.\n\nSigned-off-by: Ada Tester <ada@example.org>', { 'drv.c': 'int a;\nint b;\n' }),
      repo.commit('drv: add c', { 'drv.c': 'int a;\nint b;\nint c;\n' }, '2024-03-02T11:00:00+0100'),
    ];
  });
  afterEach(() => repo.remove());

  it('writes each commit of the range in order, numbered and threaded as one series', async () => {
    const mbox = await rangeText(repo.dir, 'HEAD~2..');
    const subjects = [...mbox.matchAll(/^Subject: (.*)$/gm)].map((match) => match[1]);
    expect(subjects).toEqual(['[PATCH 1/2] drv: add b', '[PATCH 2/2] drv: add c']);
    const ids = [...mbox.matchAll(/^Message-Id: <(.*)>$/gim)].map((match) => match[1]);
    expect(ids).toHaveLength(2);
    expect(mbox).toContain(`In-Reply-To: <${ids[0]}>`);
    expect(mbox).toContain(`From ${commits[1]} Mon Sep 17 00:00:00 2001`);
    expect(mbox).toContain('Date: Sat, 2 Mar 2024 11:00:00 +0100');
    expect(mbox).toContain('The b counter.\n>From here on, b counts.\n');
  });

  it('reads one commit as that commit alone', async () => {
    const mbox = await rangeText(repo.dir, commits[1].slice(0, 10));
    expect([...mbox.matchAll(/^Subject: (.*)$/gm)].map((match) => match[1])).toEqual(['[PATCH] drv: add b']);
    const root = await rangeText(repo.dir, commits[0]);
    expect(root).toContain('Subject: [PATCH] drv: start');
    expect(root).toContain('new file mode 100644');
  });

  it('skips merges, as format-patch and checkpatch --git do', async () => {
    repo.git('checkout', '-q', '-b', 'topic', commits[1]);
    repo.commit('drv: topic change', { 'other.c': 'int t;\n' });
    repo.git('checkout', '-q', 'master');
    repo.git('merge', '-q', '--no-edit', '--no-ff', 'topic');
    const resolved = await resolveRange(repo.dir, `${commits[0]}..HEAD`);
    if (isInputError(resolved)) throw new Error(resolved.message);
    expect(resolved.commits).toHaveLength(3);
    expect(resolved.base).toBe(commits[0]);
    const mbox = await rangeText(repo.dir, `${commits[0]}..HEAD`);
    expect(mbox.match(/^Subject: /gm)).toHaveLength(3);
    expect(await rangeText(repo.dir, 'HEAD')).toBe('');
  });

  it('writes the same mbox whatever format.* configuration says', async () => {
    repo.git('config', 'format.signOff', 'true');
    repo.git('config', 'format.coverLetter', 'true');
    repo.git('config', 'format.attach', 'true');
    repo.git('config', 'format.useAutoBase', 'true');
    repo.git('config', 'format.signature', 'my signature');
    const mbox = await rangeText(repo.dir, 'HEAD~2..');
    expect(mbox).not.toContain('0/2');
    expect(mbox).not.toContain('multipart');
    expect(mbox).not.toContain('base-commit');
    expect(mbox).not.toContain('my signature');
    expect(mbox.match(/Signed-off-by:/g)).toHaveLength(1);
  });

  it('is an input error for a range git does not know, or one that looks like an option', async () => {
    for (const range of ['no-such-branch..', 'HEAD~9..', '--output=/tmp/x', '']) {
      const input = await rangeInput(repo.dir, range);
      expect(isInputError(input)).toBe(true);
    }
  });
});
