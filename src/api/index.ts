export type {
  BackupClient,
  BackupClientOptions,
  CallOptions,
  WebSocketConstructor,
  WebSocketLike,
} from './backup-client.js';
export { createBackupClient } from './create-backup-client.js';
export { DEFAULT_DAEMON_PORTS, discoverDaemon, type DiscoverDaemonOptions } from './discover-daemon.js';
export type { FrameSink, FrameSource } from './frame-source.js';
export { computeRetryDelay, parseRetryAfter, type RetryDelayInput } from './retry-delay.js';
export { DEFAULT_RETRY_OPTIONS, resolveRetryOptions, type RetryOptions } from './retry-options.js';
export { isRetryable } from './with-retry.js';
export {
  AbortedError,
  AuthenticationRequiredError,
  ConflictError,
  DaemonNotFoundError,
  HttpError,
  NetworkError,
  NotFoundError,
  PiecesBackupError,
  ProtocolError,
  ServerError,
  TimeoutError,
  UpdateRequiredError,
  createHttpError,
  isAbortedError,
  isAuthenticationRequiredError,
  isConflictError,
  isDaemonNotFoundError,
  isHttpError,
  isNetworkError,
  isNotFoundError,
  isPiecesBackupError,
  isProtocolError,
  isServerError,
  isTimeoutError,
  isUpdateRequiredError,
  toBackupError,
  type HttpErrorInit,
  type HttpErrorName,
  type PiecesBackupErrorName,
} from './errors/index.js';
