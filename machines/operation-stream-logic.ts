import type { Observable, Subscription } from 'rxjs';
import type { ActorLogic, Snapshot } from 'xstate';
import type { OperationProgress, RestorationBaseline, RetryNotice } from '../src/streams/index.js';

/** Sent to the parent machine for every observation of the operation. */
export interface ProgressEvent {
  type: 'PROGRESS';
  progress: OperationProgress;
}

/**
 * Sent to the parent when a status read failed and will be retried (`notice`), and with
 * `notice: null` once reads work again.
 */
export interface RetryingEvent {
  type: 'RETRYING';
  notice: RetryNotice | null;
}

/**
 * Sent to the parent by a restoration's start with the status read just before its request
 * (see `RestorationBaseline`): what tells its record from an earlier restoration's.
 */
export interface BaselineEvent {
  type: 'BASELINE';
  baseline: RestorationBaseline | null;
}

/** Where a restored stream picks up: the operation it was following, if it knew its id. */
export interface ResumePoint {
  backupId: string | null;
}

export type OperationStreamSnapshot<TInput> = Snapshot<undefined> & {
  input: TInput;
  /** The operation followed, from the last observation: what a restored stream reattaches to. */
  backupId: string | null;
  /** Restored from a persisted snapshot: resume, never start again. */
  resumed: boolean;
  _subscription?: Subscription;
};

export type OperationStreamEvent =
  | { type: 'operation.observed'; backupId: string }
  | { type: 'operation.failed'; error: unknown }
  | { type: 'operation.ended' }
  | { type: 'xstate.stop' };

export type OperationStreamLogic<TInput> = ActorLogic<OperationStreamSnapshot<TInput>, OperationStreamEvent, TInput>;

function plainError(error: unknown): unknown {
  return error instanceof Error ? { name: error.name, message: error.message } : error;
}

/**
 * Actor logic for "follow one operation": like `fromEventObservable`, each observation goes
 * to the parent as a `PROGRESS` event, the stream's error becomes the actor's error. It
 * also remembers the id it follows, in its own persisted snapshot: restored, it is started
 * with `resume` instead of running `follow` as new. That is what keeps a reload from
 * starting a second backup: a persisted *start* resumes by watching, never by starting.
 *
 * @example
 * ```ts
 * const watch = fromOperationStream<{ backupId: string }>(({ input }) =>
 *   watchOperation(client, 'creation', input.backupId),
 * );
 * ```
 */
export function fromOperationStream<TInput>(
  follow: (args: {
    input: TInput;
    resume: ResumePoint | undefined;
    /** Tells the parent about status reads being retried. */
    onRetry: (notice: RetryNotice | null) => void;
    /** Tells the parent the status read before a restoration's request (null: not read). */
    onBaseline: (baseline: RestorationBaseline | null) => void;
  }) => Observable<OperationProgress>,
): OperationStreamLogic<TInput> {
  return {
    config: follow,
    transition: (snapshot, event) => {
      if (snapshot.status !== 'active') return snapshot;
      switch (event.type) {
        case 'operation.observed':
          return snapshot.backupId === event.backupId ? snapshot : { ...snapshot, backupId: event.backupId };
        case 'operation.failed':
          return { ...snapshot, status: 'error', error: event.error, _subscription: undefined };
        case 'operation.ended':
          return { ...snapshot, status: 'done', output: undefined, _subscription: undefined };
        case 'xstate.stop':
          snapshot._subscription?.unsubscribe();
          return { ...snapshot, status: 'stopped', _subscription: undefined };
        default:
          return snapshot;
      }
    },
    getInitialSnapshot: (_scope, input) => ({
      status: 'active',
      output: undefined,
      error: undefined,
      input,
      backupId: null,
      resumed: false,
    }),
    start: (snapshot, { self }) => {
      if (snapshot.status !== 'active') return;
      const resume = snapshot.resumed ? { backupId: snapshot.backupId } : undefined;
      const onRetry = (notice: RetryNotice | null) =>
        self._parent?.send({ type: 'RETRYING', notice } satisfies RetryingEvent);
      const onBaseline = (baseline: RestorationBaseline | null) =>
        self._parent?.send({ type: 'BASELINE', baseline } satisfies BaselineEvent);
      snapshot._subscription = follow({ input: snapshot.input, resume, onRetry, onBaseline }).subscribe({
        next: (progress) => {
          // note: own snapshot first, so a snapshot persisted on the parent's PROGRESS knows the id
          self.send({ type: 'operation.observed', backupId: progress.backupId });
          self._parent?.send({ type: 'PROGRESS', progress } satisfies ProgressEvent);
        },
        error: (error: unknown) => self.send({ type: 'operation.failed', error }),
        complete: () => self.send({ type: 'operation.ended' }),
      });
    },
    getPersistedSnapshot: ({ _subscription, ...snapshot }) =>
      snapshot.status === 'error' ? { ...snapshot, error: plainError(snapshot.error) } : snapshot,
    restoreSnapshot: (persisted) => ({
      ...(persisted as OperationStreamSnapshot<TInput>),
      resumed: true,
      _subscription: undefined,
    }),
  };
}
