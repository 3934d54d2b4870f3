/**
 * Every rule cptlint runs, in the order their findings are listed for one line. Each rule
 * lives in its own file named after its id; add it here to make it run.
 */
import type { Rule } from './rule.js';

export const allRules: readonly Rule[] = [];

export function ruleById(id: string): Rule | undefined {
  return allRules.find((rule) => rule.meta.id === id);
}
