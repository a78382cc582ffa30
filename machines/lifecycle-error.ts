import {
  isAuthenticationRequiredError,
  isConflictError,
  isHttpError,
  isNetworkError,
  isNotFoundError,
  isProtocolError,
  isServerError,
  isTimeoutError,
  isUpdateRequiredError,
} from '../src/api/index.js';
import type { OperationKind } from '../src/streams/index.js';
import { isCancelTimeoutError } from './errors/cancel-timeout-error.js';
import { isOperationLostError } from './errors/operation-lost-error.js';

/** What went wrong, in the terms a UI branches on. */
export type LifecycleErrorKind =
  | 'update-required'
  | 'authentication-required'
  | 'conflict'
  | 'not-found'
  | 'network'
  | 'timeout'
  | 'protocol'
  | 'server'
  | 'cancel-timeout'
  | 'unknown';

/**
 * A failure as plain data, so machine context stays JSON-serialisable: `name` is the class
 * name of the error it came from (`UpdateRequiredError`, `CancelTimeoutError`, ...), `body`
 * the daemon's own text when it answered one.
 */
export interface LifecycleError {
  kind: LifecycleErrorKind;
  name: string;
  message: string;
  /** HTTP status (or WebSocket 4xxx close mapped to one). */
  status?: number;
  /** The daemon's `text/plain` explanation. */
  body?: string;
  /** What the user can do about it, in one sentence. */
  userAction: string;
}

const USER_ACTIONS: Record<LifecycleErrorKind, string> = {
  'update-required': 'Update Pieces OS, then try again.',
  'authentication-required': 'Sign in to Pieces OS and connect it to the cloud, then try again.',
  conflict: 'Another backup or restore is running: wait for it to finish or cancel it, then try again.',
  'not-found': 'The backup or operation no longer exists: refresh the list and choose again.',
  network: 'Pieces OS cannot be reached: check that it is running, then retry.',
  timeout: 'Pieces OS did not answer in time: retry in a moment.',
  protocol: 'Pieces OS answered something this app does not understand: update the app or Pieces OS.',
  server: 'Pieces OS reported a failure: retry, and restart Pieces OS if it keeps failing.',
  'cancel-timeout': 'The cancel was not confirmed in time: retry to check on the operation before starting another.',
  unknown: 'Something unexpected happened: retry, and restart Pieces OS if it keeps failing.',
};

function kindOf(error: unknown): LifecycleErrorKind {
  // 505 and 511 first: they are HttpErrors too, and need the user, not a retry
  if (isUpdateRequiredError(error)) return 'update-required';
  if (isAuthenticationRequiredError(error)) return 'authentication-required';
  if (isConflictError(error)) return 'conflict';
  if (isNotFoundError(error) || isOperationLostError(error)) return 'not-found';
  if (isNetworkError(error)) return 'network';
  if (isTimeoutError(error)) return 'timeout';
  if (isProtocolError(error)) return 'protocol';
  if (isServerError(error)) return 'server';
  if (isCancelTimeoutError(error)) return 'cancel-timeout';
  return 'unknown';
}

/**
 * Any thrown value as `LifecycleError` data. The kind comes from the transport's name
 * guards, so a 505 is always `update-required` and a 511 `authentication-required`.
 *
 * @example
 * ```ts
 * const error = toLifecycleError(caught);
 * if (error.kind === 'authentication-required') showSignIn(error.body ?? error.message);
 * ```
 */
export function toLifecycleError(error: unknown): LifecycleError {
  const kind = kindOf(error);
  const fields = typeof error === 'object' && error !== null ? (error as { name?: unknown; message?: unknown }) : {};
  const name = typeof fields.name === 'string' ? fields.name : typeof error;
  const message = typeof fields.message === 'string' ? fields.message : String(error);
  return {
    kind,
    name,
    message,
    ...(isHttpError(error) && { status: error.status, ...(error.body !== '' && { body: error.body }) }),
    userAction: USER_ACTIONS[kind],
  };
}

/** The daemon itself reported the operation `FAILED` (or an unknown terminal status). */
export function operationFailed(kind: OperationKind, backupId: string | null, status: string): LifecycleError {
  const what = kind === 'creation' ? 'backup creation' : 'restoration';
  return {
    kind: 'server',
    name: 'OperationFailedError',
    message: `Pieces OS reported the ${what}${backupId ? ` ${backupId}` : ''} as ${status}`,
    userAction: USER_ACTIONS.server,
  };
}
