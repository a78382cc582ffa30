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
  tap,
  throwError,
  type Observable,
} from 'rxjs';
import type { BackupClient } from '../api/backup-client.js';
import { isHttpError, isNetworkError, isNotFoundError, isProtocolError, isTimeoutError } from '../api/errors/index.js';
import { isTerminalStatus, type Backup } from '../models/index.js';
import { distinctProgress } from './progress.js';
import { followOperation } from './follow-operation.js';
import { followStream } from './streaming.js';
import { fromAbortable } from './streaming.js';
import { pollLoop, pollValues } from './polling.js';
import { statusStrategy } from './poll-status.js';
import { resolveStream, type ResolvedStream } from './options.js';
import { streamEndpoint } from './stream-errors.js';
import { progressFromStatus } from './progress.js';
import { typedErrors } from './streaming.js';
import type { OperationProgress, ProgressTransport, StreamOptions } from './types.js';

export interface StartRestorationOptions extends StreamOptions {
  transport: ProgressTransport;
  backup?: Backup;
  /**
   * Told the status read just before the request: the record, `null` for 404 (never
   * restored), `undefined` when it could not be read. A lifecycle keeps it, so a later
   * RETRY can tell this restoration's record from an earlier one.
   */
  onBaseline?: (status: OperationProgress | null | undefined) => void;
}

/**
 * What `restoration/status` said of `backupId` just before our request: `null` for 404 (it
 * was never restored), `undefined` when it could not be read. The status endpoint answers
 * for the LATEST restoration of a backup, which is an earlier one until ours is registered:
 * see docs/protocol.md, "Which restoration a status is about".
 */
type Baseline = { status: OperationProgress | null } | undefined;

function readBaseline(client: BackupClient, backupId: string, policy: ResolvedStream): Observable<Baseline> {
  // note: bounded, so a status endpoint that hangs delays the start by at most the stall timeout
  const timeout = Number.isFinite(policy.stallTimeoutMs) ? policy.stallTimeoutMs : 10_000;
  return fromAbortable((signal) => client.status('restoration', backupId, { signal, timeout, retry: false })).pipe(
    map((status): Baseline => ({ status: progressFromStatus('restoration', backupId, status, policy.scheduler.now()) })),
    catchError((error: unknown) => of<Baseline>(isNotFoundError(error) ? { status: null } : undefined)),
  );
}

/** A status record is provably ours when it differs from the one before our request. */
function differsFromBaseline(progress: OperationProgress, baseline: Baseline): boolean {
  if (baseline === undefined) return false;
  if (baseline.status === null) return true;
  return progress.status !== baseline.status.status || progress.percentage !== baseline.status.percentage;
}

/**
 * Our request failed in a way that does not say whether the restoration ran. Follow the
 * status if it shows a restoration running (ours, or the one that blocks ours) or a
 * terminal record `isOurs` accepts; any other terminal record is an earlier restoration's,
 * so the request's own `error` is the answer.
 */
function followIfOurs(
  client: BackupClient,
  backupId: string,
  policy: ResolvedStream,
  error: unknown,
  isOurs: (progress: OperationProgress) => boolean,
): Observable<OperationProgress> {
  return followOperation(client, 'restoration', backupId, policy, { socket: false }).pipe(
    // 404: never restored, so ours never started
    catchError((pollError: unknown) => throwError(() => (isNotFoundError(pollError) ? error : pollError))),
    map((progress, index) => {
      if (index === 0 && isTerminalStatus(progress.status) && !isOurs(progress)) throw error;
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
  baseline: Baseline,
): Observable<OperationProgress> {
  return defer(() => {
    let confirmed = false;
    const isOurs = (progress: OperationProgress) => confirmed || differsFromBaseline(progress, baseline);
    const settled$ = fromAbortable((signal) => client.restore(backupId, backup, { signal, timeout: false })).pipe(
      materialize(),
      take(1),
      share(),
    );
    const progress$ = pollLoop(
      statusStrategy(client, 'restoration', backupId, (outcome) => {
        if ('value' in outcome) {
          if (!isTerminalStatus(outcome.value.value)) return !(confirmed = true);
          const progress = progressFromStatus('restoration', backupId, outcome.value, policy.scheduler.now());
          return !isOurs(progress);
        }
        return !confirmed && isNotFoundError(outcome.error);
      }),
      policy,
    ).pipe(
      pollValues(policy.onRetry),
      map((status) => progressFromStatus('restoration', backupId, status, policy.scheduler.now())),
    );

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
        // 500: it ran and failed or was canceled (never COMPLETED), or it never started
        if (isHttpError(error) && error.status === 500) {
          return followIfOurs(client, backupId, policy, error, (p) => p.status !== 'COMPLETED' && isOurs(p));
        }
        // the connection went, or the answer could not be read: not the restoration
        if (isNetworkError(error) || isTimeoutError(error) || isProtocolError(error)) {
          return followIfOurs(client, backupId, policy, error, isOurs);
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
 *   it follows the status only if it shows a restoration of `backupId` running, or a
 *   record that differs from the one read just before the request (so it is ours).
 * - `polling`: the blocking restore POST stays in flight while its status is polled; its
 *   200 completes, its 500 ends with the FAILED/CANCELED the status reports for OUR
 *   restoration (an earlier one's record is never taken for ours: the 500 itself is the
 *   answer then); a dropped connection or an unreadable answer is settled by the status.
 *
 * Every start first reads `restoration/status` once (the baseline that tells our record
 * from an earlier restoration's).
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
    return readBaseline(client, backupId, policy).pipe(
      tap((baseline) => options.onBaseline?.(baseline?.status)),
      switchMap((baseline) =>
        transport === 'polling'
          ? restoreByPolling(client, backupId, backup, policy, baseline)
          : restoreByStream(client, backupId, backup, transport, policy, baseline),
      ),
    );
  }).pipe(distinctProgress(), typedErrors());
}

function restoreByStream(
  client: BackupClient,
  backupId: string,
  backup: Backup | undefined,
  transport: 'websocket' | 'ndjson',
  policy: ResolvedStream,
  baseline: Baseline,
): Observable<OperationProgress> {
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
      beforeFirstFrame: (error) =>
        followIfOurs(client, backupId, policy, error, (progress) => differsFromBaseline(progress, baseline)),
    },
    policy,
  );
}
