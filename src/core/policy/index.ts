// Browser-safe: the Node lock file (`runner-lock-file.ts`) is imported by Node entries only.
export { applyRetention, type ApplyRetentionOptions, type RetentionReport, type RetentionResult } from './apply-retention.js';
export {
  durationToMs,
  formatDuration,
  formatTimeOfDay,
  parseDuration,
  parseTimeOfDay,
  subtractDuration,
  type Duration,
  type TimeOfDay,
} from './duration.js';
export { isPolicyInputError, PolicyInputError } from './policy-input-error.js';
export {
  backupTime,
  planRetention,
  resolveRetentionPolicy,
  type PlanRetentionOptions,
  type ProtectedBackup,
  type ResolvedRetentionPolicy,
  type RetentionEntry,
  type RetentionPlan,
  type RetentionPolicy,
} from './retention.js';
export { createMemoryLock, createWebLock, defaultRunnerLock, type LockManagerLike, type ReleaseLock, type RunnerLock } from './runner-lock.js';
export {
  INITIAL_SCHEDULE_STATE,
  isDue,
  nextDue,
  nextPeriodDue,
  onPeriodDone,
  onRunFinished,
  pauseSchedule,
  periodOf,
  resolveSchedule,
  resumeSchedule,
  type ResolvedSchedule,
  type RunOutcome,
  type SchedulePolicy,
  type ScheduleState,
  type StopErrorName,
} from './schedule.js';
export {
  createScheduleRunner,
  type DeviceBackup,
  type RunRecord,
  type ScheduleHealth,
  type ScheduleRunner,
  type ScheduleRunnerOptions,
  type ScheduleRunnerSnapshot,
} from './schedule-runner.js';
