/**
 * The --tree context on its own: patches applied to a scratch index, cumulatively, post-images
 * and included headers read back, and the user's repository left exactly as it was.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { includeCandidates, includeDirectives } from '../../src/git/includes.js';
import { isInputError } from '../../src/git/repository.js';
import { openTreeContext, type OpenTreeContext } from '../../src/git/tree.js';
import type { Patch } from '../../src/model/types.js';
import { parseDiff } from '../../src/parsers/diff.js';
import { isolateGitConfig, TempRepo } from './temp-repo.js';

beforeAll(isolateGitConfig);

/** A Patch as the pipeline builds it from a mail, with the mail's diff text kept or not. */
function patchOf(diffText: string, keepDiffText = true): Patch {
  const { files, errors } = parseDiff(diffText, { source: 'test', firstInputLine: 1 });
  expect(errors).toEqual([]);
  const mail = {
    source: 'test',
    startLine: 1,
    from: null,
    date: null,
    subject: '[PATCH] test',
    messageId: null,
    inReplyTo: null,
    references: [],
    to: [],
    cc: [],
    body: diffText,
    bodyStartLine: 1,
  };
  return {
    source: 'test',
    index: 0,
    mail,
    subject: '[PATCH] test',
    title: 'test',
    subjectInfo: { tags: ['PATCH'], isReply: false, isPatch: true, isRfc: false, version: 1, number: null, total: null, title: 'test' },
    author: 'Ada Tester <ada@example.org>',
    series: null,
    commitMessage: '',
    files,
    ...(keepDiffText ? { diffText } : {}),
  };
}

const COUNTER_C = ['#include "counter.h"', '#include <linux/module.h>', '#include <asm/ptrace.h>', '#include <linux/absent.h>', '', 'int counter;', ''].join('\n');

/** A diff as git writes it, made in a scratch repository of its own (not the one under test). */
function diffBetween(path: string, before: string | null, after: string | null): string {
  const scratch = new TempRepo('cptlint-diff-maker-');
  try {
    if (before !== null) scratch.commit('before', { [path]: before });
    else scratch.commit('empty', { '.keep': '' });
    if (after === null) scratch.git('rm', '-q', path);
    else {
      scratch.write(path, after);
      scratch.git('add', path);
    }
    return scratch.git('diff', '--cached', '--src-prefix=a/', '--dst-prefix=b/');
  } finally {
    scratch.remove();
  }
}

describe('openTreeContext', () => {
  let repo: TempRepo;
  let tree: OpenTreeContext | null = null;

  beforeEach(() => {
    repo = new TempRepo();
    repo.commit('tree', {
      'drivers/misc/counter.c': COUNTER_C,
      'drivers/misc/counter.h': '#define COUNTER_MAX 16\n',
      'include/linux/module.h': '#define THIS_MODULE ((struct module *)0)\n',
      'arch/x86/include/asm/ptrace.h': '#define X86_FRAME 168\n',
      'arch/arm64/include/asm/ptrace.h': '#define ARM64_FRAME 272\n',
      'arch/arm64/kernel/entry.S': '#include <asm/ptrace.h>\n\tnop\n',
    });
  });
  afterEach(() => {
    tree?.close();
    tree = null;
    repo.remove();
  });

  async function open(base?: string): Promise<OpenTreeContext> {
    const opened = await openTreeContext(repo.dir, { base });
    if (isInputError(opened)) throw new Error(opened.message);
    tree = opened;
    return opened;
  }

  it('applies a patch to a scratch copy and reads the whole post-image back', async () => {
    const context = await open();
    const after = COUNTER_C.replace('int counter;', 'int counter;\nint limit;');
    expect(context.applyPatch(patchOf(diffBetween('drivers/misc/counter.c', COUNTER_C, after)))).toEqual({ applied: true });
    expect(context.postImage('drivers/misc/counter.c')).toBe(after);
    expect(context.postImage('drivers/misc/none.c')).toBeNull();
    expect(repo.read('drivers/misc/counter.c')).toBe(COUNTER_C);
  });

  it('applies the patches of a series one on top of the other', async () => {
    const context = await open();
    const first = COUNTER_C + 'int one;\n';
    const second = first + 'int two;\n';
    expect(context.applyPatch(patchOf(diffBetween('drivers/misc/counter.c', COUNTER_C, first))).applied).toBe(true);
    expect(context.applyPatch(patchOf(diffBetween('drivers/misc/counter.c', first, second))).applied).toBe(true);
    expect(context.postImage('drivers/misc/counter.c')).toBe(second);
    const added = diffBetween('drivers/misc/new.c', null, 'int fresh;\n');
    expect(context.applyPatch(patchOf(added)).applied).toBe(true);
    expect(context.postImage('drivers/misc/new.c')).toBe('int fresh;\n');
  });

  it('says a patch does not apply, and the next one applies to the tree as it was', async () => {
    const context = await open();
    const stale = diffBetween('drivers/misc/counter.c', 'int something_else;\nint other;\n', 'int something_else;\nint changed;\n');
    const result = context.applyPatch(patchOf(stale));
    expect(result.applied).toBe(false);
    expect(result.message).toMatch(/patch failed|does not apply|does not match/);
    const good = diffBetween('drivers/misc/counter.h', '#define COUNTER_MAX 16\n', '#define COUNTER_MAX 32\n');
    expect(context.applyPatch(patchOf(good)).applied).toBe(true);
    expect(context.postImage('drivers/misc/counter.h')).toBe('#define COUNTER_MAX 32\n');
  });

  it('applies a patch rebuilt from its hunks when the mail text is not kept', async () => {
    const context = await open();
    const after = COUNTER_C.replace('int counter;', 'long counter;');
    expect(context.applyPatch(patchOf(diffBetween('drivers/misc/counter.c', COUNTER_C, after), false)).applied).toBe(true);
    expect(context.postImage('drivers/misc/counter.c')).toBe(after);
    const removal = diffBetween('drivers/misc/counter.h', '#define COUNTER_MAX 16\n', null);
    expect(context.applyPatch(patchOf(removal, false)).applied).toBe(true);
    expect(context.postImage('drivers/misc/counter.h')).toBeNull();
  });

  it('gives the headers a file includes: next to it, in include/, in the arch of its path', async () => {
    const context = await open();
    expect(context.contextFiles('drivers/misc/counter.c')).toEqual([
      { path: 'drivers/misc/counter.h', text: '#define COUNTER_MAX 16\n' },
      { path: 'include/linux/module.h', text: '#define THIS_MODULE ((struct module *)0)\n' },
      { path: 'arch/x86/include/asm/ptrace.h', text: '#define X86_FRAME 168\n' },
    ]);
    expect(context.contextFiles('arch/arm64/kernel/entry.S')).toEqual([
      { path: 'arch/arm64/include/asm/ptrace.h', text: '#define ARM64_FRAME 272\n' },
    ]);
  });

  it('starts from the base commit it is given', async () => {
    const base = repo.git('rev-parse', 'HEAD').trim();
    repo.commit('later', { 'drivers/misc/counter.h': '#define COUNTER_MAX 64\n' });
    const context = await open(base);
    expect(context.postImage('drivers/misc/counter.h')).toBe('#define COUNTER_MAX 16\n');
  });

  it("leaves the user's working tree, index, refs, stash and objects exactly as they were", async () => {
    repo.write('drivers/misc/counter.h', '#define COUNTER_MAX 99\n');
    repo.git('add', 'drivers/misc/counter.h');
    repo.write('drivers/misc/counter.c', COUNTER_C + '/* unstaged */\n');
    repo.write('untracked.txt', 'x\n');
    const before = repo.snapshot();
    const context = await open();
    const diff = diffBetween('drivers/misc/counter.c', COUNTER_C, COUNTER_C + 'int more;\n');
    expect(context.applyPatch(patchOf(diff)).applied).toBe(true);
    context.applyPatch(patchOf(diffBetween('drivers/misc/counter.c', 'x\n', 'y\n')));
    context.contextFiles('drivers/misc/counter.c');
    context.close();
    tree = null;
    expect(repo.snapshot()).toEqual(before);
  });

  it("ignores the index a hook's GIT_INDEX_FILE names", async () => {
    const patch = patchOf(diffBetween('drivers/misc/counter.c', COUNTER_C, COUNTER_C + 'int x;\n'));
    const before = repo.snapshot();
    const saved = process.env.GIT_INDEX_FILE;
    process.env.GIT_INDEX_FILE = join(repo.dir, '.git', 'index');
    try {
      const context = await open();
      expect(context.applyPatch(patch).applied).toBe(true);
      context.close();
      tree = null;
      expect(repo.snapshot()).toEqual(before);
    } finally {
      if (saved === undefined) delete process.env.GIT_INDEX_FILE;
      else process.env.GIT_INDEX_FILE = saved;
    }
  });

  it('is an input error for a directory that is not a git tree', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'cptlint-plain-'));
    try {
      const opened = await openTreeContext(plain);
      expect(isInputError(opened)).toBe(true);
      if (isInputError(opened)) expect(opened.message).toMatch(/^--tree: /);
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });
});

describe('include resolution', () => {
  it('reads quoted and angle-bracket includes', () => {
    expect(includeDirectives('#include "a.h"\n  #  include <linux/b.h>\n// #include <no.h>\n#define X 1\n')).toEqual([
      { name: 'a.h', quoted: true },
      { name: 'linux/b.h', quoted: false },
    ]);
  });

  it("searches next to the file, then kbuild's include paths for the file's arch", () => {
    expect(includeCandidates('arch/riscv/kernel/x.c', { name: 'asm/y.h', quoted: false })).toEqual([
      'arch/riscv/include/asm/y.h',
      'include/asm/y.h',
      'arch/riscv/include/uapi/asm/y.h',
      'include/uapi/asm/y.h',
    ]);
    expect(includeCandidates('fs/ext4/inode.c', { name: '../internal.h', quoted: true })[0]).toBe('fs/internal.h');
    expect(includeCandidates('x.c', { name: '../../etc/passwd', quoted: true })).not.toContain('../etc/passwd');
  });
});
