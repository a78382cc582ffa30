import { PiecesBackupError } from './pieces-backup-error.js';

/** Discovery probed every candidate and none answered as Pieces OS. */
export class DaemonNotFoundError extends PiecesBackupError {
  override readonly name = 'DaemonNotFoundError' as const;
  /** Every base URL that was probed, in order. */
  readonly probed: readonly string[];

  constructor(probed: readonly string[]) {
    const range = probed.length > 3 ? `${probed[0]} ... ${probed[probed.length - 1]} (${probed.length} urls)` : probed.join(', ');
    super(`Pieces OS not found: no answer to /.well-known/health from ${range || 'no candidates'}`);
    this.probed = probed;
  }
}
