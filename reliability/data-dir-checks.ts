import fs from 'node:fs';
import path from 'node:path';
import { integrityOf, listFiles } from '../test/emulator/data-dir.js';

// What a data dir must look like whenever nothing runs: the facts every probe checks.

/** Staging and temp files anywhere in the data dir, and anything in `local/` but the database. */
export function strayFiles(dataDir: string): string[] {
  const files = listFiles(dataDir);
  const temp = files.filter((name) => /\.(tmp|partial)(-journal|-wal|-shm)?$/.test(name) || /\.(restore|snapshot)-/.test(name));
  const local = files.filter((name) => name.startsWith('local/') && name !== 'local/pieces.db');
  return [...new Set([...temp, ...local])];
}

/** `PRAGMA integrity_check` of the local database (`ok` when intact). */
export const databaseIntegrity = (dataDir: string) => integrityOf(path.join(dataDir, 'local', 'pieces.db'));

/**
 * The cloud holds exactly the objects its manifests reference, and each manifest is whole JSON:
 * a half-written backup would show as a manifest without its object, or the reverse.
 */
export function cloudMismatch(dataDir: string): string[] {
  const files = listFiles(dataDir);
  const manifests = files.filter((name) => name.startsWith('cloud/backups/') && name.endsWith('.json'));
  const objects = new Set(files.filter((name) => name.startsWith('cloud/objects/')).map((name) => path.basename(name)));
  const problems: string[] = [];
  const referenced = new Set<string>();
  for (const name of manifests) {
    try {
      const { sha256 } = JSON.parse(fs.readFileSync(path.join(dataDir, name), 'utf8')) as { sha256: string };
      referenced.add(sha256);
      if (!objects.has(sha256)) problems.push(`${name} has no object`);
    } catch {
      problems.push(`${name} is not whole JSON`);
    }
  }
  for (const object of objects) if (!referenced.has(object)) problems.push(`object ${object} has no manifest`);
  return problems;
}

/** The ids of the manifests on disk (what GET /backups must list). */
export const manifestIds = (dataDir: string) =>
  listFiles(dataDir)
    .filter((name) => name.startsWith('cloud/backups/') && name.endsWith('.json'))
    .map((name) => path.basename(name, '.json'))
    .sort();
