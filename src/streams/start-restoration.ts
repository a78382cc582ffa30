import {
  catchError,
  defer,
  EMPTY,
  map,
  materialize,
  merge,
  ReplaySubject,
  share,
  switchMap,
  take,
  takeUntil,
  takeWhile,
  tap,
  throwError,
  timer,
  type Observable,
} from 'rxjs';
import type { BackupClient } from '../api/backup-client.js';
import { isAuthenticationRequiredError, isNotFoundError, isUpdateRequiredError } from '../api/errors/index.js';
import { isTerminalStatus, type Backup } from '../models/index.js';
import { followOperation } from './follow-operation.js';
import {
  followRestorationStart,
  isOurRecord,
  readBaseline,
  settleRestoreAnswer,
  startAgainWhileNothingRan,
  watchForOurRecord,
  type RestorationBaseline,
} from './outcome.js';
import { followStream, fromAbortable, operationEnd } from './streaming.js';
import { pollLoop, pollValues } from './polling.js';
import { statusStrategy } from './poll-status.js';
import { resolveStream, type ResolvedStream } from './options.js';
import { streamEndpoint } from './stream-errors.js';
import { progressFromStatus } from './progress.js';
import type { OperationProgress, ProgressTransport, StreamOptions } from './types.js';

export interface StartRestorationOptions extends StreamOptions {
  transport: ProgressTransport;
  backup?: Backup;
  /**
   * Told the status read just before the request (see `RestorationBaseline`; null when it
   * could not be read). A lifecycle keeps it, so a later RETRY can tell this restoration's
   * record from an earlier one.
   */
  onBaseline?: (baseline: RestorationBaseline | null) => void;
}

// The blocking POST stays in flight (its answer is the authority on how it ended) while a
// status poll reports progress. Unsubscribing aborts the POST, which does not cancel.
function restoreByPolling(
  client: BackupClient,
  backupId: string,
  backup: Backup | undefined,
  policy: ResolvedStream,
  baseline: RestorationBaseline | null,
  retried: boolean,
): Observable<OperationProgress> {
  return defer(() => {
    let confirmed = false;
    // seen running during this request: ours, or the one that blocks ours
    const isOurs = (progress: OperationProgress) => confirmed || isOurRecord(progress, baseline);
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
      // the POST in flight is the authority: a status that stays unreadable (or answers what
      // it should not) ends the wait for its answer only one outage bound later; 505 and 511 at once
      catchError((error: unknown) =>
        isUpdateRequiredError(error) || isAuthenticationRequiredError(error)
          ? throwError(() => error)
          : timer(policy.outageTimeoutMs, policy.scheduler).pipe(switchMap(() => throwError(() => error))),
      ),
    );
    const outcome$ = settled$.pipe(
      switchMap((answer) => settleRestoreAnswer(client, backupId, policy, answer, { isOurs, baseline, retried })),
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
 *   record that differs from the one read just before the request, or one that was seen
 *   running while the stream had sent nothing yet (so it is ours).
 * - `polling`: the blocking restore POST stays in flight while its status is polled; its
 *   200 completes, its 500 ends with the FAILED/CANCELED the status reports for OUR
 *   restoration (an earlier one's record is never taken for ours: the 500 itself is the
 *   answer then); a dropped connection or an unreadable answer is settled by the status.
 *
 * Every start first reads `restoration/status` once (the baseline that tells our record
 * from an earlier restoration's). A start whose answer was lost (a drop, a stall, a 503) on
 * a backup never restored before, whose status is still 404 after it, ran nothing: it is
 * made again by itself (one retry of `retry`, told to `onRetry`, within `outageTimeoutMs`).
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
  return defer(() => startRestorationWith(client, backupId, resolveStream(options), options));
}

/** `startRestoration` with the policy already resolved: what the machines call. */
export function startRestorationWith(
  client: BackupClient,
  backupId: string,
  policy: ResolvedStream,
  { transport, backup, onBaseline }: Pick<StartRestorationOptions, 'transport' | 'backup' | 'onBaseline'>,
): Observable<OperationProgress> {
  return readBaseline(client, backupId, policy).pipe(
    tap((baseline) => onBaseline?.(baseline)),
    switchMap((baseline) =>
      startAgainWhileNothingRan(
        (retried) =>
          transport === 'polling'
            ? restoreByPolling(client, backupId, backup, policy, baseline, retried)
            : restoreByStream(client, backupId, backup, transport, policy, baseline, retried),
        policy,
      ),
    ),
    operationEnd(client.baseUrl),
  );
}

function restoreByStream(
  client: BackupClient,
  backupId: string,
  backup: Backup | undefined,
  transport: 'websocket' | 'ndjson',
  policy: ResolvedStream,
  baseline: RestorationBaseline | null,
  retried: boolean,
): Observable<OperationProgress> {
  return defer(() => {
    let confirmed = false;
    const isOurs = (progress: OperationProgress) => confirmed || isOurRecord(progress, baseline);
    const stream$ = followStream(
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
        beforeFirstFrame: (error) => followRestorationStart(client, backupId, policy, error, { isOurs, baseline, retried }),
      },
      policy,
    );
    // until the first progress: a record seen running meanwhile is ours (replayed, so a
    // progress that came before the watch was subscribed stops it too)
    const said$ = new ReplaySubject<void>(1);
    // never restored before: every record is ours, nothing to watch for
    const watch$ =
      baseline?.record === null
        ? EMPTY
        : watchForOurRecord(client, backupId, policy, baseline, () => (confirmed = true)).pipe(takeUntil(said$));
    return merge(stream$.pipe(tap(() => said$.next())), watch$);
  });
}
