import type { OperationRecord, RecordEnd } from './operation-journal.js';

/** Failure reasons of operations that ended because the emulator stopped, not because they broke. */
export const SHUTDOWN_REASON = 'interrupted: Pieces OS is shutting down';
export const RESET_REASON = 'interrupted: the emulator was reset';
export const STOPPED_REASON = 'interrupted: Pieces OS stopped before the operation ended';

/** What a restarted emulator can look at to learn how far an interrupted operation got. */
export interface CrashEvidence {
  /** The backup's manifest exists: the creation committed. */
  backupCommitted(id: string): boolean;
  /** sha256 of the live database file now (after SQLite rolled back any hot journal). */
  liveDatabaseSha256(): string;
}

/**
 * How an operation that was running when the process died really ended. A creation
 * completed exactly when its manifest (written last) exists. A restoration swaps the
 * database in with one atomic rename, so the live database holds either the old bytes or
 * the backup's; it completed exactly when the live file's hash is the backup's content hash.
 * Everything else failed: its staging was never visible and is removed at start-up.
 */
export function settleInterrupted(record: OperationRecord, evidence: CrashEvidence): RecordEnd {
  const completed =
    record.kind === 'creation'
      ? evidence.backupCommitted(record.backup.id)
      : record.sha256 !== undefined && evidence.liveDatabaseSha256() === record.sha256;
  return completed
    ? { status: 'COMPLETED', percentage: 100 }
    : { status: 'FAILED', percentage: record.percentage, failure: STOPPED_REASON };
}
