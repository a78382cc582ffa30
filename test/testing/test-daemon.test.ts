import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBackupActor, createRestoreActor } from '../../src/index.js';
import { startTestDaemon, useTestDaemon, waitForState } from '../../src/testing/index.js';

// The kit against itself: only its public exports and the library's.

const actors: Array<{ stop(): void }> = [];
afterEach(() => {
  for (const actor of actors.splice(0)) actor.stop();
});
function track<T extends { stop(): void }>(actor: T): T {
  actors.push(actor);
  return actor;
}

describe('useTestDaemon', () => {
  const daemon = useTestDaemon({ beforeEach, afterEach }, { assets: 3, backups: 1 });

  it('starts seeded: the assets, and a real backup of them', async () => {
    expect(daemon.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(daemon.assets()).toHaveLength(3);
    expect(daemon.seededBackups).toHaveLength(1);
    const { iterable } = await daemon.client.list();
    expect(iterable.map((backup) => backup.id)).toEqual([daemon.seededBackups[0]!.id]);
  });

  it('a backup lifecycle reaches done', async () => {
    const backup = track(createBackupActor(daemon.client));
    backup.send({ type: 'START' });
    const done = await waitForState(backup, 'done', { timeoutMs: 5_000 });
    expect(done.context).toMatchObject({ status: 'COMPLETED', percentage: 100, error: null });
    const { iterable } = await daemon.client.list();
    expect(iterable.map((item) => item.id)).toContain(done.context.backupId);
    expect(iterable).toHaveLength(2);
  });

  it("a restore brings the asset count back to the backup's", async () => {
    daemon.setAssets(7);
    expect(daemon.assets()).toHaveLength(7);
    const restore = track(createRestoreActor(daemon.client));
    restore.send({ type: 'RESTORE', backupId: daemon.seededBackups[0]!.id, confirm: true });
    await waitForState(restore, 'done', { timeoutMs: 5_000 });
    expect(daemon.assets()).toHaveLength(3);
  });

  it('signOut() makes the next backup fail with authentication-required (511)', async () => {
    daemon.signOut();
    const backup = track(createBackupActor(daemon.client));
    backup.send({ type: 'START' });
    const failed = await waitForState(backup, 'failed', { timeoutMs: 5_000 });
    expect(failed.context.error).toMatchObject({ kind: 'authentication-required', status: 511, outcomeUnknown: false });
  });

  it('outdate() answers 505: update-required', async () => {
    daemon.outdate('8.0.0');
    const backup = track(createBackupActor(daemon.client, { transport: 'ndjson' }));
    backup.send({ type: 'START' });
    const failed = await waitForState(backup, 'failed', { timeoutMs: 5_000 });
    expect(failed.context.error).toMatchObject({ kind: 'update-required', status: 505 });
    expect(failed.context.error?.body).toMatch(/8\.0\.0/);
  });

  it('fail() ends the running creation: the lifecycle fails, nothing is added', async () => {
    daemon.setState({ rateBytesPerSecond: 20_000 }); // slow enough to be caught running
    const backup = track(createBackupActor(daemon.client));
    backup.send({ type: 'START' });
    await waitForState(backup, 'running', { timeoutMs: 5_000 });
    daemon.fail('creation', 'disk full');
    const failed = await waitForState(backup, 'failed', { timeoutMs: 5_000 });
    expect(failed.context).toMatchObject({ status: 'FAILED', error: { kind: 'server', outcomeUnknown: false } });
    expect((await daemon.client.list()).iterable).toHaveLength(1);
  });

  it('inject() a fault: the start answers 500 and the backup fails with its body', async () => {
    daemon.inject({ operation: 'backups_create_new_backup_streamed', status: 500, body: 'disk full', times: 1 });
    const backup = track(createBackupActor(daemon.client, { transport: 'ndjson' }));
    backup.send({ type: 'START' });
    const failed = await waitForState(backup, 'failed', { timeoutMs: 5_000 });
    expect(failed.context.error).toMatchObject({ kind: 'server', status: 500 });
    expect(failed.context.error?.body).toMatch(/^disk full/);
    // times: 1, so a retry goes through
    backup.send({ type: 'RETRY' });
    await waitForState(backup, 'done', { timeoutMs: 5_000 });
  });
});

describe('startTestDaemon', () => {
  it('seeds backups of their own assets, then applies the account; stop() shuts it down', async () => {
    const daemon = await startTestDaemon({ assets: 2, backups: [{ assets: 4 }, {}], osUpToDate: false, version: '8.1.0' });
    try {
      expect(daemon.assets()).toHaveLength(2);
      expect(daemon.seededBackups.map((backup) => backup.version)).toEqual(['8.1.0', '8.1.0']);
      expect(daemon.emulator.admin.getState()).toMatchObject({ osUpToDate: false, signedIn: true, version: '8.1.0' });

      daemon.setState({ osUpToDate: true });
      const restore = track(createRestoreActor(daemon.client));
      restore.send({ type: 'RESTORE', backupId: daemon.seededBackups[0]!.id, confirm: true });
      await waitForState(restore, 'done', { timeoutMs: 5_000 });
      expect(daemon.assets()).toHaveLength(4);
    } finally {
      await daemon.stop();
    }
    await expect(fetch(`${daemon.url}/backups`)).rejects.toThrow();
    await daemon.stop();
  });
});
