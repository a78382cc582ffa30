import { assign, stopChild, type EventObject } from 'xstate';
import type { OperationKind, OperationProgress } from '../src/streams/index.js';
import {
  applyProgress,
  applyRetry,
  freshRun,
  isCanceledStatus,
  isCompletedStatus,
  isFailedStatus,
  shouldReattach,
  type LifecycleContext,
} from './lifecycle-context.js';
import { isCancelTimeoutError } from '../src/streams/index.js';
import { isRefusal, operationFailed, toLifecycleError } from './lifecycle-error.js';
import type { ProgressEvent, RetryingEvent } from './operation-stream-logic.js';
import type { CheckVerdict } from '../src/streams/index.js';

const isProgressEvent = (event: EventObject): event is ProgressEvent => event.type === 'PROGRESS';
const isRetryingEvent = (event: EventObject): event is RetryingEvent => event.type === 'RETRYING';
const isCheckDone = (event: EventObject): event is { type: string; output: CheckVerdict } =>
  event.type === 'xstate.done.actor.check';
const isAttachEvent = (event: EventObject): event is { type: 'ATTACH'; backupId: string } => event.type === 'ATTACH';

interface WithContext {
  context: LifecycleContext;
}

/** The guards both machines read their status and cancel request with. */
export const lifecycleGuards = {
  cancelRequested: ({ context }: WithContext) => context.cancelRequested,
  completed: ({ context }: WithContext) => isCompletedStatus(context.status),
  canceled: ({ context }: WithContext) => isCanceledStatus(context.status),
  failed: ({ context }: WithContext) => isFailedStatus(context.status),
  shouldReattach: ({ context }: WithContext) => shouldReattach(context),
  // the lifecycle lost track and cannot tell whether the daemon did the work: ask it first
  outcomeUnknown: ({ context }: WithContext) => context.error?.outcomeUnknown === true,
  // the check found nothing of ours on the daemon: starting again starts nothing twice
  nothingRan: ({ event }: { event: EventObject }) => isCheckDone(event) && !event.output.ran,
  // the daemon answered the cancel request "no" (not: it never answered in time)
  cancelRefused: ({ event }: { event: EventObject }) =>
    'error' in event && !isCancelTimeoutError(event.error) && isRefusal(event.error),
};

/**
 * The actions both lifecycles share, typed for each machine's own context and events.
 * `now` and `cancelTimeoutMs` are the clock actions' inputs: `create*Machine` provides them
 * again with its options.
 */
export function lifecycleActions<TContext extends LifecycleContext, TEvent extends EventObject>(
  kind: OperationKind,
  now: () => number,
  cancelTimeoutMs: number,
) {
  // One cast at the seam: the shared updates touch only LifecycleContext fields.
  const update = (patch: (context: TContext, event: TEvent) => Partial<LifecycleContext>) =>
    assign<TContext, TEvent, undefined, TEvent, never>(({ context, event }) => patch(context, event) as Partial<TContext>);
  return {
    ...lifecycleClockActions<TContext, TEvent>(now, cancelTimeoutMs),
    // ATTACH: follow an operation started elsewhere; nothing is known about it yet.
    beginAttach: update((_, event) => ({
      ...freshRun(),
      backupId: isAttachEvent(event) ? event.backupId : null,
      backup: null,
      attached: true,
    })),
    // RETRY after losing track: the same operation, followed again; what was known stays.
    beginReattach: update((context) => ({
      ...freshRun(),
      status: context.status,
      percentage: context.percentage,
      attached: context.attached,
    })),
    // the error stays until the daemon answers; "reconnecting" is the check's own from here
    beginCheck: update(() => ({ retrying: null })),
    // what the check found, as the first observation of a fresh run (the id of a creation too)
    recordFound: update((context, event) => {
      if (!isCheckDone(event) || !event.output.ran) return {};
      const fresh = { ...context, ...freshRun() };
      return { ...freshRun(), ...applyProgress(fresh, event.output.progress) };
    }),
    stopProgress: stopChild<TContext, TEvent, undefined, TEvent>('progress'),
    recordProgress: update((context, event) => (isProgressEvent(event) ? applyProgress(context, event.progress) : {})),
    // the cancel actor's answer is one more observation of the operation
    recordCancelOutcome: update((context, event) =>
      'output' in event ? applyProgress(context, event.output as OperationProgress) : {},
    ),
    recordRetry: update((_, event) => (isRetryingEvent(event) ? applyRetry(event.notice) : {})),
    // A start's error: a refusal (409, 505, 511, ...) means nothing ran; anything else may have.
    recordError: update((_, event) => ({ error: toLifecycleError('error' in event ? event.error : event), retrying: null })),
    // The operation was seen running: whatever failed since, the daemon may still finish it.
    recordUnknownOutcome: update((_, event) => ({
      error: toLifecycleError('error' in event ? event.error : event, true),
      retrying: null,
    })),
    recordFailure: update((context) => ({ error: operationFailed(kind, context.backupId, String(context.status)) })),
    markTooLate: update(() => ({ tooLateToCancel: true })),
    // back to running: `error` says why the cancel was refused; the operation's end decides the state
    recordCancelRefused: update((_, event) => ({
      error: toLifecycleError('error' in event ? event.error : event, false),
      cancelRequested: false,
      cancelDeadline: null,
    })),
    forgetTransport: update(() => ({ transport: null, retrying: null })),
  };
}

/** The actions that read the clock. */
export function lifecycleClockActions<TContext extends LifecycleContext, TEvent extends EventObject>(
  now: () => number,
  cancelTimeoutMs: number,
) {
  const update = (patch: (context: TContext) => Partial<LifecycleContext>) =>
    assign<TContext, TEvent, undefined, TEvent, never>(({ context }) => patch(context) as Partial<TContext>);
  return {
    stampStart: update(() => ({ startedAt: now(), finishedAt: null })),
    stampFinish: update(() => ({ finishedAt: now() })),
    requestCancel: update((context) => ({
      cancelRequested: true,
      cancelDeadline: context.cancelDeadline ?? now() + cancelTimeoutMs,
    })),
  };
}
