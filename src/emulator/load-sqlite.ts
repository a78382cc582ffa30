import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';

/** Thrown when the emulator needs SQLite and `better-sqlite3` is missing or did not build. */
export class SqliteUnavailableError extends Error {
  override name = 'SqliteUnavailableError' as const;
}

/** The one documented command that installs the emulator's database driver. */
export const INSTALL_SQLITE = 'npm install --save-dev better-sqlite3';

let loaded: typeof Database | undefined;

/**
 * `better-sqlite3`, loaded on first use. It is an optional peer dependency (a native addon that
 * a browser app must not have to build): loading it lazily keeps `pieces-backup/emulator`, the
 * test kit and the CLI importable without it, and turns its absence into one line that says how
 * to install it instead of `ERR_MODULE_NOT_FOUND` at import.
 */
export function loadSqlite(): typeof Database {
  if (loaded) return loaded;
  try {
    loaded = createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  } catch (error) {
    const missing = (error as { code?: unknown }).code === 'MODULE_NOT_FOUND';
    const what = missing ? 'which is not installed' : 'which could not be loaded';
    const fix = missing ? 'install it with' : 'reinstall it to see why with';
    throw new SqliteUnavailableError(
      `the emulator needs better-sqlite3 (an optional peer dependency of pieces-backup), ${what}: ${fix} \`${INSTALL_SQLITE}\``,
      { cause: error },
    );
  }
  return loaded;
}
