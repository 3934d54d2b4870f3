/**
 * What a reply draft's headers may carry, whatever the patch mail held: mail software refuses
 * a raw NUL (or any control) in a header and a line over 998 characters (RFC 5322 2.1.1), and
 * nodemailer folds only at whitespace. Text from the patch (subject, names) is cleaned of
 * controls, a word too long to fold is written as RFC 2047 encoded words (which read back as
 * the same word), and a message id too long for any line is left out.
 */

/** RFC 5322's limit is 998; this leaves room for the header name and folding. */
export const MAX_HEADER_WORD = 900;

/** The longest display name kept in To and Cc. */
const MAX_NAME = 256;

// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x08\x0a-\x1f\x7f\u2028\u2029]/g;

/** Controls (NUL, CR, LF, escape, ...) become spaces; tabs stay. */
export function withoutControls(text: string): string {
  return text.replace(CONTROLS, ' ');
}

/** One word as RFC 2047 Q-encoded words of at most 75 characters, separated by spaces. */
function encodedWords(word: string): string {
  const words: string[] = [];
  let current = '';
  for (const char of word) {
    // A whole character per step: RFC 2047 wants no character split between encoded words.
    const encoded = /^[A-Za-z0-9!*+\-/]$/.test(char)
      ? char
      : [...Buffer.from(char, 'utf8')].map((byte) => `=${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    // "=?UTF-8?Q?" + text + "?=": 12 characters around at most 63 of text.
    if (current.length + encoded.length > 63 && current !== '') {
      words.push(`=?UTF-8?Q?${current}?=`);
      current = '';
    }
    current += encoded;
  }
  if (current !== '') words.push(`=?UTF-8?Q?${current}?=`);
  return words.join(' ');
}

/** Header text from a patch: no controls, and no word longer than a header line can fold. */
export function foldableHeaderText(text: string): string {
  return withoutControls(text)
    .split(/([ \t]+)/)
    .map((piece) => (piece.length > MAX_HEADER_WORD ? encodedWords(piece) : piece))
    .join('');
}

/** A display name for To or Cc: no controls, at most MAX_NAME characters. */
export function headerName(name: string): string {
  const clean = withoutControls(name).replace(/\s+/g, ' ').trim();
  return clean.length > MAX_NAME ? `${clean.slice(0, MAX_NAME - 3)}...` : clean;
}

/** A message id or address fits on a header line (it cannot be folded). */
export function fitsHeaderLine(token: string): boolean {
  // eslint-disable-next-line no-control-regex
  return token.length <= MAX_HEADER_WORD && !/[\x00-\x1f\x7f]/.test(token);
}
