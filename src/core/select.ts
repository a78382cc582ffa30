import type { Store } from './store.js';

/** Whether two selections are the same for a UI (default `Object.is`; `shallowEqual` for objects). */
export type Equality<U> = (previous: U, next: U) => boolean;

/**
 * A store of `selector(store.getSnapshot())` that changes only when `isEqual` says the
 * selection did: its listeners are not called for anything else, and `getSnapshot` keeps
 * returning the previous selection (the same reference) while equal. It subscribes to
 * `store` only while it has subscribers itself.
 *
 * @example
 * ```ts
 * const percentage = select(core.backup, (s) => Math.floor(s.context.percentage));
 * percentage.subscribe(() => (bar.value = percentage.getSnapshot()));
 * ```
 */
// the whole value, for adapters whose selector is optional
const identity = <T>(value: T): T => value;

export function select<T, U = T>(
  store: Store<T>,
  selector: (value: T) => U = identity as (value: T) => U,
  isEqual: Equality<U> = Object.is,
): Store<U> {
  let last: { source: T; selection: U } | undefined;
  const getSnapshot = (): U => {
    const source = store.getSnapshot();
    if (last && Object.is(last.source, source)) return last.selection;
    const next = selector(source);
    const selection = last && isEqual(last.selection, next) ? last.selection : next;
    last = { source, selection };
    return selection;
  };
  return {
    getSnapshot,
    subscribe(listener) {
      let seen = getSnapshot();
      return store.subscribe(() => {
        const next = getSnapshot();
        if (Object.is(next, seen)) return;
        seen = next;
        listener();
      });
    },
  };
}
