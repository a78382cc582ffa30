import { setup, type Actor } from 'xstate';
import type { BackupClient } from '../src/api/index.js';
import type { SeededBackup } from '../src/models/index.js';
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
import type { ProgressEvent, RetryingEvent } from './operation-stream-logic.js';
import {
  cancellingState,
  checkingState,
  finishing,
  retryTransitions,
  runningState,
  startingState,
} from './lifecycle-states.js';
import { startLifecycleActor } from './start-lifecycle-actor.js';

export interface BackupContext extends LifecycleContext {
  /** What START asked for; RETRY starts again with it. */
  seed: SeededBackup | null;
}

export type BackupEvent =
  /** Starts a backup creation (from idle, done, cancelled or failed). */
  | { type: 'START'; seed?: SeededBackup }
  /** Follows a creation started elsewhere (or before a reload): starts nothing. */
  | { type: 'ATTACH'; backupId: string }
  | { type: 'CANCEL' }
  | { type: 'RETRY' }
  | ProgressEvent
  /** A status read failed and will be retried, or (notice null) works again. */
  | RetryingEvent
  /** The progress stream failed (typed error from the streams layer). */
  | { type: 'xstate.error.actor.progress'; error: unknown };

const base = setup({
  types: {
    context: {} as BackupContext,
    events: {} as BackupEvent,
  },
  actors: placeholderActors('backupMachine'),
});

const backupSetup = base.extend({
  actions: {
    ...lifecycleActions<BackupContext, BackupEvent>('creation', Date.now, DEFAULT_CANCEL_TIMEOUT_MS),
    beginStart: base.assign(({ event }) => ({
      ...freshRun(),
      backupId: null,
      backup: null,
      seed: event.type === 'START' ? (event.seed ?? null) : null,
    })),
    beginRetry: base.assign(() => ({ ...freshRun(), backupId: null, backup: null })),
    spawnStart: base.spawnChild('start', {
      id: 'progress',
      input: ({ context }) => ({ backupId: null, ...(context.seed && { seed: context.seed }) }),
    }),
    spawnWatch: base.spawnChild('watch', {
      id: 'progress',
      input: ({ context }) => ({ backupId: context.backupId }),
    }),
  },
  guards: lifecycleGuards,
});

/**
 * The backup creation lifecycle as a statechart:
 *
 * ```
 * idle -START-> starting -PROGRESS-> running -> done
 *                  |  (CANCEL: remembered)  \-CANCEL-> cancelling -> cancelled | done (too late)
 *                  \-> failed <- running, cancelling;  failed -RETRY-> starting | running | checking
 * failed -RETRY (outcome unknown)-> checking -> running (found) | starting (nothing ran) | failed
 * idle -ATTACH-> running (reattach by id, nothing started)
 * ```
 *
 * The base machine has placeholder actors; use `createBackupMachine(client)` or
 * `createBackupActor(client)`. Its definition is what tools read (inspector, xstate/graph).
 *
 * @example
 * ```ts
 * const machine = backupMachine.provide({ actors: { start: myStartLogic } });
 * getShortestPaths(backupMachine, { events: [{ type: 'START' }] });
 * ```
 */
export const backupMachine = backupSetup.createMachine({
  id: 'backup',
  context: () => ({ ...initialLifecycleContext(), seed: null }),
  initial: 'idle',
  // from the progress child, in whichever state runs it: "reconnecting" is data, not a state
  on: { RETRYING: { actions: 'recordRetry' } },
  states: {
    idle: {
      on: {
        START: { target: 'starting', actions: ['beginStart', 'stampStart', 'spawnStart'] },
        ATTACH: { target: 'running', actions: ['beginAttach', 'stampStart', 'spawnWatch'] },
      },
    },
    starting: startingState,
    running: runningState,
    cancelling: cancellingState,
    checking: checkingState,
    done: {
      entry: finishing,
      on: { START: { target: 'starting', actions: ['beginStart', 'stampStart', 'spawnStart'] } },
    },
    cancelled: {
      entry: finishing,
      on: { START: { target: 'starting', actions: ['beginStart', 'stampStart', 'spawnStart'] } },
    },
    // Never left automatically: 505/511 need the user, RETRY is their choice.
    failed: {
      entry: finishing,
      on: {
        RETRY: retryTransitions,
        START: { target: 'starting', actions: ['beginStart', 'stampStart', 'spawnStart'] },
      },
    },
  },
});

export type BackupMachine = typeof backupMachine;
export type BackupActor = Actor<BackupMachine>;

/**
 * The backup machine bound to a client: progress over `options.transport`, cancels bounded
 * by `options.cancelTimeoutMs`, every wait on `options.clock`.
 *
 * @example
 * ```ts
 * const machine = createBackupMachine(client, { transport: 'ndjson' });
 * const actor = createActor(machine).start();
 * actor.send({ type: 'START' });
 * ```
 */
export function createBackupMachine(client: BackupClient, options: LifecycleOptions = {}): BackupMachine {
  const resolved = resolveLifecycleOptions(options);
  return backupMachine.provide({
    actors: lifecycleActors(client, 'creation', resolved),
    actions: lifecycleClockActions<BackupContext, BackupEvent>(resolved.stream.now, resolved.cancelTimeoutMs),
  });
}

/**
 * A started backup actor. With `snapshot` it resumes where the persisted one was: a
 * running creation is re-followed by id, never started twice.
 *
 * @example
 * ```ts
 * const backup = createBackupActor(client);
 * backup.subscribe((s) => render(s.value, s.context.percentage, s.context.eta));
 * backup.send({ type: 'START' });
 * localStorage.setItem('backup', JSON.stringify(backup.getPersistedSnapshot()));
 * ```
 */
export function createBackupActor(client: BackupClient, options: LifecycleActorOptions = {}): BackupActor {
  const { inspect, snapshot, ...lifecycle } = options;
  return startLifecycleActor(createBackupMachine(client, lifecycle), { inspect, snapshot });
}
