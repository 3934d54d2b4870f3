/**
 * `target.push(...items)` without the spread: spreading passes every item as an argument on
 * the stack, and an input-sized array (a million-line hunk, a subject of 100,000 words)
 * overflows it.
 */
export function pushAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}
