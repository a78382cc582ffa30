import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { WebSocket } from 'ws';
import { createBackupClient } from '../src/index.js';
import { createRestoreActor } from '../machines/index.js';
import { sampleAsset } from '../src/emulator/index.js';
import { tempDir, wsUrl } from '../test/helpers/emulator.js';
import { assetIdsOf, setRate, spawnEmulator } from './child-emulator.js';
import { databaseIntegrity, strayFiles } from './data-dir-checks.js';
import { RELIABILITY_OPTIONS } from './lifecycle-options.js';
import { atLeast, atMost, errorText, ProbeReport, type ProbeResult, type Scale } from './probe.js';

// Load: the two status endpoints under autocannon over loopback (8 connections each), and
// progress WebSockets held open, while a restore runs in the emulator process; the restore
// must still complete and every subscriber see it complete.

const SUBSCRIBERS = 50;

export async function load(scale: Scale): Promise<ProbeResult> {
  const full = scale === 'full';
  const seconds = full ? 10 : 2;
  const report = new ProbeReport('load', `Load: status endpoints for ${seconds} s under autocannon while a restore runs`);
  const dataDir = tempDir('pieces-load-');
  const daemon = await spawnEmulator(dataDir);
  const url = daemon.url;
  const database = path.join(dataDir, 'local', 'pieces.db');
  let restoreDone = false;
  let restoreEnd = 'not started';
  let intact = false;
  let progressFrames = 0;
  let subscribersWithTerminal = 0;
  let result: { total: number; perSecond: number; errors: number; timeouts: number; non2xx: number; p50: number; p99: number } | undefined;
  try {
    const created = await fetch(`${url}/backups/create`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const backupId = ((await created.json()) as { id: string }).id;
    const backupAssets = await assetIdsOf(url);
    await fetch(`${url}/__emulator/assets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sampleAsset(77_777)) });
    // the restore outlasts the load by a second or two
    await setRate(url, Math.round((fs.statSync(database).size * 1_000) / ((seconds + 2) * 1_000)));

    const subscribers = Array.from({ length: SUBSCRIBERS }, () => {
      const ws = new WebSocket(wsUrl(url, '/backups/streamed/progress'));
      let terminal = false;
      ws.on('message', (data) => {
        progressFrames += 1;
        const frame = JSON.parse(data.toString()) as { restorations?: Array<{ status?: string }> };
        if (frame.restorations?.some((entry) => entry.status === 'COMPLETED')) terminal = true;
      });
      ws.on('error', () => undefined);
      return { ws, terminal: () => terminal };
    });
    await Promise.all(subscribers.map(({ ws }) => new Promise((resolve) => ws.once('open', resolve))));

    const actor = createRestoreActor(createBackupClient({ baseUrl: url }), { ...RELIABILITY_OPTIONS, transport: 'websocket' });
    let running: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (running = resolve));
    const settled = new Promise<string>((resolve) =>
      actor.subscribe((snapshot) => {
        if (snapshot.context.status === 'IN-PROGRESS') running();
        if (['done', 'cancelled', 'failed'].includes(String(snapshot.value))) resolve(String(snapshot.value));
      }),
    );
    actor.send({ type: 'RESTORE', backupId, confirm: true });
    // the load starts once the restore runs (before it, its status is a 404: never restored)
    await started;
    // one autocannon per endpoint, side by side (the bench's typing of autocannon has no `requests`)
    const runs = await Promise.all(
      [`/backup/${backupId}/restoration/status`, `/backup/${backupId}/creation/status`].map((route) =>
        autocannon({ url: `${url}${route}`, connections: 8, duration: seconds }),
      ),
    );
    const sum = (pick: (run: Awaited<ReturnType<typeof autocannon>>) => number) => runs.reduce((total, run) => total + pick(run), 0);
    result = {
      total: sum((run) => run.requests.total),
      perSecond: sum((run) => run.requests.average),
      errors: sum((run) => run.errors),
      timeouts: sum((run) => run.timeouts),
      non2xx: sum((run) => run.non2xx),
      p50: Math.max(...runs.map((run) => run.latency.p50)),
      p99: Math.max(...runs.map((run) => run.latency.p99)),
    };
    restoreEnd = await Promise.race([settled, new Promise<string>((resolve) => setTimeout(() => resolve('hang'), 30_000))]);
    actor.stop();
    restoreDone = restoreEnd === 'done';
    await new Promise((resolve) => setTimeout(resolve, 100));
    subscribersWithTerminal = subscribers.filter((subscriber) => subscriber.terminal()).length;
    for (const { ws } of subscribers) ws.close();
    intact = databaseIntegrity(dataDir) === 'ok' && (await assetIdsOf(url)).join() === backupAssets.join() && strayFiles(dataDir).length === 0;
  } catch (error) {
    report.fail(`harness: ${errorText(error)}`);
  } finally {
    await daemon.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  if (!restoreDone) report.fail(`the restore under load ended ${restoreEnd}`);
  return report.finish(
    [
      atLeast('requests answered 2xx', result ? result.total - result.non2xx : 0, 1),
      atMost('connection errors', result?.errors ?? 1, 0),
      atMost('timeouts', result?.timeouts ?? 1, 0),
      atMost('non-2xx answers', result?.non2xx ?? 1, 0),
      atLeast('restore completed under load', restoreDone ? 1 : 0, 1),
      atLeast('database intact (integrity, the backup\'s assets, no staging)', intact ? 1 : 0, 1),
      atLeast('progress subscribers that saw the restore complete', subscribersWithTerminal, SUBSCRIBERS),
    ],
    {
      'requests per second (mean, both endpoints)': Math.round(result?.perSecond ?? 0),
      'latency p50, ms (the slower endpoint)': result?.p50 ?? -1,
      'latency p99, ms (the slower endpoint)': result?.p99 ?? -1,
      'load seconds': seconds,
      'autocannon connections': 16,
      endpoints: 'restoration/status, creation/status',
      'progress WebSocket subscribers': SUBSCRIBERS,
      'progress frames received': progressFrames,
    },
  );
}
