/**
 * The client side of `heap_growth_bytes_10k_lifecycles`, alone in a process started with
 * --expose-gc: argv `<baseUrl> <lifecycles>`. Prints one JSON line with the heap after GC
 * and the active handles, before and after.
 */
import v8 from 'node:v8';
import WebSocket from 'ws';
import { createBackupClient, type WebSocketConstructor } from '../src/api/index.js';
import { createBackupCore, type Store } from '../src/core/index.js';

const [baseUrl, count] = [process.argv[2]!, Number(process.argv[3])];
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

function until<T extends { value: unknown }>(store: Store<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const snapshot = store.getSnapshot();
      if (snapshot.value === 'done') resolve(snapshot);
      else if (snapshot.value === 'failed' || snapshot.value === 'cancelled') reject(new Error(`ended ${String(snapshot.value)}`));
      else return;
      unsubscribe();
    };
    const unsubscribe = store.subscribe(check);
  });
}

const client = createBackupClient({ baseUrl, WebSocket: WebSocket as unknown as WebSocketConstructor });

/** One backup, then the restore of it, on a fresh core disposed after (a screen opened and closed). */
async function lifecycle(index: number): Promise<void> {
  const core = createBackupCore(client, { transport: index % 2 === 0 ? 'websocket' : 'ndjson' });
  const backedUp = until(core.backup);
  core.backup.start();
  const { context } = await backedUp;
  const restored = until(core.restore);
  core.restore.restore(context.backupId!, { confirm: true });
  await restored;
  core.dispose();
}

/** Lets idle keep-alive sockets and timers run out, then collects garbage. */
async function settle(): Promise<{ heapBytes: number; bySpace: Record<string, number>; handles: string[] }> {
  let last = -1;
  for (let waited = 0; waited < 8_000; waited += 500) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = process.getActiveResourcesInfo().length;
    if (now === last) break;
    last = now;
  }
  for (let i = 0; i < 3; i += 1) {
    gc!();
    await new Promise((resolve) => setImmediate(resolve));
  }
  // the settle loop's own timer is done by now
  const bySpace = Object.fromEntries(v8.getHeapSpaceStatistics().map((space) => [space.space_name, space.space_used_size]));
  return { heapBytes: process.memoryUsage().heapUsed, bySpace, handles: process.getActiveResourcesInfo() };
}

// note: V8 keeps compiling hot code for a while (code, deopt data): a long warm-up keeps that out of the growth
const warmUp = Math.min(1_000, Math.ceil(count / 5));
for (let index = 0; index < warmUp; index += 1) await lifecycle(index);
const before = await settle();
const started = performance.now();
for (let index = 0; index < count; index += 1) await lifecycle(index);
const seconds = (performance.now() - started) / 1000;
const after = await settle();
process.stdout.write(`${JSON.stringify({ warmUp, count, seconds, before, after })}\n`);
