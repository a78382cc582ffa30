import fs from 'node:fs';
import { decode, decodeBackup, isTerminalStatus, type Backup, type BackupStatusValue } from '../models/index.js';
import { writeFileAtomic } from './durable-file.js';
import type { OperationKind } from './operation.js';

/** One line of the journal: enough to answer a status endpoint after a restart. */
export interface OperationRecord {
  /** Increases with every operation started in this data dir, across restarts. */
  seq: number;
  kind: OperationKind;
  backup: Backup;
  status: BackupStatusValue;
  percentage: number;
  /** Why it ended FAILED (the 500 body's reason). */
  failure?: string;
  /** Restorations: the hash of the content being restored, which tells after a crash whether the swap happened. */
  sha256?: string;
  /** ISO-8601. */
  startedAt: string;
  endedAt?: string;
}

/** How an operation ended, as the journal keeps it. */
export interface RecordEnd {
  status: BackupStatusValue;
  percentage: number;
  failure?: string;
}

/** Records kept; older terminal ones are dropped first. */
export const JOURNAL_LIMIT = 200;

function parseRecord(value: unknown): OperationRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const item = value as Record<string, unknown>;
  const { seq, kind, status, percentage, failure, sha256, startedAt, endedAt } = item;
  const valid =
    Number.isSafeInteger(seq) &&
    (kind === 'creation' || kind === 'restoration') &&
    typeof status === 'string' &&
    typeof percentage === 'number' &&
    typeof startedAt === 'string' &&
    (failure === undefined || typeof failure === 'string') &&
    (sha256 === undefined || typeof sha256 === 'string') &&
    (endedAt === undefined || typeof endedAt === 'string');
  if (!valid) return undefined;
  try {
    const backup = decode(decodeBackup, item['backup']);
    return { seq: seq as number, kind, backup, status, percentage, failure, sha256, startedAt, endedAt };
  } catch {
    return undefined;
  }
}

/**
 * The operations journal (`<dataDir>/operations.json`): every creation and restoration with
 * its status, written atomically when one starts and when it ends (never per progress tick),
 * so a restarted emulator still answers the status of what ran before, and can tell which
 * operations a crash interrupted (records that are not terminal).
 */
export class OperationJournal {
  private records: OperationRecord[] = [];
  private nextSeq = 1;

  constructor(
    readonly file: string,
    private readonly limit = JOURNAL_LIMIT,
  ) {}

  /** Reads the file; a missing or unreadable one is an empty journal (never a failed start-up). */
  load(): void {
    let items: unknown = [];
    try {
      items = (JSON.parse(fs.readFileSync(this.file, 'utf8')) as { records?: unknown }).records;
    } catch {
      // No journal yet, or not JSON: start empty.
    }
    this.records = (Array.isArray(items) ? items : [])
      .map(parseRecord)
      .filter((record): record is OperationRecord => record !== undefined)
      .sort((a, b) => a.seq - b.seq);
    this.nextSeq = (this.records.at(-1)?.seq ?? 0) + 1;
  }

  list(): readonly OperationRecord[] {
    return this.records;
  }

  /** The newest record of `kind` for backup `id`. */
  latest(kind: OperationKind, id: string): OperationRecord | undefined {
    for (let index = this.records.length - 1; index >= 0; index -= 1) {
      const record = this.records[index]!;
      if (record.kind === kind && record.backup.id === id) return record;
    }
    return undefined;
  }

  /** Records an operation that just started; returns its `seq`. */
  begin(kind: OperationKind, backup: Backup, sha256?: string): number {
    const seq = this.nextSeq++;
    this.records.push({ seq, kind, backup, status: 'INITIALIZED', percentage: 0, sha256, startedAt: new Date().toISOString() });
    this.trim();
    this.persist();
    return seq;
  }

  end(seq: number, end: RecordEnd): void {
    const record = this.records.find((item) => item.seq === seq);
    if (!record) return;
    Object.assign(record, end, { endedAt: new Date().toISOString() });
    this.persist();
  }

  /** Settles every record a crash left unfinished, by `settle`; returns the settled records. */
  recover(settle: (record: OperationRecord) => RecordEnd): OperationRecord[] {
    const unfinished = this.records.filter((record) => !isTerminalStatus(record.status));
    for (const record of unfinished) Object.assign(record, settle(record), { endedAt: new Date().toISOString() });
    if (unfinished.length > 0) this.persist();
    return unfinished;
  }

  /** Forgets every record (admin reset); `seq` keeps increasing. */
  clear(): void {
    this.records = [];
    this.persist();
  }

  private trim(): void {
    while (this.records.length > this.limit) {
      const oldest = this.records.findIndex((record) => isTerminalStatus(record.status));
      if (oldest < 0) return;
      this.records.splice(oldest, 1);
    }
  }

  private persist(): void {
    try {
      writeFileAtomic(this.file, `${JSON.stringify({ version: 1, records: this.records }, null, 2)}\n`);
    } catch {
      // The journal records operations; it must not fail them. A lost write costs only the
      // status of this operation after a restart.
    }
  }
}
