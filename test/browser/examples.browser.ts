import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createBackupClient } from '../../src/api/index.js';
import { planRetention, retentionText, type RetentionPolicy } from '../../src/index.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { dashboard, launchChromium, openPage, resetEmulator, ROOT, scenarios, SLOW, spawnNode } from './support.js';

const EXAMPLES_DIR = path.join(ROOT, 'examples');
const AXE = path.join(ROOT, 'node_modules/axe-core/axe.min.js');
// a cold `vite build` of the Angular example takes a while on a busy machine
const BUILD_TIMEOUT = 300_000;

/**
 * Every example built with Vite: a directory of examples/ whose package.json has a `build`
 * script (vue, svelte, solid, angular). Each one renders the React dashboard's DOM, so the
 * same steps drive them all.
 */
export const BROWSER_EXAMPLES: readonly string[] = fs
  .readdirSync(EXAMPLES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .filter((name) => {
    const manifest = path.join(EXAMPLES_DIR, name, 'package.json');
    if (!fs.existsSync(manifest)) return false;
    const { scripts } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { scripts?: Record<string, string> };
    return typeof scripts?.build === 'string';
  })
  .sort();

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

it('finds the Vite examples', () => {
  expect(BROWSER_EXAMPLES).toEqual(expect.arrayContaining(['angular', 'solid', 'svelte', 'vue']));
});

/**
 * `npm run build` in the example, into a directory of its own (someone's `npm run build` of the
 * same example meanwhile would swap dist/ under the page); a missing install fails here, with
 * what to run.
 */
async function build(name: string): Promise<string> {
  const directory = path.join(EXAMPLES_DIR, name);
  if (!fs.existsSync(path.join(directory, 'node_modules'))) {
    throw new Error(`examples/${name} is not installed (no node_modules): run \`npm run examples:install\` at the repository root`);
  }
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), `pieces-backup-example-${name}-`));
  try {
    const args = ['run', 'build', '--', '--outDir', outDir, '--emptyOutDir'];
    // vitest sets NODE_ENV=test, which Vite would carry into a development build of the framework
    const env = { ...process.env, NODE_ENV: 'production' };
    await promisify(execFile)('npm', args, { cwd: directory, env, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    fs.rmSync(outDir, { recursive: true, force: true });
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`examples/${name}: npm run build failed\n${stdout ?? ''}${stderr ?? ''}`);
  }
  return outDir;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** The built files on a loopback port (another origin than the emulator's, as in real use). */
async function serveStatic(dist: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = path.join(dist, pathname.endsWith('/') ? `${pathname}index.html` : pathname);
    if (!file.startsWith(dist + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * axe-core's violations on the page as it is now (every rule axe runs by default: WCAG A/AA
 * and best practices), each as `rule (impact): help @ targets`, so a failure says what to fix.
 */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const { axe } = globalThis as unknown as { axe: { run(context: Document): Promise<{ violations: AxeViolation[] }> } };
    return (await axe.run(document)).violations;
  });
  return violations.map(({ id, impact, help, nodes }) => `${id} (${impact}): ${help} @ ${nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

describe.each(BROWSER_EXAMPLES)('examples/%s in Chromium, against the emulator', (name) => {
  let emulator: Emulator;
  let site: { url: string; close(): Promise<void> };
  let page: Page;
  let dist: string | undefined;

  beforeAll(async () => {
    dist = await build(name);
    emulator = await startEmulator({ port: 0, rateBytesPerSecond: SLOW, cancelDelayMs: 50 });
    site = await serveStatic(dist);
  }, BUILD_TIMEOUT);

  afterAll(async () => {
    await site?.close();
    await emulator?.close();
    if (dist) fs.rmSync(dist, { recursive: true, force: true });
  });

  afterEach(async () => {
    await page?.close();
    resetEmulator(emulator);
  });

  async function open(query = '', { fixedTime }: { fixedTime?: number } = {}): Promise<Page> {
    const url = `${site.url}?daemon=${encodeURIComponent(emulator.url)}${query}`;
    if (fixedTime === undefined) {
      page = await openPage(browser, url, `examples/${name}`);
    } else {
      // the page's clock stands still (its timers run): ages and "next in" read exactly
      page = await browser.newPage({ viewport: { width: 960, height: 900 } });
      page.on('pageerror', (error) => console.error(`examples/${name} page error:`, error));
      await page.clock.setFixedTime(fixedTime);
      await page.goto(url);
    }
    return page;
  }

  const HOUR = 3_600_000;
  /** Backups of `deviceName` at these instants (epoch ms), as Pieces OS lists them. */
  const seed = (deviceName: string, times: number[]) =>
    times.map((at) => emulator.admin.seedBackup({ timestamp: new Date(at).toISOString(), deviceName }));
  const panel = () => page.locator('[data-panel="schedule"]');
  /** The preview's rows: id, keep or remove, and the reasons' text. */
  const preview = () =>
    panel()
      .locator('table.retention tbody tr')
      .evaluateAll((rows) => rows.map((row) => ({ id: row.getAttribute('data-id'), action: row.getAttribute('data-action'), text: row.querySelector('.reasons')?.textContent?.trim() })));
  /** What the core's planning says of the daemon's list now, in the page's words. */
  async function expectedPreview(policy: RetentionPolicy, now?: number) {
    const { iterable } = await createBackupClient({ baseUrl: emulator.url }).list();
    const plan = planRetention(iterable, policy, { now });
    return { plan, rows: plan.entries.map((entry) => ({ id: entry.id, action: entry.action, text: retentionText(entry) })) };
  }

  const { shot, card, statusOf, rows, waitForProgress } = dashboard(() => page, `examples-${name}-`);
  /** axe-core finds nothing in the page's current state (`state` names it in the failure). */
  const accessible = async (state: string) => expect(await axeViolations(page), `axe on examples/${name}, ${state}`).toEqual([]);
  const focused = () => page.evaluate(() => {
    const active = document.activeElement;
    return { label: active?.getAttribute('aria-label') ?? active?.textContent?.trim() ?? '', inDialog: active?.closest('[role="alertdialog"]') !== null };
  });
  const { restoreBringsTheAssetsBack, backupFailsWith, listSays } = scenarios(() => page, () => emulator, `examples-${name}-`);

  it('shows the daemon and an empty backups list, then a backup\'s bar moving, and Cancel ends it cancelled', async () => {
    await open();
    await expect.poll(() => page.locator('.page-header').textContent()).toContain(emulator.url);
    await expect.poll(() => page.getByText('No backups yet.').count()).toBe(1);
    await accessible('idle');
    await page.getByRole('button', { name: 'Create backup' }).click();
    const first = await waitForProgress('backup', 5);
    await waitForProgress('backup', first + 5);
    await expect.poll(() => card('backup').locator('.eta').textContent()).toMatch(/about \d+ s left/);
    // started here, so not listed as started elsewhere
    expect(await page.locator('.operations li').count()).toBe(0);
    // the bar is named after its operation
    expect(await page.getByRole('progressbar', { name: 'Backup progress' }).count()).toBe(1);
    await accessible('running');
    await shot('1-backup-running');
    await card('backup').getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => statusOf('backup'), { timeout: 20_000 }).toBe('Backup cancelled.');
    expect(emulator.admin.journal().at(-1)).toMatchObject({ kind: 'creation' });
    await accessible('cancelled');
    await shot('2-backup-cancelled');
  });

  it('runs a backup to done, and the list grows by one', async () => {
    await open();
    await expect.poll(() => page.getByText('No backups yet.').count()).toBe(1);
    await page.getByRole('button', { name: 'Create backup' }).click();
    await expect.poll(() => statusOf('backup'), { timeout: 30_000 }).toBe('Backup complete.');
    await expect.poll(() => rows().count()).toBe(1);
    // the row is the backup Pieces OS now lists
    const listed = await createBackupClient({ baseUrl: emulator.url }).list();
    expect(await rows().first().getAttribute('data-id')).toBe(listed.iterable[0]?.id);
    await accessible('done');
    await shot('3-backup-done');
  });

  it('restores after a confirmation, and the local asset count comes back', async () => {
    await open();
    await restoreBringsTheAssetsBack();
  });

  it('names each row\'s buttons after its backup (dated in the page\'s locale), and its confirmation is a dialog: focus in, Escape, focus back', async () => {
    await open();
    await expect.poll(() => rows().count()).toBeGreaterThan(0);
    const [backup] = (await createBackupClient({ baseUrl: emulator.url }).list()).iterable;
    const date = await page.evaluate((iso) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(Date.parse(iso)), backup!.created.value);
    const row = page.locator(`table.backups tbody tr[data-id="${backup!.id}"]`);
    const restore = row.getByRole('button', { name: `Restore the backup of ${date}`, exact: true });
    expect(await restore.count()).toBe(1);
    expect(await row.getByRole('button', { name: `Delete the backup of ${date}`, exact: true }).count()).toBe(1);
    await accessible('idle, listed');

    const restorations = () => emulator.admin.journal().filter((entry) => entry.kind === 'restoration').length;
    const restoredBefore = restorations();
    await restore.click();
    const dialog = page.getByRole('alertdialog', { name: `Restore the backup of ${date}?` });
    await expect.poll(() => dialog.count()).toBe(1);
    // focus moved in, onto the safe choice
    await expect.poll(focused).toEqual({ label: 'Keep my data', inDialog: true });
    expect(await statusOf('restore')).toBe(`Restore the backup of ${date}?`);
    await accessible('confirming');
    await shot('4a-restore-dialog-focus');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => statusOf('restore')).toBe('No restore running.');
    // focus is back on the button that opened it
    await expect.poll(focused).toEqual({ label: `Restore the backup of ${date}`, inDialog: false });
    // dismissed: nothing started on the daemon
    expect(restorations()).toBe(restoredBefore);

    // confirmed: the restore runs, its bar named after it, and focus is not lost to <body>
    await restore.click();
    await dialog.getByRole('button', { name: 'Restore', exact: true }).click();
    await waitForProgress('restore', 1);
    expect(await page.getByRole('progressbar', { name: 'Restore progress' }).count()).toBe(1);
    await expect.poll(() => page.evaluate(() => document.activeElement !== document.body)).toBe(true);
    await accessible('restore running');
    await expect.poll(() => statusOf('restore'), { timeout: 30_000 }).toBe('Restore complete.');
    await accessible('restore done');
  });

  it('deletes a backup after a confirmation (Escape keeps it)', async () => {
    // a backup of its own, a year old (the last row), so the tests after this keep theirs
    const { id } = emulator.admin.seedBackup({ timestamp: new Date(Date.now() - 365 * 86_400_000).toISOString(), deviceName: 'old laptop' });
    await open();
    await expect.poll(() => rows().count()).toBeGreaterThan(1);
    const before = await rows().count();
    const remove = page.locator(`table.backups tbody tr[data-id="${id}"]`).getByRole('button', { name: /^Delete the backup of / });
    await remove.click();
    const dialog = page.getByRole('alertdialog', { name: /^Delete the backup of .+\?$/ });
    await expect.poll(() => dialog.count()).toBe(1);
    await expect.poll(focused).toEqual({ label: 'Keep it', inDialog: true });
    await accessible('confirming a delete');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(focused).toMatchObject({ label: expect.stringMatching(/^Delete the backup of /) });
    expect(await rows().count()).toBe(before);

    await remove.click();
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => rows().count()).toBe(before - 1);
    expect((await createBackupClient({ baseUrl: emulator.url }).list()).iterable.map((b) => b.id)).not.toContain(id);
    await accessible('after a delete');
  });

  it('follows a backup started elsewhere and lists it as such', async () => {
    await open();
    await expect.poll(() => rows().count()).toBeGreaterThan(0);
    // the plain create call answers when the backup is done: meanwhile the page discovers it
    const elsewhere = createBackupClient({ baseUrl: emulator.url }).create();
    await expect.poll(() => statusOf('backup'), { timeout: 10_000 }).toBe('Backup running (started elsewhere)');
    await expect.poll(() => page.locator('.operations li').count()).toBe(1);
    await shot('7-started-elsewhere');
    await expect.poll(() => statusOf('backup'), { timeout: 30_000 }).toBe('Backup complete.');
    const created = await elsewhere;
    await expect.poll(() => page.locator(`table.backups tbody tr[data-id="${created.id}"]`).count()).toBe(1);
  });

  it('says to sign in when Pieces OS is signed out (511)', async () => {
    await open();
    await expect.poll(() => rows().count()).toBeGreaterThan(0);
    emulator.admin.setState({ signedIn: false });
    await backupFailsWith('Sign in to Pieces OS', 511);
    await expect.poll(() => card('backup').getByRole('button', { name: 'Retry' }).count()).toBe(1);
    // the list, loaded again, says the same
    await listSays('Sign in to Pieces OS');
    await accessible('failed (511)');
    await shot('8-signed-out');
  });

  it('says to update Pieces OS when it is too old (505)', async () => {
    await open();
    emulator.admin.setState({ osUpToDate: false });
    await backupFailsWith('Update Pieces OS', 505);
    await accessible('failed (505)');
    await shot('9-outdated');
  });

  it('shows the schedule ("Last backup 2 h ago · next in 4 h") and the retention preview with its reasons; Pause and Resume', async () => {
    // two hours into a 6 h period (periods are aligned to the epoch), its backup made at its start
    const period = Math.floor(Date.now() / (6 * HOUR)) * 6 * HOUR - 6 * HOUR;
    const now = period + 2 * HOUR;
    seed('this laptop', [period, period - 24 * HOUR, period - 48 * HOUR, period - 72 * HOUR, period - 96 * HOUR]);
    const creations = () => emulator.admin.journal().filter((entry) => entry.kind === 'creation').length;
    const created = creations();
    await open('&every=6h&device=this%20laptop&keepLast=1&keepDaily=2', { fixedTime: now });
    const summary = panel().getByTestId('schedule-summary');
    await expect.poll(() => summary.textContent(), { timeout: 10_000 }).toBe('Last backup 2 h ago · next in 4 h');
    expect(await panel().getByTestId('schedule-state').textContent()).toBe('Scheduled');
    expect(await panel().getByRole('heading', { name: 'Retention: keep last 1, daily 2 (this laptop)' }).count()).toBe(1);

    // the preview is the core's plan of this device's backups, row by row, with the reasons
    const expected = await expectedPreview({ keepLast: 1, keepDaily: 2, device: 'this laptop' }, now);
    await expect.poll(preview).toEqual(expected.rows);
    expect(expected.plan.remove.map((entry) => entry.backup.device_name)).toEqual(['this laptop', 'this laptop', 'this laptop']);
    expect(expected.rows.filter((row) => row.action === 'keep' && row.text?.includes('daily'))).toHaveLength(2);
    await accessible('schedule and preview');
    await shot('10-schedule-panel');

    await panel().getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => panel().getByTestId('schedule-state').textContent()).toBe('Paused');
    expect(await summary.textContent()).toBe('Last backup 2 h ago · Paused');
    await accessible('schedule paused');
    await panel().getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => summary.textContent()).toBe('Last backup 2 h ago · next in 4 h');
    // nothing was due: the schedule made no backup
    expect(creations()).toBe(created);
  });

  it('Prune now, after a confirmation, removes exactly what the preview said', async () => {
    const now = Date.now();
    seed('prune laptop', [now - HOUR, now - 25 * HOUR, now - 49 * HOUR, now - 73 * HOUR, now - 97 * HOUR]);
    await open('&device=prune%20laptop&keepLast=1&keepDaily=2');
    const expected = await expectedPreview({ keepLast: 1, keepDaily: 2, device: 'prune laptop' });
    await expect.poll(preview).toEqual(expected.rows);
    // no schedule asked for: none runs, and the last backup is the list's newest (minutes old)
    expect(await panel().getByTestId('schedule-summary').textContent()).toMatch(/^Last backup (less than a minute|\d+ min) ago · No schedule$/);
    expect(await panel().getByRole('button', { name: 'Pause' }).count()).toBe(0);
    const removed = expected.plan.remove.map((entry) => entry.id);
    expect(removed).toHaveLength(3);

    await panel().getByRole('button', { name: 'Prune now' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Delete 3 backups the policy does not keep?' });
    await expect.poll(() => dialog.count()).toBe(1);
    await expect.poll(focused).toEqual({ label: 'Keep them', inDialog: true });
    await accessible('confirming a prune');
    await shot('11-prune-confirm');
    await dialog.getByRole('button', { name: 'Prune', exact: true }).click();
    await expect.poll(() => panel().getByTestId('prune-report').textContent(), { timeout: 10_000 }).toBe('Pruned: 3 deleted.');

    const left = (await createBackupClient({ baseUrl: emulator.url }).list()).iterable.map((backup) => backup.id);
    expect(left.filter((id) => removed.includes(id))).toEqual([]);
    expect(left).toEqual(expect.arrayContaining(expected.plan.keep.map((entry) => entry.id)));
    // the list and the preview follow: nothing of this device is left to remove
    await expect.poll(() => page.locator('table.backups tbody tr').count()).toBe(left.length);
    await expect.poll(async () => (await preview()).filter((row) => row.action === 'remove')).toEqual([]);
    await accessible('after a prune');
  });

  it('a due schedule waits while a restore runs on the daemon, and says so', async () => {
    const client = createBackupClient({ baseUrl: emulator.url });
    const [backup] = (await client.list()).iterable;
    // started elsewhere: the plain call answers when the restore is done
    const restoring = client.restore(backup!.id, backup);
    onTestFinished(() => restoring.then(() => undefined, () => undefined));
    await expect.poll(() => emulator.admin.operations().restorations.length).toBe(1);
    const creations = emulator.admin.journal().filter((entry) => entry.kind === 'creation').length;
    // no device named: the first run is due at once, and waits
    await open('&every=6h');
    // the state with the backup card's status: a creation started anyway would show there
    const said = async () => `${await panel().getByTestId('schedule-state').textContent()} / ${await statusOf('backup')}`;
    await expect.poll(said, { timeout: 10_000 }).toBe('Waiting for a restore to finish / No backup running.');
    expect(await panel().getByRole('button', { name: 'Pause' }).count()).toBe(1);
    await accessible('schedule waiting');
    await shot('13-schedule-waiting');
    // it never queued a second operation meanwhile
    expect(emulator.admin.journal().filter((entry) => entry.kind === 'creation')).toHaveLength(creations);
  });

  it('a 505 stops the schedule with what to do (update Pieces OS)', async () => {
    emulator.admin.setState({ osUpToDate: false });
    await open('&every=6h');
    await expect.poll(() => panel().getByTestId('schedule-state').textContent(), { timeout: 20_000 }).toMatch(/^Stopped: Update Pieces OS/);
    expect(await panel().getByRole('button', { name: 'Resume' }).count()).toBe(1);
    await accessible('schedule stopped (505)');
  });

  it('says what in the address it refused, and runs no schedule then', async () => {
    await open('&every=six%20hours');
    await expect.poll(() => panel().getByRole('alert').textContent()).toMatch(/^every: "six hours" is not a duration/);
    expect(await panel().getByRole('button', { name: 'Pause' }).count()).toBe(0);
    // the preview keeps its default policy
    expect(await panel().getByRole('heading', { name: 'Retention: keep last 3, daily 7 (each device)' }).count()).toBe(1);
    await accessible('a refused policy');
    await page.close();
    await open('&every=1mo');
    await expect.poll(() => panel().getByRole('alert').textContent()).toMatch(/^every: 1mo has no fixed length/);
  });

  it('a 511 stops the schedule with what to do; Resume once signed in makes the period\'s backup', async () => {
    emulator.admin.setState({ signedIn: false });
    // no device named: the schedule's first run is due at once (it learns the device from it)
    await open('&every=6h');
    const state = panel().getByTestId('schedule-state');
    await expect.poll(() => state.textContent(), { timeout: 20_000 }).toMatch(/^Stopped: Sign in to Pieces OS/);
    expect(await panel().getByRole('button', { name: 'Resume' }).count()).toBe(1);
    await accessible('schedule stopped (511)');
    await shot('12-schedule-stopped');
    emulator.admin.setState({ signedIn: true });
    await panel().getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => panel().getByTestId('schedule-summary').textContent(), { timeout: 30_000 }).toMatch(/^Last backup less than a minute ago · next in \d+ (h|min)$/);
    expect(await state.textContent()).toBe('Scheduled');
  });
});

describe('examples/shared/start.mjs (an example\'s npm start)', () => {
  it('starts the emulator and the example\'s dev server, prints one URL serving the page with the daemon injected, and stops on SIGTERM', async () => {
    const directory = path.join(EXAMPLES_DIR, 'vue');
    if (!fs.existsSync(path.join(directory, 'node_modules'))) {
      throw new Error('examples/vue is not installed (no node_modules): run `npm run examples:install` at the repository root');
    }
    const { child, stdout, stderr, exited } = spawnNode(['../shared/start.mjs'], directory);
    try {
      await expect.poll(stdout, { timeout: 30_000 }).toMatch(/^open /m);
      const daemonUrl = /^emulator \(sample data\) at (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout())?.[1];
      const pageUrl = /^open (http:\/\/127\.0\.0\.1:\d+\/) /m.exec(stdout())?.[1];
      expect(daemonUrl).toBeDefined();
      expect(pageUrl).toBeDefined();
      expect(stdout().match(/https?:\/\//g)).toHaveLength(2);

      const html = await (await fetch(pageUrl!)).text();
      expect(html).toContain(`globalThis.PIECES_DAEMON_URL = ${JSON.stringify(daemonUrl)}`);
      expect((await fetch(`${daemonUrl}/backups`)).status).toBe(200);
      // the page itself, with no ?daemon=: it talks to the injected emulator, sample data and all
      const page = await openPage(browser, pageUrl!, 'examples/vue (npm start)');
      const { shot, assetCount } = dashboard(() => page, 'examples-');
      try {
        await expect.poll(() => page.locator('.page-header').textContent(), { timeout: 30_000 }).toContain(daemonUrl);
        await expect.poll(assetCount, { timeout: 10_000 }).toBeGreaterThan(0);
        await expect.poll(() => page.getByText('No backups yet.').count()).toBe(1);
        await shot('start-vue');
      } finally {
        await page.close();
      }
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr()).toBe('');
  });
});
