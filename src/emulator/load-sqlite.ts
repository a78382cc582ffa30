import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';

/** Thrown when the emulator needs SQLite and `better-sqlite3` is missing or did not build. */
export class SqliteUnavailableError extends Error {
  override name = 'SqliteUnavailableError' as const;
}

let loaded: typeof Database | undefined;

/**
 * `better-sqlite3`, loaded on first use. It is an optional dependency (a native addon that npm
 * installs by default but may fail to build): loading it lazily keeps `pieces-backup/emulator`
 * and the CLI importable without it, and turns its absence into one line instead of
 * `ERR_MODULE_NOT_FOUND` at import.
 */
export function loadSqlite(): typeof Database {
  if (loaded) return loaded;
  try {
    loaded = createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  } catch (error) {
    const why = (error as { code?: unknown }).code === 'MODULE_NOT_FOUND' ? 'is not installed' : 'could not be loaded';
    throw new SqliteUnavailableError(
      `the emulator needs better-sqlite3, which ${why} (an optional dependency of pieces-backup): run \`npm install better-sqlite3\` to see why`,
      { cause: error },
    );
  }
  return loaded;
}
