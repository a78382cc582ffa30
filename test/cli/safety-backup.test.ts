import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBackupClient } from '../../src/index.js';
import { sampleAsset, startEmulator, type Emulator } from '../../src/emulator/index.js';
import { createBackup, tempDir, waitFor } from '../helpers/emulator.js';
import { cli, jsonLines, killAll } from './run-cli.js';

// `restore` with its safety backup, `undo`, and the preflight's refusal: the real CLI against
// an in-process emulator. Each test has its own state dir (where the last restore is kept).

let emulator: Emulator;
let backupId: string;
let env: NodeJS.ProcessEnv;
const at = () => ['--url', emulator.url];
const journal = () => emulator.admin.journal().map(({ kind, status, backup }) => ({ kind, status, id: backup.id }));

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateBytesPerSecond: 50_000_000, cancelDelayMs: 30 });
  backupId = await createBackup(emulator.url);
});
beforeEach(() => {
  env = { XDG_STATE_HOME: tempDir('pieces-cli-state-') };
  // a change the restore replaces, so the undo has something to bring back
  emulator.admin.upsertAsset(sampleAsset(9_000 + emulator.admin.listAssets().length));
});
afterEach(() => killAll());
afterAll(() => emulator.close());

describe('pieces-backup restore with a safety backup, and undo', () => {
  it('restore makes a safety backup first and prints its id; undo brings the database back (asset count)', async () => {
    const before = emulator.admin.listAssets().length;
    const seen = journal().length;
    const run = await cli(['restore', backupId, '--yes', ...at()], env);
    expect(run.code).toBe(0);
    const safetyBackupId = /^safety backup (\S+): the database as it was before; `pieces-backup undo` restores it$/m.exec(run.stdout)?.[1];
    expect(safetyBackupId).toBeDefined();
    expect(run.stdout).toContain(`restored ${backupId}: the local database is now the backup's`);
    expect(journal().slice(seen)).toEqual([
      { kind: 'creation', status: 'COMPLETED', id: safetyBackupId },
      { kind: 'restoration', status: 'COMPLETED', id: backupId },
    ]);
    expect(emulator.admin.listAssets().length).not.toBe(before);

    const undo = await cli(['undo', '--yes', ...at()], env);
    expect(undo.code).toBe(0);
    expect(undo.stdout).toContain(`undone: the local database is as it was before the restore of ${backupId}`);
    expect(emulator.admin.listAssets().length).toBe(before);
    // no safety backup of its own
    expect(journal().slice(seen + 2)).toEqual([{ kind: 'restoration', status: 'COMPLETED', id: safetyBackupId }]);
    // taken back: nothing left on record
    const again = await cli(['undo', '--yes', ...at()], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('no restore with a safety backup on record');
  });

  it('restore --json: the result has safetyBackupId, a listed backup', async () => {
    const run = await cli(['restore', backupId, '--yes', '--json', ...at()], env);
    expect(run.code).toBe(0);
    const result = jsonLines(run.stdout).at(-1)!;
    expect(result).toMatchObject({ type: 'result', command: 'restore', outcome: 'done', backupId });
    expect(result.safetyBackupId).toEqual(expect.stringMatching(/_\d+$/));
    expect(emulator.admin.journal().some(({ kind, backup }) => kind === 'creation' && backup.id === result.safetyBackupId)).toBe(true);
  });

  it('undo with no restore on record: a usage error, nothing sent', async () => {
    const seen = journal().length;
    const run = await cli(['undo', '--yes', ...at()], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no restore with a safety backup on record');
    expect(journal()).toHaveLength(seen);
  });

  it('--no-safety-backup: one operation, and no safetyBackupId', async () => {
    const seen = journal().length;
    const run = await cli(['restore', backupId, '--yes', '--no-safety-backup', '--json', ...at()], env);
    expect(run.code).toBe(0);
    expect(jsonLines(run.stdout).at(-1)).toMatchObject({ outcome: 'done', safetyBackupId: null });
    expect(journal().slice(seen)).toEqual([{ kind: 'restoration', status: 'COMPLETED', id: backupId }]);
  });

  it('undo after the safety backup was deleted: said plainly, nothing replaced', async () => {
    const restored = await cli(['restore', backupId, '--yes', '--json', ...at()], env);
    const { safetyBackupId } = jsonLines(restored.stdout).at(-1)! as { safetyBackupId: string };
    await createBackupClient({ baseUrl: emulator.url }).delete(safetyBackupId);
    const gone = await fetch(`${emulator.url}/backup/${safetyBackupId}`);
    expect(gone.status).toBe(404);
    const seen = journal().length;
    const assets = emulator.admin.listAssets().length;
    const run = await cli(['undo', '--yes', ...at()], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`the safety backup ${safetyBackupId} of the restore of ${backupId} is gone (deleted?): nothing was replaced`);
    expect(journal()).toHaveLength(seen);
    expect(emulator.admin.listAssets()).toHaveLength(assets);
  });

  it('undo while an operation runs: refused with the 409 as today, the record kept for later', async () => {
    const restored = await cli(['restore', backupId, '--yes', '--json', ...at()], env);
    const { safetyBackupId } = jsonLines(restored.stdout).at(-1)! as { safetyBackupId: string };
    emulator.admin.setState({ rateBytesPerSecond: 64_000 });
    try {
      // a restoration started elsewhere: the daemon runs one at a time
      void createBackupClient({ baseUrl: emulator.url }).restore(backupId).catch(() => undefined);
      await waitFor(() => emulator.admin.operations().restorations[0], 'a restoration in progress');
      const assets = emulator.admin.listAssets();
      const run = await cli(['undo', '--yes', ...at()], env);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/restoration of \S+ is already in progress/);
      expect(emulator.admin.listAssets()).toEqual(assets);
    } finally {
      if (emulator.admin.operations().restorations.length > 0) emulator.admin.failOperation('restoration', 'test teardown');
      emulator.admin.setState({ rateBytesPerSecond: 50_000_000 });
    }
    // still on record: the undo can run once nothing else does
    const later = await cli(['undo', '--yes', '--json', ...at()], env);
    expect(later.code).toBe(0);
    expect(jsonLines(later.stdout).at(-1)).toMatchObject({ outcome: 'done', backupId: safetyBackupId });
  });

  it('a backup made by a newer Pieces OS is refused with the user action; --force restores it', async () => {
    const newer = emulator.admin.seedBackup({ timestamp: '2026-12-01T06:00:00Z', version: '99.0.0' });
    const seen = journal().length;
    const refused = await cli(['restore', newer.id, '--yes', ...at()], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/update Pieces OS/i);
    expect(journal()).toHaveLength(seen); // nothing started, no safety backup either
    const forced = await cli(['restore', newer.id, '--yes', '--force', '--no-safety-backup', ...at()], env);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(`restored ${newer.id}`);
    expect(journal().slice(seen)).toEqual([{ kind: 'restoration', status: 'COMPLETED', id: newer.id }]);
  });
});

describe('the restore prompt', () => {
  it("says the backup's date in local time, its device, size and Pieces OS version, and what is replaced", async () => {
    const { restoreQuestion } = await import('../../src/cli/commands/restore.js');
    const backup = emulator.admin.seedBackup({ timestamp: '2026-12-01T06:00:00Z', version: '9.0.0', deviceName: 'desk', bytes: 2_048 });
    const local = new Date(Date.parse('2026-12-01T06:00:00Z'));
    const pad = (n: number) => String(n).padStart(2, '0');
    const when = `${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())} ${pad(local.getHours())}:${pad(local.getMinutes())}`;
    const text = restoreQuestion(backup, true);
    expect(text).toContain(`Restore backup ${backup.id} (made ${when} local time on desk, 2.0 KiB, Pieces OS 9.0.0)?`);
    expect(text).toContain('replaces the whole local database of Pieces OS');
    expect(text).toContain('`pieces-backup undo` restores it');
    expect(restoreQuestion(backup, false)).toContain('No safety backup is made (--no-safety-backup): this cannot be undone.');
  });
});
