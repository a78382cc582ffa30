import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleAsset, startEmulator, type Emulator } from '../../src/emulator/index.js';
import {
  adminFetch,
  createBackup,
  openSocket,
  readNdjson,
  statusOf,
  tempDir,
  TEST_EMULATOR_OPTIONS,
  waitFor,
  wsUrl,
} from '../helpers/emulator.js';
import { listFiles } from './data-dir.js';

const SHUTDOWN = 'interrupted: Pieces OS is shutting down';
const SLOW = 20_000;

type Frame = { status?: string; backup?: { id: string } };

describe('shutdown', () => {
  const started: Emulator[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((emulator) => emulator.close()));
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  function dataDir(): string {
    const dir = tempDir();
    dirs.push(dir);
    return dir;
  }

  async function start(dir: string): Promise<Emulator> {
    const emulator = await startEmulator({ ...TEST_EMULATOR_OPTIONS, dataDir: dir });
    started.push(emulator);
    return emulator;
  }

  async function progressed(emulator: Emulator, kind: 'creation' | 'restoration', id: string): Promise<void> {
    await waitFor(async () => ((await statusOf(emulator.url, kind, id)).percentage ?? 0) > 0 || undefined, `${kind} progress`);
  }

  it('close() mid-operation: streams end FAILED, not CANCELED; blocking requests answer 500 with the reason; WebSockets close 1001', async () => {
    const dir = dataDir();
    const emulator = await start(dir);
    const backupId = await createBackup(emulator.url);
    emulator.admin.upsertAsset(sampleAsset(900));
    const before = emulator.admin.readDatabaseBytes();
    emulator.admin.setState({ rateBytesPerSecond: SLOW });

    const progress = await openSocket(wsUrl(emulator.url, '/backups/streamed/progress'));
    const creation = await fetch(`${emulator.url}/backups/create/streamed`, { method: 'POST', headers: { accept: 'application/x-ndjson' } });
    const creationFrames: Frame[] = [];
    const creationRead = readNdjson(creation, (frame) => creationFrames.push(frame));
    const restoring = fetch(`${emulator.url}/backup/${backupId}/restore`, { method: 'POST' });
    await waitFor(() => emulator.admin.operations().restorations[0], 'restoration start');
    // A second client attaches to the running restoration over WebSocket.
    const attached = await openSocket(wsUrl(emulator.url, `/backup/${backupId}/restore/streamed/websocket`));
    await attached.opened;
    attached.socket.send('{}');
    await attached.waitForMessages(1);
    const creationId = await waitFor(() => creationFrames[0]?.backup?.id, 'the creation id');
    await progressed(emulator, 'creation', creationId);
    await progressed(emulator, 'restoration', backupId);

    await emulator.close();

    await creationRead;
    expect(creationFrames.at(-1)?.status).toBe('FAILED');
    expect(creationFrames.map((frame) => frame.status)).not.toContain('CANCELED');
    const blocking = await restoring;
    expect(blocking.status).toBe(500);
    expect(await blocking.text()).toBe(`restoration of ${backupId} ended FAILED: ${SHUTDOWN}\n`);
    expect((JSON.parse(attached.messages.at(-1)!) as Frame).status).toBe('FAILED');
    expect(await attached.closed).toEqual({ code: 1001, reason: 'going away: Pieces OS is shutting down' });
    const hub = progress.messages.map((text) => JSON.parse(text) as { backups: Frame[]; restorations: Frame[] });
    expect(hub.some((frame) => frame.backups.some((item) => item.backup?.id === creationId && item.status === 'FAILED'))).toBe(true);
    expect((await progress.closed).code).toBe(1001);

    // Nothing staged is left; the database is the one from before the restore.
    expect(listFiles(path.join(dir, 'local'))).toEqual(['pieces.db']);
    expect(fs.readFileSync(path.join(dir, 'local', 'pieces.db')).equals(before)).toBe(true);
  });

  it('a cancel accepted before the shutdown still ends CANCELED', async () => {
    const dir = dataDir();
    const emulator = await start(dir);
    emulator.admin.setState({ rateBytesPerSecond: SLOW, cancelDelayMs: 5_000 });
    const creation = await fetch(`${emulator.url}/backups/create/streamed`, { method: 'POST', headers: { accept: 'application/x-ndjson' } });
    const frames: Frame[] = [];
    const read = readNdjson(creation, (frame) => frames.push(frame));
    const id = await waitFor(() => frames[0]?.backup?.id, 'the creation id');
    expect((await fetch(`${emulator.url}/backup/${id}/creation/cancel`, { method: 'POST' })).status).toBe(204);
    await emulator.close();
    await read;
    expect(frames.at(-1)?.status).toBe('CANCELED');
  });

  it('admin reset interrupts a running operation: FAILED, "interrupted: the emulator was reset"', async () => {
    const emulator = await start(dataDir());
    emulator.admin.setState({ rateBytesPerSecond: SLOW });
    const blocking = fetch(`${emulator.url}/backups/create`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const id = (await waitFor(() => emulator.admin.operations().creations[0], 'creation start')).backup.id;
    await adminFetch(emulator.url, 'POST', 'reset');
    const answer = await blocking;
    expect(answer.status).toBe(500);
    expect(await answer.text()).toBe(`backup creation ${id} ended FAILED: interrupted: the emulator was reset\n`);
  });
});
