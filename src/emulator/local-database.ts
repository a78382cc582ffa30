import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { Asset } from '../models/index.js';
import { fsyncDirectory } from './durable-file.js';
import { loadSqlite } from './load-sqlite.js';

type Connection = InstanceType<typeof Database>;

/**
 * Whether a file is an intact emulator database (`PRAGMA quick_check` passes and it has the
 * assets table), without changing it. A restoration runs it on a staging file whose sha256
 * already matched the manifest, so the bytes are exactly the backup's; what is left to catch
 * is a backup that is not a sound database (a damaged or foreign file). `quick_check` checks
 * every page, record and freelist like `integrity_check`, in O(N) instead of O(N log N): it
 * skips only the comparison of indexes with their tables, a damage a byte copy of a sound
 * database cannot have (about 0.65x the time of `integrity_check` on 100 MB, bench/results.json).
 */
export function isIntactDatabase(file: string): boolean {
  // outside the try: a missing better-sqlite3 is not a damaged file
  const Sqlite = loadSqlite();
  let connection: Connection | undefined;
  try {
    connection = new Sqlite(file, { readonly: true, fileMustExist: true });
    const rows = connection.pragma('quick_check') as Array<{ quick_check: string }>;
    const table = connection.prepare("SELECT name FROM sqlite_master WHERE type='table' AND name='assets'").get();
    return rows.length === 1 && rows[0]?.quick_check === 'ok' && table !== undefined;
  } catch {
    return false;
  } finally {
    connection?.close();
  }
}

/**
 * The Pieces OS local database: one SQLite file of assets, stored as their JSON verbatim so
 * fields the emulator does not understand round-trip. `journal_mode=DELETE` keeps the file's
 * bytes stable while idle, which is what makes "byte-identical after cancel" checkable.
 */
export class LocalDatabase {
  private connection: Connection | undefined;

  constructor(readonly file: string) {}

  open(): void {
    if (this.connection) return;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const connection = new (loadSqlite())(this.file);
    connection.pragma('journal_mode = DELETE');
    connection.exec('CREATE TABLE IF NOT EXISTS assets (id TEXT PRIMARY KEY, json TEXT NOT NULL)');
    this.connection = connection;
  }

  close(): void {
    this.connection?.close();
    this.connection = undefined;
  }

  private get db(): Connection {
    // No silent reopen: after close() (shutdown) nothing may recreate files in the data dir.
    if (!this.connection) throw new Error('the local database is closed');
    return this.connection;
  }

  list(): Asset[] {
    const rows = this.db.prepare('SELECT json FROM assets ORDER BY rowid').all() as Array<{ json: string }>;
    return rows.map((row) => JSON.parse(row.json) as Asset);
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM assets').get() as { n: number }).n;
  }

  upsert(assets: readonly Asset[]): void {
    if (assets.length === 0) return;
    const statement = this.db.prepare(
      'INSERT INTO assets (id, json) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET json = excluded.json',
    );
    this.db.transaction(() => {
      for (const asset of assets) statement.run(asset.id, JSON.stringify(asset));
    })();
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM assets WHERE id = ?').run(id).changes > 0;
  }

  /** A consistent copy of the whole database in `target` (which must not exist). */
  snapshotTo(target: string): void {
    this.db.prepare('VACUUM INTO ?').run(target);
  }

  /**
   * Swaps in a verified staging file: close, rename over, fsync the directory, reopen. The
   * rename is atomic, so a crash leaves the old or the new database, never a mix.
   */
  replaceWith(staging: string): void {
    // Held open across the rename, so freeing the old file's blocks (about 24 ms for 100 MB
    // on ext4) happens when this fd closes on the thread pool, not inside the rename.
    let old: number | undefined;
    try {
      old = fs.openSync(this.file, 'r');
    } catch {
      // no database file yet: nothing to free
    }
    this.close();
    try {
      fs.renameSync(staging, this.file);
      fsyncDirectory(path.dirname(this.file));
    } finally {
      this.open();
      if (old !== undefined) fs.close(old, () => undefined);
    }
  }

  readBytes(): Buffer {
    return fs.readFileSync(this.file);
  }

  /** Empties the database (a fresh file), for the admin reset. */
  wipe(): void {
    this.close();
    fs.rmSync(this.file, { force: true });
    fs.rmSync(`${this.file}-journal`, { force: true });
    this.open();
  }
}
