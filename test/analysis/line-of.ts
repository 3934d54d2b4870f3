/** Line numbers of test snippets, found by their text so that tables stay readable when cases change. */

/** The 1-based line of the `occurrence`-th line of `code` that contains `needle`. */
export function lineOf(code: string, needle: string, occurrence = 1): number {
  let seen = 0;
  const lines = code.split('\n');
  for (let index = 0; index < lines.length; index++) {
    if (lines[index].includes(needle) && ++seen === occurrence) return index + 1;
  }
  throw new Error(`no line ${occurrence} containing ${JSON.stringify(needle)}`);
}
