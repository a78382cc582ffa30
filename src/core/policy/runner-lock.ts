/** Gives the lock back. Resolves once it is free for the next holder. */
export type ReleaseLock = () => Promise<void>;

/**
 * A named lock a schedule runner holds while it checks the daemon and runs a backup, so two
 * tabs or processes never start the same period's backup twice. `tryAcquire` never waits:
 * `null` means another holder has it (that runner looks again later).
 */
export interface RunnerLock {
  tryAcquire(name: string): Promise<ReleaseLock | null>;
}

/** The part of the Web Locks API (`navigator.locks`) the runner uses. */
export interface LockManagerLike {
  request(name: string, options: { ifAvailable: true }, callback: (lock: unknown) => Promise<void>): Promise<unknown>;
}

/**
 * A lock within one JavaScript realm (a test, or runners sharing one object). Pass the same
 * instance to every runner that must exclude the others.
 */
export function createMemoryLock(): RunnerLock {
  const held = new Set<string>();
  return {
    async tryAcquire(name) {
      if (held.has(name)) return null;
      held.add(name);
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        held.delete(name);
      };
    },
  };
}

/**
 * The Web Locks API with `ifAvailable`: one holder across every tab, worker and frame of an
 * origin, and the browser frees it when a holder's tab closes or crashes.
 *
 * @example
 * ```ts
 * const lock = createWebLock(navigator.locks);
 * ```
 */
export function createWebLock(locks: LockManagerLike): RunnerLock {
  return {
    tryAcquire(name) {
      return new Promise<ReleaseLock | null>((resolve, reject) => {
        let free = () => {};
        const held = new Promise<void>((resolveHeld) => {
          free = resolveHeld;
        });
        const request = locks.request(name, { ifAvailable: true }, async (lock) => {
          if (lock === null) {
            resolve(null);
            return;
          }
          resolve(async () => {
            free();
            await request;
          });
          // the lock is held for as long as this callback's promise is pending
          await held;
        });
        request.catch(reject);
      });
    },
  };
}

/**
 * The lock of the platform: the Web Locks API where `navigator.locks` exists, else a lock of
 * this realm only. In Node, pass `createFileLock` (`runner-lock-file.ts`) to exclude other
 * processes; it is a separate file so browser bundles never see `node:fs`.
 */
export function defaultRunnerLock(): RunnerLock {
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  return locks ? createWebLock(locks) : createMemoryLock();
}
