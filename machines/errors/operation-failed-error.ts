import { PiecesBackupError, hasErrorName } from '../../src/api/index.js';
import type { OperationKind } from '../../src/models/index.js';

/**
 * Pieces OS itself reported the operation `FAILED` (or ended it with a status this library
 * does not know): the outcome is known, nothing completed. In machine context it is the
 * `LifecycleError` of kind `server` with `outcomeUnknown: false`.
 *
 * @example
 * ```ts
 * if (snapshot.context.error?.name === 'OperationFailedError') offerRetry();
 * ```
 */
export class OperationFailedError extends PiecesBackupError {
  override readonly name = 'OperationFailedError' as const;
  readonly kind: OperationKind;
  readonly backupId: string | null;
  /** The terminal status the daemon reported. */
  readonly status: string;

  constructor(init: { kind: OperationKind; backupId: string | null; status: string }) {
    const what = init.kind === 'creation' ? 'backup creation' : 'restoration';
    super(`Pieces OS reported the ${what}${init.backupId ? ` ${init.backupId}` : ''} as ${init.status}`);
    this.kind = init.kind;
    this.backupId = init.backupId;
    this.status = init.status;
  }
}

export function isOperationFailedError(error: unknown): error is OperationFailedError {
  return hasErrorName(error, 'OperationFailedError');
}
