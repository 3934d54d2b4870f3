import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { FileChange } from '../../src/model/types.js';
import { parseDiff } from '../../src/parsers/diff.js';
import { languageOfPath } from '../../src/parsers/language.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = (name: string): string => readFileSync(path.join(repoRoot, 'test/fixtures/diff', name), 'utf8');

function fileNamed(files: FileChange[], filePath: string): FileChange {
  const file = files.find((candidate) => candidate.path === filePath);
  if (file === undefined) throw new Error(`no file ${filePath} in ${files.map((f) => f.path).join(', ')}`);
  return file;
}

/** The text and input line of a post-image line, looked up in the segments. */
function postImageLine(file: FileChange, line: number): { text: string; inputLine: number | null } | undefined {
  for (const segment of file.postImage?.segments ?? []) {
    const offset = line - segment.startLine;
    if (offset >= 0 && offset < segment.lines.length) {
      return { text: segment.lines[offset], inputLine: segment.inputLines[offset] };
    }
  }
  return undefined;
}

describe('parseDiff on the seed patch', () => {
  const mbox = readFileSync(path.join(repoRoot, 'patches/0008-introduce-functions-to-restart-a-process.mbox'), 'utf8');
  const mboxLines = mbox.split('\n');
  const firstDiffIndex = mboxLines.findIndex((line) => line.startsWith('diff --git '));
  const diffText = mboxLines.slice(firstDiffIndex).join('\n');
  const { files, errors } = parseDiff(diffText, { source: 'seed.mbox', firstInputLine: firstDiffIndex + 1 });

  it('reads two files and no error', () => {
    expect(errors).toEqual([]);
    expect(files.map((file) => [file.path, file.status, file.language])).toEqual([
      ['arch/x86/kernel/entry_32.S', 'modified', 'asm'],
      ['cpt/rst_process.c', 'added', 'c'],
    ]);
  });

  it('counts as git apply --numstat does', () => {
    expect(files.map((file) => [file.added, file.removed])).toEqual([
      [21, 0],
      [277, 0],
    ]);
  });

  it('maps post-image line 252 of entry_32.S to the mbox line that adds it', () => {
    const entry = fileNamed(files, 'arch/x86/kernel/entry_32.S');
    const line = postImageLine(entry, 252);
    expect(line?.text).toBe('\taddl  $256, %esp');
    expect(entry.postImage?.addedLines.has(252)).toBe(true);
    expect(line?.inputLine).not.toBeNull();
    expect(mboxLines[(line?.inputLine ?? 0) - 1]).toBe('+\taddl  $256, %esp');
  });

  it('maps post-image line 40 of rst_process.c to the mbox line that adds it', () => {
    const restart = fileNamed(files, 'cpt/rst_process.c');
    const line = postImageLine(restart, 40);
    expect(line?.text).toBe('\tif (!try_module_get(THIS_MODULE))');
    expect(mboxLines[(line?.inputLine ?? 0) - 1]).toBe('+\tif (!try_module_get(THIS_MODULE))');
  });

  it('gives the new file whole and the changed one as a segment per hunk', () => {
    const restart = fileNamed(files, 'cpt/rst_process.c');
    expect(restart.postImage?.wholeFile).toBe(true);
    expect(restart.postImage?.segments).toHaveLength(1);
    expect(restart.postImage?.segments[0].lines).toHaveLength(277);
    const entry = fileNamed(files, 'arch/x86/kernel/entry_32.S');
    expect(entry.postImage?.wholeFile).toBe(false);
    expect(entry.postImage?.segments.map((segment) => segment.startLine)).toEqual([225, 234]);
    expect(entry.hunks.map((hunk) => hunk.sectionHeading)).toEqual(['ENTRY(ret_from_fork)', 'ENTRY(ret_from_fork)']);
    expect(entry.inputLine).toBe(firstDiffIndex + 1);
  });

  it('shows every hunk line at the input line that holds it', () => {
    for (const file of files) {
      for (const hunk of file.hunks) {
        expect(mboxLines[(hunk.inputLine ?? 0) - 1]).toBe(hunk.header);
        for (const line of hunk.lines) {
          const prefix = { context: ' ', added: '+', removed: '-' }[line.kind];
          expect(mboxLines[(line.inputLine ?? 0) - 1]).toBe(prefix + line.text);
        }
      }
    }
  });
});

describe('parseDiff on git extended headers', () => {
  const { files, errors } = parseDiff(fixture('extended-headers.diff'), { source: 'ext.diff', firstInputLine: 1 });

  it('reads every file with the status, paths and counts git gives', () => {
    expect(errors).toEqual([]);
    expect(files.map((file) => [file.path, file.oldPath, file.status, file.added, file.removed])).toEqual([
      ['drivers/net/Kconfig', 'drivers/net/Kconfig.old', 'renamed', 0, 0],
      ['scripts/checkstack.pl', null, 'modified', 0, 0],
      ['drivers/net/foo_main.c', 'drivers/net/foo_core.c', 'renamed', 2, 1],
      ['drivers/net/foo_legacy.h', null, 'deleted', 0, 2],
      ['firmware/foo.bin', null, 'binary', 0, 0],
      ['firmware/bar.bin', null, 'binary', 0, 0],
      ['include/linux/foo.h', null, 'added', 4, 0],
    ]);
  });

  it('gives a mode change no hunk, and deleted and binary files no post image', () => {
    const modeOnly = fileNamed(files, 'scripts/checkstack.pl');
    expect(modeOnly.hunks).toEqual([]);
    expect(modeOnly.postImage?.segments).toEqual([]);
    expect(fileNamed(files, 'drivers/net/foo_legacy.h').postImage).toBeNull();
    expect(fileNamed(files, 'firmware/foo.bin').postImage).toBeNull();
    expect(fileNamed(files, 'firmware/bar.bin').postImage).toBeNull();
  });

  it('numbers a renamed file in its post-image and marks the lines it adds', () => {
    const renamed = fileNamed(files, 'drivers/net/foo_main.c');
    expect(renamed.postImage?.segments[0].startLine).toBe(10);
    expect([...(renamed.postImage?.addedLines ?? [])]).toEqual([13, 14]);
    expect(postImageLine(renamed, 14)?.text).toBe('\t/* freed with the device */');
  });

  it('starts each file at its diff --git line', () => {
    const text = fixture('extended-headers.diff').split('\n');
    for (const file of files) expect(text[(file.inputLine ?? 0) - 1]).toMatch(/^diff --git /);
  });

  it('reads nothing after the mail signature', () => {
    const afterSignature = '\n-- \n2.39.0\n\n--- a/kernel/late.c\n+++ b/kernel/late.c\n@@ -1 +1 @@\n-a\n+b\n';
    const parsed = parseDiff(fixture('extended-headers.diff').replace(/-- \n2\.39\.0\n\n$/, afterSignature.slice(1)), {
      source: 'sig.diff',
      firstInputLine: 1,
    });
    expect(parsed.files.map((file) => file.path)).not.toContain('kernel/late.c');
    expect(parsed.errors).toEqual([]);
  });
});

describe('parseDiff on quilt-style patches', () => {
  const { files, errors } = parseDiff(fixture('quilt.diff'), { source: 'quilt.diff', firstInputLine: 1 });

  it('strips the tree prefix and the timestamps, and skips Index: lines', () => {
    expect(errors).toEqual([]);
    expect(files.map((file) => [file.path, file.status, file.added, file.removed, file.inputLine])).toEqual([
      ['kernel/fork.c', 'modified', 2, 0, 3],
      ['kernel/cpt/Makefile', 'added', 2, 0, 16],
    ]);
    expect(fileNamed(files, 'kernel/cpt/Makefile').postImage?.wholeFile).toBe(true);
  });

  it('reads bare names as git apply guesses them (-p0) for the rest of the diff', () => {
    const text = '--- Makefile.orig\n+++ Makefile\n@@ -1 +1 @@\n-a\n+b\n--- kernel/x.c\n+++ kernel/x.c\n@@ -1 +1 @@\n-a\n+b\n';
    expect(parseDiff(text, { source: 'p0', firstInputLine: 1 }).files.map((file) => file.path)).toEqual([
      'Makefile',
      'kernel/x.c',
    ]);
  });

  it('reads quoted names', () => {
    const text =
      'diff --git "a/sp ace.c" "b/sp ace.c"\nold mode 100644\nnew mode 100755\n' +
      'diff --git "a/caf\\303\\251.c" "b/caf\\303\\251.c"\nold mode 100644\nnew mode 100755\n' +
      'diff --git a/s p.c b/s p.c\nold mode 100644\nnew mode 100755\n';
    expect(parseDiff(text, { source: 'q', firstInputLine: 1 }).files.map((file) => file.path)).toEqual([
      'sp ace.c',
      'café.c',
      's p.c',
    ]);
  });
});

describe('parseDiff on hunks whose counts lie', () => {
  it('reports a short hunk as git apply does, at its input line, and reads the next file', () => {
    const { files, errors } = parseDiff(fixture('short-hunk.diff'), { source: 'short.diff', firstInputLine: 101 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ source: 'short.diff', line: 111 });
    expect(errors[0].message).toMatch(/^corrupt patch at line 111: hunk "@@ -890,7 \+890,8 @@.*" of kernel\/exit\.c/);
    expect(errors[0].message).toContain('counts 7 old and 8 new lines but shows only 4 and 5');
    expect(files.map((file) => [file.path, file.added, file.removed])).toEqual([
      ['kernel/exit.c', 1, 0],
      ['kernel/fork.c', 1, 0],
    ]);
    // The lines the short hunk does show keep their numbers.
    expect(postImageLine(fileNamed(files, 'kernel/exit.c'), 893)).toEqual({ text: '\tmodule_put(THIS_MODULE);', inputLine: 109 });
  });

  it('counts a hunk with more lines than its header as git does, and says the rest is ignored', () => {
    const { files, errors } = parseDiff(fixture('long-hunk.diff'), { source: 'long.diff', firstInputLine: 1 });
    expect(files.map((file) => [file.path, file.added, file.removed])).toEqual([
      ['kernel/exit.c', 1, 0],
      ['kernel/fork.c', 1, 0],
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0].line).toBe(7);
    expect(errors[0].message).toContain('lies past the 2 old and 3 new lines its header counts: git apply ignores it');
  });

  it('reports a removed line beyond the old count', () => {
    const text = '--- a/x.c\n+++ b/x.c\n@@ -1,1 +1,1 @@\n-a\n-b\n+c\n';
    const { files, errors } = parseDiff(text, { source: 'over', firstInputLine: 1 });
    expect(errors.map((error) => error.line)).toEqual([5]);
    expect(errors[0].message).toMatch(/^corrupt patch at line 5: .* has more old lines than the 1 its header counts/);
    expect(files).toHaveLength(1);
  });

  it('reports a hunk that changes nothing', () => {
    const { errors } = parseDiff('--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,2 @@\n a\n b\n', { source: 'ctx', firstInputLine: 1 });
    expect(errors.map((error) => [error.line, error.message])).toEqual([
      [3, expect.stringContaining('corrupt patch at line 3: hunk "@@ -1,2 +1,2 @@" of x.c (line 3) adds and removes no line')],
    ]);
  });

  it('reports a diff cut inside a hunk at its last line and keeps what it shows', () => {
    const { files, errors } = parseDiff(fixture('truncated.diff'), { source: 'cut.diff', firstInputLine: 1 });
    expect(errors).toHaveLength(1);
    expect(errors[0].line).toBe(20);
    expect(errors[0].message).toMatch(/^corrupt patch at line 20: the diff ends inside hunk "@@ -890,7 \+890,9 @@/);
    expect(files.map((file) => [file.path, file.added, file.removed])).toEqual([
      ['kernel/fork.c', 1, 0],
      ['kernel/exit.c', 2, 0],
    ]);
    expect(postImageLine(fileNamed(files, 'kernel/exit.c'), 895)?.text).toBe('\tprofile_');
  });

  it('reports an unreadable hunk header', () => {
    const { errors } = parseDiff('--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,2 @@\n-a\n+b\n c\n@@ -4,x +4,2 @@\n', {
      source: 'bad',
      firstInputLine: 1,
    });
    expect(errors.map((error) => error.message)).toEqual([
      'corrupt patch at line 7: cannot read the hunk header "@@ -4,x +4,2 @@"',
    ]);
  });
});

describe('parseDiff on garbage', () => {
  it('skips prose between files and reports a hunk without a file header', () => {
    const { files, errors } = parseDiff(fixture('garbage-between.diff'), { source: 'junk.diff', firstInputLine: 1 });
    expect(errors.map((error) => [error.line, error.message])).toEqual([
      [11, 'patch fragment without header at line 11: @@ -950,3 +951,3 @@ void do_exit(long code) (read as part of kernel/exit.c)'],
    ]);
    expect(files.map((file) => [file.path, file.added, file.removed])).toEqual([
      ['kernel/exit.c', 2, 1],
      ['kernel/fork.c', 1, 0],
    ]);
  });

  it('reads the files around binary junk', () => {
    const junk = Array.from({ length: 2000 }, (_, index) => String.fromCharCode((index * 31) % 256)).join('');
    const text = `${fixture('long-hunk.diff').split('--- a/kernel/fork.c')[0]}${junk}\n--- a/kernel/fork.c${fixture('long-hunk.diff').split('--- a/kernel/fork.c')[1]}`;
    const { files } = parseDiff(text, { source: 'bin', firstInputLine: 1 });
    expect(files.map((file) => file.path)).toEqual(['kernel/exit.c', 'kernel/fork.c']);
  });

  it('keeps a 1 MB line whole', () => {
    const long = 'x'.repeat(1 << 20);
    const text = `--- a/big.c\n+++ b/big.c\n@@ -1,2 +1,3 @@\n a\n+${long}\n b\n--- a/small.c\n+++ b/small.c\n@@ -1 +1 @@\n-a\n+b\n`;
    const { files, errors } = parseDiff(text, { source: 'big', firstInputLine: 1 });
    expect(errors).toEqual([]);
    expect(files.map((file) => [file.path, file.added, file.removed])).toEqual([
      ['big.c', 1, 0],
      ['small.c', 1, 1],
    ]);
    expect(postImageLine(fileNamed(files, 'big.c'), 2)?.text).toHaveLength(1 << 20);
  });

  it('says so when no file diff is found', () => {
    const { files, errors } = parseDiff('---\n kernel/fork.c | 2 +-\n', { source: 'none', firstInputLine: 40 });
    expect(files).toEqual([]);
    expect(errors).toEqual([{ source: 'none', line: 40, message: expect.stringMatching(/^no valid patches in input/) }]);
    expect(parseDiff('', { source: 'empty', firstInputLine: 1 })).toEqual({ files: [], errors: [] });
  });

  it('lists at most 100 errors for a diff', () => {
    const { errors } = parseDiff('@@ -1 +1 @@\n'.repeat(500), { source: 'many', firstInputLine: 1 });
    expect(errors).toHaveLength(100);
    expect(errors[99].message).toMatch(/more problems in this diff, from line \d+ on, are not listed$/);
  });
});

describe('parseDiff and "\\ No newline at end of file"', () => {
  const { files, errors } = parseDiff(fixture('no-newline.diff'), { source: 'nl.diff', firstInputLine: 1 });

  it('marks the lines the markers follow, on either side', () => {
    expect(errors).toEqual([]);
    const script = fileNamed(files, 'arch/x86/kernel/vmlinux.lds.S');
    expect(script.hunks[0].lines.filter((line) => line.noNewlineAtEnd).map((line) => [line.kind, line.text])).toEqual([
      ['removed', 'jiffies = jiffies_64;'],
      ['added', 'jiffies = jiffies_64 + 0;'],
    ]);
    const kconfig = fileNamed(files, 'cpt/Kconfig');
    expect(kconfig.hunks[0].lines.filter((line) => line.noNewlineAtEnd).map((line) => line.kind)).toEqual(['removed']);
  });

  it('counts and numbers around the markers', () => {
    expect(files.map((file) => [file.path, file.language, file.added, file.removed])).toEqual([
      ['arch/x86/kernel/vmlinux.lds.S', 'other', 1, 1],
      ['cpt/Kconfig', 'other', 2, 1],
    ]);
    const kconfig = fileNamed(files, 'cpt/Kconfig');
    expect(postImageLine(kconfig, 3)).toEqual({ text: '\tdepends on X86_32', inputLine: 21 });
  });

  it('knows a hunk from line 1 that ends without a newline shows the whole file', () => {
    expect(fileNamed(files, 'arch/x86/kernel/vmlinux.lds.S').postImage?.wholeFile).toBe(true);
    expect(fileNamed(files, 'cpt/Kconfig').postImage?.wholeFile).toBe(false);
  });

  it('accepts the marker in another language, as git does', () => {
    const text = '--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,2 @@\n a\n-b\n\\ Kein Zeilenumbruch am Dateiende.\n+c\n';
    const parsed = parseDiff(text, { source: 'de', firstInputLine: 1 });
    expect(parsed.errors).toEqual([]);
    expect(parsed.files[0].hunks[0].lines.map((line) => [line.kind, line.text, line.noNewlineAtEnd ?? false])).toEqual([
      ['context', 'a', false],
      ['removed', 'b', true],
      ['added', 'c', false],
    ]);
  });
});

describe('parseDiff with no known input line', () => {
  it('leaves every input line null and names lines of the diff in messages', () => {
    const { files, errors } = parseDiff(fixture('short-hunk.diff'), { source: '-', firstInputLine: null });
    expect(files.every((file) => file.inputLine === null)).toBe(true);
    const hunkLines = files.flatMap((file) => file.hunks.flatMap((hunk) => [hunk.inputLine, ...hunk.lines.map((line) => line.inputLine)]));
    expect(hunkLines.every((line) => line === null)).toBe(true);
    expect(files.flatMap((file) => file.postImage?.segments.flatMap((segment) => segment.inputLines) ?? [])).not.toContain(1);
    expect(errors).toEqual([{ source: '-', line: 0, message: expect.stringMatching(/^corrupt patch at line 11 of the diff: /) }]);
  });
});

describe('parseDiff on any input', () => {
  const bodyLine = fc.oneof(
    fc.string({ maxLength: 12 }).map((text) => `+${text}`),
    fc.string({ maxLength: 12 }).map((text) => `-${text}`),
    fc.string({ maxLength: 12 }).map((text) => ` ${text}`),
    fc.constant(''),
  );
  /** A file header and a hunk header with small counts, so that hunks often fit and often lie. */
  const fileStart = fc
    .tuple(fc.nat(3), fc.nat(3), fc.nat(3), fc.nat(3), fc.boolean())
    .map(([oldStart, oldCount, newStart, newCount, git]) => [
      ...(git ? ['diff --git a/k/x.c b/k/x.c', 'index 1a2b..3c4d 100644'] : ['Index: k/x.c']),
      '--- a/k/x.c',
      '+++ b/k/x.c',
      `@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`,
    ]);
  const diffLine = fc.oneof(
    { arbitrary: fileStart, weight: 2 },
    { arbitrary: fc.array(bodyLine, { minLength: 1, maxLength: 6 }), weight: 6 },
    fc.constantFrom(
      'diff --git a/k/x.c b/k/x.c',
      'diff --git a/k/x.c b/k/y.c',
      '--- a/k/x.c',
      '+++ b/k/x.c',
      '--- /dev/null',
      '+++ /dev/null',
      'new file mode 100644',
      'deleted file mode 100644',
      'rename from k/x.c',
      'rename to k/y.c',
      'old mode 100644',
      'new mode 100755',
      'index 1a2b..3c4d 100644',
      '@@ -1,3 +1,4 @@ int f(void)',
      '@@ -0,0 +1 @@',
      '@@ -5 +5,0 @@',
      '@@ -2,2 +2,2 @',
      '\\ No newline at end of file',
      'Binary files a/k/x.c and b/k/x.c differ',
      'GIT binary patch',
      'literal 3',
      'Index: k/x.c',
      '',
    ).map((line) => [line]),
    fc.string({ maxLength: 12 }).map((line) => [line]),
  );

  it('never throws, and every hunk line it returns stands at its input line', () => {
    let hunkLinesSeen = 0;
    fc.assert(
      fc.property(fc.array(diffLine, { minLength: 4, maxLength: 40, size: 'medium' }), fc.integer({ min: 1, max: 5000 }), (pieces, firstInputLine) => {
        const textLines = pieces.flat();
        const { files, errors } = parseDiff(textLines.join('\n'), { source: 'fuzz', firstInputLine });
        hunkLinesSeen += files.reduce((sum, file) => sum + file.hunks.reduce((n, hunk) => n + hunk.lines.length, 0), 0);
        for (const error of errors) expect(error.line).toBeGreaterThanOrEqual(firstInputLine);
        for (const file of files) {
          let added = 0;
          let removed = 0;
          for (const hunk of file.hunks) {
            for (const line of hunk.lines) {
              const shown = textLines[(line.inputLine ?? 0) - firstInputLine];
              const prefix = { context: ' ', added: '+', removed: '-' }[line.kind];
              expect(shown === prefix + line.text || (shown === '' && line.kind === 'context' && line.text === '')).toBe(true);
              if (line.kind === 'added') added += 1;
              if (line.kind === 'removed') removed += 1;
            }
          }
          expect([file.added, file.removed]).toEqual([added, removed]);
          for (const segment of file.postImage?.segments ?? []) {
            expect(segment.inputLines).toHaveLength(segment.lines.length);
          }
        }
      }),
      { numRuns: 400 },
    );
    // The property says something only if the inputs reach hunks.
    expect(hunkLinesSeen).toBeGreaterThan(500);
  });
});

describe('languageOfPath', () => {
  it.each([
    ['kernel/fork.c', 'c'],
    ['include/linux/sched.h', 'c'],
    ['arch/x86/kernel/entry_32.S', 'asm'],
    ['arch/arm/lib/div64.s', 'asm'],
    ['arch/x86/kernel/vmlinux.lds.S', 'other'],
    ['drivers/net/Kconfig', 'other'],
    ['Documentation/foo.rst', 'other'],
    ['scripts/checkpatch.pl', 'other'],
  ])('%s is %s', (filePath, language) => {
    expect(languageOfPath(filePath)).toBe(language);
  });
});
