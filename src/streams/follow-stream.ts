import { catchError, concat, defer, EMPTY, map, takeWhile, tap, throwError, type Observable } from 'rxjs';
import { isNetworkError, isProtocolError, isTimeoutError } from '../api/errors/index.js';
import type { FrameSource } from '../api/frame-source.js';
import { isTerminalStatus, type Backup, type BackupStreamedProgress } from '../models/index.js';
import { fromFrameSource } from './from-frame-source.js';
import type { ResolvedStream } from './resolve-options.js';
import { stallTimeout } from './stall-timeout.js';
import { missingBackupId, streamEndedEarly, streamStalled, type StreamEndpoint } from './stream-errors.js';
import { progressFromFrame } from './to-progress.js';
import type { OperationKind, OperationProgress } from './types.js';

/** How one streamed operation is read, and what happens when its stream fails. */
export interface StreamPlan {
  kind: OperationKind;
  transport: 'websocket' | 'ndjson';
  open: () => FrameSource<BackupStreamedProgress>;
  /** Names the stream in the errors this layer raises. */
  endpoint: StreamEndpoint;
  /** Known up front for restorations; creations learn it from the first frame. */
  backupId?: string;
  backup?: Backup;
  /** Follows the operation another way once the stream failed after a frame. */
  fallback: (backupId: string) => Observable<OperationProgress>;
  /** A stream that failed before any frame: nothing is known yet about the operation. */
  beforeFirstFrame: (error: unknown) => Observable<OperationProgress>;
}

/**
 * Failures of the stream itself, not of the operation: a drop, a stall, a malformed frame
 * or an early end. The operation may still run server-side, so these fall back; anything
 * else (409, 505, 511, 404 at start) is the operation's answer and is final.
 */
export function isStreamFailure(error: unknown): boolean {
  return isNetworkError(error) || isTimeoutError(error) || isProtocolError(error);
}

/** Frames of one stream as progress, to the terminal frame, with stall detection and fallback. */
export function followStream(plan: StreamPlan, policy: ResolvedStream): Observable<OperationProgress> {
  return defer(() => {
    let previous: OperationProgress | undefined;
    let ended = false;
    const frames$ = fromFrameSource(plan.open()).pipe(
      stallTimeout(policy, () => streamStalled(plan.endpoint, policy.stallTimeoutMs)),
      map((frame) => {
        const backupId = previous?.backupId ?? plan.backupId ?? frame.backup?.id;
        if (backupId === undefined) throw missingBackupId(plan.endpoint);
        previous = progressFromFrame(
          plan.kind,
          frame,
          { backupId, ...(plan.backup && { backup: plan.backup }), ...(previous && { previous }) },
          plan.transport,
          policy.scheduler.now(),
        );
        return previous;
      }),
      takeWhile((progress) => !isTerminalStatus(progress.status), true),
      tap((progress) => {
        ended = isTerminalStatus(progress.status);
      }),
    );
    return concat(
      frames$,
      defer(() => (ended ? EMPTY : throwError(() => streamEndedEarly(plan.endpoint)))),
    ).pipe(
      catchError((error: unknown) => {
        if (!isStreamFailure(error)) return throwError(() => error);
        return previous ? plan.fallback(previous.backupId) : plan.beforeFirstFrame(error);
      }),
    );
  });
}
