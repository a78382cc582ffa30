/**
 * `heap_growth_bytes_10k_lifecycles` and `active_handles_growth_10k_lifecycles`: one process
 * (bench/heap-process.ts, --expose-gc) runs `profile.lifecycles` backup-and-restore
 * lifecycles, each on a fresh core (createBackupCore, websocket and ndjson in turn) that is
 * disposed after; heap used after GC and active handles are read before and after (after
 * a warm-up, and once idle keep-alive sockets have closed). The emulator runs in this
 * process, on a data dir in memory when /dev/shm exists (the disk is not what is measured).
 *
 * Checked once by hand (heap snapshots after 300 and after 1,300 lifecycles, diffed by node
 * and by retainer): what grew was code, deopt data and feedback, no retained JS objects.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmulator } from '../src/emulator/index.js';
import { exited, figure, firstLine, round, spawnScript, type Figure, type Profile } from './figures.js';

interface HeapReport {
  warmUp: number;
  count: number;
  seconds: number;
  before: { heapBytes: number; bySpace: Record<string, number>; handles: string[] };
  after: { heapBytes: number; bySpace: Record<string, number>; handles: string[] };
}

export async function heap(profile: Profile): Promise<Record<string, Figure>> {
  const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const dataDir = fs.mkdtempSync(path.join(base, 'pieces-bench-heap-'));
  const emulator = await startEmulator({ port: 0, dataDir, seed: false, rateBytesPerSecond: 1e12, tickMs: 1, cancelDelayMs: 0 });
  let report: HeapReport;
  try {
    const child = spawnScript('heap-process.ts', [emulator.url, String(profile.lifecycles)], ['--expose-gc']);
    report = await firstLine<HeapReport>(child);
    await exited(child);
  } finally {
    await emulator.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const growth = report.after.heapBytes - report.before.heapBytes;
  const handleGrowth = report.after.handles.length - report.before.handles.length;
  const details = {
    lifecycles: report.count,
    warmUpLifecycles: report.warmUp,
    seconds: round(report.seconds, 1),
    heapBytesBefore: report.before.heapBytes,
    heapBytesAfter: report.after.heapBytes,
    growthBySpace: Object.fromEntries(
      Object.entries(report.after.bySpace).map(([space, bytes]) => [space, bytes - (report.before.bySpace[space] ?? 0)]),
    ),
    handlesBefore: report.before.handles,
    handlesAfter: report.after.handles,
  };
  const space = (name: string) => report.after.bySpace[name]! - report.before.bySpace[name]!;
  const why = `code_space grew ${space('code_space')} bytes and old_space ${space('old_space')}: a heap snapshot diff over 1,000 lifecycles (bench/heap.ts's doc) showed the growth is V8's compiled code and deopt data, not retained objects`;
  return {
    heap_growth_bytes_10k_lifecycles: figure(
      growth,
      'bytes',
      { max: 1_000_000 },
      1,
      `heapUsed after GC, after ${report.count} backup-and-restore lifecycles (a fresh createBackupCore each, disposed after) minus before them, in one process`,
      { why, details },
    ),
    active_handles_growth_10k_lifecycles: figure(
      handleGrowth,
      'handles',
      { equals: 0 },
      1,
      'process.getActiveResourcesInfo() after the lifecycles minus before, once idle sockets have closed',
      { details },
    ),
  };
}
