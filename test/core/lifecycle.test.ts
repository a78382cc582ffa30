import { afterEach, describe, expect, it } from 'vitest';
import { createLifecycle, type BackupLifecycle, type RestoreLifecycle } from '../../src/core/index.js';
import { createBackup, useEmulator } from '../helpers/emulator.js';
import { idle, recordingClient, started, until } from './support.js';

// The lifecycle controller: the actor behind the store contract, against a real emulator.

const emulator = useEmulator({ each: true, rateBytesPerSecond: 400_000 });
const lifecycles: Array<BackupLifecycle | RestoreLifecycle> = [];
afterEach(async () => {
  for (const lifecycle of lifecycles.splice(0)) lifecycle.dispose();
  await idle(emulator.current);
});
function backupOf(client: ReturnType<typeof recordingClient>['client']) {
  const lifecycle = createLifecycle(client, 'creation', { transport: 'ndjson' });
  lifecycles.push(lifecycle);
  return lifecycle;
}
const states = (lifecycle: BackupLifecycle | RestoreLifecycle) => {
  const seen: string[] = [lifecycle.getSnapshot().value];
  lifecycle.subscribe(() => {
    const { value } = lifecycle.getSnapshot();
    if (seen.at(-1) !== value) seen.push(value);
  });
  return seen;
};

describe('createLifecycle', () => {
  it('sends nothing when created or subscribed: only a command starts an operation', async () => {
    const { client, requests } = recordingClient(emulator.url);
    const backup = backupOf(client);
    const restore = createLifecycle(client, 'restoration');
    lifecycles.push(restore);
    backup.subscribe(() => undefined);
    restore.subscribe(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(requests).toEqual([]);
    expect(emulator.current.admin.journal()).toEqual([]);
    expect([backup.getSnapshot().value, restore.getSnapshot().value]).toEqual(['idle', 'idle']);
  });

  it('start() twice while one runs starts one operation: the machine ignores the second', async () => {
    const { client, requests } = recordingClient(emulator.url);
    const backup = backupOf(client);
    const seen = states(backup);
    backup.start();
    backup.start();
    const first = await until(backup, (s) => s.value === 'done', 'done');
    backup.start(); // from done: a new run, on purpose
    await until(backup, (s) => s.value === 'done' && s.context.backupId !== first.context.backupId, 'second done');
    expect(requests.filter((r) => r === 'POST /backups/create/streamed')).toHaveLength(2);
    expect(started(emulator.current, 'creation').map((r) => r.status)).toEqual(['COMPLETED', 'COMPLETED']);
    expect(seen.slice(0, 4)).toEqual(['idle', 'starting', 'running', 'done']);
  });

  it('dispose() mid-backup stops following it, and the daemon finishes it (never a cancel)', async () => {
    const { client, requests } = recordingClient(emulator.url);
    const backup = backupOf(client);
    backup.start();
    const running = await until(backup, (s) => s.value === 'running' && s.context.percentage > 0, 'running');
    backup.dispose();
    expect(emulator.current.admin.operations().creations.map((c) => c.value)).toEqual(['IN-PROGRESS']);
    await idle(emulator.current);
    expect(started(emulator.current, 'creation')).toEqual([{ backup: running.context.backupId, status: 'COMPLETED' }]);
    expect(requests.filter((r) => r.endsWith('/cancel'))).toEqual([]);
    backup.start(); // disposed: commands are ignored
    expect(backup.getSnapshot().value).toBe('running');
    expect(started(emulator.current, 'creation')).toHaveLength(1);
  });

  it('attach() follows an operation started elsewhere; a finished lifecycle gives way to a fresh actor', async () => {
    const { client } = recordingClient(emulator.url);
    const mine = backupOf(client);
    mine.start();
    const first = await until(mine, (s) => s.value === 'done', 'first backup');
    expect(mine.attach(first.context.backupId!)).toBe(false); // the run it just finished

    const other = backupOf(client);
    other.start();
    const { context } = await until(other, (s) => s.value === 'running', 'the other backup');
    const seen = states(mine);
    expect(mine.attach(context.backupId!)).toBe(true);
    expect(mine.attach(context.backupId!)).toBe(false); // busy following it
    const final = await until(mine, (s) => s.value === 'done', 'attached backup');
    expect(final.context).toMatchObject({ backupId: context.backupId, attached: true, percentage: 100 });
    expect(seen).toEqual(['done', 'running', 'done']);
    expect(started(emulator.current, 'creation')).toHaveLength(2);
  });

  it('restore() without confirm waits in confirming; dismiss() starts nothing', async () => {
    const id = await createBackup(emulator.url);
    const { client, requests } = recordingClient(emulator.url);
    const restore = createLifecycle(client, 'restoration', { transport: 'ndjson' });
    lifecycles.push(restore);
    restore.restore(id);
    expect(restore.getSnapshot().value).toBe('confirming');
    restore.dismiss();
    expect(restore.getSnapshot().value).toBe('idle');
    restore.restore(id, { confirm: true });
    await until(restore, (s) => s.value === 'done', 'restore done');
    expect(requests.filter((r) => r.includes('/restore'))).toEqual([`POST /backup/${id}/restore/streamed`]);
    expect(started(emulator.current, 'restoration')).toEqual([{ backup: id, status: 'COMPLETED' }]);
  });

  it('speaks the wire\'s kind: creation or restoration, and nothing else passes', () => {
    const { client, requests } = recordingClient(emulator.url);
    const backup = backupOf(client);
    const restore = createLifecycle(client, 'restoration');
    lifecycles.push(restore);
    expect([backup.kind, restore.kind]).toEqual(['creation', 'restoration']);
    expect(() => createLifecycle(client, 'restore' as never)).toThrow(/kind must be 'creation' or 'restoration', got restore/);
    expect(requests).toEqual([]);
  });
});
