/**
 * Facts about the kernel's functions, mined from a release tree by `npm run facts`
 * (src/facts/mine/) and shipped as data/kernel-facts.json: how a function returning a pointer
 * fails, which functions never return, and acquire/release pairs with their evidence.
 *
 * Loaded on first use, once per process: a review whose rules never ask pays nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * - err: fails with an ERR_PTR(), never NULL;
 * - null: fails with NULL, never an ERR_PTR();
 * - both: can return either;
 * - ok: never fails (every return is a valid pointer).
 */
export type PointerConvention = 'err' | 'null' | 'both' | 'ok';

/** Why a pair was kept. */
export type PairEvidence = 'doc' | 'refcount' | 'memory' | 'lock' | 'wraps';

export interface PairFact {
  acquire: string;
  release: string;
  /** What carries the object: the acquire's returned pointer or its argument at this index. */
  carrier: 'return' | number;
  /** The release's argument that takes the object. */
  releaseArg: number;
  evidence: PairEvidence;
}

/** The file's layout (version 1): names grouped per convention, space-separated. */
export interface KernelFactsFile {
  format: 1;
  generator: string;
  kernel: string;
  /** Per convention, the names, sorted and joined with single spaces. */
  pointer: Record<PointerConvention, string>;
  /** noreturn functions: declared so, and found to end every path in one. */
  noreturn: { declared: string; derived: string };
  /** [acquire, release, carrier ('r' or the argument index), release argument, evidence]. */
  pairs: [string, string, 'r' | number, number, PairEvidence][];
}

/**
 * - errno: a negative errno can come out of it (0/-errno, or a count/-errno): `< 0` is failure;
 * - bool: it returns only 0/1/true/false.
 */
export type IntegerConvention = 'errno' | 'bool';

/**
 * The integer conventions, in a file of their own (data/kernel-facts-integer.json, generator
 * facts-2 on): 44,000 names, five times the rest, read only by the rule that asks.
 */
export interface IntegerFactsFile {
  format: 1;
  generator: string;
  kernel: string;
  /** Per convention, the names, sorted and joined with single spaces. */
  integer: Record<IntegerConvention, string>;
}

export interface KernelFacts {
  kernel: string;
  generator: string;
  pointerConvention(name: string): PointerConvention | undefined;
  isNoreturn(name: string): boolean;
  pairOf(acquire: string): PairFact | undefined;
  /** Every function of the given convention (tests and checks of the hand tables). */
  namesWith(convention: PointerConvention): readonly string[];
  readonly pairs: readonly PairFact[];
  /** How long reading and indexing the file took, in milliseconds. */
  loadMilliseconds: number;
}

const DATA_FILE = join('data', 'kernel-facts.json');
const INTEGER_DATA_FILE = join('data', 'kernel-facts-integer.json');
const OWNERSHIP_DATA_FILE = join('data', 'kernel-facts-ownership.json');

/** A data file, found upward from this module (src/facts in a clone, dist/src/facts when built). */
function dataPath(file = DATA_FILE): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(directory, file);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`${file} not found above ${dirname(fileURLToPath(import.meta.url))}`);
    directory = parent;
  }
}

/**
 * Whether `name` is one of the names of `list` (sorted in code-unit order, as JSON.stringify of
 * a sorted array of strings joined with single spaces): a binary search on the text itself, so
 * that loading the facts builds no index (about 8,500 names: splitting them and filling a Map
 * took longer than reading and parsing the file; a lookup is ~14 steps).
 */
function inSortedList(list: string, name: string): boolean {
  // [low, high) always starts at a word's first character and ends at a space or the end.
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const start = list.lastIndexOf(' ', middle - 1) + 1;
    const space = list.indexOf(' ', start);
    const end = space < 0 || space > high ? high : space;
    const word = list.slice(start, end);
    if (word === name) return true;
    if (name < word) high = start - 1;
    else low = end + 1;
  }
  return false;
}

const CONVENTIONS = ['err', 'null', 'both', 'ok'] as const;

export function factsFromFile(file: KernelFactsFile, loadMilliseconds = 0): KernelFacts {
  if (file.format !== 1) throw new Error(`kernel facts: unknown format ${String(file.format)}`);
  const split = (text: string): string[] => (text === '' ? [] : text.split(' '));
  const lists = new Map<PointerConvention, readonly string[]>();
  let noreturn: Set<string> | null = null;
  let pairs: PairFact[] | null = null;
  let pairByAcquire: Map<string, PairFact> | null = null;
  const allPairs = (): PairFact[] =>
    (pairs ??= file.pairs.map(([acquire, release, carrier, releaseArg, evidence]) => ({
      acquire,
      release,
      carrier: carrier === 'r' ? 'return' : carrier,
      releaseArg,
      evidence,
    })));
  // Everything past the lookups of single names is built on first use.
  return {
    kernel: file.kernel,
    generator: file.generator,
    pointerConvention: (name) => CONVENTIONS.find((convention) => inSortedList(file.pointer[convention], name)),
    isNoreturn: (name) => (noreturn ??= new Set([...split(file.noreturn.declared), ...split(file.noreturn.derived)])).has(name),
    pairOf: (acquire) => (pairByAcquire ??= new Map(allPairs().map((pair) => [pair.acquire, pair]))).get(acquire),
    namesWith: (convention) => {
      let names = lists.get(convention);
      if (names === undefined) lists.set(convention, (names = split(file.pointer[convention])));
      return names;
    },
    get pairs() {
      return allPairs();
    },
    loadMilliseconds,
  };
}

let loaded: KernelFacts | null = null;

/** The shipped facts, read on the first call. */
export function kernelFacts(): KernelFacts {
  if (loaded === null) {
    const start = performance.now();
    const facts = factsFromFile(JSON.parse(readFileSync(dataPath(), 'utf8')) as KernelFactsFile);
    facts.loadMilliseconds = performance.now() - start;
    loaded = facts;
  }
  return loaded;
}

/** Whether the facts were read in this process (the pre-commit path must not read them for nothing). */
export function kernelFactsLoaded(): boolean {
  return loaded !== null;
}

export interface IntegerFacts {
  kernel: string;
  generator: string;
  integerConvention(name: string): IntegerConvention | undefined;
  /** How long reading and indexing the file took, in milliseconds. */
  loadMilliseconds: number;
}

export function integerFactsFromFile(file: IntegerFactsFile, loadMilliseconds = 0): IntegerFacts {
  if (file.format !== 1) throw new Error(`kernel integer facts: unknown format ${String(file.format)}`);
  // 44,000 names: searched in the sorted text as the pointer conventions are, no index built.
  // Asked again for every call of the same name (missing-error-code's failsWithErrno()): answered once per name.
  const answers = new Map<string, IntegerConvention | null>();
  const integerConvention = (name: string): IntegerConvention | undefined => {
    let convention = answers.get(name);
    if (convention === undefined) {
      convention = inSortedList(file.integer.errno, name) ? 'errno' : inSortedList(file.integer.bool, name) ? 'bool' : null;
      answers.set(name, convention);
    }
    return convention ?? undefined;
  };
  return { kernel: file.kernel, generator: file.generator, integerConvention, loadMilliseconds };
}

/** A function's locks: annotated (`__acquires(x)` as written, `&` dropped), or mined from its body (`0->lock`: through parameter 0; `=name`: a global; `rcu`, `rcu_bh`, `rtnl`). */
export interface LockFact {
  acquires?: string[];
  releases?: string[];
  mustHold?: string[];
  /** (Under `file#name`.) Every success exit of the definition holds one of these, taken by the function. */
  held?: string[];
  /** Every definition lets these go on every path, and never takes them: its caller held them. */
  dropped?: string[];
}

/**
 * What a function does with an argument it takes: frees it (itself or through a release callback),
 * keeps it (a store, a list), or puts a count inside it through a release the miner cannot follow
 * (`kref_put(&ce->ref, ce->ops->destroy)`).
 */
export type TakenArgument = 'free' | 'store' | 'list' | 'put';

/** The ownership facts (data/kernel-facts-ownership.json, generator facts-3 on). */
export interface OwnershipFactsFile {
  format: 1;
  generator: string;
  kernel: string;
  /** By name; `held` by `file#name` (per definition). */
  locks: Record<string, LockFact>;
  /** Release callbacks (`file#name` for a static one): [how it was handed over, what it frees of its argument]. */
  callbacks: Record<string, [string, 'container' | 'argument' | 'none']>;
  /** Functions that take ownership of an argument: [argument index, how]. */
  takes: Record<string, [number, TakenArgument][]>;
  /** Device-managed functions (devm_*, pcim_*, drmm_* and their wrappers), sorted, space-separated. */
  managed: string;
}

export interface OwnershipFacts {
  kernel: string;
  generator: string;
  /** The lock facts of a function: its name, or a static one's `file#name`. */
  locks(name: string): LockFact | undefined;
  /** The arguments a function takes ownership of. */
  takes(name: string): readonly [number, TakenArgument][] | undefined;
  callback(name: string): readonly [string, 'container' | 'argument' | 'none'] | undefined;
  isManaged(name: string): boolean;
  loadMilliseconds: number;
}

export function ownershipFactsFromFile(file: OwnershipFactsFile, loadMilliseconds = 0): OwnershipFacts {
  if (file.format !== 1) throw new Error(`kernel ownership facts: unknown format ${String(file.format)}`);
  const own = <T>(record: Record<string, T>, name: string): T | undefined => (Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined);
  return {
    kernel: file.kernel,
    generator: file.generator,
    locks: (name) => own(file.locks, name),
    takes: (name) => own(file.takes, name),
    callback: (name) => own(file.callbacks, name),
    isManaged: (name) => inSortedList(file.managed, name),
    loadMilliseconds,
  };
}

let ownershipLoaded: OwnershipFacts | null = null;

/** The shipped ownership facts, read on the first call (apart from the other facts). */
export function kernelOwnershipFacts(): OwnershipFacts {
  if (ownershipLoaded === null) {
    const start = performance.now();
    const file = JSON.parse(readFileSync(dataPath(OWNERSHIP_DATA_FILE), 'utf8')) as OwnershipFactsFile;
    ownershipLoaded = ownershipFactsFromFile(file, 0);
    ownershipLoaded.loadMilliseconds = performance.now() - start;
  }
  return ownershipLoaded;
}

/** Whether the ownership facts were read in this process. */
export function kernelOwnershipFactsLoaded(): boolean {
  return ownershipLoaded !== null;
}

let integerLoaded: IntegerFacts | null = null;

/** The shipped integer conventions, read on the first call (apart from the other facts). */
export function kernelIntegerFacts(): IntegerFacts {
  if (integerLoaded === null) {
    const start = performance.now();
    const file = JSON.parse(readFileSync(dataPath(INTEGER_DATA_FILE), 'utf8')) as IntegerFactsFile;
    integerLoaded = integerFactsFromFile(file, 0);
    integerLoaded = { ...integerLoaded, loadMilliseconds: performance.now() - start };
  }
  return integerLoaded;
}

/**
 * The structures the shared headers of the tree define (data/kernel-core-structs.json, written by
 * `npm run facts:core-structs -- KERNEL_TREE`, src/facts/mine/core-structs.ts): core code's objects.
 */
export interface CoreStructsFile {
  format: 1;
  generator: string;
  /** How the file was made. */
  command: string;
  kernel: string;
  /** The folders read (under the tree's root). */
  folders: string[];
  /** The tags, sorted and joined with single spaces. */
  structs: string;
}

const CORE_STRUCTS_DATA_FILE = join('data', 'kernel-core-structs.json');

let coreStructsLoaded: CoreStructsFile | null = null;
let coreStructsMilliseconds = 0;

/** Whether `struct tag` is defined in the kernel's shared headers (the file is read on the first question). */
export function isCoreStruct(tag: string): boolean {
  if (coreStructsLoaded === null) {
    const start = performance.now();
    const file = JSON.parse(readFileSync(dataPath(CORE_STRUCTS_DATA_FILE), 'utf8')) as CoreStructsFile;
    if (file.format !== 1) throw new Error(`kernel core structures: unknown format ${String(file.format)}`);
    coreStructsLoaded = file;
    coreStructsMilliseconds = performance.now() - start;
  }
  return inSortedList(coreStructsLoaded.structs, tag);
}

/** How long reading the core structures took, or null when nothing asked yet. */
export function coreStructsLoadMilliseconds(): number | null {
  return coreStructsLoaded === null ? null : coreStructsMilliseconds;
}
