// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { PiecesBackupPanel, defineBackupPanel } from '../../../src/adapters/element/index.js';
import { createBackupClient } from '../../../src/index.js';
import { createBackupCore, retentionText } from '../../../src/core/index.js';
import { createBackup, useEmulator, waitFor } from '../../helpers/emulator.js';
import { idle, started } from '../../core/support.js';

// <pieces-backup-panel> in happy-dom against a real emulator: happy-dom's fetch and WebSocket,
// page origin http://localhost:3000 (a loopback origin the emulator trusts).

const emulator = useEmulator({ each: true, rateBytesPerSecond: 400_000 });
afterEach(async () => {
  document.body.replaceChildren(); // disconnects: an element's own core is disposed
  await idle(emulator.current);
});

function mount(attributes: Record<string, string> = {}): PiecesBackupPanel {
  const panel = document.createElement('pieces-backup-panel') as PiecesBackupPanel;
  for (const [name, value] of Object.entries({ url: emulator.url, ...attributes })) panel.setAttribute(name, value);
  document.body.append(panel);
  return panel;
}
const part = (panel: PiecesBackupPanel, name: string, scope = '') =>
  panel.shadowRoot!.querySelector(`${scope} [part="${name}"]`.trim()) as HTMLElement;
const text = (panel: PiecesBackupPanel, name: string) => part(panel, name).textContent ?? '';
const click = (element: Element | null) => (element as HTMLElement).click();
const until = (check: () => boolean, what: string) => waitFor(() => (check() ? true : undefined), what, 15_000);

describe('<pieces-backup-panel>', () => {
  it('is defined once: defining again, under the same name, is a no-op', () => {
    expect(customElements.get('pieces-backup-panel')).toBe(PiecesBackupPanel);
    expect(() => defineBackupPanel()).not.toThrow();
    defineBackupPanel('my-backup-panel');
    expect(new (customElements.get('my-backup-panel')!)()).toBeInstanceOf(PiecesBackupPanel);
  });

  it('renders the backups list, each with a Restore button', async () => {
    const id = await createBackup(emulator.url);
    const panel = mount();
    await until(() => panel.shadowRoot!.querySelector(`button[data-id="${id}"]`) !== null, 'the list');
    const items = panel.shadowRoot!.querySelectorAll('[part="list"] li');
    expect(items).toHaveLength(1);
    expect(items[0]!.querySelector('button')!.textContent).toBe('Restore');
    expect(text(panel, 'status')).toContain('No backup running.');
  });

  it("shows an app's words instead of the English ones (the core's text table, in part)", async () => {
    const panel = mount();
    panel.texts = { noun: { creation: 'Sicherung' }, headlines: { idle: ({ noun }) => `Keine ${noun} läuft.` } };
    expect(text(panel, 'status')).toBe('Keine Sicherung läuft.');
    panel.core!.backup.start();
    await until(() => text(panel, 'status') === 'Sicherung complete.', 'done, in the rest of the English table');
  });

  for (const transport of ['websocket', 'ndjson'] as const) {
    it(`runs a backup to done over ${transport}: progress, percentage, ETA, then the new backup is listed`, async () => {
      const panel = mount({ transport });
      await until(() => text(panel, 'list').includes('No backups yet.'), 'the empty list');
      click(part(panel, 'backup-button'));
      const progress = part(panel, 'progress', '[data-lifecycle="backup"]') as HTMLProgressElement;
      const seen = { percentages: new Set<string>(), eta: false, cancel: false };
      await until(() => {
        seen.percentages.add(text(panel, 'percentage'));
        seen.eta ||= /left/.test(part(panel, 'eta', '[data-lifecycle="backup"]').textContent ?? '');
        seen.cancel ||= !part(panel, 'cancel-button', '[data-lifecycle="backup"]').hidden;
        return text(panel, 'status').includes('Backup complete.');
      }, 'the backup');
      expect(seen.percentages.size).toBeGreaterThan(3);
      expect(seen.eta).toBe(true);
      expect(seen.cancel).toBe(true);
      expect(progress.hidden).toBe(false);
      expect(progress.value).toBe(100);
      await until(() => panel.shadowRoot!.querySelectorAll('[part="list"] button[data-id]').length === 1, 'the new backup listed');
      expect(started(emulator.current, 'creation')).toHaveLength(1);
      expect(panel.core!.backup.getSnapshot().context.transport).toBe(transport);
    });
  }

  it('keeps the list (and a button the user is about to press) while progress ticks', async () => {
    const id = await createBackup(emulator.url);
    const panel = mount();
    await until(() => panel.shadowRoot!.querySelector(`button[data-id="${id}"]`) !== null, 'the list');
    const button = panel.shadowRoot!.querySelector(`button[data-id="${id}"]`);
    click(part(panel, 'backup-button'));
    const percentages = new Set<string>();
    await until(() => percentages.add(text(panel, 'percentage')).size > 5, 'a few ticks');
    expect(panel.shadowRoot!.querySelector(`button[data-id="${id}"]`)).toBe(button);
  });

  it('restores only after the confirmation', async () => {
    const id = await createBackup(emulator.url);
    const panel = mount();
    await until(() => panel.shadowRoot!.querySelector(`button[data-id="${id}"]`) !== null, 'the list');
    click(panel.shadowRoot!.querySelector(`button[data-id="${id}"]`));
    expect(part(panel, 'confirm').hidden).toBe(false);
    expect(text(panel, 'confirm-text')).toContain(id);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(started(emulator.current, 'restoration')).toEqual([]);
    click(part(panel, 'dismiss-button'));
    expect(part(panel, 'confirm').hidden).toBe(true);
    click(panel.shadowRoot!.querySelector(`button[data-id="${id}"]`));
    click(part(panel, 'confirm-button'));
    await until(() => text(panel, 'status').includes('Restore complete.'), 'the restore');
    expect(started(emulator.current, 'restoration')).toEqual([{ backup: id, status: 'COMPLETED' }]);
  });

  it("names each row's buttons after its backup, the date in the user's locale (Intl)", async () => {
    const seeded = emulator.current.admin.seedBackup({ timestamp: '2026-12-03T19:59:56Z', deviceName: 'laptop' });
    const panel = mount();
    await until(() => panel.shadowRoot!.querySelector(`button[data-id="${seeded.id}"]`) !== null, 'the list');
    const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(Date.UTC(2026, 11, 3, 19, 59, 56));
    const item = part(panel, 'backup');
    expect(item.textContent).toContain(`${date} (laptop)`);
    expect(item.textContent).not.toContain('GMT');
    expect(item.querySelector('[data-action="restore"]')!.getAttribute('aria-label')).toBe(`Restore the backup of ${date}`);
    expect(item.querySelector('[data-action="delete"]')!.getAttribute('aria-label')).toBe(`Delete the backup of ${date}`);
    expect(part(panel, 'progress', '[data-lifecycle="backup"]').getAttribute('aria-label')).toBe('Backup progress');
    expect(part(panel, 'progress', '[data-lifecycle="restore"]').getAttribute('aria-label')).toBe('Restore progress');
  });

  it('deletes a backup only after its own confirmation', async () => {
    const seeded = emulator.current.admin.seedBackup({ timestamp: '2026-12-03T19:59:56Z' });
    const panel = mount();
    const remove = () => panel.shadowRoot!.querySelector(`button[data-action="delete"][data-backup="${seeded.id}"]`);
    await until(() => remove() !== null, 'the list');
    click(remove());
    expect(part(panel, 'delete-confirm').hidden).toBe(false);
    expect(text(panel, 'delete-title')).toMatch(/^Delete the backup of .+\?$/);
    click(part(panel, 'delete-dismiss-button'));
    expect(part(panel, 'delete-confirm').hidden).toBe(true);
    expect(remove()).not.toBeNull();
    click(remove());
    click(part(panel, 'delete-confirm-button'));
    await until(() => remove() === null, 'the backup gone from the list');
    expect(text(panel, 'announcement')).toMatch(/The backup of .+ was deleted\.$/);
    const listed = (await (await fetch(`${emulator.url}/backups`)).json()) as { iterable: { id: string }[] };
    expect(listed.iterable).toEqual([]);
  });

  it('announces the states politely, never the percentages', async () => {
    const panel = mount();
    expect(part(panel, 'announcement').getAttribute('role')).toBe('status');
    expect(part(panel, 'status').getAttribute('role')).toBeNull();
    click(part(panel, 'backup-button'));
    const said = new Set<string>();
    await until(() => {
      said.add(text(panel, 'announcement'));
      return text(panel, 'status').includes('Backup complete.');
    }, 'the backup');
    for (const words of said) expect(words).not.toMatch(/\d+%/);
    expect(said).toContain('Backup running');
    expect(text(panel, 'announcement')).toBe('Backup complete.');
  });

  it('cancels a running backup', async () => {
    emulator.current.admin.setState({ rateBytesPerSecond: 150_000 });
    const panel = mount();
    click(part(panel, 'backup-button'));
    const cancel = part(panel, 'cancel-button', '[data-lifecycle="backup"]');
    await until(() => !cancel.hidden && text(panel, 'status').includes('Backup running'), 'a running backup');
    click(cancel);
    await until(() => text(panel, 'status').includes('Backup cancelled.'), 'the cancel');
    expect(started(emulator.current, 'creation').map((r) => r.status)).toEqual(['CANCELED']);
  });

  const refusals = [
    ['505', { osUpToDate: false }, 'Update Pieces OS'],
    ['511', { signedIn: false }, 'Sign in to Pieces OS'],
  ] as const;
  for (const [status, state, action] of refusals) {
    it(`says what to do about a ${status}, and offers Retry`, async () => {
      emulator.current.admin.setState(state);
      const panel = mount();
      await until(() => text(panel, 'message').startsWith(`The backups could not be listed. ${action}`), 'the list refused');
      click(part(panel, 'backup-button'));
      await until(() => text(panel, 'status').includes('Backup failed.'), 'the refusal');
      expect(part(panel, 'message').hidden).toBe(false);
      expect(text(panel, 'message')).toMatch(new RegExp(`^${action}`));
      expect(text(panel, 'message')).not.toMatch(/may still have run/);
      expect(part(panel, 'retry-button', '[data-lifecycle="backup"]').hidden).toBe(false);
      expect(started(emulator.current, 'creation')).toEqual([]);
    });
  }

  it('says the outcome is unknown when the start stream drops before its first frame', async () => {
    // NDJSON's POST, reset once written: the transport cannot tell whether it left (a WebSocket
    // whose upgrade never completed is known unsent, and started again by itself)
    emulator.current.admin.injectFault({ operation: 'backups_create_new_backup_streamed', reset: true, times: 1 });
    const panel = mount({ transport: 'ndjson' });
    await until(() => !(panel.shadowRoot!.textContent ?? '').includes('Loading backups'), 'the list');
    // and the list cannot say nothing ran (else the start is made again by itself)
    emulator.current.admin.injectFault({ operation: 'backups_snapshot', status: 503, times: 1 });
    click(part(panel, 'backup-button'));
    await until(() => /Backup failed|outcome is unknown|complete/.test(text(panel, 'status')), 'the end of the backup');
    expect(text(panel, 'status')).toContain('Backup: the outcome is unknown.');
    expect(text(panel, 'message')).toMatch(/may still have run it: retry to check its status/);
    expect(started(emulator.current, 'creation')).toEqual([]);

    // Retry asks Pieces OS first: nothing ran, so it starts exactly one backup
    click(part(panel, 'retry-button', '[data-lifecycle="backup"]'));
    expect(text(panel, 'status')).toContain('Backup: asking Pieces OS whether it ran…');
    expect((part(panel, 'backup-button') as HTMLButtonElement).disabled).toBe(true);
    await until(() => text(panel, 'status').includes('Backup complete.'), 'the retried backup');
    expect(started(emulator.current, 'creation')).toEqual([{ backup: expect.any(String), status: 'COMPLETED' }]);
  });

  it('shows the restore ETA as the dashboard does, and none once it is done', async () => {
    const id = await createBackup(emulator.url);
    emulator.current.admin.setState({ rateBytesPerSecond: 150_000 });
    const panel = mount();
    await until(() => panel.shadowRoot!.querySelector(`button[data-id="${id}"]`) !== null, 'the list');
    click(panel.shadowRoot!.querySelector(`button[data-id="${id}"]`));
    click(part(panel, 'confirm-button'));
    const eta = part(panel, 'eta', '[data-lifecycle="restore"]');
    const etas = new Set<string>();
    await until(() => {
      etas.add(eta.textContent ?? '');
      return text(panel, 'status').includes('Restore complete.');
    }, 'the restore');
    const shown = [...etas].filter((value) => value !== '');
    expect(shown.length).toBeGreaterThan(0);
    for (const value of shown) expect(value).toMatch(/^about (\d+ s|\d+ min \d+ s) left$/);
    expect(eta.textContent).toBe('');
  });

  it('opened mid-restore, shows the restore running elsewhere without starting one', async () => {
    const id = await createBackup(emulator.url);
    emulator.current.admin.setState({ rateBytesPerSecond: 200_000 });
    const elsewhere = createBackupCore(createBackupClient({ baseUrl: emulator.url }), { transport: 'ndjson' });
    elsewhere.restore.restore(id, { confirm: true });
    await waitFor(() => emulator.current.admin.operations().restorations[0], 'the restoration');
    const panel = mount();
    await until(() => text(panel, 'status').includes('Restore running'), 'the restore shown');
    expect(part(panel, 'progress', '[data-lifecycle="restore"]').hidden).toBe(false);
    await until(() => text(panel, 'status').includes('Restore complete.'), 'the restore to end');
    expect(started(emulator.current, 'restoration')).toEqual([{ backup: id, status: 'COMPLETED' }]);
    elsewhere.dispose();
  });

  it('removed mid-backup, it stops following but the daemon finishes the backup', async () => {
    const panel = mount();
    click(part(panel, 'backup-button'));
    await until(() => text(panel, 'status').includes('Backup running'), 'a running backup');
    const core = panel.core!;
    panel.remove();
    expect(panel.core).toBeNull();
    expect(core.backup.getSnapshot().status).toBe('stopped');
    await idle(emulator.current);
    expect(started(emulator.current, 'creation').map((r) => r.status)).toEqual(['COMPLETED']);
  });

  it('shows a core of your own, set as a property, and leaves it running when removed', async () => {
    const core = createBackupCore(createBackupClient({ baseUrl: emulator.url }), { transport: 'ndjson' });
    const panel = document.createElement('pieces-backup-panel') as PiecesBackupPanel;
    panel.core = core;
    document.body.append(panel);
    core.backup.start();
    await until(() => text(panel, 'status').includes('Backup complete.'), 'the backup');
    panel.remove();
    expect(core.backup.getSnapshot().status).toBe('active');
    core.dispose();
  });

  describe('schedule and retention attributes', () => {
    it('previews the retention policy with reasons, and Prune now removes exactly the removals after its confirmation', async () => {
      const now = Date.now();
      for (const hours of [1, 26, 50, 75, 400]) emulator.current.admin.seedBackup({ timestamp: new Date(now - hours * 3_600_000).toISOString(), deviceName: 'laptop' });
      const panel = mount({ 'keep-last': '1', 'keep-daily': '2' });
      const items = () => [...panel.shadowRoot!.querySelectorAll('[part="retention-list"] li')] as HTMLElement[];
      await until(() => items().length === 5, 'the preview');
      expect(part(panel, 'retention').hidden).toBe(false);
      expect(text(panel, 'retention-policy')).toBe('Keeping last 1, daily 2; never the newest backup, nor one being restored.');
      const plan = panel.core!.retention.getSnapshot().plan!;
      expect(items().map((item) => item.dataset.action)).toEqual(plan.entries.map((entry) => entry.action));
      expect(items().map((item) => item.textContent!.replace(/^.* \(laptop\): /, ''))).toEqual(plan.entries.map((entry) => retentionText(entry)));
      expect(items()[0]!.textContent).toMatch(/\(laptop\): keep: .*last 1/);
      expect(items().filter((item) => item.textContent!.endsWith(': remove'))).toHaveLength(plan.remove.length);
      expect(plan.remove).toHaveLength(3);

      click(part(panel, 'prune-button'));
      expect(part(panel, 'prune-confirm').hidden).toBe(false);
      expect(text(panel, 'prune-title')).toBe('Remove 3 backups?');
      click(part(panel, 'prune-dismiss-button'));
      expect(part(panel, 'prune-confirm').hidden).toBe(true);
      click(part(panel, 'prune-button'));
      click(part(panel, 'prune-confirm-button'));
      await until(() => text(panel, 'prune-status') === 'Pruned: 3 removed.', 'the prune');
      const listed = (await (await fetch(`${emulator.url}/backups`)).json()) as { iterable: { id: string }[] };
      expect(listed.iterable.map((backup) => backup.id).sort()).toEqual(plan.keep.map((entry) => entry.id).sort());
      await until(() => items().length === 2, 'the preview after the prune');
      expect((part(panel, 'prune-button') as HTMLButtonElement).disabled).toBe(true);
    });

    it('shows the schedule, pauses and resumes it; no attribute, no schedule part', async () => {
      const plain = mount();
      expect(part(plain, 'schedule').hidden).toBe(true);
      expect(part(plain, 'retention').hidden).toBe(true);
      plain.remove();

      const seeded = emulator.current.admin.seedBackup({ timestamp: new Date(Date.now() - 60_000).toISOString() });
      const panel = mount({ 'schedule-every': '6h' });
      // this device is not known yet: the first run is due at once, and makes the period's backup
      await until(() => text(panel, 'schedule-summary').startsWith('Last backup less than a minute ago · next in '), 'the first run');
      expect(part(panel, 'schedule').hidden).toBe(false);
      expect(text(panel, 'schedule-state')).toBe('every 6h: Scheduled');
      expect(part(panel, 'schedule-state').getAttribute('role')).toBe('status');
      expect(seeded.device_name).toBe(panel.core!.schedule.getSnapshot().deviceName);
      click(part(panel, 'pause-button'));
      expect(text(panel, 'schedule-state')).toBe('every 6h: Paused');
      expect(part(panel, 'pause-button').hidden).toBe(true);
      click(part(panel, 'resume-button'));
      expect(text(panel, 'schedule-state')).toBe('every 6h: Scheduled');
      expect(text(panel, 'schedule-summary')).toMatch(/· next in \d+ (h|min)$/);
      expect(started(emulator.current, 'creation')).toHaveLength(1);
    });

    it('says an attribute that does not parse, and works on without a schedule', async () => {
      const panel = mount({ 'schedule-every': 'often', 'keep-last': '2' });
      expect(text(panel, 'message')).toMatch(/^The schedule or retention attributes are not valid: .*every/);
      expect(part(panel, 'message').hidden).toBe(false);
      expect(part(panel, 'schedule').hidden).toBe(true);
      expect(panel.core!.schedule.getSnapshot().configured).toBe(false);
    });
  });
});
