/**
 * The acquire/release pairs mined from the kernel tree (src/facts: `tipc_node_get()` /
 * `tipc_node_put()`, `nfp_app_alloc()` / `nfp_app_free()`, `adis_dev_lock()` /
 * `adis_dev_unlock()`), as entries of the API table (resources.ts) for one function.
 *
 * A mined pair is an obligation only in a function that calls its release itself: such a
 * function says it owns what the acquire gave, and an exit that leaves it held while another
 * released it is the "inconsistent" leak (leaks.ts). A function that never calls the release
 * may hand the object to a caller or a framework cptlint cannot see, so the mined pairs never
 * make a "never released" finding. The hand table wins where both know an API.
 */
import { kernelFacts, kernelIntegerFacts, type PairFact, type PointerConvention } from '../../facts/kernel-facts.js';
import { acquireApi, releaseApi, uniformAcquire, uniformRelease, type AcquireApi, type FailureStyle, type ReleaseApi, type ResourceKind } from './resources.js';

/** The mined pairs a function calls both halves of, looked up as the table's are. */
export interface MinedApis {
  acquire(name: string): AcquireApi | undefined;
  release(name: string): ReleaseApi | undefined;
}

/** The families the miner pairs by name, by the release's suffix: what is held, and its noun. */
const FAMILIES: Record<string, { kind: ResourceKind; noun: string }> = {
  put: { kind: 'reference', noun: 'reference' },
  free: { kind: 'memory', noun: 'allocation' },
  destroy: { kind: 'memory', noun: 'object' },
  unregister: { kind: 'reference', noun: 'registration' },
  disable: { kind: 'reference', noun: 'enable count' },
  unprepare: { kind: 'reference', noun: 'prepare count' },
  unlock: { kind: 'lock', noun: 'lock' },
  exit: { kind: 'reference', noun: 'initialisation' },
};

const RELEASE_SUFFIX = new RegExp(`_(${Object.keys(FAMILIES).join('|')})$`);
/**
 * The end of a called name of a release's form (`_put(`, `_free (`): only those are matched (a match object for every
 * call of a file was most of the cost), and the name is read back from there (a search that tried every position of
 * the text as the start of a name was most of what remained).
 */
const CALLED_RELEASE_SUFFIX = new RegExp(`_(?:${Object.keys(FAMILIES).join('|')})(?=\\s*\\()`, 'g');

function isWordCode(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

/** The called names of a release's form in `text`: a C identifier ending in a family's suffix, called, and not a member (`.x_put(`, `->x_put(`). */
function calledReleaseNames(text: string): string[] {
  const names: string[] = [];
  CALLED_RELEASE_SUFFIX.lastIndex = 0;
  for (let match = CALLED_RELEASE_SUFFIX.exec(text); match !== null; match = CALLED_RELEASE_SUFFIX.exec(text)) {
    const end = match.index + match[0].length;
    let start = match.index;
    while (start > 0 && isWordCode(text.charCodeAt(start - 1))) start--;
    const first = text.charCodeAt(start);
    const before = start > 0 ? text[start - 1] : '';
    // A name has at least one character before the suffix and starts with a letter or `_`.
    if (start === match.index || (first >= 48 && first <= 57) || before === '$' || before === '.' || before === '>') continue;
    names.push(text.slice(start, end));
  }
  return names;
}

/** How a mined acquire tells failure: a returned pointer by the tree's convention; an argument's status by its errno. */
const POINTER_FAILURE: Record<PointerConvention, FailureStyle> = { err: 'err-ptr', null: 'null', both: 'err-ptr-or-null', ok: 'never' };

function failureOf(pair: PairFact): FailureStyle {
  // An int-returning lock (`if (tty_write_lock(tty, false) < 0)`) fails with an errno; a void one's value is never tested;
  // a bool one (`if (!xt_percpu_counter_alloc(state, &e->counters))`) returns false when it took nothing.
  if (pair.carrier !== 'return') return kernelIntegerFacts().integerConvention(pair.acquire) === 'bool' ? 'false' : 'errno';
  const convention = kernelFacts().pointerConvention(pair.acquire);
  return convention === undefined ? 'err-ptr-or-null' : POINTER_FAILURE[convention];
}

let pairsByRelease: Map<string, PairFact[]> | null = null;

function minedPairsReleasedBy(release: string): readonly PairFact[] {
  if (pairsByRelease === null) {
    pairsByRelease = new Map();
    for (const pair of kernelFacts().pairs) {
      const list = pairsByRelease.get(pair.release) ?? [];
      list.push(pair);
      pairsByRelease.set(pair.release, list);
    }
  }
  return pairsByRelease.get(release) ?? [];
}

/** Names called in `text` that could be a mined pair's release (a family suffix the hand table does not know): no facts read. */
function releaseCandidates(text: string): string[] {
  const names = new Set<string>();
  for (const name of calledReleaseNames(text)) if (releaseApi(name) === undefined) names.add(name);
  return [...names];
}

/**
 * The mined pairs whose acquire and release `text` (a function's, or a file's shown lines) both
 * call, the hand table's acquires left out; null when there are none. The facts are read only
 * when `text` calls a name of a release's form the hand table does not know.
 */
export function minedApisIn(text: string): MinedApis | null {
  const candidates = releaseCandidates(text);
  if (candidates.length === 0) return null;
  const acquires = new Map<string, AcquireApi>();
  const releases = new Map<string, ReleaseApi>();
  for (const release of candidates) {
    for (const pair of minedPairsReleasedBy(release)) {
      if (acquireApi(pair.acquire) !== undefined || !new RegExp(`(?<![\\w$.>])${pair.acquire}\\s*\\(`).test(text)) continue;
      const family = FAMILIES[RELEASE_SUFFIX.exec(release)?.[1] ?? ''];
      // A reference taken on an object the function was given (`kernfs_get(kn)`, `path_get(&f->f_path)`)
      // is often dropped by whoever holds the object, through callbacks the paths do not show.
      if (family === undefined || (family.kind === 'reference' && family.noun === 'reference' && pair.carrier !== 'return')) continue;
      acquires.set(
        pair.acquire,
        uniformAcquire({ name: pair.acquire, kind: family.kind, carrier: pair.carrier, failure: failureOf(pair), noun: family.noun, release: `${release}()`, mined: true }),
      );
      releases.set(release, uniformRelease({ name: release, kind: family.kind, carrier: pair.releaseArg }));
    }
  }
  if (acquires.size === 0) return null;
  return { acquire: (name) => acquires.get(name), release: (name) => releases.get(name) };
}
