export { pollStatus } from './poll-status.js';
export {
  STREAM_DEFAULTS,
  nonNegative,
  resolveCancelRetry,
  resolveStream,
  type ResolvedCancelRetry,
  type ResolvedPolling,
  type ResolvedStream,
} from './options.js';
export { estimateEta, progressFromStatus, type RateSample } from './progress.js';
export { startCreation, startCreationWith, type StartCreationOptions } from './start-creation.js';
export { startRestoration, startRestorationWith, type StartRestorationOptions } from './start-restoration.js';
export { watchOperation, watchOperationWith, type WatchOperationOptions } from './watch-operation.js';
export { discoverOperations, type DiscoveredOperations, type DiscoverOptions } from './discover-operations.js';
export { distinctProgress } from './progress.js';
export {
  cancelOperation,
  checkOutcome,
  resumeStart,
  type CancelInput,
  type CheckInput,
  type CheckVerdict,
  type RestorationBaseline,
} from './outcome.js';
export { CancelTimeoutError, isCancelTimeoutError } from './errors/cancel-timeout-error.js';
export { OperationLostError, isOperationLostError } from './errors/operation-lost-error.js';
export { OutcomeUnknownError, isOutcomeUnknownError } from './errors/outcome-unknown-error.js';
export type {
  BackupStreamedProgress,
  CancelRetryOptions,
  Clock,
  OperationKind,
  OperationProgress,
  PollingOptions,
  ProgressTransport,
  RetryNotice,
  StreamOptions,
} from './types.js';
export {
  afterFeatureCheck,
  checkFeatures,
  compareVersions,
  confirmSafetyBackup,
  preflightRestore,
  type RestorePreflight,
  type RestorePreflightInput,
} from './preflight.js';
export { BackupTooNewError, isBackupTooNewError } from './errors/backup-too-new-error.js';
export { FeatureDisabledError, isFeatureDisabledError } from './errors/feature-disabled-error.js';
export { SafetyBackupFailedError, isSafetyBackupFailedError } from './errors/safety-backup-failed-error.js';
