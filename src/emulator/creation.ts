import fs from 'node:fs';
import type { Backup } from '../models/index.js';
import { Operation } from './operation.js';
import type { OperationEnv } from './operation-env.js';
import { ParallelSha256 } from './parallel-hash.js';
import { PacedUpload, StagedFile } from './transfer.js';

/**
 * A byte copy of the live database straight into the cloud's staging and its sha256, in one
 * pass: each 4 MiB piece read is written and hashed (on a worker, while the next is read), so
 * the database is read once and the hash is of exactly the staged bytes. Consistent without
 * SQLite's help: every write to the database is a synchronous statement on this thread
 * (journal_mode=DELETE), so none is half-done while this runs, and the file holds every
 * committed page. Left open: its fsync comes before the commit's rename.
 */
function snapshotDatabase(source: string, target: string): { file: StagedFile; bytes: number; sha256: string } {
  const input = fs.openSync(source, 'r');
  let file: StagedFile | undefined;
  let hash: ParallelSha256 | undefined;
  try {
    const sha256 = (hash = new ParallelSha256(fs.fstatSync(input).size));
    const output = (file = new StagedFile(target, 'wx'));
    let bytes = 0;
    for (let read = 1; read > 0; bytes += read) {
      read = sha256.piece((piece) => {
        const length = fs.readSync(input, piece, 0, piece.length, bytes);
        if (length > 0) output.write(piece, length);
        return length;
      });
    }
    return { file, bytes, sha256: sha256.digest() };
  } catch (error) {
    hash?.dispose();
    file?.close();
    throw error;
  } finally {
    fs.closeSync(input);
  }
}

/** What a backup's metadata is made of; `timestamp` in epoch ms. */
export interface BackupStamp {
  id: string;
  timestamp: number;
  bytes: number;
  version: string;
  deviceName: string;
}

function stampBackup(env: OperationEnv, stamp: BackupStamp): Backup {
  const created = new Date(stamp.timestamp);
  return {
    id: stamp.id,
    version: stamp.version,
    timestamp: String(stamp.timestamp),
    bytes: stamp.bytes,
    created: { value: created.toISOString(), readable: created.toUTCString() },
    device_name: stamp.deviceName,
    platform: env.platform,
  };
}

/** The snapshot of the database now, staged in the cloud as `objects/<id>.partial`. */
function takeSnapshot(env: OperationEnv, id: string): { file: StagedFile; staged: string; bytes: number; sha256: string } {
  const staged = env.cloud.stagingPath(id);
  fs.rmSync(staged, { force: true });
  try {
    return { staged, ...snapshotDatabase(env.db.file, staged) };
  } catch (error) {
    fs.rmSync(staged, { force: true });
    throw error;
  }
}

/**
 * A completed backup of the local database as it is now, committed at once with the given
 * metadata (`bytes` defaults to the snapshot's size): the admin seed. Same snapshot, same
 * content object and manifest as a creation, so it restores like one.
 */
export function commitSeededBackup(env: OperationEnv, stamp: Omit<BackupStamp, 'bytes'> & { bytes?: number | undefined }): Backup {
  const { file, staged, bytes, sha256 } = takeSnapshot(env, stamp.id);
  try {
    file.syncNow();
    const backup = stampBackup(env, { ...stamp, bytes: stamp.bytes ?? bytes });
    env.cloud.commit({ backup, sha256 }, staged);
    return backup;
  } finally {
    file.close();
    fs.rmSync(staged, { force: true });
  }
}

/**
 * Starts a creation: a consistent snapshot of the local database now, written and hashed in
 * one pass straight into the cloud's staging (so `bytes` is known in the first frame), then
 * the upload's progress at the configured rate, then one fsync, object rename and manifest.
 * The bytes are read once: the upload is not a second copy of them. The first observable
 * state is INITIALIZED.
 */
export function startCreation(env: OperationEnv, id: string, timestamp: number): Operation {
  const { file, staged, bytes, sha256 } = takeSnapshot(env, id);
  const backup = stampBackup(env, { id, timestamp, bytes, version: env.state().version, deviceName: env.deviceName });
  const operation = new Operation('creation', backup);
  let aborted = false;
  const cleanUp = () => {
    file.close();
    fs.rmSync(staged, { force: true });
  };
  const failWith = (error: unknown) => {
    cleanUp();
    operation.fail(`backup creation failed: ${String(error)}`);
  };
  const upload = new PacedUpload({
    bytes,
    tickMs: env.tickMs,
    progressFrames: env.progressFrames,
    rateBytesPerSecond: () => env.state().rateBytesPerSecond,
    onProgress: (sent, total) => operation.progress((sent / total) * 100),
    onDone: () =>
      file.sync((error) => {
        // a cancel, a failure or a shutdown while the fsync ran already cleaned up
        if (aborted) return;
        if (error) return failWith(error);
        try {
          env.cloud.commit({ backup, sha256 }, staged);
          operation.complete();
        } catch (commitError) {
          failWith(commitError);
        }
      }),
    onError: failWith,
  });
  operation.attach({
    abort: () => {
      aborted = true;
      upload.stop();
      cleanUp();
    },
    cancelDelayMs: () => env.state().cancelDelayMs,
  });
  upload.start();
  return operation;
}
