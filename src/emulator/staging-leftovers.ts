import fs from 'node:fs';
import path from 'node:path';

/** Where staging files live, and the files that must never be mistaken for one. */
export interface StagingLocations {
  /** The live database; staging beside it is `<name>.restore-<id>.tmp` (and `<name>.snapshot-<id>.tmp` from earlier versions). */
  localDatabase: string;
  /** Folders holding `<id>.partial` staged uploads (`<sha256>.partial` from earlier versions) and `*.<pid>.tmp` atomic-write temps. */
  cloudDirs: readonly string[];
  /** The operations journal; its atomic-write temp is `<name>.<pid>.tmp`. */
  journal: string;
}

/** SQLite keeps a rollback journal (or WAL and shared memory) beside any file it writes. */
const SQLITE_SIBLING = '(?:-journal|-wal|-shm)?';

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function removeMatching(directory: string, pattern: RegExp): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(directory, { withFileTypes: true });
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile() || !pattern.test(entry.name)) continue;
    fs.rmSync(path.join(directory, entry.name), { force: true });
    removed.push(entry.name);
  }
  return removed;
}

/**
 * Removes what interrupted work staged: restore and snapshot files with their SQLite
 * siblings, cloud `.partial` uploads and atomic-write temps (with siblings too), and the
 * journal's temp. The live database's own `-journal`/`-wal` is never touched: it is a hot
 * journal SQLite needs to roll an interrupted write back. Call only while no operation runs.
 * Returns the removed names, for tests and logs.
 */
export function removeStagingLeftovers(locations: StagingLocations): string[] {
  const live = escape(path.basename(locations.localDatabase));
  const journal = escape(path.basename(locations.journal));
  return [
    ...removeMatching(path.dirname(locations.localDatabase), new RegExp(`^${live}\\.(?:restore|snapshot)-.+\\.tmp${SQLITE_SIBLING}$`)),
    ...locations.cloudDirs.flatMap((dir) => removeMatching(dir, new RegExp(`\\.(?:partial|tmp)${SQLITE_SIBLING}$`))),
    ...removeMatching(path.dirname(locations.journal), new RegExp(`^${journal}\\.\\d+\\.tmp$`)),
  ];
}
