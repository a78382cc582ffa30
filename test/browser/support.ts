import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';

// What the browser tests share: Chromium, the emulator's reset, the dashboard DOM every example
// renders (examples/react and the Vite examples alike), and a child process's output.

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts/browser');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// 512 KB of sample data at this rate: a few seconds an operation, long enough to watch
export const SLOW = 100_000;

export type Kind = 'backup' | 'restore';

/** Debian's Chromium (never downloaded; CHROMIUM_PATH overrides it), and the screenshots' directory. */
export async function launchChromium(): Promise<Browser> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A fresh page at `url`, its uncaught errors printed under `label`. */
export async function openPage(browser: Browser, url: string, label: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 960, height: 720 } });
  page.on('pageerror', (error) => console.error(`${label} page error:`, error));
  await page.goto(url);
  return page;
}

/** The emulator as every test starts with it: no faults, signed in, up to date, slow. */
export function resetEmulator(emulator: Emulator | undefined): void {
  emulator?.admin.clearFaults();
  emulator?.admin.setState({ signedIn: true, osUpToDate: true, rateBytesPerSecond: SLOW });
}

/**
 * Reads the dashboard's DOM on the page `current()` returns (the test's page of the moment);
 * screenshots go to test-artifacts/browser/<prefix><step>.png.
 */
export function dashboard(current: () => Page, prefix = '') {
  const card = (kind: Kind) => current().locator(`[data-lifecycle="${kind}"]`);
  const progressOf = (kind: Kind) => card(kind).locator('progress').evaluate((bar) => (bar as HTMLProgressElement).value);
  return {
    shot: (step: string) => current().screenshot({ path: path.join(ARTIFACTS, `${prefix}${step}.png`), fullPage: true }),
    card,
    /** The card's status line (a reconnecting notice is a status too, and comes after it). */
    statusOf: (kind: Kind) => card(kind).getByRole('status').first().textContent(),
    progressOf,
    rows: () => current().locator('table.backups tbody tr'),
    assetCount: async () => Number(await current().getByTestId('asset-count').textContent()),
    async waitForProgress(kind: Kind, above: number): Promise<number> {
      await expect.poll(() => progressOf(kind), { timeout: 20_000 }).toBeGreaterThan(above);
      return progressOf(kind);
    },
  };
}

/**
 * The steps every dashboard goes through the same way, on the page `current()` returns (opened
 * on `emulator`); screenshots as in {@link dashboard}.
 */
export function scenarios(current: () => Page, emulator: () => Emulator, prefix = '') {
  const { shot, card, statusOf, rows, assetCount, waitForProgress } = dashboard(current, prefix);
  return {
    /** Two assets deleted, the first backup restored after its confirmation: the count comes back. */
    async restoreBringsTheAssetsBack(): Promise<void> {
      const { admin } = emulator();
      const before = admin.listAssets().length;
      await expect.poll(assetCount).toBe(before);
      admin.deleteAsset(admin.listAssets()[0]!.id);
      admin.deleteAsset(admin.listAssets()[0]!.id);
      await expect.poll(assetCount).toBe(before - 2);
      await expect.poll(() => rows().count()).toBeGreaterThan(0);
      await rows().first().getByRole('button', { name: 'Restore' }).click();
      await expect.poll(() => current().getByRole('alertdialog').count()).toBe(1);
      expect(await statusOf('restore')).toMatch(/^Restore the backup of .+\?$/);
      await shot('4-restore-confirm');
      await current().getByRole('alertdialog').getByRole('button', { name: 'Restore' }).click();
      await waitForProgress('restore', 5);
      await shot('5-restore-running');
      await expect.poll(() => statusOf('restore'), { timeout: 30_000 }).toBe('Restore complete.');
      await expect.poll(assetCount).toBe(before);
      await shot('6-restore-done');
    },
    /** Create backup fails: the card's alert gives `advice` and Pieces OS's status code. */
    async backupFailsWith(advice: string, status: number): Promise<void> {
      await current().getByRole('button', { name: 'Create backup' }).click();
      const alert = card('backup').getByRole('alert');
      await expect.poll(() => alert.textContent(), { timeout: 20_000 }).toContain(advice);
      expect(await alert.textContent()).toContain(String(status));
    },
    /** Refresh: the list (the last card) gives the same advice. */
    async listSays(advice: string): Promise<void> {
      await current().getByRole('button', { name: 'Refresh' }).click();
      await expect.poll(() => current().locator('.card').last().getByRole('alert').textContent()).toContain(advice);
    },
  };
}

/** A command (`node <args>`) in `cwd`, its output collected as it comes. */
export function spawnNode(args: string[], cwd: string): { child: ChildProcess; stdout(): string; stderr(): string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

// axe-core (a devDependency) injected from node_modules: the audit every page passes in every
// state a test reaches. Each audit is logged to test-artifacts/browser/axe.jsonl for the record.
const AXE = path.join(ROOT, 'node_modules/axe-core/axe.min.js');

/** One axe rule a page breaks, and where (CSS selectors, shadow roots joined by ` >> `). */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Runs axe-core on the whole page (shadow roots included) and returns its violations. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    type Result = { violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] }[] };
    const axe = (globalThis as unknown as { axe: { run(context: Document, options: object): Promise<Result> } }).axe;
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return violations.map((v) => ({ id: v.id, impact: v.impact ?? null, help: v.help, targets: v.nodes.map((n) => n.target.flat().join(' >> ')) }));
  });
}

/** Asserts axe finds nothing on `page` in `state` (named in the failure and the log). */
export async function expectAccessible(page: Page, state: string): Promise<void> {
  const violations = await axeViolations(page);
  fs.appendFileSync(path.join(ARTIFACTS, 'axe.jsonl'), `${JSON.stringify({ page: new URL(page.url()).pathname + new URL(page.url()).search, state, violations: violations.length })}\n`);
  expect(violations, `axe on ${page.url()} (${state})`).toEqual([]);
}
