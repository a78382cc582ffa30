import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleAsset, startEmulator, type Emulator } from '../../src/emulator/index.js';
import { adminFetch, createBackup, statusOf, tempDir, TEST_EMULATOR_OPTIONS, useEmulator, waitFor } from '../helpers/emulator.js';

function manifestOf(emulator: Emulator, id: string): { sha256: string } {
  return JSON.parse(fs.readFileSync(path.join(emulator.dataDir, 'cloud', 'backups', `${id}.json`), 'utf8')) as { sha256: string };
}

describe('restoration safety', () => {
  const emulator = useEmulator({ each: true });

  it('cancel mid-restore leaves the local database byte-identical and removes the staging file', async () => {
    const admin = emulator.current.admin;
    const id = await createBackup(emulator.url);
    admin.deleteAsset(admin.listAssets()[0]!.id);
    const before = admin.readDatabaseBytes();
    admin.setState({ rateBytesPerSecond: 20_000, cancelDelayMs: 200 });
    const restoring = fetch(`${emulator.url}/backup/${id}/restore`, { method: 'POST' });
    await waitFor(async () => ((await statusOf(emulator.url, 'restoration', id)).percentage ?? 0) > 0 || undefined, 'progress');
    const staging = path.join(path.dirname(admin.databasePath()), `pieces.db.restore-${id}.tmp`);
    expect(fs.existsSync(staging)).toBe(true);
    expect((await fetch(`${emulator.url}/backup/${id}/restoration/cancel`, { method: 'POST' })).status).toBe(204);
    expect((await restoring).status).toBe(500);
    expect((await statusOf(emulator.url, 'restoration', id)).value).toBe('CANCELED');
    expect(fs.existsSync(staging)).toBe(false);
    expect(admin.readDatabaseBytes().equals(before)).toBe(true);
    expect(admin.listAssets()).toHaveLength(119);
  });

  it('an injected failure mid-restore ends FAILED with its reason and leaves the database byte-identical', async () => {
    const admin = emulator.current.admin;
    const id = await createBackup(emulator.url);
    admin.deleteAsset(admin.listAssets()[0]!.id);
    const before = admin.readDatabaseBytes();
    admin.setState({ rateBytesPerSecond: 20_000 });
    const restoring = fetch(`${emulator.url}/backup/${id}/restore`, { method: 'POST' });
    await waitFor(async () => ((await statusOf(emulator.url, 'restoration', id)).percentage ?? 0) > 0 || undefined, 'progress');
    const failed = await adminFetch<{ value: string }>(emulator.url, 'POST', 'operations/fail', { kind: 'restoration', reason: 'disk full' });
    expect(failed.value).toBe('FAILED');
    const answer = await restoring;
    expect(answer.status).toBe(500);
    expect(await answer.text()).toMatch(/FAILED: disk full/);
    expect((await statusOf(emulator.url, 'restoration', id)).value).toBe('FAILED');
    expect(fs.existsSync(path.join(path.dirname(admin.databasePath()), `pieces.db.restore-${id}.tmp`))).toBe(false);
    expect(admin.readDatabaseBytes().equals(before)).toBe(true);
    // Nothing left to fail: a conflict, not a crash; a bad request is a 400 with the reason.
    const again = await fetch(`${emulator.url}/__emulator/operations/fail`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"kind":"restoration"}' });
    expect([again.status, await again.text()]).toEqual([409, 'no restoration is in progress\n']);
    const bad = await fetch(`${emulator.url}/__emulator/operations/fail`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"kind":"everything"}' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/kind must be/);
  });

  it('an injected failure mid-creation ends FAILED and lists no half-made backup', async () => {
    const admin = emulator.current.admin;
    admin.setState({ rateBytesPerSecond: 20_000 });
    expect((await fetch(`${emulator.url}/backup`, { method: 'POST' })).status).toBe(204);
    const id = await waitFor(() => admin.operations().creations[0]?.backup.id, 'a running creation');
    expect(admin.failOperation('creation').value).toBe('FAILED');
    expect((await statusOf(emulator.url, 'creation', id)).value).toBe('FAILED');
    const listed = (await (await fetch(`${emulator.url}/backups`)).json()) as { iterable: Array<{ id: string }> };
    expect(listed.iterable.map((backup) => backup.id)).not.toContain(id);
    expect(fs.readdirSync(path.dirname(admin.databasePath())).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(() => admin.failOperation('creation')).toThrow(/no creation is in progress/);
  });

  it('a completed restore brings back exactly the backed-up assets', async () => {
    const admin = emulator.current.admin;
    admin.upsertAsset({ ...sampleAsset(300), note: 'kept verbatim' });
    const backedUp = admin.listAssets();
    const id = await createBackup(emulator.url);
    admin.deleteAsset(backedUp[3]!.id);
    admin.upsertAsset(sampleAsset(301));
    admin.upsertAsset({ ...backedUp[5]!, name: 'renamed after the backup' });
    expect(admin.listAssets()).not.toEqual(backedUp);
    const response = await fetch(`${emulator.url}/backup/${id}/restore`, { method: 'POST' });
    expect(response.status).toBe(200);
    expect(admin.listAssets()).toEqual(backedUp);
    expect(createHash('sha256').update(admin.readDatabaseBytes()).digest('hex')).toBe(manifestOf(emulator.current, id).sha256);
  });

  it('a backup whose bytes do not match its hash FAILS and leaves the database untouched', async () => {
    const admin = emulator.current.admin;
    const id = await createBackup(emulator.url);
    const object = path.join(emulator.current.dataDir, 'cloud', 'objects', manifestOf(emulator.current, id).sha256);
    const bytes = fs.readFileSync(object);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
    fs.writeFileSync(object, bytes);
    admin.upsertAsset(sampleAsset(400));
    const before = admin.readDatabaseBytes();
    const response = await fetch(`${emulator.url}/backup/${id}/restore`, { method: 'POST' });
    expect(response.status).toBe(500);
    expect(await response.text()).toMatch(/FAILED: .*does not match its hash/);
    expect((await statusOf(emulator.url, 'restoration', id)).value).toBe('FAILED');
    expect(admin.readDatabaseBytes().equals(before)).toBe(true);
    expect(fs.readdirSync(path.dirname(admin.databasePath()))).toEqual(['pieces.db']);
  });

  it('a backup whose cloud object is gone FAILS; the next restoration can run', async () => {
    const id = await createBackup(emulator.url);
    fs.rmSync(path.join(emulator.current.dataDir, 'cloud', 'objects', manifestOf(emulator.current, id).sha256));
    const response = await fetch(`${emulator.url}/backup/${id}/restore/streamed`, { method: 'POST', headers: { accept: 'application/x-ndjson' } });
    const frames = (await response.text()).trim().split('\n').map((line) => JSON.parse(line) as { status: string });
    expect(frames[0]!.status).toBe('INITIALIZED');
    expect(frames.at(-1)!.status).toBe('FAILED');
    expect(emulator.current.admin.operations().restorations).toEqual([]);
    const other = await createBackup(emulator.url);
    expect((await fetch(`${emulator.url}/backup/${other}/restore`, { method: 'POST' })).status).toBe(200);
  });

  it('a backup that is not an intact database FAILS the integrity check', async () => {
    const admin = emulator.current.admin;
    const id = await createBackup(emulator.url);
    const manifestFile = path.join(emulator.current.dataDir, 'cloud', 'backups', `${id}.json`);
    const garbage = Buffer.from('SQLite format 3\0'.padEnd(8192, 'x'));
    const sha256 = createHash('sha256').update(garbage).digest('hex');
    fs.writeFileSync(path.join(emulator.current.dataDir, 'cloud', 'objects', sha256), garbage);
    fs.writeFileSync(manifestFile, JSON.stringify({ ...manifestOf(emulator.current, id), sha256 }));
    const before = admin.readDatabaseBytes();
    const response = await fetch(`${emulator.url}/backup/${id}/restore/streamed`, { method: 'POST' });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { status: string }).status).toBe('FAILED');
    expect(admin.readDatabaseBytes().equals(before)).toBe(true);
  });
});

describe('emulator start-up and shutdown', () => {
  const started: Emulator[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((emulator) => emulator.close()));
  });

  it('removes leftovers of an interrupted run and keeps an existing database and backups', async () => {
    const dataDir = tempDir();
    const first = await startEmulator({ ...TEST_EMULATOR_OPTIONS, dataDir });
    first.admin.upsertAsset(sampleAsset(700));
    const id = await createBackup(first.url);
    const assets = first.admin.listAssets();
    await first.close();
    expect(fs.existsSync(path.join(dataDir, 'local', 'pieces.db'))).toBe(true);

    const leftovers = [
      path.join(dataDir, 'local', `pieces.db.restore-${id}.tmp`),
      path.join(dataDir, 'local', 'pieces.db.snapshot-9.0.0_5.tmp'),
      path.join(dataDir, 'cloud', 'objects', `${'a'.repeat(64)}.partial`),
      path.join(dataDir, 'cloud', 'backups', `${id}.json.123.tmp`),
    ];
    for (const file of leftovers) fs.writeFileSync(file, 'half written');

    const second = await startEmulator({ ...TEST_EMULATOR_OPTIONS, dataDir });
    started.push(second);
    for (const file of leftovers) expect(fs.existsSync(file), file).toBe(false);
    expect(second.admin.listAssets()).toEqual(assets);
    expect((await statusOf(second.url, 'creation', id)).value).toBe('COMPLETED');
    const list = (await (await fetch(`${second.url}/backups`)).json()) as { iterable: Array<{ id: string }> };
    expect(list.iterable.map((backup) => backup.id)).toEqual([id]);
    await second.close();
    expect(fs.existsSync(dataDir)).toBe(true);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('does not seed a database that is not empty, and seeds nothing with seed: false', async () => {
    const empty = await startEmulator({ ...TEST_EMULATOR_OPTIONS, seed: false });
    started.push(empty);
    expect(empty.admin.listAssets()).toEqual([]);
    const seeded = await startEmulator({ ...TEST_EMULATOR_OPTIONS });
    started.push(seeded);
    expect(seeded.admin.listAssets()).toHaveLength(120);
    expect(fs.statSync(seeded.admin.databasePath()).size).toBeGreaterThanOrEqual(256 * 1024);
    expect(fs.statSync(seeded.admin.databasePath()).size).toBeLessThanOrEqual(512 * 1024);
  });

  it('close() stops a running operation, ends its stream with FAILED and removes its temp data dir', async () => {
    const emulator = await startEmulator({ ...TEST_EMULATOR_OPTIONS, rateBytesPerSecond: 20_000 });
    const response = await fetch(`${emulator.url}/backups/create/streamed`, { method: 'POST', headers: { accept: 'application/x-ndjson' } });
    const reading = response.text().then(
      (text) => (JSON.parse(text.trim().split('\n').at(-1)!) as { status: string }).status,
      () => 'dropped',
    );
    await waitFor(() => emulator.admin.operations().creations[0], 'creation start');
    await emulator.close();
    // A shutdown is not a cancel (docs/protocol.md, "Shutdown and restart").
    expect(await reading).toBe('FAILED');
    expect(fs.existsSync(emulator.dataDir)).toBe(false);
    await emulator.close();
  });
});
