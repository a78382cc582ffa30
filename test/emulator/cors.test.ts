import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { parseServeArgs, UsageError } from '../../src/cli/commands/serve.js';
import { startEmulator } from '../../src/emulator/index.js';
import { resolveOptions } from '../../src/emulator/options.js';
import { adminFetch, rawRequest, useEmulator, wsUrl, type RawResponse } from '../helpers/emulator.js';

const PAGE = 'http://localhost:5173';
const APP = 'https://app.example';
const EVIL = 'https://evil.example';

/** The upgrade answer as a browser's socket would get it: opened, or refused with status and text. */
function upgrade(baseUrl: string, route: string, origin: string): Promise<{ opened: true } | { status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl(baseUrl, route), { origin });
    socket.once('open', () => {
      socket.close();
      resolve({ opened: true });
    });
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    socket.once('error', reject);
  });
}

function preflight(baseUrl: string, path: string, origin: string, method: string, headers: Record<string, string> = {}) {
  return rawRequest(baseUrl, { method: 'OPTIONS', path, headers: { origin, 'access-control-request-method': method, ...headers } });
}

function expectCors(response: RawResponse, origin: string): void {
  expect(response.headers['access-control-allow-origin']).toBe(origin);
  expect(response.headers['vary']).toBe('Origin');
  expect(response.headers['access-control-expose-headers']).toBe('Retry-After');
}

function expectRefused(response: RawResponse): void {
  expect(response.status).toBe(403);
  expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
  expect(response.body).toMatch(/^forbidden: Origin .+ is not allowed/);
  expect(response.headers['access-control-allow-origin']).toBeUndefined();
}

describe('CORS for trusted origins (default: loopback origins plus allowedOrigins)', () => {
  const emulator = useEmulator({ allowedOrigins: [APP] });

  it('answers a preflight 204 with the origin echoed, the methods, the safe requested headers and a max age', async () => {
    const response = await preflight(emulator.url, '/backups/create/streamed', PAGE, 'POST', {
      'access-control-request-headers': 'Content-Type, accept, X-Request-Id, authorization, cookie, x-',
    });
    expect(response.status).toBe(204);
    expect(response.body).toBe('');
    expect(response.headers['access-control-allow-origin']).toBe(PAGE);
    expect(response.headers['vary']).toBe('Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
    expect(response.headers['access-control-allow-methods']).toBe('GET, POST');
    expect(response.headers['access-control-allow-headers']).toBe('content-type, accept, x-request-id');
    expect(response.headers['access-control-max-age']).toBe('600');
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
    expect(response.headers['access-control-allow-private-network']).toBeUndefined();
  });

  it('answers a preflight without requested headers with no Allow-Headers, and grants Private Network Access when asked', async () => {
    const response = await preflight(emulator.url, '/backups', APP, 'GET', { 'access-control-request-private-network': 'true' });
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(APP);
    expect(response.headers['access-control-allow-headers']).toBeUndefined();
    expect(response.headers['access-control-allow-private-network']).toBe('true');
  });

  it('allows PUT and DELETE in a preflight only on the admin surface; a preflight takes no fault', async () => {
    await adminFetch(emulator.url, 'POST', 'faults', { operation: 'backups_snapshot', status: 503, times: 1 });
    const admin = await preflight(emulator.url, '/__emulator/state', PAGE, 'PUT', { 'access-control-request-headers': 'content-type' });
    expect(admin.status).toBe(204);
    expect(admin.headers['access-control-allow-methods']).toBe('GET, POST, PUT, DELETE');
    const api = await preflight(emulator.url, '/backups', PAGE, 'DELETE');
    expect(api.status).toBe(405);
    expect(api.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(api.headers['allow']).toBe('GET, POST');
    expect((await preflight(emulator.url, '/backups', PAGE, 'GET')).status).toBe(204);
    // The fault is still there for the actual request, and its answer is readable cross-origin.
    const faulted = await rawRequest(emulator.url, { path: '/backups', headers: { origin: PAGE } });
    expect(faulted.status).toBe(503);
    expectCors(faulted, PAGE);
  });

  it('refuses a preflight from an untrusted origin with 403 text; OPTIONS without Origin stays 405', async () => {
    for (const origin of [EVIL, 'null', 'http://localhost.evil.example']) {
      expectRefused(await preflight(emulator.url, '/backups/create', origin, 'POST'));
    }
    const plain = await rawRequest(emulator.url, { method: 'OPTIONS', path: '/backups', headers: { 'access-control-request-method': 'GET' } });
    expect(plain.status).toBe(405);
    expect(plain.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('puts the CORS headers on 2xx JSON, on 204, and on every text error', async () => {
    const list = await rawRequest(emulator.url, { path: '/backups', headers: { origin: PAGE } });
    expect(list.status).toBe(200);
    expectCors(list, PAGE);
    expect(JSON.parse(list.body)).toHaveProperty('iterable');

    const health = await rawRequest(emulator.url, { path: '/__emulator/health', headers: { origin: APP } });
    expect(health.status).toBe(200);
    expectCors(health, APP);

    const errors: Array<[number, RawResponse]> = [
      [404, await rawRequest(emulator.url, { path: '/backup/9.0.0_1/creation/status', headers: { origin: PAGE } })],
      [400, await rawRequest(emulator.url, { method: 'POST', path: '/backups/create', headers: { origin: PAGE, 'content-type': 'application/json' }, body: '{' })],
      [400, await rawRequest(emulator.url, { path: '/backup/..%2Fetc', headers: { origin: PAGE } })],
      [405, await rawRequest(emulator.url, { method: 'DELETE', path: '/backups', headers: { origin: PAGE } })],
      [500, await rawRequest(emulator.url, { method: 'POST', path: '/backup/9.0.0_1/creation/cancel', headers: { origin: PAGE } })],
    ];
    for (const [status, response] of errors) {
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(response.body.length).toBeGreaterThan(0);
      expectCors(response, PAGE);
    }
  });

  it('puts the CORS headers on a streamed NDJSON creation, which runs to its terminal frame', async () => {
    const response = await rawRequest(emulator.url, {
      method: 'POST',
      path: '/backups/create/streamed',
      headers: { origin: PAGE, accept: 'application/x-ndjson', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expectCors(response, PAGE);
    const frames = response.body.trim().split('\n').map((line) => JSON.parse(line) as { status: string });
    expect(frames[0]!.status).toBe('INITIALIZED');
    expect(frames.at(-1)!.status).toBe('COMPLETED');
  });

  it('trusts every loopback origin, any port, http and https', async () => {
    for (const origin of ['http://127.0.0.1:1234', 'http://[::1]:8080', 'https://localhost:8443', 'http://localhost']) {
      const response = await rawRequest(emulator.url, { path: '/.well-known/health', headers: { origin } });
      expect(response.status, origin).toBe(200);
      expectCors(response, origin);
    }
  });

  it('gives same-origin and Origin-less requests no CORS headers, as before', async () => {
    const same = await rawRequest(emulator.url, { path: '/backups', headers: { origin: emulator.url } });
    const none = await rawRequest(emulator.url, { path: '/backups' });
    for (const response of [same, none]) {
      expect(response.status).toBe(200);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
      expect(response.headers['vary']).toBeUndefined();
    }
  });

  it('refuses an untrusted origin with 403 text before doing anything, on the API and the admin surface', async () => {
    const before = (await adminFetch<{ records: unknown[] }>(emulator.url, 'GET', 'operations/journal')).records.length;
    expectRefused(await rawRequest(emulator.url, { method: 'POST', path: '/backup', headers: { origin: EVIL } }));
    expectRefused(await rawRequest(emulator.url, { method: 'POST', path: '/__emulator/reset', headers: { origin: EVIL } }));
    expectRefused(await rawRequest(emulator.url, { path: '/backups', headers: { origin: 'http://127.0.0.1.evil.example:8080' } }));
    const after = (await adminFetch<{ records: unknown[] }>(emulator.url, 'GET', 'operations/journal')).records.length;
    expect(after).toBe(before);
  });

  it('refuses the WebSocket upgrade from an untrusted origin with 403 text and opens it for trusted ones', async () => {
    const refused = await upgrade(emulator.url, '/backups/streamed/progress', EVIL);
    expect(refused).toEqual({ status: 403, body: `forbidden: Origin "${EVIL}" is not allowed: start the emulator with --allow-origin ${EVIL} to trust it\n` });
    expect(await upgrade(emulator.url, '/backups/streamed/progress', APP)).toEqual({ opened: true });
    expect(await upgrade(emulator.url, '/backups/streamed/progress', 'http://127.0.0.1:3000')).toEqual({ opened: true });
  });
});

describe('CORS with loopback origins off (--no-loopback-origins)', () => {
  const emulator = useEmulator({ allowedOrigins: [PAGE], allowLoopbackOrigins: false });

  it('trusts only the listed origins, on HTTP, preflight and WebSocket', async () => {
    const listed = await rawRequest(emulator.url, { path: '/backups', headers: { origin: PAGE } });
    expect(listed.status).toBe(200);
    expectCors(listed, PAGE);
    expect((await preflight(emulator.url, '/backups/create', PAGE, 'POST')).status).toBe(204);
    expect(await upgrade(emulator.url, '/backups/streamed/progress', PAGE)).toEqual({ opened: true });

    const other = 'http://localhost:3000';
    expectRefused(await rawRequest(emulator.url, { path: '/backups', headers: { origin: other } }));
    expectRefused(await preflight(emulator.url, '/backups/create', other, 'POST'));
    expect(await upgrade(emulator.url, '/backups/streamed/progress', other)).toMatchObject({ status: 403 });
  });

  it('still serves same-origin and Origin-less requests', async () => {
    expect((await rawRequest(emulator.url, { method: 'POST', path: '/backups/create', headers: { origin: emulator.url } })).status).toBe(200);
    expect((await rawRequest(emulator.url, { path: '/backups' })).status).toBe(200);
    expect(await upgrade(emulator.url, '/backups/streamed/progress', emulator.url)).toEqual({ opened: true });
  });
});

describe('origin options', () => {
  it('normalizes origins the way browsers send them', () => {
    const resolved = resolveOptions({ allowedOrigins: ['HTTP://LocalHost:5173/', 'https://app.example:443', ' http://[::1]:80 '] });
    expect(resolved.allowedOrigins).toEqual(['http://localhost:5173', 'https://app.example', 'http://[::1]']);
    expect(resolved.allowLoopbackOrigins).toBe(true);
    expect(resolveOptions({ allowLoopbackOrigins: false }).allowLoopbackOrigins).toBe(false);
  });

  it('refuses anything that is not an http(s) origin with a clear error', async () => {
    for (const bad of ['localhost:5173', 'app.example', 'http://app.example/path', 'http://app.example?x=1', 'http://app.example#x', 'http://user@app.example', 'ftp://app.example', 'file://', 'http://app.example:99999', '']) {
      expect(() => resolveOptions({ allowedOrigins: [PAGE, bad] }), bad).toThrow(/^allowedOrigins\[1\]: not an origin: .*expected scheme:\/\/host\[:port\]/);
    }
    expect(() => resolveOptions({ allowedOrigins: ['*'] })).toThrow(/wildcard is never trusted/);
    expect(() => resolveOptions({ allowedOrigins: ['null'] })).toThrow(/"null" is the origin of file:\/\/ and sandboxed pages/);
    expect(() => resolveOptions({ allowedOrigins: PAGE as unknown as string[] })).toThrow(/must be an array/);
    await expect(startEmulator({ port: 0, allowedOrigins: ['localhost:5173'] })).rejects.toThrow(RangeError);
  });

  it('serve takes --allow-origin (repeatable) and --no-loopback-origins', () => {
    expect(parseServeArgs(['--allow-origin', 'http://localhost:5173', '--allow-origin', 'HTTPS://App.Example'])).toEqual({
      allowedOrigins: ['http://localhost:5173', 'https://app.example'],
    });
    expect(parseServeArgs(['--no-loopback-origins'])).toEqual({ allowLoopbackOrigins: false });
    expect(() => parseServeArgs(['--allow-origin', 'localhost:5173'])).toThrow(UsageError);
    expect(() => parseServeArgs(['--allow-origin', 'localhost:5173'])).toThrow(/^--allow-origin: not an origin: "localhost:5173"/);
    expect(() => parseServeArgs(['--allow-origin'])).toThrow(/--allow-origin needs a value/);
  });
});
