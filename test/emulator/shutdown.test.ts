import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleAsset, startEmulator, type Emulator, type OperationRecord } from '../../src/emulator/index.js';
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
const STOPPED = 'interrupted: Pieces OS stopped before the operation ended';
const SLOW = 20_000;

type Frame = { status?: string; backup?: { id: string } };

describe('shutdown and restart', () => {
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

    const restarted = await start(dir);
    expect((await statusOf(restarted.url, 'creation', creationId)).value).toBe('FAILED');
    expect((await statusOf(restarted.url, 'restoration', backupId)).value).toBe('FAILED');
    const { records } = await adminFetch<{ records: OperationRecord[] }>(restarted.url, 'GET', 'operations/journal');
    expect(records.map((record) => [record.kind, record.backup.id, record.status, record.failure])).toEqual([
      ['creation', backupId, 'COMPLETED', undefined],
      ['creation', creationId, 'FAILED', SHUTDOWN],
      ['restoration', backupId, 'FAILED', SHUTDOWN],
    ]);
    const listed = (await (await fetch(`${restarted.url}/backups`)).json()) as { iterable: Array<{ id: string }> };
    expect(listed.iterable.map((backup) => backup.id)).toEqual([backupId]);
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
    const restarted = await start(dir);
    expect((await statusOf(restarted.url, 'creation', id)).value).toBe('CANCELED');
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
    expect(emulator.admin.journal()).toEqual([]);
  });

  it('a restarted emulator answers the status of what ran before from the journal', async () => {
    const dir = dataDir();
    const emulator = await start(dir);
    const restoredId = await createBackup(emulator.url);
    expect((await fetch(`${emulator.url}/backup/${restoredId}/restore`, { method: 'POST' })).status).toBe(200);
    emulator.admin.setState({ rateBytesPerSecond: SLOW });
    expect((await fetch(`${emulator.url}/backup`, { method: 'POST' })).status).toBe(204);
    const failedId = (await waitFor(() => emulator.admin.operations().creations[0], 'creation start')).backup.id;
    emulator.admin.failOperation('creation', 'disk full');
    await emulator.close();

    const restarted = await start(dir);
    expect(await statusOf(restarted.url, 'restoration', restoredId)).toMatchObject({ value: 'COMPLETED', percentage: 100 });
    expect(await statusOf(restarted.url, 'creation', restoredId)).toMatchObject({ value: 'COMPLETED', percentage: 100 });
    expect((await statusOf(restarted.url, 'creation', failedId)).value).toBe('FAILED');
    expect(restarted.admin.journal().at(-1)).toMatchObject({ backup: { id: failedId }, failure: 'disk full' });
    // A cancel of an operation of an earlier run: nothing is in progress.
    expect((await fetch(`${restarted.url}/backup/${failedId}/creation/cancel`, { method: 'POST' })).status).toBe(500);
    expect((await fetch(`${restarted.url}/backup/9.0.0_1/restoration/status`)).status).toBe(404);
  });

  it('start-up settles what a crash left unfinished: COMPLETED only where it truly completed', async () => {
    const dir = dataDir();
    const emulator = await start(dir);
    const committed = await createBackup(emulator.url);
    const other = await createBackup(emulator.url);
    const backups = new Map(emulator.admin.journal().map((record) => [record.backup.id, record.backup]));
    await emulator.close();
    const live = createHash('sha256').update(fs.readFileSync(path.join(dir, 'local', 'pieces.db'))).digest('hex');
    const lost = { ...backups.get(committed)!, id: '9.0.0_1', timestamp: '1' };
    const unfinished = (seq: number, kind: 'creation' | 'restoration', backup: unknown, sha256?: string) => ({
      seq,
      kind,
      backup,
      status: 'IN-PROGRESS',
      percentage: 40,
      sha256,
      startedAt: new Date().toISOString(),
    });
    // As a SIGKILL leaves it: started, never ended.
    fs.writeFileSync(
      path.join(dir, 'operations.json'),
      JSON.stringify({
        version: 1,
        records: [
          unfinished(1, 'creation', backups.get(committed)), // manifest written before the kill
          unfinished(2, 'creation', lost), // killed mid-upload
          unfinished(3, 'restoration', backups.get(committed), live), // killed after the rename
          unfinished(4, 'restoration', backups.get(other), 'f'.repeat(64)), // killed before it
        ],
      }),
    );

    const restarted = await start(dir);
    expect(await statusOf(restarted.url, 'creation', committed)).toMatchObject({ value: 'COMPLETED', percentage: 100 });
    expect(await statusOf(restarted.url, 'creation', lost.id)).toMatchObject({ value: 'FAILED', percentage: 40 });
    expect(await statusOf(restarted.url, 'restoration', committed)).toMatchObject({ value: 'COMPLETED', percentage: 100 });
    expect(await statusOf(restarted.url, 'restoration', other)).toMatchObject({ value: 'FAILED', percentage: 40 });
    expect(restarted.admin.journal().map((record) => record.failure)).toEqual([undefined, STOPPED, undefined, STOPPED]);
    // The settled journal is on disk: a second restart reads the same answers.
    await restarted.close();
    const again = await start(dir);
    expect((await statusOf(again.url, 'creation', lost.id)).value).toBe('FAILED');
  });
});
