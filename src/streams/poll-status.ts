import { concat, defer, finalize, share, tap, type Observable } from 'rxjs';
import type { BackupClient } from '../api/backup-client.js';
import { isTerminalStatus, type BackupStatus } from '../models/index.js';
import { pollLoop, pollValues, type PollEvent, type PollStrategy } from './polling.js';
import { resolvePolling, type ResolvedPolling } from './options.js';
import { typedErrors } from './streaming.js';
import type { OperationKind, PollingOptions } from './types.js';

/** The status endpoint of one operation as a poll strategy. */
export function statusStrategy(
  client: BackupClient,
  kind: OperationKind,
  backupId: string,
  isPending?: PollStrategy<BackupStatus>['isPending'],
): PollStrategy<BackupStatus> {
  return {
    request: (signal) => client.status(kind, backupId, { signal, retry: false }),
    isDone: (status) => isTerminalStatus(status.value),
    percentageOf: (status) => (typeof status.percentage === 'number' ? status.percentage : null),
    ...(isPending && { isPending }),
  };
}

// One poll per operation and client, kept in the client's own slot: they go when it goes.
// The first subscriber's policy wins.
const POLLS = /* @__PURE__ */ Symbol('pieces-backup.shared-polls');

/**
 * Status of one creation or restoration, polled until it is terminal (COMPLETED, FAILED,
 * CANCELED, RESET): emits each answer and completes right after the terminal one.
 *
 * Polls adapt to progress: the wait is half the estimated time left (from the rate between
 * the last two answers), bounded by `minIntervalMs`/`maxIntervalMs`; 1 s (bounded) while no
 * rate is known. Network errors, timeouts and 5xx back off with full jitter or the server's
 * Retry-After, each wait bounded by `maxBackoffMs`, and so does an answer that cannot be read
 * (malformed, truncated); each retry is told to `onRetry`. After `maxConsecutiveErrors`
 * retries, once reads have failed for `outageTimeoutMs`, or at once for 404/505/511, it
 * errors with the typed error.
 *
 * Concurrent subscribers with the same client, kind and id share one poll, on the first
 * one's options (a late one gets the latest answer, and a retry in progress, at once); the
 * last unsubscribe aborts the request in flight.
 *
 * @example
 * ```ts
 * pollStatus(client, 'restoration', backupId, { maxIntervalMs: 2_000 })
 *   .subscribe((status) => console.log(status.value, status.percentage));
 * ```
 */
export function pollStatus(
  client: BackupClient,
  kind: OperationKind,
  backupId: string,
  options?: PollingOptions,
): Observable<BackupStatus> {
  return defer(() => sharedStatus(client, kind, backupId, resolvePolling(options)));
}

/** `pollStatus` with the policy already resolved: what the rest of the layer calls. */
export function sharedStatus(
  client: BackupClient,
  kind: OperationKind,
  backupId: string,
  policy: ResolvedPolling,
): Observable<BackupStatus> {
  return defer(() => {
    const key = `${kind}:${backupId}`;
    const registry = client.slot(POLLS, () => new Map<string, SharedPoll>());
    let poll = registry.get(key);
    if (!poll) {
      const created = createSharedPoll(client, kind, backupId, policy, () => {
        if (registry.get(key) === created) registry.delete(key);
      });
      registry.set(key, (poll = created));
    }
    return poll.events().pipe(pollValues(policy.onRetry));
  });
}

interface SharedPoll {
  /** The latest answer and the retry in progress first (for a late subscriber), then live. */
  events(): Observable<PollEvent<BackupStatus>>;
}

function createSharedPoll(
  client: BackupClient,
  kind: OperationKind,
  backupId: string,
  policy: ResolvedPolling,
  forget: () => void,
): SharedPoll {
  let latest: PollEvent<BackupStatus> | undefined;
  let retrying: PollEvent<BackupStatus> | undefined;
  const live = pollLoop(statusStrategy(client, kind, backupId), policy).pipe(
    typedErrors(),
    tap((event) => {
      if (event.type === 'value') latest = event;
      retrying = event.type === 'retrying' ? event : undefined;
    }),
    finalize(() => {
      latest = retrying = undefined;
      forget();
    }),
    share({ resetOnRefCountZero: true, resetOnComplete: true, resetOnError: true }),
  );
  return {
    events: () => defer(() => concat([latest, retrying].filter((event) => event !== undefined), live)),
  };
}
