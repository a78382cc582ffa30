import { setup, type Actor } from 'xstate';
import type { BackupClient } from '../src/api/index.js';
import type { Backup } from '../src/models/index.js';
import { lifecycleActors, placeholderActors } from './lifecycle-actors.js';
import {
  freshRun,
  initialLifecycleContext,
  type LifecycleContext,
} from './lifecycle-context.js';
import { lifecycleActions, lifecycleClockActions, lifecycleGuards } from './lifecycle-implementations.js';
import {
  DEFAULT_CANCEL_TIMEOUT_MS,
  resolveLifecycleOptions,
  type LifecycleActorOptions,
  type LifecycleOptions,
} from './lifecycle-options.js';
import type { BaselineEvent, ProgressEvent, RetryingEvent } from './operation-stream-logic.js';
import type { RestorationBaseline } from '../src/streams/index.js';
import {
  cancellingState,
  checkingState,
  finishing,
  retryTransitions,
  runningState,
  startingState,
} from './lifecycle-states.js';
import { startLifecycleActor } from './start-lifecycle-actor.js';

export interface RestoreContext extends LifecycleContext {
  /**
   * The restoration status read just before the request (null until read, or unreadable):
   * what tells this restoration's record from an earlier one's when RETRY asks the daemon.
   */
  baseline: RestorationBaseline | null;
}

export type RestoreEvent =
  /**
   * Restores `backupId`, replacing the local database (it does not sync). Without
   * `confirm: true` it waits in `confirming` for CONFIRM or DISMISS.
   */
  | { type: 'RESTORE'; backupId: string; backup?: Backup; confirm?: boolean }
  | { type: 'CONFIRM' }
  | { type: 'DISMISS' }
  /** Follows a restoration started elsewhere (or before a reload): starts nothing. */
  | { type: 'ATTACH'; backupId: string }
  | { type: 'CANCEL' }
  | { type: 'RETRY' }
  | ProgressEvent
  /** A status read failed and will be retried, or (notice null) works again. */
  | RetryingEvent
  /** The start read the restoration status before its request. */
  | BaselineEvent
  | { type: 'xstate.error.actor.progress'; error: unknown };

const base = setup({
  types: {
    context: {} as RestoreContext,
    events: {} as RestoreEvent,
  },
  actors: placeholderActors('restoreMachine'),
});

const restoreSetup = base.extend({
  actions: {
    ...lifecycleActions<RestoreContext, RestoreEvent>('restoration', Date.now, DEFAULT_CANCEL_TIMEOUT_MS),
    // The request is kept as data: CONFIRM and RETRY restore the same backup.
    chooseBackup: base.assign(({ event }) =>
      event.type === 'RESTORE'
        ? { ...freshRun(), backupId: event.backupId, backup: event.backup ?? null, startedAt: null, baseline: null }
        : {},
    ),
    recordBaseline: base.assign(({ event }) => (event.type === 'BASELINE' ? { baseline: event.baseline } : {})),
    forgetBackup: base.assign({ backupId: null, backup: null }),
    beginRetry: base.assign(() => freshRun()),
    spawnStart: base.spawnChild('start', {
      id: 'progress',
      input: ({ context }) => ({ backupId: context.backupId, ...(context.backup && { backup: context.backup }) }),
    }),
    spawnWatch: base.spawnChild('watch', {
      id: 'progress',
      input: ({ context }) => ({ backupId: context.backupId }),
    }),
  },
  guards: {
    confirmed: ({ event }) => event.type === 'RESTORE' && event.confirm === true,
    ...lifecycleGuards,
  },
});

const restoreOn = {
  RESTORE: [
    { guard: 'confirmed', target: 'starting', actions: ['chooseBackup', 'stampStart', 'spawnStart'] },
    { target: 'confirming', actions: 'chooseBackup' },
  ],
} as const;

/**
 * The restore lifecycle: the backup lifecycle plus a confirmation, because a restore
 * replaces the local database.
 *
 * ```
 * idle -RESTORE{confirm}-> starting -PROGRESS-> running -> done
 * idle -RESTORE-> confirming -CONFIRM-> starting;  confirming -DISMISS-> idle
 * running -CANCEL-> cancelling -> cancelled (original database back) | done (too late)
 * starting, running, cancelling -> failed -RETRY-> starting | running | checking
 * failed -RETRY (outcome unknown)-> checking -> running (found) | starting (nothing ran) | failed
 * idle -ATTACH-> running (reattach by id, nothing started)
 * ```
 *
 * The base machine has placeholder actors; use `createRestoreMachine(client)` or
 * `createRestoreActor(client)`.
 *
 * @example
 * ```ts
 * const actor = createActor(restoreMachine.provide({ actors: { start, watch, cancel } })).start();
 * actor.send({ type: 'RESTORE', backupId, confirm: true });
 * ```
 */
export const restoreMachine = restoreSetup.createMachine({
  id: 'restore',
  context: () => ({ ...initialLifecycleContext(), baseline: null }),
  initial: 'idle',
  // from the progress child, in whichever state runs it: "reconnecting" and the baseline are data
  on: { RETRYING: { actions: 'recordRetry' }, BASELINE: { actions: 'recordBaseline' } },
  states: {
    idle: {
      on: {
        ...restoreOn,
        ATTACH: { target: 'running', actions: ['beginAttach', 'stampStart', 'spawnWatch'] },
      },
    },
    confirming: {
      on: {
        CONFIRM: { target: 'starting', actions: ['stampStart', 'spawnStart'] },
        DISMISS: { target: 'idle', actions: 'forgetBackup' },
      },
    },
    starting: startingState,
    running: runningState,
    cancelling: cancellingState,
    checking: checkingState,
    done: {
      entry: finishing,
      on: restoreOn,
    },
    cancelled: {
      entry: finishing,
      on: restoreOn,
    },
    failed: {
      entry: finishing,
      on: {
        ...restoreOn,
        RETRY: retryTransitions,
      },
    },
  },
});

export type RestoreMachine = typeof restoreMachine;
export type RestoreActor = Actor<RestoreMachine>;

/**
 * The restore machine bound to a client (see `createBackupMachine` for the options).
 *
 * @example
 * ```ts
 * const actor = createActor(createRestoreMachine(client)).start();
 * actor.send({ type: 'RESTORE', backupId, confirm: true });
 * ```
 */
export function createRestoreMachine(client: BackupClient, options: LifecycleOptions = {}): RestoreMachine {
  const resolved = resolveLifecycleOptions(options);
  return restoreMachine.provide({
    actors: lifecycleActors(client, 'restoration', resolved),
    actions: lifecycleClockActions<RestoreContext, RestoreEvent>(resolved.stream.now, resolved.cancelTimeoutMs),
  });
}

/**
 * A started restore actor; with `snapshot` it resumes a persisted one (a running
 * restoration is re-followed by id, never started twice).
 *
 * @example
 * ```ts
 * const restore = createRestoreActor(client);
 * restore.send({ type: 'RESTORE', backupId });   // -> confirming
 * restore.send({ type: 'CONFIRM' });             // -> starting
 * ```
 */
export function createRestoreActor(client: BackupClient, options: LifecycleActorOptions = {}): RestoreActor {
  const { inspect, snapshot, ...lifecycle } = options;
  return startLifecycleActor(createRestoreMachine(client, lifecycle), { inspect, snapshot });
}
