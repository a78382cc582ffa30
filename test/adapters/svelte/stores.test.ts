// @vitest-environment happy-dom
import fs from 'node:fs';
import path from 'node:path';
import { flushSync, mount, unmount } from 'svelte';
import { compile } from 'svelte/compiler';
import { get } from 'svelte/store';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as adapter from '../../../src/adapters/svelte/index.js';
import { useSelector } from '../../../src/adapters/svelte/index.js';
import { shallowEqual, type BackupCore } from '../../../src/core/index.js';
import { createBackup, useEmulator } from '../../helpers/emulator.js';
import { countingCore, idle, policyCore, recordingClient, operationPosts, started, until } from '../../core/support.js';

// In Node, `svelte` and `svelte/store` resolve to their server builds (no mount, no effects);
// this file, the adapter and the compiled component get the client builds instead.
vi.mock('svelte', () => import('../../../node_modules/svelte/src/index-client.js' as string));
vi.mock('svelte/store', () => import('../../../node_modules/svelte/src/store/index-client.js' as string));

// The Svelte adapter against a real emulator on loopback: its stores through svelte/store's
// own `get` and `subscribe`, and a component compiled with svelte/compiler and mounted in
// happy-dom (`$store` and the runes' `fromStore`).

const emulator = useEmulator({ each: true, rateBytesPerSecond: 400_000, tickMs: 10 });
const cores: BackupCore[] = [];
const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  for (const core of cores.splice(0)) core.dispose();
  await idle(emulator.current);
});

/** A core counting requests and restore frames (test/core/support.ts), disposed after the test. */
function setup() {
  const fixture = countingCore(emulator.url);
  cores.push(fixture.core);
  return fixture;
}

const root = path.resolve(import.meta.dirname, '../../..');
const SOURCE = `
<script>
  import { fromStore } from 'svelte/store';
  import { setBackupCore, getBackupCore, useBackups, useLifecycle, useRetention, useSchedule } from 'ADAPTER';
  import { shallowEqual } from 'CORE';
  let { source, options, onpercentage, oncore } = $props();
  setBackupCore(source, options);
  const { backup } = getBackupCore();
  oncore?.(getBackupCore());
  const value = useLifecycle('creation', (s) => s.value);
  const percentage = useLifecycle('restoration', (s) => Math.floor(s.context.percentage));
  const ids = fromStore(useBackups((s) => s.backups.map((b) => b.id), shallowEqual));
  const planned = useSchedule((view) => (view.nextDueAt === null ? 'unplanned' : 'planned'));
  const removals = useRetention((view) => view.plan?.remove.map((entry) => entry.id).join(',') ?? 'no plan');
  $effect(() => onpercentage?.($percentage));
</script>
<button onclick={() => backup.start()}>Back up ({$value})</button>
<output>{$percentage}%</output>
<ul>{#each ids.current as id (id)}<li>{id}</li>{/each}</ul>
<p>schedule {$planned}; remove [{$removals}]</p>
`;

/** The component above, compiled for the client with its imports pointing at absolute files. */
async function loadPanel(): Promise<Parameters<typeof mount>[0]> {
  const files: Record<string, string> = {
    'svelte/internal/disclose-version': 'node_modules/svelte/src/internal/disclose-version.js',
    'svelte/internal/client': 'node_modules/svelte/src/internal/client/index.js',
    'svelte/store': 'node_modules/svelte/src/store/index-client.js',
    ADAPTER: 'src/adapters/svelte/index.ts',
    CORE: 'src/core/index.ts',
  };
  let { code } = compile(SOURCE, { generate: 'client', filename: 'Panel.svelte' }).js;
  code = code.replace(/from '([^']+)'|import '([^']+)'/g, (match, from?: string, bare?: string) => {
    const file = files[(from ?? bare)!];
    return file ? match.replace((from ?? bare)!, path.join(root, file)) : match;
  });
  const dir = fs.mkdtempSync(path.join(import.meta.dirname, '.compiled-')) // inside the project, where vitest transforms it;
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'Panel.js'), code);
  return ((await import(/* @vite-ignore */ path.join(dir, 'Panel.js'))) as { default: Parameters<typeof mount>[0] }).default;
}

async function mountPanel(props: Record<string, unknown>) {
  const Panel = await loadPanel();
  const target = document.createElement('div');
  document.body.append(target);
  const component = mount(Panel, { target, props });
  let mounted = true;
  const release = () => {
    if (mounted) unmount(component);
    mounted = false;
  };
  cleanups.push(release);
  return { target, release };
}

const text = (element: Element, expected: string, timeout = 15_000) =>
  vi.waitFor(() => expect(element.textContent).toContain(expected), { timeout, interval: 20 });

describe('pieces-backup/svelte', () => {
  it('exports exactly the names users call', () => {
    expect(Object.keys(adapter).sort()).toEqual(['getBackupCore', 'setBackupCore', 'useBackups', 'useLifecycle', 'useOperations', 'useRetention', 'useSchedule', 'useSelector']);
  });

  it('get() reads the current selection; subscribe notifies only when it changed', async () => {
    const { core } = setup();
    const view = useSelector(core.backup, (s) => ({ value: s.value, quarter: Math.floor(s.context.percentage / 25) }), shallowEqual);
    expect(get(view)).toEqual({ value: 'idle', quarter: 0 });
    let changes = 0;
    const stopChanges = core.backup.subscribe(() => changes++);
    const views: string[] = [];
    const unsubscribe = view.subscribe((v) => views.push(`${v.value} ${v.quarter}`));
    core.backup.start();
    await until(core.backup, (s) => s.value === 'done', 'the backup');
    unsubscribe();
    stopChanges();
    console.info(`svelte shallowEqual selection: ${changes} snapshots, ${views.length} notifications`);
    expect(views).toEqual([...new Set(views)]);
    expect(views[0]).toBe('idle 0');
    expect(views.at(-1)).toBe('done 4');
    expect(views.length).toBeLessThanOrEqual(8);
    expect(views.length).toBeLessThan(changes);
  });

  it('unsubscribing stops following; the operation runs on, not cancelled', async () => {
    const { core, requests } = setup();
    const values: string[] = [];
    const unsubscribe = useSelector(core.backup, (s) => s.value).subscribe((v) => values.push(v));
    core.backup.start();
    await until(core.backup, (s) => s.value === 'running', 'the backup to run');
    unsubscribe();
    const seen = values.length;
    await until(core.backup, (s) => s.value === 'done', 'the backup');
    expect(values).toHaveLength(seen);
    expect(values.at(-1)).toBe('running');
    expect(started(emulator.current, 'creation').map((r) => r.status)).toEqual(['COMPLETED']);
    expect(requests.filter((r) => r.endsWith('/cancel'))).toEqual([]);
  });

  it('a compiled component: a click starts exactly one operation, and the list refreshes (fromStore)', async () => {
    const { core, requests } = setup();
    const { target } = await mountPanel({ source: core });
    await vi.waitFor(() => expect(core.backups.getSnapshot().status).toBe('success'));
    expect(target.querySelectorAll('li')).toHaveLength(0);
    target.querySelector('button')!.click();
    target.querySelector('button')!.click(); // ignored by the machine while it runs
    await text(target, 'Back up (done)');
    expect(started(emulator.current, 'creation')).toHaveLength(1);
    expect(operationPosts(requests)).toHaveLength(0); // the WebSocket transport starts it
    await vi.waitFor(() => expect(target.querySelectorAll('li')).toHaveLength(1), { timeout: 5_000, interval: 20 });
    expect(target.querySelector('li')!.textContent).toBe(core.backup.getSnapshot().context.backupId);
  });

  it('a compiled component re-runs an effect on $percentage only when the whole percentage changes', async () => {
    const id = await createBackup(emulator.url);
    const { core, frames } = setup();
    const seen: number[] = [];
    let changes = 0;
    const stop = core.restore.subscribe(() => changes++);
    const { target } = await mountPanel({ source: core, onpercentage: (p: number) => seen.push(p) });
    flushSync();
    emulator.current.admin.setState({ rateBytesPerSecond: 200_000 });
    core.restore.restore(id, { confirm: true });
    await until(core.restore, (s) => s.value === 'done', 'the restore');
    await text(target, '100%');
    await until(core.backups, (s) => !s.fetching, 'the list refresh after the restore');
    stop();
    console.info(`svelte restore: ${frames.count} frames, ${changes} snapshots, ${seen.length} effect runs`);
    expect(seen).toEqual([...new Set(seen)]);
    expect(seen.at(-1)).toBe(100);
    expect(frames.count).toBeGreaterThan(seen.length);
    expect(seen.length).toBeLessThan(changes);
  });

  it('unmounting a component whose core it made mid-backup stops the local stream, not the daemon operation', async () => {
    const { client, requests } = recordingClient(emulator.url);
    let owned: BackupCore | undefined;
    const { target, release } = await mountPanel({ source: client, options: { transport: 'ndjson' }, oncore: (core: BackupCore) => (owned = core) });
    target.querySelector('button')!.click();
    await text(target, 'Back up (running)');
    release();
    expect(owned!.backup.getSnapshot().status).toBe('stopped'); // disposed with the component
    const [running] = emulator.current.admin.operations().creations;
    expect(['INITIALIZED', 'IN-PROGRESS']).toContain(running?.value);
    await idle(emulator.current);
    expect(started(emulator.current, 'creation').map((r) => r.status)).toEqual(['COMPLETED']);
    expect(requests.filter((r) => r.endsWith('/cancel'))).toEqual([]);
  });

  it('useSchedule and useRetention in a component: the schedule is planned, the preview lists the removals, a prune empties them', async () => {
    const { core, seeded } = policyCore(emulator.current, emulator.url);
    cores.push(core);
    const { target } = await mountPanel({ source: core });
    await text(target, `schedule planned; remove [${seeded[1]},${seeded[0]}]`, 5_000);
    await core.retention.prune();
    await text(target, 'schedule planned; remove []', 5_000);
    expect(started(emulator.current, 'creation')).toEqual([]);
  });
});
