import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultStateDir } from '../commands/schedule.js';

/**
 * The last restore that made a safety backup: what `pieces-backup undo` restores. Kept in
 * the state dir beside the schedule's state, because the undo runs in another process.
 */
export interface LastRestore {
  backupId: string;
  safetyBackupId: string;
  /** ISO-8601: when the restore completed. */
  at: string;
}

const fileOf = () => join(defaultStateDir(), 'last-restore.json');

/** The record, or null when there is none (or it does not parse: nothing to undo then). */
export function readLastRestore(): LastRestore | null {
  try {
    const record = JSON.parse(readFileSync(fileOf(), 'utf8')) as Partial<LastRestore>;
    return typeof record.backupId === 'string' && typeof record.safetyBackupId === 'string' && typeof record.at === 'string'
      ? { backupId: record.backupId, safetyBackupId: record.safetyBackupId, at: record.at }
      : null;
  } catch {
    return null;
  }
}

/** Replaces the record atomically (a crash mid-write leaves the old one). */
export function writeLastRestore(record: LastRestore): void {
  const file = fileOf();
  mkdirSync(defaultStateDir(), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(temporary, file);
}

/** After an undo: nothing is left to undo. */
export function clearLastRestore(): void {
  rmSync(fileOf(), { force: true });
}
