import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode, decodeBackup, decodeBackupStatus, decodeBackups } from '../../src/models/index.js';
import { sampleAsset } from '../../src/emulator/index.js';
import { adminFetch, createBackup, statusOf, useEmulator, waitFor } from '../helpers/emulator.js';

const json = { 'content-type': 'application/json' };
const SLOW = 20_000;

async function text(response: Response): Promise<string> {
  expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  return response.text();
}

describe('emulator HTTP endpoints', () => {
  const emulator = useEmulator({ each: true });
  const url = (route: string) => `${emulator.url}${route}`;

  it('answers health as ok:<version> text', async () => {
    const response = await fetch(url('/.well-known/health'));
    expect(response.status).toBe(200);
    expect(await text(response)).toBe('ok:9.0.0\n');
  });

  it('creates a backup (POST /backups/create) that snapshot, status and list agree on', async () => {
    expect(decode(decodeBackups, await (await fetch(url('/backups'))).json()).iterable).toEqual([]);
    const response = await fetch(url('/backups/create'), { method: 'POST', headers: json, body: '{}' });
    expect(response.status).toBe(200);
    const backup = decode(decodeBackup, await response.json());
    expect(backup.id).toMatch(/^9\.0\.0_\d+$/);
    expect(backup.id).toBe(`${backup.version}_${backup.timestamp}`);
    expect(backup.bytes).toBeGreaterThan(256 * 1024);
    expect(backup.platform).toBe('LINUX');
    expect(new Date(backup.created.value).getTime()).toBe(Number(backup.timestamp));

    const snapshot = await fetch(url(`/backup/${backup.id}`));
    expect(snapshot.status).toBe(200);
    expect(await snapshot.json()).toEqual(backup);
    const status = decode(decodeBackupStatus, await (await fetch(url(`/backup/${backup.id}/creation/status`))).json());
    expect(status).toMatchObject({ value: 'COMPLETED', percentage: 100, backup });

    const second = await createBackup(emulator.url);
    const list = decode(decodeBackups, await (await fetch(url('/backups'))).json());
    expect(list.iterable.map((item) => item.id)).toEqual([second, backup.id]);
  });

  it('POST /backup upserts the given assets, answers 204 and runs a creation', async () => {
    const asset = { ...sampleAsset(500), extra: { kept: true } };
    const response = await fetch(url('/backup'), { method: 'POST', headers: json, body: JSON.stringify({ iterable: [asset] }) });
    expect(response.status).toBe(204);
    expect(emulator.current.admin.listAssets().find((item) => item.id === asset.id)).toEqual(asset);
    const backups = await waitFor(async () => {
      const list = decode(decodeBackups, await (await fetch(url('/backups'))).json());
      return list.iterable.length === 1 ? list.iterable : undefined;
    }, 'the creation started by POST /backup');
    expect(backups[0]!.id).toMatch(/^9\.0\.0_/);
  });

  it('POST /backup with an empty JSON body counts as no body', async () => {
    const response = await fetch(url('/backup'), { method: 'POST', headers: json });
    expect(response.status).toBe(204);
    await waitFor(() => (emulator.current.admin.operations().creations.length === 0 ? true : undefined), 'creation end');
  });

  it('POST /backup/asset stores the asset in the cloud verbatim; no body is fine; a bad asset is 400', async () => {
    const asset = { ...sampleAsset(1), unknownField: [1, 2, 3] };
    const stored = await fetch(url('/backup/asset'), { method: 'POST', headers: json, body: JSON.stringify(asset) });
    expect(stored.status).toBe(204);
    const file = path.join(emulator.current.dataDir, 'cloud', 'assets', `${asset.id}.json`);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(asset);
    expect((await fetch(url('/backup/asset'), { method: 'POST' })).status).toBe(204);
    const bad = await fetch(url('/backup/asset'), { method: 'POST', headers: json, body: JSON.stringify({ id: 'x' }) });
    expect(bad.status).toBe(400);
    expect(await text(bad)).toMatch(/Asset/);
  });

  it('answers 409 naming the running creation, and 409 for a second restoration', async () => {
    const backupId = await createBackup(emulator.url);
    emulator.current.admin.setState({ rateBytesPerSecond: SLOW });
    expect((await fetch(url('/backup'), { method: 'POST' })).status).toBe(204);
    const running = emulator.current.admin.operations().creations[0]!.backup.id;
    const conflict = await fetch(url('/backups/create'), { method: 'POST', headers: json, body: '{}' });
    expect(conflict.status).toBe(409);
    expect(await text(conflict)).toContain(running);
    expect((await fetch(url('/backup'), { method: 'POST' })).status).toBe(409);

    const restoring = fetch(url(`/backup/${backupId}/restore`), { method: 'POST' });
    await waitFor(() => emulator.current.admin.operations().restorations[0], 'restoration start');
    const second = await fetch(url(`/backup/${backupId}/restore/streamed`), { method: 'POST' });
    expect(second.status).toBe(409);
    expect(await text(second)).toContain(backupId);
    expect((await fetch(url(`/backup/${backupId}/restoration/cancel`), { method: 'POST' })).status).toBe(204);
    expect((await fetch(url(`/backup/${running}/creation/cancel`), { method: 'POST' })).status).toBe(204);
    const restored = await restoring;
    expect(restored.status).toBe(500);
    expect(await text(restored)).toMatch(/CANCELED/);
  });

  it('cancel of a creation: 204, IN-PROGRESS while rolling back, then CANCELED; later cancels answer 500', async () => {
    emulator.current.admin.setState({ rateBytesPerSecond: SLOW, cancelDelayMs: 1_500 });
    const blocking = fetch(url('/backups/create'), { method: 'POST', headers: json, body: '{}' });
    const id = (await waitFor(() => emulator.current.admin.operations().creations[0], 'creation start')).backup.id;
    const cancel = await fetch(url(`/backup/${id}/creation/cancel`), { method: 'POST' });
    expect(cancel.status).toBe(204);
    expect(await cancel.text()).toBe('');
    expect((await statusOf(emulator.url, 'creation', id)).value).toBe('IN-PROGRESS');
    expect((await fetch(url(`/backup/${id}/creation/cancel`), { method: 'POST' })).status).toBe(204);
    await waitFor(async () => ((await statusOf(emulator.url, 'creation', id)).value === 'CANCELED' ? true : undefined), 'CANCELED');
    const late = await fetch(url(`/backup/${id}/creation/cancel`), { method: 'POST' });
    expect(late.status).toBe(500);
    expect(await text(late)).toBe(`no backup creation in progress for ${id}\n`);
    const answer = await blocking;
    expect(answer.status).toBe(500);
    expect(await text(answer)).toContain('CANCELED');
    expect(decode(decodeBackups, await (await fetch(url('/backups'))).json()).iterable).toEqual([]);
    expect(fs.readdirSync(path.join(emulator.current.dataDir, 'cloud', 'objects'))).toEqual([]);
  });

  it('answers 500 for cancels with nothing in progress and 404 for unknown statuses and backups', async () => {
    expect((await fetch(url('/backup/9.0.0_1/creation/cancel'), { method: 'POST' })).status).toBe(500);
    const restorationCancel = await fetch(url('/backup/9.0.0_1/restoration/cancel'), { method: 'POST' });
    expect(restorationCancel.status).toBe(500);
    expect(await text(restorationCancel)).toContain('no restoration in progress');
    expect((await fetch(url('/backup/9.0.0_1/creation/status'))).status).toBe(404);
    expect((await fetch(url('/backup/9.0.0_1/restoration/status'))).status).toBe(404);
    const unknown = await fetch(url('/backup/9.0.0_1'));
    expect(unknown.status).toBe(404);
    expect(await text(unknown)).toContain('9.0.0_1');
    expect((await fetch(url('/backup/9.0.0_1/restore'), { method: 'POST' })).status).toBe(404);
    expect((await fetch(url('/backup/9.0.0_1/restore/streamed'), { method: 'POST' })).status).toBe(404);
    expect((await fetch(url('/backups/9.0.0_1/delete'), { method: 'POST' })).status).toBe(404);
    const id = await createBackup(emulator.url);
    const never = await fetch(url(`/backup/${id}/restoration/status`));
    expect(never.status).toBe(404);
    expect(await text(never)).toContain('never restored');
  });

  it('restores (200 Backup) and reports the restoration status COMPLETED', async () => {
    const id = await createBackup(emulator.url);
    const response = await fetch(url(`/backup/${id}/restore`), { method: 'POST', headers: json, body: '' });
    expect(response.status).toBe(200);
    expect(decode(decodeBackup, await response.json()).id).toBe(id);
    const status = decode(decodeBackupStatus, await (await fetch(url(`/backup/${id}/restoration/status`))).json());
    expect(status).toMatchObject({ value: 'COMPLETED', percentage: 100 });
    expect(status.backup.id).toBe(id);
  });

  it('deletes a backup (204), refuses while it is being restored (409)', async () => {
    const id = await createBackup(emulator.url);
    emulator.current.admin.setState({ rateBytesPerSecond: SLOW });
    const restoring = fetch(url(`/backup/${id}/restore`), { method: 'POST' });
    await waitFor(() => emulator.current.admin.operations().restorations[0], 'restoration start');
    const refused = await fetch(url(`/backups/${id}/delete`), { method: 'POST' });
    expect(refused.status).toBe(409);
    expect(await text(refused)).toContain('being restored');
    await fetch(url(`/backup/${id}/restoration/cancel`), { method: 'POST' });
    expect((await restoring).status).toBe(500);
    const deleted = await fetch(url(`/backups/${id}/delete`), { method: 'POST', headers: json, body: '{}' });
    expect(deleted.status).toBe(204);
    expect((await fetch(url(`/backup/${id}`))).status).toBe(404);
    expect(fs.readdirSync(path.join(emulator.current.dataDir, 'cloud', 'objects'))).toEqual([]);
  });

  it('answers 511 when signed out or offline, 505 when outdated, 511 first; status endpoints skip the checks', async () => {
    const id = await createBackup(emulator.url);
    emulator.current.admin.setState({ signedIn: false, osUpToDate: false });
    for (const [method, route] of [
      ['GET', '/backups'],
      ['POST', '/backup'],
      ['POST', '/backup/asset'],
      ['GET', `/backup/${id}`],
      ['POST', `/backup/${id}/restore`],
      ['POST', `/backup/${id}/restore/streamed`],
      ['POST', '/backups/create'],
      ['POST', '/backups/create/streamed'],
      ['POST', `/backups/${id}/delete`],
    ] as const) {
      const response = await fetch(url(route), { method });
      expect(response.status, `${method} ${route}`).toBe(511);
      expect(await text(response)).toMatch(/sign in/);
    }
    emulator.current.admin.setState({ signedIn: true, cloudConnected: false });
    const offline = await fetch(url('/backups'));
    expect(offline.status).toBe(511);
    expect(await text(offline)).toMatch(/cloud/);
    emulator.current.admin.setState({ cloudConnected: true });
    const outdated = await fetch(url('/backups'));
    expect(outdated.status).toBe(505);
    expect(await text(outdated)).toMatch(/out of date/);
    expect((await fetch(url(`/backup/${id}/creation/status`))).status).toBe(200);
    expect((await fetch(url(`/backup/${id}/creation/cancel`), { method: 'POST' })).status).toBe(500);
  });

  it('answers 404 for unknown routes and 405 (with Allow) for wrong methods', async () => {
    const unknown = await fetch(url('/nope'));
    expect(unknown.status).toBe(404);
    expect(await text(unknown)).toContain('/nope');
    const wrong = await fetch(url('/backups'), { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
    expect(await text(wrong)).toContain('DELETE');
    expect((await fetch(url('/backup/9.0.0_1/creation/status'), { method: 'POST' })).status).toBe(405);
    expect((await fetch(url('/backups/create'), { method: 'GET' })).status).toBe(405);
  });

  it('admin surface: health, state, assets, reset', async () => {
    const health = await adminFetch<{ ok: boolean; version: string; operations: unknown }>(emulator.url, 'GET', 'health');
    expect(health).toEqual({ ok: true, version: '9.0.0', operations: { creations: [], restorations: [] } });
    const state = await adminFetch<Record<string, unknown>>(emulator.url, 'PUT', 'state', { version: '9.1.0', signedIn: false });
    expect(state).toMatchObject({ version: '9.1.0', signedIn: false, cloudConnected: true });
    expect(emulator.current.admin.getState().version).toBe('9.1.0');
    const badState = await fetch(url('/__emulator/state'), { method: 'PUT', headers: json, body: '{"signedIn":"yes"}' });
    expect(badState.status).toBe(400);
    expect(await text(badState)).toContain('signedIn');

    const assets = await adminFetch<{ iterable: Array<{ id: string }> }>(emulator.url, 'GET', 'assets');
    expect(assets.iterable).toHaveLength(120);
    await adminFetch(emulator.url, 'POST', 'assets', sampleAsset(999));
    expect(emulator.current.admin.listAssets()).toHaveLength(121);

    await adminFetch(emulator.url, 'PUT', 'state', { signedIn: true });
    await createBackup(emulator.url);
    await adminFetch(emulator.url, 'POST', 'reset');
    expect(emulator.current.admin.getState()).toMatchObject({ version: '9.0.0', signedIn: true });
    expect(emulator.current.admin.listAssets()).toHaveLength(120);
    expect(decode(decodeBackups, await (await fetch(url('/backups'))).json()).iterable).toEqual([]);
  });
});
