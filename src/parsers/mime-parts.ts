/**
 * The layout of a mail in its bytes: header blocks (read as `git mailinfo` reads them) and
 * the leaf parts of a multipart body with the input lines they sit on. postal-mime decodes
 * the parts (quoted-printable, base64); it gives no positions, and the positions are what
 * lets a finding point at the input line of a diff line.
 */
import { headerValue, isGitSpace } from './mail-header.js';
import { decodeText, decodeUtf8OrLatin1 } from './text-decoding.js';

const LF = 0x0a;
const MAX_NESTING = 16;

export interface HeaderField {
  /** Lower-case field name ("" for an mbox "From " line). */
  name: string;
  /** The value, folded lines joined as mailinfo joins them, not yet RFC 2047 decoded. */
  value: string;
  /** 0-based line of `raw` the field starts on. */
  line: number;
}

export interface HeaderBlock {
  fields: HeaderField[];
  /** Byte offset and 0-based line of the first body line. */
  bodyOffset: number;
  bodyLine: number;
}

/** One line of `raw`: its bytes are [start, end), the next line starts at `next`. */
interface LineSpan {
  start: number;
  end: number;
  next: number;
}

function lineAt(raw: Buffer, start: number, limit: number): LineSpan {
  const found = raw.subarray(start, limit).indexOf(LF);
  return found < 0 ? { start, end: limit, next: limit } : { start, end: start + found, next: start + found + 1 };
}

/** is_rfc2822_header on a decoded line. */
function isHeaderLine(line: string): boolean {
  if (line.startsWith('From ') || line.startsWith('>From ')) return true;
  for (let at = 0; at < line.length; at++) {
    const code = line.charCodeAt(at);
    if (code === 0x3a) return true;
    if (code < 33 || code > 126) return false;
  }
  return false;
}

function rtrim(text: string): string {
  let end = text.length;
  while (end > 0 && isGitSpace(text[end - 1])) end--;
  return text.slice(0, end);
}

/**
 * Reads a header block from `offset` (mailinfo's read_one_header_line): it ends at a blank
 * line, which is consumed, or at the first line that is not a header, which is the first
 * body line. A continuation line (leading space or tab) joins its field with one space.
 */
export function readHeaderBlock(raw: Buffer, offset: number, limit: number, firstLine: number): HeaderBlock {
  const fields: HeaderField[] = [];
  let position = offset;
  let line = firstLine;
  while (position < limit) {
    const span = lineAt(raw, position, limit);
    const text = rtrim(decodeUtf8OrLatin1(raw.subarray(span.start, span.end)));
    if (text.length === 0) return { fields, bodyOffset: span.next, bodyLine: line + 1 };
    if (!isHeaderLine(text)) return { fields, bodyOffset: position, bodyLine: line };
    const fieldLine = line;
    let unfolded = text;
    position = span.next;
    line++;
    while (position < limit && (raw[position] === 0x20 || raw[position] === 0x09)) {
      const continuation = lineAt(raw, position, limit);
      unfolded += rtrim(' ' + decodeUtf8OrLatin1(raw.subarray(continuation.start + 1, continuation.end)));
      position = continuation.next;
      line++;
    }
    fields.push(toField(unfolded, fieldLine));
  }
  return { fields, bodyOffset: limit, bodyLine: line };
}

function toField(line: string, lineIndex: number): HeaderField {
  const colon = line.indexOf(':');
  if (colon < 0 || line.startsWith('From ') || line.startsWith('>From ')) return { name: '', value: line, line: lineIndex };
  const name = line.slice(0, colon);
  return { name: name.toLowerCase(), value: headerValue(line, name) ?? '', line: lineIndex };
}

/** A structured header value: "text/plain; charset=utf-8; format=flowed". */
export interface StructuredValue {
  value: string;
  params: Record<string, string>;
}

/** Splits "type/subtype; name=value; name="quoted value"" into its value and parameters. */
export function parseStructuredValue(header: string): StructuredValue {
  const segments: string[] = [];
  let current = '';
  let quoted = false;
  for (let at = 0; at < header.length; at++) {
    const char = header[at];
    if (quoted && char === '\\' && at + 1 < header.length) {
      current += header[++at];
    } else if (char === '"') {
      quoted = !quoted;
    } else if (char === ';' && !quoted) {
      segments.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  segments.push(current);
  const params: Record<string, string> = {};
  for (const segment of segments.slice(1)) {
    const equals = segment.indexOf('=');
    if (equals < 0) continue;
    const name = segment.slice(0, equals).trim().toLowerCase();
    const value = segment.slice(equals + 1).trim();
    if (name.endsWith('*')) {
      // RFC 2231: charset'language'percent-encoded
      const encoded = /^([^']*)'[^']*'(.*)$/.exec(value);
      const bytes = Buffer.from((encoded ? encoded[2] : value).replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
      params[name.slice(0, -1)] ??= decodeText(bytes, encoded ? encoded[1] : null);
    } else {
      params[name] ??= value;
    }
  }
  return { value: segments[0].trim().toLowerCase(), params };
}

/** A part that is not itself multipart, and where its body lies in `raw`. */
export interface MimeLeaf {
  contentType: StructuredValue;
  /** "attachment", "inline" or "". */
  disposition: string;
  filename: string | null;
  /** Lower-case first token of Content-Transfer-Encoding ("" when absent). */
  transferEncoding: string;
  bodyOffset: number;
  bodyEnd: number;
  /** 0-based line of `raw` where the body starts. */
  bodyLine: number;
}

function firstField(fields: HeaderField[], name: string): string | null {
  return fields.find((field) => field.name === name)?.value ?? null;
}

function leafOf(fields: HeaderField[], bodyOffset: number, bodyEnd: number, bodyLine: number): MimeLeaf {
  const contentType = parseStructuredValue(firstField(fields, 'content-type') ?? 'text/plain');
  if (!contentType.value) contentType.value = 'text/plain';
  const disposition = parseStructuredValue(firstField(fields, 'content-disposition') ?? '');
  const encoding = /[\w-]+/.exec((firstField(fields, 'content-transfer-encoding') ?? '').toLowerCase());
  return {
    contentType,
    disposition: disposition.value,
    filename: disposition.params.filename ?? contentType.params.name ?? null,
    transferEncoding: encoding ? encoding[0] : '',
    bodyOffset,
    bodyEnd,
    bodyLine,
  };
}

/**
 * The leaf parts of a body, depth first, in order. A multipart body is cut at its boundary
 * lines; the preamble and epilogue are dropped. A multipart without a boundary, or whose
 * boundary never appears, is read as one plain part (the text is still worth reviewing).
 */
export function collectLeaves(raw: Buffer, fields: HeaderField[], bodyOffset: number, bodyEnd: number, bodyLine: number, depth = 0): MimeLeaf[] {
  const leaf = leafOf(fields, bodyOffset, bodyEnd, bodyLine);
  const boundary = leaf.contentType.params.boundary;
  if (!leaf.contentType.value.startsWith('multipart/') || !boundary || depth >= MAX_NESTING) return [leaf];
  const parts = splitMultipart(raw, Buffer.from(`--${boundary}`, 'latin1'), bodyOffset, bodyEnd, bodyLine);
  if (parts.length === 0) return [{ ...leaf, contentType: { value: 'text/plain', params: leaf.contentType.params } }];
  const leaves: MimeLeaf[] = [];
  for (const part of parts) {
    const header = readHeaderBlock(raw, part.offset, part.end, part.line);
    leaves.push(...collectLeaves(raw, header.fields, header.bodyOffset, part.end, header.bodyLine, depth + 1));
  }
  return leaves;
}

interface PartSpan {
  offset: number;
  end: number;
  line: number;
}

/** Is line [start, end) a delimiter "--boundary" or the close "--boundary--" (trailing blanks allowed)? */
function delimiterKind(raw: Buffer, start: number, end: number, delimiter: Buffer): 'open' | 'close' | null {
  if (end - start < delimiter.length || raw.compare(delimiter, 0, delimiter.length, start, start + delimiter.length) !== 0) return null;
  let at = start + delimiter.length;
  let kind: 'open' | 'close' = 'open';
  if (end - at >= 2 && raw[at] === 0x2d && raw[at + 1] === 0x2d) {
    kind = 'close';
    at += 2;
  }
  for (; at < end; at++) if (raw[at] !== 0x20 && raw[at] !== 0x09) return null;
  return kind;
}

function splitMultipart(raw: Buffer, delimiter: Buffer, offset: number, limit: number, firstLine: number): PartSpan[] {
  const parts: PartSpan[] = [];
  let open: PartSpan | null = null;
  let position = offset;
  let line = firstLine;
  while (position < limit) {
    const span = lineAt(raw, position, limit);
    const kind = raw[position] === 0x2d ? delimiterKind(raw, span.start, span.end, delimiter) : null;
    if (kind) {
      // The line end before a delimiter belongs to the delimiter (RFC 2046 5.1.1).
      if (open) parts.push({ ...open, end: Math.max(open.offset, span.start - 1) });
      open = kind === 'open' ? { offset: span.next, end: limit, line: line + 1 } : null;
      if (kind === 'close') return parts;
    }
    position = span.next;
    line++;
  }
  if (open) parts.push(open);
  return parts;
}

/** The bytes of a leaf's body with its transfer encoding undone. */
async function transferDecodedBody(raw: Buffer, leaf: MimeLeaf): Promise<Uint8Array> {
  const body = raw.subarray(leaf.bodyOffset, leaf.bodyEnd);
  if (leaf.transferEncoding !== 'base64' && leaf.transferEncoding !== 'quoted-printable') return body;
  // A one-part message that postal-mime hands back as an attachment, that is as bytes: the
  // charset is applied afterwards, with the UTF-8-or-Latin-1 rule when none is declared.
  const header = Buffer.from(`Content-Type: application/octet-stream\nContent-Disposition: attachment\nContent-Transfer-Encoding: ${leaf.transferEncoding}\n\n`);
  // Loaded here, on the first such body: most patches are plain text, and the whole of postal-mime takes ~20 ms to load.
  const { default: PostalMime } = await import('postal-mime');
  const email = await PostalMime.parse(Buffer.concat([header, body]), { attachmentEncoding: 'arraybuffer' });
  const content = email.attachments[0]?.content;
  if (content instanceof ArrayBuffer) return new Uint8Array(content);
  if (content instanceof Uint8Array) return content;
  return new Uint8Array(0);
}

/**
 * format=flowed (RFC 3676) as mailinfo undoes it: a line ending in a space continues on
 * the next line, a leading space is stuffing, "-- " stays a signature separator.
 */
function unflow(text: string, deleteSpace: boolean): string {
  const out: string[] = [];
  let pending = '';
  for (let line of text.split('\n')) {
    if (line === '-- ') {
      if (pending) out.push(pending);
      pending = '';
      out.push(line);
      continue;
    }
    if (line.startsWith(' ')) line = line.slice(1);
    if (line.endsWith(' ')) {
      pending += deleteSpace ? line.slice(0, -1) : line;
      continue;
    }
    out.push(pending + line);
    pending = '';
  }
  if (pending) out.push(pending);
  return out.join('\n');
}

export interface LeafText {
  text: string;
  /** Each line of `text` is the line of `raw` at the same offset from the leaf's body line. */
  mapsLineForLine: boolean;
}

/** The text of a leaf: transfer encoding undone, charset applied, format=flowed unfolded. */
export async function leafText(raw: Buffer, leaf: MimeLeaf): Promise<LeafText> {
  const bytes = await transferDecodedBody(raw, leaf);
  const params = leaf.contentType.params;
  let text = decodeText(bytes, params.charset);
  // Lines end in LF, the last one too (git mailinfo also ends a part with a line end).
  if (text.length > 0 && !text.endsWith('\n')) text += '\n';
  let mapsLineForLine = leaf.transferEncoding !== 'base64' && leaf.transferEncoding !== 'quoted-printable';
  if (params.format?.toLowerCase() === 'flowed') {
    text = unflow(text, params.delsp?.toLowerCase() === 'yes');
    mapsLineForLine = false;
  }
  return { text, mapsLineForLine };
}
