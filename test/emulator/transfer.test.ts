import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isTerminalStatus, type BackupStreamedProgress } from '../../src/models/index.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { ParallelSha256, SLOT_BYTES } from '../../src/emulator/parallel-hash.js';
import { StagedFile, Transfer } from '../../src/emulator/transfer.js';
import { sampleAsset } from '../../src/emulator/sample-assets.js';

describe('progressFrames', () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  async function streamedCreation(url: string): Promise<BackupStreamedProgress[]> {
    const response = await fetch(`${url}/backups/create/streamed`, {
      method: 'POST',
      headers: { accept: 'application/x-ndjson', 'content-type': 'application/json' },
      body: '{}',
    });
    const text = await response.text();
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as BackupStreamedProgress);
  }

  it('sends that many frames for a transfer done in one tick: INITIALIZED, progressFrames - 1 in progress, COMPLETED', async () => {
    emulator = await startEmulator({ port: 0, rateBytesPerSecond: 1e12, progressFrames: 500 });
    const frames = await streamedCreation(emulator.url);
    expect(frames).toHaveLength(501);
    expect(frames[0]?.status).toBe('INITIALIZED');
    expect(frames.slice(1, -1).every((frame) => frame.status === 'IN-PROGRESS')).toBe(true);
    expect(frames.at(-1)?.status).toBe('COMPLETED');
    const percentages = frames.slice(1, -1).map((frame) => frame.percentage as number);
    expect(percentages).toEqual([...percentages].sort((a, b) => a - b));
    expect(percentages.at(-1)).toBeLessThan(100);
  });

  it('is checked: a count that is not a positive integer is a RangeError', async () => {
    await expect(startEmulator({ port: 0, progressFrames: 0 })).rejects.toThrow(RangeError);
    await expect(startEmulator({ port: 0, progressFrames: 1.5 })).rejects.toThrow(RangeError);
  });

  it('leaves the default at one frame a tick (so a slow transfer sends few frames)', async () => {
    emulator = await startEmulator({ port: 0, rateBytesPerSecond: 1e12 });
    const frames = await streamedCreation(emulator.url);
    expect(isTerminalStatus(frames.at(-1)?.status)).toBe(true);
    expect(frames.length).toBeLessThan(10);
  });
});

describe('creation snapshot', () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it('uploads the local database byte for byte as it was when the creation started, not later writes', async () => {
    // slow enough that the write below lands while the upload runs
    emulator = await startEmulator({ port: 0, rateBytesPerSecond: 200_000, tickMs: 10 });
    const before = emulator.admin.readDatabaseBytes();
    const created = fetch(`${emulator.url}/backups/create`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    while (emulator.admin.operations().creations.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    emulator.admin.upsertAsset(sampleAsset(10_000));
    const backup = (await (await created).json()) as { id: string; bytes: number };
    const manifest = JSON.parse(fs.readFileSync(path.join(emulator.dataDir, 'cloud', 'backups', `${backup.id}.json`), 'utf8')) as { sha256: string };
    const uploaded = fs.readFileSync(path.join(emulator.dataDir, 'cloud', 'objects', manifest.sha256));
    expect(uploaded.equals(before)).toBe(true);
    expect(backup.bytes).toBe(before.length);
    expect(emulator.admin.readDatabaseBytes().equals(before)).toBe(false);
    expect(fs.readdirSync(path.join(emulator.dataDir, 'local')).filter((name) => name.includes('.snapshot-'))).toEqual([]);
  });

  it('reads the database once: the snapshot is staged in the cloud while the upload runs, nothing beside the database', async () => {
    emulator = await startEmulator({ port: 0, rateBytesPerSecond: 200_000, tickMs: 10 });
    const before = emulator.admin.readDatabaseBytes();
    const created = fetch(`${emulator.url}/backups/create`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const id = await waitForCreation(emulator);
    const objects = path.join(emulator.dataDir, 'cloud', 'objects');
    // the whole snapshot is there from the start: the upload is paced over it, not a second copy
    expect(fs.readFileSync(path.join(objects, `${id}.partial`)).equals(before)).toBe(true);
    expect(fs.readdirSync(path.join(emulator.dataDir, 'local'))).toEqual(['pieces.db']);
    const backup = (await (await created).json()) as { id: string };
    expect(backup.id).toBe(id);
    const manifest = JSON.parse(fs.readFileSync(path.join(emulator.dataDir, 'cloud', 'backups', `${id}.json`), 'utf8')) as { sha256: string };
    expect(fs.readdirSync(objects)).toEqual([manifest.sha256]);
  });

  it('a cancel while uploading removes the staged snapshot and lists nothing', async () => {
    emulator = await startEmulator({ port: 0, rateBytesPerSecond: 100_000, tickMs: 10, cancelDelayMs: 10 });
    const created = fetch(`${emulator.url}/backups/create`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const id = await waitForCreation(emulator);
    expect((await fetch(`${emulator.url}/backup/${id}/creation/cancel`, { method: 'POST' })).status).toBe(204);
    expect((await created).status).toBe(500);
    expect(fs.readdirSync(path.join(emulator.dataDir, 'cloud', 'objects'))).toEqual([]);
    expect(fs.readdirSync(path.join(emulator.dataDir, 'cloud', 'backups'))).toEqual([]);
  });

  it('a seed of content already in the cloud shares its object and drops the staged copy', async () => {
    emulator = await startEmulator({ port: 0, rateBytesPerSecond: 1e12 });
    const first = emulator.admin.seedBackup({ timestamp: '2026-12-01T06:00:00Z' });
    const second = emulator.admin.seedBackup({ timestamp: '2026-12-01T07:00:00Z' });
    expect(second.id).not.toBe(first.id);
    expect(fs.readdirSync(path.join(emulator.dataDir, 'cloud', 'objects'))).toHaveLength(1);
  });
});

describe('ParallelSha256', () => {
  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  /** Feeds `bytes` in pieces of `size` through `hash` (copying into the lent piece, as a read does). */
  const feed = (hash: ParallelSha256, bytes: Buffer, from: number, to: number) => {
    for (let at = from; at < to; ) at += hash.piece((piece) => bytes.copy(piece, 0, at, Math.min(to, at + piece.length)));
  };

  it('hashes what each piece was filled with, streams interleaved, like one sha256 of the whole', () => {
    const a = Buffer.alloc(3 * SLOT_BYTES + 17);
    const b = Buffer.alloc(2 * SLOT_BYTES + 5);
    for (let i = 0; i < a.length; i += 4093) a[i] = i % 251;
    for (let i = 0; i < b.length; i += 997) b[i] = (i * 7) % 253;
    const ha = new ParallelSha256(a.length, 'worker');
    const hb = new ParallelSha256(b.length, 'worker');
    // on Node the pieces go to the worker (the in-thread fallback is for where none starts)
    expect((ha as unknown as { pool: unknown }).pool).not.toBeNull();
    feed(ha, a, 0, SLOT_BYTES + 3);
    feed(hb, b, 0, SLOT_BYTES);
    feed(ha, a, SLOT_BYTES + 3, a.length);
    feed(hb, b, SLOT_BYTES, b.length);
    expect(hb.digest()).toBe(sha256(b));
    expect(ha.digest()).toBe(sha256(a));
    const empty = new ParallelSha256(0, 'worker');
    expect(empty.digest()).toBe(sha256(Buffer.alloc(0)));
    const here = new ParallelSha256(a.length, 'here');
    feed(here, a, 0, a.length);
    expect(here.digest()).toBe(sha256(a));
    // at most one piece: hashed in this thread, same digest
    const small = new ParallelSha256(100);
    expect((small as unknown as { pool: unknown }).pool).toBeNull();
    feed(small, b, 0, 100);
    expect(small.digest()).toBe(sha256(b.subarray(0, 100)));
  });

  it('a piece whose fill throws hashes nothing and the hash goes on; a disposed stream leaves the others intact', () => {
    const bytes = Buffer.from('the bytes that count');
    const kept = new ParallelSha256(bytes.length, 'worker');
    const dropped = new ParallelSha256(SLOT_BYTES + 1, 'worker');
    feed(dropped, Buffer.alloc(SLOT_BYTES + 1, 3), 0, SLOT_BYTES + 1);
    expect(() =>
      kept.piece(() => {
        throw new Error('read failed');
      }),
    ).toThrow('read failed');
    dropped.dispose();
    feed(kept, bytes, 0, bytes.length);
    expect(kept.digest()).toBe(sha256(bytes));
  });
});

describe('restoration swap', () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });
  const deletedDatabases = () =>
    fs.existsSync('/proc/self/fd')
      ? fs
          .readdirSync('/proc/self/fd')
          .map((fd) => {
            try {
              return fs.readlinkSync(`/proc/self/fd/${fd}`);
            } catch {
              return '';
            }
          })
          .filter((target) => target.startsWith(emulator!.dataDir) && target.endsWith('(deleted)'))
      : [];

  it('frees the replaced database after the rename: no fd stays on it', async () => {
    emulator = await startEmulator({ port: 0, rateBytesPerSecond: 1e12 });
    const created = (await (await fetch(`${emulator.url}/backups/create`, { method: 'POST' })).json()) as { id: string };
    emulator.admin.upsertAsset(sampleAsset(20_000));
    expect((await fetch(`${emulator.url}/backup/${created.id}/restore`, { method: 'POST' })).status).toBe(200);
    for (let i = 0; i < 100 && deletedDatabases().length > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(deletedDatabases()).toEqual([]);
    expect(fs.readdirSync(path.join(emulator.dataDir, 'local'))).toEqual(['pieces.db']);
  });
});

async function waitForCreation(emulator: Emulator): Promise<string> {
  for (;;) {
    const running = emulator.admin.operations().creations[0];
    if (running) return running.backup.id;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('Transfer at a rate above a chunk a tick', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'transfer-test-'));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('copies every chunk the budget allows without waiting for the next tick', async () => {
    const source = path.join(dir, 'source.bin');
    const target = path.join(dir, 'target.bin');
    // three 16 MiB chunks and a bit: three more ticks at one chunk a tick
    fs.writeFileSync(source, Buffer.alloc(3 * 16 * 1024 * 1024 + 1_000, 7));
    const ticksMs = 60_000;
    const progress: number[] = [];
    const done = await new Promise<{ total: number }>((resolve, reject) => {
      const transfer = new Transfer({
        source,
        target,
        tickMs: 1,
        rateBytesPerSecond: () => 1e15,
        onProgress: (copied) => {
          progress.push(copied);
          // after the first tick, no interval tick may come again for a minute
          if (progress.length === 1) setIntervalGuard(transfer, ticksMs);
        },
        onDone: (_sha256, total) => resolve({ total }),
        onError: reject,
      });
      transfer.start();
    });
    expect(done.total).toBe(fs.statSync(source).size);
    expect(fs.statSync(target).size).toBe(done.total);
    expect(progress).toEqual([16, 32, 48].map((mib) => mib * 1024 * 1024));
  });
});

describe('Transfer verify and fsync', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'transfer-verify-'));
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function copy(verify: (sha256: string) => void): Promise<{ done?: string; error?: unknown }> {
    const source = path.join(dir, 'source.bin');
    fs.writeFileSync(source, Buffer.alloc(40 * 1024 * 1024 + 3, 9));
    return new Promise((resolve) => {
      new Transfer({
        source,
        target: path.join(dir, 'target.bin'),
        tickMs: 1,
        rateBytesPerSecond: () => 1e15,
        onProgress: () => undefined,
        verify,
        onDone: (sha256) => resolve({ done: sha256 }),
        onError: (error) => resolve({ error }),
      }).start();
    });
  }

  it('verifies the complete target, hashed from the one read, before onDone', async () => {
    let seen: { sha256: string; size: number } | undefined;
    const result = await copy((sha256) => (seen = { sha256, size: fs.statSync(path.join(dir, 'target.bin')).size }));
    const expected = createHash('sha256').update(fs.readFileSync(path.join(dir, 'source.bin'))).digest('hex');
    expect(seen).toEqual({ sha256: expected, size: 40 * 1024 * 1024 + 3 });
    expect(result).toEqual({ done: expected });
  });

  it('ends with onError, never onDone, when verify throws', async () => {
    const result = await copy(() => {
      throw new Error('not a database');
    });
    expect(result.done).toBeUndefined();
    expect((result.error as Error).message).toBe('not a database');
  });
});

describe('StagedFile', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'staged-file-'));
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const openFds = () => (fs.existsSync('/proc/self/fd') ? fs.readdirSync('/proc/self/fd').length : 0);
  const piece = Buffer.alloc(4 * 1024 * 1024, 5);

  it('flushes early while written, fsyncs once more, then closes its fd', async () => {
    const fds = openFds();
    const file = new StagedFile(path.join(dir, 'a.bin'), 'wx');
    for (let i = 0; i < 10; i += 1) file.write(piece, piece.length);
    const error = await new Promise((resolve) => file.sync(resolve));
    expect(error).toBeUndefined();
    expect(fs.statSync(path.join(dir, 'a.bin')).size).toBe(10 * piece.length);
    expect(openFds()).toBe(fds);
    expect(() => file.write(piece, 1)).toThrow(/closed/);
  });

  it('closed while flushes are in flight: its fd closes when they return, and a later sync fails', async () => {
    const fds = openFds();
    const file = new StagedFile(path.join(dir, 'b.bin'));
    for (let i = 0; i < 10; i += 1) file.write(piece, piece.length);
    file.close();
    // two early flushes are on the thread pool: their fd is still open
    expect((file as unknown as { fd: number | undefined }).fd).toBeTypeOf('number');
    const error = await new Promise<Error | undefined>((resolve) => file.sync(resolve));
    expect(error?.message).toMatch(/closed before its fsync/);
    for (let i = 0; i < 100 && openFds() !== fds; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(openFds()).toBe(fds);
  });
});

/** Replaces the transfer's interval by one that fires only after `ms`: later chunks must not need it. */
function setIntervalGuard(transfer: Transfer, ms: number): void {
  const internals = transfer as unknown as { timer: NodeJS.Timeout | undefined; tick(): void };
  clearInterval(internals.timer);
  internals.timer = setInterval(() => internals.tick(), ms);
}
