import { startTestDaemon, type TestDaemon, type TestDaemonOptions } from './test-daemon.js';

/**
 * The two hooks `useTestDaemon` registers, passed in rather than imported: the kit never
 * imports a test framework, so vitest, jest, mocha and `node:test` all fit as they are.
 */
export interface TestHooks {
  beforeEach(hook: () => Promise<void>): unknown;
  afterEach(hook: () => Promise<void>): unknown;
}

/**
 * A fresh daemon for every test of the suite: started in `beforeEach` with `options`,
 * stopped in `afterEach`. Returns a handle that reads through to the current test's daemon
 * (reading it outside a test throws).
 *
 * @example
 * ```ts
 * import { afterEach, beforeEach, it } from 'vitest';
 *
 * const daemon = useTestDaemon({ beforeEach, afterEach }, { assets: 5, backups: 1 });
 * it('lists the seeded backup', async () => {
 *   expect((await daemon.client.list()).iterable).toHaveLength(1);
 * });
 * ```
 */
export function useTestDaemon(hooks: TestHooks, options: TestDaemonOptions = {}): TestDaemon {
  let current: TestDaemon | undefined;
  hooks.beforeEach(async () => {
    current = await startTestDaemon(options);
  });
  hooks.afterEach(async () => {
    const daemon = current;
    current = undefined;
    await daemon?.stop();
  });
  return new Proxy({} as TestDaemon, {
    get(_, key) {
      if (!current) throw new Error('useTestDaemon: the daemon runs only inside the tests of the suite that called it');
      return Reflect.get(current, key);
    },
  });
}
