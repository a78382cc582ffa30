import type { Backup } from 'pieces-backup';

// A backup's date in the user's locale and time zone (Intl), and the names of the buttons that
// act on one backup: "Restore the backup of 3 Dec 2026, 19:59", so a screen reader's list of
// buttons says which backup each one is for.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** When the backup was made, in ms since the epoch (the id's timestamp, else the created date). */
export function backupTime(backup: Backup): number {
  const fromTimestamp = Number(backup.timestamp);
  return backup.timestamp !== '' && Number.isFinite(fromTimestamp) ? fromTimestamp : Date.parse(backup.created.value);
}

/** `3 Dec 2026, 19:59` (en-GB), `Dec 3, 2026, 7:59 PM` (en-US): the user's words for the date. */
export const backupDate = (backup: Backup): string => dateTime.format(backupTime(backup));

export const restoreLabel = (backup: Backup): string => `Restore the backup of ${backupDate(backup)}`;
export const deleteLabel = (backup: Backup): string => `Delete the backup of ${backupDate(backup)}`;
