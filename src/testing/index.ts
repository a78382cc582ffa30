// pieces-backup/testing: what an app's tests need to run the library against an emulated
// Pieces OS, in real or virtual time. Imports no test framework.

export {
  startTestDaemon,
  type TestAccount,
  type TestBackupSeed,
  type TestDaemon,
  type TestDaemonOptions,
} from './test-daemon.js';
export { useTestDaemon, type TestHooks } from './use-test-daemon.js';
export { createVirtualClock, type VirtualClock, type VirtualClockOptions } from './virtual-clock.js';
export { waitForState, type StateTarget, type WaitForStateOptions } from './wait-for-state.js';
export type { FaultSpec } from '../emulator/index.js';
