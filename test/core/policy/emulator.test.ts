import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBackupClient } from '../../../src/api/index.js';
import { applyRetention } from '../../../src/core/policy/apply-retention.js';
import { planRetention } from '../../../src/core/policy/retention.js';
import { createFileLock } from '../../../src/core/policy/runner-lock-file.js';
import { createScheduleRunner } from '../../../src/core/policy/schedule-runner.js';
import { adminFetch, useEmulator, waitFor } from '../../helpers/emulator.js';

describe('retention against the real emulator', () => {
  const emulator = useEmulator({ each: true });

  it('prunes with the client: a backup being restored is skipped (409), a failed delete loses nothing else', async () => {
    const client = createBackupClient({ baseUrl: emulator.url });
    for (let i = 0; i < 5; i += 1) await client.create();
    const backups = (await client.list()).iterable;
    expect(backups.length).toBeGreaterThanOrEqual(5);
    const newestFirst = [...backups].sort((a, b) => Number(b.timestamp) - Number(a.timestamp));
    const [newest, , restoring] = newestFirst;
    if (!newest || !restoring) throw new Error('no backups');

    // a slow restore, so it is still running when the prune reaches it
    await adminFetch(emulator.url, 'PUT', 'state', { rateBytesPerSecond: 2_000 });
    const restore = fetch(`${emulator.url}/backup/${restoring.id}/restore`, { method: 'POST' }).then((response) => response.status);
    await waitFor(async () => ((await client.status('restoration', restoring.id).catch(() => undefined))?.value === 'IN-PROGRESS' ? true : undefined), 'the restore to run');
    await adminFetch(emulator.url, 'POST', 'faults', { operation: 'backups_delete_specific_backup', times: 1, status: 500, body: 'disk error' });

    const plan = planRetention(backups, { keepLast: 1, scope: 'all-devices' }, { timeZone: 'UTC' });
    expect(plan.keep.map((entry) => entry.id)).toEqual([newest.id]);
    const report = await applyRetention(plan, (id) => client.delete(id));

    const oldestFirst = [...plan.remove].reverse().map((entry) => entry.id);
    expect(report.results.map((result) => result.id)).toEqual(oldestFirst);
    const byId = new Map(report.results.map((result) => [result.id, result]));
    expect(byId.get(restoring.id)).toMatchObject({ outcome: 'skipped', reason: 'conflict' });
    expect(report.results[0]).toMatchObject({ outcome: 'failed' }); // the fault hit the first (oldest) one
    expect(report.failed).toBe(1);
    expect(report.skipped).toBe(1);
    expect(report.deleted).toBe(plan.remove.length - 2);

    const left = (await client.list()).iterable.map((backup) => backup.id).sort();
    expect(left).toEqual([newest.id, restoring.id, report.results[0]?.id ?? ''].sort());

    await adminFetch(emulator.url, 'POST', 'operations/fail', { kind: 'restoration' });
    expect(await restore).toBe(500);
  });
});

describe('two schedule runners against the real emulator', () => {
  const emulator = useEmulator({ each: true, deviceName: 'desk-1' });

  it('two runners (two clients, one lock directory, as two processes) make one backup for the period', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pieces-backup-runners-'));
    try {
      const before = (await createBackupClient({ baseUrl: emulator.url }).list()).iterable.length;
      const runners = ['a', 'b'].map((name) => {
        const client = createBackupClient({ baseUrl: emulator.url });
        return createScheduleRunner({
          schedule: { every: '6h' },
          deviceName: 'desk-1',
          listBackups: async () => (await client.list()).iterable,
          isOperationRunning: async () => null, // the 409 and the lock say it here
          startBackup: async () => ({ status: 'completed', backupId: `${name}:${(await client.create()).id}` }),
          lock: createFileLock({ dir }),
          recheckMs: 50,
        });
      });
      await waitFor(
        () => (runners.every((runner) => runner.getSnapshot().state.nextDueAt !== null && runner.getSnapshot().phase === 'idle') ? true : undefined),
        'both runners to settle',
      );
      for (const runner of runners) runner.dispose();
      const after = (await createBackupClient({ baseUrl: emulator.url }).list()).iterable;
      expect(after.length - before).toBe(1);
      expect(emulator.current.admin.journal().filter((record) => record.kind === 'creation')).toHaveLength(1);
      const histories = runners.map((runner) => runner.getSnapshot().health.history.map((run) => `${run.kind} ${run.end}`));
      expect(histories.flat()).toEqual(['scheduled completed']);
      // both agree on the next period
      expect(runners[0]?.getSnapshot().state.nextDueAt).toBe(runners[1]?.getSnapshot().state.nextDueAt);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
