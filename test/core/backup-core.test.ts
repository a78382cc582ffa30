import { afterEach, describe, expect, it } from 'vitest';
import { createBackupCore, type BackupCore, type BackupCoreOptions } from '../../src/core/index.js';
import { createRestoreActor } from '../../machines/index.js';
import { createBackup, useEmulator } from '../helpers/emulator.js';
import { idle, recordingClient, operationPosts, started, until } from './support.js';

// The core: one object owning the shared stores and the lifecycles, against a real emulator.

const emulator = useEmulator({ each: true, rateBytesPerSecond: 400_000 });
const cores: BackupCore[] = [];
const stops: Array<() => void> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  for (const core of cores.splice(0)) core.dispose();
  await idle(emulator.current);
});
function coreOf(options: BackupCoreOptions = { transport: 'ndjson' }) {
  const { client, requests } = recordingClient(emulator.url);
  const core = createBackupCore(client, options);
  cores.push(core);
  return { core, requests };
}
const observe = (store: { subscribe(listener: () => void): () => void }) => stops.push(store.subscribe(() => undefined));

describe('createBackupCore', () => {
  it('loads the backups once for every subscriber, on the first one', async () => {
    const id = await createBackup(emulator.url);
    const { core, requests } = coreOf();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(requests).toEqual([]); // nothing before a subscriber
    const first = core.backups.subscribe(() => undefined);
    const second = core.backups.subscribe(() => undefined);
    const state = await until(core.backups, (s) => s.status === 'success', 'the list');
    expect(state.backups.map((b) => b.id)).toEqual([id]);
    expect(requests).toEqual(['GET /backups']);
    first();
    second();
    core.backups.subscribe(() => undefined)(); // fresh, so not loaded again
    expect(requests).toEqual(['GET /backups']);
  });

  it('a refresh asked while nobody watches waits for the next subscriber', async () => {
    const { core, requests } = coreOf();
    core.backups.subscribe(() => undefined)();
    await until(core.backups, (s) => s.status === 'success', 'the first load');
    const id = await createBackup(emulator.url);
    core.backups.refresh();
    expect(requests).toEqual(['GET /backups']);
    observe(core.backups);
    const state = await until(core.backups, (s) => s.backups.length === 1, 'the refreshed list');
    expect(state.backups[0]!.id).toBe(id);
    expect(requests).toEqual(['GET /backups', 'GET /backups']);
  });

  it('lists a restoration started elsewhere and has the idle restore lifecycle follow it, starting nothing', async () => {
    const id = await createBackup(emulator.url);
    const { core, requests } = coreOf({ transport: 'ndjson' });
    const elsewhere = createRestoreActor(recordingClient(emulator.url).client, { transport: 'polling' });
    stops.push(() => elsewhere.stop());
    elsewhere.send({ type: 'RESTORE', backupId: id, confirm: true });
    observe(core.operations);
    const listed = await until(core.operations, (s) => s.restorations.length === 1, 'the restoration');
    expect(listed.restorations[0]).toMatchObject({ kind: 'restoration', backupId: id });
    const done = await until(core.restore, (s) => s.value === 'done', 'the attached restore');
    expect(done.context).toMatchObject({ backupId: id, attached: true, percentage: 100 });
    await until(core.operations, (s) => s.restorations.length === 0, 'the restoration to end');
    expect(operationPosts(requests)).toEqual([]);
    expect(started(emulator.current, 'restoration')).toEqual([{ backup: id, status: 'COMPLETED' }]);
  });

  it('autoAttach: false lists the operation but leaves the lifecycles alone', async () => {
    const { core } = coreOf({ autoAttach: false });
    observe(core.operations);
    const other = coreOf().core;
    other.backup.start();
    await until(core.operations, (s) => s.creations.length === 1, 'the creation');
    expect(core.backup.getSnapshot().value).toBe('idle');
    expect(core.attach(core.operations.getSnapshot().creations[0]!)).toBe(true);
    expect(core.backup.getSnapshot().value).toBe('running');
  });

  it('stops discovery with the last subscriber and forgets what it listed', async () => {
    const { core } = coreOf();
    const stop = core.operations.subscribe(() => undefined);
    const other = coreOf().core;
    other.backup.start();
    await until(core.operations, (s) => s.creations.length === 1, 'the creation');
    stop();
    await Promise.resolve();
    expect(core.operations.getSnapshot()).toEqual({ creations: [], restorations: [], error: null });
  });

  it('dispose() mid-backup leaves the operation to finish on the daemon', async () => {
    const { core, requests } = coreOf();
    core.backup.start();
    await until(core.backup, (s) => s.value === 'running', 'running');
    core.dispose();
    await idle(emulator.current);
    expect(started(emulator.current, 'creation').map((r) => r.status)).toEqual(['COMPLETED']);
    expect(requests.filter((r) => r.endsWith('/cancel'))).toEqual([]);
  });

  it('lifecycle(kind) is the backup or restore lifecycle of that operation kind', () => {
    const { core, requests } = coreOf();
    expect(core.lifecycle('creation')).toBe(core.backup);
    expect(core.lifecycle('restoration')).toBe(core.restore);
    expect(() => core.lifecycle('backup' as never)).toThrow(TypeError);
    expect(requests).toEqual([]);
  });
});
