export { AbortedError } from './aborted-error.js';
export { AuthenticationRequiredError } from './authentication-required-error.js';
export { ConflictError } from './conflict-error.js';
export { createHttpError } from './create-http-error.js';
export { DaemonNotFoundError } from './daemon-not-found-error.js';
export { HttpError, type HttpErrorInit } from './http-error.js';
export { NetworkError } from './network-error.js';
export { NotFoundError } from './not-found-error.js';
export { PiecesBackupError, type HttpErrorName, type PiecesBackupErrorName } from './pieces-backup-error.js';
export { ProtocolError } from './protocol-error.js';
export { ServerError } from './server-error.js';
export { TimeoutError } from './timeout-error.js';
export { UpdateRequiredError } from './update-required-error.js';
export { toBackupError } from './to-backup-error.js';
export {
  HTTP_ERROR_NAMES,
  hasErrorName,
  isAbortedError,
  isAuthenticationRequiredError,
  isConflictError,
  isDaemonNotFoundError,
  isHttpError,
  isNetworkError,
  isNotFoundError,
  isPiecesBackupError,
  isProtocolError,
  isRequestUnsent,
  isServerError,
  isTimeoutError,
  isUpdateRequiredError,
} from './type-guards.js';
