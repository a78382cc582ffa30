export { pollStatus } from './poll-status.js';
export { waitOn } from './poll-loop.js';
export { startCreation, type StartCreationOptions } from './start-creation.js';
export { startRestoration, type StartRestorationOptions } from './start-restoration.js';
export { watchOperation, type WatchOperationOptions } from './watch-operation.js';
export { discoverOperations, type DiscoveredOperations, type DiscoverOptions } from './discover-operations.js';
export { distinctProgress } from './distinct-progress.js';
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
