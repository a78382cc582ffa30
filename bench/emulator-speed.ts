/**
 * `emulator_backup_vs_copy_ratio`, `emulator_restore_vs_copy_ratio`: the emulator creating
 * (`POST /backups/create`) and restoring (`POST /backup/:id/restore`) a backup of a local
 * database of `profile.databaseBytes` at an unlimited rate, over a plain copy of the same
 * database file on the same disk (`fs.copyFile`). `emulator_integrity_check_vs_copy_ratio`:
 * the database check a restoration runs before its rename, alone, over the same copy. What
 * each step of the emulator costs is measured beside it, to say why the ratio is what it is.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createBackupClient } from '../src/api/index.js';
import { startEmulator } from '../src/emulator/index.js';
import { isIntactDatabase } from '../src/emulator/local-database.js';
import { PIECE_BYTES } from '../src/emulator/transfer.js';
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
  // the emulator's one pass: each piece read feeds the write and the hash
  result.copyHashedPass = (
    await timed(() => {
      const hash = createHash('sha256');
      const piece = Buffer.allocUnsafe(PIECE_BYTES);
      const input = fs.openSync(file, 'r');
      const output = fs.openSync(copy, 'w');
      for (let at = 0, read = 0; (read = fs.readSync(input, piece, 0, piece.length, at)) > 0; at += read) {
        fs.writeSync(output, piece, 0, read);
        hash.update(piece.subarray(0, read));
      }
      fs.closeSync(input);
      fs.closeSync(output);
      return hash.digest('hex');
    })
  ).ms;
  fs.rmSync(copy);
  const db = new Database(file, { readonly: true });
  result.vacuumInto = (await timed(() => db.prepare('VACUUM INTO ?').run(copy))).ms;
  db.close();
  fs.rmSync(copy);
  for (const pragma of ['integrity_check', 'quick_check'] as const) {
    result[pragma === 'integrity_check' ? 'integrityCheck' : 'quickCheck'] = (
      await timed(() => {
        const check = new Database(file, { readonly: true });
        check.pragma(pragma);
        check.close();
      })
    ).ms;
  }
  return Object.fromEntries(Object.entries(result).map(([key, ms]) => [key, round(ms, 1)]));
}

/** Progress cadence of the measured emulator (see the comment where it starts). */
const EMULATOR_TICK_MS = 1;

export async function emulatorSpeed(profile: Profile): Promise<Record<string, Figure>> {
  const source = databaseDataDir(profile.databaseBytes);
  const databaseBytes = fs.statSync(path.join(source, 'local', 'pieces.db')).size;
  const copies: number[] = [];
  const backups: number[] = [];
  const restores: number[] = [];
  const checks: number[] = [];
  const stepRuns: Array<Record<string, number>> = [];
  for (let run = 0; run < profile.speedRuns; run += 1) {
    const dataDir = copyDataDir(source);
    // tickMs 1: a transfer's first bytes move one tick after it starts (simulated latency, 50 ms
    // by default: more than a plain copy of 100 MB), which is not what this figure weighs
    const emulator = await startEmulator({ port: 0, dataDir, rateBytesPerSecond: 1e12, tickMs: EMULATOR_TICK_MS });
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
      // the check a restoration runs, alone, on the database it just restored
      checks.push((await timed(() => isIntactDatabase(database))).ms);
      // every run: one pass of a step is as noisy as the figures on a shared machine
      stepRuns.push(await steps(database, dataDir));
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
    checkMedianMs: round(median(checks), 1),
    tickMs: EMULATOR_TICK_MS,
    copyMs: copies.map((ms) => round(ms, 1)),
    backupMs: backups.map((ms) => round(ms, 1)),
    restoreMs: restores.map((ms) => round(ms, 1)),
    checkMs: checks.map((ms) => round(ms, 1)),
    stepMs: Object.fromEntries(Object.keys(stepRuns[0] ?? {}).map((key) => [key, round(median(stepRuns.map((times) => times[key]!)), 1)])),
  };
  const why =
    'a creation reads the database once: each 4 MiB piece is written straight into the cloud staging and handed to a worker thread that hashes it (sha256) while the next piece is read and written; every 16 MiB an fdatasync goes to the thread pool so the disk writes overlap the pass; the upload is then paced over those bytes (no second copy), the object gets its one fsync, is renamed, its folder fsynced, and manifest and journal are written atomically (fsync of each file and folder). A restoration reads the cloud object once the same way into its staging file, compares the hash with the manifest, runs PRAGMA quick_check on the staged file while its fsync runs on the thread pool, then renames (the old file is freed off the rename) and fsyncs the folder. A plain copy is a kernel copy in the page cache with no hash, check or fsync. stepMs: the median over the runs of each step alone on this database (copyHashedPass: one read-write-hash pass in this thread; vacuumInto: what creations snapshotted with before)';
  const copyText = `over the median fs.copyFile of that database on the same disk (one copy before and one after each backup-and-restore)`;
  return {
    emulator_backup_vs_copy_ratio: figure(
      round(median(backups) / copyMs),
      'ratio',
      { max: 2.5 },
      profile.speedRuns,
      `median time of POST /backups/create (blocking, rate 1e12 B/s, tickMs ${EMULATOR_TICK_MS}) on a ${round(databaseBytes / 2 ** 20, 1)} MiB local database, ${copyText}`,
      { why, details },
    ),
    emulator_restore_vs_copy_ratio: figure(
      round(median(restores) / copyMs),
      'ratio',
      { max: 2.5 },
      profile.speedRuns,
      'median time of POST /backup/:id/restore (blocking, rate 1e12 B/s) of that backup, check included, over the same copy',
      { why, details },
    ),
    emulator_integrity_check_vs_copy_ratio: figure(
      round(median(checks) / copyMs),
      'ratio',
      { max: 1 },
      profile.speedRuns,
      'median time of the database check a restoration runs before its rename (isIntactDatabase: PRAGMA quick_check and the assets table) on the restored database, alone, over the same copy',
      { why, details },
    ),
  };
}
