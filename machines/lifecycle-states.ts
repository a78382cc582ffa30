import type { LifecycleContext } from './lifecycle-context.js';
import type { CancelInput, CheckInput, RestorationBaseline } from '../src/streams/index.js';

// The states both charts have, the same by construction: each chart spreads them in, so it
// still reads whole in its own file (and to the inspector and xstate/graph). Only names of
// actions and guards appear here; both machines register them (lifecycle-implementations).

/** The request is out; the first progress names the operation. */
export const startingState = {
  on: {
    PROGRESS: [
      { guard: 'cancelRequested', target: 'cancelling', actions: 'recordProgress' },
      { target: 'running', actions: 'recordProgress' },
    ],
    // no id to cancel yet: remembered, acted on with the first progress
    CANCEL: { actions: 'requestCancel' },
    // a refusal (409, 505, 511) means nothing ran; anything else may have (outcomeUnknown)
    'xstate.error.actor.progress': { target: 'failed', actions: 'recordError' },
  },
} as const;

export const runningState = {
  always: [
    { guard: 'completed', target: 'done' },
    { guard: 'canceled', target: 'cancelled' },
    { guard: 'failed', target: 'failed', actions: 'recordFailure' },
  ],
  on: {
    PROGRESS: { actions: 'recordProgress' },
    CANCEL: { target: 'cancelling', actions: 'requestCancel' },
    // seen running: the daemon may finish it, so the outcome is unknown, not failed
    'xstate.error.actor.progress': { target: 'failed', actions: 'recordUnknownOutcome' },
  },
} as const;

/**
 * Cancel accepted is not canceled: progress is still followed until CANCELED (or COMPLETED:
 * too late). A second CANCEL is ignored; a lost stream too, the cancel actor confirms by
 * status until the deadline.
 */
export const cancellingState = {
  invoke: {
    id: 'cancel',
    src: 'cancel',
    input: ({ context }: { context: LifecycleContext }): CancelInput => ({
      backupId: context.backupId,
      ...(context.backup && { backup: context.backup }),
      deadline: context.cancelDeadline,
    }),
    onDone: { actions: 'recordCancelOutcome' },
    onError: [
      // the daemon refused the cancel (404, 400, ...): the operation goes on, followed afresh
      { guard: 'cancelRefused', target: 'running', actions: ['recordCancelRefused', 'stopProgress', 'spawnWatch'] },
      { target: 'failed', actions: 'recordUnknownOutcome' },
    ],
  },
  always: [
    { guard: 'completed', target: 'done', actions: 'markTooLate' },
    { guard: 'canceled', target: 'cancelled' },
    { guard: 'failed', target: 'failed', actions: 'recordFailure' },
  ],
  on: {
    PROGRESS: { actions: 'recordProgress' },
    'xstate.error.actor.progress': { actions: 'forgetTransport' },
  },
} as const;

/** What `done`, `cancelled` and `failed` do on entry: stop following, stamp the end. */
export const finishing = ['stopProgress', 'stampFinish'] as const;

/**
 * RETRY in `failed`: re-attach when the id is known and the operation was not seen to end;
 * ask the daemon first when the outcome is unknown; start again only after a known failure
 * (a refusal, or the daemon's own FAILED).
 */
export const retryTransitions = [
  { guard: 'shouldReattach', target: 'running', actions: ['beginReattach', 'stampStart', 'spawnWatch'] },
  { guard: 'outcomeUnknown', target: 'checking', actions: 'beginCheck' },
  { target: 'starting', actions: ['beginRetry', 'stampStart', 'spawnStart'] },
] as const;

/**
 * RETRY after an unknown outcome: the daemon says what became of the operation. Running ->
 * followed again; ended -> `running` settles at once on its status (done, cancelled,
 * failed); nothing of ours ran -> started again. The daemon still out of reach (or an answer
 * that cannot tell) -> `failed`, the outcome still unknown: nothing is started blindly.
 */
export const checkingState = {
  invoke: {
    id: 'check',
    src: 'check',
    input: ({ context }: { context: LifecycleContext & { baseline?: RestorationBaseline | null } }): CheckInput => ({
      backupId: context.backupId,
      requestedAt: context.startedAt,
      baseline: context.baseline ?? null,
    }),
    onDone: [
      { guard: 'nothingRan', target: 'starting', actions: ['beginRetry', 'stampStart', 'spawnStart'] },
      // note: a watch spawned for an ended operation is stopped in the same step, never started
      { target: 'running', actions: ['recordFound', 'spawnWatch'] },
    ],
    onError: { target: 'failed', actions: 'recordUnknownOutcome' },
  },
} as const;

/**
 * The states a lifecycle stays in until the user asks for more: each ends a run. Every face
 * (core, CLI, element, test kit) reads this list, so a new state is added here once.
 */
export const SETTLED_STATES = ['done', 'cancelled', 'failed'] as const;
export type SettledState = (typeof SETTLED_STATES)[number];

/** The states in which an operation is under way: a bar and an ETA show, another start waits. */
export const BUSY_STATES = ['preflight', 'safety', 'safetyCancelling', 'starting', 'running', 'cancelling', 'checking'] as const;
export type BusyState = (typeof BUSY_STATES)[number];

export const isSettledState = (value: string): value is SettledState => (SETTLED_STATES as readonly string[]).includes(value);
export const isBusyState = (value: string): value is BusyState => (BUSY_STATES as readonly string[]).includes(value);
