import {
  catchError,
  concat,
  defer,
  distinctUntilChanged,
  map,
  of,
  startWith,
  switchMap,
  takeWhile,
  type Observable,
} from 'rxjs';
import type { BackupClient } from '../api/backup-client.js';
import { isTerminalStatus } from '../models/index.js';
import { discoverWith, findOperation } from './discover-operations.js';
import { sharedStatus } from './poll-status.js';
import type { ResolvedStream } from './options.js';
import { stallTimer } from './streaming.js';
import { progressFromStatus } from './progress.js';
import type { OperationKind, OperationProgress } from './types.js';

/**
 * Follows an operation that exists server-side, to its terminal state, without starting
 * anything. It polls (first request at once); with `socket`, it also watches the
 * observe-only progress WebSocket and, while that lists the operation, takes progress from
 * it and stops polling. Polling resumes when the socket stops listing the operation (it
 * ended between frames, or the socket dropped) or sends nothing for `stallTimeoutMs`.
 */
export function followOperation(
  client: BackupClient,
  kind: OperationKind,
  backupId: string,
  policy: ResolvedStream,
  { socket }: { socket: boolean },
): Observable<OperationProgress> {
  const polled$ = sharedStatus(client, kind, backupId, policy).pipe(
    map((status) => progressFromStatus(kind, backupId, status, policy.scheduler.now())),
  );
  if (!socket) return polled$;
  return defer(() =>
    discoverWith(client, { ...policy, onRetry: undefined }).pipe(
      map((discovered) => findOperation(discovered, kind, backupId)),
      // discovery gave up: polling alone, to the end
      catchError(() => of(undefined)),
      startWith(undefined),
      // consecutive "not listed" must not restart the poll
      distinctUntilChanged((previous, current) => previous === undefined && current === undefined),
      switchMap((listed) =>
        listed === undefined
          ? polled$
          : concat(of(listed), stallTimer(policy).pipe(switchMap(() => polled$))),
      ),
      takeWhile((progress) => !isTerminalStatus(progress.status), true),
    ),
  );
}
