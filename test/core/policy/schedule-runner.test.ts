import { describe, expect, it } from 'vitest';
import { createScheduleRunner, type ScheduleRunner, type ScheduleRunnerOptions } from '../../../src/core/policy/schedule-runner.js';
import { createMemoryLock } from '../../../src/core/policy/runner-lock.js';
import type { ScheduleState } from '../../../src/core/policy/schedule.js';
import { createVirtualClock, type VirtualClock } from '../../../src/testing/virtual-clock.js';
import { FakeDaemon } from './fake-daemon.js';
import { at, backupMadeAt } from './support.js';

const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;
const BASE = at('2026-11-30 21:00');

const hhmm = (ms: number) => new Date(ms).toISOString().slice(5, 16).replace('T', ' ');

interface Setup {
  clock: VirtualClock;
  now: () => number;
  daemon: FakeDaemon;
  runner(name?: string, extra?: Partial<ScheduleRunnerOptions>): ScheduleRunner;
}

/** A virtual clock whose epoch is `start`, a fake daemon on it, and runners over both. */
function setup(start = BASE, creationMs = 10 * MIN): Setup {
  const clock = createVirtualClock();
  let sleptMs = 0;
  const now = () => start + clock.now() + sleptMs;
  const daemon = new FakeDaemon(clock, now, creationMs);
  const result: Setup & { sleep(ms: number): void } = {
    clock,
    now,
    daemon,
    sleep(ms) {
      sleptMs += ms;
    },
    runner: (name = 'a', extra = {}) =>
      createScheduleRunner({
        schedule: { every: '6h' },
        deviceName: 'laptop',
        listBackups: daemon.listBackups,
        isOperationRunning: daemon.isOperationRunning,
        startBackup: () => daemon.startBackup(name),
        clock: { scheduler: clock.scheduler, now },
        recheckMs: 5 * MIN,
        ...extra,
      }),
  };
  return result;
}

/** Creations per schedule period (6 h, UTC-aligned), keyed by the period's start. */
function perPeriod(daemon: FakeDaemon): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { startedAt } of daemon.creations) {
    const key = hhmm(Math.floor(startedAt / (6 * H)) * 6 * H);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

describe('the schedule runner, in virtual time', () => {
  it('runs a 6 h schedule for 30 days at exact times, one creation at a time', async () => {
    const { clock, daemon, runner } = setup();
    const completed: string[] = [];
    const schedule = runner('a', { onBackupCompleted: (run) => completed.push(hhmm(run.startedAt)) });
    await clock.advance(30 * DAY);
    schedule.dispose();

    const starts = daemon.creations.map((creation) => hhmm(creation.startedAt));
    // the timeline, a day a line, for the proof
    const days = new Map<string, string[]>();
    for (const start of starts) days.set(start.slice(0, 5), [...(days.get(start.slice(0, 5)) ?? []), start.slice(6)]);
    console.log(['30 days of every 6h (UTC, start of each creation):', ...[...days].map(([day, times]) => `${day}  ${times.join(' ')}`)].join('\n'));

    expect(starts[0]).toBe('11-30 21:00'); // due at once: the period 18:00-24:00 had no backup
    const expected = ['11-30 21:00'];
    for (let t = at('2026-12-01 00:00'); t <= BASE + 30 * DAY; t += 6 * H) expected.push(hhmm(t));
    expect(starts).toEqual(expected);
    expect(starts).toHaveLength(121);
    expect(daemon.maxConcurrent).toBe(1);
    expect(completed).toEqual(expected);
    const { health } = schedule.getSnapshot();
    expect(health.history).toHaveLength(50); // bounded
    expect(health.history[0]).toMatchObject({ kind: 'scheduled', end: 'completed' });
    expect(health.lastBackup?.deviceName).toBe('laptop');
  });

  it('runs daily at 02:30 Berlin time through the change to summer time', async () => {
    const { clock, daemon, runner } = setup(at('2026-03-27 12:00', 'Europe/Berlin'));
    const schedule = runner('a', { schedule: { dailyAt: '02:30', timeZone: 'Europe/Berlin' } });
    await clock.advance(4 * DAY);
    schedule.dispose();
    const berlin = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
    expect(daemon.creations.map((c) => berlin.format(c.startedAt))).toEqual([
      '27/03/2026, 12:00 CET', // due at once: no backup since yesterday's 02:30
      '28/03/2026, 02:30 CET',
      '29/03/2026, 03:30 CEST', // 02:30 does not exist that night: just after the gap
      '30/03/2026, 02:30 CEST',
      '31/03/2026, 02:30 CEST',
    ]);
  });

  it('a host asleep for 3 days runs once when it wakes, not once per missed slot', async () => {
    const context = setup(at('2026-12-01 00:30')) as Setup & { sleep(ms: number): void };
    const { clock, daemon, runner } = context;
    const schedule = runner();
    await clock.advance(6 * H); // 00:30 (due at once), then 06:00
    expect(daemon.creations.map((c) => hhmm(c.startedAt))).toEqual(['12-01 00:30', '12-01 06:00']);
    await clock.advance(3 * H); // 09:30, next due 12:00
    context.sleep(3 * DAY + 4 * H); // the host sleeps until 4 December 13:30: no timer fires meanwhile
    await clock.advance(5 * MIN); // awake: the next look at the clock (at most 5 min) finds the run due
    expect(daemon.creations.map((c) => hhmm(c.startedAt))).toEqual(['12-01 00:30', '12-01 06:00', '12-04 13:35']);
    await clock.advance(5 * H);
    expect(daemon.creations.map((c) => hhmm(c.startedAt))).toEqual(['12-01 00:30', '12-01 06:00', '12-04 13:35', '12-04 18:00']);
    schedule.dispose();
  });

  it('a restart with the persisted state catches a missed period up once, then keeps the schedule', async () => {
    const { clock, daemon, runner } = setup(at('2026-12-01 05:00'));
    const first = runner();
    await clock.advance(2 * H); // 05:00, 06:00
    const persisted = JSON.parse(JSON.stringify(first.getSnapshot().state)) as ScheduleState;
    first.dispose();
    expect(persisted.nextDueAt).toBe(at('2026-12-01 12:00'));
    await clock.advance(3 * DAY); // closed: nothing runs
    expect(daemon.creations).toHaveLength(2);
    const second = runner('b', { state: persisted });
    await clock.advance(6 * H);
    expect(daemon.creations.map((c) => `${hhmm(c.startedAt)} ${c.by}`)).toEqual(['12-01 05:00 a', '12-01 06:00 a', '12-04 07:00 b', '12-04 12:00 b']);
    second.dispose();
  });

  it('waits while a restore runs (never queues a second operation) and runs after it', async () => {
    const { clock, daemon, runner } = setup(at('2026-12-01 11:00'));
    daemon.backups.push(backupMadeAt(at('2026-12-01 07:00')));
    const schedule = runner();
    await clock.advance(50 * MIN); // 11:50
    expect(daemon.creations).toHaveLength(0);
    daemon.restore(40 * MIN); // until 12:30
    await clock.advance(15 * MIN); // 12:05
    expect(schedule.getSnapshot()).toMatchObject({ phase: 'waiting', waitingFor: 'restoration' });
    expect(daemon.creations).toHaveLength(0);
    await clock.advance(40 * MIN);
    expect(daemon.creations.map((c) => hhmm(c.startedAt))).toEqual(['12-01 12:30']);
    expect(schedule.getSnapshot().phase).toBe('idle');
    expect(daemon.maxConcurrent).toBe(1);
    schedule.dispose();
  });

  it('looks again every recheckMs while waiting, even when that is longer than the wake check', async () => {
    const { clock, daemon, runner } = setup(at('2026-12-01 11:50'));
    daemon.backups.push(backupMadeAt(at('2026-12-01 07:00')));
    const looks: string[] = [];
    const schedule = runner('a', {
      recheckMs: 20 * MIN,
      isOperationRunning: async () => {
        looks.push(hhmm(daemon.now()));
        return daemon.running;
      },
    });
    daemon.restore(60 * MIN); // 11:50 to 12:50
    await clock.advance(90 * MIN);
    // due at once at start; the restore ends at 12:50, just before that look
    expect(looks).toEqual(['12-01 11:50', '12-01 12:10', '12-01 12:30', '12-01 12:50']);
    expect(daemon.creations.map((c) => hhmm(c.startedAt))).toEqual(['12-01 12:50']);
    schedule.dispose();
  });

  it('joins a creation already running when it is due: the period is done, no second one', async () => {
    const { clock, daemon, runner } = setup(at('2026-12-01 17:00'));
    daemon.backups.push(backupMadeAt(at('2026-12-01 13:00')));
    const joined: string[] = [];
    const schedule = runner('a', { onBackupCompleted: (run) => joined.push(`${run.kind} ${hhmm(run.startedAt)} ${hhmm(run.endedAt)}`) });
    await clock.advance(55 * MIN); // 17:55
    void daemon.create('desktop app'); // a creation by hand, 17:55 to 18:05
    await clock.advance(30 * MIN);
    expect(daemon.creations.map((c) => `${hhmm(c.startedAt)} ${c.by}`)).toEqual(['12-01 17:55 desktop app']);
    expect(joined).toEqual(['joined 12-01 18:00 12-01 18:05']);
    expect(schedule.getSnapshot().nextDueAt).toBe(at('2026-12-02 00:00'));
    schedule.dispose();
  });

  it('two runners over one daemon make one backup per period', async () => {
    const { clock, daemon, runner } = setup();
    const lock = createMemoryLock();
    const a = runner('a', { lock });
    const b = runner('b', { lock });
    await clock.advance(5 * DAY);
    a.dispose(); // the first tab closes: the second carries on alone
    await clock.advance(5 * DAY);
    b.dispose();
    const counts = perPeriod(daemon);
    expect(counts.size).toBe(41);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    expect(daemon.maxConcurrent).toBe(1);
    const by = daemon.creations.map((creation) => creation.by);
    expect(by.slice(0, 21).every((x) => x === 'a') && by.slice(21).every((x) => x === 'b')).toBe(true);
    console.log(`two runners, 10 days of every 6h: ${counts.size} periods, ${daemon.creations.length} creations (a: ${by.filter((x) => x === 'a').length}, b: ${by.filter((x) => x === 'b').length})`);
  });

  it('two runners without a shared lock still make one per period: the daemon is asked first', async () => {
    const { clock, daemon, runner } = setup();
    const a = runner('a', { lock: createMemoryLock() });
    const b = runner('b', { lock: createMemoryLock() });
    await clock.advance(5 * DAY);
    expect([...perPeriod(daemon).values()].every((count) => count === 1)).toBe(true);
    expect(daemon.maxConcurrent).toBe(1);
    // both start at once: the loser's start is answered 409, which it joins instead of failing
    const history = [...a.getSnapshot().health.history, ...b.getSnapshot().health.history];
    expect(history.filter((run) => run.end !== 'completed')).toEqual([]);
    const scheduled = history.filter((run) => run.kind === 'scheduled').length;
    const joined = history.filter((run) => run.kind === 'joined').length;
    expect(scheduled).toBe(daemon.creations.length);
    expect(joined).toBe(scheduled); // each period: one ran it, the other joined it
    a.dispose();
    b.dispose();
  });

  it('"back up now" counts as the period\'s backup, and is refused while a creation runs', async () => {
    const { clock, daemon, runner } = setup(at('2026-12-01 13:00'));
    daemon.backups.push(backupMadeAt(at('2026-12-01 12:00')));
    const schedule = runner();
    await clock.advance(60 * MIN); // 14:00, nothing due until 18:00
    const now = schedule.runNow();
    expect(await schedule.runNow()).toBeNull(); // a run is under way: not queued
    await clock.advance(10 * MIN);
    expect(await now).toMatchObject({ kind: 'manual', end: 'completed' });
    expect(schedule.getSnapshot().nextDueAt).toBe(at('2026-12-01 18:00'));
    void daemon.create('desktop app');
    expect(await schedule.runNow()).toBeNull(); // the daemon runs one: never a second
    await clock.advance(4 * H);
    expect(daemon.creations.map((c) => `${hhmm(c.startedAt)} ${c.by}`)).toEqual(['12-01 14:00 a', '12-01 14:10 desktop app', '12-01 18:00 a']);
    schedule.dispose();
  });

  it('retries a failed run with backoff and records it; 505 stops it until resumed', async () => {
    const { clock, daemon, runner } = setup(at('2026-12-01 12:00'));
    daemon.failNext.push({ name: 'ServerError', message: 'boom' }, { name: 'NetworkError', message: 'down' });
    const failed: string[] = [];
    const schedule = runner('a', { onBackupFailed: (run) => failed.push(`${hhmm(run.startedAt)} ${run.error?.name}`) });
    await clock.advance(20 * MIN);
    expect(failed).toEqual(['12-01 12:00 ServerError', '12-01 12:01 NetworkError']);
    expect(daemon.creations.map((c) => hhmm(c.startedAt))).toEqual(['12-01 12:03']);
    expect(schedule.getSnapshot().state.failures).toBe(0);
    expect(schedule.getSnapshot().health.history.map((run) => run.end)).toEqual(['completed', 'failed', 'failed']);

    daemon.failNext.push({ name: 'UpdateRequiredError', message: 'update Pieces OS' });
    await clock.advance(6 * H);
    expect(schedule.getSnapshot()).toMatchObject({ phase: 'stopped', nextDueAt: null, state: { stoppedBy: { name: 'UpdateRequiredError' } } });
    await clock.advance(3 * DAY);
    expect(daemon.creations).toHaveLength(1);
    schedule.resume();
    await clock.advance(10 * MIN);
    expect(daemon.creations.map((c) => hhmm(c.startedAt))).toEqual(['12-01 12:03', '12-04 18:20']); // at once on resume
    expect(schedule.getSnapshot().phase).toBe('idle');
    schedule.dispose();
  });

  it('pauses and resumes; reports stale once the last backup is older than twice the period', async () => {
    const { clock, daemon, runner } = setup(at('2026-12-01 12:00'));
    const stale: number[] = [];
    const schedule = runner('a', { onStale: (health) => stale.push(health.lastBackup?.ageMs ?? -1) });
    await clock.advance(30 * MIN);
    expect(daemon.creations).toHaveLength(1);
    schedule.pause();
    expect(schedule.getSnapshot()).toMatchObject({ phase: 'paused', nextDueAt: null });
    await clock.advance(11 * H); // 23:30: the 12:00 backup is 11.5 h old
    expect(stale).toEqual([]);
    expect(schedule.getSnapshot().health.stale).toBe(false);
    await clock.advance(1 * H); // 00:30: over 12 h
    expect(stale).toHaveLength(1);
    expect(stale[0]).toBeGreaterThan(12 * H);
    expect(schedule.getSnapshot().health.stale).toBe(true);
    await clock.advance(DAY);
    expect(stale).toHaveLength(1); // once per turn to stale
    expect(daemon.creations).toHaveLength(1);
    schedule.resume();
    await clock.advance(15 * MIN);
    expect(daemon.creations).toHaveLength(2);
    expect(schedule.getSnapshot().health.stale).toBe(false);
    schedule.dispose();
  });
});
