import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalDatabase } from '../src/emulator/local-database.js';
import { sampleAsset } from '../src/emulator/sample-assets.js';

/**
 * A data dir whose local database holds at least `bytes` of sample assets (about 2.7 KB
 * each), for an emulator started with `dataDir` (it seeds only an empty database). Built once
 * per size and kept in the temp dir: 100 MB takes a while to write.
 */
export function databaseDataDir(bytes: number): string {
  const dir = path.join(os.tmpdir(), `pieces-bench-db-${bytes}`);
  const file = path.join(dir, 'local', 'pieces.db');
  if (fs.existsSync(path.join(dir, 'ready')) && fs.statSync(file).size >= bytes) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  const db = new LocalDatabase(file);
  db.open();
  let index = 0;
  while (fs.statSync(file).size < bytes) {
    db.upsert(Array.from({ length: 2_000 }, () => sampleAsset(index++)));
  }
  db.close();
  fs.writeFileSync(path.join(dir, 'ready'), `${index} assets\n`);
  return dir;
}

/** A fresh copy of a prepared data dir (its database only), so runs do not share a cloud. */
export function copyDataDir(source: string): string {
  const target = fs.mkdtempSync(path.join(os.tmpdir(), 'pieces-bench-run-'));
  fs.mkdirSync(path.join(target, 'local'));
  fs.copyFileSync(path.join(source, 'local', 'pieces.db'), path.join(target, 'local', 'pieces.db'));
  return target;
}
