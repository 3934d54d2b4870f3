/**
 * Text from a patch (subjects, authors, file names, quoted code, messages about them) is
 * written by strangers and shown on a maintainer's terminal. Escape sequences in it would
 * reach the terminal raw: OSC 0/8/52 (window title, hidden links, clipboard writes), clear
 * screen, a bare CR that overwrites the line, bidi controls (U+202E) that reorder what is
 * shown. The human formats (pretty, terse, emacs, b4's text, stderr) pass every such text
 * through these functions; the machine formats (json, sarif) carry it escaped by JSON.
 */

/**
 * C0 controls but tab, DEL, C1 controls, the Arabic letter mark, the left-to-right and
 * right-to-left marks, the bidi embeddings, overrides and isolates, and the line and
 * paragraph separators.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\x1b': '\\e' };

function escapeOne(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every control and bidi character shown as an escape (`\e`, `\r`, `\n`, `\x07`,
 * `\u202e`): safe to print on a terminal, and one line. Tabs stay (code is indented with them).
 */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

const C_ESCAPES: Record<number, string> = { 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0a: 'n', 0x0b: 'v', 0x0c: 'f', 0x0d: 'r', 0x22: '"', 0x5c: '\\' };

/**
 * A path as git prints it (quote_c_style with core.quotePath on): as it is when every byte is
 * printable ASCII other than `"` and `\`; otherwise in double quotes, with C escapes for
 * `\a \b \t \n \v \f \r \" \\` and three octal digits for every other control or non-ASCII
 * byte of its UTF-8. A name with a newline stays on one line, and no name can pass for the
 * text around it. Characters of `alsoEscape` (ASCII) are written in octal too, and make the
 * name quoted: still a C string git would read back as the same name.
 */
export function quotePath(path: string, alsoEscape: string = ''): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\x00-\x1f"\\\x7f-\uffff]/.test(path) && ![...alsoEscape].some((char) => path.includes(char))) return path;
  let quoted = '"';
  for (const byte of Buffer.from(path, 'utf8')) {
    const named = C_ESCAPES[byte];
    if (named !== undefined) quoted += `\\${named}`;
    else if (byte < 0x20 || byte >= 0x7f || alsoEscape.includes(String.fromCharCode(byte))) quoted += `\\${byte.toString(8).padStart(3, '0')}`;
    else quoted += String.fromCharCode(byte);
  }
  return `${quoted}"`;
}
