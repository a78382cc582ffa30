// The public API of pieces-backup, layer by layer: what users call, named one by one
// (`test/package/surface.test.ts` lists it; nothing internal leaks). Errors are narrowed with
// the one guard, `isPiecesBackupError(error, name)`, and typed as `PiecesBackupErrors[name]`;
// the wire models are the `Wire` map (`Wire['Asset']`).

// Wire models
export type { Wire } from './models/wire.js';
export { isTerminalStatus, type Backup, type BackupStatusValue, type OperationKind, type SeededBackup } from './models/index.js';

// Transport
export {
  createBackupClient,
  discoverDaemon,
  exponentialBackoff,
  isTransientError,
  type BackupClient,
  type BackupClientOptions,
  type RetryOptions,
} from './api/index.js';

// Errors: one class a failure, one guard for all of them
export type { PiecesBackupErrorName } from './api/index.js';
export { isPiecesBackupError, type PiecesBackupErrors } from './core/errors.js';

// Streams
export {
  discoverOperations,
  pollStatus,
  startCreation,
  startRestoration,
  watchOperation,
  type OperationProgress,
  type ProgressTransport,
  type StreamOptions,
} from './streams/index.js';

// Machines: bound machines, for createActor / useActorRef / the inspector
export {
  createBackupMachine,
  createRestoreMachine,
  type BackupEvent,
  type BackupMachine,
  type LifecycleContext,
  type LifecycleError,
  type LifecycleOptions,
  type RestoreEvent,
  type RestoreMachine,
} from '../machines/index.js';

// Core: the lifecycle handle and the framework-free stores (`subscribe`/`getSnapshot`) that
// every face binds to
export {
  BUSY_STATES,
  LIFECYCLE_TEXTS,
  SETTLED_STATES,
  createBackupCore,
  createLifecycle,
  lifecycleText,
  select,
  shallowEqual,
  type BackupCore,
  type BackupCoreOptions,
  type BackupLifecycle,
  type BackupSnapshot,
  type LifecycleTexts,
  type RestoreLifecycle,
  type RestoreSnapshot,
  type Store,
} from './core/index.js';

// Policy (issue 17): the pure functions a script calls (plan a prune, apply it, run a
// schedule of its own) and the words of the core's schedule and retention handles; their
// other types are read off the handles (`BackupCore['schedule']`) and the options
export {
  applyRetention,
  checkPolicy,
  createScheduleRunner,
  planRetention,
  SCHEDULE_TEXTS,
  retentionText,
  scheduleText,
  type RetentionPlan,
  type RetentionPolicy,
  type ScheduleView,
} from './core/index.js';
