import { concat, defer, EMPTY, map, switchMap, take, throwError, throwIfEmpty, type Observable } from 'rxjs';
import type { BackupClient } from '../api/backup-client.js';
import { isTerminalStatus, type SeededBackup } from '../models/index.js';
import { distinctProgress } from './distinct-progress.js';
import { followOperation } from './follow-operation.js';
import { followStream } from './follow-stream.js';
import { fromFrameSource } from './from-frame-source.js';
import { resolveStream, type ResolvedStream } from './resolve-options.js';
import { stallTimeout } from './stall-timeout.js';
import { missingBackupId, streamEndedEarly, streamEndpoint, streamStalled } from './stream-errors.js';
import { progressFromFrame } from './to-progress.js';
import { typedErrors } from './typed-errors.js';
import type { OperationProgress, ProgressTransport, StreamOptions } from './types.js';

export interface StartCreationOptions extends StreamOptions {
  transport: ProgressTransport;
  seed?: SeededBackup;
}

// Polling still needs the id: read the first frame of a streamed creation (it carries the
// Backup, see docs/protocol.md), drop the stream (that never cancels) and poll its status.
function createThenPoll(client: BackupClient, seed: SeededBackup | undefined, policy: ResolvedStream) {
  const endpoint = streamEndpoint(client.baseUrl, 'create-ndjson');
  return fromFrameSource(client.createStreamedFrames(seed)).pipe(
    stallTimeout(policy, () => streamStalled(endpoint, policy.stallTimeoutMs)),
    take(1),
    throwIfEmpty(() => streamEndedEarly(endpoint)),
    map((frame) => {
      if (!frame.backup) throw missingBackupId(endpoint);
      return progressFromFrame('creation', frame, { backupId: frame.backup.id }, 'ndjson', policy.scheduler.now());
    }),
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
 * A failure before the first frame errors: the id is not known, so nothing can be followed.
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
    return followStream(
      {
        kind: 'creation',
        transport,
        endpoint: streamEndpoint(client.baseUrl, transport === 'websocket' ? 'create-websocket' : 'create-ndjson'),
        open: () => (transport === 'websocket' ? client.createWebSocket(seed) : client.createStreamedFrames(seed)),
        fallback: (backupId) =>
          followOperation(client, 'creation', backupId, policy, { socket: policy.recoverStream }),
        beforeFirstFrame: (error) => throwError(() => error),
      },
      policy,
    );
  }).pipe(distinctProgress(), typedErrors());
}
