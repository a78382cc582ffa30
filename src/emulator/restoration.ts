import fs from 'node:fs';
import path from 'node:path';
import type { Manifest } from './cloud-store.js';
import { isIntactDatabase } from './local-database.js';
import { Operation } from './operation.js';
import type { OperationEnv } from './operation-env.js';
import { Transfer } from './transfer.js';

export function stagingPath(env: OperationEnv, id: string): string {
  return path.join(env.localDir, `pieces.db.restore-${id}.tmp`);
}

/**
 * Starts a restoration: download the cloud object at the configured rate into a staging file
 * beside the database, hashing each piece as it is written (one read of the object), then
 * compare the hash with the manifest's and check the staged database (`quick_check`) while
 * its fsync runs, then swap it in with one atomic rename. Until that rename the live database
 * is never touched, so a cancel or a failure leaves it byte-identical.
 */
export function startRestoration(env: OperationEnv, manifest: Manifest): Operation {
  const operation = new Operation('restoration', manifest.backup);
  const staging = stagingPath(env, manifest.backup.id);
  const cleanUp = () => fs.rmSync(staging, { force: true });
  const transfer = new Transfer({
    source: env.cloud.objectPath(manifest.sha256),
    target: staging,
    tickMs: env.tickMs,
    progressFrames: env.progressFrames,
    rateBytesPerSecond: () => env.state().rateBytesPerSecond,
    onProgress: (copied, total) => operation.progress((copied / total) * 100),
    verify: (downloaded) => {
      if (downloaded !== manifest.sha256) throw new Error('downloaded backup does not match its hash');
      if (!isIntactDatabase(staging)) throw new Error('downloaded backup is not an intact database');
    },
    onDone: () => {
      try {
        env.db.replaceWith(staging);
        operation.complete();
      } catch (error) {
        cleanUp();
        operation.fail(`restoration failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    onError: (error) => {
      cleanUp();
      operation.fail(`restoration failed: ${error instanceof Error ? error.message : String(error)}`);
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
