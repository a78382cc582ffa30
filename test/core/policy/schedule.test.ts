import { describe, expect, it } from 'vitest';
import { isPolicyInputError } from '../../../src/core/policy/policy-input-error.js';
import {
  INITIAL_SCHEDULE_STATE,
  isDue,
  nextDue,
  nextPeriodDue,
  onPeriodDone,
  onRunFinished,
  pauseSchedule,
  periodOf,
  resolveSchedule,
  resumeSchedule,
  type SchedulePolicy,
} from '../../../src/core/policy/schedule.js';
import { at } from './support.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const H = 3_600_000;

describe('resolveSchedule', () => {
  it('reads every and dailyAt, with jitter and backoff', () => {
    expect(resolveSchedule({ every: '6h', jitter: '10m' })).toEqual({
      kind: 'every',
      periodMs: 6 * H,
      label: 'every 6h',
      jitterMs: 600_000,
      backoff: { initialMs: 60_000, maxMs: H },
    });
    expect(resolveSchedule({ dailyAt: '02:30', timeZone: 'Europe/Berlin', backoff: { initial: '5m', max: '2h' } })).toMatchObject({
      kind: 'daily',
      dailyAt: { hour: 2, minute: 30 },
      label: 'daily at 02:30',
      timeZone: 'Europe/Berlin',
      backoff: { initialMs: 300_000, maxMs: 2 * H },
    });
  });

  it.each<[string, SchedulePolicy, RegExp]>([
    ['a duration that does not parse', { every: 'six hours' }, /^every: "six hours" is not a duration/],
    ['a period under a minute', { every: '0m' }, /^every: "0m" is shorter than the shortest period, 1m/],
    ['months', { every: '1mo' }, /^every: 1mo has no fixed length/],
    ['a time that does not parse', { dailyAt: '25:00' }, /^dailyAt: "25:00" is not a time of day/],
    ['jitter as long as the period', { every: '1h', jitter: '60m' }, /^jitter: 60m is not shorter than the period \(every 1h\)/],
    ['neither', {} as SchedulePolicy, /^schedule: give every \(e\.g\. 6h\) or dailyAt/],
    ['both', { every: '1h', dailyAt: '02:00' } as unknown as SchedulePolicy, /^schedule: give every or dailyAt, not both/],
    ['an unknown zone', { dailyAt: '02:00', timeZone: 'Nowhere/Here' }, /^timeZone: "Nowhere\/Here" is not a time zone/],
  ])('refuses %s', (_name, policy, message) => {
    let caught: unknown;
    try {
      resolveSchedule(policy);
    } catch (error) {
      caught = error;
    }
    expect(isPolicyInputError(caught)).toBe(true);
    expect((caught as Error).message).toMatch(message);
  });
});

describe('periodOf', () => {
  it('aligns every-6h periods to 00, 06, 12, 18 UTC', () => {
    const schedule = resolveSchedule({ every: '6h' });
    const period = periodOf(schedule, at('2026-12-01 13:45'));
    expect([iso(period.start), iso(period.end)]).toEqual(['2026-12-01T12:00:00.000Z', '2026-12-01T18:00:00.000Z']);
  });

  it('runs a daily period from one local HH:MM to the next, across a DST change (a 23 h day)', () => {
    const schedule = resolveSchedule({ dailyAt: '02:30', timeZone: 'Europe/Berlin' });
    const before = periodOf(schedule, at('2026-03-28 01:00', 'Europe/Berlin'));
    expect([iso(before.start), iso(before.end)]).toEqual(['2026-03-27T01:30:00.000Z', '2026-03-28T01:30:00.000Z']);
    // 02:30 does not exist on 29 March: the period starts just after the gap, at 03:30 CEST
    const across = periodOf(schedule, at('2026-03-28 12:00', 'Europe/Berlin'));
    expect([iso(across.start), iso(across.end)]).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-29T01:30:00.000Z']);
    const after = periodOf(schedule, at('2026-03-29 12:00', 'Europe/Berlin'));
    expect([iso(after.start), iso(after.end)]).toEqual(['2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z']);
  });

  it('puts jitter at a fixed point of each period, different per seed, below the jitter', () => {
    const schedule = resolveSchedule({ every: '6h', jitter: '30m' });
    const t = at('2026-12-01 13:00');
    const a = nextPeriodDue(schedule, t, 'laptop');
    expect(nextPeriodDue(schedule, t, 'laptop')).toBe(a);
    expect(a - at('2026-12-01 18:00')).toBeGreaterThanOrEqual(0);
    expect(a - at('2026-12-01 18:00')).toBeLessThan(30 * 60_000);
    expect(nextPeriodDue(schedule, t, 'desktop')).not.toBe(a);
  });
});

describe('the schedule state', () => {
  const schedule = resolveSchedule({ every: '6h' });

  it('is due at once before the first run, and JSON round-trips', () => {
    const now = at('2026-12-01 13:00');
    expect(nextDue(INITIAL_SCHEDULE_STATE, now)).toBe(now);
    expect(isDue(INITIAL_SCHEDULE_STATE, now)).toBe(true);
    const state = onRunFinished(schedule, INITIAL_SCHEDULE_STATE, { status: 'completed' }, now);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it('after a completed run (a "back up now" too) the next run is the next period', () => {
    const state = onRunFinished(schedule, INITIAL_SCHEDULE_STATE, { status: 'completed' }, at('2026-12-01 14:10'));
    expect(iso(state.nextDueAt)).toBe('2026-12-01T18:00:00.000Z');
    expect(isDue(state, at('2026-12-01 17:59'))).toBe(false);
    expect(isDue(state, at('2026-12-01 18:00'))).toBe(true);
    // the host slept for three days: due, once
    expect(isDue(state, at('2026-12-04 09:00'))).toBe(true);
    const caughtUp = onRunFinished(schedule, state, { status: 'completed' }, at('2026-12-04 09:05'));
    expect(iso(caughtUp.nextDueAt)).toBe('2026-12-04T12:00:00.000Z');
  });

  it('retries a failed run with a doubling backoff, never later than the next period', () => {
    const error = { name: 'ServerError', message: 'boom' };
    let state = INITIAL_SCHEDULE_STATE;
    const retries: Array<string | null> = [];
    let t = at('2026-12-01 12:00');
    for (let i = 0; i < 9; i += 1) {
      state = onRunFinished(schedule, state, { status: 'failed', error }, t);
      retries.push(iso(state.nextDueAt));
      t = state.nextDueAt ?? t;
    }
    expect(retries).toEqual([
      '2026-12-01T12:01:00.000Z',
      '2026-12-01T12:03:00.000Z',
      '2026-12-01T12:07:00.000Z',
      '2026-12-01T12:15:00.000Z',
      '2026-12-01T12:31:00.000Z',
      '2026-12-01T13:03:00.000Z',
      '2026-12-01T14:03:00.000Z', // capped at 1 h
      '2026-12-01T15:03:00.000Z',
      '2026-12-01T16:03:00.000Z',
    ]);
    expect(state.failures).toBe(9);
    state = onRunFinished(schedule, state, { status: 'failed', error }, at('2026-12-01 17:30'));
    expect(iso(state.nextDueAt)).toBe('2026-12-01T18:00:00.000Z');
    state = onRunFinished(schedule, state, { status: 'completed' }, at('2026-12-01 18:05'));
    expect(state.failures).toBe(0);
  });

  it.each(['UpdateRequiredError', 'AuthenticationRequiredError'])('stops on %s until resumed', (name) => {
    const stopped = onRunFinished(schedule, INITIAL_SCHEDULE_STATE, { status: 'failed', error: { name, message: 'user action' } }, at('2026-12-01 12:00'));
    expect(stopped.stoppedBy).toEqual({ name, message: 'user action' });
    expect(nextDue(stopped, at('2026-12-09 00:00'))).toBeNull();
    expect(isDue(stopped, at('2026-12-09 00:00'))).toBe(false);
    const resumed = resumeSchedule(stopped, at('2026-12-02 08:00'));
    expect(resumed.stoppedBy).toBeUndefined();
    expect(iso(nextDue(resumed, at('2026-12-02 08:00')))).toBe('2026-12-02T08:00:00.000Z');
  });

  it('pauses and resumes; a deadline missed while paused is due once at resume', () => {
    const state = onRunFinished(schedule, INITIAL_SCHEDULE_STATE, { status: 'completed' }, at('2026-12-01 12:00'));
    const paused = pauseSchedule(state);
    expect(nextDue(paused, at('2026-12-03 00:00'))).toBeNull();
    const resumed = resumeSchedule(paused, at('2026-12-03 00:00'));
    expect(iso(resumed.nextDueAt)).toBe('2026-12-01T18:00:00.000Z');
    expect(isDue(resumed, at('2026-12-03 00:00'))).toBe(true);
  });

  it('a period found done on the daemon moves the deadline to the next period, with no run', () => {
    const state = onPeriodDone(schedule, INITIAL_SCHEDULE_STATE, at('2026-12-01 07:00'));
    expect(iso(state.nextDueAt)).toBe('2026-12-01T12:00:00.000Z');
    expect(state.lastRunAt).toBeNull();
  });

  it('a canceled run waits for the next period, like a completed one', () => {
    const state = onRunFinished(schedule, INITIAL_SCHEDULE_STATE, { status: 'canceled' }, at('2026-12-01 07:00'));
    expect(iso(state.nextDueAt)).toBe('2026-12-01T12:00:00.000Z');
    expect(state.lastOutcome).toBe('canceled');
  });
});
