/**
 * The one contract every adapter binds to: `subscribe` calls the listener after each change
 * and returns the unsubscribe; `getSnapshot` reads the current value (the same reference
 * until something changed). It is `useSyncExternalStore`'s pair. Stores that do work (a
 * fetch, a socket) start it with the first subscriber and stop it with the last.
 */
export interface Store<T> {
  subscribe(listener: () => void): () => void;
  getSnapshot(): T;
}

/** A store the core writes to; `observed` while it has subscribers. */
export interface WritableStore<T> extends Store<T> {
  readonly observed: boolean;
  set(next: T | ((previous: T) => T)): void;
}

export interface StoreHooks {
  /** The first subscriber arrived. */
  onStart?: () => void;
  /** The last subscriber left, and none came back within the same task. */
  onStop?: () => void;
}

/**
 * TanStack's subscribable: a Set of listeners, with hooks at the first and the last. The stop
 * waits a microtask, so StrictMode's unsubscribe-resubscribe does not restart the work.
 */
export function createStore<T>(initial: T, hooks: StoreHooks = {}): WritableStore<T> {
  const listeners = new Set<() => void>();
  let value = initial;
  let started = false;
  const stopIfUnobserved = () => {
    if (!started || listeners.size > 0) return;
    started = false;
    hooks.onStop?.();
  };
  return {
    get observed() {
      return listeners.size > 0;
    },
    getSnapshot: () => value,
    set(next) {
      const resolved = typeof next === 'function' ? (next as (previous: T) => T)(value) : next;
      if (Object.is(resolved, value)) return;
      value = resolved;
      // a copy: a listener may unsubscribe (itself or another) while we notify
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener) {
      // a wrapper per call, so the same function subscribed twice needs two unsubscribes
      const entry = () => listener();
      listeners.add(entry);
      if (!started) {
        started = true;
        hooks.onStart?.();
      }
      return () => {
        if (listeners.delete(entry) && listeners.size === 0) queueMicrotask(stopIfUnobserved);
      };
    },
  };
}
