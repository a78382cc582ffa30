import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import type { Backup } from '../../models/index.js';
import { createStore, type Store } from '../store.js';
import { backupTime } from './retention.js';
import { createMemoryLock, type RunnerLock } from './runner-lock.js';
import {
  INITIAL_SCHEDULE_STATE,
  isDue,
  nextDue,
  onPeriodDone,
  onRunFinished,
  pauseSchedule,
  periodOf,
  resolveSchedule,
  resumeSchedule,
  type ResolvedSchedule,
  type RunOutcome,
  type SchedulePolicy,
  type ScheduleState,
} from './schedule.js';

/** One run in the health history. */
export interface RunRecord {
  /** `scheduled` by the policy, `manual` from `runNow`, `joined`: a creation found running was this period's backup. */
  kind: 'scheduled' | 'manual' | 'joined';
  startedAt: number;
  endedAt: number;
  end: RunOutcome['status'];
  backupId?: string;
  error?: { name: string; message: string };
}

/** The newest completed backup of one device, as of `checkedAt`. */
export interface DeviceBackup {
  deviceName: string;
  backupId: string;
  at: number;
  ageMs: number;
}

export interface ScheduleHealth {
  /** This device's newest completed backup; `null` when it has none (or the list was not read yet). */
  lastBackup: DeviceBackup | null;
  /** Every device's, newest first. */
  devices: DeviceBackup[];
  /** This device's last backup is older than `staleAfterMs`. A device that never backed up is not stale: `lastBackup` is `null`. */
  stale: boolean;
  staleAfterMs: number;
  /** Newest first, at most `historyLimit` (50). */
  history: RunRecord[];
  /** When the daemon's list was last read, epoch ms. */
  checkedAt: number | null;
}

export interface ScheduleRunnerSnapshot {
  /** Persist this (JSON) and pass it back as `state` after a reload. */
  state: ScheduleState;
  nextDueAt: number | null;
  /** `waiting`: due, but an operation runs on the daemon or another runner holds the lock. */
  phase: 'idle' | 'waiting' | 'running' | 'paused' | 'stopped' | 'disposed';
  /** What `waiting` waits for. */
  waitingFor?: 'creation' | 'restoration' | 'lock';
  health: ScheduleHealth;
}

export interface ScheduleRunnerOptions {
  schedule: SchedulePolicy | ResolvedSchedule;
  /** This device's `device_name`: its backups are the ones that count for a period. */
  deviceName: string;
  /** The daemon's completed backups (`GET /backups`). */
  listBackups: () => Promise<readonly Backup[]>;
  /** The operation running on the daemon, if any. */
  isOperationRunning: () => Promise<'creation' | 'restoration' | null>;
  /** Starts a creation and resolves when it ends. */
  startBackup: () => Promise<RunOutcome>;
  /** Default a lock of this realm only. */
  lock?: RunnerLock;
  /** Default `pieces-backup.schedule.<deviceName>`. */
  lockName?: string;
  /** Virtual time in tests; `now` defaults to `scheduler.now()`. */
  clock?: { scheduler?: SchedulerLike; now?: () => number };
  /** The persisted state of a previous run. */
  state?: ScheduleState;
  /** How long to wait before looking again while an operation runs or the lock is held elsewhere, ms. Default 60 s. */
  recheckMs?: number;
  /**
   * The longest single timer, ms. Default 5 min. A sleeping host's timers fire late (monotonic
   * clocks stop in suspend, background tabs are throttled), so the runner reads the clock again
   * at least this often: a run missed during sleep starts within this long of waking.
   */
  wakeCheckMs?: number;
  /** Default twice the period. */
  staleAfterMs?: number;
  /** Default 50. */
  historyLimit?: number;
  onBackupCompleted?: (run: RunRecord) => void;
  onBackupFailed?: (run: RunRecord) => void;
  /** This device's last backup just became older than `staleAfterMs`. */
  onStale?: (health: ScheduleHealth) => void;
}

export interface ScheduleRunner extends Store<ScheduleRunnerSnapshot> {
  pause(): void;
  /** Also the user's "I fixed it" after a 505 or 511 stopped the schedule. */
  resume(): void;
  /**
   * "Back up now": runs at once, even if the period has a backup, and counts as the period's.
   * Resolves `null` without starting anything while a run, a creation or a restoration is
   * under way (it never queues a second operation).
   */
  runNow(): Promise<RunRecord | null>;
  dispose(): void;
}

function errorOf(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/**
 * Runs a schedule: at each due time it takes the lock, asks the daemon first (an operation
 * running: wait; a completed backup of this device in the current period: done), then starts
 * one backup. Framework-free; the core passes the client's calls in.
 *
 * @example
 * ```ts
 * const runner = createScheduleRunner({
 *   schedule: { every: '6h' },
 *   deviceName: 'laptop',
 *   listBackups: () => client.list().then((page) => page.iterable),
 *   isOperationRunning: async () => null,
 *   startBackup: async () => ({ status: 'completed' }),
 *   state: JSON.parse(localStorage.schedule ?? 'null') ?? undefined,
 * });
 * runner.subscribe(() => (localStorage.schedule = JSON.stringify(runner.getSnapshot().state)));
 * ```
 */
export function createScheduleRunner(options: ScheduleRunnerOptions): ScheduleRunner {
  const schedule = 'kind' in options.schedule ? options.schedule : resolveSchedule(options.schedule);
  const scheduler = options.clock?.scheduler ?? asyncScheduler;
  const now = options.clock?.now ?? (() => scheduler.now());
  const { deviceName, recheckMs = 60_000, historyLimit = 50, wakeCheckMs = 5 * 60_000 } = options;
  const staleAfterMs = options.staleAfterMs ?? 2 * schedule.periodMs;
  const lock = options.lock ?? createMemoryLock();
  const lockName = options.lockName ?? `pieces-backup.schedule.${deviceName}`;

  let state: ScheduleState = options.state ?? INITIAL_SCHEDULE_STATE;
  let history: RunRecord[] = [];
  let devices: DeviceBackup[] = [];
  let checkedAt: number | null = null;
  let phase: ScheduleRunnerSnapshot['phase'] = 'idle';
  let waitingFor: ScheduleRunnerSnapshot['waitingFor'];
  let notBefore = 0; // a recheck's earliest time: not persisted, a restart looks at once
  let busy = false;
  let disposed = false;
  let wasStale = false;
  let timer: Subscription | undefined;
  let staleTimer: Subscription | undefined;

  const healthOf = (): ScheduleHealth => {
    const at = now();
    const aged = devices.map((device) => ({ ...device, ageMs: at - device.at }));
    const lastBackup = aged.find((device) => device.deviceName === deviceName) ?? null;
    return { lastBackup, devices: aged, stale: lastBackup !== null && lastBackup.ageMs > staleAfterMs, staleAfterMs, history, checkedAt };
  };
  const snapshotOf = (): ScheduleRunnerSnapshot => ({
    state,
    nextDueAt: nextDue(state, now()),
    phase,
    ...(waitingFor && { waitingFor }),
    health: healthOf(),
  });
  const store = createStore<ScheduleRunnerSnapshot>(snapshotOf());

  const publish = () => {
    const snapshot = snapshotOf();
    store.set(snapshot);
    if (snapshot.health.stale && !wasStale) options.onStale?.(snapshot.health);
    wasStale = snapshot.health.stale;
    // wake up when this device's last backup turns stale, to say so
    staleTimer?.unsubscribe();
    const last = snapshot.health.lastBackup;
    if (last && !snapshot.health.stale && !disposed) {
      staleTimer = scheduler.schedule(() => publish(), Math.max(0, last.at + staleAfterMs + 1 - now()));
    }
  };

  const readDevices = (backups: readonly Backup[]) => {
    const newest = new Map<string, DeviceBackup>();
    for (const backup of backups) {
      const at = backupTime(backup);
      const seen = newest.get(backup.device_name);
      if (!seen || at > seen.at) newest.set(backup.device_name, { deviceName: backup.device_name, backupId: backup.id, at, ageMs: 0 });
    }
    devices = [...newest.values()].sort((a, b) => b.at - a.at);
    checkedAt = now();
  };

  const record = (run: RunRecord) => {
    history = [run, ...history].slice(0, historyLimit);
    if (run.end === 'completed') options.onBackupCompleted?.(run);
    else if (run.end === 'failed') options.onBackupFailed?.(run);
  };

  const plan = () => {
    timer?.unsubscribe();
    timer = undefined;
    if (disposed || busy) return;
    const due = nextDue(state, now());
    if (due === null) {
      phase = state.stoppedBy ? 'stopped' : 'paused';
      waitingFor = undefined;
      publish();
      return;
    }
    if (phase !== 'waiting') phase = 'idle';
    publish();
    // never one long timer: a host's timers stop while it sleeps, so the wall clock is read again
    const delay = Math.min(wakeCheckMs, Math.max(0, Math.max(due, notBefore) - now()));
    timer = scheduler.schedule(() => void attempt('scheduled'), delay);
  };

  let waited = false;
  const wait = (what: NonNullable<ScheduleRunnerSnapshot['waitingFor']>) => {
    waited = true;
    phase = 'waiting';
    waitingFor = what;
    notBefore = now() + recheckMs;
  };

  // A creation found running when due is joined: it is this period's backup if a backup of
  // this device newer than `joinAfter` (the newest when it was seen) appears once it ends.
  let join: { seenAt: number; after: number } | null = null;
  const newestOf = (backups: readonly Backup[]) =>
    backups.filter((backup) => backup.device_name === deviceName).sort((a, b) => backupTime(b) - backupTime(a))[0];

  async function attempt(kind: 'scheduled' | 'manual'): Promise<RunRecord | null> {
    if (busy || disposed) return null;
    if (kind === 'scheduled' && (!isDue(state, now()) || now() < notBefore)) {
      plan();
      return null;
    }
    busy = true;
    waited = false;
    let result: RunRecord | null = null;
    let release: (() => Promise<void>) | null = null;
    try {
      release = await lock.tryAcquire(lockName);
      if (!release) {
        if (kind === 'scheduled') wait('lock');
        else waited = true; // a refused "back up now" leaves a scheduled wait as it was
        return null;
      }
      const startedAt = now();
      try {
        const running = await options.isOperationRunning();
        if (running) {
          if (running === 'creation' && kind === 'scheduled' && join === null) {
            const before = newestOf(await options.listBackups());
            join = { seenAt: startedAt, after: before ? backupTime(before) : -Infinity };
          }
          if (kind === 'scheduled') wait(running);
          else waited = true;
          return null;
        }
        const backups = await options.listBackups();
        readDevices(backups);
        const period = periodOf(schedule, now());
        const newest = newestOf(backups);
        const joined = join !== null && newest !== undefined && backupTime(newest) > join.after;
        const inPeriod = backups.some((backup) => backup.device_name === deviceName && backupTime(backup) >= period.start && backupTime(backup) < period.end);
        if (kind === 'scheduled' && (joined || inPeriod)) {
          if (joined && join && newest) {
            result = { kind: 'joined', startedAt: join.seenAt, endedAt: now(), end: 'completed', backupId: newest.id };
            record(result);
          }
          state = onPeriodDone(schedule, state, now(), deviceName);
          return result;
        }
      } catch (error) {
        // the daemon could not be asked: a failed run, retried by the backoff (505/511 stop)
        result = { kind, startedAt, endedAt: now(), end: 'failed', error: errorOf(error) };
        state = onRunFinished(schedule, state, { status: 'failed', error: errorOf(error) }, now(), deviceName);
        record(result);
        return result;
      }
      phase = 'running';
      waitingFor = undefined;
      publish();
      let outcome: RunOutcome;
      try {
        outcome = await options.startBackup();
      } catch (error) {
        outcome = { status: 'failed', error: errorOf(error) };
      }
      if (outcome.status === 'failed' && outcome.error.name === 'ConflictError') {
        // 409: an operation started since we looked (another runner without our lock, the
        // desktop app). Not a failure: wait for it, and join it if it is a creation.
        if (kind === 'scheduled') {
          const running = (await options.isOperationRunning().catch(() => null)) ?? 'creation';
          if (running === 'creation') {
            const before = newestOf(await options.listBackups().catch(() => []));
            join ??= { seenAt: startedAt, after: before ? backupTime(before) : -Infinity };
          }
          wait(running);
        } else {
          waited = true;
        }
        return null;
      }
      state = onRunFinished(schedule, state, outcome, now(), deviceName);
      result = {
        kind,
        startedAt,
        endedAt: now(),
        end: outcome.status,
        ...(outcome.status === 'completed' && outcome.backupId !== undefined && { backupId: outcome.backupId }),
        ...(outcome.status === 'failed' && { error: outcome.error }),
      };
      if (outcome.status === 'completed') {
        await options
          .listBackups()
          .then(readDevices)
          .catch(() => undefined); // health stays as last read; the run itself succeeded
      }
      record(result);
      return result;
    } finally {
      await release?.();
      if (!waited) {
        // the look reached the daemon's answer: the next due time is the state's alone
        if (!disposed) phase = 'idle';
        waitingFor = undefined;
        notBefore = 0;
        join = null;
      }
      busy = false;
      plan();
    }
  }

  plan();

  return {
    subscribe: store.subscribe,
    getSnapshot: store.getSnapshot,
    pause() {
      state = pauseSchedule(state);
      plan();
    },
    resume() {
      state = resumeSchedule(state, now());
      notBefore = 0;
      plan();
    },
    runNow: () => attempt('manual'),
    dispose() {
      disposed = true;
      phase = 'disposed';
      timer?.unsubscribe();
      staleTimer?.unsubscribe();
      store.set(snapshotOf());
    },
  };
}
