/**
 * Calls that never return. Two sorts matter differently: a task that exits (`do_exit`,
 * `kthread_exit`) leaves the function like a `return` does and must have dropped what it
 * holds; a crash (`BUG`, `panic`) ends everything, and what it held no longer matters.
 */
import type { CSource, Node } from '../../model/source.js';
import { namedChildrenOf } from '../../parsers/c-syntax.js';
import { kernelFacts } from '../../facts/kernel-facts.js';

export type NoreturnSort = 'exit' | 'crash';

const TASK_EXITS = new Set([
  'do_exit',
  'do_group_exit',
  'complete_and_exit',
  'kthread_complete_and_exit',
  'kthread_exit',
  'module_put_and_exit',
  'module_put_and_kthread_exit',
  'make_task_dead',
]);

const CRASHES = new Set(['panic', 'BUG', 'unreachable', '__builtin_unreachable', 'machine_halt', 'machine_power_off', 'emergency_restart']);

/** The hand lists' names (a test holds them against the mined facts). */
export const HAND_NORETURN: readonly string[] = [...TASK_EXITS, ...CRASHES];

/**
 * Names a patch declares `__noreturn` (definitions and prototypes), across its C sources.
 * Read from the lines as the patch shows them: the parser blanks the annotation.
 */
export function declaredNoreturn(sources: readonly CSource[]): Set<string> {
  const names = new Set<string>();
  for (const source of sources) {
    // A function's noreturn flag comes from its head as shown, or as the @@ heading gives it.
    if (!source.shownText.includes('noreturn')) continue;
    const segments = source.file.postImage?.segments ?? [];
    for (const fn of source.functions) if (fn.noreturn && fn.name !== '') names.add(fn.name);
    for (const segment of segments) {
      segment.lines.forEach((line, index) => {
        if (!NORETURN_WORD.test(line) || /^\s*(#|\*|\/\/|\/\*)/.test(line)) return;
        // The declared name: the first identifier followed by `(`, on this line or the next.
        const text = `${line} ${segment.lines[index + 1] ?? ''}`.replace(/__attribute__\s*\(\([^)]*\)\)/g, ' ');
        for (const match of text.matchAll(/([A-Za-z_]\w*)\s*\(/g)) {
          if (NORETURN_WORD.test(match[1]) || KEYWORDS.has(match[1])) continue;
          names.add(match[1]);
          break;
        }
      });
    }
  }
  return names;
}

const NORETURN_WORD = /(?<![\w$])(?:__noreturn|_Noreturn|noreturn)(?![\w$])/;
const KEYWORDS = new Set(['if', 'while', 'for', 'switch', 'return', 'sizeof', '__attribute__', 'typeof']);

/**
 * Whether the patch's C files define a function `name` themselves (a definition's head starts
 * its line, as kernel style writes it): the patch's own function wins over a kernel one of the
 * same name (the tree's `stop()` or `exit()` are not a driver's).
 */
export function definedInPatch(sources: readonly CSource[], name: string): boolean {
  const head = new RegExp(`^[A-Za-z_][^;=(\\n]*(?<![\\w$])${name}\\s*\\(`, 'm');
  return sources.some((source) => source.shownText.includes(name) && head.test(source.shownText));
}

export class NoreturnCalls {
  /**
   * @param patchNoreturn what the patch declares `__noreturn`
   * @param definedByPatch whether the patch defines a function of this name (asked only of names
   *   the mined facts call noreturn)
   */
  constructor(
    private readonly patchNoreturn: ReadonlySet<string> = new Set(),
    private readonly definedByPatch: (name: string) => boolean = () => false,
  ) {}

  private readonly mined = new Map<string, boolean>();

  sortOf(name: string): NoreturnSort | null {
    if (TASK_EXITS.has(name)) return 'exit';
    if (CRASHES.has(name)) return 'crash';
    if (this.patchNoreturn.has(name)) return 'exit';
    return this.minedNoreturn(name) ? 'crash' : null;
  }

  /**
   * The kernel's other noreturn functions, mined from the tree (a restart, a panic helper, a CPU
   * parked for good): read on the first call the lists above do not know. They end the path as a
   * crash does: which of them end only the task the tree does not say, and a crash judges nothing
   * on the path (an exit would).
   */
  private minedNoreturn(name: string): boolean {
    let known = this.mined.get(name);
    if (known === undefined) {
      known = kernelFacts().isNoreturn(name) && !this.definedByPatch(name);
      this.mined.set(name, known);
    }
    return known;
  }

  /** The noreturn call an expression statement consists of (`do_exit(code);`, `(void)panic(...)`). */
  statementCall(statement: Node): { name: string; sort: NoreturnSort } | null {
    const [expression] = namedChildrenOf(statement);
    if (expression === undefined) return null;
    let current = expression;
    while (current.type === 'cast_expression' || current.type === 'parenthesized_expression') {
      const inner: Node | undefined = current.type === 'cast_expression' ? (current.childForFieldName('value') ?? undefined) : namedChildrenOf(current)[0];
      if (inner === undefined) return null;
      current = inner;
    }
    if (current.type !== 'call_expression') return null;
    const callee = current.childForFieldName('function');
    if (callee?.type !== 'identifier') return null;
    const sort = this.sortOf(callee.text);
    return sort === null ? null : { name: callee.text, sort };
  }
}
