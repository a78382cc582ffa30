import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot } from 'xstate';
import { createRestoreActor, type LifecycleOptions, type RestoreActor } from '../../machines/index.js';
import { sampleAsset } from '../../src/emulator/index.js';
import { createBackup, useEmulator, waitFor } from '../helpers/emulator.js';
import { countedClient, reach, recordStates, settle } from './support/lifecycle-fixture.js';

// The restore lifecycle end to end: confirmation, every transport, cancel back to the
// original database, failures, and a reload.

const emulator = useEmulator({ each: true });
const STREAM: LifecycleOptions['stream'] = { stallTimeoutMs: 2_000, minIntervalMs: 50, maxIntervalMs: 300 };
const actors: RestoreActor[] = [];
afterEach(() => {
  for (const actor of actors.splice(0)) actor.stop();
});
function track(actor: RestoreActor): RestoreActor {
  actors.push(actor);
  return actor;
}

/** A backup of the current database, then a change to the database it would undo. */
async function backupThenChange(rate: number): Promise<{ backupId: string; assetIds: string[] }> {
  const { admin } = emulator.current;
  const assetIds = admin.listAssets().map((asset) => asset.id);
  const backupId = await createBackup(emulator.url);
  admin.upsertAsset(sampleAsset(9_001));
  admin.deleteAsset(assetIds[0]!);
  admin.setState({ rateBytesPerSecond: rate });
  return { backupId, assetIds };
}

describe('restore lifecycle', () => {
  for (const transport of ['websocket', 'ndjson', 'polling'] as const) {
    it(`restores over ${transport}: the local database is the backup's again`, async () => {
      const { backupId, assetIds } = await backupThenChange(400_000);
      const { client, starts } = countedClient(emulator.current);
      const actor = track(createRestoreActor(client, { transport, stream: STREAM }));
      const states = recordStates(actor);
      actor.send({ type: 'RESTORE', backupId, confirm: true });
      const final = await settle(actor);
      expect(states).toEqual(['idle', 'preflight', 'starting', 'running', 'done']);
      expect(final.context).toMatchObject({ backupId, status: 'COMPLETED', percentage: 100, error: null });
      expect(final.context.backup?.id).toBe(backupId);
      expect(emulator.current.admin.listAssets().map((asset) => asset.id)).toEqual(assetIds);
      expect(starts('restoration')).toBe(1);
    });
  }

  it('RESTORE without confirm waits in confirming and sends nothing; DISMISS forgets, CONFIRM restores', async () => {
    const { backupId } = await backupThenChange(50_000_000);
    const { client, http, sockets } = countedClient(emulator.current);
    const actor = track(createRestoreActor(client, { stream: STREAM }));
    actor.send({ type: 'RESTORE', backupId });
    expect(actor.getSnapshot().value).toBe('confirming');
    expect(actor.getSnapshot().context.backupId).toBe(backupId);
    actor.send({ type: 'CANCEL' });
    actor.send({ type: 'RETRY' });
    expect(actor.getSnapshot().value).toBe('confirming');
    actor.send({ type: 'DISMISS' });
    expect(actor.getSnapshot().value).toBe('idle');
    expect(actor.getSnapshot().context.backupId).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(http.requests.length + sockets.sockets.length).toBe(0);

    actor.send({ type: 'RESTORE', backupId });
    actor.send({ type: 'CONFIRM' });
    expect(actor.getSnapshot().value).toBe('preflight');
    expect((await settle(actor)).value).toBe('done');
  });

  for (const transport of ['websocket', 'ndjson', 'polling'] as const) {
    it(`CANCEL over ${transport} ends cancelled only once CANCELED: the original database is back, byte for byte`, async () => {
      const { backupId } = await backupThenChange(100_000);
      const original = emulator.current.admin.readDatabaseBytes();
      const { client, cancels } = countedClient(emulator.current);
      const actor = track(createRestoreActor(client, { transport, stream: STREAM }));
      const states = recordStates(actor);
      actor.send({ type: 'RESTORE', backupId, confirm: true });
      await reach(actor, 'running');
      await waitFor(() => (actor.getSnapshot().context.percentage > 0 ? true : undefined), 'progress');
      actor.send({ type: 'CANCEL' });
      const final = await settle(actor);
      expect(states).toEqual(['idle', 'preflight', 'starting', 'running', 'cancelling', 'cancelled']);
      expect(final.context).toMatchObject({ status: 'CANCELED', tooLateToCancel: false, cancelRequested: true });
      expect(cancels('restoration')).toBe(1);
      expect(emulator.current.admin.readDatabaseBytes().equals(original)).toBe(true);
    });
  }

  for (const [kind, setState, status] of [
    ['update-required', { osUpToDate: false }, 505],
    ['authentication-required', { signedIn: false }, 511],
  ] as const) {
    it(`a restore refused with ${status} fails with kind ${kind}, distinct and carrying the message`, async () => {
      const { backupId } = await backupThenChange(400_000);
      emulator.current.admin.setState(setState);
      const { client, starts } = countedClient(emulator.current);
      const actor = track(createRestoreActor(client, { stream: STREAM }));
      actor.send({ type: 'RESTORE', backupId, confirm: true });
      const failed = await settle(actor);
      expect(failed.value).toBe('failed');
      expect(failed.context.error).toMatchObject({ kind, status });
      expect(failed.context.error?.body?.length).toBeGreaterThan(0);
      // the preflight's GET /backup/{b} meets the refusal first: the restore is never sent
      expect(starts('restoration')).toBe(0);
      // RETRY restores the same backup once the user fixed it
      emulator.current.admin.setState({ osUpToDate: true, signedIn: true });
      actor.send({ type: 'RETRY' });
      const done = await settle(actor);
      expect(done.value).toBe('done');
      expect(done.context.backupId).toBe(backupId);
    });
  }

  it('restoring a backup that does not exist fails with not-found', async () => {
    const { client } = countedClient(emulator.current);
    const actor = track(createRestoreActor(client, { stream: STREAM }));
    actor.send({ type: 'RESTORE', backupId: '9.0.0_42', confirm: true });
    const failed = await settle(actor);
    expect(failed.context.error).toMatchObject({ kind: 'not-found', status: 404 });
  });

  it('restoring another backup while a restoration runs fails with conflict (409)', async () => {
    const other = await createBackup(emulator.url);
    const { backupId } = await backupThenChange(100_000);
    const { client } = countedClient(emulator.current);
    const first = track(createRestoreActor(client, { stream: STREAM }));
    first.send({ type: 'RESTORE', backupId, confirm: true });
    await reach(first, 'running');
    const second = track(createRestoreActor(client, { stream: STREAM }));
    second.send({ type: 'RESTORE', backupId: other, confirm: true });
    const failed = await settle(second);
    expect(failed.context.error).toMatchObject({ kind: 'conflict', status: 409 });
    expect((await settle(first)).value).toBe('done');
  });

  it('resumes a persisted running restore with a new client: done, one restoration started', async () => {
    const { backupId, assetIds } = await backupThenChange(150_000);
    const first = countedClient(emulator.current);
    const before = track(createRestoreActor(first.client, { stream: STREAM }));
    before.send({ type: 'RESTORE', backupId, confirm: true });
    await waitFor(() => (before.getSnapshot().context.percentage > 5 ? true : undefined), 'some progress');
    const saved = JSON.stringify(before.getPersistedSnapshot());
    before.stop();

    const second = countedClient(emulator.current);
    const after = track(createRestoreActor(second.client, { stream: STREAM, snapshot: JSON.parse(saved) as Snapshot<unknown> }));
    expect(after.getSnapshot().value).toBe('running');
    const final = await settle(after);
    expect(final.value).toBe('done');
    expect(first.starts('restoration') + second.starts('restoration')).toBe(1);
    expect(emulator.current.admin.listAssets().map((asset) => asset.id)).toEqual(assetIds);
  });
});
