/**
 * Judging the exits the engine recorded. A resource leaks at an exit when that exit still
 * holds it while another exit of the same function released or handed it off, and the two
 * exits cannot be told apart by what they return (both errors, both successes, neither
 * returns) or the holding exit returns an error: nothing on an error path keeps a resource.
 * A thread's exits all end the thread, so they must agree whatever they return.
 *
 * A reference stored into a structure field counts as handed off only when the patch drops
 * that field's reference somewhere, or does not show the whole file.
 */
import { firstReturnBeforeLabels, type Cfg, type CfgNode } from '../flow/cfg.js';
import { callOfEvent } from '../flow/events.js';
import { POSITIVE, ZERO } from '../flow/facts.js';
import { acquireOfSite, type AcquireSite, type ExitRecord, type FunctionAnalysis, type SiteOutcome } from './engine.js';
import type { ResourceKind } from './resources.js';
import { usesOf } from './escapes.js';
import { lastFieldOfKey } from '../../parsers/c-syntax.js';

export type LeakReason =
  /** Held at this exit, released or handed off at another. */
  | 'inconsistent'
  /** Stored into a structure field whose reference the patch never drops. */
  | 'stored-never-put'
  /** A reference or count that no path of the function drops or hands on, held at an error exit. */
  | 'never-released'
  /**
   * A reference a lookup returned that no path drops, returns or hands on, in a function shown
   * whole, given only to calls that read it, held also where the function does not fail.
   */
  | 'left-held';

export interface OtherEnd {
  row: number;
  via: string;
  byMacro: boolean;
  state: 'released' | 'handed-off';
}

export interface Leak {
  site: AcquireSite;
  analysis: FunctionAnalysis;
  reason: LeakReason;
  /** The exit that leaves with the resource held (null for stored-never-put). */
  exit: CfgNode | null;
  /**
   * The goto that took the path to an exit other paths reach with the resource released
   * (`goto out` jumping past the kfree() at `out_free:`): the place to blame.
   */
  jump: CfgNode | null;
  /** Where other paths release or hand it off. */
  otherEnds: OtherEnd[];
  /** For stored-never-put: the store. */
  store: { row: number; field: string } | null;
  /** For left-held: the last call that reads the reference, after which every exit it reaches holds it. */
  lastUse?: CfgNode;
  /** The reading call there (of_iomap). */
  lastUseCall?: string;
  /** For left-held with a last use: every exit that leaves with it held (`exit` is the first). */
  heldExits?: CfgNode[];
  /** The names that hold it where it leaks (`stdout_node` after `stdout_node = np`). */
  heldNames?: readonly string[];
}

export interface LeakJudgement {
  /** The patch releases a `kind` resource through a field of this name somewhere (`put_task_struct(x->tsk)`). */
  fieldReleased(kind: ResourceKind, field: string): boolean;
  /** The patch shows the whole file (a new file), so a release elsewhere in it would be seen. */
  wholeFileShown: boolean;
  /**
   * `name` is a parameter of the function declared as a pointer to a structure of the kernel's
   * shared headers (`struct fs_context *fc`): an object of core code, handed in by the caller.
   */
  coreObjectParameter?(name: string): boolean;
  /** The function is `__init` code: it runs once, and what it stores stays for the system's life. */
  runsOnce?: boolean;
  /**
   * The function returns with this lock held by design: 'annotated' when it says so
   * (`__acquires()`, `__must_hold()`), on every exit; 'on-success' when its name says it is a
   * lock helper (`foo_lock()`, `*_map_lock()`) or the lock is a semaphore another function of
   * the file ups (a completion callback): an error exit must still let it go.
   */
  heldAcrossCalls(site: AcquireSite): 'annotated' | 'on-success' | null;
}

interface SiteRecord {
  exit: ExitRecord;
  outcome: SiteOutcome;
}

/**
 * A count kept on a device, clock or regulator that one path drops under a test and another
 * keeps, both then leaving through the same exit with the same kind of value, is being
 * switched, not leaked: `if (!state->enabled) clk_disable(clk); return 0;` leaves the clock
 * on exactly when the caller asked for it on. An early exit that skips the drop still counts.
 */
function switchedCount(site: AcquireSite, held: ExitRecord, other: ExitRecord): boolean {
  return acquireOfSite(site)?.count !== undefined && held.node.id === other.node.id && held.category !== 'error' && held.lastGoto === null;
}

/**
 * The end of a void function without goto is its success for what is kept there by design (an
 * atomic_enable() keeping its runtime PM count); memory nothing stored is lost there as at any
 * other `return;`.
 */
function categoryFor(site: AcquireSite, exit: ExitRecord): ExitRecord {
  return site.kind === 'memory' && exit.node.kind === 'end' && exit.category === 'success' ? { ...exit, category: 'none' } : exit;
}

function compatible(site: AcquireSite, heldExit: ExitRecord, otherExit: ExitRecord, judgement: LeakJudgement, unwindAfterRow: number | null): boolean {
  const held = categoryFor(site, heldExit);
  const other = categoryFor(site, otherExit);
  // do_exit() and friends end the task: nobody receives what it still holds.
  if (site.iteration || held.node.kind === 'exit-call') return true;
  // The `return 0;` the unwind labels follow keeps what the ladder below it undoes: code there is
  // reached only by a goto, a failure, whatever value it returns (`CLK_ERR: clk_disable_unprepare(...);
  // return 0;` forgot its error code, it is no second success).
  if (unwindAfterRow !== null && held.node.row === unwindAfterRow && other.node.row > unwindAfterRow) return false;
  if (site.inherited !== null) return site.inherited.strict || held.category === 'error';
  if (switchedCount(site, held, other)) return false;
  // A reference on another module (`try_module_get(ops->owner)`) pins the provider of an object
  // this function hands on (a file, a transport, a bound client): kept on success by design.
  if (site.kind === 'module' && !site.names.includes('THIS_MODULE') && (held.category === 'success' || held.category === 'unknown')) return false;
  if (site.kind === 'lock') {
    const byDesign = judgement.heldAcrossCalls(site);
    if (byDesign === 'annotated' || (byDesign === 'on-success' && held.category !== 'error')) return false;
  }
  // A lock kept at an exit whose value cannot be told from the releasing exit's (a `return 0`
  // beside a `return ret`) is a lock left held: only a helper whose failure exits unlock and
  // whose success exits keep it (told apart by their values) keeps it by design.
  if (site.kind === 'lock' && held.category !== 'error' && other.category !== 'error') return true;
  // `return 1;` where everything was undone and `return 0;` where it is kept (bfad_install_msix_handler()):
  // a nonzero status is the failure of a function whose success is 0.
  if (held.category === 'success' && other.category === 'success' && zeroBesideNonzero(held, other)) return false;
  // An early `return;` of a void function that keeps what its end lets go of.
  if (held.category === 'none' && other.category === 'success' && other.node.kind === 'end') return true;
  return held.category === 'error' || held.category === other.category;
}

function zeroBesideNonzero(held: ExitRecord, other: ExitRecord): boolean {
  return held.returned === ZERO && other.returned === POSITIVE;
}

function uniqueEnds(records: SiteRecord[]): OtherEnd[] {
  const ends = new Map<number, OtherEnd>();
  for (const { outcome } of records) {
    if (outcome.row === null || ends.has(outcome.row)) continue;
    ends.set(outcome.row, { row: outcome.row, via: outcome.via ?? '', byMacro: outcome.byMacro, state: outcome.state === 'held' ? 'released' : outcome.state });
  }
  return [...ends.values()].sort((a, b) => a.row - b.row);
}

/** Whether the exit holds another acquire of what `site` takes (the same kind and name). */
function holdsSameObject(analysis: FunctionAnalysis, site: AcquireSite, exit: ExitRecord): boolean {
  return exit.outcomes.some((outcome) => {
    if (outcome.site === site.id || outcome.state !== 'held') return false;
    const other = analysis.sites[outcome.site];
    return other.kind === site.kind && (site.kind === 'lock' || other.release === site.release) && other.names.some((name) => site.names.includes(name));
  });
}

/**
 * Whether the function walks what it stored with `release` in a loop over `field`
 * (`for (i = 0; i < N; i++) put_device(data->larb[i].dev);`): its unwind puts every element stored.
 */
function releasesFieldInLoop(analysis: FunctionAnalysis, release: string, field: string): boolean {
  const name = release.replace(/\(\)$/, '');
  return analysis.cfg.nodes.some(
    (node) =>
      node.loopDepth > 0 &&
      node.events.some((event) => event.type === 'call' && event.name === name && event.args.some((argument) => argument.field === field || lastFieldOfKey(argument.key) === field)),
  );
}

function inconsistentLeaks(analysis: FunctionAnalysis, site: AcquireSite, records: SiteRecord[], judgement: LeakJudgement): Leak[] {
  // Where other error exits drop a reference (`err_put: of_node_put(dma_spec->np)`), storing it
  // into the structure being set up hands nothing on: an error exit that only stored it still
  // holds it. (Memory stored into a structure is too often freed with the structure to say so.)
  const releasedOnError = records.some(({ outcome, exit }) => outcome.state === 'released' && exit.category === 'error');
  // Unless the function's own unwind loop puts what the field holds (`for (i...) put_device(data->larb[i].dev);`).
  const storedOnly = ({ outcome, exit }: SiteRecord): boolean =>
    site.kind === 'reference' &&
    releasedOnError &&
    exit.category === 'error' &&
    outcome.state === 'handed-off' &&
    outcome.via === 'store' &&
    !(outcome.storedField !== null && releasesFieldInLoop(analysis, site.release, outcome.storedField));
  // Let go and taken again (`up_read(); down_write(); downgrade_write()`, free_irq() and a new
  // request_irq() of the same line, a retry loop): still held where the path leaves, so that exit
  // keeps it like the others.
  const retaken = ({ exit }: SiteRecord): boolean => holdsSameObject(analysis, site, exit);
  const resolved = records.filter((record) => record.outcome.state !== 'held' && !storedOnly(record) && !retaken(record));
  const held = records.filter((record) => (record.outcome.state === 'held' || storedOnly(record)) && !record.exit.tainted);
  if (resolved.length === 0 || held.length === 0) return [];
  const resolvedExits = new Set(resolved.map(({ exit }) => exit.node.id));
  const unwindAfterRow = firstReturnBeforeLabels(analysis.cfg);
  const partnersByPlace = new Map<string, { exit: CfgNode; jump: CfgNode | null; partners: SiteRecord[]; heldNames?: readonly string[] }>();
  for (const record of held) {
    // Memory kept where the function does not fail, while other such paths stored it somewhere, is
    // mostly memory the code keeps by design on a path cptlint cannot tell apart (`if (bands & X)
    // hw->bands[X] = rates;`): only a path that frees it makes a partner there.
    const keptOnSuccess = site.kind === 'memory' && categoryFor(site, record.exit).category === 'success';
    const partners = resolved.filter((other) => compatible(site, record.exit, other.exit, judgement, unwindAfterRow) && !(keptOnSuccess && other.outcome.state !== 'released'));
    if (partners.length === 0) continue;
    // An exit other paths leave through cleanly is not the culprit: the jump that skipped the release is.
    const jump = resolvedExits.has(record.exit.node.id) ? record.exit.lastGoto : null;
    const key = `${record.exit.node.id}:${jump?.id ?? ''}`;
    const entry = partnersByPlace.get(key) ?? { exit: record.exit.node, jump, partners: [], heldNames: record.outcome.names };
    entry.partners.push(...partners);
    partnersByPlace.set(key, entry);
  }
  return [...partnersByPlace.values()].map(({ exit, jump, partners, heldNames }) => ({
    site,
    analysis,
    reason: 'inconsistent' as const,
    exit,
    jump,
    otherEnds: uniqueEnds(partners),
    store: null,
    ...(heldNames === undefined ? {} : { heldNames }),
  }));
}

function storedNeverPut(analysis: FunctionAnalysis, site: AcquireSite, records: SiteRecord[], judgement: LeakJudgement): Leak[] {
  if (site.kind !== 'reference' || site.inherited !== null || site.iteration || !judgement.wholeFileShown) return [];
  // A driver's own get() (a wrapper of the patch) pairs with its own put(), called wherever the
  // object's holder lets go, often in another file: "never put in this patch" would be a guess.
  if (site.wraps !== undefined) return [];
  // Boot code keeps what it stores (a bus on a global list, a port in a static table) for as long
  // as the system runs: nothing is there to put it.
  if (judgement.runsOnce === true) return [];
  // A number naming the resource (an interrupt line) kept in a field is often freed by a loop over
  // the numbers, or through another copy: the field's name says nothing.
  if (acquireOfSite(site)?.numbered === true) return [];
  if (records.some(({ outcome }) => outcome.state === 'released')) return [];
  const stores = records.filter(({ outcome }) => outcome.state === 'handed-off' && outcome.via === 'store' && outcome.storedField !== null);
  if (stores.length === 0 || stores.length !== records.filter(({ outcome }) => outcome.state === 'handed-off').length) return [];
  const store = stores[0].outcome;
  const field = store.storedField as string;
  if (judgement.fieldReleased(site.kind, field)) return [];
  // `scom->dev.parent = dev; scom->fsi_dev = fsi_dev` with `fsi_dev = to_fsi_dev(dev)`: the object is
  // also kept as the structure it is part of, which the patch's release callback puts
  // (`put_device(&scom->fsi_dev->dev)` in scom_free()).
  if (containerFieldsOf(analysis.cfg, site.names).some((kept) => judgement.fieldReleased(site.kind, kept))) return [];
  // Stored into core code's object the caller passed in (`fc->root = dget(sb->s_root)` in a
  // get_tree helper, `cpu->dev.of_node = ...`): that object's owner drops the field by its
  // contract (put_fs_context()). Not through a pointer it holds (`link->platforms->of_node`):
  // that is another object, whose owner may never put it.
  const ownField = /^([A-Za-z_]\w*)->[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$/.exec(store.storedKey ?? '');
  if (ownField !== null && judgement.coreObjectParameter?.(ownField[1]) === true) return [];
  // `ppdev = platform_device_alloc(...); ppdev->dev.of_node = of_node_get(np);`: the device's
  // release, platform_device_release(), puts its of_node.
  const ofNodeOf = /^([A-Za-z_]\w*)->dev\.of_node$/.exec(store.storedKey ?? '');
  if (ofNodeOf !== null && assignedFrom(analysis.cfg, ofNodeOf[1], 'platform_device_alloc')) return [];
  return [{ site, analysis, reason: 'stored-never-put', exit: null, jump: null, otherEnds: [], store: { row: store.row ?? site.row, field } }];
}

/** The fields the function stores a container of one of `names` in (`scom->fsi_dev = fsi_dev` with `fsi_dev = to_fsi_dev(dev)`). */
function containerFieldsOf(cfg: Cfg, names: readonly string[]): string[] {
  const containers = new Set<string>();
  for (const node of cfg.nodes) {
    for (const event of node.events) {
      if (event.type === 'assign' && event.target.shape === 'variable' && event.value.kind === 'other' && names.includes(event.value.conversionOf ?? '')) containers.add(event.target.key);
    }
  }
  if (containers.size === 0) return [];
  const fields: string[] = [];
  for (const node of cfg.nodes) {
    for (const event of node.events) {
      if (event.type === 'assign' && event.target.field !== null && event.value.kind === 'copy' && containers.has(event.value.key)) fields.push(event.target.field);
    }
  }
  return fields;
}

/** Whether the function sets the variable `name` from a call of `api`. */
function assignedFrom(cfg: Cfg, name: string, api: string): boolean {
  return cfg.nodes.some((node) => node.events.some((event) => event.type === 'assign' && event.target.key === name && event.value.kind === 'call' && event.value.call.name === api));
}

/**
 * A reference or a count (a clock's enable count) that no exit of the function drops, hands on
 * or returns, held where the function returns an error: nobody will drop it. Success exits
 * are left alone (a probe keeps its clock enabled for remove(), a lookup its reference for the
 * caller); so are loops' references, inherited obligations and memory (passing memory to a
 * call the table does not know may hand it on).
 */
function neverReleased(analysis: FunctionAnalysis, site: AcquireSite, records: SiteRecord[]): Leak[] {
  if (site.kind !== 'reference' || site.inherited !== null || site.iteration) return [];
  if (records.some(({ outcome }) => outcome.state !== 'held')) return [];
  const places = new Map<number, Leak>();
  for (const { exit } of records) {
    if (exit.tainted || exit.category !== 'error' || places.has(exit.node.id)) continue;
    places.set(exit.node.id, { site, analysis, reason: 'never-released', exit: exit.node, jump: null, otherEnds: [], store: null });
  }
  return [...places.values()];
}

/** The nodes reached from `from`'s successors (`from` itself only around a loop). */
function reachedFrom(cfg: Cfg, from: number): Set<number> {
  const seen = new Set<number>();
  const stack = [...cfg.nodes[from].successors];
  while (stack.length > 0) {
    const id = stack.pop() as number;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...cfg.nodes[id].successors);
  }
  return seen;
}

/**
 * The one reader after which no other reader comes and from which every exit in `exits` is
 * reached: where the reference is done with (`regs = of_iomap(np, 0);`), the place for the put.
 */
function lastUseOf(cfg: Cfg, site: AcquireSite, readers: readonly { node: CfgNode; call: string }[], exits: readonly CfgNode[]): { node: CfgNode; call: string } | undefined {
  const acquire = cfg.nodes.find((node) =>
    node.events.some((event) => {
      const call = callOfEvent(event);
      return call !== null && call.row === site.row && call.column === site.column;
    }),
  );
  if (acquire === undefined) return undefined;
  const afterAcquire = reachedFrom(cfg, acquire.id);
  const candidates = readers.filter(({ node }) => node.id !== acquire.id && afterAcquire.has(node.id));
  const last = candidates.filter(({ node }) => {
    const after = reachedFrom(cfg, node.id);
    return !candidates.some((other) => other.node.id !== node.id && after.has(other.node.id));
  });
  if (last.length !== 1) return undefined;
  const after = reachedFrom(cfg, last[0].node.id);
  return exits.every((exit) => after.has(exit.id)) ? last[0] : undefined;
}

/**
 * A reference a lookup returned (of_find_compatible_node(), of_get_child_by_name(),
 * bus_find_device(); a get whose result a new name keeps) that no exit drops, returns or hands
 * on, given to nothing but calls that read it, on paths through nothing the patch leaves out
 * (a tainted path, or a name whose declaration is not shown, may hide the put): nobody will put it, so every exit that holds it leaks it, those that succeed too. What is
 * taken on an object the function was given is left to the other reasons: a count kept on a
 * device (a clock's enable count, a runtime PM usage count) is switched on for good by design,
 * and a reference (`get_device(dev);`) is often taken for whoever the object goes to next.
 */
function leftHeld(analysis: FunctionAnalysis, site: AcquireSite, records: SiteRecord[]): Leak[] {
  if (site.kind !== 'reference' || site.inherited !== null || site.iteration || site.mined || site.wraps !== undefined) return [];
  const api = acquireOfSite(site);
  // A lookup's result, or a get whose result a new name keeps (`np = of_node_get(dev->of_node)`).
  // Counts (clk_prepare_enable(), pm_runtime_get_sync()) are all taken on an argument.
  if (api === undefined || (api.carrier !== 'return' && !(api.returnsCarrier === true && site.names.length > 1))) return [];
  if (records.length === 0 || records.some(({ outcome, exit }) => outcome.state !== 'held' || exit.tainted)) return [];
  const exits = new Map<number, ExitRecord>();
  for (const { exit } of records) if (exit.node.kind !== 'exit-call' && !exits.has(exit.node.id)) exits.set(exit.node.id, exit);
  if (![...exits.values()].some((exit) => exit.category !== 'error')) return [];
  const uses = usesOf(analysis.cfg, site);
  if (uses.escaped) return [];
  const held = [...exits.values()].map((exit) => exit.node).sort((a, b) => a.row - b.row || a.column - b.column);
  const lastUse = lastUseOf(analysis.cfg, site, uses.readers, held);
  const leak = { site, analysis, reason: 'left-held' as const, jump: null, otherEnds: [], store: null };
  if (lastUse !== undefined) return [{ ...leak, exit: held[0], lastUse: lastUse.node, lastUseCall: lastUse.call, heldExits: held }];
  return held.map((exit) => ({ ...leak, exit }));
}

/**
 * A pair mined from the tree (mined-pairs.ts) is owed only where this function releases it
 * itself, with the pair's release, on some exit (not through a helper whose name says it may),
 * and judged only at exits that return an error (a success exit may keep it for the caller by
 * design) and for a plain variable or field (an array's elements are released by loops the
 * paths do not count).
 */
function minedLeaks(analysis: FunctionAnalysis, site: AcquireSite, records: SiteRecord[], judgement: LeakJudgement): Leak[] {
  const releasedByPair = records.some(({ outcome }) => outcome.state === 'released' && `${outcome.via ?? ''}()` === site.release);
  if (!releasedByPair || site.names.some((name) => name.includes('['))) return [];
  const judged = records.filter(({ outcome, exit }) => outcome.state !== 'held' || exit.category === 'error');
  return inconsistentLeaks(analysis, site, judged, judgement);
}

/** The leaks of one analysed function. */
export function judgeLeaks(analysis: FunctionAnalysis, judgement: LeakJudgement): Leak[] {
  if (!analysis.complete) return [];
  const leaks: Leak[] = [];
  for (const site of analysis.sites) {
    const records: SiteRecord[] = [];
    for (const exit of analysis.exits) {
      for (const outcome of exit.outcomes) if (outcome.site === site.id) records.push({ exit, outcome });
    }
    if (site.mined) {
      leaks.push(...minedLeaks(analysis, site, records, judgement));
      continue;
    }
    const left = leftHeld(analysis, site, records);
    leaks.push(...inconsistentLeaks(analysis, site, records, judgement), ...storedNeverPut(analysis, site, records, judgement), ...(left.length > 0 ? left : neverReleased(analysis, site, records)));
  }
  return leaks;
}
