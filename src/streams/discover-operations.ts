import { concat, defer, map, retry, throwError, timer, type Observable } from 'rxjs';
import type { BackupClient } from '../api/backup-client.js';
import { isTerminalStatus, type BackupStreamedProgress, type BackupsStreamedProgress } from '../models/index.js';
import { fromFrameSource } from './streaming.js';
import { pollLoop, pollValues, retryWait } from './polling.js';
import { resolvePolling, type ResolvedPolling } from './options.js';
import { isNotFoundError } from '../api/errors/index.js';
import { streamEndedEarly, streamEndpoint } from './stream-errors.js';
import { typedErrors } from './streaming.js';
import { progressFromFrame, progressFromStatus } from './progress.js';
import type { OperationKind, OperationProgress, PollingOptions } from './types.js';

/** Every creation and restoration in progress, as one observation. */
export interface DiscoveredOperations {
  creations: OperationProgress[];
  restorations: OperationProgress[];
}

export interface DiscoverOptions extends PollingOptions {
  /**
   * `websocket` (default): the observe-only `/backups/streamed/progress` socket, which sees
   * every operation, whoever started it. `polling`: status requests for known ids only (see
   * `knownIds`), since `GET /backups` lists completed backups, never running ones.
   */
  transport?: 'websocket' | 'polling';
  /**
   * Ids the polling transport asks about. Restorations default to every backup of
   * `GET /backups` (only an existing backup can be restored); creations default to none,
   * because a running creation's id appears nowhere until it completes.
   */
  knownIds?: { creations?: readonly string[]; restorations?: readonly string[] };
}

function fromSocketEntries(kind: OperationKind, entries: readonly BackupStreamedProgress[] | undefined, at: number) {
  return (entries ?? []).flatMap((entry) =>
    entry.backup ? [progressFromFrame(kind, entry, { backupId: entry.backup.id }, 'websocket', at)] : [],
  );
}

function fromSocketFrame(frame: BackupsStreamedProgress, at: number): DiscoveredOperations {
  return {
    creations: fromSocketEntries('creation', frame.backups, at),
    restorations: fromSocketEntries('restoration', frame.restorations, at),
  };
}

// A dropped socket is reopened with bounded backoff; a frame on the new socket resets the
// count. Consumers keep the last state they saw meanwhile: nothing is emitted while down.
function discoverBySocket(client: BackupClient, policy: ResolvedPolling): Observable<DiscoveredOperations> {
  return defer(() => {
    let failures = 0;
    const connection = concat(
      defer(() => fromFrameSource(client.progressWebSocket())),
      // note: a clean close is still a lost view of the operations: reconnect
      throwError(() => streamEndedEarly(streamEndpoint(client.baseUrl, 'progress-websocket'))),
    ).pipe(
      map((frame) => {
        failures = 0;
        return fromSocketFrame(frame, policy.scheduler.now());
      }),
    );
    return connection.pipe(
      retry({
        delay: (error: unknown) => {
          failures += 1;
          // a malformed frame is worth a fresh socket too, which starts with a full state;
          // no outage bound here: the callers that need one bound their wait themselves
          const delay = retryWait(policy.retry, failures, error, Number.POSITIVE_INFINITY);
          return delay === null ? throwError(() => error) : timer(delay, policy.scheduler);
        },
      }),
    );
  });
}

function discoverByPolling(
  client: BackupClient,
  policy: ResolvedPolling,
  knownIds: DiscoverOptions['knownIds'],
): Observable<DiscoveredOperations> {
  const running = async (kind: OperationKind, ids: readonly string[], signal: AbortSignal) => {
    const statuses = await Promise.all(
      ids.map((id) =>
        client.status(kind, id, { signal, retry: false }).then(
          (status) => progressFromStatus(kind, id, status, policy.scheduler.now()),
          // 404: never created / never restored, so nothing running under that id
          (error: unknown) => (isNotFoundError(error) ? undefined : Promise.reject(error)),
        ),
      ),
    );
    return statuses.filter((p): p is OperationProgress => p !== undefined && !isTerminalStatus(p.status));
  };
  return pollLoop<DiscoveredOperations>(
    {
      request: async (signal) => {
        const restorationIds =
          knownIds?.restorations ?? (await client.list({ signal, retry: false })).iterable.map((backup) => backup.id);
        const [creations, restorations] = await Promise.all([
          running('creation', knownIds?.creations ?? [], signal),
          running('restoration', restorationIds, signal),
        ]);
        return { creations, restorations };
      },
      isDone: () => false,
      percentageOf: () => null,
    },
    policy,
  ).pipe(pollValues(policy.onRetry));
}

/**
 * Every creation and restoration in progress, whoever started them, as they change. It only
 * observes: it never starts or attaches to anything.
 *
 * Over the progress WebSocket (default) each frame is one emission; an operation that just
 * ended is listed once more with its terminal status. A dropped socket is reopened with
 * the policy's backoff (`retry` failures in a row, then it errors);
 * nothing is emitted while it is down, per the `retry`/`retryDelay` policy. The polling transport can only see known ids: see
 * `DiscoverOptions.knownIds`.
 *
 * @example
 * ```ts
 * discoverOperations(client).subscribe(({ creations, restorations }) => {
 *   if (restorations.length > 0) showBanner(`restoring ${restorations[0].backupId}`);
 * });
 * ```
 */
export function discoverOperations(client: BackupClient, options?: DiscoverOptions): Observable<DiscoveredOperations> {
  return defer(() =>
    options?.transport === 'polling'
      ? discoverByPolling(client, resolvePolling(options), options.knownIds).pipe(typedErrors())
      : discoverWith(client, resolvePolling(options)),
  );
}

/** Discovery over the progress socket with the policy already resolved. */
export function discoverWith(client: BackupClient, policy: ResolvedPolling): Observable<DiscoveredOperations> {
  return discoverBySocket(client, policy).pipe(typedErrors());
}

// exported for follow-operation: the entry of one operation in a discovery, if listed
export function findOperation(
  discovered: DiscoveredOperations,
  kind: OperationKind,
  backupId: string,
): OperationProgress | undefined {
  const list = kind === 'creation' ? discovered.creations : discovered.restorations;
  return list.find((progress) => progress.backupId === backupId);
}
