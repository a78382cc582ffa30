import { PiecesBackupError, hasErrorName } from '../../api/errors/index.js';
import type { OperationKind } from '../../models/index.js';

/**
 * RETRY asked the daemon, and its answer cannot tell whether this operation ran: the status
 * of a restoration equals the one read before the request (an earlier restoration of the
 * same backup ended the same way), or that earlier status was never read. Nothing is started
 * blindly. In context: kind `unknown`, `outcomeUnknown: true`.
 *
 * @example
 * ```ts
 * if (snapshot.context.error?.name === 'OutcomeUnknownError') askTheUserToCheckTheirData();
 * ```
 */
export class OutcomeUnknownError extends PiecesBackupError {
  override readonly name = 'OutcomeUnknownError' as const;
  readonly kind: OperationKind;
  readonly backupId: string | null;

  constructor(init: { kind: OperationKind; backupId: string | null; reason: string }) {
    super(`cannot tell whether the ${init.kind} of ${init.backupId ?? 'the backup'} ran: ${init.reason}`);
    this.kind = init.kind;
    this.backupId = init.backupId;
  }
}

export function isOutcomeUnknownError(error: unknown): error is OutcomeUnknownError {
  return hasErrorName(error, 'OutcomeUnknownError');
}
