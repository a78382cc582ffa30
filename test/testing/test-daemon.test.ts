import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBackupActor, createRestoreActor } from '../../machines/index.js';
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

describe('startTestDaemon: seeded backups with a timestamp, device and size', () => {
  it('seeds them at start in the order given, listed newest first, each restorable to its own assets', async () => {
    const daemon = await startTestDaemon({
      assets: 2,
      version: '10.1.4',
      backups: [
        { timestamp: '2026-11-01T06:00:00Z', deviceName: 'laptop', bytes: 1_000 },
        { timestamp: '2026-11-02T06:00:00+02:00', assets: 5 },
        { timestamp: '2026-10-15T12:00:00Z', version: '11.0.0' },
      ],
    });
    try {
      const [first, second, third] = daemon.seededBackups;
      expect(first).toMatchObject({ timestamp: String(Date.parse('2026-11-01T06:00:00Z')), device_name: 'laptop', bytes: 1_000, version: '10.1.4' });
      expect(second).toMatchObject({ timestamp: String(Date.parse('2026-11-02T04:00:00Z')), version: '10.1.4' });
      expect(third).toMatchObject({ id: `11.0.0_${Date.parse('2026-10-15T12:00:00Z')}`, version: '11.0.0' });
      // seeding a backup of other assets put the database back
      expect(daemon.assets()).toHaveLength(2);
      const { iterable } = await daemon.client.list();
      expect(iterable.map((backup) => backup.id)).toEqual([second!.id, first!.id, third!.id]);

      const restore = track(createRestoreActor(daemon.client));
      restore.send({ type: 'RESTORE', backupId: second!.id, confirm: true });
      await waitForState(restore, 'done', { timeoutMs: 5_000 });
      expect(daemon.assets()).toHaveLength(5);
      // no creation ran to make them
      expect(daemon.admin.journal().map((record) => record.kind)).toEqual(['restoration']);
    } finally {
      await daemon.stop();
    }
  });

  it('seedBackup() during a test; a bad seed throws with the reason; a bad seed at start stops the daemon and rejects', async () => {
    const daemon = await startTestDaemon({ assets: 1, signedIn: false });
    try {
      const backup = daemon.seedBackup({ timestamp: '2025-01-01T00:00:00Z', assets: 3 });
      expect(daemon.assets()).toHaveLength(1);
      expect(daemon.admin.getState().signedIn).toBe(false);
      daemon.signIn();
      expect((await daemon.client.list()).iterable.map((item) => item.id)).toEqual([backup.id]);
      expect(() => daemon.seedBackup({ timestamp: '2025-13-01T00:00:00Z' })).toThrow(/not an ISO-8601 date-time/);
      expect(() => daemon.seedBackup({ timestamp: '2025-01-01T00:00:00Z', bytes: -5 })).toThrow(/bytes must be a non-negative integer/);
    } finally {
      await daemon.stop();
    }
    await expect(startTestDaemon({ backups: [{ timestamp: 'tomorrow' }] })).rejects.toThrow(/timestamp "tomorrow"/);
  });
});

describe('startTestDaemon: the organisation switches and the version', () => {
  it('switchOff() answers enabled: false with the reason on /user/has_feature_access; switchOn() undoes it; options set them at start', async () => {
    const daemon = await startTestDaemon({ assets: 1, enterpriseUser: true, features: { DELETE_CLOUD_BACKUP: { enabled: false, reason: 'kept by policy' } } });
    const ask = async (feature: string) =>
      (await fetch(`${daemon.url}/user/has_feature_access`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ feature }) })).json();
    try {
      expect(await ask('DELETE_CLOUD_BACKUP')).toEqual({ canUse: true, enabled: false, isEnterpriseUser: true, reason: 'kept by policy' });
      daemon.switchOff('RESTORE_CLOUD_BACKUP', 'no restores on Fridays');
      expect(await ask('RESTORE_CLOUD_BACKUP')).toEqual({ canUse: true, enabled: false, isEnterpriseUser: true, reason: 'no restores on Fridays' });
      daemon.switchOff('CLOUD_BACKUP_CREATION');
      expect(await ask('CLOUD_BACKUP_CREATION')).toEqual({ canUse: true, enabled: false, isEnterpriseUser: true });
      daemon.switchOn('RESTORE_CLOUD_BACKUP');
      expect(await ask('RESTORE_CLOUD_BACKUP')).toEqual({ canUse: true, enabled: true, isEnterpriseUser: true });
      daemon.setState({ version: '10.2.0' });
      expect(await (await fetch(`${daemon.url}/.well-known/version`)).text()).toBe('10.2.0');
    } finally {
      await daemon.stop();
    }
  });
});
