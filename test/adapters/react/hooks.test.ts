// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { Fragment, Profiler, StrictMode, createElement as h, useEffect, type ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BackupProvider, useBackupCore, useBackups, useLifecycle, useOperations, useRetention, useSchedule } from '../../../src/adapters/react/index.js';
import { retentionText, scheduleText, shallowEqual, type BackupCore } from '../../../src/core/index.js';
import { ConflictError, isConflictError } from '../../../src/api/index.js';
import { createBackup, useEmulator } from '../../helpers/emulator.js';
import { countingCore, idle, operationPosts, policyCore, started, until } from '../../core/support.js';

// The React adapter in happy-dom, against a real emulator on loopback: happy-dom's own fetch
// and WebSocket (page origin http://localhost:3000, which the emulator trusts), progress over
// the WebSocket transport. Every suite runs in StrictMode and in normal mode.

const emulator = useEmulator({ each: true, rateBytesPerSecond: 400_000, tickMs: 10 });
const cores: BackupCore[] = [];
afterEach(async () => {
  cleanup();
  for (const core of cores.splice(0)) core.dispose();
  await idle(emulator.current);
});

/** A core counting requests and restore frames (test/core/support.ts), disposed after the test. */
function setup() {
  const fixture = countingCore(emulator.url);
  cores.push(fixture.core);
  return fixture;
}
const starts = operationPosts;

const MODES = [
  ['StrictMode', StrictMode],
  ['normal mode', Fragment],
] as const;

describe.each(MODES)('pieces-backup/react in %s', (_mode, Mode) => {
  const mount = (core: BackupCore, children: ReactNode) => render(h(Mode, null, h(BackupProvider, { core }, children)));

  function BackupButton() {
    const { backup } = useBackupCore();
    const value = useLifecycle('creation', (s) => s.value);
    return h('button', { onClick: () => backup.start() }, `Back up (${value})`);
  }

  it('a click starts exactly one operation on the daemon', async () => {
    const { core, requests } = setup();
    mount(core, h(BackupButton));
    fireEvent.click(screen.getByRole('button'));
    await waitFor(() => screen.getByText('Back up (done)'), { timeout: 15_000 });
    expect(started(emulator.current, 'creation')).toHaveLength(1);
    expect(starts(requests)).toHaveLength(0); // the WebSocket transport starts it, not a POST
    expect(core.backup.getSnapshot().context.transport).toBe('websocket');
  });

  it('an effect that starts a backup on mount starts one (StrictMode runs effects twice)', async () => {
    const { client } = setup();
    let runs = 0;
    function StartOnMount() {
      const { backup } = useBackupCore();
      const value = useLifecycle('creation', (s) => s.value);
      useEffect(() => {
        runs++;
        backup.start();
      }, [backup]);
      return h('p', null, value);
    }
    // a provider that makes its own core from the client: StrictMode calls its initializer twice
    render(h(Mode, null, h(BackupProvider, { client }, h(StartOnMount))));
    await waitFor(() => screen.getByText('done'), { timeout: 15_000 });
    expect(runs).toBe(_mode === 'StrictMode' ? 2 : 1);
    expect(started(emulator.current, 'creation')).toHaveLength(1);
  });

  it('unmounting mid-backup leaves the operation running on the daemon, not cancelled', async () => {
    const { client, requests } = setup();
    const view = render(h(Mode, null, h(BackupProvider, { client, options: { transport: 'ndjson' } }, h(BackupButton))));
    fireEvent.click(screen.getByRole('button'));
    await waitFor(() => screen.getByText('Back up (running)'), { timeout: 15_000 });
    view.unmount();
    const [running] = emulator.current.admin.operations().creations;
    expect(['INITIALIZED', 'IN-PROGRESS']).toContain(running?.value);
    await idle(emulator.current);
    expect(started(emulator.current, 'creation').map((r) => r.status)).toEqual(['COMPLETED']);
    expect(requests.filter((r) => r.endsWith('/cancel'))).toEqual([]);
  });

  it('a restore streaming many frames re-renders a percentage at most once per whole percentage', async () => {
    const id = await createBackup(emulator.url);
    const { core, frames } = setup();
    let commits = 0;
    const shown: number[] = [];
    function Percentage() {
      const percentage = useLifecycle('restoration', (s) => Math.floor(s.context.percentage));
      shown.push(percentage);
      return h('output', null, `${percentage}%`);
    }
    let changes = 0;
    const stop = core.restore.subscribe(() => changes++);
    mount(core, h(Profiler, { id: 'percentage', onRender: () => commits++ }, h(Percentage)));
    emulator.current.admin.setState({ rateBytesPerSecond: 200_000 }); // about 260 ticks of 10 ms
    core.restore.restore(id, { confirm: true });
    await until(core.restore, (s) => s.value === 'done', 'the restore');
    await waitFor(() => screen.getByText('100%'));
    stop();
    const distinct = new Set(shown).size;
    console.info(`[${_mode}] restore: ${frames.count} frames, ${changes} snapshots, ${commits} commits, ${distinct} distinct percentages`);
    expect(frames.count).toBeGreaterThan(distinct);
    expect(commits).toBeLessThanOrEqual(distinct);
    expect(commits).toBeLessThan(changes); // snapshots that kept the percentage did not re-render
  });

  it('a selector that returns a fresh object does not loop, with or without an equality', async () => {
    const { core } = setup();
    const errors = vi.spyOn(console, 'error');
    const commits = { shallow: 0, plain: 0 };
    const selections: string[] = [];
    function Shallow() {
      const view = useLifecycle('creation', (s) => ({ value: s.value, percentage: Math.floor(s.context.percentage / 25) * 25 }), shallowEqual);
      selections.push(`${view.value} ${view.percentage}`);
      return h('p', null, `${view.value} ${view.percentage}`);
    }
    function Plain() {
      const view = useLifecycle('creation', (s) => ({ value: s.value }));
      return h('p', null, `plain ${view.value}`);
    }
    let changes = 0;
    const stop = core.backup.subscribe(() => changes++);
    mount(
      core,
      h(Fragment, null, h(Profiler, { id: 'shallow', onRender: () => commits.shallow++ }, h(Shallow)), h(Profiler, { id: 'plain', onRender: () => commits.plain++ }, h(Plain))),
    );
    core.backup.start();
    await until(core.backup, (s) => s.value === 'done', 'the backup');
    await waitFor(() => screen.getByText('done 100'));
    stop();
    console.info(`[${_mode}] fresh-object selectors: ${changes} snapshots, shallowEqual ${commits.shallow} commits, Object.is ${commits.plain} commits`);
    expect(commits.shallow).toBeLessThanOrEqual(new Set(selections).size); // idle 0, starting 0, running 0/25/50/75, done 100
    expect(commits.shallow).toBeLessThanOrEqual(8);
    expect(commits.plain).toBeLessThanOrEqual(changes + 1);
    expect(errors.mock.calls.flat().join(' ')).not.toMatch(/getSnapshot|Maximum update depth/);
    errors.mockRestore();
  });

  it('a screen opened mid-restore shows it, on one discovery socket however often it re-renders', async () => {
    const id = await createBackup(emulator.url);
    emulator.current.admin.setState({ rateBytesPerSecond: 200_000 });
    const elsewhere = setup().core;
    elsewhere.restore.restore(id, { confirm: true });
    await until(elsewhere.restore, (s) => s.value === 'running', 'the restore elsewhere');
    const { core, sockets } = setup();
    let renders = 0;
    function Screen() {
      // inline selectors: a fresh function every render
      const running = useOperations((s) => s.restorations.map((r) => `${r.backupId} ${Math.floor(r.percentage ?? 0)}`), shallowEqual);
      const restore = useLifecycle('restoration', (s) => `${s.value} ${s.context.backupId ?? ''}`);
      renders++;
      return h('p', null, `${running.length} running; restore ${restore}`);
    }
    mount(core, h(Screen));
    await waitFor(() => screen.getByText(`1 running; restore running ${id}`), { timeout: 10_000 });
    await until(core.restore, (s) => s.value === 'done', 'the attached restore');
    await waitFor(() => screen.getByText(`0 running; restore done ${id}`), { timeout: 10_000 });
    expect(renders).toBeGreaterThan(10);
    // one for discovery (StrictMode's unsubscribe-resubscribe does not reopen it), one for the
    // attached restore's watch
    expect(sockets.filter((path) => path === '/backups/streamed/progress')).toHaveLength(2);
    expect(started(emulator.current, 'restoration')).toHaveLength(1);
  });

  function BackupList() {
    const core = useBackupCore();
    const ids = useBackups((s) => s.backups.map((b) => b.id), shallowEqual);
    const deleteError = useBackups((s) => s.deleteError?.error.name ?? 'none');
    return h(
      'div',
      null,
      h('p', null, `delete error: ${deleteError}`),
      h('ul', null, ...ids.map((id) => h('li', { key: id }, id, h('button', { onClick: () => void core.backups.delete(id) }, `Delete ${id}`)))),
    );
  }

  it('the backups list refreshes after a backup completes and after a delete', async () => {
    const { core, requests } = setup();
    mount(core, h(Fragment, null, h(BackupButton), h(BackupList)));
    await waitFor(() => expect(core.backups.getSnapshot().status).toBe('success'));
    expect(screen.queryAllByRole('listitem')).toHaveLength(0);
    fireEvent.click(screen.getByText(/^Back up/));
    const item = await waitFor(() => screen.getByRole('listitem'), { timeout: 15_000 });
    const id = core.backup.getSnapshot().context.backupId!;
    expect(item.textContent).toContain(id);
    fireEvent.click(screen.getByText(`Delete ${id}`));
    await waitFor(() => expect(screen.queryAllByRole('listitem')).toHaveLength(0), { timeout: 5_000 });
    expect(requests.filter((r) => r === 'GET /backups').length).toBeGreaterThanOrEqual(3); // load, after done, after delete
    expect(requests).toContain(`POST /backups/${id}/delete`);
  });

  it('a delete during a restore of that backup surfaces the typed ConflictError', async () => {
    const id = await createBackup(emulator.url);
    const { core } = setup();
    mount(core, h(BackupList));
    await waitFor(() => screen.getByText(`Delete ${id}`));
    core.restore.restore(id, { confirm: true });
    await until(core.restore, (s) => s.value === 'running', 'the restore to run');
    fireEvent.click(screen.getByText(`Delete ${id}`));
    await waitFor(() => screen.getByText('delete error: ConflictError'), { timeout: 5_000 });
    const { deleteError, backups } = core.backups.getSnapshot();
    expect(deleteError?.backupId).toBe(id);
    expect(deleteError?.error).toBeInstanceOf(ConflictError);
    expect(isConflictError(deleteError?.error)).toBe(true);
    expect(backups.map((b) => b.id)).toEqual([id]); // still there
    await until(core.restore, (s) => s.value === 'done', 'the restore');
    await until(core.backups, (s) => !s.fetching, 'the refresh after the restore');
  });

  function Policy() {
    const core = useBackupCore();
    const summary = useSchedule((view) => (view.nextDueAt === null ? 'not yet' : scheduleText(view).summary));
    const rows = useRetention((view) => (view.plan?.entries ?? []).map((entry) => `${entry.id}: ${retentionText(entry)}`), shallowEqual);
    return h(
      'div',
      null,
      h('p', null, summary),
      rows.map((row) => h('li', { key: row }, row)),
      h('button', { onClick: () => void core.retention.prune() }, 'Prune now'),
    );
  }

  it('useSchedule and useRetention show the schedule and the preview; Prune now removes what it shows', async () => {
    const { core, seeded } = policyCore(emulator.current, emulator.url);
    cores.push(core);
    mount(core, h(Policy));
    await waitFor(() => screen.getByText(/^Last backup less than a minute ago · next in \d+ (h|min)$/), { timeout: 5_000 });
    await waitFor(() => screen.getByText(`${seeded[2]}: keep: last 1, newest`));
    expect(screen.getByText(`${seeded[0]}: remove`)).toBeTruthy();
    expect(screen.getByText(`${seeded[1]}: remove`)).toBeTruthy();
    fireEvent.click(screen.getByText('Prune now'));
    await waitFor(() => expect(screen.queryByText(`${seeded[0]}: remove`)).toBeNull(), { timeout: 5_000 });
    expect(screen.queryByText(`${seeded[1]}: remove`)).toBeNull();
    expect(core.retention.getSnapshot().lastReport).toMatchObject({ deleted: 2, failed: 0 });
    expect(started(emulator.current, 'creation')).toEqual([]); // the period had its backup
  });
});
