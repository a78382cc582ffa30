/** Every `name` an error of this library can carry: the discriminant the guards compare. */
export type PiecesBackupErrorName =
  | 'PiecesBackupError'
  | HttpErrorName
  | 'NetworkError'
  | 'TimeoutError'
  | 'ProtocolError'
  | 'AbortedError'
  | 'DaemonNotFoundError'
  // the lifecycle machines' own: they extend this base too
  | 'CancelTimeoutError'
  | 'OperationLostError'
  | 'OperationFailedError'
  | 'OutcomeUnknownError'
  // the restore preflight and its safety backup (src/streams/preflight.ts)
  | 'BackupTooNewError'
  | 'FeatureDisabledError'
  | 'SafetyBackupFailedError'
  // the core's schedule and retention policy (src/core/policy)
  | 'PolicyInputError';

export type HttpErrorName =
  | 'HttpError'
  | 'NotFoundError'
  | 'ConflictError'
  | 'ServerError'
  | 'UpdateRequiredError'
  | 'AuthenticationRequiredError';

// A registered symbol is the same in every realm, so the guards work across iframes and
// duplicated copies of this package, and a DOMException named `TimeoutError` is not ours.
export const ERROR_BRAND: unique symbol = Symbol.for('pieces-backup.error');

/**
 * Base of every error the library throws. Catch this (or test with `isPiecesBackupError`)
 * to handle anything from the transport; narrow on `name` for the specific case.
 *
 * @example
 * ```ts
 * try {
 *   await client.list();
 * } catch (error) {
 *   if (isPiecesBackupError(error)) console.error(error.name, error.message);
 * }
 * ```
 */
export class PiecesBackupError extends Error {
  override readonly name: PiecesBackupErrorName = 'PiecesBackupError';
  readonly [ERROR_BRAND] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}
