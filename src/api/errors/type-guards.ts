import type { AbortedError } from './aborted-error.js';
import type { AuthenticationRequiredError } from './authentication-required-error.js';
import type { ConflictError } from './conflict-error.js';
import type { DaemonNotFoundError } from './daemon-not-found-error.js';
import type { HttpError } from './http-error.js';
import type { NetworkError } from './network-error.js';
import type { NotFoundError } from './not-found-error.js';
import { ERROR_BRAND, type HttpErrorName, type PiecesBackupError, type PiecesBackupErrorName } from './pieces-backup-error.js';
import type { ProtocolError } from './protocol-error.js';
import type { ServerError } from './server-error.js';
import type { TimeoutError } from './timeout-error.js';
import type { UpdateRequiredError } from './update-required-error.js';

// Guards compare `name` (plus a realm-independent brand), never `instanceof`: two copies
// of the package, or an iframe, each have their own classes.

/** True for any error this library throws. */
export function isPiecesBackupError(error: unknown): error is PiecesBackupError {
  return typeof error === 'object' && error !== null && (error as { [ERROR_BRAND]?: unknown })[ERROR_BRAND] === true;
}

function hasName<N extends PiecesBackupErrorName>(error: unknown, names: readonly N[]): boolean {
  return isPiecesBackupError(error) && (names as readonly string[]).includes(error.name);
}

/** The one test every guard of every layer makes: one of ours (the brand), and this `name`. */
export function hasErrorName(error: unknown, name: PiecesBackupErrorName): boolean {
  return isPiecesBackupError(error) && error.name === name;
}

export const HTTP_ERROR_NAMES: readonly HttpErrorName[] = [
  'HttpError',
  'NotFoundError',
  'ConflictError',
  'ServerError',
  'UpdateRequiredError',
  'AuthenticationRequiredError',
];

/** Any non-2xx answer, including the subclasses. */
export function isHttpError(error: unknown): error is HttpError {
  return hasName(error, HTTP_ERROR_NAMES);
}

export function isNotFoundError(error: unknown): error is NotFoundError {
  return hasName(error, ['NotFoundError']);
}

export function isConflictError(error: unknown): error is ConflictError {
  return hasName(error, ['ConflictError']);
}

export function isServerError(error: unknown): error is ServerError {
  return hasName(error, ['ServerError']);
}

export function isUpdateRequiredError(error: unknown): error is UpdateRequiredError {
  return hasName(error, ['UpdateRequiredError']);
}

export function isAuthenticationRequiredError(error: unknown): error is AuthenticationRequiredError {
  return hasName(error, ['AuthenticationRequiredError']);
}

export function isNetworkError(error: unknown): error is NetworkError {
  return hasName(error, ['NetworkError']);
}

export function isTimeoutError(error: unknown): error is TimeoutError {
  return hasName(error, ['TimeoutError']);
}

export function isProtocolError(error: unknown): error is ProtocolError {
  return hasName(error, ['ProtocolError']);
}

export function isAbortedError(error: unknown): error is AbortedError {
  return hasName(error, ['AbortedError']);
}

export function isDaemonNotFoundError(error: unknown): error is DaemonNotFoundError {
  return hasName(error, ['DaemonNotFoundError']);
}

/**
 * The transport knows the request never reached the daemon: a refused connection, or a
 * WebSocket whose upgrade never completed (no start frame was sent, so nothing started).
 * Asking again cannot start a second operation. `false` whenever it cannot tell.
 *
 * @example
 * ```ts
 * if (isRequestUnsent(error)) return startAgain(); // nothing ran
 * ```
 */
export function isRequestUnsent(error: unknown): error is (NetworkError | TimeoutError) & { readonly requestSent: false } {
  return (isNetworkError(error) || isTimeoutError(error)) && error.requestSent === false;
}
