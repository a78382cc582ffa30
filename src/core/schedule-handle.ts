import type { SchedulerLike } from 'rxjs';
import { isBusyState, isSettledState, type LifecycleErrorKind } from '../../machines/index.js';
import type { BackupClient } from '../api/index.js';
import { isTerminalStatus, type Backup } from '../models/index.js';
import { durationToMs, parseDuration } from './policy/duration.js';
import { defaultRunnerLock, type RunnerLock } from './policy/runner-lock.js';
import { createScheduleRunner, type RunRecord, type ScheduleHealth, type ScheduleRunner } from './policy/schedule-runner.js';
import { resolveSchedule, type ResolvedSchedule, type RunOutcome, type SchedulePolicy, type ScheduleState } from './policy/schedule.js';
import type { BackupLifecycle, BackupSnapshot, RestoreLifecycle } from './lifecycle.js';
import type { OperationsState } from './operations-store.js';
import { createStore, type Store } from './store.js';

/** What a schedule persists: the runner's state, and the device name it learned (see `deviceName`). */
export type StoredSchedule = ScheduleState & { deviceName?: string };

/** Where the schedule's state lives between sessions. `load` is read once, `save` after every change. */
export interface ScheduleStorage {
  load(): StoredSchedule | null;
  save(state: StoredSchedule): void;
}

export interface ScheduleOptions {
  /** Every N: `6h`, `30m`, `1d` (at least `1m`). Or `dailyAt`. */
  every?: string;
  /** Daily at a local time, `HH:MM`. */
  dailyAt?: string;
  /** A random delay after each period's start, up to this (`10m`). */
  jitter?: string;
  /** Retries of a failed run (default from `1m` doubling up to `1h`). */
  backoff?: { initial?: string; max?: string };
  /** IANA zone of `dailyAt`; default the host's. */
  timeZone?: string;
  /**
   * This device's `device_name`: its backups are the ones that count for a period. Default:
   * learned from the first backup this schedule makes (the daemon names its own device in every
   * backup it creates), then persisted with the state. Until then the first run is due at once.
   * Give it when other devices share the account's list, so a restart knows it at once.
   */
  deviceName?: string;
  /** This device's last backup older than this is `stale` (default twice the period). */
  staleAfter?: string;
  /** Default `localStorage` under `pieces-backup.schedule[.<deviceName>]` where there is one, else memory. */
  storage?: ScheduleStorage;
  /** Default the Web Locks API where `navigator.locks` exists, else a lock of this realm; the CLI passes a file lock. */
  lock?: RunnerLock;
  /** Virtual time in tests. */
  clock?: { scheduler?: SchedulerLike; now?: () => number };
  /** How long to wait before looking again while an operation runs or another runner holds the lock, ms (default 60 s). */
  recheckMs?: number;
  onBackupCompleted?: (run: RunRecord) => void;
  onBackupFailed?: (run: RunRecord) => void;
  onStale?: (health: ScheduleHealth) => void;
}

/** The schedule as a face shows it. */
export interface ScheduleView {
  /** A schedule was given to the core; without one the handle is idle and says `false`. */
  configured: boolean;
  /** As given, for display. */
  policy: { every?: string; dailyAt?: string } | null;
  /** `every 6h`, `daily at 02:30`; `''` when not configured. */
  label: string;
  /** `waiting`: due, but an operation runs on the daemon or another runner holds the lock. */
  phase: 'idle' | 'waiting' | 'running' | 'paused' | 'stopped' | 'disposed';
  waitingFor?: 'creation' | 'restoration' | 'lock';
  /** Epoch ms of the next run; `null` while paused, stopped or not configured. */
  nextDueAt: number | null;
  /** The device the schedule backs up; `null` until learned. */
  deviceName: string | null;
  /** This device's newest completed backup, as of the last look at the list. */
  lastBackup: { backupId: string; at: number; ageMs: number; deviceName: string } | null;
  stale: boolean;
  staleAfterMs: number;
  /** Newest first, at most 50. */
  history: RunRecord[];
  /** A 505 or 511 stopped the schedule until the user acts and resumes it. */
  stoppedBy?: { name: string; message: string; userAction: string };
}

/** `core.schedule`: the schedule's view as a store, with its commands. */
export interface ScheduleHandle extends Store<ScheduleView> {
  /**
   * Starts the schedule (its first look at the daemon is at once). The first subscriber starts
   * it too; once started it runs until `dispose`, observed or not. No-op when not configured.
   */
  start(): void;
  pause(): void;
  /** Also the user's "I fixed it" after a 505 or 511 stopped the schedule. */
  resume(): void;
  /**
   * "Back up now": counts as the period's backup. Resolves `null` without starting anything while
   * a run, a creation or a restoration is under way (it never queues a second operation).
   */
  runNow(): Promise<RunRecord | null>;
  dispose(): void;
}

const SELF = '\u0000this device';
const USER_ACTIONS: Record<string, string> = {
  UpdateRequiredError: 'Update Pieces OS, then resume the schedule.',
  AuthenticationRequiredError: 'Sign in to Pieces OS and connect it to the cloud, then resume the schedule.',
};

const BY_KIND: Partial<Record<LifecycleErrorKind, string>> = {
  'update-required': 'UpdateRequiredError',
  'authentication-required': 'AuthenticationRequiredError',
  conflict: 'ConflictError',
};

const IDLE: ScheduleView = {
  configured: false,
  policy: null,
  label: '',
  phase: 'idle',
  nextDueAt: null,
  deviceName: null,
  lastBackup: null,
  stale: false,
  staleAfterMs: 0,
  history: [],
};

function memoryStorage(): ScheduleStorage {
  let saved: StoredSchedule | null = null;
  return { load: () => saved, save: (state) => void (saved = state) };
}

/** `localStorage` when the platform has one (and lets us use it), else memory. */
export function defaultScheduleStorage(key: string): ScheduleStorage {
  let local: Storage | undefined;
  try {
    local = (globalThis as { localStorage?: Storage }).localStorage;
  } catch {
    local = undefined; // a sandboxed frame throws on access
  }
  if (!local) return memoryStorage();
  const storage = local;
  return {
    load() {
      try {
        const text = storage.getItem(key);
        return text === null ? null : (JSON.parse(text) as StoredSchedule);
      } catch {
        return null;
      }
    },
    save(state) {
      try {
        storage.setItem(key, JSON.stringify(state));
      } catch {
        // quota or privacy mode: the schedule runs on, it only forgets on reload
      }
    },
  };
}

function outcomeOf({ value, context }: BackupSnapshot): RunOutcome {
  if (value === 'done') return { status: 'completed', ...(context.backupId !== null && { backupId: context.backupId }) };
  if (value === 'cancelled') return { status: 'canceled' };
  const error = context.error;
  // by kind: the runner stops on these names (505, 511) and waits on a 409
  const name = error ? (BY_KIND[error.kind] ?? error.name) : 'Error';
  return { status: 'failed', error: { name, message: error?.message ?? 'the backup failed' } };
}

/**
 * Runs `core.backup` once and resolves with how it ended, so a scheduled run shows in every face
 * like a manual one. A start the actor ignores (it is busy) is a 409 to the runner: it waits.
 */
function runLifecycle(backup: BackupLifecycle): Promise<RunOutcome> {
  return new Promise((resolve) => {
    backup.start();
    if (!isBusyState(backup.getSnapshot().value)) {
      resolve({ status: 'failed', error: { name: 'ConflictError', message: 'the backup lifecycle is busy' } });
      return;
    }
    const unsubscribe = backup.subscribe(() => {
      const snapshot = backup.getSnapshot();
      if (snapshot.status === 'stopped' && !isSettledState(snapshot.value)) {
        // the core was disposed mid-run: end the run, so the runner gives the lock back
        unsubscribe();
        resolve({ status: 'failed', error: { name: 'AbortedError', message: 'the core was disposed during the backup; it runs on in Pieces OS' } });
        return;
      }
      if (!isSettledState(snapshot.value)) return;
      unsubscribe();
      resolve(outcomeOf(snapshot));
    });
  });
}

export interface ScheduleHandleDeps {
  client: BackupClient;
  backup: BackupLifecycle;
  restore: RestoreLifecycle;
  /**
   * The operations running on the daemon now, read afresh: the operations store is empty until
   * discovery first answers and while nobody observes it, so it cannot say "nothing runs".
   */
  runningNow: () => Promise<Pick<OperationsState, 'creations' | 'restorations'>>;
  /** After each completed run (the core prunes then). */
  afterBackup: () => void;
}

/** The schedule options checked once: throws `PolicyInputError` (the core calls it before building anything). */
export function resolveScheduleOptions(options: ScheduleOptions): { schedule: ResolvedSchedule; staleAfterMs: number | undefined } {
  const { every, dailyAt, jitter, backoff, timeZone } = options;
  const policy = {
    // both given reach resolveSchedule, which refuses them
    ...(every !== undefined && { every }),
    ...(dailyAt !== undefined && { dailyAt }),
    ...(jitter !== undefined && { jitter }),
    ...(backoff !== undefined && { backoff }),
    ...(timeZone !== undefined && { timeZone }),
  } as SchedulePolicy;
  const staleAfterMs =
    options.staleAfter === undefined ? undefined : durationToMs(parseDuration(options.staleAfter, 'staleAfter'), 'staleAfter');
  return { schedule: resolveSchedule(policy), staleAfterMs };
}

/** `core.schedule` (internal: the core builds it). Throws `PolicyInputError` for a schedule that does not parse. */
export function createScheduleHandle(options: ScheduleOptions | undefined, deps: ScheduleHandleDeps): ScheduleHandle {
  if (!options) {
    const store = createStore(IDLE);
    return {
      subscribe: store.subscribe,
      getSnapshot: store.getSnapshot,
      start() {},
      pause() {},
      resume() {},
      runNow: async () => null,
      dispose: () => store.set({ ...IDLE, phase: 'disposed' }),
    };
  }
  const { every, dailyAt } = options;
  const { schedule, staleAfterMs } = resolveScheduleOptions(options);
  const storage = options.storage ?? defaultScheduleStorage(`pieces-backup.schedule${options.deviceName ? `.${options.deviceName}` : ''}`);
  const stored = storage.load();
  const { deviceName: learned, ...savedState } = stored ?? {};
  // the device the schedule counts; the runner sees it as SELF until learned, so it never rebuilds
  let device: string | null = options.deviceName ?? learned ?? null;
  const { client, backup, restore, runningNow } = deps;

  const asSelf = (list: readonly Backup[]): readonly Backup[] =>
    device === null ? list : list.map((item) => (item.device_name === device ? { ...item, device_name: SELF } : item));
  const learn = async (backupId: string | undefined) => {
    if (device !== null || backupId === undefined) return;
    const made = backup.getSnapshot().context.backup ?? (await client.list()).iterable.find((item) => item.id === backupId);
    if (made) device = made.device_name;
  };

  let runner: ScheduleRunner | null = null;
  const viewOf = (): ScheduleView => {
    if (!runner) {
      return { ...IDLE, configured: true, policy: every !== undefined ? { every } : { dailyAt: dailyAt as string }, label: schedule.label, deviceName: device, staleAfterMs: staleAfterMs ?? 2 * schedule.periodMs, nextDueAt: null };
    }
    const { state, nextDueAt, phase, waitingFor, health } = runner.getSnapshot();
    const last = health.lastBackup;
    return {
      configured: true,
      policy: every !== undefined ? { every } : { dailyAt: dailyAt as string },
      label: schedule.label,
      phase,
      ...(waitingFor && { waitingFor }),
      nextDueAt,
      deviceName: device,
      lastBackup: last && device !== null ? { ...last, deviceName: device } : null,
      stale: health.stale && device !== null,
      staleAfterMs: health.staleAfterMs,
      history: health.history,
      ...(state.stoppedBy && { stoppedBy: { ...state.stoppedBy, userAction: USER_ACTIONS[state.stoppedBy.name] ?? '' } }),
    };
  };

  let unsubscribeRunner = () => {};
  let disposed = false;
  const start = () => {
    if (runner || disposed) return;
    runner = createScheduleRunner({
      schedule,
      deviceName: SELF,
      lockName: `pieces-backup.schedule.${options.deviceName ?? 'this-device'}`,
      listBackups: async () => {
        // another tab or process on the same storage may have learned the device meanwhile
        device ??= storage.load()?.deviceName ?? null;
        return asSelf((await client.list()).iterable);
      },
      // the core's own lifecycles, then the daemon; a start that races another runner is
      // answered 409, which the runner waits on
      isOperationRunning: async () => {
        if (isBusyState(restore.getSnapshot().value)) return 'restoration';
        if (isBusyState(backup.getSnapshot().value)) return 'creation';
        const { creations, restorations } = await runningNow();
        if (restorations.some((operation) => !isTerminalStatus(operation.status))) return 'restoration';
        if (creations.some((operation) => !isTerminalStatus(operation.status))) return 'creation';
        return null;
      },
      startBackup: async () => {
        const outcome = await runLifecycle(backup);
        if (outcome.status === 'completed') await learn(outcome.backupId).catch(() => undefined);
        return outcome;
      },
      lock: options.lock ?? defaultRunnerLock(),
      ...(options.clock && { clock: options.clock }),
      ...(stored && { state: savedState as ScheduleState }),
      ...(options.recheckMs !== undefined && { recheckMs: options.recheckMs }),
      ...(staleAfterMs !== undefined && { staleAfterMs }),
      onBackupCompleted: (run) => {
        deps.afterBackup();
        options.onBackupCompleted?.(run);
      },
      ...(options.onBackupFailed && { onBackupFailed: options.onBackupFailed }),
      ...(options.onStale && { onStale: options.onStale }),
    });
    const active = runner;
    let saved = active.getSnapshot().state;
    unsubscribeRunner = active.subscribe(() => {
      const { state } = active.getSnapshot();
      if (state !== saved) {
        saved = state;
        storage.save({ ...state, ...(device !== null && { deviceName: device }) });
      }
      store.set(viewOf());
    });
    store.set(viewOf());
  };

  const store = createStore<ScheduleView>(viewOf(), { onStart: () => queueMicrotask(start) });
  return {
    subscribe: store.subscribe,
    getSnapshot: store.getSnapshot,
    start,
    // the runner's first look is a timer away, so a pause right after the start comes first
    pause: () => {
      start();
      runner?.pause();
    },
    resume: () => {
      start();
      runner?.resume();
    },
    runNow: () => {
      start();
      return runner ? runner.runNow() : Promise.resolve(null);
    },
    dispose() {
      disposed = true;
      unsubscribeRunner();
      runner?.dispose();
      store.set(runner ? viewOf() : { ...viewOf(), phase: 'disposed' });
    },
  };
}
