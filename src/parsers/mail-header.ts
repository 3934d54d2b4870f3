/**
 * Header values as `git mailinfo` reads them: RFC 2047 encoded words (decode_header), the
 * whitespace clean-up (cleanup_space) and the author's name and address (handle_from).
 * Ported from git's mailinfo.c so that Author, Email and Subject match what `git am`
 * records, quirks included.
 */
import type { MailAddress } from '../model/types.js';
import { decodeCharset } from './text-decoding.js';

/** git's isspace(): its own ctype table counts only space, tab, LF and CR. */
export function isGitSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r';
}

/** strbuf_trim: strips git whitespace at both ends. */
export function gitTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isGitSpace(text[start])) start++;
  while (end > start && isGitSpace(text[end - 1])) end--;
  return text.slice(start, end);
}

/** cleanup_space: every run of whitespace becomes one space. */
export function cleanupSpace(text: string): string {
  return text.replace(/[ \t\n\r]+/g, ' ');
}

/**
 * skip_header: when `line` is the header `name` (case-insensitive, then ':'), the value
 * after the colon and the whitespace that follows it; otherwise null.
 */
export function headerValue(line: string, name: string): string | null {
  if (line.length <= name.length || line[name.length] !== ':') return null;
  if (line.slice(0, name.length).toLowerCase() !== name.toLowerCase()) return null;
  let start = name.length + 1;
  while (start < line.length && isGitSpace(line[start])) start++;
  return line.slice(start);
}

function hexValue(char: string | undefined): number {
  if (char === undefined) return -1;
  const value = parseInt(char, 16);
  return Number.isNaN(value) ? -1 : value;
}

/** decode_q_segment: quoted-printable bytes, '_' is a space in headers (RFC 2047 4.2). */
function decodeQSegment(segment: string): Uint8Array {
  const bytes: number[] = [];
  for (let at = 0; at < segment.length; at++) {
    const char = segment[at];
    if (char === '=') {
      const next = segment[at + 1];
      if (next === undefined || next === '\n') break;
      const high = hexValue(next);
      const low = hexValue(segment[at + 2]);
      if (high >= 0 && low >= 0) {
        bytes.push(high * 16 + low);
        at += 2;
        continue;
      }
    }
    bytes.push(char === '_' ? 0x20 : char.charCodeAt(0) & 0xff);
  }
  return Uint8Array.from(bytes);
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** decode_b_segment: base64 that skips anything outside the alphabet, padding included. */
function decodeBSegment(segment: string): Uint8Array {
  const bytes: number[] = [];
  let accumulator = 0;
  let position = 0;
  for (const char of segment) {
    const value = BASE64_ALPHABET.indexOf(char);
    if (value < 0) continue;
    switch (position++) {
      case 0:
        accumulator = value << 2;
        break;
      case 1:
        bytes.push(accumulator | (value >> 4));
        accumulator = (value & 15) << 4;
        break;
      case 2:
        bytes.push(accumulator | (value >> 2));
        accumulator = (value & 3) << 6;
        break;
      default:
        bytes.push(accumulator | value);
        accumulator = 0;
        position = 0;
    }
  }
  return Uint8Array.from(bytes);
}

/**
 * decode_header: replaces RFC 2047 encoded words ("=?charset?Q?...?=", "=?charset?B?...?=")
 * by their text. Whitespace between two encoded words is dropped; any other text is kept.
 * When an encoded word is malformed or its charset unknown, git leaves the whole value
 * as it was, and so does this.
 */
export function decodeEncodedWords(value: string): string {
  if (!value.includes('=?')) return value;
  const pieces: string[] = [];
  let cursor = 0;
  for (;;) {
    const wordStart = value.indexOf('=?', cursor);
    if (wordStart < 0) break;
    if (wordStart !== cursor) {
      const between = value.slice(cursor, wordStart);
      if (cursor === 0 || !/^[ \t\n\r]*$/.test(between)) pieces.push(between);
    }
    const charsetStart = wordStart + 2;
    if (charsetStart >= value.length) return value;
    const charsetEnd = value.indexOf('?', charsetStart);
    if (charsetEnd < 0 || charsetEnd + 3 > value.length) return value;
    const encoding = value[charsetEnd + 1];
    if (!encoding || value[charsetEnd + 2] !== '?') return value;
    const textEnd = value.indexOf('?=', charsetEnd + 3);
    if (textEnd < 0) return value;
    const encodedText = value.slice(charsetEnd + 3, textEnd);
    let bytes: Uint8Array;
    if (encoding === 'b' || encoding === 'B') bytes = decodeBSegment(encodedText);
    else if (encoding === 'q' || encoding === 'Q') bytes = decodeQSegment(encodedText);
    else return value;
    // RFC 2231 allows a language after the charset: "utf-8*en".
    const charset = value.slice(charsetStart, charsetEnd).split('*')[0];
    const text = decodeCharset(bytes, charset);
    if (text === null) return value;
    pieces.push(text);
    cursor = textEnd + 2;
  }
  pieces.push(value.slice(cursor));
  return pieces.join('');
}

/**
 * git's unquote_quoted_string and unquote_comment: the rest of a "quoted string" (its quotes
 * dropped) or of a (comment) (kept with its parentheses, nesting allowed), backslash escapes
 * resolved. Nesting is counted, not recursed into: a hostile From of 10,000 `(` must not
 * overflow the stack. Returns where the text after it starts.
 */
function unquoteUntilClosed(text: string, start: number, out: string[], kind: 'string' | 'comment'): number {
  if (kind === 'comment') out.push('(');
  let depth = 1;
  let at = start;
  while (at < text.length) {
    const char = text[at++];
    if (char === '\\') {
      if (at < text.length) out.push(text[at++]);
      continue;
    }
    if (kind === 'string' && char === '"') return at;
    if (kind === 'comment' && char === '(') depth++;
    else if (kind === 'comment' && char === ')' && --depth === 0) {
      out.push(')');
      return at;
    }
    out.push(char);
  }
  return at;
}

/** unquote_quoted_pair: removes the quotes of quoted strings, keeps comments. */
function unquoteQuotedPairs(text: string): string {
  const out: string[] = [];
  let at = 0;
  while (at < text.length) {
    const char = text[at++];
    if (char === '"') at = unquoteUntilClosed(text, at, out, 'string');
    else if (char === '(') at = unquoteUntilClosed(text, at, out, 'comment');
    else out.push(char);
  }
  return out.join('');
}

/** get_sane_name: a name that is empty, too long or looks like an address gives way to the address. */
function saneName(name: string, address: string): string {
  if (!name || Buffer.byteLength(name, 'utf8') > 60 || /[@<>]/.test(name)) return address;
  return name;
}

/** parse_bogus_from: "John Doe <johndoe>", an address without '@'. */
function parseBogusFrom(from: string): MailAddress {
  const bra = from.indexOf('<');
  if (bra < 0) return { name: '', address: '' };
  const ket = from.indexOf('>', bra);
  if (ket < 0) return { name: '', address: '' };
  const address = from.slice(bra + 1, ket);
  return { name: saneName(gitTrim(from.slice(0, bra)), address), address };
}

const ADDRESS_END = /[ \n\t\r\v\f>]/;

/**
 * handle_from: the author's name and address from a From value (already RFC 2047 decoded),
 * as `git mailinfo` prints Author and Email. Empty strings when there is no address.
 */
export function parseAuthor(fromValue: string): MailAddress {
  const from = cleanupSpace(fromValue);
  const unquoted = unquoteQuotedPairs(from);
  let at = unquoted.indexOf('@');
  if (at < 0) return parseBogusFrom(from);

  let chars = unquoted;
  while (at > 0) {
    const before = chars[at - 1];
    if (isGitSpace(before)) break;
    if (before === '<') {
      chars = chars.slice(0, at - 1) + ' ' + chars.slice(at);
      break;
    }
    at--;
  }
  const rest = chars.slice(at);
  const endMatch = ADDRESS_END.exec(rest);
  const addressLength = endMatch ? endMatch.index : rest.length;
  const address = rest.slice(0, addressLength);
  const removed = addressLength + (addressLength < rest.length ? 1 : 0);
  let name = gitTrim(cleanupSpace(chars.slice(0, at) + chars.slice(at + removed)));
  if (name.startsWith('(') && name.endsWith(')') && name.length > 1) name = name.slice(1, -1);
  return { name: saneName(name, address), address };
}

/** "Name <address>" as `git am` writes the author; just the name when there is no address. */
export function formatAuthor(author: MailAddress | null): string {
  if (!author) return '';
  if (!author.address) return author.name;
  return `${author.name} <${author.address}>`;
}

