/**
 * The words of the lines a patch shows of a C file, for cheap tests of what the file can hold
 * before its text is built and its tree read: an identifier of the tree (a function's name, a
 * macro's use) is one of these words.
 * A word starts at a letter, `_` or `$` and runs over [A-Za-z0-9_$]: the lexer reads an
 * identifier longest-match, so an identifier is a whole run, or the end of a run after digits.
 */
import type { CSource } from '../model/source.js';

const wordsBySource = new WeakMap<CSource, Set<string>>();

export function wordsOf(source: CSource): ReadonlySet<string> {
  let words = wordsBySource.get(source);
  if (words === undefined) {
    words = new Set(source.shownText.match(/[A-Za-z_$][\w$]*/g));
    wordsBySource.set(source, words);
  }
  return words;
}

/** Whether `name` can be an identifier of the file (a name that is not one word is not ruled out). */
export function mayNameIdentifier(source: CSource, name: string): boolean {
  return !/^[A-Za-z_$][\w$]*$/.test(name) || wordsOf(source).has(name);
}
