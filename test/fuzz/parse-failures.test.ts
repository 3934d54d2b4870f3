/**
 * A file the parser cannot finish is reported, not waited on and not dropped in silence:
 * tree-sitter parses stop at their time budget, and the review turns a parse that failed
 * into an InputError naming the file, while the patch's other files are still reviewed.
 */
import type { FileChange, Patch } from '../../src/model/types.js';
import { parseDiff } from '../../src/parsers/diff.js';
import { initTreeSitter, parseC, ParseTimeoutError } from '../../src/parsers/treesitter.js';
import { parseFailureMessage, parseSources, reviewPatchGroup } from '../../src/review/review-group.js';
import { allRules } from '../../src/rules/index.js';

const DIFF = [
  'diff --git a/drivers/misc/a.c b/drivers/misc/a.c',
  'new file mode 100644',
  '--- /dev/null',
  '+++ b/drivers/misc/a.c',
  '@@ -0,0 +1,4 @@',
  '+int a_get(void)',
  '+{',
  '+\treturn 1;',
  '+}',
  'diff --git a/Documentation/a.rst b/Documentation/a.rst',
  'new file mode 100644',
  '--- /dev/null',
  '+++ b/Documentation/a.rst',
  '@@ -0,0 +1 @@',
  '+The a driver.',
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

// Runs first, while tree-sitter is not loaded in this test file's module registry: every C
// parse then fails, which stands in for a parse that gave up.
describe('a C file whose parse fails', () => {
  it('is an InputError naming the file and its input line; the other files go on', () => {
    const failures: string[] = [];
    const sources = parseSources(files(), [], (file, message) => failures.push(`${file.path}: ${message}`));
    expect(sources).toEqual([]);
    expect(failures).toEqual([
      'drivers/misc/a.c: could not parse drivers/misc/a.c: parseC called before initTreeSitter() resolved; its findings are missing',
    ]);

    const review = reviewPatchGroup([patchOf(files())], allRules, {});
    expect(review.errors).toEqual([
      {
        source: 'a.patch',
        line: 10,
        message: 'could not parse drivers/misc/a.c: parseC called before initTreeSitter() resolved; its findings are missing',
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

  it('parses and reviews the same patch once tree-sitter is loaded', () => {
    const review = reviewPatchGroup([patchOf(files())], allRules, {});
    expect(review.errors).toEqual([]);
    expect(review.findings).toHaveLength(1);
  });
});
