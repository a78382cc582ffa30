import { PiecesBackupError } from '../../api/errors/index.js';

/**
 * The restore preflight refused a backup made by a newer Pieces OS than the one running:
 * Pieces documents restoring it onto an older one as unsupported (it breaks Pieces OS).
 * Nothing was sent; `force: true` restores it anyway.
 *
 * @example
 * ```ts
 * if (isBackupTooNewError(error)) show(`Update Pieces OS to ${error.backupVersion} first`);
 * ```
 */
export class BackupTooNewError extends PiecesBackupError {
  override readonly name = 'BackupTooNewError' as const;
  readonly backupId: string;
  /** The Pieces OS version that made the backup (`Backup.version`). */
  readonly backupVersion: string;
  /** The running Pieces OS version (`GET /.well-known/version`). */
  readonly daemonVersion: string;

  constructor(init: { backupId: string; backupVersion: string; daemonVersion: string }) {
    super(`backup ${init.backupId} was made by Pieces OS ${init.backupVersion}, newer than the running ${init.daemonVersion}`);
    this.backupId = init.backupId;
    this.backupVersion = init.backupVersion;
    this.daemonVersion = init.daemonVersion;
  }
}

export function isBackupTooNewError(error: unknown): error is BackupTooNewError {
  // by name, not instanceof: works across realms and duplicated copies of the package
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'BackupTooNewError';
}
