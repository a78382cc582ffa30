import {
  isAuthenticationRequiredError,
  isConflictError,
  isHttpError,
  isNetworkError,
  isNotFoundError,
  isPiecesBackupError,
  isProtocolError,
  isServerError,
  isTimeoutError,
  isUpdateRequiredError,
} from '../src/api/index.js';
import type { OperationKind } from '../src/models/index.js';
import {
  isBackupTooNewError,
  isCancelTimeoutError,
  isFeatureDisabledError,
  isOperationLostError,
  isOutcomeUnknownError,
  isSafetyBackupFailedError,
} from '../src/streams/index.js';
import { isOperationFailedError, OperationFailedError } from './errors/operation-failed-error.js';

/** What went wrong, in the terms a UI branches on. */
export type LifecycleErrorKind =
  | 'update-required'
  | 'authentication-required'
  | 'conflict'
  | 'not-found'
  | 'forbidden'
  | 'network'
  | 'timeout'
  | 'protocol'
  | 'server'
  | 'cancel-timeout'
  /** The restore preflight: a backup made by a newer Pieces OS (`BackupTooNewError`). */
  | 'backup-too-new'
  /** The organisation switched the feature off (`FeatureDisabledError`). */
  | 'feature-disabled'
  /** The safety backup before a restore did not complete: nothing was restored. */
  | 'safety-backup-failed'
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
  /**
   * True when Pieces OS may have run, still be running, or have finished the operation: the
   * request may have been carried out, or the lifecycle lost sight of it. Never shown as
   * "it failed": say the outcome is unknown, and let RETRY ask the daemon first.
   */
  outcomeUnknown: boolean;
  /** What the user can do about it, in one sentence. */
  userAction: string;
}

const USER_ACTIONS: Record<LifecycleErrorKind, string> = {
  'update-required': 'Update Pieces OS, then try again.',
  'authentication-required': 'Sign in to Pieces OS and connect it to the cloud, then try again.',
  conflict: 'Another backup or restore is running: wait for it to finish or cancel it, then try again.',
  'not-found': 'The backup or operation no longer exists: refresh the list and choose again.',
  forbidden: "Pieces OS does not allow this page's origin: open the app from an origin Pieces OS trusts, or allow this one, then try again.",
  network: 'Pieces OS cannot be reached: check that it is running, then retry.',
  timeout: 'Pieces OS did not answer in time: retry in a moment.',
  protocol: 'Pieces OS answered something this app does not understand: update the app or Pieces OS.',
  server: 'Pieces OS reported a failure: retry, and restart Pieces OS if it keeps failing.',
  'cancel-timeout': 'The cancel was not confirmed in time: retry to check on the operation before starting another.',
  'backup-too-new': 'Update Pieces OS before restoring this backup.',
  'feature-disabled': 'Your organisation has switched this off: ask its administrator to allow it.',
  'safety-backup-failed':
    'The backup of your current data did not complete, so nothing was restored: retry, or restore without a safety backup.',
  unknown: 'Something unexpected happened: retry, and restart Pieces OS if it keeps failing.',
};

const OUTCOME_UNKNOWN_ACTION =
  'Pieces OS may still have run it: retry to check its status before starting it again.';

// RETRY already asked, and the daemon's answer cannot tell: another RETRY would not either
const UNDECIDABLE_ACTION =
  'Pieces OS cannot tell whether it ran: check your data, and start it again yourself if it did not.';

/**
 * An answer that says the operation was not started: a 4xx (but 408 and 429, which say
 * nothing was decided), 500 (the seed's "failed"), 505 or 511, answered to a request that
 * starts one (a POST, or a start WebSocket `.../websocket`), or an error raised before
 * anything was sent (a misuse, the preflight's refusals, a failed read of the feature switch
 * or the version before the start). A status read (GET) that fails says nothing about the operation.
 */
export function isRefusal(error: unknown): boolean {
  // a check read before the start (the feature switch, the version) failed: nothing was sent
  if (isPreflightRead(error)) return true;
  if (isHttpError(error)) {
    const { status, method, url } = error;
    const startRequest = method === 'POST' || /^wss?:.*\/websocket$/.test(url);
    const refused = (status >= 400 && status < 500 && status !== 408 && status !== 429) || [500, 505, 511].includes(status);
    return startRequest && refused;
  }
  // the library's base class itself: a misuse caught before any request was sent; the preflight's refusals too
  return (isPiecesBackupError(error) && error.name === 'PiecesBackupError') || isBackupTooNewError(error) || isFeatureDisabledError(error);
}

const PREFLIGHT_READ = /\/(user\/has_feature_access|\.well-known\/version)$/;

function isPreflightRead(error: unknown): boolean {
  const url = isPiecesBackupError(error) ? (error as { url?: unknown }).url : undefined;
  return typeof url === 'string' && PREFLIGHT_READ.test(url);
}

// Data that crossed a structured clone or JSON (a worker, a log) keeps its `name` but not the
// brand the guards test; a plain object (no Error: a DOMException named TimeoutError is not
// ours) is classified by that name.
const KIND_OF_NAME: Partial<Record<string, LifecycleErrorKind>> = {
  NetworkError: 'network',
  TimeoutError: 'timeout',
  ProtocolError: 'protocol',
  OperationLostError: 'not-found',
  OperationFailedError: 'server',
  CancelTimeoutError: 'cancel-timeout',
  BackupTooNewError: 'backup-too-new',
  FeatureDisabledError: 'feature-disabled',
  SafetyBackupFailedError: 'safety-backup-failed',
};

function kindOfData(error: unknown): LifecycleErrorKind | undefined {
  if (typeof error !== 'object' || error === null || error instanceof Error) return undefined;
  const { name } = error as { name?: unknown };
  return typeof name === 'string' ? KIND_OF_NAME[name] : undefined;
}

function kindOf(error: unknown): LifecycleErrorKind {
  const data = kindOfData(error);
  if (data) return data;
  // 505 and 511 first: they are HttpErrors too, and need the user, not a retry
  if (isUpdateRequiredError(error)) return 'update-required';
  if (isAuthenticationRequiredError(error)) return 'authentication-required';
  if (isConflictError(error)) return 'conflict';
  if (isNotFoundError(error) || isOperationLostError(error)) return 'not-found';
  // a refused Origin (HTTP or WebSocket upgrade): no retry helps, the user must act
  if (isHttpError(error) && error.status === 403) return 'forbidden';
  if (isNetworkError(error)) return 'network';
  if (isTimeoutError(error)) return 'timeout';
  if (isProtocolError(error)) return 'protocol';
  if (isServerError(error) || isOperationFailedError(error)) return 'server';
  if (isCancelTimeoutError(error)) return 'cancel-timeout';
  if (isBackupTooNewError(error)) return 'backup-too-new';
  if (isFeatureDisabledError(error)) return 'feature-disabled';
  if (isSafetyBackupFailedError(error)) return 'safety-backup-failed';
  return 'unknown';
}

/** The user action the error's own fields make exact (the version to update to, the daemon's reason). */
function specificAction(error: unknown): string | undefined {
  if (isBackupTooNewError(error)) return `Update Pieces OS to ${error.backupVersion} or newer before restoring this backup.`;
  if (isFeatureDisabledError(error)) {
    return `Your organisation has switched ${error.feature} off${error.reason ? ` (${error.reason})` : ''}: ask its administrator to allow it.`;
  }
  return undefined;
}

/**
 * Any thrown value as `LifecycleError` data. The kind comes from the transport's name
 * guards, so a 505 is always `update-required` and a 511 `authentication-required`.
 * `outcomeUnknown` defaults to "not a refusal" (see `isRefusal`): right for a request that
 * starts an operation; a lifecycle that already saw its operation passes `true`.
 *
 * @example
 * ```ts
 * const error = toLifecycleError(caught);
 * if (error.kind === 'authentication-required') showSignIn(error.body ?? error.message);
 * ```
 */
export function toLifecycleError(error: unknown, outcomeUnknown: boolean = !isRefusal(error)): LifecycleError {
  const kind = kindOf(error);
  const fields = typeof error === 'object' && error !== null ? (error as { name?: unknown; message?: unknown }) : {};
  const name = typeof fields.name === 'string' ? fields.name : typeof error;
  const message = typeof fields.message === 'string' ? fields.message : String(error);
  return {
    kind,
    name,
    message,
    ...(isHttpError(error) && { status: error.status, ...(error.body !== '' && { body: error.body }) }),
    outcomeUnknown,
    userAction: isOutcomeUnknownError(error)
      ? UNDECIDABLE_ACTION
      : specificAction(error) ?? (outcomeUnknown
        ? `${USER_ACTIONS[kind]} ${OUTCOME_UNKNOWN_ACTION}`
        : USER_ACTIONS[kind]),
  };
}

/** The daemon itself reported the operation `FAILED` (or an unknown terminal status). */
export function operationFailed(kind: OperationKind, backupId: string | null, status: string): LifecycleError {
  return toLifecycleError(new OperationFailedError({ kind, backupId, status }), false);
}
