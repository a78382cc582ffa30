import fs from 'node:fs';
import path from 'node:path';
import { AssetFromJSON, BackupApi, BackupsApi, Configuration, ResponseError } from '@pieces.app/pieces-os-client';
import { describe, expect, it } from 'vitest';
import { sampleAsset } from '../../src/emulator/index.js';
import { useEmulator, waitFor } from '../helpers/emulator.js';

/** The generated client must work against the emulator unchanged: that is what "faithful" means. */
describe('the official @pieces.app/pieces-os-client against the emulator', () => {
  const emulator = useEmulator({ each: true });
  const apis = () => {
    const configuration = new Configuration({ basePath: emulator.url });
    return { backup: new BackupApi(configuration), backups: new BackupsApi(configuration) };
  };

  async function statusOfError(promise: Promise<unknown>): Promise<number> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ResponseError);
    return (error as ResponseError).response.status;
  }

  it('creates, snapshots and reads statuses with decoded models', async () => {
    const { backup, backups } = apis();
    expect((await backups.backupsSnapshot()).iterable).toEqual([]);
    const created = await backups.backupsCreateNewBackup({ seededBackup: {} });
    expect(created.id).toMatch(/^9\.0\.0_\d+$/);
    expect(created.deviceName.length).toBeGreaterThan(0);
    expect(created.created.value).toBeInstanceOf(Date);
    expect(created.platform).toBe('LINUX');

    const snapshot = await backup.backupSpecificBackupSnapshot({ backup: created.id });
    expect(snapshot).toEqual(created);
    const status = await backup.backupSpecificCreationStatus({ backup: created.id });
    expect(status.value).toBe('COMPLETED');
    expect(status.percentage).toBe(100);
    expect(status.backup.deviceName).toBe(created.deviceName);
    expect((await backups.backupsSnapshot()).iterable.map((item) => item.id)).toEqual([created.id]);
  });

  it('backup() and backupAsset() answer 204', async () => {
    const { backup } = apis();
    await expect(backup.backup({})).resolves.toBeUndefined();
    await waitFor(() => (emulator.current.admin.operations().creations.length === 0 ? true : undefined), 'creation end');
    const asset = AssetFromJSON(sampleAsset(3));
    await expect(backup.backupAsset({ asset })).resolves.toBeUndefined();
    expect(fs.existsSync(path.join(emulator.current.dataDir, 'cloud', 'assets', `${asset.id}.json`))).toBe(true);
  });

  it('restores (plain and streamed) and reads the restoration status', async () => {
    const { backup, backups } = apis();
    const created = await backups.backupsCreateNewBackup({});
    const restored = await backup.backupRestoreSpecificBackup({ backup: created.id, backup2: created });
    expect(restored.id).toBe(created.id);
    const status = await backup.backupSpecificRestorationStatus({ backup: created.id });
    expect(status.value).toBe('COMPLETED');
    const frame = await backup.backupRestoreSpecificBackupStreamed({ backup: created.id });
    expect(frame.status).toBe('COMPLETED');
    expect(frame.backup?.id).toBe(created.id);
    const streamedCreation = await backups.backupsCreateNewBackupStreamed({ seededBackup: {} });
    expect(streamedCreation.status).toBe('COMPLETED');
  });

  it('cancels: 204 while in progress, ResponseError 500 when nothing is', async () => {
    const { backup, backups } = apis();
    const created = await backups.backupsCreateNewBackup({});
    expect(await statusOfError(backup.backupSpecificCreationCancel({ backup: created.id }))).toBe(500);
    expect(await statusOfError(backup.backupSpecificRestorationCancel({ backup: created.id }))).toBe(500);

    emulator.current.admin.setState({ rateBytesPerSecond: 20_000 });
    await backup.backup({});
    const running = await waitFor(() => emulator.current.admin.operations().creations[0], 'creation start');
    await expect(backup.backupSpecificCreationCancel({ backup: running.backup.id })).resolves.toBeUndefined();
    const restoring = backup.backupRestoreSpecificBackup({ backup: created.id });
    await waitFor(() => emulator.current.admin.operations().restorations[0], 'restoration start');
    await expect(backup.backupSpecificRestorationCancel({ backup: created.id, backup2: created })).resolves.toBeUndefined();
    expect(await statusOfError(restoring)).toBe(500);
  });

  it('sees 404, 511 and 505 as ResponseErrors and deletes backups', async () => {
    const { backup, backups } = apis();
    expect(await statusOfError(backup.backupSpecificCreationStatus({ backup: '9.0.0_1' }))).toBe(404);
    expect(await statusOfError(backup.backupSpecificRestorationStatus({ backup: '9.0.0_1' }))).toBe(404);
    const created = await backups.backupsCreateNewBackup({});
    await expect(backups.backupsDeleteSpecificBackup({ backup: created.id, backup2: created })).resolves.toBeUndefined();
    emulator.current.admin.setState({ signedIn: false });
    expect(await statusOfError(backups.backupsSnapshot())).toBe(511);
    emulator.current.admin.setState({ signedIn: true, osUpToDate: false });
    expect(await statusOfError(backup.backup({}))).toBe(505);
  });
});
