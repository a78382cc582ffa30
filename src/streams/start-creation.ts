import { catchError, concat, defer, EMPTY, map, of, switchMap, take, throwIfEmpty, type Observable } from 'rxjs';
import type { BackupClient } from '../api/backup-client.js';
import { isTerminalStatus, type SeededBackup } from '../models/index.js';
import { followCreation, followLostCreation, startAgainWhileNothingRan } from './outcome.js';
import { followStream, fromFrameSource, operationEnd, stallTimeout } from './streaming.js';
import { resolveStream, type ResolvedStream } from './options.js';
import { missingBackupId, streamEndedEarly, streamEndpoint, streamStalled } from './stream-errors.js';
import { progressFromFrame } from './progress.js';
import type { OperationProgress, ProgressTransport, StreamOptions } from './types.js';

export interface StartCreationOptions extends StreamOptions {
  transport: ProgressTransport;
  seed?: SeededBackup;
}

// Polling still needs the id: read the first frame of a streamed creation (it carries the
// Backup, see docs/protocol.md), drop the stream (that never cancels) and poll its status.
function createThenPoll(client: BackupClient, seed: SeededBackup | undefined, policy: ResolvedStream, requestedAt: number, retried: boolean) {
  const endpoint = streamEndpoint(client.baseUrl, 'create-ndjson');
  const first$ = fromFrameSource(client.createStreamedFrames(seed)).pipe(
    stallTimeout(policy, () => streamStalled(endpoint, policy.stallTimeoutMs)),
    take(1),
    throwIfEmpty(() => streamEndedEarly(endpoint)),
    map((frame) => {
      if (!frame.backup) throw missingBackupId(endpoint);
      return progressFromFrame('creation', frame, { backupId: frame.backup.id }, 'ndjson', policy.scheduler.now());
    }),
  );
  return first$.pipe(
    map((first) =>
      concat(
        [first],
        isTerminalStatus(first.status)
          ? EMPTY
          : followCreation(client, first.backupId, policy, { socket: false }),
      ),
    ),
    // a failure before the first frame only: once the id is known, the poll's errors stand
    catchError((error: unknown) => of(followLostCreation(client, requestedAt, policy, error, { socket: false, retried }))),
    switchMap((progress$) => progress$),
  );
}

/**
 * Starts one backup creation and follows it to its terminal state.
 *
 * - `websocket` / `ndjson`: progress frames as they come. If the stream stalls
 *   (`stallTimeoutMs`), drops, sends a malformed frame or ends early, it falls back to
 *   polling the creation's status (emissions then say `transport: 'polling'`) and, with
 *   `recoverStream`, goes back to the observe-only progress WebSocket once that lists it.
 * - `polling`: the first NDJSON frame gives the id (emitted with `transport: 'ndjson'`),
 *   then status polling.
 *
 * A failure before the first frame that does not say whether the creation ran (a drop, a
 * stall, a malformed frame, a 503) looks for the creation the daemon may have accepted anyway
 * (see `findLostCreation` in outcome.ts); when the daemon shows none, nothing ran and the
 * start is made again by itself (one retry of `retry`, told to `onRetry`, within
 * `outageTimeoutMs`); when the daemon cannot be asked, it errors. A status that stays
 * unreadable is settled by the list and the progress socket (`followCreation`).
 * Start errors (409 another creation runs, 500, 505, 511) always error. Emits only visible
 * changes (see `distinctProgress`) and completes right after the terminal observation.
 * Unsubscribing closes the stream or stops polling; it never cancels the creation.
 *
 * @example
 * ```ts
 * startCreation(client, { transport: 'websocket' }).subscribe({
 *   next: (p) => console.log(p.backupId, p.status, p.percentage),
 *   error: (e) => console.error(e.name, e.message),
 * });
 * ```
 */
export function startCreation(client: BackupClient, options: StartCreationOptions): Observable<OperationProgress> {
  return defer(() => startCreationWith(client, resolveStream(options), options));
}

/** `startCreation` with the policy already resolved: what the machines call. */
export function startCreationWith(
  client: BackupClient,
  policy: ResolvedStream,
  { transport, seed }: { transport: ProgressTransport; seed?: SeededBackup | undefined },
): Observable<OperationProgress> {
  return defer(() => {
    // the daemon's clock: ids and timestamps are stamped on the same machine; the first
    // attempt's, so a backup made by any attempt is found
    const requestedAt = Date.now();
    return startAgainWhileNothingRan((retried) => {
      if (transport === 'polling') return createThenPoll(client, seed, policy, requestedAt, retried);
      return followStream(
        {
          kind: 'creation',
          transport,
          endpoint: streamEndpoint(client.baseUrl, transport === 'websocket' ? 'create-websocket' : 'create-ndjson'),
          open: () => (transport === 'websocket' ? client.createWebSocket(seed) : client.createStreamedFrames(seed)),
          fallback: (backupId) => followCreation(client, backupId, policy, { socket: policy.recoverStream }),
          beforeFirstFrame: (error) =>
            followLostCreation(client, requestedAt, policy, error, { socket: policy.recoverStream, retried }),
        },
        policy,
      );
    }, policy);
  }).pipe(operationEnd(client.baseUrl));
}
