// @vitest-environment happy-dom
import { createEnvironmentInjector, Injector, runInInjectionContext, type EnvironmentInjector, type Provider, type Signal } from '@angular/core';
import { afterEach, describe, expect, it } from 'vitest';
import * as adapter from '../../../src/adapters/angular/index.js';
import { injectBackupCore, injectBackups, injectLifecycle, injectRetention, injectSchedule, injectSelector, provideBackupCore } from '../../../src/adapters/angular/index.js';
import { shallowEqual, type BackupCore, type Store } from '../../../src/core/index.js';
import { createBackup, useEmulator } from '../../helpers/emulator.js';
import { countingCore, idle, policyCore, recordingClient, operationPosts, started, until } from '../../core/support.js';

// The Angular adapter in happy-dom against a real emulator on loopback, without TestBed: an
// environment injector per test, the inject* functions run in it with runInInjectionContext.
// Effects need a change-detection scheduler an injector alone does not have, so a signal's
// changes are counted by reading it at each notification of the store it follows.

const emulator = useEmulator({ each: true, rateBytesPerSecond: 400_000, tickMs: 10 });
const cores: BackupCore[] = [];
const injectors: EnvironmentInjector[] = [];
afterEach(async () => {
  for (const injector of injectors.splice(0)) if (!injector.destroyed) injector.destroy();
  for (const core of cores.splice(0)) core.dispose();
  await idle(emulator.current);
});

/** A core counting requests and restore frames (test/core/support.ts), disposed after the test. */
function setup() {
  const fixture = countingCore(emulator.url);
  cores.push(fixture.core);
  return fixture;
}

function environment(providers: Provider[] = []) {
  const injector = createEnvironmentInjector(providers, Injector.NULL as EnvironmentInjector, 'test');
  injectors.push(injector);
  return injector;
}

/** The values `signal` took, read after each notification of `store` (subscribed after the signal's own). */
function changesOf<T, U>(store: Store<T>, signal: Signal<U>) {
  const values: U[] = [signal()];
  let notifications = 0;
  const stop = store.subscribe(() => {
    notifications++;
    const value = signal();
    if (!Object.is(value, values.at(-1))) values.push(value);
  });
  return { values, notifications: () => notifications, stop };
}

describe('pieces-backup/angular', () => {
  it('exports exactly the names users call', () => {
    expect(Object.keys(adapter).sort()).toEqual(['injectBackupCore', 'injectBackups', 'injectLifecycle', 'injectOperations', 'injectRetention', 'injectSchedule', 'injectSelector', 'provideBackupCore']);
  });

  it('a start starts exactly one operation on the daemon, and the signal follows it', async () => {
    const { core, requests } = setup();
    const injector = environment(provideBackupCore(core));
    const { value, backup } = runInInjectionContext(injector, () => ({ value: injectLifecycle('creation', (s) => s.value), backup: injectBackupCore().backup }));
    expect(value()).toBe('idle');
    backup.start();
    backup.start(); // a second start while it runs is ignored by the machine
    await until(core.backup, (s) => s.value === 'done', 'the backup');
    expect(value()).toBe('done');
    expect(started(emulator.current, 'creation')).toHaveLength(1);
    expect(operationPosts(requests)).toHaveLength(0); // the WebSocket transport starts it
  });

  it('a restore streaming many frames changes a percentage signal only when the whole percentage changes', async () => {
    const id = await createBackup(emulator.url);
    const { core, frames } = setup();
    const injector = environment(provideBackupCore(core));
    const percentage = runInInjectionContext(injector, () => injectLifecycle('restoration', (s) => Math.floor(s.context.percentage)));
    const seen = changesOf(core.restore, percentage);
    emulator.current.admin.setState({ rateBytesPerSecond: 200_000 });
    core.restore.restore(id, { confirm: true });
    await until(core.restore, (s) => s.value === 'done', 'the restore');
    seen.stop();
    const changes = seen.values.length - 1;
    console.info(`angular restore: ${frames.count} frames, ${seen.notifications()} snapshots, ${changes} signal changes`);
    expect(seen.values).toEqual([...new Set(seen.values)]); // each change a new whole percentage
    expect(seen.values.at(-1)).toBe(100);
    expect(frames.count).toBeGreaterThan(changes);
    expect(changes).toBeLessThan(seen.notifications());
  });

  it('a selector building an object with shallowEqual changes only when a field changed', async () => {
    const { core } = setup();
    const injector = environment();
    const view = runInInjectionContext(injector, () =>
      injectSelector(core.backup, (s) => ({ value: s.value, quarter: Math.floor(s.context.percentage / 25) }), shallowEqual),
    );
    const seen = changesOf(core.backup, view);
    core.backup.start();
    await until(core.backup, (s) => s.value === 'done', 'the backup');
    seen.stop();
    const views = seen.values.map((v) => `${v.value} ${v.quarter}`);
    console.info(`angular shallowEqual selection: ${seen.notifications()} snapshots, ${views.length - 1} signal changes`);
    expect(views.length - 1).toBeLessThan(seen.notifications());
    expect(views).toEqual([...new Set(views)]);
    expect(views.at(-1)).toBe('done 4');
    expect(views.length).toBeLessThanOrEqual(9);
  });

  it('destroying the injector releases the signal: it stops following, the operation runs on', async () => {
    const { core, requests } = setup();
    const injector = environment();
    const value = runInInjectionContext(injector, () => injectSelector(core.backup, (s) => s.value));
    core.backup.start();
    await until(core.backup, (s) => s.value === 'running', 'the backup to run');
    expect(value()).toBe('running');
    injector.destroy();
    let notified = 0;
    const stop = core.backup.subscribe(() => notified++);
    await until(core.backup, (s) => s.value === 'done', 'the backup');
    stop();
    expect(notified).toBeGreaterThan(0);
    expect(value()).toBe('running'); // released: no longer follows
    expect(started(emulator.current, 'creation').map((r) => r.status)).toEqual(['COMPLETED']);
    expect(requests.filter((r) => r.endsWith('/cancel'))).toEqual([]);
  });

  it('destroying an injector that owns its core mid-backup stops local work, not the daemon operation', async () => {
    const { client, requests } = recordingClient(emulator.url);
    const injector = environment(provideBackupCore(client, { transport: 'ndjson' }));
    const { core, value } = runInInjectionContext(injector, () => ({ core: injectBackupCore(), value: injectLifecycle('creation', (s) => s.value) }));
    core.backup.start();
    await until(core.backup, (s) => s.value === 'running', 'the backup to run');
    expect(value()).toBe('running');
    injector.destroy();
    expect(core.backup.getSnapshot().status).toBe('stopped'); // disposed with the injector
    const [running] = emulator.current.admin.operations().creations;
    expect(['INITIALIZED', 'IN-PROGRESS']).toContain(running?.value);
    await idle(emulator.current);
    expect(started(emulator.current, 'creation').map((r) => r.status)).toEqual(['COMPLETED']);
    expect(requests.filter((r) => r.endsWith('/cancel'))).toEqual([]);
  });

  it('the backups list loads while used and refreshes after a backup completes', async () => {
    const { core, requests } = setup();
    const injector = environment(provideBackupCore(core));
    const ids = runInInjectionContext(injector, () => injectBackups((s) => s.backups.map((b) => b.id), shallowEqual));
    await until(core.backups, (s) => s.status === 'success', 'the list');
    expect(ids()).toEqual([]);
    core.backup.start();
    await until(core.backups, (s) => s.backups.length === 1, 'the refreshed list');
    expect(ids()).toEqual([core.backup.getSnapshot().context.backupId]);
    expect(requests.filter((r) => r === 'GET /backups').length).toBeGreaterThanOrEqual(2);
  });

  it('injectBackupCore without a provider says what is missing; outside an injection context Angular says so', () => {
    const injector = environment();
    expect(() => runInInjectionContext(injector, () => injectBackupCore())).toThrow(/provideBackupCore/);
    expect(() => injectBackupCore()).toThrow(/NG0203/);
  });

  it('injectSchedule and injectRetention follow the schedule and the preview; a prune empties the removals', async () => {
    const { core, seeded } = policyCore(emulator.current, emulator.url);
    cores.push(core);
    const injector = environment(provideBackupCore(core));
    const { phase, removals } = runInInjectionContext(injector, () => ({
      phase: injectSchedule((view) => `${view.phase} ${view.nextDueAt === null ? 'unplanned' : 'planned'}`),
      removals: injectRetention((view) => view.plan?.remove.map((entry) => entry.id).join(',') ?? null),
    }));
    await until(core.schedule, (view) => view.nextDueAt !== null, 'the schedule');
    expect(phase()).toBe('idle planned');
    await until(core.retention, (view) => view.plan !== null, 'the preview');
    expect(removals()).toBe(`${seeded[1]},${seeded[0]}`);
    await core.retention.prune();
    await until(core.retention, (view) => view.plan?.remove.length === 0, 'the preview after the prune');
    expect(removals()).toBe('');
    expect(started(emulator.current, 'creation')).toEqual([]);
  });
});
