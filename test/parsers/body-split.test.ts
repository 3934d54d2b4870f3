import { splitBody } from '../../src/parsers/body-split.js';
import { isPatchBreak, isScissorsLine } from '../../src/parsers/patch-break.js';

const DIFF = `diff --git a/kernel/fork.c b/kernel/fork.c
index 1111111..2222222 100644
--- a/kernel/fork.c
+++ b/kernel/fork.c
@@ -1,3 +1,3 @@
 int nr_threads;
-int max_threads;
+static int max_threads;
 int sysctl_max_map_count;
`;

describe('isPatchBreak (git mailinfo patchbreak)', () => {
  test.each([
    ['---', true],
    ['---   ', true],
    ['--- a/kernel/fork.c', true],
    ['diff --git a/x b/x', true],
    ['diff -u old new', true],
    ['Index: kernel/fork.c', true],
    ['----', false],
    ['--', false],
    ['---text', false],
    ['---  two spaces then text', false],
    ['diff of the two versions', false],
    ['Index:no space', false],
  ])('%j -> %s', (line, expected) => {
    expect(isPatchBreak(line)).toBe(expected);
  });
});

describe('isScissorsLine (git mailinfo is_scissors_line)', () => {
  test.each([
    ['-- >8 --', true],
    ['--8<--', false],
    ['--8<----', true],
    ['- - - - >8 - - - -', true],
    ['-- >8 -- cut here --', true],
    ['---', false],
    ['>8', false],
    ['a line that mentions -- >8 -- in passing, with much more text', false],
  ])('%j -> %s', (line, expected) => {
    expect(isScissorsLine(line)).toBe(expected);
  });
});

describe('splitBody', () => {
  test('commit message up to "---", the diff from there on', () => {
    const body = `kernel: make max_threads static\n\nIt is not used outside fork.c.\n\nSigned-off-by: A <a@example.org>\n---\n kernel/fork.c | 2 +-\n\n${DIFF}`;
    const split = splitBody(body);
    expect(split.commitMessage).toBe('kernel: make max_threads static\n\nIt is not used outside fork.c.\n\nSigned-off-by: A <a@example.org>');
    expect(split.diffLine).toBe(5);
    expect(split.diffText.startsWith('---\n kernel/fork.c | 2 +-\n\ndiff --git')).toBe(true);
    expect([split.inBodyFrom, split.inBodySubject, split.inBodyDate]).toEqual([null, null, null]);
  });

  test('a diff without a "---" separator breaks at its "diff" line; leading blank lines are dropped', () => {
    const split = splitBody(`\n\nMessage.\n${DIFF}`);
    expect(split.commitMessage).toBe('Message.');
    expect(split.diffLine).toBe(3);
    expect(split.diffText).toBe(DIFF);
  });

  test('in-body From:, Subject: (folded) and Date: at the top; the blank line after them is dropped', () => {
    const body = `From: Original Author <author@example.com>\nSubject: kernel: make max_threads\n static\nDate: Mon, 3 Mar 2025 09:00:00 +0000\n\nBody.\n---\n${DIFF}`;
    const split = splitBody(body);
    expect(split.inBodyFrom).toBe('Original Author <author@example.com>');
    expect(split.inBodySubject).toBe('kernel: make max_threads static');
    expect(split.inBodyDate).toBe('Mon, 3 Mar 2025 09:00:00 +0000');
    expect(split.commitMessage).toBe('Body.');
  });

  test('in-body headers count only at the very top, and an encoded in-body From is decoded', () => {
    const later = splitBody(`Text first.\nFrom: Someone <s@example.org>\n---\n${DIFF}`);
    expect(later.inBodyFrom).toBeNull();
    expect(later.commitMessage).toBe('Text first.\nFrom: Someone <s@example.org>');
    const encoded = splitBody(`From: =?UTF-8?Q?J=C3=B6rg?= <j@example.de>\n\nBody.\n---\n${DIFF}`);
    expect(encoded.inBodyFrom).toBe('Jörg <j@example.de>');
  });

  test('a "[PATCH] title" first line is an in-body subject; a ">From <sha>" format-patch line is skipped', () => {
    const split = splitBody(`>From 3f2a1c0b9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a Mon Sep 17 00:00:00 2001\n[PATCH] kernel: tidy\n\nBody.\n---\n${DIFF}`);
    expect(split.inBodySubject).toBe('[PATCH] kernel: tidy');
    expect(split.commitMessage).toBe('Body.');
  });

  test('scissors: ignored by default as in git am, honoured on request', () => {
    const body = `Hi, could you take this?\n\n-- >8 --\nSubject: kernel: make max_threads static\n\nBody.\n---\n${DIFF}`;
    expect(splitBody(body).commitMessage).toBe('Hi, could you take this?\n\n-- >8 --\nSubject: kernel: make max_threads static\n\nBody.');
    const cut = splitBody(body, { scissors: true });
    expect(cut.commitMessage).toBe('Body.');
    expect(cut.inBodySubject).toBe('kernel: make max_threads static');
  });

  test('no patch break: all of it is message, no diff', () => {
    const split = splitBody('Just a question about fork.c.\n> quoted --- text\n');
    expect(split.diffLine).toBeNull();
    expect(split.diffText).toBe('');
    expect(split.commitMessage).toBe('Just a question about fork.c.\n> quoted --- text');
  });
});
