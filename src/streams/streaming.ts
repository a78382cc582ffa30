import {
  catchError,
  concat,
  defer,
  EMPTY,
  identity,
  map,
  type MonoTypeOperatorFunction,
  NEVER,
  Observable,
  type SchedulerAction,
  takeWhile,
  tap,
  throwError,
  timer,
} from 'rxjs';
import { isNetworkError, isProtocolError, isTimeoutError, ProtocolError, toBackupError } from '../api/errors/index.js';
import type { FrameSource } from '../api/frame-source.js';
import { type Backup, type BackupStreamedProgress, isTerminalStatus } from '../models/index.js';
import type { ResolvedStream } from './options.js';
import { distinctProgress, progressFromFrame } from './progress.js';
import { missingBackupId, streamEndedEarly, type StreamEndpoint, streamStalled } from './stream-errors.js';
import type { OperationKind, OperationProgress } from './types.js';

/**
 * A FrameSource as a cold Observable: each subscription opens the source, unsubscribing
 * closes it (the socket or request it holds), whether or not it already ended.
 */
export function fromFrameSource<T>(source: FrameSource<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const handle = source.open({
      next: (frame) => subscriber.next(frame),
      complete: () => subscriber.complete(),
      error: (error) => subscriber.error(error),
    });
    return () => handle.close();
  });
}

/**
 * A promise-returning call as a cold Observable that owns an AbortController: unsubscribing
 * before it settles aborts the request, and a settlement after that is ignored.
 */
export function fromAbortable<T>(call: (signal: AbortSignal) => Promise<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const controller = new AbortController();
    let promise: Promise<T>;
    try {
      promise = call(controller.signal);
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      (value) => {
        if (controller.signal.aborted) return;
        subscriber.next(value);
        subscriber.complete();
      },
      (error: unknown) => {
        if (!controller.signal.aborted) subscriber.error(error);
      },
    );
    return () => controller.abort();
  });
}

/** Whatever a stream errors with reaches subscribers as a `PiecesBackupError`. */
export function typedErrors<T>(): MonoTypeOperatorFunction<T> {
  return catchError((error: unknown) => throwError(() => toBackupError(error)));
}

/**
 * The end every operation stream of this layer promises (and the only place it is kept):
 * visible changes only, completion only after a terminal status (an end before one errors,
 * so no state above waits forever), every error typed.
 */
export function operationEnd(url: string): MonoTypeOperatorFunction<OperationProgress> {
  return (source) =>
    defer(() => {
      let ended = false;
      return concat(
        source.pipe(
          distinctProgress(),
          tap((progress) => (ended = isTerminalStatus(progress.status))),
        ),
        defer(() =>
          ended ? EMPTY : throwError(() => new ProtocolError({ message: 'progress ended before a terminal status', url })),
        ),
      );
    }).pipe(typedErrors());
}

/**
 * Errors with `stalled()` when no value arrives for `stallTimeoutMs`; a no-op when disabled.
 * One watchdog re-armed for the time left, not a timer per value (RxJS `timeout({ each })`
 * clears and sets one per frame, a real cost at thousands of frames a second).
 */
export function stallTimeout<T>(policy: ResolvedStream, stalled: () => Error): MonoTypeOperatorFunction<T> {
  if (!Number.isFinite(policy.stallTimeoutMs)) return identity;
  const { stallTimeoutMs: limit, scheduler } = policy;
  return (source) =>
    new Observable<T>((subscriber) => {
      let last = scheduler.now();
      const watchdog = scheduler.schedule(function (this: SchedulerAction<undefined>) {
        const left = last + limit - scheduler.now();
        if (left > 0) this.schedule(undefined, left);
        else subscriber.error(stalled());
      }, limit);
      const subscription = source.subscribe({
        next: (value) => {
          last = scheduler.now();
          subscriber.next(value);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        watchdog.unsubscribe();
        subscription.unsubscribe();
      };
    });
}

/** Emits once after `stallTimeoutMs`; never when stall detection is disabled. */
export function stallTimer(policy: ResolvedStream): Observable<unknown> {
  return Number.isFinite(policy.stallTimeoutMs) ? timer(policy.stallTimeoutMs, policy.scheduler) : NEVER;
}

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
  /**
   * A stream that failed before any frame, however (a drop, a stall, an error answer):
   * nothing is known yet about the operation; outcome.ts decides what the error says.
   */
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
        if (!previous) return plan.beforeFirstFrame(error);
        return isStreamFailure(error) ? plan.fallback(previous.backupId) : throwError(() => error);
      }),
    );
  });
}
