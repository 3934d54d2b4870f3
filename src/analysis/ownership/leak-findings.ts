/**
 * From a leak to what a finding needs: the line it goes on (the exit when the patch adds it,
 * else the acquire the patch adds), the phrases that name the exit, the situation and the
 * other end, and the related locations. The rules put the sentences together.
 */
import type { RelatedLocation } from '../../model/types.js';
import type { CSource } from '../../model/source.js';
import type { Cfg, CfgNode } from '../flow/cfg.js';
import { callOfEvent, type CallEvent } from '../flow/events.js';
import type { AcquireSite } from './engine.js';
import { NEGATIVE, POSITIVE, ZERO } from '../flow/facts.js';
import { acquireApi, handOffApi, nameSuggestsCountRelease, nameSuggestsTeardown, releaseApi } from './resources.js';
import type { OtherEnd } from './leaks.js';
import type { LeakInSource } from './patch-analysis.js';
import { inScopeAt, nodesOfType } from '../../parsers/c-syntax.js';
import { releasedUnderTestOf } from './record-fields.js';
import type { Node } from '../../model/source.js';

export interface LeakPlace {
  /** Post-image line the finding goes on. */
  line: number;
  column: number;
  /** Post-image line of the acquire (null for inherited obligations). */
  acquireLine: number | null;
  /** Post-image line of the exit (null for stored-never-put). */
  exitLine: number | null;
}

/** Where a leak's finding goes: the jump or exit if the patch adds it, else the acquire if the patch adds that. */
export function placeOf({ leak, source }: LeakInSource): LeakPlace | null {
  const acquireLine = leak.site.inherited === null ? source.postLineOfRow(leak.site.row) : null;
  const exitLine = leak.exit === null ? null : source.postLineOfRow(leak.exit.row);
  // A reference nothing puts is best pointed out where the function is done with it.
  const useLine = leak.lastUse === undefined ? null : source.postLineOfRow(leak.lastUse.row);
  if (leak.lastUse !== undefined && useLine !== null && source.isAdded(useLine)) return { line: useLine, column: leak.lastUse.column + 1, acquireLine, exitLine };
  if (leak.exit === null) {
    return acquireLine === null ? null : { line: acquireLine, column: leak.site.column + 1, acquireLine, exitLine };
  }
  const jumpLine = leak.jump === null ? null : source.postLineOfRow(leak.jump.row);
  if (leak.jump !== null && jumpLine !== null && source.isAdded(jumpLine)) return { line: jumpLine, column: leak.jump.column + 1, acquireLine, exitLine };
  if (exitLine !== null && source.isAdded(exitLine)) return { line: exitLine, column: leak.exit.column + 1, acquireLine, exitLine };
  if (acquireLine !== null && source.isAdded(acquireLine)) return { line: acquireLine, column: leak.site.column + 1, acquireLine, exitLine };
  if (leak.jump !== null && jumpLine !== null) return { line: jumpLine, column: leak.jump.column + 1, acquireLine, exitLine };
  return exitLine === null ? null : { line: exitLine, column: leak.exit.column + 1, acquireLine, exitLine };
}

/** "do_exit() at line 223", "the return at line 208", "the end of foo()", "this goto to `out`". */
export function exitPhrase(exit: CfgNode, exitLine: number | null, functionName: string, here: boolean): string {
  const at = here || exitLine === null ? 'here' : `at line ${exitLine}`;
  switch (exit.kind) {
    case 'goto':
      return here ? `this goto to \`${exit.callName ?? ''}\`` : `the goto to \`${exit.callName ?? ''}\` at line ${exitLine}`;
    case 'exit-call':
      return `${exit.callName ?? 'the exit call'}() ${at}`;
    case 'end':
      return here ? `the end of ${functionName}()` : `the end of ${functionName}() (line ${exitLine})`;
    default:
      return here ? 'this return' : `the return at line ${exitLine}`;
  }
}

/** "When `!ti` is true, " / "When `err` is false, " / "" — the innermost if around the exit. */
export function situationOf(exit: CfgNode): string {
  if (exit.guard === null) return '';
  const condition = exit.guard.condition.length > 90 ? `${exit.guard.condition.slice(0, 87)}...` : exit.guard.condition;
  // A bare value reads better as zero/nonzero: "When `ret` is nonzero".
  if (/^[A-Za-z_][\w.>-]*$/.test(condition) && !condition.endsWith('-')) {
    return exit.guard.negated ? `When \`${condition}\` is zero, ` : `When \`${condition}\` is nonzero, `;
  }
  return exit.guard.negated ? `When \`${condition}\` is false, ` : `When \`${condition}\` is true, `;
}

/** "the module_put() at line 233", "the kfree() at lines 228 and 240", "the store at line 262". */
export function otherEndsPhrase(ends: readonly OtherEnd[], source: CSource): string {
  const byVia = new Map<string, number[]>();
  for (const end of ends) {
    const line = source.postLineOfRow(end.row);
    if (line === null) continue;
    const via = end.byMacro ? 'loop macro' : end.via;
    byVia.set(via, [...(byVia.get(via) ?? []), line]);
  }
  const parts = [...byVia.entries()].map(([via, lines]) => {
    const where = lines.length === 1 ? `line ${lines[0]}` : `lines ${joinWords(lines.map(String))}`;
    if (via === 'store') return `the store at ${where}`;
    if (via === 'return') return `the return at ${where}`;
    if (via === 'loop macro') return `the end of the loop`;
    return `the ${via}() at ${where}`;
  });
  return joinWords(parts);
}

export function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** What another path's end does at its line: the loop's own put, a store, a return, a hand-off or a release by its call. */
function otherEndNote(end: OtherEnd, site: AcquireSite, releaseNote: string): string {
  if (end.byMacro) return 'the loop drops the reference when it runs to its end';
  if (end.via === 'store') return 'stored here on another path';
  if (end.via === 'return') return 'returned here on another path';
  if (end.via === '__free') return 'given to a __free() variable here on another path';
  if (end.state === 'handed-off') return `handed to ${end.via}() here on another path`;
  // A helper's name (`foo_release_all()`) says more than the site's own release.
  return end.via !== '' && `${end.via}()` !== site.release ? `${end.via}() here on another path` : releaseNote;
}

/** Related locations: the other ends, then the acquire. */
export function relatedOf({ leak, source }: LeakInSource, place: LeakPlace, releaseNote: string): RelatedLocation[] {
  const related: RelatedLocation[] = [];
  const shown = new Set<number>([place.line]);
  for (const end of leak.otherEnds) {
    const line = source.postLineOfRow(end.row);
    if (line === null || shown.has(line)) continue;
    shown.add(line);
    related.push({ file: source.file.path, line, note: otherEndNote(end, leak.site, releaseNote) });
  }
  // The comment names the first three exits and counts the rest: the notes follow it.
  let heldNotes = 0;
  for (const exit of leak.heldExits ?? []) {
    const line = source.postLineOfRow(exit.row);
    if (line === null || shown.has(line) || heldNotes === 3) continue;
    heldNotes++;
    shown.add(line);
    related.push({ file: source.file.path, line, note: 'leaves with it still held' });
  }
  if (place.acquireLine !== null && !shown.has(place.acquireLine)) {
    related.push({ file: source.file.path, line: place.acquireLine, note: `${leak.site.api}() takes it here` });
  }
  if (leak.store !== null) {
    const line = source.postLineOfRow(leak.store.row);
    if (line !== null && line !== place.line) related.push({ file: source.file.path, line, note: `stored in ->${leak.store.field} here` });
  }
  const origin = leak.site.inherited?.origin;
  if (origin && origin.line !== null) related.push({ file: origin.file, line: origin.line, note: `${origin.call}() in ${origin.functionName}()` });
  return related;
}

/**
 * The resource's name as the code writes it, in backquotes: the name it was taken under, or,
 * where that local's block has ended, a name that still holds it there (`stdout_node = np`).
 */
export function resourceName({ leak, fn }: LeakInSource): string {
  const taken = leak.site.names[0];
  const place = leak.jump ?? leak.exit;
  const inScope = (name: string): boolean => place === null || !/^[A-Za-z_]\w*$/.test(name) || inScopeAt(name, fn.node, place.row);
  const name = taken === undefined || inScope(taken) ? taken : (leak.heldNames?.find((held) => held !== taken && /^[A-Za-z_]\w*$/.test(held) && inScope(held)) ?? taken);
  return `\`${name ?? 'it'}\``;
}

/** The first letter in upper case ("this return" starting a sentence). */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The ends that release (kfree, module_put) and those that hand off (a store, a return, list_add). */
export function splitEnds(ends: readonly OtherEnd[]): { released: OtherEnd[]; handedOff: OtherEnd[] } {
  return { released: ends.filter((end) => end.state === 'released'), handedOff: ends.filter((end) => end.state === 'handed-off') };
}

/** Everything a rule's comment needs about one leak, with the place it goes. */
export interface LeakStory {
  place: LeakPlace;
  /** What the blamed place is: a return, the end of the function, a task exit, or a goto to a shared exit. */
  exitKind: 'return' | 'end' | 'exit-call' | 'goto' | 'none';
  /** "leaves", "is reached", "never returns", "jumps to the return at line 599". */
  leaves: string;
  functionName: string;
  /** `ti`, `dev->lock`. */
  name: string;
  /** "this return", "do_exit() here", "the return at line 208". */
  exit: string;
  /** "When `!ti` is true, " or "". */
  situation: string;
  /** The sentence start: situation + exit, capitalised when there is no situation. */
  exitClause: string;
  acquireLine: number | null;
}

export function storyOf(found: LeakInSource): LeakStory | null {
  const place = placeOf(found);
  if (place === null) return null;
  const { leak, fn, source } = found;
  const blamed = leak.jump ?? leak.exit;
  const blamedLine = blamed === null ? null : source.postLineOfRow(blamed.row);
  const here = blamedLine !== null && place.line === blamedLine;
  const exit = blamed === null ? '' : exitPhrase(blamed, blamedLine, fn.name, here);
  const situation = blamed === null ? '' : situationOf(blamed);
  const exitKind = blamed === null ? 'none' : blamed.kind === 'goto' ? 'goto' : blamed.kind === 'exit-call' ? 'exit-call' : blamed.kind === 'end' ? 'end' : 'return';
  const exitLine = place.exitLine;
  const leaves =
    exitKind === 'goto'
      ? `jumps to ${leak.exit?.kind === 'end' ? `the end of ${fn.name}()` : `the return at line ${exitLine}`}`
      : exitKind === 'exit-call'
        ? 'never returns'
        : exitKind === 'end'
          ? 'is reached'
          : 'leaves';
  return {
    place,
    exitKind,
    leaves,
    functionName: fn.name,
    name: resourceName(found),
    exit,
    situation,
    exitClause: situation === '' ? capitalize(exit) : `${situation}${exit}`,
    acquireLine: place.acquireLine,
  };
}

/** The acquire's node and the keys its result lands in (`ret` for `ret = pm_runtime_get_sync(dev)`). */
function acquireResult(cfg: Cfg, site: AcquireSite): { node: CfgNode; keys: Set<string> } | null {
  for (const node of cfg.nodes) {
    const keys = new Set<string>();
    for (const event of node.events) {
      const call = callOfEvent(event);
      if (call === null || call.name !== site.api || call.row !== site.row || call.column !== site.column) continue;
      keys.add(call.valueKey);
      if (event.type === 'assign') keys.add(event.target.key);
    }
    if (keys.size > 0) return { node, keys };
  }
  return null;
}

function assignsAny(node: CfgNode, keys: ReadonlySet<string>): boolean {
  return node.events.some((event) => event.type === 'assign' && keys.has(event.target.key));
}

function reachable(cfg: Cfg, from: number, to: number, avoiding?: number): boolean {
  const seen = new Set<number>([from]);
  if (avoiding !== undefined) seen.add(avoiding);
  const queue = [from];
  while (queue.length > 0) {
    const id = queue.pop() as number;
    if (id === to) return true;
    for (const next of cfg.nodes[id].successors) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return false;
}

/** Whether the blamed place is reached when the acquire failed: only then, also then, or not at all. */
export type FailureReach = 'only' | 'also' | 'no';

/**
 * Whether the place a leak is blamed on is reached when its acquire failed: past the side of
 * a test of the acquire's result (before anything overwrites it) that lets negative values
 * through and not zero (`if (ret < 0)`) — only that way, or the other way too.
 */
export function failureReach({ leak }: LeakInSource): FailureReach {
  const blamed = leak.jump ?? leak.exit;
  if (blamed === null || leak.site.inherited !== null || leak.site.iteration) return 'no';
  const cfg = leak.analysis.cfg;
  const result = acquireResult(cfg, leak.site);
  if (result === null) return 'no';
  const seen = new Set<number>([result.node.id]);
  const queue = [result.node.id];
  while (queue.length > 0) {
    const node = cfg.nodes[queue.pop() as number];
    if (node.id !== result.node.id && assignsAny(node, result.keys)) continue;
    const atom = node.atom;
    if (node.kind === 'branch' && atom?.kind === 'test' && result.keys.has(atom.key)) {
      const masks = [atom.whenTrue, atom.whenFalse];
      const failing = masks.findIndex((mask) => (mask & NEGATIVE) !== 0 && (mask & ZERO) === 0);
      const other = 1 - failing;
      if (failing >= 0 && (masks[other] & NEGATIVE) === 0) {
        if (!reachable(cfg, node.successors[failing], blamed.id)) return 'no';
        return reachable(cfg, node.successors[other], blamed.id) ? 'also' : 'only';
      }
    }
    for (const next of node.successors) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return 'no';
}

/** `priv` holds `priv->clk` and `priv->sub->vdd`; a name holds itself. */
function holds(container: string, name: string): boolean {
  return name === container || name.startsWith(`${container}->`) || name.startsWith(`${container}.`);
}

/**
 * Whether a count the leak is about (a clock's enable count, a regulator's) may have been
 * dropped on the way to the blamed place by a call given the structure that keeps it: a devm
 * action registered on `priv`, or a helper whose name says it disables or tears down
 * (`foo_disable_clocks(priv)`). The engine matches releases by the name of the resource
 * only, so it cannot tell; this says when the finding should not be trusted.
 */
export function mayBeDroppedThroughContainer(found: LeakInSource): boolean {
  const names = found.leak.site.names;
  return callOnPathToBlame(found, (call) => {
    const handOff = handOffApi(call.name);
    // A drvdata setter only keeps a pointer: it drops nothing. The engine follows devm actions itself.
    if (handOff?.borrowsOnly || handOff?.undoes !== undefined) return false;
    if (handOff !== undefined) {
      const argument = call.args[handOff.argument];
      return argument !== undefined && names.some((name) => holds(argument.key, name));
    }
    return nameSuggestsCountRelease(call.name) && call.args.some((argument) => names.some((name) => holds(argument.key, name)));
  });
}

/**
 * Whether a call the tables do not know, between the acquire and the place the leak is blamed
 * on (reachable from one, reaching the other), passes `test`.
 */
function callOnPathToBlame({ leak }: LeakInSource, test: (call: CallEvent) => boolean): boolean {
  const blamed = leak.jump ?? leak.exit;
  if (blamed === null) return false;
  const cfg = leak.analysis.cfg;
  const result = acquireResult(cfg, leak.site);
  if (result === null) return false;
  for (const node of cfg.nodes) {
    if (node.id === result.node.id) continue;
    const passes = node.events.some((event) => {
      const call = callOfEvent(event);
      if (call === null || releaseApi(call.name) !== undefined || acquireApi(call.name) !== undefined) return false;
      return test(call);
    });
    if (passes && reachable(cfg, result.node.id, node.id) && reachable(cfg, node.id, blamed.id)) return true;
  }
  return false;
}

/**
 * For a reference or count nothing in the function drops: whether the path to the exit calls a
 * helper that, by its name, tears something down (`imx_keypad_close(dev)`, `foo_power_off(priv)`).
 * Such a helper reaches the object through its own arguments or drvdata, which cptlint does not
 * follow, so the exit is not judged.
 */
export function mayBeDroppedByHelper(found: LeakInSource): boolean {
  return callOnPathToBlame(found, (call) => nameSuggestsTeardown(call.name));
}

/**
 * For a count nothing in the function drops on the way out: whether the function itself dropped
 * that count, with the same release, somewhere before it takes it again (`regulator_disable(vqmmc)`
 * under `if (host->vqmmc_enabled)`, then `regulator_enable(vqmmc)` on the error path to put it
 * back). The take restores what the function was entered with; the paths that skipped the drop
 * are told apart by state cptlint does not follow (a flag), so the exit is not judged.
 */
export function restoresDroppedCount({ leak }: LeakInSource): boolean {
  const { site, analysis } = leak;
  if (leak.reason !== 'never-released' || site.inherited !== null || site.iteration) return false;
  const cfg = analysis.cfg;
  const result = acquireResult(cfg, site);
  if (result === null) return false;
  const api = site.release.replace(/\(\)$/, '');
  const release = releaseApi(api);
  if (release === undefined || typeof release.carrier !== 'number') return false;
  const carrier = release.carrier;
  const drops = (event: CfgNode['events'][number]): boolean => {
    const call = callOfEvent(event);
    return call !== null && call.name === api && site.names.includes(call.args[carrier]?.key ?? '');
  };
  return cfg.nodes.some((node) => node.id !== result.node.id && node.events.some(drops) && reachable(cfg, node.id, result.node.id));
}

/** The fields a node sets to a true constant (`aio->clk_trace.cap_clk_en = true`, `nq->requested = 1`). */
function fieldsSetTrue(node: CfgNode): string[] {
  return node.events.flatMap((event) =>
    event.type === 'assign' && event.target.shape === 'field' && event.target.field !== null && event.value.kind === 'constant' && event.value.mask === POSITIVE ? [event.target.field] : [],
  );
}

/** Whether `definition` tests `field` in a condition that starts before `row` (`if (!nq->requested)`, `if (nq->requested) return -EFAULT;`). */
function testsFieldBefore(definition: Node, field: string, row: number): boolean {
  return nodesOfType(definition, 'if_statement').some((test) => {
    const condition = test.childForFieldName('condition');
    return condition !== null && condition.startPosition.row <= row && nodesOfType(condition, 'field_identifier').some((name) => name.text === field);
  });
}

/**
 * A count or handler the function takes only when a field of a longer-lived object says it is
 * not taken yet (`if (!aio->clk_trace.cap_clk_en)`, `if (nq->requested) return -EFAULT;`), and
 * records in that field on every path from its acquire to the exit (`... = true;`), where the
 * file lets go of it under a test of the field: the function that tests the field (shutdown,
 * disable, remove) drops it, and a release on this exit would be a second one. A field the
 * acquire does not depend on (pwm-clk's `clk_enabled`, set after an enable decided by the
 * PWM state) owns nothing: the next call takes the count again.
 */
export function recordedInStateField({ leak, source, fn }: LeakInSource): boolean {
  const { site, analysis } = leak;
  const blamed = leak.jump ?? leak.exit;
  if (blamed === null || site.inherited !== null || site.iteration) return false;
  const cfg = analysis.cfg;
  const result = acquireResult(cfg, site);
  if (result === null) return false;
  const api = site.release.replace(/\(\)$/, '');
  return cfg.nodes.some((node) => {
    const fields = fieldsSetTrue(node);
    return (
      fields.length > 0 &&
      reachable(cfg, result.node.id, node.id) &&
      !reachable(cfg, result.node.id, blamed.id, node.id) &&
      fields.some((field) => testsFieldBefore(fn.node, field, site.row) && releasedUnderTestOf(source, field, api))
    );
  });
}
