import { concat, defer, finalize, share, tap, type Observable } from 'rxjs';
import type { BackupClient } from '../api/backup-client.js';
import { isTerminalStatus, type BackupStatus } from '../models/index.js';
import { pollLoop, pollValues, type PollEvent, type PollStrategy } from './poll-loop.js';
import { resolvePolling, type ResolvedPolling } from './resolve-options.js';
import { typedErrors } from './typed-errors.js';
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

const polls = new WeakMap<BackupClient, Map<string, SharedPoll>>();
const identities = new WeakMap<object, number>();
let nextIdentity = 0;

const identityOf = (value: object): number => {
  let id = identities.get(value);
  if (id === undefined) identities.set(value, (id = nextIdentity++));
  return id;
};

function keyOf(kind: OperationKind, backupId: string, policy: ResolvedPolling): string {
  const { scheduler, random, minIntervalMs, maxIntervalMs, maxBackoffMs, backoffBaseMs, maxConsecutiveErrors } = policy;
  // note: onRetry is per subscriber, so it is not part of the key
  return JSON.stringify([
    policy.outageTimeoutMs,
    kind,
    backupId,
    identityOf(scheduler),
    identityOf(random),
    minIntervalMs,
    maxIntervalMs,
    maxBackoffMs,
    backoffBaseMs,
    maxConsecutiveErrors,
  ]);
}

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
 * Concurrent subscribers with the same client, kind, id and options share one poll (a late
 * one gets the latest answer at once); the last unsubscribe aborts the request in flight.
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
  return defer(() => {
    const policy = resolvePolling(options);
    const key = keyOf(kind, backupId, policy);
    let perClient = polls.get(client);
    if (!perClient) polls.set(client, (perClient = new Map()));
    const registry = perClient;
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
