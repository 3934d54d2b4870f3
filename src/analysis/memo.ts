/**
 * A two-level cache (per file and name, per function and entry assumption, ...): the value
 * for (outer, inner) is computed once and kept while `outer` lives (a WeakMap lets a file's
 * answers go with its tree).
 */
interface OuterMap<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): unknown;
}

export function memoized<Outer, Inner, Value>(
  cache: OuterMap<Outer, Map<Inner, Value>>,
  outer: Outer,
  inner: Inner,
  compute: () => Value,
): Value {
  let byInner = cache.get(outer);
  if (byInner === undefined) {
    byInner = new Map();
    cache.set(outer, byInner);
  }
  if (byInner.has(inner)) return byInner.get(inner) as Value;
  const value = compute();
  byInner.set(inner, value);
  return value;
}
