/**
 * Equal when both are the same value, or objects (arrays included) with the same keys and
 * `Object.is`-equal values at each: the equality for a selector that builds a fresh object.
 *
 * @example
 * ```ts
 * const progress = select(core.backup, (s) => ({ value: s.value, percentage: Math.floor(s.context.percentage) }), shallowEqual);
 * ```
 */
export function shallowEqual<T>(a: T, b: T): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every(
    (key) => Object.prototype.hasOwnProperty.call(b, key) && Object.is((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}
