import type { Backup, BackupStatus, OperationKind } from '../models/index.js';
import type { Manifest } from './cloud-store.js';
import { commitSeededBackup, startCreation } from './creation.js';
import { settleInterrupted, type CrashEvidence } from './interruption.js';
import { backupStatus, type Operation } from './operation.js';
import type { OperationEnv } from './operation-env.js';
import type { OperationJournal, OperationRecord } from './operation-journal.js';
import { RequestRejection } from './request-rejection.js';
import { startRestoration } from './restoration.js';

/** `ended` is set on the change that made an operation terminal. */
export type RegistryListener = (ended: Operation | undefined) => void;

export const OPERATION_KINDS: readonly OperationKind[] = ['creation', 'restoration'];

/** The operations of one kind: the running one, and this run's by backup id (a restoration: the latest of each backup). */
interface Slot {
  running: Operation | undefined;
  readonly byId: Map<string, Operation>;
}

/** A completed backup to put in the cloud without running a creation; `timestamp` in epoch ms. */
export interface SeedRequest {
  timestamp: number;
  version: string;
  deviceName: string;
  bytes?: number | undefined;
}

/**
 * At most one operation of each kind at a time (one local database); remembers every
 * operation of this run, and through the journal those of earlier runs, so finished ones
 * still answer their status.
 */
export class OperationRegistry {
  private readonly slots: Record<OperationKind, Slot> = {
    creation: { running: undefined, byId: new Map() },
    restoration: { running: undefined, byId: new Map() },
  };
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
    const slot = this.slots[operation.kind];
    const seq = this.journal.begin(operation.kind, operation.backup, sha256);
    const onChange = () => {
      if (operation.terminal) {
        if (slot.running === operation) slot.running = undefined;
        this.journal.end(seq, { status: operation.value, percentage: operation.percentageDone, failure: operation.failure });
        this.notify(operation);
      } else {
        this.notify(undefined);
      }
    };
    operation.subscribe(onChange);
    onChange();
  }

  /** `<version>_<timestamp>`, the timestamp bumped past any id already known. */
  private freeId(version: string, from: number): { id: string; timestamp: number } {
    const taken = (id: string) =>
      this.slots.creation.byId.has(id) || this.journal.latest('creation', id) !== undefined || this.env.cloud.get(id) !== undefined;
    let timestamp = from;
    while (taken(`${version}_${timestamp}`)) timestamp += 1;
    return { id: `${version}_${timestamp}`, timestamp };
  }

  /** 409 naming the running operation of `kind`; the one place a second operation is refused. */
  assertIdle(kind: OperationKind): void {
    const running = this.slots[kind].running;
    if (running) throw new RequestRejection(409, `${running.label} is already in progress`);
  }

  /** Starts a creation, or a restoration of `manifest`; 409 while one of that kind runs. */
  start(kind: 'creation'): Operation;
  start(kind: 'restoration', manifest: Manifest): Operation;
  start(kind: OperationKind, manifest?: Manifest): Operation {
    this.assertIdle(kind);
    let operation: Operation;
    if (manifest) {
      operation = startRestoration(this.env, manifest);
    } else {
      const { id, timestamp } = this.freeId(this.env.state().version, Math.max(Date.now(), this.lastTimestamp + 1));
      this.lastTimestamp = timestamp;
      operation = startCreation(this.env, id, timestamp);
    }
    const slot = this.slots[kind];
    slot.byId.set(operation.id, operation);
    slot.running = operation;
    this.track(operation, manifest?.sha256);
    return operation;
  }

  /**
   * Puts a completed backup of the local database as it is now in the cloud, with the given
   * metadata (admin seed). No operation runs: its creation status answers COMPLETED from the
   * cloud, as for any backup this run did not make.
   */
  seed(request: SeedRequest): Backup {
    const { id, timestamp } = this.freeId(request.version, request.timestamp);
    return commitSeededBackup(this.env, { id, timestamp, version: request.version, deviceName: request.deviceName, bytes: request.bytes });
  }

  running(kind: OperationKind): Operation | undefined {
    return this.slots[kind].running;
  }

  /** This run's operation of `kind` on backup `id` (a restoration: the latest). */
  operation(kind: OperationKind, id: string): Operation | undefined {
    return this.slots[kind].byId.get(id);
  }

  /**
   * Status of the latest operation of `kind` on `id`: this run's, else the journal's; a
   * creation not on record is COMPLETED when its backup is in the cloud (a seed, a backup of
   * an earlier data dir).
   */
  status(kind: OperationKind, id: string): BackupStatus | undefined {
    const operation = this.slots[kind].byId.get(id);
    if (operation) return operation.statusRecord();
    const record = this.journal.latest(kind, id);
    if (record) return backupStatus(record.status, record.percentage, record.backup);
    const manifest = kind === 'creation' ? this.env.cloud.get(id) : undefined;
    return manifest && backupStatus('COMPLETED', 100, manifest.backup);
  }

  /** Every journaled operation, oldest first (admin surface). */
  history(): readonly OperationRecord[] {
    return this.journal.list();
  }

  /** The running operations by kind (at most one each). */
  inProgress(): Record<OperationKind, Operation[]> {
    const list = (kind: OperationKind) => (this.slots[kind].running ? [this.slots[kind].running] : []);
    return { creation: list('creation'), restoration: list('restoration') };
  }

  /** Fails the running operation of `kind` (admin surface); 409 when none is running. */
  failRunning(kind: OperationKind, reason: string): Operation {
    const operation = this.slots[kind].running;
    if (!operation?.failNow(reason)) throw new RequestRejection(409, `no ${kind} is in progress`);
    return operation;
  }

  /** Ends every running operation at once, FAILED with `reason` (shutdown, reset). */
  interruptAll(reason: string): void {
    for (const kind of OPERATION_KINDS) this.slots[kind].running?.interrupt(reason);
  }

  /** Interrupts what runs and forgets every operation, journal included (reset). */
  forget(reason: string): void {
    this.interruptAll(reason);
    for (const kind of OPERATION_KINDS) this.slots[kind].byId.clear();
    this.journal.clear();
  }
}
