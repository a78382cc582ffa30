import { PiecesBackupError } from './pieces-backup-error.js';

/** The caller's `AbortSignal` fired. `reason` is the signal's reason. */
export class AbortedError extends PiecesBackupError {
  override readonly name = 'AbortedError' as const;
  readonly reason: unknown;

  constructor(init: { reason?: unknown; what?: string } = {}) {
    super(`${init.what ?? 'request'} aborted`, { cause: init.reason });
    this.reason = init.reason;
  }
}
