import { describe, expect, it } from 'vitest';
import { sampleAssets } from '../../src/emulator/index.js';
import { decode, decodeBackup, type Backup, type Backups } from '../../src/models/index.js';
import { adminFetch, rawRequest, statusOf, useEmulator, waitFor } from '../helpers/emulator.js';

const json = { 'content-type': 'application/json' };

async function seed(baseUrl: string, body: unknown): Promise<{ status: number; contentType: string | undefined; text: string }> {
  const response = await rawRequest(baseUrl, { method: 'POST', path: '/__emulator/backups', headers: json, body: JSON.stringify(body) });
  return { status: response.status, contentType: response.headers['content-type'], text: response.body };
}

async function list(baseUrl: string): Promise<Backup[]> {
  return ((await (await fetch(`${baseUrl}/backups`)).json()) as Backups).iterable;
}

describe('POST /__emulator/backups: completed backups with a given timestamp, device and size', () => {
  const emulator = useEmulator({ each: true, deviceName: 'ci-box', version: '10.1.4' });

  it('answers 201 with the Backup, stamped as asked, and /backups lists it like any other', async () => {
    const answer = await seed(emulator.url, { timestamp: '2026-11-30T23:30:00+01:00', deviceName: 'laptop', bytes: 4096 });
    expect(answer.status).toBe(201);
    expect(answer.contentType).toBe('application/json; charset=utf-8');
    const backup = decode(decodeBackup, JSON.parse(answer.text));
    const epoch = Date.parse('2026-11-30T22:30:00Z');
    expect(backup).toEqual({
      id: `10.1.4_${epoch}`,
      version: '10.1.4',
      timestamp: String(epoch),
      bytes: 4096,
      created: { value: '2026-11-30T22:30:00.000Z', readable: new Date(epoch).toUTCString() },
      device_name: 'laptop',
      platform: 'LINUX',
    });
    expect(await list(emulator.url)).toEqual([backup]);
    expect((await fetch(`${emulator.url}/backup/${backup.id}`).then((r) => r.json())) as Backup).toEqual(backup);
    expect(await statusOf(emulator.url, 'creation', backup.id)).toMatchObject({ value: 'COMPLETED', percentage: 100 });
    // no operation ran: the journal is untouched
    expect(emulator.current.admin.journal()).toEqual([]);
  });

  it('defaults: the emulator device, the running version, the snapshot size; listed newest first among real backups', async () => {
    const { admin } = emulator.current;
    const old = admin.seedBackup({ timestamp: '2020-01-01T00:00:00Z' });
    expect(old).toMatchObject({ device_name: 'ci-box', version: '10.1.4', timestamp: String(Date.parse('2020-01-01T00:00:00Z')) });
    expect(old.bytes).toBe(admin.readDatabaseBytes().length);
    const older = admin.seedBackup({ timestamp: '2019-06-01T12:00:00.250Z', version: '9.0.2' });
    expect(older.id).toBe(`9.0.2_${Date.parse('2019-06-01T12:00:00.250Z')}`);
    const real = await (await fetch(`${emulator.url}/backups/create`, { method: 'POST', headers: json, body: '{}' })).json();
    expect((await list(emulator.url)).map((backup) => backup.id)).toEqual([(real as Backup).id, old.id, older.id]);
  });

  it('two seeds of the same millisecond get distinct ids, the later one bumped a millisecond', async () => {
    const { admin } = emulator.current;
    const first = admin.seedBackup({ timestamp: '2026-12-01T06:00:00Z' });
    const second = admin.seedBackup({ timestamp: '2026-12-01T06:00:00Z' });
    expect(Number(second.timestamp) - Number(first.timestamp)).toBe(1);
    expect(new Set((await list(emulator.url)).map((backup) => backup.id))).toEqual(new Set([first.id, second.id]));
  });

  it('restores to a valid database: the assets as they were when it was seeded', async () => {
    const { admin } = emulator.current;
    for (const { id } of admin.listAssets()) admin.deleteAsset(id);
    for (const asset of sampleAssets(4)) admin.upsertAsset(asset);
    const backup = admin.seedBackup({ timestamp: '2026-10-01T08:00:00Z', bytes: 1 });
    const seededIds = admin.listAssets().map((asset) => asset.id);
    for (const asset of sampleAssets(9)) admin.upsertAsset(asset);
    expect(admin.listAssets()).toHaveLength(9);

    const restored = await fetch(`${emulator.url}/backup/${backup.id}/restore`, { method: 'POST' });
    expect(restored.status).toBe(200);
    expect(admin.listAssets().map((asset) => asset.id)).toEqual(seededIds);
    expect(await statusOf(emulator.url, 'restoration', backup.id)).toMatchObject({ value: 'COMPLETED', percentage: 100 });
  });

  it('a seed is deleted like any backup; seeds of the same content share one object, which outlives the first delete', async () => {
    const { admin } = emulator.current;
    const a = admin.seedBackup({ timestamp: '2026-12-01T00:00:00Z' });
    const b = admin.seedBackup({ timestamp: '2026-12-02T00:00:00Z' });
    expect((await fetch(`${emulator.url}/backups/${a.id}/delete`, { method: 'POST' })).status).toBe(204);
    expect((await list(emulator.url)).map((backup) => backup.id)).toEqual([b.id]);
    expect((await fetch(`${emulator.url}/backup/${b.id}/restore`, { method: 'POST' })).status).toBe(200);
  });

  it('seeds while signed out and while a creation runs (it is no operation), and reset removes seeds', async () => {
    const { admin } = emulator.current;
    admin.setState({ signedIn: false, rateBytesPerSecond: 1_000 });
    expect((await seed(emulator.url, { timestamp: '2026-12-01T00:00:00Z' })).status).toBe(201);
    admin.setState({ signedIn: true });
    const creation = fetch(`${emulator.url}/backups/create`, { method: 'POST', headers: json, body: '{}' });
    await waitFor(() => (admin.operations().creations.length === 1 ? true : undefined), 'a running creation');
    expect(admin.seedBackup({ timestamp: '2026-12-02T00:00:00Z' }).id).toMatch(/^10\.1\.4_/);
    admin.failOperation('creation');
    expect((await creation).status).toBe(500);
    await adminFetch(emulator.url, 'POST', 'reset');
    expect(await list(emulator.url)).toEqual([]);
  });

  it('refuses bad input with 400 and a message that names the field, and lists nothing', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /^timestamp is required/],
      [{ timestamp: 1764547200000 }, /^timestamp is required/],
      [{ timestamp: 'yesterday' }, /^timestamp "yesterday" is not an ISO-8601 date-time/],
      [{ timestamp: '2026-02-30T00:00:00Z' }, /is not an ISO-8601 date-time/],
      [{ timestamp: '2026-12-01T25:00:00Z' }, /is not an ISO-8601 date-time/],
      [{ timestamp: '2026-12-01T06:00:00' }, /with a zone/],
      [{ timestamp: '2026-12-01' }, /is not an ISO-8601 date-time/],
      [{ timestamp: '1969-12-31T23:59:59Z' }, /^timestamp must be at or after 1970/],
      [{ timestamp: 'x'.repeat(10_000) }, /is not an ISO-8601/],
      [{ timestamp: '2026-12-01T06:00:00Z', bytes: -1 }, /^bytes must be a non-negative integer/],
      [{ timestamp: '2026-12-01T06:00:00Z', bytes: 1.5 }, /^bytes must be a non-negative integer/],
      [{ timestamp: '2026-12-01T06:00:00Z', bytes: '10' }, /^bytes must be a non-negative integer/],
      [{ timestamp: '2026-12-01T06:00:00Z', bytes: 1e300 }, /^bytes must be a non-negative integer/],
      [{ timestamp: '2026-12-01T06:00:00Z', deviceName: 42 }, /^deviceName must be a string/],
      [{ timestamp: '2026-12-01T06:00:00Z', deviceName: '' }, /^deviceName must be a string/],
      [{ timestamp: '2026-12-01T06:00:00Z', deviceName: 'd'.repeat(257) }, /^deviceName must be a string/],
      [{ timestamp: '2026-12-01T06:00:00Z', version: '../9' }, /^version must be a version string/],
      [{ timestamp: '2026-12-01T06:00:00Z', device_name: 'laptop' }, /^unknown field "device_name"/],
      [{ timestamp: '2026-12-01T06:00:00Z', __proto__: { bytes: 1 }, id: 'x' }, /^unknown field "id"/],
      [[], /^backup seed must be a JSON object/],
      ['2026-12-01T06:00:00Z', /^backup seed must be a JSON object/],
      [null, /^backup seed must be a JSON object/],
    ];
    for (const [body, message] of cases) {
      const answer = await seed(emulator.url, body);
      expect([JSON.stringify(body).slice(0, 80), answer.status, answer.contentType]).toEqual([
        JSON.stringify(body).slice(0, 80),
        400,
        'text/plain; charset=utf-8',
      ]);
      expect(answer.text).toMatch(message);
    }
    const noBody = await rawRequest(emulator.url, { method: 'POST', path: '/__emulator/backups' });
    expect([noBody.status, noBody.body]).toEqual([400, 'a JSON body is required\n']);
    const notJson = await rawRequest(emulator.url, { method: 'POST', path: '/__emulator/backups', headers: json, body: '{"timestamp":' });
    expect([notJson.status, notJson.body]).toEqual([400, 'malformed JSON body\n']);
    const wrongMethod = await rawRequest(emulator.url, { method: 'GET', path: '/__emulator/backups' });
    expect(wrongMethod.status).toBe(405);
    expect(() => emulator.current.admin.seedBackup({ timestamp: 'soon' })).toThrow(/not an ISO-8601 date-time/);
    expect(await list(emulator.url)).toEqual([]);
  });
});
