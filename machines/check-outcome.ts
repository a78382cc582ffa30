import { firstValueFrom, take, throwError, timeout } from 'rxjs';
import {
  TimeoutError,
  exponentialBackoff,
  isNotFoundError,
  isTransientError,
  retryDelayOf,
  shouldRetry,
  type BackupClient,
  type RetryPolicy,
} from '../src/api/index.js';
import { isTerminalStatus, type BackupStatusValue } from '../src/models/index.js';
import {
  STREAM_DEFAULTS,
  discoverOperations,
  progressFromStatus,
  waitOn,
  type OperationKind,
  type OperationProgress,
  type RetryNotice,
} from '../src/streams/index.js';
import { OutcomeUnknownError } from './errors/outcome-unknown-error.js';
import type { ResolvedLifecycleOptions } from './lifecycle-options.js';

/**
 * What `restoration/status` said of the backup just before the restore request (see
 * docs/protocol.md, "Which restoration a status is about"): `record: null` for 404 (never
 * restored). Plain data, kept in context so RETRY can tell our record from an earlier one.
 */
export interface RestorationBaseline {
  record: { status: BackupStatusValue; percentage: number | null } | null;
}

/** What RETRY after an unknown outcome asks about: plain data from context. */
export interface CheckInput {
  /** A creation's id when it was learned; the backup restored for a restoration. */
  backupId: string | null;
  /** Epoch ms when the start was asked for: a backup stamped at or after it is ours. */
  requestedAt: number | null;
  /** Restorations: the status read before the request; null when it was not read. */
  baseline: RestorationBaseline | null;
}

/** The daemon's answer: the operation as it is now, or proof that none ran. */
export type CheckVerdict = { ran: true; progress: OperationProgress } | { ran: false };

export type CheckOptions = Pick<ResolvedLifecycleOptions, 'stream' | 'scheduler' | 'random' | 'now'>;

const NOTHING_RAN: CheckVerdict = { ran: false };

// the streams' defaults, as every status read of the lifecycle has them
function policyOf({ stream, random }: CheckOptions): RetryPolicy & { outageTimeoutMs: number; readTimeoutMs: number } {
  const stall = stream.stallTimeoutMs;
  return {
    retry: stream.retry ?? STREAM_DEFAULTS.retry,
    retryDelay:
      stream.retryDelay ?? exponentialBackoff({ baseMs: STREAM_DEFAULTS.backoffBaseMs, maxMs: STREAM_DEFAULTS.backoffMaxMs, random }),
    outageTimeoutMs: stream.outageTimeoutMs ?? STREAM_DEFAULTS.outageTimeoutMs,
    // one read never waits longer than a stall
    readTimeoutMs: stall !== undefined && Number.isFinite(stall) && stall > 0 ? stall : STREAM_DEFAULTS.stallTimeoutMs,
  };
}

/**
 * A creation whose id was never learned (docs/protocol.md, "A creation whose id was never
 * learned"): one creation runs at a time, so a running one is ours (or the one that refused
 * ours); else a backup stamped at or after the request is ours, completed. Neither: nothing
 * of ours is there to follow, so starting again creates no second backup.
 */
async function checkUnnamedCreation(client: BackupClient, input: CheckInput, options: CheckOptions, signal: AbortSignal) {
  const { readTimeoutMs } = policyOf(options);
  const { creations } = await firstValueFrom(
    // retry 0: the caller's loop owns the retries, so it can report them
    discoverOperations(client, { ...options.stream, retry: 0 }).pipe(
      take(1),
      timeout({
        first: readTimeoutMs,
        scheduler: options.scheduler,
        with: () => throwError(() => new TimeoutError({ method: 'GET', url: `${client.baseUrl}/backups/streamed/progress`, timeoutMs: readTimeoutMs })),
      }),
    ),
  );
  const running = creations.find((progress) => !isTerminalStatus(progress.status));
  if (running) return { ran: true, progress: running } satisfies CheckVerdict;
  const { iterable } = await client.list({ signal, retry: false, timeout: readTimeoutMs });
  const requestedAt = input.requestedAt ?? Number.POSITIVE_INFINITY;
  const ours = iterable
    .filter((backup) => Number(backup.timestamp) >= requestedAt)
    .sort((a, b) => Number(b.timestamp) - Number(a.timestamp))[0];
  if (!ours) return NOTHING_RAN;
  const progress: OperationProgress = {
    kind: 'creation',
    backupId: ours.id,
    backup: ours,
    status: 'COMPLETED',
    percentage: 100,
    transport: 'polling',
    at: options.now(),
  };
  return { ran: true, progress } satisfies CheckVerdict;
}

/** A known id: its status answers, 404 meaning nothing ran under it. */
async function checkById(
  client: BackupClient,
  kind: OperationKind,
  backupId: string,
  input: CheckInput,
  options: CheckOptions,
  signal: AbortSignal,
): Promise<CheckVerdict> {
  const { readTimeoutMs } = policyOf(options);
  let progress: OperationProgress;
  try {
    const status = await client.status(kind, backupId, { signal, retry: false, timeout: readTimeoutMs });
    progress = progressFromStatus(kind, backupId, status, options.now());
  } catch (error) {
    if (isNotFoundError(error)) return NOTHING_RAN;
    throw error;
  }
  // running: ours, or the one that would refuse ours; a creation's id is its own
  if (kind === 'creation' || !isTerminalStatus(progress.status)) return { ran: true, progress };
  // a restoration's terminal record is ours only when it differs from the one before our request
  const { baseline } = input;
  if (baseline === null) {
    throw new OutcomeUnknownError({ kind, backupId, reason: `its status is ${progress.status}, and the status before the request was never read` });
  }
  const { record } = baseline;
  if (record === null || record.status !== progress.status || record.percentage !== progress.percentage) return { ran: true, progress };
  throw new OutcomeUnknownError({
    kind,
    backupId,
    reason: `an earlier restoration of the same backup ended ${progress.status} at ${progress.percentage ?? '?'} %, as the status says now`,
  });
}

/**
 * RETRY after an unknown outcome: asks the daemon what became of the operation before
 * anything is started again. Resolves with the operation as the daemon reports it now
 * (running, or ended), or `{ ran: false }` when the daemon shows that nothing of ours ran.
 * Reads that fail transiently are retried (each one told to `onRetry`) for at most
 * `stream.outageTimeoutMs`; then, or on any other error, it rejects: the outcome stays
 * unknown and nothing is started. An ambiguous answer rejects with `OutcomeUnknownError`.
 */
export async function checkOutcome(
  client: BackupClient,
  kind: OperationKind,
  input: CheckInput,
  options: CheckOptions,
  signal: AbortSignal,
  onRetry: (notice: RetryNotice | null) => void = () => undefined,
): Promise<CheckVerdict> {
  const policy = policyOf(options);
  const { scheduler } = options;
  const startedAt = scheduler.now();
  for (let failures = 0; ; ) {
    try {
      const verdict =
        input.backupId === null
          ? kind === 'creation'
            ? await checkUnnamedCreation(client, input, options, signal)
            : NOTHING_RAN
          : await checkById(client, kind, input.backupId, input, options, signal);
      if (failures > 0) onRetry(null);
      return verdict;
    } catch (error) {
      failures += 1;
      const left = startedAt + policy.outageTimeoutMs - scheduler.now();
      if (signal.aborted || !isTransientError(error) || !shouldRetry(policy.retry, failures, error) || left <= 0) throw error;
      const delay = Math.min(retryDelayOf(policy.retryDelay, failures, error), left);
      onRetry({ attempt: failures, nextAttemptAt: scheduler.now() + delay, error });
      await waitOn(delay, scheduler, signal, 'check');
    }
  }
}
