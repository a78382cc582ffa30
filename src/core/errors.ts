import {
  HTTP_ERROR_NAMES,
  isPiecesBackupError as isOurs,
  type AbortedError,
  type AuthenticationRequiredError,
  type ConflictError,
  type DaemonNotFoundError,
  type HttpError,
  type NetworkError,
  type NotFoundError,
  type PiecesBackupError,
  type PiecesBackupErrorName,
  type ProtocolError,
  type ServerError,
  type TimeoutError,
  type UpdateRequiredError,
} from '../api/index.js';
import type { OperationFailedError } from '../../machines/index.js';
import type { CancelTimeoutError, OperationLostError, OutcomeUnknownError } from '../streams/index.js';
import type { PolicyInputError } from './policy/index.js';

/**
 * Every error the library throws, by its `name`: `PiecesBackupErrors['TimeoutError']` is the
 * class's type. The one guard below narrows to these, so the classes need not be imported.
 */
export interface PiecesBackupErrors {
  PiecesBackupError: PiecesBackupError;
  HttpError: HttpError;
  NotFoundError: NotFoundError;
  ConflictError: ConflictError;
  ServerError: ServerError;
  UpdateRequiredError: UpdateRequiredError;
  AuthenticationRequiredError: AuthenticationRequiredError;
  NetworkError: NetworkError;
  TimeoutError: TimeoutError;
  ProtocolError: ProtocolError;
  AbortedError: AbortedError;
  DaemonNotFoundError: DaemonNotFoundError;
  CancelTimeoutError: CancelTimeoutError;
  OperationLostError: OperationLostError;
  OperationFailedError: OperationFailedError;
  OutcomeUnknownError: OutcomeUnknownError;
  PolicyInputError: PolicyInputError;
}

// every name an error can carry has its entry above (a compile error here otherwise)
type Missing = Exclude<PiecesBackupErrorName, keyof PiecesBackupErrors>;
const complete: [Missing] extends [never] ? true : Missing = true;
void complete;

/**
 * True for any error this library throws; with a `name`, for that kind of error only (and
 * typed as it). It compares a realm-independent brand and `name`, never `instanceof`, so it
 * works across iframes and duplicated copies of the package. `'HttpError'` matches every
 * non-2xx answer, its subclasses included.
 *
 * @example
 * ```ts
 * try {
 *   await client.list();
 * } catch (error) {
 *   if (isPiecesBackupError(error, 'UpdateRequiredError')) showUpdateBanner(error.status);
 *   else if (isPiecesBackupError(error)) console.error(error.name, error.message);
 * }
 * ```
 */
export function isPiecesBackupError(error: unknown): error is PiecesBackupError;
export function isPiecesBackupError<N extends keyof PiecesBackupErrors>(error: unknown, name: N): error is PiecesBackupErrors[N];
export function isPiecesBackupError(error: unknown, name?: keyof PiecesBackupErrors): boolean {
  if (!isOurs(error)) return false;
  if (name === undefined || name === 'PiecesBackupError') return true;
  if (name === 'HttpError') return (HTTP_ERROR_NAMES as readonly string[]).includes(error.name);
  return error.name === name;
}
