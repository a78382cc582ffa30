import fs from 'node:fs';
import path from 'node:path';
import type { Backup } from '../models/index.js';
import { sha256File } from './cloud-store.js';
import { Operation } from './operation.js';
import type { OperationEnv } from './operation-env.js';
import { Transfer } from './transfer.js';

export function snapshotPath(env: OperationEnv, id: string): string {
  return path.join(env.localDir, `pieces.db.snapshot-${id}.tmp`);
}

/**
 * Starts a creation: a consistent snapshot of the local database now (so `bytes` is known
 * in the first frame), then an upload at the configured rate into `<sha256>.partial`, then
 * object rename and manifest. The first observable state is INITIALIZED.
 */
export function startCreation(env: OperationEnv, id: string, timestamp: number): Operation {
  const snapshot = snapshotPath(env, id);
  fs.rmSync(snapshot, { force: true });
  env.db.snapshotTo(snapshot);
  let sha256: string;
  let bytes: number;
  try {
    bytes = fs.statSync(snapshot).size;
    sha256 = sha256File(snapshot);
  } catch (error) {
    fs.rmSync(snapshot, { force: true });
    throw error;
  }
  const state = env.state();
  const created = new Date(timestamp);
  const backup: Backup = {
    id,
    version: state.version,
    timestamp: String(timestamp),
    bytes,
    created: { value: created.toISOString(), readable: created.toUTCString() },
    device_name: env.deviceName,
    platform: env.platform,
  };
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
