import {
  catchError,
  concat,
  defer,
  EMPTY,
  map,
  of,
  switchMap,
  take,
  throwError,
  throwIfEmpty,
  type Observable,
} from 'rxjs';
import type { BackupClient } from '../api/backup-client.js';
import { isTerminalStatus, type SeededBackup } from '../models/index.js';
import { distinctProgress } from './progress.js';
import { followOperation } from './follow-operation.js';
import { discoverWith } from './discover-operations.js';
import { followStream, isStreamFailure } from './streaming.js';
import { fromAbortable } from './streaming.js';
import { fromFrameSource } from './streaming.js';
import { resolveStream, type ResolvedStream } from './options.js';
import { stallTimeout } from './streaming.js';
import { missingBackupId, streamEndedEarly, streamEndpoint, streamStalled } from './stream-errors.js';
import { progressFromFrame } from './progress.js';
import { typedErrors } from './streaming.js';
import type { OperationProgress, ProgressTransport, StreamOptions } from './types.js';

export interface StartCreationOptions extends StreamOptions {
  transport: ProgressTransport;
  seed?: SeededBackup;
}

/**
 * The start stream failed before its first frame, so the id was never learned, yet the
 * daemon may have accepted the creation. One creation runs at a time: a creation running
 * now is ours (or the one that would have refused ours), and is followed; with none
 * running, a backup stamped at or after our request is ours, completed. Otherwise the
 * stream's `error` stands (see docs/protocol.md, "A creation whose id was never learned").
 */
function findStartedCreation(
  client: BackupClient,
  requestedAt: number,
  policy: ResolvedStream,
  error: unknown,
): Observable<OperationProgress> {
  const running$ = discoverWith(client, { ...policy, onRetry: undefined }).pipe(
    take(1),
    stallTimeout(policy, () => streamStalled(streamEndpoint(client.baseUrl, 'progress-websocket'), policy.stallTimeoutMs)),
    map(({ creations }) => creations.find((progress) => !isTerminalStatus(progress.status))),
    catchError(() => of(undefined)),
  );
  const completed$ = fromAbortable((signal) => client.list({ signal, retry: false })).pipe(
    map(({ iterable }) =>
      iterable
        .filter((backup) => Number(backup.timestamp) >= requestedAt)
        .sort((a, b) => Number(b.timestamp) - Number(a.timestamp))[0],
    ),
    catchError(() => of(undefined)),
  );
  return running$.pipe(
    switchMap((running) => {
      if (running) {
        return concat(of(running), followOperation(client, 'creation', running.backupId, policy, { socket: policy.recoverStream }));
      }
      return completed$.pipe(
        switchMap((backup) => {
          if (!backup) return throwError(() => error);
          return of<OperationProgress>({
            kind: 'creation',
            backupId: backup.id,
            backup,
            status: 'COMPLETED',
            percentage: 100,
            transport: 'polling',
            at: policy.scheduler.now(),
          });
        }),
      );
    }),
  );
}

// Polling still needs the id: read the first frame of a streamed creation (it carries the
// Backup, see docs/protocol.md), drop the stream (that never cancels) and poll its status.
function createThenPoll(client: BackupClient, seed: SeededBackup | undefined, policy: ResolvedStream) {
  const endpoint = streamEndpoint(client.baseUrl, 'create-ndjson');
  const requestedAt = Date.now();
  return fromFrameSource(client.createStreamedFrames(seed)).pipe(
    stallTimeout(policy, () => streamStalled(endpoint, policy.stallTimeoutMs)),
    take(1),
    throwIfEmpty(() => streamEndedEarly(endpoint)),
    map((frame) => {
      if (!frame.backup) throw missingBackupId(endpoint);
      return progressFromFrame('creation', frame, { backupId: frame.backup.id }, 'ndjson', policy.scheduler.now());
    }),
    catchError((error: unknown) =>
      isStreamFailure(error) ? findStartedCreation(client, requestedAt, policy, error) : throwError(() => error),
    ),
    switchMap((first) =>
      concat(
        [first],
        isTerminalStatus(first.status)
          ? EMPTY
          : followOperation(client, 'creation', first.backupId, policy, { socket: false }),
      ),
    ),
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
 * A stream failure before the first frame (a drop, a stall, a malformed frame) looks for the
 * creation the daemon may have accepted anyway (see `findStartedCreation`) and errors only
 * when there is none.
 * Start errors (409 another creation runs, 505, 511) always error. Emits only visible
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
  return defer(() => {
    const policy = resolveStream(options);
    const { transport, seed } = options;
    if (transport === 'polling') return createThenPoll(client, seed, policy);
    // the daemon's clock: ids and timestamps are stamped on the same machine
    const requestedAt = Date.now();
    return followStream(
      {
        kind: 'creation',
        transport,
        endpoint: streamEndpoint(client.baseUrl, transport === 'websocket' ? 'create-websocket' : 'create-ndjson'),
        open: () => (transport === 'websocket' ? client.createWebSocket(seed) : client.createStreamedFrames(seed)),
        fallback: (backupId) =>
          followOperation(client, 'creation', backupId, policy, { socket: policy.recoverStream }),
        beforeFirstFrame: (error) => findStartedCreation(client, requestedAt, policy, error),
      },
      policy,
    );
  }).pipe(distinctProgress(), typedErrors());
}
