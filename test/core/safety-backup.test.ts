import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackupCore, type BackupCore, type BackupCoreOptions } from '../../src/core/index.js';
import { sampleAsset } from '../../src/emulator/index.js';
import { startTestDaemon, type TestDaemon } from '../../src/testing/index.js';
import { until } from './support.js';

// The core's restore: a safety backup first by default, undo() restores it, and retention
// keeps it. Against the real emulator (the test kit's daemon).

const daemons: TestDaemon[] = [];
const cores: BackupCore[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) core.dispose();
  for (const daemon of daemons.splice(0)) await daemon.stop();
});

async function setUp(options: BackupCoreOptions = {}) {
  const daemon = await startTestDaemon({ assets: 40 });
  daemons.push(daemon);
  const core = createBackupCore(daemon.client, { transport: 'ndjson', ...options });
  cores.push(core);
  // a backup of the database as it is, then a change the restore of it undoes
  const backup = await daemon.createBackup();
  daemon.admin.upsertAsset(sampleAsset(9_001));
  daemon.admin.deleteAsset(daemon.assets()[0]!.id);
  return { daemon, core, backup };
}

const databaseOf = (daemon: TestDaemon) => ({
  assets: daemon.assets().map((asset) => JSON.stringify(asset)).sort(),
  sha256: createHash('sha256').update(daemon.admin.readDatabaseBytes()).digest('hex'),
});
const journalOf = (daemon: TestDaemon) => daemon.admin.journal().map(({ kind, status, backup }) => ({ kind, status, id: backup.id }));
const settledOf = (core: BackupCore) => until(core.restore, (s) => s.value === 'done' || s.value === 'failed' || s.value === 'cancelled', 'a settled restore');

describe('core.restore with a safety backup', () => {
  it('makes a safety backup first by default, and undo() brings the database back byte for byte', async () => {
    const { daemon, core, backup } = await setUp();
    const before = databaseOf(daemon);

    core.restore.restore(backup.id, { confirm: true });
    const restored = await settledOf(core);
    expect(restored.value).toBe('done');
    const { safetyBackupId } = restored.context;
    expect(safetyBackupId).toMatch(/^\d+\.\d+\.\d+_\d+$/);
    expect(databaseOf(daemon)).not.toEqual(before);
    // two operations: the safety backup's creation, then the restoration
    expect(journalOf(daemon).slice(1)).toEqual([
      { kind: 'creation', status: 'COMPLETED', id: safetyBackupId },
      { kind: 'restoration', status: 'COMPLETED', id: backup.id },
    ]);

    core.restore.undo();
    const undone = await until(core.restore, (s) => s.context.backupId === safetyBackupId && (s.value === 'done' || s.value === 'failed'), 'the undo');
    expect(undone.value).toBe('done');
    expect(databaseOf(daemon)).toEqual(before);
    // the undo made no safety backup of its own
    expect(journalOf(daemon).slice(3)).toEqual([{ kind: 'restoration', status: 'COMPLETED', id: safetyBackupId }]);
  });

  it('createBackupCore(client, { safetyBackup: false }) restores at once; restore(id, { safetyBackup: true }) overrides it', async () => {
    const { daemon, core, backup } = await setUp({ safetyBackup: false });
    core.restore.restore(backup.id, { confirm: true });
    const plain = await settledOf(core);
    expect(plain.value).toBe('done');
    expect(plain.context.safetyBackupId).toBeNull();
    expect(journalOf(daemon).slice(1)).toEqual([{ kind: 'restoration', status: 'COMPLETED', id: backup.id }]);
    core.restore.undo(); // nothing to undo: ignored
    expect(core.restore.getSnapshot().value).toBe('done');

    core.restore.restore(backup.id, { confirm: true, safetyBackup: true });
    const asked = await until(core.restore, (s) => s.value === 'done' && s.context.safetyBackupId !== null, 'a restore with a safety backup');
    expect(journalOf(daemon).slice(2).map(({ kind }) => kind)).toEqual(['creation', 'restoration']);
    expect(asked.context.safetyBackupId).toBe(journalOf(daemon)[2]!.id);
  });

  it("retention keeps the latest restore's safety backup, with reason `safety backup`", async () => {
    const { daemon, core, backup } = await setUp({ retention: { keepLast: 1 } });
    const stop = core.retention.subscribe(() => undefined);
    try {
      core.restore.restore(backup.id, { confirm: true });
      const { context } = await settledOf(core);
      const safetyBackupId = context.safetyBackupId!;
      expect(safetyBackupId).not.toBeNull();
      // one newer backup, so keepLast: 1 alone would remove the safety backup
      await daemon.createBackup();
      core.backups.refresh();
      await until(core.backups, (s) => s.backups.length === 3, 'three backups listed');
      const { plan } = await until(core.retention, (s) => (s.plan?.entries.length ?? 0) === 3, 'the plan over three backups');
      const item = plan!.entries.find(({ id }) => id === safetyBackupId)!;
      expect(item).toMatchObject({ action: 'keep' });
      expect(item.reasons).toContain('safety backup');
      expect(plan!.entries.find(({ id }) => id === backup.id)).toMatchObject({ action: 'remove' });
      const report = await core.retention.prune();
      expect(report.results.map(({ id }) => id)).not.toContain(safetyBackupId);
      expect((await core.client.list()).iterable.map(({ id }) => id)).toContain(safetyBackupId);
    } finally {
      stop();
    }
  });
});
