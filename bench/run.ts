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
// One run of a poller says little (where the end falls between two polls is chance).
const runsPerVariant = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : Number(((sorted[middle - 1]! + sorted[middle]!) / 2).toFixed(1));
}

/** The adaptive transports, plus a blind 1 s poller as the baseline other clients use. */
type Variant = ProgressTransport | 'polling-fixed-1s';

interface LifecycleFigures {
  transport: Variant;
  operationSeconds: number;
  httpRequests: number;
  webSocketsOpened: number;
  detectionLatencyMs: number;
  finalState: string;
  percentageUpdates: number;
}

async function measure(variant: Variant, bytesPerSecond: number): Promise<LifecycleFigures> {
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
  const actor =
    variant === 'polling-fixed-1s'
      ? createBackupActor(client, { transport: 'polling', stream: { minIntervalMs: 1_000, maxIntervalMs: 1_000 } })
      : createBackupActor(client, { transport: variant });
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
    transport: variant,
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
  const lifecycles: LifecycleFigures[] = [];
  const summary: Array<{ transport: Variant; runs: number; medianHttpRequests: number; medianDetectionLatencyMs: number; maxDetectionLatencyMs: number }> = [];
  for (const variant of ['polling', 'polling-fixed-1s', 'websocket', 'ndjson'] as const) {
    const runs: LifecycleFigures[] = [];
    for (let run = 0; run < runsPerVariant; run += 1) {
      // Spread the end over a second: a poller's latency depends on where the end falls
      // between two polls, and an operation of exactly 30 s would always land in one spot.
      const runSeconds = seconds + (run + 0.5) / runsPerVariant;
      const figures = await measure(variant, Math.max(1, Math.floor(bytes / runSeconds)));
      console.log(JSON.stringify(figures));
      runs.push(figures);
    }
    lifecycles.push(...runs);
    summary.push({
      transport: variant,
      runs: runs.length,
      medianHttpRequests: median(runs.map((figures) => figures.httpRequests)),
      medianDetectionLatencyMs: median(runs.map((figures) => figures.detectionLatencyMs)),
      maxDetectionLatencyMs: Math.max(...runs.map((figures) => figures.detectionLatencyMs)),
    });
  }
  console.table(summary);
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    command: 'npm run bench',
    targetOperationSeconds: seconds,
    databaseBytes: bytes,
    runsPerVariant,
    summary,
    lifecycles,
  };
  fs.mkdirSync(path.join(here, 'results'), { recursive: true });
  fs.writeFileSync(path.join(here, 'results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`wrote bench/results/latest.json`);
}

await main();
