export {
  backupMachine,
  createBackupActor,
  createBackupMachine,
  type BackupActor,
  type BackupContext,
  type BackupEvent,
  type BackupMachine,
} from './backup.machine.js';
export {
  createRestoreActor,
  createRestoreMachine,
  restoreMachine,
  type RestoreActor,
  type RestoreContext,
  type RestoreEvent,
  type RestoreMachine,
} from './restore.machine.js';
export type { LifecycleContext, LifecycleRetry } from './lifecycle-context.js';
export { toLifecycleError, type LifecycleError, type LifecycleErrorKind } from './lifecycle-error.js';
export {
  DEFAULT_CANCEL_TIMEOUT_MS,
  type CancelRetryOptions,
  type LifecycleActorOptions,
  type LifecycleClock,
  type LifecycleOptions,
} from './lifecycle-options.js';
export { CancelTimeoutError, isCancelTimeoutError } from './errors/cancel-timeout-error.js';
export { OperationLostError, isOperationLostError } from './errors/operation-lost-error.js';
export { OperationFailedError, isOperationFailedError } from './errors/operation-failed-error.js';
export { OutcomeUnknownError, isOutcomeUnknownError } from './errors/outcome-unknown-error.js';
export type { CheckInput, CheckVerdict, RestorationBaseline } from './check-outcome.js';
export {
  fromOperationStream,
  type OperationStreamLogic,
  type BaselineEvent,
  type ProgressEvent,
  type ResumePoint,
} from './operation-stream-logic.js';
export type { CancelInput, StartInput, WatchInput } from './lifecycle-actors.js';
export {
  BUSY_STATES,
  SETTLED_STATES,
  isBusyState,
  isSettledState,
  type BusyState,
  type SettledState,
} from './lifecycle-states.js';
