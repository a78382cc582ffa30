import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isTerminalStatus, type BackupStreamedProgress } from '../../src/models/index.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { Transfer } from '../../src/emulator/transfer.js';
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
});

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

/** Replaces the transfer's interval by one that fires only after `ms`: later chunks must not need it. */
function setIntervalGuard(transfer: Transfer, ms: number): void {
  const internals = transfer as unknown as { timer: NodeJS.Timeout | undefined; tick(): void };
  clearInterval(internals.timer);
  internals.timer = setInterval(() => internals.tick(), ms);
}
