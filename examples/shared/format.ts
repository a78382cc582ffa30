import {
  isAuthenticationRequiredError,
  isNetworkError,
  isUpdateRequiredError,
  type BackupSnapshot,
  type PiecesBackupError,
  type RestoreSnapshot,
} from 'pieces-backup';

// What every example prints, framework-free: the same words in every page (react, vue, svelte,
// solid, angular), so one browser test reads them all; examples/node uses the formatters.

export type Kind = 'backup' | 'restore';
export type Snapshot = BackupSnapshot | RestoreSnapshot;

/** The states in which a lifecycle is busy: a bar and an ETA show, the start buttons wait. */
export const ACTIVE: readonly string[] = ['starting', 'running', 'cancelling', 'checking'];
export const NOUN = { backup: 'Backup', restore: 'Restore' } as const;

export function formatEta(ms: number | null): string {
  if (ms === null) return '';
  const seconds = Math.max(1, Math.round(ms / 1000));
  return seconds < 60 ? `about ${seconds} s left` : `about ${Math.floor(seconds / 60)} min ${seconds % 60} s left`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

/** A card's status line. */
export function statusText(kind: Kind, { value, context }: Snapshot): string {
  const noun = NOUN[kind];
  switch (value) {
    case 'idle': return kind === 'backup' ? 'No backup running.' : 'No restore running.';
    case 'confirming': return `Restore the backup of ${context.backup?.created.readable ?? context.backupId}?`;
    case 'starting': return `${noun} starting…`;
    case 'running': return `${noun} running${context.attached ? ' (started elsewhere)' : ''}`;
    case 'cancelling': return `Cancelling the ${kind}…`;
    case 'checking': return `Asking Pieces OS whether the ${kind} ran…`;
    case 'done': return context.tooLateToCancel ? `${noun} finished before the cancel reached it.` : `${noun} complete.`;
    case 'cancelled': return `${noun} cancelled.`;
    default: return context.error?.outcomeUnknown ? `${noun}: the outcome is unknown.` : `${noun} failed.`;
  }
}

/** The list's error as something to do: a 511 or 505 from Pieces OS, or no answer at all. */
export function listAction(error: PiecesBackupError): string {
  if (isAuthenticationRequiredError(error)) return 'Sign in to Pieces OS and connect it to the cloud to see your backups.';
  if (isUpdateRequiredError(error)) return 'Update Pieces OS to see your backups.';
  if (isNetworkError(error)) return 'Pieces OS is not answering: is it running?';
  return 'The backups could not be listed.';
}

/** The id of the operation a lifecycle started itself, if any (attached ones were started elsewhere). */
export const mine = (snapshot: Snapshot): string | null => (snapshot.context.attached ? null : snapshot.context.backupId);
