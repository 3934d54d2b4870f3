/**
 * Every rule cptlint runs, in the order their findings are listed for one line. Each rule
 * lives in its own file named after its id; add it here to make it run.
 */
import type { Rule } from './rule.js';
import { analysisIncomplete } from './analysis-incomplete.js';
import { asmCConstant } from './asm-c-constant.js';
import { taskStateAssign } from './task-state-assign.js';
import { tryModuleGetSelf } from './try-module-get-self.js';
import { tryModuleGetUnchecked } from './try-module-get-unchecked.js';
import { completionMissed } from './completion-missed.js';
import { errPtrNullCheck } from './err-ptr-null-check.js';
import { missingErrorCode } from './missing-error-code.js';
import { lockImbalance } from './lock-imbalance.js';
import { memLeak } from './mem-leak.js';
import { moduleRefLeak } from './module-ref-leak.js';
import { refLeak } from './ref-leak.js';
import { unwindSkipped } from './unwind-skipped.js';

export const allRules: readonly Rule[] = [
  moduleRefLeak,
  refLeak,
  memLeak,
  lockImbalance,
  completionMissed,
  unwindSkipped,
  tryModuleGetSelf,
  tryModuleGetUnchecked,
  errPtrNullCheck,
  missingErrorCode,
  taskStateAssign,
  asmCConstant,
  analysisIncomplete,
];

export function ruleById(id: string): Rule | undefined {
  return allRules.find((rule) => rule.meta.id === id);
}
