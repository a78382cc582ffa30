import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import type { ReleaseLock, RunnerLock } from './runner-lock.js';

export interface FileLockOptions {
  /** Directory of the lock files (created if missing), e.g. `~/.local/state/pieces-backup`. */
  dir: string;
  /** A lock whose heartbeat (the file's mtime) is older than this is taken over, ms. Default 30 s. */
  staleMs?: number;
  /** How often the holder touches the file, ms. Default 5 s. */
  heartbeatMs?: number;
}

interface Owner {
  pid: number;
  hostname: string;
  token: string;
  acquiredAt: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

async function readOwner(file: string): Promise<Owner | null> {
  try {
    const owner = JSON.parse(await readFile(file, 'utf8')) as Partial<Owner>;
    return typeof owner.pid === 'number' && typeof owner.hostname === 'string' && typeof owner.token === 'string' ? (owner as Owner) : null;
  } catch {
    return null;
  }
}

/**
 * A lock between processes on one machine (or sharing a directory): a file created with
 * O_EXCL holding the owner's pid, hostname and a token; its mtime is the heartbeat. A lock
 * whose owner is dead (same host, pid gone: a SIGKILL, a crash) is taken over at once, and one
 * whose heartbeat is older than `staleMs` (a hung process, another host) after that. Node only.
 *
 * @example
 * ```ts
 * const lock = createFileLock({ dir: join(homedir(), '.local/state/pieces-backup') });
 * const release = await lock.tryAcquire('schedule');
 * ```
 */
export function createFileLock(options: FileLockOptions): RunnerLock {
  const { dir, staleMs = 30_000, heartbeatMs = 5_000 } = options;
  const host = osHostname();

  const create = async (file: string, owner: Owner): Promise<boolean> => {
    try {
      const handle = await open(file, 'wx');
      try {
        await handle.writeFile(JSON.stringify(owner));
      } finally {
        await handle.close();
      }
      return true;
    } catch (error) {
      if (codeOf(error) === 'EEXIST') return false;
      throw error;
    }
  };

  // Moves a dead holder's file aside. The rename is atomic, so of two takers only one moves
  // it; a taker that moved a fresh lock instead (created since it looked) puts it back.
  const takeOver = async (file: string, stale: Owner | null, token: string): Promise<boolean> => {
    const aside = `${file}.${token}.stale`;
    try {
      await rename(file, aside);
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return true; // gone already: try to create
      throw error;
    }
    const moved = await readOwner(aside);
    if (stale !== null && moved?.token !== stale.token) {
      await link(aside, file).catch(() => undefined);
      await unlink(aside).catch(() => undefined);
      return false;
    }
    await unlink(aside).catch(() => undefined);
    return true;
  };

  return {
    async tryAcquire(name) {
      await mkdir(dir, { recursive: true });
      const file = join(dir, `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.lock`);
      const owner: Owner = { pid: process.pid, hostname: host, token: randomUUID(), acquiredAt: new Date().toISOString() };
      for (let attempt = 0; attempt < 3; attempt += 1) {
        if (await create(file, owner)) return holding(file, owner.token);
        let mtimeMs: number;
        try {
          mtimeMs = (await stat(file)).mtimeMs;
        } catch (error) {
          if (codeOf(error) === 'ENOENT') continue; // released meanwhile
          throw error;
        }
        const current = await readOwner(file);
        const dead = current !== null && current.hostname === host && !isAlive(current.pid);
        const stale = Date.now() - mtimeMs > staleMs;
        if (!dead && !stale) return null;
        if (!(await takeOver(file, current, owner.token))) return null;
      }
      return null;
    },
  };

  function holding(file: string, token: string): ReleaseLock {
    const beat = setInterval(() => {
      void (async () => {
        const current = await readOwner(file);
        if (current?.token !== token) {
          clearInterval(beat); // taken over: stop touching someone else's lock
          return;
        }
        const now = new Date();
        await utimes(file, now, now).catch(() => undefined);
      })();
    }, heartbeatMs);
    beat.unref();
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      clearInterval(beat);
      if ((await readOwner(file))?.token === token) await unlink(file).catch(() => undefined);
    };
  }
}
