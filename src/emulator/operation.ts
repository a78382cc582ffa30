import type { Backup, BackupStatus, BackupStatusValue, BackupStreamedProgress } from '../models/index.js';
import { isTerminalStatus } from '../models/index.js';

export type { OperationKind } from '../models/index.js';
import type { OperationKind } from '../models/index.js';

export interface OperationHooks {
  /** Stop the work and remove what it staged. Called once, on cancel, failure or shutdown. */
  abort(): void;
  /** Read when a cancel is accepted: how long rolling back takes. */
  cancelDelayMs(): number;
}

type Listener = (frame: BackupStreamedProgress) => void;

/** A `BackupStatus`, however it is known (a live operation, a journal record, a cloud manifest). */
export function backupStatus(value: BackupStatusValue, percentage: number, backup: Backup): BackupStatus {
  return { value, percentage, backup };
}

/**
 * One creation or restoration: its status, its listeners (streams, the progress hub) and
 * the two-step cancel (accepted now, `CANCELED` after the roll-back delay).
 */
export class Operation {
  private status: BackupStatusValue = 'INITIALIZED';
  private percentage = 0;
  private readonly listeners = new Set<Listener>();
  private cancelTimer: NodeJS.Timeout | undefined;
  private resolveFinished!: (frame: BackupStreamedProgress) => void;
  private hooks: OperationHooks | undefined;
  /** Why it failed, for 500 bodies. */
  failure: string | undefined;
  cancelling = false;
  readonly finished: Promise<BackupStreamedProgress>;

  constructor(
    readonly kind: OperationKind,
    readonly backup: Backup,
  ) {
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
  }

  /** Set once the work exists (after the constructor, so the work can call back into this). */
  attach(hooks: OperationHooks): void {
    this.hooks = hooks;
  }

  get id(): string {
    return this.backup.id;
  }

  get terminal(): boolean {
    return isTerminalStatus(this.status);
  }

  get value(): BackupStatusValue {
    return this.status;
  }

  frame(): BackupStreamedProgress {
    return { status: this.status, percentage: this.percentage, backup: this.backup };
  }

  get percentageDone(): number {
    return this.percentage;
  }

  statusRecord(): BackupStatus {
    return backupStatus(this.status, this.percentage, this.backup);
  }

  /** How answers name it: `backup creation <id>`, `restoration of <id>`. */
  get label(): string {
    return `${this.kind === 'creation' ? 'backup creation' : 'restoration of'} ${this.id}`;
  }

  /** Listen to every later change; the caller sends `frame()` first if it wants the current one. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    const frame = this.frame();
    for (const listener of [...this.listeners]) {
      try {
        listener(frame);
      } catch {
        // A broken listener (a dead socket) must not stop the operation.
      }
    }
    if (this.terminal) {
      this.listeners.clear();
      this.resolveFinished(frame);
    }
  }

  progress(percentage: number): void {
    if (this.terminal || this.cancelling) return;
    this.status = 'IN-PROGRESS';
    this.percentage = Math.min(99.9, Math.floor(percentage * 10) / 10);
    this.emit();
  }

  complete(): void {
    if (this.terminal || this.cancelling) return;
    this.status = 'COMPLETED';
    this.percentage = 100;
    this.emit();
  }

  fail(reason: string): void {
    if (this.terminal) return;
    this.failure = reason;
    this.status = 'FAILED';
    this.emit();
  }

  /**
   * Stops the work and removes what it staged, as a cancel would, then ends FAILED with
   * `reason` (an injected failure, a shutdown). False once ended.
   */
  failNow(reason: string): boolean {
    if (this.terminal) return false;
    if (this.cancelTimer) clearTimeout(this.cancelTimer);
    this.cancelTimer = undefined;
    if (!this.cancelling) this.hooks?.abort();
    this.fail(reason);
    return true;
  }

  /**
   * Accepts a cancel: true while running (also while already winding down), false once ended.
   * Status stays IN-PROGRESS until the roll-back is done.
   */
  requestCancel(): boolean {
    if (this.terminal) return false;
    if (this.cancelling) return true;
    this.cancelling = true;
    this.hooks?.abort();
    if (this.status === 'INITIALIZED') {
      this.status = 'IN-PROGRESS';
      this.emit();
    }
    this.cancelTimer = setTimeout(() => this.settleCanceled(), this.hooks?.cancelDelayMs() ?? 0);
    return true;
  }

  /**
   * Ends at once because the emulator stops (shutdown, reset): FAILED with `reason`, so no
   * client mistakes it for a user's cancel. A cancel already accepted still ends CANCELED
   * (its roll-back already ran; only the delay is cut short).
   */
  interrupt(reason: string): void {
    if (this.terminal) return;
    if (this.cancelling) this.settleCanceled();
    else this.failNow(reason);
  }

  private settleCanceled(): void {
    if (this.cancelTimer) clearTimeout(this.cancelTimer);
    this.cancelTimer = undefined;
    if (this.terminal) return;
    this.status = 'CANCELED';
    this.emit();
  }
}
