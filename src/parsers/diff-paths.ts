/**
 * File names in diff headers, read the way `git apply` reads them (apply.c: find_name,
 * find_name_traditional, git_header_name, skip_tree_prefix): strip `p` leading path
 * components (1 by default: "a/", "b/", "linux-2.6.orig/"), honour C-style quoting, cut
 * the timestamp of traditional diffs, and squash doubled slashes.
 *
 * Everything here is linear in the length of the line: headers can be arbitrary input.
 */

/** Names longer than this are not real paths; refusing them bounds the work on hostile lines. */
const MAX_NAME_LENGTH = 4096;

const C_ESCAPES: Record<string, number> = {
  a: 7,
  b: 8,
  t: 9,
  n: 10,
  v: 11,
  f: 12,
  r: 13,
  '"': 34,
  '\\': 92,
};

/**
 * Reads a C-style quoted name starting at `start` (which holds the opening quote), as git
 * writes names with unusual characters: `"a/t\303\251st.c"`. Octal escapes are UTF-8 bytes.
 */
export function unquoteCStyle(text: string, start: number): { value: string; end: number } | null {
  if (text[start] !== '"') return null;
  const bytes: number[] = [];
  let index = start + 1;
  while (index < text.length) {
    const char = text[index];
    if (char === '"') return { value: Buffer.from(bytes).toString('utf8'), end: index + 1 };
    if (char !== '\\') {
      const codePoint = text.codePointAt(index) ?? 0;
      const literal = String.fromCodePoint(codePoint);
      for (const byte of Buffer.from(literal, 'utf8')) bytes.push(byte);
      index += literal.length;
      continue;
    }
    const escaped = text[index + 1];
    if (escaped === undefined) return null;
    if (escaped >= '0' && escaped <= '3') {
      const octal = text.slice(index + 1, index + 4);
      if (!/^[0-3][0-7][0-7]$/.test(octal)) return null;
      bytes.push(parseInt(octal, 8));
      index += 4;
      continue;
    }
    const code = C_ESCAPES[escaped];
    if (code === undefined) return null;
    bytes.push(code);
    index += 2;
  }
  return null;
}

/** Collapses runs of "/" into one, as git's squash_slash does. */
function squashSlashes(name: string): string {
  if (!name.includes('//')) return name;
  let squashed = '';
  for (let index = 0; index < name.length; index += 1) {
    if (name[index] === '/' && squashed.endsWith('/')) continue;
    squashed += name[index];
  }
  return squashed;
}

/**
 * The name with `p` leading components removed, or null when it has fewer (git's
 * skip_tree_prefix: a leading "/" is never a component).
 */
export function skipTreePrefix(name: string, p: number): string | null {
  if (p === 0) return name.startsWith('/') ? null : name;
  let slashesLeft = p;
  for (let index = 0; index < name.length; index += 1) {
    if (name[index] === '/' && --slashesLeft <= 0) return index === 0 ? null : name.slice(index + 1);
  }
  return null;
}

/** "/dev/null", alone or followed by whitespace (a timestamp). */
export function isDevNull(nameField: string): boolean {
  return nameField.startsWith('/dev/null') && (nameField.length === 9 || /\s/.test(nameField[9]));
}

/**
 * Where a name ends when the field carries no quoting: at the first tab (diff -u writes
 * "name<TAB>date"), or before a "YYYY-MM-DD HH:MM:SS[.frac] [+-]zone" written after spaces.
 * Returns the name's end and the timestamp text, if any.
 */
function splitTimestamp(field: string): { nameEnd: number; timestamp: string } {
  const tab = field.indexOf('\t');
  if (tab >= 0) return { nameEnd: tab, timestamp: field.slice(tab + 1) };
  // A timestamp is short: look only at the tail, so a long line costs nothing here.
  const tailStart = Math.max(0, field.length - 64);
  const tail = field.slice(tailStart);
  const match = / +(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: [-+]\d\d:?\d\d)?)$/.exec(tail);
  if (match === null || tailStart + match.index === 0) return { nameEnd: field.length, timestamp: '' };
  return { nameEnd: tailStart + match.index, timestamp: match[1] };
}

/** Git's has_epoch_timestamp: diff writes the epoch as the date of a side that does not exist. */
export function hasEpochTimestamp(field: string): boolean {
  const { timestamp } = splitTimestamp(field);
  if (timestamp.startsWith('1970-01-01 00:00:00')) return /[-+]00:?00$/.test(timestamp) || !/[-+]/.test(timestamp);
  return timestamp.startsWith('1969-12-31 ');
}

/**
 * git's find_name_common: the name in field[0, end) after `p` components; `fallback` when
 * there is none, and also when the name is `fallback` with something tacked on
 * ("foo.c" against "foo.c.orig": git prefers the shorter).
 */
function nameAfterComponents(field: string, end: number, p: number, fallback: string | null): string | null {
  let nameStart = p === 0 ? 0 : -1;
  let slashesLeft = p;
  for (let index = 0; index < end; index += 1) {
    if (field[index] === '/' && --slashesLeft === 0) nameStart = index + 1;
  }
  if (nameStart < 0 || nameStart >= end) return fallback === null ? null : squashSlashes(fallback);
  const name = field.slice(nameStart, end);
  if (fallback !== null && fallback.length < name.length && name.startsWith(fallback)) return squashSlashes(fallback);
  return squashSlashes(name);
}

/** A quoted name with `p` components removed (git's find_name_gnu). */
function quotedName(field: string, p: number): string | null {
  const unquoted = unquoteCStyle(field, 0);
  if (unquoted === null) return null;
  let name = unquoted.value;
  for (let component = 0; component < p; component += 1) {
    const slash = name.indexOf('/');
    if (slash < 0) return null;
    name = name.slice(slash + 1);
  }
  return squashSlashes(name);
}

/** The name of a traditional "--- name<TAB>date" / "+++ name" field (git's find_name_traditional). */
export function traditionalName(field: string, p: number, fallback: string | null): string | null {
  if (field.startsWith('"')) {
    const name = quotedName(field, p);
    if (name !== null) return name;
  }
  return nameAfterComponents(field, splitTimestamp(field).nameEnd, p, fallback);
}

/**
 * The name of a field of a git extended header: "--- a/x" and "+++ b/x" end at a tab;
 * "rename from x" and "copy to x" take the whole rest of the line (git's find_name).
 */
export function gitHeaderFieldName(field: string, p: number, endsAtTab: boolean): string | null {
  if (field.startsWith('"')) {
    const name = quotedName(field, p);
    if (name !== null) return name;
  }
  const tab = endsAtTab ? field.indexOf('\t') : -1;
  return nameAfterComponents(field, tab >= 0 ? tab : field.length, p, null);
}

/** git's guess_p_value for a traditional header: 0 when the name has no directory at all. */
export function guessPValue(field: string): number {
  if (isDevNull(field)) return -1;
  const name = traditionalName(field, 0, null);
  if (name === null) return -1;
  return name.includes('/') ? -1 : 0;
}

/**
 * The name both sides of "diff --git a/x b/x" agree on, or null (a rename, or a line that
 * cannot be split). `rest` is the text after "diff --git ". Mirrors git_header_name.
 */
export function gitDiffLineName(rest: string, p: number): string | null {
  if (rest.length > 2 * MAX_NAME_LENGTH + 2) return null;
  if (rest.startsWith('"')) return nameAfterQuotedFirst(rest, p);
  const name = skipTreePrefix(rest, p);
  if (name === null) return null;
  const quote = name.indexOf('"');
  if (quote >= 0) return quotedSecondMatching(name, quote, p);
  return unquotedPairName(name, p);
}

function nameAfterQuotedFirst(rest: string, p: number): string | null {
  const first = unquoteCStyle(rest, 0);
  if (first === null) return null;
  const firstName = skipTreePrefix(first.value, p);
  if (firstName === null) return null;
  let secondStart = first.end;
  while (rest[secondStart] === ' ' || rest[secondStart] === '\t') secondStart += 1;
  if (secondStart === first.end) return null;
  if (rest[secondStart] === '"') {
    const second = unquoteCStyle(rest, secondStart);
    if (second === null) return null;
    return skipTreePrefix(second.value, p) === firstName ? firstName : null;
  }
  return skipTreePrefix(rest.slice(secondStart), p) === firstName ? firstName : null;
}

function quotedSecondMatching(name: string, quote: number, p: number): string | null {
  const second = unquoteCStyle(name, quote);
  if (second === null) return null;
  const secondName = skipTreePrefix(second.value, p);
  if (secondName === null) return null;
  const length = secondName.length;
  const separator = name[length];
  const agrees = length < quote && name.startsWith(secondName) && (separator === ' ' || separator === '\t');
  return agrees ? secondName : null;
}

/**
 * "a/x y b/x y": try each blank as the separator; the second half, after its `p`
 * components, must be exactly the first half. The second half's length shrinks while the
 * separator moves right, so at most one blank can fit: one comparison, linear time.
 */
function unquotedPairName(name: string, p: number): string | null {
  const slashes: number[] = [];
  for (let index = 0; index < name.length; index += 1) if (name[index] === '/') slashes.push(index);
  let nextSlash = 0;
  for (let separator = 0; separator < name.length; separator += 1) {
    const char = name[separator];
    if (char !== ' ' && char !== '\t') continue;
    const secondStart = separator + 1;
    if (secondStart >= name.length) return null;
    while (nextSlash < slashes.length && slashes[nextSlash] < secondStart) nextSlash += 1;
    const secondNameStart = secondNameStartAfter(name, secondStart, slashes, nextSlash, p);
    if (secondNameStart === null) continue;
    if (name.length - secondNameStart !== separator) continue;
    if (name.startsWith(name.slice(0, separator), secondNameStart)) return name.slice(0, separator);
  }
  return null;
}

function secondNameStartAfter(
  name: string,
  secondStart: number,
  slashes: number[],
  firstSlashIndex: number,
  p: number,
): number | null {
  if (p === 0) return name[secondStart] === '/' ? null : secondStart;
  const slash = slashes[firstSlashIndex + p - 1];
  if (slash === undefined || slash === secondStart) return null;
  return slash + 1;
}
