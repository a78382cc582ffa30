import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/** Every file under `dir`, relative with `/`, sorted: what a crash left is visible at a glance. */
export function listFiles(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap((entry) => {
      const name = path.posix.join(prefix, entry.name);
      return entry.isDirectory() ? listFiles(dir, name) : [name];
    })
    .sort();
}

/** `PRAGMA integrity_check` of a database file, read-only: `ok` when intact. */
export function integrityOf(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((row) => row.integrity_check).join(',');
  } finally {
    db.close();
  }
}
