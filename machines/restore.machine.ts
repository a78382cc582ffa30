import { setup, type Actor } from 'xstate';
import type { BackupClient } from '../src/api/index.js';
import { isTerminalStatus, type Backup, type BackupStatusValue } from '../src/models/index.js';
import { lifecycleActors, placeholderActors, placeholderSafetyActors, safetyActors } from './lifecycle-actors.js';
import {
  freshRun,
  initialLifecycleContext,
  type LifecycleContext,
} from './lifecycle-context.js';
import { toLifecycleError } from './lifecycle-error.js';
import { lifecycleActions, lifecycleClockActions, lifecycleGuards } from './lifecycle-implementations.js';
import {
  DEFAULT_CANCEL_TIMEOUT_MS,
  resolveLifecycleOptions,
  type LifecycleActorOptions,
  type LifecycleOptions,
} from './lifecycle-options.js';
import type { BaselineEvent, ProgressEvent, RetryingEvent } from './operation-stream-logic.js';
import type { CancelInput, StartInput } from './lifecycle-actors.js';
import {
  SafetyBackupFailedError,
  type OperationProgress,
  type RestorationBaseline,
  type RestorePreflight,
  type RestorePreflightInput,
} from '../src/streams/index.js';
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
  /** Back up the current database first (this restore's request, else the machine's option). */
  safetyBackup: boolean;
  /** Restore a backup made by a newer Pieces OS anyway (the RESTORE's `force`). */
  force: boolean;
  /** What the preflight read: the backup's metadata and the running Pieces OS version. */
  preflight: RestorePreflight | null;
  /** The safety backup while it is made: its id once the daemon names it, how far it is. */
  safety: RestoreSafety | null;
  /**
   * The completed safety backup of this restore (listed, `bytes > 0`): restoring it undoes
   * the restore, `{ type: 'UNDO' }` or `{ type: 'RESTORE', backupId: safetyBackupId, safetyBackup: false, confirm: true }`.
   */
  safetyBackupId: string | null;
  /** How far the run got: a failure before `restore` replaced nothing, and RETRY runs the preflight again. */
  stage: RestoreStage | null;
}

export type RestoreStage = 'preflight' | 'safety' | 'restore';

export interface RestoreSafety {
  backupId: string | null;
  status: BackupStatusValue | null;
  percentage: number;
}

export type RestoreEvent =
  /**
   * Restores `backupId`, replacing the local database (it does not sync). Without
   * `confirm: true` it waits in `confirming` for CONFIRM or DISMISS.
   */
  | {
      type: 'RESTORE';
      backupId: string;
      backup?: Backup;
      confirm?: boolean;
      /** Overrides the machine's `safetyBackup` option for this restore. */
      safetyBackup?: boolean;
      /** Restores a backup made by a newer Pieces OS anyway. */
      force?: boolean;
    }
  /** After a restore with a safety backup: restores that backup (itself without one), confirmed. */
  | { type: 'UNDO' }
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
  | { type: 'xstate.error.actor.progress'; error: unknown }
  | { type: 'xstate.done.actor.preflight'; output: RestorePreflight }
  | { type: 'xstate.error.actor.preflight'; error: unknown }
  | { type: 'xstate.error.actor.safety'; error: unknown }
  | { type: 'xstate.done.actor.safetyCancel'; output: OperationProgress }
  | { type: 'xstate.error.actor.safetyCancel'; error: unknown };

const base = setup({
  types: {
    context: {} as RestoreContext,
    events: {} as RestoreEvent,
  },
  actors: { ...placeholderActors('restoreMachine'), ...placeholderSafetyActors() },
});

const isSafetyProgress = (event: RestoreEvent): event is ProgressEvent => event.type === 'PROGRESS' && event.progress.kind === 'creation';

/** The request as data; `safetyDefault` is the machine's option (provided again by `createRestoreMachine`). */
function requestActions(safetyDefault: boolean) {
  return {
    // CONFIRM and RETRY restore the same backup, with the same safety backup and force
    chooseBackup: base.assign(({ event }) =>
      event.type === 'RESTORE'
        ? {
            ...freshRun(),
            backupId: event.backupId,
            backup: event.backup ?? null,
            startedAt: null,
            baseline: null,
            safetyBackup: event.safetyBackup ?? safetyDefault,
            force: event.force ?? false,
            preflight: null,
            safety: null,
            safetyBackupId: null,
            stage: 'preflight' as const,
          }
        : {},
    ),
  };
}

const restoreSetup = base.extend({
  actions: {
    ...lifecycleActions<RestoreContext, RestoreEvent>('restoration', Date.now, DEFAULT_CANCEL_TIMEOUT_MS),
    ...requestActions(false),
    // UNDO: the safety backup of the restore that just completed, itself without one
    chooseUndo: base.assign(({ context }) => ({
      ...freshRun(),
      backupId: context.safetyBackupId,
      backup: null,
      startedAt: null,
      baseline: null,
      safetyBackup: false,
      force: false,
      preflight: null,
      safety: null,
      safetyBackupId: null,
      stage: 'preflight' as const,
    })),
    // RETRY after a failure before the restore: everything from the preflight again
    beginPreflight: base.assign(() => ({ ...freshRun(), preflight: null, safety: null, safetyBackupId: null, stage: 'preflight' as const })),
    recordPreflight: base.assign(({ event, context }) =>
      event.type === 'xstate.done.actor.preflight'
        ? { preflight: event.output, stage: context.safetyBackup ? ('safety' as const) : ('restore' as const) }
        : {},
    ),
    // nothing was sent: whatever the preflight met, the restore did not run
    recordPreflightError: base.assign(({ event }) => ({ error: toLifecycleError('error' in event ? event.error : event, false), retrying: null })),
    recordSafetyProgress: base.assign(({ event, context }) => {
      if (!isSafetyProgress(event)) return {};
      const { backupId, status, percentage } = event.progress;
      const previous = context.safety?.percentage ?? 0;
      const reported = status === 'COMPLETED' ? 100 : Math.max(previous, Math.min(100, Math.max(0, percentage ?? previous)));
      return { safety: { backupId, status, percentage: reported }, retrying: null };
    }),
    keepSafetyBackup: base.assign(({ context }) => ({ safetyBackupId: context.safety?.backupId ?? null, stage: 'restore' as const })),
    // the restore never started: a failed safety backup is no unknown outcome of the restore
    recordSafetyError: base.assign(({ event, context }) => {
      const cause = 'error' in event ? event.error : undefined;
      const safetyId = context.safety?.backupId ?? null;
      const error =
        cause instanceof SafetyBackupFailedError || (cause as { name?: unknown } | undefined)?.name === 'SafetyBackupFailedError'
          ? cause
          : new SafetyBackupFailedError({ backupId: safetyId, reason: describe(cause) }, { cause });
      return { error: toLifecycleError(error, false), retrying: null };
    }),
    recordSafetyEnded: base.assign(({ context }) => ({
      error: toLifecycleError(
        new SafetyBackupFailedError({ backupId: context.safety?.backupId ?? null, reason: `it ended ${context.safety?.status ?? 'without an answer'}` }),
        false,
      ),
      retrying: null,
    })),
    recordSafetyCancelOutcome: base.assign(({ event, context }) => {
      if (event.type !== 'xstate.done.actor.safetyCancel') return {};
      const { backupId, status } = event.output;
      return { safety: { backupId, status, percentage: status === 'COMPLETED' ? 100 : (context.safety?.percentage ?? 0) } };
    }),
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
    safetyWanted: ({ context }) => context.safetyBackup,
    // the confirm step already proved it listed with bytes > 0 (confirmSafetyBackup); a cancel
    // asked before the id was known wins: the cancel actor confirms how the creation ended
    safetyCompleted: ({ event, context }) =>
      !context.cancelRequested && isSafetyProgress(event) && event.progress.status === 'COMPLETED',
    safetyEnded: ({ event, context }) => !context.cancelRequested && isSafetyProgress(event) && isTerminalStatus(event.progress.status),
    safetyNamed: ({ context }) => (context.safety?.backupId ?? null) !== null,
    beforeRestore: ({ context }) => context.stage === 'preflight' || context.stage === 'safety',
    hasSafetyBackup: ({ context }) => context.safetyBackupId !== null,
  },
});

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : 'the creation stream ended without an answer';
}

const restoreOn = {
  RESTORE: [
    { guard: 'confirmed', target: 'preflight', actions: 'chooseBackup' },
    { target: 'confirming', actions: 'chooseBackup' },
  ],
} as const;

const undoOn = {
  UNDO: { guard: 'hasSafetyBackup', target: 'preflight', actions: 'chooseUndo' },
} as const;

/**
 * The restore lifecycle: the backup lifecycle plus a confirmation, because a restore
 * replaces the local database.
 *
 * ```
 * idle -RESTORE{confirm}-> preflight -> starting -PROGRESS-> running -> done
 * idle -RESTORE-> confirming -CONFIRM-> preflight;  confirming -DISMISS-> idle
 * preflight (switches, backup exists, not made by a newer Pieces OS) -> failed | cancelled (CANCEL)
 * preflight {safetyBackup}-> safety (a creation) -COMPLETED, listed, bytes > 0-> starting
 * safety -FAILED, error-> failed (nothing restored);  safety -CANCEL-> safetyCancelling -> cancelled
 * done -UNDO-> preflight (restores safetyBackupId, without a safety backup)
 * running -CANCEL-> cancelling -> cancelled (original database back) | done (too late)
 * starting, running, cancelling -> failed -RETRY-> starting | running | checking
 * failed before the restore (preflight, safety) -RETRY-> preflight
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
  context: () => ({
    ...initialLifecycleContext(),
    baseline: null,
    safetyBackup: false,
    force: false,
    preflight: null,
    safety: null,
    safetyBackupId: null,
    stage: null,
  }),
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
        CONFIRM: { target: 'preflight' },
        DISMISS: { target: 'idle', actions: 'forgetBackup' },
      },
    },
    // nothing is sent until the daemon's switches, the backup and the versions allow it
    preflight: {
      invoke: {
        id: 'preflight',
        src: 'preflight',
        input: ({ context }): RestorePreflightInput => ({
          backupId: context.backupId ?? '',
          force: context.force,
          safetyBackup: context.safetyBackup,
        }),
        onDone: [
          { guard: 'safetyWanted', target: 'safety', actions: 'recordPreflight' },
          { target: 'starting', actions: ['recordPreflight', 'stampStart', 'spawnStart'] },
        ],
        onError: { target: 'failed', actions: 'recordPreflightError' },
      },
      // nothing started yet: a cancel ends here
      on: { CANCEL: { target: 'cancelled' } },
    },
    // a backup of the database as it is now; the restore starts only once it is listed
    safety: {
      invoke: {
        id: 'safety',
        src: 'safety',
        input: (): StartInput => ({ backupId: null }),
        // a start refused, a creation lost, a list that does not show it: nothing is restored.
        // note: no onDone: the stream completes only after its terminal PROGRESS, handled below
        onError: { target: 'failed', actions: 'recordSafetyError' },
      },
      on: {
        PROGRESS: [
          { guard: 'safetyCompleted', target: 'starting', actions: ['recordSafetyProgress', 'keepSafetyBackup', 'stampStart', 'spawnStart'] },
          { guard: 'safetyEnded', target: 'failed', actions: ['recordSafetyProgress', 'recordSafetyEnded'] },
          { guard: 'cancelRequested', target: 'safetyCancelling', actions: 'recordSafetyProgress' },
          { actions: 'recordSafetyProgress' },
        ],
        CANCEL: [
          { guard: 'safetyNamed', target: 'safetyCancelling', actions: 'requestCancel' },
          // no id to cancel yet: remembered, acted on with the first progress
          { actions: 'requestCancel' },
        ],
      },
    },
    // the safety backup's cancel, confirmed by the daemon; the database was never touched
    safetyCancelling: {
      invoke: {
        id: 'safetyCancel',
        src: 'safetyCancel',
        input: ({ context }): CancelInput => ({ backupId: context.safety?.backupId ?? null, deadline: context.cancelDeadline }),
        onDone: { target: 'cancelled', actions: 'recordSafetyCancelOutcome' },
        onError: { target: 'failed', actions: 'recordUnknownOutcome' },
      },
    },
    starting: startingState,
    running: runningState,
    cancelling: cancellingState,
    checking: checkingState,
    done: {
      entry: finishing,
      on: { ...restoreOn, ...undoOn },
    },
    cancelled: {
      entry: finishing,
      on: restoreOn,
    },
    failed: {
      entry: finishing,
      on: {
        ...restoreOn,
        RETRY: [{ guard: 'beforeRestore', target: 'preflight', actions: 'beginPreflight' }, ...retryTransitions],
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
    actors: { ...lifecycleActors(client, 'restoration', resolved), ...safetyActors(client, resolved) },
    actions: {
      ...lifecycleClockActions<RestoreContext, RestoreEvent>(resolved.stream.now, resolved.cancelTimeoutMs),
      ...requestActions(resolved.safetyBackup),
    },
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
