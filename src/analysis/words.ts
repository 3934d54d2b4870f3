/**
 * The words of a file's text, for cheap tests of what a file can hold before its tree is
 * read: an identifier of the tree (a function's name, a macro's use) is one of these words.
 * A word starts at a letter, `_` or `$` and runs over [A-Za-z0-9_$]: the lexer reads an
 * identifier longest-match, so an identifier is a whole run, or the end of a run after digits.
 */
import type { SourceLines } from '../model/source.js';

const wordsBySource = new WeakMap<SourceLines, Set<string>>();

export function wordsOf(source: SourceLines): ReadonlySet<string> {
  let words = wordsBySource.get(source);
  if (words === undefined) {
    words = new Set(source.text.match(/[A-Za-z_$][\w$]*/g));
    wordsBySource.set(source, words);
  }
  return words;
}

/** Whether `name` can be an identifier of the file (a name that is not one word is not ruled out). */
export function mayNameIdentifier(source: SourceLines, name: string): boolean {
  return !/^[A-Za-z_$][\w$]*$/.test(name) || wordsOf(source).has(name);
}
