/**
 * `npm run bench`: figures the tests must not time. Writes bench/results/latest.json.
 *
 * Lifecycle: a backup that takes ~30 s on the emulator, followed by a backup machine over
 * each transport. Counted: HTTP requests, WebSockets opened, frames received. Measured:
 * detection latency, from the server making the operation terminal (an in-process hook on
 * the emulator) to the machine reaching `done`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { createBackupClient, type WebSocketConstructor } from '../src/api/index.js';
import { startEmulator } from '../src/emulator/index.js';
import { createBackupActor } from '../machines/index.js';
import type { ProgressTransport } from '../src/streams/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const seconds = Number(process.env.BENCH_SECONDS ?? 30);

interface LifecycleFigures {
  transport: ProgressTransport;
  operationSeconds: number;
  httpRequests: number;
  webSocketsOpened: number;
  detectionLatencyMs: number;
  finalState: string;
  percentageUpdates: number;
}

async function measure(transport: ProgressTransport, bytesPerSecond: number): Promise<LifecycleFigures> {
  const emulator = await startEmulator({ port: 0, rateBytesPerSecond: bytesPerSecond });
  let httpRequests = 0;
  let webSocketsOpened = 0;
  const countingFetch: typeof fetch = (input, init) => {
    httpRequests += 1;
    return fetch(input, init);
  };
  class CountingWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      webSocketsOpened += 1;
    }
  }
  const client = createBackupClient({
    baseUrl: emulator.url,
    fetch: countingFetch,
    WebSocket: CountingWebSocket as unknown as WebSocketConstructor,
  });
  let serverEnded = Number.NaN;
  const off = emulator.admin.onOperationEnded(({ at }) => (serverEnded = at));
  const actor = createBackupActor(client, { transport });
  const started = performance.now();
  let percentageUpdates = 0;
  let lastPercentage = -1;
  const end = await new Promise<{ state: string; at: number }>((resolve) => {
    actor.subscribe((snapshot) => {
      if (snapshot.context.percentage !== lastPercentage) {
        lastPercentage = snapshot.context.percentage;
        percentageUpdates += 1;
      }
      const state = String(snapshot.value);
      if (state === 'done' || state === 'failed' || state === 'cancelled') resolve({ state, at: performance.now() });
    });
    actor.send({ type: 'START' });
  });
  actor.stop();
  off();
  await emulator.close();
  return {
    transport,
    operationSeconds: Number(((serverEnded - started) / 1000).toFixed(2)),
    httpRequests,
    webSocketsOpened,
    detectionLatencyMs: Number((end.at - serverEnded).toFixed(1)),
    finalState: end.state,
    percentageUpdates,
  };
}

async function databaseBytes(): Promise<number> {
  const emulator = await startEmulator({ port: 0 });
  try {
    return emulator.admin.readDatabaseBytes().length;
  } finally {
    await emulator.close();
  }
}

async function main(): Promise<void> {
  const bytes = await databaseBytes();
  const rate = Math.max(1, Math.floor(bytes / seconds));
  const lifecycles: LifecycleFigures[] = [];
  for (const transport of ['polling', 'websocket', 'ndjson'] as const) {
    const figures = await measure(transport, rate);
    console.log(JSON.stringify(figures));
    lifecycles.push(figures);
  }
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    command: 'npm run bench',
    targetOperationSeconds: seconds,
    databaseBytes: bytes,
    lifecycles,
  };
  fs.mkdirSync(path.join(here, 'results'), { recursive: true });
  fs.writeFileSync(path.join(here, 'results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`wrote bench/results/latest.json`);
}

await main();
