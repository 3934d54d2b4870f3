import { readFileSync } from 'node:fs';
import {
  kernelFacts,
  kernelFactsLoaded,
  kernelOwnershipFacts,
  factsFromFile,
  ownershipFactsFromFile,
  type KernelFactsFile,
  type OwnershipFactsFile,
} from '../../src/facts/kernel-facts.js';
import { RETURN_STYLES, type ReturnStyle } from '../../src/analysis/ownership/return-styles.js';
import { ACQUIRE_APIS, RELEASE_APIS, acquireApi, releaseApi, type AcquireApi } from '../../src/analysis/ownership/resources.js';
import { HAND_NORETURN } from '../../src/analysis/flow/noreturn.js';
import type { FailureStyle } from '../../src/analysis/flow/facts.js';
import { factsLoadRows, measureFactsLoad } from '../../bench/facts-load.js';

describe('the shipped kernel facts', () => {
  it('are read only when first asked', () => {
    expect(kernelFactsLoaded()).toBe(false);
    const facts = kernelFacts();
    expect(kernelFactsLoaded()).toBe(true);
    expect(kernelFacts()).toBe(facts);
  });

  it('say which release and generator they come from', () => {
    const facts = kernelFacts();
    expect(facts.kernel).toMatch(/^6\.1\.\d+$/);
    expect(facts.generator).toMatch(/^facts-\d+$/);
  });

  it('hold the well-known conventions of the tree', () => {
    const facts = kernelFacts();
    expect(facts.pointerConvention('devm_platform_ioremap_resource')).toBe('err');
    expect(facts.pointerConvention('of_get_property')).toBe('null');
    expect(facts.isNoreturn('panic')).toBe(true);
    expect(facts.isNoreturn('printk')).toBe(false);
  });

  it('find every name of every convention, and no other name', () => {
    const file = JSON.parse(readFileSync('data/kernel-facts.json', 'utf8')) as KernelFactsFile;
    const facts = factsFromFile(file);
    const conventions = ['err', 'null', 'both', 'ok'] as const;
    const all = new Set<string>();
    for (const convention of conventions) {
      const names = file.pointer[convention].split(' ');
      expect(facts.namesWith(convention)).toEqual(names);
      for (const name of names) {
        expect([name, facts.pointerConvention(name)]).toEqual([name, convention]);
        all.add(name);
      }
    }
    // Neighbours of real names: longer, shorter, in between, and past both ends of each list.
    const near = [...all].flatMap((name) => [`${name}_`, name.slice(0, -1), `${name.slice(0, -1)}~`, `!${name}`]);
    for (const name of [...near, '', ' ', 'zzzz', 'A', '~']) {
      if (!all.has(name)) expect([name, facts.pointerConvention(name)]).toEqual([name, undefined]);
    }
  });

  it('look names up at the edges of short lists', () => {
    const file = JSON.parse(readFileSync('data/kernel-facts.json', 'utf8')) as KernelFactsFile;
    const facts = factsFromFile({ ...file, pointer: { err: 'b', null: '', both: 'a c', ok: 'a b c d e' } });
    expect(['a', 'b', 'c', 'd', 'e', '', 'aa', 'f', ' '].map((name) => facts.pointerConvention(name))).toEqual(['both', 'err', 'both', 'ok', 'ok', undefined, undefined, undefined, undefined]);
    expect(facts.namesWith('null')).toEqual([]);
    expect(facts.pairOf(file.pairs[0][0])?.release).toBe(file.pairs[0][1]);
    expect(facts.pairs).toHaveLength(file.pairs.length);
  });

  it('reject a file of another format', () => {
    const file = JSON.parse(readFileSync('data/kernel-facts.json', 'utf8')) as KernelFactsFile;
    expect(() => factsFromFile({ ...file, format: 2 as 1 })).toThrow(/format/);
  });
});

/**
 * The hand table (return-styles.ts) against the tree: a name both know must fail the same way.
 * The only tolerated difference is one the table explains (`treeBoth`): a name the tree sees
 * failing both ways, for a reason the text of the tree does not tell (a dummy NULL handle).
 */
function contradiction(style: ReturnStyle): string | null {
  const mined = kernelFacts().pointerConvention(style.name);
  if (mined === undefined) return null;
  const agrees =
    (style.failure === 'err-ptr' && (mined === 'err' || (mined === 'both' && style.treeBoth !== undefined))) ||
    (style.failure === 'null' && (mined === 'null' || (mined === 'both' && style.treeBoth !== undefined))) ||
    (style.failure === 'err-ptr-or-null' && mined === 'both');
  return agrees ? null : `${style.name}: table ${style.failure}, tree ${mined}`;
}

describe('the hand table and the mined facts', () => {
  it('never contradict each other', () => {
    expect(RETURN_STYLES.map(contradiction).filter((found) => found !== null)).toEqual([]);
  });

  it('explain only names the tree sees failing both ways', () => {
    const marked = RETURN_STYLES.filter((style) => style.treeBoth !== undefined);
    expect(marked.length).toBeGreaterThan(0);
    for (const style of marked) expect([style.name, kernelFacts().pointerConvention(style.name)]).toEqual([style.name, 'both']);
  });
});

/** How the tree's pointer conventions read as the acquire table's failure styles. */
const FAILURE_OF_CONVENTION: Record<string, FailureStyle> = { err: 'err-ptr', null: 'null', both: 'err-ptr-or-null', ok: 'never' };

/** An acquire of the hand table (resources.ts) against the tree: its returned pointer's failure, and its pair. */
function acquireContradictions(api: AcquireApi): string[] {
  const found: string[] = [];
  const mined = kernelFacts().pointerConvention(api.name);
  if (api.carrier === 'return' && mined !== undefined && FAILURE_OF_CONVENTION[mined] !== api.failure) {
    found.push(`${api.name}: table fails ${api.failure}, tree ${mined}`);
  }
  const pair = kernelFacts().pairOf(api.name);
  if (pair !== undefined) {
    // The table writes a family's releases as one phrase: 'read_unlock()/write_unlock()'.
    const releases = api.release.split('/').map((release) => release.replace(/\(\)$/, ''));
    if (!releases.includes(pair.release)) found.push(`${api.name}: table releases with ${api.release}, tree with ${pair.release}()`);
    // of_node_get(np) returns np: the tree sees the returned pointer carry it, the table the argument it returns.
    const carrierAgrees = pair.carrier === api.carrier || (pair.carrier === 'return' && api.returnsCarrier === true);
    if (!carrierAgrees) found.push(`${api.name}: table carrier ${String(api.carrier)}, tree ${String(pair.carrier)}`);
  }
  return found;
}

describe('the acquire/release tables and the mined facts', () => {
  it('agree on how a hand-table acquire fails and what releases it', () => {
    expect(ACQUIRE_APIS.flatMap(acquireContradictions)).toEqual([]);
    // Both questions compare something: the tree knows many of the table's acquires.
    expect(ACQUIRE_APIS.filter((api) => api.carrier === 'return' && kernelFacts().pointerConvention(api.name) !== undefined).length).toBeGreaterThan(20);
    expect(ACQUIRE_APIS.filter((api) => kernelFacts().pairOf(api.name) !== undefined).length).toBeGreaterThan(5);
  });

  it('agree on which argument a release takes and which way a pair goes', () => {
    const found: string[] = [];
    for (const pair of kernelFacts().pairs) {
      const release = releaseApi(pair.release);
      if (release !== undefined && typeof release.carrier === 'number' && release.carrier !== pair.releaseArg) {
        found.push(`${pair.release}: table releases argument ${release.carrier}, tree ${pair.releaseArg}`);
      }
      if (releaseApi(pair.acquire) !== undefined) found.push(`${pair.acquire}: a release in the table, an acquire in the tree`);
      if (acquireApi(pair.release) !== undefined) found.push(`${pair.release}: an acquire in the table, a release in the tree`);
    }
    expect(found).toEqual([]);
    // The check compares something: the tables and the tree share pairs.
    expect(kernelFacts().pairs.filter((pair) => acquireApi(pair.acquire) !== undefined).length).toBeGreaterThan(5);
    expect(RELEASE_APIS.filter((api) => kernelFacts().pairs.some((pair) => pair.release === api.name)).length).toBeGreaterThan(5);
  });

  /**
   * The calls the CFG's hand lists end a path with, that the tree does not find noreturn. None
   * is a contradiction the tree makes clear: each is kept, for the reason given.
   */
  const KEPT_NORETURN: Record<string, string> = {
    BUG: 'a macro (an endless loop or __builtin_trap() once expanded): the miner counts it as noreturn but lists functions only',
    unreachable: 'a macro around __builtin_unreachable()',
    __builtin_unreachable: 'a compiler builtin, defined nowhere in the tree',
    complete_and_exit: 'renamed kthread_complete_and_exit() in 5.17: patches from older trees (the seed is from 2008) still call it',
    module_put_and_exit: 'renamed module_put_and_kthread_exit() in 5.17: patches from older trees still call it',
    module_put_and_kthread_exit: 'a macro for __module_put_and_kthread_exit() or kthread_exit(), both noreturn in the tree',
    machine_halt: 'ends in a machine_ops function pointer on x86 and in a loop or firmware call elsewhere: the tree cannot show it does not return',
    machine_power_off: 'as machine_halt()',
    emergency_restart: 'ends in machine_emergency_restart(), a machine_ops function pointer on x86',
  };

  it('keep only explained noreturn names the tree does not find', () => {
    const unexplained = HAND_NORETURN.filter((name) => !kernelFacts().isNoreturn(name) && !(name in KEPT_NORETURN));
    expect(unexplained).toEqual([]);
    // A kept name the tree learns to find noreturn is no longer kept: the list stays true.
    expect(Object.keys(KEPT_NORETURN).filter((name) => kernelFacts().isNoreturn(name) || !HAND_NORETURN.includes(name))).toEqual([]);
  });
});

describe('bench', () => {
  it('reports the size and first-use load time of the facts', () => {
    const load = measureFactsLoad(process.cwd(), 1);
    expect(load.loads).toHaveLength(1);
    expect(Number.isFinite(load.loads[0])).toBe(true);
    const rows = factsLoadRows(load);
    expect(rows.map(([label]) => label)).toEqual(['kernel release mined', 'data/kernel-facts.json', 'first-use load, median of 1 fresh processes']);
    expect(rows[2][1]).toMatch(/^\d+\.\d ms$/);
  });
});

describe('the shipped ownership facts', () => {
  it('say which release and generator they come from, as the other facts', () => {
    const facts = kernelOwnershipFacts();
    expect(facts.kernel).toBe(kernelFacts().kernel);
    expect(facts.generator).toBe(kernelFacts().generator);
  });

  it('hold well-known locks, callbacks, takers and managed functions of the tree', () => {
    const facts = kernelOwnershipFacts();
    expect(facts.locks('drm_gem_handle_create_tail')?.dropped).toEqual(['1->dev->object_name_lock']);
    expect(facts.locks('net/ipv4/ipmr_base.c#mr_mfc_seq_idx')?.held).toEqual(['1->lock', 'rcu']);
    expect(facts.locks('rq_lock')?.acquires).toEqual(['rq->lock']);
    expect(facts.callback('drivers/base/core.c#device_release')?.[0]).toBe('.release');
    expect(facts.takes('ceph_con_send')).toEqual([[1, 'list']]);
    expect(facts.isManaged('devm_kzalloc')).toBe(true);
    expect(facts.isManaged('devm_kfree')).toBe(false);
    expect(facts.isManaged('kzalloc')).toBe(false);
  });

  it('find every managed name, and no other', () => {
    const file = JSON.parse(readFileSync('data/kernel-facts-ownership.json', 'utf8')) as OwnershipFactsFile;
    const facts = ownershipFactsFromFile(file);
    const names = file.managed.split(' ');
    for (const name of names) expect([name, facts.isManaged(name)]).toEqual([name, true]);
    for (const name of names.slice(0, 200)) expect([`${name}_x`, facts.isManaged(`${name}_x`)]).toEqual([`${name}_x`, names.includes(`${name}_x`)]);
    expect(facts.locks('toString')).toBeUndefined();
  });
});
