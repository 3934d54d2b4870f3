/**
 * A file the parser cannot finish is reported, not waited on and not dropped in silence:
 * tree-sitter parses stop at their time budget, and the review turns a parse that failed
 * into an InputError naming the file, while the patch's other files are still reviewed.
 */
import type { FileChange, Patch } from '../../src/model/types.js';
import { parseDiff } from '../../src/parsers/diff.js';
import { initTreeSitter, parseC, ParseTimeoutError } from '../../src/parsers/treesitter.js';
import { freeSources, parseFailureMessage, parseSources, reviewPatchGroup } from '../../src/review/review-group.js';
import { runRules } from '../../src/review/run-rules.js';
import { allRules } from '../../src/rules/index.js';

/** A C file whose parse is long enough for a zero budget to stop it; it allocates, so the leak rules read its tree. */
const FILLER = Array.from({ length: 1500 }, (_, index) => [`+static int a_twice_${index}(int x)`, '+{', '+\treturn x * 2 + 1;', '+}']).flat();
const C_LINES = ['+int a_get(void)', '+{', '+\tvoid *p = kmalloc(16, GFP_KERNEL);', '+', '+\tkfree(p);', '+\treturn 1;', '+}', ...FILLER];

/** A C file no rule looks into: nothing it holds is acquired, locked, started or defined. */
const QUIET_LINES = ['+int b_get(void)', '+{', '+\treturn 2;', '+}'];

function fileDiff(path: string, lines: string[]): string[] {
  return [`diff --git a/${path} b/${path}`, 'new file mode 100644', '--- /dev/null', `+++ b/${path}`, `@@ -0,0 +1,${lines.length} @@`, ...lines];
}

const DIFF = [
  ...fileDiff('drivers/misc/a.c', C_LINES),
  ...fileDiff('drivers/misc/b.c', QUIET_LINES),
  ...fileDiff('Documentation/a.rst', ['+The a driver.']),
  '',
].join('\n');

function files(): FileChange[] {
  const parsed = parseDiff(DIFF, { source: 'a.patch', firstInputLine: 10 });
  expect(parsed.errors).toEqual([]);
  return parsed.files;
}

function patchOf(fileChanges: FileChange[]): Patch {
  return {
    source: 'a.patch',
    index: 0,
    mail: {
      source: 'a.patch',
      startLine: 1,
      from: null,
      date: null,
      subject: '[PATCH] misc: add a',
      messageId: null,
      inReplyTo: null,
      references: [],
      to: [],
      cc: [],
      body: DIFF,
      bodyStartLine: 10,
    },
    subject: '[PATCH] misc: add a',
    title: 'misc: add a',
    subjectInfo: { tags: ['PATCH'], isReply: false, isPatch: true, isRfc: false, version: 1, number: null, total: null, title: 'misc: add a' },
    author: 'Ada Tester <ada@example.org>',
    series: null,
    commitMessage: '',
    files: fileChanges,
  };
}

describe('a C file whose parse fails', () => {
  beforeAll(() => initTreeSitter());

  it('is parsed only when a rule reads its tree, is reported once, and then reads as empty', () => {
    const failures: string[] = [];
    const sources = parseSources(files(), [], (file, message) => failures.push(`${file.path}: ${message}`), 0);
    try {
      expect(sources.map((source) => source.file.path)).toEqual(['drivers/misc/a.c', 'drivers/misc/b.c']);
      const [a, b] = sources;
      if (a.kind !== 'c' || b.kind !== 'c') throw new Error('a.c and b.c should be C sources');
      expect(a.isParsed()).toBe(false);
      expect(failures).toEqual([]);

      const current = { patch: patchOf(files()), sources };
      expect(runRules(allRules, current, [current])).toEqual([]);
      expect(failures).toEqual(['drivers/misc/a.c: could not parse drivers/misc/a.c in time (gave up after 0 ms); its findings are missing']);
      expect(a.functions).toEqual([]);
      expect(a.defines).toEqual([]);
      expect(a.tree.rootNode.toString()).toBe('(translation_unit)');
      expect(failures).toHaveLength(1);
      expect(b.isParsed()).toBe(false);
    } finally {
      freeSources(sources);
    }
  });

  it('is an InputError naming the file and its input line; the other files go on', () => {
    const review = reviewPatchGroup([patchOf(files())], allRules, { parseBudgetMilliseconds: 0 });
    expect(review.errors).toEqual([
      {
        source: 'a.patch',
        line: 10,
        message: 'could not parse drivers/misc/a.c in time (gave up after 0 ms); its findings are missing',
      },
    ]);
    expect(review.findings).toEqual([[]]);
  });
});

describe('the tree-sitter time budget', () => {
  beforeAll(() => initTreeSitter());

  it('stops a parse that outruns its budget, and the parser works afterwards', () => {
    const text = 'static int f(int x)\n{\n\treturn x * 2 + 1;\n}\n'.repeat(2000);
    expect(() => parseC(text, 0)).toThrow(ParseTimeoutError);
    const tree = parseC('int x;');
    try {
      expect(tree.rootNode.toString()).toBe('(translation_unit (declaration type: (primitive_type) declarator: (identifier)))');
    } finally {
      tree.delete();
    }
  });

  it('says in the review that the file could not be parsed in time', () => {
    const [file] = files();
    expect(parseFailureMessage(file, new ParseTimeoutError(5000, 123456))).toBe(
      'could not parse drivers/misc/a.c in time (gave up after 5000 ms); its findings are missing',
    );
  });

  it('parses and reviews the same patch within the default budget', () => {
    const review = reviewPatchGroup([patchOf(files())], allRules, {});
    expect(review.errors).toEqual([]);
    expect(review.findings).toHaveLength(1);
  });
});
