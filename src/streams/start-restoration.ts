import {
  catchError,
  defer,
  map,
  materialize,
  merge,
  of,
  share,
  switchMap,
  take,
  takeUntil,
  takeWhile,
  throwError,
  type Observable,
} from 'rxjs';
import type { BackupClient } from '../api/backup-client.js';
import { isTerminalStatus, type Backup } from '../models/index.js';
import { distinctProgress } from './distinct-progress.js';
import { followOperation } from './follow-operation.js';
import { followStream } from './follow-stream.js';
import { fromAbortable } from './from-abortable.js';
import { pollLoop } from './poll-loop.js';
import { statusStrategy } from './poll-status.js';
import { resolveStream, type ResolvedStream } from './resolve-options.js';
import { isConnectionFailure, statusOf } from './retry-policy.js';
import { streamEndpoint } from './stream-errors.js';
import { progressFromStatus } from './to-progress.js';
import { typedErrors } from './typed-errors.js';
import type { OperationProgress, ProgressTransport, StreamOptions } from './types.js';

export interface StartRestorationOptions extends StreamOptions {
  transport: ProgressTransport;
  backup?: Backup;
}

/**
 * `restoration/status` answers for the LATEST restoration of a backup, which may be an
 * earlier one until ours is registered. Before we have seen ours running, a terminal
 * answer proves nothing: follow only if the status shows one running now, else `error`.
 */
function followIfRunning(
  client: BackupClient,
  backupId: string,
  policy: ResolvedStream,
  error: unknown,
  trustTerminal: (status: string) => boolean,
): Observable<OperationProgress> {
  return followOperation(client, 'restoration', backupId, policy, { socket: false }).pipe(
    // 404: never restored, so ours never started
    catchError((pollError: unknown) => throwError(() => (statusOf(pollError) === 404 ? error : pollError))),
    map((progress, index) => {
      if (index === 0 && isTerminalStatus(progress.status) && !trustTerminal(progress.status)) throw error;
      return progress;
    }),
  );
}

// The blocking POST stays in flight (its answer is the authority on how it ended) while a
// status poll reports progress. Unsubscribing aborts the POST, which does not cancel.
function restoreByPolling(
  client: BackupClient,
  backupId: string,
  backup: Backup | undefined,
  policy: ResolvedStream,
): Observable<OperationProgress> {
  return defer(() => {
    let confirmed = false;
    const settled$ = fromAbortable((signal) => client.restore(backupId, backup, { signal, timeout: false })).pipe(
      materialize(),
      take(1),
      share(),
    );
    const progress$ = pollLoop(
      statusStrategy(client, 'restoration', backupId, (outcome) => {
        if ('value' in outcome) {
          if (!isTerminalStatus(outcome.value.value)) return !(confirmed = true);
          return !confirmed;
        }
        return !confirmed && statusOf(outcome.error) === 404;
      }),
      policy,
    ).pipe(map((status) => progressFromStatus('restoration', backupId, status, policy.scheduler.now())));

    const outcome$ = settled$.pipe(
      switchMap((notification): Observable<OperationProgress> => {
        if (notification.kind === 'N') {
          const restored = notification.value;
          return of({
            kind: 'restoration',
            backupId,
            backup: restored,
            status: 'COMPLETED',
            percentage: 100,
            transport: 'polling',
            at: policy.scheduler.now(),
          } satisfies OperationProgress);
        }
        const error: unknown = notification.kind === 'E' ? notification.error : undefined;
        // 500: it ran and failed or was canceled; the status says which (never COMPLETED)
        if (statusOf(error) === 500) {
          return followIfRunning(client, backupId, policy, error, (status) => status !== 'COMPLETED');
        }
        // the connection went, not the restoration: trust the status once we saw ours run
        if (isConnectionFailure(error)) {
          return followIfRunning(client, backupId, policy, error, () => confirmed);
        }
        return throwError(() => error);
      }),
    );
    return merge(progress$.pipe(takeUntil(settled$)), outcome$).pipe(
      takeWhile((progress) => !isTerminalStatus(progress.status), true),
    );
  });
}

/**
 * Restores backup `backupId` (replacing the local database) and follows it to its end.
 *
 * - `websocket` / `ndjson`: progress frames as they come; a stall, drop, malformed frame or
 *   early end falls back to status polling (and, with `recoverStream`, back to the
 *   observe-only progress WebSocket once it lists the restoration). Before the first frame
 *   it falls back only if the status shows a restoration of `backupId` running.
 * - `polling`: the blocking restore POST stays in flight while its status is polled; its
 *   200 completes, its 500 ends with the FAILED/CANCELED the status reports.
 *
 * Start errors (404 unknown backup, 409 a restoration runs, 505, 511) error at once. Emits
 * only visible changes and completes right after the terminal observation. Unsubscribing
 * closes the stream / aborts the POST; neither cancels the restoration.
 *
 * @example
 * ```ts
 * startRestoration(client, backupId, { transport: 'ndjson' })
 *   .subscribe((p) => console.log(p.status, p.percentage, p.transport));
 * ```
 */
export function startRestoration(
  client: BackupClient,
  backupId: string,
  options: StartRestorationOptions,
): Observable<OperationProgress> {
  return defer(() => {
    const policy = resolveStream(options);
    const { transport, backup } = options;
    if (transport === 'polling') return restoreByPolling(client, backupId, backup, policy);
    return followStream(
      {
        kind: 'restoration',
        transport,
        backupId,
        ...(backup && { backup }),
        endpoint: streamEndpoint(client.baseUrl, transport === 'websocket' ? 'restore-websocket' : 'restore-ndjson', backupId),
        open: () =>
          transport === 'websocket'
            ? client.restoreWebSocket(backupId, backup)
            : client.restoreStreamedFrames(backupId, backup),
        fallback: (id) => followOperation(client, 'restoration', id, policy, { socket: policy.recoverStream }),
        beforeFirstFrame: (error) => followIfRunning(client, backupId, policy, error, () => false),
      },
      policy,
    );
  }).pipe(distinctProgress(), typedErrors());
}
