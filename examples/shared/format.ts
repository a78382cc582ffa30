import {
  BUSY_STATES,
  LIFECYCLE_TEXTS,
  isPiecesBackupError,
  lifecycleText,
  type BackupSnapshot,
  type OperationKind,
  type PiecesBackupErrors,
  type RestoreSnapshot,
} from 'pieces-backup';

// What every example prints, framework-free: the core's text model (the same words in every
// page: react, vue, svelte, solid, angular, node), so one browser test reads them all.

/** A card: its name in the page (`data-lifecycle`) and its lifecycle on the core (`core[kind]`). */
export type Kind = 'backup' | 'restore';
export type Snapshot = BackupSnapshot | RestoreSnapshot;

/** The operation a card's lifecycle runs. */
export const OPERATION = { backup: 'creation', restore: 'restoration' } as const satisfies Record<Kind, OperationKind>;

/** The states in which a lifecycle is busy: a bar and an ETA show, the start buttons wait. */
export const ACTIVE: readonly string[] = BUSY_STATES;
export const NOUN = { backup: LIFECYCLE_TEXTS.noun.creation, restore: LIFECYCLE_TEXTS.noun.restoration } as const;

export const formatEta = (ms: number | null): string => (ms === null ? '' : LIFECYCLE_TEXTS.eta(ms));

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

/** Whether a card offers Cancel (the core's text model decides, for every state). */
export const canCancel = (kind: Kind, snapshot: Snapshot): boolean => lifecycleText(OPERATION[kind], snapshot).canCancel;

/** A card's status line. */
export const statusText = (kind: Kind, snapshot: Snapshot): string => lifecycleText(OPERATION[kind], snapshot).headline;

/** The notice while Pieces OS cannot be reached and is tried again; `''` otherwise. */
export const reconnectingText = ({ context }: Snapshot): string => (context.retrying ? LIFECYCLE_TEXTS.reconnecting(context.retrying.attempt) : '');

/** The list's error as something to do: a 511 or 505 from Pieces OS, or no answer at all. */
export function listAction(error: PiecesBackupErrors['PiecesBackupError']): string {
  if (isPiecesBackupError(error, 'AuthenticationRequiredError')) return 'Sign in to Pieces OS and connect it to the cloud to see your backups.';
  if (isPiecesBackupError(error, 'UpdateRequiredError')) return 'Update Pieces OS to see your backups.';
  if (isPiecesBackupError(error, 'NetworkError')) return 'Pieces OS is not answering: is it running?';
  return 'The backups could not be listed.';
}

/** The id of the operation a lifecycle started itself, if any (attached ones were started elsewhere). */
export const mine = (snapshot: Snapshot): string | null => (snapshot.context.attached ? null : snapshot.context.backupId);
