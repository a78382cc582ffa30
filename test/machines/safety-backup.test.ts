import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot } from 'xstate';
import { createBackupActor, createRestoreActor, type LifecycleOptions, type RestoreActor } from '../../machines/index.js';
import { sampleAsset } from '../../src/emulator/index.js';
import { startTestDaemon, type TestDaemon, type TestDaemonOptions } from '../../src/testing/index.js';
import { waitFor } from '../helpers/emulator.js';
import { countedClient, reach, recordStates, settle } from './support/lifecycle-fixture.js';

// The restore's preflight and safety backup end to end over the real emulator: what the
// database holds before, during and after, and what the daemon was asked to do (its journal).

const STREAM: LifecycleOptions['stream'] = { stallTimeoutMs: 2_000, minIntervalMs: 50, maxIntervalMs: 300 };
const daemons: TestDaemon[] = [];
const actors: RestoreActor[] = [];
afterEach(async () => {
  for (const actor of actors.splice(0)) actor.stop();
  for (const daemon of daemons.splice(0)) await daemon.stop();
});

async function daemonWith(options: TestDaemonOptions = {}): Promise<TestDaemon> {
  const daemon = await startTestDaemon({ assets: 40, ...options });
  daemons.push(daemon);
  return daemon;
}

function restoreActor(daemon: TestDaemon, options: LifecycleOptions = {}) {
  const counted = countedClient(daemon.emulator);
  const actor = createRestoreActor(counted.client, { stream: STREAM, ...options });
  actors.push(actor);
  return { actor, states: recordStates(actor), ...counted };
}

/** What the database holds: every asset's id and content, and the file's hash. */
function databaseOf(daemon: TestDaemon) {
  const assets = daemon.assets().map((asset) => JSON.stringify(asset)).sort();
  return { assets, sha256: createHash('sha256').update(daemon.admin.readDatabaseBytes()).digest('hex') };
}

/** A backup of the database as it is, then a change the restore of it undoes. */
async function backupThenChange(daemon: TestDaemon) {
  const backup = await daemon.createBackup();
  daemon.admin.upsertAsset(sampleAsset(9_001));
  daemon.admin.deleteAsset(daemon.assets()[0]!.id);
  return backup;
}

/** Waits for an end state; the snapshot typed as the restore's own. */
async function settled(actor: RestoreActor) {
  await settle(actor);
  return actor.getSnapshot();
}

const journalOf = (daemon: TestDaemon) => daemon.admin.journal().map(({ kind, status, backup }) => ({ kind, status, id: backup.id }));

describe('restore with a safety backup', () => {
  it('backs the database up first, restores once it is listed, and UNDO brings the database back', async () => {
    const daemon = await daemonWith();
    const backup = await backupThenChange(daemon);
    const before = databaseOf(daemon);
    const { actor, states } = restoreActor(daemon, { safetyBackup: true });

    actor.send({ type: 'RESTORE', backupId: backup.id, confirm: true });
    const restored = await settled(actor);
    expect(states).toEqual(['idle', 'preflight', 'safety', 'starting', 'running', 'done']);
    const { safetyBackupId } = restored.context;
    expect(safetyBackupId).toMatch(/^9\.0\.0_\d+$/);
    expect(restored.context).toMatchObject({ status: 'COMPLETED', backupId: backup.id, safety: { backupId: safetyBackupId, status: 'COMPLETED', percentage: 100 } });
    expect(restored.context.preflight).toMatchObject({ backup: { id: backup.id }, daemonVersion: '9.0.0' });
    expect((await daemon.client.getBackup(safetyBackupId!)).bytes).toBeGreaterThan(0);
    expect(databaseOf(daemon)).not.toEqual(before);
    // the creation ended before the restoration began
    expect(journalOf(daemon).slice(1)).toEqual([
      { kind: 'creation', status: 'COMPLETED', id: safetyBackupId },
      { kind: 'restoration', status: 'COMPLETED', id: backup.id },
    ]);

    actor.send({ type: 'UNDO' });
    const undone = await settled(actor);
    expect(undone.value).toBe('done');
    expect(undone.context).toMatchObject({ backupId: safetyBackupId, safetyBackup: false, safetyBackupId: null });
    expect(databaseOf(daemon)).toEqual(before);
    // UNDO made no safety backup of its own
    expect(journalOf(daemon).slice(3)).toEqual([{ kind: 'restoration', status: 'COMPLETED', id: safetyBackupId }]);
  });

  it('the machine option is off by default; RESTORE { safetyBackup: true } asks for one, { safetyBackup: false } skips it', async () => {
    const daemon = await daemonWith();
    const backup = await backupThenChange(daemon);
    const plain = restoreActor(daemon);
    plain.actor.send({ type: 'RESTORE', backupId: backup.id, confirm: true });
    expect((await settled(plain.actor)).context.safetyBackupId).toBeNull();
    expect(plain.starts('creation')).toBe(0);

    const skipping = restoreActor(daemon, { safetyBackup: true });
    skipping.actor.send({ type: 'RESTORE', backupId: backup.id, confirm: true, safetyBackup: false });
    await settled(skipping.actor);
    expect(skipping.states).toEqual(['idle', 'preflight', 'starting', 'running', 'done']);
    expect(skipping.starts('creation')).toBe(0);

    const asking = restoreActor(daemon);
    asking.actor.send({ type: 'RESTORE', backupId: backup.id, confirm: true, safetyBackup: true });
    expect((await settled(asking.actor)).context.safetyBackupId).not.toBeNull();
    expect(asking.starts('creation')).toBe(1);
  });

  it('CANCEL during the safety backup cancels that creation: cancelled, no restoration started, database untouched', async () => {
    const daemon = await daemonWith({ rateBytesPerSecond: 20_000 });
    const backup = await backupThenChange(daemon);
    const before = databaseOf(daemon);
    const { actor, states, starts, cancels } = restoreActor(daemon, { safetyBackup: true });
    actor.send({ type: 'RESTORE', backupId: backup.id, confirm: true });
    await reach(actor, 'safety');
    await waitFor(() => (actor.getSnapshot().context.safety?.backupId ? true : undefined), 'the safety backup named');
    actor.send({ type: 'CANCEL' });
    const final = await settled(actor);
    expect(final.value).toBe('cancelled');
    expect(states).toEqual(['idle', 'preflight', 'safety', 'safetyCancelling', 'cancelled']);
    expect(final.context).toMatchObject({ safetyBackupId: null, safety: { status: 'CANCELED' } });
    expect(cancels('creation')).toBe(1);
    expect(starts('restoration')).toBe(0);
    expect(journalOf(daemon).slice(1)).toEqual([{ kind: 'creation', status: 'CANCELED', id: final.context.safety!.backupId }]);
    expect(databaseOf(daemon)).toEqual(before);
  });

  it('a safety backup that fails never starts the restore; the user may then restore without one', async () => {
    const daemon = await daemonWith({ rateBytesPerSecond: 50_000 });
    const backup = await backupThenChange(daemon);
    const before = databaseOf(daemon);
    const { actor, starts } = restoreActor(daemon, { safetyBackup: true });
    actor.send({ type: 'RESTORE', backupId: backup.id, confirm: true });
    await waitFor(() => (actor.getSnapshot().context.safety?.backupId ? true : undefined), 'the safety backup named');
    daemon.fail('creation', 'disk full');
    const failed = await settled(actor);
    expect(failed.value).toBe('failed');
    expect(failed.context.error).toMatchObject({ kind: 'safety-backup-failed', name: 'SafetyBackupFailedError', outcomeUnknown: false });
    expect(failed.context.error?.userAction).toContain('restore without a safety backup');
    expect(starts('restoration')).toBe(0);
    expect(databaseOf(daemon)).toEqual(before);

    daemon.setState({ rateBytesPerSecond: 50_000_000 });
    actor.send({ type: 'RESTORE', backupId: backup.id, confirm: true, safetyBackup: false });
    expect((await settled(actor)).value).toBe('done');
    expect(starts('restoration')).toBe(1);
  });

  it('a persisted snapshot taken during the safety backup resumes it with a new client: one creation, one restoration', async () => {
    const daemon = await daemonWith({ rateBytesPerSecond: 60_000 });
    const backup = await backupThenChange(daemon);
    const { actor } = restoreActor(daemon, { safetyBackup: true });
    actor.send({ type: 'RESTORE', backupId: backup.id, confirm: true });
    await waitFor(() => ((actor.getSnapshot().context.safety?.percentage ?? 0) > 0 ? true : undefined), 'safety progress');
    const saved = JSON.stringify(actor.getPersistedSnapshot());
    actor.stop();

    const second = countedClient(daemon.emulator);
    const resumed = createRestoreActor(second.client, { stream: STREAM, snapshot: JSON.parse(saved) as Snapshot<unknown> });
    actors.push(resumed);
    expect(resumed.getSnapshot().value).toBe('safety');
    daemon.setState({ rateBytesPerSecond: 50_000_000 });
    const final = await settled(resumed);
    expect(final.value).toBe('done');
    expect(second.starts('creation')).toBe(0);
    expect(journalOf(daemon).slice(1).map(({ kind, status }) => `${kind} ${status}`)).toEqual(['creation COMPLETED', 'restoration COMPLETED']);
    expect(final.context.safetyBackupId).toBe(journalOf(daemon)[1]!.id);
  });

  it('the safety backup deleted before UNDO: not-found, nothing replaced', async () => {
    const daemon = await daemonWith();
    const backup = await backupThenChange(daemon);
    const { actor, starts } = restoreActor(daemon, { safetyBackup: true });
    actor.send({ type: 'RESTORE', backupId: backup.id, confirm: true });
    const { context } = await settled(actor);
    await daemon.client.delete(context.safetyBackupId!);
    const after = databaseOf(daemon);

    actor.send({ type: 'UNDO' });
    const failed = await settled(actor);
    expect(failed.value).toBe('failed');
    expect(failed.context.error).toMatchObject({ kind: 'not-found', name: 'NotFoundError', status: 404, outcomeUnknown: false });
    expect(starts('restoration')).toBe(1);
    expect(databaseOf(daemon)).toEqual(after);
  });

  it('UNDO without a safety backup on record is not taken', async () => {
    const daemon = await daemonWith();
    const backup = await backupThenChange(daemon);
    const { actor } = restoreActor(daemon);
    actor.send({ type: 'RESTORE', backupId: backup.id, confirm: true });
    await settled(actor);
    actor.send({ type: 'UNDO' });
    expect(actor.getSnapshot().value).toBe('done');
  });
});

describe('restore preflight', () => {
  it('refuses a backup made by a newer Pieces OS before sending anything; force restores it', async () => {
    const daemon = await daemonWith({ backups: [{ timestamp: '2026-12-01T06:00:00Z', version: '99.0.0', assets: 5 }] });
    const newer = daemon.seededBackups[0]!;
    const { actor, http, starts } = restoreActor(daemon, { safetyBackup: true });
    actor.send({ type: 'RESTORE', backupId: newer.id, confirm: true });
    const failed = await settled(actor);
    expect(failed.value).toBe('failed');
    expect(failed.context.error).toMatchObject({
      kind: 'backup-too-new',
      name: 'BackupTooNewError',
      outcomeUnknown: false,
      userAction: 'Update Pieces OS to 99.0.0 or newer before restoring this backup.',
    });
    expect(http.requests.every((request) => request.method === 'GET' || request.url.endsWith('/user/has_feature_access'))).toBe(true);
    expect(daemon.admin.journal()).toEqual([]);

    actor.send({ type: 'RESTORE', backupId: newer.id, confirm: true, force: true });
    const done = await settled(actor);
    expect(done.value).toBe('done');
    expect(starts('restoration')).toBe(1);
    expect(daemon.assets()).toHaveLength(5);
  });

  it('RESTORE_CLOUD_BACKUP switched off: feature-disabled with the reason, nothing sent; on again, RETRY restores', async () => {
    const daemon = await daemonWith();
    const backup = await backupThenChange(daemon);
    daemon.switchOff('RESTORE_CLOUD_BACKUP', 'disabled by your organisation');
    const { actor, starts } = restoreActor(daemon);
    actor.send({ type: 'RESTORE', backupId: backup.id, confirm: true });
    const failed = await settled(actor);
    expect(failed.context.error).toMatchObject({ kind: 'feature-disabled', name: 'FeatureDisabledError', outcomeUnknown: false });
    expect(failed.context.error?.userAction).toBe(
      'Your organisation has switched RESTORE_CLOUD_BACKUP off (disabled by your organisation): ask its administrator to allow it.',
    );
    expect(starts('restoration')).toBe(0);
    expect(daemon.admin.journal().length).toBe(1);

    daemon.switchOn('RESTORE_CLOUD_BACKUP');
    actor.send({ type: 'RETRY' });
    expect((await settled(actor)).value).toBe('done');
  });

  it('CLOUD_BACKUP_CREATION switched off refuses a restore that wants a safety backup: no creation, no restoration', async () => {
    const daemon = await daemonWith({ backups: 1 });
    daemon.switchOff('CLOUD_BACKUP_CREATION');
    const { actor, starts } = restoreActor(daemon, { safetyBackup: true });
    actor.send({ type: 'RESTORE', backupId: daemon.seededBackups[0]!.id, confirm: true });
    const failed = await settled(actor);
    expect(failed.context.error).toMatchObject({ kind: 'feature-disabled', message: expect.stringContaining('CLOUD_BACKUP_CREATION') });
    expect(starts('creation') + starts('restoration')).toBe(0);
    expect(daemon.admin.journal()).toEqual([]);
  });

  it('a backup that does not exist: not-found, nothing started; CANCEL during the preflight ends cancelled', async () => {
    const daemon = await daemonWith();
    const { actor, starts } = restoreActor(daemon);
    actor.send({ type: 'RESTORE', backupId: '9.0.0_42', confirm: true });
    expect((await settled(actor)).context.error).toMatchObject({ kind: 'not-found', status: 404, outcomeUnknown: false });

    const backup = await daemon.createBackup();
    daemon.inject({ operation: 'get_well_known_version', latencyMs: 1_000, times: 1 });
    actor.send({ type: 'RESTORE', backupId: backup.id, confirm: true });
    actor.send({ type: 'CANCEL' });
    expect(actor.getSnapshot().value).toBe('cancelled');
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(actor.getSnapshot().value).toBe('cancelled');
    expect(starts('restoration')).toBe(0);
  });

  it('a daemon whose version stays unreadable: failed after the outage bound, nothing started; RETRY runs the preflight again', async () => {
    const daemon = await daemonWith();
    const backup = await backupThenChange(daemon);
    daemon.inject({ operation: 'get_well_known_version', status: 503 });
    const { actor, starts } = restoreActor(daemon, { stream: { ...STREAM, outageTimeoutMs: 400 } });
    actor.send({ type: 'RESTORE', backupId: backup.id, confirm: true });
    const failed = await settled(actor);
    expect(failed.context.error).toMatchObject({ kind: 'server', status: 503, outcomeUnknown: false });
    expect(starts('restoration')).toBe(0);
    daemon.clearFaults();
    actor.send({ type: 'RETRY' });
    const done = await settled(actor);
    expect(done.value).toBe('done');
    expect(starts('restoration')).toBe(1);
  });
});

describe('backup lifecycle: the creation switch', () => {
  it('CLOUD_BACKUP_CREATION switched off: feature-disabled before anything is sent; on again, RETRY creates', async () => {
    const daemon = await daemonWith();
    daemon.switchOff('CLOUD_BACKUP_CREATION', 'backups are managed centrally');
    const counted = countedClient(daemon.emulator);
    const actor = createBackupActor(counted.client, { stream: STREAM });
    actor.send({ type: 'START' });
    await waitFor(() => (actor.getSnapshot().value === 'failed' ? true : undefined), 'failed');
    expect(actor.getSnapshot().context.error).toMatchObject({ kind: 'feature-disabled', name: 'FeatureDisabledError', outcomeUnknown: false });
    expect(counted.starts('creation')).toBe(0);
    expect(daemon.admin.journal()).toEqual([]);

    daemon.switchOn('CLOUD_BACKUP_CREATION');
    actor.send({ type: 'RETRY' });
    await waitFor(() => (actor.getSnapshot().value === 'done' ? true : undefined), 'done');
    expect(counted.starts('creation')).toBe(1);
    actor.stop();
  });
});
