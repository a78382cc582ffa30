import { lifecycleText, type Backup } from 'pieces-backup';
import { NOUN, OPERATION, type Kind, type Snapshot } from './format.js';

// The words that name things for assistive technology, framework-free: a backup's date in the
// user's locale and time zone (Intl), the buttons and bars named after what they act on, and
// the confirmations' texts. Every example renders these, so one browser test reads them all.

// undefined: the user's locale, in the user's time zone
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** An instant (epoch ms or ISO-8601) as the user reads dates: `3 Dec 2026, 19:59` (en-GB). */
export const formatDate = (at: number | string): string => dateTime.format(typeof at === 'number' ? at : Date.parse(at));

/** When a backup was made, epoch ms: its id's timestamp, else its created date. */
export function backupTime(backup: Backup): number {
  const fromTimestamp = Number(backup.timestamp);
  return backup.timestamp !== '' && Number.isFinite(fromTimestamp) ? fromTimestamp : Date.parse(backup.created.value);
}

/** A backup's creation date, in the user's locale and time zone. */
export const backupDate = (backup: Backup): string => formatDate(backupTime(backup));

/** A row's Restore button: `Restore the backup of 3 Dec 2026, 19:59`. */
export const restoreLabel = (backup: Backup): string => `Restore the backup of ${backupDate(backup)}`;

/** A row's Delete button: `Delete the backup of 3 Dec 2026, 19:59`. */
export const deleteLabel = (backup: Backup): string => `Delete the backup of ${backupDate(backup)}`;

/** A card's bar: `Backup progress`, `Restore progress`. */
export const progressLabel = (kind: Kind): string => `${NOUN[kind]} progress`;

/**
 * A card's status line (its polite live region): the core's headline, with the backup to
 * restore dated in the user's locale (the daemon's `readable` is a GMT string).
 */
export function cardStatus(kind: Kind, snapshot: Snapshot): string {
  const backup = snapshot.context.backup;
  if (!backup) return lifecycleText(OPERATION[kind], snapshot).headline;
  return lifecycleText(OPERATION[kind], snapshot, {
    texts: { headlines: { confirming: () => `Restore the backup of ${backupDate(backup)}?` } },
  }).headline;
}

/** What a confirmation dialog says and offers. */
export interface Confirmation {
  title: string;
  text: string;
  confirm: string;
  dismiss: string;
}

export const RESTORE_CONFIRMATION = {
  text: 'Restoring replaces the local database with this backup. Nothing is synced back.',
  confirm: 'Restore',
  dismiss: 'Keep my data',
} as const;

export const deleteConfirmation = (backup: Backup): Confirmation => ({
  title: `${deleteLabel(backup)}?`,
  text: `It is removed from Pieces OS (${backup.device_name}) for good; this cannot be undone.`,
  confirm: 'Delete',
  dismiss: 'Keep it',
});

/** The list's notice after a delete failed (a 409 while the backup is being restored). */
export const deleteFailedText = (backup: Backup | undefined, message: string): string =>
  `${backup ? `The backup of ${backupDate(backup)}` : 'The backup'} was not deleted: ${message}`;
