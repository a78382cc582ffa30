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
  type RestoreSafety,
  type RestoreStage,
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
// raised by the streams' outcome rules (src/streams/outcome.ts), re-exported under the same names
export {
  CancelTimeoutError,
  OperationLostError,
  OutcomeUnknownError,
  isCancelTimeoutError,
  isOperationLostError,
  isOutcomeUnknownError,
  type CancelInput,
  type CheckInput,
  type CheckVerdict,
  type RestorationBaseline,
} from '../src/streams/index.js';
// the restore preflight's and safety backup's (src/streams/preflight.ts)
export {
  BackupTooNewError,
  FeatureDisabledError,
  SafetyBackupFailedError,
  isBackupTooNewError,
  isFeatureDisabledError,
  isSafetyBackupFailedError,
  type RestorePreflight,
} from '../src/streams/index.js';
export { OperationFailedError, isOperationFailedError } from './errors/operation-failed-error.js';
export {
  fromOperationStream,
  type OperationStreamLogic,
  type BaselineEvent,
  type ProgressEvent,
  type ResumePoint,
} from './operation-stream-logic.js';
export type { StartInput, WatchInput } from './lifecycle-actors.js';
export {
  BUSY_STATES,
  SETTLED_STATES,
  isBusyState,
  isSettledState,
  type BusyState,
  type SettledState,
} from './lifecycle-states.js';
