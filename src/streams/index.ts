export { pollStatus } from './poll-status.js';
export { waitOn } from './polling.js';
export { STREAM_DEFAULTS } from './options.js';
export { estimateEta, progressFromStatus, type RateSample } from './progress.js';
export { startCreation, type StartCreationOptions } from './start-creation.js';
export { startRestoration, type StartRestorationOptions } from './start-restoration.js';
export { watchOperation, type WatchOperationOptions } from './watch-operation.js';
export { discoverOperations, type DiscoveredOperations, type DiscoverOptions } from './discover-operations.js';
export { distinctProgress } from './progress.js';
export type {
  BackupStreamedProgress,
  Clock,
  OperationKind,
  OperationProgress,
  PollingOptions,
  ProgressTransport,
  RetryNotice,
  StreamOptions,
} from './types.js';
