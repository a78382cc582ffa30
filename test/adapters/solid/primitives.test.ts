// @vitest-environment happy-dom
import { createComponent, createEffect, createRoot, createSignal, on } from 'solid-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as adapter from '../../../src/adapters/solid/index.js';
import { BackupProvider, useBackupCore, useBackups, useLifecycle, useRetention, useSchedule, useSelector } from '../../../src/adapters/solid/index.js';
import { shallowEqual, type BackupCore } from '../../../src/core/index.js';
import { createBackup, useEmulator } from '../../helpers/emulator.js';
import { countingCore, idle, policyCore, recordingClient, operationPosts, started, until } from '../../core/support.js';

// In Node, `solid-js` resolves to its server build, where signals do not react; this file (and
// the adapter it imports) gets the browser build instead.
vi.mock('solid-js', () => import('solid-js/dist/solid.js' as string)); // the same types as solid-js

// The Solid adapter in happy-dom against a real emulator on loopback, in reactive roots
// (createRoot + createEffect), without solid-js/web.

const emulator = useEmulator({ each: true, rateBytesPerSecond: 400_000, tickMs: 10 });
const cores: BackupCore[] = [];
const roots: Array<() => void> = [];
afterEach(async () => {
  for (const dispose of roots.splice(0)) dispose();
  for (const core of cores.splice(0)) core.dispose();
  await idle(emulator.current);
});

/** A core counting requests and restore frames (test/core/support.ts), disposed after the test. */
function setup() {
  const fixture = countingCore(emulator.url);
  cores.push(fixture.core);
  return fixture;
}

/** Runs `fn` in a new root (disposed after the test unless the test does it) and returns its result. */
function root<T>(fn: () => T): { value: T; dispose: () => void } {
  let dispose!: () => void;
  const value = createRoot((d) => ((dispose = d), fn()));
  roots.push(dispose);
  return { value, dispose };
}

/** A component under `<BackupProvider>`; returns what the component returned. */
function provided<T>(props: { core: BackupCore } | { client: BackupCore['client']; options?: object }, component: () => T) {
  let result!: T;
  const handle = root(() =>
    createComponent(BackupProvider, {
      ...props,
      get children() {
        return createComponent(() => ((result = component()), null), {});
      },
    }),
  );
  return { ...handle, value: result };
}

describe('pieces-backup/solid', () => {
  it('exports exactly the names users call', () => {
    expect(Object.keys(adapter).sort()).toEqual(['BackupProvider', 'useBackupCore', 'useBackups', 'useLifecycle', 'useOperations', 'useRetention', 'useSchedule', 'useSelector']);
  });

  it('a user action starts exactly one operation on the daemon', async () => {
    const { core, requests } = setup();
    const { value: button } = provided({ core }, () => {
      const { backup } = useBackupCore();
      const value = useLifecycle('creation', (s) => s.value);
      return { click: () => backup.start(), value };
    });
    button.click();
    button.click(); // ignored by the machine while it runs
    await vi.waitFor(() => expect(button.value()).toBe('done'), { timeout: 15_000, interval: 20 });
    expect(started(emulator.current, 'creation')).toHaveLength(1);
    expect(operationPosts(requests)).toHaveLength(0); // the WebSocket transport starts it
  });

  it('a restore streaming many frames re-runs an effect only when the whole percentage changes', async () => {
    const id = await createBackup(emulator.url);
    const { core, frames } = setup();
    let changes = 0;
    const stop = core.restore.subscribe(() => changes++);
    const seen: number[] = [];
    const { value: percentage } = provided({ core }, () => {
      const percentage = useLifecycle('restoration', (s) => Math.floor(s.context.percentage));
      createEffect(() => seen.push(percentage()));
      return percentage;
    });
    emulator.current.admin.setState({ rateBytesPerSecond: 200_000 });
    core.restore.restore(id, { confirm: true });
    await until(core.restore, (s) => s.value === 'done', 'the restore');
    await vi.waitFor(() => expect(percentage()).toBe(100));
    stop();
    console.info(`solid restore: ${frames.count} frames, ${changes} snapshots, ${seen.length} effect runs`);
    expect(seen).toEqual([...new Set(seen)]); // each run a new whole percentage
    expect(seen.at(-1)).toBe(100);
    expect(frames.count).toBeGreaterThan(seen.length);
    expect(seen.length).toBeLessThan(changes);
  });

  it('a selector building an object with shallowEqual notifies only when a field changed', async () => {
    const { core } = setup();
    const views: string[] = [];
    root(() => {
      const view = useSelector(core.backup, (s) => ({ value: s.value, quarter: Math.floor(s.context.percentage / 25) }), shallowEqual);
      createEffect(on(view, (v) => views.push(`${v.value} ${v.quarter}`)));
    });
    let changes = 0;
    const stopChanges = core.backup.subscribe(() => changes++);
    core.backup.start();
    await until(core.backup, (s) => s.value === 'done', 'the backup');
    stopChanges();
    console.info(`solid shallowEqual selection: ${changes} snapshots, ${views.length} notifications`);
    expect(views.length).toBeLessThan(changes);
    expect(views).toEqual([...new Set(views)]);
    expect(views[0]).toBe('idle 0');
    expect(views.at(-1)).toBe('done 4');
    expect(views.length).toBeLessThanOrEqual(8);
  });

  it('disposing the owner unsubscribes: the signal stops following, the operation runs on', async () => {
    const { core, requests } = setup();
    const { value, dispose } = root(() => useSelector(core.backup, (s) => s.value));
    core.backup.start();
    await until(core.backup, (s) => s.value === 'running', 'the backup to run');
    expect(value()).toBe('running');
    dispose();
    await until(core.backup, (s) => s.value === 'done', 'the backup');
    expect(value()).toBe('running'); // released: no longer follows
    expect(started(emulator.current, 'creation').map((r) => r.status)).toEqual(['COMPLETED']);
    expect(requests.filter((r) => r.endsWith('/cancel'))).toEqual([]);
  });

  it('disposing a provider that owns its core mid-backup stops local work, not the daemon operation', async () => {
    const { client, requests } = recordingClient(emulator.url);
    const { value: owned, dispose } = provided({ client, options: { transport: 'ndjson' } }, () => useBackupCore());
    owned.backup.start();
    await until(owned.backup, (s) => s.value === 'running', 'the backup to run');
    dispose();
    expect(owned.backup.getSnapshot().status).toBe('stopped');
    const [running] = emulator.current.admin.operations().creations;
    expect(['INITIALIZED', 'IN-PROGRESS']).toContain(running?.value);
    await idle(emulator.current);
    expect(started(emulator.current, 'creation').map((r) => r.status)).toEqual(['COMPLETED']);
    expect(requests.filter((r) => r.endsWith('/cancel'))).toEqual([]);
  });

  it('the backups list loads while used and refreshes after a backup completes', async () => {
    const { core, requests } = setup();
    const { value: ids } = provided({ core }, () => useBackups((s) => s.backups.map((b) => b.id), shallowEqual));
    await vi.waitFor(() => expect(core.backups.getSnapshot().status).toBe('success'));
    expect(ids()).toEqual([]);
    core.backup.start();
    await vi.waitFor(() => expect(ids()).toHaveLength(1), { timeout: 15_000, interval: 20 });
    expect(ids()).toEqual([core.backup.getSnapshot().context.backupId]);
    expect(requests.filter((r) => r === 'GET /backups').length).toBeGreaterThanOrEqual(2);
  });

  it('useBackupCore outside a provider says what is missing, and signals are the browser build', () => {
    expect(() => root(() => useBackupCore())).toThrow(/BackupProvider/);
    const [count, setCount] = createSignal(0);
    const runs: number[] = [];
    root(() => createEffect(() => runs.push(count())));
    setCount(1);
    expect(runs).toEqual([0, 1]);
  });

  it('useSchedule and useRetention follow the schedule and the preview; a prune empties the removals', async () => {
    const { core, seeded } = policyCore(emulator.current, emulator.url);
    cores.push(core);
    const { value } = provided({ core }, () => ({
      phase: useSchedule((view) => `${view.phase} ${view.nextDueAt === null ? 'unplanned' : 'planned'}`),
      removals: useRetention((view) => view.plan?.remove.map((entry) => entry.id) ?? null, (a, b) => JSON.stringify(a) === JSON.stringify(b)),
    }));
    await vi.waitFor(() => expect(value.phase()).toBe('idle planned'), { timeout: 5_000, interval: 20 });
    await vi.waitFor(() => expect(value.removals()).toEqual([seeded[1], seeded[0]]), { timeout: 5_000, interval: 20 });
    await core.retention.prune();
    await vi.waitFor(() => expect(value.removals()).toEqual([]), { timeout: 5_000, interval: 20 });
    expect(started(emulator.current, 'creation')).toEqual([]);
  });
});
