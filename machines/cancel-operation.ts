import {
  PiecesBackupError,
  isHttpError,
  isTransientError,
  retryDelayOf,
  shouldRetry,
  type BackupClient,
} from '../src/api/index.js';
import { isTerminalStatus, type Backup, type BackupStatus } from '../src/models/index.js';
import { progressFromStatus, waitOn, type OperationKind, type OperationProgress } from '../src/streams/index.js';
import { CancelTimeoutError } from './errors/cancel-timeout-error.js';
import type { ResolvedLifecycleOptions } from './lifecycle-options.js';

export interface CancelInput {
  /** Null only if a chart ever entered `cancelling` without an id: a typed error, not a guess. */
  backupId: string | null;
  backup?: Backup;
  /** Epoch ms (the clock's `now`): the remaining time is always `deadline - now()`. */
  deadline: number | null;
}

/**
 * The cancel as a lifecycle, for the `cancelling` state: asks the daemon to cancel, through
 * outages (bounded full-jitter backoff), until it answers or `input.deadline` passes; then
 * confirms by status until the operation is terminal. Resolves with that final status:
 *
 * - 204, later `CANCELED` -> `{ status: 'CANCELED' }`
 * - 500 "nothing in progress" -> the status says how it ended: `COMPLETED` (too late to
 *   cancel), `CANCELED` (someone else did), `FAILED`
 *
 * Resolves with the final status as an `OperationProgress` (the streams' own mapping).
 * Rejects with `CancelTimeoutError` at the deadline, or at once with a non-transient error
 * (404: no such operation). The machine's progress stream usually reports `CANCELED`
 * first; this is the authority when that stream is stalled or down.
 */
export async function cancelOperation(
  client: BackupClient,
  kind: OperationKind,
  input: CancelInput,
  signal: AbortSignal,
  options: Pick<ResolvedLifecycleOptions, 'cancelRetry' | 'scheduler' | 'now'>,
): Promise<OperationProgress> {
  const { backupId, deadline } = input;
  if (backupId === null || deadline === null) {
    throw new PiecesBackupError(`cannot cancel the ${kind}: ${backupId === null ? 'its id is not known' : 'no deadline was set'}`);
  }
  const { cancelRetry, scheduler, now } = options;
  const { retry, retryDelay } = cancelRetry.retry;
  const remaining = () => deadline - now();
  // retry: false: this loop owns the retries (on the injected clock, within the deadline).
  const call = () => ({ signal, retry: false as const, timeout: Math.max(1, Math.min(cancelRetry.requestTimeoutMs, remaining())) });
  let lastError: unknown;
  const timedOut = () =>
    new CancelTimeoutError({ backupId, deadline, cause: lastError });

  /** The status, or undefined when it could not be read this time (transient). */
  const readStatus = async (): Promise<BackupStatus | undefined> => {
    try {
      return await client.status(kind, backupId, call());
    } catch (error) {
      if (signal.aborted || !isTransientError(error)) throw error;
      lastError = error;
      return undefined;
    }
  };
  // the one status-to-observation mapping, as every stream uses
  const outcomeOf = (status: BackupStatus): OperationProgress => progressFromStatus(kind, backupId, status, now());

  for (let failures = 0; ; ) {
    if (remaining() <= 0) throw timedOut();
    try {
      await client.cancel(kind, backupId, { ...call(), ...(input.backup && { backup: input.backup }) });
      break;
    } catch (error) {
      failures += 1;
      if (signal.aborted || !shouldRetry(retry, failures, error)) throw error;
      lastError = error;
      // 500 is also the seed's "nothing in progress": it may have ended already
      if (isHttpError(error) && error.status === 500) {
        const status = await readStatus();
        if (status && isTerminalStatus(status.value)) return outcomeOf(status);
      }
    }
    await waitOn(Math.min(retryDelayOf(retryDelay, failures, lastError), Math.max(0, remaining())), scheduler, signal, 'cancel');
  }

  // Accepted: the operation winds down and only then reports CANCELED.
  for (;;) {
    await waitOn(Math.min(cancelRetry.confirmIntervalMs, Math.max(0, remaining())), scheduler, signal, 'cancel');
    const status = await readStatus();
    if (status && isTerminalStatus(status.value)) return outcomeOf(status);
    if (remaining() <= 0) throw timedOut();
  }
}
