import { PiecesBackupError } from '../../api/errors/index.js';

/**
 * The backup a restore makes of the local database first did not complete (failed, canceled
 * elsewhere, not listed, listed empty, or its outcome is unknown): the restore was never
 * started and the database is untouched. `cause` is what went wrong, when it was an error.
 *
 * @example
 * ```ts
 * if (isSafetyBackupFailedError(error)) offer('Restore without a safety backup');
 * ```
 */
export class SafetyBackupFailedError extends PiecesBackupError {
  override readonly name = 'SafetyBackupFailedError' as const;
  /** The safety backup's id, when the daemon named it. */
  readonly backupId: string | null;

  constructor(init: { backupId: string | null; reason: string }, options?: { cause?: unknown }) {
    super(`the safety backup${init.backupId ? ` ${init.backupId}` : ''} did not complete (${init.reason}): nothing was restored`, options);
    this.backupId = init.backupId;
  }
}

export function isSafetyBackupFailedError(error: unknown): error is SafetyBackupFailedError {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'SafetyBackupFailedError';
}
