/**
 * The GAS line lexer: cuts the text into comments, C preprocessor lines and statements
 * (token lists), in one pass over the characters, with the comment and separator rules of
 * the architecture's dialect. No regular expressions over whole lines: linear time.
 *
 * Hunks start anywhere, so the lexer also recovers from text it sees only part of: a line
 * that starts with `*` is the middle of a block comment; a `*\/` with no opening `/*` closes
 * a comment that began before the segment (everything from the segment's start to it is
 * comment); a line ending in `\` is the continuation of a #define whose head is not shown.
 */
import type { AsmDialect } from './dialect.js';
import type { LineIndex } from './node.js';

export type TokenKind = 'word' | 'number' | 'string' | 'char' | 'percent' | 'dollar' | 'punct';

export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
}

export interface Span {
  start: number;
  end: number;
}

export type LexItem =
  | { kind: 'comment'; start: number; end: number }
  | {
      kind: 'preprocessor';
      start: number;
      end: number;
      comments: Span[];
      /** Continuation lines of a #define whose `#define` line the text does not show. */
      orphan: boolean;
    }
  | { kind: 'statement'; start: number; end: number; tokens: Token[] };

const PREPROCESSOR_KEYWORDS = new Set([
  'define', 'undef', 'include', 'include_next', 'import', 'if', 'ifdef', 'ifndef', 'elif', 'elifdef', 'elifndef',
  'else', 'endif', 'error', 'warning', 'pragma', 'line', 'ident', 'sccs', 'assert', 'unassert',
]);

const TWO_CHAR_OPERATORS = new Set(['<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '##', '<>']);

function isBlank(char: string): boolean {
  return char === ' ' || char === '\t' || char === '\r' || char === '\f' || char === '\v';
}

function isDigit(char: string): boolean {
  return char >= '0' && char <= '9';
}

function isLetter(char: string): boolean {
  return (char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z');
}

export function isIdentifierStart(char: string): boolean {
  return isLetter(char) || char === '_' || char === '.';
}

export function isIdentifierPart(char: string): boolean {
  return isLetter(char) || isDigit(char) || char === '_' || char === '.';
}

export function isPunct(token: Token | undefined, text: string): boolean {
  return token !== undefined && token.kind === 'punct' && token.text === text;
}

class Lexer {
  private readonly text: string;
  private readonly items: LexItem[] = [];
  private tokens: Token[] = [];
  /** Where the last block comment ended: text after it is known to be outside a comment. */
  private lastBlockCommentEnd = 0;
  /** Where the last preprocessor line ended: a comment is not taken to have begun before it. */
  private lastPreprocessorEnd = 0;
  private readonly segmentStartOffsets: number[];
  private readonly segmentStarts: ReadonlySet<number>;

  constructor(
    private readonly lineIndex: LineIndex,
    private readonly dialect: AsmDialect,
    segmentStartRows: readonly number[],
  ) {
    this.text = lineIndex.text;
    this.segmentStartOffsets = [0, ...segmentStartRows.map((row) => lineIndex.rowStart(row))].sort((a, b) => a - b);
    this.segmentStarts = new Set(this.segmentStartOffsets);
  }

  run(): LexItem[] {
    const text = this.text;
    let offset = 0;
    let atLineStart = true;
    while (offset < text.length) {
      if (atLineStart) {
        atLineStart = false;
        offset = this.lexLineStart(offset);
        continue;
      }
      const char = text[offset];
      const next = text[offset + 1];
      if (char === '\n') {
        this.flushStatement();
        atLineStart = true;
        offset++;
      } else if (isBlank(char)) {
        offset++;
      } else if (char === '/' && next === '*') {
        offset = this.lexBlockComment(offset);
      } else if (char === '*' && next === '/') {
        this.recoverOrphanCommentEnd(offset);
        offset += 2;
      } else if ((char === '/' && next === '/') || this.startsLineComment(offset)) {
        const end = this.endOfLine(offset);
        this.items.push({ kind: 'comment', start: offset, end: this.trimEnd(offset, end) });
        offset = end;
      } else if (this.dialect.separatorChars.includes(char)) {
        this.flushStatement();
        offset++;
      } else {
        const token = this.lexToken(offset);
        this.tokens.push(token);
        offset = token.end;
      }
    }
    this.flushStatement();
    return this.items;
  }

  /** At the first character of a row: preprocessor lines, `#` comments, comment and #define continuations. */
  private lexLineStart(rowStart: number): number {
    const text = this.text;
    let first = rowStart;
    while (first < text.length && isBlank(text[first])) first++;
    if (first >= text.length || text[first] === '\n') return first;
    const char = text[first];
    if (char === '#') {
      if (this.isPreprocessorDirective(first)) return this.lexPreprocessor(first, false);
      const end = this.endOfLine(first);
      this.items.push({ kind: 'comment', start: first, end: this.trimEnd(first, end) });
      return end;
    }
    if (char === '*' && this.isCommentContinuation(first)) {
      const end = this.endOfLine(first);
      const close = text.indexOf('*/', first);
      if (close !== -1 && close < end) {
        this.recoverOrphanCommentEnd(close);
        return close + 2;
      }
      this.items.push({ kind: 'comment', start: first, end: this.trimEnd(first, end) });
      return end;
    }
    if (this.endsWithBackslash(first) || (this.segmentStarts.has(rowStart) && this.hasTokenPasting(first))) {
      return this.lexPreprocessor(first, true);
    }
    return first;
  }

  /** `*` followed by a blank, `*`, `/` or the end of the line: the middle of a block comment. */
  private isCommentContinuation(offset: number): boolean {
    const next = this.text[offset + 1];
    return next === undefined || next === '\n' || next === '*' || next === '/' || isBlank(next);
  }

  private isPreprocessorDirective(hashOffset: number): boolean {
    const text = this.text;
    let offset = hashOffset + 1;
    while (offset < text.length && isBlank(text[offset])) offset++;
    if (offset >= text.length || text[offset] === '\n') return true;
    if (isDigit(text[offset])) return true;
    let end = offset;
    while (end < text.length && isLetter(text[end])) end++;
    if (end < text.length && (isDigit(text[end]) || text[end] === '_')) return false;
    return PREPROCESSOR_KEYWORDS.has(text.slice(offset, end));
  }

  private startsLineComment(offset: number): boolean {
    const char = this.text[offset];
    if (!this.dialect.commentChars.includes(char)) return false;
    if (char !== '#' || !this.dialect.hashCommentNeedsBlank) return true;
    const next = this.text[offset + 1];
    return next === undefined || next === '\n' || isBlank(next);
  }

  private endOfLine(offset: number): number {
    const end = this.text.indexOf('\n', offset);
    return end === -1 ? this.text.length : end;
  }

  private trimEnd(start: number, end: number): number {
    let trimmed = end;
    while (trimmed > start && isBlank(this.text[trimmed - 1])) trimmed--;
    return trimmed;
  }

  /** `##` pastes tokens only in a #define body: a segment that starts with it starts inside one. */
  private hasTokenPasting(first: number): boolean {
    const paste = this.text.indexOf('##', first);
    return paste !== -1 && paste < this.endOfLine(first);
  }

  private endsWithBackslash(first: number): boolean {
    const end = this.trimEnd(first, this.endOfLine(first));
    return end > first && this.text[end - 1] === '\\';
  }

  /** A `/* ... *\/` comment; a statement does not continue across a comment that spans lines. */
  private lexBlockComment(offset: number): number {
    const close = this.text.indexOf('*/', offset + 2);
    const end = close === -1 ? this.text.length : close + 2;
    this.items.push({ kind: 'comment', start: offset, end });
    this.lastBlockCommentEnd = end;
    if (this.text.lastIndexOf('\n', end - 1) >= offset) this.flushStatement();
    return end;
  }

  /**
   * A `*\/` without a `/*`: the segment began inside a comment. Everything from the segment's
   * start (or the end of the last comment or preprocessor line seen) up to here was comment text.
   */
  private recoverOrphanCommentEnd(closeOffset: number): void {
    const regionStart = Math.max(this.segmentStartBefore(closeOffset), this.lastBlockCommentEnd, this.lastPreprocessorEnd);
    this.tokens = this.tokens.filter((token) => token.start < regionStart);
    this.flushStatement();
    while (this.items.length > 0 && this.items[this.items.length - 1].start >= regionStart) this.items.pop();
    let start = regionStart;
    while (start < closeOffset && (isBlank(this.text[start]) || this.text[start] === '\n')) start++;
    this.items.push({ kind: 'comment', start, end: closeOffset + 2 });
    this.lastBlockCommentEnd = closeOffset + 2;
  }

  private segmentStartBefore(offset: number): number {
    let found = 0;
    for (const start of this.segmentStartOffsets) {
      if (start > offset) break;
      found = start;
    }
    return found;
  }

  /**
   * A preprocessor line from `#` (or, for an orphan continuation, the first character) to the
   * end of its last `\` continuation; comments inside it (even spanning lines) belong to it.
   */
  private lexPreprocessor(start: number, orphan: boolean): number {
    const text = this.text;
    const comments: Span[] = [];
    let offset = start;
    let lastCodeEnd = start;
    while (offset < text.length) {
      const char = text[offset];
      if (char === '\n') {
        let previous = lastCodeEnd - 1;
        while (previous > start && isBlank(text[previous])) previous--;
        if (text[previous] !== '\\' || previous < this.lineIndex.rowStart(this.lineIndex.rowOf(offset))) break;
        offset++;
        continue;
      }
      if (char === '/' && text[offset + 1] === '*') {
        const close = text.indexOf('*/', offset + 2);
        const end = close === -1 ? text.length : close + 2;
        comments.push({ start: offset, end });
        this.lastBlockCommentEnd = end;
        offset = end;
        continue;
      }
      if (char === '/' && text[offset + 1] === '/') {
        const end = this.endOfLine(offset);
        comments.push({ start: offset, end: this.trimEnd(offset, end) });
        offset = end;
        continue;
      }
      if (char === '"' || char === "'") {
        offset = this.endOfQuoted(offset, char);
        lastCodeEnd = offset;
        continue;
      }
      offset++;
      if (!isBlank(char)) lastCodeEnd = offset;
    }
    const end = Math.max(this.trimEnd(start, lastCodeEnd), comments.length > 0 ? comments[comments.length - 1].end : 0);
    this.items.push({ kind: 'preprocessor', start, end, comments, orphan });
    this.lastPreprocessorEnd = end;
    return offset;
  }

  private endOfQuoted(offset: number, quote: string): number {
    const text = this.text;
    let index = offset + 1;
    while (index < text.length && text[index] !== '\n') {
      if (text[index] === '\\' && index + 1 < text.length && text[index + 1] !== '\n') {
        index += 2;
        continue;
      }
      if (text[index] === quote) return index + 1;
      index++;
    }
    return index;
  }

  private flushStatement(): void {
    if (this.tokens.length === 0) return;
    const tokens = this.tokens;
    this.tokens = [];
    this.items.push({ kind: 'statement', start: tokens[0].start, end: tokens[tokens.length - 1].end, tokens });
  }

  private lexToken(start: number): Token {
    const text = this.text;
    const char = text[start];
    const next = text[start + 1] ?? '';
    let end: number;
    let kind: TokenKind;
    if (isDigit(char)) {
      kind = 'number';
      end = this.endOfNumber(start);
    } else if (isIdentifierStart(char) || (char === '\\' && this.isMacroArgumentAt(start))) {
      kind = 'word';
      end = this.endOfWord(start);
    } else if (char === '@' && isIdentifierStart(next)) {
      kind = 'word';
      end = this.endOfWord(start + 1);
    } else if (char === '%' && (isLetter(next) || next === '_' || (next === '\\' && this.isMacroArgumentAt(start + 1)))) {
      kind = 'percent';
      end = this.endOfWord(start + 1);
    } else if (char === '$' && this.dialect.dollarRegisters && this.startsDollarRegister(next)) {
      kind = 'dollar';
      end = this.endOfWord(start + 1);
    } else if (char === '"') {
      kind = 'string';
      end = this.endOfQuoted(start, '"');
    } else if (char === "'") {
      kind = 'char';
      end = this.endOfCharacterConstant(start);
    } else {
      kind = 'punct';
      end = TWO_CHAR_OPERATORS.has(char + next) ? start + 2 : start + 1;
    }
    return { kind, text: text.slice(start, end), start, end };
  }

  private startsDollarRegister(next: string): boolean {
    if (isLetter(next) || next === '_') return true;
    return this.dialect.arch === 'mips' && isDigit(next);
  }

  /** `\name`, `\@` and `\()`: macro arguments and GAS's counter and separator. */
  private isMacroArgumentAt(offset: number): boolean {
    const next = this.text[offset + 1] ?? '';
    return isIdentifierPart(next) || next === '@' || (next === '(' && this.text[offset + 2] === ')');
  }

  /** An identifier; may hold macro argument references (`\@`, `\()`, `\arg`) and `@suffix` (`sym@PLT`). */
  private endOfWord(start: number): number {
    const text = this.text;
    let offset = start;
    while (offset < text.length) {
      const char = text[offset];
      if (isIdentifierPart(char)) {
        offset++;
      } else if (char === '\\' && this.isMacroArgumentAt(offset)) {
        offset += text[offset + 1] === '(' ? 3 : 2;
      } else if (char === '@' && offset > start && !this.dialect.commentChars.includes('@') && isIdentifierStart(text[offset + 1] ?? '')) {
        offset++;
      } else {
        break;
      }
    }
    return offset;
  }

  /** Digits, letters (hex digits, `f`/`b` of local label references) and a fraction. */
  private endOfNumber(start: number): number {
    const text = this.text;
    let offset = start;
    while (offset < text.length) {
      const char = text[offset];
      if (isLetter(char) || isDigit(char) || char === '_') offset++;
      else if (char === '.' && isDigit(text[offset + 1] ?? '')) offset++;
      else break;
    }
    return offset;
  }

  /** `'c`, `'c'`, `'\n'`: GAS character constants. */
  private endOfCharacterConstant(start: number): number {
    const text = this.text;
    let offset = start + 1;
    if (offset >= text.length || text[offset] === '\n') return offset;
    offset += text[offset] === '\\' && offset + 1 < text.length && text[offset + 1] !== '\n' ? 2 : 1;
    if (text[offset] === "'") offset++;
    return offset;
  }
}

/**
 * @param segmentStartRows rows where a run of shown lines starts (the text before such a row
 *   is not the file's text before it), for recovering comments the segment starts inside of
 */
export function lexAsm(lineIndex: LineIndex, dialect: AsmDialect, segmentStartRows: readonly number[] = []): LexItem[] {
  return new Lexer(lineIndex, dialect, segmentStartRows).run();
}
