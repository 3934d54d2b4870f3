/**
 * Bytes to text the way patch mails need it. git mailinfo passes bytes without a declared
 * charset through untouched; almost all of them are UTF-8, and the rest are nearly always
 * Latin-1 from old mailers. So: UTF-8 when the bytes are valid UTF-8, Latin-1 otherwise
 * (decided line by line, so one stray byte does not turn the whole mail into mojibake).
 */
import { TextDecoder } from 'node:util';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const LINE_FEED = 0x0a;

/** Labels that iconv reads as ISO-8859-1 proper; WHATWG's TextDecoder maps them to windows-1252. */
const LATIN1_LABELS = new Set(['iso-8859-1', 'iso8859-1', 'iso_8859-1', 'latin1', 'latin-1', 'l1', 'cp819', 'ibm819']);
/** Labels that promise ASCII or UTF-8: 8-bit bytes under them get the UTF-8-or-Latin-1 rule. */
const UTF8_LABELS = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii', 'ansi_x3.4-1968', '']);

const decoderCache = new Map<string, TextDecoder | null>();

/** Decodes bytes as UTF-8, falling back to Latin-1 for the lines that are not valid UTF-8. */
export function decodeUtf8OrLatin1(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return decodeLineByLine(bytes);
  }
}

function decodeLineByLine(bytes: Uint8Array): string {
  const lines: string[] = [];
  let start = 0;
  while (start <= bytes.length) {
    let end = bytes.indexOf(LINE_FEED, start);
    if (end < 0) end = bytes.length;
    const line = bytes.subarray(start, end);
    try {
      lines.push(strictUtf8.decode(line));
    } catch {
      lines.push(Buffer.from(line.buffer, line.byteOffset, line.byteLength).toString('latin1'));
    }
    start = end + 1;
  }
  return lines.join('\n');
}

/** A decoder for a declared charset, or null when the runtime does not know the label. */
function decoderFor(label: string): TextDecoder | null {
  let decoder = decoderCache.get(label);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(label);
    } catch {
      decoder = null;
    }
    decoderCache.set(label, decoder);
  }
  return decoder;
}

/**
 * Decodes bytes in a declared charset. Returns null when the charset is unknown (git then
 * gives up on converting too).
 */
export function decodeCharset(bytes: Uint8Array, charset: string | null | undefined): string | null {
  const label = (charset ?? '').trim().toLowerCase();
  if (UTF8_LABELS.has(label)) return decodeUtf8OrLatin1(bytes);
  if (LATIN1_LABELS.has(label)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const decoder = decoderFor(label);
  return decoder ? decoder.decode(bytes) : null;
}

/** Decodes bytes in a declared charset, and as UTF-8-or-Latin-1 when the charset is unknown. */
export function decodeText(bytes: Uint8Array, charset: string | null | undefined): string {
  return decodeCharset(bytes, charset) ?? decodeUtf8OrLatin1(bytes);
}
