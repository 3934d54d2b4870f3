/**
 * The acquire/release engine. It walks the paths of one function (paths.ts), carrying what
 * each path holds: resources taken through the API table (resources.ts), and obligations the
 * function inherits (a module reference its starter took for it, a completion a waiter sleeps
 * on). At every exit it records, for each resource, whether the path released it, handed it
 * off (stored it, returned it, gave it to a thread or a registry) or still holds it.
 * leaks.ts judges those records.
 */
import { isPreprocessorKey, type Cfg, type CfgNode } from '../flow/cfg.js';
import { ANY_VALUE, Facts, NEGATIVE, POSITIVE, ZERO, resultMask, successMask, takeBranch, type ValueMask } from '../flow/facts.js';
import { callOfEvent, type ArgumentInfo, type AssignEvent, type AssignTarget, type CallEvent, type Event, type IterateEvent } from '../flow/events.js';
import { DEFAULT_VISIT_BUDGET, walkPaths, type PathAnalysis } from '../flow/paths.js';
import { comparesForEquality, misalignedKey } from '../flow/conditions.js';
import {
  IMPLICIT_RESOURCE_NAMES,
  PAGE_ALIGNED_ALLOCATORS,
  acquireApi,
  handOffApi,
  iterationMacro,
  nameSuggestsHandOff,
  nameSuggestsRelease,
  nameSuggestsSetUp,
  nameSuggestsTeardown,
  queuesDeferredWork,
  WORK_INITIALIZERS,
  releaseApi,
  releaseCallsOf,
  stateSetterApi,
  threadStarterApi,
  type AcquireApi,
  type FailureStyle,
  type ReleaseApi,
  type ResourceKind,
} from './resources.js';
import { DRVDATA_GETTER, type FunctionSummaries, type ReturnKind, type WrappedAcquire } from './summaries.js';
import type { MinedApis } from './mined-pairs.js';
import { minedCallEffects } from './mined-ownership.js';
import { readsOnly } from './readers.js';
import { pointerStyle } from './return-styles.js';
import { keyMentions, lastFieldOfKey, rootOfKey } from '../../parsers/c-syntax.js';

/** Where an inherited obligation comes from, for comments. */
export interface ObligationOrigin {
  /** The function that took the resource or waits for the completion. */
  functionName: string;
  file: string;
  /** Post-image line of the acquire or the wait, when known. */
  line: number | null;
  /** The call there (try_module_get, wait_for_completion). */
  call: string;
}

/** Something a function must release on every exit although it did not acquire it. */
export interface InheritedObligation {
  kind: ResourceKind;
  names: string[];
  noun: string;
  release: string;
  origin: ObligationOrigin;
  /** A thread function: its exits all end the thread, so they must all agree whatever they return. */
  strict: boolean;
}

export interface AcquireSite {
  id: number;
  kind: ResourceKind;
  /** The acquiring call (try_module_get, kmalloc, for_each_child_of_node), or 'inherited'. */
  api: string;
  noun: string;
  release: string;
  row: number;
  column: number;
  names: string[];
  inherited: InheritedObligation | null;
  /** Taken by a for_each_*() loop for its iteration variable. */
  iteration: boolean;
  /** Taken by the acquire of a pair mined from the tree (mined-pairs.ts): owed only where released elsewhere. */
  mined?: true;
  /** Taken through a wrapper of the patch (`api` is the wrapper): the call it wraps (kref_get). */
  wraps?: string;
  /** The name whose address the call was given (`pdev->dev` for `pm_runtime_get_sync(&pdev->dev)`). */
  addressOf?: string;
}

/** The table's row for what a site took: its API's, or the one its wrapper wraps. */
export function acquireOfSite(site: Pick<AcquireSite, 'api' | 'wraps'>): AcquireApi | undefined {
  return acquireApi(site.wraps ?? site.api);
}

export type ExitCategory = 'error' | 'success' | 'unknown' | 'none';

export interface SiteOutcome {
  site: number;
  state: 'held' | 'released' | 'handed-off';
  /** Row of the release or hand-off. */
  row: number | null;
  /** The releasing or receiving call, `return`, or `store`. */
  via: string | null;
  /** Hand-off by a store into this field (`x->tsk = tsk`). */
  storedField: string | null;
  /** The store's target (`x->tsk` of `x->tsk = tsk`). */
  storedKey?: string | null;
  /** Released by the loop macro when the loop ran to its end. */
  byMacro: boolean;
  /** Held: the names that hold it at the exit (`stdout_node` after `stdout_node = np`). */
  names?: readonly string[];
}

/** A site's outcome with every field present, in one order: exits are recorded on every path. */
function siteOutcome(
  site: number,
  state: SiteOutcome['state'],
  row: number | null,
  via: string | null,
  storedField: string | null,
  storedKey: string | null | undefined,
  byMacro: boolean,
  names: readonly string[] | undefined,
): SiteOutcome {
  return { site, state, row, via, storedField, storedKey, byMacro, names };
}

export interface ExitRecord {
  node: CfgNode;
  /** The last goto the path took while it held something (the jump to blame when exits are shared). */
  lastGoto: CfgNode | null;
  category: ExitCategory;
  /** The path went through code cptlint could not read or the patch does not show. */
  tainted: boolean;
  outcomes: SiteOutcome[];
  /** What the exit returns on this path, when it is a constant or a tracked name (`retval = 1; ... return retval;`). */
  returned?: ValueMask;
}

export type { ReturnKind };

export interface FunctionAnalysis {
  name: string;
  cfg: Cfg;
  sites: AcquireSite[];
  exits: ExitRecord[];
  /** False when the path budget ran out: judge nothing. */
  complete: boolean;
  visits: number;
}

export interface EngineInput {
  cfg: Cfg;
  returnKind: ReturnKind;
  summaries: FunctionSummaries;
  inherited: readonly InheritedObligation[];
  /** Rows the patch does not show or cptlint synthesised: evidence cannot stand on them. */
  isUnseenRow(row: number): boolean;
  /** Pairs mined from the kernel tree that this function calls both halves of (the table wins). */
  mined?: MinedApis | null;
  budget?: number;
  /** Whether the file lets go with `release` (`free_irq()`) under a test of the field `field` (record-fields.ts). */
  releasedUnderRecord?(field: string, release: string): boolean;
}

interface HandOff {
  row: number;
  via: string;
  field: string | null;
  /** A store's target. */
  key?: string;
  /** The store added its target to the names of what it stored (assign()). */
  named?: true;
  /** A hand-off that only happens when a call succeeds (kernel_thread): its result's key. */
  statusKey: string | null;
  success: ValueMask;
  /**
   * Handed to something that does not own it (a device's drvdata): on an exit that returns an
   * error, nobody frees it (a failed probe has no remove()), so it still counts as held there.
   */
  notOnError?: boolean;
  /**
   * For a get paired with a store: the structure that holds the pointer. Where the path initialised
   * the device embedded in it (device_initialize()) and fails, that device's release callback is
   * what must drop it.
   */
  holder?: string;
}

interface Holding {
  site: number;
  names: readonly string[];
  /** The key whose value tells whether the acquire succeeded; null once known (or when it cannot fail). */
  statusKey: string | null;
  /** Locals that got the same value as statusKey (`buf = cs = kmalloc()`): a test of either tells. */
  statusAliases?: readonly string[];
  success: ValueMask;
  released: { row: number; via: string; byMacro: boolean } | null;
  handOff: HandOff | null;
  /**
   * The path went past a release of this resource guarded by a condition the analysis cannot
   * decide, in a block that falls through (`if (ib != in->index) kfree(ib);`, `if (rw_lock)
   * up_read(rw_lock);`): the condition correlates with something cptlint does not follow, so an
   * exit reached this way is not judged. A block that leaves (`if (x) { kfree(p); return; }`) is
   * an early exit, not this.
   */
  skippedRelease: number | null;
  /**
   * Objects the allocation was given to, with it, by a function of the tree that sets one up with the
   * other (`nfp_repr_init(app, repr, port_id, port, netdev)` for port): the function may keep it there,
   * so where one of them goes, stored, handed on or returned, the allocation goes with it.
   */
  tiedTo?: readonly string[];
}

interface PathState {
  facts: Facts;
  holdings: readonly Holding[];
  tainted: boolean;
  /** Node id of the last goto taken while something was held. */
  lastGoto: number | null;
  /**
   * Counts the path dropped without having taken them (a suspend path's `clk_disable(priv->clk)`):
   * taking one again (`clk_enable(priv->clk)` when the next step fails) restores the state the
   * function was entered with, and is no obligation.
   */
  dropped?: readonly string[];
  /**
   * Objects kept as a device's drvdata, by the device's root (`pdev` for `platform_set_drvdata(pdev,
   * priv)`): a teardown helper given the device (`foo_remove(pdev)` on probe's error path) reaches
   * them through dev_get_drvdata() and drops what they hold.
   */
  drvdata?: readonly (readonly [holder: string, object: string])[];
  /**
   * Structures whose embedded device, kobject or kref the path initialised (`device_initialize(&x->dev)`
   * gives `x`), and, written `=dev`, allocations that are the device itself (`device_initialize(dev)`).
   */
  initialized?: readonly string[];
  /**
   * What a devm action registered on the path undoes when it runs, by kind and name, with the
   * registering call: `devm_add_action_or_reset(dev, disable_regulators, priv)` before
   * `regulator_bulk_enable(..., priv->supplies)` covers that enable when a later step fails.
   */
  undoneByActions?: readonly (readonly [kind: ResourceKind, name: string, via: string])[];
  /**
   * The case a switch on the path took, by the key it tested: the label (`FSCONFIG_SET_FD`), or
   * the labels it was none of (default). A later switch on the unchanged key takes the same case
   * (`__do_sys_fsconfig()` fget()s in one switch on cmd and fput()s in a second).
   */
  cases?: readonly CaseTaken[];
}

interface CaseTaken {
  key: string;
  label: string | null;
  /** For default: the labels the key was not. */
  none: readonly string[];
}

/** Counts kept in a plain integer of the object (no release callback of their own to run). */
const EMBEDDED_COUNTS: ReadonlySet<string> = new Set(['kref_get', 'kref_get_unless_zero', 'refcount_inc', 'refcount_inc_not_zero']);

/** Calls that initialise a counted object embedded in a structure: its last put then frees the structure. */
const EMBEDDED_INIT: ReadonlySet<string> = new Set(['device_initialize', 'device_register', 'kref_init', 'kobject_init', 'kobject_init_and_add']);
/** Initialisers of an embedded kobject that name its type (whose structure names the release). */
const KOBJECT_INIT: ReadonlySet<string> = new Set(['kobject_init', 'kobject_init_and_add']);

const HANDED_OFF_BY_RETURN: ReadonlySet<ResourceKind> = new Set(['memory', 'reference']);
/** The field of a list's head given to a call beside the object it links in (`&resources->p_mem_head`). */
const LIST_HEAD_FIELD = /(?:^|_)(?:head|list|queue)$/;

const HANDED_OFF_BY_STORE: ReadonlySet<ResourceKind> = new Set(['memory', 'reference', 'module']);
/** Kinds a helper releases when given the structure they live in (`foo_unlock(f)` for `f->lock`). */
const RELEASED_THROUGH_FIELDS: ReadonlySet<ResourceKind> = new Set(['lock', 'completion']);

/** Signatures of holdings, which are never changed in place (a change makes a new holding): asked at every node a path reaches. */
const holdingSignatures = new WeakMap<Holding, string>();

function holdingSignature(holding: Holding): string {
  let signature = holdingSignatures.get(holding);
  if (signature === undefined) {
    signature = computeHoldingSignature(holding);
    holdingSignatures.set(holding, signature);
  }
  return signature;
}

function computeHoldingSignature(holding: Holding): string {
  const released = holding.released === null ? '' : `r${holding.released.row}`;
  const handOff = holding.handOff === null ? '' : `h${holding.handOff.row}${holding.handOff.statusKey ?? ''}`;
  const skipped = holding.skippedRelease === null ? '' : `s${holding.skippedRelease}`;
  const aliases = holding.statusAliases === undefined ? '' : `=${holding.statusAliases.join('=')}`;
  const tied = holding.tiedTo === undefined ? '' : `t${holding.tiedTo.join(',')}`;
  return `${holding.site}:${holding.names.join(',')}:${holding.statusKey ?? ''}${aliases}:${released}:${handOff}${skipped}${tied}`;
}

/** A call through a function pointer of an object (`drv->probe`, `ops.get_mr`): an operation of that object. */
function isOperation(name: string): boolean {
  return name.includes('->') || name.includes('.');
}

/** `priv->clk[i]` and `priv->clk[nc]` name elements of one array: an unwind loop releases them all. */
function elementsOfOneArray(name: string, key: string): boolean {
  if (!name.includes('[') || !key.includes('[')) return false;
  const strip = (text: string): string => text.replace(/\[[^\]]*\]/g, '[]');
  return strip(name) === strip(key);
}

/** Whether a reference still held was taken on a member of the object `key` names (`map->regulator->dev` for `map->regulator`). */
function heldThroughMember(state: PathState, key: string): boolean {
  return state.holdings.some((holding) => holding.released === null && holding.names.some((name) => name.startsWith(`${key}->`)));
}

/** Locals set to the driver data of another name (`mc = platform_get_drvdata(pdev);`): local -> that name's root. */
function drvdataViewsOf(cfg: Cfg): Map<string, string> {
  const found = new Map<string, string>();
  for (const node of cfg.nodes) {
    for (const event of node.events) {
      if (event.type !== 'assign' || event.value.kind !== 'call' || event.target.shape !== 'variable' || !DRVDATA_GETTER.test(event.value.call.name)) continue;
      const holder = event.value.call.args[0]?.root;
      if (holder !== null && holder !== undefined) found.set(event.target.key, holder);
    }
  }
  return found;
}

/** Locals assigned once, with the names their value is computed from (`nlk = nlk_sk(sk)`: sk; `inode = file_inode(iocb->ki_filp)`: iocb). */
function derivationsOf(cfg: Cfg): Map<string, Set<string>> {
  const found = new Map<string, Set<string> | null>();
  for (const node of cfg.nodes) {
    for (const event of node.events) {
      if (event.type !== 'assign' || event.target.shape !== 'variable') continue;
      const { value } = event;
      const from =
        value.kind === 'copy' ? [value.root] : value.kind === 'call' ? value.call.args.map((argument) => argument.root) : value.kind === 'other' ? value.mentions : [];
      const names = new Set(from.filter((name): name is string => name !== null));
      found.set(event.target.key, found.has(event.target.key) || names.size === 0 ? null : names);
    }
  }
  const derivations = new Map<string, Set<string>>();
  for (const [name, from] of found) if (from !== null) derivations.set(name, from);
  return derivations;
}

/**
 * The release callbacks the function installs on embedded objects: `port->dev.release =
 * zfcp_port_release;`, or through a type whose structure names it (`port->dev.type =
 * &port_type;`, `kobject_init_and_add(&t->kobj, &t_ktype, ...)`).
 */
function releaseFunctionsOf(cfg: Cfg, summaries: FunctionSummaries): Map<string, string> {
  const found = new Map<string, string>();
  const typed = (base: string, table: string | undefined): void => {
    const release = table !== undefined && /^[A-Za-z_]\w*$/.test(table) ? summaries.releaseOfTable(table) : null;
    if (release !== null) found.set(base, release);
  };
  for (const node of cfg.nodes) {
    for (const event of node.events) {
      const call = event.type === 'call' ? event : event.type === 'assign' && event.value.kind === 'call' ? event.value.call : null;
      if (call !== null && KOBJECT_INIT.has(call.name) && call.args[0]?.addressOfMember === true) typed(call.args[0].key, call.args[1]?.key);
      if (event.type !== 'assign') continue;
      const member = /^(.+)\.(release|type)$/.exec(event.target.key);
      if (member === null) continue;
      const { value } = event;
      if (member[2] === 'release' && value.kind === 'copy' && /^[A-Za-z_]\w*$/.test(value.key)) found.set(member[1], value.key);
      else if (member[2] === 'type' && value.kind === 'other' && value.mentions.length === 1) typed(member[1], value.mentions[0]);
    }
  }
  return found;
}

/**
 * Names the function makes equal once and for all (`ov7251->dev = &client->dev;`, `dev = &pdev->dev;`,
 * `query->sm_ah = query->port->sm_ah;`): each name assigned exactly once, from a copy or the address
 * of a member, read both ways. A release written with one name releases what the other took.
 */
function fixedAliases(cfg: Cfg): [string, string][] {
  const assigned = new Map<string, string | null>();
  for (const node of cfg.nodes) {
    for (const event of node.events) {
      if (event.type !== 'assign') continue;
      const { target, value } = event;
      const source = value.kind === 'copy' ? value.key : value.kind === 'other' ? (value.memberAddress ?? null) : null;
      const known = assigned.get(target.key);
      assigned.set(target.key, known === undefined && source !== null && source !== target.key && (target.shape === 'field' || target.shape === 'variable') ? source : null);
    }
  }
  const pairs: [string, string][] = [];
  for (const [target, source] of assigned) if (source !== null) pairs.push([target, source]);
  return pairs;
}

/** `key` written through the aliases: `query->sm_ah->ref` as `query->port->sm_ah->ref`. */
const aliasedKeysCache = new WeakMap<readonly [string, string][], Map<string, string[]>>();

function aliasedKeys(key: string, aliases: readonly [string, string][]): string[] {
  if (aliases.length === 0) return [];
  let cache = aliasedKeysCache.get(aliases);
  if (cache === undefined) {
    cache = new Map();
    aliasedKeysCache.set(aliases, cache);
  }
  let found = cache.get(key);
  if (found === undefined) {
    found = computeAliasedKeys(key, aliases);
    cache.set(key, found);
  }
  return found;
}

function computeAliasedKeys(key: string, aliases: readonly [string, string][]): string[] {
  const keys = new Set<string>([key]);
  // `ov7251->dev = dev` after `dev = &client->dev`: a few hops.
  for (let hop = 0, frontier = [key]; hop < 3 && frontier.length > 0; hop++) {
    const next: string[] = [];
    for (const current of frontier) {
      for (const [a, b] of aliases) {
        for (const [from, to] of [[a, b], [b, a]]) {
          const written = current === from ? to : current.startsWith(`${from}->`) || current.startsWith(`${from}.`) ? to + current.slice(from.length) : null;
          if (written !== null && !keys.has(written)) {
            keys.add(written);
            next.push(written);
          }
        }
      }
    }
    frontier = next;
  }
  keys.delete(key);
  return [...keys];
}

function namesMatch(holding: Holding, kind: ResourceKind, key: string, aliases: readonly [string, string][] = []): boolean {
  if (holding.names.includes(key)) return true;
  if (aliases.length > 0 && aliasedKeys(key, aliases).some((alias) => holding.names.includes(alias))) return true;
  if (holding.names.some((name) => elementsOfOneArray(name, key))) return true;
  if (kind === 'reference') {
    const device = /^(.*?)(?:->|\.)dev$/.exec(key);
    if (device && holding.names.includes(device[1])) return true;
  }
  return false;
}

function rootOfName(name: string): string {
  return rootOfKey(name) ?? name;
}

export class ResourceEngine implements PathAnalysis<PathState> {
  readonly sites: AcquireSite[] = [];
  readonly exits: ExitRecord[] = [];
  private readonly siteByKey = new Map<string, number>();
  private readonly tracked: Set<string>;
  private readonly kindOfSite: ResourceKind[] = [];

  private readonly aliases: [string, string][];

  /** Locals set once, by the names their value was computed from (read when a helper that unlocks asks). */
  private derivations: Map<string, Set<string>> | undefined;
  private readonly destructors = new WeakMap<CallEvent, ArgumentInfo | null>();
  private signTestedKeys: Set<string> | undefined;
  private workFunctionsFound: ReadonlyMap<string, ReadonlySet<string>> | undefined;
  /** `port->dev` -> `zfcp_port_release` for `port->dev.release = zfcp_port_release;` in the function (read when a put asks). */
  private releaseFunctions: Map<string, string> | undefined;
  /** Whether the function has a goto (then its closing brace may end an unwind ladder). */
  private hasGoto: boolean | undefined;
  /** `mc` -> `pdev` for `mc = platform_get_drvdata(pdev);`: a local that is the driver data of another (read when a devm action asks). */
  private drvdataViews: Map<string, string> | undefined;
  /** The nodes that lead to each node (read when a get asks what the statement before it stored). */
  private predecessors: Map<number, number[]> | undefined;
  /** Structures whose embedded device the function initialises (read when a paired store's exit asks). */
  private devices: Set<string> | undefined;

  constructor(private readonly input: EngineInput) {
    this.tracked = trackedKeys(input.cfg, input.summaries, input.mined);
    this.aliases = fixedAliases(input.cfg);
    for (const obligation of input.inherited) for (const name of obligation.names) this.tracked.add(name);
  }

  initialState(): PathState {
    const holdings: Holding[] = this.input.inherited.map((obligation) => {
      const site = this.newSite(`inherited:${obligation.kind}:${obligation.names.join(',')}`, {
        kind: obligation.kind,
        api: 'inherited',
        noun: obligation.noun,
        release: obligation.release,
        row: this.input.cfg.nodes[this.input.cfg.entry].row,
        column: 0,
        names: obligation.names,
        inherited: obligation,
        iteration: false,
      });
      // A completion reached through a local pointer (`done = xchg(&create->done, NULL)`) is owed only when that pointer is set.
      const throughLocal = obligation.kind === 'completion' && /^[A-Za-z_]\w*$/.test(obligation.names[0] ?? '');
      const statusKey = throughLocal ? obligation.names[0] : null;
      return { site, names: obligation.names, statusKey, success: NEGATIVE | POSITIVE, released: null, handOff: null, skippedRelease: null };
    });
    return { facts: Facts.empty, holdings, tainted: false, lastGoto: null };
  }

  private keysGivenNames: Set<string> | null = null;

  /**
   * Keys the function sets to a named constant somewhere (`ah->type = MTHCA_AH_ON_HCA;`) and
   * compares with one or switches on: the path remembers which name they hold. Other keys are
   * not remembered, which would only split paths that agree.
   */
  private namedKeys(): Set<string> {
    if (this.keysGivenNames === null) {
      const compared = new Set<string>();
      for (const node of this.input.cfg.nodes) {
        if (node.atom?.kind === 'test' && node.atom.label !== undefined) compared.add(node.atom.label.key);
        if (node.switchOn !== undefined) compared.add(node.switchOn.key);
      }
      const names = new Map<string, Set<string>>();
      for (const node of this.input.cfg.nodes) {
        for (const event of node.events) {
          if (event.type === 'assign' && event.value.kind === 'copy' && compared.has(event.target.key) && isNamedConstant(event.value)) {
            names.set(event.target.key, (names.get(event.target.key) ?? new Set()).add(event.value.key));
          }
        }
      }
      // A state machine (drbd's sanitize_state() names ns.conn, ns.disk, ns.pdsk... dozens of ways)
      // would split every path by every name: only a flag or two of a few names each is remembered.
      const few = names.size <= MAX_NAMED_KEYS && [...names.values()].every((given) => given.size <= MAX_NAMES_PER_KEY);
      this.keysGivenNames = few ? new Set(names.keys()) : new Set();
    }
    return this.keysGivenNames;
  }

  private predicatesBySwitchKey: Map<string, { key: string; labels: readonly string[] }[]> | null = null;

  /**
   * `needs_rtnl = getsockopt_needs_rtnl(optname)`, where that function of the patch answers true
   * for some cases of its parameter only (FunctionSummaries.casePredicateOf()): by the key
   * switched on (`optname`), the tested variables it decides and the labels that make them true.
   * Only variables set once, from a key the function never changes.
   */
  private casePredicates(): Map<string, { key: string; labels: readonly string[] }[]> {
    if (this.predicatesBySwitchKey !== null) return this.predicatesBySwitchKey;
    const found = new Map<string, { key: string; labels: readonly string[] }[]>();
    const sets = new Map<string, number>();
    const events = this.input.cfg.nodes.flatMap((node) => node.events);
    for (const event of events) {
      if (event.type === 'assign') sets.set(event.target.key, (sets.get(event.target.key) ?? 0) + 1);
      else if (event.type === 'kill') sets.set(event.key, (sets.get(event.key) ?? 0) + 1);
    }
    for (const event of events) {
      if (event.type !== 'assign' || event.value.kind !== 'call' || event.target.shape !== 'variable' || !this.tracked.has(event.target.key)) continue;
      const predicate = this.input.summaries.casePredicateOf(event.value.call.name);
      const argument = predicate === null ? undefined : event.value.call.args[predicate.parameter];
      if (predicate === null || argument === undefined || sets.get(event.target.key) !== 1 || sets.has(argument.key)) continue;
      found.set(argument.key, [...(found.get(argument.key) ?? []), { key: event.target.key, labels: predicate.labels }]);
    }
    this.predicatesBySwitchKey = found;
    return found;
  }

  /** The state on a case of a switch the case predicates read: what they answer for it, or null when a test already said otherwise. */
  private decidePredicates(state: PathState, switchOn: NonNullable<CfgNode['switchOn']>, index: number): PathState | null {
    const label = switchOn.labels[index] ?? null;
    let facts = state.facts;
    for (const predicate of this.casePredicates().get(switchOn.key) ?? []) {
      // No case of the switch: the key is none of its labels, which says no when they cover the predicate's.
      const truth = label !== null ? predicate.labels.includes(label) : predicate.labels.every((wanted) => switchOn.labels.includes(wanted)) ? false : null;
      if (truth === null) continue;
      const answer = truth ? NEGATIVE | POSITIVE : ZERO;
      const known = facts.get(predicate.key);
      if ((known & answer) === 0) return null;
      if ((known & answer) !== known) facts = facts.set(predicate.key, known & answer);
    }
    return facts === state.facts ? state : { ...state, facts };
  }

  /** Signatures asked again of a state that went through nodes unchanged. */
  private readonly signatures = new WeakMap<PathState, string>();

  signature(state: PathState): string {
    let signature = this.signatures.get(state);
    if (signature === undefined) {
      signature = this.computeSignature(state);
      this.signatures.set(state, signature);
    }
    return signature;
  }

  private computeSignature(state: PathState): string {
    const dropped = `${state.dropped === undefined ? '' : state.dropped.join(',')}${state.drvdata === undefined ? '' : state.drvdata.map((pair) => pair.join('>')).join(',')}${state.initialized === undefined ? '' : `+${state.initialized.join(',')}`}${state.undoneByActions === undefined ? '' : `~${state.undoneByActions.map((entry) => entry.join(':')).join(',')}`}`;
    const cases = state.cases === undefined ? '' : state.cases.map((taken) => `${taken.key}=${taken.label ?? `!${taken.none.join(',')}`}`).join(';');
    return `${state.tainted ? 't' : ''}${state.lastGoto ?? ''}|${dropped}|${cases}|${state.facts.signature()}|${state.holdings.map(holdingSignature).join(';')}`;
  }

  step(node: CfgNode, state: PathState): PathState | null {
    let current = state;
    if ((node.uncertain || this.input.isUnseenRow(node.row)) && node.kind !== 'join' && node.kind !== 'entry' && node.kind !== 'goto' && !current.tainted) {
      current = { ...current, tainted: true };
    }
    for (const event of node.events) current = this.apply(event, current, node);
    const record = this.recordOf(node);
    if (record !== null) current = this.recorded(node, record, current);
    if (node.kind === 'goto' && current.holdings.some((holding) => holding.released === null)) current = { ...current, lastGoto: node.id };
    return current;
  }

  edge(node: CfgNode, state: PathState, successorIndex: number): PathState | null {
    // A switch on a key the function gives names to (`ah->type = MTHCA_AH_ON_HCA`) takes the case of the name it holds.
    const cases = node.cases ?? (node.switchOn !== undefined && this.namedKeys().has(node.switchOn.key) ? node.switchOn : undefined);
    if (node.kind === 'switch' && node.switchOn !== undefined && this.casePredicates().has(node.switchOn.key)) {
      const decided = this.decidePredicates(state, node.switchOn, successorIndex);
      if (decided === null) return null;
      return cases === undefined ? decided : takeCase(decided, cases, successorIndex);
    }
    if (node.kind === 'switch' && cases !== undefined) return takeCase(state, cases, successorIndex);
    if (node.kind !== 'branch' || node.atom === null) return state;
    // `ah->type == MTHCA_AH_PCI_POOL` read as a switch of one case: equal is that case, unequal the default.
    const label = node.atom.kind === 'test' ? node.atom.label : undefined;
    const equal = label !== undefined && label.equal === (successorIndex === 0);
    const named = label !== undefined && this.namedKeys().has(label.key) ? takeCase(state, { key: label.key, labels: [label.name, null] }, equal ? 0 : 1) : state;
    if (named === null) return null;
    const facts = takeBranch(named.facts, node.atom, successorIndex === 0, this.tracked);
    if (facts === null) return null;
    let next = facts === named.facts ? named : { ...named, facts };
    // Where `x` is NULL nothing is held through it: not a reference dget_parent() "never" fails to
    // take, nor the kref inside an object a failed kref_get_unless_zero() made the code forget
    // (`obj = NULL`). Only when x is all that names it: `node = to_of_node(fwn)` may be NULL with fwn held.
    if (node.atom.kind === 'test' && (successorIndex === 0 ? node.atom.whenTrue : node.atom.whenFalse) === ZERO) {
      const key = node.atom.key;
      next = this.updateHoldings(next, (holding) => (holding.names.every((name) => name === key || name.startsWith(`${key}->`)) ? null : holding));
    }
    const otherSide = 1 - successorIndex;
    // A configuration tested once (`#ifdef DEBUG kfree(p); #endif`) is a build that skips the free, not an undecided condition.
    if (node.atom.kind === 'test' && isPreprocessorKey(node.atom.key) && !this.tracked.has(node.atom.key)) return next;
    if (node.successors.length !== 2 || !next.holdings.some((holding) => holding.released === null && holding.skippedRelease === null)) return next;
    if (takeBranch(state.facts, node.atom, otherSide === 0, this.tracked) === null) return next;
    return this.skipConditionalReleases(node, otherSide, state, next);
  }

  private readonly records = new Map<number, string | null>();

  /**
   * The field a statement does nothing but mark in the caller's structure: `x->requested = true`,
   * `++x->used_vectors`, `x->mask |= BIT(n)`.
   */
  private recordOf(node: CfgNode): string | null {
    let record = this.records.get(node.id);
    if (record === undefined) {
      // `x->mask |= BIT(n)`: the value's macros are all the statement does besides.
      const valueMacros = node.events.slice(0, -1).every((other) => other.type === 'call' && /^[A-Z][A-Z0-9_]*$/.test(other.name));
      const event = node.kind === 'statement' && valueMacros ? node.events.at(-1) : undefined;
      const throughPointer = (key: string): boolean => key.includes('->') || !this.isLocal(rootOfKey(key));
      record = null;
      if (event?.type === 'kill' && event.counted === true && throughPointer(event.key)) record = event.key;
      if (event?.type === 'assign' && (event.target.shape === 'field' || event.target.shape === 'index') && !this.isLocalStorage(event.target) && throughPointer(event.target.key)) {
        const { value } = event;
        if ((value.kind === 'constant' && value.mask === POSITIVE) || (value.kind === 'unknown' && (value.operator === '|=' || value.operator === '+='))) record = event.target.key;
      }
      this.records.set(node.id, record);
    }
    return record;
  }

  /**
   * `if (ret) goto err; nic->irq_allocated[irq] = true;`: right where the acquire is known to have
   * succeeded, the structure records that it holds the resource, for a teardown that releases what
   * the record says (the caller's unwind, remove()). An error exit after that leaves it to them.
   */
  private recorded(node: CfgNode, record: string, state: PathState): PathState {
    const predecessors = (this.predecessors ??= predecessorsOf(this.input.cfg)).get(node.id) ?? [];
    const test = predecessors.length === 1 ? this.input.cfg.nodes[predecessors[0]] : undefined;
    if (test?.kind !== 'branch' || test.atom?.kind !== 'test') return state;
    const key = test.atom.key;
    return this.updateHoldings(state, (holding, kind) => {
      if (kind !== 'reference' || holding.released !== null || holding.handOff !== null) return holding;
      if (holding.statusKey !== key && holding.statusAliases?.includes(key) !== true) return holding;
      if ((state.facts.get(key) & ~holding.success) !== 0) return holding;
      // What the call returns a pointer to is itself what gets stored: a flag set beside it tells nothing.
      const api = acquireOfSite(this.sites[holding.site]);
      if (api === undefined || api.carrier === 'return') return holding;
      // A count taken again while the record stands is counted twice (pwm-clk enables again after a
      // failed apply): the record stands for it only where the function tests it before taking it.
      if (api.count !== undefined && !this.input.cfg.testedKeys.has(record)) return holding;
      // The record stands for the resource only where the teardown reads it (`if (!nic->irq_allocated[irq]) continue;`).
      const field = /(?:->|\.)([A-Za-z_]\w*)(?:\[[^\]]*\])*$/.exec(record)?.[1];
      if (field === undefined || this.input.releasedUnderRecord?.(field, this.sites[holding.site].release) !== true) return holding;
      return { ...holding, handOff: { row: node.row, via: 'store', field: null, key: record, statusKey: null, success: ANY_VALUE } };
    });
  }

  /** Marks what the other side of an undecided branch would release in a block that falls through. */
  private skipConditionalReleases(branch: CfgNode, otherSide: number, before: PathState, next: PathState): PathState {
    const region = this.fallThroughRegion(branch, otherSide);
    if (region === null) return next;
    let simulated = before;
    // A loop macro's own release when the loop runs out is not a condition's: leaving by `break` keeps the node.
    for (const node of region) for (const event of node.events) if (event.type !== 'iterate') simulated = this.apply(event, simulated, node);
    const releasedThere = new Set(simulated.holdings.filter((holding) => holding.released !== null).map((holding) => holding.site));
    return this.updateHoldings(next, (holding) =>
      holding.released === null && holding.skippedRelease === null && releasedThere.has(holding.site) ? { ...holding, skippedRelease: branch.row } : holding,
    );
  }

  private readonly regions = new Map<number, CfgNode[] | null>();

  /**
   * The nodes of one side of a branch up to where it meets the other side again, when that
   * side falls through (no return, goto or exit in it); null when it leaves or is too large.
   */
  private fallThroughRegion(branch: CfgNode, side: number): CfgNode[] | null {
    const cacheKey = branch.id * 2 + side;
    if (this.regions.has(cacheKey)) return this.regions.get(cacheKey) ?? null;
    const nodes = this.input.cfg.nodes;
    const limit = 64;
    const meets = new Set<number>();
    const queue = [branch.successors[1 - side]];
    while (queue.length > 0 && meets.size < limit * 4) {
      const id = queue.shift() as number;
      if (meets.has(id) || id === branch.id) continue;
      meets.add(id);
      // This side must fall through too: where a goto takes it (`if (ret) goto out;`) is not a
      // meeting point of an if-block but the exit path the jump chose.
      if (nodes[id].kind !== 'goto') queue.push(...nodes[id].successors);
    }
    let region: CfgNode[] | null = [];
    const seen = new Set<number>();
    const stack = [branch.successors[side]];
    while (stack.length > 0 && region !== null) {
      const id = stack.pop() as number;
      if (seen.has(id) || meets.has(id)) continue;
      seen.add(id);
      const node = nodes[id];
      if (node.kind !== 'statement' && node.kind !== 'branch' && node.kind !== 'join' && node.kind !== 'switch') region = null;
      else if (region.length >= limit) region = null;
      else {
        region.push(node);
        for (let index = node.successors.length - 1; index >= 0; index--) stack.push(node.successors[index]);
      }
    }
    const found = region !== null && region.length > 0 ? region : null;
    this.regions.set(cacheKey, found);
    return found;
  }

  terminal(node: CfgNode, state: PathState): void {
    if (node.kind !== 'return' && node.kind !== 'end' && node.kind !== 'exit-call') return;
    // `return priv->mdio_dn;` returns what the field holds, as `return np;` does.
    const value = node.returnValue;
    const returned = value === null || value.kind === 'none' ? [] : value.kind === 'key' ? [...value.mentions, value.key] : value.mentions;
    const outcomes: SiteOutcome[] = [];
    for (const holding of state.holdings) {
      const outcome = this.outcomeAtExit(holding, state, returned, node);
      if (outcome !== null) outcomes.push(outcome);
    }
    const lastGoto = state.lastGoto === null ? null : this.input.cfg.nodes[state.lastGoto];
    const mask = value?.kind === 'constant' ? value.mask : value?.kind === 'key' ? state.facts.get(value.key) : undefined;
    this.exits.push({ node, lastGoto, category: this.categoryOf(node, state), tainted: state.tainted, outcomes, returned: mask });
  }

  private outcomeAtExit(holding: Holding, state: PathState, returned: readonly string[], node: CfgNode): SiteOutcome | null {
    if (holding.released !== null) {
      return siteOutcome(holding.site, 'released', holding.released.row, holding.released.via, null, undefined, holding.released.byMacro, undefined);
    }
    if (holding.statusKey !== null && (state.facts.get(holding.statusKey) & holding.success) === 0) return null;
    if (holding.statusAliases?.some((alias) => (state.facts.get(alias) & holding.success) === 0)) return null;
    // A pointer from a mined pair's acquire counts only once the path has tested it (mined-pairs.ts).
    if (holding.statusKey !== null && (state.facts.get(holding.statusKey) & ~holding.success) !== 0 && this.minedPointer(holding)) return null;
    const kind = this.kindOfSite[holding.site];
    // The field it was stored in names it too (assign()), but returning the structure is not returning it.
    const stored = holding.handOff?.named === true ? holding.handOff.key : undefined;
    const returnedName = (name: string): boolean => name !== stored && (returned.includes(name) || returned.includes(rootOfName(name)));
    if (HANDED_OFF_BY_RETURN.has(kind) && (holding.names.some(returnedName) || holding.tiedTo?.some((name) => returned.includes(name)) === true)) {
      return siteOutcome(holding.site, 'handed-off', node.row, 'return', null, undefined, false, undefined);
    }
    const handOff = holding.handOff;
    // Stored, and released under a test the walk cannot decide (`if (udc->irq >= 0) free_irq(udc->irq, udc)`):
    // whether the store kept it is what that test is about.
    if (handOff?.via === 'store' && holding.skippedRelease !== null) return null;
    if (
      handOff !== null &&
      (handOff.statusKey === null || (state.facts.get(handOff.statusKey) & handOff.success) !== 0) &&
      !(handOff.notOnError === true && this.categoryOf(node, state) === 'error') &&
      !(handOff.holder !== undefined && state.initialized?.includes(handOff.holder) === true && this.deviceHolders().has(handOff.holder) && this.categoryOf(node, state) === 'error')
    ) {
      return siteOutcome(holding.site, 'handed-off', handOff.row, handOff.via, handOff.field, handOff.key ?? null, false, undefined);
    }
    if (holding.skippedRelease !== null) return null;
    return siteOutcome(holding.site, 'held', null, null, null, undefined, false, holding.names);
  }

  private categoryOf(node: CfgNode, state: PathState): ExitCategory {
    const value = node.returnValue;
    // In a function that returns nothing, the `return;` just above the unwind labels is its success.
    if (node.kind === 'return' && this.input.returnKind === 'void' && node.beforeLabels === true) return 'success';
    // And the closing brace of one with no goto: its way out when all went well (the end of
    // mtk_drm_crtc_atomic_enable(), which keeps the runtime PM count its early return drops).
    if (node.kind === 'end' && this.input.returnKind === 'void' && !(this.hasGoto ??= this.input.cfg.nodes.some((other) => other.kind === 'goto'))) return 'success';
    if (node.kind !== 'return' || value === null || value.kind === 'none') return 'none';
    let mask: ValueMask;
    if (value.kind === 'constant') {
      if (value.isNull) return 'error';
      // `return 1;` is a result (found, handled, a count), unlike a nonzero `ret` that a test let through.
      if (value.mask === POSITIVE && this.input.returnKind !== 'pointer') return 'success';
      mask = value.mask;
    } else if (value.kind === 'key') {
      // A parameter handed back as it came (`return count;` of a write()) is a size, not a status.
      if (this.input.cfg.parameters.includes(value.key)) return 'unknown';
      mask = state.facts.get(value.key);
      // As `return 1;`: `return semop_completed;`, `ret = kref_get_unless_zero(...); ... return ret;`.
      if (mask === POSITIVE && this.input.returnKind === 'int') return 'success';
    } else {
      return 'unknown';
    }
    return categoryOfMask(mask, this.input.returnKind);
  }

  private apply(event: Event, state: PathState, node: CfgNode): PathState {
    switch (event.type) {
      case 'call':
        return this.call(event, null, state, node);
      case 'assign':
        return this.assign(event, state, node);
      case 'kill':
        return this.forget(event.key, state, false);
      case 'iterate':
        return this.iterate(event, state);
    }
  }

  private newSite(key: string, site: Omit<AcquireSite, 'id'>): number {
    const existing = this.siteByKey.get(key);
    if (existing !== undefined) return existing;
    const id = this.sites.length;
    this.sites.push({ id, ...site });
    this.kindOfSite.push(site.kind);
    this.siteByKey.set(key, id);
    return id;
  }

  private isLocal(name: string | null): boolean {
    return name !== null && (this.input.cfg.locals.has(name) || this.input.cfg.parameters.includes(name));
  }

  /**
   * A place on this function's stack: a local variable or a member of a local structure
   * (`info.np`). Storing there keeps the value in the function; storing through a pointer
   * (`priv->np`, `*out`, `table[i]`) or into a global hands it on.
   */
  private isLocalStorage(target: AssignTarget): boolean {
    if (!this.isLocal(target.root)) return false;
    if (target.shape === 'variable') return true;
    return target.shape === 'field' && !target.key.includes('->') && !target.key.includes('[') && !target.key.startsWith('*');
  }

  private withHoldings(state: PathState, holdings: Holding[]): PathState {
    return { ...state, holdings };
  }

  private updateHoldings(state: PathState, update: (holding: Holding, kind: ResourceKind) => Holding | null): PathState {
    let changed = false;
    const holdings: Holding[] = [];
    for (const holding of state.holdings) {
      const next = update(holding, this.kindOfSite[holding.site]);
      if (next !== holding) changed = true;
      if (next !== null) holdings.push(next);
    }
    return changed ? this.withHoldings(state, holdings) : state;
  }

  private release(state: PathState, row: number, via: string, matches: (holding: Holding, kind: ResourceKind) => boolean): PathState {
    const freed: string[] | null = releaseApi(via)?.kind === 'memory' ? [] : null;
    const released = this.updateHoldings(state, (holding, kind) => {
      if (holding.released !== null || !matches(holding, kind)) return holding;
      if (freed !== null && kind === 'memory') freed.push(...holding.names);
      return { ...holding, released: { row, via, byMacro: false } };
    });
    // `kref_get(&encl->refcount); encl_mm->encl = encl;` then `kfree(encl_mm)`: the structure that
    // held the pointer is gone, and what a get paired with its store took is the function's again
    // (a destructor of the driver's, `put_ndd(ndd)`, may drop it on the way: not a plain free).
    if (freed === null || freed.length === 0 || !released.holdings.some((holding) => holding.handOff?.holder !== undefined && freed.includes(holding.handOff.holder))) return released;
    return this.updateHoldings(released, (holding) => (holding.handOff?.holder !== undefined && freed.includes(holding.handOff.holder) ? { ...holding, handOff: null } : holding));
  }

  /** `supersedes`: a receiver whose owner cleans up also after a failure takes over what a drvdata setter only borrowed. */
  private handOff(state: PathState, handOff: HandOff, matches: (holding: Holding, kind: ResourceKind) => boolean, supersedes = false): PathState {
    const open = (holding: Holding): boolean => holding.handOff === null || (supersedes && holding.handOff.notOnError === true);
    return this.updateHoldings(state, (holding, kind) => (holding.released === null && open(holding) && matches(holding, kind) ? { ...holding, handOff } : holding));
  }

  private call(event: CallEvent, target: AssignTarget | null, state: PathState, node: CfgNode): PathState {
    let current = state;
    const embedded = event.args[0];
    if (EMBEDDED_INIT.has(event.name) && embedded?.addressOfMember && embedded.root !== null && !(state.initialized ?? []).includes(embedded.root)) {
      current = { ...current, initialized: [...(current.initialized ?? []), embedded.root] };
    }
    // `dev = kzalloc(sizeof(*dev)); device_initialize(dev);`: the allocation is the device itself.
    const whole = `=${embedded?.key ?? ''}`;
    if (EMBEDDED_INIT.has(event.name) && embedded !== undefined && !embedded.addressOfMember && embedded.key === embedded.root && !(state.initialized ?? []).includes(whole)) {
      current = { ...current, initialized: [...(current.initialized ?? []), whole] };
    }
    const query = stateQueryKey(event);
    if (query !== null && this.tracked.has(query.key)) current = { ...current, facts: current.facts.set(query.key, query.value) };
    const release = releaseApi(event.name);
    if (release !== undefined) current = this.releaseBy(release, event, current);
    if (release?.kind === 'reference') current = this.runReleaseCallback(event, current, node);
    // device_unregister() ends in put_device(): on a device the path registered, its last put runs
    // the release callback (coresight_register() unwinding after etm_perf_add_symlink_sink()).
    else if (event.name === 'device_unregister') current = this.runReleaseCallback(event, current, node);
    const returns = target === null && this.tracked.has(event.valueKey) ? this.input.summaries.returnsOf(event.name) : null;
    if (returns !== null) current = { ...current, facts: current.facts.set(event.valueKey, returns) };
    const acquire = acquireApi(event.name);
    if (acquire !== undefined) current = this.acquire(acquire, event, target, current, node);
    const wrapped = acquire === undefined && release === undefined ? this.input.summaries.acquireOf(event.name) : null;
    if (wrapped !== null) current = this.acquire(wrapperApi(wrapped), event, target, current, node, wrapped);
    const starter = this.starterOf(event.name);
    if (starter !== null) current = this.startThread(starter, event, target, current);
    // `schedule_work(&reprobe->work)` after try_module_get(THIS_MODULE): the work item runs the
    // module's code later and drops the reference when it is done.
    else if (this.holdsModule(current) && (queuesDeferredWork(event.name) || (acquire === undefined && release === undefined && this.input.summaries.queuesWork(event.name)))) current = this.handOff(current, { row: event.row, via: event.name, field: null, statusKey: null, success: ANY_VALUE }, (_holding, kind) => kind === 'module');
    const handOff = handOffApi(event.name);
    if (handOff !== undefined) {
      const argument = event.args[handOff.argument];
      const holder = event.args[0]?.root;
      if (handOff.borrowsOnly === true && argument !== undefined && holder !== null && holder !== undefined && handOff.argument !== 0) {
        const pair = [holder, argument.key] as const;
        current = { ...current, drvdata: [...(current.drvdata ?? []).filter(([known]) => known !== holder), pair] };
      }
      if (argument !== undefined && handOff.undoes !== undefined) current = this.managedAction(current, argument, event, target, handOff.undoes);
      else if (argument !== undefined && handOff.failure !== undefined) {
        // `fd = anon_inode_getfd(name, fops, ib, flags)`: ib is the file's only where fd is one.
        const statusKey = target?.key ?? event.valueKey;
        current = this.handOffArgument(current, argument, event, false, false, true, false, { statusKey, success: successMask(handOff.failure) });
        if (this.tracked.has(statusKey)) current = { ...current, facts: current.facts.set(statusKey, resultMask(handOff.failure)) };
      } else if (argument !== undefined) current = this.handOffArgument(current, argument, event, false, handOff.borrowsOnly === true, true, handOff.cleanedUpByOwner === true);
      const name = handOff.keepsName === undefined ? undefined : event.args[handOff.keepsName];
      if (name !== undefined) {
        const statusKey = target?.key ?? event.valueKey;
        current = this.handOffArgument(current, name, event, false, false, true, false, { statusKey, success: successMask('errno') });
        if (this.tracked.has(statusKey)) current = { ...current, facts: current.facts.set(statusKey, resultMask('errno')) };
      }
      // `struct rpc_task_setup task_setup_data = { ..., .callback_data = data };` then `rpc_run_task(&task_setup_data)`.
      if (argument?.addressOfVariable === true && handOff.throughSetup === true && this.isLocal(argument.key)) {
        const given = (this.derivations ??= derivationsOf(this.input.cfg)).get(argument.key) ?? new Set<string>();
        for (const name of given) {
          if (this.isLocal(name) || this.input.cfg.parameters.includes(name)) {
            current = this.handOffArgument(current, { key: name, root: name, addressOfVariable: false, addressOfMember: false, field: null }, event, false, false, true);
          }
        }
      }
      for (const index of handOff.alsoArguments ?? []) {
        const also = event.args[index];
        if (also !== undefined) current = this.handOffArgument(current, also, event, false, false, true, handOff.cleanedUpByOwner === true);
      }
    }
    if (release === undefined && acquire === undefined && wrapped === null && starter === null && handOff === undefined) {
      current = this.otherCall(event, current, node, target);
      // A pair mined from the tree adds to what the call's name already did (mined-pairs.ts).
      const minedRelease = this.input.mined?.release(event.name);
      if (minedRelease !== undefined) current = this.releaseBy(minedRelease, event, current);
      const minedAcquire = this.input.mined?.acquire(event.name);
      if (minedAcquire !== undefined) current = this.acquire(minedAcquire, event, target, current, node);
    }
    return current;
  }

  /** Whether the holding is a count kept inside the object `object` names (`kref_get(&gw_node->refcount)`). */
  private embeddedCountOf(holding: Holding, object: string): boolean {
    const site = this.sites[holding.site];
    return EMBEDDED_COUNTS.has(site.wraps ?? site.api) && holding.names.some((name) => name.startsWith(`${object}->`) || name.startsWith(`${object}.`));
  }

  private holdsModule(state: PathState): boolean {
    return state.holdings.some((holding) => this.kindOfSite[holding.site] === 'module');
  }

  /**
   * The last put of an initialised embedded device (`put_device(&port->dev)` after
   * device_initialize()) or a kref_put() runs the release callback on the object around it: what
   * that callback lets go of through the object (`zfcp_ccw_adapter_put(port->adapter)`) is let
   * go of here, as if the caller had made the call.
   */
  private runReleaseCallback(event: CallEvent, state: PathState, node: CfgNode): PathState {
    const embedded = event.args[0];
    if (embedded === undefined || !embedded.addressOfMember || embedded.root === null) return state;
    const named = event.name === 'kref_put' ? event.args[1]?.key : undefined;
    const callback = named !== undefined && /^[A-Za-z_]\w*$/.test(named) ? named : (this.releaseFunctions ??= releaseFunctionsOf(this.input.cfg, this.input.summaries)).get(embedded.key);
    if (callback === undefined || (event.name !== 'kref_put' && !(state.initialized ?? []).includes(embedded.root))) return state;
    return this.containerReleases(callback, embedded, event, state, node);
  }

  /** What the release callback `callback` lets go of through the object `embedded` is part of (FunctionSummary.containerReleases). */
  private containerReleases(callback: string, embedded: ArgumentInfo, event: CallEvent, state: PathState, node: CfgNode): PathState {
    const summary = this.input.summaries.get(callback);
    if (summary === undefined || embedded.root === null) return state;
    let current = state;
    for (const { name, argument, path, address } of summary.containerReleases) {
      const reached = `${embedded.root}${path}`;
      // `port->adapter = adapter;` earlier: the callback's `port->adapter` is the caller's `adapter`.
      const key = this.aliases.find(([target]) => target === reached)?.[1] ?? reached;
      const given: ArgumentInfo = { key, root: rootOfKey(key), addressOfVariable: false, addressOfMember: address, field: lastFieldOfKey(key) };
      const placeholder: ArgumentInfo = { key: '', root: null, addressOfVariable: false, addressOfMember: false, field: null };
      const args = Array.from({ length: argument + 1 }, (_, index) => (index === argument ? given : placeholder));
      // Made once: a put in the callback does not run the callback of what it puts.
      const call: CallEvent = { type: 'call', name, row: event.row, column: event.column, args, valueKey: `callback:${callback}:${name}` };
      current = name === event.name ? this.releaseBy(releaseApi(name) as ReleaseApi, call, current) : this.call(call, null, current, node);
    }
    return current;
  }

  private releaseBy(api: ReleaseApi, event: CallEvent, state: PathState): PathState {
    if (api.carrier === 'implicit') {
      const name = api.implicitName ?? '';
      return this.release(state, event.row, event.name, (holding, kind) =>
        kind === api.kind && (api.kind === 'module' || holding.names.includes(name)),
      );
    }
    const argument = event.args[api.carrier];
    if (argument === undefined) return state;
    // `regulator_bulk_disable(ARRAY_SIZE(nt->vregs), nt->vregs)` drops what `regulator_enable(nt->vregs[0].consumer)` took.
    const bulk = /_bulk_/.test(api.name);
    const cookie = api.cookie === undefined ? undefined : event.args[api.cookie]?.key;
    let exact = this.release(
      state,
      event.row,
      event.name,
      (holding, kind) =>
        kind === api.kind &&
        (namesMatch(holding, kind, argument.key, this.aliases) ||
          (bulk && holding.names.some((name) => name.startsWith(`${argument.key}[`))) ||
          (cookie !== undefined && cookie !== 'NULL' && holding.names.some((name) => name.startsWith('#cookie:') && name.endsWith(`:${cookie}`)))),
    );
    // `kfree(node)` with a kref_get(&node->rb.refcount) of the path still held: the count went with
    // the memory it lives in (a node never published has no other holder to put it).
    if (api.kind === 'memory') {
      const inside = (name: string): boolean => name.startsWith(`${argument.key}->`) || name.startsWith(`${argument.key}.`);
      exact = this.release(exact, event.row, event.name, (holding, kind) =>
        kind === 'reference' && EMBEDDED_COUNTS.has(this.sites[holding.site].wraps ?? this.sites[holding.site].api) && holding.names.length > 0 && holding.names.every(inside),
      );
    }
    // `put_device(&foo->dev)`, `kobject_put(&foo->kobj)`, `kref_put(&foo->ref, foo_release)`: the last put
    // of a counted object embedded in `foo` ends in its release callback, which frees `foo`.
    if (api.kind === 'reference') {
      // Also through a fixed alias of the member: `dev = &gdev->dev; ... put_device(dev);`.
      const containers = aliasedKeys(argument.key, this.aliases)
        .map((member) => /^([A-Za-z_]\w*)(?:->|\.)\w+$/.exec(member)?.[1])
        .filter((root): root is string => root !== undefined);
      if (argument.addressOfMember && argument.root !== null) containers.push(argument.root);
      // `put_device(dev)` on an allocated device the path initialised: its release callback frees it.
      if ((state.initialized ?? []).includes(`=${argument.key}`)) {
        containers.push(argument.key);
        // `dev = cdev_dev(idxd_cdev); device_initialize(dev);`: a device an accessor gave from one object is embedded in it.
        const from = (this.derivations ??= derivationsOf(this.input.cfg)).get(argument.key);
        if (from !== undefined && from.size === 1) containers.push(...from);
      }
      if (containers.length > 0) exact = this.release(exact, event.row, event.name, (holding, kind) => kind === 'memory' && holding.names.some((name) => containers.includes(name)));
    }
    if (exact === state && api.kind === 'reference' && !(state.dropped ?? []).includes(argument.key)) {
      return { ...state, dropped: [...(state.dropped ?? []), argument.key] };
    }
    if (exact !== state || api.kind !== 'lock') return exact;
    // `mutex_lock(&priv->lock)` ... `mutex_unlock(&dev_priv->lock)`: the same field through another pointer.
    const field = lastFieldOfKey(argument.key) ?? undefined;
    const sameField =
      field === undefined
        ? state
        : this.release(state, event.row, event.name, (holding, kind) => kind === 'lock' && holding.names.some((name) => name.endsWith(`->${field}`) || name.endsWith(`.${field}`)));
    // A lock the function was called with, let go for a while (`spin_unlock_irq(&nullb->lock); ...;
    // spin_lock_irq(&nullb->lock);`): taking it again restores what the caller holds.
    if (sameField === state && !(state.dropped ?? []).includes(argument.key)) return { ...state, dropped: [...(state.dropped ?? []), argument.key] };
    return sameField;
  }

  private acquire(api: AcquireApi, event: CallEvent, target: AssignTarget | null, state: PathState, node: CfgNode, wrapped: WrappedAcquire | null = null): PathState {
    let current = state;
    if (api.releasesArgument !== undefined) {
      const from = event.args[api.releasesArgument];
      if (from !== undefined) current = this.release(current, event.row, event.name, (holding, kind) => kind === api.kind && namesMatch(holding, kind, from.key, this.aliases));
    }
    if (node.uncertain) return current;
    const acquired = this.acquiredNames(api, event, target, wrapped?.path ?? '');
    const cookie = api.cookie === undefined || wrapped !== null ? undefined : event.args[api.cookie]?.key;
    // The dev_id a handler was registered with names it for free_irq(), last so that comments use the line's name.
    const names = cookie === undefined || cookie === 'NULL' || acquired.length === 0 ? acquired : [...acquired, cookieName(api.name, cookie)];
    if (names.length === 0 || names.some((name) => this.input.cfg.autoManaged.has(rootOfName(name)))) return current;
    const restored = api.count !== undefined || api.kind === 'lock' ? names.find((name) => current.dropped?.includes(name)) : undefined;
    if (restored !== undefined) {
      const dropped = (current.dropped ?? []).filter((name) => name !== restored);
      return { ...current, dropped: dropped.length > 0 ? dropped : undefined };
    }
    // `ret = request_irq(ret, ...)`: the result overwrites the only name of what was taken.
    if (typeof api.carrier === 'number' && target !== null && event.args[api.carrier]?.key === target.key) return current;
    const carried = typeof api.carrier === 'number' && wrapped === null ? event.args[api.carrier] : undefined;
    const site = this.newSite(`${event.row}:${event.column}:${event.name}`, {
      kind: api.kind,
      api: wrapped === null ? api.name : event.name,
      ...(wrapped === null ? {} : { wraps: api.name }),
      ...(carried !== undefined && (carried.addressOfMember || carried.addressOfVariable) ? { addressOf: carried.key } : {}),
      noun: api.noun,
      release: api.release,
      row: event.row,
      column: event.column,
      names,
      inherited: null,
      iteration: false,
      ...(api.mined ? { mined: true as const } : {}),
    });
    // `of_node_get(np)`, `get_device(dev)` take nothing when given NULL: the reference exists
    // where the argument is not NULL, which a later `while (np)` or `if (!dev)` tells.
    const carrierKey = typeof api.carrier === 'number' ? event.args[api.carrier]?.key : undefined;
    const byCarrier = (api.failure === 'never' || (api.returnsCarrier === true && target === null)) && carrierKey !== undefined && this.tracked.has(carrierKey) && /^[A-Za-z_]\w*$/.test(carrierKey);
    // `dchild = dget_parent(dparent)` is a valid pointer: where the variable tests as NULL or an
    // error (it was set on another branch), it holds nothing from here.
    const validPointer = api.failure === 'never' && api.carrier === 'return' && target !== null;
    // `dev->udev = usb_get_dev(udev)`: a get that returns its argument returns NULL only when given NULL, taking nothing.
    const returnedCarrier = !byCarrier && api.returnsCarrier === true && api.failure === 'never' && target !== null;
    const statusKey = byCarrier ? (carrierKey ?? null) : api.failure === 'never' && !validPointer && !returnedCarrier ? null : (target?.key ?? event.valueKey);
    let facts = current.facts;
    if (statusKey !== null && !byCarrier) facts = facts.set(statusKey, validPointer ? POSITIVE : resultMask(api.failure));
    // A coherent DMA buffer starts on a page: it is never misaligned to less than one.
    if (target !== null && PAGE_ALIGNED_ALLOCATORS.has(api.name) && this.tracked.has(misalignedKey(target.key))) facts = facts.set(misalignedKey(target.key), ZERO);
    // New memory is no other pointer: `checksums != checksums_onstack` holds where kmalloc() gave it.
    if (target !== null && api.kind === 'memory') for (const key of this.equalityKeysOf(target.key)) facts = facts.set(key, ZERO);
    let handOff: HandOff | null = null;
    if (target !== null && !this.isLocalStorage(target) && HANDED_OFF_BY_STORE.has(api.kind)) {
      handOff = { row: event.row, via: 'store', field: target.field, key: target.key, statusKey: null, success: ANY_VALUE };
    }
    // `device_set_node(&c->dev, fwnode_handle_get(fw))`: a reference taken right in the arguments of a
    // call that neither reads nor drops it is given to that call; one whose result is kept only if it
    // drops its argument (`refnode = __of_find_node_by_full_path(of_node_get(overlay), path)`).
    const receiver = event.argumentOf;
    const givenAway = receiver !== undefined && (event.argumentOfAssigned !== true || acquireApi(receiver)?.releasesArgument !== undefined);
    if (target === null && givenAway && receiver !== undefined && api.kind === 'reference' && releaseApi(receiver) === undefined && !readsOnly(receiver)) {
      handOff = { row: event.row, via: receiver, field: null, statusKey: null, success: ANY_VALUE };
    }
    // `new_cep->listen_cep = cep; siw_cep_get(cep);`: the reference taken right after storing the
    // pointer is the stored pointer's (its owner puts it, often with `new_cep->listen_cep = NULL`).
    const given = typeof api.carrier === 'number' ? event.args[api.carrier] : undefined;
    const stored = handOff === null && target === null && (api.kind === 'reference' || api.kind === 'module') && given !== undefined ? this.storedJustBefore(node, given, api.kind === 'module') : null;
    if (stored !== null) handOff = pairedStore(event.row, stored);
    const action = current.undoneByActions?.find(([kind, name]) => kind === api.kind && names.includes(name));
    if (action !== undefined) handOff = { row: event.row, via: action[2], field: null, statusKey: null, success: ANY_VALUE };
    const success = byCarrier || returnedCarrier ? NEGATIVE | POSITIVE : validPointer ? POSITIVE : successMask(api.failure);
    // `if (!get_device(dev) && dev)`: the result tested where it is taken tells as the argument does.
    const resultTested = byCarrier && target === null && this.tracked.has(event.valueKey);
    // `sound = of_node_get(chip->node)`: where chip->node still tests NULL, sound is NULL too.
    const carrierTested = !byCarrier && api.returnsCarrier === true && target !== null && statusKey === target.key && carrierKey !== undefined && carrierKey !== target.key && this.tracked.has(carrierKey);
    // `pctlnp = of_get_parent(np)`: where np tests NULL, the call took nothing.
    const nullGiven = api.nullGivenNull === undefined ? undefined : event.args[api.nullGivenNull]?.key;
    const givenTested = !carrierTested && target !== null && statusKey === target.key && nullGiven !== undefined && nullGiven !== target.key && this.tracked.has(nullGiven);
    const statusAliases = resultTested ? [event.valueKey] : carrierTested && carrierKey !== undefined ? [carrierKey] : givenTested && nullGiven !== undefined ? [nullGiven] : undefined;
    const holding: Holding = { site, names, statusKey, success, released: null, handOff, skippedRelease: null, ...(statusAliases !== undefined ? { statusAliases } : {}) };
    const holdings = current.holdings.filter((existing) => existing.site !== site);
    holdings.push(holding);
    holdings.sort((a, b) => a.site - b.site);
    return { ...current, facts, holdings };
  }

  /** `path` leads from the carrier to what is taken, for a wrapper (`->clk` of `foo_enable_clk(priv)`). */
  private acquiredNames(api: AcquireApi, event: CallEvent, target: AssignTarget | null, path = ''): string[] {
    if (api.carrier === 'implicit') return [IMPLICIT_RESOURCE_NAMES[api.name] ?? api.name];
    if (api.carrier === 'return') return target === null ? [] : [target.key];
    const argument = event.args[api.carrier];
    if (argument === undefined) return [];
    const names = [throughPath(argument, path)];
    // The variable the result lands in names it best (`partitions_np`, not `ddev->of_node`).
    if (api.returnsCarrier && target !== null && target.key !== argument.key) names.unshift(path === '' ? target.key : `${target.key}${path}`);
    return names;
  }

  private starterOf(name: string): { failure: FailureStyle; dataArgument: number | null } | null {
    const api = threadStarterApi(name);
    if (api !== undefined) return { failure: api.failure, dataArgument: api.dataArgument };
    const forwarding = this.input.summaries.forwardingOf(name);
    if (forwarding !== null) return { failure: forwarding.failure, dataArgument: forwarding.dataParameter };
    return null;
  }

  /** A thread start hands the module references held and its data to the new thread, if it starts. */
  private startThread(starter: { failure: FailureStyle; dataArgument: number | null }, event: CallEvent, target: AssignTarget | null, state: PathState): PathState {
    const statusKey = target?.key ?? event.valueKey;
    const handOff: HandOff = { row: event.row, via: event.name, field: null, statusKey, success: successMask(starter.failure) };
    const data = starter.dataArgument === null ? undefined : event.args[starter.dataArgument];
    const current = this.handOff(
      state,
      handOff,
      (holding, kind) => kind === 'module' || (data !== undefined && HANDED_OFF_BY_STORE.has(kind) && holdingPassed(holding, data)),
    );
    const facts = this.tracked.has(statusKey) ? current.facts.set(statusKey, resultMask(starter.failure)) : current.facts;
    return facts === current.facts ? current : { ...current, facts };
  }

  private minedPointer(holding: Holding): boolean {
    const site = this.sites[holding.site];
    return site.mined === true && this.input.mined?.acquire(site.api)?.carrier === 'return';
  }

  /** A count kept on an object (a clock's enable count): passing or storing the object does not hand the count on. */
  private isCount(holding: Holding): boolean {
    return acquireOfSite(this.sites[holding.site])?.count !== undefined;
  }

  /**
   * `throughPointers`: the receiver is one that takes objects over (a table API, a name that says
   * so), so what the object points to goes along; a helper of the file that merely keeps the
   * pointer somewhere (its summary's handsOff) does not take the references its fields hold.
   */
  private handOffArgument(
    state: PathState,
    argument: ArgumentInfo,
    event: CallEvent,
    addressOnly: boolean,
    borrowsOnly = false,
    throughPointers = true,
    supersedes = false,
    status?: { statusKey: string; success: ValueMask },
  ): PathState {
    const handOff: HandOff = { row: event.row, via: event.name, field: null, statusKey: status?.statusKey ?? null, success: status?.success ?? ANY_VALUE, notOnError: borrowsOnly };
    return this.handOff(state, handOff, (holding, kind) => {
      if (!HANDED_OFF_BY_STORE.has(kind) || this.isCount(holding)) return false;
      if (!addressOnly && holding.tiedTo?.includes(argument.key) === true) return true;
      // A number naming the resource (an interrupt line), passed itself or inside the structure that
      // keeps it, hands on the number, not the handler: only free_irq() lets it go
      // (irq_cpu_rmap_add(rmap, channel->irq) keeps nothing; request_irq(priv->irq, ..., priv) hands on priv).
      if (acquireOfSite(this.sites[holding.site])?.numbered === true) return false;
      // `get_parallel(bio->bi_private); submit_bio(bio);`: a reference taken on an object the
      // handed-on one points to goes with it, for whoever finishes with it.
      if (throughPointers && !addressOnly && kind === 'reference' && argument.key === argument.root && holding.names.some((name) => name.startsWith(`${argument.key}->`))) return true;
      if (!addressOnly) return holdingPassed(holding, argument, true);
      return holding.names.some((name) => name === argument.key || (rootOfName(name) === argument.key && /^\w+\./.test(name)));
    }, supersedes);
  }

  /**
   * `devm_add_action_or_reset(dev, foo_disable, priv)`: the action undoes what `priv` holds (its
   * clock enable, the reference in `priv->np`) at teardown, or at once if registering fails.
   * It replaces an earlier store: the action is what drops the stored reference.
   */
  private managedAction(state: PathState, argument: ArgumentInfo, event: CallEvent, target: AssignTarget | null, undoes: 'always' | 'on-success'): PathState {
    const statusKey = undoes === 'always' ? null : (target?.key ?? event.valueKey);
    const handOff: HandOff = { row: event.row, via: event.name, field: null, statusKey, success: ZERO };
    const facts = statusKey !== null && this.tracked.has(statusKey) ? state.facts.set(statusKey, ZERO | NEGATIVE) : state.facts;
    const current = facts === state.facts ? state : { ...state, facts };
    // The action's data reaches what is held through driver data: `devm_add_action_or_reset(dev, put_action, mc)`
    // with `mc = platform_get_drvdata(pdev)` reaches pdev; `(dev, disable_clk, pdev)` after
    // `platform_set_drvdata(pdev, hw)` reaches hw->clk.
    const undone = this.undoneByAction(event.args[1]?.key, argument.key, event.name);
    const reached = new Set<string>([argument.key]);
    const viewed = (this.drvdataViews ??= drvdataViewsOf(this.input.cfg)).get(argument.key);
    if (viewed !== undefined) reached.add(viewed);
    for (const [holder, object] of state.drvdata ?? []) if (holder === argument.key) reached.add(object);
    // `phy->control_dev = &control_pdev->dev; devm_add_action_or_reset(dev, put_dev, phy->control_dev)`: the device the alias points into.
    for (const alias of aliasedKeys(argument.key, this.aliases)) reached.add(alias.replace(/(?:->|\.)dev$/, ''));
    const withActions = undone.length === 0 ? current : { ...current, undoneByActions: [...(current.undoneByActions ?? []), ...undone] };
    return this.updateHoldings(withActions, (holding, kind) => {
      if (holding.released !== null || (holding.handOff !== null && holding.handOff.via !== 'store')) return holding;
      // `dport->dport = dport_dev; get_device(dport_dev); devm_add_action_or_reset(host, cxl_dport_remove, dport)`,
      // whose put_device(dport->dport) is the caller's dport_dev.
      const undoes = undone.some(([undoneKind, name]) => undoneKind === kind && namesMatch(holding, kind, name, this.aliases));
      const passed = undoes || holdingPassed(holding, argument, true) || holding.names.some((name) => reached.has(rootOfName(name)) || reached.has(name));
      return passed ? { ...holding, handOff } : holding;
    });
  }

  /**
   * The structures whose embedded device the function initialises or registers (`child` for
   * `device_initialize(&child->dev)`): their release callback is the patch's, named by the device's type.
   */
  private deviceHolders(): Set<string> {
    if (this.devices === undefined) {
      this.devices = new Set();
      for (const node of this.input.cfg.nodes) {
        for (const event of node.events) {
          const call = callOfEvent(event);
          const device = call?.args[0];
          if (call !== null && (call.name === 'device_initialize' || call.name === 'device_register') && device?.addressOfMember === true && device.root !== null) this.devices.add(device.root);
        }
      }
    }
    return this.devices;
  }

  /** Whether the statement right before `node` took `holding`'s reference on the object `object` names. */
  private takenJustBefore(node: CfgNode, holding: Holding, object: string): boolean {
    const site = this.sites[holding.site];
    if (site.kind !== 'reference' || holding.released !== null || holding.handOff !== null || !holding.names.some((name) => rootOfName(name) === object)) return false;
    const previous = this.previousStatement(node);
    return previous !== null && previous.events.some((event) => event.type === 'call' && event.row === site.row && event.column === site.column);
  }

  /** The statement that is the only way into `node`, if there is one. */
  private previousStatement(node: CfgNode): CfgNode | null {
    const predecessors = (this.predecessors ??= predecessorsOf(this.input.cfg)).get(node.id) ?? [];
    const previous = predecessors.length === 1 ? this.input.cfg.nodes[predecessors[0]] : undefined;
    return previous?.kind === 'statement' ? previous : null;
  }

  /**
   * The field store of the statement right before `node`, when it stores the object the argument
   * reaches (`cep` for `siw_cep_get(cep)`, `backbone_gw` for `kref_get(&backbone_gw->refcount)`).
   */
  private storedJustBefore(node: CfgNode, argument: ArgumentInfo, module = false): AssignTarget | null {
    const previous = this.previousStatement(node);
    if (previous === null) return null;
    const object = argument.addressOfMember ? argument.root : argument.key;
    for (const event of previous.events) {
      if (event.type !== 'assign' || event.target.field === null || this.isLocalStorage(event.target)) continue;
      if (event.value.kind === 'copy' && event.value.key === object) return event.target;
      // `ctx->nfs_mod = client->cl_nfs_mod; __module_get(ctx->nfs_mod->owner);`: the object records the
      // module it now holds a reference on, and its destructor drops it.
      if (module && object?.startsWith(`${event.target.key}->`) === true) return event.target;
    }
    return null;
  }

  /** The tracked `a == b` keys that compare `name` with another name. */
  private equalityKeysOf(name: string): string[] {
    return [...this.tracked].filter((key) => comparesForEquality(key, name));
  }

  /** What the action function of the patch releases through its data, as the caller names it (`priv->supplies`). */
  private undoneByAction(action: string | undefined, data: string, via: string): [ResourceKind, string, string][] {
    const effect = action === undefined ? undefined : this.input.summaries.get(action)?.effects[0];
    if (effect === undefined) return [];
    const undone: [ResourceKind, string, string][] = effect.releasesFields.map(({ kind, path }) => [kind, `${data}${path}`, via]);
    for (const kind of effect.releases) if (kind !== 'any') undone.push([kind, data, via]);
    return undone;
  }

  /**
   * A helper of the patch that unlocks more than it locks, given what the held lock belongs to
   * (`netlink_dump(sk, true)` with `nlk = nlk_sk(sk)` holding `nlk->cb_mutex`), or an implicit
   * lock (rcu_read_lock()): it lets the lock go on its paths, which cptlint does not follow
   * through the conversions; the caller no longer owes the unlock.
   */
  private unlockedByCallee(state: PathState, event: CallEvent, unlocks: ReadonlySet<string>): PathState {
    const given = new Set(event.args.map((argument) => argument.root).filter((root): root is string => root !== null));
    if (given.size === 0 && !state.holdings.some((holding) => acquireOfSite(this.sites[holding.site])?.carrier === 'implicit')) return state;
    const origins = (this.derivations ??= derivationsOf(this.input.cfg));
    const related = (name: string): boolean => {
      const root = rootOfName(name);
      return given.has(root) || [...(origins.get(root) ?? [])].some((origin) => given.has(origin));
    };
    return this.release(state, event.row, event.name, (holding, kind) => {
      if (kind !== 'lock' || !releaseCallsOf(this.sites[holding.site].release).some((call) => unlocks.has(call))) return false;
      return acquireOfSite(this.sites[holding.site])?.carrier === 'implicit' || holding.names.some(related);
    });
  }

  /** A call the table does not know: a helper of the patch, or a name that says what it does. */
  private otherCall(event: CallEvent, state: PathState, node: CfgNode, target: AssignTarget | null): PathState {
    if (state.holdings.length === 0) return state;
    let current = state;
    const summary = this.input.summaries.get(event.name);
    const known = summary !== undefined && summary.fn.complete;
    if (known && summary.releasesModule) current = this.release(current, event.row, event.name, (_holding, kind) => kind === 'module');
    // `destroy_async(&rq->ref_count)`: a release callback called directly lets go of what it reaches through the object.
    const embedded = event.args[0];
    if (known && embedded?.addressOfMember === true && embedded.root !== null) {
      if (summary.containerReleases.length > 0) current = this.containerReleases(event.name, embedded, event, current, node);
      // It frees the object (`kfree(rq)`): the counts kept inside it go with it, as for a kfree() of the caller's.
      const root = embedded.root;
      const inside = (name: string): boolean => name.startsWith(`${root}->`) || name.startsWith(`${root}.`);
      if (summary.effects[0]?.releases.has('memory') === true) {
        current = this.release(current, event.row, event.name, (holding, kind) =>
          kind === 'reference' && EMBEDDED_COUNTS.has(this.sites[holding.site].wraps ?? this.sites[holding.site].api) && holding.names.length > 0 && holding.names.every(inside),
        );
      }
    }
    if (!known) current = this.linkedOrRun(event, current);
    // `grab_super(old)` drops the global `sb_lock` its caller took.
    if (known && summary.releasesGlobals.size > 0) {
      current = this.release(current, event.row, event.name, (holding, kind) => kind === 'lock' && holding.names.some((name) => summary.releasesGlobals.has(name) && !this.isLocal(name)));
    }
    const unlocks = known && state.holdings.some((holding) => this.kindOfSite[holding.site] === 'lock') ? this.input.summaries.unlocksOf(event.name) : null;
    if (unlocks !== null && unlocks.size > 0) current = this.unlockedByCallee(current, event, unlocks);
    // A helper given the device that, by its name, tears down, or whose body frees the device's drvdata (smsusb_term_device(intf)).
    const tearsDown = (index: number): boolean => nameSuggestsTeardown(event.name) || (known && summary.effects[index]?.freesDrvdata === true);
    if (current.drvdata !== undefined) {
      const objects = current.drvdata.filter(([holder]) => event.args.some((argument, index) => argument.key === holder && tearsDown(index))).map(([, object]) => object);
      if (objects.length > 0) {
        const ownedBy = (name: string): boolean => objects.includes(name) || objects.includes(rootOfName(name)) || objects.some((object) => name.startsWith('#cookie:') && name.endsWith(`:${object}`));
        current = this.release(current, event.row, event.name, (holding, kind) => kind !== 'lock' && holding.names.some(ownedBy));
      }
    }
    // A function of the tree, not the patch: what the facts mined from the tree say it does (mined-ownership.ts).
    const mined = known ? null : minedCallEffects(event.name);
    if (mined !== null && mined.releasesLocks.size > 0) {
      current = this.release(current, event.row, event.name, (holding, kind) =>
        kind === 'lock' && holding.names.some((name) => mined.releasesLocks.has(name) || mined.releasesLocks.has(lastFieldOfKey(name) ?? '')),
      );
    }
    for (const index of mined?.releasesArguments ?? []) {
      const lock = event.args[index];
      if (lock !== undefined) current = this.release(current, event.row, event.name, (holding, kind) => kind === 'lock' && namesMatch(holding, kind, lock.key, this.aliases));
    }
    // `vmw_simple_resource_init(dev_priv, &usimple->simple, data, vmw_simple_resource_free)`: a call given an
    // object with a function of the patch that frees it gets the cleanup with it (it runs the destructor when it fails).
    const givesMemory = event.args.length > 1 && current.holdings.some((holding) => this.kindOfSite[holding.site] === 'memory' && event.args.some((argument) => holdingPassed(holding, argument, true)));
    const destructor = givesMemory ? this.destructorGiven(event) : null;
    if (destructor !== null) {
      for (const argument of event.args) if (argument !== destructor) current = this.handOffArgument(current, argument, event, false, false, false);
    }
    // `if (drv->probe(clink, id) >= 0) return 1;`: an operation of another object given the allocation keeps it
    // where it succeeds (the driver's probe links the card); where it fails, it is still the caller's. Only a result
    // tested the way that tells an error apart (`>= 0`, `< 0`, IS_ERR(): rds get_mr()); `if (p)` could test a pointer or an errno.
    const statusKey = target?.key ?? event.valueKey;
    if (!known && mined === null && isOperation(event.name) && this.tracked.has(statusKey) && this.signTested().has(statusKey)) {
      for (const argument of event.args) {
        if (argument.key !== argument.root) continue;
        current = this.handOff(current, { row: event.row, via: event.name, field: null, statusKey, success: ZERO | POSITIVE }, (holding, kind) =>
          kind === 'memory' && holding.names.includes(argument.key),
        );
      }
    }
    const registered = this.tracked.has(statusKey) && this.signTested().has(statusKey) ? { statusKey, success: ZERO | POSITIVE } : undefined;
    event.args.forEach((argument, index) => {
      const taken = mined?.takes.get(index);
      if (taken === 'free') current = this.release(current, event.row, event.name, (holding, kind) => kind === 'memory' && namesMatch(holding, kind, argument.key, this.aliases));
      // `batadv_gw_node_put(gw_node)`, a kref_put() of the tree's: the count taken inside the object goes with it.
      if (taken === 'free' || taken === 'put') current = this.release(current, event.row, event.name, (holding, kind) => kind === 'reference' && this.embeddedCountOf(holding, argument.key));
      else if (taken !== undefined) current = this.handOffArgument(current, argument, event, false);
      // `foo_put(&obj->base)`, `gfs2_glock_dealloc(&gl->gl_rcu)`: a destructor given a member of a
      // structure frees the structure (container_of() in the callee); its body, if shown, may
      // reach the structure through conversions cptlint does not follow.
      if (argument.addressOfMember && argument.root !== null && nameSuggestsRelease(event.name, 'memory')) {
        const container = argument.root;
        current = this.release(current, event.row, event.name, (holding, kind) => kind === 'memory' && holding.names.includes(container));
      }
      if (known) {
        const effect = summary.effects[index];
        if (effect === undefined) return;
        if (effect.putsEmbedded && current.initialized?.includes(argument.key)) {
          current = this.release(current, event.row, event.name, (holding, kind) => kind === 'memory' && holding.names.includes(argument.key));
        }
        for (const { kind: released, path, api } of effect.releasesFields) {
          const key = throughPath(argument, path);
          // A count is dropped by its own release (clk_bulk_disable() does not undo clk_bulk_prepare()).
          const family = (holding: Holding): boolean => !this.isCount(holding) || this.sites[holding.site].release.startsWith(`${api}(`);
          current = this.release(current, event.row, event.name, (holding, kind) => kind === released && family(holding) && namesMatch(holding, kind, key, this.aliases));
        }
        if (effect.releases.size > 0) {
          const before = current;
          // `&rwb->rtmutex` kept in rtm: the caller's `rtm->wait_lock` is the callee's `rwb->rtmutex.wait_lock`,
          // so `.` and `->` are one step here.
          const fields = new Set([...effect.fieldReleases].map(sameStep));
          const holder = sameStep(argument.key);
          current = this.release(current, event.row, event.name, (holding, kind) => {
            if (!effect.releases.has(kind) && !effect.releases.has('any')) return false;
            if (namesMatch(holding, kind, argument.key, this.aliases)) return true;
            // `amdgpu_vm_prt_cb(fence, &cb->cb)`, whose body frees container_of() of it: the structure around the member.
            if (kind === 'memory' && argument.addressOfMember && argument.root !== null && holding.names.includes(argument.root)) return true;
            // `produce_free_peb(ubi)` drops `ubi->wl_lock`, not `ubi->fm_eba_sem`.
            if (!RELEASED_THROUGH_FIELDS.has(kind)) return false;
            const released = (name: string): boolean => sameStep(name).startsWith(holder) && fields.has(sameStep(name).slice(holder.length));
            // The caller's `dev->object_name_lock` where `dev = obj->dev` is the callee's `obj->dev->object_name_lock`.
            return holding.names.some((name) => released(name) || aliasedKeys(name, this.aliases).some(released));
          });
          // `mutex_lock(&dev->object_name_lock)`, then a helper given obj that unlocks `obj->dev->object_name_lock`:
          // the same field through another pointer, as for a direct unlock (releaseBy).
          const lastFields = new Set([...effect.fieldReleases].map(lastFieldOfKey).filter((field) => field !== null));
          if (lastFields.size > 0 && current === before) {
            current = this.release(current, event.row, event.name, (holding, kind) =>
              kind === 'lock' && holding.names.some((name) => lastFields.has(lastFieldOfKey(name) ?? '')),
            );
          }
        }
        if (effect.handsOff) current = this.handOffArgument(current, argument, event, false, false, false);
        if (effect.takesPointee && argument.addressOfVariable) current = this.handOffArgument(current, argument, event, true);
        // `qed_fw_overlay_mem_free(p_hwfn, &allocated_mem)` frees `*fw_overlay_mem`: the caller's allocated_mem.
        if (effect.freesPointee === true && argument.addressOfVariable) {
          current = this.release(current, event.row, event.name, (holding, kind) => kind === 'memory' && namesMatch(holding, kind, argument.key, this.aliases));
        }
        return;
      }
      current = this.release(current, event.row, event.name, (holding, kind) => {
        // An interrupt line's number given to irq_dispose_mapping() is not its handler: free_irq() alone frees that.
        if (!nameSuggestsRelease(event.name, kind) || acquireOfSite(this.sites[holding.site])?.numbered === true) return false;
        if (namesMatch(holding, kind, argument.key, this.aliases)) return true;
        // `kref_get(&req->wb_kref)` ... `nfs_release_request(req)`: a helper named for releasing the
        // object it is given drops the reference that object embeds.
        if (kind === 'reference' && argument.key === argument.root && namesItsArgument(event.name, argument.key) && holding.names.some((name) => name.startsWith(`${argument.key}->`))) return true;
        // `uart_unlock_and_check_sysrq_irqrestore(&up->port, flags)` drops `up->port.lock`: a field of what it is given.
        const inside = (name: string): boolean => rootOfName(name) === argument.key || name.startsWith(`${argument.key}.`) || name.startsWith(`${argument.key}->`);
        return RELEASED_THROUGH_FIELDS.has(kind) && holding.names.some(inside);
      });
      // `hw = clk_hw_register_composite(..., &mux->hw, ...); if (IS_ERR(hw))`: a registration whose result
      // tells failure apart by sign keeps what it was given only where it succeeds.
      if (nameSuggestsHandOff(event.name)) current = this.handOffArgument(current, argument, event, false, false, true, false, registered);
      else if (argument.addressOfVariable) current = this.handOffArgument(current, argument, event, true);
      else if (mined?.takes.get(index) === undefined && nameSuggestsSetUp(event.name)) current = this.tie(current, argument, event.args);
    });
    return current;
  }

  /**
   * A call cptlint cannot read that links an object of the function's into a list, given the
   * list's head beside it (`return_resource(&(resources->p_mem_head), hold_p_mem_node)`), or
   * that is the function a work item of the object was set up with, run at once instead of
   * queued (`INIT_WORK(&ew->work, handle_event)` ... `handle_event(&ew->work)`): either takes
   * the object, as list_add() and queue_work() do.
   */
  private linkedOrRun(event: CallEvent, state: PathState): PathState {
    let current = state;
    if (event.args.some((argument) => argument.addressOfMember && LIST_HEAD_FIELD.test(argument.field ?? ''))) {
      for (const argument of event.args) {
        if (argument.key === argument.root && this.isLocal(argument.key)) current = this.handOffArgument(current, argument, event, false, false, true);
      }
    }
    for (const argument of event.args) {
      if (argument.addressOfMember && argument.root !== null && this.workFunctions().get(argument.key)?.has(event.name) === true) {
        current = this.handOffArgument(current, { key: argument.root, root: argument.root, addressOfVariable: false, addressOfMember: false, field: null }, event, false, false, true);
      }
    }
    return current;
  }

  /** `INIT_WORK(&ew->work, handle_event)`: the work item's key and the functions it is set up with. */
  private workFunctions(): ReadonlyMap<string, ReadonlySet<string>> {
    if (this.workFunctionsFound === undefined) {
      const found = new Map<string, Set<string>>();
      for (const node of this.input.cfg.nodes) {
        for (const event of node.events) {
          const call = callOfEvent(event);
          if (call === null || !WORK_INITIALIZERS.has(call.name) || call.args.length < 2) continue;
          found.set(call.args[0].key, (found.get(call.args[0].key) ?? new Set()).add(call.args[1].key));
        }
      }
      this.workFunctionsFound = found;
    }
    return this.workFunctionsFound;
  }

  /** Keys the function tests for an error apart from 0 and valid values: `x < 0`, `x >= 0`, IS_ERR(x). */
  private signTested(): ReadonlySet<string> {
    if (this.signTestedKeys === undefined) {
      this.signTestedKeys = new Set();
      for (const node of this.input.cfg.nodes) {
        const atom = node.atom;
        if (atom?.kind !== 'test') continue;
        const sides = [atom.whenTrue, atom.whenFalse];
        if (sides.includes(NEGATIVE) && sides.includes(ZERO | POSITIVE)) this.signTestedKeys.add(atom.key);
      }
    }
    return this.signTestedKeys;
  }

  /** The argument of a call (with others) that names a function of the patch freeing what one of its parameters points to or is part of; asked once a call. */
  private destructorGiven(event: CallEvent): ArgumentInfo | null {
    let found = this.destructors.get(event);
    if (found === undefined) {
      const freesItsParameter = (name: string): boolean => {
        const summary = this.input.summaries.get(name);
        return summary !== undefined && summary.fn.complete && summary.effects.some((effect) => effect.releases.has('memory') || effect.releases.has('any'));
      };
      found = event.args.length < 2 ? null : (event.args.find((argument) => argument.key === argument.root && freesItsParameter(argument.key)) ?? null);
      this.destructors.set(event, found);
    }
    return found;
  }

  /** An allocation given to a set-up function of the tree goes where the objects given with it go (Holding.tiedTo). */
  private tie(state: PathState, argument: ArgumentInfo, args: readonly ArgumentInfo[]): PathState {
    return this.updateHoldings(state, (holding, kind) => {
      // The allocation itself, as its acquire named it: an element pointer into it (`txq = txq_data + i * size`) is not.
      if (kind !== 'memory' || holding.released !== null || holding.handOff !== null || !this.sites[holding.site].names.includes(argument.key)) return holding;
      // The objects are the function's locals (`repr`, `ph2c`): an ops table or a field given with it is not where it goes.
      const others = args.filter((other) => other !== argument && other.key === other.root && this.isLocal(other.key) && !holding.names.includes(other.key)).map((other) => other.key);
      const tiedTo = [...new Set([...(holding.tiedTo ?? []), ...others])];
      return tiedTo.length === (holding.tiedTo?.length ?? 0) ? holding : { ...holding, tiedTo };
    });
  }

  private assign(event: AssignEvent, state: PathState, node: CfgNode): PathState {
    const { target, value } = event;
    // `src32 = memcpy(src32, vaddr, len)`: the variable keeps what it names.
    if (value.kind === 'copy' && value.key === target.key) return state;
    // What the assigned value carries, judged before the target's old value is forgotten.
    const carried = new Set<number>();
    // References taken by the statement just before, for the pointer this one stores.
    const paired = new Set<number>();
    const local = this.isLocalStorage(target);
    // `ac->ac_inode = alloc_inode` after inode_lock(alloc_inode): a local object locked as a whole
    // and stored in the caller's structure goes there with its lock (ocfs2's ocfs2_free_ac_resource()
    // unlocks it through ac). A lock inside the object (`&obj->sem`) stays the function's.
    const lockGoesWithObject =
      value.kind === 'copy' && value.key === value.root && this.isLocal(value.key) && target.root !== null && this.input.cfg.parameters.includes(target.root) && target.shape !== 'variable';
    if (value.kind === 'copy') {
      // `jit_data->ctx = ctx` copies the structure, and with it the pointer ctx.offset holds.
      const member = (name: string): boolean => name.startsWith(`${value.key}.`) && !name.includes('->', value.key.length);
      for (const holding of state.holdings) {
        // A local copy `q = obj` also names what obj holds through its fields (`q->ref` for kref_get(&obj->ref));
        // storing obj somewhere does not hand that reference on.
        if (holding.names.some((name) => name === value.key || (local && rootOfName(name) === value.key) || member(name))) carried.add(holding.site);
        // `try_module_get(client->dev.driver->owner); port->client = client;`: the reference on the
        // module behind a local object goes with the object, whose teardown drops it.
        else if (!local && this.sites[holding.site].kind === 'module' && this.isLocal(value.key) && holding.names.some((name) => name !== value.key && rootOfName(name) === value.key)) carried.add(holding.site);
        else if (!local && holding.tiedTo?.includes(value.key) === true) carried.add(holding.site);
        // `kref_get(&gw->refcount); claim->backbone_gw = gw;`: the reference just taken is the stored pointer's.
        else if (!local && target.field !== null && this.takenJustBefore(node, holding, value.key)) paired.add(holding.site);
      }
    } else if (value.kind === 'other') {
      // `x->parent = &dev->dev` stores dev, not what dev->irq names.
      const member = value.memberAddress;
      const carries = (name: string): boolean =>
        member !== undefined
          ? name === member || name === rootOfName(member) || member.startsWith(`${name}->`) || member.startsWith(`${name}.`)
          : value.mentions.includes(name) || value.mentions.includes(rootOfName(name));
      for (const holding of state.holdings) {
        if (holding.names.some(carries)) carried.add(holding.site);
      }
    }
    // `d = ovl_lookup_or_create(ofs, d, name)`: the call sees the old value of d (and may drop it)
    // before d names the result. Acquires keep their order: their result is what the target names.
    const passesTarget =
      value.kind === 'call' &&
      value.call.args.some((argument) => argument.key === target.key) &&
      acquireApi(value.call.name) === undefined &&
      this.input.summaries.acquireOf(value.call.name) === null &&
      this.starterOf(value.call.name) === null;
    // `np = of_get_next_parent(np)`: the call drops what the target held before the target names its result.
    const dropsTarget = value.kind === 'call' ? acquireApi(value.call.name)?.releasesArgument : undefined;
    const before =
      value.kind === 'call' && dropsTarget !== undefined && value.call.args[dropsTarget]?.key === target.key
        ? this.release(state, event.row, value.call.name, (holding, kind) => kind === acquireApi(value.call.name)?.kind && namesMatch(holding, kind, target.key, this.aliases))
        : state;
    let current = passesTarget && value.kind === 'call' ? this.forget(target.key, this.call(value.call, target, before, node), true) : this.forget(target.key, before, true);
    switch (value.kind) {
      case 'call': {
        if (!passesTarget) current = this.call(value.call, target, current, node);
        // `ret = foo_startup(priv)` where every return of foo_startup() is `return 0;`: `if (ret)` is never taken.
        const returns = this.tracked.has(target.key) && acquireApi(value.call.name) === undefined ? this.input.summaries.get(value.call.name)?.returns : undefined;
        if (returns !== undefined && returns !== null) current = { ...current, facts: current.facts.set(target.key, returns) };
        else if (this.tracked.has(target.key) && acquireApi(value.call.name) === undefined && pointerStyle(value.call.name)?.failure === 'err-ptr') {
          current = { ...current, facts: current.facts.set(target.key, NEGATIVE | POSITIVE) };
        }
        break;
      }
      case 'constant':
        if (this.tracked.has(target.key)) current = { ...current, facts: current.facts.set(target.key, value.mask) };
        break;
      case 'copy':
        if (this.tracked.has(target.key) && current.facts.has(value.key)) {
          current = { ...current, facts: current.facts.set(target.key, current.facts.get(value.key)) };
        } else if (this.tracked.has(target.key) && heldThroughMember(state, value.key)) {
          // `get_device(&map->regulator->dev)` held, then `r = map->regulator`: an object held through its member is there.
          current = { ...current, facts: current.facts.set(target.key, POSITIVE) };
        }
        break;
      case 'other': {
        // `addr = new_array ? __pa(new_array) : 0`: addr tests as new_array does.
        const zeroWith = value.zeroWith;
        if (zeroWith !== undefined && target.shape === 'variable' && this.isLocal(target.key) && this.tracked.has(target.key)) {
          const testsAs = (holding: Holding): boolean => holding.statusKey === zeroWith || holding.statusAliases?.includes(zeroWith) === true;
          current = this.updateHoldings(current, (holding) => (testsAs(holding) ? { ...holding, statusAliases: [...(holding.statusAliases ?? []), target.key] } : holding));
        }
        // `hdmi_dev = &hdmi_client->dev`: the address of a member is never NULL, nor is the entry of a list link.
        if ((value.memberAddress !== undefined || value.listEntry === true) && this.tracked.has(target.key)) current = { ...current, facts: current.facts.set(target.key, POSITIVE) };
        // `rdev = to_rio_dev(dev)` where dev is known valid: so is rdev.
        else if (value.conversionOf !== undefined && this.tracked.has(target.key) && current.facts.get(value.conversionOf) === POSITIVE) {
          current = { ...current, facts: current.facts.set(target.key, POSITIVE) };
        }
        break;
      }
      case 'unknown': {
        // `gfp_mask |= __GFP_DIRECT_RECLAIM` sets the flag a later `gfp_mask & __GFP_DIRECT_RECLAIM` tests; `&= ~FLAG` clears it.
        const cleared = value.operator === '&=' && value.operand?.startsWith('~') === true;
        const flag = value.operator === '|=' ? value.operand : cleared ? value.operand?.slice(1) : undefined;
        const flagKey = flag === undefined ? null : `expr:${target.key}&${flag}`;
        if (flagKey !== null && this.tracked.has(flagKey)) current = { ...current, facts: current.facts.set(flagKey, cleared ? ZERO : NEGATIVE | POSITIVE) };
        break;
      }
      default:
        break;
    }
    // `ah->type = MTHCA_AH_ON_HCA;`: later tests and switches of ah->type read this name.
    if (value.kind === 'copy' && isNamedConstant(value) && this.namedKeys().has(target.key)) {
      current = { ...current, cases: [...(current.cases ?? []).filter((other) => other.key !== target.key), { key: target.key, label: value.key, none: [] }] };
    }
    if (paired.size > 0) current = this.updateHoldings(current, (holding) => (paired.has(holding.site) ? { ...holding, handOff: pairedStore(event.row, target) } : holding));
    if (carried.size === 0) return current;
    return this.updateHoldings(current, (holding, kind) => {
      if (!carried.has(holding.site) || holding.released !== null) return holding;
      if (target.root !== null && holding.names.some((name) => rootOfName(name) === target.root)) return holding;
      // `struct device *dev __free(put_device) = pdev ? &pdev->dev : NULL;`: the scope's end lets it go.
      if (local && this.input.cfg.autoManaged.has(target.key)) return { ...holding, released: { row: event.row, via: '__free', byMacro: false } };
      if (local) {
        const aliases = value.kind === 'copy' ? aliasNames(holding.names, value.key, target.key) : [target.key];
        const names = [...holding.names, ...aliases.filter((alias) => !holding.names.includes(alias))];
        const next = names.length === holding.names.length ? holding : { ...holding, names };
        const sameStatus = value.kind === 'copy' && target.shape === 'variable' && holding.statusKey !== null && (holding.statusKey === value.key || holding.statusAliases?.includes(value.key) === true);
        return sameStatus ? { ...next, statusAliases: [...(holding.statusAliases ?? []), target.key] } : next;
      }
      // A count stays the function's when its object is stored (`psc_fifoc_clk = clk`), but the
      // stored name may be what releases it (`clk_disable_unprepare(psc_fifoc_clk)`).
      if (this.isCount(holding) && value.kind === 'copy' && holding.names.includes(value.key) && !holding.names.includes(target.key)) {
        return { ...holding, names: [...holding.names, target.key] };
      }
      const handedOn = HANDED_OFF_BY_STORE.has(kind) || (kind === 'lock' && lockGoesWithObject && value.kind === 'copy' && this.sites[holding.site].names.includes(value.key));
      if (!handedOn || holding.handOff !== null || this.isCount(holding)) return holding;
      // `rpc->intc_of_node = child;`, `private->mutex_dev = &pdev->dev;`: the field names it from
      // here on, also once the local is given another value (a second walk, a second lookup).
      if (holding.names.includes(target.key)) return { ...holding, handOff: { row: event.row, via: 'store', field: target.field, key: target.key, statusKey: null, success: ANY_VALUE } };
      return { ...holding, names: [...holding.names, target.key], handOff: { row: event.row, via: 'store', field: target.field, key: target.key, statusKey: null, success: ANY_VALUE, named: true } };
    });
  }

  /**
   * A key's value is no longer known: an assignment to it (which also renames what it held)
   * or `&key` passed to a call. Acquire results tested through it are settled first.
   */
  private forget(key: string, state: PathState, assignment: boolean): PathState {
    const affected = (candidate: string): boolean =>
      assignment
        ? keyMentions(candidate, key)
        : candidate === key || candidate.startsWith(`${key}->`) || candidate.startsWith(`${key}.`) || candidate.startsWith(`${key}[`);
    const forgotten = [...state.facts.keys()].filter(affected);
    let current = state;
    if (forgotten.length > 0) {
      const facts = state.facts;
      current = this.updateHoldings(current, (holding) => {
        let next = holding;
        const inherited = this.sites[holding.site].inherited !== null;
        if (!inherited && next.statusKey !== null && forgotten.includes(next.statusKey)) {
          if ((facts.get(next.statusKey) & next.success) === 0) return null;
          next = { ...next, statusKey: null };
        }
        const aliases = next.statusAliases;
        if (!inherited && aliases !== undefined && aliases.some((alias) => forgotten.includes(alias))) {
          if (aliases.some((alias) => forgotten.includes(alias) && (facts.get(alias) & next.success) === 0)) return null;
          const kept = aliases.filter((alias) => !forgotten.includes(alias));
          next = { ...next, statusAliases: kept.length > 0 ? kept : undefined };
        }
        const handOff = next.handOff;
        if (handOff !== null && handOff.statusKey !== null && forgotten.includes(handOff.statusKey)) {
          next = { ...next, handOff: (facts.get(handOff.statusKey) & handOff.success) === 0 ? null : { ...handOff, statusKey: null } };
        }
        return next;
      });
      current = { ...current, facts: current.facts.remove(forgotten) };
    }
    if (current.cases?.some((taken) => affected(taken.key)) === true) {
      const cases = current.cases.filter((taken) => !affected(taken.key));
      current = { ...current, cases: cases.length > 0 ? cases : undefined };
    }
    if (!assignment) return current;
    const renamed = (name: string): boolean =>
      name === key || name.startsWith(`${key}->`) || name.startsWith(`${key}.`) || name.startsWith(`${key}[`) || (name.startsWith('#cookie:') && name.endsWith(`:${key}`));
    return this.updateHoldings(current, (holding) => {
      // An inherited obligation is named by what the function's code calls it (`thr_ctx->complete`), not by a value it holds.
      if (!holding.names.some(renamed) || this.sites[holding.site].inherited !== null) return holding;
      const names = holding.names.filter((name) => !renamed(name));
      // Overwritten while held and nothing else names it: cptlint loses track, and says nothing.
      if (names.every((name) => name.startsWith('#cookie:')) && holding.released === null && holding.handOff === null) return null;
      return { ...holding, names };
    });
  }

  private iterate(event: IterateEvent, state: PathState): PathState {
    const macro = iterationMacro(event.macro);
    const siteKey = `iterate:${event.row}:${event.variable}`;
    if (event.phase === 'enter') {
      // `struct device_node __free(device_node) *local_fixups` as the cursor: the scope's end drops what a break leaves.
      if (this.input.cfg.autoManaged.has(event.variable)) return state;
      const site = this.newSite(siteKey, {
        kind: 'reference',
        api: event.macro,
        noun: macro?.noun ?? 'reference',
        release: macro?.release ?? 'of_node_put()',
        row: event.row,
        column: 0,
        names: [event.variable],
        inherited: null,
        iteration: true,
      });
      const holdings = state.holdings.filter((holding) => holding.site !== site);
      holdings.push({ site, names: [event.variable], statusKey: null, success: ANY_VALUE, released: null, handOff: null, skippedRelease: null });
      holdings.sort((a, b) => a.site - b.site);
      const facts = this.tracked.has(event.variable) ? state.facts.set(event.variable, POSITIVE) : state.facts;
      return { ...state, facts, holdings };
    }
    const site = this.siteByKey.get(siteKey);
    let current = state;
    if (site !== undefined) {
      current = this.updateHoldings(current, (holding) =>
        holding.site === site && holding.released === null ? { ...holding, released: { row: event.row, via: event.macro, byMacro: true } } : holding,
      );
    }
    return this.tracked.has(event.variable) ? { ...current, facts: current.facts.set(event.variable, ZERO) } : current;
  }
}

/**
 * The holding is what the argument passes: `p`, `&p->list` (p), `&info` (what `info.np`
 * keeps); with `withFields`, also what the object keeps in its fields when a member of it is
 * passed (`&obj->node` put on a list takes the kref in `obj->ref` along); a field's value
 * (`chip->dev` given as a parent device) is another object and takes nothing of `chip` along.
 */
/** The function's name names the variable it is given (`nfs_release_request(req)`, `foo_put(foo)`). */
function namesItsArgument(name: string, variable: string): boolean {
  // `batadv_hardif_put(hard_iface)`: the words run together.
  const lower = variable.toLowerCase().replace(/_/g, '');
  if (lower.length < 3) return false;
  return name
    .toLowerCase()
    .split('_')
    .some((word) => word.length >= 3 && (word.startsWith(lower) || lower.startsWith(word)));
}

/** The caller's name for what a helper reaches through its parameter: `priv` and `->clk` give `priv->clk`, `&ctx` gives `ctx.clk`. */
function throughPath(argument: ArgumentInfo, path: string): string {
  if (path === '') return argument.key;
  return argument.addressOfVariable || argument.addressOfMember ? `${argument.key}.${path.replace(/^(?:->|\.)/, '')}` : `${argument.key}${path}`;
}

/** A wrapper's acquire as its callers see it: the wrapped row, carried and failing the wrapper's way. */
function wrapperApi(wrapped: WrappedAcquire): AcquireApi {
  return { ...wrapped.api, carrier: wrapped.carrier, failure: wrapped.failure, returnsCarrier: wrapped.returnsCarrier };
}

function holdingPassed(holding: Holding, argument: ArgumentInfo, withFields = false): boolean {
  if (holding.names.includes(argument.key)) return true;
  const root = argument.root;
  if (root === null) return false;
  return holding.names.some(
    (name) =>
      name === root ||
      (rootOfName(name) === root && ((argument.addressOfVariable && /^\w+\./.test(name)) || (withFields && argument.addressOfMember))),
  );
}

/** The key of the query a setter call decides (`call:pm_runtime_enabled(zdev->dev)` for `pm_runtime_enable(zdev->dev)`), with its answer. */
function stateQueryKey(event: CallEvent): { key: string; value: ValueMask } | null {
  const setter = stateSetterApi(event.name);
  const argument = event.args[0];
  if (setter === undefined || argument === undefined || event.args.length !== 1) return null;
  const written = `${argument.addressOfMember || argument.addressOfVariable ? '&' : ''}${argument.key}`;
  return { key: `call:${setter.query}(${written})`, value: setter.answer };
}

/** How many keys given named constants a path remembers (ResourceEngine.namedKeys()), and how many names each may be given. */
const MAX_NAMED_KEYS = 2;
const MAX_NAMES_PER_KEY = 3;

/** A value that is a named constant (`MTHCA_AH_ON_HCA`), read as a copy of that name. */
function isNamedConstant(value: AssignEvent['value']): boolean {
  return value.kind === 'copy' && value.key === value.root && /^[A-Z][A-Z0-9_]*$/.test(value.key);
}

/**
 * The path through the `index`th way out of a switch on `cases.key`: null where an earlier switch
 * on the same unchanged key took another case, else the state that remembers this one.
 */
function takeCase(state: PathState, cases: NonNullable<CfgNode['cases']>, index: number): PathState | null {
  const label = cases.labels[index] ?? null;
  const labels = cases.labels.filter((other): other is string => other !== null);
  const known = state.cases?.find((taken) => taken.key === cases.key);
  if (known !== undefined) {
    if (known.label !== null) return (label === null ? !labels.includes(known.label) : label === known.label) ? state : null;
    if (label !== null && known.none.includes(label)) return null;
  }
  const taken: CaseTaken = label !== null ? { key: cases.key, label, none: [] } : { key: cases.key, label: null, none: [...new Set([...(known?.none ?? []), ...labels])] };
  return { ...state, cases: [...(state.cases ?? []).filter((other) => other.key !== cases.key), taken] };
}

/**
 * The hand-off of a get paired with the store next to it: the stored pointer's owner puts it, often
 * in another file, so "stored in ->field and never put in this patch" is not asked of it (no field).
 */
function pairedStore(row: number, target: AssignTarget): HandOff {
  return { row, via: 'store', field: null, key: target.key, statusKey: null, success: ANY_VALUE, ...(target.root === null ? {} : { holder: target.root }) };
}

function predecessorsOf(cfg: Cfg): Map<number, number[]> {
  const predecessors = new Map<number, number[]>();
  for (const node of cfg.nodes) for (const next of new Set(node.successors)) predecessors.set(next, [...(predecessors.get(next) ?? []), node.id]);
  return predecessors;
}

/** A key with its member steps written alike (`a.b->c` as `a->b->c`), to match a path reached through an address. */
function sameStep(key: string): string {
  return key.replaceAll('.', '->');
}

/** The name a cookie gives what an API took (`#cookie:request_irq:ad`). */
function cookieName(api: string, cookie: string): string {
  return `#cookie:${api}:${cookie}`;
}

/** The names a copy `target = source` adds: `target` for `source`, `target->ref` for `source->ref`. */
function aliasNames(names: readonly string[], source: string, target: string): string[] {
  const aliases: string[] = [];
  for (const name of names) {
    if (name === source) aliases.push(target);
    else if (rootOfName(name) === source) aliases.push(target + name.slice(source.length));
  }
  return aliases.length > 0 ? aliases : [target];
}

export function categoryOfMask(mask: ValueMask, returnKind: ReturnKind): ExitCategory {
  if (mask === 0 || mask === ANY_VALUE) return 'unknown';
  switch (returnKind) {
    case 'pointer':
      if ((mask & POSITIVE) === 0) return 'error';
      return mask === POSITIVE ? 'success' : 'unknown';
    case 'bool':
      return mask === ZERO ? 'error' : (mask & ZERO) === 0 ? 'success' : 'unknown';
    case 'int':
    case 'void':
      if ((mask & ZERO) === 0) return 'error';
      return (mask & NEGATIVE) === 0 ? 'success' : 'unknown';
  }
}

/**
 * Keys worth remembering on a path: the results of acquires and thread starts (what their
 * tests are about), keys tested by a branch and read again later (a return, another test),
 * and loop iteration variables. Others would only multiply states.
 */
function trackedKeys(cfg: Cfg, summaries: FunctionSummaries, mined?: MinedApis | null): Set<string> {
  const tracked = new Set<string>();
  const allocated: string[] = [];
  for (const node of cfg.nodes) {
    for (const event of node.events) {
      if (event.type === 'iterate') tracked.add(event.variable);
      const call = callOfEvent(event);
      if (call === null) continue;
      const acquire = acquireApi(call.name) ?? mined?.acquire(call.name);
      const wrapped = acquire === undefined ? summaries.acquireOf(call.name) : null;
      const starts = threadStarterApi(call.name) !== undefined || summaries.forwardingOf(call.name) !== null;
      const returnsCarrierTested = acquire?.returnsCarrier === true && cfg.testedKeys.has(event.type === 'assign' ? event.target.key : call.valueKey);
      if (event.type === 'assign' && acquire?.kind === 'memory') allocated.push(event.target.key);
      if ((acquire !== undefined && acquire.failure !== 'never') || (wrapped !== null && wrapped.failure !== 'never') || starts || returnsCarrierTested) {
        tracked.add(event.type === 'assign' ? event.target.key : call.valueKey);
      }
      // `interpreter = open_exec(name)` ... `if (interpreter)`: an ERR_PTR()-only result past its IS_ERR() is never NULL.
      if (event.type === 'assign' && acquire === undefined && event.target.shape === 'variable' && cfg.testedKeys.has(event.target.key) && pointerStyle(call.name)?.failure === 'err-ptr') {
        tracked.add(event.target.key);
      }
      // `if (drv->probe(clink, id) >= 0)`: an operation whose success decides where what it was given went (otherCall()).
      const resultKey = event.type === 'assign' ? event.target.key : call.valueKey;
      if (acquire === undefined && isOperation(call.name) && cfg.testedKeys.has(resultKey)) tracked.add(resultKey);
      // `array = dma_fence_array_create(num, fences, ...)` ... `if (!array)`: the result tells whether it took them.
      const handOff = handOffApi(call.name);
      if (handOff !== undefined && (handOff.failure !== undefined || handOff.keepsName !== undefined) && cfg.testedKeys.has(resultKey)) tracked.add(resultKey);
      // `if (foo_build_chain(req))` where every return of foo_build_chain() is `return 0;`: never taken.
      if (event.type === 'call' && acquire === undefined && cfg.testedKeys.has(call.valueKey) && summaries.returnsOf(call.name) !== null) tracked.add(call.valueKey);
      // `ring = dma_alloc_coherent(...)` ... `if (!ring || (unsigned long)ring & 0xFF)`: the buffer is page-aligned.
      if (event.type === 'assign' && PAGE_ALIGNED_ALLOCATORS.has(call.name) && cfg.testedKeys.has(misalignedKey(event.target.key))) tracked.add(misalignedKey(event.target.key));
      // `of_node_get(np)` ... `while (np)`: the test tells whether a reference was taken.
      const carrier = acquire !== undefined && (acquire.failure === 'never' || acquire.returnsCarrier === true) && typeof acquire.carrier === 'number' ? call.args[acquire.carrier]?.key : undefined;
      if (carrier !== undefined && cfg.testedKeys.has(carrier)) tracked.add(carrier);
      const given = acquire?.nullGivenNull === undefined ? undefined : call.args[acquire.nullGivenNull]?.key;
      if (given !== undefined && cfg.testedKeys.has(given)) tracked.add(given);
    }
  }
  // `pm_runtime_enable(dev)` ... `if (!pm_runtime_enabled(dev))`: what the function set is what it tests.
  for (const node of cfg.nodes) {
    for (const event of node.events) {
      const query = event.type === 'call' ? stateQueryKey(event) : null;
      if (query !== null && cfg.testedKeys.has(query.key)) tracked.add(query.key);
    }
  }
  // A configuration tested twice (`#ifdef CONFIG_X` around a get and around its put) is one choice.
  for (const [key, count] of cfg.testedKeys) if (isPreprocessorKey(key) && count > 1) tracked.add(key);
  // A local copy of an acquire's result (`buf = cs = kmalloc()`) may be what the code tests.
  for (const node of cfg.nodes) {
    for (const event of node.events) {
      if (event.type === 'assign' && event.value.kind === 'copy' && event.target.shape === 'variable' && tracked.has(event.value.key)) tracked.add(event.target.key);
      // `addr = new_array ? __pa(new_array) : 0;` ... `if (!addr)`: tests the allocation.
      else if (event.type === 'assign' && event.value.kind === 'other' && event.value.zeroWith !== undefined && tracked.has(event.value.zeroWith) && event.target.shape === 'variable') tracked.add(event.target.key);
      // `rpc->intc_of_node = child; break;` ... `if (!rpc->intc_of_node)`: the field the walk's node is kept in, tested after it.
      else if (event.type === 'assign' && event.value.kind === 'copy' && tracked.has(event.value.key) && cfg.testedKeys.has(event.target.key)) tracked.add(event.target.key);
    }
  }
  // A key tested once still matters when the function sets it to a constant (a flag) or returns it.
  const readAgain = new Set<string>();
  for (const node of cfg.nodes) {
    if (node.returnValue?.kind === 'key') readAgain.add(node.returnValue.key);
    for (const event of node.events) if (event.type === 'assign' && event.value.kind === 'constant') readAgain.add(event.target.key);
  }
  // A parameter the function never assigns is one value all along, also where a `goto again`
  // tests it a second time (test_add_free_space_entry()'s `bitmap`): tracked where it is tested
  // between the label and the goto that jumps back to it.
  const retested = new Set<string>();
  const backJumps = cfg.nodes.flatMap((node) => (node.kind === 'goto' ? node.successors.filter((next) => cfg.nodes[next].row < node.row).map((next) => [cfg.nodes[next].row, node.row]) : []));
  if (backJumps.length > 0) {
    const assigned = new Set<string>();
    for (const node of cfg.nodes) for (const event of node.events) if (event.type === 'assign' || event.type === 'kill') assigned.add(event.type === 'assign' ? event.target.key : event.key);
    for (const node of cfg.nodes) {
      const key = node.kind === 'branch' && node.atom?.kind === 'test' ? node.atom.key : null;
      if (key !== null && cfg.parameters.includes(key) && !assigned.has(key) && backJumps.some(([from, to]) => from <= node.row && node.row <= to)) retested.add(key);
    }
  }
  for (const [key, count] of cfg.testedKeys) {
    if (count >= 2 || readAgain.has(key) || retested.has(key)) tracked.add(key);
    // `if (sock_table != orig_sock_table)` where sock_table may be new memory, which equals no other pointer.
    else if (allocated.some((name) => comparesForEquality(key, name))) tracked.add(key);
  }
  // `found = nvdimm_bus;` ... `if (!found)`: what the tested copy was given tells what the test says.
  for (const node of cfg.nodes) {
    for (const event of node.events) {
      if (event.type === 'assign' && event.value.kind === 'copy' && event.target.shape === 'variable' && tracked.has(event.target.key)) tracked.add(event.value.key);
    }
  }
  // What a function returns, when it sets it to a constant (`err = -ENODEV; goto out_unlock;`):
  // it tells an error exit from a success exit.
  for (const node of cfg.nodes) {
    if (node.returnValue?.kind !== 'key') continue;
    const key = node.returnValue.key;
    if (cfg.nodes.some((other) => other.events.some((event) => event.type === 'assign' && event.target.key === key && event.value.kind === 'constant'))) tracked.add(key);
  }
  return tracked;
}

/** Whether anything in the function could be held: an acquire, a for_each loop, or an inherited obligation. */
function mayHold(input: EngineInput): boolean {
  if (input.inherited.length > 0) return true;
  for (const node of input.cfg.nodes) {
    for (const event of node.events) {
      if (event.type === 'iterate') return true;
      const call = callOfEvent(event);
      if (call !== null && ((acquireApi(call.name) ?? input.mined?.acquire(call.name)) !== undefined || input.summaries.acquireOf(call.name) !== null)) return true;
    }
  }
  return false;
}

/** Walk every path of a function and record what each exit holds. */
export function analyseFunction(input: EngineInput): FunctionAnalysis {
  if (!mayHold(input)) return { name: input.cfg.functionName, cfg: input.cfg, sites: [], exits: [], complete: true, visits: 0 };
  const engine = new ResourceEngine(input);
  const outcome = walkPaths(input.cfg, engine.initialState(), engine, input.budget ?? DEFAULT_VISIT_BUDGET);
  return {
    name: input.cfg.functionName,
    cfg: input.cfg,
    sites: engine.sites,
    exits: engine.exits,
    complete: outcome.complete,
    visits: outcome.visits,
  };
}
