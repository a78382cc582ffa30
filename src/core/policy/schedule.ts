import { durationToMs, formatDuration, formatTimeOfDay, parseDuration, parseTimeOfDay, type TimeOfDay } from './duration.js';
import { PolicyInputError } from './policy-input-error.js';
import { instantOf, isValidTimeZone, zonedTime } from './zoned-time.js';

/**
 * When backups run, as plain data: `every` a fixed interval (`6h`, `1d`, `30m`), or `dailyAt`
 * a local time (`02:30`). Periods of `every` are aligned to the Unix epoch (6 h periods start
 * at 00:00, 06:00, 12:00 and 18:00 UTC), so every runner of a device agrees on them.
 */
export type SchedulePolicy = ({ every: string; dailyAt?: never } | { dailyAt: string; every?: never }) & {
  /** A random delay after each period's start, up to this duration (e.g. `10m`), spreading the load. */
  jitter?: string;
  /** Retries of a failed run: the wait doubles from `initial` (default `1m`) up to `max` (default `1h`). */
  backoff?: { initial?: string; max?: string };
  /** IANA zone of `dailyAt`. Default the host's zone. */
  timeZone?: string;
};

/** The policy checked once: what the schedule functions run on. */
export interface ResolvedSchedule {
  kind: 'every' | 'daily';
  /** `every`: the period, ms. `daily`: 24 h (a day of the wall clock may be 23 h or 25 h). */
  periodMs: number;
  dailyAt?: TimeOfDay;
  timeZone?: string;
  jitterMs: number;
  backoff: { initialMs: number; maxMs: number };
  /** The policy's own text, e.g. `every 6h`, `daily at 02:30`. */
  label: string;
}

/** How a run ended, as the runner reports it. */
export type RunOutcome =
  | { status: 'completed'; backupId?: string }
  | { status: 'failed'; error: { name: string; message: string } }
  | { status: 'canceled' };

/** Errors that no retry fixes: the schedule stops until the user acts and resumes it. */
export type StopErrorName = 'UpdateRequiredError' | 'AuthenticationRequiredError';

/**
 * The schedule's state: plain JSON, persisted with the rest of the app's state so a reload
 * or a restart keeps the deadline (timers do not survive; a deadline as data does).
 */
export interface ScheduleState {
  /** Epoch ms of the next run; `null` until first computed (due at once) or while stopped. */
  nextDueAt: number | null;
  /** Epoch ms the last run ended. */
  lastRunAt: number | null;
  lastOutcome: RunOutcome['status'] | null;
  /** Failed runs in a row; 0 after a completed one. */
  failures: number;
  paused: boolean;
  /** Set by a 505 or 511: no run until `resumeSchedule`. */
  stoppedBy?: { name: StopErrorName; message: string };
}

export const INITIAL_SCHEDULE_STATE: ScheduleState = {
  nextDueAt: null,
  lastRunAt: null,
  lastOutcome: null,
  failures: 0,
  paused: false,
};

const DAY_MS = 86_400_000;
const MIN_PERIOD_MS = 60_000;

function fail(field: string, input: unknown, message: string): never {
  throw new PolicyInputError({ field, input, message: `${field}: ${message}` });
}

function msOf(text: string | undefined, field: string, fallback: number): number {
  return text === undefined ? fallback : durationToMs(parseDuration(text, field), field);
}

/**
 * Checks a schedule and turns its text into numbers, once. Throws `PolicyInputError` for a
 * duration or time that does not parse, `every` under 1 minute or in months or years, and a
 * jitter not shorter than the period.
 *
 * @example
 * ```ts
 * const schedule = resolveSchedule({ every: '6h', jitter: '10m' });
 * ```
 */
export function resolveSchedule(policy: SchedulePolicy): ResolvedSchedule {
  const { timeZone } = policy;
  if (timeZone !== undefined && !isValidTimeZone(timeZone)) fail('timeZone', timeZone, `${JSON.stringify(timeZone)} is not a time zone Intl knows`);
  const backoff = {
    initialMs: msOf(policy.backoff?.initial, 'backoff.initial', 60_000),
    maxMs: msOf(policy.backoff?.max, 'backoff.max', 3_600_000),
  };
  const jitterMs = msOf(policy.jitter, 'jitter', 0);
  let base: Pick<ResolvedSchedule, 'kind' | 'periodMs' | 'dailyAt' | 'label'>;
  if (policy.every !== undefined && policy.dailyAt !== undefined) fail('schedule', policy, 'give every or dailyAt, not both');
  if (policy.every !== undefined) {
    const periodMs = msOf(policy.every, 'every', 0);
    if (periodMs < MIN_PERIOD_MS) fail('every', policy.every, `${JSON.stringify(policy.every)} is shorter than the shortest period, 1m`);
    base = { kind: 'every', periodMs, label: `every ${formatDuration(parseDuration(policy.every))}` };
  } else if (policy.dailyAt !== undefined) {
    const dailyAt = parseTimeOfDay(policy.dailyAt, 'dailyAt');
    base = { kind: 'daily', periodMs: DAY_MS, dailyAt, label: `daily at ${formatTimeOfDay(dailyAt)}` };
  } else {
    return fail('schedule', policy, 'give every (e.g. 6h) or dailyAt (e.g. 02:30)');
  }
  if (jitterMs >= base.periodMs) fail('jitter', policy.jitter, `${policy.jitter} is not shorter than the period (${base.label})`);
  return { ...base, jitterMs, backoff, ...(timeZone !== undefined && { timeZone }) };
}

/**
 * The period `time` falls in: `[start, end)` in epoch ms. For `every` a multiple of the period
 * since the Unix epoch; for `dailyAt` from one day's `HH:MM` (local) to the next day's. A
 * completed backup of this device made within the current period means the period is done.
 */
export function periodOf(schedule: ResolvedSchedule, time: number): { start: number; end: number } {
  if (schedule.kind === 'every') {
    const start = Math.floor(time / schedule.periodMs) * schedule.periodMs;
    return { start, end: start + schedule.periodMs };
  }
  const at = schedule.dailyAt ?? { hour: 0, minute: 0 };
  const wall = zonedTime(time, schedule.timeZone);
  const onDay = (offset: number) =>
    instantOf({ year: wall.year, month: wall.month, day: wall.day + offset, hour: at.hour, minute: at.minute, second: 0, millisecond: 0 }, schedule.timeZone);
  const today = onDay(0);
  return time >= today ? { start: today, end: onDay(1) } : { start: onDay(-1), end: today };
}

// A fixed fraction per period (FNV-1a of the start): every runner of one schedule picks the
// same moment, and two devices with different seeds do not.
function jitterOf(schedule: ResolvedSchedule, periodStart: number, seed: string): number {
  if (schedule.jitterMs === 0) return 0;
  let hash = 0x811c9dc5;
  for (const char of `${seed}:${periodStart}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return Math.floor((hash / 2 ** 32) * schedule.jitterMs);
}

/** When the period after the one containing `time` is due: its start plus its jitter. */
export function nextPeriodDue(schedule: ResolvedSchedule, time: number, seed = ''): number {
  const { end } = periodOf(schedule, time);
  return end + jitterOf(schedule, end, seed);
}

/**
 * When the next run is due, or `null` while paused or stopped. A state that never ran is
 * due at once (the runner then checks the daemon for a backup of the current period).
 */
export function nextDue(state: ScheduleState, now: number): number | null {
  if (state.paused || state.stoppedBy) return null;
  return state.nextDueAt ?? now;
}

/** True when a run should start now. A deadline long past (the host slept) is due once. */
export function isDue(state: ScheduleState, now: number): boolean {
  const due = nextDue(state, now);
  return due !== null && now >= due;
}

/**
 * The state after a run ended at `now`. A completed run (a "back up now" too) is the current
 * period's backup: the next run is the next period's. A failed one is retried after the
 * backoff (never later than the next period's run); 505 and 511 stop the schedule. A canceled
 * run is the user's choice: the next period runs as usual.
 */
export function onRunFinished(schedule: ResolvedSchedule, state: ScheduleState, outcome: RunOutcome, now: number, seed = ''): ScheduleState {
  const next = nextPeriodDue(schedule, now, seed);
  const base = { ...state, lastRunAt: now, lastOutcome: outcome.status };
  if (outcome.status !== 'failed') {
    const { stoppedBy: _cleared, ...rest } = base;
    return { ...rest, failures: 0, nextDueAt: next };
  }
  const { name, message } = outcome.error;
  if (name === 'UpdateRequiredError' || name === 'AuthenticationRequiredError') {
    return { ...base, failures: state.failures + 1, nextDueAt: null, stoppedBy: { name, message } };
  }
  const failures = state.failures + 1;
  const wait = Math.min(schedule.backoff.maxMs, schedule.backoff.initialMs * 2 ** (failures - 1));
  return { ...base, failures, nextDueAt: Math.min(now + wait, next) };
}

/**
 * The state once the daemon shows a completed backup of this device in the current period
 * (made by another runner, by hand, or by a creation this runner joined): nothing to do until
 * the next period.
 */
export function onPeriodDone(schedule: ResolvedSchedule, state: ScheduleState, now: number, seed = ''): ScheduleState {
  return { ...state, nextDueAt: nextPeriodDue(schedule, now, seed) };
}

export function pauseSchedule(state: ScheduleState): ScheduleState {
  return state.paused ? state : { ...state, paused: true };
}

/**
 * Resumes a paused or stopped schedule. A deadline missed meanwhile is due at once; after a
 * stop, the run is due at once (the user says the cause is fixed).
 */
export function resumeSchedule(state: ScheduleState, now: number): ScheduleState {
  const { stoppedBy, ...rest } = state;
  const nextDueAt = stoppedBy || state.nextDueAt === null ? now : state.nextDueAt;
  return { ...rest, paused: false, nextDueAt, failures: stoppedBy ? 0 : state.failures };
}
