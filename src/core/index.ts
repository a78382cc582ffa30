export { checkPolicy, createBackupCore, discoveryTransport, type BackupCore, type BackupCoreOptions } from './backup-core.js';
export type { BackupsState, BackupsStore } from './backups-store.js';
export {
  createLifecycle,
  type BackupLifecycle,
  type BackupSnapshot,
  type Lifecycle,
  type LifecycleSnapshot,
  type LifecycleState,
  type RestoreLifecycle,
  type RestoreSnapshot,
} from './lifecycle.js';
export {
  LIFECYCLE_TEXTS,
  lifecycleText,
  type HeadlineFacts,
  type LifecycleText,
  type LifecycleTextOverrides,
  type LifecycleTexts,
} from './lifecycle-text.js';
// the charts' lists and the error data every face reads, so no face imports machines/
export {
  BUSY_STATES,
  SETTLED_STATES,
  isBusyState,
  isSettledState,
  toLifecycleError,
  type BusyState,
  type LifecycleContext,
  type LifecycleError,
  type SettledState,
} from '../../machines/index.js';
export type { OperationsState } from './operations-store.js';
// issue 17: the schedule and the retention policy, as handles of the core and as pure functions
export type { RetentionHandle, RetentionView } from './retention-handle.js';
export {
  defaultScheduleStorage,
  type ScheduleHandle,
  type ScheduleOptions,
  type ScheduleStorage,
  type ScheduleView,
  type StoredSchedule,
} from './schedule-handle.js';
export {
  SCHEDULE_TEXTS,
  retentionText,
  scheduleText,
  type ScheduleStateKey,
  type ScheduleText,
  type ScheduleTextOverrides,
  type ScheduleTexts,
} from './policy-text.js';
export {
  applyRetention,
  backupTime,
  createMemoryLock,
  createScheduleRunner,
  createWebLock,
  defaultRunnerLock,
  isPolicyInputError,
  parseDuration,
  planRetention,
  PolicyInputError,
  resolveRetentionPolicy,
  resolveSchedule,
  type ApplyRetentionOptions,
  type DeviceBackup,
  type Duration,
  type ProtectedBackup,
  type PlanRetentionOptions,
  type ReleaseLock,
  type RetentionEntry,
  type RetentionPlan,
  type RetentionPolicy,
  type RetentionReport,
  type RetentionResult,
  type RunnerLock,
  type RunOutcome,
  type RunRecord,
  type ScheduleHealth,
  type SchedulePolicy,
  type ScheduleRunner,
  type ScheduleRunnerOptions,
  type ScheduleRunnerSnapshot,
  type ScheduleState,
} from './policy/index.js';
export { select, type Equality } from './select.js';
export { shallowEqual } from './shallow-equal.js';
export type { Store } from './store.js';
export type { OperationKind } from '../models/index.js';
