import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../../src/cli/commands/demo/dashboard.js';
import { createBackupClient } from '../../src/api/index.js';
import { planRetention, retentionText, SCHEDULE_TEXTS } from '../../src/core/index.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import type { Backup } from '../../src/models/index.js';
import { ARTIFACTS, expectAccessible, launchChromium, resetEmulator, SLOW } from './support.js';

// The dashboard's schedule and retention panels (issue 17) in Chromium, on an emulator seeded
// with completed backups of given dates (`admin.seedBackup`, as `POST /__emulator/backups`).

let emulator: Emulator;
let dashboard: Dashboard;
let browser: Browser;
let context: BrowserContext | undefined;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateBytesPerSecond: SLOW });
  dashboard = await startDashboard({ daemonUrl: emulator.url });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
  await emulator?.close();
});

afterEach(async () => {
  await context?.close();
  context = undefined;
  // every test starts from an empty list
  const client = createBackupClient({ baseUrl: emulator.url });
  for (const backup of await listed()) await client.delete(backup.id);
  resetEmulator(emulator);
});

async function listed(): Promise<Backup[]> {
  return ((await (await fetch(`${emulator.url}/backups`)).json()) as { iterable: Backup[] }).iterable;
}

/** A page of its own context (its own localStorage: a schedule's state does not carry over). */
async function open(search: string, into?: BrowserContext): Promise<Page> {
  context = into ?? (await browser.newContext({ viewport: { width: 960, height: 1000 } }));
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('the dashboard page error:', error));
  await page.goto(new URL(`/${search}`, dashboard.url).href);
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
const summary = (page: Page) => page.getByTestId('schedule-summary').textContent();
const schedulePanel = (page: Page) => page.locator('[data-panel="schedule"]');
const retentionPanel = (page: Page) => page.locator('[data-panel="retention"]');

describe('the retention preview', () => {
  it('shows each backup kept or removed with its reasons, and Prune now removes exactly what it said', async () => {
    const now = Date.now();
    // two a day for four days, and two older ones weeks apart: several per day, gaps of weeks
    const ages = [1 * HOUR, 5 * HOUR, DAY + 2 * HOUR, DAY + 6 * HOUR, 2 * DAY + HOUR, 3 * DAY + HOUR, 17 * DAY, 40 * DAY];
    for (const age of ages) emulator.admin.seedBackup({ timestamp: new Date(now - age).toISOString(), deviceName: 'laptop', bytes: 1024 });
    const policy = { keepLast: 2, keepDaily: 3 };
    const plan = planRetention(await listed(), policy, { now: Date.now() });
    expect(plan.remove.length).toBeGreaterThan(0);

    const page = await open('?keepLast=2&keepDaily=3');
    const rows = retentionPanel(page).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(ages.length);
    expect(await retentionPanel(page).locator('.policy').textContent()).toContain('Keeping last 2 · daily 3.');
    for (const entry of plan.entries) {
      const row = retentionPanel(page).locator(`tr[data-id="${entry.id}"]`);
      expect(await row.getAttribute('data-action')).toBe(entry.action);
      expect(await row.locator('td').nth(2).textContent()).toBe(entry.action === 'keep' ? 'Keep' : 'Remove');
      expect(await row.locator('td').nth(3).textContent()).toBe(entry.action === 'keep' ? entry.reasons.join(', ') : 'no rule keeps it');
    }
    // the newest is kept for more than one reason: "last 2" and its day's "daily"
    expect(plan.entries[0]!.reasons.length).toBeGreaterThan(1);
    await expectAccessible(page, 'retention preview');
    await shot(page, 'schedule-1-retention-preview');

    const prune = retentionPanel(page).getByRole('button', { name: 'Prune now' });
    await prune.click();
    const dialog = page.getByRole('alertdialog', { name: `Remove ${plan.remove.length} backups?` });
    await expect.poll(() => dialog.count()).toBe(1);
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Keep them');
    await expectAccessible(page, 'confirming a prune');
    await shot(page, 'schedule-2-prune-dialog');
    await dialog.getByRole('button', { name: 'Prune', exact: true }).click();
    await expect.poll(() => retentionPanel(page).getByRole('status').textContent(), { timeout: 20_000 }).toBe(`Pruned: ${plan.remove.length} removed.`);
    expect((await listed()).map((backup) => backup.id).sort()).toEqual(plan.keep.map((entry) => entry.id).sort());
    // the list and the preview follow: only kept backups, all kept now
    await expect.poll(() => page.locator('table.backups tbody tr').count()).toBe(plan.keep.length);
    await expect.poll(() => rows.count()).toBe(plan.keep.length);
    expect(await retentionPanel(page).locator('tr[data-action="remove"]').count()).toBe(0);
    expect(await prune.isDisabled()).toBe(true);
    await expectAccessible(page, 'pruned');
  });

  it('previews the default policy when the address names none, and says the address is wrong when it is', async () => {
    emulator.admin.seedBackup({ timestamp: new Date(Date.now() - HOUR).toISOString(), deviceName: 'laptop' });
    const page = await open('');
    await expect.poll(() => retentionPanel(page).locator('tbody tr').count()).toBe(1);
    expect(await retentionPanel(page).locator('.policy').textContent()).toContain('Keeping last 3 · daily 7 (the default');
    expect(await summary(page)).toBe('Last backup 1 h ago · No schedule');
    await expectAccessible(page, 'no schedule, default retention');

    const wrong = await open('?every=often&keepLast=2', context);
    await expect.poll(() => wrong.getByRole('alert').first().textContent()).toContain('not valid');
    expect(await wrong.getByRole('alert').first().textContent()).toMatch(/every/);
    await expectAccessible(wrong, 'a policy that does not parse');
  });
});

describe('the schedule', () => {
  it('says "Last backup 2 h ago · next in …", pauses and resumes', async () => {
    const now = Date.now();
    const period = 6 * HOUR;
    const start = Math.floor(now / period) * period;
    // a backup of this device within the current period: the period is done, nothing runs
    const at = Math.max(start + 60_000, now - 2 * HOUR);
    const seeded = emulator.admin.seedBackup({ timestamp: new Date(at).toISOString() });
    const before = emulator.admin.journal().length;
    const page = await open(`?every=6h&deviceName=${encodeURIComponent(seeded.device_name)}`);
    const { span, lastBackup, nextIn } = SCHEDULE_TEXTS;
    await expect.poll(() => summary(page)).toBe(`${lastBackup(span(Date.now() - at))} · ${nextIn(span(start + period - Date.now()))}`);
    expect(await schedulePanel(page).getByRole('status').textContent()).toBe('every 6h: Scheduled');
    await expectAccessible(page, 'scheduled');
    await shot(page, 'schedule-3-scheduled');

    await schedulePanel(page).getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => schedulePanel(page).getByRole('status').textContent()).toBe('every 6h: Paused');
    expect(await summary(page)).toMatch(/^Last backup \d+ h ago · Paused$|^Last backup \d+ min ago · Paused$/);
    await expectAccessible(page, 'paused');
    await schedulePanel(page).getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => summary(page)).toMatch(/· next in /);
    expect(await schedulePanel(page).getByRole('status').textContent()).toBe('every 6h: Scheduled');
    // nothing ran: the period's backup was there
    expect(emulator.admin.journal().slice(before).filter((record) => record.kind === 'creation')).toEqual([]);
  });

  for (const [status, state, action] of [
    [511, { signedIn: false }, 'Sign in to Pieces OS'],
    [505, { osUpToDate: false }, 'Update Pieces OS'],
  ] as const) {
    it(`stops on a ${status} with what to do, and Resume runs the period's backup`, async () => {
      const before = emulator.admin.journal().length;
      emulator.admin.setState({ ...state, rateBytesPerSecond: SLOW * 10 });
      const page = await open('?every=6h');
      const alert = schedulePanel(page).getByRole('alert');
      await expect.poll(() => alert.textContent(), { timeout: 20_000 }).toContain(action);
      expect(await schedulePanel(page).getByRole('status').textContent()).toMatch(new RegExp(`^every 6h: Stopped: ${action}`));
      expect(await summary(page)).toMatch(/^No backup yet · Stopped: /);
      await expectAccessible(page, `schedule stopped (${status})`);
      await shot(page, `schedule-4-stopped-${status}`);
      resetEmulator(emulator);
      emulator.admin.setState({ rateBytesPerSecond: SLOW * 10 });
      await schedulePanel(page).getByRole('button', { name: 'Resume' }).click();
      await expect.poll(() => summary(page), { timeout: 20_000 }).toMatch(/^Last backup less than a minute ago · next in /);
      expect(emulator.admin.journal().slice(before).filter((record) => record.kind === 'creation').map((record) => record.status)).toEqual(['COMPLETED']);
      expect(await alert.count()).toBe(0);
    });
  }

  it('shows a scheduled backup running, with its named bar', async () => {
    const page = await open('?every=6h');
    const bar = page.getByRole('progressbar', { name: 'Backup progress' });
    await expect.poll(() => bar.count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => bar.evaluate((element) => (element as HTMLProgressElement).value), { timeout: 20_000 }).toBeGreaterThan(10);
    expect(await schedulePanel(page).getByRole('status').textContent()).toBe('every 6h: Backing up…');
    await expectAccessible(page, 'scheduled backup running');
    await shot(page, 'schedule-5-running');
    await expect.poll(() => summary(page), { timeout: 30_000 }).toMatch(/^Last backup less than a minute ago · next in /);
  });
});

describe('two pages of one browser, one schedule', () => {
  it('make one backup per period (Web Locks and the daemon\'s list), never two at once', async () => {
    emulator.admin.setState({ rateBytesPerSecond: SLOW * 10 });
    const before = emulator.admin.journal().length;
    const shared = await browser.newContext({ viewport: { width: 960, height: 1000 } });
    const first = await open('?every=1m&keepLast=50', shared);
    const second = await open('?every=1m&keepLast=50', shared);
    const creations = () => emulator.admin.journal().slice(before).filter((record) => record.kind === 'creation');
    const started = Date.now();
    // until the creations span two periods (at most two minutes)
    await expect
      .poll(() => new Set(creations().map((record) => Math.floor(Date.parse(record.startedAt) / 60_000))).size, { timeout: 150_000, interval: 1000 })
      .toBeGreaterThanOrEqual(2);
    // the second period's backup runs to its end; no page starts another meanwhile
    await expect.poll(() => creations().at(-1)!.status, { timeout: 30_000 }).toBe('COMPLETED');
    const records = creations();
    const minutes = records.map((record) => Math.floor(Date.parse(record.startedAt) / 60_000));
    expect(new Set(minutes).size).toBe(records.length);
    for (let i = 1; i < records.length; i++) expect(Date.parse(records[i]!.startedAt)).toBeGreaterThanOrEqual(Date.parse(records[i - 1]!.endedAt!));
    expect(records.map((record) => record.status)).toEqual(records.map(() => 'COMPLETED'));
    console.log(
      `two pages, every 1m, ${Math.round((Date.now() - started) / 1000)} s: ${records.length} backups in ${new Set(minutes).size} periods\n` +
        records.map((record) => `  ${record.startedAt} -> ${record.endedAt} ${record.status}`).join('\n'),
    );
    const views = () =>
      Promise.all([first, second].map((page) => page.evaluate(() => JSON.stringify((globalThis as unknown as { piecesBackupCore: { schedule: { getSnapshot(): unknown } } }).piecesBackupCore.schedule.getSnapshot()))));
    // the page holding the lock runs the schedule; the other says another window runs it
    const runs = /^Last backup .+ ago · next (in .+|now)$/;
    const waits = /· Another window or process runs the schedule$/;
    const summaries = async () => Promise.all([first, second].map((page) => summary(page)));
    await expect
      .poll(async () => (await summaries()).every((text) => runs.test(text!) || waits.test(text!)), { timeout: 30_000 })
      .toBe(true)
      .catch(async (error: unknown) => {
        console.log('the schedules:', await views());
        throw error;
      });
    expect((await summaries()).some((text) => runs.test(text!))).toBe(true);
    await expectAccessible(first, 'two pages: the first');
    await expectAccessible(second, 'two pages: the second');
    await shot(second, 'schedule-6-two-pages');
  }, 200_000);
});

describe('<pieces-backup-panel> with the policy as attributes', () => {
  it('shows the schedule and the retention preview with reasons, prunes after its confirmation, pauses and resumes', async () => {
    emulator.admin.setState({ rateBytesPerSecond: SLOW * 10 });
    const now = Date.now();
    for (const age of [3 * HOUR, DAY + HOUR, 2 * DAY + HOUR, 9 * DAY]) emulator.admin.seedBackup({ timestamp: new Date(now - age).toISOString(), deviceName: 'desk' });
    // this device's backup of the current period: nothing runs (a run would prune by itself)
    const period = 6 * HOUR;
    const at = Math.max(Math.floor(now / period) * period + 60_000, now - HOUR);
    const mine = emulator.admin.seedBackup({ timestamp: new Date(at).toISOString() });
    const page = await open(`element.html?every=6h&deviceName=${encodeURIComponent(mine.device_name)}&keepLast=1&keepDaily=2`);
    const panel = page.locator('pieces-backup-panel');
    const summaryOf = () => panel.locator('[part="schedule-summary"]').textContent();
    const { span, lastBackup, nextIn } = SCHEDULE_TEXTS;
    await expect.poll(summaryOf, { timeout: 20_000 }).toBe(`${lastBackup(span(Date.now() - at))} · ${nextIn(span(Math.floor(now / period) * period + period - Date.now()))}`);
    expect(await panel.locator('[part="schedule-state"]').textContent()).toBe('every 6h: Scheduled');
    const plan = planRetention(await listed(), { keepLast: 1, keepDaily: 2 }, { now: Date.now() });
    const items = panel.locator('[part="retention-list"] li');
    await expect.poll(() => items.count()).toBe(plan.entries.length);
    expect(plan.remove.length).toBeGreaterThan(0);
    for (const entry of plan.entries) {
      const item = panel.locator(`[part="retention-list"] li[data-id="${entry.id}"]`);
      expect(await item.getAttribute('data-action')).toBe(entry.action);
      expect((await item.textContent())!.endsWith(`(${entry.backup.device_name}): ${retentionText(entry)}`)).toBe(true);
    }
    await expectAccessible(page, 'element: schedule and preview');
    await shot(page, 'schedule-7-element');

    await panel.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => panel.locator('[part="schedule-state"]').textContent()).toBe('every 6h: Paused');
    await expectAccessible(page, 'element: paused');
    await panel.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => panel.locator('[part="schedule-state"]').textContent()).toBe('every 6h: Scheduled');

    await panel.getByRole('button', { name: 'Prune now' }).click();
    const dialog = panel.getByRole('alertdialog', { name: `Remove ${plan.remove.length} ${plan.remove.length === 1 ? 'backup' : 'backups'}?` });
    await expect.poll(() => dialog.count()).toBe(1);
    await expectAccessible(page, 'element: confirming a prune');
    await dialog.getByRole('button', { name: 'Prune', exact: true }).click();
    await expect.poll(() => panel.locator('[part="prune-status"]').textContent(), { timeout: 20_000 }).toBe(`Pruned: ${plan.remove.length} removed.`);
    expect((await listed()).map((backup) => backup.id).sort()).toEqual(plan.keep.map((entry) => entry.id).sort());
    await expect.poll(() => items.count()).toBe(plan.keep.length);
    await expectAccessible(page, 'element: pruned');
  });
});
