/**
 * source-lines.ts answers, for a post-image line, the text the patch shows for it and the input
 * line that shows it. It keeps them in arrays indexed from the first shown line: a line the patch
 * does not show (before the first hunk, between hunks, after the last, not a line number at all)
 * has no text and no input line.
 */
import { makeSourceLines } from '../../src/parsers/source-lines.js';
import type { FileChange, PostImageSegment } from '../../src/model/types.js';

function fileWith(segments: PostImageSegment[]): FileChange {
  return {
    path: 'drivers/foo/foo.c',
    oldPath: 'drivers/foo/foo.c',
    status: 'modified',
    language: 'c',
    added: 1,
    removed: 0,
    inputLine: 1,
    hunks: [],
    postImage: { segments, wholeFile: false, addedLines: new Set([41]) },
  };
}

const layout = () => ({ text: '', rowToPostLine: [] });

describe('makeSourceLines', () => {
  const file = fileWith([
    { startLine: 40, lines: ['\tint ret;', '\tret = foo_get(f);', '\tif (ret)'], inputLines: [12, 13, 14], sectionHeading: 'static int foo_probe(struct foo *f)' },
    { startLine: 90, lines: ['\tfoo_put(f);', '\treturn 0;'], inputLines: [20, null], sectionHeading: '' },
  ]);
  const lines = makeSourceLines(file, layout);

  it('gives the text and input line of each shown line, in both hunks', () => {
    expect([40, 41, 42, 90, 91].map((line) => lines.lineText(line))).toEqual(['\tint ret;', '\tret = foo_get(f);', '\tif (ret)', '\tfoo_put(f);', '\treturn 0;']);
    expect([40, 41, 42, 90, 91].map((line) => lines.inputLineOf(line))).toEqual([12, 13, 14, 20, null]);
  });

  it('gives nothing for a line the patch does not show', () => {
    for (const line of [0, 1, 39, 43, 89, 92, 1000, -1, 40.5, Number.NaN]) {
      expect(lines.lineText(line)).toBeUndefined();
      expect(lines.inputLineOf(line)).toBeNull();
    }
  });

  it('gives nothing at all for a file with no shown lines', () => {
    const empty = makeSourceLines(fileWith([]), layout);
    expect(empty.lineText(1)).toBeUndefined();
    expect(empty.inputLineOf(1)).toBeNull();
  });

  it('reads hunks in any order, a later one winning where two overlap (as before)', () => {
    const unordered = makeSourceLines(
      fileWith([
        { startLine: 10, lines: ['b10', 'b11'], inputLines: [5, 6], sectionHeading: '' },
        { startLine: 3, lines: ['a3', 'a4'], inputLines: [1, 2], sectionHeading: '' },
        { startLine: 11, lines: ['c11'], inputLines: [9], sectionHeading: '' },
      ]),
      layout,
    );
    expect([3, 4, 10, 11].map((line) => unordered.lineText(line))).toEqual(['a3', 'a4', 'b10', 'c11']);
    expect(unordered.inputLineOf(11)).toBe(9);
  });
});
