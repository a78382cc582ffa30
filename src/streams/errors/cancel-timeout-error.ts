import { PiecesBackupError, hasErrorName } from '../../api/errors/index.js';
/**
 * A cancel was asked for but not confirmed before its deadline: the cancel request itself
 * kept failing (an outage), or the daemon accepted it and never reported `CANCELED`. The
 * operation may still be winding down, so check its status before starting another.
 * In machine context it is the `LifecycleError` of kind `cancel-timeout`.
 *
 * @example
 * ```ts
 * if (isCancelTimeoutError(error)) console.warn(`${error.backupId}: cancel not confirmed`);
 * ```
 */
export class CancelTimeoutError extends PiecesBackupError {
  override readonly name = 'CancelTimeoutError' as const;
  readonly backupId: string;
  /** Epoch ms the cancel had to be confirmed by. */
  readonly deadline: number;

  constructor(init: { backupId: string; deadline: number; cause?: unknown }) {
    super(
      `cancel of ${init.backupId} was not confirmed by its deadline`,
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.backupId = init.backupId;
    this.deadline = init.deadline;
  }
}

export function isCancelTimeoutError(error: unknown): error is CancelTimeoutError {
  return hasErrorName(error, 'CancelTimeoutError');
}
