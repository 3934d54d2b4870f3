/**
 * Cuts a byte stream into messages, as `git mailsplit --mboxrd -b` does: a message starts
 * after each mbox "From " line that carries a date; ">From " lines lose one '>'; CRLF
 * becomes LF. An input without a leading "From " line is one message: a mail (it starts
 * with headers) or a plain unified diff. Fed chunk by chunk; holds one message at a time.
 */
import type { InputError, RawMessage } from '../model/types.js';

const LF = 0x0a;
const CR = 0x0d;
const GT = 0x3e;
const COLON = 0x3a;
const NEWLINE = Buffer.from('\n');
const FROM_SPACE = Buffer.from('From ');

type Output = RawMessage | InputError;

/** Compared byte by byte: prefixes are a few bytes, and Buffer.compare's argument checks cost more than that on every line. */
function startsWith(buf: Buffer, start: number, end: number, prefix: Buffer): boolean {
  if (end - start < prefix.length) return false;
  for (let at = 0; at < prefix.length; at++) if (buf[start + at] !== prefix[at]) return false;
  return true;
}

function isDigit(buf: Buffer, at: number, end: number): boolean {
  return at < end && buf[at] >= 0x30 && buf[at] <= 0x39;
}

/**
 * git mailsplit's is_from_line: "From " and, after it, something like "hh:mm:ss yyyy" with
 * a year after 1990 ("From 0123abcd Mon Sep 17 00:00:00 2001" from git format-patch).
 */
export function isMboxFromLine(buf: Buffer, start: number, end: number): boolean {
  if (end - start + 1 < 20 || !startsWith(buf, start, end, FROM_SPACE)) return false;
  let colon = -1;
  for (let at = end - 2; at >= start + 4; at--) {
    if (buf[at] === COLON) {
      colon = at;
      break;
    }
  }
  if (colon < 0) return false;
  if (!isDigit(buf, colon - 4, end) || !isDigit(buf, colon - 2, end) || !isDigit(buf, colon - 1, end)) return false;
  if (!isDigit(buf, colon + 1, end) || !isDigit(buf, colon + 2, end)) return false;
  return parseLeadingInteger(buf.toString('latin1', colon + 3, end)) > 90;
}

/** strtol(s, NULL, 10): leading whitespace, a sign, digits; 0 when there are none. */
function parseLeadingInteger(text: string): number {
  const match = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(text);
  return match ? Number(match[1]) : 0;
}

/** mboxrd's escaped "From " line: one or more '>' then "From ". */
function isQuotedFromLine(buf: Buffer, start: number, end: number): boolean {
  let at = start;
  while (at < end && buf[at] === GT) at++;
  return at > start && startsWith(buf, at, end, FROM_SPACE);
}

/** mailinfo's is_rfc2822_header: "Field-Name:" or an mbox "From " line. */
function isHeaderLine(buf: Buffer, start: number, end: number): boolean {
  if (startsWith(buf, start, end, FROM_SPACE)) return true;
  if (buf[start] === GT && startsWith(buf, start + 1, end, FROM_SPACE)) return true;
  for (let at = start; at < end; at++) {
    const byte = buf[at];
    if (byte === COLON) return true;
    if (byte < 33 || byte > 126) return false;
  }
  return false;
}

function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let at = start; at < end; at++) {
    const byte = buf[at];
    if (byte !== 0x20 && byte !== 0x09 && byte !== CR && byte !== 0x0b && byte !== 0x0c) return false;
  }
  return true;
}

/** Header names that make a leading header block a mail's rather than "Note: ..." text. */
const MAIL_HEADER = /^(?:from|subject|date|message-id|return-path|received|to|cc|mime-version|content-type|delivered-to|in-reply-to|references|sender|reply-to|x-[a-z0-9-]+)$/i;

function headerName(buf: Buffer, start: number, end: number): string {
  const colon = buf.subarray(start, end).indexOf(COLON);
  return colon < 0 ? '' : buf.toString('latin1', start, start + colon);
}

/** Collects the lines of one message as slices of the input chunks, joined once at the end. */
class MessageBuilder {
  private readonly pieces: Buffer[] = [];
  private runBuffer: Buffer | null = null;
  private runStart = 0;
  private runEnd = 0;
  private contentLines = 0;

  constructor(readonly startLine: number) {}

  /** Adds bytes [from, to) and a line end; `lineEndFollows` says buf[to] is already that LF. */
  addLine(buf: Buffer, from: number, to: number, lineEndFollows: boolean): void {
    if (!isBlank(buf, from, to)) this.contentLines++;
    if (lineEndFollows) {
      this.addRange(buf, from, to + 1);
    } else {
      this.addRange(buf, from, to);
      this.flushRun();
      this.pieces.push(NEWLINE);
    }
  }

  get isEmpty(): boolean {
    return this.contentLines === 0;
  }

  /** The message bytes; without the blank line that mbox writers put between messages. */
  finish(dropSeparatorLine: boolean): Buffer {
    this.flushRun();
    const raw = Buffer.concat(this.pieces);
    const separatorBlank = dropSeparatorLine && raw.length >= 2 && raw[raw.length - 1] === LF && raw[raw.length - 2] === LF;
    return separatorBlank ? raw.subarray(0, raw.length - 1) : raw;
  }

  private addRange(buf: Buffer, from: number, to: number): void {
    if (this.runBuffer === buf && this.runEnd === from) {
      this.runEnd = to;
      return;
    }
    this.flushRun();
    this.runBuffer = buf;
    this.runStart = from;
    this.runEnd = to;
  }

  private flushRun(): void {
    if (this.runBuffer && this.runEnd > this.runStart) this.pieces.push(this.runBuffer.subarray(this.runStart, this.runEnd));
    this.runBuffer = null;
  }
}

const DIFF = Buffer.from('diff ');
const INDEX = Buffer.from('Index: ');
const OLD_FILE = Buffer.from('--- ');
const NEW_FILE = Buffer.from('+++ ');

type SingleMessageVerdict = { kind: 'mail' } | { kind: 'diff' } | { kind: 'unreadable'; reason: string };

/** What the first lines of an input without "From " line showed, to tell a mail from a diff. */
class SingleMessageKind {
  private readonly startsWithHeader: boolean;
  private inHeaderBlock: boolean;
  private sawMailHeader = false;
  private sawDiff = false;
  private previousOpensOldFile = false;
  private sawNul = false;

  constructor(buf: Buffer, start: number, end: number) {
    this.startsWithHeader = isHeaderLine(buf, start, end);
    this.inHeaderBlock = this.startsWithHeader;
  }

  see(buf: Buffer, start: number, end: number): void {
    if (buf.subarray(start, end).includes(0)) this.sawNul = true;
    if (this.inHeaderBlock) this.seeHeaderBlockLine(buf, start, end);
    if (startsWith(buf, start, end, DIFF) || startsWith(buf, start, end, INDEX)) this.sawDiff = true;
    else if (this.previousOpensOldFile && startsWith(buf, start, end, NEW_FILE)) this.sawDiff = true;
    this.previousOpensOldFile = startsWith(buf, start, end, OLD_FILE);
  }

  private seeHeaderBlockLine(buf: Buffer, start: number, end: number): void {
    if (isBlank(buf, start, end)) {
      this.inHeaderBlock = false;
    } else if (buf[start] !== 0x20 && buf[start] !== 0x09) {
      if (!isHeaderLine(buf, start, end)) this.inHeaderBlock = false;
      else if (MAIL_HEADER.test(headerName(buf, start, end))) this.sawMailHeader = true;
    }
  }

  verdict(): SingleMessageVerdict {
    if (this.sawNul) return { kind: 'unreadable', reason: 'binary data (NUL bytes), not an mbox, a mail or a patch' };
    if (this.startsWithHeader && this.sawMailHeader) return { kind: 'mail' };
    if (this.sawDiff) return { kind: 'diff' };
    return { kind: 'unreadable', reason: 'not an mbox, a mail or a patch: no mbox "From " line, no mail headers and no diff' };
  }
}

/** The default cap on one message's size (configurable: maxMessageMegabytes in .cptlintrc.json). */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 << 20;

/** Bytes at the start of an input looked at for NUL, as git's binary check does. */
const BINARY_SNIFF_BYTES = 8000;

export class MboxSplitter {
  private lineNumber = 0;
  private readonly carried: Buffer[] = [];
  private carriedBytes = 0;
  private mode: 'leading' | 'mbox' | 'single' = 'leading';
  private message: MessageBuilder | null = null;
  private singleKind: SingleMessageKind | null = null;
  private output: Output[] = [];
  /** Bytes of the message being read (or skipped), its lines and their ends. */
  private messageBytes = 0;
  /** The message went over the size limit: its lines are dropped until the next one starts. */
  private skipping = false;
  /** A line went over the size limit before its end: the rest of it is dropped. */
  private discardingLine = false;
  private sniffed = 0;
  private refused = false;

  constructor(
    private readonly source: string,
    private readonly maxMessageBytes: number = DEFAULT_MAX_MESSAGE_BYTES,
  ) {}

  /** The input is binary: nothing more of it is read (the caller stops reading). */
  get stopped(): boolean {
    return this.refused;
  }

  /** The input line being read (for errors raised by the caller). */
  get currentLine(): number {
    return this.lineNumber;
  }

  /** Feeds a chunk; returns the messages it completed. */
  push(chunk: Buffer): Output[] {
    if (this.refused || this.refusesBinary(chunk)) return this.drain();
    let position = 0;
    if (this.carried.length > 0 || this.discardingLine) {
      const lineEnd = chunk.indexOf(LF);
      if (lineEnd < 0) {
        if (!this.discardingLine) this.carry(chunk);
        return this.drain();
      }
      if (this.discardingLine) {
        this.discardingLine = false;
        this.lineNumber++;
      } else {
        const line = Buffer.concat([...this.carried, chunk.subarray(0, lineEnd)]);
        this.carried.length = 0;
        this.carriedBytes = 0;
        this.line(line, 0, line.length, true, false);
      }
      position = lineEnd + 1;
    }
    for (;;) {
      const lineEnd = chunk.indexOf(LF, position);
      if (lineEnd < 0) break;
      this.line(chunk, position, lineEnd, true, true);
      position = lineEnd + 1;
    }
    if (position < chunk.length) this.carry(chunk.subarray(position));
    return this.drain();
  }

  /**
   * Keeps the start of a line that goes on in the next chunk; a line that alone passes the
   * size limit (an endless line) is dropped as it comes, so memory stays bounded.
   */
  private carry(piece: Buffer): void {
    this.carried.push(piece);
    this.carriedBytes += piece.length;
    if (this.messageBytes + this.carriedBytes <= this.maxMessageBytes) return;
    this.carried.length = 0;
    this.carriedBytes = 0;
    this.discardingLine = true;
    this.tooLarge();
  }

  /**
   * NUL bytes in the first 8,000 bytes (git's test for binary): the input is refused at once,
   * not after reading all of it (`cptlint - < /dev/zero` would never end).
   */
  private refusesBinary(chunk: Buffer): boolean {
    if (this.sniffed >= BINARY_SNIFF_BYTES) return false;
    const look = chunk.subarray(0, BINARY_SNIFF_BYTES - this.sniffed);
    this.sniffed += look.length;
    if (!look.includes(0)) return false;
    this.refused = true;
    this.message = null;
    this.carried.length = 0;
    this.output.push(this.error(this.lineNumber + 1, 'binary data (NUL bytes), not an mbox, a mail or a patch; not read further'));
    return true;
  }

  /** The message being read passed the size limit: reported once, and dropped up to the next message. */
  private tooLarge(): void {
    if (this.skipping) return;
    const megabytes = Math.round((this.maxMessageBytes / (1 << 20)) * 100) / 100;
    this.output.push(
      this.error(
        this.message?.startLine ?? this.lineNumber + 1,
        `message larger than ${megabytes} MB, the limit (maxMessageMegabytes in .cptlintrc.json): it is not reviewed`,
      ),
    );
    this.skipping = true;
    this.message = null;
    this.singleKind = null;
    if (this.mode === 'leading') this.mode = 'single';
  }

  /** Ends the input; returns the last message, or what is wrong with the input. */
  end(): Output[] {
    if (this.carried.length > 0) {
      const line = Buffer.concat(this.carried);
      this.carried.length = 0;
      this.line(line, 0, line.length, false, false);
    }
    if (this.refused) return this.drain();
    if (this.mode === 'leading') {
      this.output.push(this.error(0, this.lineNumber === 0 ? 'empty input' : 'input holds only blank lines'));
    } else {
      this.finishMessage();
    }
    return this.drain();
  }

  private drain(): Output[] {
    const done = this.output;
    this.output = [];
    return done;
  }

  /**
   * One input line: bytes [start, end) of buf. `terminated`: an LF ended it (the last line
   * of an input may lack one); `lineEndInBuffer`: that LF is buf[end].
   */
  private line(buf: Buffer, start: number, end: number, terminated: boolean, lineEndInBuffer: boolean): void {
    this.lineNumber++;
    let contentEnd = end;
    // CRLF reads as LF (git mailsplit without --keep-cr); a bare CR stays.
    if (terminated && contentEnd > start && buf[contentEnd - 1] === CR) contentEnd--;
    const keepsLineEnd = lineEndInBuffer && contentEnd === end;

    if (this.mode === 'leading') {
      if (isBlank(buf, start, contentEnd)) return;
      if (isMboxFromLine(buf, start, contentEnd)) {
        this.mode = 'mbox';
        this.message = new MessageBuilder(this.lineNumber + 1);
        this.messageBytes = 0;
        return;
      }
      this.mode = 'single';
      this.message = new MessageBuilder(this.lineNumber);
      this.singleKind = new SingleMessageKind(buf, start, contentEnd);
    } else if (this.mode === 'mbox' && isMboxFromLine(buf, start, contentEnd)) {
      this.finishMessage();
      this.message = new MessageBuilder(this.lineNumber + 1);
      this.messageBytes = 0;
      this.skipping = false;
      return;
    }
    if (this.skipping) return;
    this.messageBytes += end - start + 1;
    if (this.messageBytes > this.maxMessageBytes) {
      this.tooLarge();
      return;
    }

    this.singleKind?.see(buf, start, contentEnd);
    const from = this.mode === 'mbox' && isQuotedFromLine(buf, start, contentEnd) ? start + 1 : start;
    this.message?.addLine(buf, from, contentEnd, keepsLineEnd);
  }

  private finishMessage(): void {
    const message = this.message;
    if (!message) return;
    this.message = null;
    if (this.mode === 'mbox') {
      if (message.isEmpty) this.output.push(this.error(message.startLine - 1, 'empty message after the mbox "From " line'));
      else this.output.push({ source: this.source, startLine: message.startLine, raw: message.finish(true) });
      return;
    }
    const verdict = this.singleKind?.verdict() ?? { kind: 'mail' };
    if (verdict.kind === 'unreadable') {
      this.output.push(this.error(message.startLine, verdict.reason));
      return;
    }
    const raw = message.finish(false);
    const plainDiff = verdict.kind === 'diff' ? { plainDiff: true } : {};
    this.output.push({ source: this.source, startLine: message.startLine, raw, ...plainDiff });
  }

  private error(line: number, message: string): InputError {
    return { source: this.source, line, message };
  }
}
