import type { BackupStatus } from '../models/index.js';
import type { Manifest } from './cloud-store.js';
import { startCreation } from './creation.js';
import { settleInterrupted, type CrashEvidence } from './interruption.js';
import type { Operation } from './operation.js';
import type { OperationEnv } from './operation-env.js';
import type { OperationJournal, OperationRecord } from './operation-journal.js';
import { RequestRejection } from './request-rejection.js';
import { startRestoration } from './restoration.js';

/** `ended` is set on the change that made an operation terminal. */
export type RegistryListener = (ended: Operation | undefined) => void;

function statusOfRecord(record: OperationRecord): BackupStatus {
  return { value: record.status, percentage: record.percentage, backup: record.backup };
}

/**
 * At most one creation and one restoration at a time (one local database); remembers every
 * operation of this run, and through the journal those of earlier runs, so finished ones
 * still answer their status.
 */
export class OperationRegistry {
  private readonly creations = new Map<string, Operation>();
  /** Latest restoration per backup id. */
  private readonly restorations = new Map<string, Operation>();
  private creationRunning: Operation | undefined;
  private restorationRunning: Operation | undefined;
  private readonly listeners = new Set<RegistryListener>();
  private lastTimestamp = 0;

  constructor(
    private readonly env: OperationEnv,
    private readonly journal: OperationJournal,
  ) {}

  /**
   * Start-up: reads the journal and settles what the last run left unfinished (see
   * interruption.ts). Call after the staging is cleaned and the database is open.
   */
  recover(evidence: CrashEvidence): OperationRecord[] {
    this.journal.load();
    return this.journal.recover((record) => settleInterrupted(record, evidence));
  }

  onChange(listener: RegistryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(ended: Operation | undefined): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(ended);
      } catch {
        // one broken subscriber must not affect the others
      }
    }
  }

  /** Journals the start now and the end when it comes; subscribed first, so the journal is written before any stream hears. */
  private track(operation: Operation, sha256?: string): void {
    const seq = this.journal.begin(operation.kind, operation.backup, sha256);
    const onChange = () => {
      if (operation.terminal) {
        if (this.creationRunning === operation) this.creationRunning = undefined;
        if (this.restorationRunning === operation) this.restorationRunning = undefined;
        this.journal.end(seq, { status: operation.value, percentage: operation.percentageDone, failure: operation.failure });
        this.notify(operation);
      } else {
        this.notify(undefined);
      }
    };
    operation.subscribe(onChange);
    onChange();
  }

  /** `<version>_<epoch ms>`, bumped past the last one and any id already known. */
  private nextId(): { id: string; timestamp: number } {
    let timestamp = Math.max(Date.now(), this.lastTimestamp + 1);
    const version = this.env.state().version;
    const taken = (id: string) => this.creations.has(id) || this.journal.latest('creation', id) !== undefined || this.env.cloud.get(id) !== undefined;
    while (taken(`${version}_${timestamp}`)) timestamp += 1;
    this.lastTimestamp = timestamp;
    return { id: `${version}_${timestamp}`, timestamp };
  }

  startCreation(): Operation {
    if (this.creationRunning) {
      throw new RequestRejection(409, `backup creation ${this.creationRunning.id} is already in progress`);
    }
    const { id, timestamp } = this.nextId();
    const operation = startCreation(this.env, id, timestamp);
    this.creations.set(id, operation);
    this.creationRunning = operation;
    this.track(operation);
    return operation;
  }

  startRestoration(manifest: Manifest): Operation {
    if (this.restorationRunning) {
      throw new RequestRejection(409, `restoration of ${this.restorationRunning.id} is already in progress`);
    }
    const operation = startRestoration(this.env, manifest);
    this.restorations.set(manifest.backup.id, operation);
    this.restorationRunning = operation;
    this.track(operation, manifest.sha256);
    return operation;
  }

  get runningCreation(): Operation | undefined {
    return this.creationRunning;
  }

  get runningRestoration(): Operation | undefined {
    return this.restorationRunning;
  }

  creation(id: string): Operation | undefined {
    return this.creations.get(id);
  }

  restoration(id: string): Operation | undefined {
    return this.restorations.get(id);
  }

  /** Creation status: this run's operation, else the journal's record, else COMPLETED for a backup in the cloud. */
  creationStatus(id: string): BackupStatus | undefined {
    const operation = this.creations.get(id);
    if (operation) return operation.statusRecord();
    const record = this.journal.latest('creation', id);
    if (record) return statusOfRecord(record);
    const manifest = this.env.cloud.get(id);
    return manifest ? { value: 'COMPLETED', percentage: 100, backup: manifest.backup } : undefined;
  }

  /** Status of the latest restoration of `id`: this run's, else the journal's. */
  restorationStatus(id: string): BackupStatus | undefined {
    const operation = this.restorations.get(id);
    if (operation) return operation.statusRecord();
    const record = this.journal.latest('restoration', id);
    return record ? statusOfRecord(record) : undefined;
  }

  /** Every journaled operation, oldest first (admin surface). */
  history(): readonly OperationRecord[] {
    return this.journal.list();
  }

  inProgress(): { creations: Operation[]; restorations: Operation[] } {
    return {
      creations: this.creationRunning ? [this.creationRunning] : [],
      restorations: this.restorationRunning ? [this.restorationRunning] : [],
    };
  }

  /** Fails the running operation of `kind` (admin surface); 409 when none is running. */
  failRunning(kind: 'creation' | 'restoration', reason: string): Operation {
    const operation = kind === 'creation' ? this.creationRunning : this.restorationRunning;
    if (!operation?.failNow(reason)) throw new RequestRejection(409, `no ${kind} is in progress`);
    return operation;
  }

  /** Ends every running operation at once, FAILED with `reason` (shutdown, reset). */
  interruptAll(reason: string): void {
    this.creationRunning?.interrupt(reason);
    this.restorationRunning?.interrupt(reason);
  }

  /** Interrupts what runs and forgets every operation, journal included (reset). */
  forget(reason: string): void {
    this.interruptAll(reason);
    this.creations.clear();
    this.restorations.clear();
    this.journal.clear();
  }
}
