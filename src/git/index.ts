/**
 * git as a source of input: the staged change, a commit range, the pre-commit hook, and the
 * throw-away copy of a tree for --tree. It hands text to the pipeline and knows no rule.
 */
export { stagedInput, STAGED_SOURCE } from './staged.js';
export { rangeBase, rangeInput, resolveRange, type ResolvedRange } from './range.js';
export { installHook, uninstallHook, hooksDirectory, type HookInstallOptions, type HookUninstallOptions, type HookResult } from './hook.js';
export { HOOK_MARKER, type CptlintCommand } from './hook-script.js';
export { openTreeContext, type OpenTreeContext, type TreeOptions } from './tree.js';
export { openBlobContext } from './blobs.js';
export { isInputError } from './repository.js';
