import { PiecesBackupError, hasErrorName } from '../../api/errors/index.js';
import type { OperationKind } from '../../models/index.js';

/**
 * A lifecycle resumed from a snapshot taken while it was `starting` (the operation's id was
 * not known yet) and no matching operation is in progress now: it never reached the daemon,
 * or it already ended. Nothing was started twice. In context: kind `not-found`.
 *
 * @example
 * ```ts
 * if (snapshot.context.error?.name === 'OperationLostError') offerToStartAgain();
 * ```
 */
export class OperationLostError extends PiecesBackupError {
  override readonly name = 'OperationLostError' as const;
  readonly kind: OperationKind;
  readonly backupId: string | null;

  constructor(init: { kind: OperationKind; backupId: string | null }) {
    const what = init.kind === 'creation' ? 'backup creation' : `restoration of ${init.backupId ?? 'the backup'}`;
    super(`resumed before the ${what} was confirmed, and none is in progress now: it never started or already ended`);
    this.kind = init.kind;
    this.backupId = init.backupId;
  }
}

export function isOperationLostError(error: unknown): error is OperationLostError {
  return hasErrorName(error, 'OperationLostError');
}
