import { afterEach, describe, expect, it } from 'vitest';
import { checkOutcome } from '../../src/streams/index.js';
import { resolveLifecycleOptions } from '../../machines/lifecycle-options.js';
import type { Snapshot } from 'xstate';
import { createBackupClient, type ProgressTransport } from '../../src/index.js';
import { createBackupActor } from '../../machines/index.js';
import { waitFor } from '../helpers/emulator.js';
import type { OperationKind } from '../../src/streams/index.js';
import { openDaemon, type Daemon } from '../faults/daemon.js';
import {
  FAST_OPTIONS,
  describeSettlement,
  startLifecycle,
  type FaultLifecycleOptions,
  type LifecycleRun,
  type Settlement,
} from '../faults/lifecycle-run.js';
import { judge, observeTruth, prepareBaseline, type Baseline, type Lifecycle } from '../faults/truth.js';

// RETRY after an unknown outcome asks the daemon before it starts anything (issue #8): each
// case loses the start's answer on a real emulator, sends RETRY, and counts the operations
// the daemon ran in its own journal.

const BOUND_MS = 20_000;
// fast polls and retries, but a stall limit a slow first frame on two busy cores does not reach
const OPTIONS: FaultLifecycleOptions = { ...FAST_OPTIONS, stream: { ...FAST_OPTIONS.stream, stallTimeoutMs: 1_500 } };
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(lifecycle: Lifecycle, durationMs = 1_500): Promise<{ daemon: Daemon; baseline: Baseline }> {
  const daemon = await openDaemon();
  cleanups.push(() => daemon.dispose());
  return { daemon, baseline: await prepareBaseline(daemon, lifecycle, durationMs) };
}

function start(daemon: Daemon, baseline: Baseline, transport: ProgressTransport = 'websocket'): LifecycleRun {
  const run = startLifecycle(daemon, baseline, { transport, options: OPTIONS });
  cleanups.push(() => run.actor.stop());
  return run;
}

/** Operations of `kind` the daemon started, from its journal (the setup's own backup excluded by the caller). */
const started = (daemon: Daemon, kind: OperationKind) => daemon.current.admin.journal().filter((record) => record.kind === kind);

/** RETRY, then where it settles; the states it went through are in `run.states`. */
async function retry(run: LifecycleRun): Promise<Settlement> {
  (run.actor as unknown as { send(event: { type: 'RETRY' }): void }).send({ type: 'RETRY' });
  return run.settled(BOUND_MS);
}

function expectOutcomeUnknown(settlement: Settlement): void {
  expect(describeSettlement(settlement)).toMatch(/^failed/);
  expect(settlement.context.error?.outcomeUnknown, describeSettlement(settlement)).toBe(true);
}

async function expectTruthful(daemon: Daemon, baseline: Baseline, settlement: Settlement): Promise<void> {
  if (settlement.kind !== 'settled') throw new Error(describeSettlement(settlement));
  expect(judge(baseline, settlement.end, settlement.context, await observeTruth(daemon)).reasons).toEqual([]);
}

/**
 * A creation the daemon runs while its start's answer is lost: the socket drops before the
 * first frame, and the progress socket, asked at once, stays silent past the stall timeout.
 */
function loseCreationAnswer(daemon: Daemon): void {
  daemon.current.admin.injectFault({ operation: 'backups_create_streamed_websocket', resetAfterFrames: 0, times: 1 });
  daemon.current.admin.injectFault({ operation: 'backups_streamed_progress_websocket', stallAfterFrames: 0, times: 1 });
}

/**
 * A restoration the daemon runs while its start's answer is lost: its status is not found
 * before the request (the baseline), then unreadable once (400) when the lost start is
 * looked at. (A 404 there would prove nothing ran: the start would be made again by itself.)
 */
function loseRestorationAnswer(daemon: Daemon): void {
  daemon.current.admin.injectFault({ operation: 'backup_restore_streamed_websocket', resetAfterFrames: 0, times: 1 });
  daemon.current.admin.injectFault({ operation: 'backup_specific_restoration_status', status: 404, times: 1 });
  daemon.current.admin.injectFault({ operation: 'backup_specific_restoration_status', status: 400, times: 1 });
}

/**
 * The start is dropped before it reaches the daemon, and the first look cannot tell: the
 * progress socket answers 404 once (a creation), the baseline is unreadable (a restoration:
 * a 404 after it then proves nothing only to RETRY's check, which asks by status alone).
 */
// The start is reset after it was written (NDJSON's POST: the transport cannot tell whether it
// left, unlike a WebSocket whose upgrade never completed, which is started again by itself),
// and the first look at the daemon fails: the outcome is unknown until RETRY looks again.
function loseStartUnseen(daemon: Daemon, lifecycle: Lifecycle): void {
  const { admin } = daemon.current;
  if (lifecycle === 'backup') {
    admin.injectFault({ operation: 'backups_create_new_backup_streamed', reset: true, times: 1 });
    admin.injectFault({ operation: 'backups_streamed_progress_websocket', status: 404, times: 1 });
  } else {
    admin.injectFault({ operation: 'backup_specific_restoration_status', status: 400, times: 1 });
    admin.injectFault({ operation: 'backup_restore_specific_backup_streamed', reset: true, times: 1 });
  }
}

describe('RETRY after an unknown outcome asks the daemon first', () => {
  it('backup: the start answer is lost while the daemon runs it -> RETRY re-attaches -> done, one creation', async () => {
    const { daemon, baseline } = await setUp('backup', 4_000);
    loseCreationAnswer(daemon);
    const run = start(daemon, baseline);
    const lost = await run.settled(BOUND_MS);
    expectOutcomeUnknown(lost);
    expect(lost.context.backupId).toBeNull();
    expect(daemon.current.admin.operations().creations, 'the daemon still runs it').toHaveLength(1);

    const settlement = await retry(run);

    expect(describeSettlement(settlement)).toBe('done');
    expect(run.states.slice(-3)).toEqual(['checking', 'running', 'done']);
    expect(started(daemon, 'creation')).toHaveLength(1);
    expect(settlement.context.backupId).toBe(started(daemon, 'creation')[0]!.backup.id);
    await expectTruthful(daemon, baseline, settlement);
  });

  it('backup: the start answer is lost and the daemon completes it before RETRY -> done with that backup, one creation', async () => {
    const { daemon, baseline } = await setUp('backup', 1_500);
    loseCreationAnswer(daemon);
    const run = start(daemon, baseline);
    expectOutcomeUnknown(await run.settled(BOUND_MS));
    await observeTruth(daemon); // until the daemon runs nothing

    const settlement = await retry(run);

    expect(describeSettlement(settlement)).toBe('done');
    expect(started(daemon, 'creation')).toHaveLength(1);
    expect(settlement.context.backupId).toBe(started(daemon, 'creation')[0]!.backup.id);
    await expectTruthful(daemon, baseline, settlement);
  });

  it('restore: the start answer is lost while the daemon restores -> RETRY -> done, one restoration', async () => {
    const { daemon, baseline } = await setUp('restore', 3_000);
    loseRestorationAnswer(daemon);
    const run = start(daemon, baseline);
    const lost = await run.settled(BOUND_MS);
    expectOutcomeUnknown(lost);
    expect(started(daemon, 'restoration')).toHaveLength(1);

    const settlement = await retry(run);

    expect(describeSettlement(settlement)).toBe('done');
    expect(run.states).toContain('checking');
    expect(started(daemon, 'restoration')).toHaveLength(1);
    await expectTruthful(daemon, baseline, settlement);
  });

  it('backup: a refused start (511) is no unknown outcome: RETRY starts again, one creation', async () => {
    const { daemon, baseline } = await setUp('backup');
    daemon.current.admin.setState({ signedIn: false });
    const run = start(daemon, baseline);
    const refused = await run.settled(BOUND_MS);
    expect(describeSettlement(refused)).toMatch(/^failed authentication-required/);
    expect(refused.context.error?.outcomeUnknown).toBe(false);
    daemon.current.admin.setState({ signedIn: true });

    const settlement = await retry(run);

    expect(describeSettlement(settlement)).toBe('done');
    expect(run.states).not.toContain('checking');
    expect(started(daemon, 'creation')).toHaveLength(1);
  });

  for (const lifecycle of ['backup', 'restore'] as const) {
    it(`${lifecycle}: the start never reached the daemon, which shows nothing ran -> RETRY starts exactly one`, async () => {
      const { daemon, baseline } = await setUp(lifecycle);
      const kind = lifecycle === 'backup' ? 'creation' : 'restoration';
      loseStartUnseen(daemon, lifecycle);
      const run = start(daemon, baseline, 'ndjson');
      expectOutcomeUnknown(await run.settled(BOUND_MS));
      expect(started(daemon, kind)).toHaveLength(0);

      const settlement = await retry(run);

      expect(describeSettlement(settlement)).toBe('done');
      expect(run.states.slice(-4)).toEqual(['checking', 'starting', 'running', 'done']);
      expect(started(daemon, kind)).toHaveLength(1);
      await expectTruthful(daemon, baseline, settlement);
    });
  }

  it('backup: the daemon cannot be reached on RETRY -> failed, outcome still unknown, reconnecting shown, nothing started', async () => {
    const { daemon, baseline } = await setUp('backup', 3_000);
    loseCreationAnswer(daemon);
    const run = start(daemon, baseline);
    expectOutcomeUnknown(await run.settled(BOUND_MS));
    daemon.current.admin.injectFault({ operation: 'backups_streamed_progress_websocket', reset: true });
    daemon.current.admin.injectFault({ operation: 'backups_snapshot', status: 503 });
    const retryingBefore = run.retrying.length;

    const settlement = await retry(run);

    expectOutcomeUnknown(settlement);
    expect(settlement.context.error?.kind).toBe('network');
    expect(run.states.slice(-2)).toEqual(['checking', 'failed']);
    expect(run.retrying.length, 'context.retrying while the check retried').toBeGreaterThan(retryingBefore);
    expect(started(daemon, 'creation'), 'only the first creation').toHaveLength(1);
  });

  it('restore: the status cannot be read on RETRY -> failed, outcome still unknown, no second restoration', async () => {
    const { daemon, baseline } = await setUp('restore', 3_000);
    loseRestorationAnswer(daemon);
    const run = start(daemon, baseline);
    expectOutcomeUnknown(await run.settled(BOUND_MS));
    daemon.current.admin.injectFault({ operation: 'backup_specific_restoration_status', status: 503 });

    const settlement = await retry(run);

    expectOutcomeUnknown(settlement);
    expect(settlement.context.error?.status).toBe(503);
    expect(run.states.slice(-2)).toEqual(['checking', 'failed']);
    expect(started(daemon, 'restoration')).toHaveLength(1);
  });
});

describe('a check persisted mid-way', () => {
  it('backup: a snapshot taken while checking resumes the check, never a start -> done, one creation', async () => {
    const { daemon, baseline } = await setUp('backup', 3_000);
    loseCreationAnswer(daemon);
    const run = start(daemon, baseline);
    expectOutcomeUnknown(await run.settled(BOUND_MS));
    // the progress socket is down: the check retries, so it is still checking when persisted
    daemon.current.admin.injectFault({ operation: 'backups_streamed_progress_websocket', reset: true });
    (run.actor as unknown as { send(event: { type: 'RETRY' }): void }).send({ type: 'RETRY' });
    const actor = run.actor as unknown as { getSnapshot(): { value: unknown }; getPersistedSnapshot(): unknown };
    expect(actor.getSnapshot().value).toBe('checking');
    const persisted = JSON.parse(JSON.stringify(actor.getPersistedSnapshot())) as Snapshot<unknown>;
    run.actor.stop();
    daemon.current.admin.clearFaults();

    const resumed = createBackupActor(createBackupClient({ baseUrl: daemon.url }), { ...OPTIONS, snapshot: persisted });
    cleanups.push(() => resumed.stop());
    const end = await waitFor(() => (['done', 'failed', 'cancelled'].includes(String(resumed.getSnapshot().value)) ? resumed.getSnapshot() : undefined), 'the resumed check', BOUND_MS);

    expect(end.value).toBe('done');
    expect(started(daemon, 'creation')).toHaveLength(1);
    expect(end.context.backupId).toBe(started(daemon, 'creation')[0]!.backup.id);
  });
});

describe('checkOutcome', () => {
  it('cannot tell a restoration from an earlier one that ended the same way: OutcomeUnknownError, nothing started', async () => {
    const { daemon, baseline } = await setUp('restore', 300);
    const client = createBackupClient({ baseUrl: daemon.url });
    await client.restore(baseline.backupId!);
    const options = resolveLifecycleOptions(FAST_OPTIONS);
    const ask = (record: { status: 'COMPLETED'; percentage: number } | null) =>
      checkOutcome(client, 'restoration', { backupId: baseline.backupId, requestedAt: null, baseline: { record } }, options.stream, new AbortController().signal);

    await expect(ask({ status: 'COMPLETED', percentage: 100 })).rejects.toMatchObject({ name: 'OutcomeUnknownError' });
    await expect(ask(null)).resolves.toMatchObject({ ran: true, progress: { status: 'COMPLETED', percentage: 100 } });
    expect(started(daemon, 'restoration')).toHaveLength(1);
  });
});
