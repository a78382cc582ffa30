// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp, defineComponent, effectScope, h, nextTick, watch, type App } from 'vue';
import * as adapter from '../../../src/adapters/vue/index.js';
import { provideBackupCore, useBackupCore, useBackups, useLifecycle, useRetention, useSchedule, useSelector } from '../../../src/adapters/vue/index.js';
import { retentionText, scheduleText, shallowEqual, type BackupCore } from '../../../src/core/index.js';
import { createBackup, useEmulator } from '../../helpers/emulator.js';
import { countingCore, idle, policyCore, recordingClient, operationPosts, started, until } from '../../core/support.js';

// The Vue adapter in happy-dom against a real emulator on loopback (happy-dom's fetch and
// WebSocket, page origin http://localhost:3000): components mounted with createApp, and bare
// effect scopes.

const emulator = useEmulator({ each: true, rateBytesPerSecond: 400_000, tickMs: 10 });
const cores: BackupCore[] = [];
const apps: App[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) app.unmount();
  for (const core of cores.splice(0)) core.dispose();
  await idle(emulator.current);
});

/** A core counting requests and restore frames (test/core/support.ts), disposed after the test. */
function setup() {
  const fixture = countingCore(emulator.url);
  cores.push(fixture.core);
  return fixture;
}

function mount(setupFn: () => () => unknown) {
  const element = document.createElement('div');
  document.body.append(element);
  const app = createApp(defineComponent({ setup: setupFn }));
  app.mount(element);
  apps.push(app);
  return { element, app };
}

const Provided = (core: BackupCore | Parameters<typeof provideBackupCore>[0], child: ReturnType<typeof defineComponent>) => () => {
  provideBackupCore(core);
  return () => h(child);
};

const BackupButton = defineComponent({
  setup() {
    const { backup } = useBackupCore();
    const value = useLifecycle('creation', (s) => s.value);
    return () => h('button', { onClick: () => backup.start() }, `Back up (${value.value})`);
  },
});

const text = (element: Element, expected: string, timeout = 15_000) =>
  vi.waitFor(() => expect(element.textContent).toContain(expected), { timeout, interval: 20 });

describe('pieces-backup/vue', () => {
  it('exports exactly the names users call', () => {
    expect(Object.keys(adapter).sort()).toEqual(['provideBackupCore', 'useBackupCore', 'useBackups', 'useLifecycle', 'useOperations', 'useRetention', 'useSchedule', 'useSelector']);
  });

  it('a click starts exactly one operation on the daemon', async () => {
    const { core, requests } = setup();
    const { element } = mount(Provided(core, BackupButton));
    element.querySelector('button')!.click();
    element.querySelector('button')!.click(); // a second click while it runs is ignored by the machine
    await text(element, 'Back up (done)');
    expect(started(emulator.current, 'creation')).toHaveLength(1);
    expect(operationPosts(requests)).toHaveLength(0); // the WebSocket transport starts it
  });

  it('a restore streaming many frames updates a percentage ref only when the whole percentage changes', async () => {
    const id = await createBackup(emulator.url);
    const { core, frames } = setup();
    let changes = 0;
    const stop = core.restore.subscribe(() => changes++);
    const scope = effectScope();
    const seen: number[] = [];
    let renders = 0;
    scope.run(() => {
      const percentage = useSelector(core.restore, (s) => Math.floor(s.context.percentage));
      watch(percentage, (value) => seen.push(value), { flush: 'sync' });
    });
    const { element } = mount(
      Provided(core, defineComponent({
        setup() {
          const percentage = useLifecycle('restoration', (s) => Math.floor(s.context.percentage));
          return () => (renders++, h('output', `${percentage.value}%`));
        },
      })),
    );
    emulator.current.admin.setState({ rateBytesPerSecond: 200_000 });
    core.restore.restore(id, { confirm: true });
    await until(core.restore, (s) => s.value === 'done', 'the restore');
    await text(element, '100%');
    stop();
    scope.stop();
    console.info(`vue restore: ${frames.count} frames, ${changes} snapshots, ${seen.length} ref changes, ${renders} renders`);
    expect(seen).toEqual([...new Set(seen)]); // each notification a new whole percentage
    expect(seen.at(-1)).toBe(100);
    expect(frames.count).toBeGreaterThan(seen.length);
    expect(seen.length).toBeLessThan(changes);
    expect(renders).toBeLessThanOrEqual(seen.length + 1); // the first render, then at most one a change
  });

  it('a selector building an object with shallowEqual notifies only when a field changed', async () => {
    const { core } = setup();
    const scope = effectScope();
    const views: string[] = [];
    scope.run(() => {
      const view = useSelector(core.backup, (s) => ({ value: s.value, quarter: Math.floor(s.context.percentage / 25) }), shallowEqual);
      watch(view, (v) => views.push(`${v.value} ${v.quarter}`), { flush: 'sync' });
    });
    let changes = 0;
    const stopChanges = core.backup.subscribe(() => changes++);
    core.backup.start();
    await until(core.backup, (s) => s.value === 'done', 'the backup');
    stopChanges();
    console.info(`vue shallowEqual selection: ${changes} snapshots, ${views.length} notifications`);
    expect(views.length).toBeLessThan(changes);
    scope.stop();
    expect(views).toEqual([...new Set(views)]);
    expect(views.at(-1)).toBe('done 4');
    expect(views.length).toBeLessThanOrEqual(8);
  });

  it('stopping the scope unsubscribes: the ref stops following, the operation runs on', async () => {
    const { core, requests } = setup();
    const scope = effectScope();
    const value = scope.run(() => useSelector(core.backup, (s) => s.value))!;
    let notified = 0;
    core.backup.start();
    await until(core.backup, (s) => s.value === 'running', 'the backup to run');
    await nextTick();
    expect(value.value).toBe('running');
    scope.stop();
    const stop = core.backup.subscribe(() => notified++);
    await until(core.backup, (s) => s.value === 'done', 'the backup');
    stop();
    expect(notified).toBeGreaterThan(0);
    expect(value.value).toBe('running'); // released: no longer follows
    expect(started(emulator.current, 'creation').map((r) => r.status)).toEqual(['COMPLETED']);
    expect(requests.filter((r) => r.endsWith('/cancel'))).toEqual([]);
  });

  it('unmounting a provider that owns its core mid-backup stops local work, not the daemon operation', async () => {
    const { client, requests } = recordingClient(emulator.url);
    let owned: BackupCore | undefined;
    const { element, app } = mount(() => {
      owned = provideBackupCore(client, { transport: 'ndjson' });
      return () => h(BackupButton);
    });
    apps.pop();
    element.querySelector('button')!.click();
    await text(element, 'Back up (running)');
    app.unmount();
    expect(owned!.backup.getSnapshot().status).toBe('stopped'); // disposed with the scope
    const [running] = emulator.current.admin.operations().creations;
    expect(['INITIALIZED', 'IN-PROGRESS']).toContain(running?.value);
    await idle(emulator.current);
    expect(started(emulator.current, 'creation').map((r) => r.status)).toEqual(['COMPLETED']);
    expect(requests.filter((r) => r.endsWith('/cancel'))).toEqual([]);
  });

  it('the backups list loads while used and refreshes after a backup completes', async () => {
    const { core, requests } = setup();
    const { element } = mount(
      Provided(core, defineComponent({
        setup() {
          const ids = useBackups((s) => s.backups.map((b) => b.id), shallowEqual);
          return () => h('div', [h(BackupButton), h('ul', ids.value.map((id) => h('li', { key: id }, id)))]);
        },
      })),
    );
    await vi.waitFor(() => expect(core.backups.getSnapshot().status).toBe('success'));
    expect(element.querySelectorAll('li')).toHaveLength(0);
    element.querySelector('button')!.click();
    await vi.waitFor(() => expect(element.querySelectorAll('li')).toHaveLength(1), { timeout: 15_000, interval: 20 });
    expect(element.querySelector('li')!.textContent).toBe(core.backup.getSnapshot().context.backupId);
    expect(requests.filter((r) => r === 'GET /backups').length).toBeGreaterThanOrEqual(2);
  });

  it('useBackupCore outside a provider says what is missing', () => {
    const scope = effectScope();
    expect(() => scope.run(() => useBackupCore())).toThrow(/provideBackupCore/);
    scope.stop();
  });

  it('useSchedule and useRetention show the schedule and the preview; a prune removes what it shows', async () => {
    const { core, seeded } = policyCore(emulator.current, emulator.url);
    cores.push(core);
    const Policy = defineComponent({
      setup() {
        const summary = useSchedule((view) => (view.nextDueAt === null ? 'not yet' : scheduleText(view).summary));
        const rows = useRetention((view) => (view.plan?.entries ?? []).map((entry) => `${entry.id}: ${retentionText(entry)}`), shallowEqual);
        return () => h('div', [h('p', summary.value), ...rows.value.map((row) => h('li', row))]);
      },
    });
    const { element } = mount(Provided(core, Policy));
    await text(element, 'Last backup less than a minute ago · next in ', 5_000);
    await text(element, `${seeded[2]}: keep: last 1, newest`, 5_000);
    expect(element.textContent).toContain(`${seeded[0]}: remove`);
    await core.retention.prune();
    await vi.waitFor(() => expect(element.textContent).not.toContain(`${seeded[1]}: remove`), { timeout: 5_000, interval: 20 });
    expect(element.textContent).not.toContain(`${seeded[0]}: remove`);
    expect(started(emulator.current, 'creation')).toEqual([]);
  });
});
