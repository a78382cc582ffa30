/**
 * `emulator_backup_vs_copy_ratio`, `emulator_restore_vs_copy_ratio`: the emulator creating
 * (`POST /backups/create`) and restoring (`POST /backup/:id/restore`) a backup of a local
 * database of `profile.databaseBytes` at an unlimited rate, over a plain copy of the same
 * database file on the same disk (`fs.copyFile`). What each step of the emulator costs is
 * measured beside it, to say why the ratio is what it is.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createBackupClient } from '../src/api/index.js';
import { startEmulator } from '../src/emulator/index.js';
import { copyDataDir, databaseDataDir } from './database.js';
import { figure, median, round, type Figure, type Profile } from './figures.js';

async function timed<T>(work: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

/** One pass of each step a creation or restoration takes, on `file`, in ms. */
async function steps(file: string, scratch: string): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  const copy = path.join(scratch, 'step-copy.db');
  result.copyFile = (await timed(() => fs.promises.copyFile(file, copy))).ms;
  fs.rmSync(copy);
  result.copyFileThenFsync = (
    await timed(async () => {
      await fs.promises.copyFile(file, copy);
      const handle = await fs.promises.open(copy, 'r+');
      await handle.sync();
      await handle.close();
    })
  ).ms;
  fs.rmSync(copy);
  result.sha256 = (await timed(() => createHash('sha256').update(fs.readFileSync(file)).digest('hex'))).ms;
  const db = new Database(file, { readonly: true });
  result.vacuumInto = (await timed(() => db.prepare('VACUUM INTO ?').run(copy))).ms;
  db.close();
  fs.rmSync(copy);
  result.integrityCheck = (
    await timed(() => {
      const check = new Database(file, { readonly: true });
      check.pragma('integrity_check');
      check.close();
    })
  ).ms;
  return Object.fromEntries(Object.entries(result).map(([key, ms]) => [key, round(ms, 1)]));
}

export async function emulatorSpeed(profile: Profile): Promise<Record<string, Figure>> {
  const source = databaseDataDir(profile.databaseBytes);
  const databaseBytes = fs.statSync(path.join(source, 'local', 'pieces.db')).size;
  const copies: number[] = [];
  const backups: number[] = [];
  const restores: number[] = [];
  let stepTimes: Record<string, number> = {};
  for (let run = 0; run < profile.speedRuns; run += 1) {
    const dataDir = copyDataDir(source);
    const emulator = await startEmulator({ port: 0, dataDir, rateBytesPerSecond: 1e12 });
    try {
      const client = createBackupClient({ baseUrl: emulator.url });
      const database = emulator.admin.databasePath();
      const plainCopy = async () => {
        const copy = await timed(() => fs.promises.copyFile(database, path.join(dataDir, 'plain-copy.db')));
        fs.rmSync(path.join(dataDir, 'plain-copy.db'));
        copies.push(copy.ms);
      };
      // a copy before and one after: the page cache and the machine's load then weigh on both sides alike
      await plainCopy();
      const backup = await timed(() => client.create(undefined, { timeout: false }));
      const restore = await timed(() => client.restore(backup.value.id, backup.value, { timeout: false }));
      await plainCopy();
      backups.push(backup.ms);
      restores.push(restore.ms);
      if (run === 0) stepTimes = await steps(database, dataDir);
    } finally {
      await emulator.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const copyMs = median(copies);
  const details = {
    databaseBytes,
    copyMedianMs: round(copyMs, 1),
    backupMedianMs: round(median(backups), 1),
    restoreMedianMs: round(median(restores), 1),
    copyMs: copies.map((ms) => round(ms, 1)),
    backupMs: backups.map((ms) => round(ms, 1)),
    restoreMs: restores.map((ms) => round(ms, 1)),
    stepMs: stepTimes,
  };
  const why =
    'a creation copies the database with a sha256 on the way (the snapshot), uploads that copy with a second sha256 (the upload is verified) and an fsync, then writes the manifest and the journal atomically (fsync each); a restoration downloads with a sha256 and an fsync, runs PRAGMA integrity_check, then renames; a plain copy does none of the hashing, checking or fsyncs. stepMs gives each step on this database (vacuumInto: what creations snapshotted with before)';
  return {
    emulator_backup_vs_copy_ratio: figure(
      round(median(backups) / copyMs),
      'ratio',
      { max: 1.5 },
      profile.speedRuns,
      `median time of POST /backups/create (blocking, rate 1e12 B/s) on a ${round(databaseBytes / 2 ** 20, 1)} MiB local database, over the median fs.copyFile of that database on the same disk (one copy before and one after each backup-and-restore)`,
      { why, details },
    ),
    emulator_restore_vs_copy_ratio: figure(
      round(median(restores) / copyMs),
      'ratio',
      { max: 1.5 },
      profile.speedRuns,
      'median time of POST /backup/:id/restore (blocking, rate 1e12 B/s) of that backup, over the same copy',
      { why, details },
    ),
  };
}
