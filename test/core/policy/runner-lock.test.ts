import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileLock } from '../../../src/core/policy/runner-lock-file.js';
import { createMemoryLock, createWebLock, type LockManagerLike } from '../../../src/core/policy/runner-lock.js';
import { createScheduleRunner } from '../../../src/core/policy/schedule-runner.js';
import { createVirtualClock } from '../../../src/testing/virtual-clock.js';
import { FakeDaemon } from './fake-daemon.js';
import { at } from './support.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pieces-backup-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createMemoryLock', () => {
  it('has one holder per name until it releases', async () => {
    const lock = createMemoryLock();
    const release = await lock.tryAcquire('schedule');
    expect(release).not.toBeNull();
    expect(await lock.tryAcquire('schedule')).toBeNull();
    expect(await lock.tryAcquire('other')).not.toBeNull();
    await release?.();
    expect(await lock.tryAcquire('schedule')).not.toBeNull();
  });
});

describe('createWebLock', () => {
  // The Web Locks API's ifAvailable contract, as Chromium implements it (Node has none).
  function lockManager(): LockManagerLike {
    const held = new Set<string>();
    return {
      async request(name, _options, callback) {
        if (held.has(name)) return callback(null);
        held.add(name);
        try {
          return await callback({ name, mode: 'exclusive' });
        } finally {
          held.delete(name);
        }
      },
    };
  }

  it('holds the lock until released, and another request gets null meanwhile', async () => {
    const lock = createWebLock(lockManager());
    const release = await lock.tryAcquire('schedule');
    expect(release).not.toBeNull();
    expect(await lock.tryAcquire('schedule')).toBeNull();
    await release?.();
    expect(await lock.tryAcquire('schedule')).not.toBeNull();
  });
});

describe('createFileLock', () => {
  it('excludes a second holder in the same process and frees on release', async () => {
    const a = createFileLock({ dir });
    const b = createFileLock({ dir });
    const release = await a.tryAcquire('schedule');
    expect(release).not.toBeNull();
    const owner = JSON.parse(await readFile(join(dir, 'schedule.lock'), 'utf8')) as { pid: number; hostname: string };
    expect(owner.pid).toBe(process.pid);
    expect(await b.tryAcquire('schedule')).toBeNull();
    await release?.();
    const again = await b.tryAcquire('schedule');
    expect(again).not.toBeNull();
    await again?.();
  });

  it('takes over a lock whose heartbeat is stale (a hung process, another host), not a fresh one', async () => {
    const file = join(dir, 'schedule.lock');
    await writeFile(file, JSON.stringify({ pid: 1, hostname: 'another-host', token: 'theirs', acquiredAt: '2026-12-01T00:00:00Z' }));
    const lock = createFileLock({ dir, staleMs: 10_000 });
    expect(await lock.tryAcquire('schedule')).toBeNull(); // fresh: another host may be running it
    const old = new Date(Date.now() - 60_000);
    await utimes(file, old, old);
    const release = await lock.tryAcquire('schedule');
    expect(release).not.toBeNull();
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ pid: process.pid });
    await release?.();
  });

  it('takes over a lock held by a process that was SIGKILLed, at once', async () => {
    const script = [
      `import { createFileLock } from ${JSON.stringify(new URL('../../../src/core/policy/runner-lock-file.ts', import.meta.url).pathname)};`,
      `const release = await createFileLock({ dir: ${JSON.stringify(dir)} }).tryAcquire('schedule');`,
      `console.log(release ? 'held' : 'refused');`,
      'setInterval(() => {}, 1000);',
    ].join('\n');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const first = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
      child.once('exit', (code) => reject(new Error(`child exited ${code}`)));
    });
    expect(first).toBe('held');
    const lock = createFileLock({ dir, staleMs: 60_000 });
    expect(await lock.tryAcquire('schedule')).toBeNull(); // alive: its lock stands
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const release = await lock.tryAcquire('schedule'); // dead pid: no wait for the 60 s heartbeat
    expect(release).not.toBeNull();
    expect(JSON.parse(await readFile(join(dir, 'schedule.lock'), 'utf8'))).toMatchObject({ pid: process.pid });
    await release?.();
  });

  it('two runners in one process sharing a lock directory make one backup per period', async () => {
    const clock = createVirtualClock();
    const start = at('2026-12-01 05:00');
    const now = () => start + clock.now();
    const daemon = new FakeDaemon(clock, now);
    const runners = ['a', 'b'].map((name) =>
      createScheduleRunner({
        schedule: { every: '6h' },
        deviceName: 'laptop',
        listBackups: daemon.listBackups,
        isOperationRunning: daemon.isOperationRunning,
        startBackup: () => daemon.startBackup(name),
        lock: createFileLock({ dir }),
        clock: { scheduler: clock.scheduler, now },
        recheckMs: 5 * 60_000,
      }),
    );
    let lockWaits = 0;
    for (const runner of runners) {
      runner.subscribe(() => {
        if (runner.getSnapshot().waitingFor === 'lock') lockWaits += 1;
      });
    }
    // the lock file is real I/O: let it finish between steps of virtual time
    for (let step = 0; step < 3 * 24 * 4; step += 1) {
      await clock.advance(15 * 60_000);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    for (const runner of runners) runner.dispose();
    const periods = new Map<number, number>();
    for (const { startedAt } of daemon.creations) {
      const key = Math.floor(startedAt / (6 * 3_600_000));
      periods.set(key, (periods.get(key) ?? 0) + 1);
    }
    expect(periods.size).toBe(13); // 05:00 on the 1st, then every 6 h to 00:00 on the 4th
    expect([...periods.values()].every((count) => count === 1)).toBe(true);
    expect(daemon.maxConcurrent).toBe(1);
    expect(lockWaits).toBeGreaterThan(0); // the lock, not luck, kept them apart at least once
  });
});
