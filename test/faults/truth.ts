import fs from 'node:fs';
import path from 'node:path';
import type { LifecycleContext, LifecycleError } from '../../src/index.js';
import { sampleAsset } from '../../src/emulator/index.js';
import { createBackup } from '../helpers/emulator.js';
import { SETUP_RATE, type Daemon } from './daemon.js';

// The server's truth about an operation, read from the emulator (never through the client
// under test), and the rules that say whether a machine's end state agrees with it.

export type Lifecycle = 'backup' | 'restore';

/** What the daemon held before the lifecycle ran. */
export interface Baseline {
  lifecycle: Lifecycle;
  /** Completed backups listed by GET /backups. */
  backups: string[];
  /** Restore only: the backup restored, and the asset ids it holds. */
  backupId: string | null;
  backupAssets: string[];
  /** The local database file, byte for byte. */
  databaseBytes: Buffer;
}

/** What the daemon holds after the lifecycle settled and nothing runs any more. */
export interface Truth {
  backups: string[];
  assets: string[];
  databaseBytes: Buffer;
  /** Staging files left in `<dataDir>/local`. */
  leftovers: string[];
  /** The daemon still ran an operation when we gave up waiting. */
  stillRunning: boolean;
}

/** Fields issue #6 adds to LifecycleError and LifecycleContext (optional until they land). */
export interface PendingErrorFields {
  outcomeUnknown?: boolean;
}
export interface RetryingInfo {
  attempt: number;
  nextAttemptAt: number;
  error: LifecycleError;
}
export interface PendingContextFields {
  retrying?: RetryingInfo | null;
}

export const isOutcomeUnknown = (error: LifecycleError | null): boolean =>
  (error as (LifecycleError & PendingErrorFields) | null)?.outcomeUnknown === true;

export const retryingOf = (context: LifecycleContext): RetryingInfo | null =>
  (context as LifecycleContext & PendingContextFields).retrying ?? null;

export async function listBackups(url: string): Promise<string[]> {
  const response = await fetch(`${url}/backups`);
  if (response.status !== 200) throw new Error(`GET /backups: ${response.status} ${await response.text()}`);
  const { iterable } = (await response.json()) as { iterable: Array<{ id: string }> };
  return iterable.map((backup) => backup.id);
}

async function backupBytes(url: string, backupId: string): Promise<number> {
  const response = await fetch(`${url}/backup/${backupId}`);
  if (response.status !== 200) throw new Error(`GET /backup/${backupId}: ${response.status}`);
  return ((await response.json()) as { bytes: number }).bytes;
}

/**
 * The daemon before a run. A restore first makes a backup, then changes the local database
 * (one asset added, one deleted) so "restored" and "untouched" are different facts. Then
 * the transfer rate is set so the operation takes about `durationMs`.
 */
export async function prepareBaseline(daemon: Daemon, lifecycle: Lifecycle, durationMs = 1_500): Promise<Baseline> {
  const { admin } = daemon.current;
  admin.setState({ rateBytesPerSecond: SETUP_RATE });
  let backupId: string | null = null;
  let backupAssets: string[] = [];
  let bytes: number;
  if (lifecycle === 'restore') {
    backupAssets = admin.listAssets().map((asset) => asset.id);
    backupId = await createBackup(daemon.url);
    admin.upsertAsset(sampleAsset(9_001));
    admin.deleteAsset(backupAssets[0]!);
    bytes = await backupBytes(daemon.url, backupId);
  } else {
    bytes = fs.statSync(admin.databasePath()).size;
  }
  admin.setState({ rateBytesPerSecond: Math.max(1, Math.round((bytes * 1_000) / durationMs)) });
  return {
    lifecycle,
    backups: await listBackups(daemon.url),
    backupId,
    backupAssets,
    databaseBytes: admin.readDatabaseBytes(),
  };
}

async function waitUntilIdle(daemon: Daemon, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { creations, restorations } = daemon.current.admin.operations();
    if (creations.length === 0 && restorations.length === 0) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Faults off, every operation ended (bounded), then what the daemon holds. */
export async function observeTruth(daemon: Daemon, idleTimeoutMs = 10_000): Promise<Truth> {
  const { admin } = daemon.current;
  admin.clearFaults();
  const idle = await waitUntilIdle(daemon, idleTimeoutMs);
  const localDir = path.join(daemon.dataDir, 'local');
  return {
    backups: await listBackups(daemon.url),
    assets: admin.listAssets().map((asset) => asset.id),
    databaseBytes: admin.readDatabaseBytes(),
    leftovers: fs.readdirSync(localDir).filter((name) => /^pieces\.db\.(restore|snapshot)-/.test(name)),
    stillRunning: !idle,
  };
}

export type EndState = 'done' | 'cancelled' | 'failed';

export type Verdict = 'ok' | 'unknown' | 'wrong';

export interface Judgement {
  verdict: Verdict;
  /** Why it is wrong (empty when it is not). */
  reasons: string[];
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

/**
 * The end state against the truth:
 * - backup: done <=> exactly one new backup, the one in `context.backupId`; cancelled or
 *   failed (outcome known) => no new backup
 * - restore: done <=> the database holds the backup's assets; cancelled or failed (outcome
 *   known) => the database is byte-identical to before
 * - failed with `outcomeUnknown` is never wrong, only counted
 * - staging files left behind are always wrong
 */
export function judge(baseline: Baseline, end: EndState, context: LifecycleContext, truth: Truth): Judgement {
  const reasons: string[] = [];
  if (truth.leftovers.length > 0) reasons.push(`staging leftovers: ${truth.leftovers.join(', ')}`);
  if (truth.stillRunning) reasons.push('the daemon still runs an operation');
  const unknown = end === 'failed' && isOutcomeUnknown(context.error);
  if (baseline.lifecycle === 'backup') {
    const created = truth.backups.filter((id) => !baseline.backups.includes(id));
    if (end === 'done') {
      if (created.length !== 1 || created[0] !== context.backupId) {
        reasons.push(`done with backupId ${context.backupId} but new backups are [${created.join(', ')}]`);
      }
    } else if (!unknown && created.length > 0) {
      reasons.push(`${end} (outcome known) but the daemon created ${created.join(', ')}`);
    }
  } else {
    const restored = sameSet(truth.assets, baseline.backupAssets);
    const untouched = truth.databaseBytes.equals(baseline.databaseBytes);
    if (end === 'done') {
      if (!restored) reasons.push('done but the database does not hold the backup');
    } else if (!unknown && !untouched) {
      reasons.push(`${end} (outcome known) but the database changed${restored ? ' (it is the backup)' : ''}`);
    }
  }
  if (reasons.length > 0) return { verdict: 'wrong', reasons };
  return { verdict: unknown ? 'unknown' : 'ok', reasons };
}
