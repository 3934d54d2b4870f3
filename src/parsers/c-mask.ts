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

const SLASH = 47;
const STAR = 42;
const BACKSLASH = 92;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;

/**
 * Mask one line; returns the masked line and whether a block comment is still open. The
 * line is copied in stretches, with blanks for what is masked, rather than character by
 * character into an array.
 */
function maskLine(line: string, startsInComment: boolean): { code: string; inBlockComment: boolean } {
  let code = '';
  let keptFrom = 0;
  const blankRange = (from: number, to: number): void => {
    code += line.slice(keptFrom, from) + ' '.repeat(to - from);
    keptFrom = to;
  };
  let inBlockComment = startsInComment;
  let index = 0;
  while (index < line.length) {
    if (inBlockComment) {
      const close = line.indexOf('*/', index);
      const end = close === -1 ? line.length : close + 2;
      blankRange(index, end);
      index = end;
      inBlockComment = close === -1;
      continue;
    }
    const char = line.charCodeAt(index);
    if (char === SLASH && line.charCodeAt(index + 1) === STAR) {
      blankRange(index, index + 2);
      index += 2;
      inBlockComment = true;
      continue;
    }
    if (char === SLASH && line.charCodeAt(index + 1) === SLASH) {
      blankRange(index, line.length);
      index = line.length;
      break;
    }
    if (char === DOUBLE_QUOTE || char === SINGLE_QUOTE) {
      // The quotes stay; what is between them (escapes included) becomes blanks.
      index++;
      const contentStart = index;
      let closed = false;
      while (index < line.length) {
        const inner = line.charCodeAt(index);
        if (inner === BACKSLASH) {
          index += 2;
        } else if (inner === char) {
          closed = true;
          break;
        } else {
          index++;
        }
      }
      index = Math.min(index, line.length);
      blankRange(contentStart, index);
      if (closed) index++;
      continue;
    }
    index++;
  }
  return { code: code + line.slice(keptFrom), inBlockComment };
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
      code = inDirective ? ' '.repeat(line.length) : result.code;
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
