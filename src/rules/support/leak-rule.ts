/**
 * The loop every leak rule runs: over the patch's judged leaks (analysis/ownership), keep the
 * ones the rule is about, place each where the patch adds a line, and word it. Each rule file
 * keeps its metadata, its selection of resources and its sentences.
 */
import { analysePatch, type LeakInSource } from '../../analysis/ownership/patch-analysis.js';
import { relatedOf, storyOf, type LeakStory } from '../../analysis/ownership/leak-findings.js';
import type { FindingDraft, RuleContext } from '../rule.js';
import type { Node } from '../../model/source.js';
import { calleeName, functionDefinitionName, nodesOfType, stripCastsAndParentheses } from '../../parsers/c-syntax.js';
import { releaseCallsOf } from '../../analysis/ownership/resources.js';
import { onlyPrints } from '../../analysis/ownership/readers.js';
import { functionParameters } from '../../analysis/flow/cfg.js';

/** What a rule says about one leak. */
export interface LeakWording {
  summary: string;
  comment: string;
  /** The note on the other paths' releases ("freed here on another path"). */
  releaseNote: string;
}

export interface LeakRule {
  id: string;
  /** The leaks this rule reports. */
  selects(found: LeakInSource): boolean;
  /** Its sentences for one leak, told as a story (place, names, exit). */
  word(found: LeakInSource, story: LeakStory): LeakWording;
  /**
   * One finding per place and object: the same count taken on two branches
   * (`if (poll) pm_runtime_get_noresume(dev); else pm_runtime_get_sync(dev);`) leaks once.
   */
  oncePerPlace?: boolean;
}

/**
 * One finding per function and object: the same reference leaked at three returns is one
 * comment, on the first of them, that names the others.
 */
export function leakFindings(context: RuleContext, rule: LeakRule): FindingDraft[] {
  const findings: FindingDraft[] = [];
  const reported = new Set<string>();
  const byObject = new Map<string, FindingDraft>();
  const found = analysePatch(context.current, context.series).leaks.filter((leak) => rule.selects(leak));
  const stories = found.map((leak) => ({ leak, story: storyOf(leak) }));
  stories.sort((a, b) => (a.story?.place.line ?? 0) - (b.story?.place.line ?? 0));
  for (const { leak: one, story } of stories) {
    if (story === null) continue;
    const { leak, source, fn } = one;
    const exitRow = (leak.jump ?? leak.exit)?.row;
    if (leak.jump === null && leak.exit?.kind === 'return' && isDefensiveDefault(fn.node, leak.exit.row)) continue;
    // A comment at an allocation ("freed in foo_remove()") tells the success path's story; the
    // error paths before the hand-off are still judged.
    if (
      leak.site.kind !== 'lock' &&
      (saysLeakIsDeliberate(fn.node) ||
        saysKeptAtExit(fn.node, leak.site.row, exitRow) ||
        (leak.site.kind !== 'memory' && (saysReleasedIn(fn.node, leak.site.row, leak.site.release) || saysReleaseSkipped(fn.node, leak.site.row, exitRow, leak.site.release))))
    ) {
      continue;
    }
    if (leak.site.kind === 'lock' && (saysReturnsHoldingLock(fn.node) || saysLockDroppedAtExit(fn.node, leak.site.row, exitRow) || saysLockKeptFromAcquire(fn.node, leak.site.row))) continue;
    if (rule.oncePerPlace) {
      // Locks: the lock is the object, whichever call took it (its noun says how: "spinlock, irqs saved").
      const key = `${source.file.path}:${story.place.line}:${story.name}:${leak.site.kind === 'lock' ? 'lock' : leak.site.noun}`;
      if (reported.has(key)) continue;
      reported.add(key);
    }
    // An early return and a call that never returns are two mistakes, worth a comment each.
    const objectKey = `${source.file.path}:${fn.node.startIndex}:${leak.site.id}:${story.exitKind === 'exit-call'}`;
    const first = byObject.get(objectKey);
    if (first !== undefined) {
      if (first.line !== story.place.line && !first.related.some((related) => related.line === story.place.line && related.note === SAME_LEAK_NOTE)) {
        first.related.push({ file: source.file.path, line: story.place.line, note: SAME_LEAK_NOTE });
      }
      continue;
    }
    const wording = rule.word(one, story);
    const finding: FindingDraft = {
      rule: rule.id,
      file: source.file.path,
      line: story.place.line,
      column: story.place.column,
      summary: wording.summary,
      comment: wording.comment,
      related: relatedOf(one, story.place, wording.releaseNote),
    };
    byObject.set(objectKey, finding);
    findings.push(finding);
  }
  for (const finding of findings) {
    const again = finding.related.filter((related) => related.note === SAME_LEAK_NOTE).map((related) => related.line);
    if (again.length > 0) finding.comment += ` The same happens at ${again.length === 1 ? 'line' : 'lines'} ${joinLines(again)}.`;
  }
  return findings;
}

const SAME_LEAK_NOTE = 'leaks here too';

/**
 * `switch (inno->mode) { case PHY_MODE_MIPI_DPHY: ...; default: return -EINVAL; }` in a function
 * that only reads the field: the driver stored the mode itself, checked (phy_set_mode(), probe's
 * dr_mode check), and a default that only returns an errno guards against the impossible. A switch
 * on a parameter, a field of one or a computed value (`params_format(params)`, an ioctl's cmd,
 * mlx5's `crypto_info->cipher_type`) is a way out callers meet.
 */
function isDefensiveDefault(definition: Node, exitRow: number): boolean {
  const statement = nodesOfType(definition, 'return_statement').find((candidate) => candidate.startPosition.row === exitRow);
  const value = statement?.namedChildren.find((child) => child?.type !== 'comment');
  const caseStatement = statement?.parent;
  if (statement === undefined || !value || !/^-E[A-Z0-9]+$/.test(value.text.replace(/\s+/g, '')) || caseStatement?.type !== 'case_statement') return false;
  const said = (child: Node): boolean => child.type === 'expression_statement' && child.namedChild(0)?.type === 'call_expression' && onlyPrints(calleeName(child.namedChild(0) as Node) ?? '');
  if (caseStatement.childForFieldName('value') !== null || caseStatement.namedChildren.some((child) => child !== null && child.type !== 'comment' && child.id !== statement.id && !said(child))) return false;
  const switchStatement = caseStatement.parent?.parent;
  const tested = switchStatement?.type === 'switch_statement' ? switchStatement.childForFieldName('condition') : null;
  const condition = tested ? stripCastsAndParentheses(tested) : null;
  if (condition?.type !== 'field_expression') return false;
  const field = condition.text.replace(/\s+/g, '');
  // The driver's own state (`inno = phy_get_drvdata(phy)`), not what the caller passes (mlx5's `crypto_info->cipher_type`).
  if (functionParameters(definition).includes(/^[A-Za-z_]\w*/.exec(field)?.[0] ?? '')) return false;
  return !nodesOfType(definition, 'assignment_expression').some((assignment) => assignment.childForFieldName('left')?.text.replace(/\s+/g, '') === field);
}

/** "We're leaking memory on purpose", "intentionally leaked": a leak the author chose and said so. */
const DELIBERATE_LEAK =
  /\bleak(?:s|ed|ing)?\b[^.;]{0,40}\b(?:on purpose|intentional(?:ly)?|deliberate(?:ly)?|by design)\b|\b(?:on purpose|intentional(?:ly)?|deliberate(?:ly)?)\b[^.;]{0,20}\bleak/i;

/** Whether a comment in the function says it leaks on purpose: a reviewer would not raise it again. */
function saysLeakIsDeliberate(definition: Node): boolean {
  if (!/leak/i.test(definition.text)) return false;
  return nodesOfType(definition, 'comment').some((comment) => DELIBERATE_LEAK.test(comment.text));
}

/**
 * "The refcount on child is passed to the mdio device. Do _not_ use of_node_put(child) here.":
 * the author says at this exit that the reference stays on purpose.
 */
const KEPT_ON_PURPOSE = /\bdo(?:n't|\s+not|\s+_not_)\s+(?:\w+\s+){0,2}\w*put\b|\b(?:ref(?:erence|count)?s?|refcount)\b[^.;]{0,40}\b(?:passed|handed|transferred|kept|owned|taken over)\b/i;

/**
 * "fput() will trigger the release() callback, so do not go onto the regular error cleanup path
 * here." (gpiolib-cdev): the exit's cleanup runs a release callback that lets go of the rest.
 */
const RELEASE_CALLBACK_RUNS = /\b(?:trigger|call|run|invoke)s?\b[^.;]{0,30}\brelease(?:\(\))?\s+(?:callback|function|handler|op)\b/i;

/** The comments between the acquire and the exit that end in the `lines` lines above the exit. */
function commentsAboveExit(definition: Node, acquireRow: number, exitRow: number | undefined, lines: number): Node[] {
  if (exitRow === undefined) return [];
  const from = Math.max(acquireRow + 1, exitRow - lines);
  return nodesOfType(definition, 'comment').filter((comment) => comment.endPosition.row >= from && comment.startPosition.row > acquireRow && comment.startPosition.row < exitRow);
}

/** Whether a comment between the acquire and the exit, in the few lines above the exit, says the reference is kept there on purpose or let go by a release callback. */
function saysKeptAtExit(definition: Node, acquireRow: number, exitRow: number | undefined): boolean {
  return commentsAboveExit(definition, acquireRow, exitRow, 4).some((comment) => KEPT_ON_PURPOSE.test(comment.text) || RELEASE_CALLBACK_RUNS.test(flat(comment)));
}

/**
 * "Similarly we also don't pm_runtime_put() the SDIO card because it needs to be active to remove
 * any function devices" (mmc_attach_sdio()'s unwind): a comment on the way to the exit that says
 * this very release is left out.
 */
function saysReleaseSkipped(definition: Node, acquireRow: number, exitRow: number | undefined, release: string): boolean {
  if (exitRow === undefined) return false;
  const names = releaseCallsOf(release).flatMap((api) => [api, api.replace(/_(?:sync|noidle|autosuspend|unprepare)$/, '')]);
  const skipped = new RegExp(`\\b(?:don't|do\\s+not|not|never|no need to|without)\\s+(?:\\w+\\s+){0,3}(?:${names.join('|')})\\b`, 'i');
  return commentsAboveExit(definition, acquireRow, exitRow, exitRow - acquireRow).some((comment) => skipped.test(flat(comment)));
}

/** A comment's words on one line, without the ` * ` that starts each line of a block comment. */
function flat(comment: Node): string {
  return comment.text.replace(/\s*\n\s*\*?\s*/g, ' ');
}

/**
 * "Otherwise, it returns false with the tree_mod_log_lock acquired.", "Returns with the lock
 * held": the function's header comment says it returns holding a lock by its contract.
 */
const RETURNS_HOLDING = /\breturn(?:s|ing)?\b[^.;]{0,60}\bwith\b[^.;]{0,40}\b(?:lock|mutex|semaphore|sem|rwsem|spinlock|\w+_lock|\w+_mutex)\b[^.;]{0,20}\b(?:held|acquired|taken|locked)\b/i;

/** Whether the comment right above the function says it returns with a lock held. */
function saysReturnsHoldingLock(definition: Node): boolean {
  let previous = definition.previousSibling;
  while (previous !== null && previous.type === 'comment' && !RETURNS_HOLDING.test(flat(previous))) previous = previous.previousSibling;
  return previous?.type === 'comment' && previous.endPosition.row >= definition.startPosition.row - 12;
}

/**
 * "We also hold the RCU read lock over single stepping" (kmmio_handler()), "keep the read lock":
 * the author keeps the lock past the function on purpose.
 */
const LOCK_KEPT = /\b(?:hold|keep)(?:s|ing)?\s+(?:the\s+)?(?:[\w>.-]+\s+){0,3}(?:lock|mutex|sem|semaphore|spinlock)\b/i;

/** Whether the comment just above the lock (at most three lines) says it is kept past the function on purpose. */
function saysLockKeptFromAcquire(definition: Node, acquireRow: number): boolean {
  return nodesOfType(definition, 'comment').some((comment) => comment.endPosition.row >= acquireRow - 3 && comment.endPosition.row < acquireRow && LOCK_KEPT.test(flat(comment)) && /\b(?:over|across|until|after)\b/i.test(flat(comment)));
}

/**
 * "ttm_bo_swapout has dropped the lru_lock", "do_shm_rmid unlocks the ipc object and rcu": a
 * callee let the lock go, the comment says so at this exit.
 */
const LOCK_DROPPED = /\b(?:has|have|had|already)\s+(?:been\s+)?(?:dropped|released|unlocked)\b|\b(?:dropped|released|unlocked)\s+(?:the\s+)?[\w>.-]*(?:lock|mutex|sem)\b|\b(?:lock|mutex|sem)\w*\s+(?:is|was|has been)\s+(?:already\s+)?(?:dropped|released|unlocked)\b|\b(?:unlocks|releases|drops)\s+(?:the\s+)?(?:[\w>.-]+\s+){0,2}(?:lock|mutex|sem|rcu|object)\b/i;

/**
 * "We didn't lock the erase_free_sem" (jffs2_mark_node_obsolete()), "the lock was not taken":
 * the author says this way out never took the lock (it was taken under a test this one excludes).
 */
const LOCK_NOT_TAKEN =
  /\b(?:didn't|did\s+not|haven't|have\s+not|hasn't|has\s+not|never)\s+(?:\w+\s+)?(?:lock(?:ed)?|take[n]?|took|grab(?:bed)?|acquired?|got)\s+(?:the\s+)?[\w>.-]*(?:lock|mutex|sem)\w*\b|\b(?:lock|mutex|sem)\w*\s+(?:is|was|has\s+been)\s+(?:not|never)\s+(?:taken|held|acquired|locked|grabbed)\b/i;

/**
 * Whether a comment between the lock and the exit, in the few lines above the exit, says the
 * lock was let go or never taken on this way, or that the function returns here with it held ("NOTE! We return here with
 * both the termios_sem and atomic_read_lock still held, the retries will release them", n_tty).
 */
function saysLockDroppedAtExit(definition: Node, acquireRow: number, exitRow: number | undefined): boolean {
  return commentsAboveExit(definition, acquireRow, exitRow, 8).some((comment) => [LOCK_DROPPED, LOCK_NOT_TAKEN, RETURNS_HOLDING, LOCK_KEPT].some((said) => said.test(flat(comment))));
}

/** "This will be dropped only in coresight_device_release().": the function the author says lets it go. */
const RELEASED_IN = /\b(?:dropped|released|put|freed|undone)\b[^.;]{0,30}\b(?:in|by|from)\s+(\w+)\(\)/i;

/**
 * "Get an extra reference on the operation. It'll be dropped when the operation completes."
 * (greybus), "Caller will call fput in case of failure" (cmtp): the author says when, or by whom.
 */
const RELEASED_LATER = /(?:\bwill|'ll|\bis|\bare|\bgets?)\s+(?:be\s+)?(?:dropped|released|put|freed|disabled)\s+(?:when|once|after|later|by the caller|on completion)\b|\bcaller\s+(?:will|must|should|does)\s+(?:\w+\s+){0,2}(?:call|put|drop|release|free)\b/i;

/**
 * Whether a comment just above the acquire names the function that lets it go, and that function,
 * if the file defines it, does call `release` (coresight_register()'s fwnode_handle_get(), put by
 * the device's release callback); or says when or by whom it is let go.
 */
function saysReleasedIn(definition: Node, acquireRow: number, release: string): boolean {
  const api = release.replace(/\(\)$/, '');
  const root = definition.tree.rootNode;
  return nodesOfType(definition, 'comment').some((comment) => {
    if (comment.endPosition.row < acquireRow - 3 || comment.endPosition.row > acquireRow) return false;
    const named = RELEASED_IN.exec(flat(comment))?.[1];
    if (named === undefined) return RELEASED_LATER.test(flat(comment));
    const owner = nodesOfType(root, 'function_definition').find((other) => functionDefinitionName(other) === named);
    return owner === undefined || nodesOfType(owner, 'call_expression').some((call) => calleeName(call) === api);
  });
}

function joinLines(lines: number[]): string {
  return lines.length === 1 ? `${lines[0]}` : `${lines.slice(0, -1).join(', ')} and ${lines[lines.length - 1]}`;
}
