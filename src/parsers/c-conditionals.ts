/**
 * Preprocessor conditionals whose branches are not whole C constructs. tree-sitter-c parses
 * `#if ... #else ... #endif` inside a function only when each branch holds whole statements;
 * kernel code often opens a block in one branch and closes it outside
 * (`#ifdef X` / `if (a) {` / `#else` / `if (b) {` / `#endif`), or continues an if-chain
 * (`#ifdef X` / `else if (b) {...}` / `#endif`). Such a group breaks the tree around it,
 * often the whole enclosing #ifndef of a file.
 *
 * Such groups are flattened in the parsed text: their directive lines and every branch but
 * the first are replaced by spaces (rows and columns kept), so the first branch reads as
 * ordinary code. A group whose branches are each balanced and do not start with `else` is
 * left alone.
 */
import type { MaskedLine } from './c-mask.js';

interface Branch {
  /** First line of the branch (after its directive). */
  start: number;
  /** Line after its last line (its closing directive). */
  end: number;
}

interface Group {
  directiveLines: number[];
  branches: Branch[];
}

const OPENING = new Set(['if', 'ifdef', 'ifndef']);
const CONTINUING = new Set(['else', 'elif', 'elifdef', 'elifndef']);

function branchIsWhole(masked: readonly MaskedLine[], blanked: readonly boolean[], branch: Branch): boolean {
  let braces = 0;
  let parens = 0;
  let firstCode: string | null = null;
  for (let line = branch.start; line < branch.end; line++) {
    if (blanked[line] || masked[line].inDirective) continue;
    const code = masked[line].code;
    if (firstCode === null && code.trim() !== '') firstCode = code.trim();
    for (let column = 0; column < code.length; column++) {
      const char = code.charCodeAt(column);
      if (char === 123) braces++;
      else if (char === 125) braces--;
      else if (char === 40) parens++;
      else if (char === 41) parens--;
      if (braces < 0 || parens < 0) return false;
    }
  }
  return braces === 0 && parens === 0 && !(firstCode !== null && /^else\b/.test(firstCode));
}

export interface Flattened {
  lines: string[];
  masked: MaskedLine[];
  /** Groups flattened (for the record of what was changed). */
  groups: number;
}

/**
 * Flatten the conditional groups of a run of lines that have a branch that is not whole.
 * A group cut by the run's start (an `#else` or `#endif` first) or end (no `#endif`) is
 * judged on the part the run shows.
 */
export function flattenBrokenConditionals(lines: readonly string[], masked: readonly MaskedLine[]): Flattened {
  const blanked = new Array<boolean>(lines.length).fill(false);
  const stack: Group[] = [];
  let groups = 0;
  let orphanFloor = 0;
  const settle = (group: Group): void => {
    if (group.branches.every((branch) => branchIsWhole(masked, blanked, branch))) return;
    groups++;
    for (const line of group.directiveLines) {
      blanked[line] = true;
      // A directive continued with backslashes goes with its continuation lines.
      for (let next = line + 1; next < lines.length && masked[next].inDirective && masked[next].directive === null; next++) {
        blanked[next] = true;
      }
    }
    for (const branch of group.branches.slice(1)) {
      for (let line = branch.start; line < branch.end; line++) blanked[line] = true;
    }
  };
  masked.forEach(({ directive }, line) => {
    if (directive === null) return;
    const top = stack[stack.length - 1];
    if (OPENING.has(directive)) {
      stack.push({ directiveLines: [line], branches: [{ start: line + 1, end: lines.length }] });
    } else if (CONTINUING.has(directive) || directive === 'endif') {
      const group = top ?? { directiveLines: [], branches: [{ start: orphanFloor, end: lines.length }] };
      if (top === undefined) stack.push(group);
      group.directiveLines.push(line);
      group.branches[group.branches.length - 1].end = line;
      if (directive === 'endif') {
        stack.pop();
        settle(group);
        if (top === undefined) orphanFloor = line + 1;
      } else {
        group.branches.push({ start: line + 1, end: lines.length });
      }
    }
  });
  while (stack.length > 0) settle(stack.pop() as Group);
  if (groups === 0) return { lines: [...lines], masked: [...masked], groups };
  return {
    lines: lines.map((line, index) => (blanked[index] ? ' '.repeat(line.length) : line)),
    masked: masked.map((entry, index) =>
      blanked[index] ? { code: ' '.repeat(entry.code.length), directive: null, inDirective: false } : entry,
    ),
    groups,
  };
}
