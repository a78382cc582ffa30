import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Backup } from '../models/index.js';
import { Operation } from './operation.js';
import type { OperationEnv } from './operation-env.js';
import { Transfer } from './transfer.js';

export function snapshotPath(env: OperationEnv, id: string): string {
  return path.join(env.localDir, `pieces.db.snapshot-${id}.tmp`);
}

/**
 * A byte copy of the live database and its sha256, in one pass. Consistent without SQLite's
 * help: every write to the database is a synchronous statement on this thread
 * (journal_mode=DELETE), so none is half-done while this runs, and the file holds every
 * committed page. About the cost of a file copy plus a hash (`VACUUM INTO` and a second read
 * to hash took two to four times as long on 100 MB on the bench machine).
 */
function snapshotDatabase(source: string, target: string): { bytes: number; sha256: string } {
  const hash = createHash('sha256');
  const chunk = Buffer.allocUnsafe(4 * 1024 * 1024);
  const input = fs.openSync(source, 'r');
  let output: number | undefined;
  try {
    output = fs.openSync(target, 'wx');
    let bytes = 0;
    for (let read = 0; (read = fs.readSync(input, chunk, 0, chunk.length, bytes)) > 0; bytes += read) {
      fs.writeSync(output, chunk, 0, read);
      hash.update(chunk.subarray(0, read));
    }
    return { bytes, sha256: hash.digest('hex') };
  } finally {
    fs.closeSync(input);
    if (output !== undefined) fs.closeSync(output);
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

function takeSnapshot(env: OperationEnv, id: string): { snapshot: string; bytes: number; sha256: string } {
  const snapshot = snapshotPath(env, id);
  fs.rmSync(snapshot, { force: true });
  try {
    return { snapshot, ...snapshotDatabase(env.db.file, snapshot) };
  } catch (error) {
    fs.rmSync(snapshot, { force: true });
    throw error;
  }
}

/**
 * A completed backup of the local database as it is now, committed at once with the given
 * metadata (`bytes` defaults to the snapshot's size): the admin seed. Same snapshot, same
 * content object and manifest as a creation, so it restores like one.
 */
export function commitSeededBackup(env: OperationEnv, stamp: Omit<BackupStamp, 'bytes'> & { bytes?: number | undefined }): Backup {
  const { snapshot, bytes, sha256 } = takeSnapshot(env, stamp.id);
  try {
    const backup = stampBackup(env, { ...stamp, bytes: stamp.bytes ?? bytes });
    // content-addressed: a backup of the same bytes shares the object
    if (!fs.existsSync(env.cloud.objectPath(sha256))) {
      const partial = env.cloud.partialPath(sha256);
      fs.copyFileSync(snapshot, partial);
      const fd = fs.openSync(partial, 'r');
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    }
    env.cloud.commit({ backup, sha256 });
    return backup;
  } finally {
    fs.rmSync(snapshot, { force: true });
  }
}

/**
 * Starts a creation: a consistent snapshot of the local database now (so `bytes` is known
 * in the first frame), then an upload at the configured rate into `<sha256>.partial`, then
 * object rename and manifest. The first observable state is INITIALIZED.
 */
export function startCreation(env: OperationEnv, id: string, timestamp: number): Operation {
  const { snapshot, bytes, sha256 } = takeSnapshot(env, id);
  const backup = stampBackup(env, { id, timestamp, bytes, version: env.state().version, deviceName: env.deviceName });
  const operation = new Operation('creation', backup);
  const partial = env.cloud.partialPath(sha256);
  const cleanUp = () => {
    fs.rmSync(snapshot, { force: true });
    fs.rmSync(partial, { force: true });
  };
  const transfer = new Transfer({
    source: snapshot,
    target: partial,
    tickMs: env.tickMs,
    progressFrames: env.progressFrames,
    rateBytesPerSecond: () => env.state().rateBytesPerSecond,
    onProgress: (copied, total) => operation.progress((copied / total) * 100),
    onDone: (uploaded) => {
      try {
        if (uploaded !== sha256) throw new Error('uploaded bytes do not match the snapshot');
        env.cloud.commit({ backup, sha256 });
        fs.rmSync(snapshot, { force: true });
        operation.complete();
      } catch (error) {
        cleanUp();
        operation.fail(`backup creation failed: ${String(error)}`);
      }
    },
    onError: (error) => {
      cleanUp();
      operation.fail(`backup creation failed: ${String(error)}`);
    },
  });
  operation.attach({
    abort: () => {
      transfer.stop();
      cleanUp();
    },
    cancelDelayMs: () => env.state().cancelDelayMs,
  });
  transfer.start();
  return operation;
}
