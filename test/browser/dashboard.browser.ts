import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../../src/cli/commands/demo/dashboard.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { dashboard as dom, expectAccessible, launchChromium, openPage, resetEmulator, scenarios, SLOW } from './support.js';

let emulator: Emulator;
let dashboard: Dashboard;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateBytesPerSecond: SLOW, cancelDelayMs: 50 });
  dashboard = await startDashboard({ daemonUrl: emulator.url });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
  await emulator?.close();
});

afterEach(async () => {
  await page?.close();
  resetEmulator(emulator);
});

async function open(pathname = '/'): Promise<Page> {
  page = await openPage(browser, new URL(pathname, dashboard.url).href, 'the dashboard');
  return page;
}

const { shot, card, statusOf, waitForProgress } = dom(() => page);
const { restoreBringsTheAssetsBack, backupFailsWith, listSays } = scenarios(() => page, () => emulator);

describe('the React dashboard, against the emulator', () => {
  it('shows a backup\'s bar moving and cancels it', async () => {
    await open();
    await expect.poll(() => page.locator('.muted').first().textContent()).toContain(emulator.url);
    await expectAccessible(page, 'idle');
    await page.getByRole('button', { name: 'Create backup' }).click();
    const first = await waitForProgress('backup', 5);
    await waitForProgress('backup', first + 5);
    // started here, so not listed as started elsewhere
    expect(await page.locator('.operations li').count()).toBe(0);
    await expect.poll(() => card('backup').locator('.eta').textContent()).toMatch(/about \d+ s left/);
    await shot('1-backup-running');
    // each bar named after its operation in the accessibility tree
    expect(await page.getByRole('progressbar', { name: 'Backup progress', exact: true }).count()).toBe(1);
    await expectAccessible(page, 'running');
    await card('backup').getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => statusOf('backup'), { timeout: 20_000 }).toBe('Backup cancelled.');
    await shot('2-backup-cancelled');
    await expectAccessible(page, 'cancelled');
    expect(emulator.admin.journal().at(-1)).toMatchObject({ kind: 'creation' });
  });

  it('creates a backup to completion and lists it', async () => {
    await open();
    await expect.poll(() => page.getByText('No backups yet.').count()).toBe(1);
    await page.getByRole('button', { name: 'Create backup' }).click();
    await expect.poll(() => statusOf('backup'), { timeout: 30_000 }).toBe('Backup complete.');
    await expect.poll(() => page.locator('table.backups tbody tr').count()).toBe(1);
    await shot('3-backup-done');
    await expectAccessible(page, 'done');
  });

  it('restores after a confirmation, and the local asset count comes back', async () => {
    await open();
    await restoreBringsTheAssetsBack();
    await expectAccessible(page, 'restore done');
  });

  it('confirms a restore in a real dialog: focus moves in, Escape closes it, focus returns to the row', async () => {
    const seeded = emulator.admin.seedBackup({ timestamp: '2026-12-03T19:59:56Z', deviceName: 'laptop' });
    await open();
    const row = page.locator(`table.backups tbody tr[data-id="${seeded.id}"]`);
    const restore = row.getByRole('button', { name: /^Restore the backup of / });
    await expect.poll(() => restore.count()).toBe(1);
    // named after its backup, the date in the page's locale (Intl), not the daemon's GMT words
    expect(await restore.getAttribute('aria-label')).toBe(`Restore the backup of ${await row.locator('time').textContent()}`);
    expect(await row.locator('time').textContent()).not.toMatch(/GMT/);
    await restore.click();
    const dialog = page.getByRole('alertdialog');
    await expect.poll(() => dialog.count()).toBe(1);
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Keep my data');
    expect(await dialog.evaluate((element) => (element as HTMLDialogElement).open && element.matches(':modal'))).toBe(true);
    expect(await page.getByRole('alertdialog', { name: /^Restore the backup of .+\?$/ }).count()).toBe(1);
    await shot('15-restore-dialog-focus');
    await expectAccessible(page, 'confirming');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await statusOf('restore')).toBe('No restore running.');
    await expect.poll(() => restore.evaluate((button) => button === document.activeElement)).toBe(true);
    expect(emulator.admin.operations().restorations).toEqual([]);
  });

  it('deletes a backup after its own confirmation, and says so', async () => {
    const seeded = emulator.admin.seedBackup({ timestamp: '2026-11-30T08:15:00Z', deviceName: 'laptop', bytes: 2048 });
    await open();
    const row = page.locator(`table.backups tbody tr[data-id="${seeded.id}"]`);
    const remove = row.getByRole('button', { name: /^Delete the backup of / });
    await expect.poll(() => remove.count()).toBe(1);
    await remove.click();
    const dialog = page.getByRole('alertdialog', { name: /^Delete the backup of .+\?$/ });
    await expect.poll(() => dialog.count()).toBe(1);
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Keep it');
    await expectAccessible(page, 'confirming a delete');
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    await expect.poll(() => remove.evaluate((button) => button === document.activeElement)).toBe(true);
    expect(await row.count()).toBe(1);
    await remove.click();
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => row.count()).toBe(0);
    await expect.poll(() => page.locator('.card').last().getByRole('status').textContent()).toMatch(/^The backup of .+ was deleted\.$/);
    const listed = (await (await fetch(`${emulator.url}/backups`)).json()) as { iterable: { id: string }[] };
    expect(listed.iterable.map((backup) => backup.id)).not.toContain(seeded.id);
    await expectAccessible(page, 'deleted');
  });

  it('keeps following a restore across a reload', async () => {
    emulator.admin.setState({ rateBytesPerSecond: SLOW / 2 });
    await open();
    await page.locator('table.backups tbody tr').first().getByRole('button', { name: 'Restore' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Restore' }).click();
    const before = await waitForProgress('restore', 10);
    await page.reload();
    // the fresh page knows nothing: discovery finds the restoration and the card follows it
    await expect.poll(() => statusOf('restore'), { timeout: 10_000 }).toBe('Restore running (started elsewhere)');
    await waitForProgress('restore', before);
    // this page did not start it: listed as started elsewhere
    await expect.poll(() => page.locator('.operations li').count()).toBe(1);
    await shot('7-restore-after-reload');
    await expectAccessible(page, 'restore running elsewhere');
    await expect.poll(() => statusOf('restore'), { timeout: 30_000 }).toBe('Restore complete.');
  });

  it('says what to do when Pieces OS is signed out (511)', async () => {
    await open();
    await expect.poll(() => page.locator('table.backups tbody tr').count()).toBeGreaterThan(0);
    const response = await fetch(`${emulator.url}/__emulator/state`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ signedIn: false }),
    });
    expect(response.ok).toBe(true);
    await backupFailsWith('Sign in to Pieces OS', 511);
    await expect.poll(() => card('backup').getByRole('button', { name: 'Retry' }).count()).toBe(1);
    await shot('8-signed-out');
    await expectAccessible(page, 'failed (511)');
    // the list, loaded again, says the same
    await listSays('Sign in to Pieces OS');
    await shot('9-signed-out-list');
    await expectAccessible(page, 'list failed (511)');
  });

  it('says to update Pieces OS when it is too old (505)', async () => {
    await open();
    emulator.admin.setState({ osUpToDate: false });
    await backupFailsWith('Update Pieces OS', 505);
    await shot('10-outdated');
    await expectAccessible(page, 'failed (505)');
  });

  it('shows "reconnecting" while the status cannot be read, then carries on', async () => {
    await open('/?transport=polling');
    emulator.admin.injectFault({ operation: 'backup_specific_creation_status', status: 503, times: 4 });
    await page.getByRole('button', { name: 'Create backup' }).click();
    const note = card('backup').locator('.notice-info');
    await expect.poll(() => note.textContent(), { timeout: 10_000 }).toMatch(/^Reconnecting to Pieces OS… \(attempt \d+\)$/);
    await shot('11-reconnecting');
    await expectAccessible(page, 'reconnecting');
    await expect.poll(() => statusOf('backup'), { timeout: 30_000 }).toBe('Backup complete.');
    expect(await note.count()).toBe(0);
  });

  it('says the outcome is unknown when Pieces OS stops answering, and Retry finds it finished', async () => {
    await open('/?transport=polling');
    emulator.admin.injectFault({ operation: 'backup_specific_creation_status', status: 503 });
    await page.getByRole('button', { name: 'Create backup' }).click();
    // the other endpoints that could tell (the list, the progress socket) stop answering too
    await expect.poll(() => emulator.admin.operations().creations.length).toBe(1);
    emulator.admin.injectFault({ operation: 'backups_snapshot', status: 503 });
    emulator.admin.injectFault({ operation: 'backups_streamed_progress_websocket', status: 503 });
    // the default outage bound is 15 s of unanswered status reads
    const alert = card('backup').getByRole('alert');
    await expect.poll(() => alert.textContent(), { timeout: 30_000 }).toContain('may have finished');
    expect(await statusOf('backup')).toBe('Backup: the outcome is unknown.');
    await shot('12-outcome-unknown');
    await expectAccessible(page, 'outcome unknown');
    emulator.admin.clearFaults();
    await card('backup').getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => statusOf('backup'), { timeout: 30_000 }).toBe('Backup complete.');
  });
});

describe('<pieces-backup-panel> in plain HTML', () => {
  it('lists the backups and runs one to done', async () => {
    emulator.admin.setState({ rateBytesPerSecond: SLOW * 2 });
    emulator.admin.seedBackup({ timestamp: '2026-12-01T06:00:00Z' });
    await open('/element.html');
    const panel = page.locator('pieces-backup-panel');
    await expect.poll(() => panel.locator('[part="backup"]').count()).toBeGreaterThan(0);
    await expectAccessible(page, 'idle');
    const listed = await panel.locator('[part="backup"]').count();
    await panel.locator('[part="backup-button"]').click();
    await expect.poll(() => panel.locator('[part="status"]').textContent(), { timeout: 10_000 }).toMatch(/Backup running: \d+%/);
    // the polite live region says the state, not every percent
    expect(await panel.locator('[part="announcement"][role="status"]').textContent()).toBe('Backup running');
    expect(await panel.getByRole('progressbar', { name: 'Backup progress' }).count()).toBe(1);
    await shot('13-element-running');
    await expectAccessible(page, 'running');
    await expect.poll(() => panel.locator('[part="status"]').textContent(), { timeout: 30_000 }).toBe('Backup complete.');
    await expect.poll(() => panel.locator('[part="backup"]').count()).toBe(listed + 1);
    await shot('14-element-done');
    await expectAccessible(page, 'done');
  });

  it('confirms a restore and a delete in real dialogs: focus in, Escape, focus back', async () => {
    const seeded = emulator.admin.seedBackup({ timestamp: '2026-12-02T08:30:00Z', deviceName: 'laptop' });
    await open('/element.html');
    const panel = page.locator('pieces-backup-panel');
    const restore = panel.locator(`button[data-action="restore"][data-id="${seeded.id}"]`);
    await expect.poll(() => restore.count()).toBe(1);
    const date = await page.evaluate(() => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(Date.UTC(2026, 11, 2, 8, 30, 0)));
    expect(await restore.getAttribute('aria-label')).toBe(`Restore the backup of ${date}`);
    await restore.click();
    const dialog = panel.getByRole('alertdialog', { name: `Restore the backup of ${date}?` });
    await expect.poll(() => dialog.count()).toBe(1);
    const focused = () => page.evaluate(() => document.querySelector('pieces-backup-panel')!.shadowRoot!.activeElement?.getAttribute('part'));
    await expect.poll(focused).toBe('dismiss-button');
    await shot('16-element-restore-dialog');
    await expectAccessible(page, 'confirming');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => restore.evaluate((button) => button === (button.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    expect(emulator.admin.operations().restorations).toEqual([]);

    const remove = panel.getByRole('button', { name: `Delete the backup of ${date}` });
    await remove.click();
    const confirmDelete = panel.getByRole('alertdialog', { name: `Delete the backup of ${date}?` });
    await expect.poll(() => confirmDelete.count()).toBe(1);
    await expect.poll(focused).toBe('delete-dismiss-button');
    await expectAccessible(page, 'confirming a delete');
    await confirmDelete.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => restore.count()).toBe(0);
    await expect.poll(() => panel.locator('[part="announcement"][role="status"]').textContent()).toContain(`The backup of ${date} was deleted.`);
    await expectAccessible(page, 'deleted');
  });

  it('says what to do about a 511 and a 505, accessibly', async () => {
    await open('/element.html');
    const panel = page.locator('pieces-backup-panel');
    for (const [state, action] of [[{ signedIn: false }, 'Sign in to Pieces OS'], [{ osUpToDate: false }, 'Update Pieces OS']] as const) {
      resetEmulator(emulator);
      emulator.admin.setState(state);
      await panel.locator('[part="backup-button"]').click();
      await expect.poll(() => panel.getByRole('alert').textContent(), { timeout: 20_000 }).toContain(action);
      await expectAccessible(page, `failed (${'signedIn' in state ? 511 : 505})`);
    }
    await shot('17-element-failed');
  });
});
