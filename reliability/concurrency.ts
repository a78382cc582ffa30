import { createBackupClient, type BackupClient, type ProgressTransport } from '../src/index.js';
import { isConflictError, isNotFoundError } from '../src/api/index.js';
import type { OperationRecord } from '../src/emulator/index.js';
import { openDaemon, type Daemon } from '../test/faults/daemon.js';
import { describeSettlement, startLifecycle, type LifecycleRun } from '../test/faults/lifecycle-run.js';
import { TRANSPORTS, trackUnhandledRejections } from '../test/faults/sweep.js';
import { listBackups, prepareBaseline, type Baseline } from '../test/faults/truth.js';
import { databaseIntegrity, strayFiles } from './data-dir-checks.js';
import { RELIABILITY_OPTIONS } from './lifecycle-options.js';
import { atLeast, atMost, errorText, pool, ProbeReport, type ProbeResult, type Scale } from './probe.js';

// Two apps (two clients, each with its own actors) racing for the same backups: at most one
// operation of each kind runs, the loser is told with the typed conflict error, nothing is lost.

const RACES = ['start', 'restore', 'cancel', 'delete', 'delete-while-restoring'] as const;
type Race = (typeof RACES)[number];
const BOUND_MS = 60_000;

interface RaceOutcome {
  problems: string[];
  /** The loser got ConflictError (409) or the lifecycle error kind `conflict`. */
  typedConflict: boolean;
  /** A WebSocket restore of the same backup joins the running one instead (docs/protocol.md). */
  attached: boolean;
}

/** Intervals of the same kind that overlap in the journal: two operations of a kind at once. */
function overlaps(journal: readonly OperationRecord[]): string[] {
  const found: string[] = [];
  for (const [index, a] of journal.entries()) {
    for (const b of journal.slice(index + 1)) {
      if (a.kind !== b.kind) continue;
      const aEnd = Date.parse(a.endedAt ?? '9999');
      const bEnd = Date.parse(b.endedAt ?? '9999');
      if (Date.parse(a.startedAt) < bEnd && Date.parse(b.startedAt) < aEnd) found.push(`${a.kind} #${a.seq} and #${b.seq} ran at once`);
    }
  }
  return found;
}

const lost = (before: readonly string[], after: readonly string[], deleted: readonly string[]) =>
  before.filter((id) => !after.includes(id) && !deleted.includes(id));

/** Until the run reports IN-PROGRESS, or ends, or the bound passes (the checks after it then say what went wrong). */
function untilInProgress(run: LifecycleRun): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, BOUND_MS);
    run.onSnapshot(({ value, context }) => {
      if (context.status === 'IN-PROGRESS' || ['done', 'cancelled', 'failed'].includes(String(value))) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

async function settleBoth(a: LifecycleRun, b: LifecycleRun) {
  const [first, second] = await Promise.all([a.settled(BOUND_MS), b.settled(BOUND_MS)]);
  a.actor.stop();
  b.actor.stop();
  return [first, second] as const;
}

async function race(kind: Race, transport: ProgressTransport): Promise<RaceOutcome> {
  const daemon: Daemon = await openDaemon();
  const problems: string[] = [];
  let typedConflict = false;
  let attached = false;
  // the second app: its own client, its own actors
  const other: BackupClient = createBackupClient({ baseUrl: daemon.url });
  const { admin } = daemon.current;
  let maxCreations = 0;
  let maxRestorations = 0;
  const sampler = setInterval(() => {
    const { creations, restorations } = admin.operations();
    maxCreations = Math.max(maxCreations, creations.length);
    maxRestorations = Math.max(maxRestorations, restorations.length);
  }, 5);
  try {
    const lifecycle = kind === 'start' ? 'backup' : 'restore';
    const baseline: Baseline = await prepareBaseline(daemon, lifecycle, 600);
    const before = await listBackups(daemon.url);
    const journalBefore = admin.journal().length;
    let deleted: string[] = [];
    if (kind === 'start' || kind === 'restore') {
      const a = startLifecycle(daemon, baseline, { transport, options: RELIABILITY_OPTIONS });
      const b = startLifecycle(daemon, baseline, { transport, options: RELIABILITY_OPTIONS });
      const ends = await settleBoth(a, b);
      const done = ends.filter((end) => end.kind === 'settled' && end.end === 'done');
      const conflicts = ends.filter((end) => end.context.error?.kind === 'conflict');
      typedConflict = done.length === 1 && conflicts.length === 1;
      // both done is right only when the second joined the first: one operation in the journal
      attached = done.length === 2 && admin.journal().length - journalBefore === 1;
      if (!typedConflict && !attached) problems.push(`ends ${ends.map(describeSettlement).join(' / ')}`);
      if (kind === 'start') {
        const created = (await listBackups(daemon.url)).filter((id) => !before.includes(id));
        if (created.length !== 1) problems.push(`${created.length} new backups`);
      } else if (admin.listAssets().map((asset) => asset.id).join() !== baseline.backupAssets.join()) {
        problems.push('the database is not the backup');
      }
    } else if (kind === 'cancel') {
      // app A restores; both apps cancel it at once
      const a = startLifecycle(daemon, baseline, { transport, options: RELIABILITY_OPTIONS });
      await untilInProgress(a);
      const [, theirs] = await Promise.allSettled([Promise.resolve(a.cancel()), other.cancel('restoration', baseline.backupId!)]);
      const end = await a.settled(BOUND_MS);
      a.actor.stop();
      if (theirs.status === 'rejected') problems.push(`the second cancel was refused: ${errorText(theirs.reason)}`);
      if (end.kind !== 'settled' || end.end !== 'cancelled') problems.push(`restore ended ${describeSettlement(end)}`);
      if (!admin.readDatabaseBytes().equals(baseline.databaseBytes)) problems.push('cancelled, but the database changed');
    } else if (kind === 'delete') {
      const id = baseline.backupId!;
      const results = await Promise.allSettled([createBackupClient({ baseUrl: daemon.url }).delete(id), other.delete(id)]);
      const ok = results.filter((result) => result.status === 'fulfilled').length;
      const notFound = results.filter((result) => result.status === 'rejected' && isNotFoundError(result.reason)).length;
      // the loser of a delete race finds nothing to delete: NotFoundError (404)
      typedConflict = ok === 1 && notFound === 1;
      if (!typedConflict) problems.push(`deletes: ${results.map((result) => (result.status === 'fulfilled' ? '204' : errorText(result.reason))).join(' / ')}`);
      deleted = [id];
    } else {
      // app A restores a backup; app B deletes it meanwhile: 409, and the restore completes
      const a = startLifecycle(daemon, baseline, { transport, options: RELIABILITY_OPTIONS });
      await untilInProgress(a);
      const refused = await other.delete(baseline.backupId!).then(
        () => undefined,
        (error: unknown) => error,
      );
      typedConflict = isConflictError(refused);
      if (!typedConflict) problems.push(`delete during restore: ${refused === undefined ? 'accepted' : errorText(refused)}`);
      const end = await a.settled(BOUND_MS);
      a.actor.stop();
      if (end.kind !== 'settled' || end.end !== 'done') problems.push(`restore ended ${describeSettlement(end)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const after = await listBackups(daemon.url);
    const missing = lost(before, after, deleted);
    if (missing.length > 0) problems.push(`lost backups: ${missing.join(', ')}`);
    problems.push(...overlaps(admin.journal()));
    if (maxCreations > 1 || maxRestorations > 1) problems.push(`${maxCreations} creations, ${maxRestorations} restorations at once`);
    const stray = strayFiles(daemon.dataDir);
    if (stray.length > 0) problems.push(`stray files: ${stray.join(', ')}`);
    const integrity = databaseIntegrity(daemon.dataDir);
    if (integrity !== 'ok') problems.push(`integrity_check: ${integrity}`);
  } catch (error) {
    problems.push(`harness: ${errorText(error)}`);
  } finally {
    clearInterval(sampler);
    await daemon.dispose();
  }
  return { problems, typedConflict, attached };
}

export async function concurrency(scale: Scale): Promise<ProbeResult> {
  const full = scale === 'full';
  const report = new ProbeReport('concurrency', 'Concurrency: two apps racing to start, restore, cancel and delete the same backups');
  const rounds = full ? 4 : 1;
  const cases = RACES.flatMap((kind) => TRANSPORTS.flatMap((transport) => Array.from({ length: rounds }, () => ({ kind, transport }))));
  const rejections = trackUnhandledRejections();
  let wrong = 0;
  let conflicts = 0;
  let attached = 0;
  try {
    await pool(cases, full ? 4 : 3, async ({ kind, transport }) => {
      const outcome = await race(kind, transport);
      if (outcome.typedConflict) conflicts += 1;
      if (outcome.attached) attached += 1;
      if (outcome.problems.length > 0) {
        wrong += 1;
        report.fail(`${kind} over ${transport}: ${outcome.problems.join('; ')}`);
      }
    });
  } finally {
    rejections.dispose();
  }
  return report.finish(
    [
      atLeast('races', cases.length, full ? 60 : 15),
      atMost('races with two operations of a kind at once, a wrong end or a loss', wrong, 0),
      // a double cancel has no loser: both are accepted and the restore ends cancelled
      atLeast('losers told with the typed error (or joined the same restore)', conflicts + attached, cases.filter((c) => c.kind !== 'cancel').length),
      atMost('unhandled rejections', rejections.reasons.length, 0),
    ],
    { 'typed refusals (ConflictError / conflict / NotFoundError)': conflicts, 'WebSocket restores joined the running one': attached },
  );
}
