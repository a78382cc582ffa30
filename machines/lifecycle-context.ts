import { isTerminalStatus, type Backup, type BackupStatusValue } from '../src/models/index.js';
import type { OperationProgress, ProgressTransport, RetryNotice } from '../src/streams/index.js';
import { estimateEta, type RateSample } from '../src/streams/index.js';
import { toLifecycleError, type LifecycleError } from './lifecycle-error.js';

/**
 * What both lifecycles know, as JSON-serialisable data only (no client, no Error
 * instances), so `actor.getPersistedSnapshot()` survives `JSON.stringify` and a reload.
 */
export interface LifecycleContext {
  /** Known from the first progress of a creation; from the request for a restoration. */
  backupId: string | null;
  backup: Backup | null;
  /** Last status the daemon reported; null until the first observation. */
  status: BackupStatusValue | null;
  /** 0-100, never goes backwards. */
  percentage: number;
  /** Milliseconds left, estimated from the rate of `percentage`; null when unknown. */
  eta: number | null;
  /** The transport progress arrives on now (changes to 'polling' on a fallback). */
  transport: ProgressTransport | null;
  error: LifecycleError | null;
  /**
   * Set while the daemon's status cannot be read and another attempt is scheduled ("reconnecting"):
   * the attempt count, when the next one starts (the clock's epoch ms), and what failed.
   * Null again once an answer arrives. Bounded by `stream.outageTimeoutMs`.
   */
  retrying: LifecycleRetry | null;
  /** A cancel was asked for, but the operation completed first. */
  tooLateToCancel: boolean;
  /** CANCEL was received; while `starting` it waits for the id. */
  cancelRequested: boolean;
  /** Epoch ms by which the cancel must be confirmed: data, so it survives a reload. */
  cancelDeadline: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  /** Follows an operation it did not start (ATTACH): RETRY re-attaches, never starts one. */
  attached: boolean;
  /** Behind `eta`. */
  rate: RateSample | null;
}

export interface LifecycleRetry {
  attempt: number;
  nextAttemptAt: number;
  error: LifecycleError;
}

export function initialLifecycleContext(): LifecycleContext {
  return {
    backupId: null,
    backup: null,
    status: null,
    percentage: 0,
    eta: null,
    transport: null,
    error: null,
    retrying: null,
    tooLateToCancel: false,
    cancelRequested: false,
    cancelDeadline: null,
    startedAt: null,
    finishedAt: null,
    attached: false,
    rate: null,
  };
}

/** A fresh run: everything observed about the previous one is dropped. */
export function freshRun(): Omit<LifecycleContext, 'backupId' | 'backup' | 'startedAt'> {
  const { backupId: _id, backup: _backup, startedAt: _startedAt, ...rest } = initialLifecycleContext();
  return rest;
}

/** Folds one progress observation in: percentage never goes backwards, eta from its rate. */
export function applyProgress(context: LifecycleContext, progress: OperationProgress): Partial<LifecycleContext> {
  const reported = progress.percentage === null ? context.percentage : Math.min(100, Math.max(0, progress.percentage));
  const percentage = progress.status === 'COMPLETED' ? 100 : Math.max(context.percentage, reported);
  const { sample, eta } = estimateEta(context.rate, progress.at, percentage);
  return {
    backupId: progress.backupId,
    backup: progress.backup ?? context.backup,
    status: progress.status,
    percentage,
    eta: isTerminalStatus(progress.status) ? null : eta,
    transport: progress.transport,
    rate: sample,
    retrying: null,
  };
}

/** A failed status read that will be retried (or null: reads work again), as context. */
export function applyRetry(notice: RetryNotice | null): Pick<LifecycleContext, 'retrying'> {
  if (notice === null) return { retrying: null };
  const { attempt, nextAttemptAt, error } = notice;
  return { retrying: { attempt, nextAttemptAt, error: toLifecycleError(error, true) } };
}

export const isCompletedStatus = (status: BackupStatusValue | null): boolean => status === 'COMPLETED';
// RESET is never sent by the daemon today; like CANCELED it leaves nothing behind
export const isCanceledStatus = (status: BackupStatusValue | null): boolean =>
  status === 'CANCELED' || status === 'RESET';
export const isFailedStatus = (status: BackupStatusValue | null): boolean => status === 'FAILED';

/**
 * RETRY re-attaches instead of starting again when the lifecycle lost track of an operation
 * that was still running (a dropped connection, a cancel that timed out), or could not find
 * the one it was asked to ATTACH to: starting again would only meet a 409, or start what the
 * user never asked for. After a terminal status (FAILED) RETRY starts again.
 */
export function shouldReattach(context: LifecycleContext): boolean {
  if (context.backupId === null) return false;
  return context.status === null ? context.attached : !isTerminalStatus(context.status);
}
