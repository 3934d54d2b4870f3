/**
 * analysis-incomplete: says when a function is too large for the path analysis to follow
 * every path (more steps than the budget of src/analysis/paths.ts). The leak and lock rules
 * then judge nothing in it; without this, their findings went missing without a word.
 */
import { analysePatch } from '../analysis/ownership/patch-analysis.js';
import { DEFAULT_VISIT_BUDGET } from '../analysis/flow/paths.js';
import type { FindingDraft, Rule, RuleContext } from './rule.js';

const ID = 'analysis-incomplete';

export const analysisIncomplete: Rule = {
  meta: {
    id: ID,
    severity: 'info',
    // A note about cptlint's coverage, not a comment on the code: it has no place in a review reply.
    optIn: true,
    summary: 'A function has more paths than cptlint follows: its leak and lock findings are missing',
    why:
      'module-ref-leak, ref-leak, mem-leak, lock-imbalance and completion-missed walk every path of a function, merging paths that reach a line in the same state. ' +
      `A function with many independent choices about what it holds (a dozen optional allocations one after the other) has more states than the walk's budget of ${DEFAULT_VISIT_BUDGET} steps; the walk stops and those rules judge nothing in it, because a judgement from part of the paths could be wrong. ` +
      'This note says so, so that a clean review of such a function is not read as a clean function.',
    example:
      'static int foo_setup(struct foo *f, int flags)\n{\n\tif (flags & FOO_A)\n\t\tf->a = kmalloc(A_SIZE, GFP_KERNEL);\n\tif (flags & FOO_B)\n\t\tf->b = kmalloc(B_SIZE, GFP_KERNEL);\n\t... a dozen more ...\n}',
    useInstead:
      'Review the function by hand, or split it: one helper per optional part\n\nstatic int foo_setup_a(struct foo *f)\n{\n\tf->a = kmalloc(A_SIZE, GFP_KERNEL);\n\treturn f->a ? 0 : -ENOMEM;\n}',
    limits:
      'Only the shared path analysis of the leak and lock rules is covered; missing-error-code has a budget of its own, and gives up on a larger graph without a note. ' +
      'The note goes on the first line of the function the patch adds. ' +
      'It runs only when asked for (`--only analysis-incomplete`, or `"analysis-incomplete": true` in the configuration): a review reply is no place for what the reviewer did not check.',
  },
  check(context: RuleContext): FindingDraft[] {
    const findings: FindingDraft[] = [];
    for (const { source, fn, analysis } of analysePatch(context.current, context.series).functions) {
      if (analysis.complete) continue;
      let line = fn.startLine;
      while (line < fn.endLine && !source.isAdded(line)) line++;
      findings.push({
        rule: ID,
        file: source.file.path,
        line,
        summary: `${fn.name}() has more paths than cptlint follows; its leak and lock findings are missing`,
        comment:
          `${fn.name}() has more paths than I can follow (the walk stopped after ${analysis.visits} steps), so I have not checked it for leaks or unbalanced locks. ` +
          'It needs a careful look by hand, or splitting into smaller helpers.',
        related: [],
      });
    }
    return findings;
  },
};
