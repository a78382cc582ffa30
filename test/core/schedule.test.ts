import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBackupClient } from '../../src/api/index.js';
import { createBackupCore, createMemoryLock, type BackupCore, type ScheduleStorage, type StoredSchedule } from '../../src/core/index.js';
import { createVirtualClock, type VirtualClock } from '../../src/testing/virtual-clock.js';
import { useEmulator } from '../helpers/emulator.js';
import { idle, started, until } from './support.js';

// The core's schedule and retention handles over the real emulator. The schedule runs on a
// virtual clock; Date.now follows it (plus the real time that passes, so transfers move), and
// the in-process emulator stamps its backups with it: 30 days take milliseconds.

const H = 3_600_000;
const START = Date.parse('2026-12-01T00:00:00Z');
const emulator = useEmulator({ each: true, deviceName: 'desk-1' });
const cores: BackupCore[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) core.dispose();
  vi.restoreAllMocks();
  await idle(emulator.current);
});

/** A virtual clock that Date.now follows: `now()` is START + virtual ms + real ms since. */
function virtualTime(): { clock: VirtualClock; now: () => number } {
  const clock = createVirtualClock();
  const realNow = Date.now.bind(Date);
  const realStart = realNow();
  const now = () => START + clock.now() + (realNow() - realStart);
  vi.spyOn(Date, 'now').mockImplementation(now);
  return { clock, now };
}

function memoryStorage(): ScheduleStorage & { saved: StoredSchedule | null } {
  return {
    saved: null,
    load() {
      return this.saved;
    },
    save(state) {
      this.saved = state;
    },
  };
}

function scheduledCore(
  time: { clock: VirtualClock; now: () => number },
  extra: Partial<Parameters<typeof createBackupCore>[1]> = {},
  lock = createMemoryLock(),
  storage: ScheduleStorage = memoryStorage(),
) {
  const core = createBackupCore(createBackupClient({ baseUrl: emulator.url }), {
    transport: 'polling',
    schedule: { every: '6h', deviceName: 'desk-1', storage, lock, clock: { scheduler: time.clock.scheduler, now: time.now }, recheckMs: 60_000 },
    ...extra,
  });
  cores.push(core);
  return core;
}

/** Advances one period (and a minute, for the real ms the clock runs ahead), then waits for the runs to end. */
async function nextPeriod(clock: VirtualClock, scheduled: BackupCore[]): Promise<void> {
  await clock.advance(6 * H + 60_000);
  for (const core of scheduled) await until(core.schedule, (view) => view.phase !== 'running', 'the run to end');
  await idle(emulator.current);
  await clock.advance(2 * 60_000); // a waiting runner's recheck
  await idle(emulator.current);
  for (const core of scheduled) await until(core.schedule, (view) => view.phase === 'idle', 'the runner to settle');
}

describe('core.schedule', () => {
  it('is an idle handle without a schedule', () => {
    const core = createBackupCore(createBackupClient({ baseUrl: emulator.url }));
    cores.push(core);
    expect(core.schedule.getSnapshot()).toMatchObject({ configured: false, phase: 'idle', nextDueAt: null, lastBackup: null });
    expect(core.retention.getSnapshot()).toMatchObject({ policy: null, plan: null, pruning: false });
  });

  it('makes one backup per period on a virtual clock, through core.backup, and persists the next due time', async () => {
    const time = virtualTime();
    const storage = memoryStorage();
    const core = scheduledCore(time, {}, createMemoryLock(), storage);
    const states: string[] = [];
    core.backup.subscribe(() => states.push(core.backup.getSnapshot().value));
    core.schedule.subscribe(() => undefined);
    await time.clock.advance(0); // the first look is due at once
    await until(core.schedule, (view) => view.history.length === 1 && view.phase === 'idle', 'the first run');
    for (let period = 1; period < 8; period += 1) await nextPeriod(time.clock, [core]);

    const view = core.schedule.getSnapshot();
    expect(view.history.map((run) => `${run.kind} ${run.end}`)).toEqual(Array(8).fill('scheduled completed'));
    // one creation a period: at 00:00, 06:00, ..., 18:00 of the next day (UTC)
    const runs = [...view.history].reverse().map((run) => Math.floor((run.startedAt - START) / (6 * H)));
    expect(runs).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(started(emulator.current, 'creation')).toHaveLength(8);
    expect(states).toContain('running'); // the UI's lifecycle showed it
    expect(view.lastBackup).toMatchObject({ deviceName: 'desk-1', backupId: view.history[0]?.backupId });
    expect(view.nextDueAt).toBe(START + 8 * 6 * H);
    expect(view.stale).toBe(false);

    // a reload: a new core on the same storage knows the deadline, and runs nothing before it
    expect(storage.saved).toMatchObject({ nextDueAt: START + 8 * 6 * H, lastOutcome: 'completed', failures: 0 });
    core.dispose();
    const reloaded = scheduledCore(time, {}, createMemoryLock(), storage);
    reloaded.schedule.subscribe(() => undefined);
    await time.clock.advance(60_000);
    expect(reloaded.schedule.getSnapshot().nextDueAt).toBe(START + 8 * 6 * H);
    expect(started(emulator.current, 'creation')).toHaveLength(8);
  });

  it('learns the device from its first backup when not given, and persists it', async () => {
    const time = virtualTime();
    const storage = memoryStorage();
    const core = createBackupCore(createBackupClient({ baseUrl: emulator.url }), {
      transport: 'polling',
      schedule: { every: '6h', storage, lock: createMemoryLock(), clock: { scheduler: time.clock.scheduler, now: time.now } },
    });
    cores.push(core);
    emulator.current.admin.seedBackup({ timestamp: new Date(START + 60_000).toISOString(), deviceName: 'laptop' }); // another device's
    core.schedule.subscribe(() => undefined);
    expect(core.schedule.getSnapshot().deviceName).toBeNull();
    await time.clock.advance(0);
    const view = await until(core.schedule, (v) => v.history.length === 1 && v.phase === 'idle', 'the first run');
    expect(view.deviceName).toBe('desk-1');
    expect(view.lastBackup).toMatchObject({ deviceName: 'desk-1', backupId: view.history[0]?.backupId });
    expect(storage.saved?.deviceName).toBe('desk-1');
  });

  it('two cores over one emulator with one lock make one backup per period', async () => {
    const time = virtualTime();
    const lock = createMemoryLock();
    const [a, b] = [scheduledCore(time, {}, lock), scheduledCore(time, {}, lock)] as [BackupCore, BackupCore];
    a.schedule.subscribe(() => undefined);
    b.schedule.subscribe(() => undefined);
    await time.clock.advance(0);
    await until(a.schedule, (view) => view.phase === 'idle' && view.nextDueAt !== null && view.nextDueAt > time.now(), 'a to settle');
    await nextPeriod(time.clock, [a, b]);
    for (let period = 1; period < 4; period += 1) await nextPeriod(time.clock, [a, b]);

    const creations = emulator.current.admin.journal().filter((record) => record.kind === 'creation');
    const periods = creations.map((record) => Math.floor((Number(record.backup.timestamp) - START) / (6 * H)));
    expect(periods).toEqual([0, 1, 2, 3, 4]);
    const runs = [...a.schedule.getSnapshot().history, ...b.schedule.getSnapshot().history].filter((run) => run.end === 'completed');
    expect(runs).toHaveLength(5);
    expect(a.schedule.getSnapshot().nextDueAt).toBe(b.schedule.getSnapshot().nextDueAt);
  });

  it('pause and resume: paused, nothing runs; resumed, the missed period runs once', async () => {
    const time = virtualTime();
    const core = scheduledCore(time);
    core.schedule.subscribe(() => undefined);
    await time.clock.advance(0); // the first look is due at once
    await until(core.schedule, (view) => view.history.length === 1 && view.phase === 'idle', 'the first run');
    core.schedule.pause();
    expect(core.schedule.getSnapshot()).toMatchObject({ phase: 'paused', nextDueAt: null });
    await time.clock.advance(3 * 6 * H);
    expect(started(emulator.current, 'creation')).toHaveLength(1);
    core.schedule.resume();
    await time.clock.advance(0);
    await until(core.schedule, (view) => view.history.length === 2 && view.phase === 'idle', 'the missed run');
    await time.clock.advance(60_000);
    expect(started(emulator.current, 'creation')).toHaveLength(2);
  });
});

describe('core.schedule and its lock', () => {
  it('a core disposed during a scheduled run gives the lock back (the backup runs on in Pieces OS)', async () => {
    emulator.current.admin.setState({ rateBytesPerSecond: 100_000 });
    const lock = createMemoryLock();
    const core = createBackupCore(createBackupClient({ baseUrl: emulator.url }), {
      transport: 'polling',
      schedule: { every: '6h', deviceName: 'desk-1', storage: memoryStorage(), lock },
    });
    cores.push(core);
    core.schedule.subscribe(() => undefined);
    await until(core.schedule, (view) => view.phase === 'running', 'the run');
    await until(core.backup, (s) => s.value === 'running', 'the backup');
    expect(await lock.tryAcquire('pieces-backup.schedule.desk-1')).toBeNull();
    core.dispose();
    await until(
      { subscribe: (listener) => { const timer = setInterval(listener, 10); return () => clearInterval(timer); }, getSnapshot: () => emulator.current.admin.operations().creations.length },
      (count) => count === 1,
      'the creation on the daemon',
    );
    await vi.waitFor(async () => expect(await lock.tryAcquire('pieces-backup.schedule.desk-1')).not.toBeNull(), { timeout: 2_000, interval: 20 });
    emulator.current.admin.failOperation('creation', 'test teardown');
  });
});

describe('core.retention', () => {
  const seed = (timestamp: string, deviceName = 'desk-1') => emulator.current.admin.seedBackup({ timestamp, deviceName, bytes: 1000 });

  it('previews the plan from core.backups and prunes what it says, keeping what it protects', async () => {
    const ids = ['2026-11-28T10:00:00Z', '2026-11-29T10:00:00Z', '2026-11-30T09:00:00Z', '2026-11-30T10:00:00Z', '2026-12-01T10:00:00Z'].map((at) => seed(at).id);
    const other = seed('2026-11-01T10:00:00Z', 'laptop').id;
    const core = createBackupCore(createBackupClient({ baseUrl: emulator.url }), { retention: { keepLast: 2 } });
    cores.push(core);
    core.retention.subscribe(() => undefined);
    const { plan } = await until(core.retention, (view) => view.plan !== null && view.plan.entries.length === 6, 'the preview');
    expect(plan!.keep.map((entry) => [entry.id, entry.reasons])).toEqual([
      [ids[4], ['last 2', 'newest']],
      [ids[3], ['last 2']],
      [other, ['last 2', 'newest']],
    ]);
    expect(plan!.remove.map((entry) => entry.id)).toEqual([ids[2], ids[1], ids[0]]);

    const results: string[] = [];
    const report = await core.retention.prune({ onResult: (result) => results.push(`${result.id} ${result.outcome}`) });
    expect(results).toEqual([`${ids[0]} deleted`, `${ids[1]} deleted`, `${ids[2]} deleted`]);
    expect(report).toMatchObject({ deleted: 3, skipped: 0, failed: 0 });
    const left = (await createBackupClient({ baseUrl: emulator.url }).list()).iterable.map((backup) => backup.id).sort();
    expect(left).toEqual([ids[3], ids[4], other].sort());
    const view = await until(core.retention, (v) => v.plan?.entries.length === 3, 'the preview after the prune');
    expect(view.plan!.remove).toEqual([]);
    expect(view.lastReport).toBe(report);
  });

  it('protects the backup being restored, and refuses a policy that keeps nothing', async () => {
    const ids = ['2026-11-28T10:00:00Z', '2026-11-29T10:00:00Z', '2026-11-30T10:00:00Z'].map((at) => seed(at).id);
    const core = createBackupCore(createBackupClient({ baseUrl: emulator.url }), { transport: 'polling', retention: { keepLast: 1 } });
    cores.push(core);
    core.retention.subscribe(() => undefined);
    await until(core.retention, (view) => view.plan?.entries.length === 3, 'the preview');
    expect(() => core.retention.setPolicy({ keepLast: 0 })).toThrow(/keep nothing/);
    expect(() => core.retention.setPolicy({ keepDaily: -1 })).toThrow(expect.objectContaining({ name: 'PolicyInputError', field: 'keepDaily' }));
    expect(core.retention.getSnapshot().policy).toEqual({ keepLast: 1 });

    core.restore.restore(ids[0]!); // waits in confirming: the preview protects it already
    const { plan } = await until(core.retention, (view) => view.plan?.keep.some((entry) => entry.id === ids[0]) === true, 'the restoring backup kept');
    expect(plan!.keep.find((entry) => entry.id === ids[0])!.reasons).toEqual(['restoring']);
    const report = await core.retention.prune();
    expect(report.results).toEqual([{ id: ids[1], outcome: 'deleted' }]);
    core.restore.dismiss();
  });

  it('prunes after each scheduled backup when a policy is set', async () => {
    const time = virtualTime();
    seed('2026-11-20T10:00:00Z');
    seed('2026-11-21T10:00:00Z');
    const core = scheduledCore(time, { retention: { keepLast: 1 } });
    core.schedule.subscribe(() => undefined);
    await time.clock.advance(0); // the first look is due at once
    await until(core.schedule, (view) => view.history.length === 1 && view.phase === 'idle', 'the first run');
    await until(core.retention, (view) => view.lastReport !== null, 'the prune');
    const left = (await createBackupClient({ baseUrl: emulator.url }).list()).iterable;
    expect(left.map((backup) => backup.id)).toEqual([core.schedule.getSnapshot().history[0]?.backupId]);
  });
});

describe('core.schedule input', () => {
  it('a schedule that does not parse, or gives both every and dailyAt, throws PolicyInputError from createBackupCore', () => {
    const client = createBackupClient({ baseUrl: 'http://127.0.0.1:1' });
    expect(() => createBackupCore(client, { schedule: { every: 'six hours' } })).toThrow(expect.objectContaining({ name: 'PolicyInputError', field: 'every' }));
    expect(() => createBackupCore(client, { schedule: { every: '6h', dailyAt: '02:30' } })).toThrow(/not both/);
    expect(() => createBackupCore(client, { schedule: {} })).toThrow(/give every/);
    expect(() => createBackupCore(client, { schedule: { every: '6h', staleAfter: 'soon' } })).toThrow(expect.objectContaining({ field: 'staleAfter' }));
    expect(() => createBackupCore(client, { retention: { keepLast: 0 } })).toThrow(/keep nothing/);
  });
});
