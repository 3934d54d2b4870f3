/**
 * A lexical mask of C lines: each line with comments, the insides of string and character
 * literals, and preprocessor lines replaced by spaces, so that braces, parentheses and
 * words can be found with plain string searches. Columns are kept: a masked line has the
 * length of its line.
 */

export interface MaskedLine {
  /** The line with everything that is not C code blanked (literal quotes are kept). */
  code: string;
  /** The directive a preprocessor line starts ("if", "ifdef", "else", "define", ...), or null. */
  directive: string | null;
  /** The line belongs to a preprocessor directive (its first line or a continuation). */
  inDirective: boolean;
}

export interface MaskState {
  inBlockComment: boolean;
  /** The previous line was a directive line ending with a backslash. */
  inDirective: boolean;
}

export const START_OF_FILE: MaskState = { inBlockComment: false, inDirective: false };

const SPACE = 32;
const SLASH = 47;
const STAR = 42;
const BACKSLASH = 92;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;

/** Mask one line; returns the masked codes and whether a block comment is still open. */
function maskLine(line: string, startsInComment: boolean): { codes: number[]; inBlockComment: boolean } {
  const codes = new Array<number>(line.length);
  let inBlockComment = startsInComment;
  let index = 0;
  while (index < line.length) {
    const char = line.charCodeAt(index);
    if (inBlockComment) {
      if (char === STAR && line.charCodeAt(index + 1) === SLASH) {
        codes[index] = SPACE;
        codes[index + 1] = SPACE;
        index += 2;
        inBlockComment = false;
      } else {
        codes[index++] = SPACE;
      }
      continue;
    }
    if (char === SLASH && line.charCodeAt(index + 1) === STAR) {
      codes[index] = SPACE;
      codes[index + 1] = SPACE;
      index += 2;
      inBlockComment = true;
      continue;
    }
    if (char === SLASH && line.charCodeAt(index + 1) === SLASH) {
      while (index < line.length) codes[index++] = SPACE;
      break;
    }
    if (char === DOUBLE_QUOTE || char === SINGLE_QUOTE) {
      codes[index++] = char;
      while (index < line.length) {
        const inner = line.charCodeAt(index);
        if (inner === BACKSLASH) {
          codes[index++] = SPACE;
          if (index < line.length) codes[index++] = SPACE;
        } else if (inner === char) {
          codes[index++] = char;
          break;
        } else {
          codes[index++] = SPACE;
        }
      }
      continue;
    }
    codes[index++] = char;
  }
  return { codes, inBlockComment };
}

/** String.fromCharCode in slices: spreading a very long line would overflow the call stack. */
function textOfCodes(codes: number[]): string {
  const slice = 4096;
  if (codes.length <= slice) return String.fromCharCode(...codes);
  let text = '';
  for (let start = 0; start < codes.length; start += slice) {
    text += String.fromCharCode(...codes.slice(start, start + slice));
  }
  return text;
}

/** Lines without these characters are all code (the common case, masked for free). */
const HAS_COMMENT_OR_LITERAL = /["'/]/;

const DIRECTIVE = /^\s*#\s*([a-z_]+)/;

/**
 * Mask consecutive lines. `start` says whether the first line begins inside a block comment
 * or continues a directive (a hunk may begin anywhere).
 */
export function maskLines(lines: readonly string[], start: MaskState): { masked: MaskedLine[]; end: MaskState } {
  const masked: MaskedLine[] = [];
  let state = start;
  for (const line of lines) {
    const directiveMatch = state.inBlockComment || state.inDirective ? null : DIRECTIVE.exec(line);
    const inDirective = state.inDirective || directiveMatch !== null;
    let code: string;
    let inBlockComment = false;
    if (!state.inBlockComment && !HAS_COMMENT_OR_LITERAL.test(line)) {
      code = inDirective ? ' '.repeat(line.length) : line;
    } else {
      const result = maskLine(line, state.inBlockComment);
      inBlockComment = result.inBlockComment;
      code = inDirective ? ' '.repeat(line.length) : textOfCodes(result.codes);
    }
    masked.push({ code, directive: directiveMatch?.[1] ?? null, inDirective });
    state = { inBlockComment, inDirective: inDirective && /\\\s*$/.test(line) };
  }
  return { masked, end: state };
}

/**
 * Whether lines that start a hunk begin inside a block comment: the first line reads as a
 * comment's middle line, or a comment close comes before any comment open (outside string
 * literals, as far as one can tell from here).
 */
export function startsInsideComment(lines: readonly string[]): boolean {
  // A first line like " * @dev: the device" is the middle of a comment.
  const firstLine = lines.find((line) => line.trim() !== '');
  if (firstLine !== undefined && /^\s*\*(?:\s|\/|$)/.test(firstLine)) return true;
  for (const line of lines) {
    const open = line.indexOf('/*');
    const close = line.indexOf('*/');
    if (close !== -1 && (open === -1 || close < open)) return true;
    if (open !== -1) return false;
  }
  return false;
}
