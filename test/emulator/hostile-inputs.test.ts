import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { openSocket, rawRequest, useEmulator, wsUrl } from '../helpers/emulator.js';

function rawSocket(baseUrl: string, payload: string): Promise<string> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname, () => socket.write(payload));
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('end', () => resolve(text));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}

describe('emulator against hostile input', () => {
  const emulator = useEmulator({ allowedOrigins: ['https://app.example'] });

  const expectText = (response: { status: number; headers: Record<string, unknown>; body: string }, status: number) => {
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(response.body.length).toBeGreaterThan(0);
  };

  it('refuses a non-loopback Host with 403 and accepts loopback names with any port', async () => {
    for (const host of ['evil.example', 'evil.example:39399', '10.0.0.1', '127.0.0.1.evil.example', 'localhost:port', '127.0.0.1@evil.example']) {
      expectText(await rawRequest(emulator.url, { path: '/backups', headers: { host } }), 403);
    }
    expect(await rawSocket(emulator.url, 'GET /backups HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 403/);
    for (const host of ['localhost', 'localhost:1', '127.0.0.1:39399', '[::1]:8080', 'LOCALHOST']) {
      expect((await rawRequest(emulator.url, { path: '/.well-known/health', headers: { host } })).status, host).toBe(200);
    }
  });

  it('refuses a foreign Origin with 403; loopback and allowed origins pass', async () => {
    for (const origin of ['https://evil.example', 'null', 'http://localhost.evil.example', 'file://', 'not a url']) {
      const response = await rawRequest(emulator.url, { path: '/backups', headers: { origin } });
      expectText(response, 403);
      expect(response.body).toContain('Origin');
    }
    for (const origin of ['http://localhost:3000', 'http://127.0.0.1', 'https://app.example']) {
      expect((await rawRequest(emulator.url, { path: '/backups', headers: { origin } })).status, origin).toBe(200);
    }
  });

  it('answers 400 for traversal, encoded slashes and malformed ids before touching any file', async () => {
    for (const path of [
      '/backup/..%2F..%2Fetc',
      '/backup/..%2f..%2fetc/creation/status',
      '/backup/%2e%2e/creation/status',
      '/backup/../../etc/passwd',
      '/backup/a%5Cb',
      '/backup/a%00b',
      '/backup/%ZZ',
      '/backup/a..b',
      '/backup/-leading-dash',
      `/backup/${'a'.repeat(129)}`,
      '/backup/with%20space/creation/status',
      'http://evil.example/backups',
    ]) {
      const response = await rawRequest(emulator.url, { path, method: 'GET' });
      expectText(response, 400);
    }
    expect((await rawRequest(emulator.url, { path: `/backup/${'a'.repeat(128)}` })).status).toBe(404);
  });

  it('answers 413 for bodies over the cap, declared or chunked', async () => {
    const huge = Buffer.alloc(2 * 1024 * 1024, 0x20);
    const declared = await rawRequest(emulator.url, {
      method: 'POST',
      path: '/backup',
      headers: { 'content-type': 'application/json', 'content-length': String(huge.length) },
      body: huge,
    });
    expectText(declared, 413);
    const chunked = await rawRequest(emulator.url, {
      method: 'POST',
      path: '/backup/asset',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body: huge,
    });
    expectText(chunked, 413);
  });

  it('answers 400 for malformed JSON or a body of the wrong shape, 415 for a non-JSON type', async () => {
    const post = (body: string, type = 'application/json') =>
      rawRequest(emulator.url, { method: 'POST', path: '/backup', headers: { 'content-type': type }, body });
    expectText(await post('{"iterable": ['), 400);
    expectText(await post('{"iterable": 5}'), 400);
    expectText(await post('[1,2]'), 400);
    expectText(await post('{"iterable": []}', 'text/plain'), 415);
    const untyped = await rawRequest(emulator.url, { method: 'POST', path: '/backups/create', body: '{}' });
    expectText(untyped, 415);
    expect((await post('', 'text/plain')).status).toBe(204);
  });

  it('refuses hostile WebSocket upgrades before upgrading', async () => {
    const evilOrigin = await openSocket(wsUrl(emulator.url, '/backups/streamed/progress'), { origin: 'https://evil.example' });
    await expect(evilOrigin.opened).rejects.toThrow(/403/);
    const evilHost = await openSocket(wsUrl(emulator.url, '/backups/streamed/progress'), { headers: { host: 'evil.example' } });
    await expect(evilHost.opened).rejects.toThrow(/403/);
    const traversal = await openSocket(wsUrl(emulator.url, '/backup/..%2Fetc/restore/streamed/websocket'));
    await expect(traversal.opened).rejects.toThrow(/400/);
    const unknown = await openSocket(wsUrl(emulator.url, '/nowhere'));
    await expect(unknown.opened).rejects.toThrow(/404/);

    const noKey = await rawSocket(
      emulator.url,
      'GET /backups/streamed/progress HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
    );
    expect(noKey).toMatch(/^HTTP\/1\.1 400/);
    const plain = await rawRequest(emulator.url, { path: '/backups/streamed/progress' });
    expectText(plain, 400);
    const allowed = await openSocket(wsUrl(emulator.url, '/backups/streamed/progress'), { origin: 'http://localhost:5173' });
    await allowed.opened;
    allowed.socket.close();
  });

  it('answers garbage on the wire with 400 and keeps serving', async () => {
    expect(await rawSocket(emulator.url, 'NOT HTTP AT ALL\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await rawSocket(emulator.url, `GET /${'x'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n${'X-Big: y\r\n'.repeat(2_000)}\r\n`)).toMatch(/^HTTP\/1\.1 4\d\d/);
  });

  it('answers every hostile body on the seed, feature access and state routes with 4xx text, or a 2xx, never a crash', async () => {
    const bodies = [
      'null', 'true', '0', '-1', '"x"', '[]', '[{}]', '{}', '{"":""}', '{"__proto__":{"timestamp":"2026-01-01T00:00:00Z"}}',
      '{"constructor":{"prototype":{"bytes":1}}}', '{"timestamp":{}}', '{"timestamp":["2026-01-01T00:00:00Z"]}',
      '{"timestamp":"2026-01-01T00:00:00Z","bytes":null}', '{"timestamp":"2026-01-01T00:00:00Z","bytes":9007199254740993}',
      '{"timestamp":"\u0000"}', '{"timestamp":"2026-01-01T00:00:00.1234567890Z"}', '{"timestamp":"+275760-09-13T00:00:00Z"}',
      '{"feature":{}}', '{"feature":["CLOUD_BACKUP_CREATION"]}', '{"feature":"CLOUD_BACKUP_CREATION","context":"x"}',
      '{"features":null}', '{"features":{"__proto__":{"enabled":false}}}', '{"features":{"RESTORE_CLOUD_BACKUP":null}}',
      '{"features":{"toString":{}}}', `{"feature":"${'\\'.repeat(50_000)}"}`, '{"a":1e999}', '\ufeff{}',
    ];
    for (const path of ['/__emulator/backups', '/user/has_feature_access', '/__emulator/state']) {
      for (const body of bodies) {
        const response = await rawRequest(emulator.url, { method: path.endsWith('state') ? 'PUT' : 'POST', path, headers: { 'content-type': 'application/json' }, body });
        if (response.status >= 400) expectText(response, response.status);
        expect([path, body.slice(0, 60), response.status >= 200 && response.status < 500]).toEqual([path, body.slice(0, 60), true]);
      }
    }
    // the junk left no trace on the state and the switches
    expect((await rawRequest(emulator.url, { method: 'POST', path: '/user/has_feature_access', headers: { 'content-type': 'application/json' }, body: '{"feature":"RESTORE_CLOUD_BACKUP"}' })).body).toBe(
      '{"canUse":true,"enabled":true,"isEnterpriseUser":false}',
    );
    const ok = await rawRequest(emulator.url, { method: 'POST', path: '/__emulator/backups', headers: { 'content-type': 'application/json' }, body: '{"timestamp":"2026-01-01T00:00:00Z"}' });
    expect(ok.status).toBe(201);
    await fetch(`${emulator.url}/__emulator/reset`, { method: 'POST' });
  });

  it('still answers health after all of the above', async () => {
    const response = await fetch(`${emulator.url}/.well-known/health`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok:9.0.0\n');
  });
});
